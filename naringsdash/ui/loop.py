"""Streamlit glue for the styrgrupp's loop: the meeting chosen in Mötesläge (``?mote=ID``), its slides "Beslut att
följa upp" and "Vad näringslivet säger", the decision form on a slide, and the open decisions on the activity rows
and the Målområde page (the page "Möten och beslut" is in ``ui_moten``).

Every write goes through ``meetings``/``synpunkter`` with the user as the users table has it now
(``auth.stored_user``), so neither a widget nor a query parameter lets a läsare write. Text from users is rendered as
plain text (escaped HTML or ``ui.md``), never as HTML or Markdown.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Callable

import pandas as pd
import streamlit as st

from .. import auth, config, meetings, store, synpunkter
from . import common as ui
from .nav import current_user

MOTE = "mote"
MSG = "_loop_meddelande_"   # + section: "mote" (meetings and the slide form), "beslut", "syn"
OPEN_ROWS = 3        # open decisions listed on a målområde slide
FOLLOW_ROWS = 8      # rows on the slide "Beslut att följa upp"


# --- Cached reads (keyed on the data version) ---------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _read(name: str, db: store.Store, version: int, today: dt.date, arg: object = None):
    if name == "meetings":
        return meetings.meetings(db)
    if name == "meeting":
        return meetings.get_meeting(arg, db)
    if name == "previous":
        return meetings.previous_meeting(arg, db)
    if name == "decisions":
        return meetings.decisions(db, today=today)
    if name == "follow_up":
        return meetings.follow_up(arg, db, today=today)
    if name == "open_by_activity":
        return meetings.open_by_activity(db, today=today)
    if name == "synpunkter":
        return synpunkter.listing(db)
    if name == "history":
        return meetings.decision_history(arg, db)
    if name == "synpunkt_history":
        return synpunkter.history(arg, db)
    raise KeyError(name)


def read(d: ui.Data, name: str, arg: object = None):
    return _read(name, d.db, d.version, d.today, arg)


def message(section: str) -> None:
    """The outcome of the last write in this section, shown once where its form is."""
    msg = st.session_state.pop(MSG + section, None)
    if msg:
        (st.error if msg[0] == "error" else st.success)(msg[1])


def writer(db: store.Store) -> auth.User | None:
    """The signed-in user as stored now (a removed or demoted account cannot write from an old session)."""
    return auth.stored_user(current_user(), db)


# --- The meeting chosen in Mötesläge ---------------------------------------------------------


def chosen_meeting(d: ui.Data) -> dict | None:
    """The meeting ``?mote=ID`` names, or None (no parameter, or a meeting that does not exist)."""
    raw = st.query_params.get(MOTE, "")
    return read(d, "meeting", int(raw)) if raw.isdigit() else None


def meeting_period_to_url(d: ui.Data) -> None:
    """Before the filters: a link to a meeting without a period shows the period the meeting follows up."""
    m = chosen_meeting(d)
    if m is not None and "period" not in st.query_params and m["period"] in d.periods():
        st.query_params["period"] = m["period"]


def page_title(d: ui.Data) -> str:
    m = chosen_meeting(d)
    return meetings.title(m) if m else "Mötesläge"


def previous(d: ui.Data, mote: dict | None) -> dict | None:
    return read(d, "previous", mote["id"]) if mote else None


def meeting_text(d: ui.Data, mote: dict) -> str:
    """``Mötet 2026-09-22 följer upp 2026 Delår (T2) · förra mötet 2026-05-19 (2026 Tertial 1)``."""
    prev = previous(d, mote)
    text = f"{meetings.title(mote)} följer upp {config.period_label(mote['period'])}"
    return text + (f" · förra mötet {prev['datum']:%Y-%m-%d} ({config.period_label(prev['period'])})" if prev
                   else " · första mötet")


def meeting_caption(d: ui.Data, mote: dict | None) -> None:
    """Which meeting, which period it follows up, and the meeting before."""
    if mote:
        st.caption(ui.md(meeting_text(d, mote)))


def caption(d: ui.Data, sel: ui.Selection, mote: dict | None, comparison=None) -> None:
    """Mötesläge's caption: the period and its as-of date, and with a meeting chosen the meeting (one line)."""
    if not mote:
        ui.period_caption(d, sel, compared=comparison)
        return
    st.caption(ui.md(f"{config.period_label(sel.period)} · läget per {config.as_of_date(sel.period, d.today)} · "
                     + meeting_text(d, mote)))


# --- Slides -----------------------------------------------------------------------------------


def _target(row) -> str:
    if isinstance(row.get("aktivitet_id"), str) and row["aktivitet_id"]:
        name = row["aktivitet"] if isinstance(row.get("aktivitet"), str) else ""
        return f"{row['aktivitet_forvaltning']} {row['aktivitet_id']} {name}".strip()
    return "Hela målområdet"


def day(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _status(row) -> str:
    return "Öppen, försenad" if row["status"] == "Öppen" and bool(row["forsenad"]) else str(row["status"])


def decision_frame(df: pd.DataFrame, *, meeting: bool = True) -> pd.DataFrame:
    """Decisions as a plain table with Swedish headers."""
    rows = [{"Nr": int(r["id"]), "Status": _status(r), "Mål": int(r["malomrade"]), "Gäller": _target(r),
             "Beslut": r["text"], "Ansvar": r["agare"] + (f", {r['roll']}" if isinstance(r["roll"], str) else ""),
             "Klart senast": day(r["forfaller"]), **({"Mötet": day(r["mote_datum"])} if meeting else {})}
            for _, r in df.iterrows()]
    return pd.DataFrame(rows, columns=["Nr", "Status", "Mål", "Gäller", "Beslut", "Ansvar", "Klart senast"]
                        + (["Mötet"] if meeting else []))


def slide_follow_up(m, table: Callable) -> None:
    """The slide "Beslut att följa upp": decisions of earlier meetings still open (overdue first) and those closed
    since the meeting before."""
    df = read(m.d, "follow_up", m.mote["id"])
    if df.empty:
        st.info("Inga beslut från tidigare möten att följa upp.", icon=":material/task_alt:")
    else:
        n_open, late = int((df["status"] == "Öppen").sum()), int(df["forsenad"].sum())
        closed = len(df) - n_open
        st.subheader(f"{n_open} {'öppet' if n_open == 1 else 'öppna'} beslut, varav {late} "
                     f"{'försenat' if late == 1 else 'försenade'}; {closed} "
                     f"{'avslutat' if closed == 1 else 'avslutade'} sedan förra mötet")
        table(decision_frame(df.head(FOLLOW_ROWS)), [5, 13, 5, 22, 31, 14, 10, 10])
        if len(df) > FOLLOW_ROWS:
            st.caption(f"… och {len(df) - FOLLOW_ROWS} till: se sidan Möten och beslut.")
    decision_form(m, None)


_LINE = "margin:0.1em 0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis"


def open_box(m, nr: int, rows: int = OPEN_ROWS) -> None:
    """On a målområde slide with a meeting chosen: its first ``rows`` open decisions, overdue first, one line each
    (the whole text on hover)."""
    df = read(m.d, "decisions")
    df = df[(df["malomrade"] == nr) & (df["status"] == "Öppen")]
    if df.empty:
        return
    lines = [("FÖRSENAT: " if r["forsenad"] else "") + meetings.describe(r) + (
        f" · {r['aktivitet_forvaltning']} {r['aktivitet_id']}" if isinstance(r["aktivitet_id"], str) else "")
        for _, r in df.head(rows).iterrows()]
    items = "".join(f'<li title="{html.escape(t)}" style="{_LINE}">{html.escape(t)}</li>' for t in lines)
    shown = (f", {'den första visas' if rows == 1 else f'de {rows} första visas'}" if len(df) > rows else "")
    st.html(f'<div class="nd-oppna-beslut" style="font-size:0.85rem;line-height:1.35;color:#111111">'
            f'<b>Öppna beslut ({len(df)}{shown})</b><ul style="margin:0 0 0 1.1em;padding:0">{items}</ul></div>')


def slide_synpunkter(m, table: Callable) -> None:
    """The slide "Vad näringslivet säger": the year's summary, per målområde, and the latest synpunkter."""
    df = read(m.d, "synpunkter")
    if m.mote:  # what had come in by the day of the meeting
        df = df[pd.to_datetime(df["datum"]) <= pd.Timestamp(m.mote["datum"])]
    year = m.mote["datum"].year if m.mote else m.d.today.year
    st.subheader(synpunkter.summary_text(df, year))
    if df.empty:
        return
    names = ui.reference().malomraden
    per = synpunkter.per_malomrade(df[pd.to_datetime(df["datum"]).dt.year == year])
    if not per.empty:
        table(pd.DataFrame({"Målområde": [f"{n}. {names.get(n, '')}" for n in per["malomrade"]],
                            "Synpunkter": per["antal"], "Obesvarade": per["obesvarade"],
                            "Senaste": [day(x) for x in per["senaste"]],
                            "Senaste synpunkten": per["senaste_sammanfattning"]}), [26, 10, 10, 10, 44])
    st.subheader("Senaste synpunkterna")
    latest = df.head(2 if m.kiosk else 5)  # the shared screen's type is large: the newest two
    table(pd.DataFrame({"Datum": [day(x) for x in latest["datum"]], "Källa": latest["kalla"],
                        "Mål": latest["malomrade"].astype(int), "Synpunkt": latest["sammanfattning"],
                        "Status": latest["status"]}), [10, 14, 5, 56, 15])


# --- The decision form on a slide -------------------------------------------------------------


def _next_period_end(period: str) -> dt.date:
    year, t = int(period[:4]), int(period[-1])
    nxt = f"{year + 1}-T1" if t == 3 else f"{year}-T{t + 1}"
    return config.period_end(nxt)


def decision_form(m, nr: int | None, *, in_header: bool = False, slide_kind: str | None = None) -> None:
    """For an admin at a chosen meeting: record a decision with few keystrokes (text, Enter). On a målområde slide
    it is about that målområde or one of its activities; on "Beslut att följa upp" about any målområde.

    Below the slide; in kiosk mode in a popover in the header (``in_header``), so the slide keeps its room."""
    if in_header != m.kiosk or (in_header and slide_kind not in ("malomrade", "forsenade", "beslut")):
        return
    message("mote")
    if not m.mote or not auth.can(current_user(), "manage_meetings"):
        return
    if in_header:
        with st.popover("Nytt beslut", icon=":material/gavel:", width="stretch"):
            _decision_fields(m, nr, narrow=True)
        return
    with st.expander("Nytt beslut eller åtgärdspunkt", icon=":material/gavel:", expanded=True):
        _decision_fields(m, nr)


def _decision_fields(m, nr: int | None, narrow: bool = False) -> None:
    ref = ui.reference()
    acts = m.d.activities(ui.Selection(m.sel.period))
    targets = [f"m:{n}" for n in ([nr] if nr else sorted(ref.malomraden))]
    scope = acts if nr is None else acts[acts["malomrade"] == nr]
    targets += [f"a:{f}|{a}" for f, a in zip(scope["forvaltning"], scope["aktivitet_id"])]
    names = {f"a:{f}|{a}": f"{f} {a} {t}" for f, a, t in zip(scope["forvaltning"], scope["aktivitet_id"],
                                                           scope["aktivitet"])}
    label = (lambda t: f"Målområde {t[2:]}. {ref.malomrade_name(int(t[2:]))}" if t.startswith("m:") else names[t])
    key = f"beslut_{m.mote['id']}_{nr or 0}"
    with st.form(key, border=False, enter_to_submit=True):
        st.text_input("Beslut", key=key + "_text", max_chars=meetings.MAX_TEXT,
                      placeholder="Skriv beslutet och tryck Enter")
        c1, c2, c3, c4 = [st] * 4 if narrow else st.columns([4, 2, 2, 2])
        c1.selectbox("Gäller", targets, format_func=label, key=key + "_mal")
        c2.selectbox("Ansvarig förvaltning", list(ref.forvaltningar), index=None, key=key + "_agare",
                     placeholder="Aktivitetens förvaltning")
        c3.text_input("Roll (valfri)", key=key + "_roll", max_chars=meetings.MAX_NAME)
        c4.date_input("Klart senast", value=_next_period_end(m.mote["period"]), key=key + "_due",
                      format="YYYY-MM-DD")
        st.form_submit_button("Spara beslut", icon=":material/save:", type="primary", on_click=_save_decision,
                              args=(m.d.db, m.mote["id"], key), key=key + "_spara")


def _save_decision(db: store.Store, meeting_id: int, key: str) -> None:
    s = st.session_state
    target, owner = s.get(key + "_mal") or "", s.get(key + "_agare")
    kwargs: dict = {}
    if target.startswith("a:"):
        fv, aid = target[2:].split("|", 1)
        kwargs["aktivitet"] = (fv, aid)
        owner = owner or fv
    else:
        kwargs["malomrade"] = target[2:]
        if not owner:
            s[MSG + "mote"] = ("error", "Välj ansvarig förvaltning för ett beslut om hela målområdet.")
            return
    try:
        did = meetings.add_decision(meeting_id, s.get(key + "_text"), owner, s.get(key + "_due"), writer(db), db,
                                    roll=s.get(key + "_roll"), ref=ui.reference(), **kwargs)
    except (meetings.MeetingError, auth.PermissionDenied, store.DatabaseBusy) as exc:
        s[MSG + "mote"] = ("error", str(exc))
        return
    s[key + "_text"] = ""
    s[key + "_roll"] = ""
    s[MSG + "mote"] = ("success", f"Beslut {did} är sparat.")


# --- Activity rows (Målområde, Försenade) ---------------------------------------------------


def with_open_decisions(d: ui.Data, activities: pd.DataFrame) -> pd.DataFrame:
    """The activities with the column ``oppna_beslut`` (the open decisions on each as text)."""
    return meetings.with_open_decisions(activities, read(d, "open_by_activity"))


def overdue_with_decisions(d: ui.Data, sel: ui.Selection) -> pd.DataFrame:
    """The selection's overdue activities with their open decisions (Försenade aktiviteter), built once per data
    version and selection and shared, not copied, by later runs (``ui.derived``): do not modify the frame."""
    return ui.derived("overdue_with_decisions", d, ui.sel_key(sel),
                      lambda: with_open_decisions(d, d.overdue(sel)))


def malomrade_section(d: ui.Data, nr: int) -> None:
    """On the Målområde page: the open decisions on the målområde and what näringslivet has said about it."""
    st.header("Beslut och synpunkter")
    dec = read(d, "decisions")
    dec = dec[(dec["malomrade"] == nr) & (dec["status"] == "Öppen")]
    if dec.empty:
        st.caption("Inga öppna beslut från styrgruppen om målområdet.")
    else:
        st.caption(f"{len(dec)} öppna beslut från styrgruppen, försenade först.")
        st.dataframe(decision_frame(dec), hide_index=True, width="stretch")
    syn = read(d, "synpunkter")
    syn = syn[syn["malomrade"] == nr]
    if syn.empty:
        st.caption("Inga synpunkter från näringslivet om målområdet.")
    else:
        last = syn.iloc[0]
        st.caption(ui.md(f"{len(syn)} synpunkter från näringslivet, "
                         f"{int((~syn['status'].isin(synpunkter.ANSWERED)).sum())} obesvarade. Senaste "
                         f"({day(last['datum'])}, {last['kalla']}): {last['sammanfattning']}"))
    st.page_link("pages/moten.py", label="Möten och beslut", icon=":material/gavel:")

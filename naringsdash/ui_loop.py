"""Streamlit glue for the styrgrupp's loop: the meeting chosen in Mötesläge (``?mote=ID``), its slides "Beslut att
följa upp" and "Vad näringslivet säger", the decision form on a slide, the open decisions on the activity rows, and
the sections of the page "Möten och beslut" (meetings, decisions, synpunkter).

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

from . import auth, config, export, meetings, protocol, store, synpunkter, ui

MOTE = "mote"
_MSG = "_loop_meddelande_"   # + section: "mote" (meetings and the slide form), "beslut", "syn"
OPEN_ROWS = 3        # open decisions listed on a målområde slide
FOLLOW_ROWS = 8      # rows on the slide "Beslut att följa upp"


# --- Cached reads (keyed on the data version) ---------------------------------------------


@st.cache_data(show_spinner=False, max_entries=256)
def _read(name: str, db: str, version: int, today: dt.date, arg: object = None):
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


def _message(section: str) -> None:
    """The outcome of the last write in this section, shown once where its form is."""
    msg = st.session_state.pop(_MSG + section, None)
    if msg:
        (st.error if msg[0] == "error" else st.success)(msg[1])


def _writer(db: str) -> auth.User | None:
    """The signed-in user as stored now (a removed or demoted account cannot write from an old session)."""
    return auth.stored_user(ui.current_user(), db)


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


def caption(d: ui.Data, sel: ui.Selection, mote: dict | None) -> None:
    """Mötesläge's caption: the period and its as-of date, and with a meeting chosen the meeting (one line)."""
    if not mote:
        ui.period_caption(d, sel)
        return
    st.caption(ui.md(f"{config.period_label(sel.period)} · läget per {config.as_of_date(sel.period, d.today)} · "
                     + meeting_text(d, mote)))


# --- Slides -----------------------------------------------------------------------------------


def _target(row) -> str:
    if isinstance(row.get("aktivitet_id"), str) and row["aktivitet_id"]:
        name = row["aktivitet"] if isinstance(row.get("aktivitet"), str) else ""
        return f"{row['aktivitet_forvaltning']} {row['aktivitet_id']} {name}".strip()
    return "Hela målområdet"


def _day(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _status(row) -> str:
    return "Öppen, försenad" if row["status"] == "Öppen" and bool(row["forsenad"]) else str(row["status"])


def decision_frame(df: pd.DataFrame, *, meeting: bool = True) -> pd.DataFrame:
    """Decisions as a plain table with Swedish headers."""
    rows = [{"Nr": int(r["id"]), "Status": _status(r), "Mål": int(r["malomrade"]), "Gäller": _target(r),
             "Beslut": r["text"], "Ansvar": r["agare"] + (f", {r['roll']}" if isinstance(r["roll"], str) else ""),
             "Klart senast": _day(r["forfaller"]), **({"Mötet": _day(r["mote_datum"])} if meeting else {})}
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
                            "Senaste": [_day(x) for x in per["senaste"]],
                            "Senaste synpunkten": per["senaste_sammanfattning"]}), [26, 10, 10, 10, 44])
    st.subheader("Senaste synpunkterna")
    latest = df.head(5)
    table(pd.DataFrame({"Datum": [_day(x) for x in latest["datum"]], "Källa": latest["kalla"],
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
    _message("mote")
    if not m.mote or not auth.can(ui.current_user(), "manage_meetings"):
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


def _save_decision(db: str, meeting_id: int, key: str) -> None:
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
            s[_MSG + "mote"] = ("error", "Välj ansvarig förvaltning för ett beslut om hela målområdet.")
            return
    try:
        did = meetings.add_decision(meeting_id, s.get(key + "_text"), owner, s.get(key + "_due"), _writer(db), db,
                                    roll=s.get(key + "_roll"), ref=ui.reference(), **kwargs)
    except (meetings.MeetingError, auth.PermissionDenied, store.DatabaseBusy) as exc:
        s[_MSG + "mote"] = ("error", str(exc))
        return
    s[key + "_text"] = ""
    s[key + "_roll"] = ""
    s[_MSG + "mote"] = ("success", f"Beslut {did} är sparat.")


# --- Activity rows (Målområde, Försenade) ---------------------------------------------------


OPEN_LABEL = {"oppna_beslut": "Öppna beslut"}


def with_open_decisions(d: ui.Data, activities: pd.DataFrame) -> pd.DataFrame:
    """The activities with the column ``oppna_beslut`` (the open decisions on each as text)."""
    return meetings.with_open_decisions(activities, read(d, "open_by_activity"))


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
                         f"({_day(last['datum'])}, {last['kalla']}): {last['sammanfattning']}"))
    st.page_link("pages/moten.py", label="Möten och beslut", icon=":material/gavel:")


# --- The page "Möten och beslut" -----------------------------------------------------------------


def meetings_section(d: ui.Data, agenda_for: Callable[[str], list[str]], period: str | None = None) -> None:
    """The meetings: list, one meeting in detail with its protocol, and (admin) a new meeting (following up
    ``period`` unless the admin picks another)."""
    _message("mote")
    user = ui.current_user()
    if auth.can(user, "manage_meetings"):
        _new_meeting_form(d, agenda_for, period)
    ms = read(d, "meetings")
    if ms.empty:
        st.info("Inga möten är registrerade ännu.", icon=":material/event:")
        return
    st.dataframe(pd.DataFrame({"Datum": [_day(x) for x in ms["datum"]],
                               "Följer upp": [config.period_label(p) for p in ms["period"]],
                               "Förvaltningar närvarande": ms["deltagande"], "Beslut": ms["beslut"]}),
                 hide_index=True, width="stretch")
    ids = ms["id"].astype(int).tolist()
    raw = st.query_params.get(MOTE, "")
    chosen = st.selectbox("Möte", ids, index=ids.index(int(raw)) if raw.isdigit() and int(raw) in ids else 0,
                          format_func=lambda i: meetings.title(read(d, "meeting", i)), key="moten_valt")
    mote = read(d, "meeting", chosen)
    meeting_caption(d, mote)
    st.markdown("**Närvarande:** " + ui.md(", ".join(f"{c} ({who})" if who else c for c, who in mote["attendance"])))
    if mote["agenda"]:
        with st.expander("Dagordning", icon=":material/list:"):
            st.markdown("\n".join(f"{i}. {ui.md(a)}" for i, a in enumerate(mote["agenda"], 1)))
    st.page_link("pages/moteslage.py", label=f"Öppna {meetings.title(mote).lower()} i Mötesläge",
                 icon=":material/co_present:", query_params={MOTE: str(chosen), "period": mote["period"]})
    dec = read(d, "decisions")
    taken = dec[dec["meeting_id"] == chosen].sort_values("id")
    st.subheader(f"Beslut vid mötet ({len(taken)})")
    if not taken.empty:
        st.dataframe(decision_frame(taken, meeting=False), hide_index=True, width="stretch")
    follow = read(d, "follow_up", chosen)
    st.subheader(f"Beslut från tidigare möten att följa upp ({len(follow)})")
    if not follow.empty:
        st.dataframe(decision_frame(follow), hide_index=True, width="stretch")
    name = f"protokoll_{mote['datum']:%Y-%m-%d}"
    left, right, _ = st.columns([1, 1, 3])
    left.download_button("Protokoll (Word)", data=lambda: protocol.docx_bytes(_protocol(d.db, chosen, d.today)),
                         file_name=f"{name}.docx", icon=":material/download:", on_click="ignore",
                         mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         key=f"protokoll_docx_{chosen}")
    right.download_button("Protokoll (PDF)", data=lambda: protocol.pdf_bytes(_protocol(d.db, chosen, d.today)),
                          file_name=f"{name}.pdf", icon=":material/download:", on_click="ignore",
                          mime="application/pdf", key=f"protokoll_pdf_{chosen}")


def _protocol(db: str, meeting_id: int, today: dt.date) -> meetings.Protocol:
    with store.connect(db) as con:
        return meetings.protocol(con, meeting_id, today=today, ref=ui.reference())


def _new_meeting_form(d: ui.Data, agenda_for: Callable[[str], list[str]], period: str | None) -> None:
    ref = ui.reference()
    periods = d.periods()
    with st.expander("Nytt möte", icon=":material/add:"):
        if not periods:
            st.info("Det finns ingen uppföljning att följa upp ännu.")
            return
        with st.form("nytt_mote", border=False):
            c1, c2 = st.columns(2)
            c1.date_input("Datum", value=d.today, key="mote_ny_datum", format="YYYY-MM-DD")
            c2.selectbox("Följer upp perioden", periods, format_func=config.period_label, key="mote_ny_period",
                         index=periods.index(period) if period in periods else 0)
            st.multiselect("Närvarande förvaltningar", list(ref.forvaltningar), default=list(ref.forvaltningar),
                           format_func=lambda c: f"{c} – {ref.forvaltningar[c]}", key="mote_ny_narvaro")
            st.text_area("Namn eller roll per förvaltning (valfritt, en rad per förvaltning)", key="mote_ny_roller",
                         placeholder="KLF: Näringslivschef\nSBF: Planchef", height=110,
                         help="Bara namn eller roll: inga andra personuppgifter.")
            st.caption("Dagordningen blir bilderna i Mötesläge för perioden.")
            st.form_submit_button("Skapa möte", icon=":material/event:", type="primary", on_click=_create_meeting,
                                  args=(d.db, agenda_for), key="mote_ny_skapa")


def _create_meeting(db: str, agenda_for: Callable[[str], list[str]]) -> None:
    s = st.session_state
    ref = ui.reference()
    roles: dict[str, str] = {}
    for line in str(s.get("mote_ny_roller") or "").splitlines():
        if ":" in line:
            code, who = line.split(":", 1)
            roles[ref.forvaltning_code(code) or code.strip()] = who.strip()
    unknown = [c for c in roles if c not in ref.forvaltningar]
    if unknown:
        s[_MSG + "mote"] = ("error", f"Okänd förvaltning i listan med roller: {', '.join(unknown)}.")
        return
    present = list(s.get("mote_ny_narvaro") or [])
    try:
        mid = meetings.create_meeting(s.get("mote_ny_datum"), s.get("mote_ny_period"),
                                      [(c, roles.get(c)) for c in present], _writer(db), db,
                                      agenda=agenda_for(s.get("mote_ny_period")), ref=ref)
    except (meetings.MeetingError, auth.PermissionDenied, store.DatabaseBusy) as exc:
        s[_MSG + "mote"] = ("error", str(exc))
        return
    s[_MSG + "mote"] = ("success", f"Mötet är skapat (nummer {mid}).")


def decisions_section(d: ui.Data) -> None:
    """Every decision with filters; an admin changes status, and anyone sees a decision's history."""
    ref = ui.reference()
    dec = read(d, "decisions")
    c1, c2, c3, c4 = st.columns([2, 3, 2, 1.4], vertical_alignment="bottom")
    status = c1.multiselect("Status", meetings.DECISION_STATUSES, default=["Öppen"], key="beslut_status",
                            placeholder="Alla")
    mal = c2.multiselect("Målområde", list(ref.malomraden), key="beslut_mal", placeholder="Alla målområden",
                         format_func=lambda n: f"{n}. {ref.malomraden[n]}")
    owner = c3.multiselect("Ansvarig förvaltning", list(ref.forvaltningar), key="beslut_agare", placeholder="Alla")
    late = c4.checkbox("Bara försenade", key="beslut_forsenade")
    view = dec
    if status:
        view = view[view["status"].isin(status)]
    if mal:
        view = view[view["malomrade"].isin(mal)]
    if owner:
        view = view[view["agare"].isin(owner)]
    if late:
        view = view[view["forsenad"]]
    st.caption(f"{len(view)} av {len(dec)} beslut · försenade först, sedan efter datum för klart senast.")
    frame = decision_frame(view)
    st.dataframe(frame, hide_index=True, width="stretch")
    left, right, _ = st.columns([1, 1, 3])
    left.download_button("Ladda ner Excel", data=lambda: export.xlsx_bytes({"Beslut": frame}, title="Beslut"),
                         file_name="beslut.xlsx", icon=":material/download:", on_click="ignore", key="beslut_xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    right.download_button("Ladda ner CSV", data=lambda: export.people_csv(frame), file_name="beslut.csv",
                          mime="text/csv", icon=":material/download:", on_click="ignore", key="beslut_csv")
    if dec.empty:
        return
    ids = dec.sort_values("id")["id"].astype(int).tolist()
    texts = dict(zip(dec["id"].astype(int), dec["text"]))
    _message("beslut")
    with st.expander("Ett besluts historik", icon=":material/history:"):
        pick = st.selectbox("Beslut", ids, format_func=lambda i: f"{i}. {texts[i][:80]}", key="beslut_historik")
        hist = read(d, "history", pick)
        st.dataframe(pd.DataFrame({"Version": hist["version"], "Status": hist["status"], "Beslut": hist["text"],
                                   "Ansvar": hist["agare"], "Klart senast": [_day(x) for x in hist["forfaller"]],
                                   "Kommentar": hist["kommentar"], "Ändrat av": hist["user_name"],
                                   "Ändrat": [pd.Timestamp(x).strftime("%Y-%m-%d %H:%M") for x in hist["changed_at"]]}),
                     hide_index=True, width="stretch")
    if not auth.can(ui.current_user(), "manage_meetings"):
        return
    with st.expander("Ändra status eller följ upp ett beslut", icon=":material/edit:"):
        with st.form("beslut_andra", border=False):
            st.selectbox("Beslut", ids, format_func=lambda i: f"{i}. {texts[i][:80]}", key="beslut_andra_id")
            st.radio("Ny status", meetings.DECISION_STATUSES, horizontal=True, key="beslut_andra_status")
            st.text_input("Kommentar (vad kom det av beslutet?)", key="beslut_andra_kommentar",
                          max_chars=meetings.MAX_TEXT)
            st.form_submit_button("Spara ändringen", icon=":material/save:", type="primary",
                                  on_click=_change_decision, args=(d.db,), key="beslut_andra_spara")


def _change_decision(db: str) -> None:
    s = st.session_state
    comment = s.get("beslut_andra_kommentar")
    try:
        version, same = meetings.change_decision(
            s.get("beslut_andra_id"), _writer(db), db, status=s.get("beslut_andra_status"), ref=ui.reference(),
            **({"kommentar": comment} if comment else {}))
    except (meetings.MeetingError, auth.PermissionDenied, store.DatabaseBusy) as exc:
        s[_MSG + "beslut"] = ("error", str(exc))
        return
    s[_MSG + "beslut"] = ("success", "Ingen ändring." if same else f"Beslutet är ändrat (version {version}).")


def synpunkter_section(d: ui.Data) -> None:
    """The log of synpunkter with filters; writers add and answer; an admin keeps the list of sources."""
    ref = ui.reference()
    df = read(d, "synpunkter")
    st.markdown(ui.md(synpunkter.summary_text(df, d.today.year)))
    c1, c2, c3, c4 = st.columns(4)
    status = c1.multiselect("Status", synpunkter.STATUSES, key="syn_status", placeholder="Alla")
    mal = c2.multiselect("Målområde", list(ref.malomraden), key="syn_mal", placeholder="Alla målområden",
                         format_func=lambda n: f"{n}. {ref.malomraden[n]}")
    kalla = c3.multiselect("Källa", sorted(set(synpunkter.sources(ref)) | set(df["kalla"])), key="syn_kalla",
                           placeholder="Alla")
    years = sorted({int(y) for y in pd.to_datetime(df["datum"]).dt.year}, reverse=True) if not df.empty else []
    year = c4.selectbox("År", [None] + years, format_func=lambda y: "Alla år" if y is None else str(y),
                        key="syn_ar")
    view = df
    if status:
        view = view[view["status"].isin(status)]
    if mal:
        view = view[view["malomrade"].isin(mal)]
    if kalla:
        view = view[view["kalla"].isin(kalla)]
    if year:
        view = view[pd.to_datetime(view["datum"]).dt.year == year]
    st.caption(f"{len(view)} av {len(df)} synpunkter, senaste först.")
    frame = pd.DataFrame({"Nr": view["id"].astype(int), "Datum": [_day(x) for x in view["datum"]],
                          "Källa": view["kalla"], "Mål": view["malomrade"].astype(int),
                          "Förvaltning": view["forvaltning"], "Företag": view["organisation"],
                          "Synpunkt": view["sammanfattning"], "Svar/åtgärd": view["svar"],
                          "Aktivitet": [f"{f} {a}" if isinstance(a, str) else "" for f, a in
                                        zip(view["aktivitet_forvaltning"], view["aktivitet_id"])],
                          "Beslut": ["" if pd.isna(b) else str(int(b)) for b in view["beslut_id"]],
                          "Status": view["status"]})
    st.dataframe(frame.astype(object).where(frame.notna(), ""), hide_index=True, width="stretch")
    _message("syn")
    if not df.empty:
        with st.expander("En synpunkts historik", icon=":material/history:"):
            ids = df["id"].astype(int).tolist()
            texts = dict(zip(ids, df["sammanfattning"]))
            pick = st.selectbox("Synpunkt", ids, format_func=lambda i: f"{i}. {texts[i][:80]}", key="syn_historik")
            hist = read(d, "synpunkt_history", pick)
            st.dataframe(pd.DataFrame({"Version": hist["version"], "Status": hist["status"],
                                       "Synpunkt": hist["sammanfattning"], "Svar/åtgärd": hist["svar"],
                                       "Ändrat av": hist["user_name"],
                                       "Ändrat": [pd.Timestamp(x).strftime("%Y-%m-%d %H:%M")
                                                  for x in hist["changed_at"]]}), hide_index=True, width="stretch")
    user = ui.current_user()
    if not auth.can(user, "write_synpunkt"):
        return
    own = auth.allowed_forvaltningar(user, "write_synpunkt", list(ref.forvaltningar))
    _new_synpunkt_form(d, ref, own, user.role == "admin")
    writable = df if user.role == "admin" else df[df["forvaltning"].isin(own)]
    if not writable.empty:
        _answer_form(d, writable)
    if auth.can(user, "edit_reference"):
        with st.expander("Källor (listan i formuläret)", icon=":material/list:"):
            with st.form("syn_kallor", border=False):
                st.text_area("En källa per rad", value="\n".join(synpunkter.sources(ref)), key="syn_kallor_text")
                st.form_submit_button("Spara listan", on_click=_save_sources)


def _new_synpunkt_form(d: ui.Data, ref: config.Reference, own: list[str], admin: bool) -> None:
    with st.expander("Ny synpunkt", icon=":material/add_comment:"):
        st.warning(synpunkter.PRIVACY_NOTE, icon=":material/privacy_tip:")
        with st.form("syn_ny", border=False):
            c1, c2, c3, c4 = st.columns(4)
            c1.date_input("Datum", value=d.today, key="syn_ny_datum", format="YYYY-MM-DD")
            c2.selectbox("Källa", synpunkter.sources(ref), key="syn_ny_kalla")
            c3.selectbox("Målområde", list(ref.malomraden), key="syn_ny_mal",
                         format_func=lambda n: f"{n}. {ref.malomraden[n]}")
            c4.selectbox("Förvaltning", own, index=None if admin else 0, key="syn_ny_fv",
                         placeholder="Ingen särskild")
            st.text_input("Företag (valfritt: bara ett företags eller en organisations namn)", key="syn_ny_org",
                          max_chars=synpunkter.MAX_ORG)
            st.text_area("Sammanfattning", key="syn_ny_text", max_chars=synpunkter.MAX_TEXT, height=90)
            st.text_area("Svar/åtgärd (valfritt)", key="syn_ny_svar", max_chars=synpunkter.MAX_TEXT, height=70)
            c5, c6, c7 = st.columns(3)
            c5.text_input("Aktivitets-ID (valfritt, i förvaltningen ovan)", key="syn_ny_aktivitet")
            c6.number_input("Beslut nr (valfritt)", min_value=0, step=1, value=None, key="syn_ny_beslut")
            c7.selectbox("Status", synpunkter.STATUSES, key="syn_ny_status")
            st.form_submit_button("Spara synpunkt", icon=":material/save:", type="primary", on_click=_add_synpunkt,
                                  args=(d.db,), key="syn_ny_spara")


def _add_synpunkt(db: str) -> None:
    s = st.session_state
    fields = {"datum": s.get("syn_ny_datum"), "kalla": s.get("syn_ny_kalla"), "malomrade": s.get("syn_ny_mal"),
              "forvaltning": s.get("syn_ny_fv"), "organisation": s.get("syn_ny_org"),
              "sammanfattning": s.get("syn_ny_text"), "svar": s.get("syn_ny_svar"),
              "aktivitet_id": s.get("syn_ny_aktivitet"), "beslut_id": s.get("syn_ny_beslut") or None,
              "status": s.get("syn_ny_status")}
    try:
        sid = synpunkter.add(fields, _writer(db), db, ref=ui.reference())
    except (synpunkter.SynpunktError, auth.PermissionDenied, store.DatabaseBusy) as exc:
        s[_MSG + "syn"] = ("error", str(exc))
        return
    for k in ("syn_ny_org", "syn_ny_text", "syn_ny_svar", "syn_ny_aktivitet"):
        s[k] = ""
    s[_MSG + "syn"] = ("success", f"Synpunkten är sparad (nummer {sid}).")


def _answer_form(d: ui.Data, df: pd.DataFrame) -> None:
    ids = df["id"].astype(int).tolist()
    texts = dict(zip(ids, df["sammanfattning"]))
    with st.expander("Besvara eller ändra status", icon=":material/edit:"):
        with st.form("syn_svar", border=False):
            st.selectbox("Synpunkt", ids, format_func=lambda i: f"{i}. {texts[i][:80]}", key="syn_svar_id")
            st.radio("Status", synpunkter.STATUSES, horizontal=True, key="syn_svar_status", index=2)
            st.text_area("Svar/åtgärd (tomt: behåll det som står)", key="syn_svar_text",
                         max_chars=synpunkter.MAX_TEXT, height=70)
            st.form_submit_button("Spara", icon=":material/save:", type="primary", on_click=_answer, args=(d.db,))


def _answer(db: str) -> None:
    s = st.session_state
    fields = {"status": s.get("syn_svar_status")}
    if str(s.get("syn_svar_text") or "").strip():
        fields["svar"] = s.get("syn_svar_text")
    try:
        version, same = synpunkter.change(s.get("syn_svar_id"), fields, _writer(db), db, ref=ui.reference())
    except (synpunkter.SynpunktError, auth.PermissionDenied, store.DatabaseBusy) as exc:
        s[_MSG + "syn"] = ("error", str(exc))
        return
    s[_MSG + "syn"] = ("success", "Ingen ändring." if same else f"Synpunkten är ändrad (version {version}).")


def _save_sources() -> None:
    s = st.session_state
    try:
        synpunkter.set_sources(str(s.get("syn_kallor_text") or "").splitlines(),
                               _writer(str(config.db_path())))
    except (synpunkter.SynpunktError, auth.PermissionDenied) as exc:
        s[_MSG + "syn"] = ("error", str(exc))
        return
    s[_MSG + "syn"] = ("success", "Listan med källor är sparad.")

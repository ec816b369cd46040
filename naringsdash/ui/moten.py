"""Streamlit glue for the page "Möten och beslut": the meetings with their protocols (and, for an admin, a new
meeting), every decision with filters and history (an admin changes status), and the log of synpunkter from
näringslivet with filters (admins and rapportörer for their own förvaltning write; an admin keeps the sources).

Every write goes through ``meetings``/``synpunkter`` with the user as the users table has it now; text from users is
shown in tables or escaped, never as HTML or Markdown.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import pandas as pd
import streamlit as st

from .. import auth, config, export, meetings, protocol, store, synpunkter
from . import common as ui
from . import loop as ui_loop
from .nav import current_user


def meetings_section(d: ui.Data, agenda_for: Callable[[str], list[str]], period: str | None = None) -> None:
    """The meetings: list, one meeting in detail with its protocol, and (admin) a new meeting (following up
    ``period`` unless the admin picks another)."""
    ui_loop.message("mote")
    user = current_user()
    if auth.can(user, "manage_meetings"):
        _new_meeting_form(d, agenda_for, period)
    ms = ui_loop.read(d, "meetings")
    if ms.empty:
        st.info("Inga möten är registrerade ännu.", icon=":material/event:")
        return
    st.dataframe(pd.DataFrame({"Datum": [ui_loop.day(x) for x in ms["datum"]],
                               "Följer upp": [config.period_label(p) for p in ms["period"]],
                               "Förvaltningar närvarande": ms["deltagande"], "Beslut": ms["beslut"]}),
                 hide_index=True, width="stretch")
    ids = ms["id"].astype(int).tolist()
    raw = st.query_params.get(ui_loop.MOTE, "")
    chosen = st.selectbox("Möte", ids, index=ids.index(int(raw)) if raw.isdigit() and int(raw) in ids else 0,
                          format_func=lambda i: meetings.title(ui_loop.read(d, "meeting", i)), key="moten_valt")
    mote = ui_loop.read(d, "meeting", chosen)
    ui_loop.meeting_caption(d, mote)
    st.markdown("**Närvarande:** " + ui.md(", ".join(f"{c} ({who})" if who else c for c, who in mote["attendance"])))
    if mote["agenda"]:
        with st.expander("Dagordning", icon=":material/list:"):
            st.markdown("\n".join(f"{i}. {ui.md(a)}" for i, a in enumerate(mote["agenda"], 1)))
    st.page_link("pages/moteslage.py", label=f"Öppna {meetings.title(mote).lower()} i Mötesläge",
                 icon=":material/co_present:", query_params={ui_loop.MOTE: str(chosen), "period": mote["period"]})
    dec = ui_loop.read(d, "decisions")
    taken = dec[dec["meeting_id"] == chosen].sort_values("id")
    st.subheader(f"Beslut vid mötet ({len(taken)})")
    if not taken.empty:
        st.dataframe(ui_loop.decision_frame(taken, meeting=False), hide_index=True, width="stretch")
    follow = ui_loop.read(d, "follow_up", chosen)
    st.subheader(f"Beslut från tidigare möten att följa upp ({len(follow)})")
    if not follow.empty:
        st.dataframe(ui_loop.decision_frame(follow), hide_index=True, width="stretch")
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
        s[ui_loop.MSG + "mote"] = ("error", f"Okänd förvaltning i listan med roller: {', '.join(unknown)}.")
        return
    present = list(s.get("mote_ny_narvaro") or [])
    try:
        mid = meetings.create_meeting(s.get("mote_ny_datum"), s.get("mote_ny_period"),
                                      [(c, roles.get(c)) for c in present], ui_loop.writer(db), db,
                                      agenda=agenda_for(s.get("mote_ny_period")), ref=ref)
    except (meetings.MeetingError, auth.PermissionDenied, store.DatabaseBusy) as exc:
        s[ui_loop.MSG + "mote"] = ("error", str(exc))
        return
    s[ui_loop.MSG + "mote"] = ("success", f"Mötet är skapat (nummer {mid}).")


def picked(df: pd.DataFrame, picks: dict[str, list]) -> pd.DataFrame:
    """The rows whose value in each column is one of those picked there; a column with nothing picked keeps all."""
    for column, chosen in picks.items():
        if chosen:
            df = df[df[column].isin(chosen)]
    return df


def _malomraden(col, ref, key: str) -> list[int]:
    return col.multiselect("Målområde", list(ref.malomraden), key=key, placeholder="Alla målområden",
                           format_func=lambda n: f"{n}. {ref.malomraden[n]}")


def decisions_section(d: ui.Data) -> None:
    """Every decision with filters; an admin changes status, and anyone sees a decision's history."""
    ref = ui.reference()
    dec = ui_loop.read(d, "decisions")
    c1, c2, c3, c4 = st.columns([2, 3, 2, 1.4], vertical_alignment="bottom")
    view = picked(dec, {
        "status": c1.multiselect("Status", meetings.DECISION_STATUSES, default=["Öppen"], key="beslut_status",
                                 placeholder="Alla"),
        "malomrade": _malomraden(c2, ref, "beslut_mal"),
        "agare": c3.multiselect("Ansvarig förvaltning", list(ref.forvaltningar), key="beslut_agare",
                                placeholder="Alla"),
        "forsenad": [True] if c4.checkbox("Bara försenade", key="beslut_forsenade") else []})
    st.caption(f"{len(view)} av {len(dec)} beslut · försenade först, sedan efter datum för klart senast.")
    frame = ui_loop.decision_frame(view)
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
    ui_loop.message("beslut")
    with st.expander("Ett besluts historik", icon=":material/history:"):
        pick = st.selectbox("Beslut", ids, format_func=lambda i: f"{i}. {texts[i][:80]}", key="beslut_historik")
        hist = ui_loop.read(d, "history", pick)
        st.dataframe(pd.DataFrame({"Version": hist["version"], "Status": hist["status"], "Beslut": hist["text"],
                                   "Ansvar": hist["agare"], "Klart senast": [ui_loop.day(x) for x in hist["forfaller"]],
                                   "Kommentar": hist["kommentar"], "Ändrat av": hist["user_name"],
                                   "Ändrat": [pd.Timestamp(x).strftime("%Y-%m-%d %H:%M") for x in hist["changed_at"]]}),
                     hide_index=True, width="stretch")
    if not auth.can(current_user(), "manage_meetings"):
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
            s.get("beslut_andra_id"), ui_loop.writer(db), db, status=s.get("beslut_andra_status"), ref=ui.reference(),
            **({"kommentar": comment} if comment else {}))
    except (meetings.MeetingError, auth.PermissionDenied, store.DatabaseBusy) as exc:
        s[ui_loop.MSG + "beslut"] = ("error", str(exc))
        return
    s[ui_loop.MSG + "beslut"] = ("success", "Ingen ändring." if same else f"Beslutet är ändrat (version {version}).")


def synpunkter_section(d: ui.Data) -> None:
    """The log of synpunkter with filters; writers add and answer; an admin keeps the list of sources."""
    ref = ui.reference()
    df = ui_loop.read(d, "synpunkter")
    st.markdown(ui.md(synpunkter.summary_text(df, d.today.year)))
    c1, c2, c3, c4 = st.columns(4)
    df = df.assign(ar=pd.to_datetime(df["datum"]).dt.year)
    year = c4.selectbox("År", [None, *sorted(set(df["ar"].astype(int)), reverse=True)], key="syn_ar",
                        format_func=lambda y: "Alla år" if y is None else str(y))
    view = picked(df, {
        "status": c1.multiselect("Status", synpunkter.STATUSES, key="syn_status", placeholder="Alla"),
        "malomrade": _malomraden(c2, ref, "syn_mal"),
        "kalla": c3.multiselect("Källa", sorted(set(synpunkter.sources(ref)) | set(df["kalla"])), key="syn_kalla",
                                placeholder="Alla"),
        "ar": [year] if year else []})
    st.caption(f"{len(view)} av {len(df)} synpunkter, senaste först.")
    frame = pd.DataFrame({"Nr": view["id"].astype(int), "Datum": [ui_loop.day(x) for x in view["datum"]],
                          "Källa": view["kalla"], "Mål": view["malomrade"].astype(int),
                          "Förvaltning": view["forvaltning"], "Företag": view["organisation"],
                          "Synpunkt": view["sammanfattning"], "Svar/åtgärd": view["svar"],
                          "Aktivitet": [f"{f} {a}" if isinstance(a, str) else "" for f, a in
                                        zip(view["aktivitet_forvaltning"], view["aktivitet_id"])],
                          "Beslut": ["" if pd.isna(b) else str(int(b)) for b in view["beslut_id"]],
                          "Status": view["status"]})
    st.dataframe(frame.astype(object).where(frame.notna(), ""), hide_index=True, width="stretch")
    ui_loop.message("syn")
    if not df.empty:
        with st.expander("En synpunkts historik", icon=":material/history:"):
            ids = df["id"].astype(int).tolist()
            texts = dict(zip(ids, df["sammanfattning"]))
            pick = st.selectbox("Synpunkt", ids, format_func=lambda i: f"{i}. {texts[i][:80]}", key="syn_historik")
            hist = ui_loop.read(d, "synpunkt_history", pick)
            st.dataframe(pd.DataFrame({"Version": hist["version"], "Status": hist["status"],
                                       "Synpunkt": hist["sammanfattning"], "Svar/åtgärd": hist["svar"],
                                       "Ändrat av": hist["user_name"],
                                       "Ändrat": [pd.Timestamp(x).strftime("%Y-%m-%d %H:%M")
                                                  for x in hist["changed_at"]]}), hide_index=True, width="stretch")
    user = current_user()
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
        sid = synpunkter.add(fields, ui_loop.writer(db), db, ref=ui.reference())
    except (synpunkter.SynpunktError, auth.PermissionDenied, store.DatabaseBusy) as exc:
        s[ui_loop.MSG + "syn"] = ("error", str(exc))
        return
    for k in ("syn_ny_org", "syn_ny_text", "syn_ny_svar", "syn_ny_aktivitet"):
        s[k] = ""
    s[ui_loop.MSG + "syn"] = ("success", f"Synpunkten är sparad (nummer {sid}).")


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
        version, same = synpunkter.change(s.get("syn_svar_id"), fields, ui_loop.writer(db), db, ref=ui.reference())
    except (synpunkter.SynpunktError, auth.PermissionDenied, store.DatabaseBusy) as exc:
        s[ui_loop.MSG + "syn"] = ("error", str(exc))
        return
    s[ui_loop.MSG + "syn"] = ("success", "Ingen ändring." if same else f"Synpunkten är ändrad (version {version}).")


def _save_sources() -> None:
    s = st.session_state
    try:
        synpunkter.set_sources(str(s.get("syn_kallor_text") or "").splitlines(),
                               ui_loop.writer(str(config.db_path())))
    except (synpunkter.SynpunktError, auth.PermissionDenied) as exc:
        s[ui_loop.MSG + "syn"] = ("error", str(exc))
        return
    s[ui_loop.MSG + "syn"] = ("success", "Listan med källor är sparad.")

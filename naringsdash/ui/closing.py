"""Streamlit glue for issue 16: the reporting calendar on Inrapportering, the Perioder tab on Admin (deadline,
close, reopen, fastställa, logs, settings), the approved report and the open data on the Rapport page.

Every write calls the package (``calendar``, ``closing``, ``config``), which checks the rules; the tab checks the
named actions first. Approving builds three reports, so it runs in a worker process (the command line), like the
Rapport page's buttons. User text is shown in tables or escaped.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys

import pandas as pd
import streamlit as st

from .. import auth, calendar, closing, config, opendata, reminders, store, wording
from ..errors import UserError
from . import account as ui_auth
from . import common as ui
from .report import ROOT

log = logging.getLogger(__name__)
APPROVE_TIMEOUT_S = 900
STATUS_LABELS = {"forvaltning": "Kod", "forvaltning_namn": "Förvaltning", "rapporterat": "Rapporterat den", "lage": "Läge",
                 "i_tid": "I tid"}
CLOSURE_LABELS = {"period": "Period", "closed_at": "Stängd", "closed_by": "Stängd av", "complete": "Komplett",
                  "reason": "Motivering", "reopened_at": "Öppnad igen", "reopened_by": "Öppnad av",
                  "reopen_reason": "Motivering för att öppna"}
REMINDER_LABELS = {"sent_at": "Tid", "period": "Period", "forvaltning": "Förvaltning", "typ": "Påminnelse",
                   "recipient": "Till", "outcome": "Utfall", "detail": "Fel"}


# --- Inrapportering --------------------------------------------------------------------------------------------


def calendar_section(d: ui.Data, sel: ui.Selection) -> None:
    """The period's deadline, days left or late per förvaltning, and who reported on time, period by period."""
    ref = ui.reference()
    df = calendar.status(sel.period, d.db, ref, d.today)
    if sel.forvaltningar:
        df = df[df["forvaltning"].isin(sel.forvaltningar)]
    with store.connect(d.db) as con:
        closure = closing.current_closure(con, sel.period)
    st.header("Sista dag för inrapportering")
    due = df["deadline"].iloc[0] if not df.empty else calendar.deadline_for(sel.period, {}, ref.options.deadline_dagar)
    left = calendar.days_left(due, d.today)
    when = "i dag" if left == 0 else (f"om {wording.plural(left, 'dag', 'dagar')}" if left > 0
                                      else f"för {wording.plural(-left, 'dag', 'dagar')} sedan")
    st.markdown(f"Sista dag för {config.period_label(sel.period)}: **{wording.date(due)}** ({when}).")
    if closure:
        st.info(f"Perioden är stängd för inrapportering sedan {wording.date(closure.closed_at)}.",
                icon=":material/lock:")
    view = df.assign(rapporterat=[wording.date(v) if v is not None and not pd.isna(v) else "" for v in
                                  df["rapporterat_den"]])
    ui.table(view, ["forvaltning", "forvaltning_namn", "rapporterat", "lage"], labels=STATUS_LABELS,
             key="kalender_status")

    st.subheader("I tid, period för period")
    hist = calendar.history(d.db, ref, d.today)
    if sel.forvaltningar:
        hist = hist[hist["forvaltning"].isin(sel.forvaltningar)]
    periods = [c for c in hist.columns if c not in ("forvaltning", "andel_i_tid")]
    hist = hist.assign(andel_i_tid=[ui.number(v, unit=" %") if v is not None and not pd.isna(v) else ""
                                    for v in hist["andel_i_tid"]])
    ui.table(hist, ["forvaltning", *periods, "andel_i_tid"],
             labels={**{p: p for p in periods}, "andel_i_tid": "Andel i tid"}, key="kalender_historik")
    st.caption("I tid: förvaltningens första uppladdning för perioden kom senast sista dagen. Sent (n d): så många "
               "dagar efter. Saknas: ingen uppladdning, och sista dagen har passerat.")


# --- Rapport -----------------------------------------------------------------------------------------------------


def approved_section(d: ui.Data, period: str) -> bool | None:
    """The approved report (fastställd) with its note and the files exactly as stored: True when the period is
    still closed under that approval (the page then offers nothing else as the report), False when it was reopened
    since, None when nothing is approved."""
    with store.connect(d.db) as con:
        versions = closing.approved_versions(con, period)
    if not versions:
        return None
    newest = versions[0]
    st.header("Fastställd rapport")
    hashes = " · ".join(f"{f.fmt.upper()} SHA-256 `{f.sha256}`" for f in newest.files)
    text = f"{ui.md(newest.note)} (version {newest.version}). {hashes}"
    if newest.current:
        st.success(text, icon=":material/verified:")
    else:
        st.warning(f"{text}. Perioden har öppnats igen efter fastställandet; uppgifterna kan ha ändrats sedan dess.",
                   icon=":material/history:")
    _files(d, newest)
    if len(versions) > 1:
        with st.expander("Tidigare fastställda versioner"):
            for old in versions[1:]:
                st.markdown(f"**Version {old.version}**: {ui.md(old.note)}")
                _files(d, old)
    return newest.current


def _files(d: ui.Data, approved: closing.Approved) -> None:
    for col, f in zip(st.columns(len(approved.files) or 1), approved.files):
        def fetch(report_id: int = approved.id, fmt: str = f.fmt) -> bytes:
            with store.connect(d.db) as con:
                return closing.approved_file(con, report_id, fmt)[1]

        col.download_button(f"Ladda ner {f.fmt.upper()}", data=fetch, file_name=f.file_name,
                            icon=":material/download:", on_click="ignore",
                            key=f"fastställd_{approved.id}_{f.fmt}")


def open_data_section(d: ui.Data, period: str) -> None:
    """The open-data package (zip) of a closed period."""
    with store.connect(d.db) as con:
        closed = closing.is_closed(con, period)
    st.header("Öppna data")
    if not closed:
        st.caption("Öppna data publiceras när perioden är stängd för inrapportering.")
        return
    st.caption("Aktiviteterna (utan namn på personer: ansvarig och kommentarer ingår inte) och indikatorerna med "
               "källor, som CSV med en beskrivning enligt Frictionless Data Package (datapackage.json). Licens: "
               f"{ui.md(ui.reference().options.oppen_data_licens)}.")
    st.download_button("Ladda ner öppna data (zip)", data=lambda: opendata.zip_bytes(period, d.db, ui.reference()),
                       file_name=opendata.zip_name(period), mime="application/zip", icon=":material/download:",
                       on_click="ignore", key="oppna_data")


PERIODS_TAB = "Perioder"  # the Admin page's tab; the one place a period is closed or reopened
TAB_PARAM = "flik"


def close_link(user: auth.User, d: ui.Data, period: str) -> None:
    """On Inrapportering, for an admin: whether the period is closed, and a link to Admin › Perioder (opened on this
    period), where it is closed or reopened with a reason."""
    if not (auth.can(user, "manage_periods") and auth.can(user, "manage_users")):  # the Admin page's own guard
        return
    state = d.state(period)
    st.header("Stänga perioden")
    if state.closed:
        st.info(ui.md(wording.closed_note(state.label, state.closed_by, state.closed_at, state.reason)),
                icon=":material/lock:")
    elif not state.missing:
        st.caption("Alla förvaltningar har rapporterat: perioden är komplett.")
    else:
        st.caption("En period räknas som komplett när alla förvaltningar har rapporterat. Stäng perioden om den "
                   "ska räknas som komplett ändå; sidorna, mötesläget och rapporten öppnar då på den.")
    st.page_link("pages/admin.py", label=f"{'Öppna' if state.closed else 'Stäng'} {state.label} under Admin › "
                                         f"{PERIODS_TAB}", icon=":material/lock_open:" if state.closed else
                 ":material/lock:", query_params={TAB_PARAM: PERIODS_TAB.lower(), "period": period})


def asked_tab() -> str | None:
    """The Admin tab a link asks for (``?flik=perioder``), else None (the first tab)."""
    return PERIODS_TAB if st.query_params.get(TAB_PARAM, "").lower() == PERIODS_TAB.lower() else None


# --- Admin: Perioder ---------------------------------------------------------------------------------------------


def _done(text: str) -> None:
    ui_auth.flash("success", text)
    st.rerun()


def run_approve(period: str, dnr: str, ks_date: dt.date, user: str, db: str) -> str:
    """``period approve`` in a worker process (three reports: seconds, and the server's memory stays put)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    cmd = [sys.executable, "-m", "naringsdash", "period", "approve", period, "--dnr", dnr, "--ks-date",
           ks_date.isoformat(), "--user", user, "--db", str(db)]
    res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8",
                         errors="replace", timeout=APPROVE_TIMEOUT_S)
    if res.returncode == 1 and res.stderr.strip() and "Traceback" not in res.stderr:
        raise UserError(res.stderr.strip().splitlines()[-1])
    if res.returncode != 0:
        log.error("Fastställandet avslutades med kod %s: %s", res.returncode, res.stderr[-2000:])
        raise UserError("Rapporten kunde inte fastställas just nu. Försök igen; kvarstår felet, kontakta "
                                "administratören.")
    return res.stdout


def periods(user: auth.User, db: str) -> None:
    """Deadline, close and reopen, fastställa, the logs and the calendar's settings for one period."""
    auth.require(user, "manage_periods")
    ref = ui.reference()
    today = dt.date.today()
    with store.connect(db) as con:
        known = {p for (p,) in con.execute(store.sql("periods")).fetchall()} | set(closing.closed_periods(con))
    choices = sorted(known | {config.current_period(today), config.previous_period(config.current_period(today))},
                     reverse=True)
    asked = st.query_params.get("period")  # from Inrapportering's link
    period = st.selectbox("Period", choices, index=choices.index(asked) if asked in choices else 0,
                          format_func=config.period_label, key="adm_period")
    with store.connect(db) as con:
        due = calendar.deadline(con, period, ref)
        own = calendar.deadlines(con).get(period)
        closure = closing.current_closure(con, period)
        lacking = closing.missing(con, period, ref)
        versions = closing.approved_versions(con, period)
        closures = closing.closure_log(con, period)

    st.subheader("Sista dag för inrapportering")
    rule = f"standardregeln: {ref.options.deadline_dagar} dagar efter periodens slut"
    st.caption(f"Nu: {wording.date(due)} ({'satt av administratör' if own else rule}).")
    with st.form(f"deadline_{period}"):
        when = st.date_input("Sista dag", value=due, min_value=config.period_end(period), format="YYYY-MM-DD",
                             key=f"deadline_datum_{period}")
        default = st.checkbox("Använd standardregeln", value=own is None, key=f"deadline_standard_{period}")
        if st.form_submit_button("Spara sista dag"):
            with store.connect(db) as con:
                calendar.set_deadline(con, period, None if default else when, user.username)
            _done(f"Sista dag för {config.period_label(period)} är sparad.")

    st.subheader("Stänga och öppna perioden")
    if closure is None:
        if lacking:
            st.warning(f"Uppföljning saknas från {', '.join(lacking)}. Perioden kan stängas ändå, med en motivering.",
                       icon=":material/pending_actions:")
        else:
            st.success("Alla förvaltningar har rapporterat.", icon=":material/check_circle:")
        with st.form(f"stang_{period}"):
            reason = st.text_area("Motivering" + (" (krävs)" if lacking else " (frivillig)"), max_chars=500,
                                  key=f"stang_motivering_{period}")
            if st.form_submit_button("Stäng perioden", type="primary"):
                ui_auth.recheck(user, "manage_periods", db)
                with store.connect(db) as con:
                    closing.close(con, period, user.username, reason, ref)
                _done(f"{config.period_label(period)} är stängd för inrapportering.")
    else:
        st.info(f"Stängd {wording.date(closure.closed_at)} av {ui.md(closure.closed_by)}"
                + (f". Motivering: {ui.md(closure.reason)}" if closure.reason else "") + ".", icon=":material/lock:")
        with st.form(f"oppna_{period}"):
            reason = st.text_area("Motivering (krävs)", max_chars=500, key=f"oppna_motivering_{period}")
            if st.form_submit_button("Öppna perioden igen"):
                ui_auth.recheck(user, "manage_periods", db)
                with store.connect(db) as con:
                    closing.reopen(con, period, user.username, reason)
                _done(f"{config.period_label(period)} är öppen för inrapportering igen.")

    st.subheader("Fastställa rapporten")
    current = next((v for v in versions if v.current), None)
    if current:
        st.success(f"{ui.md(current.note)} (version {current.version}).", icon=":material/verified:")
    elif closure is None:
        st.caption("Rapporten kan fastställas när perioden är stängd.")
    elif auth.can(user, "approve_report"):
        st.caption("PDF, Excel och Word skapas en gång och sparas i databasen med kontrollsumma (SHA-256); "
                   "Rapport-sidan lämnar sedan ut exakt de filerna.")
        with st.form(f"faststall_{period}"):
            dnr = st.text_input("Diarienummer", placeholder="KS 2027/123", max_chars=100, key=f"dnr_{period}")
            ks_date = st.date_input("Kommunstyrelsens sammanträde", value=today, format="YYYY-MM-DD",
                                    key=f"ks_datum_{period}")
            if st.form_submit_button("Fastställ rapporten", type="primary"):
                ui_auth.recheck(user, "approve_report", db)
                with st.spinner("Skapar och sparar PDF, Excel och Word …"):
                    run_approve(period, dnr, ks_date, user.username, db)
                _done(f"Rapporten för {config.period_label(period)} är fastställd.")
    if versions:
        st.dataframe(pd.DataFrame([(v.version, wording.date(v.ks_date), v.dnr, v.approved_by,
                                    wording.date(v.approved_at), "ja" if v.current else "nej") for v in versions],
                                  columns=["Version", "KS", "Dnr", "Av", "Fastställd", "Gäller"]),
                     hide_index=True, key=f"versioner_{period}")

    st.subheader("Logg")
    if closures.empty:
        st.caption("Perioden har aldrig stängts.")
    else:
        ui.table(closures, list(CLOSURE_LABELS), labels=CLOSURE_LABELS, key=f"stangningar_{period}")
    sent = reminders.log(db, period)
    st.caption(f"Påminnelser för perioden: {len(sent)}.")
    if not sent.empty:
        sent = sent.assign(typ=sent["kind"].map(reminders.KINDS))
        ui.table(sent, list(REMINDER_LABELS), labels=REMINDER_LABELS, key=f"paminnelser_{period}")

    settings(user)


def settings(user: auth.User) -> None:
    """The calendar's settings in referens.toml (config.save_reference parses them before writing)."""
    auth.require(user, "edit_reference")
    ref = config.load_reference()
    opts = ref.options
    st.subheader("Inställningar för kalender, påminnelser och öppna data")
    with st.form("kalender_installningar"):
        days = st.number_input("Sista dag, dagar efter periodens slut (standardregeln)", 0, 365,
                               opts.deadline_dagar, key="inst_deadline")
        before = st.number_input("Första påminnelsen, dagar före sista dag (0 = ingen)", 0, 365,
                                 opts.paminnelse_dagar_fore, key="inst_fore")
        after = st.number_input("Sista påminnelsen, dagar efter sista dag (0 = ingen)", 0, 365,
                                opts.paminnelse_dagar_efter, key="inst_efter")
        licences = list(dict.fromkeys([opts.oppen_data_licens, *opendata.LICENSES]))
        licence = st.selectbox("Licens för öppna data", licences, key="inst_licens")
        if st.form_submit_button("Spara inställningarna"):
            ref.settings.update(deadline_dagar=int(days), paminnelse_dagar_fore=int(before),
                                paminnelse_dagar_efter=int(after), oppen_data_licens=licence)
            config.save_reference(ref)
            _done("Inställningarna är sparade.")

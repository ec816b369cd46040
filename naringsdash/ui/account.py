"""Streamlit glue for signing in and uploading (imports streamlit, like ui.py).

Who is signed in (a local account, or single sign-on through ``st.login`` when ``[auth]`` is configured),
the demo accounts at start-up, and the check → preview → Spara steps of an upload. Every write goes through
a package function that checks the named action again right before it writes (``ingest.save_as``,
``history.restore``). User text is shown in tables or escaped, never as Markdown/HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAuthError, StreamlitMissingAuthlibError

from .. import auth, config, ingest, schema, store, wording
from ..ingest.codes import EMPTY
from . import common as ui

USER = "user"  # st.session_state[USER]: the signed-in auth.User
_DENIED = "_sso_nekad"  # an SSO e-mail that maps to no user (okanda_sso = "ingen")
_FLASH = "_meddelande"
_CHECKED = "_kontrollerad"


# --- Start-up and who is signed in -----------------------------------------------------


@st.cache_resource(show_spinner=False)
def _demo_accounts(db: str, demo_on: bool) -> list[str]:
    return auth.ensure_demo_accounts(db)


def demo_accounts() -> None:
    """Demo accounts exist exactly in demo mode: checked once per process and database (and demo setting)."""
    _demo_accounts(str(config.db_path()), bool(auth.demo_credentials(ui.reference())))


def signed_in() -> auth.User | None:
    """The user who signed in this session (not the anonymous läsare)."""
    user = st.session_state.get(USER)
    return user if isinstance(user, auth.User) else None


def sso_configured() -> bool:
    """Is single sign-on set up (an ``[auth]`` section in ``.streamlit/secrets.toml``)?"""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def _sso_logged_in() -> bool:
    return sso_configured() and bool(getattr(st.user, "is_logged_in", False))


def sso_user() -> auth.User | None:
    """Back from ``st.login``: the user the verified e-mail maps to, kept in the session; else None."""
    if not _sso_logged_in():
        return None
    claims = st.user.to_dict()
    email = auth.sso_email(claims)
    if email is None or st.session_state.get(_DENIED) == email:
        return None
    user = auth.user_for_email(email, name=str(claims.get("name") or ""))
    if user is None:
        st.session_state[_DENIED] = email
        return None
    st.session_state[USER] = user
    return user


def recheck(user: auth.User, action: str, db=None) -> auth.User:
    """The signed-in user as stored now; stops the page when the stored role no longer allows ``action``."""
    stored = auth.stored_user(user, db)
    if not auth.can(stored, action):
        st.error("Din behörighet har ändrats sedan du loggade in. Logga ut och logga in igen.",
                 icon=":material/block:")
        st.stop()
    return stored


def sso_login() -> None:
    """Start single sign-on (``st.login``); a Swedish message when Authlib is missing."""
    try:
        st.login()
    except StreamlitMissingAuthlibError:
        st.error("Inloggning med kommunens konto kräver paketet Authlib på servern: "
                 "`pip install \"streamlit[auth]==1.67.0\"`.", icon=":material/error:")
    except StreamlitAuthError as exc:
        st.error("Inloggningen med kommunens konto är fel inställd i .streamlit/secrets.toml: " + ui.md(exc),
                 icon=":material/error:")


def sso_denied() -> str | None:
    """The e-mail of a single sign-on that gives no access (unknown address, ``okanda_sso = "ingen"``)."""
    return st.session_state.get(_DENIED) if _sso_logged_in() else None


def sign_in(username: str, password: str) -> str | None:
    """Sign in with a local account: None when signed in, else the Swedish message for the form."""
    try:
        user = auth.authenticate(username, password)
    except (auth.AccountLocked, store.DatabaseBusy) as exc:
        return str(exc)
    if user is None:
        return auth.LOGIN_FAILED
    st.session_state[USER] = user
    return None


def sign_out() -> None:
    """Forget the session's user (and end the single sign-on, which starts a new session)."""
    sso = _sso_logged_in()
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    if sso:
        st.logout()


def role_text(user: auth.User) -> str:
    text = auth.ROLE_LABELS.get(user.role, user.role)
    return f"{text} för {', '.join(user.forvaltningar)}" if user.forvaltningar else text


# --- Messages that survive a rerun -------------------------------------------------------


def flash(kind: str | None = None, text: str = "") -> None:
    """With arguments: keep a message for the next run. Without: show the kept message once."""
    if kind is not None:
        st.session_state[_FLASH] = (kind, text)
        return
    kept = st.session_state.pop(_FLASH, None)
    if kept:
        getattr(st, kept[0])(kept[1])


def uploader_key(name: str) -> str:
    """A file_uploader key that changes after a save, so the saved file leaves the widget."""
    return f"{name}_{st.session_state.get(f'_{name}_n', 0)}"


def _clear_uploader(name: str) -> None:
    st.session_state[f"_{name}_n"] = st.session_state.get(f"_{name}_n", 0) + 1
    st.session_state.pop(_CHECKED, None)


# --- Check, preview, save ---------------------------------------------------------------------

ISSUE_LABELS = {"sheet": "Blad", "row": "Rad", "column": "Kolumn", "activity": "Aktivitet", "value": "Värde",
                "message": "Vad som är fel"}


def period_choices(today=None) -> list[str]:
    """The periods to upload for: the next one, the current one (the default) and six before it."""
    current = config.current_period(today)
    year, t = int(current[:4]), int(current[-1])
    periods = [f"{year + 1}-T1" if t == 3 else f"{year}-T{t + 1}", current]
    for _ in range(6):
        periods.append(config.previous_period(periods[-1]))
    return periods


def checked(data: bytes, file_name: str, **choice) -> ingest.ImportResult:
    """``ingest.check_bytes`` (the command line's check) once per file and choice, with a progress indicator;
    kept in the session so that a rerun (pressing Spara) does not read the file again."""
    key = (store.sha256(data), file_name, tuple(sorted((k, v) for k, v in choice.items() if k != "ref")))
    kept = st.session_state.get(_CHECKED)
    if kept and kept[0] == key:
        result = kept[1]
        st.status(_status_label(result), state="complete" if result.ok else "error")
        return result
    with st.status(f"Läser och kontrollerar {ui.md(file_name)} …", expanded=False) as status:
        result = ingest.check_bytes(data, file_name, **choice)
        status.update(label=_status_label(result), state="complete" if result.ok else "error")
    st.session_state[_CHECKED] = (key, result)
    return result


def _status_label(result: ingest.ImportResult) -> str:
    if result.ok:
        return f"Filen är kontrollerad: {wording.plural(result.rows, 'rad', 'rader')} utan fel."
    return f"Filen är kontrollerad: {len(result.errors)} fel."


def issues_frame(issues) -> pd.DataFrame:
    """Errors or warnings as a table: sheet, row (as Excel shows it), column, value, message."""
    df = pd.DataFrame([i.as_dict() for i in issues], columns=list(ISSUE_LABELS))
    df["row"] = pd.array(df["row"].tolist(), dtype="Int64")
    # An empty cell on a row is "(tom)"; nothing is ever shown as None.
    df["value"] = [v if v is not None else (EMPTY if r is not pd.NA and r is not None else "")
                   for v, r in zip(df["value"], df["row"])]
    df = df.fillna({"sheet": "", "column": "", "activity": ""})
    return df.rename(columns=ISSUE_LABELS)


def show_issues(issues, *, key: str) -> None:
    st.dataframe(issues_frame(issues), hide_index=True, width="stretch", key=key,
                 column_config={"Rad": st.column_config.NumberColumn("Rad", format="%d")})


def show_errors(result: ingest.ImportResult) -> None:
    """A rejected file: every problem at once, and that nothing was saved."""
    n = len(result.errors)
    st.error(f"Filen innehåller {n} fel och har inte sparats. Rätta felen i filen och ladda upp den igen."
             if n > 1 else "Filen innehåller ett fel och har inte sparats. Rätta felet och ladda upp filen igen.",
             icon=":material/error:")
    show_issues(result.errors, key="fel")
    show_warnings(result)


def show_warnings(result: ingest.ImportResult) -> None:
    warnings = [w for w in result.warnings if w.code != "identical"]
    if warnings:
        st.warning(f"{wording.plural(len(warnings), 'varning', 'varningar')} (filen kan ändå sparas):", icon=":material/warning:")
        show_issues(warnings, key="varningar")


ACTIVITY_COLUMNS = list(schema.ROW_KEYS)
DIFF_LABELS = {"andring": "Ändring", "status_fore": "Status nu", "status": "Status i filen",
               "andel_klar_fore": "Andel klart nu (%)", "andel_klar": "Andel klart i filen (%)",
               "andrade_falt": "Ändrade fält", "kommentar": "Kommentar"}


def activities_frame(result: ingest.ImportResult) -> pd.DataFrame:
    """The activities of a checked upload, as they will be stored."""
    df = pd.DataFrame(result.parsed.activities, columns=ACTIVITY_COLUMNS)
    for col in ("startdatum", "slutdatum"):
        df[col] = pd.to_datetime(df[col])
    return df


def diff_counts(diff: pd.DataFrame) -> dict[str, int]:
    """New, changed, removed and unchanged activities, and how many of them change status."""
    counts = diff["andring"].value_counts()
    moved = diff[(diff["andring"] == "ändrad") & (diff["status_fore"] != diff["status"])]
    return {"ny": int(counts.get("ny", 0)), "ändrad": int(counts.get("ändrad", 0)),
            "borttagen": int(counts.get("borttagen", 0)), "oförändrad": int(counts.get("oförändrad", 0)),
            "statusbyten": len(moved)}


def show_preview(result: ingest.ImportResult, diff: pd.DataFrame) -> None:
    """What Spara would store, and how it differs from the current version."""
    parsed = result.parsed
    counts = diff_counts(diff)
    st.success(f"Filen är godkänd: {result.rows} aktiviteter för {parsed.forvaltning}, "
               f"{config.period_label(parsed.period)}. Ingenting är sparat ännu: granska och tryck Spara.",
               icon=":material/task_alt:")
    show_warnings(result)
    cols = st.columns(5)
    for col, (label, n) in zip(cols, (("Nya", counts["ny"]), ("Ändrade", counts["ändrad"]),
                                      ("Borttagna", counts["borttagen"]), ("Oförändrade", counts["oförändrad"]),
                                      ("Byter status", counts["statusbyten"]))):
        col.metric(label, ui.number(n), border=True)
    st.subheader("Skillnad mot nuvarande version")
    changed = diff[diff["andring"] != "oförändrad"]
    if counts["ny"] == len(diff):
        st.caption("Det finns ingen tidigare version för förvaltningen och perioden: alla aktiviteter är nya.")
    if changed.empty:
        st.info("Inga skillnader mot nuvarande version.", icon=":material/check:")
    else:
        if counts["borttagen"]:
            st.warning(f"{counts['borttagen']} aktiviteter finns i nuvarande version men inte i filen; de är inte "
                       "med i uppföljningen när filen sparas.", icon=":material/warning:")
        ui.table(changed, ["andring", "aktivitet_id", "aktivitet", "status_fore", "status", "andel_klar_fore",
                           "andel_klar", "andrade_falt"], labels=DIFF_LABELS, key="skillnad")
    st.subheader("Raderna som sparas")
    ui.table(activities_frame(result), ACTIVITY_COLUMNS, labels=DIFF_LABELS | {"status": "Status",
                                                                               "andel_klar": "Andel klart (%)"},
             key="rader")


def save(user: auth.User, result: ingest.ImportResult, data: bytes, *, uploader: str, db=None,
         forvaltning: str | None = None, period: str | None = None) -> None:
    """Spara: one transaction through ``ingest.save_as`` (which checks the permission again), then a new run."""
    try:
        saved = ingest.save_as(user, result, data, forvaltning=forvaltning, period=period, db=db)
    except auth.PermissionDenied as exc:
        st.error(str(exc), icon=":material/block:")
        return
    except store.DatabaseBusy as exc:
        st.error(str(exc), icon=":material/hourglass_top:")
        return
    if saved.identical:
        flash("info", f"Filen är identisk med nuvarande version (uppladdning {saved.upload_id}); ingen ny version "
                      "skapades.")
    else:
        what = (f"{saved.rows} aktiviteter för {forvaltning}, {config.period_label(period)}"
                if saved.parsed.has_activities else f"{saved.rows} indikatorvärden")
        flash("success", f"Sparat: {what} (uppladdning {saved.upload_id}). Dashboarden visar den nya versionen.")
    _clear_uploader(uploader)
    st.rerun()

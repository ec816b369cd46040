"""Streamlit glue for signing in and uploading (imports streamlit, like ui.py).

Who is signed in (a local account, or single sign-on through ``st.login`` when ``[auth]`` is configured),
the demo accounts at start-up, and the check → preview → Spara steps of an upload. Every write goes through
a package function that checks the named action again right before it writes (``ingest.save_as``,
``history.restore``). User text is shown in tables or escaped, never as Markdown/HTML.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAuthError, StreamlitMissingAuthlibError

from .. import audit, auth, config, ingest, schema, session_token, sso, store, wording
from ..ingest.codes import EMPTY
from . import common as ui

USER = "user"  # st.session_state[USER]: the signed-in auth.User
_DENIED = "_sso_nekad"  # why single sign-on gave no access (unknown, removed or disabled account)
_FLASH = "_meddelande"
_CHECKED = "_kontrollerad"
_CHECKED_RUN = "_konto_kontrollerat"  # (this run, the user): the account was checked in this run


# --- Start-up and who is signed in -----------------------------------------------------


@st.cache_resource(show_spinner=False)
def _demo_accounts(db: str, demo_on: bool) -> list[str]:
    return auth.ensure_demo_accounts(db)


def demo_accounts() -> None:
    """Demo accounts exist exactly in demo mode: checked once per process and database (and demo setting)."""
    _demo_accounts(str(config.db_path()), bool(auth.demo_credentials(ui.reference())))


ENDED = ("Du har loggats ut: kontot har tagits bort, fått nytt lösenord eller ändrats sedan du loggade in. "
         "Logga in igen.")


def revalidate() -> auth.User | None:
    """The session's signed-in user as the account is stored now (a changed role or förvaltningar is taken
    over at once); a session whose account is gone or has a new password is signed out, with a message."""
    user = signed_in()
    if user is None:
        return None
    run = _this_run()
    kept = st.session_state.get(_CHECKED_RUN)
    if run is not None and kept is not None and kept[0] is run and kept[1] is user:
        return user  # already checked in this run (app.py's menu, then the page's guard)
    try:
        now = auth.session_user(user)
    except store.DatabaseBusy as exc:
        st.error(str(exc), icon=":material/hourglass_top:")
        st.stop()
    if now is None:
        sign_out(keep_sso=True)
        try:
            audit.log(user.username, "session_ended", user.username, "inloggningen gäller inte längre")
        except store.DatabaseBusy:  # the sign-out matters, the log row can be missing
            pass
        st.warning(ENDED, icon=":material/logout:")
        return None
    if now != user:  # a new role, förvaltningar, name or e-mail
        st.session_state[USER] = now
    st.session_state[_CHECKED_RUN] = (run, st.session_state[USER])
    return st.session_state[USER]


def _this_run() -> object | None:
    """An object that is new for every run of the script (Streamlit gives each run fresh cursors), so one check
    of the account serves the whole run; None when there is no run (then every call checks)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return getattr(ctx, "cursors", None) if ctx is not None else None


def client_address() -> str | None:
    """The visitor's address as Streamlit sees it (None on the server's own machine and in tests)."""
    try:
        address = st.context.ip_address
        return str(ipaddress.ip_address(address)) if isinstance(address, str) else None
    except Exception:  # no client context (a test runner), not an address
        return None


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
    """Back from ``st.login`` (and at each new session while the identity cookie lasts): the user the verified
    claims give after ``sso.sign_in`` (e-mail, directory groups, local role, removed or disabled accounts),
    kept in the session; else None."""
    if not _sso_logged_in() or st.session_state.get(_DENIED):
        return None
    try:
        result = sso.sign_in(st.user.to_dict())
    except (config.ConfigError, store.DatabaseBusy) as exc:
        st.session_state[_DENIED] = str(exc)
        return None
    if result.user is None:
        st.session_state[_DENIED] = result.message
        return None
    user = replace(result.user, via="sso")
    st.session_state[USER] = user
    where = client_address()
    audit.log(user.username, "login_ok", user.username, f"adress {where or 'okänd'}, kommunens konto ({user.email})")
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
    """Why a single sign-on gives no access (unknown address with ``okanda_sso = "ingen"``, a removed or
    disabled account), as a Swedish sentence; else None."""
    return st.session_state.get(_DENIED) if _sso_logged_in() else None


def sign_in(username: str, password: str) -> str | None:
    """Sign in with a local account: None when signed in, else the Swedish message for the form.
    The session cookie (a signed token, ``session_token``) is written on the next run, so a reload keeps the user."""
    try:
        user = auth.authenticate(username, password, address=client_address())
    except (auth.LoginThrottled, store.DatabaseBusy) as exc:
        return str(exc)
    if user is None:
        return auth.LOGIN_FAILED
    st.session_state[USER] = user
    token = session_token.issue(user.username, session_token.secret(), ui.reference().options.inloggning_timmar)
    if token:
        st.session_state[_COOKIE_OUT] = ("set", token)
        st.session_state[_FP] = session_token.verify(token, session_token.secret())[1]
    st.session_state.pop(_DROPPED, None)
    return None


SIGNED_OUT = "Du är utloggad från Näringsdash."
SIGNED_OUT_SSO = ("Du är utloggad från Näringsdash och från kommunens konto. Logga in igen med kommunens konto "
                  "eller ett lokalt konto.")


def sign_out(keep_sso: bool = False, message: str | None = None) -> bool:
    """End the Näringsdash session: forget the session's user and drop the session cookie; after a single
    sign-on also the ``st.login`` session (``st.logout``: the identity cookie goes and the provider is asked to
    end its session; this starts a new session), unless ``keep_sso`` (an account that ended is mapped again
    from the e-mail, or denied). ``message``: why, shown once on the next run. True when the single sign-on is
    being ended (the browser is on its way)."""
    sso_on = _sso_logged_in() and not keep_sso
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[_COOKIE_OUT] = ("drop", "")
    st.session_state[_DROPPED] = True  # this session's request still carries the old cookie: never read it again
    if message:
        flash("warning", message)
    if sso_on:
        _remember_sign_out()
        st.logout()
    return sso_on


# After st.logout the browser comes back in a new session, so the "you are signed out" note is kept here,
# for a few minutes, under a hash of the browser's XSRF token (a cookie that outlives the session).
_SIGNED_OUT_BROWSERS: dict[str, float] = {}
_SIGNED_OUT_FOR_S = 300


def _browser_key() -> str | None:
    try:
        from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

        token, _ = decode_xsrf_token_string(st.context.cookies.get("_streamlit_xsrf") or "")
    except Exception:  # another Streamlit version or no cookie: no note, nothing else changes
        return None
    return store.sha256(token) if token else None


def _remember_sign_out() -> None:
    import time

    key = _browser_key()
    now = time.monotonic()
    for old in [k for k, t in _SIGNED_OUT_BROWSERS.items() if now - t > _SIGNED_OUT_FOR_S]:
        _SIGNED_OUT_BROWSERS.pop(old, None)
    if key:
        _SIGNED_OUT_BROWSERS[key] = now


def signed_out_note() -> None:
    """Once, on the first page after ``st.logout`` brought the browser back: say that both sessions ended."""
    import time

    if not _SIGNED_OUT_BROWSERS or _sso_logged_in():
        return
    key = _browser_key()
    at = _SIGNED_OUT_BROWSERS.pop(key, None) if key else None
    if at is not None and time.monotonic() - at < _SIGNED_OUT_FOR_S:
        st.success(SIGNED_OUT_SSO, icon=":material/logout:")


# --- The session cookie: a reload keeps the user signed in -------------------------------------------------------

_COOKIE_OUT = "_kaka_ut"      # ("set", token) or ("drop", ""): written to the browser on the next run
_DROPPED = "_kaka_slopad"     # signed out in this session: the cookie the session started with no longer counts
_FP = "_inloggning_fp"        # the signed-in user's fingerprint (password hash, role), checked on every run
_CHECKED_AT = "_inloggning_kontrollerad"


def restore_session() -> auth.User | None:
    """A new session (a reload, a new tab) with a valid session cookie: the user it stands for, signed in again.
    The token is checked against the users table (password, role, förvaltningar, the user still there)."""
    if st.session_state.get(_DROPPED):
        return None
    try:
        token = st.context.cookies.get(session_token.COOKIE)
    except Exception:  # noqa: BLE001 (no browser request: AppTest, bare mode)
        token = None
    if not token:
        return None
    user = session_token.user_for(token, session_token.secret())
    if user is None:
        st.session_state[_COOKIE_OUT] = ("drop", "")  # expired, tampered with, or the account changed
        st.session_state[_DROPPED] = True
        return None
    st.session_state[USER] = user
    st.session_state[_FP] = session_token.verify(token, session_token.secret())[1]
    return user


def still_valid(user: auth.User) -> auth.User | None:
    """Every page run: a user signed in with a password is checked against the users table; a changed password
    or role, or a removed account, signs the session out (and drops the cookie)."""
    fp = st.session_state.get(_FP)
    if fp is None:
        return user
    import time

    last = st.session_state.get(_CHECKED_AT)
    if last is not None and time.monotonic() - last < 1.0:  # once per run, not once per call
        return user
    if session_token.current_fingerprint(user.username) != fp:
        sign_out("Du har loggats ut eftersom ditt konto har ändrats (lösenord eller behörighet). Logga in igen.")
        return None
    st.session_state[_CHECKED_AT] = time.monotonic()
    return user


_COOKIE_JS = """<script>
(function () {{
  var secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "{name}=" + {value} + "; Path=/; Max-Age=" + {age} + "; SameSite=Strict" + secure;
}})();
</script>"""


def session_cookie() -> None:
    """Write or drop the session cookie in the browser when a sign-in or sign-out asked for it (app.py, every run).

    Streamlit cannot set a cookie from the server, so a small script in the page does (``st.html`` with
    JavaScript): SameSite=Strict, Secure when the page is served over https, not HttpOnly (see the README)."""
    pending = st.session_state.pop(_COOKIE_OUT, None)
    if pending is None:
        return
    import json

    kind, token = pending
    hours = ui.reference().options.inloggning_timmar
    age = int(hours * 3600) if kind == "set" else 0
    st.html(_COOKIE_JS.format(name=session_token.COOKIE, value=json.dumps(token), age=age),
            unsafe_allow_javascript=True)


def login_form(key: str = "logga_in") -> None:
    """The local-account login form; a successful login reruns the page that was asked for (the URL is kept)."""
    with st.form(key):
        username = st.text_input("Användarnamn", key="anvandarnamn", autocomplete="username")
        password = st.text_input("Lösenord", type="password", key="losenord", autocomplete="current-password")
        if st.form_submit_button("Logga in", icon=":material/login:"):
            message = sign_in(username, password)
            if message is None:
                st.rerun()
            st.error(message, icon=":material/error:")


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


def preview_summary(diff: pd.DataFrame, period: str) -> str:
    """One sentence on what the upload changes and against which version ("Jämfört med 2026 Delår (T2): 2 byter
    status (KLF-13 Försenad → Klar, …), 1 ny, 0 borttagna")."""
    base = diff.attrs.get("base")
    counts = diff_counts(diff)
    moved = diff[(diff["andring"] == "ändrad") & (diff["status_fore"] != diff["status"])]
    moves = list(zip(moved["aktivitet_id"], moved["status_fore"], moved["status"]))
    label = ("nuvarande version för " + config.period_label(period)) if base == period else \
        config.period_label(base) if base else "ingen tidigare version"
    return wording.diff_summary(label, moves, counts["ny"], counts["borttagen"])


def show_preview(result: ingest.ImportResult, diff: pd.DataFrame) -> None:
    """What Spara would store, and how it differs from the current version (or, when the period has none yet,
    from the förvaltning's previous period, named)."""
    parsed = result.parsed
    counts = diff_counts(diff)
    base = diff.attrs.get("base")
    st.success(f"Filen är godkänd: {result.rows} aktiviteter för {parsed.forvaltning}, "
               f"{config.period_label(parsed.period)}. Ingenting är sparat ännu: granska och tryck Spara.",
               icon=":material/task_alt:")
    show_warnings(result)
    cols = st.columns(5)
    for col, (label, n) in zip(cols, (("Nya", counts["ny"]), ("Ändrade", counts["ändrad"]),
                                      ("Borttagna", counts["borttagen"]), ("Oförändrade", counts["oförändrad"]),
                                      ("Byter status", counts["statusbyten"]))):
        col.metric(label, ui.number(n), border=True)
    against = "nuvarande version" if base in (None, parsed.period) else config.period_label(base)
    st.subheader(f"Skillnad mot {against}")
    st.markdown(ui.md(preview_summary(diff, parsed.period)) + ".")
    changed = diff[diff["andring"] != "oförändrad"]
    if base is None:
        st.caption("Det finns ingen tidigare version för förvaltningen: alla aktiviteter är nya.")
    elif base != parsed.period:
        st.caption(f"Perioden har ingen version ännu, så filen jämförs med förvaltningens senaste uppföljning "
                   f"({config.period_label(base)}). Kommentarerna jämförs inte: varje period har sin egen.")
    if changed.empty:
        st.info(f"Inga skillnader mot {against}.", icon=":material/check:")
    else:
        if counts["borttagen"]:
            st.warning(f"{counts['borttagen']} aktiviteter finns i {against} men inte i filen; de är inte "
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
    if not saved.ok:  # refused when saving: the period was closed for reporting meanwhile (issue 16)
        st.error(ui.md(" ".join(e.message for e in saved.errors)), icon=":material/lock:")
        return
    if saved.identical:
        flash("info", next(w.message for w in saved.warnings if w.code == "identical"))
    else:
        what = (f"{saved.rows} aktiviteter för {forvaltning}, {config.period_label(period)}"
                if saved.parsed.has_activities else f"{saved.rows} indikatorvärden")
        flash("success", f"Sparat: {what} (uppladdning {saved.upload_id}). Dashboarden visar den nya versionen.")
    _clear_uploader(uploader)
    st.rerun()

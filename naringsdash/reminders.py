"""Reminder e-mails to the rapportörer of förvaltningar that have not reported (``python -m naringsdash remind``).

Three reminders per period and förvaltning (see ``calendar.reminder_kind``): ``fore`` (``paminnelse_dagar_fore``
days before the deadline), ``dag`` (on the day) and ``efter`` (``paminnelse_dagar_efter`` days after it). Each
reminder goes once to each rapportör with an e-mail address: every try is logged in ``reminders_sent`` (to whom,
which period, when, the outcome), a sent one is never sent again, a failed one is tried again on the next run.
Nothing is sent for a closed period or a förvaltning that has reported.

The SMTP server is set in ``[smtp]`` of ``.streamlit/secrets.toml`` (``NARINGSDASH_SECRETS`` names another
file), read with tomllib: this module does not import streamlit.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import ssl
import tomllib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from . import calendar, closing, config, store, wording
from .config import Reference, current_reference
from .errors import ConfigError

KINDS = {"fore": "före sista dag", "dag": "på sista dagen", "efter": "efter sista dag"}
SENT, FAILED = "skickad", "fel"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    sender: str
    port: int = 25
    username: str = ""
    password: str = ""
    security: str = "starttls"  # starttls | ssl | none
    timeout: float = 20.0
    app_url: str = ""  # the dashboard's address, written in the e-mail


def secrets_path() -> Path:
    return Path(os.environ.get("NARINGSDASH_SECRETS") or config.ROOT / ".streamlit" / "secrets.toml")


def smtp_settings(path: str | os.PathLike | None = None) -> SmtpSettings:
    """``[smtp]`` of the secrets file, typed; a missing or wrong value is refused with a Swedish message."""
    p = Path(path) if path else secrets_path()
    try:
        with open(p, "rb") as f:
            raw = tomllib.load(f).get("smtp")
    except FileNotFoundError:
        raise ConfigError(f"E-post är inte inställd: filen {p.name} saknas (se .streamlit/secrets.toml.example, "
                          "avsnittet [smtp]).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p.name} kan inte läsas: {exc}.") from None
    if not isinstance(raw, dict) or not raw.get("host") or not raw.get("from"):
        raise ConfigError(f"E-post är inte inställd: [smtp] i {p.name} behöver minst host och from.")
    known = {"host", "port", "from", "username", "password", "security", "timeout", "app_url"}
    if unknown := sorted(set(raw) - known):
        raise ConfigError(f"Okänd inställning i [smtp]: {', '.join(unknown)} (kända: {', '.join(sorted(known))}).")
    port, timeout = raw.get("port", 25), raw.get("timeout", 20)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigError(f"[smtp] port ska vara ett heltal 1–65535, inte {port!r}.")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ConfigError(f"[smtp] timeout ska vara ett antal sekunder, inte {timeout!r}.")
    security = str(raw.get("security", "starttls")).lower()
    if security not in ("starttls", "ssl", "none"):
        raise ConfigError(f"[smtp] security ska vara \"starttls\", \"ssl\" eller \"none\", inte {security!r}.")
    for key in ("host", "from", "username", "password", "app_url"):
        if key in raw and not isinstance(raw[key], str):
            raise ConfigError(f"[smtp] {key} ska vara text.")
    return SmtpSettings(host=raw["host"], sender=raw["from"], port=port, username=raw.get("username", ""),
                        password=raw.get("password", ""), security=security, timeout=float(timeout),
                        app_url=raw.get("app_url", ""))


@dataclass(frozen=True)
class Reminder:
    period: str
    forvaltning: str
    kind: str  # fore | dag | efter
    deadline: dt.date
    recipient: str  # e-mail address
    username: str
    name: str


def due(con, today: dt.date, ref: Reference | None = None) -> tuple[list[Reminder], list[str]]:
    """The reminders due today and not yet sent, and warnings (a förvaltning that has no rapportör to write to)."""
    ref = ref or current_reference()
    opts = ref.options
    set_dates = calendar.deadlines(con)
    reported = {(f, p) for f, p in con.execute("SELECT forvaltning, period FROM current_uploads").fetchall()}
    sent = {tuple(r) for r in con.execute("SELECT period, forvaltning, kind, lower(recipient) FROM reminders_sent "
                                          "WHERE outcome = ?", [SENT]).fetchall()}
    people = con.execute("SELECT username, coalesce(nullif(display_name, ''), username), email, forvaltningar "
                         "FROM users WHERE role = 'rapportor' AND coalesce(email, '') <> '' "
                         "ORDER BY username").fetchall()
    out, warnings = [], []
    for period in calendar.reminder_periods(today):
        deadline = calendar.deadline_for(period, set_dates, opts.deadline_dagar)
        kind = calendar.reminder_kind(deadline, today, opts.paminnelse_dagar_fore, opts.paminnelse_dagar_efter)
        if kind is None or closing.is_closed(con, period):
            continue
        for code in ref.forvaltningar:
            if (code, period) in reported:
                continue
            to = [(u, n, e) for u, n, e, forv in people if code in (forv or [])]
            if not to:
                warnings.append(f"{code} {period}: ingen rapportör med e-postadress att påminna.")
            out += [Reminder(period, code, kind, deadline, email, username, name) for username, name, email in to
                    if (period, code, kind, email.lower()) not in sent]
    return out, warnings


def message(rem: Reminder, sender: str, ref: Reference | None = None, app_url: str = "",
            today: dt.date | None = None) -> EmailMessage:
    """The reminder as an e-mail (plain text, Swedish)."""
    ref = ref or current_reference()
    today = today or dt.date.today()
    label = config.period_label(rem.period)
    when = calendar.state(rem.deadline, None, today).lower()
    subject = {"fore": f"Påminnelse: uppföljningen för {label} ska vara inne {wording.date(rem.deadline)}",
               "dag": f"Sista dag i dag: uppföljningen för {label}",
               "efter": f"Uppföljningen för {label} är sen"}[rem.kind]
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = rem.recipient
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    lines = [f"Hej {rem.name}!", "",
             f"{ref.forvaltning_name(rem.forvaltning)} ({rem.forvaltning}) har ännu inte rapporterat uppföljningen "
             f"av handlingsplanen för {label}.",
             f"Sista dag för inrapportering är {wording.date(rem.deadline)} ({when}).", "",
             "Ladda ner mallen och ladda upp den ifyllda filen på sidan Ladda upp i Näringsdash"
             + (f": {app_url}" if app_url else "."), "",
             "Det här är ett automatiskt utskick; du får det för att du är rapportör för förvaltningen.",
             f"Hälsningar, näringslivsavdelningen, {ref.options.kommun}"]
    msg.set_content("\n".join(lines))
    return msg


def _log(db, rem: Reminder, outcome: str, detail: str | None, when: dt.datetime) -> None:
    with store.connect(db) as con, store.transaction(con):
        con.execute("INSERT INTO reminders_sent VALUES (nextval('reminder_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [rem.period, rem.forvaltning, rem.kind, rem.recipient, rem.username, rem.deadline, when, outcome,
                     detail])


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    if smtp.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout,
                                                context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if smtp.username:
        server.login(smtp.username, smtp.password)
    return server


@dataclass(frozen=True)
class Outcome:
    reminder: Reminder
    outcome: str  # skickad | fel | (dry run) planerad
    detail: str | None = None


def run(db: store.Store, *, today: dt.date | None = None, dry_run: bool = False, ref: Reference | None = None,
        smtp: SmtpSettings | None = None) -> tuple[list[Outcome], list[str]]:
    """Send what is due (or with dry_run: only list it). Every try is logged; a failure is tried again next run."""
    ref = ref or current_reference()
    today = today or dt.date.today()
    with store.connect(db) as con:
        reminders, warnings = due(con, today, ref)
    if dry_run or not reminders:
        return [Outcome(r, "planerad") for r in reminders], warnings
    smtp = smtp or smtp_settings()
    results: list[Outcome] = []
    server: smtplib.SMTP | None = None
    unreachable: str | None = None  # the server could not be reached: the rest fail at once, not one time-out each
    try:
        for rem in reminders:
            if unreachable:
                outcome = Outcome(rem, FAILED, unreachable)
            else:
                try:
                    if server is None:
                        try:
                            server = _connect(smtp)
                        except (OSError, smtplib.SMTPException) as exc:
                            unreachable = f"{type(exc).__name__}: {exc}"[:500]
                            raise
                    server.send_message(message(rem, smtp.sender, ref, smtp.app_url, today))
                    outcome = Outcome(rem, SENT)
                except (OSError, smtplib.SMTPException) as exc:  # refused, unreachable, timed out: tried again
                    outcome = Outcome(rem, FAILED, f"{type(exc).__name__}: {exc}"[:500])
                    if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                        server = None
            _log(db, rem, outcome.outcome, outcome.detail, dt.datetime.now())
            results.append(outcome)
    finally:
        if server is not None:
            try:
                server.quit()
            except (OSError, smtplib.SMTPException):
                pass
    return results, warnings


def log(db: store.Store, period: str | None = None):
    """The reminder log, newest first, as a DataFrame."""
    with store.connect(db) as con:
        return con.execute("SELECT sent_at, period, forvaltning, kind, recipient, username, deadline, outcome, detail "
                           "FROM reminders_sent WHERE $period IS NULL OR period = $period ORDER BY id DESC",
                           {"period": period}).df()

"""The audit log (issue 11 §6): an append-only record of who did what and when.

Sign-ins (successful, failed, throttled), saved uploads, restores, user changes, settings and reference data,
saved analyses and closed periods each add one row to the ``audit_log`` table. This module only ever inserts
and reads: there is no code path that changes or deletes a row. The admin page and
``python -m naringsdash audit`` read it; the CSV for download neutralises formulas like every export.
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import TYPE_CHECKING

from . import export, store

if TYPE_CHECKING:  # recording an event (every import, every sign-in) does not load pandas
    import pandas as pd

ACTIONS = {  # action → Swedish label (admin page, command line)
    "login_ok": "Inloggning",
    "login_failed": "Misslyckad inloggning",
    "login_throttled": "Inloggning fördröjd",
    "session_ended": "Session avslutad (kontot ändrat)",
    "upload_saved": "Uppladdning sparad",
    "restore": "Version återställd",
    "user_created": "Användare skapad",
    "user_changed": "Användare ändrad",
    "password_set": "Lösenord satt",
    "user_removed": "Användare borttagen",
    "settings_changed": "Inställningar ändrade",
    "reference_changed": "Referensdata ändrad",
    "analysis_saved": "Analys sparad",
    "period_closed": "Period stängd",
    "period_reopened": "Period öppnad igen",
    "report_approved": "Rapport fastställd",
    "deadline_set": "Sista dag satt",
    "reminder_sent": "Påminnelse skickad",
}
LABELS = {"at": "Tid", "actor": "Vem", "action_label": "Händelse", "target": "Gällde", "detail": "Detaljer"}
MAX_TEXT = 500  # actor, target and detail are cut to this many characters


def default_actor() -> str:
    """Who acts when no signed-in user does: the command line, with the operating system's user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container)
        who = "okänd"
    return f"kommandoraden ({who})"


def _text(value: object) -> str:
    return ("" if value is None else str(value))[:MAX_TEXT]


def record(con, actor: str | None, action: str, target: object = "", detail: object = "",
           now: dt.datetime | None = None) -> None:
    """Append one event (an unknown action is a programming error and raises ValueError)."""
    if action not in ACTIONS:
        raise ValueError(f"Okänd händelse i granskningsloggen: {action!r}")
    con.execute("INSERT INTO audit_log (logged_at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                [now or dt.datetime.now(), _text(actor or default_actor()), action, _text(target), _text(detail)])


def log(actor: str | None, action: str, target: object = "", detail: object = "", db=None,
        now: dt.datetime | None = None) -> None:
    """``record`` with its own connection (for callers that hold none)."""
    with store.connect(db) as con:
        record(con, actor, action, target, detail, now)


def period_closed(con, actor: str | None, period: str, detail: str = "") -> None:
    """The event for closing a period (the closing itself comes with its feature)."""
    record(con, actor, "period_closed", period, detail)


def query(db=None, *, since: dt.date | dt.datetime | None = None, until: dt.date | dt.datetime | None = None,
          action: str | list[str] | None = None, actor: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Events, newest first: from ``since`` and up to and including ``until`` (a date means the whole day),
    of one or more actions, by one actor (exact, case-insensitive). Columns: id, at, actor, action,
    action_label, target, detail."""
    where, params = [], []
    if since is not None:
        where.append("logged_at >= ?")
        params.append(_start(since))
    if until is not None:
        end = until + dt.timedelta(days=1) if not isinstance(until, dt.datetime) else until
        where.append("logged_at < ?" if not isinstance(until, dt.datetime) else "logged_at <= ?")
        params.append(_start(end) if not isinstance(until, dt.datetime) else end)
    actions = [action] if isinstance(action, str) else list(action or [])
    if actions:
        where.append(f"action IN ({', '.join('?' for _ in actions)})")
        params.extend(actions)
    if actor:
        where.append("lower(actor) = lower(?)")
        params.append(actor.strip())
    text = "SELECT id, logged_at AS at, actor, action, target, detail FROM audit_log"
    if where:
        text += " WHERE " + " AND ".join(where)
    text += " ORDER BY id DESC"
    if limit is not None:
        text += f" LIMIT {int(limit)}"
    with store.connect(db) as con:
        df = con.execute(text, params).df()
    return df.assign(action_label=df["action"].map(lambda a: ACTIONS.get(a, a)))[
        ["id", "at", "actor", "action", "action_label", "target", "detail"]]


def _start(day: dt.date | dt.datetime) -> dt.datetime:
    return day if isinstance(day, dt.datetime) else dt.datetime.combine(day, dt.time())


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The events as CSV for people (semicolons, UTF-8 with BOM, Swedish headers); formulas neutralised."""
    view = df.assign(at=[f"{t:%Y-%m-%d %H:%M:%S}" for t in df["at"]])[list(LABELS)]
    return export.people_csv(view.rename(columns=LABELS))


def reference_saved(actor: str | None, before, after, db=None) -> None:
    """Record what a save of the reference data changed: settings (``settings_changed``) and förvaltning or
    målområde names (``reference_changed``), each with the changed keys as ``key: old → new``."""
    def changes(old: dict, new: dict) -> str:
        keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
        return "; ".join(f"{k}: {old.get(k, '')} → {new.get(k, '')}" for k in keys)

    settings = changes(before.settings, after.settings)
    names = "; ".join(x for x in (changes(before.forvaltningar, after.forvaltningar),
                                  changes(before.malomraden, after.malomraden)) if x)
    if not (settings or names):
        return
    with store.connect(db) as con:
        if settings:
            record(con, actor, "settings_changed", "inställningar", settings)
        if names:
            record(con, actor, "reference_changed", "referensdata", names)

"""The reporting calendar: a deadline per period, days left or days late per förvaltning, reported on time or not.

The rules are pure functions of dates (tested with dates inline); ``deadlines``, ``set_deadline``, ``status`` and
``history`` read and write the store. A period's deadline is the one the admin set (table ``period_deadlines``),
else the default rule: the setting ``deadline_dagar`` days after the period's end.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import config, store, wording
from .config import Reference, current_reference
from .errors import UserError

STALE_DAYS = 30  # a reminder not sent within this many days of its due date is no longer sent (the timer was off)
ON_TIME, LATE, MISSING = "I tid", "Sent", "Saknas"


# --- Rules (pure) --------------------------------------------------------------------------------------------


def default_deadline(period: str, days: int) -> dt.date:
    """The default rule: ``days`` days after the period's end."""
    return config.period_end(period) + dt.timedelta(days=days)


def deadline_for(period: str, set_dates: dict[str, dt.date], days: int) -> dt.date:
    """The period's deadline: the date the admin set, else the default rule."""
    return set_dates.get(period) or default_deadline(period, days)


def days_left(deadline: dt.date, today: dt.date) -> int:
    """Days until the deadline: positive before it, 0 on the day, negative when late."""
    return (deadline - today).days


def state(deadline: dt.date, reported_on: dt.date | None, today: dt.date) -> str:
    """One förvaltning's state in Swedish: "3 dagar kvar", "Sista dag i dag", "5 dagar sen", "Rapporterat i tid"."""
    if reported_on is not None:
        late = (reported_on - deadline).days
        return "Rapporterat i tid" if late <= 0 else f"Rapporterat {wording.plural(late, 'dag', 'dagar')} sent"
    left = days_left(deadline, today)
    if left > 0:
        return f"{wording.plural(left, 'dag', 'dagar')} kvar"
    if left == 0:
        return "Sista dag i dag"
    return f"{wording.plural(-left, 'dag', 'dagar')} sen"


def on_time(reported_on: dt.date | None, deadline: dt.date, today: dt.date) -> str | None:
    """I tid, Sent or Saknas; None while the deadline has not passed and nothing is reported yet."""
    if reported_on is not None:
        return ON_TIME if reported_on <= deadline else LATE
    return MISSING if today > deadline else None


def reminder_kind(deadline: dt.date, today: dt.date, before: int, after: int) -> str | None:
    """Which reminder is due today: ``fore`` (from ``before`` days ahead until the day before), ``dag`` (from the
    deadline until ``after`` days later), ``efter`` (from ``after`` days after it); each for at most STALE_DAYS, so a
    timer that was off does not send stale reminders. ``before`` or ``after`` 0 turns that reminder off."""
    left = days_left(deadline, today)
    if before > 0 and 0 < left <= before:
        return "fore"
    late = -left
    if 0 <= late < (after if after > 0 else STALE_DAYS):
        return "dag"
    if after > 0 and after <= late < after + STALE_DAYS:
        return "efter"
    return None


def reminder_periods(today: dt.date) -> list[str]:
    """The periods whose default deadline can still call for a reminder (this year's and last year's)."""
    return [f"{y}-T{t}" for y in (today.year - 1, today.year) for t in (1, 2, 3)]


# --- The store -----------------------------------------------------------------------------------------------


def deadlines(con) -> dict[str, dt.date]:
    """The deadlines the admin has set, by period."""
    return dict(con.execute("SELECT period, deadline FROM period_deadlines").fetchall())


def deadline(con, period: str, ref: Reference | None = None) -> dt.date:
    ref = ref or current_reference()
    return deadline_for(period, deadlines(con), ref.options.deadline_dagar)


def set_deadline(con, period: str, when: dt.date | None, user: str) -> None:
    """Set (or with None: remove, back to the default rule) a period's deadline."""
    p = config.parse_period(period)
    if p is None:
        raise UserError(f"Okänd period: {period!r}.")
    if when is not None and when < config.period_end(p):
        raise UserError(f"Sista dag för inrapportering ({when}) kan inte ligga före periodens slut "
                        f"({config.period_end(p)}).")
    with store.transaction(con):
        con.execute("DELETE FROM period_deadlines WHERE period = ?", [p])
        if when is not None:
            con.execute("INSERT INTO period_deadlines VALUES (?, ?, ?, ?)", [p, when, user, dt.datetime.now()])
        store.bump_data_version(con)


def first_reports(con) -> dict[tuple[str, str], dt.date]:
    """The day each (förvaltning, period) first reported."""
    rows = con.execute(store.sql("first_reports")).fetchall()
    return {(f, p): d for f, p, d in rows}


def status(period: str, db: store.Store, ref: Reference | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Per förvaltning: deadline, reported on (first upload), days left (negative: late) and the state in words."""
    ref = ref or current_reference()
    today = today or dt.date.today()
    with store.connect(db) as con:
        due = deadline(con, period, ref)
        firsts = first_reports(con)
    rows = []
    for code in ref.forvaltningar:
        reported = firsts.get((code, period))
        rows.append({"forvaltning": code, "forvaltning_namn": ref.forvaltning_name(code), "deadline": due,
                     "rapporterat_den": reported, "dagar_kvar": None if reported else days_left(due, today),
                     "lage": state(due, reported, today), "i_tid": on_time(reported, due, today)})
    return pd.DataFrame(rows, columns=["forvaltning", "forvaltning_namn", "deadline", "rapporterat_den",
                                       "dagar_kvar", "lage", "i_tid"])


def history_table(forvaltningar: list[str], periods: list[str], firsts: dict[tuple[str, str], dt.date],
                  due: dict[str, dt.date], today: dt.date) -> list[dict]:
    """One row per förvaltning, one column per period (oldest first): I tid, Sent (n d), Saknas, or empty."""
    out = []
    for code in forvaltningar:
        row: dict[str, object] = {"forvaltning": code}
        for p in periods:
            reported = firsts.get((code, p))
            verdict = on_time(reported, due[p], today)
            if verdict == LATE and reported is not None:  # late: always reported
                verdict = f"{LATE} ({(reported - due[p]).days} d)"
            row[p] = verdict or ""
        hits = [on_time(firsts.get((code, p)), due[p], today) for p in periods]
        judged = [h for h in hits if h is not None]
        row["andel_i_tid"] = round(100 * judged.count(ON_TIME) / len(judged)) if judged else None
        out.append(row)
    return out


def history(db: store.Store, ref: Reference | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Which förvaltning reported on time, period by period (the periods with data, oldest first)."""
    ref = ref or current_reference()
    today = today or dt.date.today()
    with store.connect(db) as con:
        periods = sorted(p for (p,) in con.execute(store.sql("periods")).fetchall())
        set_dates = deadlines(con)
        firsts = first_reports(con)
    due = {p: deadline_for(p, set_dates, ref.options.deadline_dagar) for p in periods}
    rows = history_table(list(ref.forvaltningar), periods, firsts, due, today)
    return pd.DataFrame(rows, columns=["forvaltning", *periods, "andel_i_tid"])

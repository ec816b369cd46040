"""The tertial cycle: which periods are complete, the default period, the banner facts, like-for-like comparison
and trend data that never goes past the chosen period. No streamlit: the pages, slides, command line and report
writers all call these.

A period is **komplett** when every förvaltning in the reference data has a current upload for it, or when an
admin has closed it for reporting (``closing.close``, on Admin › Perioder or ``period close``; logged with who,
when and why in ``period_closures``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from . import store, wording
from .config import Reference, load_reference, period_label, previous_period
from .store import queries


@dataclass(frozen=True)
class PeriodState:
    """One period as reported so far."""

    period: str
    reported: tuple[str, ...]      # förvaltningar (reference codes, reference order) with a current upload
    missing: tuple[str, ...]       # förvaltningar in the reference data without one
    closed: bool = False           # an admin has closed the period for reporting
    closed_by: str | None = None
    closed_at: dt.datetime | None = None
    reason: str | None = None

    @property
    def total(self) -> int:
        return len(self.reported) + len(self.missing)

    @property
    def complete(self) -> bool:
        """Komplett: every förvaltning has reported, or the admin closed the period for reporting."""
        return not self.missing or self.closed

    @property
    def label(self) -> str:
        return period_label(self.period)


def _marks(con) -> dict[str, tuple]:
    """The closings in force (``closing``: the one record of closed periods), as (closed, by, when, reason)."""
    rows = con.execute("SELECT period, closed_by, closed_at, reason FROM period_closures WHERE reopened_at IS NULL "
                       "QUALIFY row_number() OVER (PARTITION BY period ORDER BY id DESC) = 1").fetchall()
    return {r[0]: (True, r[1], r[2], r[3]) for r in rows}


def _state(period: str, reporters: set[str], mark: tuple | None, ref: Reference) -> PeriodState:
    codes = list(ref.forvaltningar)
    closed, by, at, reason = mark if mark else (False, None, None, None)
    return PeriodState(period, tuple(c for c in codes if c in reporters), tuple(c for c in codes if c not in reporters),
                       bool(closed), by if closed else None, at if closed else None, reason if closed else None)


def states(db=None, ref: Reference | None = None) -> dict[str, PeriodState]:
    """Every period with data (newest first) and how far its reporting has come."""
    ref = ref or load_reference()
    with store.connect(db) as con:
        reporters = {p: set(f) for p, f in con.execute(store.sql("period_reporters")).fetchall()}
        marks = _marks(con)
    return {p: _state(p, reporters[p], marks.get(p), ref) for p in sorted(reporters, reverse=True)}


def state(period: str, db=None, ref: Reference | None = None) -> PeriodState:
    """One period (also one without data: nobody has reported)."""
    ref = ref or load_reference()
    found = states(db, ref).get(period)
    if found is not None:
        return found
    with store.connect(db) as con:
        mark = _marks(con).get(period)
    return _state(period, set(), mark, ref)


def newest_complete(all_states: dict[str, PeriodState]) -> str | None:
    """The newest complete period of ``states()``; the newest with data when none is complete yet."""
    for p, s in all_states.items():
        if s.complete:
            return p
    return next(iter(all_states), None)


def newest_complete_period(db=None, ref: Reference | None = None) -> str | None:
    """The period every view opens on unless the user chose another: the newest complete one (the newest with data
    when no period is complete yet; None for an empty database)."""
    return newest_complete(states(db, ref))


def banner(s: PeriodState, ref: Reference | None = None) -> str | None:
    """The banner text for a period that is not complete ("2026 Helår (T3) pågår: 1 av 7 förvaltningar har
    rapporterat (saknas: …). Jämförelser gäller bara …"); None for a complete period."""
    if s.complete:
        return None
    ref = ref or load_reference()
    return wording.period_banner(s.label, len(s.reported), s.total, [ref.forvaltning_name(c) for c in s.missing])


# --- Like-for-like comparison and trend -----------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A period against the one before, like for like.

    ``now``: the period's figures for the selection (what is shown). ``before``: the previous period restricted to
    the förvaltningar that are in both periods (None when there is nothing to compare). ``now_common``: this
    period restricted to the same förvaltningar; the changes are ``now_common − before``.
    """

    period: str
    previous: str
    common: tuple[str, ...]
    total: int                    # förvaltningar in the selection (all in the reference data when none is chosen)
    now: pd.Series | None
    before: pd.Series | None
    now_common: pd.Series | None

    @property
    def like_for_like(self) -> bool:
        """True when some förvaltning of the selection is left out of the comparison."""
        return len(self.common) < self.total

    def note(self) -> str:
        """"pilarna visar förändringen sedan … (för de N förvaltningar som finns i båda perioderna)"."""
        return wording.comparison_note(period_label(self.previous), len(self.common), self.total)


def common_forvaltningar(period: str, all_states: dict[str, PeriodState], forvaltningar=()) -> tuple[str, ...]:
    """The förvaltningar of the selection (empty: all) reported in both ``period`` and the one before."""
    now, before = all_states.get(period), all_states.get(previous_period(period))
    if now is None or before is None:
        return ()
    pick = set(forvaltningar or now.reported)
    return tuple(c for c in now.reported if c in before.reported and c in pick)


def _summary_row(df: pd.DataFrame, period: str) -> pd.Series | None:
    hit = df[df["period"] == period]
    return hit.iloc[0] if not hit.empty else None


def compare(period: str, db=None, forvaltningar=(), malomraden=(), ref: Reference | None = None,
            today: dt.date | None = None, all_states: dict[str, PeriodState] | None = None) -> Comparison:
    """The key figures of ``period`` (summary rows) against the previous period, like for like."""
    all_states = all_states if all_states is not None else states(db, ref)
    prev = previous_period(period)
    now_all = _summary_row(queries.summary(db, forvaltningar, malomraden, today), period)
    s = all_states.get(period)
    selected = [c for c in ((s.reported + s.missing) if s else ()) if not forvaltningar or c in forvaltningar]
    common = common_forvaltningar(period, all_states, forvaltningar)
    if not common:
        return Comparison(period, prev, (), len(selected), now_all, None, None)
    restricted = queries.summary(db, common, malomraden, today)
    before, now_common = _summary_row(restricted, prev), _summary_row(restricted, period)
    if before is None or now_common is None:
        return Comparison(period, prev, common, len(selected), now_all, None, None)
    return Comparison(period, prev, common, len(selected), now_all, before, now_common)


def compare_progress(period: str, db=None, forvaltningar=(), malomraden=(), ref: Reference | None = None,
                     today: dt.date | None = None, all_states: dict[str, PeriodState] | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    """Per målområde, like for like: (this period, previous restricted, this period restricted, common)."""
    all_states = all_states if all_states is not None else states(db, ref)
    now = queries.progress(period, db, forvaltningar, malomraden, today)
    common = common_forvaltningar(period, all_states, forvaltningar)
    if not common:
        return now, now.iloc[0:0], now.iloc[0:0], ()
    before = queries.progress(previous_period(period), db, common, malomraden, today)
    now_common = queries.progress(period, db, common, malomraden, today)
    return now, before, now_common, common


def trend(upto: str, db=None, forvaltningar=(), malomraden=(), ref: Reference | None = None,
          today: dt.date | None = None, all_states: dict[str, PeriodState] | None = None) -> pd.DataFrame:
    """Key figures per period, oldest first, never after ``upto``, with ``komplett`` (bool) per period."""
    all_states = all_states if all_states is not None else states(db, ref)
    df = queries.summary(db, forvaltningar, malomraden, today)
    df = df[df["period"] <= upto].reset_index(drop=True)
    return df.assign(komplett=[all_states[p].complete if p in all_states else False for p in df["period"]])

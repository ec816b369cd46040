"""Named queries over the store, each running one ``sql/*.sql`` file and returning a DataFrame.

Every function opens the database for its own unit of work (see ``store.connect``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..config import Reference, as_of_date, current_reference, previous_period
from . import db as store


def _run(name: str, db: store.Store, **params) -> pd.DataFrame:
    with store.connect(db) as con:
        return con.execute(store.sql(name), params).df()


def own_series(own: str | None = None) -> str:
    """The kommun's own indicator series: ``own`` when given (a cache key), else the setting ``kommun``."""
    return own or current_reference().options.own_series


def _filters(forvaltningar=None, malomraden=None) -> dict:
    return {"forvaltningar": [str(f) for f in (forvaltningar or [])],
            "malomraden": [int(m) for m in (malomraden or [])]}


def data_version(db: store.Store) -> int:
    with store.connect(db) as con:
        return store.data_version(con)


def periods(db: store.Store) -> list[str]:
    """Periods with data, newest first."""
    return _run("periods", db)["period"].tolist()


def latest_period(db: store.Store) -> str | None:
    p = periods(db)
    return p[0] if p else None


def activities(period: str, db: store.Store, forvaltningar=None, malomraden=None, today: dt.date | None = None) -> pd.DataFrame:
    """Current state of a period with the overdue flag and days late."""
    return _run("activities", db, period=period, as_of=as_of_date(period, today), **_filters(forvaltningar, malomraden))


def overdue(period: str, db: store.Store, forvaltningar=None, malomraden=None, today: dt.date | None = None) -> pd.DataFrame:
    return _run("overdue", db, period=period, as_of=as_of_date(period, today), **_filters(forvaltningar, malomraden))


def progress(period: str, db: store.Store, forvaltningar=None, malomraden=None, today: dt.date | None = None) -> pd.DataFrame:
    """Per målområde: counts per status, share Klar, average Andel klart, overdue."""
    return _run("progress", db, period=period, as_of=as_of_date(period, today), **_filters(forvaltningar, malomraden))


def summary(db: store.Store, forvaltningar=None, malomraden=None, today: dt.date | None = None,
            periods: list[str] | None = None, upto: str | None = None) -> pd.DataFrame:
    """Key figures per period with data (oldest first): every period, or only those in ``periods``, or only those
    up to ``upto``; the other periods' activities are not read. One opening of the database for both queries;
    with ``periods`` given, one query (a period without data has no row either way)."""
    with store.connect(db) as con:
        known = sorted({p for p in periods if p}) if periods is not None else \
            [p for (p,) in con.execute(store.sql("periods")).fetchall()]
        ps = [{"period": p, "as_of": as_of_date(p, today)} for p in known if upto is None or p <= upto]
        if not ps:
            return pd.DataFrame(columns=["period", "antal", "klara", "andel_klara", "forsenade", "rapporterat",
                                         "snitt_andel_klar"])
        return con.execute(store.sql("summary"), {"periods": ps, **_filters(forvaltningar, malomraden)}).df()


def changes(period: str, since: str, db: store.Store, forvaltningar=None, malomraden=None,
            today: dt.date | None = None) -> pd.DataFrame:
    """Activities of ``period`` that became Klar, became overdue or changed status since the period ``since``
    (``story.changes_since``'s rule and columns, computed by DuckDB): only the changed rows, in the lists' order."""
    return _run("changes", db, period=period, as_of=as_of_date(period, today), since=since,
                since_as_of=as_of_date(since, today), **_filters(forvaltningar, malomraden))


def reporting(period: str, db: store.Store, ref: Reference | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Per förvaltning in the reference data: reported or not, when, by whom, activities and progress."""
    ref = ref or current_reference()
    return _run("reporting", db, period=period, as_of=as_of_date(period, today), forvaltningar=list(ref.forvaltningar))


def indicators(db: store.Store, malomraden=None, own: str | None = None) -> pd.DataFrame:
    """Current indicator values, all series (each indicator described by its own-series rows)."""
    return _run("indicators", db, malomraden=[int(m) for m in (malomraden or [])], own=own_series(own))


def indicator_changes(db: store.Store, malomraden=None, own: str | None = None) -> pd.DataFrame:
    """Latest own value per indicator against the year before, labelled förbättring/försämring by direction."""
    return _run("indicator_changes", db, malomraden=[int(m) for m in (malomraden or [])], own=own_series(own))


def kolada_fetched(db: store.Store, own: str | None = None) -> pd.DataFrame:
    """Per Kolada indicator and series (the own series first): KPI id, source, years and fetch time."""
    return _run("kolada_fetched", db, own=own_series(own))


def uploads(db: store.Store, forvaltningar=None) -> pd.DataFrame:
    return _run("uploads", db, forvaltningar=[str(f) for f in (forvaltningar or [])])


def latest_activities(forvaltning: str, db: store.Store, upto: str | None = None) -> pd.DataFrame:
    """The förvaltning's activities from its latest upload (for a period up to ``upto``); pre-fills the template.
    The ``period`` column says which period they come from."""
    return _run("latest_activities", db, forvaltning=forvaltning, upto=upto)


def _rows(name: str, db: store.Store, **params) -> tuple[list[str], list[tuple]]:
    """Columns and rows as plain Python values (exports want exact values, not pandas dtypes)."""
    with store.connect(db) as con:
        cur = con.execute(store.sql(name), params)
        return [d[0] for d in cur.description], cur.fetchall()


def export_activities(period: str, db: store.Store, today: dt.date | None = None) -> tuple[list[str], list[tuple]]:
    return _rows("export_activities", db, period=period, as_of=as_of_date(period, today))


def export_indicators(db: store.Store, own: str | None = None) -> tuple[list[str], list[tuple]]:
    return _rows("export_indicators", db, own=own_series(own))


def status_changes(period: str, db: store.Store, forvaltningar=None, malomraden=None,
                   today: dt.date | None = None) -> pd.DataFrame:
    """Activities whose status moved since the previous period (new ones included), with the old state."""
    return _run("status_changes", db, period=period, previous=previous_period(period),
                as_of=as_of_date(period, today), **_filters(forvaltningar, malomraden))


def indicator_news(since: dt.datetime, db: store.Store, malomraden=None, own: str | None = None) -> pd.DataFrame:
    """Each indicator's latest own value that arrived after ``since``, with the year before's value."""
    return _run("indicator_news", db, since=since, malomraden=[int(m) for m in (malomraden or [])],
                own=own_series(own))

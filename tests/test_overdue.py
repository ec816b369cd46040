"""The overdue rule (contract §3) at period boundaries, with an injected 'today'."""

import datetime as dt

import pytest

from naringsdash import config, ingest
from naringsdash.store import queries

from conftest import activity, write_xlsx


@pytest.mark.parametrize("slut, status, today, expected", [
    (dt.date(2025, 4, 30), "Pågår", dt.date(2026, 1, 1), False),    # deadline on the period end: not late yet
    (dt.date(2025, 4, 29), "Pågår", dt.date(2026, 1, 1), True),     # one day before the period end
    (dt.date(2025, 4, 29), "Ej påbörjad", dt.date(2026, 1, 1), True),
    (dt.date(2025, 4, 29), "Klar", dt.date(2026, 1, 1), False),
    (dt.date(2025, 4, 29), "Avbruten", dt.date(2026, 1, 1), False),
    (dt.date(2025, 12, 31), "Försenad", dt.date(2026, 1, 1), True),  # status Försenad is always overdue
    (dt.date(2025, 3, 31), "Pågår", dt.date(2025, 3, 31), False),   # today before the period end: as-of is today
    (dt.date(2025, 3, 30), "Pågår", dt.date(2025, 3, 31), True),
])
def test_overdue_rule(tmp_path, db, slut, status, today, expected):
    f = write_xlsx(tmp_path / "a.xlsx", [activity(1, Slutdatum=slut, Startdatum=dt.date(2025, 1, 1), Status=status)])
    assert ingest.import_file(f, db=db, forvaltning="KLF", period="2025-T1").ok
    cols, rows = queries.export_activities("2025-T1", db, today=today)
    assert rows[0][cols.index("forsenad")] is expected
    assert len(queries.overdue("2025-T1", db, today=today)) == int(expected)


def test_days_late_counted_to_the_as_of_date(tmp_path, db):
    f = write_xlsx(tmp_path / "a.xlsx", [activity(1, Slutdatum=dt.date(2025, 8, 1)),
                                         activity(2, Slutdatum=dt.date(2025, 8, 21))])
    ingest.import_file(f, db=db, forvaltning="KLF", period="2025-T2")
    df = queries.overdue("2025-T2", db, today=dt.date(2026, 1, 1))
    assert df[["aktivitet_id", "dagar_sena"]].values.tolist() == [["A-01", 30], ["A-02", 10]]


@pytest.mark.parametrize("period, end", [("2025-T1", dt.date(2025, 4, 30)), ("2025-T2", dt.date(2025, 8, 31)),
                                         ("2025-T3", dt.date(2025, 12, 31))])
def test_period_ends(period, end):
    assert config.period_end(period) == end
    assert config.as_of_date(period, dt.date(2030, 1, 1)) == end
    assert config.as_of_date(period, dt.date(2025, 1, 2)) == dt.date(2025, 1, 2)

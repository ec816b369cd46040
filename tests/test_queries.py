"""The dashboard's queries as data: given rows in, expected rows out (dbt style)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from naringsdash import store
from naringsdash.store import queries

D = dt.date


def load(db, period: str, forvaltning: str, rows: list[tuple]) -> None:
    """One accepted upload of (aktivitet_id, malomrade, status, andel_klar, slutdatum) rows."""
    acts = [{"aktivitet_id": i, "aktivitet": f"Aktivitet {i}", "malomrade": m, "ansvarig": "Anna",
             "startdatum": D(2024, 1, 1), "slutdatum": end, "status": status, "andel_klar": pct, "bedomning": None,
             "kommentar": f"Kommentar {i}"} for i, m, status, pct, end in rows]
    with store.connect(db) as con:
        store.save_upload(con, kind="aktiviteter", forvaltning=forvaltning, period=period, user="test",
                          file_name="f.xlsx", data=repr((period, forvaltning, rows)).encode(), activities=acts,
                          indicators=[])


def load_indicators(db, rows: list[tuple]) -> None:
    """One indicator upload of (indikator, riktning, ar, varde) rows."""
    vals = [{"indikator": n, "malomrade": 1, "enhet": "placering", "riktning": r, "malvarde": 100.0, "malar": 2030,
             "kalla": "Test", "ar": ar, "varde": v} for n, r, ar, v in rows]
    with store.connect(db) as con:
        store.save_upload(con, kind="indikatorer", forvaltning=None, period=None, user="test", file_name="i.xlsx",
                          data=repr(rows).encode(), activities=[], indicators=vals, own_series="Trelleborg")


def records(df, columns):
    return [tuple(None if pd.isna(v) else v for v in row) for row in df[columns].itertuples(index=False)]


def test_progress_counts_statuses_share_klar_and_average_per_malomrade(db):
    load(db, "2025-T2", "KLF", [("A1", 1, "Klar", 100, D(2025, 3, 31)), ("A2", 1, "Pågår", 40, D(2025, 12, 31)),
                                ("A3", 1, "Försenad", 20, D(2025, 12, 31)),
                                ("A4", 2, "Ej påbörjad", 0, D(2026, 6, 30)),
                                ("A5", 2, "Avbruten", None, D(2025, 5, 31))])
    load(db, "2025-T2", "SBF", [("S1", 1, "Pågår", 60, D(2025, 6, 30))])  # past deadline, not done → overdue
    out = queries.progress("2025-T2", db=db, today=D(2026, 1, 1))
    cols = ["malomrade", "antal", "ej_paborjad", "pagar", "forsenad_status", "klar", "avbruten", "forsenade",
            "andel_klara", "snitt_andel_klar"]
    assert records(out, cols) == [(1, 4, 0, 2, 1, 1, 0, 2, 25.0, 55.0),
                                  (2, 2, 1, 0, 0, 0, 1, 0, 0.0, 0.0)]


def test_progress_filters_by_forvaltning_and_malomrade(db):
    load(db, "2025-T2", "KLF", [("A1", 1, "Klar", 100, D(2025, 3, 31)), ("A2", 3, "Pågår", 40, D(2025, 12, 31))])
    load(db, "2025-T2", "SBF", [("S1", 1, "Pågår", 60, D(2025, 12, 31))])
    out = queries.progress("2025-T2", db=db, forvaltningar=["SBF"], today=D(2026, 1, 1))
    assert records(out, ["malomrade", "antal", "klar"]) == [(1, 1, 0)]
    out = queries.progress("2025-T2", db=db, malomraden=[3], today=D(2026, 1, 1))
    assert records(out, ["malomrade", "antal", "pagar"]) == [(3, 1, 1)]


def test_progress_uses_only_the_current_version_of_an_upload(db):
    load(db, "2025-T2", "KLF", [("A1", 1, "Pågår", 50, D(2025, 12, 31))])
    load(db, "2025-T2", "KLF", [("A1", 1, "Klar", 100, D(2025, 12, 31))])
    out = queries.progress("2025-T2", db=db, today=D(2026, 1, 1))
    assert records(out, ["malomrade", "antal", "klar", "andel_klara"]) == [(1, 1, 1, 100.0)]


@pytest.mark.parametrize("status, slutdatum, today, late, days", [
    ("Försenad", D(2026, 6, 30), D(2026, 1, 1), True, 0),      # status Försenad counts even before the deadline
    ("Pågår", D(2025, 8, 1), D(2026, 1, 1), True, 30),         # past the deadline on the period's end (08-31)
    ("Ej påbörjad", D(2025, 8, 1), D(2026, 1, 1), True, 30),
    ("Pågår", D(2025, 8, 31), D(2026, 1, 1), False, None),     # deadline on the as-of date: not yet late
    ("Klar", D(2025, 1, 31), D(2026, 1, 1), False, None),      # done, however late
    ("Avbruten", D(2025, 1, 31), D(2026, 1, 1), False, None),  # cancelled
    ("Pågår", D(2025, 7, 1), D(2025, 7, 11), True, 10),        # the period is still running: as-of is today
    ("Pågår", D(2025, 8, 1), D(2025, 7, 11), False, None),
])
def test_overdue_follows_the_contract_rule(db, status, slutdatum, today, late, days):
    load(db, "2025-T2", "KLF", [("A1", 2, status, 50, slutdatum)])
    out = queries.overdue("2025-T2", db=db, today=today)
    assert records(out, ["aktivitet_id", "dagar_sena"]) == ([("A1", days)] if late else [])


def test_overdue_is_sorted_by_days_late_and_filtered(db):
    load(db, "2025-T2", "KLF", [("A1", 1, "Pågår", 50, D(2025, 8, 21)), ("A2", 2, "Pågår", 50, D(2025, 5, 31)),
                                ("A3", 1, "Klar", 100, D(2025, 1, 31))])
    load(db, "2025-T2", "SBF", [("S1", 1, "Försenad", 10, D(2025, 12, 31)), ("S2", 1, "Pågår", 0, D(2025, 7, 31))])
    out = queries.overdue("2025-T2", db=db, today=D(2026, 1, 1))
    assert records(out, ["forvaltning", "aktivitet_id", "dagar_sena", "kommentar"]) == [
        ("KLF", "A2", 92, "Kommentar A2"), ("SBF", "S2", 31, "Kommentar S2"), ("KLF", "A1", 10, "Kommentar A1"),
        ("SBF", "S1", 0, "Kommentar S1")]
    out = queries.overdue("2025-T2", db=db, forvaltningar=["SBF"], malomraden=[1], today=D(2026, 1, 1))
    assert records(out, ["aktivitet_id"]) == [("S2",), ("S1",)]


def test_summary_counts_the_same_overdue_as_the_overdue_list(db):
    load(db, "2025-T1", "KLF", [("A1", 1, "Pågår", 50, D(2025, 3, 31))])
    load(db, "2025-T2", "KLF", [("A1", 1, "Pågår", 80, D(2025, 3, 31)), ("A2", 1, "Klar", 100, D(2025, 6, 30))])
    out = queries.summary(db=db, today=D(2026, 1, 1))
    assert records(out, ["period", "antal", "klara", "andel_klara", "forsenade"]) == [
        ("2025-T1", 1, 0, 0.0, 1), ("2025-T2", 2, 1, 50.0, 1)]
    assert len(queries.overdue("2025-T2", db=db, today=D(2026, 1, 1))) == 1


def test_status_changes_lists_moves_and_new_activities_since_the_previous_period(db):
    load(db, "2025-T1", "KLF", [("A1", 1, "Pågår", 50, D(2025, 12, 31)), ("A2", 1, "Pågår", 30, D(2025, 12, 31)),
                                ("A3", 2, "Ej påbörjad", 0, D(2025, 12, 31))])
    load(db, "2025-T2", "KLF", [("A1", 1, "Klar", 100, D(2025, 12, 31)), ("A2", 1, "Pågår", 60, D(2025, 12, 31)),
                                ("A3", 2, "Pågår", 10, D(2025, 12, 31)),
                                ("A4", 1, "Ej påbörjad", 0, D(2026, 6, 30))])
    out = queries.status_changes("2025-T2", db=db, malomraden=[1], today=D(2026, 1, 1))
    assert records(out, ["aktivitet_id", "status_fore", "status", "andel_klar_fore", "andel_klar", "ny"]) == [
        ("A1", "Pågår", "Klar", 50, 100, False), ("A4", None, "Ej påbörjad", None, 0, True)]


@pytest.mark.parametrize("riktning, values, judged, change, pct", [
    ("hogre", [(2023, 70.0), (2024, 75.0)], "förbättring", 5.0, 7.1),
    ("hogre", [(2023, 75.0), (2024, 70.0)], "försämring", -5.0, -6.7),
    ("lagre", [(2019, 231.0), (2020, 167.0)], "förbättring", -64.0, -27.7),   # a ranking that drops improves
    ("lagre", [(2019, 167.0), (2020, 231.0)], "försämring", 64.0, 38.3),
    ("lagre", [(2019, 167.0), (2020, 167.0)], "oförändrad", 0.0, 0.0),
    ("hogre", [(2018, 10.0), (2020, 12.0)], "förbättring", 2.0, 20.0),        # a gap: against the latest earlier year
    ("hogre", [(2020, 12.0)], "oförändrad", None, None),                       # nothing to compare with
])
def test_indicator_change_is_judged_by_direction(db, riktning, values, judged, change, pct):
    load_indicators(db, [("Ranking", riktning, ar, v) for ar, v in values])
    out = queries.indicator_changes(db=db)
    assert records(out, ["indikator", "ar", "varde", "forandring", "forandring_procent", "bedomning"]) == [
        ("Ranking", values[-1][0], values[-1][1], change, pct, judged)]


def test_indicator_change_uses_the_latest_upload_of_each_value(db):
    load_indicators(db, [("Ranking", "lagre", 2019, 231.0), ("Ranking", "lagre", 2020, 240.0)])
    load_indicators(db, [("Ranking", "lagre", 2020, 167.0)])   # a corrected 2020 value
    out = queries.indicator_changes(db=db)
    assert records(out, ["foregaende", "varde", "bedomning"]) == [(231.0, 167.0, "förbättring")]

"""The reporting calendar: the default deadline rule, the admin's own date, days left or late per förvaltning,
which reminder is due, and the history of who reported on time (rules with dates inline, then the store)."""

from __future__ import annotations

import datetime as dt

import pytest

from naringsdash import calendar, config, ingest, store
from naringsdash.errors import ConfigError, UserError

from conftest import activity, write_xlsx

D = dt.date


@pytest.mark.parametrize("period, days, expected", [
    ("2025-T1", 15, D(2025, 5, 15)),
    ("2025-T2", 15, D(2025, 9, 15)),
    ("2025-T3", 15, D(2026, 1, 15)),
    ("2025-T3", 0, D(2025, 12, 31)),
])
def test_default_deadline_is_days_after_the_period_end(period, days, expected):
    assert calendar.default_deadline(period, days) == expected


def test_a_date_set_by_the_admin_wins():
    assert calendar.deadline_for("2025-T2", {"2025-T2": D(2025, 9, 20)}, 15) == D(2025, 9, 20)
    assert calendar.deadline_for("2025-T1", {"2025-T2": D(2025, 9, 20)}, 15) == D(2025, 5, 15)


@pytest.mark.parametrize("reported, today, expected", [
    (None, D(2025, 9, 12), "3 dagar kvar"),
    (None, D(2025, 9, 14), "1 dag kvar"),
    (None, D(2025, 9, 15), "Sista dag i dag"),
    (None, D(2025, 9, 20), "5 dagar sen"),
    (D(2025, 9, 15), D(2025, 9, 30), "Rapporterat i tid"),
    (D(2025, 9, 17), D(2025, 9, 30), "Rapporterat 2 dagar sent"),
])
def test_state_in_words(reported, today, expected):
    assert calendar.state(D(2025, 9, 15), reported, today) == expected


@pytest.mark.parametrize("reported, today, expected", [
    (D(2025, 9, 1), D(2025, 9, 2), "I tid"), (D(2025, 9, 16), D(2025, 9, 20), "Sent"),
    (None, D(2025, 9, 16), "Saknas"), (None, D(2025, 9, 15), None),
])
def test_on_time(reported, today, expected):
    assert calendar.on_time(reported, D(2025, 9, 15), today) == expected


@pytest.mark.parametrize("today, expected", [
    (D(2025, 9, 9), None),       # 6 days before: too early
    (D(2025, 9, 10), "fore"),    # 5 days before
    (D(2025, 9, 14), "fore"),
    (D(2025, 9, 15), "dag"),     # the day
    (D(2025, 9, 17), "dag"),     # the timer was off on the day: still the day's reminder
    (D(2025, 9, 18), "efter"),   # 3 days after
    (D(2025, 10, 17), "efter"),
    (D(2025, 10, 18), None),     # stale
])
def test_which_reminder_is_due(today, expected):
    assert calendar.reminder_kind(D(2025, 9, 15), today, before=5, after=3) == expected


def test_zero_turns_a_reminder_off():
    assert calendar.reminder_kind(D(2025, 9, 15), D(2025, 9, 14), before=0, after=3) is None
    assert calendar.reminder_kind(D(2025, 9, 15), D(2025, 9, 25), before=5, after=0) == "dag"


def test_history_table():
    due = {"2025-T1": D(2025, 5, 15), "2025-T2": D(2025, 9, 15)}
    firsts = {("KLF", "2025-T1"): D(2025, 5, 2), ("KLF", "2025-T2"): D(2025, 9, 18), ("SBF", "2025-T1"): D(2025, 5, 15)}
    rows = calendar.history_table(["KLF", "SBF"], ["2025-T1", "2025-T2"], firsts, due, D(2025, 10, 1))
    assert rows == [{"forvaltning": "KLF", "2025-T1": "I tid", "2025-T2": "Sent (3 d)", "andel_i_tid": 50},
                    {"forvaltning": "SBF", "2025-T1": "I tid", "2025-T2": "Saknas", "andel_i_tid": 50}]


@pytest.mark.parametrize("written", ['"15"', "-1", "400", "true", "1.5"])
def test_day_settings_are_whole_numbers(tmp_path, written):
    text = config.DEFAULT_CONFIG.read_text(encoding="utf-8").replace("deadline_dagar = 15",
                                                                      f"deadline_dagar = {written}")
    cfg = tmp_path / "r.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="deadline_dagar"):
        config.load_reference(cfg)


def test_settings_are_typed():
    opts = config.load_reference().options
    assert (opts.deadline_dagar, opts.paminnelse_dagar_fore, opts.paminnelse_dagar_efter) == (15, 5, 3)
    assert opts.oppen_data_licens == "CC0-1.0"


def _upload(db, code: str, period: str, when: dt.datetime, tmp_path) -> None:
    path = write_xlsx(tmp_path / f"{code}-{period}.xlsx", [activity(1, Förvaltning=code)])
    res = ingest.import_file(path, db=db, forvaltning=code, period=period, user="test", uploaded_at=when)
    assert res.ok, [str(e) for e in res.errors]


def test_status_and_history_from_the_store(db, tmp_path):
    _upload(db, "KLF", "2025-T2", dt.datetime(2025, 9, 10, 9), tmp_path)
    _upload(db, "SBF", "2025-T2", dt.datetime(2025, 9, 22, 9), tmp_path)
    with store.connect(db) as con:
        calendar.set_deadline(con, "2025-T2", D(2025, 9, 20), "admin")
        assert calendar.deadline(con, "2025-T2") == D(2025, 9, 20)
        with pytest.raises(UserError, match="före periodens slut"):
            calendar.set_deadline(con, "2025-T2", D(2025, 8, 1), "admin")
    df = calendar.status("2025-T2", db, today=D(2025, 9, 25)).set_index("forvaltning")
    assert df.loc["KLF", "lage"] == "Rapporterat i tid" and df.loc["SBF", "lage"] == "Rapporterat 2 dagar sent"
    assert df.loc["TSF", "lage"] == "5 dagar sen" and df.loc["TSF", "dagar_kvar"] == -5
    hist = calendar.history(db, today=D(2025, 9, 25)).set_index("forvaltning")
    assert hist.loc["KLF", "2025-T2"] == "I tid" and hist.loc["SBF", "2025-T2"] == "Sent (2 d)"
    assert hist.loc["AMF", "2025-T2"] == "Saknas"
    with store.connect(db) as con:  # back to the default rule
        calendar.set_deadline(con, "2025-T2", None, "admin")
        assert calendar.deadline(con, "2025-T2") == D(2025, 9, 15)

"""The data version read from the file system (issue 13): it changes with every write from any process, also
within the same second, and a page run opens the database at most once on a cold cache and never when warm."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from naringsdash import store
from naringsdash.store import db as store_db

from conftest import ROOT, activity, settle, write_xlsx


def _cli(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "naringsdash", *args, "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_version_changes_after_cli_writes_within_the_same_second(db, tmp_path):
    before = store.file_version(db)  # creates the file
    assert store.file_version(db) == before  # reading changes nothing
    files = [write_xlsx(tmp_path / f"{p}.xlsx", [activity(1), activity(2, Status="Klar")]) for p in ("a", "b")]
    res = _cli("import", str(files[0]), "--forvaltning", "KLF", "--period", "2025-T1", db=db)
    assert res.returncode == 0, res.stdout + res.stderr
    first = store.file_version(db)
    assert first != before
    # Two more writes straight after each other (well within one second), each seen.
    res = _cli("import", str(files[1]), "--forvaltning", "KLF", "--period", "2025-T2", db=db)
    assert res.returncode == 0, res.stdout + res.stderr
    second = store.file_version(db)
    with store.connect(db) as con, store.transaction(con):
        store.bump_data_version(con)
    third = store.file_version(db)
    assert len({before, first, second, third}) == 4


def test_version_changes_after_app_writes_and_not_after_reads(db):
    versions = [store.file_version(db)]
    for _ in range(5):  # back to back, as fast as the app can write
        with store.connect(db) as con, store.transaction(con):
            store.bump_data_version(con)
        versions.append(store.file_version(db))
        with store.connect(db) as con:  # a read between writes leaves the version as it is
            con.execute("SELECT count(*) FROM activities").fetchall()
        assert store.file_version(db) == versions[-1]
    assert len(set(versions)) == len(versions)
    # A write inside a page run's shared connection shows before that connection closes (the .wal changes).
    with store.one_connection():
        with store.connect(db) as con:
            con.execute("SELECT 1").fetchall()
        inside = store.file_version(db)
        with store.connect(db) as con, store.transaction(con):
            store.bump_data_version(con)
        assert store.file_version(db) != inside
    assert store.file_version(db) not in versions


def test_one_connection_opens_once_and_closes(db):
    store.file_version(db)
    with store.one_connection():
        with store.connect(db) as a:
            pass
        with store.connect(db) as b:
            assert a is b
    # Closed when the block ends: another process could open the file now.
    res = subprocess.run([sys.executable, "-c", f"import duckdb; duckdb.connect({str(db)!r}).close()"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Every duckdb.connect() the store makes, by path."""
    calls: list[str] = []
    real = duckdb.connect

    def counting(path=":memory:", *args, **kwargs):
        calls.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(store_db.duckdb, "connect", counting)
    return calls


@pytest.mark.parametrize("page", ["pages/oversikt.py", "pages/moteslage.py", "pages/indikatorer.py",
                                  "pages/forsenade.py"])
def test_page_run_opens_the_database_once_cold_and_never_warm(demo_db, opened, page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    settle()  # the warm-up run's connection closes in a watcher thread; let it finish before counting
    st.cache_data.clear()
    opened.clear()
    at.run()  # cold: every query misses the cache
    assert not at.exception, [e.value for e in at.exception]
    assert [p for p in opened if p == str(demo_db)] == [str(demo_db)]
    opened.clear()
    at.run()  # warm
    assert opened == []


def test_a_long_table_shows_500_rows_and_a_button_for_more(db):
    import datetime as dt

    from naringsdash import config

    acts = [{"aktivitet_id": f"A-{i:04d}", "aktivitet": f"Aktivitet {i}", "malomrade": 1 + i % 6, "ansvarig": "Anna",
             "startdatum": dt.date(2024, 1, 1), "slutdatum": dt.date(2024, 6, 30), "status": "Pågår",
             "andel_klar": 40, "bedomning": "Gul", "kommentar": None, "row": i + 2} for i in range(620)]
    with store.connect(db) as con:
        store.save_upload(con, kind="aktiviteter", forvaltning="KLF", period="2025-T1", user="t", file_name="a.xlsx",
                          data=b"a", activities=acts, indicators=[],
                          uploaded_at=dt.datetime.combine(config.period_end("2025-T1"), dt.time(9)))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/forsenade.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe[0].value) == 500
    assert any(c.value.startswith("Visar 500 av 620 rader") for c in at.caption)
    at.button[0].click().run()
    assert len(at.dataframe[0].value) == 620
    assert not at.button

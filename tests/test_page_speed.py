"""What keeps a page view cheap (issue 13), checked functionally, never by the clock: Översikt's changes between
periods computed by DuckDB with the same rule as ``story.changes_since``, the summary reading only the periods a
page shows, Översikt's derived facts computed once per data version (and again after a write), the demo-seed
check and the warm-up's frozen heap."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from naringsdash import demo, periods, store, story
from naringsdash.ingest import parse_worker
from naringsdash.store import queries
from naringsdash.ui import common as ui_common
from naringsdash.ui import warmup

from conftest import ROOT

COMPARED = ["forvaltning", "aktivitet_id", "aktivitet", "malomrade", "status", "forsenad", "dagar_sena", "kommentar",
            "status_fore", "andring"]


def _rows(df) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in df[COMPARED].astype(object).itertuples(
        index=False)]


@pytest.mark.parametrize(("period", "since", "forvaltningar", "malomraden"), [
    ("2026-T2", "2026-T1", None, None),          # Översikt: the period before
    ("2026-T2", "2025-T1", None, None),          # Mötesläge ?sedan=: further back, activities new since then
    ("2026-T1", "2025-T3", ["KLF", "SBF"], [1, 3]),  # a selection: both periods in the same scope
])
def test_changes_in_duckdb_follow_the_story_rule(demo_db, period, since, forvaltningar, malomraden):
    expected = story.changes_since(queries.activities(period, demo_db, forvaltningar, malomraden),
                                   queries.activities(since, demo_db, forvaltningar, malomraden))
    got = queries.changes(period, since, demo_db, forvaltningar, malomraden)
    assert not expected.empty
    assert list(got.columns) == list(expected.columns)
    assert _rows(got) == _rows(expected)
    assert story.counts(got) == story.counts(expected)


@pytest.fixture
def calls(monkeypatch):
    """name → the keyword arguments of each call of these queries (the cache misses)."""
    seen: dict[str, list[dict]] = {"summary": [], "changes": [], "activities": []}
    for name in seen:
        real = getattr(queries, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            seen[_name].append(kwargs)
            return _real(*args, **kwargs)

        monkeypatch.setattr(queries, name, spy)
    return seen


def test_summary_reads_only_the_periods_it_is_asked_for(demo_db):
    every = queries.summary(demo_db)
    assert len(every) > 3
    assert queries.summary(demo_db, periods=["2026-T1", "2026-T2"])["period"].tolist() == ["2026-T1", "2026-T2"]
    assert queries.summary(demo_db, upto="2025-T1")["period"].tolist() == [p for p in every["period"] if p <= "2025-T1"]
    # The comparison reads its two periods, the trend those up to the period; both as before.
    cmp = periods.compare("2026-T1", demo_db)
    assert cmp.now["period"] == "2026-T1" and cmp.before["period"] == "2025-T3"
    assert periods.trend("2025-T2", demo_db)["period"].tolist() == [p for p in every["period"] if p <= "2025-T2"]


def _story(at) -> str:
    """The generated sentences at the top of Översikt."""
    return next(h.proto.body for h in at.get("html") if "nd-berattelse" in h.proto.body)


def test_oversikt_derives_its_facts_once_per_data_version(demo_db, calls, monkeypatch):
    monkeypatch.setattr(warmup, "start", lambda: None)  # no warm-up thread filling the cache beside the run
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    story_text = _story(at)
    # The summary never reads every period on Översikt: the comparison two periods, the trend up to the period.
    assert calls["summary"] and all(c.get("periods") or c.get("upto") for c in calls["summary"])
    assert [len(c["periods"]) for c in calls["summary"] if c.get("periods")] == [1, 2]
    # The changes since the previous period: one query, no activities of two periods compared in Python.
    assert len(calls["changes"]) == 1 and calls["activities"] == []
    at.run()
    at.run()
    assert len(calls["changes"]) == 1  # warm: from the cache
    assert _story(at) == story_text
    with store.connect(demo_db) as con, store.transaction(con):  # any write, as an upload makes
        store.bump_data_version(con)
    at.run()
    assert not at.exception
    assert len(calls["changes"]) == 2  # a data change: derived again


def test_oversikt_shows_the_same_story_and_changes_as_the_rule_in_python(demo_db):
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    changes = story.changes_since(queries.activities("2026-T2", demo_db), queries.activities("2026-T1", demo_db))
    listed = [r for _, r in changes.iterrows() if r["andring"] == story.BECAME_OVERDUE] + \
        [r for _, r in changes.iterrows() if r["andring"] == story.BECAME_DONE]
    links = [p.proto.label for p in at.get("page_link") if p.proto.page.endswith("malomrade")]
    assert links == [story.change_line(r) for r in listed[:8]]
    overdue = sum(1 for r in listed if r["andring"] == story.BECAME_OVERDUE)
    body = _story(at)
    assert "av aktiviteterna är klara" in body
    assert (f"av dem {'ny' if overdue == 1 else 'nya'}" in body) == bool(overdue)


def test_demo_seed_state_is_read_once_per_data_version_when_the_demo_is_off(db, monkeypatch):
    store.file_version(db)  # creates the file
    seen = []
    real = demo.seed_state
    monkeypatch.setattr(demo, "seed_state", lambda d=None: seen.append(d) or real(d))
    version = store.file_version(db)
    for _ in range(3):
        assert ui_common._seed_state(str(db), version) is None
    assert len(seen) == 1
    with store.connect(db) as con, store.transaction(con):
        store.bump_data_version(con)
    assert ui_common._seed_state(str(db), store.file_version(db)) is None
    assert len(seen) == 2


def test_the_warm_up_freezes_the_heap_it_loaded(demo_db, monkeypatch):
    monkeypatch.setattr(parse_worker, "warm", lambda: None)  # no workbook-reading process for this test
    gc.unfreeze()
    try:
        warmup._warm(str(demo_db))
        assert gc.get_freeze_count() > 10_000  # the modules, and what the warm-up loaded
    finally:
        gc.unfreeze()


def test_the_server_does_not_collect_after_each_page_run():
    """The app's Streamlit settings turn off the full garbage collection after every script run
    (runner.postScriptGC): with 30 sessions at once it walked every session's objects on each view (p95 1.5–2.6 s
    against 1.4–1.5 s without, server memory the same; bench/README.md); Python's own collector still runs. Read
    as ``streamlit run`` reads it: in a fresh process started in the project's folder."""
    code = "from streamlit import config; print(config.get_option('runner.postScriptGC'))"
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")})
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"


@pytest.fixture
def reads(monkeypatch):
    """name → how often a page run asked the Data for it (each ask unpickles the list from st.cache_data)."""
    seen = {"overdue": 0, "indicators": 0, "indicator_changes": 0, "changes": 0, "trend": 0, "kolada_fetched": 0}
    for name in seen:
        real = getattr(ui_common.Data, name)

        def spy(self, *args, _real=real, _name=name, **kwargs):
            seen[_name] += 1
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(ui_common.Data, name, spy)
    return seen


def _bump(db) -> None:
    with store.connect(db) as con, store.transaction(con):  # any write, as an upload makes
        store.bump_data_version(con)


def _open(page: str, reads: dict | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    for name in reads or {}:  # count from the page's own first run on (the app's first run shows Översikt)
        reads[name] = 0
    at.switch_page(page)
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_moteslage_reads_only_what_the_slide_shows_and_derives_the_plan_once(demo_db, reads, monkeypatch):
    monkeypatch.setattr(warmup, "start", lambda: None)
    st.cache_data.clear()
    at = _open("pages/moteslage.py", reads, period="2026-T2")
    # The first run counts the overdue activities and the indicators for the slide plan; the Översikt slide never
    # reads the indicators' series, the changes since the last meeting or the trend.
    assert reads["overdue"] == 1 and reads["indicator_changes"] == 1
    assert reads["indicators"] == reads["changes"] == reads["trend"] == 0
    titles = [o for o in at.selectbox(key="mote_bild").options]
    at.run()
    at.run()
    assert not at.exception
    assert reads["overdue"] == 1 and reads["indicator_changes"] == 1  # warm: the plan from the derived cache
    assert [o for o in at.selectbox(key="mote_bild").options] == titles
    # A målområde slide with overdue activities shows the first of its list, read for that slide.
    late = queries.overdue("2026-T2", demo_db)
    nr = int(late["malomrade"].value_counts().idxmax())
    first = next(i for i, t in enumerate(titles, 1) if t.startswith(f"{i}. Målområde {nr}."))
    at.query_params["slide"] = str(first)
    at.run()
    assert not at.exception
    body = next(h.value for h in at.html if "nd-bildtabell" in h.value)
    assert late[late["malomrade"] == nr]["aktivitet"].iloc[0] in body
    _bump(demo_db)
    at.run()
    assert not at.exception
    assert reads["overdue"] >= 2  # a data change: counted again


@pytest.mark.parametrize(("page", "query"), [("pages/forsenade.py", {"period": "2026-T2"}),
                                             ("pages/malomrade.py", {"period": "2026-T2", "malomrade": "2"})])
def test_activity_lists_join_the_open_decisions_once_per_data_version(demo_db, monkeypatch, page, query):
    from naringsdash import meetings

    monkeypatch.setattr(warmup, "start", lambda: None)
    seen = []
    real = meetings.with_open_decisions
    monkeypatch.setattr(meetings, "with_open_decisions", lambda *a: seen.append(1) or real(*a))
    st.cache_data.clear()
    at = _open(page, **query)
    shown = at.dataframe[-1].value  # the page's activity list
    expected = queries.overdue("2026-T2", demo_db) if "forsenade" in page else \
        queries.activities("2026-T2", demo_db, malomraden=[2])
    assert len(shown) == len(expected) and len(seen) == 1
    at.run()
    at.run()
    assert len(seen) == 1 and at.dataframe[-1].value.equals(shown)
    _bump(demo_db)
    at.run()
    assert not at.exception and len(seen) == 2 and at.dataframe[-1].value.equals(shown)


def test_indikatorer_splits_the_series_once_per_data_version(demo_db, reads, monkeypatch):
    monkeypatch.setattr(warmup, "start", lambda: None)
    st.cache_data.clear()
    at = _open("pages/indikatorer.py", reads)
    charts = len(at.get("plotly_chart"))
    assert charts and reads["indicators"] == 1 and reads["kolada_fetched"] == 1
    at.run()
    assert not at.exception and len(at.get("plotly_chart")) == charts
    assert reads["indicators"] == 1 and reads["kolada_fetched"] == 1
    _bump(demo_db)
    at.run()
    assert not at.exception and reads["indicators"] == 2


def _judged_app():
    import pandas as pd

    from naringsdash.ui import room

    n = 450
    df = pd.DataFrame({"indikator": [f"Indikator {i}" for i in range(1, n + 1)], "ar": [2025] * n,
                       "bedomning": ["↑ förbättring" if i % 2 else "↓ försämring" for i in range(n)]})
    room.judged_table(df, ["indikator", "ar", "bedomning"])


def test_a_long_judged_table_is_paged_with_previous_and_next():
    at = AppTest.from_function(_judged_app, default_timeout=60).run()
    assert not at.exception

    def state():
        frame = at.dataframe[0].value
        return (frame.iloc[0, 0], len(frame), at.caption[-1].value, at.button(key="bedomd_tabell_foregaende").disabled,
                at.button(key="bedomd_tabell_nasta").disabled)

    assert state() == ("Indikator 1", 200, "Visar 1–200 av 450.", True, False)
    at.button(key="bedomd_tabell_nasta").click().run()
    assert state() == ("Indikator 201", 200, "Visar 201–400 av 450.", False, False)
    at.button(key="bedomd_tabell_nasta").click().run()
    assert state() == ("Indikator 401", 50, "Visar 401–450 av 450.", False, True)
    at.button(key="bedomd_tabell_foregaende").click().run()
    assert state()[:3] == ("Indikator 201", 200, "Visar 201–400 av 450.")


def test_summary_of_named_periods_is_one_query(demo_db, monkeypatch):
    from naringsdash.store import db as store_db

    every = queries.summary(demo_db).set_index("period")
    used = []
    real = store_db.sql
    monkeypatch.setattr(store_db, "sql", lambda name: used.append(name) or real(name))
    got = queries.summary(demo_db, periods=["2026-T2", "2026-T1", "2031-T1"])  # the last has no data: no row
    assert used == ["summary"]
    assert got["period"].tolist() == ["2026-T1", "2026-T2"]
    pd.testing.assert_frame_equal(got.set_index("period"), every.loc[["2026-T1", "2026-T2"]], check_dtype=False)

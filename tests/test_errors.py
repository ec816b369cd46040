"""Errors reach the visitor as Swedish messages, never as tracebacks; the details go to the server's log."""

from __future__ import annotations

import logging
import subprocess
import sys
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from naringsdash import store, ui

from conftest import ROOT


def run_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def test_deployment_config_hides_error_details():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["client"]["showErrorDetails"] == "none"


def test_busy_database_shows_a_swedish_message(demo_db, monkeypatch):
    monkeypatch.setattr(store.db.connect.__wrapped__, "__defaults__", (None, 0.3))  # wait 0.3 s, not 10 s
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys\n"
                               f"con = duckdb.connect({str(demo_db)!r}); print('held', flush=True)\n"
                               "sys.stdin.readline()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        at = run_app()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not at.exception, [e.value for e in at.exception]
    shown = [e.value.replace("\\", "") for e in at.error]  # Markdown-escaped on the page
    assert shown == ["Databasen är upptagen av en annan process. Försök igen om en stund."]
    assert str(demo_db) not in " ".join(shown)  # no path to a visitor


class Boom:
    def __init__(self, exc: Exception):
        self.exc = exc

    def run(self):
        raise self.exc


@pytest.mark.parametrize("exc, shown", [
    (RuntimeError("/opt/naringsdash/secret.py pid 4242"), "Något gick fel och sidan kunde inte visas färdigt."),
    (PermissionError(13, "Permission denied", "/var/lib/naringsdash/naringsdash.duckdb"),
     "Näringsdash saknar behörighet till en fil på servern"),
])
def test_unexpected_error_is_logged_not_shown(demo_db, monkeypatch, caplog, exc, shown):
    monkeypatch.delenv("NARINGSDASH_RAISE_ERRORS")
    monkeypatch.setattr(ui, "navigation", lambda *a, **k: Boom(exc))
    with caplog.at_level(logging.ERROR, logger="naringsdash"):
        at = run_app()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith(shown) and "referens" in error
    assert "/opt" not in error and "/var" not in error and "4242" not in error and "Error" not in error
    [record] = [r for r in caplog.records if r.name == "naringsdash"]
    assert record.exc_info[1] is exc and record.getMessage().split("referens ")[1].rstrip(")") in error


def test_tests_still_see_tracebacks(demo_db, monkeypatch):
    """The test suite sets NARINGSDASH_RAISE_ERRORS so a broken page still fails its test."""
    monkeypatch.setattr(ui, "navigation", lambda *a, **k: Boom(RuntimeError("kaputt")))
    at = run_app()
    assert "kaputt" in at.exception[0].value


def test_free_text_is_checked_one_way_for_decisions_and_synpunkter():
    from naringsdash import meetings, synpunkter
    from naringsdash.errors import UserError, checked_text

    assert checked_text("  rad ett  \r\n\r\nrad två \n\n", "Texten", 20) == "rad ett\n\nrad två"
    assert checked_text(" \n ", "Svaret", 20, required=False) is None
    with pytest.raises(UserError, match=r"^Texten får vara högst 5 tecken \(den är 6\)\.$"):
        checked_text("sex st", "Texten", 5)
    with pytest.raises(meetings.MeetingError, match="^Beslutets text får inte vara tom.$"):
        meetings._text("   ", "Beslutets text")
    with pytest.raises(synpunkter.SynpunktError, match="^Svaret får vara högst 3 tecken"):
        synpunkter._text("fyra", "Svaret", 3, False)

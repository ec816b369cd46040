"""Shared fixtures: a real DuckDB file per test, real workbooks on disk, the demo database."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import Workbook
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from naringsdash import auth, config, demo, ingest, schema, store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
FIX = ROOT / "tests" / "fixtures"
# Unexpected errors reach Streamlit as tracebacks in tests (ui.show_error re-raises), shown in full (deployment: "none"),
# also in the servers started here.
os.environ.setdefault("NARINGSDASH_RAISE_ERRORS", "1")
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")  # `streamlit run` reads it; AppTest does not:
streamlit_config.set_option("client.showErrorDetails", "full")

HEADERS = [c.header for c in schema.ACTIVITY_COLUMNS]  # the canonical headers, in the template's order


def activity(i: int = 1, **over) -> list:
    """One valid activity row in HEADERS order; override by key."""
    row = {"Aktivitets-ID": f"A-{i:02d}", "Aktivitet": f"Aktivitet {i}", "Målområde": 1 + i % 6,
           "Förvaltning": "KLF", "Ansvarig": "Anna", "Startdatum": dt.date(2025, 1, 1),
           "Slutdatum": dt.date(2025, 12, 31), "Status": "Pågår", "Andel klart (%)": 40, "Bedömning": "Grön",
           "Kommentar": "Enligt plan"}
    row.update(over)
    return [row[h] for h in HEADERS]


def write_xlsx(path: Path, rows: list[list], headers: list | None = HEADERS, sheet: str = "Aktiviteter",
               info: dict | None = None, above: list[list] | None = None) -> Path:
    """Write a workbook with openpyxl: optional rows above the header, the header, the rows, an Info sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in above or []:
        ws.append(r)
    if headers is not None:
        ws.append(headers)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows():
        for cell in row:  # text that merely starts with '=' stays text (openpyxl would make it a formula)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    if info:
        wi = wb.create_sheet("Info")
        for k, v in info.items():
            wi.append([k, v])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def check(path: Path, **kw) -> ingest.ImportResult:
    """Validate a workbook as KLF, 2025-T1 (unless told otherwise) without storing it."""
    kw.setdefault("forvaltning", "KLF")
    kw.setdefault("period", "2025-T1")
    return ingest.import_file(path, dry_run=True, **kw)


def flat(issues) -> list[tuple]:
    """Issues flattened for assertions: (Excel row, column, code)."""
    return [(i.row, i.column, i.code) for i in issues]


def open_page(page: str, user: auth.User | None = None, **query) -> AppTest:
    """Run app.py in AppTest (as ``user``, whose account is created if missing: pages check it every run), switch to
    ``page`` with these query parameters and run it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if user is not None:
        db = store.Store.of(config.db_path())
        if auth.get_user(user.username, db) is None:
            auth.add_user(user.username, user.role, None, user.forvaltningar, user.display_name, db=db)
        at.session_state["user"] = user
    at.run()
    at.switch_page(page)
    at.query_params.clear()
    at.query_params.update(query)
    return at.run()


def settle() -> None:
    """Wait for the app's background threads: the ones that close a finished run's database connection (DuckDB
    checkpoints on close, which changes the file's version as a write would; on a busy machine they can end after
    the next run began) and the warm-up the first run of a process starts (its queries open the database too)."""
    for thread in threading.enumerate():
        if thread.name in ("naringsdash-close-connection", "naringsdash-warmup"):
            thread.join(timeout=30)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def run_main(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """``python -m naringsdash *args`` in this process (for tests where the process itself is not what is tested):
    the exit code, stdout and stderr as a finished process would give them; stdin is a pipe, empty unless given."""
    from naringsdash.cli import main as cli_main

    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), out, err
    try:
        code = cli_main.main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8").replace("\r\n", "\n"))
    return subprocess.CompletedProcess(["naringsdash", *args], code, *texts)


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch):
    """Cheap password hashing for every test (the product's default, 2**15 × 8, costs ~0,15 s a check).
    Hashes keep their parameters, so a check made here costs what its hash says."""
    from naringsdash import auth

    monkeypatch.setattr(auth, "SCRYPT_N", 2**4)
    monkeypatch.setattr(auth, "SCRYPT_R", 1)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Every test gets its own database file and its own copy of the reference data."""
    cfg = tmp_path / "referens.toml"
    shutil.copy(config.DEFAULT_CONFIG, cfg)
    monkeypatch.setenv("NARINGSDASH_CONFIG", str(cfg))
    monkeypatch.setenv("NARINGSDASH_DB", str(tmp_path / "test.duckdb"))
    yield


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session")
def _demo_db_master(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    results = demo.load(path)
    assert all(r.ok for r in results)
    return path


@pytest.fixture
def demo_db(_demo_db_master, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the database loaded with the demo data."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(_demo_db_master, path)
    monkeypatch.setenv("NARINGSDASH_DB", str(path))
    return path


class _Lease:
    """What a test gets from ``browser.new_context(...)``: a browser context of its own while it holds it (cookies
    and storage empty at the start), handed back by ``close()``. Behind it the worker's contexts and their tabs
    are kept and reused: a new tab starts a new renderer that loads and compiles Streamlit's ~9 MB of web files
    again (~4 s of CPU on this machine), a reused one has them compiled and cached (~1.4 s)."""

    def __init__(self, pool: list, ctx, pages: list, viewport: dict | None):
        self._pool, self._ctx, self._spare, self._viewport, self._open = pool, ctx, pages, viewport, True

    def new_page(self):
        page = self._spare.pop() if self._spare else self._ctx.new_page()
        page.set_viewport_size(self._viewport or {"width": 1280, "height": 720})  # Playwright's default
        return page

    def __getattr__(self, name):  # cookies(), expect_page(), route(), … as on the context itself
        return getattr(self._ctx, name)

    def close(self) -> None:
        if not self._open:
            return
        self._open = False
        try:
            keep = []
            for page in list(self._ctx.pages):
                with contextlib.suppress(Exception):  # a page that crashed or left the app: nothing stored
                    page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
                if len(keep) < 2:
                    page.goto("about:blank")  # ends the app's session (its websocket) as closing the tab would
                    keep.append(page)
                else:
                    page.close()
            self._ctx.clear_cookies()
            self._ctx.clear_permissions()
        except Exception:  # noqa: BLE001 (a context that cannot be cleaned is not reused)
            with contextlib.suppress(Exception):
                self._ctx.close()
            return
        self._pool.append((self._ctx, keep))


class _Browser:
    """The worker's Chromium as the tests use it: ``new_context(**options)`` gives a clean context (see _Lease)."""

    def __init__(self, browser):
        self._browser = browser
        self._idle: dict[tuple, list] = {}

    def new_context(self, *, viewport: dict | None = None, **options) -> _Lease:
        key = tuple(sorted(options.items()))
        pool = self._idle.setdefault(key, [])
        ctx, pages = pool.pop() if pool else (self._browser.new_context(**options), [])
        return _Lease(pool, ctx, pages, viewport)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a browser downloaded by a test tool), one per worker: each test
    opens its own context (empty cookies and storage) and closes it; the contexts behind are reused (_Lease)."""
    from playwright.sync_api import sync_playwright

    from streamlit_server import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield _Browser(b)
        b.close()


def pytest_collection_modifyitems(config, items):
    """A browser check (real Chromium against a real server on a shared 2-core machine) gets one rerun when it
    fails; a real fault fails both times. Nothing else is rerun."""
    for item in items:
        if item.get_closest_marker("browser") is not None and item.get_closest_marker("flaky") is None:
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=1))

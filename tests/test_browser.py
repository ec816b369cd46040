"""A real browser against `streamlit run app.py`: Debian's headless Chromium driven by Playwright.

Every page renders without an error element and passes axe-core (WCAG 2.1 A/AA) for what the project renders;
screenshots go to tests/artifacts/. On a freshly started server, opening a page's URL directly (which runs the
page file without app.py) shows nothing the visitor may not see.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from pathlib import Path

import pytest

from naringsdash import config, ingest, ui
from naringsdash.store import queries

from conftest import ARTIFACTS, ROOT, activity, write_xlsx
from streamlit_server import CHROMIUM, serve, wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="/usr/bin/chromium saknas: `make test` installerar Debians chromium")]

ERROR = '[data-testid="stException"]'
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}
# Serious/critical findings inside Streamlit's own chrome (not rendered by the project), as (rule, selector part).
# Each is listed in the closing note of the dashboard issue. Keep this list short and specific.
STREAMLIT_OWN: set[tuple[str, str]] = set()
FORMULA = "=HYPERLINK(\"http://example.com\")"


def url_path(page: ui.PageSpec) -> str:
    return "" if page is ui.PAGES[0] else page.url_path

def _setup(tmp: Path, master: Path, **settings) -> tuple[Path, Path]:
    db, cfg = tmp / "demo.duckdb", tmp / "referens.toml"
    shutil.copy(master, db)
    ref = config.load_reference(config.DEFAULT_CONFIG)
    ref.settings.update(settings)
    config.save_reference(ref, cfg)
    return db, cfg


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, _demo_db_master):
    """The app on a copy of the demo database."""
    tmp = tmp_path_factory.mktemp("browser")
    db, cfg = _setup(tmp, _demo_db_master)
    with serve(db, cfg) as base:
        yield base, db, cfg


def _screenshot(page, name: str) -> Path:
    """The whole page (Streamlit scrolls inside its main block, so grow the viewport to the content)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
    wait_for_app(page)   # the charts take the new size
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


def _serious(results: dict) -> tuple[list, list]:
    """Serious and critical violations: (the project's, Streamlit's own per STREAMLIT_OWN)."""
    ours, theirs = [], []
    for v in results["violations"]:
        if v.get("impact") not in ("serious", "critical"):
            continue
        for node in v["nodes"]:
            target = " ".join(map(str, node.get("target", [])))
            item = (v["id"], target, node.get("failureSummary", "")[:200])
            own = any(rule == v["id"] and part in target + node.get("html", "") for rule, part in STREAMLIT_OWN)
            (theirs if own else ours).append(item)
    return ours, theirs


@pytest.mark.parametrize("page", ui.PAGES, ids=[p.url_path for p in ui.PAGES])
def test_page_renders_without_error_and_passes_axe(browser, app_url, page):
    from axe_playwright_python.sync_playwright import Axe

    base = app_url[0]
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    try:
        p = ctx.new_page()
        p.goto(f"{base}/{url_path(page)}")
        wait_for_app(p)
        assert p.locator(ERROR).count() == 0, p.locator(ERROR).first.inner_text()
        assert p.get_by_role("heading", level=1).first.inner_text().startswith(page.title.split()[0])
        assert p.locator('[data-testid="stTopNav"]').count() == 1
        shot = _screenshot(p, url_path(page) or "oversikt")
        if page is ui.PAGES[0] and (os.environ.get("NARINGSDASH_UPDATE_DOCS") or
                                    not (ROOT / "docs" / "oversikt.png").exists()):
            (ROOT / "docs").mkdir(exist_ok=True)
            shutil.copy(shot, ROOT / "docs" / "oversikt.png")
        ours, theirs = _serious(Axe().run(p, options=WCAG).response)
        (ARTIFACTS / f"axe-{url_path(page) or 'oversikt'}.txt").write_text(
            "\n".join(f"{'streamlit' if x in theirs else 'project'}\t{x[0]}\t{x[1]}\t{x[2]}"
                      for x in ours + theirs), encoding="utf-8")
        assert not ours, ours
    finally:
        ctx.close()


def test_menu_keeps_the_selection_and_downloads_are_safe(browser, app_url, tmp_path):
    base, db, cfg = app_url
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        p = ctx.new_page()
        p.goto(f"{base}/?period=2026-T2&forvaltning=KLF")
        wait_for_app(p)
        # A new KLF version arrives from outside the app (as the command line would), with formula-like text.
        rows = [activity(1, Status="Försenad", Slutdatum=dt.date(2026, 6, 30), Kommentar=FORMULA, Ansvarig="@chef"),
                activity(2, Status="Klar", **{"Andel klart (%)": 100})]
        wb = write_xlsx(tmp_path / "klf.xlsx", rows)
        assert ingest.import_file(wb, db=db, forvaltning="KLF", period="2026-T2", ref=config.load_reference(cfg)).ok
        p.locator('[data-testid="stTopNav"]').get_by_text("Försenade aktiviteter").click()
        p.wait_for_url("**/forsenade**")
        wait_for_app(p)
        assert "forvaltning=KLF" in p.url and "period=2026-T2" in p.url
        assert p.get_by_role("heading", level=1).first.inner_text() == "Försenade aktiviteter"
        with p.expect_download() as dl:
            p.get_by_role("button", name="Ladda ner CSV").click()
        text = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert rows[0][:3] == ["Dagar sena", "Förvaltning", "ID"]
        assert len(rows) - 1 == len(queries.overdue("2026-T2", db, forvaltningar=["KLF"])) == 1
        late = next(r for r in rows if r[2] == "A-01")
        assert "'" + FORMULA in late and "'@chef" in late
        with p.expect_download() as dl:
            p.get_by_role("button", name="Ladda ner Excel").click()
        assert Path(dl.value.path()).read_bytes()[:2] == b"PK"
    finally:
        ctx.close()


def test_fresh_server_direct_urls_show_no_page_to_a_visitor_without_access(browser, tmp_path_factory,
                                                                           _demo_db_master):
    """anonyma_lasare off, nobody logged in: every page URL opened first thing shows only the guard's message."""
    tmp = tmp_path_factory.mktemp("fresh")
    db, cfg = _setup(tmp, _demo_db_master, anonyma_lasare=False)
    with serve(db, cfg) as base:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            p = ctx.new_page()
            for page in ui.PAGES[1:] + ui.PAGES[:1]:   # "/" last: it runs app.py, the others run the file alone
                p.goto(f"{base}/{url_path(page)}")
                wait_for_app(p)
                main = p.locator('[data-testid="stMain"]').inner_text()
                assert "logga in" in main, (page.file, main)
                assert page.title not in main or page is ui.PAGES[0], (page.file, main)
                for selector in (ERROR, '[data-testid="stDataFrame"]', '[data-testid="stPlotlyChart"]',
                                 '[data-testid="stMetric"]', '[data-testid="stSidebarNav"]'):
                    assert p.locator(selector).count() == 0, (page.file, selector)
                _screenshot(p, f"utan-behorighet-{url_path(page) or 'start'}")
        finally:
            ctx.close()


def test_fresh_server_direct_url_opens_the_page_for_an_anonymous_reader(browser, tmp_path_factory,
                                                                        _demo_db_master):
    tmp = tmp_path_factory.mktemp("fresh-open")
    db, cfg = _setup(tmp, _demo_db_master)
    with serve(db, cfg) as base:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            p = ctx.new_page()
            p.goto(f"{base}/forsenade?period=2025-T3&malomrade=3")
            wait_for_app(p)
            assert p.locator(ERROR).count() == 0
            assert p.get_by_role("heading", level=1).first.inner_text() == "Försenade aktiviteter"
            assert p.locator('[data-testid="stSidebarNav"]').count() == 0   # the automatic file list stays hidden
            assert p.locator('[data-testid="stTopNav"]').count() == 1       # the guard handed over to app.py's menu
            assert "period=2025-T3" in p.url and "malomrade=3" in p.url
            assert p.title() == "Näringsdash"
            expected = len(queries.overdue("2025-T3", db, malomraden=[3]))
            assert p.locator('[data-testid="stMetricValue"]').first.inner_text() == str(expected)
        finally:
            ctx.close()

"""Mötesläge in a real browser (Debian's headless Chromium) against `streamlit run app.py`: kiosk slides at
1920×1080 without a scrollbar (screenshots under tests/artifacts/), no menu, sidebar or header, the arrow keys
change slide, automatic advance, and axe-core finds nothing serious on a slide."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from test_browser import WCAG, _serious

from naringsdash import analysis, auth, config, ingest

from conftest import ARTIFACTS, activity, write_xlsx
from streamlit_server import CHROMIUM, serve, wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="/usr/bin/chromium saknas: `make test` installerar Debians chromium")]

FULL_HD = {"width": 1920, "height": 1080}
ERROR = '[data-testid="stException"]'
# The worst case for a målområde slide: the longest analysis allowed, and many lines.
LONGEST = " ".join(["Kompetensförsörjningen"] * 200)[:analysis.MAX_TEXT]

@pytest.fixture(scope="module")
def app_url(tmp_path_factory, _demo_db_master):
    tmp = tmp_path_factory.mktemp("meeting")
    db, cfg = tmp / "demo.duckdb", tmp / "referens.toml"
    shutil.copy(_demo_db_master, db)
    shutil.copy(config.DEFAULT_CONFIG, cfg)
    ref = config.load_reference(cfg)
    admin = auth.User("chef", "admin", display_name="Maria Nilsson")
    analysis.save(3, "2025-T3", "Röd", LONGEST, admin, db, ref=ref)
    analysis.save(1, "2025-T3", "Gul", "\n".join(f"Rad {i}: <b>inte fet</b>" for i in range(30)), admin, db, ref=ref)
    # A new period where KLF reports 14 overdue activities in målområde 3 with long names, owners and comments.
    rows = [activity(i, **{"Målområde": 3, "Status": "Försenad", "Slutdatum": dt.date(2026, 6, 30),
                           "Aktivitet": f"Samordnad etablering av verksamhetsmark med kompetensinsatser för logistik {i}",
                           "Ansvarig": "Anna-Karin Lindqvist Johansson", "Kommentar": "Försenad eftersom " * 12})
            for i in range(1, 15)]
    assert ingest.import_file(write_xlsx(tmp / "klf.xlsx", rows), db=db, forvaltning="KLF", period="2026-T3",
                              ref=ref).ok
    analysis.save(3, "2026-T3", "Röd", LONGEST, admin, db, ref=ref)
    with serve(db, cfg) as base:
        yield base


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport=FULL_HD, locale="sv-SE")
    yield ctx.new_page()
    ctx.close()


def open_slide(page, base: str, query: str) -> None:
    page.goto(f"{base}/moteslage?{query}")
    wait_for_app(page)   # also until the charts have their size: nothing in the page changes any more
    assert page.locator(ERROR).count() == 0, page.locator(ERROR).first.inner_text()


def scroll_sizes(page) -> dict:
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return {docScroll: document.documentElement.scrollHeight, docClient: window.innerHeight,
                docScrollW: document.documentElement.scrollWidth, docClientW: window.innerWidth,
                mainScroll: main.scrollHeight, mainClient: main.clientHeight};
    }""")


def heading(page) -> str:
    return page.get_by_role("heading", level=1).first.inner_text()


@pytest.mark.parametrize(("query", "name", "title"), [
    ("period=2026-T2&slide=1", "moteslage-1-oversikt", "Översikt"),
    ("period=2026-T2&slide=5", "moteslage-4-malomrade-3", "Målområde 3. Kompetensförsörjning"),
    ("period=2026-T2&slide=9", "moteslage-8-indikatorer", "Indikatorer"),
    ("period=2026-T2&slide=11", "moteslage-9-inrapportering", "Inrapportering"),
    # The longest analysis and six overdue activities; a 30-line analysis; the overdue list continued.
    ("period=2025-T3&slide=5", "moteslage-langsta-analys", "Målområde 3. Kompetensförsörjning"),
    ("period=2025-T3&slide=3", "moteslage-manga-rader", "Målområde 1. Företagsklimat och service"),
    ("period=2025-T3&slide=6", "moteslage-fortsattning", "Målområde 3. Kompetensförsörjning – försenade"),
    # Long names, owners and comments: each row stays one line.
    ("period=2026-T3&slide=5", "moteslage-langa-rader", "Målområde 3. Kompetensförsörjning"),
    ("period=2026-T3&slide=6", "moteslage-langa-rader-fortsattning", "Målområde 3. Kompetensförsörjning – försenade"),
])
def test_kiosk_slide_fits_full_hd_without_scrolling(page, app_url, query, name, title):
    open_slide(page, app_url, f"kiosk=1&{query}")
    assert heading(page).startswith(title)
    for chrome in ('[data-testid="stTopNav"]', '[data-testid="stSidebar"]', '[data-testid="stSidebarNav"]'):
        assert page.locator(chrome).count() == 0, chrome
    assert not page.locator('[data-testid="stHeader"]').is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    size = scroll_sizes(page)
    assert size["docScroll"] <= size["docClient"] and size["docScrollW"] <= size["docClientW"], size
    assert size["mainScroll"] <= size["mainClient"], size


def test_arrow_keys_change_the_slide(page, app_url):
    open_slide(page, app_url, "kiosk=1&period=2026-T2&slide=1")
    assert heading(page) == "Översikt"
    page.keyboard.press("ArrowRight")
    slide_in_url(page, 2, 15_000)
    wait_for_app(page)
    assert heading(page) == "Sedan förra mötet"
    page.keyboard.press("ArrowRight")
    slide_in_url(page, 3, 15_000)
    wait_for_app(page)
    page.keyboard.press("ArrowLeft")
    slide_in_url(page, 2, 15_000)
    wait_for_app(page)
    assert heading(page) == "Sedan förra mötet"
    assert "kiosk=1" in page.url and "period=2026-T2" in page.url


def test_buttons_and_leaving_kiosk_mode_bring_the_menu_back(page, app_url):
    open_slide(page, app_url, "kiosk=1&period=2026-T2&slide=3")
    page.get_by_role("button", name="Nästa").click()
    slide_in_url(page, 4, 15_000)
    wait_for_app(page)
    page.get_by_role("button", name="Avsluta kioskläge").click()
    page.wait_for_function("() => !location.search.includes('kiosk')")
    wait_for_app(page)
    assert page.locator('[data-testid="stTopNav"]').count() == 1
    assert "slide=4" in page.url and heading(page) == "Mötesläge"


def slide_in_url(page, n: int, timeout: int = 30_000) -> None:
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('slide') === '{n}'", timeout=timeout)


def test_automatic_advance(page, app_url):
    open_slide(page, app_url, "kiosk=1&period=2026-T2&slide=10&auto=5")
    slide_in_url(page, 11)
    slide_in_url(page, 1)      # after the last slide the first again
    wait_for_app(page)
    assert heading(page) == "Översikt"


def test_a_kiosk_slide_passes_axe(page, app_url):
    from axe_playwright_python.sync_playwright import Axe

    open_slide(page, app_url, "kiosk=1&period=2026-T2&slide=5")
    ours, _ = _serious(Axe().run(page, options=WCAG).response)
    assert not ours, ours


def test_the_page_lists_a_link_per_slide(page, app_url):
    open_slide(page, app_url, "period=2026-T2&slide=3")
    page.get_by_text("Länkar till varje bild").click()
    links = page.locator('[data-testid="stCode"]').inner_text()
    assert f"{app_url}/moteslage?period=2026-T2&slide=5" in links


def test_report_page_builds_the_pdf_and_offers_it(browser, app_url):
    """The one test that builds a PDF through the page (charts through Kaleido and Chromium: 15–20 s)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        p = ctx.new_page()
        p.goto(f"{app_url}/rapport?period=2026-T2")
        wait_for_app(p)
        assert heading(p) == "Rapport till kommunstyrelsen"
        p.get_by_role("button", name="Skapa PDF").click()
        p.get_by_role("button", name="Ladda ner PDF").wait_for(timeout=120_000)
        assert p.locator(ERROR).count() == 0
        with p.expect_download() as dl:
            p.get_by_role("button", name="Ladda ner PDF").click()
        assert dl.value.suggested_filename == "uppfoljning_naringsliv_2026-T2.pdf"
        assert Path(dl.value.path()).read_bytes()[:5] == b"%PDF-"
    finally:
        ctx.close()

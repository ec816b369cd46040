"""Built for the room (issue 12), in a real browser (Debian's Chromium) against one `streamlit run app.py`:

- kiosk slides at 1920×1080: computed font sizes (body and tables ≥ 32 px, chart labels and ticks ≥ 28 px), no
  scrollbar, at most about 15 % of the height left empty; the same slides on 1366×768 and 1280×800 projectors
  without scrolling and without cut buttons;
- Översikt at 1920×1080, 1366×768 and 820×1180 (tablet): the generated sentences, key figure cards without a value
  cut by an ellipsis, nothing overflowing sideways;
- no English words from ENGLISH anywhere in the page text; axe-core finds nothing serious or critical.

Screenshots of the new screens go to docs/ (the README shows them) when NARINGSDASH_UPDATE_DOCS is set or the file
is missing, and always to tests/artifacts/. The measured sizes are written to tests/artifacts/room-sizes.txt.
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_browser import WCAG, _serious

from naringsdash import config

from conftest import ARTIFACTS, ROOT
from streamlit_server import CHROMIUM, serve, wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="/usr/bin/chromium saknas: `make test` installerar Debians chromium")]

FULL_HD, LAPTOP, PROJECTOR, TABLET = (1920, 1080), (1366, 768), (1280, 800), (820, 1180)
BODY_PX, CHART_PX, MAX_EMPTY = 32, 28, 0.15
# English that Streamlit would show if left alone (a whole word, case as Streamlit writes it).
ENGLISH = ["Upload", "more", "None", "Page not found", "Browse files", "Drag and drop", "per file"]
ERROR = '[data-testid="stException"]'

# Every slide of 2026 T2 in the demo data, and 2025 T3's målområde 3 (six overdue activities: 3 on its slide, 3 on
# a continuation slide). A slide is named by its kind, read from its title.
PERIODS = {"2026-T2": None, "2025-T3": (5, 6)}
DOCS = {("2026-T2", 5): "moteslage-kiosk", ("2026-T2", 2): "moteslage-sedan", ("2026-T2", 9): "moteslage-indikatorer"}


def _kind(title: str) -> str:
    if title.startswith("Målområde"):
        return "forsenade" if "försenade aktiviteter (" in title else "malomrade"
    return {"Översikt": "oversikt", "Sedan förra mötet": "sedan"}.get(title, title.split(" ")[0].lower())


MEASURE = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const shown = (e) => e.getClientRects().length > 0 && (e.innerText || e.textContent || '').trim() !== '';
  const px = (e) => parseFloat(getComputedStyle(e).fontSize);
  const sizes = (sel) => [...main.querySelectorAll(sel)].filter(shown).map(px);
  const svg = (sel) => [...main.querySelectorAll(sel)].map(e => parseFloat(e.style.fontSize || getComputedStyle(e).fontSize));
  const min = (v) => v.length ? Math.min(...v) : null;
  let bottom = 0;
  for (const e of main.querySelectorAll('p, li, td, th, h1, h3, [data-testid="stPlotlyChart"], [data-testid="stMetric"]')) {
    const r = e.getBoundingClientRect(); if (r.height > 0) bottom = Math.max(bottom, r.bottom); }
  const cut = [...document.querySelectorAll('button')].filter(b => b.getClientRects().length)
    .flatMap(b => [...b.querySelectorAll('p, span')]).filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText);
  return {
    body: min(sizes('p, li')), table: min(sizes('.nd-bildtabell td, .nd-bildtabell th')),
    title: min(sizes('h1')), subtitle: min(sizes('h3')), card_label: min(sizes('[data-testid="stMetricLabel"] p')),
    card_value: min(sizes('[data-testid="stMetricValue"]')), card_change: min(sizes('[data-testid="stMetricDelta"] div')),
    button: min(sizes('button p')),
    badge: min(sizes('span[style*="font-weight:700"]')),
    chart_tick: min(svg('.xtick text, .ytick text')), chart_axis_title: min(svg('.g-xtitle text, .g-ytitle text')),
    chart_legend: min(svg('.legendtext')), chart_bar_text: min(svg('.bartext')),
    chart_note: min(svg('.annotation-text')),
    page_scroll: document.documentElement.scrollHeight - window.innerHeight,
    main_scroll: main.scrollHeight - main.clientHeight,
    side_scroll: document.documentElement.scrollWidth - window.innerWidth,
    empty: Math.round(100 * Math.max(0, window.innerHeight - bottom) / window.innerHeight) / 100,
    cut_buttons: cut,
  };
}"""

CARDS_CUT = """() => [...document.querySelectorAll('[data-testid="stMetric"] *')]
  .filter(e => e.children.length === 0 && e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.innerText)"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, _demo_db_master):
    tmp = tmp_path_factory.mktemp("room")
    db, cfg = tmp / "demo.duckdb", tmp / "referens.toml"
    shutil.copy(_demo_db_master, db)
    shutil.copy(config.DEFAULT_CONFIG, cfg)
    with serve(db, cfg) as base:
        yield base


@pytest.fixture(scope="module")
def sizes_log():
    lines: list[str] = []
    yield lines
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "room-sizes.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _page(browser, size):
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="sv-SE", accept_downloads=True)
    return ctx, ctx.new_page()


def _open(p, url: str) -> None:
    p.goto(url)
    _settled(p)


def _settled(p) -> None:
    wait_for_app(p)   # also until the charts have their size: nothing in the page changes any more
    assert p.locator(ERROR).count() == 0, p.locator(ERROR).first.inner_text()


def _next(p, i: int) -> None:
    """Nästa, as the room goes from slide to slide (a rerun in the same session, not a new page load)."""
    p.get_by_role("button", name="Nästa").click()
    p.wait_for_function("(i) => { const pos = document.querySelector('p:has(> b)');"
                        " return pos && pos.innerText.startsWith(i + ' av'); }", arg=i, timeout=30_000)
    _settled(p)


def _docs(p, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    p.screenshot(path=str(shot))
    if os.environ.get("NARINGSDASH_UPDATE_DOCS") or not (ROOT / "docs" / f"{name}.png").exists():
        shutil.copy(shot, ROOT / "docs" / f"{name}.png")


def _english(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"(?<![\wåäöÅÄÖ]){re.escape(w)}(?![\wåäöÅÄÖ])", text)]


def no_english(p, where: str, timeout_ms: int = 10_000) -> None:
    """No word from ENGLISH in the page's text. Streamlit draws its own English first and the project's Swedish
    replaces it once the page has settled (a busy machine can show the in-between state): wait up to ``timeout_ms``
    for a page without them, then fail naming the words still there."""
    pattern = "|".join(rf"(?<![\wåäöÅÄÖ]){re.escape(w)}(?![\wåäöÅÄÖ])" for w in ENGLISH)
    try:
        p.wait_for_function("(re) => !new RegExp(re).test(document.body.innerText)", arg=pattern,
                            timeout=timeout_ms, polling=200)
    except PlaywrightTimeout:  # say which words are still there
        pass
    found = _english(p.locator("body").inner_text())
    assert not found, (where, found)


@pytest.mark.parametrize("size", [FULL_HD, LAPTOP, PROJECTOR], ids=["1920x1080", "1366x768", "1280x800"])
def test_kiosk_slides_read_from_four_metres_and_never_scroll(browser, app_url, sizes_log, size):
    """Every slide: no scrolling, no cut button, no English, at most MAX_EMPTY of the height left empty; on
    1920×1080 the type scale too."""
    ctx, p = _page(browser, size)
    kinds = set()
    try:
        for period, only in PERIODS.items():
            i, n = (only or (1, None))[0], (only or (None, 99))[1]
            first = i
            while i <= n:
                if i == first:  # the slide's own address, as pasted into the invitation; then Nästa
                    _open(p, f"{app_url}/moteslage?kiosk=1&period={period}&slide={i}")
                else:
                    _next(p, i)
                title = p.get_by_role("heading", level=1).first.inner_text()
                n = n if only else int(re.search(r"av (\d+)", p.locator("p:has(> b)").first.inner_text()).group(1))
                name = _kind(title)
                kinds.add(name)
                m = p.evaluate(MEASURE)
                sizes_log.append(f"{size[0]}x{size[1]}\t{period}\t{i}\t{name}\t{json.dumps(m, ensure_ascii=False)}")
                where = (size, period, i, title, m)
                assert m["page_scroll"] <= 0 and m["main_scroll"] <= 0 and m["side_scroll"] <= 0, where
                assert not m["cut_buttons"], where
                assert not _english(p.locator("body").inner_text()), where
                assert m["empty"] <= MAX_EMPTY, where
                if size == FULL_HD:
                    for key in ("body", "table", "card_label", "card_change", "badge", "button"):
                        assert m[key] is None or m[key] >= BODY_PX, (key, where)
                    for key in ("chart_tick", "chart_axis_title", "chart_legend", "chart_bar_text", "chart_note"):
                        assert m[key] is None or m[key] >= CHART_PX, (key, where)
                    if (period, i) in DOCS:
                        _docs(p, DOCS[(period, i)])
                i += 1
    finally:
        ctx.close()
    assert kinds >= {"oversikt", "sedan", "malomrade", "forsenade", "indikatorer", "inrapportering"}, kinds


def test_buttons_show_one_arrow_each(browser, app_url):
    ctx, p = _page(browser, FULL_HD)
    try:
        _open(p, f"{app_url}/moteslage?kiosk=1&period=2026-T2&slide=3")
        for name, arrow in (("Föregående", "←"), ("Nästa", "→")):
            text = p.get_by_role("button", name=name).inner_text()
            assert text.count(arrow) == 1 and "arrow_" not in text, text
    finally:
        ctx.close()


@pytest.mark.parametrize("size", [FULL_HD, LAPTOP, TABLET], ids=["1920x1080", "1366x768", "820x1180"])
def test_oversikt_tells_the_story_and_fits_the_screen(browser, app_url, size):
    ctx, p = _page(browser, size)
    try:
        _open(p, f"{app_url}/?period=2026-T2")
        story = p.locator(".nd-berattelse").inner_text()
        assert story.startswith("62,5\u00a0% av aktiviteterna är klara (+11,8 procentenheter sedan 2026 T1).")
        assert "förvaltningar har rapporterat." in story
        main = p.locator('[data-testid="stMain"]').inner_text()
        assert "Bedömning per målområde" in main and "Röd" in main and "Förändringar sedan förra perioden" in main
        assert "Blev försenad:" in main
        assert p.evaluate(CARDS_CUT) == []
        assert p.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert not _english(p.locator("body").inner_text())
        if size == FULL_HD:
            _docs(p, "oversikt")
        if size == TABLET:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            p.screenshot(path=str(ARTIFACTS / "oversikt-surfplatta.png"), full_page=True)
        # A change links to its målområde.
        p.get_by_role("link", name=re.compile("^Blev försenad:")).first.click()
        p.wait_for_url("**/malomrade**")
        wait_for_app(p)
        assert p.get_by_role("heading", level=1).first.inner_text().startswith("Målområde")
    finally:
        ctx.close()


def test_no_english_on_the_pages_and_the_admin_offers_the_indicator_workbooks(browser, app_url):
    """The menu's overflow at tablet width, tables with empty cells, the uploader, an unknown address."""
    ctx, p = _page(browser, TABLET)
    try:
        for path in ("?period=2026-T2", "malomrade?period=2026-T2&malomrade=3", "forsenade?period=2026-T2",
                     "indikatorer", "inrapportering?period=2026-T2", "handlingsplan", "moteslage?period=2026-T2&slide=2",
                     "finns-inte"):
            _open(p, f"{app_url}/{path}")
            no_english(p, path)
        # The menu's overflow button says "Fler" (drawn by CSS, so read from its style).
        assert "Fler" in p.evaluate(
            "() => getComputedStyle(document.querySelector('button[data-testid=\"stTopNavSection\"] > span'),"
            " '::after').content")
        assert "Sidan finns inte" in p.evaluate(
            "() => { const d = document.querySelector('section[role=dialog]');"
            " return d ? getComputedStyle(d, '::after').content : ''; }")
        # Signed in (the session lives as long as the page: from here on, the menu, not new addresses).
        p.set_viewport_size({"width": 1800, "height": 1000})
        _open(p, f"{app_url}/logga_in")
        p.get_by_label("Användarnamn").fill("admin")
        p.get_by_label("Lösenord").fill("admin-demo")
        p.get_by_role("button", name="Logga in").click()
        wait_for_app(p)
        for title in ("Admin", "Ladda upp", "Historik"):
            p.locator('[data-testid="stTopNav"]').get_by_text(title, exact=True).click()
            wait_for_app(p)
            assert p.locator(ERROR).count() == 0
            if title == "Admin":
                p.get_by_role("tab", name="Indikatorfil").click()
                wait_for_app(p)
                with p.expect_download() as dl:
                    p.get_by_role("button", name="Ladda ner nuvarande indikatorer").click()
                assert dl.value.suggested_filename == "indikatorer.xlsx"
                with p.expect_download() as dl:
                    p.get_by_role("button", name="Ladda ner tom indikatormall").click()
                assert dl.value.suggested_filename == "indikatormall.xlsx"
                assert "Dra och släpp filen här" in p.evaluate(
                    "() => getComputedStyle(document.querySelector("
                    "'[data-testid=\"stFileUploaderDropzoneInstructions\"] > div'), '::after').content")
            no_english(p, title)
    finally:
        ctx.close()


@pytest.mark.parametrize("path", ["?period=2026-T2", "moteslage?kiosk=1&period=2026-T2&slide=2",
                                  "moteslage?kiosk=1&period=2026-T2&slide=9"],
                         ids=["oversikt", "sedan-forra-motet", "indikatorer"])
def test_new_screens_pass_axe(browser, app_url, path):
    from axe_playwright_python.sync_playwright import Axe

    ctx, p = _page(browser, FULL_HD)
    try:
        _open(p, f"{app_url}/{path}")
        ours, _ = _serious(Axe().run(p, options=WCAG).response)
        assert not ours, ours
    finally:
        ctx.close()

"""A styrgrupp meeting in a real browser (Debian's headless Chromium) at 1920×1080 against `streamlit run app.py`:
an admin signs in, opens the meeting from "Möten och beslut", shows it in kiosk mode, records a decision with the
keyboard on "Beslut att följa upp", goes to the next slide with the arrow key and finds the decision there; the slide
still fits the screen without scrolling. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import shutil

import pytest

from naringsdash import config, meetings

from conftest import ARTIFACTS
from streamlit_server import CHROMIUM, serve, wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="/usr/bin/chromium saknas: `make test` installerar Debians chromium")]

FULL_HD = {"width": 1920, "height": 1080}
ERROR = '[data-testid="stException"]'
TEXT = "Bjud in handeln till ett samråd om servicemätningen"


def heading(p) -> str:
    return p.get_by_role("heading", level=1).first.inner_text()


def slide_heading(p) -> str:
    """Outside kiosk mode the page title is the meeting and each slide's heading is an h2 in the main area."""
    return p.locator('[data-testid="stMain"]').get_by_role("heading", level=2).first.inner_text()


def slide_in_url(p, n: int, timeout: int = 15_000) -> None:
    p.wait_for_function(f"() => new URLSearchParams(location.search).get('slide') === '{n}'", timeout=timeout)


def fits(p) -> dict:
    return p.evaluate("""() => {
        const main = document.querySelector('[data-testid="stMain"]');
        return {doc: document.documentElement.scrollHeight <= window.innerHeight,
                main: main.scrollHeight <= main.clientHeight};
    }""")


def test_meeting_records_a_decision_with_the_keyboard_and_the_next_slide_shows_it(browser, tmp_path_factory,
                                                                                    _demo_db_master):
    tmp = tmp_path_factory.mktemp("loop")
    db, cfg = tmp / "demo.duckdb", tmp / "referens.toml"
    shutil.copy(_demo_db_master, db)
    shutil.copy(config.DEFAULT_CONFIG, cfg)
    with serve(db, cfg) as base:
        ctx = browser.new_context(viewport=FULL_HD, locale="sv-SE")
        try:
            p = ctx.new_page()
            p.goto(f"{base}/logga_in")
            wait_for_app(p)
            p.get_by_label("Användarnamn").fill("admin")
            p.get_by_label("Lösenord").fill("admin-demo")
            p.get_by_label("Lösenord").press("Enter")
            wait_for_app(p)
            p.locator('[data-testid="stTopNav"]').get_by_text("Möten och beslut", exact=True).click()
            wait_for_app(p)
            assert heading(p) == "Möten och beslut"
            p.get_by_role("link", name="Öppna mötet 2026-09-22 i Mötesläge").click()
            wait_for_app(p)
            assert heading(p) == "Mötet 2026-09-22"
            assert slide_heading(p) == "Översikt"
            p.keyboard.press("ArrowRight")
            slide_in_url(p, 2)
            wait_for_app(p)
            assert slide_heading(p) == "Sedan förra mötet"
            p.keyboard.press("ArrowRight")
            slide_in_url(p, 3)
            wait_for_app(p)
            assert slide_heading(p) == "Beslut att följa upp"

            # The decision with the keyboard: owner, due date, the text, Enter.
            p.get_by_label("Ansvarig förvaltning").click()
            p.keyboard.type("KLF")
            p.keyboard.press("Enter")
            p.get_by_role("spinbutton", name="year, Klart senast").click()   # year, month, day: typed in turn
            p.keyboard.type("20260923")
            p.get_by_label("Beslut", exact=True).click()
            p.keyboard.type(TEXT)
            p.keyboard.press("Enter")
            p.get_by_text("är sparat").wait_for(timeout=15_000)
            wait_for_app(p)
            assert p.locator(ERROR).count() == 0
            new = meetings.decisions(db).sort_values("id").iloc[-1]
            assert (new["text"], new["malomrade"], new["agare"], str(new["forfaller"].date())) == (
                TEXT, 1, "KLF", "2026-09-23")

            p.get_by_role("heading", level=1).first.click()   # leave the text field: the arrows change slide
            p.keyboard.press("ArrowRight")
            slide_in_url(p, 4)
            wait_for_app(p)
            assert slide_heading(p) == "Målområde 1. Företagsklimat och service"
            box = p.locator(".nd-oppna-beslut").inner_text()
            still_open = meetings.decisions(db)
            n = int(((still_open["malomrade"] == 1) & (still_open["status"] == "Öppen")).sum())
            # On the shared screen the box names the most urgent decision and counts all, the new one included.
            assert f"Öppna beslut ({n}" in box and n >= 1
        finally:
            ctx.close()
        # The shared screen (kiosk, a reader): the decision is on the slide, and the slide fits 1920×1080.
        ctx = browser.new_context(viewport=FULL_HD, locale="sv-SE")
        try:
            p = ctx.new_page()
            p.goto(f"{base}/moteslage?kiosk=1&mote=2&slide=4")
            wait_for_app(p)   # also until the charts have their size
            assert heading(p) == "Målområde 1. Företagsklimat och service"
            assert "Öppna beslut (" in p.locator(".nd-oppna-beslut").inner_text()
            assert p.get_by_label("Beslut", exact=True).count() == 0   # no form for a reader
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            for slide, name in ((4, "malomrade-1-med-beslut"), (3, "beslut-att-folja-upp"),
                                (6, "malomrade-3-fyra-forsenade"), (10, "vad-naringslivet-sager")):
                if slide != 4:
                    p.goto(f"{base}/moteslage?kiosk=1&mote=2&slide={slide}")
                    wait_for_app(p)
                assert p.locator(ERROR).count() == 0
                p.screenshot(path=str(ARTIFACTS / f"moteslage-mote-{name}.png"))
                size = fits(p)
                assert size["doc"] and size["main"], (name, size)
        finally:
            ctx.close()

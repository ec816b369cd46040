"""A real browser (Debian's Chromium via Playwright) against `streamlit run app.py`: a rapportör signs in, downloads
the template, uploads a workbook through the file chooser, presses Spara and sees the dashboard change; on a fresh
server with anonymous reading off, every page URL shows an anonymous visitor nothing protected."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from test_browser import ERROR, WCAG, _screenshot, _serious, _setup

from naringsdash import ui
from naringsdash.store import queries

from conftest import activity, write_xlsx
from streamlit_server import CHROMIUM, serve, wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="/usr/bin/chromium saknas: `make test` installerar Debians chromium")]

PERIOD = "2026-T2"


def menu(p, title: str) -> None:
    p.locator('[data-testid="stTopNav"]').get_by_text(title, exact=True).click()
    wait_for_app(p)


def late_count(p) -> int:
    menu(p, "Försenade aktiviteter")
    return int(p.locator('[data-testid="stMetricValue"]').first.inner_text())


def axe_clean(p, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    ours, _ = _serious(Axe().run(p, options=WCAG).response)
    assert not ours, (name, ours)


def test_rapportor_signs_in_uploads_and_the_dashboard_changes(browser, tmp_path_factory, _demo_db_master):
    tmp = tmp_path_factory.mktemp("upload")
    db, cfg = _setup(tmp, _demo_db_master, anonyma_lasare=False)
    n = len(queries.overdue(PERIOD, db, forvaltningar=["KLF"])) + 2  # KLF's new version: two more late ones
    rows = [activity(i, Status="Försenad", Slutdatum=dt.date(2026, 6, 30), Aktivitet=f"<b>Sen {i}</b>")
            for i in range(1, n + 1)]
    workbook = write_xlsx(tmp / "klf_delar.xlsx", rows, info={"Förvaltning": "KLF", "Period": PERIOD})
    with serve(db, cfg) as base:
        ctx = browser.new_context(viewport={"width": 1920, "height": 1000}, accept_downloads=True, locale="sv-SE")
        try:
            p = ctx.new_page()
            p.goto(base)
            wait_for_app(p)
            assert p.get_by_role("heading", level=1).first.inner_text() == "Logga in"
            axe_clean(p, "logga_in")
            p.get_by_label("Användarnamn").fill("rapportor")
            p.get_by_label("Lösenord").fill("rapportor-demo")
            p.get_by_role("button", name="Logga in").click()
            wait_for_app(p)
            nav = p.locator('[data-testid="stTopNav"]').inner_text()
            assert "Ladda upp" in nav and "Historik" in nav and "Logga ut" in nav and "Admin" not in nav
            before = late_count(p)
            assert before == len(queries.overdue(PERIOD, db))

            menu(p, "Ladda upp")
            assert p.get_by_role("heading", level=1).first.inner_text() == "Ladda upp uppföljning"
            p.locator('[data-testid="stSelectbox"]').filter(has_text="Period").click()
            p.get_by_role("option", name="2026 T2").click()
            wait_for_app(p)
            with p.expect_download() as dl:
                p.get_by_role("button", name="Ladda ner mallen för KLF, 2026 T2").click()
            info = dict(load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))["Info"].values)
            assert (info["Förvaltning"], info["Period"]) == ("KLF", PERIOD)

            with p.expect_file_chooser() as chooser:
                p.locator('[data-testid="stFileUploaderDropzone"]').click()
            chooser.value.set_files(str(workbook))
            p.get_by_text("Filen är godkänd").wait_for(timeout=30_000)
            wait_for_app(p)
            assert p.locator(ERROR).count() == 0
            assert "<b>Sen 1</b>" not in p.locator('[data-testid="stMain"]').inner_html()  # never rendered as HTML
            assert len(queries.overdue(PERIOD, db)) == before  # nothing saved before Spara
            _screenshot(p, "ladda-upp-forhandsgranskning")
            axe_clean(p, "ladda_upp")
            p.get_by_role("button", name="Spara").click()
            p.get_by_text(f"Sparat: {n} aktiviteter för KLF").wait_for(timeout=30_000)
            wait_for_app(p)

            after = late_count(p)
            expected = len(queries.overdue(PERIOD, db))
            assert after == expected == before + 2
            assert len(queries.activities(PERIOD, db, forvaltningar=["KLF"])) == n
            menu(p, "Historik")
            assert p.locator(ERROR).count() == 0
            assert queries.uploads(db).iloc[0]["user_name"] == "rapportor"
        finally:
            ctx.close()


def test_fresh_server_every_url_shows_an_anonymous_visitor_nothing_protected(browser, tmp_path_factory,
                                                                              _demo_db_master):
    tmp = tmp_path_factory.mktemp("fresh-auth")
    db, cfg = _setup(tmp, _demo_db_master, anonyma_lasare=False)
    protected = [p for p in ui.PAGES + ui.ACCOUNT_PAGES if p.file != ui.LOGIN_PAGE]
    with serve(db, cfg) as base:
        ctx = browser.new_context(viewport={"width": 1920, "height": 1000})
        try:
            p = ctx.new_page()
            # Direct links first: on a fresh server Streamlit runs each page file alone (app.py never ran).
            for page in protected[1:] + protected[:1]:   # "/" last: it runs app.py
                p.goto(f"{base}/{page.url_path if page is not ui.PAGES[0] else ''}")
                wait_for_app(p)
                main = p.locator('[data-testid="stMain"]').inner_text()
                assert "logga in" in main.lower(), (page.file, main)
                assert page.title not in main, (page.file, main)
                for selector in (ERROR, '[data-testid="stDataFrame"]', '[data-testid="stPlotlyChart"]',
                                 '[data-testid="stMetric"]', '[data-testid="stFileUploader"]',
                                 '[data-testid="stDownloadButton"]', '[data-testid="stTabs"]',
                                 '[data-testid="stSidebarNav"]'):
                    assert p.locator(selector).count() == 0, (page.file, selector)
                # The refusal offers the way in: the login form, right there (it then opens the page asked for).
                expect(p.get_by_label("Lösenord"), page.file).to_have_count(1, timeout=15_000)
            # After "/" the menu (app.py's) has only the login page; a direct link now falls back to it.
            nav = p.locator('[data-testid="stTopNav"]')
            assert nav.count() == 0 or nav.inner_text().strip() in ("", "Logga in")
            p.goto(f"{base}/admin")
            wait_for_app(p)
            assert p.get_by_role("heading", level=1).first.inner_text() == "Logga in"
            expect(p.get_by_label("Lösenord")).to_have_count(1, timeout=15_000)
            assert p.locator('[data-testid="stTabs"]').count() == 0
        finally:
            ctx.close()


def test_the_guards_login_form_opens_the_page_asked_for(browser, tmp_path_factory, _demo_db_master):
    tmp = tmp_path_factory.mktemp("fresh-link")
    db, cfg = _setup(tmp, _demo_db_master, anonyma_lasare=False)
    with serve(db, cfg) as base:
        ctx = browser.new_context(viewport={"width": 1920, "height": 1000})
        try:
            p = ctx.new_page()
            p.goto(f"{base}/ladda_upp")
            wait_for_app(p)
            assert p.get_by_role("heading", level=1).first.inner_text() == "Logga in"
            expect(p.get_by_label("Lösenord")).to_have_count(1, timeout=15_000)   # the guard's own form
            p.get_by_label("Användarnamn").fill("admin")
            p.get_by_label("Lösenord").fill("admin-demo")
            p.get_by_role("button", name="Logga in").click()
            # The sign-in reruns the script and then switches to the page asked for: wait for that page, not a time.
            expect(p.get_by_role("heading", level=1).first).to_have_text("Ladda upp uppföljning", timeout=30_000)
            wait_for_app(p)
            menu(p, "Admin")
            assert p.get_by_role("heading", level=1).first.inner_text() == "Admin"
            assert p.locator(ERROR).count() == 0
        finally:
            ctx.close()

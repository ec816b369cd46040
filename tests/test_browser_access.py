"""A real browser against `streamlit run app.py` (issue 11 §3): a läsare's open tab stops downloading the moment the
account is removed (the download button's file is made on the click, after the account is checked), and the next
click in the tab shows the login instead of the data."""

from __future__ import annotations

import pytest
from test_browser import ERROR, _setup
from test_browser_auth import menu

from naringsdash import auth

from streamlit_server import CHROMIUM, serve, wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="/usr/bin/chromium saknas: `make test` installerar Debians chromium")]

PASSWORD = "Läsaren-lasse-2025"


def test_removed_lasare_cannot_download_from_an_open_tab(browser, tmp_path_factory, _demo_db_master):
    tmp = tmp_path_factory.mktemp("access")
    db, cfg = _setup(tmp, _demo_db_master, anonyma_lasare=False, demo=False)
    auth.add_user("lasse", "lasare", PASSWORD, db=db)
    with serve(db, cfg) as base:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="sv-SE")
        try:
            p = ctx.new_page()
            p.goto(base)
            wait_for_app(p)
            p.get_by_label("Användarnamn").fill("lasse")
            p.get_by_label("Lösenord").fill(PASSWORD)
            p.get_by_role("button", name="Logga in").click()
            wait_for_app(p)
            menu(p, "Försenade aktiviteter")
            with p.expect_download() as dl:  # while the account exists
                p.get_by_role("button", name="Ladda ner CSV").click()
            assert dl.value.path().read_bytes().startswith(b"\xef\xbb\xbf")

            auth.remove_user("lasse", db=db)
            downloads = []
            p.on("download", lambda d: downloads.append(d))
            p.get_by_role("button", name="Ladda ner CSV").click()  # the same tab, no rerun: only the click
            p.get_by_text("Failed to generate file", exact=False).or_(p.locator(ERROR)).first.wait_for(timeout=15_000)
            assert downloads == []

            menu(p, "Översikt")  # the next step in the tab
            p.get_by_text("Du har loggats ut").wait_for(timeout=15_000)
            assert p.locator('[data-testid="stMetricValue"]').count() == 0
        finally:
            ctx.close()

"""Sessions and links in a real browser (Debian's Chromium) against one `streamlit run app.py`: a sign-in survives a
reload, a sign-out holds after one, a direct link to Ladda upp while signed out lands on the login form and then on
Ladda upp, the token is refused once the password has changed, an unknown address gets a Swedish page; and the
screenshot of Översikt for a period where 1 of 7 förvaltningar has reported (docs/oversikt-pagaende.png)."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect
from test_browser import _setup

from naringsdash import auth, ingest, session_token
from naringsdash.ingest.template import template_bytes

from conftest import ROOT
from streamlit_server import CHROMIUM, serve, wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium saknas: `make test` installerar den")]


def h1(p, text: str) -> None:
    """The page's first heading becomes ``text`` (waited for: a click's rerun can begin after the page looked
    settled on a busy machine)."""
    expect(p.get_by_role("heading", level=1).first).to_have_text(text, timeout=15_000)


def nav(p) -> str:
    loc = p.locator('[data-testid="stTopNav"]')
    return loc.inner_text() if loc.count() else ""


def sign_in(p, username: str, password: str) -> None:
    p.get_by_label("Användarnamn").fill(username)
    p.get_by_label("Lösenord").fill(password)
    p.get_by_role("button", name="Logga in").click()
    wait_for_app(p)


def reload(p) -> None:
    p.reload()
    wait_for_app(p)


def test_sessions_links_and_the_partial_period(browser, tmp_path, _demo_db_master, monkeypatch):
    db, cfg = _setup(tmp_path, _demo_db_master, anonyma_lasare=False)
    data = template_bytes("KLF", "2026-T3", db)  # KLF alone has reported 2026-T3 (carried forward)
    assert ingest.import_bytes(data, "klf.xlsx", db=db, forvaltning="KLF", period="2026-T3").ok
    secrets = tmp_path / "secrets.toml"
    monkeypatch.setenv("NARINGSDASH_SECRETS", str(secrets))
    with serve(db, cfg) as base:
        assert not secrets.exists() or "sessionsnyckel" in secrets.read_text()
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
        try:
            p = ctx.new_page()
            p.goto(base)
            wait_for_app(p)
            h1(p, "Logga in")
            sign_in(p, "rapportor", "rapportor-demo")
            assert "Logga ut" in nav(p) and "Ladda upp" in nav(p)
            p.wait_for_function("() => document.cookie.includes('naringsdash_session=')", timeout=10_000)
            cookie = next(c for c in ctx.cookies() if c["name"] == session_token.COOKIE)
            assert cookie["sameSite"] == "Strict" and not cookie["secure"]  # plain http here; https adds Secure
            assert cookie["expires"] > 0 and "naringsdash_session" not in p.url
            assert "sessionsnyckel" in secrets.read_text()  # the first start generated the secret

            reload(p)  # F5: still signed in
            assert "Logga ut" in nav(p) and "Ladda upp" in nav(p), nav(p)

            p.locator('[data-testid="stTopNav"]').get_by_text("Logga ut", exact=True).click()
            wait_for_app(p)
            p.get_by_role("button", name="Logga ut").click()
            wait_for_app(p)
            h1(p, "Logga in")
            p.wait_for_function("() => !document.cookie.includes('naringsdash_session=')", timeout=10_000)
            reload(p)  # signed out stays signed out
            h1(p, "Logga in")
            assert "Ladda upp" not in nav(p)

            p.goto(base + "/ladda_upp")  # a direct link while signed out: login, then the page asked for
            wait_for_app(p)
            h1(p, "Logga in")
            assert p.get_by_text("Du behöver logga in för att se den här sidan").count() == 1
            sign_in(p, "rapportor", "rapportor-demo")
            h1(p, "Ladda upp uppföljning")
            assert p.url.rstrip("/").endswith("/ladda_upp")
            p.wait_for_function("() => document.cookie.includes('naringsdash_session=')", timeout=10_000)

            auth.set_password("rapportor", "ett-nytt-losenord", db)  # e.g. the admin resets it
            reload(p)
            h1(p, "Logga in")
            assert "Ladda upp" not in nav(p)  # the old token no longer counts

            p.goto(base + "/finns_inte")
            wait_for_app(p)
            h1(p, "Sidan finns inte")
            assert p.get_by_text("Page not found").count() == 0

            # Översikt for the period KLF alone has reported: the banner, and the trend's hollow point.
            p.goto(base)
            wait_for_app(p)
            sign_in(p, "lasare", "lasare-demo")
            p.goto(base + "/?period=2026-T3")
            wait_for_app(p)
            h1(p, "Översikt")
            banner = p.get_by_text("2026 T3 pågår: 1 av 7 förvaltningar har rapporterat")
            assert banner.count() == 1
            p.locator(".js-plotly-plot").nth(1).wait_for(timeout=30_000)
            height = p.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
            p.set_viewport_size({"width": 1400, "height": min(max(height, 1000), 4000)})
            wait_for_app(p)   # the charts take the new size
            shot = ROOT / "tests" / "artifacts" / "oversikt-pagaende.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            p.screenshot(path=str(shot))
            docs = ROOT / "docs" / "oversikt-pagaende.png"  # the README's copy: only when asked (or missing)
            if os.environ.get("NARINGSDASH_UPDATE_DOCS") or not docs.exists():
                shutil.copy(shot, docs)
        finally:
            ctx.close()

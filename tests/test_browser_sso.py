"""Single sign-on end to end: Debian's Chromium (Playwright) against `streamlit run app.py` with `[auth]` pointing at a
real OpenID Connect provider on loopback (the PyPI package oidc-provider-mock, started here). The round trip through
the provider's sign-in page; the role from the e-mail address or from a directory group ([[katalogroll]]); a reload
keeps the user signed in; "Logga ut" ends both sessions and says so; unknown addresses follow okanda_sso; a removed
account is refused. The provider's users and the app's secrets (a random cookie_secret) are made by the test, in a
temporary folder: nothing secret is written into the repository."""

from __future__ import annotations

import json
import os
import secrets
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_browser import ERROR, _setup

from naringsdash import auth, config, ingest

from conftest import activity, check, write_xlsx
from streamlit_server import CHROMIUM, free_port, process, serve, wait_for_app

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="/usr/bin/chromium saknas: `make test` installerar Debians chromium")]

DOCS = Path(os.environ["NARINGSDASH_SSO_SCREENSHOTS"]) if os.environ.get("NARINGSDASH_SSO_SCREENSHOTS") else None
KLF_GROUP = "7d1c0f3a-5b2e-4c11-9a8e-0000000000aa"  # an Entra ID group's object id
USERS = {  # the provider's predefined users (sub → claims)
    "chef": {"email": "Karin.Chef@trelleborg.se", "name": "Karin Chef"},
    "klf": {"email": "rapp.klf@trelleborg.se", "name": "Rut Rapportör", "groups": ["andra-gruppen", KLF_GROUP]},
    "okand": {"email": "okand@trelleborg.se", "name": "Okänd Person"},
}


@contextmanager
def provider(tmp: Path):
    """oidc-provider-mock on a free loopback port with the predefined users; yields its base URL."""
    port = free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for sub, claims in USERS.items():
        args += ["--user-claims", json.dumps({"sub": sub, "email_verified": True, **claims})]
    base = f"http://127.0.0.1:{port}"
    with process(args, base + "/.well-known/openid-configuration", tmp / f"oidc-{port}.log", 30, "oidc-provider-mock"):
        yield base


def auth_secrets(path: Path, app_port: int, issuer: str) -> Path:
    """The app's [auth] for this provider: a fresh random cookie_secret and client secret, in a temp file."""
    path.write_text("[auth]\n"
                    f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
                    f'cookie_secret = "{secrets.token_hex(32)}"\n'
                    'client_id = "naringsdash-test"\n'
                    f'client_secret = "{secrets.token_hex(16)}"\n'
                    f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n', encoding="utf-8")
    path.chmod(0o600)
    return path


def nav_text(p) -> str:
    nav = p.locator('[data-testid="stTopNav"]')
    return nav.inner_text() if nav.count() else ""


def shot(p, name: str, width: int, height: int) -> None:
    """With NARINGSDASH_SSO_SCREENSHOTS=folder: the top left of the page as docs/sso-*.png for the README."""
    if DOCS is not None:
        DOCS.mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(DOCS / f"sso-{name}.png"), clip={"x": 0, "y": 0, "width": width, "height": height})


def sso_sign_in(p, base: str, sub: str, screenshot: bool = False) -> None:
    """From the login page: "Logga in med kommunens konto", the provider's page, this user, back in the app."""
    p.goto(base)  # anonymous reading is off: the login page is the start page
    wait_for_app(p)
    p.get_by_role("button", name="Logga in med kommunens konto").click()
    p.get_by_role("heading", name="Authorize Client").wait_for(timeout=30_000)
    if screenshot:
        shot(p, "1-leverantor", 520, 290)
    p.get_by_role("button", name=sub, exact=True).click()
    p.locator('[data-testid="stApp"]').wait_for(timeout=30_000)
    wait_for_app(p)


def open_page(p, base: str, path: str) -> str:
    """Open a page by its address (a new session: the identity cookie must carry the sign-in); its main text."""
    p.goto(f"{base}/{path}")
    wait_for_app(p)
    return p.locator('[data-testid="stMain"]').inner_text()


def account_page(p, base: str) -> str:
    """The text of the "Logga ut" page (who is signed in, with which role)."""
    text = open_page(p, base, "logga_in")
    assert p.get_by_role("heading", level=1).first.inner_text() == "Logga ut"
    return text


def test_single_sign_on_round_trip(browser, tmp_path_factory, _demo_db_master, monkeypatch):
    tmp = tmp_path_factory.mktemp("sso")
    db, cfg = _setup(tmp, _demo_db_master, anonyma_lasare=False, okanda_sso="lasare")
    monkeypatch.setenv("NARINGSDASH_DB", str(db))
    monkeypatch.setenv("NARINGSDASH_CONFIG", str(cfg))
    ref = config.load_reference()
    ref.katalogroller = [config.DirectoryRole("groups", KLF_GROUP, "rapportor", ("KLF",))]
    config.save_reference(ref)
    auth.add_user("chef", "admin", email="karin.chef@trelleborg.se", display_name="Karin Chef", db=db)
    app_port = free_port()
    with provider(tmp) as issuer, \
            serve(db, cfg, port=app_port, secrets=auth_secrets(tmp / "secrets.toml", app_port, issuer)) as base:
        # A directory group mapped to rapportör for KLF: the account is made at sign-in and can upload for KLF only.
        ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="sv-SE")
        try:
            p = ctx.new_page()
            sso_sign_in(p, base, "klf", screenshot=True)
            assert "Ladda upp" in nav_text(p) and "Logga ut" in nav_text(p) and "Admin" not in nav_text(p)
            text = account_page(p, base)
            assert "Rut Rapportör" in text and "Rapportör för KLF" in text
            shot(p, "2-inloggad", 1140, 380)
            assert p.locator(ERROR).count() == 0
            stored = auth.get_user("rapp.klf@trelleborg.se", db)
            assert (stored.role, stored.forvaltningar) == ("rapportor", ("KLF",))

            open_page(p, base, "ladda_upp")
            p.locator('[data-testid="stSelectbox"]').filter(has_text="Förvaltning").click()
            options = p.get_by_role("option").all_inner_texts()
            assert [o.split(" – ")[0] for o in options] == ["KLF"]
            p.keyboard.press("Escape")
            workbook = write_xlsx(tmp / "sbf.xlsx", [activity(1, Förvaltning="SBF")],
                                  info={"Förvaltning": "SBF", "Period": "2026-T2"})
            result = check(workbook, forvaltning="SBF", period="2026-T2")
            assert result.ok
            with pytest.raises(auth.PermissionDenied):  # the package refuses SBF for this account
                ingest.save_as(stored, result, workbook.read_bytes(), forvaltning="SBF", period="2026-T2", db=db)

            p.reload()  # a new session: the identity cookie keeps the user signed in
            wait_for_app(p)
            p.locator('[data-testid="stTopNav"]').get_by_text("Logga ut", exact=True).wait_for()
            assert "Rapportör för KLF" in account_page(p, base)

            p.get_by_role("button", name="Logga ut").click()  # ends Näringsdash and the provider's session
            p.get_by_role("button", name="End session").click(timeout=30_000)
            p.get_by_text("Du är utloggad från Näringsdash och från kommunens konto").wait_for(timeout=30_000)
            wait_for_app(p)
            assert p.get_by_role("heading", level=1).first.inner_text() == "Logga in"
            assert "Logga ut" not in nav_text(p)
            shot(p, "3-utloggad", 1000, 400)
            p.reload()
            wait_for_app(p)
            assert p.get_by_role("heading", level=1).first.inner_text() == "Logga in"
            assert p.get_by_role("button", name="Logga in med kommunens konto").count() == 1
        finally:
            ctx.close()

        # The e-mail address of an account made in Näringsdash: its local role (admin).
        ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="sv-SE")
        try:
            p = ctx.new_page()
            sso_sign_in(p, base, "chef")
            assert "Admin" in nav_text(p)
            assert "Karin Chef (Admin)" in account_page(p, base)
            open_page(p, base, "admin")
            p.get_by_role("tab", name="Kommunens konto").click()
            p.get_by_text("Katalogroller", exact=True).wait_for()
            p.get_by_text("Borttagna konton", exact=True).wait_for()
            p.get_by_role("button", name="Lägg till katalogroll").wait_for()
            assert p.locator(ERROR).count() == 0
        finally:
            ctx.close()

        # An address without an account: läsare (okanda_sso = "lasare"), then refused (okanda_sso = "ingen").
        for setting, expected in (("lasare", "Okänd Person (Läsare)"), ("ingen", "har ingen behörighet")):
            ref = config.load_reference()
            ref.settings["okanda_sso"] = setting
            config.save_reference(ref)
            ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="sv-SE")
            try:
                p = ctx.new_page()
                sso_sign_in(p, base, "okand")
                if setting == "lasare":
                    assert "Ladda upp" not in nav_text(p)
                    assert expected in account_page(p, base)
                else:
                    p.get_by_text(expected).wait_for()
                    assert "Logga ut" not in nav_text(p) and "Översikt" not in nav_text(p)
            finally:
                ctx.close()

        # A removed account does not come back, not even through its directory group.
        auth.remove_user("rapp.klf@trelleborg.se", db)
        ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="sv-SE")
        try:
            p = ctx.new_page()
            sso_sign_in(p, base, "klf")
            p.get_by_text("är borttaget ur Näringsdash").wait_for()
            assert "Logga ut" not in nav_text(p) and "Ladda upp" not in nav_text(p)
            assert p.locator(ERROR).count() == 0
            assert auth.get_user("rapp.klf@trelleborg.se", db) is None
        finally:
            ctx.close()

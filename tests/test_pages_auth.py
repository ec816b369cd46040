"""Roles × pages through AppTest, signing in (local, demo, SSO), and the admin page (users, reference data, Kolada).

For each role: the pages it may open are in the menu and work; the others are absent from the menu (AppTest
refuses to switch to a page st.navigation did not register) and refuse when their file is run on its own, as
a fresh server does for a direct link.
"""

from __future__ import annotations

import socket

import pytest
from streamlit.testing.v1 import AppTest
from test_kolada import stub  # noqa: F401  (the local Kolada server fixture)

from naringsdash import access, auth, config, kolada, ui
from naringsdash.auth import User
from naringsdash.store import queries

from conftest import ROOT, no_exception

LOGIN, UPLOAD, HISTORY, ADMIN = "pages/logga_in.py", "pages/ladda_upp.py", "pages/historik.py", "pages/admin.py"
DASHBOARD = ["pages/oversikt.py", "pages/malomrade.py", "pages/forsenade.py", "pages/indikatorer.py",
             "pages/inrapportering.py"]
MINE = [LOGIN, UPLOAD, HISTORY, ADMIN]

RAPPORTOR = User("rita", "rapportor", ("KLF", "SBF"), "Rita Rapportör")
ADMIN_USER = User("ada", "admin", (), "Ada Admin")
ROLES = {  # role → (session user, anonyma_lasare, the pages it may open)
    "anonym-av": (None, False, {LOGIN}),
    "anonym-pa": (None, True, {LOGIN, *DASHBOARD}),
    "lasare": (User("lasse", "lasare"), False, {LOGIN, *DASHBOARD}),
    "rapportor": (RAPPORTOR, False, {LOGIN, UPLOAD, HISTORY, *DASHBOARD}),
    "admin": (ADMIN_USER, False, {LOGIN, UPLOAD, HISTORY, ADMIN, *DASHBOARD}),
}


@pytest.fixture(autouse=True)
def _accounts(request):
    """On the demo database, the session users of ROLES exist in the users table (pages re-read the account)."""
    if "demo_db" in request.fixturenames:
        db = request.getfixturevalue("demo_db")
        for user in (ROLES["lasare"][0], RAPPORTOR, ADMIN_USER):
            auth.add_user(user.username, user.role, None, user.forvaltningar, user.display_name, db=db)


def set_settings(**settings) -> None:
    ref = config.load_reference()
    ref.settings.update(settings)
    config.save_reference(ref)


def start(session_user: User | None = None, **kw) -> AppTest:
    """app.py with this user signed in; keyword arguments set AppTest attributes (secrets, user = st.user)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if session_user is not None:
        at.session_state["user"] = session_user
    for k, v in kw.items():
        setattr(at, k, v)
    return at.run()


def as_role(role: str) -> AppTest:
    user, anonymous, _ = ROLES[role]
    set_settings(anonyma_lasare=anonymous)
    return start(user)


def in_menu(at: AppTest, page: str) -> bool:
    """Shown in the menu (every page is registered, the others hidden, so that a direct link gets the Swedish
    message and the login form rather than Streamlit's "Page not found")."""
    return page in at.session_state[ui.nav.MENU]



def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def plain(markdown: str) -> str:
    return markdown.replace("\\", "")


# --- Roles × pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_holds_exactly_the_pages_the_role_may_open(demo_db, role):
    at = as_role(role)
    no_exception(at)
    allowed = ROLES[role][2]
    assert {p for p in DASHBOARD + MINE if in_menu(at, p)} == allowed


@pytest.mark.parametrize("role,page", [(r, p) for r in ROLES for p in MINE + DASHBOARD[:1] if p in ROLES[r][2]])
def test_allowed_pages_work(demo_db, role, page):
    at = as_role(role)
    at.switch_page(page).run()
    no_exception(at)
    assert at.title and not at.error
    expected = {LOGIN: "Logga ut" if ROLES[role][0] else "Logga in", UPLOAD: "Ladda upp uppföljning",
                HISTORY: "Historik", ADMIN: "Admin", "pages/oversikt.py": "Översikt"}[page]
    assert at.title[0].value == expected


@pytest.mark.parametrize("role,page", [(r, p) for r in ROLES for p in MINE + DASHBOARD if p not in ROLES[r][2]])
def test_forbidden_pages_refuse_when_run_directly(demo_db, role, page):
    user, anonymous, _ = ROLES[role]
    set_settings(anonyma_lasare=anonymous)
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    if user is not None:
        at.session_state["user"] = user
    at.run()
    no_exception(at)
    refusal = (at.warning or at.error)[0].value
    assert refusal.startswith(("Du behöver logga in för att se den här sidan.", "Du har inte behörighet till den här sidan."))
    # The refusal, and for a visitor who has not signed in the login form (a direct link lands there), nothing else.
    assert [t.value for t in at.title] == ["Logga in" if user is None else "Ingen behörighet"]
    assert refusal.startswith("Du behöver logga in" if user is None else "Du har inte behörighet")
    assert [t.key for t in at.text_input] == (["anvandarnamn", "losenord"] if user is None else [])
    assert not at.dataframe and not at.file_uploader and not at.get("download_button") and not at.metric
    assert not at.tabs


def test_without_anonymous_reading_the_visitor_gets_only_the_login_page(demo_db):
    at = as_role("anonym-av")
    assert at.title[0].value == "Logga in" and "logga in" in at.warning[0].value
    assert not at.metric and not at.dataframe


# --- Signing in -------------------------------------------------------------------------------------------


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="anvandarnamn").input(username)
    at.text_input(key="losenord").input(password)
    return button(at, "Logga in").click().run()


def test_demo_account_signs_in_and_out(demo_db):
    set_settings(anonyma_lasare=False)
    at = start()
    demo = at.table[0].value
    assert demo.index.tolist() == ["admin", "rapportor", "lasare"]
    assert demo.loc["rapportor", "Lösenord"] == "rapportor-demo"
    sign_in(at, "rapportor", "rapportor-demo")
    no_exception(at)
    user = at.session_state["user"]
    assert (user.username, user.role, user.forvaltningar) == ("rapportor", "rapportor", ("KLF", "SBF"))
    assert at.title[0].value == "Logga ut" and "Demo: rapportör" in plain(at.markdown[0].value)
    assert [link.label for link in at.get("page_link")] == ["Ladda upp", "Historik"]
    # AppTest starts every run() like a fresh server (page files on their own), so the menu app.py builds for
    # the session is read from a run of app.py's start page.
    menu = start(user)
    assert in_menu(menu, UPLOAD) and in_menu(menu, HISTORY) and not in_menu(menu, ADMIN)
    button(at, "Logga ut").click().run()
    no_exception(at)
    assert "user" not in at.session_state
    assert at.title[0].value == "Logga in"


def test_wrong_password_then_a_delay_in_swedish(db):
    set_settings(anonyma_lasare=False, demo=False)
    auth.add_user("karin", "admin", "rätt-lösenord", db=db)
    at = start()
    assert not at.table  # no demo accounts outside the demo
    for _ in range(access.FREE_FAILURES):
        sign_in(at, "karin", "fel")
        assert at.error[0].value == auth.LOGIN_FAILED
    sign_in(at, "karin", "rätt-lösenord")  # from this address, even the right password waits its turn
    assert at.error[0].value.startswith("För många misslyckade inloggningar. Vänta 5 sekunder")
    assert "user" not in at.session_state
    # the same for a user name that does not exist: nothing tells which accounts exist
    for _ in range(access.FREE_FAILURES):
        sign_in(at, "finnsinte", "fel")
        assert at.error[0].value == auth.LOGIN_FAILED
    sign_in(at, "finnsinte", "fel")
    assert at.error[0].value.startswith("För många misslyckade inloggningar. Vänta 5 sekunder")
    # the real user at another address is not kept out
    assert auth.authenticate("karin", "rätt-lösenord", db, address="10.1.2.3").username == "karin"


def test_demo_accounts_vanish_when_the_demo_is_off(demo_db):
    set_settings(anonyma_lasare=False, demo=False)
    at = start()
    assert not at.table
    sign_in(at, "admin", "admin-demo")
    assert at.error[0].value == auth.LOGIN_FAILED
    assert "admin" not in auth.list_users(demo_db)["username"].tolist()


AUTH_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                "client_id": "id", "client_secret": "hemligt",
                "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def test_sso_button_only_when_auth_is_configured(demo_db):
    set_settings(anonyma_lasare=False)
    assert not [b for b in start().button if b.label == "Logga in med kommunens konto"]
    at = start(secrets={"auth": AUTH_SECRETS}, user={"is_logged_in": False})
    no_exception(at)
    assert button(at, "Logga in med kommunens konto")


def test_sso_button_without_authlib_or_settings_says_so_in_swedish(demo_db):
    set_settings(anonyma_lasare=False)
    at = start(secrets={"auth": AUTH_SECRETS}, user={"is_logged_in": False})
    button(at, "Logga in med kommunens konto").click().run()
    no_exception(at)
    try:
        import authlib  # noqa: F401
    except ImportError:
        assert "kräver paketet Authlib" in at.error[0].value
    else:  # AppTest's secrets do not reach st.login's own settings check
        assert at.error[0].value.startswith("Inloggningen med kommunens konto är fel inställd")


def test_sso_return_maps_the_email_to_the_user(demo_db):
    set_settings(anonyma_lasare=False)
    auth.add_user("rut", "rapportor", None, ["KLF"], "Rut", "rut.r@kommun.se", db=demo_db)
    at = start(secrets={"auth": AUTH_SECRETS}, user={"is_logged_in": True, "email": "Rut.R@Kommun.se"})
    no_exception(at)
    assert at.session_state["user"] == User("rut", "rapportor", ("KLF",), "Rut", "rut.r@kommun.se")
    assert in_menu(at, UPLOAD) and not in_menu(at, ADMIN)


@pytest.mark.parametrize("setting", ["lasare", "ingen"])
def test_sso_unknown_email_follows_the_setting(demo_db, setting):
    set_settings(anonyma_lasare=False, okanda_sso=setting)
    at = start(secrets={"auth": AUTH_SECRETS}, user={"is_logged_in": True, "email": "okand@kommun.se"})
    no_exception(at)
    if setting == "lasare":
        assert at.session_state["user"].role == "lasare" and in_menu(at, DASHBOARD[0]) and not in_menu(at, UPLOAD)
    else:
        assert "user" not in at.session_state and not in_menu(at, DASHBOARD[0])
        assert "okand@kommun" in plain(at.error[0].value) and "ingen behörighet" in at.error[0].value


# --- Admin: users ---------------------------------------------------------------------------------------


def admin_page(**settings) -> AppTest:
    set_settings(anonyma_lasare=False, **settings)
    at = start(ADMIN_USER)
    at.switch_page(ADMIN).run()
    no_exception(at)
    return at


def add_user(at: AppTest, name: str, role: str, forv=(), password: str = "", label: str = "") -> AppTest:
    at.text_input(key="ny_anvandare_namn").input(name)
    at.text_input(key="ny_visningsnamn").input(label)
    at.selectbox(key="ny_roll").set_value(role)
    at.multiselect(key="ny_forv").set_value(list(forv))
    at.text_input(key="ny_losenord").input(password)
    return button(at, "Lägg till").click().run()


def users(db) -> dict:
    return {r.username: r for r in auth.list_users(db).itertuples()}


def test_admin_adds_a_user_with_the_clis_rules_in_swedish(db):
    auth.add_user("ada", "admin", "adas-lösenord", db=db)
    at = admin_page(demo=False)
    add_user(at, "nils", "rapportor", password="nils-lösenord")
    assert plain(at.error[0].value) == "En rapportör måste knytas till minst en förvaltning."
    assert "nils" not in users(db)
    add_user(at, "nils", "rapportor", ["SBF", "KLF"], "nils-lösenord", label="**Nils** <b>N</b>")
    no_exception(at)
    assert "nils är tillagd" in plain(at.success[0].value)
    assert (users(db)["nils"].role, users(db)["nils"].forvaltningar) == ("rapportor", "KLF, SBF")
    assert auth.authenticate("nils", "nils-lösenord", db) is not None
    table = at.dataframe[0].value.set_index("Användarnamn")
    assert table.loc["nils", "Namn"] == "**Nils** <b>N</b>"  # user text stays text in a table
    assert not any("<b>" in m.value for m in at.markdown)
    add_user(at, "nils", "lasare", password="nils-lösenord")
    assert plain(at.error[0].value) == "Användaren nils finns redan."


def test_admin_changes_role_sets_password_and_removes(db):
    auth.add_user("ada", "admin", "adas-lösenord", db=db)
    auth.add_user("nils", "rapportor", "nils-lösenord", ["KLF"], db=db)
    at = admin_page(demo=False)
    at.selectbox(key="admin_anvandare").set_value("nils").run()
    at.selectbox(key="roll_nils").set_value("lasare")
    button(at, "Spara ändringarna").click().run()
    no_exception(at)
    assert (users(db)["nils"].role, users(db)["nils"].forvaltningar) == ("lasare", "")
    at.text_input(key="pw1_nils").input("nytt-lösenord")
    at.text_input(key="pw2_nils").input("annat-lösenord")
    button(at, "Sätt lösenord").click().run()
    assert at.error[0].value == "Lösenorden är inte lika."
    at.text_input(key="pw1_nils").input("nytt-lösenord")
    at.text_input(key="pw2_nils").input("nytt-lösenord")
    button(at, "Sätt lösenord").click().run()
    assert auth.authenticate("nils", "nytt-lösenord", db) is not None
    at.checkbox(key="bekrafta_nils").check()
    button(at, "Ta bort").click().run()
    no_exception(at)
    assert "nils" not in users(db)


def test_the_last_admin_cannot_be_removed_or_demoted(db):
    auth.add_user("ada", "admin", "adas-lösenord", db=db)
    at = admin_page(demo=False)
    at.selectbox(key="admin_anvandare").set_value("ada").run()
    at.checkbox(key="bekrafta_ada").check()
    button(at, "Ta bort").click().run()
    assert plain(at.error[0].value) == "Det måste finnas minst en administratör kvar."
    at.selectbox(key="roll_ada").set_value("lasare")
    button(at, "Spara ändringarna").click().run()
    assert plain(at.error[0].value) == "Det måste finnas minst en administratör kvar."
    assert users(db)["ada"].role == "admin"


# --- Admin: reference data ----------------------------------------------------------------------------------


def test_admin_edits_names_and_settings(demo_db):
    at = admin_page()
    at.text_input(key="ref_forv_KLF").input("Kommunstyrelsens förvaltning")
    at.text_input(key="ref_mal_3").input("Kompetens och arbetsmarknad")
    at.checkbox(key="ref_demo").uncheck()
    at.selectbox(key="ref_sso").set_value("ingen")
    button(at, "Spara referensdata").click().run()
    no_exception(at)
    ref = config.load_reference()
    assert ref.forvaltningar["KLF"] == "Kommunstyrelsens förvaltning" and list(ref.forvaltningar)[0] == "KLF"
    assert ref.malomraden[3] == "Kompetens och arbetsmarknad"
    assert ref.settings["demo"] is False and ref.settings["okanda_sso"] == "ingen"
    assert ref.settings["anonyma_lasare"] is False and isinstance(ref.settings["kolada"], dict)
    assert not {"admin", "rapportor", "lasare"} & set(auth.list_users(demo_db)["username"])


def test_an_empty_name_is_refused(demo_db):
    at = admin_page()
    at.text_input(key="ref_forv_SBF").input("  ")
    button(at, "Spara referensdata").click().run()
    assert at.error[0].value == "Namn saknas för: SBF."
    assert config.load_reference().forvaltningar["SBF"] == "Samhällsbyggnadsförvaltningen"


# --- Admin: Kolada ----------------------------------------------------------------------------------------------


def test_kolada_unreachable_says_so_in_swedish(demo_db, monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("NARINGSDASH_KOLADA_URL", f"http://127.0.0.1:{port}/v3")
    ref = config.load_reference()
    ref.settings["kolada"].update(forsok=1, timeout_s=2.0)
    config.save_reference(ref)
    before = queries.export_indicators(demo_db)
    at = admin_page()
    button(at, "Hämta från Kolada").click().run()
    no_exception(at)
    assert plain(at.error[0].value).startswith("Kolada kunde inte nås (anslutningen nekades)")
    assert "Inget ändrades" in at.error[0].value
    assert queries.export_indicators(demo_db) == before


def test_kolada_sync_from_the_admin_page(demo_db, stub):  # noqa: F811
    at = admin_page()
    at.number_input(key="kolada_fran").set_value(2022)
    at.number_input(key="kolada_till").set_value(2024)
    button(at, "Hämta från Kolada").click().run()
    no_exception(at)
    assert plain(at.success[0].value).startswith("Kolada: 4 nyckeltal")
    assert at.get("progress")
    assert kolada.last_checked(demo_db) is not None
    history = queries.uploads(demo_db)
    assert history.iloc[0]["kind"] == "kolada" and history.iloc[0]["user_name"] == "ada"

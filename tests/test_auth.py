"""Roles and actions, password hashing, user rules, SSO mapping and demo accounts (naringsdash.auth).

Throttling, the password policy and sessions that end are in test_access.py."""

from __future__ import annotations

import tomllib

import pytest

from naringsdash import auth, config, store
from naringsdash.auth import PermissionDenied, User, UserError

from conftest import ROOT


def set_settings(**settings) -> None:
    ref = config.load_reference()
    ref.settings.update(settings)
    config.save_reference(ref)


def stored_hash(db, username: str) -> str | None:
    with store.connect(db) as con:
        return con.execute("SELECT password_hash FROM users WHERE username = ?", [username]).fetchone()[0]


# --- can(): every role × action ------------------------------------------------------

LASARE = User("l", "lasare")
RAPPORTOR = User("r", "rapportor", ("KLF", "SBF"))
ADMIN = User("a", "admin")

#                     läsare rapportör admin   (rapportör: for own förvaltning; other förvaltning below)
EXPECTED = {
    "view":              (True, True, True),
    "upload":            (False, True, True),
    "download_template": (False, True, True),
    "view_history":      (False, True, True),
    "download_original": (False, True, True),
    "write_analysis":    (False, False, True),
    "restore":           (False, False, True),
    "upload_indicators": (False, False, True),
    "manage_users":      (False, False, True),
    "edit_reference":    (False, False, True),
    "kolada_sync":       (False, False, True),
    "manage_periods":    (False, False, True),
    "approve_report":    (False, False, True),
    "manage_meetings":   (False, False, True),
    "write_synpunkt":    (False, True, True),
}


def test_expected_table_covers_every_action():
    assert set(EXPECTED) == set(auth.ACTIONS)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("i, user", [(0, LASARE), (1, RAPPORTOR), (2, ADMIN)])
def test_can_each_role_each_action(action, i, user):
    own = "KLF" if action in auth.PER_FORVALTNING else None
    assert auth.can(user, action, own) is EXPECTED[action][i]
    assert auth.can(user, action) is EXPECTED[action][i]


@pytest.mark.parametrize("action", sorted(auth.PER_FORVALTNING))
def test_rapportor_own_versus_other_forvaltning(action):
    assert auth.can(RAPPORTOR, action, "KLF") and auth.can(RAPPORTOR, action, "SBF")
    assert not auth.can(RAPPORTOR, action, "TSF")
    assert auth.can(ADMIN, action, "TSF")
    assert not auth.can(LASARE, action, "KLF")
    assert not auth.can(User("x", "rapportor", ()), action)  # a rapportör without förvaltning may do nothing
    assert auth.allowed_forvaltningar(RAPPORTOR, action, ["KLF", "SBF", "TSF"]) == ["KLF", "SBF"]
    with pytest.raises(PermissionDenied, match="behörighet"):
        auth.require(RAPPORTOR, action, "TSF")


def test_nobody_and_unknown_actions_are_refused():
    assert not auth.can(None, "view")
    assert not auth.can(ADMIN, "drop_everything")
    assert not auth.can(User("x", "superuser"), "view")
    with pytest.raises(PermissionDenied):
        auth.require(None, "view")


@pytest.mark.parametrize("setting, expected", [(True, auth.ANONYMOUS), (False, None)])
def test_anonymous_visitor_follows_setting(setting, expected):
    set_settings(anonyma_lasare=setting)
    assert auth.anonymous_user() == expected


# --- Password hashing --------------------------------------------------------------------

def test_same_password_hashes_differently_and_both_verify():
    h1, h2 = auth.hash_password("Sommar2025!"), auth.hash_password("Sommar2025!")
    assert h1 != h2
    assert h1.startswith(f"scrypt${auth.SCRYPT_N}${auth.SCRYPT_R}$1$")  # cheap in the tests (conftest)
    assert auth.verify_password("Sommar2025!", h1) and auth.verify_password("Sommar2025!", h2)
    assert not auth.verify_password("sommar2025!", h1)
    assert not auth.verify_password("", h1)


def test_parameters_are_read_from_the_hash(monkeypatch):
    old = auth.hash_password("hemligt-ord-99")
    monkeypatch.setattr(auth, "SCRYPT_N", auth.SCRYPT_N * 2)
    assert auth.verify_password("hemligt-ord-99", old)
    assert auth.needs_rehash(old) and not auth.needs_rehash(auth.hash_password("x" * 8))


@pytest.mark.parametrize("stored", [None, "", "klartext", "md5$abc", "scrypt$x$8$1$AAAA$AAAA",
                                    f"scrypt${2**24}$8$1$AAAA$AAAA", "scrypt$1024$8$1$inte-base64$AAAA"])
def test_garbage_hashes_never_verify(stored):
    assert auth.verify_password("vadsomhelst", stored) is False


def test_login_rehashes_with_current_parameters(db, monkeypatch):
    auth.add_user("anna", "lasare", "hemligt-ord-99", db=db)
    assert stored_hash(db, "anna").startswith(f"scrypt${auth.SCRYPT_N}$")
    monkeypatch.setattr(auth, "SCRYPT_N", auth.SCRYPT_N * 2)
    assert auth.authenticate("anna", "hemligt-ord-99", db) is not None
    assert stored_hash(db, "anna").startswith(f"scrypt${auth.SCRYPT_N}$")
    assert auth.authenticate("anna", "hemligt-ord-99", db) is not None


# --- Sign-in ------------------------------------------------------------------------------

def test_authenticate_returns_the_user(db):
    auth.add_user("anna", "rapportor", "hemligt-ord-99", ["KLF", "SBF"], "Anna Lind", "anna@trelleborg.se", db=db)
    user = auth.authenticate("  ANNA ", "hemligt-ord-99", db)
    assert user == User("anna", "rapportor", ("KLF", "SBF"), "Anna Lind", "anna@trelleborg.se")
    assert auth.authenticate("anna", "Hemligt-ord", db) is None
    assert auth.authenticate("okand", "hemligt-ord-99", db) is None


def test_sso_only_account_has_no_password_login(db):
    auth.add_user("bo", "lasare", None, email="bo@trelleborg.se", db=db)
    assert auth.authenticate("bo", "", db) is None
    assert auth.authenticate("bo", "None", db) is None


# --- Users: the rules --------------------------------------------------------------------------

@pytest.mark.parametrize("username, role, password, forvaltningar, email, message", [
    ("anna", "rapportor", "hemligt-ord-99", [], "", "minst en förvaltning"),
    ("anna", "rapportor", "hemligt-ord-99", ["XYZ"], "", "Okänd förvaltning 'XYZ'"),
    ("anna", "chef", "hemligt-ord-99", [], "", "Okänd roll 'chef'"),
    ("anna", "admin", "hemligt-ord-99", ["KLF"], "", "Bara rapportörer"),
    ("anna", "lasare", "kort", [], "", "minst 12 tecken"),
    ("anna", "lasare", "hemligt-ord-99", [], "anna@", "Ogiltig e-postadress"),
    ("a", "lasare", "hemligt-ord-99", [], "", "Ogiltigt användarnamn"),
    ("anna lind", "lasare", "hemligt-ord-99", [], "", "Ogiltigt användarnamn"),
    ("anonym", "lasare", "hemligt-ord-99", [], "", "reserverat"),
])
def test_add_user_refuses(db, username, role, password, forvaltningar, email, message):
    with pytest.raises(UserError, match=message):
        auth.add_user(username, role, password, forvaltningar, email=email, db=db)
    assert auth.list_users(db).empty


def test_forvaltningar_by_code_or_name_in_reference_order(db):
    user = auth.add_user("anna", "Rapportör", "hemligt-ord-99", ["sbf", "Kommunledningsförvaltningen, SBF"], db=db)
    assert user.role == "rapportor" and user.forvaltningar == ("KLF", "SBF")
    assert auth.get_user("ANNA", db) == user


def test_forvaltning_must_exist_in_the_reference_data(db):
    ref = config.load_reference()
    del ref.forvaltningar["KFF"]
    config.save_reference(ref)
    with pytest.raises(UserError, match="Okänd förvaltning 'KFF'"):
        auth.add_user("anna", "rapportor", "hemligt-ord-99", ["KFF"], db=db)


def test_duplicates_are_refused(db):
    auth.add_user("anna", "lasare", "hemligt-ord-99", email="Anna@Trelleborg.se", db=db)
    with pytest.raises(UserError, match="finns redan"):
        auth.add_user("Anna", "lasare", "hemligt-ord-99", db=db)
    with pytest.raises(UserError, match="används redan av anna"):
        auth.add_user("bo", "lasare", "hemligt-ord-99", email="anna@trelleborg.SE", db=db)


def test_update_user(db):
    auth.add_user("anna", "rapportor", "hemligt-ord-99", ["KLF"], db=db)
    assert auth.update_user("anna", db, forvaltningar=["TSF", "KLF"]).forvaltningar == ("KLF", "TSF")
    user = auth.update_user("anna", db, role="lasare", display_name=" Anna Lind ", email="anna@trelleborg.se")
    assert user == User("anna", "lasare", (), "Anna Lind", "anna@trelleborg.se")
    assert auth.get_user("anna", db) == user
    with pytest.raises(UserError, match="minst en förvaltning"):
        auth.update_user("anna", db, role="rapportor")
    with pytest.raises(UserError, match="finns inte"):
        auth.update_user("okand", db, role="admin")
    assert auth.authenticate("anna", "hemligt-ord-99", db) == user  # the password is untouched


def test_the_last_admin_stays(db):
    auth.add_user("chef", "admin", "hemligt-ord-99", db=db)
    with pytest.raises(UserError, match="minst en administratör"):
        auth.remove_user("chef", db)
    with pytest.raises(UserError, match="minst en administratör"):
        auth.update_user("chef", db, role="lasare")
    auth.add_user("chef2", "admin", "hemligt-ord-99", db=db)
    auth.remove_user("chef", db)
    assert auth.get_user("chef", db) is None
    with pytest.raises(UserError, match="finns inte"):
        auth.remove_user("chef", db)


def test_list_users_never_shows_password_hashes(db):
    auth.add_user("anna", "rapportor", "hemligt-ord-99", ["KLF", "SBF"], "Anna", db=db)
    auth.add_user("bo", "lasare", None, db=db)
    df = auth.list_users(db)
    assert df.username.tolist() == ["anna", "bo"]
    assert df.forvaltningar.tolist() == ["KLF, SBF", ""]
    assert df.har_losenord.tolist() == [True, False]
    assert "password_hash" not in df.columns
    assert not df.astype(str).apply(lambda c: c.str.contains("scrypt")).any().any()


def test_set_password_rules(db):
    with pytest.raises(UserError, match="finns inte"):
        auth.set_password("okand", "hemligt-ord-99", db)
    auth.add_user("anna", "lasare", "hemligt-ord-99", db=db)
    with pytest.raises(UserError, match="minst 12"):
        auth.set_password("anna", "kort", db)


# --- Single sign-on --------------------------------------------------------------------------------

def test_sso_email_maps_to_the_user_case_insensitively(db):
    auth.add_user("anna", "rapportor", None, ["KLF"], "Anna Lind", "Anna.Lind@Trelleborg.se", db=db)
    user = auth.user_for_email("ANNA.LIND@trelleborg.se ", db)
    assert user == User("anna", "rapportor", ("KLF",), "Anna Lind", "anna.lind@trelleborg.se")


def test_unknown_sso_setting_is_refused_not_guessed():
    with pytest.raises(config.ConfigError, match="okanda_sso"):
        set_settings(okanda_sso="nagot-annat")


@pytest.mark.parametrize("setting, role", [("lasare", "lasare"), ("ingen", None)])
def test_unknown_sso_email_follows_the_setting(db, setting, role):
    set_settings(okanda_sso=setting)
    user = auth.user_for_email("ny@trelleborg.se", db, name="Ny Person")
    assert (user.role if user else None) == role
    if user:
        assert user == User("ny@trelleborg.se", "lasare", (), "Ny Person", "ny@trelleborg.se")
        assert not auth.can(user, "upload") and auth.can(user, "view")


@pytest.mark.parametrize("unknown, role", [("lasare", "lasare"), ("none", None), ("ingen", None)])
def test_unknown_sso_email_by_argument(db, unknown, role):
    set_settings(okanda_sso="ingen" if role else "lasare")  # the argument wins over the setting
    user = auth.user_for_email("ny@trelleborg.se", db, unknown=unknown)
    assert (user.role if user else None) == role


def test_sso_default_is_lasare_and_bad_addresses_get_nothing(db):
    ref = config.load_reference()
    ref.settings.pop("okanda_sso", None)
    config.save_reference(ref)
    assert auth.user_for_email("ny@trelleborg.se", db).role == "lasare"
    for bad in (None, "", "inte-en-adress", "a@b"):
        assert auth.user_for_email(bad, db) is None


@pytest.mark.parametrize("claims, email", [
    ({"email": "Anna@Trelleborg.se", "preferred_username": "x@y.se"}, "anna@trelleborg.se"),
    ({"preferred_username": "anna@trelleborg.se"}, "anna@trelleborg.se"),
    ({"email": None, "preferred_username": "anna", "upn": "anna@trelleborg.se"}, "anna@trelleborg.se"),
    ({"name": "Anna"}, None),
])
def test_sso_email_from_claims(claims, email):
    assert auth.sso_email(claims) == email


# --- Demo accounts ------------------------------------------------------------------------------------

def test_demo_accounts_exist_in_demo_mode(db):
    set_settings(demo=True)
    assert sorted(auth.ensure_demo_accounts(db)) == ["admin", "lasare", "rapportor"]
    assert auth.ensure_demo_accounts(db) == []  # idempotent
    for username, password, label in auth.demo_credentials():
        user = auth.authenticate(username, password, db)
        assert auth.ROLE_LABELS[user.role] == label
    assert auth.get_user("rapportor", db).forvaltningar == ("KLF", "SBF")
    assert auth.list_users(db).demo.all()


def test_demo_accounts_do_not_exist_outside_the_demo(db):
    set_settings(demo=True)
    auth.ensure_demo_accounts(db)
    auth.add_user("chef", "admin", "hemligt-ord-99", db=db)
    set_settings(demo=False)
    assert auth.demo_credentials() == []
    # refused even before they are removed (a demo database copied into production) ...
    assert auth.authenticate("admin", "admin-demo", db) is None
    # ... and removed by ensure_demo_accounts, which keeps ordinary accounts
    assert sorted(auth.ensure_demo_accounts(db)) == ["admin", "lasare", "rapportor"]
    assert auth.list_users(db).username.tolist() == ["chef"]
    assert auth.ensure_demo_accounts(db) == []


def test_an_ordinary_account_named_like_a_demo_account_is_left_alone(db):
    set_settings(demo=False)
    auth.add_user("admin", "admin", "eget-losenord", db=db)
    set_settings(demo=True)
    assert sorted(auth.ensure_demo_accounts(db)) == ["lasare", "rapportor"]
    assert auth.authenticate("admin", "admin-demo", db) is None
    assert auth.authenticate("admin", "eget-losenord", db).role == "admin"
    set_settings(demo=False)
    auth.ensure_demo_accounts(db)
    assert auth.list_users(db).username.tolist() == ["admin"]


def test_demo_load_creates_the_demo_accounts(demo_db):
    df = auth.list_users(demo_db)
    assert sorted(df.username) == ["admin", "lasare", "rapportor"] and df.demo.all()


# --- Documentation and the secrets example ---------------------------------------------------------------

def test_secrets_example_has_what_st_login_needs():
    raw = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    section = raw["auth"]
    assert {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"} <= set(section)
    assert section["redirect_uri"].endswith("/oauth2callback")
    assert section["server_metadata_url"].startswith("https://login.microsoftonline.com/")
    assert section["server_metadata_url"].endswith("/v2.0/.well-known/openid-configuration")
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_readme_documents_the_sso_setting_and_the_demo_accounts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Inloggning och roller"):]
    assert "okanda_sso" in section and "users add" in section
    for username, password, *_ in auth.DEMO_ACCOUNTS:
        assert f"| `{username}` | `{password}` |" in section

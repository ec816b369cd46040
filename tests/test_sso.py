"""Single sign-on: [[katalogroll]] parsed strictly, claims → role and förvaltningar, the sign-in rules (local role,
role from the directory, unknown, removed and disabled accounts) against a real DuckDB file."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pytest

from naringsdash import auth, config, sso, store
from naringsdash.config import DirectoryRole

KLF_GROUP = "0b5e7c1e-1111-4a2b-9c3d-000000000001"
MAPPINGS = [
    DirectoryRole("groups", KLF_GROUP, "rapportor", ("KLF",)),
    DirectoryRole("groups", "Näringsdash SBF", "rapportor", ("SBF",)),
    DirectoryRole("roles", "Naringsdash.Admin", "admin"),
    DirectoryRole("roles", "Naringsdash.Lasare", "lasare"),
]


def write_mappings(*blocks: str) -> None:
    path = config.config_path()
    path.write_text(path.read_text(encoding="utf-8") + "\n" + "\n".join(blocks), encoding="utf-8")


def claims(email="anna.lind@trelleborg.se", **extra) -> dict:
    return {"sub": "s1", "email": email, "email_verified": True, "name": "Anna Lind", **extra}


# --- The reference file -----------------------------------------------------------------------------


def test_katalogroll_is_read_and_written_back():
    write_mappings('[[katalogroll]]\ngrupp = "%s"\nroll = "rapportör"\nforvaltningar = ["sbf", "KLF"]\n' % KLF_GROUP,
                   '[[katalogroll]]\napproll = "Naringsdash.Admin"\nroll = "admin"\n')
    ref = config.load_reference()
    assert ref.katalogroller == [DirectoryRole("groups", KLF_GROUP, "rapportor", ("KLF", "SBF")),
                                 DirectoryRole("roles", "Naringsdash.Admin", "admin")]
    config.save_reference(ref)
    again = config.load_reference()
    assert again.katalogroller == ref.katalogroller
    assert again.settings["kolada"] == ref.settings["kolada"]


@pytest.mark.parametrize("block, message", [
    ('grupp = "g"\nroll = "chef"', "okänd roll 'chef'"),
    ('grupp = "g"\nroll = "rapportor"\nforvaltningar = ["XYZ"]', "okänd förvaltning 'XYZ'"),
    ('grupp = "g"\nroll = "rapportor"', "minst en förvaltning"),
    ('grupp = "g"\nroll = "admin"\nforvaltningar = ["KLF"]', "bara rapportörer"),
    ('grupp = "g"\napproll = "r"\nroll = "admin"', "inte båda"),
    ('roll = "admin"', "ingen av dem"),
    ('grupp = " "\nroll = "admin"', "grupp är tom"),
    ('grupp = "g"\nroll = "admin"\nforvaltning = ["KLF"]', "okänd nyckel 'forvaltning'"),
])
def test_katalogroll_is_checked_strictly(block, message):
    write_mappings('[[katalogroll]]\ngrupp = "ok"\nroll = "lasare"', "[[katalogroll]]\n" + block)
    with pytest.raises(config.ConfigError, match=message) as exc:
        config.load_reference()
    assert "[[katalogroll]] nr 2" in str(exc.value)


# --- Claims → role -------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra, expected", [
    ({}, None),
    ({"groups": ["okänd"]}, None),
    ({"groups": [KLF_GROUP.upper()]}, ("rapportor", ("KLF",))),
    ({"groups": "näringsdash sbf"}, ("rapportor", ("SBF",))),
    ({"groups": ["Näringsdash SBF", KLF_GROUP]}, ("rapportor", ("KLF", "SBF"))),
    ({"groups": [KLF_GROUP], "roles": ["Naringsdash.Admin"]}, ("admin", ())),
    ({"roles": ["Naringsdash.Lasare"], "groups": [KLF_GROUP]}, ("rapportor", ("KLF",))),
    ({"roles": ["Naringsdash.Lasare"]}, ("lasare", ())),
    ({"groups": {"not": "a list"}}, None),
])
def test_directory_role(extra, expected):
    assert sso.directory_role(claims(**extra), MAPPINGS) == expected


A = sso.Account
RAPP_KLF = ("rapportor", ("KLF",))


@pytest.mark.parametrize("account, directory, unknown, removed, expected", [
    (None, None, "lasare", False, ("guest", "lasare", ())),
    (None, None, "none", False, ("refuse",)),
    (None, RAPP_KLF, "none", False, ("create", "rapportor", ("KLF",))),
    (None, RAPP_KLF, "lasare", True, ("refuse",)),  # removed: not even through a group
    (None, None, "lasare", True, ("refuse",)),
    (A("anna", "admin", (), lokal_roll=True), RAPP_KLF, "lasare", False, ("keep", "admin", ())),
    (A("anna", "lasare", (), lokal_roll=False), RAPP_KLF, "lasare", False, ("update", "rapportor", ("KLF",))),
    (A("anna", "rapportor", ("KLF",), lokal_roll=False), RAPP_KLF, "none", False, ("keep", "rapportor", ("KLF",))),
    (A("anna", "rapportor", ("KLF",), lokal_roll=False), None, "lasare", False, ("update", "lasare", ())),
    (A("anna", "rapportor", ("KLF",), lokal_roll=False), None, "none", False, ("refuse",)),
    (A("anna", "admin", (), lokal_roll=True, avstangd=True), RAPP_KLF, "lasare", False, ("refuse",)),
    (A("anna", "lasare", (), lokal_roll=False, avstangd=True), RAPP_KLF, "lasare", False, ("refuse",)),
])
def test_decide(account, directory, unknown, removed, expected):
    d = sso.decide(account, directory, unknown, removed)
    assert (d.kind,) + ((d.role, d.forvaltningar) if d.kind != "refuse" else ()) == expected
    assert bool(d.message) == (d.kind == "refuse")


def test_username_for():
    assert sso.username_for("Anna.Lind@Trelleborg.se") == "anna.lind@trelleborg.se"
    assert sso.username_for("anna.lind@trelleborg.se", ["anna.lind@trelleborg.se"]) == "anna.lind@trelleborg.se-2"
    assert sso.username_for("o'brien+x@k.se") == "obrienx@k.se"


# --- Sign-in against the users table ----------------------------------------------------------------------


@pytest.fixture
def mapped(db):
    write_mappings('[[katalogroll]]\ngrupp = "%s"\nroll = "rapportor"\nforvaltningar = ["KLF"]\n' % KLF_GROUP,
                   '[[katalogroll]]\napproll = "Naringsdash.Admin"\nroll = "admin"\n')
    auth.add_user("chef", "admin", "Gatsten-lykta-19", db=db)
    return db


def flags(db, username):
    with store.connect(db) as con:
        return con.execute("SELECT lokal_roll, avstangd FROM users WHERE username = ?", [username]).fetchone()


def test_a_group_creates_an_account_whose_role_follows_the_directory(mapped):
    db = mapped
    first = sso.sign_in(claims(groups=[KLF_GROUP]), db)
    assert first.kind == "create"
    assert first.user == auth.User("anna.lind@trelleborg.se", "rapportor", ("KLF",), "Anna Lind",
                                   "anna.lind@trelleborg.se")
    assert flags(db, first.user.username) == (False, False)
    stored = auth.stored_user(first.user, db)
    assert auth.can(stored, "upload", "KLF") and not auth.can(stored, "upload", "SBF")
    assert sso.sign_in(claims(groups=[KLF_GROUP]), db).kind == "keep"
    up = sso.sign_in(claims(roles=["Naringsdash.Admin"]), db)  # the directory made her admin
    assert (up.kind, up.user.role) == ("update", "admin")
    assert auth.get_user(first.user.username, db).role == "admin"
    down = sso.sign_in(claims(), db)  # out of every group: okanda_sso = lasare
    assert (down.kind, down.user.role, down.user.forvaltningar) == ("update", "lasare", ())
    ref = config.load_reference()
    ref.options = replace(ref.options, okanda_sso="ingen")  # the typed setting, as parse_settings gives it
    refused = sso.sign_in(claims(), db, ref)
    assert refused.user is None and "ingen behörighet" in refused.message


def test_a_local_role_is_kept_whatever_the_directory_says(mapped):
    db = mapped
    auth.add_user("anna", "lasare", email="Anna.Lind@trelleborg.se", db=db)
    assert flags(db, "anna") == (True, False)
    res = sso.sign_in(claims(email="ANNA.LIND@trelleborg.se", roles=["Naringsdash.Admin"]), db)
    assert (res.kind, res.user.username, res.user.role) == ("keep", "anna", "lasare")
    sso.set_flags("anna", db, lokal_roll=False)  # the admin lets the directory decide
    res = sso.sign_in(claims(roles=["Naringsdash.Admin"]), db)
    assert (res.kind, res.user.username, res.user.role) == ("update", "anna", "admin")


def test_unknown_address_follows_okanda_sso(mapped):
    db = mapped
    guest = sso.sign_in(claims(email="ny@trelleborg.se", name="Ny Person"), db)
    assert guest.kind == "guest" and guest.user == auth.User("ny@trelleborg.se", "lasare", (), "Ny Person",
                                                             "ny@trelleborg.se")
    assert auth.stored_user(guest.user, db) is None  # a läsare who is not stored may write nothing
    ref = config.load_reference()
    ref.options = replace(ref.options, okanda_sso="ingen")  # the typed setting, as parse_settings gives it
    assert sso.sign_in(claims(email="ny@trelleborg.se"), db, ref).user is None
    no_mail = sso.sign_in({"sub": "x", "name": "Utan adress"}, db)
    assert no_mail.user is None and "e-postadress" in no_mail.message


def test_a_removed_account_cannot_come_back_through_single_sign_on(mapped):
    db = mapped
    created = sso.sign_in(claims(groups=[KLF_GROUP]), db).user
    auth.remove_user(created.username, db)
    again = sso.sign_in(claims(groups=[KLF_GROUP]), db)
    assert again.user is None and "borttaget" in again.message
    assert sso.removed_addresses(db)["email"].tolist() == ["anna.lind@trelleborg.se"]
    auth.add_user("anna", "lasare", email="anna.lind@trelleborg.se", db=db)  # added again: the block is lifted
    assert sso.removed_addresses(db).empty
    assert sso.sign_in(claims(groups=[KLF_GROUP]), db).user.username == "anna"
    auth.remove_user("anna", db)
    sso.lift_block("ANNA.LIND@trelleborg.se", db)
    assert sso.sign_in(claims(groups=[KLF_GROUP]), db).kind == "create"


def test_a_disabled_account_cannot_sign_in_at_all(mapped):
    db = mapped
    auth.add_user("anna", "rapportor", "Gatsten-lykta-19", ["KLF"], email="anna.lind@trelleborg.se", db=db)
    anna = auth.authenticate("anna", "Gatsten-lykta-19", db)
    sso.set_flags("anna", db, avstangd=True)
    assert flags(db, "anna") == (True, True)
    res = sso.sign_in(claims(groups=[KLF_GROUP]), db)
    assert res.user is None and "avstängt" in res.message
    assert auth.authenticate("anna", "Gatsten-lykta-19", db) is None
    assert auth.stored_user(anna, db) is None  # a session that signed in before may write nothing
    with pytest.raises(auth.UserError, match="minst en administratör"):
        sso.set_flags("chef", db, avstangd=True)
    sso.set_flags("anna", db, avstangd=False)
    assert sso.sign_in(claims(groups=[KLF_GROUP]), db).user.username == "anna"


def test_the_last_admin_keeps_the_role_when_the_directory_says_otherwise(db):
    write_mappings('[[katalogroll]]\ngrupp = "%s"\nroll = "rapportor"\nforvaltningar = ["KLF"]\n' % KLF_GROUP)
    auth.add_user("chef", "admin", email="chef@trelleborg.se", db=db)
    sso.set_flags("chef", db, lokal_roll=False)
    res = sso.sign_in(claims(email="chef@trelleborg.se", groups=[KLF_GROUP]), db)
    assert (res.kind, res.user.role) == ("keep", "admin")


def test_an_existing_database_upgrades(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(store.sql("schema_v1.sql"))
    con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO users (username, email, role) VALUES ('anna', 'anna@k.se', 'admin')")
    con.close()
    assert auth.list_users(path)[["username", "lokal_roll", "avstangd"]].values.tolist() == [["anna", True, False]]
    with store.connect(path) as con:
        assert store.schema_version(con) == len(store.MIGRATIONS)

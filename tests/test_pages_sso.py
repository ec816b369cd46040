"""Single sign-on on the pages through AppTest: a directory group gives the role at sign-in, and the admin page's
tab Kommunens konto (directory roles, removed addresses) and the user flags Lokal roll and Avstängd."""

from __future__ import annotations

from test_pages_auth import (  # noqa: F401
    ADMIN_USER,
    AUTH_SECRETS,
    UPLOAD,
    admin_page,
    button,
    in_menu,
    no_exception,
    plain,
    set_settings,
    start,
    users,
)

from naringsdash import auth, config, sso

GROUP = "7d1c0f3a-5b2e-4c11-9a8e-0000000000aa"


def test_a_directory_group_gives_the_role_at_sign_in(db):
    set_settings(anonyma_lasare=False)
    ref = config.load_reference()
    ref.katalogroller = [config.DirectoryRole("groups", GROUP, "rapportor", ("KLF",))]
    config.save_reference(ref)
    at = start(secrets={"auth": AUTH_SECRETS},
               user={"is_logged_in": True, "email": "Rut.R@kommun.se", "name": "Rut", "groups": [GROUP]})
    no_exception(at)
    assert at.session_state["user"] == auth.User("rut.r@kommun.se", "rapportor", ("KLF",), "Rut", "rut.r@kommun.se")
    assert in_menu(at, UPLOAD)
    assert users(db)["rut.r@kommun.se"].lokal_roll is False


def test_admin_maps_a_directory_group_and_lifts_a_block(db):
    auth.add_user("ada", "admin", "adas-lösenord", db=db)
    auth.add_user("nils", "lasare", email="nils@kommun.se", db=db)
    auth.remove_user("nils", db)
    at = admin_page(demo=False)
    at.text_input(key="kr_varde").input(GROUP)
    at.selectbox(key="kr_roll").set_value("rapportor")
    button(at, "Lägg till katalogroll").click().run()
    assert "minst en förvaltning" in plain(at.error[0].value)
    assert config.load_reference().katalogroller == []
    at.text_input(key="kr_varde").input(GROUP)
    at.selectbox(key="kr_roll").set_value("rapportor")
    at.multiselect(key="kr_forv").set_value(["SBF", "KLF"])
    button(at, "Lägg till katalogroll").click().run()
    no_exception(at)
    assert config.load_reference().katalogroller == [config.DirectoryRole("groups", GROUP, "rapportor",
                                                                          ("KLF", "SBF"))]
    assert config.load_reference().settings["kolada"]  # the rest of the file is kept
    assert sso.removed_addresses(db)["email"].tolist() == ["nils@kommun.se"]
    button(at, "Häv spärren").click().run()
    no_exception(at)
    assert sso.removed_addresses(db).empty
    button(at, "Ta bort katalogrollen").click().run()
    no_exception(at)
    assert config.load_reference().katalogroller == []


def test_admin_sets_local_role_and_disables(db):
    auth.add_user("ada", "admin", "adas-lösenord", db=db)
    auth.add_user("nils", "rapportor", "nils-lösenord", ["KLF"], db=db)
    at = admin_page(demo=False)
    at.selectbox(key="admin_anvandare").set_value("nils").run()
    assert at.checkbox(key="lokal_nils").value is True and at.checkbox(key="avstangd_nils").value is False
    at.checkbox(key="lokal_nils").uncheck()
    at.checkbox(key="avstangd_nils").check()
    button(at, "Spara ändringarna").click().run()
    no_exception(at)
    row = users(db)["nils"]
    assert (row.lokal_roll, row.avstangd) == (False, True)
    assert auth.authenticate("nils", "nils-lösenord", db) is None
    at.selectbox(key="admin_anvandare").set_value("ada").run()
    at.checkbox(key="avstangd_ada").check()
    button(at, "Spara ändringarna").click().run()
    assert plain(at.error[0].value) == "Det måste finnas minst en administratör kvar."
    assert users(db)["ada"].avstangd is False


def test_a_bad_directory_role_in_the_reference_file_is_a_clear_message(db):
    path = config.config_path()
    path.write_text(path.read_text(encoding="utf-8") + '\n[[katalogroll]]\ngrupp = "g"\nroll = "chef"\n',
                    encoding="utf-8")
    at = start()
    no_exception(at)
    assert "okänd roll 'chef'" in plain(at.error[0].value) and "[[katalogroll]] nr 1" in plain(at.error[0].value)

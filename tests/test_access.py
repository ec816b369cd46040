"""Issue 11 §3 and §4: access ends when it is taken away, and a login that cannot be turned against the user.

Sessions (AppTest, signed in through the login form): a removed, demoted or re-passworded account is signed out
or demoted at its next step, and a download button's data is produced only after the account is checked again
when it is clicked (the callable Streamlit runs on a click, captured here as the server would run it).
Login: delays per user name and address instead of a lockout, the same answer and work for unknown user names,
and the password policy in the package, the command line and the admin page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import threading

import pytest
import streamlit.elements.widgets.button as st_button
from streamlit.testing.v1 import AppTest

from naringsdash import access, auth, config, export, ingest, report, store
from naringsdash.auth import PermissionDenied, UserError
from naringsdash.cli import main as cli
from naringsdash.ui import account as ui_auth

from conftest import ROOT, no_exception

T0 = dt.datetime(2025, 6, 30, 14, 0)
PW = {"lasse": "Läsaren-lasse-2025", "rita": "Rapportören-rita-9", "ada": "Adas-eget-losen-77"}
PERIOD = "2026-T2"


def set_settings(**settings) -> None:
    ref = config.load_reference()
    ref.settings.update(settings)
    config.save_reference(ref)


@pytest.fixture
def accounts(demo_db):
    set_settings(anonyma_lasare=False)
    auth.add_user("lasse", "lasare", PW["lasse"], db=demo_db)
    auth.add_user("rita", "rapportor", PW["rita"], ["KLF"], "Rita", db=demo_db)
    auth.add_user("ada", "admin", PW["ada"], db=demo_db)
    return demo_db


@pytest.fixture
def downloads(monkeypatch):
    """label → the ``data`` a download button was given, as the server keeps it for a click."""
    seen: dict[str, object] = {}
    real = st_button.marshall_file

    def spy(coordinates, data, proto, mimetype, file_name=None, **kw):
        seen[proto.label] = data
        return real(coordinates, data, proto, mimetype, file_name, **kw)

    monkeypatch.setattr(st_button, "marshall_file", spy)
    return seen


def settle() -> None:
    """Wait for the threads that close a finished run's database connection (DuckDB checkpoints on close, which
    changes the file's version as a write would): on a busy machine they can end after the next run began."""
    for thread in threading.enumerate():
        if thread.name == "naringsdash-close-connection":
            thread.join(timeout=10)


def signed_in(username: str, page: str | None = None) -> AppTest:
    """A browser tab: the login form, then (optionally) a page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.text_input(key="anvandarnamn").input(username)
    at.text_input(key="losenord").input(PW[username])
    next(b for b in at.button if b.label == "Logga in").click().run()
    assert isinstance(at.session_state["user"], auth.User), [e.value for e in at.error]
    if page:
        at.switch_page(page).run()
    no_exception(at)
    return at



def signed_out(at: AppTest) -> bool:
    """The tab shows that the session has ended and offers the login, with none of the data."""
    return ("user" not in at.session_state and any(w.value == ui_auth.ENDED for w in at.warning)
            and not at.dataframe and not at.metric)


# --- §3: a removed, demoted or re-passworded account ---------------------------------------------------


def test_removed_lasare_is_signed_out_at_the_next_step(accounts):
    at = signed_in("lasse", "pages/forsenade.py")
    assert at.title[0].value == "Försenade aktiviteter" and at.dataframe
    auth.remove_user("lasse", accounts)
    at.run()  # any interaction: a rerun, a widget, another page
    no_exception(at)
    assert signed_out(at)
    assert not at.title or at.title[0].value != "Försenade aktiviteter"


def test_removed_lasare_cannot_download_from_an_open_tab(accounts, downloads, monkeypatch):
    """The attack: Försenade CSV and Excel from a tab opened before the account was removed (no rerun: the
    button's data is made on the click)."""
    signed_in("lasse", "pages/forsenade.py")
    csv, xlsx = downloads["Ladda ner CSV"], downloads["Ladda ner Excel"]
    assert callable(csv) and callable(xlsx)
    assert csv().startswith(b"\xef\xbb\xbf") and xlsx()[:2] == b"PK"  # while the account exists
    made = []
    monkeypatch.setattr(export, "people_csv", lambda df: made.append(df) or b"")
    monkeypatch.setattr(export, "xlsx_bytes", lambda *a, **k: made.append(a) or b"")
    auth.remove_user("lasse", accounts)
    for data in (csv, xlsx):
        with pytest.raises(PermissionDenied):
            data()
    assert made == []  # refused before anything was produced


def test_removed_lasare_cannot_download_the_report(accounts, downloads, monkeypatch):
    built = []
    real = report.build
    monkeypatch.setattr(report, "build", lambda *a, **k: built.append(a) or real(*a, **k))
    at = signed_in("lasse", "pages/rapport.py")
    next(b for b in at.button if b.label == "Skapa Excel").click().run()
    no_exception(at)
    data = downloads["Ladda ner Excel"]
    assert callable(data) and data()[:2] == b"PK"
    n = len(built)
    auth.remove_user("lasse", accounts)
    with pytest.raises(PermissionDenied):
        data()
    assert len(built) == n


def test_anonymous_download_ends_when_anonymous_reading_is_turned_off(accounts, downloads):
    set_settings(anonyma_lasare=True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/forsenade.py").run()
    no_exception(at)
    data = downloads["Ladda ner CSV"]
    assert data()
    set_settings(anonyma_lasare=False)
    with pytest.raises(PermissionDenied):
        data()


def test_demoted_admin_loses_the_admin_page_at_the_next_step(accounts):
    at = signed_in("ada", "pages/admin.py")
    assert at.title[0].value == "Admin"
    auth.update_user("ada", accounts, role="lasare", actor="annan-admin")
    at.run()
    no_exception(at)
    assert at.session_state["user"].role == "lasare"
    assert at.error[0].value.startswith("Du har inte behörighet till den här sidan.") and not at.tabs


def test_a_password_reset_ends_the_accounts_other_sessions(accounts, tmp_path):
    tab = signed_in("rita", "pages/ladda_upp.py")
    assert tab.title[0].value == "Ladda upp uppföljning"
    old_user = tab.session_state["user"]
    auth.set_password("rita", "Helt-nytt-losen-2026", accounts)  # the CLI's `users passwd`, or an admin
    tab.run()
    no_exception(tab)
    assert signed_out(tab) and not tab.file_uploader
    # the package refuses the old session's writes too (the open tab's Spara, a stale callback)
    from conftest import activity, write_xlsx
    path = write_xlsx(tmp_path / "klf.xlsx", [activity(1)])
    result = ingest.check_bytes(path.read_bytes(), path.name, forvaltning="KLF", period=PERIOD)
    with pytest.raises(PermissionDenied):
        ingest.save_as(old_user, result, path.read_bytes(), forvaltning="KLF", period=PERIOD, db=accounts)
    # a new login with the new password works
    PW["rita"], old = "Helt-nytt-losen-2026", PW["rita"]
    try:
        assert signed_in("rita", "pages/ladda_upp.py").file_uploader
    finally:
        PW["rita"] = old


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(accounts):
    other = signed_in("ada", "pages/admin.py")
    me = signed_in("ada", "pages/admin.py")
    me.selectbox(key="admin_anvandare").set_value("ada").run()
    me.text_input(key="pw1_ada").input("Adas-nya-losenord-88")
    me.text_input(key="pw2_ada").input("Adas-nya-losenord-88")
    next(b for b in me.button if b.label == "Sätt lösenord").click().run()
    no_exception(me)
    assert me.session_state["user"].username == "ada" and me.title[0].value == "Admin"
    assert any("andra inloggningar är avslutade" in s.value for s in me.success)
    other.run()
    assert signed_out(other)


def test_sso_session_follows_the_account(accounts):
    """A single sign-on is mapped again at every step: a removed account falls back to an unknown address."""
    auth.update_user("rita", accounts, email="rita@trelleborg.se")
    user = dataclasses.replace(auth.user_for_email("rita@trelleborg.se", accounts), via="sso")
    assert auth.session_user(user, accounts).role == "rapportor"
    auth.remove_user("rita", accounts)
    set_settings(okanda_sso="lasare")
    assert auth.session_user(user, accounts).role == "lasare"
    set_settings(okanda_sso="ingen")
    assert auth.session_user(user, accounts) is None


# --- §4: throttling instead of a lockout ---------------------------------------------------------------


def fail(db, name: str, n: int, now: dt.datetime, address: str | None = None) -> None:
    for _ in range(n):
        assert auth.authenticate(name, "fel-losenord", db, now=now, address=address) is None


def test_delays_grow_per_user_name_and_address_and_never_lock_the_account(db):
    auth.add_user("anna", "lasare", "Annas-losenord-42", db=db)
    fail(db, "anna", access.FREE_FAILURES, T0, "203.0.113.7")
    with pytest.raises(auth.LoginThrottled) as exc:  # even the right password waits at that address
        auth.authenticate("anna", "Annas-losenord-42", db, now=T0 + dt.timedelta(seconds=4), address="203.0.113.7")
    assert str(exc.value) == "För många misslyckade inloggningar. Vänta 1 sekunder och försök igen."
    # the real user at another address is not kept out
    assert auth.authenticate("anna", "Annas-losenord-42", db, now=T0, address="198.51.100.2").username == "anna"
    # at the first address: 5 s, then 10, 20 … after each further failure
    t = T0
    for failures in range(access.FREE_FAILURES, access.FREE_FAILURES + 4):
        t += dt.timedelta(seconds=access.delay_after(failures))
        fail(db, "anna", 1, t, "203.0.113.7")
        with pytest.raises(auth.LoginThrottled):
            auth.authenticate("anna", "fel", db, now=t + dt.timedelta(seconds=access.delay_after(failures + 1) - 1),
                              address="203.0.113.7")
    assert [access.delay_after(n) for n in range(4, 9)] == [0, 5, 10, 20, 40]
    assert access.delay_after(100) == access.MAX_DELAY_S == 900
    # once the delay has passed, the right password works and clears the count
    t += dt.timedelta(seconds=access.delay_after(access.FREE_FAILURES + 4))
    assert auth.authenticate("anna", "Annas-losenord-42", db, now=t, address="203.0.113.7") is not None
    fail(db, "anna", access.FREE_FAILURES - 1, t, "203.0.113.7")  # free again


def test_unknown_user_names_get_the_same_answers_as_real_ones(db):
    auth.add_user("anna", "lasare", "Annas-losenord-42", db=db)
    answers = {}
    for name in ("anna", "okand"):
        seen = []
        for _ in range(access.FREE_FAILURES + 1):
            try:
                seen.append(auth.authenticate(name, "fel", db, now=T0) or auth.LOGIN_FAILED)
            except auth.LoginThrottled as exc:
                seen.append(str(exc))
        answers[name] = seen
    assert answers["anna"] == answers["okand"]
    assert answers["anna"][-1].startswith("För många misslyckade inloggningar")
    assert not any("låst" in a or "finns" in a for a in answers["anna"])


def test_unknown_user_and_wrong_password_do_the_same_work(db, monkeypatch):
    """The same scrypt parameters and the same database steps, so the time does not tell them apart."""
    auth.add_user("anna", "lasare", "Annas-losenord-42", db=db)
    auth.add_user("bo", "lasare", None, db=db)  # single sign-on only: no password
    calls = []
    real_scrypt, real_connect = auth._scrypt, store.connect
    monkeypatch.setattr(auth, "_scrypt", lambda pw, salt, n, r, p: calls.append(("scrypt", n, r, p))
                        or real_scrypt(pw, salt, n, r, p))
    monkeypatch.setattr(store, "connect", lambda *a, **k: calls.append(("connect",)) or real_connect(*a, **k))
    work = {}
    for name in ("anna", "okand", "bo"):
        calls.clear()
        assert auth.authenticate(name, "fel-losenord", db, now=T0) is None
        work[name] = list(calls)
    assert work["anna"] == work["okand"] == work["bo"]
    assert work["anna"].count(("scrypt", auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)) == 1


def test_failures_count_across_processes(db):
    auth.add_user("anna", "lasare", "Annas-losenord-42", db=db)
    code = ("import sys; from naringsdash import auth, access\n"
            "auth.SCRYPT_N = 16\n"
            "for _ in range(access.FREE_FAILURES): assert auth.authenticate('anna', 'fel', sys.argv[1]) is None")
    r = subprocess.run([sys.executable, "-c", code, str(db)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with pytest.raises(auth.LoginThrottled):
        auth.authenticate("anna", "Annas-losenord-42", db)


# --- §4: the password policy ------------------------------------------------------------------------


@pytest.mark.parametrize("password, message", [
    ("Kort-losen1", "minst 12 tecken"),
    ("annasson1234", None),
    ("Anna.Lindqvist", "användarnamnet"),
    ("anna.lindqvist2025!", "användarnamnet"),
    ("lösenord123456", "för vanligt"),
    ("Sommar2024!!!", "för vanligt"),
    ("Trelleborg2025!", "för vanligt"),
    ("password1234", "för vanligt"),
    ("qwertyuiop123", "för vanligt"),
    ("1234567890123", "för vanligt"),
    ("rapportor-demo", "Demokontonas lösenord"),
    ("Kanelbulle-på-torget-7", None),
])
def test_password_policy(db, password, message):
    if message is None:
        auth.add_user("anna.lindqvist", "lasare", password, db=db)
        return
    with pytest.raises(UserError, match=message):
        auth.add_user("anna.lindqvist", "lasare", password, db=db)
    assert auth.get_user("anna.lindqvist", db) is None


def test_the_common_password_list_is_shipped_and_swedish():
    common = access.common_passwords()
    assert 10_000 < len(common) < 20_000
    assert {"sommar2024", "lösenord123", "trelleborg", "password", "qwerty123"} <= common
    assert access.COMMON_PASSWORDS.read_text(encoding="utf-8").startswith("# Common passwords")


def test_demo_password_refused_for_ordinary_accounts_but_demo_accounts_keep_theirs(db):
    set_settings(demo=True)
    assert "rapportor" in auth.ensure_demo_accounts(db)
    assert auth.authenticate("rapportor", "rapportor-demo", db) is not None
    set_settings(demo=False)
    with pytest.raises(UserError, match="Demokontonas"):
        auth.add_user("rut", "lasare", "rapportor-demo", db=db)


def test_users_cli_enforces_the_policy_in_swedish(db, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("sommar2024\n"))
    assert cli.main(["users", "add", "chef", "--role", "admin", "--password-stdin", "--db", str(db)]) == 1
    assert "Fel: Lösenordet måste vara minst 12 tecken." in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("Sommar2024!!!\n"))
    assert cli.main(["users", "add", "chef", "--role", "admin", "--password-stdin", "--db", str(db)]) == 1
    assert "för vanligt" in capsys.readouterr().err
    auth.add_user("chef", "admin", "Chefens-losen-2025", db=db)
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("chef12345678\n"))
    assert cli.main(["users", "passwd", "chef", "--password-stdin", "--db", str(db)]) == 1
    assert "användarnamnet" in capsys.readouterr().err
    assert auth.authenticate("chef", "Chefens-losen-2025", db) is not None


def test_admin_page_enforces_the_policy_in_swedish(accounts):
    at = signed_in("ada", "pages/admin.py")
    at.text_input(key="ny_anvandare_namn").input("nils")
    at.text_input(key="ny_losenord").input("lösenord123456")
    next(b for b in at.button if b.label == "Lägg till").click().run()
    no_exception(at)
    assert "för vanligt" in at.error[0].value.replace("\\", "")
    assert auth.get_user("nils", accounts) is None


# --- The database upgrades --------------------------------------------------------------------------


def test_an_existing_database_upgrades(db, monkeypatch):
    full = list(store.MIGRATIONS)
    monkeypatch.setattr(store, "MIGRATIONS", ["schema_v1.sql"])
    with store.connect(db) as con:
        con.execute("INSERT INTO users (username, role, password_hash, created_at) VALUES ('gammal', 'lasare', ?, ?)",
                    [auth.hash_password("Gammalt-losen-2020"), T0])
    monkeypatch.setattr(store, "MIGRATIONS", full)
    user = auth.authenticate("gammal", "Gammalt-losen-2020", db)
    assert (user.username, user.generation) == ("gammal", 0)
    with store.connect(db) as con:
        assert store.schema_version(con) == len(store.MIGRATIONS)
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'login_ok'").fetchone()[0] == 1


def test_the_account_is_checked_every_run_but_read_only_after_a_write(accounts, monkeypatch):
    """app.py's menu and the page's guard share one check of the account per run, and the database is read for
    it only when a write (from any process) may have changed the account: a run after no write costs no look-up,
    the first run after a change of the account sees the change."""
    at = signed_in("rita", "pages/forsenade.py")
    calls = []
    real = auth.session_user
    monkeypatch.setattr(auth, "session_user", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        at.run()
        settle()  # the run's connection is closed by a watcher thread; its checkpoint changes the file version
    assert len(calls) <= 1  # at most the first run (a write since the sign-in), never once per run
    seen = len(calls)
    assert at.session_state["user"].role == "rapportor"
    auth.update_user("rita", accounts, role="lasare")  # the admin demotes her (a write)
    at.run()
    assert len(calls) == seen + 1
    assert at.session_state["user"].role == "lasare"
    with store.connect(accounts) as con:  # removed by another process: signed out on the next run
        con.execute("DELETE FROM users WHERE username = 'rita'")
    at.run()
    assert "user" not in at.session_state

"""``python -m naringsdash users add|passwd|list|remove|update``: as a subprocess and in-process via cli.main."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from naringsdash import auth
from naringsdash.cli import main as cli
from naringsdash.cli import users as users_cli

from conftest import ROOT


def run_cli(*args, db, stdin: str | None = None):
    """A real process; stdin is a pipe (not a terminal), empty unless given."""
    return subprocess.run([sys.executable, "-m", "naringsdash", "users", *args, "--db", str(db)], cwd=ROOT,
                          input=stdin or "", capture_output=True, text=True)


def main(*args, db, stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli.main(["users", *args, "--db", str(db)])


# --- As a subprocess: what an administrator types -----------------------------------------------------

def test_first_admin_from_the_shell(db):
    r = run_cli("add", "chef", "--role", "admin", "--name", "Karin Chef", "--password-stdin", db=db,
                stdin="Sommar-i-Skane-2025\n")
    assert r.returncode == 0, r.stderr
    assert "chef (Admin) har lagts till" in r.stdout
    r = run_cli("add", "anna", "--role", "rapportor", "--forvaltning", "KLF", "Samhällsbyggnadsförvaltningen",
                "--email", "anna@trelleborg.se", "--password-stdin", db=db, stdin="hemligt-ord-99\n")
    assert r.returncode == 0, r.stderr
    r = run_cli("list", db=db)
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["Användare", "Roll", "Förvaltningar", "Namn", "E-post", "Inloggning"]
    assert lines[1].split() == ["anna", "Rapportör", "KLF,", "SBF", "anna@trelleborg.se", "lösenord"]
    assert lines[2].split() == ["chef", "Admin", "Karin", "Chef", "lösenord"]
    assert auth.authenticate("chef", "Sommar-i-Skane-2025", db).role == "admin"
    assert auth.authenticate("anna", "hemligt-ord-99", db).forvaltningar == ("KLF", "SBF")
    assert "Sommar" not in r.stdout + r.stderr


def test_password_on_the_command_line_works_with_a_warning(db):
    r = run_cli("add", "chef", "--role", "admin", "--password", "Sommar-i-Skane-2025", db=db)
    assert r.returncode == 0, r.stderr
    assert "Varning" in r.stderr and "--password-stdin" in r.stderr
    assert auth.authenticate("chef", "Sommar-i-Skane-2025", db) is not None


def test_no_terminal_and_no_password_is_a_usage_error(db):
    r = run_cli("add", "chef", "--role", "admin", db=db)
    assert r.returncode == 2
    assert "--password-stdin" in r.stderr
    assert auth.list_users(db).empty


@pytest.mark.parametrize("args, message", [
    (["add", "anna", "--role", "rapportor"], "minst en förvaltning"),
    (["add", "anna", "--role", "rapportor", "--forvaltning", "XYZ"], "Okänd förvaltning"),
])
def test_refused_in_a_subprocess(db, args, message):
    r = run_cli(*args, "--password-stdin", db=db, stdin="hemligt-ord-99\n")
    assert r.returncode == 1
    assert message in r.stderr
    assert auth.list_users(db).empty


@pytest.mark.parametrize("args", [["add", "anna", "--role", "chef", "--no-password"],
                                  ["add", "--role", "admin", "--no-password"],
                                  ["add", "anna", "--role", "admin", "--password", "x", "--password-stdin"],
                                  ["bort", "anna"], []])
def test_usage_errors_exit_2(db, args):
    r = run_cli(*args, db=db)
    assert r.returncode == 2, r.stdout + r.stderr
    assert auth.list_users(db).empty


# --- In-process through cli.main -----------------------------------------------------------------------------

def test_add_and_list_in_process(db, capsys, monkeypatch):
    assert main("list", db=db) == 0
    assert "Inga användare" in capsys.readouterr().out
    assert main("add", "Anna", "--role", "rapportor", "--forvaltning", "klf", "--forvaltning", "TSF",
                "--password-stdin", db=db, stdin="hemligt-ord-99\n", monkeypatch=monkeypatch) == 0
    assert main("add", "bo", "--role", "lasare", "--email", "bo@trelleborg.se", "--no-password", db=db) == 0
    assert "loggar in med SSO" in capsys.readouterr().out
    assert auth.get_user("anna", db).forvaltningar == ("KLF", "TSF")
    assert main("list", db=db) == 0
    out = capsys.readouterr().out
    assert "endast SSO" in out and "KLF, TSF" in out


@pytest.mark.parametrize("args, message", [
    (["add", "anna", "--role", "rapportor", "--password", "hemligt-ord-99"], "minst en förvaltning"),
    (["add", "anna", "--role", "lasare", "--password", "kort"], "minst 12 tecken"),
    (["add", "anna", "--role", "lasare", "--email", "nej", "--no-password"], "Ogiltig e-postadress"),
    (["add", "bo", "--role", "lasare", "--no-password"], "finns redan"),
    (["passwd", "okand", "--password", "hemligt-ord-99"], "finns inte"),
    (["remove", "okand"], "finns inte"),
    (["remove", "chef"], "minst en administratör"),
    (["update", "chef", "--role", "lasare"], "minst en administratör"),
    (["update", "bo", "--role", "rapportor"], "minst en förvaltning"),
])
def test_refused_exit_1_with_swedish_message(db, capsys, args, message):
    auth.add_user("chef", "admin", "hemligt-ord-99", db=db)
    auth.add_user("bo", "lasare", None, db=db)
    before = auth.list_users(db)
    assert main(*args, db=db) == 1
    assert message in capsys.readouterr().err
    assert auth.list_users(db).drop(columns="created_at").equals(before.drop(columns="created_at"))


def test_passwd_replaces_the_password(db, monkeypatch):
    auth.add_user("anna", "lasare", "gammalt-ord-99", db=db)
    assert main("passwd", "anna", "--password-stdin", db=db, stdin="nytt-ord-12345\r\n", monkeypatch=monkeypatch) == 0
    assert auth.authenticate("anna", "nytt-ord-12345", db) is not None
    assert auth.authenticate("anna", "gammalt-ord-99", db) is None


def test_passwd_from_an_interactive_prompt(db, monkeypatch, capsys):
    auth.add_user("anna", "lasare", "gammalt-ord-99", db=db)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    answers = iter(["nytt-ord-12345", "nytt-ord-12345", "ett-ord-123", "ett-annat-ord"])
    monkeypatch.setattr(users_cli.getpass, "getpass", lambda prompt="": next(answers))
    assert main("passwd", "anna", db=db) == 0
    assert auth.authenticate("anna", "nytt-ord-12345", db) is not None
    assert main("passwd", "anna", db=db) == 1
    assert "stämmer inte överens" in capsys.readouterr().err
    assert auth.authenticate("anna", "nytt-ord-12345", db) is not None


def test_empty_password_on_stdin_is_a_usage_error(db, monkeypatch):
    auth.add_user("anna", "lasare", "gammalt-ord-99", db=db)
    assert main("passwd", "anna", "--password-stdin", db=db, stdin="\n", monkeypatch=monkeypatch) == 2


def test_update_and_remove(db, capsys):
    auth.add_user("chef", "admin", "hemligt-ord-99", db=db)
    auth.add_user("anna", "rapportor", "hemligt-ord-99", ["KLF"], db=db)
    assert main("update", "anna", "--forvaltning", "SBF", "KLF", "--name", "Anna Lind", db=db) == 0
    assert "anna (Rapportör, KLF, SBF) är uppdaterad" in capsys.readouterr().out
    assert main("update", "anna", "--role", "admin", db=db) == 0
    assert auth.get_user("anna", db) == auth.User("anna", "admin", (), "Anna Lind")
    assert main("remove", "chef", db=db) == 0
    assert "chef är borttagen" in capsys.readouterr().out
    assert auth.list_users(db).username.tolist() == ["anna"]


def test_demo_accounts_are_marked_in_the_list(db, capsys):
    auth.ensure_demo_accounts(db)  # the test copy of the reference data is in demo mode
    assert main("list", db=db) == 0
    out = capsys.readouterr().out
    assert out.count("demokonto") == 3

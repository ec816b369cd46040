"""Reminder e-mails against a real SMTP server started here (aiosmtpd on a free port): what is due is sent once,
a dry run sends nothing, a second run sends nothing new, a failing server is logged and the next run retries."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from naringsdash import auth, closing, ingest, reminders, store
from naringsdash.cli import main as cli
from naringsdash.errors import ConfigError

from conftest import ROOT, activity, write_xlsx
from streamlit_server import free_port

BEFORE, DAY, AFTER = dt.date(2025, 9, 10), dt.date(2025, 9, 15), dt.date(2025, 9, 18)  # 2025-T2: deadline 15 Sep


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses it while ``failing`` is set."""

    def __init__(self):
        self.messages: list = []
        self.failing = False

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (the name aiosmtpd calls)
        if self.failing:
            return "451 4.3.0 Tillfälligt fel"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def setup(smtp, db, tmp_path, monkeypatch):
    inbox, port = smtp
    inbox.messages.clear()
    inbox.failing = False
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "naringsliv@kommun.se"\n'
                       'security = "none"\ntimeout = 5\napp_url = "https://naringsdash.kommun.se"\n', encoding="utf-8")
    monkeypatch.setenv("NARINGSDASH_SECRETS", str(secrets))
    auth.add_user("sara", "rapportor", None, ["SBF"], "Sara Berg", "sara@kommun.se", db=db)
    auth.add_user("kalle", "rapportor", None, ["KLF", "TSF"], "Kalle Ek", "kalle@kommun.se", db=db)
    auth.add_user("utan", "rapportor", None, ["AMF"], "Utan Adress", "", db=db)
    path = write_xlsx(tmp_path / "klf.xlsx", [activity(1)])
    assert ingest.import_file(path, db=db, forvaltning="KLF", period="2025-T2", user="kalle").ok
    return inbox, db


def sent_log(db) -> list[tuple]:
    with store.connect(db) as con:
        return con.execute("SELECT period, forvaltning, kind, recipient, outcome FROM reminders_sent "
                           "ORDER BY id").fetchall()


def test_dry_run_sends_nothing_and_logs_nothing(setup):
    inbox, db = setup
    results, warnings = reminders.run(db, today=BEFORE, dry_run=True)
    assert sorted((r.reminder.forvaltning, r.reminder.recipient, r.outcome) for r in results) == [
        ("SBF", "sara@kommun.se", "planerad"), ("TSF", "kalle@kommun.se", "planerad")]
    assert any("AMF" in w for w in warnings)  # a förvaltning with nobody to write to is said, not hidden
    assert inbox.messages == [] and sent_log(db) == []


def test_due_reminders_are_sent_once_and_logged(setup):
    inbox, db = setup
    results, _ = reminders.run(db, today=BEFORE)
    assert sorted(r.outcome for r in results) == ["skickad", "skickad"]
    assert sorted(m["To"] for m in inbox.messages) == ["kalle@kommun.se", "sara@kommun.se"]
    sara = next(m for m in inbox.messages if m["To"] == "sara@kommun.se")
    assert "2025 T2" in sara["Subject"] and "2025-09-15" in sara["Subject"]
    body = sara.get_content()
    assert "Hej Sara Berg!" in body and "Samhällsbyggnadsförvaltningen (SBF)" in body and "5 dagar kvar" in body
    assert "https://naringsdash.kommun.se" in body
    assert sent_log(db) == [("2025-T2", "SBF", "fore", "sara@kommun.se", "skickad"),
                            ("2025-T2", "TSF", "fore", "kalle@kommun.se", "skickad")]

    assert reminders.run(db, today=BEFORE)[0] == []                         # the same day again: nothing new
    assert reminders.run(db, today=BEFORE + dt.timedelta(days=1))[0] == []  # the next day: same reminder, not again
    assert len(inbox.messages) == 2

    on_day, _ = reminders.run(db, today=DAY)                                 # the day's reminder is a new one
    assert sorted((r.reminder.kind, r.reminder.forvaltning) for r in on_day) == [("dag", "SBF"), ("dag", "TSF")]
    assert "Sista dag i dag" in inbox.messages[-1]["Subject"]

    path = write_xlsx(setup[1].parent / "sbf.xlsx", [activity(1, Förvaltning="SBF")])  # SBF reports
    assert ingest.import_file(path, db=db, forvaltning="SBF", period="2025-T2", user="sara").ok
    late, _ = reminders.run(db, today=AFTER)
    assert [(r.reminder.kind, r.reminder.forvaltning) for r in late] == [("efter", "TSF")]
    assert "är sen" in inbox.messages[-1]["Subject"]
    assert len(sent_log(db)) == 5 and reminders.run(db, today=AFTER)[0] == []


def test_a_closed_period_gets_no_reminders(setup):
    _, db = setup
    with store.connect(db) as con:
        closing.close(con, "2025-T2", "admin", "Stängd i förtid för testet")
    assert reminders.run(db, today=DAY, dry_run=True)[0] == []


def test_a_failing_server_is_logged_and_the_next_run_retries(setup, capsys):
    inbox, db = setup
    inbox.failing = True
    assert cli.main(["remind", "--db", str(db), "--today", BEFORE.isoformat()]) == 1
    assert [row[-1] for row in sent_log(db)] == ["fel", "fel"] and inbox.messages == []
    with store.connect(db) as con:
        detail = con.execute("SELECT detail FROM reminders_sent").fetchall()
    assert all("451" in d for (d,) in detail)
    assert "0 skickade, 2 misslyckades" in capsys.readouterr().err

    inbox.failing = False
    assert cli.main(["remind", "--db", str(db), "--today", (BEFORE + dt.timedelta(days=1)).isoformat()]) == 0
    assert [row[-1] for row in sent_log(db)] == ["fel", "fel", "skickad", "skickad"] and len(inbox.messages) == 2


def test_an_unreachable_server_fails_fast_and_is_retried(setup, tmp_path, monkeypatch):
    inbox, db = setup
    closed_port = free_port()  # nothing listens here
    secrets = tmp_path / "down.toml"
    secrets.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {closed_port}\nfrom = "a@kommun.se"\nsecurity = "none"\n',
                       encoding="utf-8")
    monkeypatch.setenv("NARINGSDASH_SECRETS", str(secrets))
    results, _ = reminders.run(db, today=BEFORE)
    assert [r.outcome for r in results] == ["fel", "fel"]
    assert all("ConnectionRefused" in r.detail for r in results)
    assert len(reminders.run(db, today=BEFORE, dry_run=True)[0]) == 2  # still due


def test_dry_run_on_the_command_line(setup, capsys):
    inbox, db = setup
    assert cli.main(["remind", "--dry-run", "--db", str(db), "--today", BEFORE.isoformat()]) == 0
    out = capsys.readouterr()
    assert "sara@kommun.se" in out.out and "inget skickat" in out.err and inbox.messages == []


@pytest.mark.parametrize("body, match", [
    ("", "saknas|host"),
    ('[smtp]\nhost = "x"\n', "host och from"),
    ('[smtp]\nhost = "x"\nfrom = "a@b.se"\nport = "25"\n', "port"),
    ('[smtp]\nhost = "x"\nfrom = "a@b.se"\nsecurity = "tls"\n', "security"),
    ('[smtp]\nhost = "x"\nfrom = "a@b.se"\npasword = "y"\n', "pasword"),
])
def test_smtp_settings_are_checked(tmp_path, body, match):
    path = tmp_path / "secrets.toml"
    if body:
        path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        reminders.smtp_settings(path)


def test_the_example_secrets_parse_and_every_smtp_key_is_documented():
    example = ROOT / ".streamlit" / "secrets.toml.example"
    settings = reminders.smtp_settings(example)
    assert (settings.host, settings.port, settings.security) == ("smtp.kommun.se", 587, "starttls")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in ("host", "from", "port", "security", "username", "timeout", "app_url"):
        assert f"`{key}`" in readme
    for key in ("deadline_dagar", "paminnelse_dagar_fore", "paminnelse_dagar_efter", "oppen_data_licens"):
        assert f"{key}" in readme and key in (ROOT / "data" / "referens.toml").read_text(encoding="utf-8")

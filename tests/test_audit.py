"""Issue 11 §6: the audit log. Each listed event adds a row; it can be filtered, read on the admin page,
downloaded as CSV without formulas, printed by the command line; no code changes or deletes a row."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import streamlit.elements.widgets.button as st_button
from streamlit.testing.v1 import AppTest

from naringsdash import analysis, audit, auth, config, history, ingest, store
from naringsdash.cli import main as cli
from naringsdash.store import queries

from conftest import ROOT, activity, write_xlsx

PERIOD = "2026-T2"


def events(db, action: str) -> list[tuple[str, str, str]]:
    df = audit.query(db, action=action)
    return list(zip(df["actor"], df["target"], df["detail"]))


def set_settings(**settings) -> None:
    ref = config.load_reference()
    ref.settings.update(settings)
    config.save_reference(ref)


# --- Each event adds a row ----------------------------------------------------------------------------


def test_sign_in_success_failure_and_throttled(db):
    auth.add_user("anna", "lasare", "Annas-losenord-42", db=db)
    auth.authenticate("anna", "Annas-losenord-42", db, address="203.0.113.7")
    for _ in range(5):
        auth.authenticate("okand", "fel", db, address="203.0.113.7")
    for _ in range(3):  # hammering during one delay adds one row
        with pytest.raises(auth.LoginThrottled):
            auth.authenticate("okand", "fel", db, address="203.0.113.7")
    assert events(db, "login_ok") == [("anna", "anna", "adress 203.0.113.7, lösenord")]
    failed = events(db, "login_failed")
    assert len(failed) == 5 and failed[0] == ("okand", "okand", "adress 203.0.113.7, 5 i rad")
    (throttled,) = events(db, "login_throttled")
    assert throttled[2].startswith("adress 203.0.113.7, vänta 5 s")


def test_user_created_changed_password_removed(db):
    auth.add_user("chef", "admin", "Chefens-losen-2025", db=db)
    auth.add_user("anna", "rapportor", None, ["KLF"], email="anna@trelleborg.se", db=db, actor="chef")
    auth.update_user("anna", db, forvaltningar=["KLF", "SBF"], actor="chef")
    auth.set_password("anna", "Annas-losenord-42", db, actor="chef")
    auth.remove_user("anna", db, actor="chef")
    assert events(db, "user_created")[0] == ("chef", "anna", "rapportor KLF, anna@trelleborg.se, endast SSO")
    assert events(db, "user_created")[1][0].startswith("kommandoraden (")  # no actor: the command line
    assert events(db, "user_changed") == [("chef", "anna", "rapportor KLF, anna@trelleborg.se → "
                                                           "rapportor KLF, SBF, anna@trelleborg.se")]
    assert events(db, "password_set") == [("chef", "anna", "övriga inloggningar avslutade")]
    assert events(db, "user_removed") == [("chef", "anna", "rapportor KLF, SBF, anna@trelleborg.se")]
    assert "Annas-losenord-42" not in audit.csv_bytes(audit.query(db)).decode("utf-8-sig")


def test_upload_saved_restore_and_analysis(demo_db, tmp_path):
    ada = auth.add_user("ada", "admin", None, db=demo_db)
    before = len(audit.query(demo_db))
    path = write_xlsx(tmp_path / "klf.xlsx", [activity(1)])
    result = ingest.check_bytes(path.read_bytes(), path.name, forvaltning="KLF", period=PERIOD)
    saved = ingest.save_as(ada, result, path.read_bytes(), forvaltning="KLF", period=PERIOD, db=demo_db)
    assert events(demo_db, "upload_saved")[0] == ("ada", f"uppladdning {saved.upload_id}",
                                                  f"KLF {PERIOD}, klf.xlsx, 1 rader")
    ingest.save_as(ada, result, path.read_bytes(), forvaltning="KLF", period=PERIOD, db=demo_db)  # identical
    uploads = queries.uploads(demo_db)
    older = int(uploads[(uploads.forvaltning == "KLF") & (uploads.period == PERIOD)]["id"].min())
    new_id = history.restore(ada, older, demo_db)
    assert events(demo_db, "restore")[0] == ("ada", f"uppladdning {older}", f"KLF {PERIOD}, ny version {new_id}")
    analysis.save(3, PERIOD, "Gul", "Det går framåt.", ada, demo_db)
    assert events(demo_db, "analysis_saved")[0][:2] == ("ada", f"målområde 3 {PERIOD}")
    assert len(audit.query(demo_db)) == before + 3  # the identical re-upload added nothing


def test_command_line_import_is_logged(db, tmp_path):
    path = write_xlsx(tmp_path / "klf.xlsx", [activity(1)])
    assert cli.main(["import", str(path), "--forvaltning", "KLF", "--period", "2025-T1", "--user", "Kalle",
                     "--db", str(db)]) == 0
    assert events(db, "upload_saved")[0][0] == "Kalle"


def test_settings_reference_data_and_period_closed(db):
    before = config.load_reference()
    after = config.load_reference()
    after.settings["anonyma_lasare"] = not bool(before.setting("anonyma_lasare", False))
    code = next(iter(after.forvaltningar))
    after.forvaltningar[code] = "Nytt namn"
    audit.reference_saved("ada", before, after, db)
    (settings,), (names,) = events(db, "settings_changed"), events(db, "reference_changed")
    assert settings[0] == "ada" and settings[2].startswith("anonyma_lasare: ")
    assert names[2] == f"{code}: {before.forvaltningar[code]} → Nytt namn"
    audit.reference_saved("ada", before, before, db)  # nothing changed: nothing recorded
    with store.connect(db) as con:
        audit.period_closed(con, "ada", "2026-T2")
    assert events(db, "period_closed") == [("ada", "2026-T2", "")]
    with pytest.raises(ValueError):
        audit.log("ada", "something_else", db=db)


def test_admin_page_saving_reference_data_is_logged(demo_db):
    auth.add_user("ada", "admin", None, db=demo_db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = auth.User("ada", "admin")
    at.run()
    at.switch_page("pages/admin.py").run()
    box = at.checkbox(key="ref_anonyma")
    box.set_value(not box.value)
    next(b for b in at.button if b.label == "Spara referensdata").click().run()
    assert not at.exception
    assert events(demo_db, "settings_changed")[0][:2] == ("ada", "inställningar")


# --- Reading it: filters, the admin page, CSV, the command line -----------------------------------------


@pytest.fixture
def logged(db):
    t = dt.datetime(2026, 3, 1, 12, 0)
    with store.connect(db) as con:
        audit.record(con, "anna", "login_ok", "anna", "adress 1", now=t)
        audit.record(con, "bo", "login_failed", "bo", "adress 2", now=t + dt.timedelta(days=1))
        audit.record(con, "=HYPERLINK(\"http://x\")", "login_failed", "@SUM(1)", "+1+1", now=t + dt.timedelta(days=2))
    return db


def test_query_filters(logged):
    assert audit.query(logged)["actor"].tolist()[1:] == ["bo", "anna"]  # newest first
    assert audit.query(logged, action="login_failed")["actor"].tolist()[1:] == ["bo"]
    assert audit.query(logged, actor="ANNA")["action"].tolist() == ["login_ok"]
    assert audit.query(logged, since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 2))["actor"].tolist() == ["bo"]
    assert len(audit.query(logged, until=dt.date(2026, 3, 1))) == 1
    assert len(audit.query(logged, limit=2)) == 2


def test_csv_neutralises_formulas(logged):
    text = audit.csv_bytes(audit.query(logged)).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Tid;Vem;Händelse;Gällde;Detaljer"
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text and "'+1+1" in text
    assert not re.search(r"(^|;)[=+@-]", "\n".join(lines[1:]).replace(";-", ";x"))


def test_command_line_prints_the_log(logged, capsys):
    assert cli.main(["audit", "--db", str(logged), "--since", "2026-03-02", "--action", "login_failed",
                     "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["vem"] for r in rows] == ['=HYPERLINK("http://x")', "bo"]
    assert rows[1] == {"id": 2, "tid": "2026-03-02T12:00:00", "vem": "bo", "handelse": "login_failed",
                       "galler": "bo", "detaljer": "adress 2"}
    assert cli.main(["audit", "--db", str(logged), "--user", "anna"]) == 0
    assert capsys.readouterr().out == "2026-03-01 12:00:00  anna  Inloggning  anna  adress 1\n"
    assert cli.main(["audit", "--db", str(logged), "--since", "igår"]) == 2
    assert "Okänt datum" in capsys.readouterr().err
    assert cli.main(["audit", "--db", str(logged), "--action", "radera"]) == 2


def test_admin_page_reads_filters_and_downloads(demo_db, monkeypatch):
    auth.add_user("ada", "admin", None, db=demo_db)
    with store.connect(demo_db) as con:
        audit.record(con, "bo", "login_failed", "bo", "adress 2")
    seen = {}
    real = st_button.marshall_file

    def spy(coordinates, data, proto, mimetype, file_name=None, **kw):
        seen[proto.label] = data
        return real(coordinates, data, proto, mimetype, file_name, **kw)

    monkeypatch.setattr(st_button, "marshall_file", spy)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = auth.User("ada", "admin")
    at.run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception and at.tabs[6].label == "Granskningslogg"
    at.multiselect(key="logg_handelse").set_value(["login_failed"]).run()
    shown = next(d.value for d in at.dataframe if "Händelse" in d.value.columns)
    assert shown["Vem"].tolist() == ["bo"] and shown["Händelse"].tolist() == ["Misslyckad inloggning"]
    csv = seen["Ladda ner CSV"]()
    assert csv.decode("utf-8-sig").splitlines()[1].split(";")[1:3] == ["bo", "Misslyckad inloggning"]


# --- Append-only ---------------------------------------------------------------------------------------


def test_no_code_changes_or_deletes_the_log():
    package = ROOT / "naringsdash"
    texts = [p.read_text(encoding="utf-8") for p in [*package.rglob("*.py"), *package.rglob("*.sql")]]
    bad = re.compile(r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|DROP\s+TABLE\s+(IF\s+EXISTS\s+)?audit_log|"
                     r"TRUNCATE\s+audit_log|ALTER\s+TABLE\s+audit_log)", re.IGNORECASE)
    assert not [m.group(0) for text in texts for m in bad.finditer(text)]
    inserts = [t for t in texts if re.search(r"INSERT INTO audit_log", t)]
    assert len(inserts) == 1  # audit.record, the only writer

"""Rejected uploads (contract §3, §4): every error at once, with sheet, Excel row, column header, value and a
Swedish message; nothing changes in the database; the --json shape and the exit codes.

Fixtures in tests/fixtures are named by their defect (written by make_fixtures.py); all are for KLF, 2025-T1.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from naringsdash import export, ingest, store
from naringsdash.cli import main as cli
from naringsdash.store import queries

from conftest import FIX, ROOT, activity, flat, write_xlsx

FLAGS = {"forvaltning": "KLF", "period": "2025-T1"}


def run(*argv: str) -> int:
    """The CLI in-process; argparse's usage errors exit with 2."""
    try:
        return cli.main(list(argv))
    except SystemExit as exc:
        return exc.code


def snapshot(db) -> tuple:
    """Everything an upload could change: the export of every period with data and all uploads."""
    with store.connect(db) as con:
        uploads = con.execute("SELECT id, kind, forvaltning, period, sha256, rows FROM uploads ORDER BY id").fetchall()
        counts = con.execute("SELECT (SELECT count(*) FROM activities), (SELECT count(*) FROM indicator_values), "
                             "(SELECT count(*) FROM files)").fetchone()
    exports = {p: export.canonical_csv(*queries.export_activities(p, db)) for p in queries.periods(db)}
    return uploads, counts, exports, export.canonical_csv(*queries.export_indicators(db))


@pytest.fixture
def loaded(tmp_path, db):
    """A database holding an accepted KLF upload for 2025-T1 and indicator values."""
    f = write_xlsx(tmp_path / "ok.xlsx", [activity(1), activity(2, Status="Klar", **{"Andel klart (%)": 100})])
    assert ingest.import_file(f, db=db, **FLAGS).ok
    assert ingest.import_file(FIX / "indikatorer.xlsx", db=db).ok
    return db


# (fixture, [(row, column, code, value)]) — rows as Excel numbers them, columns as the file writes them
DEFECTS = [
    ("bad-date.xlsx", [(3, "Slutdatum", "bad_date", "31/13/2025"), (4, "Startdatum", "bad_date", "snart"),
                       (5, "Slutdatum", "bad_date", "2025-02-30")]),
    ("bad-percent.xlsx", [(2, "Andel klart (%)", "bad_percent", "150"), (3, "Andel klart (%)", "bad_percent", "-5"),
                          (4, "Andel klart (%)", "bad_percent", "mycket"),
                          (5, "Andel klart (%)", "bad_percent", "120 %"),
                          (6, "Andel klart (%)", "bad_percent", "150 %")]),  # 1,5 in a percent-formatted cell
    ("bad-status.xlsx", [(2, "Status", "bad_status", "Klar?"), (3, "Status", "bad_status", "Kanske")]),
    ("bad-malomrade.xlsx", [(2, "Målområde", "bad_malomrade", "7"), (3, "Målområde", "bad_malomrade", "Turism"),
                            (4, "Målområde", "bad_malomrade", "0")]),
    ("bad-bedomning.xlsx", [(2, "Bedömning", "bad_bedomning", "Blå")]),
    ("bad-forvaltning.xlsx", [(2, "Förvaltning", "bad_forvaltning", "Okänd förvaltning")]),
    ("empty-required.xlsx", [(2, "Aktivitet", "required", None), (3, "Slutdatum", "required", None),
                             (3, "Status", "required", None), (4, "Aktivitets-ID", "required", None),
                             (4, "Målområde", "required", None)]),
    ("end-before-start.xlsx", [(2, "Slutdatum", "end_before_start", "2025-05-31")]),
    ("duplicate-id.xlsx", [(4, "Aktivitets-ID", "duplicate_id", "A-01"), (6, "Aktivitets-ID", "duplicate_id", "7")]),
    ("forvaltning-mismatch.xlsx", [(3, "Förvaltning", "forvaltning_mismatch", "SOF")]),
    ("missing-column.xlsx", [(1, "Målområde", "missing_column", None), (1, "Status", "missing_column", None)]),
    ("many-errors.xlsx", [  # title rows above: the header is Excel row 3; row 8 is blank
        (5, "Slutdatum", "bad_date", "igår"), (5, "Status", "bad_status", "Okänd"),
        (6, "Aktivitet", "required", None),
        (7, "Andel klart (%)", "bad_percent", "101"), (7, "Slutdatum", "end_before_start", "2025-08-31"),
        (9, "Målområde", "bad_malomrade", "Nio"), (9, "Aktivitets-ID", "duplicate_id", "A-01"),
        (9, "Förvaltning", "forvaltning_mismatch", "SBF"),
    ]),
]
MESSAGES = {  # a fragment of the Swedish message per code: what is expected
    "bad_date": "väntade ett datum, t.ex. 2025-06-30", "bad_percent": "väntade en andel mellan 0 och 100",
    "bad_status": "väntade en status: Ej påbörjad, Pågår, Försenad, Klar, Avbruten",
    "bad_malomrade": "väntade ett målområde 1–6", "bad_bedomning": "väntade Grön, Gul eller Röd",
    "bad_forvaltning": "väntade en förvaltnings kod eller namn", "required": "Värde saknas",
    "end_before_start": "Slutdatum ligger före startdatum", "duplicate_id": "finns redan på rad",
    "forvaltning_mismatch": "stämmer inte med uppladdningens förvaltning (KLF)",
    "missing_column": "saknas i rubrikraden",
}


@pytest.mark.parametrize(("name", "expected"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_defect_reports_every_error_with_row_column_value_and_message(name, expected):
    res = ingest.import_file(FIX / name, dry_run=True, **FLAGS)
    assert not res.ok and res.rows == 0
    assert [(e.row, e.column, e.code, e.value) for e in res.errors] == expected
    for e in res.errors:
        assert e.sheet == "Aktiviteter"
        assert MESSAGES[e.code] in e.message, e.message


@pytest.mark.parametrize("name", [d[0] for d in DEFECTS] + ["info-conflict.xlsx", "info-bad-period.xlsx",
                                                             "no-activity-sheet.xlsx", "not-a-workbook.xlsx",
                                                             "indikatorer-errors.xlsx"])
def test_rejected_upload_changes_nothing(loaded, name):
    before = snapshot(loaded)
    res = ingest.import_file(FIX / name, db=loaded, **FLAGS)
    assert not res.ok and res.upload_id is None and res.errors
    assert snapshot(loaded) == before


def test_rejected_upload_changes_nothing_through_the_cli(loaded, capsys):
    before = snapshot(loaded)
    assert run("export", "--db", str(loaded)) == 0
    csv_before = capsys.readouterr().out
    assert run("import", str(FIX / "many-errors.xlsx"), "--forvaltning", "KLF", "--period", "2025-T1",
               "--db", str(loaded)) == 1
    assert "8 fel, ingenting sparat" in capsys.readouterr().out
    assert run("export", "--db", str(loaded)) == 0
    assert capsys.readouterr().out == csv_before and snapshot(loaded) == before


def test_the_error_column_is_the_synonym_the_file_uses(tmp_path):
    headers = ["ID", "Åtgärd", "Malomrade", "Ansvarig förvaltning", "Ansvarig", "Start", "Deadline", "Status",
               "Progress", "Bedömning", "Kommentarer"]
    f = write_xlsx(tmp_path / "s.xlsx", [activity(1), activity(1, Förvaltning="SOF", Startdatum="2026-01-01",
                                                                **{"Andel klart (%)": 200, "Aktivitet": " "})],
                   headers=headers)
    res = ingest.import_file(f, dry_run=True, **FLAGS)
    assert [(e.row, e.column, e.code) for e in res.errors] == [
        (3, "Åtgärd", "required"), (3, "Progress", "bad_percent"), (3, "ID", "duplicate_id"),
        (3, "Ansvarig förvaltning", "forvaltning_mismatch"), (3, "Deadline", "end_before_start")]


def test_klar_below_100_is_a_warning_and_the_upload_is_accepted(db):
    res = ingest.import_file(FIX / "klar-below-100.xlsx", db=db, **FLAGS)
    assert res.ok and res.rows == 3 and res.errors == []
    assert [(w.sheet, w.row, w.column, w.code, w.value) for w in res.warnings] == [
        ("Aktiviteter", 2, "Andel klart (%)", "done_not_100", "80")]
    assert "Klar" in res.warnings[0].message and "under 100" in res.warnings[0].message


def test_end_on_the_start_date_is_fine(db):
    res = ingest.import_file(FIX / "end-before-start.xlsx", dry_run=True, **FLAGS)
    assert [e.row for e in res.errors] == [2]  # row 3 starts and ends on 2025-06-01


@pytest.mark.parametrize(("name", "flags", "expected"), [
    ("info-conflict.xlsx", FLAGS, [("Info", 2, "Period", "period_mismatch", "Delår 2025")]),
    ("info-bad-period.xlsx", {"forvaltning": "KLF"}, [("Info", 2, "Period", "bad_period", "Sommaren 2025")]),
    ("no-activity-sheet.xlsx", FLAGS, [(None, None, None, "no_sheet", None)]),
    ("not-a-workbook.xlsx", FLAGS, [(None, None, None, "unreadable", None)]),
])
def test_workbook_level_errors(name, flags, expected):
    res = ingest.import_file(FIX / name, dry_run=True, **flags)
    assert [(e.sheet, e.row, e.column, e.code, e.value) for e in res.errors] == expected
    assert all(any(ch in e.message for ch in "åäö") for e in res.errors)  # Swedish


def test_many_errors_warns_as_well():
    res = ingest.import_file(FIX / "many-errors.xlsx", dry_run=True, **FLAGS)
    assert flat(res.warnings) == [(10, "Andel klart (%)", "done_not_100")]


# --- --json and exit codes (§4) -----------------------------------------------------------------

def test_json_shape_for_a_rejected_file(db, capsys):
    code = run("import", str(FIX / "bad-date.xlsx"), "--forvaltning", "KLF", "--period", "2025-T1", "--json",
               "--db", str(db))
    lines = capsys.readouterr().out.splitlines()
    assert code == 1 and len(lines) == 1
    out = json.loads(lines[0])
    assert list(out) == ["file", "ok", "rows", "upload_id", "errors", "warnings"]
    assert (out["file"], out["ok"], out["rows"], out["upload_id"]) == (str(FIX / "bad-date.xlsx"), False, 0, None)
    assert out["warnings"] == []
    first = out["errors"][0]
    assert {k: first[k] for k in ("sheet", "row", "column", "value", "message")} == {
        "sheet": "Aktiviteter", "row": 3, "column": "Slutdatum", "value": "31/13/2025",
        "message": "Ogiltigt värde: väntade ett datum, t.ex. 2025-06-30."}
    # The contract's keys first and unchanged; the issue code and the activity are added keys.
    assert (first["code"], first["activity"]) == ("bad_date", "A-02 Aktivitet 2")
    assert [list(e) for e in out["errors"]] == [["sheet", "row", "column", "value", "message", "code", "activity"]] * 3


def test_json_one_line_per_file_and_exit_1_unless_all_accepted(tmp_path, db, capsys):
    good = write_xlsx(tmp_path / "god.xlsx", [activity(1), activity(2)])
    warn = FIX / "klar-below-100.xlsx"
    code = run("import", str(good), str(FIX / "duplicate-id.xlsx"), str(warn), "--forvaltning", "KLF",
               "--period", "T1 2025", "--json", "--db", str(db))
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert [(o["ok"], o["rows"], o["upload_id"] is not None, len(o["errors"])) for o in out] == [
        (True, 2, True, 0), (False, 0, False, 2), (True, 3, True, 0)]
    assert out[2]["warnings"] == [{"sheet": "Aktiviteter", "row": 2, "column": "Andel klart (%)", "value": "80",
                                   "message": "Status är Klar men andel klart är under 100 %.",
                                   "code": "done_not_100", "activity": "A-01 Aktivitet 1"}]
    assert all(isinstance(o["upload_id"], str) for o in out if o["ok"])


def test_exit_0_when_every_file_is_accepted(tmp_path, db, capsys):
    f = write_xlsx(tmp_path / "a.xlsx", [activity(1)])
    assert run("import", str(f), str(FIX / "indikatorer.xlsx"), "--forvaltning", "Kommunledningsförvaltningen",
               "--period", "Delår 2025", "--json", "--db", str(db)) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(o["ok"], o["rows"]) for o in out] == [(True, 1), (True, 9)]


def test_dry_run_stores_nothing(loaded, tmp_path, capsys):
    before = snapshot(loaded)
    f = write_xlsx(tmp_path / "ny.xlsx", [activity(7, Förvaltning="SOF")])
    assert run("import", str(f), "--forvaltning", "SOF", "--period", "2025-T2", "--dry-run", "--json",
               "--db", str(loaded)) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["ok"], out["rows"], out["upload_id"]) == (True, 1, None)
    assert snapshot(loaded) == before


@pytest.mark.parametrize("argv", [
    ["import"],  # no file
    ["import", "x.xlsx", "--period", "2025-T4"],
    ["import", "x.xlsx", "--period", "Q1 2025"],
    ["import", "x.xlsx", "--forvaltning", "XYZ"],
    ["import", "x.xlsx", "--okand-flagga"],
    ["export", "--period", "nästa år"],
    ["export", "--format", "pdf"],
    ["template", "--forvaltning", "KLF"],
    [],
])
def test_usage_errors_exit_2(db, argv, capsys):
    assert run(*argv, "--db", str(db)) == 2
    assert capsys.readouterr().err


def test_missing_file_is_a_rejected_file(db, capsys):
    assert run("import", "finns-inte.xlsx", "--forvaltning", "KLF", "--period", "2025-T1", "--json",
               "--db", str(db)) == 1
    out = json.loads(capsys.readouterr().out)
    assert (out["ok"], out["upload_id"], out["errors"][0]["sheet"], out["errors"][0]["row"]) == (False, None, None,
                                                                                                 None)
    assert "kan inte läsas" in out["errors"][0]["message"]


def test_missing_forvaltning_and_period_are_rejections_not_usage_errors(tmp_path, db, capsys):
    f = write_xlsx(tmp_path / "a.xlsx", [activity(1)])
    assert run("import", str(f), "--json", "--db", str(db)) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert [e["column"] for e in errors] == ["Förvaltning", "Period"]


def cli_subprocess(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "naringsdash", *args, "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_process_exit_codes_and_json(db):
    bad = cli_subprocess("import", str(FIX / "many-errors.xlsx"), "--forvaltning", "KLF", "--period", "2025-T1",
                         "--json", db=db)
    assert bad.returncode == 1
    out = json.loads(bad.stdout)
    assert (out["ok"], len(out["errors"]), out["errors"][0]["row"]) == (False, 8, 5)
    usage = cli_subprocess("import", str(FIX / "bad-date.xlsx"), "--period", "2025-T9", db=db)
    assert usage.returncode == 2 and "period" in usage.stderr.lower() and usage.stdout == ""
    assert cli_subprocess("import", db=db).returncode == 2
    empty = cli_subprocess("export", db=db)
    assert (empty.returncode, empty.stdout) == (0, "period,forvaltning,aktivitet_id,aktivitet,malomrade,ansvarig,"
                                                   "startdatum,slutdatum,status,andel_klar,bedomning,kommentar,"
                                                   "forsenad\n")

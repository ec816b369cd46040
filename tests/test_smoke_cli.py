import csv
import io
import json
import subprocess
import sys

from conftest import ROOT, activity, write_xlsx


def run_cli(*args, db):
    return subprocess.run([sys.executable, "-m", "naringsdash", *args, "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True)


def test_import_then_export_round_trip(tmp_path, db):
    f = write_xlsx(tmp_path / "ok.xlsx", [activity(1), activity(2, Status="klart", **{"Andel klart (%)": 100})])
    r = run_cli("import", str(f), "--forvaltning", "KLF", "--period", "T1 2025", "--json", db=db)
    assert r.returncode == 0, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert out["ok"] and out["rows"] == 2 and out["upload_id"]
    r = run_cli("export", db=db)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [x["aktivitet_id"] for x in rows] == ["A-01", "A-02"]
    assert rows[1]["status"] == "Klar" and rows[0]["period"] == "2025-T1"

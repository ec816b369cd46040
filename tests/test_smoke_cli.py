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


HEAVY_MODULES = ("pandas", "numpy", "pyarrow", "plotly", "tomlkit")
# The real command's main() in a fresh interpreter, then the modules it loaded (after the output, one a line).
_MODULES_AFTER_MAIN = ("import sys\nfrom naringsdash.cli.main import main\ncode = main(sys.argv[1:])\n"
                       "print('--modules--'); print('\\n'.join(sorted(sys.modules))); sys.exit(code)")


def test_import_command_loads_no_heavy_modules(tmp_path, db):
    """`python -m naringsdash import` of a real workbook stores it without loading pandas, numpy, pyarrow,
    plotly or tomlkit (issue 13: they cost the command most of its time and it uses none of them)."""
    f = write_xlsx(tmp_path / "ok.xlsx", [activity(i) for i in range(1, 30)])
    r = subprocess.run([sys.executable, "-c", _MODULES_AFTER_MAIN, "import", str(f), "--forvaltning", "KLF",
                        "--period", "T1 2025", "--db", str(db)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    out, _, modules = r.stdout.partition("--modules--\n")
    assert "29 rader, sparad som uppladdning" in out
    loaded = {m.split(".")[0] for m in modules.split()}
    assert "duckdb" in loaded and "naringsdash" in loaded  # the list is real
    assert loaded.isdisjoint(HEAVY_MODULES), sorted(loaded & set(HEAVY_MODULES))


_WORKER_START = ("import sys\nfrom naringsdash.cli.main import main\nfrom naringsdash.ingest import parse_worker\n"
                 "start = parse_worker._Server._start\n"
                 "def spy(self):\n    print('duckdb loaded at worker start:', 'duckdb' in sys.modules)\n"
                 "    return start(self)\n"
                 "parse_worker._Server._start = spy\nsys.exit(main(sys.argv[1:]))")


def test_import_command_starts_its_reading_process_before_loading_duckdb(tmp_path, db):
    """The worker's Python start and imports overlap the command's own (DuckDB, the pipeline)."""
    f = write_xlsx(tmp_path / "ok.xlsx", [activity(1)])
    r = subprocess.run([sys.executable, "-c", _WORKER_START, "import", str(f), "--forvaltning", "KLF",
                        "--period", "T1 2025", "--db", str(db)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "duckdb loaded at worker start: False" in r.stdout and "1 rader, sparad som uppladdning" in r.stdout

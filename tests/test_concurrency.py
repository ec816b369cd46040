"""The app and the command line share one database file: collisions wait and retry, then say 'upptagen'."""

import subprocess
import sys
import threading

import pytest

from naringsdash import ingest, store
from naringsdash.store import queries

from conftest import ROOT, activity, write_xlsx

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("SELECT count(*) FROM uploads").fetchall()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _cli(*args):
    return subprocess.Popen([sys.executable, "-m", "naringsdash", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_processes_importing_at_once_both_land(tmp_path, db):
    files = []
    for kod in ("KLF", "SBF"):
        files.append(write_xlsx(tmp_path / f"{kod}.xlsx", [activity(i, Förvaltning=kod) for i in range(1, 30)]))
    procs = [_cli("import", str(f), "--forvaltning", f.stem, "--period", "2025-T1", "--db", str(db))
             for f in files]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    hist = queries.uploads(db)
    assert sorted(hist["forvaltning"]) == ["KLF", "SBF"]
    assert len(queries.export_activities("2025-T1", db)[1]) == 58


def test_import_waits_while_another_process_reads(tmp_path, db):
    ingest.import_file(write_xlsx(tmp_path / "a.xlsx", [activity(1)]), db=db, forvaltning="KLF", period="2025-T1")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "1.5"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    f = write_xlsx(tmp_path / "b.xlsx", [activity(2, Förvaltning="SBF")])
    res = ingest.import_file(f, db=db, forvaltning="SBF", period="2025-T1")
    holder.wait(timeout=30)
    assert res.ok and res.upload_id
    assert sorted(queries.uploads(db)["forvaltning"]) == ["KLF", "SBF"]


def test_busy_database_says_so_clearly(tmp_path, db):
    with store.connect(db):
        pass
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db), "5"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(store.DatabaseBusy, match="upptagen"):
            with store.connect(db, wait_s=0.3):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_threads_in_one_process_each_get_their_own_connection(tmp_path, db):
    ingest.import_file(write_xlsx(tmp_path / "a.xlsx", [activity(i) for i in range(1, 20)]), db=db,
                       forvaltning="KLF", period="2025-T1")
    errors, counts = [], []

    def work():
        try:
            for _ in range(10):
                counts.append(len(queries.activities("2025-T1", db)))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and set(counts) == {19}

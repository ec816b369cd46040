"""Backup and restore: demo data and uploads → backup → restore to a new file → every export identical, the next
upload gets a new id, the original files are there; a tampered backup and an existing target are refused."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import duckdb
import pytest
from openpyxl import load_workbook

from naringsdash import backup, ingest, store
from naringsdash.cli import main as cli
from naringsdash.store import queries

from conftest import ROOT, activity, write_xlsx


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def upload(tmp_path, db, name: str, forvaltning: str, period: str, n: int, **over) -> int:
    res = ingest.import_file(write_xlsx(tmp_path / name, [activity(i, Förvaltning=forvaltning, **over)
                                                          for i in range(1, n + 1)]),
                             db=db, forvaltning=forvaltning, period=period, user="test")
    assert res.ok and not res.identical, res.errors
    return int(res.upload_id)


def exports(db, out) -> dict[str, object]:
    """Every export of the command line: CSV and xlsx per period (cell values), the indicator CSV."""
    out.mkdir()
    got = {}
    for period in queries.periods(db):
        assert cli.main(["export", "--db", str(db), "--period", period, "--out", str(out / f"{period}.csv")]) == 0
        got[f"{period}.csv"] = (out / f"{period}.csv").read_bytes()
        assert cli.main(["export", "--db", str(db), "--period", period, "--format", "xlsx",
                         "--out", str(out / f"{period}.xlsx")]) == 0
        wb = load_workbook(out / f"{period}.xlsx")
        got[f"{period}.xlsx"] = [[c.value for c in row] for ws in wb for row in ws.iter_rows()]
    assert cli.main(["export", "--db", str(db), "--indicators", "--out", str(out / "ind.csv")]) == 0
    got["indikatorer.csv"] = (out / "ind.csv").read_bytes()
    return got


@pytest.fixture
def source(demo_db, tmp_path):
    """The demo data plus a few uploads of our own (a replaced version and a restored one among them)."""
    upload(tmp_path, demo_db, "a.xlsx", "KLF", "2026-T3", 3)
    first = upload(tmp_path, demo_db, "b.xlsx", "SBF", "2026-T3", 2)
    upload(tmp_path, demo_db, "c.xlsx", "SBF", "2026-T3", 4, Status="Klar", **{"Andel klart (%)": 100})
    with store.connect(demo_db) as con:
        store.restore_upload(con, first, "admin")
    return demo_db


def test_backup_restore_gives_identical_exports_and_accepts_the_next_upload(source, tmp_path, capsys):
    before = exports(source, tmp_path / "before")
    assert cli.main(["backup", "--db", str(source), "--out", str(tmp_path / "bk")]) == 0
    [made] = backup.backups(tmp_path / "bk")
    assert str(made) in capsys.readouterr().out

    manifest = json.loads((made / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["schema_version"] == len(store.MIGRATIONS) and manifest["created"].endswith("Z")
    with duckdb.connect(str(source), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}
        originals = con.execute("SELECT id, sha256 FROM uploads ORDER BY id").fetchall()
        max_id = con.execute("SELECT max(id) FROM uploads").fetchall()[0][0]
    assert {t: v["rows"] for t, v in manifest["tables"].items()} == counts  # every table, every row
    assert {"files", "uploads", "users", "meta"} <= set(counts) and counts["files"] > 0
    assert set(manifest["files"]) == {f.name for f in made.iterdir()} - {"manifest.json"}

    restored = tmp_path / "restored" / "new.duckdb"
    assert cli.main(["restore", str(made), "--db", str(restored)]) == 0
    assert mode(restored) == 0o600
    assert exports(restored, tmp_path / "after") == before

    with store.connect(restored) as con:  # the originals, byte for byte
        for upload_id, digest in originals:
            name, data = store.original_file(con, upload_id)
            assert store.sha256(data) == digest
        assert store.schema_version(con) == len(store.MIGRATIONS)
    new_id = upload(tmp_path, restored, "d.xlsx", "KLF", "2026-T3", 5)
    assert new_id == max_id + 1  # the sequence went on where it was: no duplicate key


def test_restore_refuses_a_tampered_backup_and_an_existing_file(source, tmp_path, capsys):
    made = backup.create(tmp_path / "bk", db=source).path
    existing = tmp_path / "existing.duckdb"
    existing.write_bytes(b"keep me")
    assert cli.main(["restore", str(made), "--db", str(existing)]) == 1
    assert "finns redan" in capsys.readouterr().err and existing.read_bytes() == b"keep me"

    parquet = made / "users.parquet"
    data = bytearray(parquet.read_bytes())
    data[len(data) // 2] ^= 0x01
    parquet.write_bytes(bytes(data))
    target = tmp_path / "new.duckdb"
    assert cli.main(["restore", str(made), "--db", str(target)]) == 1
    assert ("Säkerhetskopian är skadad eller ändrad: kontrollsumman för users.parquet stämmer inte. "
            "Inget återställdes.") in capsys.readouterr().err
    assert not target.exists() and [p.name for p in tmp_path.iterdir() if "restoring" in p.name] == []

    (made / "users.parquet").unlink()
    with pytest.raises(backup.BackupError, match="filen users.parquet saknas"):
        backup.restore(made, db=target)
    with pytest.raises(backup.BackupError, match="inte en säkerhetskopia"):
        (made / "manifest.json").write_text('{"format": "annat"}', encoding="utf-8")
        backup.restore(made, db=target)


def test_permissions_are_private(tmp_path, monkeypatch):
    db = tmp_path / "data" / "new.duckdb"
    with store.connect(db):
        pass
    assert mode(db) == 0o600 and mode(db.parent) == 0o700
    made = backup.create(tmp_path / "backups", db=db).path
    assert mode(tmp_path / "backups") == 0o700 and mode(made) == 0o700
    assert {f.name: mode(f) for f in made.iterdir()} == {f.name: 0o600 for f in made.iterdir()}
    ref = tmp_path / "ref-copy.toml"
    res = backup.restore(tmp_path / "backups", db=tmp_path / "r.duckdb", config_out=ref)  # the folder: the newest
    assert res.source == made and mode(res.db) == 0o600 and mode(ref) == 0o600
    assert ref.read_bytes() == (made / "referens.toml").read_bytes()


def test_keep_removes_all_but_the_newest_backups(tmp_path, db):
    import datetime as dt

    with store.connect(db):
        pass
    t0 = dt.datetime(2025, 6, 30, 2, 0, tzinfo=dt.timezone.utc)
    made = [backup.create(tmp_path / "bk", db=db, keep=2, now=t0 + dt.timedelta(days=i)).path for i in range(4)]
    (tmp_path / "bk" / "annat").mkdir()  # not ours: never touched
    assert backup.backups(tmp_path / "bk") == made[2:]
    assert sorted(p.name for p in (tmp_path / "bk").iterdir()) == sorted([made[2].name, made[3].name, "annat"])


def test_backup_waits_for_a_process_holding_the_database(demo_db, tmp_path):
    """Safe while the app runs: another process holds the file; the backup waits for it, then reads."""
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"con = duckdb.connect({str(demo_db)!r}); print('held', flush=True)\n"
                               "sys.stdin.readline(); time.sleep(0.5); con.close()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        holder.stdin.write("go\n")
        holder.stdin.flush()
        res = backup.create(tmp_path / "bk", db=demo_db)
    finally:
        holder.wait(timeout=30)
    assert res.tables["uploads"] > 0


def test_the_audit_log_survives_backup_and_restore(source, tmp_path):
    """Issue 11 §6: the append-only audit log is in the backup and comes back whole."""
    from naringsdash import audit

    audit.log("admin", "period_closed", "2026-T2", "test av säkerhetskopian", db=source)
    with store.connect(source) as con:
        before = con.execute("SELECT logged_at, actor, action, target, detail FROM audit_log ORDER BY ALL").fetchall()
    assert any(r[2] == "period_closed" for r in before) and any(r[2] == "upload_saved" for r in before)
    made = backup.create(tmp_path / "bk", db=source).path
    target = tmp_path / "restored.duckdb"
    backup.restore(made, db=target)
    with store.connect(target) as con:
        after = con.execute("SELECT logged_at, actor, action, target, detail FROM audit_log ORDER BY ALL").fetchall()
    assert after == before


def test_backup_and_restore_say_why_in_swedish_when_the_disk_refuses(db, tmp_path, capsys):
    with store.connect(db):
        pass
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    assert cli.main(["backup", "--db", str(db), "--out", str(blocker / "bk")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Säkerhetskopian kunde inte skrivas: ") and str(blocker / "bk") in err
    assert cli.main(["backup", "--db", str(db), "--out", str(tmp_path / "bk"), "--keep", "0"]) == 1
    assert capsys.readouterr().err.strip() == "--keep måste vara minst 1."
    made = backup.create(tmp_path / "bk", db=db).path
    assert cli.main(["restore", str(made), "--db", str(blocker / "new.duckdb")]) == 1
    assert "Inget återställdes." in capsys.readouterr().err

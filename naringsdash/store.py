"""The DuckDB store: schema and migrations, connections, uploads and versions.

DuckDB lets one process hold a database file at a time, so no process keeps it
open longer than one unit of work: ``connect()`` opens, retries briefly while
another process holds the file, and closes when the block ends. Every write is
one transaction. All SQL lives here and in ``sql/*.sql`` with bound parameters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Iterator

import duckdb

from . import config

SQL_DIR = Path(__file__).parent / "sql"
MIGRATIONS = ["schema_v1.sql", "migration_meetings.sql"]  # index + 1 = schema version
BUSY_WAIT_S = 10.0


class DatabaseBusy(Exception):
    """Another process holds the database file for longer than we wait."""

    def __init__(self, path: Path):
        super().__init__(f"Databasen är upptagen av en annan process ({path}). Försök igen om en stund.")


@cache
def sql(name: str) -> str:
    """The text of ``sql/<name>.sql``."""
    return (SQL_DIR / (name if name.endswith(".sql") else name + ".sql")).read_text(encoding="utf-8")


_migrate_lock = threading.Lock()


@contextmanager
def connect(db: str | Path | None = None, wait_s: float = BUSY_WAIT_S) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for one unit of work; waits for a lock held elsewhere, then raises DatabaseBusy."""
    path = config.db_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    delay = 0.02
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(path) from exc
            time.sleep(delay)
            delay = min(delay * 1.5, 0.25)
    try:
        with _migrate_lock:
            migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    try:
        row = first(con.execute("SELECT value FROM meta WHERE key = 'schema_version'"))
    except duckdb.CatalogException:
        return 0
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the schema up to date, one transaction per migration."""
    for version, name in enumerate(MIGRATIONS, start=1):
        if schema_version(con) >= version:
            continue
        with transaction(con):
            con.execute(sql(name))
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)])
            con.execute("INSERT OR IGNORE INTO meta VALUES ('data_version', '0')")


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes with every write, whoever made it; the app's cache key."""
    row = first(con.execute("SELECT value FROM meta WHERE key = 'data_version'"))
    return int(row[0]) if row else 0


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'")


def first(cursor) -> tuple | None:
    """The first row, fetching the whole result: DuckDB 2 refuses to register a relation on a connection
    whose previous result was left unfinished by fetchone()."""
    rows = cursor.fetchall()
    return rows[0] if rows else None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def current_upload(con, forvaltning: str, period: str) -> tuple | None:
    return first(con.execute("SELECT id, sha256 FROM current_uploads WHERE forvaltning = ? AND period = ?",
                       [forvaltning, period]))


def latest_indicator_upload(con, kind: str = "indikatorer") -> tuple | None:
    """The newest upload of an indicator kind (``indikatorer`` workbooks, or ``kolada`` syncs)."""
    return first(con.execute("SELECT id, sha256 FROM uploads WHERE kind = ? ORDER BY id DESC LIMIT 1", [kind]))


ACTIVITY_COLS = ("upload_id", "forvaltning", "period", "aktivitet_id", "aktivitet", "malomrade", "ansvarig",
                 "startdatum", "slutdatum", "status", "andel_klar", "bedomning", "kommentar", "excel_row")
INDICATOR_COLS = ("upload_id", "indikator", "malomrade", "enhet", "riktning", "malvarde", "malar", "kalla", "ar",
                  "varde", "serie", "kpi", "fetched_at", "kolada_status")


def _arrow(cols: tuple[str, ...], rows: list[tuple]):
    import pyarrow as pa

    arrays = list(zip(*rows)) if rows else [[] for _ in cols]
    return pa.table({c: list(a) for c, a in zip(cols, arrays)})


def _activity_rows(upload_id: int | None, forvaltning: str | None, period: str | None,
                   activities: list[dict]) -> list[tuple]:
    return [(upload_id, forvaltning, period, a["aktivitet_id"], a["aktivitet"], a["malomrade"], a["ansvarig"],
             a["startdatum"], a["slutdatum"], a["status"], a["andel_klar"], a["bedomning"], a["kommentar"],
             a.get("row")) for a in activities]


def _insert_rows(con, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk insert through an Arrow table (far faster than executemany)."""
    if not rows:
        return
    con.register("_incoming", _arrow(cols, rows))
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _incoming")
    finally:
        con.unregister("_incoming")


def upload_diff(con, forvaltning: str, period: str, activities: list[dict]):
    """New, changed and removed activities of a would-be upload against the current version (a DataFrame)."""
    import pyarrow as pa

    tbl = _arrow(ACTIVITY_COLS, _activity_rows(None, forvaltning, period, activities))
    tbl = tbl.cast(pa.schema([pa.field(c, t) for c, t in zip(ACTIVITY_COLS, (
        pa.int32(), pa.string(), pa.string(), pa.string(), pa.string(), pa.int32(), pa.string(), pa.date32(),
        pa.date32(), pa.string(), pa.int32(), pa.string(), pa.string(), pa.int32()))]))
    con.register("_incoming", tbl)
    try:
        return con.execute(sql("upload_diff"), {"forvaltning": forvaltning, "period": period}).df()
    finally:
        con.unregister("_incoming")


def _insert_upload(con, kind: str, forvaltning: str | None, period: str | None, user: str,
                   uploaded_at: dt.datetime | None, file_name: str, digest: str, rows: int,
                   restored_from: int | None = None) -> int:
    """A new row in the uploads table (the newest version of its förvaltning and period) → its id."""
    upload_id = int(first(con.execute("SELECT nextval('upload_seq')"))[0])
    con.execute("INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [upload_id, kind, forvaltning, period, user, uploaded_at or dt.datetime.now(), file_name, digest,
                 rows, restored_from])
    return upload_id


def save_upload(con, *, kind: str, forvaltning: str | None, period: str | None, user: str, file_name: str,
                data: bytes, activities: list[dict], indicators: list[dict],
                uploaded_at: dt.datetime | None = None) -> tuple[int, bool]:
    """Store one accepted upload in one transaction → (upload id, identical to current version)."""
    digest = sha256(data)
    with transaction(con):
        same = current_upload(con, forvaltning, period) if kind == "aktiviteter" else latest_indicator_upload(con, kind)
        if same and same[1] == digest:
            return int(same[0]), True
        upload_id = _insert_upload(con, kind, forvaltning, period, user, uploaded_at, file_name, digest,
                                   len(activities) + len(indicators))
        con.execute("INSERT OR IGNORE INTO files VALUES (?, ?, ?)", [digest, data, len(data)])
        _insert_rows(con, "activities", ACTIVITY_COLS, _activity_rows(upload_id, forvaltning, period, activities))
        _insert_rows(con, "indicator_values", INDICATOR_COLS, [
            (upload_id, i["indikator"], i["malomrade"], i["enhet"], i["riktning"], i["malvarde"], i["malar"],
             i["kalla"], i["ar"], i["varde"], i.get("serie") or "Trelleborg", i.get("kpi"), i.get("fetched_at"),
             i.get("kolada_status")) for i in indicators])
        bump_data_version(con)
    return upload_id, False


def restore_upload(con, upload_id: int, user: str) -> int:
    """Make an earlier version current again by copying it as the newest version; nothing is deleted."""
    with transaction(con):
        old = first(con.execute("SELECT kind, forvaltning, period, file_name, sha256, rows FROM uploads WHERE id = ?",
                                [upload_id]))
        if old is None or old[0] != "aktiviteter":
            raise ValueError(f"Uppladdning {upload_id} finns inte eller kan inte återställas.")
        kind, forvaltning, period, file_name, digest, rows = old
        new_id = _insert_upload(con, kind, forvaltning, period, user, None, file_name, digest, rows, upload_id)
        cols = ", ".join(ACTIVITY_COLS[1:])
        con.execute(f"INSERT INTO activities (upload_id, {cols}) SELECT ?, {cols} FROM activities WHERE upload_id = ?",
                    [new_id, upload_id])
        bump_data_version(con)
    return new_id


def original_file(con, upload_id: int) -> tuple[str, bytes] | None:
    """The original bytes of an upload, exactly as uploaded, with its file name."""
    row = first(con.execute("SELECT u.file_name, f.content FROM uploads u JOIN files f USING (sha256) WHERE u.id = ?",
                      [upload_id]))
    return (row[0], bytes(row[1])) if row else None

"""The DuckDB store: schema and migrations, connections, uploads and versions.

DuckDB lets one process hold a database file at a time, so no process keeps it
open longer than one unit of work: ``connect()`` opens, retries briefly while
another process holds the file, and closes when the block ends. Every write is
one transaction. All SQL lives here and in ``sql/*.sql`` with bound parameters.
"""

from __future__ import annotations

import atexit
import contextvars
import datetime as dt
import hashlib
import os
import sys
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterator, Sequence

import duckdb

from .. import schema
from ..errors import UserError

SQL_DIR = Path(__file__).parent / "sql"
MIGRATIONS = ["schema_v1.sql", "v2_scoped_activities.sql", "migration_plan.sql", "migration_access.sql",
              "migration_audit.sql", "schema_sso.sql", "v3_period_status.sql",
              "period_closing.sql", "migration_meetings.sql", "own_series.sql"]  # index + 1 = schema version; append only
BUSY_WAIT_S = 10.0


class DatabaseBusy(UserError):
    """Another process holds the database file for longer than we wait."""

    def __init__(self, path: Path):
        super().__init__("Databasen är upptagen av en annan process. Försök igen om en stund.")
        self.path = path  # for the server's log; never shown to a visitor


@dataclass(frozen=True)
class Store:
    """The database: where the file is and how it is opened (one unit of work at a time, retried while another
    process holds the file, then ``DatabaseBusy``). Pass one around instead of a path."""

    path: Path
    wait_s: float = BUSY_WAIT_S

    @classmethod
    def of(cls, db: "Store | str | os.PathLike[str]") -> "Store":
        """A Store for ``db``: a Store as it is, else the file at that path. There is no default here: the edges
        (the command line's --db, the app's settings, a test) decide which database is used."""
        if isinstance(db, Store):
            return db
        if db is None or db == "":
            raise TypeError("Store.of() needs a database path or a Store")
        return cls(Path(db))

    def __str__(self) -> str:
        return str(self.path)

    def __fspath__(self) -> str:
        return str(self.path)

    def connect(self):
        """``with store.connect() as con:`` one unit of work."""
        return connect(self.path, self.wait_s)

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One unit of work that is one transaction."""
        with self.connect() as con, transaction(con):
            yield con

    def df(self, name: str, **params):
        """The result of ``sql/<name>.sql`` as a DataFrame."""
        with self.connect() as con:
            return con.execute(sql(name), params).df()

    def rows(self, name: str, **params) -> tuple[list[str], list[tuple]]:
        """Columns and rows of ``sql/<name>.sql`` as plain Python values."""
        with self.connect() as con:
            cur = con.execute(sql(name), params)
            return [d[0] for d in cur.description], cur.fetchall()

    def data_version(self) -> int:
        with self.connect() as con:
            return data_version(con)

    def version(self) -> str:
        """``file_version``: changes with every write from any process, read without opening the database."""
        return file_version(self.path)


@cache
def sql(name: str) -> str:
    """The text of ``sql/<name>.sql``."""
    return (SQL_DIR / (name if name.endswith(".sql") else name + ".sql")).read_text(encoding="utf-8")


_migrate_lock = threading.Lock()


def file_version(db: Store | str | Path) -> str:
    """The data version as the file system sees it: modification time (ns) and size of the database file and its
    write-ahead log. Every committed write changes one of them (DuckDB appends to the .wal, and the checkpoint
    when the last connection closes rewrites the file and removes the .wal), whichever process made it; reading
    changes neither. So a warm page run learns that nothing changed without opening the database. When the file
    does not exist yet it is created (migrations) and then read."""
    path = Store.of(db).path
    try:
        st = os.stat(path)
    except FileNotFoundError:
        with connect(path) as con:  # creates the file; the meta table's counter is the fallback
            version = data_version(con)
        try:
            st = os.stat(path)
        except FileNotFoundError:  # an in-memory or vanished database: the meta table alone
            return f"meta-{version}"
    try:
        wal = os.stat(f"{path}.wal")
        wal_part = f"{wal.st_mtime_ns}-{wal.st_size}"
    except FileNotFoundError:
        wal_part = "0-0"
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}-{wal_part}"


class _Shared:
    """The connections of one ``one_connection()`` block (or one ``run_connection()`` run), per database file,
    opened on first use."""

    def __init__(self, thread: threading.Thread | None = None) -> None:
        self.cons: dict[Path, duckdb.DuckDBPyConnection] = {}
        self.opened = 0
        self.thread = thread  # run_connection(): closed when this thread ends
        self.lock = threading.Lock()
        _live.add(self)

    def open(self, path: Path, wait_s: float) -> duckdb.DuckDBPyConnection:
        with self.lock:
            con = self.cons.get(path)
            if con is None:
                con = self.cons[path] = _open(path, wait_s)
                self.opened += 1
                if self.thread is not None and self.opened == 1:
                    threading.Thread(target=self._close_after, args=(self.thread,), daemon=True,
                                     name="naringsdash-close-connection").start()
            return con

    def _close_after(self, thread: threading.Thread) -> None:
        thread.join()
        self.close()

    def close(self) -> None:
        with self.lock:  # held while closing: an exit waits for a close that the thread watcher has begun
            cons, self.cons = list(self.cons.values()), {}
            for con in cons:
                con.close()


_shared: contextvars.ContextVar[_Shared | None] = contextvars.ContextVar("naringsdash_shared_connection",
                                                                         default=None)
_live: weakref.WeakSet[_Shared] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """At exit, before daemon threads stop mid-way: close what a run_connection() left open."""
    for scope in list(_live):
        scope.close()


@contextmanager
def one_connection() -> Iterator[None]:
    """Within the block, every ``connect()`` to the same file uses one connection, opened on the first ``connect()``
    (not at all when every answer comes from a cache) and closed when the block ends. For a unit of work made of
    several reads, such as one page run: the file is held for the block, never longer."""
    outer = _shared.get()
    if outer is not None and outer.thread is None:  # nested: the outer block owns the connection
        yield
        return
    if outer is not None:  # a run_connection() of an earlier run in this thread: done
        outer.close()
    scope = _Shared()
    token = _shared.set(scope)
    try:
        yield
    finally:
        _shared.reset(token)
        scope.close()


def run_connection() -> None:
    """``one_connection()`` for code that has no block around its unit of work: a Streamlit page file that
    Streamlit runs on its own, in a thread of its own, without app.py. From now on this thread's ``connect()``
    calls share one connection, opened on first use and closed when the thread ends or calls this again (the
    next run). Does nothing inside a ``one_connection()`` block, and nothing on the main thread (which does not
    end while the program runs)."""
    scope = _shared.get()
    if scope is not None and scope.thread is None:
        return
    if scope is not None:
        scope.close()
    thread = threading.current_thread()
    _shared.set(None if thread is threading.main_thread() else _Shared(thread))


@contextmanager
def connect(db: Store | str | Path, wait_s: float = BUSY_WAIT_S) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for one unit of work; waits for a lock held elsewhere, then raises DatabaseBusy.

    Inside ``one_connection()`` the block's connection to this file is used (and left open for the block)."""
    path = Store.of(db).path
    scope = _shared.get()
    if scope is not None:
        yield scope.open(path, wait_s)
        return
    con = _open(path, wait_s)
    try:
        yield con
    finally:
        con.close()


def _open(path: Path, wait_s: float) -> duckdb.DuckDBPyConnection:
    """A migrated connection; retried while another process holds the file, then DatabaseBusy."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = not path.exists()
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
    if created:  # readable by the service account only: password hashes and every uploaded file
        os.chmod(path, 0o600)
    try:
        with _migrate_lock:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


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


def migrate(con: duckdb.DuckDBPyConnection, upto: int | None = None) -> None:
    """Bring the schema up to date (or up to version ``upto``), one transaction per migration."""
    current = schema_version(con)  # one query when the schema is up to date (every connection)
    for version, name in enumerate(MIGRATIONS[:upto], start=1):
        if current >= version:
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


def one(cursor) -> tuple:
    """The row a query always gives (a sequence's next value, an aggregate, a row just inserted)."""
    row = first(cursor)
    if row is None:
        raise LookupError("the query gave no row")
    return row


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def current_upload(con, forvaltning: str, period: str) -> tuple | None:
    return first(con.execute("SELECT id, sha256 FROM current_uploads WHERE forvaltning = ? AND period = ?",
                       [forvaltning, period]))


def latest_indicator_upload(con, kind: str = "indikatorer") -> tuple | None:
    """The newest upload of an indicator kind (``indikatorer`` workbooks, or ``kolada`` syncs)."""
    return first(con.execute("SELECT id, sha256 FROM uploads WHERE kind = ? ORDER BY id DESC LIMIT 1", [kind]))


ACTIVITY_COLS = schema.STORED_ACTIVITY_COLUMNS
_ARROW_TYPES = {"VARCHAR": "string", "INTEGER": "int32", "DATE": "date32"}
INDICATOR_COLS = ("upload_id", "indikator", "malomrade", "enhet", "riktning", "malvarde", "malar", "kalla", "ar",
                  "varde", "serie", "kpi", "fetched_at", "kolada_status")


def _arrow(cols: tuple[str, ...], rows: list[tuple]):
    import pyarrow as pa

    arrays: list[Sequence[object]] = list(zip(*rows)) if rows else [[] for _ in cols]
    return pa.table({c: list(a) for c, a in zip(cols, arrays)})


def _activity_rows(upload_id: int | None, forvaltning: str | None, period: str | None,
                   activities: list[dict]) -> list[tuple]:
    keys = schema.ROW_KEYS
    return [(upload_id, forvaltning, period, *(a[k] for k in keys), a.get("row")) for a in activities]


def _insert_rows(con, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk insert. In a process that has pyarrow loaded already (the app), the columns go in as one Arrow table
    (built in C from the Python lists, scanned by DuckDB without a conversion per value). Otherwise (the import
    command, which does not load pyarrow and numpy for one upload) one list per column, bound as parameters and
    unnested by DuckDB."""
    if not rows:
        return
    types = _column_types(con, table)
    columns = list(zip(*rows))
    arrow = _arrow_columns(cols, columns, types)
    if arrow is not None:
        con.register("_insert_rows", arrow)
        try:
            con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT * FROM _insert_rows")
        finally:
            con.unregister("_insert_rows")
        return
    select = ", ".join(f"unnest(${i + 1}::{types[c]}[])" for i, c in enumerate(cols))
    con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select}", [list(c) for c in columns])


def _arrow_columns(cols: tuple[str, ...], columns: list[tuple], types: dict[str, str]) -> Any | None:
    """The columns as one Arrow table for _insert_rows, or None: pyarrow is not loaded, a column's type has no
    Arrow twin in _ARROW_OF, or a value Arrow will not take as is (DuckDB casts it then)."""
    pa = sys.modules.get("pyarrow")
    if pa is None:
        return None
    arrow_types = []
    for c in cols:
        t = _ARROW_OF.get(types[c])
        if t is None:
            return None
        arrow_types.append(getattr(pa, t[0])(*t[1:]))
    try:
        return pa.table({c: pa.array(v, type=t) for c, v, t in zip(cols, columns, arrow_types)})
    except (pa.ArrowException, TypeError, ValueError):
        return None


def _column_types(con, table: str) -> dict[str, str]:
    return dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?",
                            [table]).fetchall())


# DuckDB column type → the pyarrow type function (and its arguments) for _insert_rows
_ARROW_OF = {"VARCHAR": ("string",), "INTEGER": ("int32",), "BIGINT": ("int64",), "DATE": ("date32",),
             "DOUBLE": ("float64",), "BOOLEAN": ("bool_",), "TIMESTAMP": ("timestamp", "us")}


def diff_base(con, forvaltning: str, period: str) -> str | None:
    """The period an upload for (förvaltning, period) is compared with: the period itself when it has a current
    version, else the förvaltning's newest earlier period with one, else None (everything is new)."""
    row = first(con.execute("SELECT max(period) FROM current_uploads WHERE forvaltning = ? AND period <= ?",
                            [forvaltning, period]))
    return row[0] if row else None


def upload_diff(con, forvaltning: str, period: str, activities: list[dict]):
    """New, changed and removed activities of a would-be upload against the current version of the period, or
    the förvaltning's previous period when this one has none yet (a DataFrame; ``.attrs["base"]`` names the
    period compared with, None when there is none)."""
    import pyarrow as pa

    base = diff_base(con, forvaltning, period)

    tbl = _arrow(ACTIVITY_COLS, _activity_rows(None, forvaltning, period, activities))
    tbl = tbl.cast(pa.schema([pa.field(c, getattr(pa, _ARROW_TYPES[t])())
                              for c, t in schema.stored_activity_types().items()]))
    con.register("_incoming", tbl)
    try:
        df = con.execute(sql("upload_diff"), {"forvaltning": forvaltning, "base": base,
                                               "same_period": base == period}).df()
        df.attrs["base"] = base
        return df
    finally:
        con.unregister("_incoming")


def _insert_upload(con, kind: str, forvaltning: str | None, period: str | None, user: str,
                   uploaded_at: dt.datetime | None, file_name: str, digest: str, rows: int,
                   restored_from: int | None = None) -> int:
    """A new row in the uploads table (the newest version of its förvaltning and period) → its id."""
    upload_id = int(one(con.execute("SELECT nextval('upload_seq')"))[0])
    con.execute("INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [upload_id, kind, forvaltning, period, user, uploaded_at or dt.datetime.now(), file_name, digest,
                 rows, restored_from])
    return upload_id


def _replaced_upload(con, kind: str, forvaltning: str | None, period: str | None) -> tuple | None:
    """The current version a new upload replaces: the period's (activities) or the kind's newest (indicators)."""
    if kind != "aktiviteter":
        return latest_indicator_upload(con, kind)
    if forvaltning is None or period is None:
        raise ValueError("save_upload: an activity upload needs forvaltning and period")
    return current_upload(con, forvaltning, period)


def save_upload(con, *, kind: str, forvaltning: str | None, period: str | None, user: str, file_name: str,
                data: bytes, activities: list[dict], indicators: list[dict], own_series: str | None = None,
                uploaded_at: dt.datetime | None = None) -> tuple[int, bool]:
    """Store one accepted upload in one transaction → (upload id, identical to current version). An indicator
    row without a series is the kommun's own (``own_series``, from the setting ``kommun``)."""
    digest = sha256(data)
    if own_series is None and any(not i.get("serie") for i in indicators):
        raise ValueError("save_upload: indicator rows without a series need own_series")
    with transaction(con):
        same = _replaced_upload(con, kind, forvaltning, period)
        if same and same[1] == digest:
            return int(same[0]), True
        upload_id = _insert_upload(con, kind, forvaltning, period, user, uploaded_at, file_name, digest,
                                   len(activities) + len(indicators))
        con.execute("INSERT OR IGNORE INTO files VALUES (?, ?, ?)", [digest, data, len(data)])
        _insert_rows(con, "activities", ACTIVITY_COLS, _activity_rows(upload_id, forvaltning, period, activities))
        _insert_rows(con, "indicator_values", INDICATOR_COLS, [
            (upload_id, i["indikator"], i["malomrade"], i["enhet"], i["riktning"], i["malvarde"], i["malar"],
             i["kalla"], i["ar"], i["varde"], i.get("serie") or own_series, i.get("kpi"), i.get("fetched_at"),
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

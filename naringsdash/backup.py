"""Backups that restore: every table as Parquet, the sequences, the schema version, and a manifest.

``create()`` holds the database file for one consistent read (one ``store.connect``, one transaction; the
app and other commands wait meanwhile, as for any unit of work) and writes a new directory
``naringsdash-YYYYMMDDTHHMMSSZ`` under the chosen folder:

- ``<table>.parquet`` for every table of the database, found in the catalogue (so tables added by later
  migrations are included without a change here); the uploaded original files are the ``files`` table;
- ``referens.toml``, a copy of the reference data and settings, when the file exists;
- ``manifest.json``: format, created time, schema version, per table its row count and ``CREATE`` statement,
  per sequence its last value, and the SHA-256 of every other file.

``restore()`` checks every checksum first, then builds the database in a temporary file next to the target:
the schema at the backup's version (the same migrations the app runs), every table loaded by column name,
each sequence advanced to its saved value (so the next upload gets a new id), the remaining migrations,
and finally links the file into place, never over an existing file. Directories are created 0700 and
files 0600: the backup holds password hashes and every uploaded file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import config, store

FORMAT = "naringsdash-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
REFERENCE = "referens.toml"
PREFIX = "naringsdash-"
NAME_RE = re.compile(r"naringsdash-\d{8}T\d{6}Z(-\d+)?")


class BackupError(Exception):
    """A backup could not be made or restored; the message is Swedish and nothing was changed."""


@dataclass
class BackupResult:
    path: Path
    tables: dict[str, int] = field(default_factory=dict)
    schema_version: int = 0
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    db: Path
    source: Path
    tables: dict[str, int] = field(default_factory=dict)
    schema_version: int = 0
    config: Path | None = None


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700)
    os.chmod(path, 0o700)


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _literal(path: Path) -> str:
    """A path as an SQL string literal (COPY and read_parquet take no bound parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _new_dir(out: Path, now: dt.datetime) -> Path:
    stem = PREFIX + now.strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 1000):
        name = stem if n == 1 else f"{stem}-{n}"
        if not (out / name).exists() and not (out / f".{name}.partial").exists():
            return out / name
    raise BackupError(f"Kunde inte välja ett namn för säkerhetskopian i {out}.")


def create(out: str | os.PathLike, db: store.Store, keep: int | None = None,
           now: dt.datetime | None = None) -> BackupResult:
    """A new backup directory under ``out`` (created 0700 if missing); with ``keep``, only the newest
    ``keep`` backups there are kept afterwards."""
    if keep is not None and keep < 1:
        raise BackupError("--keep måste vara minst 1.")
    db_path = store.Store.of(db).path
    if not db_path.exists():
        raise BackupError(f"Databasen finns inte: {db_path}.")
    out = Path(out)
    if not out.exists():
        out.mkdir(mode=0o700, parents=True)
        os.chmod(out, 0o700)
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    final = _new_dir(out, now)
    work = out / f".{final.name}.partial"
    _private_dir(work)
    try:
        manifest = _dump(work, db_path)
        manifest["created"] = now.isoformat().replace("+00:00", "Z")
        ref = config.config_path()
        if ref.exists():
            shutil.copyfile(ref, work / REFERENCE)
        for f in work.iterdir():
            os.chmod(f, 0o600)
        manifest["files"] = {f.name: _file_sha256(f) for f in sorted(work.iterdir())}
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.chmod(work / MANIFEST, 0o600)
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    result = BackupResult(path=final, tables={t: v["rows"] for t, v in manifest["tables"].items()},
                          schema_version=manifest["schema_version"])
    if keep is not None:
        result.removed = prune(out, keep)
    return result


def _dump(work: Path, db_path: Path) -> dict:
    """Every table and sequence of the database, read in one transaction while holding the file."""
    with store.connect(db_path) as con:
        with store.transaction(con):
            version = store.schema_version(con)
            tables = con.execute(
                "SELECT table_name, sql FROM duckdb_tables() WHERE database_name = current_database() "
                "AND schema_name = 'main' AND NOT temporary ORDER BY table_name").fetchall()
            sequences = con.execute(
                "SELECT sequence_name, last_value, sql FROM duckdb_sequences() WHERE database_name = "
                "current_database() AND schema_name = 'main' AND NOT temporary ORDER BY sequence_name").fetchall()
            out_tables = {}
            for name, ddl in tables:
                target = work / f"{name}.parquet"
                con.execute(f"COPY (SELECT * FROM {_ident(name)}) TO {_literal(target)} (FORMAT parquet)")
                rows = con.execute(f"SELECT count(*) FROM {_ident(name)}").fetchall()[0][0]
                out_tables[name] = {"rows": int(rows), "file": target.name, "sql": ddl}
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": version,
            "database": str(db_path), "tables": out_tables,
            "sequences": {name: {"last_value": last, "sql": ddl} for name, last, ddl in sequences}}


def backups(out: str | os.PathLike) -> list[Path]:
    """The complete backups in a folder, oldest first."""
    out = Path(out)
    if not out.is_dir():
        return []
    return sorted(p for p in out.iterdir() if p.is_dir() and NAME_RE.fullmatch(p.name) and (p / MANIFEST).is_file())


def prune(out: str | os.PathLike, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` backups made by this module in ``out``; → the removed ones."""
    if keep < 1:
        raise BackupError("--keep måste vara minst 1.")
    old = backups(out)[:-keep]
    for p in old:
        shutil.rmtree(p)
    return old


# --- Restore ----------------------------------------------------------------------------------------------

def _source(path: Path) -> Path:
    """The backup directory itself, or the newest backup in a folder of backups."""
    if (path / MANIFEST).is_file():
        return path
    found = backups(path)
    if not found:
        raise BackupError(f"Ingen säkerhetskopia hittades i {path} (manifest.json saknas).")
    return found[-1]


def verify(path: str | os.PathLike) -> dict:
    """The manifest of a backup whose every file has its recorded checksum; BackupError otherwise."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError(f"Säkerhetskopian i {path} saknar ett läsbart manifest.json. Inget återställdes.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} är inte en säkerhetskopia av Näringsdash. Inget återställdes.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Säkerhetskopian har ett okänt format (version {manifest.get('format_version')}). "
                          "Inget återställdes.")
    files = manifest.get("files") or {}
    tables = manifest.get("tables") or {}
    for name, spec in tables.items():
        if spec.get("file") not in files:
            raise BackupError(f"Säkerhetskopian är ofullständig: tabellen {name} saknar kontrollsumma. "
                              "Inget återställdes.")
    for name, digest in files.items():
        f = path / name
        if Path(name).name != name or not f.is_file():
            raise BackupError(f"Säkerhetskopian är ofullständig: filen {name} saknas. Inget återställdes.")
        if _file_sha256(f) != digest:
            raise BackupError(f"Säkerhetskopian är skadad eller ändrad: kontrollsumman för {name} stämmer inte. "
                              "Inget återställdes.")
    return manifest


def restore(source: str | os.PathLike, db: store.Store,
            config_out: str | os.PathLike | None = None) -> RestoreResult:
    """Restore a backup into a NEW database file (never over an existing one); see the module text."""
    target = store.Store.of(db).path
    if target.exists() or Path(f"{target}.wal").exists():
        raise BackupError(f"Filen {target} finns redan. Återställningen skriver aldrig över en befintlig databas; "
                          "ange en ny fil med --db.")
    if config_out is not None and Path(config_out).exists():
        raise BackupError(f"Filen {config_out} finns redan. Ange en ny fil för referensdatan.")
    src = _source(Path(source))
    manifest = verify(src)
    version = int(manifest.get("schema_version") or 0)
    if version > len(store.MIGRATIONS):
        raise BackupError(f"Säkerhetskopian har schemaversion {version}, men den här versionen av Näringsdash "
                          f"känner bara till {len(store.MIGRATIONS)}. Uppdatera Näringsdash först. Inget återställdes.")
    if config_out is not None and REFERENCE not in manifest["files"]:
        raise BackupError("Säkerhetskopian innehåller ingen referensdata (referens.toml).")
    if not target.parent.exists():
        target.parent.mkdir(mode=0o700, parents=True)
    work = target.parent / f".{target.name}.restoring-{os.getpid()}"
    for leftover in (work, Path(f"{work}.wal")):
        leftover.unlink(missing_ok=True)
    result = RestoreResult(db=target, source=src, schema_version=version)
    try:
        con = duckdb.connect(str(work))
        try:
            os.chmod(work, 0o600)
            store.migrate(con, upto=version)
            with store.transaction(con):
                result.tables = _load(con, src, manifest)
                _sequences(con, manifest.get("sequences") or {})
            store.migrate(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.chmod(work, 0o600)
        if config_out is not None:
            fd = os.open(config_out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write((src / REFERENCE).read_bytes())
            result.config = Path(config_out)
        try:
            os.link(work, target)  # no-clobber: fails if the target appeared meanwhile
        except BaseException:
            if result.config is not None:
                result.config.unlink(missing_ok=True)
            if target.exists():
                raise BackupError(f"Filen {target} finns redan. Inget återställdes.") from None
            raise
    except duckdb.Error as exc:
        raise BackupError(f"Säkerhetskopian kunde inte läsas in: {exc}. Inget återställdes.") from None
    finally:
        for leftover in (work, Path(f"{work}.wal")):
            leftover.unlink(missing_ok=True)
    return result


def _load(con, src: Path, manifest: dict) -> dict[str, int]:
    """Every table of the backup into the new database by column name; row counts checked."""
    existing = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall()}
    counts = {}
    for name, spec in manifest["tables"].items():
        if name not in existing:  # a table no migration creates (made at run time): its own statement
            con.execute(spec["sql"])
        con.execute(f"DELETE FROM {_ident(name)}")
        con.execute(f"INSERT INTO {_ident(name)} BY NAME SELECT * FROM read_parquet({_literal(src / spec['file'])})")
        n = con.execute(f"SELECT count(*) FROM {_ident(name)}").fetchall()[0][0]
        if n != spec["rows"]:
            raise BackupError(f"Tabellen {name} fick {n} rader men säkerhetskopian har {spec['rows']}. "
                              "Inget återställdes.")
        counts[name] = int(n)
    return counts


def _sequences(con, sequences: dict) -> None:
    """Each sequence advanced to its saved last value, so the next id is past every id in the backup."""
    have = {r[0]: r[1:] for r in con.execute(
        "SELECT sequence_name, start_value, increment_by, last_value FROM duckdb_sequences() "
        "WHERE database_name = current_database() AND schema_name = 'main'").fetchall()}
    for name, spec in sequences.items():
        if name not in have:
            con.execute(spec["sql"])
            have[name] = con.execute("SELECT start_value, increment_by, last_value FROM duckdb_sequences() "
                                     "WHERE sequence_name = ?", [name]).fetchall()[0]
        target = spec.get("last_value")
        if target is None:
            continue
        start, step, last = have[name]
        current = last if last is not None else start - step
        calls = (int(target) - int(current)) // int(step)
        if calls > 0:
            got = con.execute(f"SELECT max(nextval({_literal(name)})) FROM range(?)", [calls]).fetchall()[0][0]
            if got != target:
                raise BackupError(f"Sekvensen {name} kunde inte återställas. Inget återställdes.")

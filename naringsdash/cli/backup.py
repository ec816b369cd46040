"""The ``backup`` and ``restore`` commands: ``python -m naringsdash backup --out KATALOG [--keep N]`` (a consistent
copy while the app runs) and ``restore KATALOG --db NY.duckdb [--config FIL]`` (only into a new database file).
Exit 0, or 1 with a Swedish message on stderr."""

from __future__ import annotations

import sys


def register(subparsers, common) -> None:
    """The ``backup`` and ``restore`` commands (hook called by ``cli.build_parser``, also for the core commands)."""
    bak = subparsers.add_parser("backup", parents=[common], help="säkerhetskopiera databasen (går medan appen körs)")
    bak.add_argument("--out", required=True, metavar="KATALOG", help="katalog där en ny säkerhetskopia skapas")
    bak.add_argument("--keep", type=int, metavar="N", help="behåll bara de N senaste säkerhetskopiorna i katalogen")
    bak.set_defaults(func=cmd_backup)

    res = subparsers.add_parser("restore", parents=[common], help="återställ en säkerhetskopia till en NY databasfil")
    res.add_argument("dir", metavar="KATALOG", help="säkerhetskopian (eller katalogen med säkerhetskopior: "
                                                    "den senaste används)")
    res.add_argument("--config", dest="config_out", metavar="FIL", help="skriv även referensdatan till en ny fil")
    res.set_defaults(func=cmd_restore)


def _attempt(work, cannot: str):
    """``work()`` → its result, or None after saying on stderr why not (a refused backup, or the disk: ``cannot``
    names what failed, with ``{reason}`` and ``{file}`` from the OSError)."""
    from .. import backup

    try:
        return work()
    except backup.BackupError as exc:
        print(str(exc), file=sys.stderr)
    except OSError as exc:
        print(cannot.format(reason=exc.strerror, file=exc.filename), file=sys.stderr)
    return None


def cmd_backup(args) -> int:
    from .. import backup

    res = _attempt(lambda: backup.create(args.out, db=args.db, keep=args.keep),
                   "Säkerhetskopian kunde inte skrivas: {reason} ({file}).")
    if res is None:
        return 1
    print(f"Säkerhetskopia skriven: {res.path} (schemaversion {res.schema_version}, "
          f"{len(res.tables)} tabeller, {sum(res.tables.values())} rader).")
    for p in res.removed:
        print(f"Gammal säkerhetskopia borttagen: {p}")
    return 0


def cmd_restore(args) -> int:
    from .. import backup

    res = _attempt(lambda: backup.restore(args.dir, db=args.db, config_out=args.config_out),
                   "Återställningen misslyckades: {reason} ({file}). Inget återställdes.")
    if res is None:
        return 1
    print(f"Återställd från {res.source} till {res.db} (schemaversion {res.schema_version}, "
          f"{sum(res.tables.values())} rader i {len(res.tables)} tabeller).")
    if res.config:
        print(f"Referensdata skriven till {res.config}.")
    return 0

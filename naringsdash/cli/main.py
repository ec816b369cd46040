"""The command line: ``python -m naringsdash import|export|template|demo …`` (contract §4)."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from typing import TYPE_CHECKING

from .. import config
from ..errors import UserError
from . import backup
from .args import UsageError, _arg, _forvaltning, _forvaltning_raw, _out, _period, import_one, print_outcome

if TYPE_CHECKING:
    from .. import ingest
    from ..plan.model import PlanResult

# Each command imports what it uses when it runs, and the parser registers the command groups in other modules
# only when one of them (or help) is asked for: ``import`` never loads pandas, plotly or the report writers.
CORE_COMMANDS = {"import", "export", "template", "demo", "backup", "restore"}


def cmd_import(args) -> int:
    from ..ingest import parse_worker

    all_ok = True
    # One reading process for the whole batch, started first so that Python's start and its imports run while
    # ours (DuckDB, the pipeline) do; a file that crashes it costs only that worker (the next file gets a new
    # one). The files share one connection to the database, given up between files once it has been held for
    # HOLD_S, so the app is never kept waiting long.
    with parse_worker.batch(), contextlib.ExitStack() as held:
        from .. import ingest, store

        since = time.monotonic()
        held.enter_context(store.one_connection())
        for name in args.files:
            if time.monotonic() - since > HOLD_S:
                held.close()
                held.enter_context(store.one_connection())
                since = time.monotonic()
            all_ok &= import_one(name, lambda n: ingest.import_file(
                n, db=args.db, forvaltning=args.forvaltning, period=args.period, user=args.user,
                dry_run=args.dry_run), ingest.ImportResult, lambda r: _print_human(r, args.dry_run), args.json)
    return 0 if all_ok else 1


HOLD_S = 1.0


def _print_human(res: ingest.ImportResult | PlanResult, dry_run: bool) -> None:
    saved = str(res.upload_id) if res.identical else f"sparad som uppladdning {res.upload_id}"
    print_outcome(res, dry_run, saved)


def cmd_export(args) -> int:
    from .. import export
    from ..store import queries

    if args.indicators:
        cols, rows = queries.export_indicators(args.db)
        _out(args, export.canonical_csv(cols, rows))
        return 0
    period = args.period or queries.latest_period(args.db)
    if period is None:
        cols, rows = list(export_columns()), []
    else:
        cols, rows = queries.export_activities(period, args.db)
    if args.format == "xlsx":
        import pandas as pd

        df = pd.DataFrame(rows, columns=cols)
        _out(args, export.xlsx_bytes({"Aktiviteter": df}, title=f"Näringsdash {period or ''}"))
    else:
        _out(args, export.canonical_csv(cols, rows))
    return 0


def export_columns():
    from ..schema import EXPORT_COLUMNS

    return EXPORT_COLUMNS


def cmd_template(args) -> int:
    from ..ingest.template import template_bytes

    _out(args, template_bytes(args.forvaltning, args.period, db=args.db))
    print(f"Mall skriven till {args.out}.", file=sys.stderr)
    return 0


def cmd_demo(args) -> int:
    from .. import demo

    results = demo.load(args.db)
    bad = [r for r in results if not r.ok]
    new = sum(1 for r in results if r.ok and not r.identical)
    print(f"Demodata: {len(results)} filer, {new} nya uppladdningar, {len(bad)} fel.")
    for r in bad:
        _print_human(r, False)
    return 0 if not bad else 1


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; given one of CORE_COMMANDS only the core commands (the other groups are not imported)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="databasfil (annars NARINGSDASH_DB, annars data/naringsdash.duckdb)")
    p = argparse.ArgumentParser(prog="python -m naringsdash", description="Näringsdash: uppföljning av "
                                "handlingsplanen för näringslivsarbetet.", parents=[common])
    sub = p.add_subparsers(dest="command", required=True)

    imp = sub.add_parser("import", parents=[common], help="validera och läs in uppföljningsfiler")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--forvaltning", type=_arg(_forvaltning_raw))
    imp.add_argument("--period", type=_arg(_period))
    imp.add_argument("--user")
    imp.add_argument("--dry-run", action="store_true", help="kontrollera utan att spara")
    imp.add_argument("--json", action="store_true", help="ett JSON-objekt per fil och rad")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", parents=[common], help="exportera aktuellt läge eller indikatorer")
    exp.add_argument("--period", type=_arg(_period))
    exp.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    exp.add_argument("--indicators", action="store_true")
    exp.add_argument("--out")
    exp.set_defaults(func=cmd_export)

    tpl = sub.add_parser("template", parents=[common], help="skriv en (förifylld) uppföljningsmall")
    tpl.add_argument("--forvaltning", required=True, type=_arg(_forvaltning))
    tpl.add_argument("--period", required=True, type=_arg(_period))
    tpl.add_argument("--out", required=True)
    tpl.set_defaults(func=cmd_template)

    dem = sub.add_parser("demo", parents=[common], help="läs in demodata (idempotent)")
    dem.set_defaults(func=cmd_demo)

    backup.register(sub, common)  # small and cheap to load: a core command group

    if command not in CORE_COMMANDS:
        from . import audit, closing, kolada, loop, plan, report, users

        for register in (users.register, report.register, kolada.register, plan.register, audit.register,
                         closing.register, loop.register):
            register(sub, common)
    return p


def _command(argv: list[str] | None) -> str | None:
    """The command word of ``argv`` (None for help or when there is none), without the full parser."""
    words = sys.argv[1:] if argv is None else argv
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--db":
            skip = True
        elif word in ("-h", "--help"):
            return None
        elif not word.startswith("-"):
            return word
    return None


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # UTF-8 whatever the locale (CSV, JSON and messages are Swedish)
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser(_command(argv))
    args = parser.parse_args(argv)
    # The one place the command line decides the database: --db, else NARINGSDASH_DB, else the default file. A path
    # (every store function takes a Store or a path): importing the Store would load DuckDB before the import
    # command has started its reading process.
    args.db = config.db_path(getattr(args, "db", None))
    try:
        return args.func(args)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except UserError as exc:  # a busy database, a refused setting, a refused permission …: said in Swedish
        print(str(exc), file=sys.stderr)
        return 1

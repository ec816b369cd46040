"""The ``plan`` command group: ``python -m naringsdash plan import|export|template``.

    plan import FILE… [--year ÅÅÅÅ] [--user NAMN] [--dry-run] [--json]   exit 0 accepted, 1 rejected, 2 usage
    plan export --year ÅÅÅÅ [--format csv|xlsx] [--out FIL]              exit 0, 1 when there is no such plan
    plan template [--year ÅÅÅÅ] --out FIL                                 an empty plan workbook
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from .. import export, plan, store
from ..config import current_reference
from ..plan.sheet import plan_workbook_bytes
from .args import import_one, print_outcome


def _year(value: str) -> int:
    if not value.strip().isdigit() or not 1990 <= int(value) <= 2100:
        raise argparse.ArgumentTypeError(f"Ogiltigt år: {value!r} (t.ex. 2027).")
    return int(value)


def _out(out: str | None, data: bytes | str) -> None:
    if out:
        Path(out).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)


def cmd_import(args) -> int:
    all_ok = True
    for name in args.files:
        all_ok &= import_one(name, lambda n: plan.import_plan_file(n, db=args.db, year=args.year, user=args.user,
                                                                   dry_run=args.dry_run),
                             partial(plan.PlanResult, year=args.year), lambda r: print_result(r, args.dry_run), args.json)
    return 0 if all_ok else 1


def print_result(res: plan.PlanResult, dry_run: bool = False) -> None:
    saved = str(res.plan_id) if res.identical else f"sparad som version {res.plan_id}"
    print_outcome(res, dry_run, saved, f"aktiviteter i handlingsplan {res.year}")


def cmd_export(args) -> int:
    fmt = args.format or ("xlsx" if (args.out or "").lower().endswith(".xlsx") else "csv")
    data: bytes | str | None
    with store.connect(args.db) as con:
        if fmt == "xlsx":
            data = plan.workbook(con, args.year)
        else:
            rows = plan.export_rows(con, args.year)
            data = None if rows is None else export.canonical_csv(*rows)
    if data is None:
        print(f"Det finns ingen handlingsplan för {args.year}.", file=sys.stderr)
        return 1
    _out(args.out, data)
    return 0


def cmd_template(args) -> int:
    _out(args.out, plan_workbook_bytes(current_reference(), year=args.year))
    print(f"Mall för handlingsplanen skriven till {args.out}.", file=sys.stderr)
    return 0


def register(sub, common: argparse.ArgumentParser) -> None:
    """Add ``plan`` and its sub-commands to the main parser (called from cli.build_parser)."""
    p = sub.add_parser("plan", parents=[common], help="handlingsplanen: läs in, exportera, mall")
    psub = p.add_subparsers(dest="plan_command", required=True)

    imp = psub.add_parser("import", parents=[common], help="validera och läs in en handlingsplan")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--year", type=_year, help="planens år (annars År i bladet Info)")
    imp.add_argument("--user")
    imp.add_argument("--dry-run", action="store_true", help="kontrollera utan att spara")
    imp.add_argument("--json", action="store_true", help="ett JSON-objekt per fil och rad")
    imp.set_defaults(func=cmd_import)

    exp = psub.add_parser("export", parents=[common], help="exportera ett års handlingsplan")
    exp.add_argument("--year", type=_year, required=True)
    exp.add_argument("--format", choices=["csv", "xlsx"], help="standard: xlsx när --out slutar på .xlsx, annars csv")
    exp.add_argument("--out")
    exp.set_defaults(func=cmd_export)

    tpl = psub.add_parser("template", parents=[common], help="skriv en tom mall för handlingsplanen")
    tpl.add_argument("--year", type=_year)
    tpl.add_argument("--out", required=True)
    tpl.set_defaults(func=cmd_template)

"""The ``synpunkter`` command: ``python -m naringsdash synpunkter import FILE… [--json]`` and
``synpunkter export [--out FILE]`` ."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import auth, export, ingest, synpunkter
from .args import import_one, print_outcome


def cmd_import(args) -> int:
    user = auth.User(args.user or ingest.default_user(), "admin")  # the command line writes as an administrator
    all_ok = True
    for name in args.files:
        all_ok &= import_one(name, lambda n: synpunkter.import_file(n, user, db=args.db, dry_run=args.dry_run),
                             ingest.ImportResult, lambda r: print_outcome(r, args.dry_run, "sparade", "synpunkter"),
                             args.json)
    return 0 if all_ok else 1


def cmd_export(args) -> int:
    """An .xlsx (the ``Synpunkter`` sheet) for ``--out *.xlsx``; otherwise CSV with the same headers."""
    if args.out and Path(args.out).suffix.lower() == ".xlsx":
        Path(args.out).write_bytes(synpunkter.export_xlsx(args.db))
        print(f"Synpunkter skrivna till {args.out}.", file=sys.stderr)
        return 0
    df = synpunkter.export_frame(args.db)
    text = export.canonical_csv(list(df.columns), [tuple(r) for r in df.itertuples(index=False)])
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def register(subparsers, common) -> None:
    syn = subparsers.add_parser("synpunkter", parents=[common], help="synpunkter från näringslivet: import och export")
    sub = syn.add_subparsers(dest="synpunkter_command", required=True)
    imp = sub.add_parser("import", parents=[common], help="läs in ett blad Synpunkter (allt eller inget)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--user", help="vem som läser in (annars inloggningsnamnet)")
    imp.add_argument("--dry-run", action="store_true", help="kontrollera utan att spara")
    imp.add_argument("--json", action="store_true", help="ett JSON-objekt per fil och rad")
    imp.set_defaults(func=cmd_import)
    exp = sub.add_parser("export", parents=[common], help="alla synpunkter (CSV, eller .xlsx med --out FIL.xlsx)")
    exp.add_argument("--out")
    exp.set_defaults(func=cmd_export)


"""The command line: ``python -m naringsdash import|export|template|demo …`` (contract §4)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import config, export, ingest, queries, store
from .config import load_reference, parse_period


class UsageError(Exception):
    pass


def _period(value: str | None) -> str | None:
    if value is None:
        return None
    p = parse_period(value)
    if p is None:
        raise UsageError(f"Okänd period: {value!r} (t.ex. 2025-T2, T1 2025, Delår 2025, Helår 2025).")
    return p


def _forvaltning(value: str | None) -> str | None:
    if value is None:
        return None
    code = load_reference().forvaltning_code(value)
    if code is None:
        raise UsageError(f"Okänd förvaltning: {value!r}.")
    return code


def cmd_import(args) -> int:
    all_ok = True
    for name in args.files:
        try:
            res = ingest.import_file(name, db=args.db, forvaltning=args.forvaltning, period=args.period,
                                     user=args.user, dry_run=args.dry_run)
        except store.DatabaseBusy as exc:
            res = ingest.ImportResult(file=name, ok=False, errors=[ingest.Issue("busy", str(exc))])
        all_ok &= res.ok
        if args.json:
            print(json.dumps(res.as_json(), ensure_ascii=False), flush=True)
        else:
            _print_human(res, args.dry_run)
    return 0 if all_ok else 1


def _print_human(res: ingest.ImportResult, dry_run: bool) -> None:
    if res.ok:
        what = "kontrollerad (inget sparat)" if dry_run else (
            f"identisk med nuvarande version {res.upload_id}, ingen ny version" if res.identical
            else f"sparad som uppladdning {res.upload_id}")
        print(f"OK  {res.file}: {res.rows} rader, {what}.")
    else:
        print(f"FEL {res.file}: {len(res.errors)} fel, ingenting sparat.")
    for e in res.errors:
        print(f"  fel: {e}")
    for w in res.warnings:
        if w.code != "identical":
            print(f"  varning: {w}")


def _out(args, data: bytes | str) -> None:
    if args.out:
        Path(args.out).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    elif isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)


def cmd_export(args) -> int:
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
    from .schema import EXPORT_COLUMNS

    return EXPORT_COLUMNS


def cmd_template(args) -> int:
    from .template import template_bytes

    _out(args, template_bytes(args.forvaltning, args.period, db=args.db))
    print(f"Mall skriven till {args.out}.", file=sys.stderr)
    return 0


def cmd_demo(args) -> int:
    from . import demo

    results = demo.load(args.db)
    bad = [r for r in results if not r.ok]
    new = sum(1 for r in results if r.ok and not r.identical)
    print(f"Demodata: {len(results)} filer, {new} nya uppladdningar, {len(bad)} fel.")
    for r in bad:
        _print_human(r, False)
    return 0 if not bad else 1


def build_parser() -> argparse.ArgumentParser:
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

    for register in _extensions():
        register(sub, common)
    return p


def _forvaltning_raw(value: str) -> str:
    """Checked here for a usage error; the validation resolves it again against the workbook."""
    _forvaltning(value)
    return value


def _arg(fn):
    def parse(value):
        try:
            return fn(value)
        except UsageError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = fn.__name__.strip("_")
    return parse


def _extensions():
    """Sub-commands contributed by other modules (users, report, kolada, synpunkter) when present."""
    import importlib

    for mod in ("naringsdash.auth", "naringsdash.report", "naringsdash.kolada", "naringsdash.loop_cli"):
        try:
            m = importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise
            continue
        if hasattr(m, "register_cli"):
            yield m.register_cli


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # UTF-8 whatever the locale (CSV, JSON and messages are Swedish)
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = str(config.db_path(getattr(args, "db", None)))
    try:
        return args.func(args)
    except store.DatabaseBusy as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2

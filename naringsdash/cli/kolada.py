"""``python -m naringsdash kolada sync [--years 2015-2025] [--json]``."""

from __future__ import annotations

import argparse
import json
import sys

from ..kolada import parse_years, sync


def _years_arg(value: str) -> list[int]:
    try:
        return parse_years(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"Okända år: {value!r} (t.ex. 2015-2025 eller 2024).") from None


def cmd_sync(args) -> int:
    def show(fraction: float, text: str) -> None:
        print(f"{round(fraction * 100):3d} %  {text}", file=sys.stderr, flush=True)

    res = sync(args.db, years=args.years, progress=None if args.json else show, user=args.user or "Kolada")
    if args.json:
        print(json.dumps(res.as_json(), ensure_ascii=False), flush=True)
    else:
        print(("OK  " if res.ok else "FEL ") + res.message)
        for w in res.warnings:
            print(f"  varning: {w}")
    return 0 if res.ok else 1


def register(subparsers, common) -> None:
    """``python -m naringsdash kolada sync [--years 2015-2025] [--json]`` ."""
    p = subparsers.add_parser("kolada", parents=[common], help="indikatorer från Kolada (öppna data)")
    sub = p.add_subparsers(dest="kolada_command", required=True)
    s = sub.add_parser("sync", parents=[common], help="hämta katalogens nyckeltal för kommunen, riket och "
                                                      "liknande kommuner")
    s.add_argument("--years", type=_years_arg, metavar="ÅR-ÅR",
                   help="år att hämta, t.ex. 2015-2025 (standard: från [kolada] ar_fran till i år)")
    s.add_argument("--json", action="store_true", help="ett JSON-objekt med resultatet")
    s.add_argument("--user", help="namn i uppladdningshistoriken (standard: Kolada)")
    s.set_defaults(func=cmd_sync)

"""The ``report`` command: ``python -m naringsdash report --period P --format pdf|xlsx|docx --out FILE``.

Also the Rapport page's worker: with ``--progress`` it prints one line per step on standard output,
``progress <fraction> <what>``, so the page can show a bar while the report is built in this separate process
(the server's memory stays where it was). ``--today`` (ISO date) fixes the day the report counts from.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .. import config, periods
from ..report import FORMATS, ReportError, build
from .args import UsageError, _arg, _period


def _progress(fraction: float, what: str) -> None:
    print(f"progress {fraction:.2f} {what}", flush=True)


def cmd_report(args) -> int:
    # Without --period: the newest complete period (issue 10), not a period still being reported.
    period = args.period or periods.newest_complete_period(args.db)
    if period is None:
        print("Det finns ingen uppföljning i databasen att rapportera.", file=sys.stderr)
        return 1
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "")
    if fmt not in FORMATS:
        raise UsageError(f"Ange --format pdf, xlsx eller docx (fick {fmt or 'inget'}).")
    timings: dict = {}
    try:
        data = build(period, fmt, args.db, args.today, timings=timings,
                     progress=_progress if args.progress else None)
    except ReportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    out = Path(args.out)
    try:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(out)  # a reader of --out never sees half a file
    except OSError as exc:
        print(f"Kunde inte skriva {out}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    print(f"Rapport för {config.period_label(period)} skriven till {out} ({len(data) // 1024} kB, "
          f"{timings.get('total_s', 0):.1f} s).", file=sys.stderr)
    return 0


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"Okänt datum: {value!r} (ÅÅÅÅ-MM-DD).") from None


def register(subparsers, common) -> None:
    """The ``report`` command (hook called by ``cli.build_parser``)."""
    rep = subparsers.add_parser("report", parents=[common], help="rapport till kommunstyrelsen (pdf, xlsx, docx)")
    rep.add_argument("--period", type=_arg(_period), help="standard: den senaste kompletta perioden")
    rep.add_argument("--format", choices=FORMATS, help="standard: filändelsen i --out")
    rep.add_argument("--out", required=True, help="filen som skrivs")
    rep.add_argument("--progress", action="store_true", help="skriv förloppet på standard ut (för appen)")
    rep.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    rep.set_defaults(func=cmd_report)

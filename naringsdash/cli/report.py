"""``python -m naringsdash report --period P --format pdf|xlsx|docx --out FILE``: the report to kommunstyrelsen."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import config, periods
from ..report import FORMATS, ReportError, build
from .args import UsageError, _arg, _period


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
        data = build(period, fmt, args.db, timings=timings)
    except ReportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(f"Kunde inte skriva {out}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    print(f"Rapport för {config.period_label(period)} skriven till {out} ({len(data) // 1024} kB, "
          f"{timings.get('total_s', 0):.1f} s).", file=sys.stderr)
    return 0


def register(subparsers, common) -> None:
    """The ``report`` command."""
    rep = subparsers.add_parser("report", parents=[common], help="rapport till kommunstyrelsen (pdf, xlsx, docx)")
    rep.add_argument("--period", type=_arg(_period), help="standard: den senaste kompletta perioden")
    rep.add_argument("--format", choices=FORMATS, help="standard: filändelsen i --out")
    rep.add_argument("--out", required=True, help="filen som skrivs")
    rep.set_defaults(func=cmd_report)

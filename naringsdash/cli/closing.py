"""Issue 16's commands: the reporting calendar, reminders, closing and approving a period, open data.

    period status [PERIOD]                                 deadlines, closed or open, approved versions
    period deadline PERIOD (ÅÅÅÅ-MM-DD | --default) [--user NAMN]
    period close PERIOD [--reason TEXT] [--user NAMN]      a period that is not complete needs --reason
    period reopen PERIOD --reason TEXT [--user NAMN]
    period approve PERIOD --dnr DNR --ks-date ÅÅÅÅ-MM-DD [--user NAMN]   fastställ: PDF, Excel, Word stored once
    period files PERIOD --out DIR [--version N]           the approved files exactly as stored
    remind [--dry-run]                                     send the reminders that are due (the daily timer)
    publish --period PERIOD --out DIR                      the open-data package of a closed period

Exit status 0 done, 1 refused (the Swedish reason on standard error), 2 usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .. import calendar, closing, config, opendata, reminders, store, wording
from ..config import current_reference
from ..ingest.pipeline import default_user
from .args import _arg, _period


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"Okänt datum: {value!r} (ÅÅÅÅ-MM-DD).") from None


def cmd_status(args) -> int:
    ref = current_reference()
    with store.connect(args.db) as con:
        periods = [args.period] if args.period else sorted(
            {p for (p,) in con.execute(store.sql("periods")).fetchall()} | set(closing.closed_periods(con)))
        for p in periods:
            due = calendar.deadline(con, p, ref)
            closure = closing.current_closure(con, p)
            lacking = closing.missing(con, p, ref)
            state = (f"stängd {wording.date(closure.closed_at)} av {closure.closed_by}" if closure else "öppen")
            print(f"{p}  sista dag {wording.date(due)}  {state}  "
                  f"{'komplett' if not lacking else 'saknas: ' + ', '.join(lacking)}")
            for a in closing.approved_versions(con, p):
                print(f"    version {a.version}: {a.note}{'' if a.current else ' (perioden har öppnats igen)'}")
                for f in a.files:
                    print(f"      {f.file_name}  SHA-256 {f.sha256}")
    return 0


def cmd_deadline(args) -> int:
    if (args.date is None) == (not args.default):
        print("Ange antingen ett datum (ÅÅÅÅ-MM-DD) eller --default.", file=sys.stderr)
        return 2
    with store.connect(args.db) as con:
        calendar.set_deadline(con, args.period, args.date, args.user or default_user())
        due = calendar.deadline(con, args.period)
    print(f"Sista dag för inrapportering för {config.period_label(args.period)}: {wording.date(due)}.")
    return 0


def cmd_close(args) -> int:
    with store.connect(args.db) as con:
        c = closing.close(con, args.period, args.user or default_user(), args.reason)
    print(f"{config.period_label(c.period)} är stängd för inrapportering"
          f"{'' if c.complete else ' (inte komplett: ' + (c.reason or '') + ')'}.")
    return 0


def cmd_reopen(args) -> int:
    with store.connect(args.db) as con:
        closing.reopen(con, args.period, args.user or default_user(), args.reason)
    print(f"{config.period_label(args.period)} är öppen för inrapportering igen.")
    return 0


def cmd_approve(args) -> int:
    from .. import report

    a = closing.approve(args.period, args.dnr, args.ks_date, args.user or default_user(), db=args.db,
                        build=lambda p, fmt: report.build(p, fmt, args.db))
    print(f"Rapporten för {config.period_label(a.period)} är fastställd (version {a.version}): {a.note}.")
    for f in a.files:
        print(f"  {f.file_name}  {f.size // 1024} kB  SHA-256 {f.sha256}")
    return 0


def cmd_files(args) -> int:
    with store.connect(args.db) as con:
        versions = closing.approved_versions(con, args.period)
        pick = next((a for a in versions if args.version in (None, a.version)), None)
        if pick is None:
            print(f"Ingen fastställd rapport för {config.period_label(args.period)}"
                  f"{f' i version {args.version}' if args.version else ''}.", file=sys.stderr)
            return 1
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for f in pick.files:
            name, data, digest = closing.approved_file(con, pick.id, f.fmt)
            (out / name).write_bytes(data)
            print(f"{out / name}  SHA-256 {digest}")
    return 0


def cmd_remind(args) -> int:
    results, warnings = reminders.run(args.db, today=args.today, dry_run=args.dry_run)
    for w in warnings:
        print(f"varning: {w}", file=sys.stderr)
    for r in results:
        rem = r.reminder
        print(f"{r.outcome:9} {rem.period} {rem.forvaltning} {rem.kind:5} {rem.recipient}"
              f"{'  ' + r.detail if r.detail else ''}")
    failed = sum(r.outcome == reminders.FAILED for r in results)
    if args.dry_run:
        print(f"Påminnelser: {len(results)} att skicka (provkörning, inget skickat).", file=sys.stderr)
    else:
        print(f"Påminnelser: {len(results) - failed} skickade, {failed} misslyckades.", file=sys.stderr)
    return 1 if failed else 0


def cmd_publish(args) -> int:
    written = opendata.write(args.period, args.out, db=args.db)
    print(f"Öppna data för {config.period_label(args.period)} skrivna till {args.out}: "
          f"{', '.join(p.name for p in written)}.", file=sys.stderr)
    return 0


def register(subparsers, common) -> None:
    """The ``period``, ``remind`` and ``publish`` commands (hook called by ``cli.build_parser``)."""
    per = subparsers.add_parser("period", parents=[common], help="sista dag, stänga, öppna och fastställa perioder")
    sub = per.add_subparsers(dest="period_command", required=True)
    period = {"type": _arg(_period), "help": "t.ex. 2025-T3 eller Helår 2025"}

    stat = sub.add_parser("status", parents=[common], help="sista dag, stängd eller öppen, fastställda versioner")
    stat.add_argument("period", nargs="?", **period)
    stat.set_defaults(func=cmd_status)

    dl = sub.add_parser("deadline", parents=[common], help="sätt sista dag för inrapportering")
    dl.add_argument("period", **period)
    dl.add_argument("date", nargs="?", type=_date, help="ÅÅÅÅ-MM-DD")
    dl.add_argument("--default", action="store_true", help="tillbaka till standardregeln (deadline_dagar)")
    dl.add_argument("--user")
    dl.set_defaults(func=cmd_deadline)

    cl = sub.add_parser("close", parents=[common], help="stäng perioden för inrapportering")
    cl.add_argument("period", **period)
    cl.add_argument("--reason", help="motivering (krävs när perioden inte är komplett)")
    cl.add_argument("--user")
    cl.set_defaults(func=cmd_close)

    ro = sub.add_parser("reopen", parents=[common], help="öppna en stängd period igen")
    ro.add_argument("period", **period)
    ro.add_argument("--reason", required=True, help="motivering (krävs)")
    ro.add_argument("--user")
    ro.set_defaults(func=cmd_reopen)

    ap = sub.add_parser("approve", parents=[common], help="fastställ rapporten för en stängd period")
    ap.add_argument("period", **period)
    ap.add_argument("--dnr", required=True, help="diarienummer, t.ex. \"KS 2027/123\"")
    ap.add_argument("--ks-date", required=True, type=_date, help="kommunstyrelsens sammanträde, ÅÅÅÅ-MM-DD")
    ap.add_argument("--user")
    ap.set_defaults(func=cmd_approve)

    fi = sub.add_parser("files", parents=[common], help="skriv den fastställda rapportens filer, exakt som sparade")
    fi.add_argument("period", **period)
    fi.add_argument("--out", required=True, help="katalog")
    fi.add_argument("--version", type=int, help="standard: den senaste")
    fi.set_defaults(func=cmd_files)

    rem = subparsers.add_parser("remind", parents=[common], help="skicka påminnelser som är aktuella i dag")
    rem.add_argument("--dry-run", action="store_true", help="visa vad som skulle skickas, skicka inget")
    rem.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    rem.set_defaults(func=cmd_remind)

    pub = subparsers.add_parser("publish", parents=[common], help="öppna data för en stängd period")
    pub.add_argument("--period", required=True, **period)
    pub.add_argument("--out", required=True, help="katalog")
    pub.set_defaults(func=cmd_publish)

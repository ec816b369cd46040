"""The ``audit`` command: ``python -m naringsdash audit [--since DATUM] [--until DATUM] [--action A] [--user NAMN]
[--json]`` prints the audit log, newest first (exit 0; 2 for a bad date or action)."""

from __future__ import annotations

import datetime as dt
import json

from .. import audit


def register(subparsers, common) -> None:
    """The ``audit`` command (hook called by ``cli.build_parser``)."""
    p = subparsers.add_parser("audit", parents=[common], help="visa granskningsloggen (vem gjorde vad och när)")
    p.add_argument("--since", metavar="DATUM", help="från och med dag, t.ex. 2025-06-01")
    p.add_argument("--until", metavar="DATUM", help="till och med dag")
    p.add_argument("--action", action="append", metavar="HÄNDELSE",
                   help="bara den här händelsen (flera går bra): " + ", ".join(audit.ACTIONS))
    p.add_argument("--user", metavar="NAMN", help="bara händelser av den här användaren")
    p.add_argument("--limit", type=int, metavar="N", help="högst N händelser")
    p.add_argument("--json", action="store_true", help="ett JSON-objekt per händelse och rad")
    p.set_defaults(func=cmd_audit)


def _date(value: str | None, flag: str) -> dt.date | None:
    from .args import UsageError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"Okänt datum för {flag}: {value!r} (skriv t.ex. 2025-06-30).") from None


def cmd_audit(args) -> int:
    from .args import UsageError

    unknown = [a for a in args.action or [] if a not in audit.ACTIONS]
    if unknown:
        raise UsageError(f"Okänd händelse {unknown[0]!r}; finns: {', '.join(audit.ACTIONS)}.")
    events = audit.query(args.db, since=_date(args.since, "--since"), until=_date(args.until, "--until"),
                         action=args.action, actor=args.user, limit=args.limit)
    for e in events.itertuples(index=False):
        if args.json:
            print(json.dumps({"id": int(e.id), "tid": f"{e.at:%Y-%m-%dT%H:%M:%S}", "vem": e.actor,
                              "handelse": e.action, "galler": e.target, "detaljer": e.detail}, ensure_ascii=False))
        else:
            print("  ".join(x for x in (f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action_label, e.target, e.detail)
                            if x))
    if events.empty and not args.json:
        print("Inga händelser i granskningsloggen för urvalet.")
    return 0

"""The ``users`` command: ``python -m naringsdash users add|passwd|list|remove|update``.

So the first admin can be created from the shell. Passwords come from an interactive prompt or
``--password-stdin``; ``--password`` exists for scripts but warns. Exit 0 done, 1 refused, 2 usage.
"""

from __future__ import annotations

import getpass
import sys

from .. import auth
from ..auth import ROLE_LABELS, ROLES, UserError
from .args import UsageError

PASSWORD_WARNING = ("Varning: ett lösenord på kommandoraden syns i processlistan och skalets historik; "
                    "använd hellre --password-stdin eller frågan i terminalen.")


def register(subparsers, common) -> None:
    p = subparsers.add_parser("users", parents=[common], help="hantera användarkonton (lokala konton och roller)")
    sub = p.add_subparsers(dest="users_command", required=True, metavar="add|passwd|list|remove|update")

    add = sub.add_parser("add", parents=[common], help="lägg till en användare")
    add.add_argument("username", metavar="NAMN")
    add.add_argument("--role", required=True, choices=ROLES, help="admin, rapportor eller lasare")
    _profile_args(add)
    _password_args(add, sso_only=True)
    add.set_defaults(func=cmd_add)

    pw = sub.add_parser("passwd", parents=[common], help="sätt nytt lösenord (kontots inloggningar avslutas)")
    pw.add_argument("username", metavar="NAMN")
    _password_args(pw)
    pw.set_defaults(func=cmd_passwd)

    ls = sub.add_parser("list", parents=[common], help="lista användarna")
    ls.set_defaults(func=cmd_list)

    rm = sub.add_parser("remove", parents=[common], help="ta bort en användare")
    rm.add_argument("username", metavar="NAMN")
    rm.set_defaults(func=cmd_remove)

    up = sub.add_parser("update", parents=[common], help="ändra roll, förvaltningar, namn eller e-post")
    up.add_argument("username", metavar="NAMN")
    up.add_argument("--role", choices=ROLES)
    _profile_args(up)
    up.set_defaults(func=cmd_update)


def _profile_args(p) -> None:
    p.add_argument("--forvaltning", action="extend", nargs="+", metavar="KOD",
                   help="förvaltning(ar) för en rapportör: kod eller namn, flera går bra")
    p.add_argument("--email", help="e-postadress (kopplar inloggning med SSO till kontot)")
    p.add_argument("--name", help="visningsnamn")


def _password_args(p, sso_only: bool = False) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--password-stdin", action="store_true", help="läs lösenordet från första raden på standard in")
    g.add_argument("--password", help="lösenordet (för skript; syns i processlistan)")
    if sso_only:
        g.add_argument("--no-password", action="store_true", help="inget lösenord: loggar bara in med SSO")


def _read_password(args) -> str:


    if args.password is not None:
        print(PASSWORD_WARNING, file=sys.stderr)
        return args.password
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UsageError("Inget lösenord på standard in.")
        return line
    if not sys.stdin.isatty():
        raise UsageError("Ange lösenordet i terminalen eller med --password-stdin.")
    first = getpass.getpass("Lösenord: ")
    if first != getpass.getpass("Upprepa lösenordet: "):
        raise UserError("Lösenorden stämmer inte överens.")
    return first


def _refused(exc: Exception) -> int:
    print(f"Fel: {exc}", file=sys.stderr)
    return 1


def _describe(user: auth.User) -> str:
    parts = [ROLE_LABELS[user.role], *user.forvaltningar]
    return f"{user.username} ({', '.join(parts)})"


def cmd_add(args) -> int:
    try:
        password = None if args.no_password else _read_password(args)
        user = auth.add_user(args.username, args.role, password, args.forvaltning or (), args.name or "",
                             args.email or "", db=args.db)
    except UserError as exc:
        return _refused(exc)
    print(f"Användaren {_describe(user)} har lagts till{'' if password else ' (loggar in med SSO)'}.")
    return 0


def cmd_passwd(args) -> int:
    try:
        auth.set_password(args.username, _read_password(args), db=args.db)
    except UserError as exc:
        return _refused(exc)
    print(f"Nytt lösenord sparat för {auth.normalize_username(args.username)}.")
    return 0


def cmd_remove(args) -> int:
    try:
        auth.remove_user(args.username, db=args.db)
    except UserError as exc:
        return _refused(exc)
    print(f"Användaren {auth.normalize_username(args.username)} är borttagen.")
    return 0


def cmd_update(args) -> int:
    try:
        user = auth.update_user(args.username, db=args.db, role=args.role, forvaltningar=args.forvaltning,
                                display_name=args.name, email=args.email)
    except UserError as exc:
        return _refused(exc)
    print(f"Användaren {_describe(user)} är uppdaterad.")
    return 0


def cmd_list(args) -> int:
    df = auth.list_users(db=args.db)
    if df.empty:
        print("Inga användare. Skapa den första administratören med: "
              "python -m naringsdash users add NAMN --role admin")
        return 0
    rows = [("Användare", "Roll", "Förvaltningar", "Namn", "E-post", "Inloggning")]
    for r in df.itertuples(index=False):
        how = "lösenord" if r.har_losenord else "endast SSO"
        if r.demo:
            how += ", demokonto"
        rows.append((r.username, ROLE_LABELS.get(r.role, r.role), r.forvaltningar, r.display_name,
                     r.email, how))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())
    return 0

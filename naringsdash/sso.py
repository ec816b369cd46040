"""Single sign-on (``st.login``, OpenID Connect): who an identity from the kommun's directory is in Näringsdash.

The identity provider (Microsoft Entra ID, or any OpenID Connect provider) sends claims: an e-mail address, and
with group claims or app roles configured, the ``groups``/``roles`` the person has. The reference data maps a
group or app role to a Näringsdash role and förvaltningar (``[[katalogroll]]`` in ``data/referens.toml``).

At each sign-in (each new browser session):

- an account with the e-mail address that is disabled (``avstangd``) is refused; an address whose account was
  removed is refused too, until an account with it is added again or the admin lifts the block;
- an account with a local role (``lokal_roll``, every account made by an admin or ``users add``) keeps the role
  set in Näringsdash: the explicit local override;
- an account whose role follows the directory gets the role the groups map to now; with no mapped group it
  falls back to ``okanda_sso`` (läsare, or refused);
- an address without an account: a mapped group creates the account (its role follows the directory), else
  ``okanda_sso`` decides (a läsare who is not stored, or refused).

``directory_role`` and ``decide`` are pure; ``sign_in`` does the lookups and writes. No Streamlit here
(``ui_auth.sso_user`` calls ``sign_in``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from . import auth, store
from .config import DirectoryRole, Reference, current_reference

RANK = {"lasare": 0, "rapportor": 1, "admin": 2}

REFUSED_UNKNOWN = "Kontot {email} har ingen behörighet till Näringsdash. Kontakta näringslivsavdelningen."
REFUSED_REMOVED = ("Kontot {email} är borttaget ur Näringsdash och kan inte logga in med kommunens konto. "
                   "Kontakta näringslivsavdelningen om det är fel.")
REFUSED_DISABLED = "Kontot {email} är avstängt i Näringsdash. Kontakta näringslivsavdelningen."
NO_EMAIL = ("Kommunens inloggning skickade ingen e-postadress (claim email, preferred_username eller upn), så "
            "kontot kan inte kopplas till Näringsdash. Kontakta IT-avdelningen.")


def claim_values(claims: Mapping, claim: str) -> set[str]:
    """The values of a list claim (``groups``, ``roles``), compared case-insensitively; a single string counts
    as a list of one."""
    raw = claims.get(claim)
    if raw is None:
        return set()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple, set)):
        return set()
    return {str(v).strip().casefold() for v in raw if str(v).strip()}


def directory_role(claims: Mapping, mappings: Iterable[DirectoryRole]) -> tuple[str, tuple[str, ...]] | None:
    """The role the directory's groups and app roles give, with its förvaltningar; None when none is mapped.

    Several matches: the highest role wins (admin over rapportör over läsare); a rapportör gets the union of the
    förvaltningar of every matching rapportör mapping, in the order of the mappings.
    """
    matched = [m for m in mappings if m.value.casefold() in claim_values(claims, m.claim)]
    if not matched:
        return None
    role = max((m.role for m in matched), key=RANK.__getitem__)
    codes: list[str] = []
    if role == "rapportor":
        for m in matched:
            codes += [c for c in m.forvaltningar if m.role == role and c not in codes]
    return role, tuple(codes)


@dataclass(frozen=True)
class Account:
    """A users-table account as single sign-on sees it."""

    username: str
    role: str
    forvaltningar: tuple[str, ...] = ()
    lokal_roll: bool = True
    avstangd: bool = False


@dataclass(frozen=True)
class Decision:
    """What a sign-in does: ``refuse`` (with ``message``), ``keep`` the account as it is, ``update`` its role,
    ``create`` an account, or let in a ``guest`` läsare who is not stored."""

    kind: str
    role: str = "lasare"
    forvaltningar: tuple[str, ...] = ()
    message: str = ""


def unknown_mode(value: object) -> str:
    """``okanda_sso`` as "lasare" or "none" (an unrecognised value counts as "none": refuse)."""
    return auth.SSO_UNKNOWN.get(str(value if value is not None else "lasare").strip().lower(), "none")


def decide(account: Account | None, directory: tuple[str, tuple[str, ...]] | None, unknown: str,
           removed: bool = False) -> Decision:
    """The sign-in rules (see the module docstring); ``unknown`` is "lasare" or "none", ``removed`` whether the
    address belongs to a removed account."""
    if account is not None:
        if account.avstangd:
            return Decision("refuse", message=REFUSED_DISABLED)
        if account.lokal_roll:
            return Decision("keep", account.role, account.forvaltningar)
        role, codes = directory or (("lasare", ()) if unknown == "lasare" else (None, ()))
        if role is None:
            return Decision("refuse", message=REFUSED_UNKNOWN)
        if (role, tuple(codes)) == (account.role, tuple(account.forvaltningar)):
            return Decision("keep", role, tuple(codes))
        return Decision("update", role, tuple(codes))
    if removed:
        return Decision("refuse", message=REFUSED_REMOVED)
    if directory is not None:
        return Decision("create", directory[0], tuple(directory[1]))
    if unknown == "lasare":
        return Decision("guest")
    return Decision("refuse", message=REFUSED_UNKNOWN)


def username_for(email: str, taken: Iterable[str] = ()) -> str:
    """A user name for an account made at sign-in: the e-mail address itself when it is a valid user name,
    else its allowed characters; ``-2``, ``-3`` … when taken."""
    base = re.sub(r"[^a-z0-9._@-]", "", email.lower())[:60].lstrip("._@-") or "konto"
    base = base if len(base) >= 2 else base + "-1"
    taken = set(taken)
    name, n = base, 1
    while name in taken or name in auth.RESERVED_USERNAMES:
        n += 1
        name = f"{base}-{n}"
    return name


@dataclass(frozen=True)
class Result:
    """A sign-in: the user (None: refused, see ``message``), and what was done (for the log and the tests)."""

    user: auth.User | None
    kind: str
    message: str = ""


def _accounts(con, email: str, demo_on: bool) -> list[dict]:
    cur = con.execute(store.sql("sso_account"), {"email": email})
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    return [r for r in rows if demo_on or not r["demo"]]


def _user(row: dict, role: str, codes: tuple[str, ...]) -> auth.User:
    return auth.User(row["username"], role, tuple(codes), row["display_name"] or "", row["email"] or "")


def sign_in(claims: Mapping, db: store.Store, ref: Reference | None = None, *, _again: bool = True) -> Result:
    """The Näringsdash user for these verified claims (``st.user``), after the rules above; writes the role the
    directory gives, or a new account, to the users table."""
    ref = ref or current_reference()
    email = auth.sso_email(claims)
    if email is None:
        return Result(None, "refuse", NO_EMAIL)
    name = str(claims.get("name") or "").strip()
    directory = directory_role(claims, ref.katalogroller)
    demo_on = ref.options.demo
    with store.connect(db) as con:
        rows = _accounts(con, email, demo_on)
        removed = bool(con.execute(store.sql("sso_removed_get"), {"email": email}).fetchall())
    row = rows[0] if rows else None
    account = (Account(row["username"], row["role"], tuple(row["forvaltningar"] or ()), bool(row["lokal_roll"]),
                       bool(row["avstangd"])) if row else None)
    decision = decide(account, directory, unknown_mode(ref.setting("okanda_sso", "lasare")), removed)
    if decision.kind == "refuse":
        return Result(None, "refuse", decision.message.format(email=email))
    if decision.kind == "guest":
        return Result(auth.User(email, "lasare", (), name or email, email), "guest")
    if decision.kind in ("keep", "update") and row is None:
        raise AssertionError("decide() keeps or updates only an account that exists")
    if decision.kind == "keep" and row is not None:
        return Result(_user(row, row["role"], tuple(row["forvaltningar"] or ())), "keep")
    if decision.kind == "update" and row is not None:
        try:
            user = auth.update_user(row["username"], db, role=decision.role, forvaltningar=decision.forvaltningar)
        except auth.UserError:  # e.g. the last admin: keep the role rather than leave nobody to administer
            return Result(_user(row, row["role"], tuple(row["forvaltningar"] or ())), "keep")
        return Result(user, "update")
    # create: an account whose role follows the directory
    with store.connect(db) as con:
        taken = [r[0] for r in con.execute("SELECT username FROM users").fetchall()]
    try:
        user = auth.add_user(username_for(email, taken), decision.role, None, decision.forvaltningar, name, email,
                             db=db)
    except auth.UserError as exc:  # another session created it meanwhile: sign in again with what is stored now
        if _again:
            return sign_in(claims, db, ref, _again=False)
        return Result(None, "refuse", str(exc))
    set_flags(user.username, db, lokal_roll=False)
    return Result(user, "create")


def set_flags(username: str, db: store.Store, *, lokal_roll: bool | None = None, avstangd: bool | None = None) -> None:
    """Set an account's local-role or disabled flag (None = keep). The last admin cannot be disabled."""
    name = auth.normalize_username(username)
    with store.connect(db) as con:
        row = auth._get(con, name)
        if row is None:
            raise auth.UserError(f"Användaren {name} finns inte.")
        if avstangd and row["role"] == "admin":
            auth._check_not_last_admin(con, name)
        con.execute(store.sql("sso_set_flags"), {"username": name, "lokal_roll": lokal_roll, "avstangd": avstangd})


def removed_addresses(db: store.Store):
    """The blocked addresses of removed accounts (email, username, removed_at) as a DataFrame."""
    with store.connect(db) as con:
        return con.execute(store.sql("sso_removed_list")).df()


def lift_block(email: str, db: store.Store) -> None:
    """Let a removed account's address in through single sign-on again (as a new, unknown address)."""
    with store.connect(db) as con:
        con.execute(store.sql("sso_removed_clear"), {"email": str(email or "").strip()})

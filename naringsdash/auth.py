"""Roles and named actions: who may do what, checked by one function; users, passwords and sign-in.

The pages hide what a role may not do, but the package refuses it anyway:
every page and every write calls ``can``/``require`` with a named action.
Local accounts live in the ``users`` table (passwords hashed with scrypt; failed logins
throttled per account and client address by ``access``); single sign-on maps an e-mail
address to a user. A session keeps the password generation it signed in with, so a new
password, a removed account or a changed role ends or narrows it at its next step
(``session_user``, ``allowed_now``). Changes are written to the audit log (``audit``).
The ``users`` command line is in ``users_cli.py``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING

from . import access, audit, errors, store
from .config import Reference, current_reference

if TYPE_CHECKING:  # pandas only for list_users' annotation: the import command does not load it
    import pandas as pd

ROLES = ("lasare", "rapportor", "admin")
ROLE_LABELS = {"lasare": "Läsare", "rapportor": "Rapportör", "admin": "Admin"}

# action → roles allowed. Actions marked per-förvaltning also need the förvaltning to be the user's own.
ACTIONS: dict[str, frozenset[str]] = {
    "view": frozenset({"lasare", "rapportor", "admin"}),            # every dashboard page
    "upload": frozenset({"rapportor", "admin"}),                    # per förvaltning
    "download_template": frozenset({"rapportor", "admin"}),         # per förvaltning
    "view_history": frozenset({"rapportor", "admin"}),              # per förvaltning
    "download_original": frozenset({"rapportor", "admin"}),         # per förvaltning
    "write_analysis": frozenset({"admin"}),
    "restore": frozenset({"admin"}),
    "upload_indicators": frozenset({"admin"}),
    "manage_users": frozenset({"admin"}),
    "edit_reference": frozenset({"admin"}),
    "kolada_sync": frozenset({"admin"}),
    "manage_periods": frozenset({"admin"}),                         # deadlines, close, reopen
    "approve_report": frozenset({"admin"}),                         # fastställa the report of a closed period
    "manage_meetings": frozenset({"admin"}),                        # meetings and their decisions
    "write_synpunkt": frozenset({"rapportor", "admin"}),             # per förvaltning
}
PER_FORVALTNING = frozenset({"upload", "download_template", "view_history", "download_original", "write_synpunkt"})


class PermissionDenied(errors.UserError):
    def __init__(self, action: str):
        super().__init__(f"Du har inte behörighet till detta ({action}).")
        self.action = action


@dataclass(frozen=True)
class User:
    username: str
    role: str
    forvaltningar: tuple[str, ...] = field(default_factory=tuple)
    display_name: str = ""
    email: str = ""
    # How this session signed in ("losenord", "sso"; "" for a user built in code) and, for a password, the
    # account's password generation then. Not part of equality: the same account is the same user.
    via: str = field(default="", compare=False)
    generation: int = field(default=0, compare=False)

    @property
    def label(self) -> str:
        return self.display_name or self.username


ANONYMOUS = User("anonym", "lasare", (), "Anonym läsare")


def can(user: User | None, action: str, forvaltning: str | None = None) -> bool:
    """May this user perform this named action (for this förvaltning; without one: for at least one)?"""
    if user is None or action not in ACTIONS or user.role not in ACTIONS[action]:
        return False
    if action in PER_FORVALTNING and user.role != "admin":
        return forvaltning in user.forvaltningar if forvaltning is not None else bool(user.forvaltningar)
    return True


def require(user: User | None, action: str, forvaltning: str | None = None) -> User:
    """The user, when allowed to perform ``action``; else PermissionDenied (always for a visitor, None)."""
    if user is None or not can(user, action, forvaltning):
        raise PermissionDenied(action)
    return user


def allowed_forvaltningar(user: User | None, action: str, all_codes: list[str]) -> list[str]:
    """The förvaltningar this user may perform a per-förvaltning action for."""
    return [c for c in all_codes if can(user, action, c)]


def anonymous_user(ref: Reference | None = None) -> User | None:
    """The visitor who has not signed in: a läsare when ``anonyma_lasare`` is on, else nobody."""
    ref = ref or current_reference()
    return ANONYMOUS if ref.options.anonyma_lasare else None


# --- Passwords ----------------------------------------------------------------

# scrypt cost: 2**15 × 8 × 128 bytes = 32 MiB and about 0,15 s per check on the server. Module constants, so
# the tests lower them (tests/conftest.py); the product never does.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_SCRYPT_MAX = (2**20, 16, 4)  # refuse hashes that would cost more than this to check
MIN_PASSWORD_LENGTH = access.MIN_LENGTH
MAX_PASSWORD_LENGTH = access.MAX_LENGTH


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` with a fresh random salt, so the same password never hashes the same twice."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=256 * r * n * p + 2**20)


def _parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        scheme, n_text, r_text, p_text, salt, digest = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        if scheme != "scrypt" or not (1 < n <= _SCRYPT_MAX[0] and 0 < r <= _SCRYPT_MAX[1] and 0 < p <= _SCRYPT_MAX[2]):
            return None
        return n, r, p, base64.b64decode(salt, validate=True), base64.b64decode(digest, validate=True)
    except (ValueError, AttributeError):
        return None


def verify_password(password: str, stored: str | None) -> bool:
    """Does the password match the stored hash? Compared in constant time."""
    parsed = _parse_hash(stored or "")
    if parsed is None or not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        return False
    n, r, p, salt, digest = parsed
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), digest)


def needs_rehash(stored: str) -> bool:
    """Was this hash made with other cost parameters than today's?"""
    parsed = _parse_hash(stored)
    return parsed is None or parsed[:3] != (SCRYPT_N, SCRYPT_R, SCRYPT_P)


def _dummy_hash() -> str:
    """Checked against for unknown users so that a wrong user name takes as long as a wrong password
    (made with today's cost parameters, like every stored hash)."""
    return _dummy_for(SCRYPT_N, SCRYPT_R, SCRYPT_P)


@cache
def _dummy_for(n: int, r: int, p: int) -> str:
    return hash_password(secrets.token_hex(16))


# --- Sign-in with a local account ----------------------------------------------

LOGIN_FAILED = "Fel användarnamn eller lösenord."
LoginThrottled = access.LoginThrottled


def authenticate(username: str, password: str, db: store.Store, now: dt.datetime | None = None,
                 address: str | None = None) -> User | None:
    """The user for a correct user name and password, else None; raises LoginThrottled while this user name
    must wait at this client address (``access``: growing delays per user name and address, no lockout).

    An unknown user name, an account without a password and a demo account outside demo mode take the same
    path as a wrong password: the same scrypt work (a dummy hash with today's parameters), the same counting
    and the same answer. Every attempt is written to the audit log.
    """
    now = now or dt.datetime.now()
    name = normalize_username(username)
    where = f"adress {address}" if address else "adress okänd"
    demo_on = current_reference().options.demo
    with store.connect(db) as con:
        wait = access.throttle_wait(con, name, address, now)
        if wait > 0:
            if access.first_refusal(con, name, address):  # one audit row per delay, however often it is tried
                audit.record(con, name, "login_throttled", name, f"{where}, vänta {wait:.0f} s", now)
            raise LoginThrottled(wait)
        row = _get(con, name)
    stored_hash = row["password_hash"] if row is not None and not (row["demo"] and not demo_on) \
        and not row.get("avstangd") else None
    # The slow KDF runs with the database released, so it never holds up another process.
    ok = verify_password(password, stored_hash or _dummy_hash()) and bool(stored_hash)
    new_hash = hash_password(password) if ok and stored_hash and needs_rehash(stored_hash) else None
    with store.connect(db) as con:
        if not ok:
            failures = access.record_failure(con, name, address, now)
            audit.record(con, name, "login_failed", name, f"{where}, {failures} i rad", now)
            return None
        con.execute(store.sql("users_login_ok"), {"username": name, "new_hash": new_hash})
        access.clear_failures(con, name, address, now)
        audit.record(con, name, "login_ok", name, f"{where}, lösenord", now)
    assert row is not None  # ok: the row's password matched
    return replace(_user(row), via="losenord", generation=row["password_generation"])


# --- Users: validation and storage -----------------------------------------------

class UserError(errors.UserError, ValueError):
    """A user change the rules refuse; the message (Swedish) is for the person who asked."""


_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
RESERVED_USERNAMES = frozenset({ANONYMOUS.username})


def normalize_username(username: object) -> str:
    return str(username or "").strip().lower()


def _valid_username(username: object) -> str:
    name = normalize_username(username)
    if not _USERNAME.fullmatch(name):
        raise UserError(f"Ogiltigt användarnamn {str(username)!r}: 2–64 tecken, bokstäverna a–z, siffror, "
                        "punkt, bindestreck, understreck eller @.")
    if name in RESERVED_USERNAMES:
        raise UserError(f"Användarnamnet {name!r} är reserverat.")
    return name


def _valid_password(password: object, username: str = "", demo: bool = False) -> str:
    """The password policy (``access.password_problem``); a demo account keeps its published password."""
    if demo:
        if not isinstance(password, str) or not password:
            raise UserError("Ett demokonto behöver ett lösenord.")
        return password
    problem = access.password_problem(password, username, [pw for _, pw, *_ in DEMO_ACCOUNTS])
    if problem:
        raise UserError(problem)
    assert isinstance(password, str)  # password_problem refuses anything else
    return password


def _valid_role(role: object) -> str:
    r = str(role or "").strip().lower().replace("ä", "a").replace("ö", "o")
    if r not in ROLES:
        raise UserError(f"Okänd roll {str(role)!r}; välj en av: {', '.join(ROLES)}.")
    return r


def _valid_email(email: object) -> str | None:
    e = str(email or "").strip().lower()
    if not e:
        return None
    if not _EMAIL.fullmatch(e):
        raise UserError(f"Ogiltig e-postadress {str(email)!r}.")
    return e


def _valid_forvaltningar(role: str, forvaltningar, ref: Reference) -> list[str]:
    codes = []
    for value in forvaltningar or ():
        for part in str(value).split(","):
            if not part.strip():
                continue
            code = ref.forvaltning_code(part)
            if code is None:
                raise UserError(f"Okänd förvaltning {part.strip()!r}; finns: {', '.join(ref.forvaltningar)}.")
            codes.append(code)
    codes = [c for c in ref.forvaltningar if c in codes]  # reference order, no duplicates
    if role == "rapportor" and not codes:
        raise UserError("En rapportör måste knytas till minst en förvaltning.")
    if role != "rapportor" and codes:
        raise UserError(f"Bara rapportörer knyts till förvaltningar ({ROLE_LABELS[role]} ser alla).")
    return codes


def _get(con, username: str) -> dict | None:
    cur = con.execute(store.sql("users_get"), {"username": username})
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else None


def _user(row: dict) -> User:
    return User(row["username"], row["role"], tuple(row["forvaltningar"] or ()), row["display_name"] or "",
                row["email"] or "")


def _check_email_free(con, email: str | None, username: str) -> None:
    if email is None:
        return
    cur = con.execute(store.sql("users_by_email"), {"email": email})
    others = [r[0] for r in cur.fetchall() if r[0] != username]
    if others:
        raise UserError(f"E-postadressen {email} används redan av {others[0]}.")


def _check_not_last_admin(con, username: str) -> None:
    if con.execute(store.sql("users_admin_count"), {"username": username}).fetchone()[0] == 0:
        raise UserError("Det måste finnas minst en administratör kvar.")


def get_user(username: str, db: store.Store) -> User | None:
    with store.connect(db) as con:
        row = _get(con, normalize_username(username))
    return _user(row) if row else None


def stored_user(user: User | None, db: store.Store) -> User | None:
    """The user as the users table has it now (the role or förvaltningar may have changed since a session
    signed in, or the account was removed); None for nobody, the anonymous läsare and unknown SSO addresses,
    and for a session that signed in with a password the account no longer has (a new password since).
    Writes check permissions against this, not against the copy kept in a session. A disabled account is nobody."""
    if user is None:
        return None
    with store.connect(db) as con:
        row = _get(con, normalize_username(user.username))
    if row is None or row.get("avstangd") or (user.via == "losenord" and row["password_generation"] != user.generation):
        return None
    if row["demo"] and not current_reference().options.demo:
        return None
    return replace(_user(row), via=user.via, generation=user.generation)


def session_user(user: User | None, db: store.Store) -> User | None:
    """What a session signed in as ``user`` is now: the account as stored (role and förvaltningar as they are
    now), or None when the session has ended: the account is gone, has a new password (another generation),
    is a demo account outside demo mode, or (single sign-on) its e-mail maps to nobody any more. A single
    sign-on is mapped again, so a removed account falls back to what an unknown address gets."""
    if user is None or user is ANONYMOUS or user.username == ANONYMOUS.username:
        return None
    if user.via == "sso":
        now = user_for_email(user.email, db, name=user.display_name)
        return replace(now, via="sso") if now is not None else None
    return stored_user(user, db)


def allowed_now(user: User | None, action: str, forvaltning: str | None = None, *, db: store.Store) -> bool:
    """May the session signed in as ``user`` (None: a visitor who has not signed in) perform ``action`` now?

    Checked again when a download is made, which may be long after the page showed the button: the account
    as stored now, or for a visitor the setting ``anonyma_lasare`` as it is now."""
    if user is None or user is ANONYMOUS:
        return can(anonymous_user(current_reference()), action, forvaltning)
    return can(session_user(user, db), action, forvaltning)


def add_user(username: str, role: str, password: str | None = None, forvaltningar=(), display_name: str = "",
             email: str = "", *, db: store.Store, demo: bool = False, actor: str | None = None) -> User:
    """Create a user (password None: single sign-on only); raises UserError with the reason.

    ``actor``: who does it, for the audit log (default: the command line)."""
    ref = current_reference()
    name, role = _valid_username(username), _valid_role(role)
    codes = _valid_forvaltningar(role, forvaltningar, ref)
    mail = _valid_email(email)
    pw_hash = hash_password(_valid_password(password, name, demo)) if password is not None else None
    with store.connect(db) as con:
        if _get(con, name) is not None:
            raise UserError(f"Användaren {name} finns redan.")
        _check_email_free(con, mail, name)
        if mail:  # an account with a removed account's address: single sign-on lets it in again
            con.execute(store.sql("sso_removed_clear"), {"email": mail})
        con.execute(store.sql("users_insert"), {
            "username": name, "display_name": (display_name or "").strip() or None, "email": mail, "role": role,
            "forvaltningar": codes, "password_hash": pw_hash, "created_at": dt.datetime.now(), "demo": demo})
        audit.record(con, "demo" if demo and actor is None else actor, "user_created", name,
                     _describe(role, codes, mail, pw_hash is not None))
    return User(name, role, tuple(codes), (display_name or "").strip(), mail or "")


def update_user(username: str, db: store.Store, *, role: str | None = None, forvaltningar=None,
                display_name: str | None = None, email: str | None = None, actor: str | None = None) -> User:
    """Change role, förvaltningar, display name or e-mail (None = keep); the same rules as add_user.

    A change of role away from rapportör drops the förvaltningar unless new ones are given.
    """
    ref = current_reference()
    name = normalize_username(username)
    with store.connect(db) as con:
        row = _get(con, name)
        if row is None:
            raise UserError(f"Användaren {name} finns inte.")
        new_role = _valid_role(role) if role is not None else row["role"]
        if forvaltningar is None:
            forvaltningar = row["forvaltningar"] if new_role == "rapportor" else ()
        codes = _valid_forvaltningar(new_role, forvaltningar, ref)
        mail = _valid_email(email) if email is not None else row["email"]
        label = display_name.strip() if display_name is not None else (row["display_name"] or "")
        if row["role"] == "admin" and new_role != "admin":
            _check_not_last_admin(con, name)
        _check_email_free(con, mail, name)
        if mail and mail != row["email"]:
            con.execute(store.sql("sso_removed_clear"), {"email": mail})
        con.execute(store.sql("users_update"), {"username": name, "role": new_role, "forvaltningar": codes,
                                                 "display_name": label or None, "email": mail})
        before = _describe(row["role"], row["forvaltningar"] or [], row["email"])
        after = _describe(new_role, codes, mail)
        audit.record(con, actor, "user_changed", name, f"{before} → {after}" if before != after else after)
    return User(name, new_role, tuple(codes), label, mail or "")


def set_password(username: str, password: str, db: store.Store, *, actor: str | None = None) -> int:
    """Set a new password → the account's new password generation: every session signed in with an earlier
    password ends at its next step (the caller's own session may take the new generation)."""
    name = normalize_username(username)
    with store.connect(db) as con:
        row = _get(con, name)
    if row is None:
        raise UserError(f"Användaren {name} finns inte.")
    pw_hash = hash_password(_valid_password(password, name, bool(row["demo"])))
    with store.connect(db) as con:
        found = store.first(con.execute(store.sql("users_set_password"),
                                        {"username": name, "password_hash": pw_hash}))
        if found is None:
            raise UserError(f"Användaren {name} finns inte.")
        audit.record(con, actor, "password_set", name, "övriga inloggningar avslutade")
    return int(found[0])


def remove_user(username: str, db: store.Store, *, actor: str | None = None) -> None:
    name = normalize_username(username)
    with store.connect(db) as con:
        row = _get(con, name)
        if row is None:
            raise UserError(f"Användaren {name} finns inte.")
        if row["role"] == "admin":
            _check_not_last_admin(con, name)
        con.execute(store.sql("users_delete"), {"username": name})
        audit.record(con, actor, "user_removed", name, _describe(row["role"], row["forvaltningar"] or [], row["email"]))
        if row["email"]:  # single sign-on must not let the removed account back in
            con.execute(store.sql("sso_removed_add"), {"email": row["email"], "username": name,
                                                       "removed_at": dt.datetime.now()})


def _describe(role: str, codes, email: str | None, password: bool | None = None) -> str:
    """A user's access in one line for the audit log, e.g. "rapportor KLF, SBF, anna@x.se, lösenord"."""
    parts = [role + (" " + ", ".join(codes) if codes else ""), email or ""]
    if password is not None:
        parts.append("lösenord" if password else "endast SSO")
    return ", ".join(p for p in parts if p)


def list_users(db: store.Store) -> "pd.DataFrame":
    """Every user (no password hashes): username, display_name, email, role, forvaltningar ("KLF, SBF"),
    har_losenord, demo, created_at."""
    with store.connect(db) as con:
        return con.execute(store.sql("users_list")).df()


# --- Single sign-on (st.login, OIDC) ---------------------------------------------

SSO_UNKNOWN = {"lasare": "lasare", "läsare": "lasare", "ingen": "none", "none": "none"}


def sso_email(claims) -> str | None:
    """The e-mail address in an OIDC identity (``st.user``): ``email``, else ``preferred_username``/``upn``
    when that is an address (Microsoft Entra ID often sends the work address only there)."""
    for key in ("email", "preferred_username", "upn"):
        value = str(claims.get(key) or "").strip()
        if _EMAIL.fullmatch(value):
            return value.lower()
    return None


def user_for_email(email: str | None, db: store.Store, unknown: str | None = None, name: str = "") -> User | None:
    """The user an SSO-verified e-mail maps to (case-insensitive).

    An e-mail not in the users table gives a läsare (``unknown="lasare"``) or nobody (``"none"``/``"ingen"``);
    without ``unknown`` the reference setting ``[installningar] okanda_sso`` decides (default ``"lasare"``;
    an unrecognised value counts as ``"ingen"``).
    """
    ref = current_reference()
    mode = SSO_UNKNOWN.get(str(unknown if unknown is not None else ref.setting("okanda_sso", "lasare")).lower(),
                           "none")
    mail = str(email or "").strip().lower()
    if not _EMAIL.fullmatch(mail):
        return None
    demo_on = ref.options.demo
    with store.connect(db) as con:
        cur = con.execute(store.sql("users_by_email"), {"email": mail})
        cols = [d[0] for d in cur.description]
        rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    rows = [r for r in rows if demo_on or not r["demo"]]
    if rows:
        return _user(rows[0])
    return User(mail, "lasare", (), name.strip() or mail, mail) if mode == "lasare" else None


# --- Demo accounts -----------------------------------------------------------------

DEMO_ACCOUNTS = (  # username, password, role, förvaltningar, display name
    ("admin", "admin-demo", "admin", (), "Demo: administratör"),
    ("rapportor", "rapportor-demo", "rapportor", ("KLF", "SBF"), "Demo: rapportör (KLF, SBF)"),
    ("lasare", "lasare-demo", "lasare", (), "Demo: läsare"),
)


def demo_credentials(ref: Reference | None = None) -> list[tuple[str, str, str]]:
    """(username, password, role label) of the demo accounts for the login page; empty outside the demo."""
    ref = ref or current_reference()
    if not ref.options.demo:
        return []
    return [(u, pw, ROLE_LABELS[role]) for u, pw, role, _, _ in DEMO_ACCOUNTS]


def ensure_demo_accounts(db: store.Store, ref: Reference | None = None) -> list[str]:
    """Demo mode on: create the missing demo accounts (one per role). Off: remove them. → names changed.

    An ordinary account with a demo account's name is left alone.
    """
    ref = ref or current_reference()
    if not ref.options.demo:
        with store.connect(db) as con:
            removed = [r[0] for r in con.execute(store.sql("users_delete_demo")).fetchall()]
            for name in removed:
                audit.record(con, "demo", "user_removed", name, "demokonto, demoläget är av")
            return removed
    with store.connect(db) as con:
        missing = [a for a in DEMO_ACCOUNTS if _get(con, a[0]) is None]
    created = []
    codes: list[str] | tuple[str, ...]
    for username, password, role, codes, label in missing:
        if codes:  # KLF and SBF, or the first förvaltning if the reference data has neither
            codes = [c for c in codes if c in ref.forvaltningar] or list(ref.forvaltningar)[:1]
        try:
            add_user(username, role, password, codes, label, db=db, demo=True)
            created.append(username)
        except UserError:  # created meanwhile by another process
            continue
    return created


"""Login throttling and the password policy (issue 11 §4); used by ``auth``, never imports it.

Throttling counts failed logins per typed user name *and* client address together, for unknown user names
exactly as for real ones, and answers with growing delays instead of locking the account: a guesser at one
address waits longer and longer, while the real user at another address signs in as usual, and the answer
never tells whether an account exists. The counts live in the ``login_throttle`` table, so they hold across
processes and restarts.

The password policy: at least ``MIN_LENGTH`` characters, not the user name, not in the list of common
passwords shipped in ``data/common_passwords.txt`` (also not such a password with digits or signs added at
the end), and never a demo account's password for an ordinary account.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cache
from pathlib import Path

from . import store

# --- Throttling ------------------------------------------------------------------------------------

FREE_FAILURES = 5           # failures in a row from one address before the first delay
FIRST_DELAY_S = 5           # the delay after FREE_FAILURES failures; it doubles with each further failure
MAX_DELAY_S = 15 * 60       # never longer than this
FORGET_S = 24 * 3600        # failures older than this are forgotten
MAX_KEY = 128               # longer typed user names and addresses are cut (they are stored)


class LoginThrottled(Exception):
    """Too many failed logins for this user name from this address; try again after ``wait_s`` seconds."""

    def __init__(self, wait_s: float):
        seconds = max(1, math.ceil(wait_s))
        wait = f"{seconds} sekunder" if seconds < 120 else f"{math.ceil(seconds / 60)} minuter"
        super().__init__(f"För många misslyckade inloggningar. Vänta {wait} och försök igen.")
        self.wait_s = wait_s


def delay_after(failures: int) -> float:
    """Seconds a login must wait after this many failures in a row: none, then 5, 10, 20 … up to 15 minutes."""
    if failures < FREE_FAILURES:
        return 0.0
    return float(min(FIRST_DELAY_S * 2 ** min(failures - FREE_FAILURES, 20), MAX_DELAY_S))


def _key(username: str, address: str | None) -> dict:
    return {"username": str(username or "")[:MAX_KEY], "address": str(address or "")[:MAX_KEY]}


def throttle_wait(con, username: str, address: str | None, now: dt.datetime) -> float:
    """Seconds until this user name may try again from this address (0: now)."""
    row = store.first(con.execute(store.sql("login_throttle_get"), _key(username, address)))
    if row is None:
        return 0.0
    failures, last = row
    if (now - last).total_seconds() > FORGET_S:
        return 0.0
    return max(0.0, (last - now).total_seconds() + delay_after(int(failures)))


def first_refusal(con, username: str, address: str | None) -> bool:
    """Is this the first refused attempt during the current delay (the one worth an audit row)?"""
    return store.first(con.execute(store.sql("login_throttle_report"), _key(username, address))) is not None


def record_failure(con, username: str, address: str | None, now: dt.datetime) -> int:
    """Count one failed login → failures in a row for this user name and address."""
    failures = store.one(con.execute(store.sql("login_throttle_fail"),
                                       {**_key(username, address), "now": now, "forget_s": FORGET_S}))[0]
    con.execute(store.sql("login_throttle_clear"), {"username": None, "address": None, "now": now,
                                                    "forget_s": FORGET_S})
    return int(failures)


def clear_failures(con, username: str, address: str | None, now: dt.datetime) -> None:
    """A successful login: this address starts again from zero for this user name."""
    con.execute(store.sql("login_throttle_clear"), {**_key(username, address), "now": now, "forget_s": FORGET_S})


# --- Password policy -------------------------------------------------------------------------------

MIN_LENGTH = 12
MAX_LENGTH = 1024
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common_passwords.txt"
_TAIL = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, in lower case (lines starting with # are its notes)."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_common(password: str) -> bool:
    """In the list, or a listed password (or word) with digits or signs added at the end ("sommar2024!!")."""
    low = password.lower()
    core = _TAIL.sub("", low)
    return low in common_passwords() or core in common_passwords() or core == ""


def password_problem(password: object, username: str = "", demo_passwords=()) -> str | None:
    """Why this password may not be used (a Swedish sentence), or None when it is acceptable."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return f"Lösenordet måste vara minst {MIN_LENGTH} tecken."
    if len(password) > MAX_LENGTH:
        return f"Lösenordet får vara högst {MAX_LENGTH} tecken."
    low, name = password.lower(), str(username or "").strip().lower()
    if name and (low == name or _TAIL.sub("", low) == name or low == name[::-1]):
        return "Lösenordet får inte vara användarnamnet."
    if low in {str(p).lower() for p in demo_passwords}:
        return "Demokontonas lösenord får inte användas för vanliga konton."
    if is_common(password):
        return ("Lösenordet är för vanligt: det finns i listan över vanliga lösenord (eller är ett sådant med "
                "siffror eller tecken på slutet). Välj ett längre, eget lösenord, gärna flera ord.")
    return None

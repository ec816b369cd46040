"""The assessment per målområde and period: a self-assessed traffic light (Grön/Gul/Röd) and a short text.

Versioned like the uploads: every save is a new row with who and when, the newest row per
(målområde, period) is the current one, and nothing is overwritten. Saving the same traffic light
and text as the current version creates no new version.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import audit, auth, errors, store
from .config import Reference, current_reference, parse_period
from .matching import norm

BEDOMNINGAR = ("Grön", "Gul", "Röd")
MAX_TEXT = 4000


class AnalysisError(errors.UserError, ValueError):
    """An assessment that cannot be saved; the message is for the person who wrote it."""


def _bedomning(value: object) -> str:
    for word in BEDOMNINGAR:
        if norm(value) == norm(word):
            return word
    raise AnalysisError(f"Bedömningen måste vara Grön, Gul eller Röd (inte {str(value or '')!r}).")


def _malomrade(value: object, ref: Reference) -> int:
    nr = ref.malomrade_nr(value)
    if nr is None:
        raise AnalysisError(f"Okänt målområde: {value!r}.")
    return nr


def _period(value: object) -> str:
    p = parse_period(value)
    if p is None:
        raise AnalysisError(f"Okänd period: {value!r} (t.ex. 2025-T2, Delår 2025, Helår 2025).")
    return p


def _text(value: object) -> str:
    text = "\n".join(line.rstrip() for line in str(value or "").replace("\r\n", "\n").split("\n")).strip()
    if not text:
        raise AnalysisError("Skriv en kort analys: texten får inte vara tom.")
    if len(text) > MAX_TEXT:
        raise AnalysisError(f"Analysen får vara högst {MAX_TEXT} tecken (den är {len(text)}).")
    return text


def save(malomrade: int | str, period: str, bedomning: str, text: str, user: auth.User | None, db: store.Store,
         ref: Reference | None = None, now: dt.datetime | None = None) -> tuple[int, bool]:
    """Save a new version of the assessment → (id of the current version, identical to the one before).

    Only a user allowed ``write_analysis`` may save; raises ``auth.PermissionDenied`` otherwise and
    ``AnalysisError`` (Swedish message) for an unknown målområde or period, a traffic light other than
    Grön/Gul/Röd, or an empty or too long text.
    """
    user = auth.require(user, "write_analysis")
    ref = ref or current_reference()
    nr, p, word, body = _malomrade(malomrade, ref), _period(period), _bedomning(bedomning), _text(text)
    with store.connect(db) as con, store.transaction(con):
        cur = con.execute(store.sql("analysis_current"), {"period": p}).df()
        cur = cur[cur["malomrade"] == nr]
        if not cur.empty and cur.iloc[0]["bedomning"] == word and cur.iloc[0]["text"] == body:
            return int(cur.iloc[0]["id"]), True
        new_id = store.one(con.execute(store.sql("analysis_insert"), {
            "malomrade": nr, "period": p, "bedomning": word, "text": body, "user_name": user.label,
            "created_at": now or dt.datetime.now().replace(microsecond=0)}))[0]
        store.bump_data_version(con)
        audit.record(con, user.username, "analysis_saved", f"målområde {nr} {p}", f"{word}, version {new_id}")
    return int(new_id), False


def current(period: str, db: store.Store) -> pd.DataFrame:
    """The current assessment per målområde in the period (målområden without one are absent)."""
    with store.connect(db) as con:
        return con.execute(store.sql("analysis_current"), {"period": _period(period)}).df()


def history(malomrade: int, period: str, db: store.Store) -> pd.DataFrame:
    """Every version of one målområde's assessment in the period, newest first."""
    with store.connect(db) as con:
        return con.execute(store.sql("analysis_history"), {"malomrade": int(malomrade),
                                                           "period": _period(period)}).df()

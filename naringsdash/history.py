"""The upload history as a user may see it, and its permission-checked original files and restores.

Every function checks a named action (``view_history``, ``download_original``, ``restore``) for the upload's
förvaltning; uploads without one (indicator workbooks, Kolada) are the admin's. Downloads and restores read
the user's role from the users table (``auth.stored_user``), not from a session's copy.
"""

from __future__ import annotations

import pandas as pd

from . import audit, auth, closing, store
from .config import Reference, current_reference
from .store import queries

KINDS = {"aktiviteter": "Uppföljning", "indikatorer": "Indikatorfil", "kolada": "Kolada"}
HISTORY_LABELS = {"id": "Nr", "typ": "Typ", "rows": "Rader", "version": "Version", "uploaded_at": "Uppladdad",
                  "user_name": "Av", "file_name": "Fil", "anmarkning": "Anmärkning"}


def uploads_for(user: auth.User, db: store.Store, ref: Reference | None = None) -> pd.DataFrame:
    """The uploads this user may see: a rapportör's own förvaltningar; an admin everything (indicators, Kolada)."""
    if not auth.can(user, "view_history"):
        raise auth.PermissionDenied("view_history")
    if user.role == "admin":
        df = queries.uploads(db)
    else:
        codes = auth.allowed_forvaltningar(user, "view_history", list((ref or current_reference()).forvaltningar))
        df = queries.uploads(db, forvaltningar=codes) if codes else queries.uploads(db).iloc[0:0]
    newest = df.groupby("kind")["id"].transform("max")
    df = df.assign(
        typ=df["kind"].map(lambda k: KINDS.get(k, k)),
        version=["Aktuell" if a is True else "Ersatt" if a is False else "Senaste" if i == n else "Tidigare"
                 for a, i, n in zip(df["aktuell"].astype(object), df["id"], newest)],
        anmarkning=[f"Återställd från nr {int(r)}" if pd.notna(r) else "" for r in df["restored_from"]])
    return df


def upload_label(upload_id: int, row: pd.Series) -> str:
    """One line for choosing an upload, e.g. "Nr 53 · Uppföljning · KLF 2026-T2 · 2026-09-09 10:15 · fil.xlsx"."""
    where = " ".join(x for x in (row["forvaltning"], row["period"]) if isinstance(x, str))
    return " · ".join(x for x in (f"Nr {upload_id}", row["typ"], where, f"{row['uploaded_at']:%Y-%m-%d %H:%M}",
                                  row["file_name"]) if x)


def _upload(user: auth.User, upload_id: int, action: str, db: store.Store) -> pd.Series:
    """One upload's row, when this user (as stored now) may perform ``action`` on it (indicators: admin only)."""
    stored = auth.stored_user(user, db)
    df = queries.uploads(db)
    row = df[df["id"] == int(upload_id)]
    if row.empty:
        raise auth.PermissionDenied(action)
    row = row.iloc[0]
    forvaltning = row["forvaltning"] if isinstance(row["forvaltning"], str) else None
    if forvaltning is None:
        auth.require(stored, "upload_indicators")
    auth.require(stored, action, forvaltning)
    return row


def original(user: auth.User, upload_id: int, db: store.Store) -> tuple[str, bytes]:
    """The original file of an upload, exactly as uploaded (checked: ``download_original``)."""
    _upload(user, upload_id, "download_original", db)
    with store.connect(db) as con:
        found = store.original_file(con, int(upload_id))
    if found is None:
        raise auth.PermissionDenied("download_original")
    return found


def restore(user: auth.User, upload_id: int, db: store.Store) -> int:
    """Make an earlier version current again as the newest version (checked: ``restore``, admin)."""
    row = _upload(user, upload_id, "restore", db)
    with store.connect(db) as con:
        closing.require_open(con, row["period"] if isinstance(row["period"], str) else None)
        new_id = store.restore_upload(con, int(upload_id), user.username)
        audit.record(con, user.username, "restore", f"uppladdning {int(upload_id)}",
                     f"{row['forvaltning']} {row['period']}, ny version {new_id}")
    return new_id

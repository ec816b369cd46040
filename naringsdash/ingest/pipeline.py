"""One upload, end to end: read, validate, and (all or nothing) store.

The command line and the upload page both call ``import_bytes``.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass, field
from pathlib import Path

from .. import audit, auth, closing, config, store
from ..config import Reference, current_reference
from .codes import Issue, issue, unreadable_file
from .parse_worker import read_untrusted
from .reader import WorkbookError
from .validate import Parsed, validate_workbook


@dataclass
class ImportResult:
    file: str
    ok: bool
    rows: int = 0
    upload_id: str | None = None
    identical: bool = False
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    parsed: Parsed | None = None

    def as_json(self) -> dict:
        """The contract's JSON object for one file."""
        return {"file": self.file, "ok": self.ok, "rows": self.rows, "upload_id": self.upload_id,
                "errors": [e.as_dict() for e in self.errors], "warnings": [w.as_dict() for w in self.warnings]}


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "okänd"


def check_bytes(data: bytes, file_name: str, *, forvaltning: str | None = None, period: str | None = None,
                ref: Reference | None = None) -> ImportResult:
    """Read and validate without touching the database."""
    ref = ref or current_reference()
    try:
        wb = read_untrusted(data)  # in a child process with a memory limit and a time-out
    except WorkbookError as exc:
        return ImportResult(file=file_name, ok=False, errors=[issue("unreadable", detail=str(exc))])
    parsed = validate_workbook(wb, ref, forvaltning, period)
    return ImportResult(file=file_name, ok=parsed.ok, rows=parsed.rows if parsed.ok else 0, errors=parsed.errors,
                        warnings=parsed.warnings, parsed=parsed)


def save_checked(result: ImportResult, data: bytes, *, db: store.Store, user: str | None = None,
                 uploaded_at: dt.datetime | None = None) -> ImportResult:
    """Store a result from ``check_bytes`` (all or nothing); notes an identical re-upload."""
    parsed = result.parsed
    if not result.ok or parsed is None:
        return result
    kind = "aktiviteter" if parsed.has_activities else "indikatorer"
    who = user or parsed.reported_by or default_user()
    with store.connect(db) as con:
        if parsed.has_activities and parsed.period is not None and closing.is_closed(con, parsed.period):  # issue 16
            result.ok, result.rows = False, 0
            result.errors.append(issue("period_closed", period=config.period_label(parsed.period)))
            return result
        upload_id, identical = store.save_upload(
            con, kind=kind, forvaltning=parsed.forvaltning, period=parsed.period,
            user=who, file_name=Path(result.file).name, data=data,
            activities=parsed.activities, indicators=parsed.indicators, uploaded_at=uploaded_at,
            own_series=current_reference().options.own_series)
        if not identical:
            where = f"{parsed.forvaltning} {parsed.period}" if parsed.has_activities else kind
            audit.record(con, who, "upload_saved", f"uppladdning {upload_id}",
                         f"{where}, {Path(result.file).name}, {len(parsed.activities) + len(parsed.indicators)} rader")
    result.upload_id = str(upload_id)
    result.identical = identical
    if identical:
        result.warnings.append(issue("identical", version=f"uppladdning {upload_id}"))
    return result


def save_as(user: auth.User, result: ImportResult, data: bytes, *, forvaltning: str | None = None,
            period: str | None = None, db: store.Store) -> ImportResult:
    """The app's save: re-checks, right before writing, that this user may write what the workbook holds.

    Activities need ``upload`` for the workbook's förvaltning, and the workbook must be for the förvaltning
    and period that were chosen (and checked against); indicators need ``upload_indicators``. The user's
    role and förvaltningar are read from the users table now. Raises auth.PermissionDenied, so no widget
    value, query parameter or stale session can write for another förvaltning.
    """
    parsed = result.parsed
    if not result.ok or parsed is None:
        return result
    stored = auth.stored_user(user, db)
    if not (parsed.has_activities or parsed.has_indicators):
        raise auth.PermissionDenied("upload")
    if stored is None:  # the account is gone
        raise auth.PermissionDenied("upload" if parsed.has_activities else "upload_indicators")
    if parsed.has_activities:
        auth.require(stored, "upload", parsed.forvaltning)
        if (parsed.forvaltning, parsed.period) != (forvaltning, period):
            raise auth.PermissionDenied("upload")
    if parsed.has_indicators:
        auth.require(stored, "upload_indicators")
    return save_checked(result, data, db=db, user=stored.username)


def preview(result: ImportResult, db: store.Store):
    """For a valid activity upload: what it would change against the current version (new, ändrad, borttagen)."""
    parsed = result.parsed
    if not result.ok or parsed is None or not parsed.has_activities:
        return None
    if parsed.forvaltning is None or parsed.period is None:  # a valid activity workbook always names both
        return None
    with store.connect(db) as con:
        return store.upload_diff(con, parsed.forvaltning, parsed.period, parsed.activities)


def import_bytes(data: bytes, file_name: str, *, db: store.Store | None = None, forvaltning: str | None = None, period: str | None = None,
                 user: str | None = None, dry_run: bool = False, ref: Reference | None = None,
                 uploaded_at: dt.datetime | None = None) -> ImportResult:
    """Validate one workbook and, unless dry_run or invalid, store it as one upload in ``db`` (which a dry run or
    a refused file, touching no database, does not need; there is no default database)."""
    result = check_bytes(data, file_name, forvaltning=forvaltning, period=period, ref=ref)
    if dry_run or not result.ok:
        return result
    if db is None:
        raise TypeError("import_bytes() needs db (a Store) unless dry_run")
    return save_checked(result, data, db=db, user=user, uploaded_at=uploaded_at)


def import_file(path: str | Path, **kwargs) -> ImportResult:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        return ImportResult(file=str(path), ok=False, errors=[unreadable_file(exc)])
    return import_bytes(data, str(path), **kwargs)

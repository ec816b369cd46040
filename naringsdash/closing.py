"""Closing a period and approving (fastställa) its report.

An admin closes a period when every förvaltning has reported, or with a stated reason when not; a closed period
takes no new uploads (the ingest pipeline asks ``is_closed``) until an admin reopens it with a reason. Both are
kept in ``period_closures`` (one row per closing, the reopening filled in on the same row).

The report for a closed period can be fastställd: the PDF, Excel and Word are built once, stored in the database
with their SHA-256 and from then on handed out exactly as stored. A reopening and a new closing allow a new
version; the old one stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from . import audit, config, store, wording
from .config import Reference, current_reference
from .errors import UserError

FORMATS = ("pdf", "xlsx", "docx")
MAX_TEXT = 500


class PeriodClosed(UserError):
    """A write to a closed period."""

    def __init__(self, period: str):
        super().__init__(f"Perioden {config.period_label(period)} är stängd för inrapportering. En administratör "
                         "kan öppna den igen (med en motivering).")
        self.period = period


@dataclass(frozen=True)
class Closure:
    id: int
    period: str
    closed_by: str
    closed_at: dt.datetime
    complete: bool
    reason: str | None


@dataclass(frozen=True)
class ApprovedFile:
    fmt: str
    file_name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Approved:
    id: int
    period: str
    version: int
    closure_id: int
    dnr: str
    ks_date: dt.date
    approved_by: str
    approved_at: dt.datetime
    files: tuple[ApprovedFile, ...]
    current: bool  # the period is still closed by the closing this version was approved under

    def file(self, fmt: str) -> ApprovedFile | None:
        return next((f for f in self.files if f.fmt == fmt), None)

    @property
    def note(self) -> str:
        """"Fastställd 2027-02-10, dnr KS 2027/123" (the Rapport page adds each file's SHA-256)."""
        return f"Fastställd {wording.date(self.ks_date)}, dnr {self.dnr}"


def _period(period: str) -> str:
    p = config.parse_period(period)
    if p is None:
        raise UserError(f"Okänd period: {period!r} (t.ex. 2025-T2, Delår 2025, Helår 2025).")
    return p


def _text(value: str | None, what: str) -> str | None:
    text = " ".join(str(value or "").split())
    if len(text) > MAX_TEXT:
        raise UserError(f"{what} får vara högst {MAX_TEXT} tecken.")
    return text or None


# --- Closing ---------------------------------------------------------------------------------------------------


def current_closure(con, period: str) -> Closure | None:
    """The closing in force for the period, or None when it is open."""
    row = store.first(con.execute(
        "SELECT id, period, closed_by, closed_at, complete, reason FROM period_closures "
        "WHERE period = ? AND reopened_at IS NULL ORDER BY id DESC LIMIT 1", [period]))
    return Closure(*row) if row else None


def is_closed(con, period: str | None) -> bool:
    """Is the period closed for reporting?"""
    return period is not None and current_closure(con, period) is not None


def closed_periods(con) -> list[str]:
    return [p for (p,) in con.execute("SELECT DISTINCT period FROM period_closures WHERE reopened_at IS NULL "
                                      "ORDER BY period").fetchall()]


def missing(con, period: str, ref: Reference | None = None) -> list[str]:
    """The förvaltningar (codes) that have not reported for the period."""
    ref = ref or current_reference()
    done = {f for (f,) in con.execute("SELECT forvaltning FROM current_uploads WHERE period = ?", [period]).fetchall()}
    return [c for c in ref.forvaltningar if c not in done]


def close(con, period: str, user: str, reason: str | None = None, ref: Reference | None = None) -> Closure:
    """Close a period; one that is not complete needs a reason (naming who is missing is up to the admin)."""
    p = _period(period)
    reason = _text(reason, "Motiveringen")
    with store.transaction(con):
        if is_closed(con, p):
            raise UserError(f"Perioden {config.period_label(p)} är redan stängd.")
        lacking = missing(con, p, ref)
        if lacking and not reason:
            raise UserError(f"Perioden {config.period_label(p)} är inte komplett: uppföljning saknas från "
                            f"{', '.join(lacking)}. Ange en motivering för att stänga den ändå.")
        closure_id = int(store.one(con.execute("SELECT nextval('closure_seq')"))[0])
        con.execute("INSERT INTO period_closures (id, period, closed_by, closed_at, complete, reason) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [closure_id, p, user, dt.datetime.now(), not lacking, reason])
        store.bump_data_version(con)
        audit.record(con, user, "period_closed", p, reason or ("komplett" if not lacking else None))
    closure = current_closure(con, p)
    if closure is None:  # the closing was just stored
        raise RuntimeError(f"period {p} is not closed after closing it")
    return closure


def reopen(con, period: str, user: str, reason: str | None) -> None:
    """Reopen a closed period for uploads; the reason is required and kept."""
    p = _period(period)
    reason = _text(reason, "Motiveringen")
    if not reason:
        raise UserError("Ange en motivering för att öppna perioden igen.")
    with store.transaction(con):
        closure = current_closure(con, p)
        if closure is None:
            raise UserError(f"Perioden {config.period_label(p)} är inte stängd.")
        con.execute("UPDATE period_closures SET reopened_by = ?, reopened_at = ?, reopen_reason = ? WHERE id = ?",
                    [user, dt.datetime.now(), reason, closure.id])
        store.bump_data_version(con)
        audit.record(con, user, "period_reopened", p, reason)


def closure_log(con, period: str | None = None):
    """Every closing and reopening (newest first) as a DataFrame."""
    return con.execute(
        "SELECT period, closed_at, closed_by, complete, reason, reopened_at, reopened_by, reopen_reason "
        "FROM period_closures WHERE $period IS NULL OR period = $period ORDER BY id DESC", {"period": period}).df()


def require_open(con, period: str | None) -> None:
    """Raise PeriodClosed when the period is closed."""
    if period is not None and is_closed(con, period):
        raise PeriodClosed(period)


# --- Approving -------------------------------------------------------------------------------------------------

Builder = Callable[[str, str], bytes]  # (period, fmt) → the report's bytes


def _check_approvable(con, period: str) -> Closure:
    closure = current_closure(con, period)
    if closure is None:
        raise UserError(f"Perioden {config.period_label(period)} måste vara stängd innan rapporten kan fastställas.")
    done = store.first(con.execute("SELECT version FROM approved_reports WHERE closure_id = ?", [closure.id]))
    if done:
        raise UserError(f"Rapporten för {config.period_label(period)} är redan fastställd (version {done[0]}). "
                        "Öppna perioden igen och stäng den för att fastställa en ny version.")
    return closure


def approve(period: str, dnr: str, ks_date: dt.date, user: str, db: store.Store, today: dt.date | None = None,
            build: Builder | None = None) -> Approved:
    """Fastställ the report of a closed period: build PDF, Excel and Word once and store them with SHA-256."""
    p = _period(period)
    dnr = _text(dnr, "Diarienumret") or ""
    if not dnr:
        raise UserError("Ange diarienumret (t.ex. KS 2027/123).")
    if not isinstance(ks_date, dt.date):
        raise UserError("Ange datumet för kommunstyrelsens sammanträde (ÅÅÅÅ-MM-DD).")
    with store.connect(db) as con:
        closure = _check_approvable(con, p)
    if build is None:  # the caller passes the report's builder (the report wing imports this module's periods)
        raise ValueError("approve needs build=, e.g. lambda p, fmt: report.build(p, fmt, db, today)")

    def file_name(period_: str, fmt: str) -> str:  # as report.file_name names it
        return f"uppfoljning_naringsliv_{period_}.{fmt}"

    built = {fmt: build(p, fmt) for fmt in FORMATS}  # seconds: outside any connection, so others may write
    with store.connect(db) as con, store.transaction(con):
        if _check_approvable(con, p).id != closure.id:
            raise UserError("Perioden öppnades eller stängdes medan rapporten skapades. Försök igen.")
        report_id = int(store.one(con.execute("SELECT nextval('approved_seq')"))[0])
        version = int(store.one(con.execute("SELECT coalesce(max(version), 0) + 1 FROM approved_reports "
                                              "WHERE period = ?", [p]))[0])
        con.execute("INSERT INTO approved_reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [report_id, p, version, closure.id, dnr, ks_date, user, dt.datetime.now()])
        for fmt, data in built.items():
            con.execute("INSERT INTO approved_report_files VALUES (?, ?, ?, ?, ?, ?)",
                        [report_id, fmt, file_name(p, fmt), store.sha256(data), len(data), data])
        store.bump_data_version(con)
    # audit.record(con, user, "report_approve", p, f"version {version}, dnr {dnr}") belongs here
    with store.connect(db) as con:
        return approved_versions(con, p)[0]


def approved_versions(con, period: str) -> list[Approved]:
    """Every approved version of the period's report, newest first."""
    open_closure = current_closure(con, period)
    reports = con.execute("SELECT id, period, version, closure_id, dnr, ks_date, approved_by, approved_at "
                          "FROM approved_reports WHERE period = ? ORDER BY version DESC", [period]).fetchall()
    out = []
    for row in reports:
        files = tuple(ApprovedFile(*f) for f in con.execute(
            "SELECT fmt, file_name, sha256, size FROM approved_report_files WHERE report_id = ? ORDER BY "
            "list_position(['pdf', 'xlsx', 'docx'], fmt)", [row[0]]).fetchall())
        report_id, period_, version, closure_id, dnr, ks_date, approved_by, approved_at = row
        out.append(Approved(report_id, period_, version, closure_id, dnr, ks_date, approved_by, approved_at,
                            files=files, current=open_closure is not None and open_closure.id == closure_id))
    return out


def approved_file(con, report_id: int, fmt: str) -> tuple[str, bytes, str]:
    """A stored file of an approved report exactly as stored: (file name, bytes, SHA-256)."""
    row = store.first(con.execute("SELECT file_name, content, sha256 FROM approved_report_files "
                                  "WHERE report_id = ? AND fmt = ?", [int(report_id), fmt]))
    if row is None:
        raise UserError("Den fastställda filen finns inte.")
    data = bytes(row[1])
    if store.sha256(data) != row[2]:  # never hand out a file that is not what was approved
        raise UserError("Den fastställda filen stämmer inte med sin kontrollsumma (SHA-256); kontakta administratören.")
    return row[0], data, row[2]

"""The handlingsplan as data: plan versions per year (adopted when, by whom, dnr), their activities with the
indicators they are meant to move, and their goals per målområde.

Import (all or nothing, versions kept like uploads with the original file), and what the plan makes visible:
coverage of a report against the plan, the yearly revision (plan N against N-1), the links from activity to
indicator, the goals' status, and the template rows for a förvaltning. The query functions take an open
connection (``store.connect``) and return None where there is no plan, so every caller can behave as before.
The report wing can call ``revision(con, year)``, ``goals_status(con, period)`` and ``indicator_links``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import store
from ..config import Reference, as_of_date, current_reference
from ..ingest.codes import Issue, issue, unreadable_file
from ..ingest.pipeline import default_user
from ..ingest.reader import WorkbookError, read_workbook
from .sheet import PlanParsed, validate_plan

PLAN_EXPORT_COLUMNS = ("ar", "aktivitet_id", "aktivitet", "malomrade", "forvaltning", "medverkande", "mal",
                       "startdatum", "slutdatum", "indikatorer")
NOT_REPORTED = "Ej rapporterad"


# --- Import ---------------------------------------------------------------------------------------------


@dataclass
class PlanResult:
    file: str
    ok: bool
    rows: int = 0
    year: int | None = None
    plan_id: int | None = None
    identical: bool = False
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    parsed: PlanParsed | None = None

    @property
    def upload_id(self) -> str | None:
        """The plan version's id, named like an upload's so that the demo's summary can count both."""
        return str(self.plan_id) if self.plan_id is not None else None

    def as_json(self) -> dict:
        return {"file": self.file, "ok": self.ok, "rows": self.rows, "year": self.year, "plan_id": self.plan_id,
                "errors": [e.as_dict() for e in self.errors], "warnings": [w.as_dict() for w in self.warnings]}


def check_plan_bytes(data: bytes, file_name: str, *, year: int | None = None, db: store.Store,
                     ref: Reference | None = None) -> PlanResult:
    """Read and validate a plan workbook without storing anything."""
    ref = ref or current_reference()
    try:
        wb = read_workbook(data)
    except WorkbookError as exc:
        return PlanResult(file=file_name, ok=False, year=year, errors=[issue("unreadable", detail=str(exc))])
    with store.connect(db) as con:
        catalogue = [r[0] for r in con.execute("SELECT DISTINCT indikator FROM own_indicator_meta(?)",
                                               [ref.options.own_series]).fetchall()]
    parsed = validate_plan(wb, ref, year, catalogue)
    return PlanResult(file=file_name, ok=parsed.ok, rows=parsed.rows if parsed.ok else 0, year=parsed.ar,
                      errors=parsed.errors, warnings=parsed.warnings, parsed=parsed)


def save_plan(con, parsed: PlanParsed, data: bytes, *, file_name: str, user: str,
              uploaded_at: dt.datetime | None = None) -> tuple[int, bool]:
    """Store a validated plan as the newest version of its year, in one transaction → (id, identical)."""
    digest = store.sha256(data)
    with store.transaction(con):
        same = store.first(con.execute("SELECT id, sha256 FROM current_plans WHERE ar = ?", [parsed.ar]))
        if same and same[1] == digest:
            return int(same[0]), True
        plan_id = int(store.one(con.execute("SELECT nextval('plan_seq')"))[0])
        con.execute("INSERT INTO plan_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [plan_id, parsed.ar, parsed.antagen, parsed.antagen_av, parsed.dnr, user,
                     uploaded_at or dt.datetime.now(), file_name, digest, parsed.rows])
        con.execute("INSERT OR IGNORE INTO files VALUES (?, ?, ?)", [digest, data, len(data)])
        if parsed.activities:
            con.executemany("INSERT INTO plan_activities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                [plan_id, a["aktivitet_id"], a["aktivitet"], a["malomrade"], a["forvaltning"], a["medverkande"],
                 a["mal"], a["startdatum"], a["slutdatum"], a["indikatorer"], a["row"]] for a in parsed.activities])
        if parsed.goals:
            con.executemany("INSERT INTO plan_goals VALUES (?, ?, ?, ?, ?, ?, ?)", [
                [plan_id, g["malomrade"], g["mal"], g["indikator"], g["malvarde"], g["malar"], g["row"]]
                for g in parsed.goals])
        store.bump_data_version(con)
    return plan_id, False


def import_plan_bytes(data: bytes, file_name: str, *, db: store.Store, year: int | None = None, user: str | None = None,
                      dry_run: bool = False, ref: Reference | None = None,
                      uploaded_at: dt.datetime | None = None) -> PlanResult:
    """Validate a plan workbook and, unless dry_run or invalid, store it as a new version of its year."""
    result = check_plan_bytes(data, file_name, year=year, db=db, ref=ref)
    if dry_run or not result.ok or result.parsed is None:  # a valid result always has parsed
        return result
    with store.connect(db) as con:
        result.plan_id, result.identical = save_plan(con, result.parsed, data, file_name=Path(file_name).name,
                                                     user=user or default_user(), uploaded_at=uploaded_at)
    if result.identical:
        result.warnings.append(issue("identical", version=f"handlingsplanen {result.year}, nr {result.plan_id}"))
    return result


def import_plan_file(path: str | Path, **kwargs) -> PlanResult:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        return PlanResult(file=str(path), ok=False, errors=[unreadable_file(exc)])
    return import_plan_bytes(data, str(path), **kwargs)


# --- The plan as stored -----------------------------------------------------------------------------------


def years(con) -> list[int]:
    """Years with a plan, newest first."""
    return [int(r[0]) for r in con.execute("SELECT DISTINCT ar FROM current_plans ORDER BY ar DESC").fetchall()]


def versions(con, year: int | None = None) -> pd.DataFrame:
    return con.execute(store.sql("plan_versions"), {"ar": year}).df()


def current(con, year: int) -> dict | None:
    """The current version of a year's plan: id, adopted when and by whom, dnr, who imported it and when."""
    df = versions(con, year)
    df = df[df["aktuell"]]
    return None if df.empty else df.iloc[0].to_dict()


def activities(con, year: int, forvaltning: str | None = None) -> pd.DataFrame:
    return con.execute(store.sql("plan_activities"), {"ar": year, "forvaltning": forvaltning}).df()


def goals(con, year: int) -> pd.DataFrame:
    return con.execute(store.sql("plan_goals"), {"ar": year}).df()


def _plain(v):
    if v is None:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if hasattr(v, "tolist"):  # numpy arrays of list cells
        return v.tolist()
    try:
        return None if pd.isna(v) else v
    except (TypeError, ValueError):
        return v


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values (dates, lists, None)."""
    return [{k: _plain(v) for k, v in r.items()} for r in df.to_dict("records")]


def export_rows(con, year: int) -> tuple[list[str], list[tuple]] | None:
    """The plan as canonical rows (lists joined with ``;``), or None without a plan for the year."""
    acts = records(activities(con, year))
    if not acts:
        return None
    rows = [tuple("; ".join(a[c] or []) if c in ("medverkande", "indikatorer") else a[c]
                  for c in PLAN_EXPORT_COLUMNS) for a in acts]
    return list(PLAN_EXPORT_COLUMNS), rows


def workbook(con, year: int, ref: Reference | None = None) -> bytes | None:
    """The stored plan written back as a plan workbook (reads back to the same plan), or None."""
    from .sheet import plan_workbook_bytes

    meta = current(con, year)
    if meta is None:
        return None
    meta = {k: _plain(v) for k, v in meta.items()}
    return plan_workbook_bytes(ref or current_reference(), year=year, meta=meta, activities=records(activities(con, year)),
                               goals=records(goals(con, year)))


# --- Coverage: the plan against a report ---------------------------------------------------------------


@dataclass
class Coverage:
    """One förvaltning's report for a period against the plan of the period's year."""

    year: int
    forvaltning: str
    period: str
    planned: int
    missing: list[tuple[str, str]]     # (Aktivitets-ID, Aktivitet) in the plan, not in the report
    unplanned: list[tuple[str, str]]   # in the report, not in the plan

    def messages(self, where: str = "filen") -> list[str]:
        """Swedish sentences naming the gaps, e.g. "3 aktiviteter i handlingsplanen 2026 saknas i filen: …"."""
        out = []
        if self.missing:
            n = len(self.missing)
            out.append(f"{n} {'aktivitet' if n == 1 else 'aktiviteter'} i handlingsplanen {self.year} saknas i "
                       f"{where}: " + "; ".join(f"{i} {t}".strip() for i, t in self.missing) + ".")
        if self.unplanned:
            n = len(self.unplanned)
            out.append(f"{n} {'aktivitet' if n == 1 else 'aktiviteter'} i {where} finns inte i handlingsplanen "
                       f"{self.year} (ny aktivitet eller fel i ID?): " + "; ".join(
                           f"{i} {t}".strip() for i, t in self.unplanned) + ".")
        return out


def coverage(con, forvaltning: str, period: str, reported: list[dict] | list[str]) -> Coverage | None:
    """A would-be or stored report (activities, or their IDs) against the plan of the period's year; None
    without a plan for that year."""
    year = int(period[:4])
    plan = activities(con, year)
    if plan.empty:
        return None
    mine = plan[plan["forvaltning"] == forvaltning]
    rows = [r if isinstance(r, dict) else {"aktivitet_id": r, "aktivitet": None} for r in reported]
    ids = {r["aktivitet_id"] for r in rows}
    planned_ids = set(mine["aktivitet_id"])
    missing = [(i, t) for i, t in zip(mine["aktivitet_id"], mine["aktivitet"]) if i not in ids]
    unplanned = [(r["aktivitet_id"], r.get("aktivitet") or "") for r in rows if r["aktivitet_id"] not in planned_ids]
    return Coverage(year, forvaltning, period, len(mine), missing, sorted(unplanned))


def coverage_period(con, period: str, forvaltningar=()) -> pd.DataFrame | None:
    """Every planned and every reported activity of a period, matched (``i_planen``, ``rapporterad``,
    ``har_rapporterat``); None without a plan for the period's year."""
    year = plan_year_for(con, period)
    if year is None:
        return None
    return con.execute(store.sql("plan_coverage"), {"ar": year, "period": period,
                                                     "forvaltningar": [str(f) for f in forvaltningar]}).df()


def coverages(rows: pd.DataFrame, period: str) -> list[Coverage]:
    """The rows of ``coverage_period`` as one Coverage per förvaltning that has reported."""
    out = []
    for forvaltning, g in rows[rows["har_rapporterat"]].groupby("forvaltning", sort=True):
        missing = g[g["i_planen"] & ~g["rapporterad"]]
        unplanned = g[~g["i_planen"] & g["rapporterad"]]
        out.append(Coverage(int(period[:4]), forvaltning, period, int(g["i_planen"].sum()),
                            list(zip(missing["aktivitet_id"], missing["aktivitet"])),
                            list(zip(unplanned["aktivitet_id"], unplanned["aktivitet"]))))
    return out


def coverage_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Per förvaltning: planned, reported of those, missing from the report, reported but not in the plan."""
    cols = ["forvaltning", "har_rapporterat", "i_planen_antal", "rapporterade_ur_planen", "saknas", "ej_i_planen"]
    if rows is None or rows.empty:
        return pd.DataFrame(columns=cols)
    g = rows.assign(ur=rows["i_planen"] & rows["rapporterad"], saknas=rows["i_planen"] & ~rows["rapporterad"],
                    ej=~rows["i_planen"] & rows["rapporterad"])
    out = g.groupby("forvaltning", as_index=False).agg(
        har_rapporterat=("har_rapporterat", "max"), i_planen_antal=("i_planen", "sum"),
        rapporterade_ur_planen=("ur", "sum"), saknas=("saknas", "sum"), ej_i_planen=("ej", "sum"))
    return out[cols]


# --- The yearly revision, links and goals (also for the report to kommunstyrelsen) --------------------------


def revision(con, year: int) -> pd.DataFrame | None:
    """Plan ``year`` against plan ``year - 1``: ``andring`` ny / fortsätter / borttagen, changed målområde or
    förvaltning (``nytt_malomrade``, ``ny_forvaltning``), and ``slutstatus``/``slutperiod``: the last reported
    state in the earlier year. None when either plan is missing."""
    have = years(con)
    if year not in have or year - 1 not in have:
        return None
    return con.execute(store.sql("plan_revision"), {"ar": year}).df()


def revision_counts(df: pd.DataFrame) -> dict[str, int]:
    counts = df["andring"].value_counts()
    return {"ny": int(counts.get("ny", 0)), "fortsätter": int(counts.get("fortsätter", 0)),
            "borttagen": int(counts.get("borttagen", 0)), "nytt_malomrade": int(df["nytt_malomrade"].sum()),
            "ny_forvaltning": int(df["ny_forvaltning"].sum())}


def plan_year_for(con, period: str | None) -> int | None:
    """The plan that governs a period: the plan of its year, else None."""
    if period is None:
        return None
    year = int(period[:4])
    return year if year in years(con) else None


def indicator_links(con, period: str, today: dt.date | None = None) -> pd.DataFrame | None:
    """Every (indicator, activity) link of the plan governing ``period``, with the activity's state there
    (``status`` is "Ej rapporterad" when the activity is not in the period's report); None without a plan."""
    year = plan_year_for(con, period)
    if year is None:
        return None
    df = con.execute(store.sql("plan_links"), {"ar": year, "period": period,
                                                "as_of": as_of_date(period, today)}).df()
    df["status"] = df["status"].where(df["rapporterad"], NOT_REPORTED)
    return df


def activity_indicators(con, year: int) -> dict[tuple[str, str], list[str]]:
    """(förvaltning, Aktivitets-ID) → the indicators the plan links the activity to."""
    return {(a["forvaltning"], a["aktivitet_id"]): a["indikatorer"] or [] for a in records(activities(con, year))}


def goals_status(con, period: str, today: dt.date | None = None, own: str | None = None) -> pd.DataFrame | None:
    """The goals of the plan governing ``period``: target, latest value, ``lage`` (uppnått, på väg, inte på väg,
    ingen mätning), ``aktiviteter``: the linked activities that carry the goal, as "ID Aktivitet (Status)", and
    ``aktivitet_status``: their statuses.
    None without a plan (an empty frame when the plan has no goals)."""
    year = plan_year_for(con, period)
    if year is None:
        return None
    df = con.execute(store.sql("plan_goals_status"),
                     {"ar": year, "own": own or current_reference().options.own_series}).df()
    links = indicator_links(con, period, today)
    groups = dict(iter(links.groupby("indikator"))) if links is not None and not links.empty else {}
    empty = links.iloc[0:0] if links is not None else pd.DataFrame(columns=["aktivitet_id", "aktivitet", "status"])
    mine = [groups.get(i, empty) if isinstance(i, str) else empty for i in df["indikator"]]
    df["aktiviteter"] = [[f"{r.aktivitet_id} {r.aktivitet} ({r.status})" for r in g.itertuples()] for g in mine]
    df["aktivitet_status"] = [g["status"].tolist() for g in mine]
    return df.drop(columns=["excel_row"])


# --- The follow-up template pre-filled from the plan ------------------------------------------------------


def template_values(con, forvaltning: str, period: str, ref: Reference) -> list[dict] | None:
    """The rows of a förvaltning's follow-up template from the plan of the period's year: every activity the
    förvaltning is ansvarig for (new ones included), with status, Andel klart, Bedömning and Ansvarig carried
    forward from its latest report for continued ones (new ones: Ej påbörjad); None without a plan."""
    year = plan_year_for(con, period)
    if year is None:
        return None
    latest = {r["aktivitet_id"]: r for r in records(con.execute(store.sql("latest_activities"),
                                                                {"forvaltning": forvaltning, "upto": period}).df())}
    out = []
    for a in records(activities(con, year, forvaltning)):
        before = latest.get(a["aktivitet_id"], {})
        out.append({"aktivitet_id": a["aktivitet_id"], "aktivitet": a["aktivitet"],
                    "malomrade": f"{int(a['malomrade'])}. {ref.malomrade_name(int(a['malomrade']))}",
                    "forvaltning": forvaltning, "ansvarig": before.get("ansvarig"),
                    "startdatum": a["startdatum"], "slutdatum": a["slutdatum"],
                    "status": before.get("status") or "Ej påbörjad", "andel_klar": before.get("andel_klar"),
                    "bedomning": before.get("bedomning")})
    return out


def describe(meta: dict) -> str:
    """One line about a plan version: "Antagen 2025-11-24 av Kommunfullmäktige, dnr KS 2025/0388"."""
    parts = []
    antagen = _plain(meta.get("antagen"))
    if antagen:
        parts.append(f"Antagen {antagen.isoformat()}" + (f" av {meta['antagen_av']}" if meta.get("antagen_av") else ""))
    elif meta.get("antagen_av"):
        parts.append(f"Antagen av {meta['antagen_av']}")
    if meta.get("dnr"):
        parts.append(f"dnr {meta['dnr']}")
    return ", ".join(parts) or "Beslutsuppgifter saknas (bladet Info)"


__all__ = ["Coverage", "NOT_REPORTED", "PLAN_EXPORT_COLUMNS", "PlanResult", "activities", "activity_indicators", "check_plan_bytes", "coverage", "coverage_period", "coverage_summary", "coverages", "current", "describe", "export_rows", "goals", "goals_status", "import_plan_bytes", "import_plan_file", "indicator_links", "plan_year_for", "records", "revision", "revision_counts", "save_plan", "template_values", "versions", "workbook", "years"]

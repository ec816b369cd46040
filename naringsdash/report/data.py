"""The report's model: everything the report to kommunstyrelsen shows for one period, gathered by ``collect``
from the same queries the dashboard uses (so the report shows the dashboard's numbers). Every writer (``pdf``,
``docx``, ``xlsx``, ``charts``, ``text``) reads this module and nothing else of the package."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .. import analysis, config, periods
from .. import wording as labels
from ..store import Store, queries

TITLE = "Uppföljning av handlingsplanen för näringslivsarbetet"
FORMATS = ("pdf", "xlsx", "docx")
MEDIA_TYPES = {"pdf": "application/pdf",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
# The self-assessed traffic light: background and text colour; the word is always printed too.
BEDOMNING_COLORS = {"Grön": ("#1B7A3E", "#FFFFFF"), "Gul": ("#F2C500", "#1A1A1A"), "Röd": ("#B8322A", "#FFFFFF")}
RIKTNING = labels.RIKTNING

class ReportError(ValueError):
    """No report can be made (e.g. no follow-up for the period); the message is for the user."""


@dataclass
class Section:
    """One målområde in the period."""

    nr: int
    name: str
    now: pd.Series | None            # its row of queries.progress, None without activities
    before: pd.Series | None         # the same for the previous period
    analysis: pd.Series | None       # its current row of analysis.current
    overdue: pd.DataFrame

    @property
    def title(self) -> str:
        return f"Målområde {self.nr}. {self.name}"


@dataclass
class ReportData:
    kommun: str
    period: str
    as_of: dt.date
    created: dt.date
    previous: str
    now: pd.Series                   # the period's row of queries.summary
    before: pd.Series | None
    trend: pd.DataFrame              # queries.summary, every period
    progress: pd.DataFrame
    overdue: pd.DataFrame
    analyses: pd.DataFrame
    reporting: pd.DataFrame
    changes: pd.DataFrame            # queries.indicator_changes
    indicators: pd.DataFrame         # queries.indicators
    names: dict[int, str]
    sections: list[Section] = field(default_factory=list)
    banner: str | None = None              # "2026 T3 pågår: …" for a period that is still being reported
    now_common: pd.Series | None = None    # the period restricted to the förvaltningar also in the previous one
    plan_lines: list[tuple[str, list[str]]] = field(default_factory=list)  # the plan and the styrgrupp, in words

    @property
    def label(self) -> str:
        return config.period_label(self.period)

    @property
    def previous_label(self) -> str:
        return config.period_label(self.previous)

    @property
    def reported(self) -> int:
        return int(self.reporting["rapporterat"].sum())

    def malomrade(self, nr: float | None) -> str:
        if nr is None or pd.isna(nr):
            return ""
        return f"{int(nr)}. {self.names.get(int(nr), '')}"


def _row(df: pd.DataFrame, col: str, value: object) -> pd.Series | None:
    hit = df[df[col] == value]
    return hit.iloc[0] if not hit.empty else None


def collect(period: str, db: Store, today: dt.date | None = None) -> ReportData:
    """Everything the report shows, from the dashboard's queries."""
    ref = config.current_reference()
    today = today or dt.date.today()
    states = periods.states(db, ref)
    trend = periods.trend(period, db, ref=ref, today=today, all_states=states)  # never after the period
    now = _row(trend, "period", period)
    if now is None:
        raise ReportError(f"Det finns ingen uppföljning för {config.period_label(period)} ({period}).")
    previous = config.previous_period(period)
    progress = queries.progress(period, db, today=today)
    before = queries.progress(previous, db, today=today)
    overdue = queries.overdue(period, db, today=today)
    analyses = analysis.current(period, db)
    reporting = queries.reporting(period, db, ref=ref, today=today)
    reporting = reporting.assign(forvaltning_namn=[ref.forvaltning_name(c) for c in reporting["forvaltning"]])
    cmp = periods.compare(period, db, ref=ref, today=today, all_states=states)  # like for like
    d = ReportData(kommun=str(ref.setting("kommun", "Kommunen")), period=period,
                   as_of=config.as_of_date(period, today), created=today, previous=previous, now=now,
                   before=cmp.before, trend=trend, progress=progress, overdue=overdue,
                   analyses=analyses, reporting=reporting, changes=queries.indicator_changes(db, own=ref.options.own_series),
                   indicators=queries.indicators(db, own=ref.options.own_series), names=dict(ref.malomraden),
                   banner=periods.banner(states[period], ref) if period in states else None,
                   now_common=cmp.now_common)
    d.plan_lines = _plan_and_styrgrupp(period, db, today, ref)
    d.sections = [Section(nr, name, _row(progress, "malomrade", nr), _row(before, "malomrade", nr),
                          _row(analyses, "malomrade", nr), overdue[overdue["malomrade"] == nr])
                  for nr, name in sorted(ref.malomraden.items())]
    return d


def _plan_and_styrgrupp(period: str, db, today: dt.date, ref) -> list[tuple[str, list[str]]]:
    """The handlingsplan's goals with the activities that carry them, the yearly revision, the styrgrupp's
    decisions per målområde and what näringslivet said: (heading, sentences); empty parts are left out."""
    from .. import meetings, plan, store, synpunkter

    out: list[tuple[str, list[str]]] = []
    with store.connect(db) as con:
        goals = plan.goals_status(con, period, today, ref.options.own_series)
        year = int(period[:4])
        revision = plan.revision(con, year)
    if goals is not None and not goals.empty:
        lines = []
        for g in goals.itertuples():
            carried = "; ".join(g.aktiviteter) if g.aktiviteter else "inga länkade aktiviteter"
            lines.append(f"Målområde {int(g.malomrade)}: {g.mal} – {g.lage}. Bärs av: {carried}.")
        out.append(("Handlingsplanens mål och aktiviteterna som bär dem", lines))
    if revision is not None:
        c = plan.revision_counts(revision)
        out.append((f"Handlingsplan {year} jämfört med {year - 1}",
                    [f"{c['ny']} nya aktiviteter, {c['fortsätter']} fortsätter och {c['borttagen']} är borttagna; "
                     f"{c['nytt_malomrade']} har bytt målområde och {c['ny_forvaltning']} förvaltning."]))
    decided = meetings.report_section(period, db, today)
    if decided:
        lines = []
        for nr, part in sorted(decided.items()):
            texts = "; ".join(f"{x.get('text')} ({x.get('status')})" for x in part["decisions"])
            lines.append(f"Målområde {nr} {ref.malomrade_name(nr)}: {part['text']}. {texts}.")
        out.append(("Styrgruppens beslut och vad de ledde till", lines))
    said = synpunkter.listing(db)
    if said is not None and not said.empty:
        out.append(("Vad näringslivet säger", [synpunkter.summary_text(said, int(period[:4]))]))
    return out


def file_name(period: str, fmt: str) -> str:
    return f"uppfoljning_naringsliv_{period}.{fmt}"

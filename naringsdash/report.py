"""The follow-up report to kommunstyrelsen for one period, as PDF, Excel or Word.

``collect`` gathers everything from the same queries the dashboard uses (so the report shows the
dashboard's numbers) and ``charts`` draws the dashboard's own figures. The wording the PDF and the Word
document share is in ``report_text.py``; the formats are laid out in ``report_pdf.py`` (with
``report_pdf_layout.py``), ``report_docx.py`` and ``report_xlsx.py``; ``report_charts.py`` makes the PNGs.
The command line: ``python -m naringsdash report --period P --format pdf|xlsx|docx --out FILE``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import pandas as pd

from . import analysis, config
from . import wording as labels
from .store import queries

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

    @property
    def label(self) -> str:
        return config.period_label(self.period)

    @property
    def previous_label(self) -> str:
        return config.period_label(self.previous)

    @property
    def reported(self) -> int:
        return int(self.reporting["rapporterat"].sum())

    def malomrade(self, nr: object) -> str:
        return f"{int(nr)}. {self.names.get(int(nr), '')}" if pd.notna(nr) else ""


def _row(df: pd.DataFrame, col: str, value: object) -> pd.Series | None:
    hit = df[df[col] == value]
    return hit.iloc[0] if not hit.empty else None


def collect(period: str, db=None, today: dt.date | None = None) -> ReportData:
    """Everything the report shows, from the dashboard's queries."""
    ref = config.load_reference()
    today = today or dt.date.today()
    trend = queries.summary(db, today=today)
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
    d = ReportData(kommun=str(ref.setting("kommun", "Kommunen")), period=period,
                   as_of=config.as_of_date(period, today), created=today, previous=previous, now=now,
                   before=_row(trend, "period", previous), trend=trend, progress=progress, overdue=overdue,
                   analyses=analyses, reporting=reporting, changes=queries.indicator_changes(db),
                   indicators=queries.indicators(db), names=dict(ref.malomraden))
    d.sections = [Section(nr, name, _row(progress, "malomrade", nr), _row(before, "malomrade", nr),
                          _row(analyses, "malomrade", nr), overdue[overdue["malomrade"] == nr])
                  for nr, name in sorted(ref.malomraden.items())]
    return d


# --- Charts --------------------------------------------------------------------------


def charts(d: ReportData) -> dict[str, object]:
    """The report's figures by key, drawn with the dashboard's own figure functions."""
    from . import figures
    from .report_charts import for_print

    out: dict[str, object] = {}
    if not d.progress.empty:
        out["oversikt"] = for_print(figures.progress_bars(d.progress, d.names), height=80 * len(d.progress) + 70)
    if len(d.trend) > 1:
        out["trend"] = for_print(figures.share_trend(d.trend), height=340)
    for s in d.sections:
        if s.now is None:
            continue
        now = {st: int(s.now[figures.STATUS_COLUMNS[st]]) for st in figures.STATUSES}
        before = {st: int(s.before[figures.STATUS_COLUMNS[st]]) for st in figures.STATUSES} \
            if s.before is not None else None
        out[f"malomrade_{s.nr}"] = for_print(figures.status_compare(now, before, d.label, d.previous_label),
                                             height=360)
    for i, r in enumerate(d.changes.itertuples()):
        values = d.indicators[d.indicators["indikator"] == r.indikator]
        if not values.empty:
            out[f"indikator_{i}"] = for_print(figures.indicator(values, r.enhet, r.malvarde, r.malar), height=340)
    return out


# --- Building ---------------------------------------------------------------------------


def file_name(period: str, fmt: str) -> str:
    return f"uppfoljning_naringsliv_{period}.{fmt}"


def build(period: str, fmt: str, db=None, today: dt.date | None = None, *, with_charts: bool = True,
          timings: dict | None = None) -> bytes:
    """The report for a period as PDF, Excel or Word bytes; raises ReportError when the period has no data."""
    if fmt not in FORMATS:
        raise ReportError(f"Okänt format: {fmt!r} (pdf, xlsx eller docx).")
    p = config.parse_period(period)
    if p is None:
        raise ReportError(f"Okänd period: {period!r} (t.ex. 2025-T2, Delår 2025, Helår 2025).")
    t0 = time.perf_counter()
    d = collect(p, db, today)
    t1 = time.perf_counter()
    if fmt == "xlsx":
        from .report_xlsx import xlsx_bytes

        data = xlsx_bytes(d)
        images = None
    else:
        from .report_charts import Rendered, render

        figs = charts(d)
        images = render(figs) if with_charts else Rendered(dict.fromkeys(figs))
        if fmt == "pdf":
            from .report_pdf import pdf_bytes

            data = pdf_bytes(d, images)
        else:
            from .report_docx import docx_bytes

            data = docx_bytes(d, images)
    if timings is not None:
        timings.update(data_s=t1 - t0, charts_s=getattr(images, "seconds", 0.0),
                       charts=sum(v is not None for v in (images or {}).values()),
                       total_s=time.perf_counter() - t0)
    return data

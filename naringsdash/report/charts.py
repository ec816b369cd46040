"""The report's charts: drawn once per build as SVG (``svg.py``) from the report's data, each with a title, a text
alternative that says what the chart shows in words and numbers, and the same colours as the dashboard.

The PDF embeds the SVG itself (vector: sharp at any zoom, tagged as a figure with its /Alt); the Word document
gets a PNG made from the very same SVG by CairoSVG (``png``). No browser is involved, so a report with a hundred
charts draws them in well under a second. PNGs are cached on disk per chart content (a hash of the SVG, which
follows the data) next to the database, so a second Word document of the same data rasterises nothing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..figures import JUDGEMENT_COLORS, STATUS_COLORS, STATUS_COLUMNS, STATUSES, series_styles
from ..wording import axis_title, direction_note, format_number
from . import svg
from .data import ReportData

log = logging.getLogger(__name__)

PNG_SCALE = 2.0   # device pixels per SVG px: about 200 dpi across a 17 cm Word column
TEXT_COLORS = {"Avbruten": "#FFFFFF"}
DASHES = {"solid": None, "dash": "8 4", "dot": "2 4", "longdash": "12 4", "longdashdot": "12 4 2 4",
          "dashdot": "6 3 2 3"}


@dataclass(frozen=True)
class Chart:
    key: str
    title: str      # what the chart shows (also the figure's caption)
    alt: str        # the text alternative: the chart's content in words, for a screen reader and the PDF's /Alt
    svg: str
    wide: bool = True  # full text width; False: half width (the indicators, two side by side)


def _counts(row: pd.Series | None) -> dict[str, int]:
    return {st: int(row[STATUS_COLUMNS[st]]) for st in STATUSES} if row is not None else {}


def _counts_text(counts: dict[str, int]) -> str:
    parts = [f"{n} {st.lower()}" for st, n in counts.items() if n]
    return ", ".join(parts) if parts else "inga aktiviteter"


def overview(d: ReportData) -> Chart | None:
    rows = [s for s in d.sections if s.now is not None]
    if not rows:
        return None
    title = f"Status per målområde, {d.label}"
    alt = "Liggande staplar med antal aktiviteter per status för varje målområde. " + "; ".join(
        f"{s.nr}. {s.name}: {_counts_text(_counts(s.now))}" for s in rows) + "."
    bars = [([*svg.wrap(f"{s.nr}. {s.name}", 34), f"snitt {format_number(now['snitt_andel_klar'])} % klart"],
             _counts(now)) for s in rows if (now := s.now) is not None]
    return Chart("oversikt", title, alt, svg.stacked_bars(bars, list(STATUSES), STATUS_COLORS, title=alt, desc=title,
                                                          text_colors=TEXT_COLORS))


def trend(d: ReportData) -> Chart | None:
    if len(d.trend) < 2:
        return None
    periods = d.trend["period"].tolist()
    shares = [float(v) for v in d.trend["andel_klara"]]
    title = "Andel klara aktiviteter per period"
    alt = "Linjediagram över andelen klara aktiviteter: " + ", ".join(
        f"{p} {format_number(v)} %" for p, v in zip(periods, shares)) + "."
    return Chart("trend", title, alt, svg.lines(periods, [{"name": "Andel klara", "values": shares, "color": "#0072B2",
                                                          "width": 3.5, "marker": 5}],
                                               title=alt, desc=title, y_title="Andel klara", unit=" %",
                                               y_range=(0, 100), point_labels=len(periods) <= 12, height=240))


def section(d: ReportData, s) -> Chart | None:
    if s.now is None:
        return None
    now, before = _counts(s.now), _counts(s.before) if s.before is not None else None
    series = ([(d.previous_label, [before[st] for st in STATUSES], 0.4)] if before else []) + \
        [(d.label, [now[st] for st in STATUSES], 1.0)]
    title = f"Statusfördelning för målområde {s.nr}"
    alt = (f"Stapeldiagram över antal aktiviteter per status i målområde {s.nr}, {s.name}. {d.label}: "
           f"{_counts_text(now)}." + (f" {d.previous_label}: {_counts_text(before)}." if before else ""))
    return Chart(f"malomrade_{s.nr}", title, alt, svg.grouped_bars(list(STATUSES), series, STATUS_COLORS,
                                                                    title=alt, desc=title, height=230))


def indicator(d: ReportData, i: int, r) -> Chart | None:
    values = d.indicators[d.indicators["indikator"] == r.indikator]
    if values.empty:
        return None
    years = sorted(int(y) for y in values["ar"].unique())
    target = float(r.malvarde) if r.malvarde is not None and pd.notna(r.malvarde) else None
    target_year = int(r.malar) if target is not None and r.malar is not None and pd.notna(r.malar) else None
    if target_year and years[-1] < target_year <= years[-1] + 10:
        years += list(range(years[-1] + 1, target_year + 1))
    labels = [str(y) for y in years]
    groups = dict(tuple(values.groupby("serie", sort=False)))
    series = []
    for name, style in series_styles(groups).items():
        by_year = dict(zip(groups[name]["ar"].astype(int), groups[name]["varde"].astype(float)))
        series.append({"name": str(name), "values": [by_year.get(y) for y in years], "color": style["color"],
                       "width": min(style["width"], 3), "dash": DASHES.get(style["dash"]), "marker": 3})
    unit = f" {r.enhet}" if r.enhet else ""
    own = series[0]
    known = [(y, v) for y, v in zip(years, own["values"]) if v is not None]
    alt = (f"Linjediagram: {r.indikator}, {known[0][0]}–{known[-1][0]}. Från {format_number(known[0][1])}{unit} "
           f"till {format_number(known[-1][1])}{unit} ({own['name']})."
           + (f" Mål: {format_number(target)}{unit}" + (f" till {target_year}" if target_year else "") + "."
              if target is not None else "")
           + (" Jämförs med " + ", ".join(s["name"] for s in series[1:]) + "." if len(series) > 1 else "")
           + f" {direction_note(r.riktning)}.")
    tgt = None
    if target is not None:
        tgt = (target, str(target_year) if target_year else None,
               f"Mål {format_number(target)}" + (f" till {target_year}" if target_year else ""))
    return Chart(f"indikator_{i}", str(r.indikator), alt,
                 svg.lines(labels, series, title=alt, desc=str(r.indikator), width=400, height=250,
                           y_title=axis_title(r.enhet, r.riktning), target=tgt, size=13,
                           invert=r.riktning == "lagre"), wide=False)


def charts(d: ReportData) -> dict[str, Chart]:
    """Every chart of the report by key, in reading order."""
    out = [overview(d), trend(d)] + [section(d, s) for s in d.sections] + \
        [indicator(d, i, r) for i, r in enumerate(d.changes.itertuples())]
    return {c.key: c for c in out if c is not None}


def judgement_color(word: object) -> str:
    return JUDGEMENT_COLORS.get(str(word), "#1A1A1A")


def png(chart: Chart, cache_dir: Path | None = None, width_px: int | None = None) -> bytes | None:
    """The chart as PNG (for Word), from the same SVG; cached on disk by content; None when it cannot be made."""
    digest = hashlib.sha256(chart.svg.encode()).hexdigest()[:32]
    path = cache_dir / f"{digest}.png" if cache_dir else None
    if path is not None and path.exists():
        return path.read_bytes()
    try:
        import cairosvg

        data = cairosvg.svg2png(bytestring=chart.svg.encode(), scale=PNG_SCALE, output_width=width_px)
    except Exception as exc:  # noqa: BLE001 - a missing chart becomes a note in the document, never a failure
        log.warning("Diagrammet %s kunde inte skapas: %s", chart.key, exc)
        return None
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as exc:  # a read-only directory costs speed, not the report
            log.info("Diagramcachen kunde inte skrivas: %s", exc)
    return data


def cache_dir(db: object) -> Path | None:
    """Where chart PNGs are kept: ``<database>.diagram/`` beside the database file (None without a file)."""
    if db is None:
        return None
    p = Path(str(db))
    return p.with_name(p.name + ".diagram") if p.parent.exists() else None

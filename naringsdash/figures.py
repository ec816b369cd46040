"""DataFrames → Plotly figures with one shared look.

Readable from the back of a meeting room (large type), Swedish number format
(decimal comma, space as thousands separator), and a status palette that is
safe for colour-blind readers (Okabe–Ito) with a pattern as a second cue; the
status is always written out too (legend, hover text, and the data table the
page shows beside every chart). Text that comes from users is escaped, since
Plotly reads a few HTML tags in labels.
"""

from __future__ import annotations

import hashlib
import html
import pickle
import textwrap
import threading
from collections import OrderedDict

import pandas as pd
import plotly.graph_objects as go

from .config import current_reference, period_label
from .wording import BETTER_UP, INCOMPLETE, axis_title, format_number

# Status → colour (Okabe–Ito), bar pattern and the progress() column that counts it, in stacking order.
STATUSES = ("Klar", "Pågår", "Ej påbörjad", "Försenad", "Avbruten")
STATUS_COLORS = {"Klar": "#009E73", "Pågår": "#56B4E9", "Ej påbörjad": "#C8C8C8", "Försenad": "#D55E00",
                 "Avbruten": "#CC79A7"}
STATUS_PATTERNS = {"Klar": "", "Pågår": "", "Ej påbörjad": ".", "Försenad": "x", "Avbruten": "/"}
STATUS_COLUMNS = {"Klar": "klar", "Pågår": "pagar", "Ej påbörjad": "ej_paborjad", "Försenad": "forsenad_status",
                  "Avbruten": "avbruten"}
JUDGEMENT_COLORS = {"förbättring": "#009E73", "försämring": "#D55E00", "oförändrad": "#555555"}
PRIMARY = "#0072B2"
TARGET = "#E69F00"
COMPARISON = "#6E6E6E"
FONT_SIZE = 18
_GRID = {"gridcolor": "#E1E1E1", "linecolor": "#8C8C8C", "zerolinecolor": "#B4B4B4", "ticks": "outside",
         "tickcolor": "#8C8C8C"}
# A small template of our own: Plotly's built-in ones cost ~15 ms per figure to copy.
TEMPLATE = go.layout.Template(layout={"paper_bgcolor": "#FFFFFF", "plot_bgcolor": "#FFFFFF", "xaxis": _GRID,
                                      "yaxis": _GRID, "colorway": [PRIMARY, "#E69F00", "#009E73", "#CC79A7",
                                                                   "#56B4E9", "#D55E00", "#F0E442", "#000000"]})


def plain(value: object) -> str:
    """User text made safe for Plotly labels (Plotly reads <b>, <a href> and friends)."""
    return html.escape("" if value is None else str(value), quote=False)


def wrap(value: object, width: int = 28) -> str:
    """Escaped text broken into lines for an axis label."""
    return "<br>".join(plain(line) for line in textwrap.wrap(str(value), width)) or plain(value)


def figure(data: list[dict], *, height: int = 420, legend: bool = True, xaxis: dict | None = None,
           yaxis: dict | None = None, validate: bool = True, **layout) -> go.Figure:
    """The shared look, built in one go (Plotly's update_* calls cost milliseconds each): large type, Swedish
    separators, white background, legend on top.

    ``validate=False`` skips Plotly's property checks (about 10 ms of a 12 ms construction; Plotly builds its own
    templates that way): for a chart drawn many times per page whose test checks it against a validated copy."""
    # The arguments' exact content (a pickle, never a repr: a repr shortens long arrays) as the key.
    key = hashlib.blake2b(pickle.dumps((data, height, legend, xaxis, yaxis, validate, sorted(layout.items())),
                                       protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()
    with _built_lock:
        built = _built.get(key)
        if built is not None:
            _built.move_to_end(key)
    if built is None:
        built = pickle.dumps(_build(data, height, legend, xaxis, yaxis, validate, layout).to_dict(),
                             protocol=pickle.HIGHEST_PROTOCOL)
        with _built_lock:
            _built[key] = built
            while len(_built) > _BUILT_MAX:
                _built.popitem(last=False)
    # A fresh figure from the checked dict (a copy of its own): no second check, and the caller may change it.
    return go.Figure(pickle.loads(built), _validate=False)


# Figures already built and checked, by their arguments: a page run draws the same charts as the run before it
# (each warm run and every visitor), and Plotly's checks are most of a figure's cost.
_built: OrderedDict[bytes, bytes] = OrderedDict()
_built_lock = threading.Lock()
_BUILT_MAX = 256


def _build(data: list[dict], height: int, legend: bool, xaxis: dict | None, yaxis: dict | None, validate: bool,
           layout: dict) -> go.Figure:
    axis = {"automargin": True, "title": {"font": {"size": FONT_SIZE}}}
    return go.Figure(data=data, _validate=validate, layout={
        "template": TEMPLATE,
        "separators": ", ",
        "height": height,
        "font": {"family": "Source Sans Pro, Arial, sans-serif", "size": FONT_SIZE, "color": "#1A1A1A"},
        "margin": {"l": 10, "r": 20, "t": 50 if legend else 20, "b": 10},
        "showlegend": legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": {"text": ""},
                   "traceorder": "normal"},
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "bargap": 0.25,
        "xaxis": _merge(axis, xaxis or {}),
        "yaxis": _merge(axis, yaxis or {}),
        **layout,
    })


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _pattern(shape) -> dict:
    return {"shape": shape, "fgcolor": "#1A1A1A", "fillmode": "overlay", "size": 8, "solidity": 0.15}


def progress_bars(progress: pd.DataFrame, names: dict[int, str]) -> go.Figure:
    """Stacked horizontal bar of statuses per målområde, the average Andel klart in each label."""
    df = progress.sort_values("malomrade", ascending=False)
    labels = [f"{wrap(f'{int(r.malomrade)}. {names.get(int(r.malomrade), r.malomrade)}')}"
              f"<br><i>snitt {format_number(r.snitt_andel_klar)} % klart</i>" for r in df.itertuples()]
    traces = []
    for status in STATUSES:
        counts = df[STATUS_COLUMNS[status]].astype(int).tolist()
        traces.append({
            "type": "bar", "name": status, "orientation": "h", "y": labels, "x": counts,
            "text": [c if c else "" for c in counts], "textposition": "inside",
            "textfont": {"color": "#FFFFFF" if status == "Avbruten" else "#000000"},
            "marker": {"color": STATUS_COLORS[status], "line": {"color": "#FFFFFF", "width": 1},
                       "pattern": _pattern(STATUS_PATTERNS[status])},
            "hovertemplate": f"%{{y}}<br>{status}: %{{x}} aktiviteter<extra></extra>"})
    return figure(traces, height=max(360, 95 * len(df) + 80), barmode="stack",
                  xaxis={"title": {"text": "Antal aktiviteter"}, "tickformat": "d"})


def share_trend(summary: pd.DataFrame) -> go.Figure:
    """Share Klar per period, oldest first. With a ``komplett`` column (``periods.trend``), a period that is still
    being reported is drawn differently: a hollow marker, a dashed segment to it and the label "ofullständig"."""
    periods = [period_label(p) for p in summary["period"]]
    values = summary["andel_klara"].astype(float).tolist()
    complete = summary["komplett"].astype(bool).tolist() if "komplett" in summary else [True] * len(periods)
    texts = [f"{format_number(v)} %" if ok else f"{format_number(v)} %<br>{INCOMPLETE}"
             for v, ok in zip(values, complete)]
    hover = [period_label(p) + ("" if ok else f" ({INCOMPLETE})") for p, ok in zip(periods, complete)]
    # A segment is solid only between two complete periods; the dashed line underneath shows elsewhere.
    solid = [v if ok else None for v, ok in zip(values, complete)]
    traces = []
    if not all(complete):
        traces.append({"type": "scatter", "x": periods, "y": values, "mode": "lines", "name": f"Andel klara ({INCOMPLETE})",
                       "line": {"color": PRIMARY, "width": 3, "dash": "dash"}, "hoverinfo": "skip"})
    traces.append({"type": "scatter", "x": periods, "y": solid, "mode": "lines+markers+text",
                   "line": {"color": PRIMARY, "width": 4}, "marker": {"size": 12}, "connectgaps": False,
                   "text": [t if ok else "" for t, ok in zip(texts, complete)], "textposition": "top center",
                   "customdata": hover, "name": "Andel klara",
                   "hovertemplate": "%{customdata}<br>Andel klara: %{y:.1f} %<extra></extra>"})
    if not all(complete):
        idx = [i for i, ok in enumerate(complete) if not ok]
        traces.append({"type": "scatter", "x": [periods[i] for i in idx], "y": [values[i] for i in idx],
                       "mode": "markers+text", "name": INCOMPLETE,
                       "marker": {"size": 14, "symbol": "circle-open", "color": PRIMARY, "line": {"width": 3}},
                       "text": [texts[i] for i in idx], "textposition": "top center",
                       "customdata": [hover[i] for i in idx],
                       "hovertemplate": "%{customdata}<br>Andel klara: %{y:.1f} %<extra></extra>"})
    return figure(traces, height=380, legend=False,
                  xaxis={"title": {"text": "Period"}, "type": "category"},
                  yaxis={"title": {"text": "Andel klara (%)"}, "range": [0, 105], "ticksuffix": " %"})


def status_compare(current: dict[str, int], previous: dict[str, int] | None, current_label: str,
                   previous_label: str) -> go.Figure:
    """Number of activities per status in this and (when there is one) the previous period."""
    rows = [(previous_label, previous, 0.45), (current_label, current, 1.0)] if previous else \
        [(current_label, current, 1.0)]
    traces = []
    for label, counts, opacity in rows:
        values = [int(counts.get(s, 0)) for s in STATUSES]
        traces.append({
            "type": "bar", "name": plain(label), "x": list(STATUSES), "y": values, "text": values,
            "textposition": "outside", "textfont": {"color": "#1A1A1A"},
            "marker": {"color": [STATUS_COLORS[s] for s in STATUSES], "line": {"color": "#1A1A1A", "width": 1.5},
                       "opacity": opacity, "pattern": _pattern([STATUS_PATTERNS[s] for s in STATUSES])},
            "hovertemplate": f"{plain(label)}<br>%{{x}}: %{{y}} aktiviteter<extra></extra>"})
    return figure(traces, height=400, legend=previous is not None, barmode="group",
                  xaxis={"title": {"text": "Status"}},
                  yaxis={"title": {"text": "Antal aktiviteter"}, "tickformat": "d", "rangemode": "tozero"})



def days_late(names: list[str], days: list[int]) -> go.Figure:
    """Days late per overdue activity, one horizontal bar each in the order given (top to bottom), "153 dagar"
    beside the bar and no value axis (the bars carry their numbers): the overdue list's message as a picture on a
    continuation slide, readable in the little height a few rows leave it."""
    labels = [plain(n if len(str(n)) <= 34 else str(n)[:33] + "…") for n in names]
    values = [int(d) for d in days]
    rows = list(range(len(values)))  # positions, not names: two activities may share a name
    return figure([{"type": "bar", "orientation": "h", "y": rows, "x": values, "customdata": labels,
                    "text": [f"{v} {'dag' if v == 1 else 'dagar'}" for v in values], "textposition": "outside",
                    "cliponaxis": False, "textfont": {"color": "#1A1A1A"},
                    "marker": {"color": STATUS_COLORS["Försenad"], "line": {"color": "#1A1A1A", "width": 1.5},
                               "pattern": _pattern(STATUS_PATTERNS["Försenad"])},
                    "hovertemplate": "%{customdata}: %{x} dagar sen<extra></extra>"}],
                  height=max(240, 60 * len(values) + 40), legend=False, bargap=0.2,
                  xaxis={"visible": False, "range": [0, max(5, max(values, default=0)) * 1.3]},
                  yaxis={"autorange": "reversed", "tickmode": "array", "tickvals": rows, "ticktext": labels,
                         "ticksuffix": "  ", "showgrid": False})


# Series on an indicator chart: the own series strong, each comparison series its own Okabe–Ito colour (at least
# 3:1 against white), dash pattern and marker, so colour is never the only cue; the legend names them.
OWN_STYLE = {"color": PRIMARY, "dash": "solid", "width": 4, "symbol": "circle", "size": 10}
SERIES_STYLES = {
    "Riket": {"color": "#000000", "dash": "dash", "width": 2.5, "symbol": "square", "size": 8},
    "Liknande kommuner": {"color": "#009E73", "dash": "dot", "width": 3, "symbol": "diamond", "size": 10},
}
OTHER_STYLES = (  # further series, in order
    {"color": "#CC79A7", "dash": "longdash", "width": 2.5, "symbol": "triangle-up", "size": 10},
    {"color": "#D55E00", "dash": "longdashdot", "width": 2.5, "symbol": "x", "size": 9},
    {"color": COMPARISON, "dash": "dashdot", "width": 2, "symbol": "cross", "size": 8},
)
TARGET_DASH = "dashdot"


def own_series() -> str:
    """The kommun's own series: the setting ``kommun`` (Settings.own_series)."""
    return current_reference().options.own_series


def series_order(names, own: str | None = None) -> list[str]:
    """The own series first, then riket, similar kommuner, and any others alphabetically."""
    known = [own or own_series(), *SERIES_STYLES]
    return sorted(dict.fromkeys(names), key=lambda n: (known.index(n) if n in known else len(known), str(n)))


def series_styles(names, own: str | None = None) -> dict[str, dict]:
    """Each series' line style (OWN_STYLE, SERIES_STYLES), in series_order."""
    own = own or own_series()
    styles = {own: OWN_STYLE, **SERIES_STYLES}
    ordered = series_order(names, own)
    others = iter([n for n in ordered if n not in styles])
    extra = {n: OTHER_STYLES[i % len(OTHER_STYLES)] for i, n in enumerate(others)}
    return {n: styles.get(n) or extra[n] for n in ordered}


def indicator(values: pd.DataFrame, unit: str | None, target: float | None, target_year: int | None,
              riktning: str | None = None) -> go.Figure:
    """One indicator over the years: the own series strong, comparison series (riket, similar kommuner) each in
    its own colour, dashes and markers, the target drawn in; a legend when there is more than one thing to name.
    With ``riktning`` the value axis reads "bättre ↑": turned upside down when lower is better."""
    unit_txt = f" {plain(unit)}" if unit else ""
    traces, shapes = [], []
    groups = dict(tuple(values.sort_values("ar").groupby("serie", sort=False)))
    for serie, style in series_styles(groups).items():
        df = groups[serie]
        traces.append({
            "type": "scatter", "x": df["ar"].astype(int).tolist(), "y": df["varde"].astype(float).tolist(),
            "name": plain(serie), "mode": "lines+markers",
            "line": {"color": style["color"], "width": style["width"], "dash": style["dash"]},
            "marker": {"size": style["size"], "symbol": style["symbol"], "color": style["color"]},
            "hovertemplate": f"{plain(serie)} %{{x}}: %{{y:,.4~f}}{unit_txt}<extra></extra>"})
    goal = float(target) if target is not None and pd.notna(target) else None
    has_target = goal is not None
    if goal is not None:
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": goal, "y1": goal,
                       "line": {"color": TARGET, "width": 3, "dash": TARGET_DASH}})
        if target_year is not None and pd.notna(target_year):
            when = f" till {int(target_year)}"
            traces.append({
                "type": "scatter", "x": [int(target_year)], "y": [goal], "mode": "markers+text",
                "name": f"Mål{when}", "text": [f"Mål {format_number(target)}{when}"], "textposition": "top left",
                "cliponaxis": False,  # the label may reach above the plot area; never cut it off
                "marker": {"symbol": "star", "size": 20, "color": TARGET, "line": {"color": "#1A1A1A", "width": 1}},
                "hovertemplate": f"Mål{when}: %{{y:,.4~f}}{unit_txt}<extra></extra>"})
    # From zero (or the lowest value) to a good way above the highest value or target, so the target's label fits
    # inside the plot area; cliponaxis above keeps it whole on a short chart anyway.
    lo = min(0.0, float(values["varde"].min()))
    hi = max([float(values["varde"].max())] + ([goal] if goal is not None else []))
    pad = (hi - lo) * 0.2 or 1.0
    return figure(traces, height=380, legend=values["serie"].nunique() > 1 or has_target, shapes=shapes,
                  validate=False,  # up to six on a page; tests/test_indikatorer_kolada.py checks it validates
                  xaxis={"title": {"text": "År"}, "tickformat": "d", "dtick": 2 if values["ar"].nunique() > 12 else 1},
                  yaxis={"title": {"text": plain(axis_title(unit, riktning) if riktning else (unit or "Värde"))},
                         "range": _oriented([lo - (pad if lo < 0 else 0), hi + pad], riktning)})


def _oriented(rng: list[float], riktning: str | None) -> list[float]:
    """A value axis where up is better: reversed when lower is better."""
    return rng[::-1] if riktning == "lagre" else rng


def indicator_small(values: pd.DataFrame, unit: str | None, target: float | None, target_year: int | None,
                    riktning: str | None, outlook=None) -> go.Figure:
    """One indicator as a small multiple: the own series, the target (dashed, with a star at its year), the trend as
    a plain linear projection (dotted) when ``outlook`` has one, and an axis where up is always better (turned
    upside down when lower is better), titled "bättre ↑"."""
    df = values.sort_values("ar")
    x, y = df["ar"].astype(int).tolist(), df["varde"].astype(float).tolist()
    traces = [{"type": "scatter", "x": x, "y": y, "mode": "lines+markers", "name": own_series(),
               "line": {"color": PRIMARY, "width": 4}, "marker": {"size": 9, "color": PRIMARY},
               "hovertemplate": "%{x}: %{y:,.4~f}<extra></extra>"}]
    shapes = []
    goal = float(target) if target is not None and pd.notna(target) else None
    has_target = goal is not None
    end = int(target_year) if target_year is not None and pd.notna(target_year) else (x[-1] if x else 0)
    if goal is not None:
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": goal, "y1": goal,
                       "line": {"color": TARGET, "width": 3, "dash": "dash"}})
        traces.append({"type": "scatter", "x": [end], "y": [goal], "mode": "markers", "name": "Mål",
                       "marker": {"symbol": "star", "size": 18, "color": TARGET, "line": {"color": "#1A1A1A",
                                                                                        "width": 1}},
                       "hovertemplate": "Mål %{x}: %{y:,.4~f}<extra></extra>"})
    if len(x) >= 3 and has_target and end > x[-1]:
        xs = pd.Series(x, dtype=float)
        ys = pd.Series(y, dtype=float)
        slope = ((xs - xs.mean()) * (ys - ys.mean())).sum() / ((xs - xs.mean()) ** 2).sum()
        line = [y[-1], y[-1] + slope * (end - x[-1])]  # story.outlook's trend: the slope, from the latest value
        traces.append({"type": "scatter", "x": [x[-1], end], "y": line, "mode": "lines", "name": "Trend",
                       "line": {"color": COMPARISON, "width": 3, "dash": "dot"}, "hoverinfo": "skip"})
    span = [v for v in y + ([goal] if goal is not None else [])]
    lo, hi = (min(span), max(span)) if span else (0.0, 1.0)
    pad = (hi - lo) * 0.15 or 1.0
    rng = [lo - pad, hi + pad]
    return figure(traces, height=300, legend=False, shapes=shapes, validate=False,
                  margin={"l": 10, "r": 10, "t": 10, "b": 10},
                  xaxis={"tickformat": "d", "nticks": 4, "range": [min(x or [end]) - 0.5, end + 0.5]},
                  yaxis={"title": {"text": BETTER_UP}, "nticks": 4, "tickformat": "~s" if hi >= 10_000 else "",
                         "range": _oriented(rng, riktning)})

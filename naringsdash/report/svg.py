"""A small SVG chart writer for the report: stacked horizontal bars, grouped bars and lines, drawn directly from
the numbers in a few milliseconds, with no browser.

Each chart is a standalone ``<svg>`` with ``role="img"``, a ``<title>`` (the text alternative the tagged PDF
uses as the figure's /Alt) and a ``<desc>``. Every piece of text is XML-escaped here, so a label from user data
prints as written. Sizes are in px of a ``viewBox``; the PDF scales the chart to the column and the Word
document gets a PNG of the same SVG (``charts.png``).
"""

from __future__ import annotations

import math
import textwrap
from xml.sax.saxutils import escape, quoteattr

from ..wording import format_number

FONT = "Liberation Sans, Arial, DejaVu Sans, sans-serif"
INK = "#1A1A1A"
MUTED = "#5A5A5A"
GRID = "#E1E1E1"
AXIS = "#8C8C8C"
CHAR_W = 0.56  # average glyph width in em for Liberation Sans: enough to wrap and place labels


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_W


def _t(x: float, y: float, text: object, size: float = 13, *, anchor: str = "start", weight: str = "normal",
       fill: str = INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}">{escape(str(text))}</text>')


def _rect(x: float, y: float, w: float, h: float, fill: str, *, stroke: str | None = None,
          opacity: float = 1.0) -> str:
    extra = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    extra += f' fill-opacity="{opacity}"' if opacity < 1 else ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{fill}"{extra}/>'


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT)}>'
            f'<title>{escape(title)}</title><desc>{escape(desc)}</desc>'
            f'<rect width="{width}" height="{height}" fill="#FFFFFF"/>{"".join(body)}</svg>')


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering lo..hi (about n of them)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, v = [], start
    while v <= hi + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _fmt(v: float, unit: str = "") -> str:
    decimals = 0 if float(v).is_integer() else None
    return format_number(v, decimals) + unit


def legend(items: list[tuple[str, str, str]], x: float, y: float, width: float,
           size: float = 12) -> tuple[list[str], float]:
    """Legend entries (name, colour, kind: 'box' | 'line' | dash pattern) laid out in rows; → (svg, height)."""
    out, cx, cy = [], x, y
    for name, color, kind in items:
        w = 26 + text_width(name, size) + 18
        if cx > x and cx + w > x + width:
            cx, cy = x, cy + size + 8
        if kind == "box":
            out.append(_rect(cx, cy - size + 2, 14, size, color))
        else:
            dash = "" if kind == "line" else f' stroke-dasharray="{kind}"'
            mid = cy - size / 2 + 2
            out.append(f'<line x1="{cx:.1f}" y1="{mid:.1f}" x2="{cx + 20:.1f}" y2="{mid:.1f}" '
                       f'stroke="{color}" stroke-width="3"{dash}/>')
        out.append(_t(cx + 26, cy, name, size))
        cx += w
    return out, cy - y + size + 6


def stacked_bars(rows: list[tuple[list[str], dict[str, int]]], order: list[str], colors: dict[str, str],
                 *, title: str, desc: str, width: int = 680, axis_title: str = "Antal aktiviteter",
                 text_colors: dict[str, str] | None = None) -> str:
    """One horizontal bar per row (label lines, counts per category), stacked in ``order``; counts in the bars."""
    size = 13
    label_w = min(260, max(text_width(line, size) for lines, _ in rows for line in lines) + 12) if rows else 100
    leg, leg_h = legend([(k, colors[k], "box") for k in order], 10, 20, width - 20)
    top = 20 + leg_h
    row_h = max(38, max((len(lines) for lines, _ in rows), default=1) * (size + 3) + 10)
    plot_x, plot_w = label_w + 10, width - label_w - 30
    total = max((sum(c.values()) for _, c in rows), default=1) or 1
    ticks = nice_ticks(0, total)
    scale = plot_w / ticks[-1]
    height = int(top + row_h * len(rows) + 50)
    body = list(leg)
    for t in ticks:
        x = plot_x + t * scale
        bottom = top + row_h * len(rows)
        body.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{GRID}"/>')
        body.append(_t(x, top + row_h * len(rows) + 16, _fmt(t), 12, anchor="middle", fill=MUTED))
    body.append(_t(plot_x + plot_w / 2, height - 8, axis_title, 12, anchor="middle", fill=MUTED))
    for i, (lines, counts) in enumerate(rows):
        y = top + i * row_h
        ly = y + row_h / 2 - (len(lines) - 1) * (size + 3) / 2 + size / 3
        for j, line in enumerate(lines):
            body.append(_t(label_w, ly + j * (size + 3), line, size if j == 0 else 11.5, anchor="end",
                           fill=INK if j == 0 else MUTED))
        x = plot_x
        for k in order:
            n = int(counts.get(k, 0))
            if not n:
                continue
            w = n * scale
            body.append(_rect(x, y + 6, w, row_h - 12, colors[k], stroke="#FFFFFF"))
            if w >= text_width(str(n), 12) + 4:
                body.append(_t(x + w / 2, y + row_h / 2 + 4, n, 12, anchor="middle",
                               fill=(text_colors or {}).get(k, INK)))
            x += w
    return _svg(width, height, title, desc, body)


def grouped_bars(categories: list[str], series: list[tuple[str, list[int], float]], colors: dict[str, str], *,
                 title: str, desc: str, width: int = 680, height: int = 260,
                 axis_title: str = "Antal aktiviteter") -> str:
    """Vertical bars per category, one per series (name, values, opacity: the earlier period paler)."""
    body: list[str] = []
    if len(series) > 1:
        leg, leg_h = legend([(name, INK, "box" if op == 1 else "line") for name, _, op in series], 60, 20, width - 70)
        body += leg
    else:
        leg_h = 0
    top, bottom, left = 28 + leg_h, 40, 56
    plot_w, plot_h = width - left - 12, height - top - bottom
    hi = max((v for _, vals, _ in series for v in vals), default=1) or 1
    ticks = nice_ticks(0, hi * 1.1, 4)
    scale = plot_h / ticks[-1]
    base = top + plot_h
    for t in ticks:
        y = base - t * scale
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_t(left - 6, y + 4, _fmt(t), 12, anchor="end", fill=MUTED))
    body.append(f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="12" fill="{MUTED}" text-anchor="middle" '
                f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(axis_title)}</text>')
    slot = plot_w / max(len(categories), 1)
    bar_w = min(40, slot * 0.8 / max(len(series), 1))
    for ci, cat in enumerate(categories):
        x0 = left + ci * slot + (slot - bar_w * len(series)) / 2
        for si, (_, vals, opacity) in enumerate(series):
            v = vals[ci]
            x = x0 + si * bar_w
            body.append(_rect(x + 1, base - v * scale, bar_w - 2, v * scale, colors[cat], stroke=INK, opacity=opacity))
            body.append(_t(x + bar_w / 2, base - v * scale - 4, v, 12, anchor="middle"))
        body.append(_t(left + ci * slot + slot / 2, base + 17, cat, 12.5, anchor="middle"))
    body.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="{AXIS}"/>')
    return _svg(width, height, title, desc, body)


def lines(x_labels: list[str], series: list[dict], *, title: str, desc: str, width: int = 680, height: int = 260,
          y_title: str = "", unit: str = "", y_range: tuple[float, float] | None = None,
          target: tuple[float, str | None, str] | None = None, point_labels: bool = False, size: float = 12,
          invert: bool = False) -> str:
    """Lines over categorical x positions. A series: {name, values (None where missing), color, width, dash,
    marker}. ``target``: (value, x label where it is due or None, its label), drawn as a dashed line.
    ``invert``: the value axis upside down (smallest at the top), so that a lower-is-better series that improves
    rises, as on the dashboard."""
    body: list[str] = []
    items = [(s["name"], s["color"], s.get("dash") or "line") for s in series]
    if target:
        items.append((target[2], "#E69F00", "6 3 2 3"))
    if len(items) > 1:
        leg, leg_h = legend(items, 50, 18, width - 60, size)
        body += leg
    else:
        leg_h = 0
    values = [v for s in series for v in s["values"] if v is not None]
    if target:
        values.append(target[0])
    lo, hi = y_range if y_range else (min(0.0, min(values, default=0)), max(values, default=1))
    ticks = nice_ticks(lo, hi, 4) if y_range else nice_ticks(lo, hi + (hi - lo) * 0.08, 4)
    top, bottom = 20 + leg_h, 36
    tick_w = max(text_width(_fmt(t, unit), size) for t in ticks)
    left = 14 + tick_w + (16 if y_title else 4)
    plot_w, plot_h = width - left - 16, height - top - bottom
    n = len(x_labels)

    def y_of(v: float) -> float:
        share = (v - ticks[0]) / (ticks[-1] - ticks[0])
        return top + (share if invert else 1 - share) * plot_h

    def x_of(i: int) -> float:
        return left + (i + 0.5) * plot_w / max(n, 1)
    for t in ticks:
        y = y_of(t)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_t(left - 5, y + 4, _fmt(t, unit), size, anchor="end", fill=MUTED))
    if y_title:
        mid = top + plot_h / 2
        body.append(f'<text x="{size}" y="{mid:.1f}" font-size="{size}" fill="{MUTED}" text-anchor="middle" '
                    f'transform="rotate(-90 {size} {mid:.1f})">{escape(y_title)}</text>')
    every = max(1, math.ceil(max(text_width(x, size) for x in x_labels) * n / plot_w / 0.9)) if n else 1
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1 and n - 1 - (n - 1) // every * every > every / 2:  # never touching
            body.append(_t(x_of(i), top + plot_h + 16, label, size, anchor="middle", fill=MUTED))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{AXIS}"/>')
    if target:
        y = y_of(target[0])
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#E69F00" '
                    f'stroke-width="2.5" stroke-dasharray="6 3 2 3"/>')
        if target[1] in x_labels:
            x = x_of(x_labels.index(target[1]))
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#E69F00" stroke="{INK}"/>')
    for s in series:
        pts = [(x_of(i), y_of(v)) for i, v in enumerate(s["values"]) if v is not None]
        if len(pts) > 1:
            dash = f' stroke-dasharray="{s["dash"]}"' if s.get("dash") else ""
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            body.append(f'<polyline points="{path}" fill="none" stroke="{s["color"]}" '
                        f'stroke-width="{s.get("width", 3)}" stroke-linejoin="round"{dash}/>')
        r = s.get("marker", 4)
        for x, y in pts:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{s["color"]}"/>')
        if point_labels:
            for (x, y), v in zip(pts, [v for v in s["values"] if v is not None]):
                body.append(_t(x, y - 9, _fmt(v, unit), size, anchor="middle"))
    return _svg(width, height, title, desc, body)


def wrap(text: str, width: int = 30) -> list[str]:
    return textwrap.wrap(str(text), width) or [str(text)]

"""The report as one HTML document (what ``pdf.py`` hands to WeasyPrint): semantic markup, so the tagged PDF gets
its structure from it: h1–h4 headings, sections in reading order, tables with ``<th scope>`` header cells that
repeat on every page, lists, and each chart an inline SVG with a ``<title>`` (the figure's alternative text) and a
caption. The language is Swedish (``lang="sv-SE"``), the title in ``<title>``.

Every value from the data goes through ``e`` (``html.escape``): user text prints as written, never as markup.
The chart SVGs are made by ``svg.py``, which escapes its own text.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Set as AbstractSet

import pandas as pd

from . import text as t
from .charts import Chart, judgement_color
from .data import BEDOMNING_COLORS, TITLE, ReportData, Section

# The overdue activities listed per målområde in the PDF, the most overdue first; every one of them is in the
# Excel workbook attached to the PDF (and in the Word document). A list of hundreds helps no reader.
MAX_LATE_ROWS = 30

CSS = """
@page {
  size: A4; margin: 22mm 20mm 22mm 20mm;
  @top-left { content: string(doctitle) " – " string(label); font-size: 8pt; color: #5A5A5A; vertical-align: bottom;
              padding-bottom: 2mm; border-bottom: 0.5pt solid #BFC7D5; }
  @top-right { content: string(kommun); font-size: 8pt; color: #5A5A5A; vertical-align: bottom;
               padding-bottom: 2mm; border-bottom: 0.5pt solid #BFC7D5; }
  @bottom-left { content: string(asof); font-size: 8pt; color: #5A5A5A; vertical-align: top;
                 padding-top: 2mm; border-top: 0.5pt solid #BFC7D5; }
  @bottom-right { content: "Sida " counter(page) " av " counter(pages); font-size: 8pt; color: #5A5A5A;
                  vertical-align: top; padding-top: 2mm; border-top: 0.5pt solid #BFC7D5; }
}
@page :first { @top-left { content: none; border: none; } @top-right { content: none; border: none; } }
html { font-family: "Liberation Sans", Arial, "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4;
       color: #1A1A1A; }
body { margin: 0; }
header.cover h1 { string-set: doctitle content(); }
header.cover .kommun { string-set: kommun content(); }
header.cover .label { string-set: label content(); }
.meta .asof { string-set: asof content(); }
header.cover { background: #1F4E79; color: #FFFFFF; padding: 9mm 8mm 7mm; margin: 0 0 5mm;
               border-bottom: 2.2mm solid #F2C500; }
header.cover p { margin: 0; }
header.cover .kommun { font-weight: bold; font-size: 13pt; margin-bottom: 4mm; }
header.cover h1 { font-size: 22pt; line-height: 1.15; margin: 0 0 3mm; color: #FFFFFF; }
header.cover .sub { font-size: 13pt; }
.meta { color: #5A5A5A; font-size: 9pt; margin: 0 0 4mm; }
h2 { font-size: 16pt; color: #1F4E79; margin: 7mm 0 3mm; break-after: avoid; }
h3 { font-size: 12pt; color: #1F4E79; margin: 5mm 0 2mm; break-after: avoid; }
h4 { font-size: 10.5pt; color: #1F4E79; margin: 0 0 1mm; break-after: avoid; }
section.major { break-before: page; }
section.major > h2:first-child, section.first > h2:first-child { margin-top: 0; }
p { margin: 0 0 2.5mm; orphans: 3; widows: 3; }
.small { font-size: 8.5pt; color: #5A5A5A; }
.note { font-size: 9pt; color: #5A5A5A; background: #F2F5F9; padding: 2mm 3mm; }
.exec { margin: 0 0 4mm; }
.exec > div { display: inline-block; vertical-align: top; width: 49%; box-sizing: border-box; padding: 3mm 4mm;
              background: #F2F5F9; border-top: 1.2mm solid #1B7A3E; }
.exec > div.good { margin-right: 2%; }
.exec > div.decide { border-top-color: #B8322A; }
.exec h3 { margin-top: 0; color: #1A1A1A; }
.exec ul { margin: 0; padding-left: 4.5mm; }
.exec li { margin: 0 0 1.5mm; }
ul.kpis { list-style: none; padding: 0; margin: 0 0 4mm; }
ul.kpis li { display: inline-block; vertical-align: top; width: 24.2%; box-sizing: border-box; margin-right: 1%;
             background: #E8EEF5; padding: 2.5mm 3mm; min-height: 20mm; }
ul.kpis li:last-child { margin-right: 0; }
ul.kpis .value { display: block; font-size: 17pt; font-weight: bold; color: #1F4E79; }
ul.kpis .label, ul.kpis .since { display: block; font-size: 8.5pt; color: #5A5A5A; }
nav ol { list-style: none; padding: 0; margin: 0 0 4mm; columns: 2; column-gap: 8mm; }
nav li a { color: #1A1A1A; text-decoration: none; }
nav li a::after { content: leader(".") target-counter(attr(href), page); }
table { border-collapse: collapse; width: 100%; margin: 0 0 4mm; font-size: 8.5pt; line-height: 1.3;
        table-layout: fixed; }
thead { display: table-header-group; }
th, td { padding: 1.2mm 1.5mm; text-align: left; vertical-align: top; border-bottom: 0.4pt solid #BFC7D5; }
thead th { background: #1F4E79; color: #FFFFFF; font-weight: bold; }
tbody tr:nth-child(even) { background: #F2F5F9; }
tbody th { font-weight: normal; }
tr { break-inside: avoid; }
.num { text-align: right; }
td.light { font-weight: bold; }
.judged { font-weight: bold; }
.analysis { margin: 0 0 4mm; break-inside: avoid; background: #F2F5F9; }
.analysis .word { margin: 0; padding: 1.5mm 3mm; font-weight: bold; font-size: 11pt; }
.analysis .body { padding: 2.5mm 3mm; }
.analysis .body p:last-child { margin-bottom: 0; }
figure { margin: 0 0 4mm; break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: 8.5pt; color: #5A5A5A; margin-top: 1mm; }
.indicator { display: inline-block; vertical-align: top; width: 48.5%; margin: 0 0 4mm; }
.indicator.left { margin-right: 3%; }
.indicator p { font-size: 9pt; margin-bottom: 1.5mm; }
.indicator figure { margin-bottom: 0; }
"""


def e(value: object) -> str:
    """Escaped text for HTML; None and NaN as empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape("".join(c if c in "\n\t" or ord(c) >= 32 else " " for c in str(value)), quote=True)


def table(header: list[str], rows: list[list], widths: list[float], *, right: AbstractSet[int] = frozenset(),
          row_header: bool = True, caption: str | None = None,
          cls: dict[tuple[int, int], tuple[str, str]] | None = None) -> str:
    """A data table: header cells with scope="col" (repeated on every page), the first column as row headers,
    column widths in proportion to ``widths`` (a fixed layout: fast for long tables). ``rows`` hold plain values
    (escaped here) or ``Raw`` (markup made here from escaped parts)."""
    total = sum(widths)
    out = ["<table>", "<colgroup>" + "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in widths)
           + "</colgroup>"]
    if caption:
        out.append(f'<caption class="small" style="caption-side: bottom; text-align: left">{e(caption)}</caption>')
    out.append("<thead><tr>" + "".join(
        f'<th scope="col"{" class=num" if i in right else ""}>{e(h)}</th>' for i, h in enumerate(header))
        + "</tr></thead><tbody>")
    for ri, row in enumerate(rows):
        cells = []
        for i, v in enumerate(row):
            tag = "th" if i == 0 and row_header else "td"
            scope = ' scope="row"' if tag == "th" else ""
            attrs = ' class="num"' if i in right else ""
            if cls and (ri, i) in cls:
                bg, fg = cls[(ri, i)]
                attrs = f' class="light" style="background:{bg};color:{fg}"'
            cells.append(f"<{tag}{scope}{attrs}>{v.html if isinstance(v, Raw) else e(v)}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


class Raw:
    """Markup that this module built from escaped parts (never from data directly)."""

    def __init__(self, html_: str):
        self.html = html_


def figure(charts: dict[str, Chart], key: str, what: str) -> str:
    c = charts.get(key)
    if c is None:
        return ""
    # The SVG as an image (WeasyPrint draws it without running the page's CSS over every shape); its alt text is
    # the figure's /Alt in the tagged PDF, the caption names it for everyone.
    src = "data:image/svg+xml;base64," + base64.b64encode(c.svg.encode()).decode()
    return (f'<figure><img src="{src}" alt="{e(c.alt)}" class="{"wide" if c.wide else "half"}">'
            f"<figcaption>Figur: {e(c.title)}.</figcaption></figure>")


def _cover(d: ReportData) -> str:
    # The running header and footer take their text from here (CSS string-set), so it is escaped like the rest.
    return (f'<header class="cover"><p class="kommun">{e(d.kommun)}</p><h1>{e(TITLE)}</h1>'
            f'<p class="sub">Rapport till kommunstyrelsen · <span class="label">{e(d.label)}</span></p></header>'
            f'<p class="meta">Period {e(d.period)} · <span class="asof">läget per {d.as_of:%Y-%m-%d} · framtagen '
            f'{d.created:%Y-%m-%d}</span>. '
            "Underlag: förvaltningarnas uppföljningar av handlingsplanens aktiviteter, målområdenas bedömningar och "
            "indikatorerna i Näringsdash.</p>")


def _executive(d: ReportData) -> str:
    kpis = "".join(
        f'<li><span class="value">{e(value)}</span><span class="label">{e(label)}</span>'
        f'<span class="since">{e(f"{diff} sedan {d.previous_label}" if diff else "")}</span></li>'
        for label, value, diff in t.key_figures(d))
    good = "".join(f"<li>{e(x)}</li>" for x in t.going_well(d))
    decide = "".join(f"<li>{e(x)}</li>" for x in t.needs_decision(d))
    return (f'<section class="first" id="sammanfattning"><h2>Sammanfattning</h2><ul class="kpis">{kpis}</ul>'
            f'<div class="exec"><div class="good"><h3>Det här går bra</h3><ul>{good}</ul></div>'
            f'<div class="decide"><h3>Det här kräver beslut</h3><ul>{decide}</ul></div></div>'
            + "".join(f"<p>{e(line)}</p>" for line in t.summary_text(d)))


def _contents(d: ReportData) -> str:
    items = [("lage", "Läget per målområde")] + [(f"malomrade-{s.nr}", s.title) for s in d.sections] + \
        [("indikatorer", "Indikatorer"), ("inrapportering", "Inrapportering")]
    return ('<nav aria-label="Innehåll"><h3>Innehåll</h3><ol>'
            + "".join(f'<li><a href="#{k}">{e(label)}</a></li>' for k, label in items) + "</ol></nav></section>")


def _overview(d: ReportData, charts: dict[str, Chart]) -> str:
    rows, fills = [], {}
    for i, s in enumerate(d.sections):
        n = s.now
        word = s.analysis["bedomning"] if s.analysis is not None else None
        rows.append([f"{s.nr}. {s.name}", t.num(n["antal"]) if n is not None else "0",
                     t.num(n["klar"]) if n is not None else "0",
                     t.num(n["andel_klara"], 1, "%") if n is not None else "–",
                     t.num(n["snitt_andel_klar"], 1, "%") if n is not None else "–",
                     t.num(n["forsenade"]) if n is not None else "0", word or "–"])
        if word in BEDOMNING_COLORS:
            fills[(i, 6)] = BEDOMNING_COLORS[word]
    out = ['<section id="lage"><h2>Läget per målområde</h2>',
           table(["Målområde", "Aktiviteter", "Klara", "Andel klara", "Snitt andel klart", "Försenade", "Bedömning"],
                 rows, [58, 18, 13, 18, 20, 18, 20], right={1, 2, 3, 4, 5}, cls=fills,
                 caption="Bedömning: målområdets egen bedömning för perioden (Grön, Gul eller Röd) med analysen i "
                         "avsnittet för målområdet."),
           figure(charts, "oversikt", "status per målområde"), figure(charts, "trend", "andel klara över tid"),
           "</section>"]
    return "".join(out)


def _analysis(a: pd.Series | None) -> str:
    if a is None:
        return '<p class="note">Ingen analys är skriven för målområdet och perioden.</p>'
    bg, fg = BEDOMNING_COLORS.get(a["bedomning"], ("#DDDDDD", "#1A1A1A"))
    paras = "".join(f"<p>{e(p)}</p>" for p in str(a["text"] or "").split("\n") if p.strip())
    return (f'<div class="analysis"><p class="word" style="background:{bg};color:{fg}">{e(a["bedomning"])}</p>'
            f'<div class="body">{paras}<p class="small">{e(t.analysis_byline(a))}</p></div></div>')


def _section(s: Section, d: ReportData, charts: dict[str, Chart]) -> str:
    out = [f'<section id="malomrade-{s.nr}"><h2>{e(s.title)}</h2><p>{e(t.section_text(s))}</p>']
    figs = t.section_figures(s, d)
    if figs:
        out.append(table(["Nyckeltal", d.label, d.previous_label, "Förändring"], [list(f) for f in figs],
                         [40, 32, 32, 36], right={1, 2, 3}))
    out += ["<h3>Bedömning och analys</h3>", _analysis(s.analysis), figure(charts, f"malomrade_{s.nr}",
                                                                          f"statusfördelning för målområde {s.nr}")]
    late = s.overdue
    out.append(f"<h3>Försenade aktiviteter ({len(late)})</h3>")
    if late.empty:
        out.append("<p>Inga försenade aktiviteter i målområdet.</p>")
    else:
        shown = late.sort_values("dagar_sena", ascending=False, kind="stable").head(MAX_LATE_ROWS)
        if len(shown) < len(late):
            out.append(f"<p>De {len(shown)} mest försenade visas här. Alla {len(late)} finns i rapportens underlag: "
                       "Excel-filen som är bifogad i den här PDF-filen (blad Försenade).</p>")
        out.append(table(["ID", "Aktivitet", "Förv.", "Ansvarig", "Slutdatum", "Dagar sena", "Status", "Kommentar"],
                         [[a.aktivitet_id, a.aktivitet, a.forvaltning, a.ansvarig, t.when(a.slutdatum),
                           t.num(a.dagar_sena), a.status, a.kommentar] for a in shown.itertuples()],
                         [13, 38, 10, 21, 19, 13, 17, 42], right={5}))
    out.append("</section>")
    return "".join(out)


def _indicators(d: ReportData, charts: dict[str, Chart]) -> str:
    out = ['<section class="major" id="indikatorer"><h2>Indikatorer</h2>']
    if d.changes.empty:
        return out[0] + "<p>Det finns inga indikatorer i Näringsdash ännu.</p></section>"
    out.append("<p>Senaste värdet för varje indikator jämfört med året före. Förbättring eller försämring bedöms "
               "efter indikatorns riktning: för till exempel en placering eller arbetslöshet är ett lägre tal "
               "bättre.</p>")
    rows = [[x.indikator, x.malomrade, x.ar, t.value_with_unit(x.varde, x.enhet), t.num(x.foregaende),
             t.change(x.forandring),
             Raw(f'<span class="judged" style="color:{judgement_color(x.bedomning)}">'  # arrow and word
                 f'{e(t.arrow(x.forandring, x.riktning) if x.foregaende == x.foregaende else "")}</span>'),
             t.target_text(x).removeprefix("Mål: ")] for x in d.changes.itertuples()]
    out.append(table(["Indikator", "Målområde", "År", "Värde", "Föregående", "Förändring", "Bedömning", "Mål"],
                     rows, [50, 17, 10, 22, 19, 19, 22, 24], right={1, 2, 4, 5}))
    out.append('<h3>Utvecklingen indikator för indikator</h3><div class="indicators">')
    for i, x in enumerate(d.changes.itertuples()):
        side = "left" if i % 2 == 0 else "right"
        out.append(f'<div class="indicator {side}"><h4>{e(x.indikator)}</h4>'
                   f'<p class="small">{e(t.indicator_meta(x))}</p>'
                   f'<p>{e(t.indicator_sentence(x))}</p>{figure(charts, f"indikator_{i}", str(x.indikator))}</div>')
    out.append("</div></section>")
    return "".join(out)


def _reporting(d: ReportData) -> str:
    rep = d.reporting
    missing = rep[~rep["rapporterat"]]
    intro = (f"{d.reported} av {len(rep)} förvaltningar har lämnat uppföljning för {d.label}."
             + ("" if missing.empty else " Uppföljning saknas från " + ", ".join(missing["forvaltning_namn"]) + "."))
    rows = [[x.forvaltning_namn, t.when(x.uploaded_at) if x.rapporterat else Raw("<strong>Saknas</strong>"),
             x.user_name, t.num(x.versioner) if x.rapporterat else "", t.num(x.antal), t.num(x.andel_klara, 1, "%"),
             t.num(x.forsenade)] for x in rep.itertuples()]
    return (f'<section class="major" id="inrapportering"><h2>Inrapportering</h2><p>{e(intro)}</p>'
            + table(["Förvaltning", "Inrapporterad", "Av", "Versioner", "Aktiviteter", "Andel klara", "Försenade"],
                    rows, [50, 25, 25, 17, 18, 17, 16], right={3, 4, 5, 6}) + "</section>")


def _plan_and_styrgrupp(d: ReportData) -> str:
    """The handlingsplan's goals, its revision, the styrgrupp's decisions and näringslivet's views (escaped)."""
    if not d.plan_lines:
        return ""
    parts = "".join(f"<h3>{e(heading)}</h3><ul>" + "".join(f"<li>{e(x)}</li>" for x in lines) + "</ul>"
                    for heading, lines in d.plan_lines)
    return f'<section id="plan"><h2>Handlingsplanen och styrgruppen</h2>{parts}</section>'


def document(d: ReportData, charts: dict[str, Chart]) -> str:
    """The whole report as an HTML string."""
    title = f"{TITLE}, {d.label}"
    head = (f'<!DOCTYPE html><html lang="sv-SE"><head><meta charset="utf-8"><title>{e(title)}</title>'
            f'<meta name="author" content="{e(d.kommun)}">'
            f'<meta name="description" content="{e(f"Rapport till kommunstyrelsen, {d.label}")}">'
            f'<meta name="keywords" content="näringsliv, handlingsplan, uppföljning, {e(d.period)}">'
            f'<meta name="generator" content="Näringsdash">'
            f'<meta name="dcterms.created" content="{d.created:%Y-%m-%d}">'
            f"<style>{CSS}</style></head><body>")
    body = [_cover(d), _executive(d), _contents(d), _overview(d, charts)]
    body += [_section(s, d, charts) for s in d.sections]
    body += [_indicators(d, charts), _plan_and_styrgrupp(d), _reporting(d)]
    return head + "<main>" + "".join(body) + "</main></body></html>"

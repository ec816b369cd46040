"""The report as PDF (reportlab): title page, contents, summary, one section per målområde, indicators,
inrapportering. A4, tables repeat their header row on every page, page numbers "Sida 3 av 17".

All text that comes from users (activity names, comments, analysis texts, names) is escaped before it
goes into reportlab's paragraph markup, so it prints as written and cannot change the layout.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (BaseDocTemplate, Frame, Image, KeepTogether, NextPageTemplate, PageBreak,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)
from reportlab.platypus.tableofcontents import TableOfContents

from . import report as r
from .report_charts import Rendered

# Binary streams instead of ASCII85: a smaller file, and reportlab's pure-Python ASCII85 encoder was most of
# the time spent on the chart images.
rl_config.useA85 = 0

PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 20 * mm, 22 * mm, 22 * mm
TEXT_W = PAGE_W - 2 * MARGIN_X
NAVY = colors.HexColor("#1F4E79")
INK = colors.HexColor("#1A1A1A")
GREY = colors.HexColor("#5A5A5A")
RULE = colors.HexColor("#BFC7D5")
STRIPE = colors.HexColor("#F2F5F9")
PALE = colors.HexColor("#E8EEF5")

# Liberation Sans (Arial's metrics), else DejaVu Sans (both from Debian), else Vera (shipped with reportlab).
FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/liberation/LiberationSans-{}.ttf", ("Regular", "Bold", "Italic", "BoldItalic")),
    ("/usr/share/fonts/truetype/liberation2/LiberationSans-{}.ttf", ("Regular", "Bold", "Italic", "BoldItalic")),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans{}.ttf", ("", "-Bold", "-Oblique", "-BoldOblique")),
]


@cache
def font() -> str:
    """Register the report's font family (Unicode TrueType, so å, ä, ö, – and any user text print) → name."""
    import reportlab

    bundled = Path(reportlab.__file__).parent / "fonts"
    candidates = [[Path(pattern.format(s)) for s in suffixes] for pattern, suffixes in FONT_CANDIDATES]
    candidates.append([bundled / n for n in ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf", "VeraBI.ttf")])
    files = next(c for c in candidates if all(p.exists() for p in c))
    names = ["Rapport", "Rapport-Bold", "Rapport-Italic", "Rapport-BoldItalic"]
    for name, path in zip(names, files):
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily("Rapport", normal=names[0], bold=names[1], italic=names[2], boldItalic=names[3])
    return "Rapport"


@cache
def styles() -> dict[str, ParagraphStyle]:
    f = font()
    base = ParagraphStyle("body", fontName=f, fontSize=10, leading=14, textColor=INK, spaceAfter=6)
    return {
        "body": base,
        "h1": ParagraphStyle("h1", base, fontName=f + "-Bold", fontSize=18, leading=22, textColor=NAVY,
                             spaceBefore=0, spaceAfter=10),
        "h2": ParagraphStyle("h2", base, fontName=f + "-Bold", fontSize=12.5, leading=16, textColor=NAVY,
                             spaceBefore=10, spaceAfter=5, keepWithNext=True),
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=11, textColor=GREY, spaceAfter=4),
        "note": ParagraphStyle("note", base, fontSize=9, leading=12, textColor=GREY, backColor=STRIPE,
                               borderPadding=6, spaceBefore=6, spaceAfter=10),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "cell_r": ParagraphStyle("cell_r", base, fontSize=8.5, leading=10.5, spaceAfter=0, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", base, fontName=f + "-Bold", fontSize=8.5, leading=10.5, spaceAfter=0,
                               textColor=colors.white),
        "head_r": ParagraphStyle("head_r", base, fontName=f + "-Bold", fontSize=8.5, leading=10.5, spaceAfter=0,
                                 textColor=colors.white, alignment=TA_RIGHT),
        "toc1": ParagraphStyle("toc1", base, fontSize=11, leading=16, leftIndent=0, spaceAfter=0),
        "kpi_value": ParagraphStyle("kpi_value", base, fontName=f + "-Bold", fontSize=20, leading=24,
                                    textColor=NAVY, spaceAfter=0),
        "kpi_label": ParagraphStyle("kpi_label", base, fontSize=9, leading=11, textColor=GREY, spaceAfter=0),
        "title_kommun": ParagraphStyle("title_kommun", base, fontName=f + "-Bold", fontSize=14, leading=18,
                                       textColor=colors.white),
        "title": ParagraphStyle("title", base, fontName=f + "-Bold", fontSize=27, leading=33,
                                textColor=colors.white),
        "title_sub": ParagraphStyle("title_sub", base, fontSize=15, leading=20, textColor=colors.white),
    }


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def esc(value: object) -> str:
    """User text as reportlab paragraph markup that prints exactly as written (line breaks kept)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = _CONTROL.sub(" ", str(value).replace("\r\n", "\n").replace("\t", " "))
    return escape(text).replace("\n", "<br/>")


def para(text: object, style: str = "body") -> Paragraph:
    return Paragraph(esc(text), styles()[style])


# --- Pages -------------------------------------------------------------------------------


class _Canvas(rl_canvas.Canvas):
    """Defers each page so the footer can say "Sida n av N"."""

    def __init__(self, *args, footer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer = footer

    def showPage(self):  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if self._pageNumber > 1 and self._footer:
                self._footer(self, self._pageNumber, total)
            super().showPage()
        super().save()


class _Doc(BaseDocTemplate):
    """Registers every chapter heading in the contents and as a PDF bookmark."""

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab's name
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            text = flowable.getPlainText()
            key = f"k{self.seq.nextf('h1')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, 0)
            self.notify("TOCEntry", (0, escape(text), self.page, key))


def _title_page(d: r.ReportData):
    s = styles()

    def draw(canv, doc):
        band = 118 * mm
        canv.saveState()
        canv.setFillColor(NAVY)
        canv.rect(0, PAGE_H - band, PAGE_W, band, stroke=0, fill=1)
        canv.setFillColor(colors.HexColor("#F2C500"))
        canv.rect(0, PAGE_H - band, PAGE_W, 2.2 * mm, stroke=0, fill=1)
        y = PAGE_H - 28 * mm
        for text, style, gap in ((d.kommun, "title_kommun", 14 * mm), (r.TITLE, "title", 10 * mm),
                                 (f"Rapport till kommunstyrelsen · {d.label}", "title_sub", 0)):
            p = Paragraph(esc(text), s[style])
            _, h = p.wrap(TEXT_W, band)
            p.drawOn(canv, MARGIN_X, y - h)
            y -= h + gap
        canv.restoreState()

    return draw


def _footer(d: r.ReportData):
    f = font()

    def draw(canv, page: int, total: int):
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, PAGE_H - 13 * mm, PAGE_W - MARGIN_X, PAGE_H - 13 * mm)
        canv.line(MARGIN_X, 14 * mm, PAGE_W - MARGIN_X, 14 * mm)
        canv.setFillColor(GREY)
        canv.setFont(f, 8)
        canv.drawString(MARGIN_X, PAGE_H - 11 * mm, f"{r.TITLE} – {d.label}")
        canv.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 11 * mm, d.kommun)
        canv.drawString(MARGIN_X, 10 * mm, f"Läget per {d.as_of:%Y-%m-%d} · framtagen {d.created:%Y-%m-%d}")
        canv.drawRightString(PAGE_W - MARGIN_X, 10 * mm, f"Sida {page} av {total}")
        canv.restoreState()

    return draw


# --- Building blocks -------------------------------------------------------------------------


PAD = 4  # cell padding left and right, pt


def fit_widths(header: list[str], rows: list[list], widths_mm: list[float]) -> list[float]:
    """Column widths in pt: the given proportions, widened where a header word or a short value (a date, a
    number) would otherwise be split, taken from the columns that have room to spare."""
    f = font()
    need = []
    for i, h in enumerate(header):
        words = [pdfmetrics.stringWidth(w, f + "-Bold", 8.5) for w in str(h).split()] or [0]
        for row in rows[:200]:
            if not isinstance(row[i], Paragraph):
                words += [pdfmetrics.stringWidth(w, f, 8.5) for w in str(row[i] if row[i] is not None else "").split()]
        need.append(min(max(words), 30 * mm) + 2 * PAD + 1)
    total = sum(widths_mm)
    widths = [w / total * TEXT_W for w in widths_mm]
    for _ in range(len(widths)):
        short = [i for i, w in enumerate(widths) if w < need[i] - 0.01]
        if not short:
            break
        for i in short:
            widths[i] = need[i]
        spare = [i for i, w in enumerate(widths) if i not in short and w > need[i]]
        excess = sum(widths) - TEXT_W
        room = sum(widths[i] - need[i] for i in spare)
        for i in spare:
            widths[i] -= excess * (widths[i] - need[i]) / room if room else 0
    return [w * TEXT_W / sum(widths) for w in widths] if sum(widths) > TEXT_W + 0.5 else widths


def table(header: list[str], rows: list[list], widths_mm: list[float], *, right: set[int] = frozenset(),
          extra: list[tuple] | None = None) -> Table:
    """A data table: navy header row repeated on every page, striped rows, text wrapped in its cell."""
    s = styles()
    widths = fit_widths(header, rows, widths_mm)
    data = [[Paragraph(esc(h), s["head_r" if i in right else "head"]) for i, h in enumerate(header)]]
    for row in rows:
        data.append([c if isinstance(c, Paragraph) else Paragraph(esc(c), s["cell_r" if i in right else "cell"])
                     for i, c in enumerate(row)])
    t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *(extra or []),
    ]))
    return t


def light(word: object) -> tuple | None:
    """Table-style commands that colour a traffic-light cell (the word itself stays in the cell)."""
    return r.BEDOMNING_COLORS.get(str(word)) if word else None


def light_cell(word: object, style: str = "cell") -> Paragraph:
    pair = light(word)
    if not pair:
        return Paragraph(esc(word or "–"), styles()[style])
    return Paragraph(f'<font color="{pair[1]}"><b>{esc(word)}</b></font>', styles()[style])


def chart(images: Rendered, key: str, what: str) -> list:
    png = images.get(key)
    if png:
        iw, ih = ImageReader(io.BytesIO(png)).getSize()
        return [Image(io.BytesIO(png), width=TEXT_W, height=TEXT_W * ih / iw)]
    return [para(f"Diagrammet ({what}) kunde inte skapas när rapporten togs fram; siffrorna finns i tabellen.",
                 "note")]


def kpi_boxes(d: r.ReportData) -> Table:
    s = styles()
    cells = []
    for label, value, diff in r.key_figures(d):
        since = f"{diff} sedan {d.previous_label}" if diff else ""
        cells.append([Paragraph(esc(value), s["kpi_value"]), Paragraph(esc(label), s["kpi_label"]),
                      Paragraph(esc(since), s["kpi_label"])])
    t = Table([cells], colWidths=[TEXT_W / len(cells)] * len(cells))
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), PALE),
        ("LINEBEFORE", (1, 0), (-1, -1), 2, colors.white),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
    ]))
    return t


def analysis_box(a: pd.Series | None) -> list:
    s = styles()
    if a is None:
        return [para("Ingen analys är skriven för målområdet och perioden.", "note")]
    bg, fg = r.BEDOMNING_COLORS.get(a["bedomning"], ("#DDDDDD", "#1A1A1A"))
    word = Paragraph(f'<font color="{fg}"><b>{esc(a["bedomning"])}</b></font>',
                     ParagraphStyle("light", s["body"], fontSize=12, leading=15, spaceAfter=0))
    body = [Paragraph(esc(a["text"]), s["body"]), Paragraph(esc(r.analysis_byline(a)), s["small"])]
    t = Table([[word, body]], colWidths=[24 * mm, TEXT_W - 24 * mm])
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, 0), colors.HexColor(bg)),
        ("BACKGROUND", (1, 0), (1, 0), STRIPE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
    ]))
    return [t]


# --- Sections ------------------------------------------------------------------------------------


def _summary(d: r.ReportData, images: Rendered) -> list:
    s = styles()
    out = [Paragraph("Sammanfattning", s["h1"]), kpi_boxes(d), Spacer(1, 8)]
    out += [para(line) for line in r.summary_text(d)]
    out.append(Paragraph("Läget per målområde", s["h2"]))
    rows, extra = [], []
    for i, sec in enumerate(d.sections, start=1):
        n = sec.now
        word = sec.analysis["bedomning"] if sec.analysis is not None else None
        rows.append([f"{sec.nr}. {sec.name}", r.num(n["antal"]) if n is not None else "0",
                     r.num(n["klar"]) if n is not None else "0",
                     r.num(n["andel_klara"], 1, "%") if n is not None else "–",
                     r.num(n["snitt_andel_klar"], 1, "%") if n is not None else "–",
                     r.num(n["forsenade"]) if n is not None else "0", light_cell(word)])
        if light(word):
            extra.append(("BACKGROUND", (6, i), (6, i), colors.HexColor(light(word)[0])))
    out.append(table(["Målområde", "Aktiviteter", "Klara", "Andel klara", "Snitt andel klart", "Försenade",
                      "Bedömning"], rows, [58, 18, 13, 18, 20, 18, 20], right={1, 2, 3, 4, 5}, extra=extra))
    out.append(para("Bedömning: målområdets egen bedömning för perioden (Grön, Gul eller Röd) med analysen i "
                    "avsnittet för målområdet.", "small"))
    if "oversikt" in images:
        out += [Paragraph("Status per målområde", s["h2"]), *chart(images, "oversikt", "status per målområde")]
    if "trend" in images:
        out += [KeepTogether([Paragraph("Andel klara över tid", s["h2"]),
                              *chart(images, "trend", "andel klara över tid")])]
    return out


def _section(sec: r.Section, d: r.ReportData, images: Rendered) -> list:
    s = styles()
    out = [PageBreak(), Paragraph(esc(sec.title), s["h1"]), para(r.section_text(sec))]
    figs = r.section_figures(sec, d)
    if figs:
        out.append(table(["", d.label, d.previous_label, "Förändring"], [list(f) for f in figs],
                         [40, 32, 32, 36], right={1, 2, 3}))
    out += [Paragraph("Bedömning och analys", s["h2"]), *analysis_box(sec.analysis)]
    if f"malomrade_{sec.nr}" in images:
        out += [KeepTogether([Paragraph("Statusfördelning", s["h2"]),
                              *chart(images, f"malomrade_{sec.nr}", f"statusfördelning för målområde {sec.nr}")])]
    late = sec.overdue
    out.append(Paragraph(f"Försenade aktiviteter ({len(late)})", s["h2"]))
    if late.empty:
        out.append(para("Inga försenade aktiviteter i målområdet."))
    else:
        rows = [[a.aktivitet_id, a.aktivitet, a.forvaltning, a.ansvarig, r.when(a.slutdatum),
                 r.num(a.dagar_sena), a.status, a.kommentar] for a in late.itertuples()]
        out.append(table(["ID", "Aktivitet", "Förv.", "Ansvarig", "Slutdatum", "Dagar sena", "Status",
                          "Kommentar"], rows, [15, 38, 10, 21, 19, 12, 16, 42], right={5}))
    return out


def _indicators(d: r.ReportData, images: Rendered) -> list:
    s = styles()
    out = [PageBreak(), Paragraph("Indikatorer", s["h1"])]
    if d.changes.empty:
        return out + [para("Det finns inga indikatorer i Näringsdash ännu.")]
    out.append(para("Senaste värdet för varje indikator jämfört med året före. Förbättring eller försämring "
                    "bedöms efter indikatorns riktning: för till exempel en placering eller arbetslöshet är ett "
                    "lägre tal bättre."))
    from .figures import JUDGEMENT_COLORS

    rows = []
    for x in d.changes.itertuples():
        color = JUDGEMENT_COLORS.get(x.bedomning, "#1A1A1A")
        judged = Paragraph(f'<font color="{color}"><b>{esc(x.bedomning)}</b></font>', s["cell"])
        rows.append([x.indikator, x.malomrade, x.ar, f"{r.num(x.varde)} {x.enhet or ''}".strip(),
                     r.num(x.foregaende), r.change(x.forandring), judged,
                     r.target_text(x).removeprefix("Mål: ")])
    out.append(table(["Indikator", "Målområde", "År", "Värde", "Föregående", "Förändring", "Bedömning", "Mål"],
                     rows, [50, 13, 11, 22, 18, 17, 21, 24], right={1, 2, 4, 5}))
    for i, x in enumerate(d.changes.itertuples()):
        block = [Paragraph(esc(x.indikator), s["h2"]), para(r.indicator_meta(x), "small"),
                 para(r.indicator_sentence(x))]
        if f"indikator_{i}" in images:
            block += chart(images, f"indikator_{i}", x.indikator)
        out.append(KeepTogether(block))
    return out


def _reporting(d: r.ReportData) -> list:
    s = styles()
    rep = d.reporting
    missing = rep[~rep["rapporterat"]]
    out = [PageBreak(), Paragraph("Inrapportering", s["h1"]),
           para(f"{d.reported} av {len(rep)} förvaltningar har lämnat uppföljning för {d.label}."
                + ("" if missing.empty else " Uppföljning saknas från " + ", ".join(missing["forvaltning_namn"])
                   + "."))]
    rows = [[x.forvaltning_namn, r.when(x.uploaded_at) if x.rapporterat else Paragraph("<b>Saknas</b>", s["cell"]),
             x.user_name, r.num(x.versioner) if x.rapporterat else "", r.num(x.antal),
             r.num(x.andel_klara, 1, "%"), r.num(x.forsenade)] for x in rep.itertuples()]
    out.append(table(["Förvaltning", "Inrapporterad", "Av", "Versioner", "Aktiviteter", "Andel klara", "Försenade"],
                     rows, [50, 25, 25, 15, 17, 17, 15], right={3, 4, 5, 6}))
    return out


def pdf_bytes(d: r.ReportData, images: Rendered) -> bytes:
    s = styles()
    buf = io.BytesIO()
    doc = _Doc(buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
               bottomMargin=MARGIN_BOTTOM, title=f"{r.TITLE}, {d.label}", author=d.kommun,
               subject=f"Rapport till kommunstyrelsen, {d.label}", creator="Näringsdash", lang="sv-SE")
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, TEXT_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="text",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    title_frame = Frame(MARGIN_X, MARGIN_BOTTOM, TEXT_W, PAGE_H - 130 * mm - MARGIN_BOTTOM, id="title",
                        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("title", [title_frame], onPage=_title_page(d)),
                          PageTemplate("text", [frame])])
    toc = TableOfContents(levelStyles=[s["toc1"]], dotsMinLevel=0)
    story = [NextPageTemplate("text"),
             para(f"Period {d.period} · läget per {d.as_of:%Y-%m-%d} · framtagen {d.created:%Y-%m-%d}"),
             para("Underlag: förvaltningarnas uppföljningar av handlingsplanens aktiviteter, målområdenas "
                  "bedömningar och indikatorerna i Näringsdash.", "small"),
             Spacer(1, 10 * mm), Paragraph("Innehåll", s["h2"]), toc, PageBreak(),
             *_summary(d, images)]
    for sec in d.sections:
        story += _section(sec, d, images)
    story += _indicators(d, images) + _reporting(d)
    doc.multiBuild(story, canvasmaker=lambda *a, **k: _Canvas(*a, footer=_footer(d), **k))
    return buf.getvalue()

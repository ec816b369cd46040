"""Building blocks of the PDF report (reportlab): the page geometry and colours, the font, paragraph styles,
escaping of user text, the canvas that numbers pages "Sida n av N", data tables with a repeated header row,
traffic-light cells, charts and the boxes for key figures and the analysis.

All text that comes from users (activity names, comments, analysis texts, names) goes through ``esc`` before
it reaches reportlab's paragraph markup, so it prints as written and cannot change the layout.
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
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Image, Paragraph, Table, TableStyle

from . import report as r
from . import report_text as t
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


class NumberedCanvas(rl_canvas.Canvas):
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


class ReportDoc(BaseDocTemplate):
    """Registers every chapter heading in the contents and as a PDF bookmark."""

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab's name
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            text = flowable.getPlainText()
            key = f"k{self.seq.nextf('h1')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, 0)
            self.notify("TOCEntry", (0, escape(text), self.page, key))


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
    tbl = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    tbl.setStyle(TableStyle([
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
    return tbl


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
    for label, value, diff in t.key_figures(d):
        since = f"{diff} sedan {d.previous_label}" if diff else ""
        cells.append([Paragraph(esc(value), s["kpi_value"]), Paragraph(esc(label), s["kpi_label"]),
                      Paragraph(esc(since), s["kpi_label"])])
    tbl = Table([cells], colWidths=[TEXT_W / len(cells)] * len(cells))
    tbl.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), PALE),
        ("LINEBEFORE", (1, 0), (-1, -1), 2, colors.white),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
    ]))
    return tbl


def analysis_box(a: pd.Series | None) -> list:
    s = styles()
    if a is None:
        return [para("Ingen analys är skriven för målområdet och perioden.", "note")]
    bg, fg = r.BEDOMNING_COLORS.get(a["bedomning"], ("#DDDDDD", "#1A1A1A"))
    word = Paragraph(f'<font color="{fg}"><b>{esc(a["bedomning"])}</b></font>',
                     ParagraphStyle("light", s["body"], fontSize=12, leading=15, spaceAfter=0))
    body = [Paragraph(esc(a["text"]), s["body"]), Paragraph(esc(t.analysis_byline(a)), s["small"])]
    tbl = Table([[word, body]], colWidths=[24 * mm, TEXT_W - 24 * mm])
    tbl.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, 0), colors.HexColor(bg)),
        ("BACKGROUND", (1, 0), (1, 0), STRIPE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
    ]))
    return [tbl]

"""The report as PDF: title page with contents, summary, one section per målområde, indicators, inrapportering.
A4; tables repeat their header row on every page; page numbers "Sida 3 av 17". The building blocks (font,
styles, escaping of user text, tables) are in ``report_pdf_layout.py``.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Frame, KeepTogether, NextPageTemplate, PageBreak, PageTemplate, Paragraph, Spacer
from reportlab.platypus.tableofcontents import TableOfContents

from . import report as r
from . import report_text as t
from .report_charts import Rendered
from .report_pdf_layout import (
    GREY,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    NAVY,
    PAGE_H,
    PAGE_W,
    RULE,
    TEXT_W,
    NumberedCanvas,
    ReportDoc,
    analysis_box,
    chart,
    esc,
    font,
    kpi_boxes,
    light,
    light_cell,
    para,
    styles,
    table,
)


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


# --- Sections ------------------------------------------------------------------------------------


def _summary(d: r.ReportData, images: Rendered) -> list:
    s = styles()
    out = [Paragraph("Sammanfattning", s["h1"]), kpi_boxes(d), Spacer(1, 8)]
    out += [para(line) for line in t.summary_text(d)]
    out.append(Paragraph("Läget per målområde", s["h2"]))
    rows, extra = [], []
    for i, sec in enumerate(d.sections, start=1):
        n = sec.now
        word = sec.analysis["bedomning"] if sec.analysis is not None else None
        rows.append([f"{sec.nr}. {sec.name}", t.num(n["antal"]) if n is not None else "0",
                     t.num(n["klar"]) if n is not None else "0",
                     t.num(n["andel_klara"], 1, "%") if n is not None else "–",
                     t.num(n["snitt_andel_klar"], 1, "%") if n is not None else "–",
                     t.num(n["forsenade"]) if n is not None else "0", light_cell(word)])
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
    out = [PageBreak(), Paragraph(esc(sec.title), s["h1"]), para(t.section_text(sec))]
    figs = t.section_figures(sec, d)
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
        rows = [[a.aktivitet_id, a.aktivitet, a.forvaltning, a.ansvarig, t.when(a.slutdatum),
                 t.num(a.dagar_sena), a.status, a.kommentar] for a in late.itertuples()]
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
        rows.append([x.indikator, x.malomrade, x.ar, f"{t.num(x.varde)} {x.enhet or ''}".strip(),
                     t.num(x.foregaende), t.change(x.forandring), judged,
                     t.target_text(x).removeprefix("Mål: ")])
    out.append(table(["Indikator", "Målområde", "År", "Värde", "Föregående", "Förändring", "Bedömning", "Mål"],
                     rows, [50, 13, 11, 22, 18, 17, 21, 24], right={1, 2, 4, 5}))
    for i, x in enumerate(d.changes.itertuples()):
        block = [Paragraph(esc(x.indikator), s["h2"]), para(t.indicator_meta(x), "small"),
                 para(t.indicator_sentence(x))]
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
    rows = [[x.forvaltning_namn, t.when(x.uploaded_at) if x.rapporterat else Paragraph("<b>Saknas</b>", s["cell"]),
             x.user_name, t.num(x.versioner) if x.rapporterat else "", t.num(x.antal),
             t.num(x.andel_klara, 1, "%"), t.num(x.forsenade)] for x in rep.itertuples()]
    out.append(table(["Förvaltning", "Inrapporterad", "Av", "Versioner", "Aktiviteter", "Andel klara", "Försenade"],
                     rows, [50, 25, 25, 15, 17, 17, 15], right={3, 4, 5, 6}))
    return out


def pdf_bytes(d: r.ReportData, images: Rendered) -> bytes:
    s = styles()
    buf = io.BytesIO()
    doc = ReportDoc(buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
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
    doc.multiBuild(story, canvasmaker=lambda *a, **k: NumberedCanvas(*a, footer=_footer(d), **k))
    return buf.getvalue()

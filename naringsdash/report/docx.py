"""The report as a Word document (python-docx) with the PDF's structure: real headings and tables, so the
municipality can edit the wording before the report goes to the nämnd. A4, header rows repeat."""

from __future__ import annotations

import io
from collections.abc import Set as AbstractSet

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from . import data as r
from . import text as t

NAVY = RGBColor(0x1F, 0x4E, 0x79)
TEXT_W = Cm(17)


def _shade(cell, hex_color: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_color.lstrip("#"))
    tc_pr.append(shd)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _text(value: object) -> str:
    """Plain text for a cell or paragraph (python-docx escapes XML itself)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return "".join(c if c in "\n\t" or ord(c) >= 32 else " " for c in str(value))


def table(doc, header: list[str], rows: list[list], widths_cm: list[float], right: AbstractSet[int] = frozenset(),
          fills: dict[tuple[int, int], tuple[str, str]] | None = None):
    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    scale = 17 / sum(widths_cm)
    for i, h in enumerate(header):
        cell = t.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(h)
        run.bold = True
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        _shade(cell, "#1F4E79")
    _repeat_header(t.rows[0])
    for ri, row in enumerate(rows, start=1):
        cells = t.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = _text(value)
            if i in right:
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if fills and (ri, i) in fills:
                bg, fg = fills[(ri, i)]
                _shade(cells[i], bg)
                for run in cells[i].paragraphs[0].runs:
                    run.bold = True
                    run.font.color.rgb = RGBColor.from_string(fg.lstrip("#"))
    t.autofit = False
    for i, w in enumerate(widths_cm):  # the grid (LibreOffice) and every cell (Word) carry the width
        t.columns[i].width = Cm(w * scale)
    for row in t.rows:
        for i, w in enumerate(widths_cm):
            row.cells[i].width = Cm(w * scale)
            for p in row.cells[i].paragraphs:
                for run in p.runs:
                    run.font.size = Pt(8.5)
    doc.add_paragraph()
    return t


def picture(doc, images: dict[str, bytes | None], key: str, what: str, alt: dict[str, str] | None = None) -> None:
    """The chart's PNG at the text width (half of it for an indicator), with its text alternative as the
    picture's description (Word's alt text)."""
    png = images.get(key)
    if png:
        shape = doc.add_picture(io.BytesIO(png), width=TEXT_W if not key.startswith("indikator_") else Cm(11))
        if alt and key in alt:
            shape._inline.docPr.set("descr", alt[key])
    else:
        p = doc.add_paragraph()
        p.add_run(f"Diagrammet ({what}) kunde inte skapas när rapporten togs fram; siffrorna finns i tabellen.") \
            .italic = True


def _setup(doc, d: r.ReportData) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Mm(20)
    sec.top_margin = sec.bottom_margin = Mm(22)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    for name, size in (("Title", 26), ("Heading 1", 17), ("Heading 2", 12.5)):
        st = doc.styles[name]
        st.font.name = "Arial"
        st.font.size = Pt(size)
        st.font.color.rgb = NAVY
    props = doc.core_properties
    props.title, props.author = f"{r.TITLE}, {d.label}", d.kommun
    props.subject, props.language = f"Rapport till kommunstyrelsen, {d.label}", "sv-SE"


def _page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def docx_bytes(d: r.ReportData, images: dict[str, bytes | None], alt: dict[str, str] | None = None) -> bytes:
    """The Word document; ``images``: PNG per chart key (None: a note in its place), ``alt``: text alternatives."""
    doc = Document()
    _setup(doc, d)
    doc.add_paragraph(d.kommun).runs[0].bold = True
    doc.add_paragraph(r.TITLE, style="Title")
    doc.add_paragraph(f"Rapport till kommunstyrelsen · {d.label}").runs[0].font.size = Pt(15)
    doc.add_paragraph(f"Period {d.period} · läget per {d.as_of:%Y-%m-%d} · framtagen {d.created:%Y-%m-%d}")
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = f"{d.kommun} · {r.TITLE} – {d.label}"
    _page_break(doc)

    doc.add_heading("Sammanfattning", level=1)
    for heading, points in (("Det här går bra", t.going_well(d)), ("Det här kräver beslut", t.needs_decision(d))):
        doc.add_heading(heading, level=2)
        for point in points:
            doc.add_paragraph(_text(point), style="List Bullet")
    table(doc, ["", "Värde", f"Sedan {d.previous_label}"], [list(k) for k in t.key_figures(d)], [5, 4, 6],
          right={1, 2})
    for line in t.summary_text(d):
        doc.add_paragraph(line)
    doc.add_heading("Läget per målområde", level=2)
    rows, fills = [], {}
    for i, s in enumerate(d.sections, start=1):
        n = s.now
        word = s.analysis["bedomning"] if s.analysis is not None else None
        rows.append([f"{s.nr}. {s.name}", t.num(n["antal"]) if n is not None else "0",
                     t.num(n["andel_klara"], 1, "%") if n is not None else "–",
                     t.num(n["forsenade"]) if n is not None else "0", word or "–"])
        if word in r.BEDOMNING_COLORS:
            fills[(i, 4)] = r.BEDOMNING_COLORS[word]
    table(doc, ["Målområde", "Aktiviteter", "Andel klara", "Försenade", "Bedömning"], rows, [7, 2.5, 2.5, 2.5, 2.5],
          right={1, 2, 3}, fills=fills)
    if "oversikt" in images:
        doc.add_heading("Status per målområde", level=2)
        picture(doc, images, "oversikt", "status per målområde", alt)
    if "trend" in images:
        doc.add_heading("Andel klara över tid", level=2)
        picture(doc, images, "trend", "andel klara över tid", alt)

    for s in d.sections:
        _page_break(doc)
        doc.add_heading(s.title, level=1)
        doc.add_paragraph(t.section_text(s))
        figs = t.section_figures(s, d)
        if figs:
            table(doc, ["", d.label, d.previous_label, "Förändring"], [list(f) for f in figs], [4, 3, 3, 4],
                  right={1, 2, 3})
        doc.add_heading("Bedömning och analys", level=2)
        if s.analysis is None:
            doc.add_paragraph("Ingen analys är skriven för målområdet och perioden.")
        else:
            a = s.analysis
            p = doc.add_paragraph()
            p.add_run("Bedömning: ").bold = True
            word = p.add_run(_text(a["bedomning"]))
            word.bold = True
            bg = r.BEDOMNING_COLORS.get(a["bedomning"], ("#1A1A1A", ""))[0]
            word.font.color.rgb = RGBColor.from_string(bg.lstrip("#") if a["bedomning"] != "Gul" else "8A6D00")
            for para in _text(a["text"]).split("\n"):
                doc.add_paragraph(para)
            doc.add_paragraph(t.analysis_byline(a)).runs[0].italic = True
        if f"malomrade_{s.nr}" in images:
            doc.add_heading("Statusfördelning", level=2)
            picture(doc, images, f"malomrade_{s.nr}", f"statusfördelning för målområde {s.nr}", alt)
        doc.add_heading(f"Försenade aktiviteter ({len(s.overdue)})", level=2)
        if s.overdue.empty:
            doc.add_paragraph("Inga försenade aktiviteter i målområdet.")
        else:
            table(doc, ["ID", "Aktivitet", "Förv.", "Ansvarig", "Slutdatum", "Dagar sena", "Status", "Kommentar"],
                  [[a.aktivitet_id, a.aktivitet, a.forvaltning, a.ansvarig, t.when(a.slutdatum),
                    t.num(a.dagar_sena), a.status, a.kommentar] for a in s.overdue.itertuples()],
                  [1.6, 3.5, 1.2, 2.0, 2.1, 1.5, 1.8, 3.3], right={5})

    _page_break(doc)
    doc.add_heading("Indikatorer", level=1)
    if d.changes.empty:
        doc.add_paragraph("Det finns inga indikatorer i Näringsdash ännu.")
    else:
        doc.add_paragraph("Senaste värdet för varje indikator jämfört med året före. Förbättring eller försämring "
                          "bedöms efter indikatorns riktning.")
        table(doc, ["Indikator", "Målområde", "År", "Värde", "Föregående", "Förändring", "Bedömning", "Mål"],
              [[x.indikator, x.malomrade, x.ar, f"{t.num(x.varde)} {x.enhet or ''}".strip(), t.num(x.foregaende),
                t.change(x.forandring), x.bedomning, t.target_text(x).removeprefix("Mål: ")]
               for x in d.changes.itertuples()], [3.6, 2.1, 1.1, 2.1, 2.2, 2.2, 2.2, 1.7], right={1, 2, 4, 5})
        for i, x in enumerate(d.changes.itertuples()):
            doc.add_heading(_text(x.indikator), level=2)
            meta = doc.add_paragraph(t.indicator_meta(x))
            meta.runs[0].italic = True
            sentence = doc.add_paragraph(t.indicator_sentence(x))
            meta.paragraph_format.keep_with_next = sentence.paragraph_format.keep_with_next = True
            if f"indikator_{i}" in images:
                picture(doc, images, f"indikator_{i}", _text(x.indikator), alt)

    _page_break(doc)
    if d.plan_lines:
        doc.add_heading("Handlingsplanen och styrgruppen", level=1)
        for heading, lines in d.plan_lines:
            doc.add_heading(heading, level=2)
            for line in lines:
                doc.add_paragraph(_text(line), style="List Bullet")
    doc.add_heading("Inrapportering", level=1)
    rep = d.reporting
    doc.add_paragraph(f"{d.reported} av {len(rep)} förvaltningar har lämnat uppföljning för {d.label}.")
    table(doc, ["Förvaltning", "Inrapporterad", "Av", "Versioner", "Aktiviteter", "Andel klara", "Försenade"],
          [[x.forvaltning_namn, t.when(x.uploaded_at) if x.rapporterat else "Saknas", x.user_name,
            t.num(x.versioner) if x.rapporterat else "", t.num(x.antal), t.num(x.andel_klara, 1, "%"),
            t.num(x.forsenade)] for x in rep.itertuples()], [5, 2.5, 2.5, 1.5, 1.7, 1.7, 1.5], right={3, 4, 5, 6})
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

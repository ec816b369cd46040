"""The report as PDF: the HTML of ``html.py`` rendered by WeasyPrint as **PDF/A-3a** (archival, tagged) that also
declares **PDF/UA-1** (accessible): a structure tree from the HTML's headings, sections, lists and tables, the
charts as figures with alternative text, ``/Lang sv-SE``, the title in the metadata and shown as the window
title. The period's Excel workbook rides along as an attached file (PDF/A-3 allows it, relationship Data).

WeasyPrint needs Pango from Debian (``libpango-1.0-0``, ``libpangoft2-1.0-0``; ``make`` installs them) and the
fonts from fontconfig (Liberation Sans, else DejaVu Sans), which it embeds as PDF/A requires.
"""

from __future__ import annotations

import logging

from .charts import Chart
from .data import ReportData
from .html import document

VARIANT = "pdf/a-3a"   # tagged PDF/A-3, level A; PDF/UA-1 is declared on top in the XMP metadata (``_declare_ua``)
PDFUA_ID = b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>'

for name in ("weasyprint", "fontTools"):  # WeasyPrint's progress and font-subsetting chatter
    logging.getLogger(name).setLevel(logging.ERROR)


def _declare_ua(document_, pdf) -> None:
    """A finisher: add the PDF/UA identification (pdfuaid:part 1) to the XMP packet WeasyPrint wrote for PDF/A."""
    ref = pdf.catalog["Metadata"]
    stream = pdf.objects[int((ref.decode() if isinstance(ref, bytes) else str(ref)).split()[0])]
    stream.stream = [chunk.replace(b"</rdf:RDF>", PDFUA_ID + b"</rdf:RDF>", 1) if b"</rdf:RDF>" in chunk else chunk
                     for chunk in stream.stream]


def pdf_bytes(d: ReportData, charts: dict[str, Chart], attachment: bytes | None = None,
              attachment_name: str = "underlag.xlsx", progress=None) -> bytes:
    """The PDF; ``progress(fraction, what)`` between laying out the pages and writing the file."""
    from weasyprint import HTML, Attachment

    attachments = []
    if attachment:
        attachments.append(Attachment(string=attachment, name=attachment_name, relationship="Data",
                                      description=f"Rapportens underlag som tabeller, {d.label}"))
    doc = HTML(string=document(d, charts)).render(pdf_variant=VARIANT)
    if progress:
        progress(0.75, f"Skriver PDF-filen ({len(doc.pages)} sidor)")
    return doc.write_pdf(pdf_variant=VARIANT, attachments=attachments, finisher=_declare_ua)

"""The protocol of a styrgrupp meeting as a Word document (python-docx) and as a PDF (WeasyPrint from escaped HTML).

Both writers take the model ``meetings.Protocol`` and write the same Swedish text: date, attendance, agenda, per
målområde the state shown and the assessment, the decisions taken, and the decisions of earlier meetings with
their status. Text from users is always plain text (escaped in the HTML).
"""

from __future__ import annotations

import datetime as dt
import html
import io

import pandas as pd

from .meetings import Protocol, ProtocolArea
from .wording import format_number


def _num(value: object, decimals: int | None = None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return format_number(value, decimals) + (f"\u00a0{unit}" if unit else "")


def _day(value: object) -> str:
    if value is None or (not isinstance(value, (dt.date, str)) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def heading_lines(p: Protocol) -> list[str]:
    """The lines under the title: period, as-of date, the meeting before."""
    lines = [f"Uppföljning av {p.period_label}, läget per {p.as_of:%Y-%m-%d}."]
    if p.previous:
        lines.append(f"Förra mötet: {p.previous['datum']:%Y-%m-%d}.")
    return lines


def attendance_lines(p: Protocol) -> list[str]:
    return [f"{code} – {name}" + (f": {who}" if who else "") for code, name, who in p.attendance]


def state_text(a: ProtocolArea) -> str:
    """The state shown for a målområde, as one sentence."""
    s = a.state
    if s is None:
        return "Inga aktiviteter i uppföljningen för perioden."
    return (f"{_num(s['antal'])} aktiviteter, {_num(s['klar'])} klara ({_num(s['andel_klara'], 1, '%')}), "
            f"{_num(s['forsenade'])} försenade; i genomsnitt {_num(s['snitt_andel_klar'], 1, '%')} klart.")


def decision_line(d: dict) -> str:
    """A decision as one line: text; owner (role); due date; what it is about."""
    owner = d["agare"] + (f", {d['roll']}" if d.get("roll") else "")
    about = f"; gäller {d['aktivitet_forvaltning']} {d['aktivitet_id']}" + (
        f" {d['aktivitet']}" if d.get("aktivitet") else "") if d.get("aktivitet_id") else ""
    return f"{d['text']} – ansvar: {owner}; klart senast {_day(d['forfaller'])}{about}."


def follow_line(d: dict) -> str:
    late = " (försenat)" if d.get("forsenad") else ""
    note = f" Kommentar: {d['kommentar']}" if d.get("kommentar") else ""
    return (f"Beslut {int(d['id'])} från mötet {_day(d['mote_datum'])}, målområde {int(d['malomrade'])}: "
            f"{decision_line(d)} Status: {d['status']}{late}.{note}")


# --- Word ------------------------------------------------------------------------------


def docx_bytes(p: Protocol) -> bytes:
    """The protocol as a Word document."""
    from docx import Document

    doc = Document()
    doc.core_properties.title = p.title
    doc.core_properties.language = "sv-SE"
    doc.add_heading(p.title, level=0)
    for line in heading_lines(p):
        doc.add_paragraph(line)
    doc.add_heading("Närvarande", level=1)
    for line in attendance_lines(p) or ["Ingen närvaro är registrerad."]:
        doc.add_paragraph(line, style="List Bullet")
    if p.agenda:
        doc.add_heading("Dagordning", level=1)
        for item in p.agenda:
            doc.add_paragraph(item, style="List Number")
    doc.add_heading("Beslut att följa upp från tidigare möten", level=1)
    if not p.follow_up:
        doc.add_paragraph("Inga beslut från tidigare möten att följa upp.")
    for d in p.follow_up:
        doc.add_paragraph(follow_line(d), style="List Bullet")
    for a in p.areas:
        doc.add_heading(f"Målområde {a.nr}. {a.name}", level=1)
        doc.add_paragraph(state_text(a))
        if a.bedomning:
            para = doc.add_paragraph()
            para.add_run(f"Bedömning: {a.bedomning}. ").bold = True
            para.add_run(a.analys or "")
        else:
            doc.add_paragraph("Ingen bedömning är skriven för perioden.")
        if a.decisions:
            doc.add_paragraph().add_run("Beslut vid mötet").bold = True
            for d in a.decisions:
                doc.add_paragraph(decision_line(d), style="List Bullet")
    doc.add_heading("Beslut vid mötet", level=1)
    if not p.decisions:
        doc.add_paragraph("Inga beslut togs vid mötet.")
    for d in p.decisions:
        doc.add_paragraph(f"Beslut {int(d['id'])}, målområde {int(d['malomrade'])}: {decision_line(d)}",
                          style="List Bullet")
    doc.add_heading("Synpunkter från näringslivet", level=1)
    doc.add_paragraph(p.synpunkter)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- PDF ---------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 2cm 2cm 2.2cm 2cm;
        @bottom-right { content: "Sida " counter(page) " av " counter(pages); font-size: 9pt; color: #333; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.4; color: #000; }
h1 { font-size: 18pt; margin: 0 0 0.4em 0; }
h2 { font-size: 13pt; margin: 1.2em 0 0.3em 0; border-bottom: 1px solid #888; }
ul, ol { margin: 0.2em 0 0.4em 1.2em; padding: 0; }
li { margin: 0.15em 0; }
.analys { white-space: pre-line; }
"""


def _esc(text: object) -> str:
    return html.escape("" if text is None else str(text))


def _list(items: list[str], tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{_esc(i)}</li>" for i in items) + f"</{tag}>"


def html_text(p: Protocol) -> str:
    """The protocol as an HTML document; every text from the database escaped."""
    parts = [f"<h1>{_esc(p.title)}</h1>"] + [f"<p>{_esc(line)}</p>" for line in heading_lines(p)]
    parts.append("<h2>Närvarande</h2>" + (_list(attendance_lines(p)) if p.attendance else
                                           "<p>Ingen närvaro är registrerad.</p>"))
    if p.agenda:
        parts.append("<h2>Dagordning</h2>" + _list(p.agenda, "ol"))
    parts.append("<h2>Beslut att följa upp från tidigare möten</h2>" + (
        _list([follow_line(d) for d in p.follow_up]) if p.follow_up else
        "<p>Inga beslut från tidigare möten att följa upp.</p>"))
    for a in p.areas:
        parts.append(f"<h2>{_esc(f'Målområde {a.nr}. {a.name}')}</h2><p>{_esc(state_text(a))}</p>")
        parts.append(f'<p class="analys"><b>{_esc(f"Bedömning: {a.bedomning}.")}</b> {_esc(a.analys)}</p>'
                     if a.bedomning else "<p>Ingen bedömning är skriven för perioden.</p>")
        if a.decisions:
            parts.append("<p><b>Beslut vid mötet</b></p>" + _list([decision_line(d) for d in a.decisions]))
    parts.append("<h2>Beslut vid mötet</h2>" + (
        _list([f"Beslut {int(d['id'])}, målområde {int(d['malomrade'])}: {decision_line(d)}" for d in p.decisions])
        if p.decisions else "<p>Inga beslut togs vid mötet.</p>"))
    parts.append(f"<h2>Synpunkter från näringslivet</h2><p>{_esc(p.synpunkter)}</p>")
    return (f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{_esc(p.title)}</title>'
            f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")


def pdf_bytes(p: Protocol) -> bytes:
    """The protocol as a PDF (WeasyPrint; no remote resources are fetched)."""
    from weasyprint import HTML

    def no_fetch(url, *args, **kwargs):
        raise ValueError(f"Protokollet hämtar inga externa resurser ({url}).")

    return HTML(string=html_text(p), url_fetcher=no_fetch).write_pdf()

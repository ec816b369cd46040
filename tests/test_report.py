"""The report to kommunstyrelsen: PDF (text, A4, images, repeated table headers, escaped user text),
Excel (sheets and row counts from the queries, formulas neutralised), Word (headings), the command line."""

import datetime as dt
import io
import re
import subprocess
import sys

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from naringsdash import analysis, auth, config, ingest, report
from naringsdash.cli import main as cli
from naringsdash.store import queries

from conftest import ROOT, activity, write_xlsx

TODAY = dt.date(2026, 11, 26)
ADMIN = auth.User("admin", "admin", (), "Maria Nilsson")


def pdf_text(data: bytes) -> tuple[PdfReader, list[str]]:
    pdf = PdfReader(io.BytesIO(data))
    return pdf, [" ".join((p.extract_text() or "").split()) for p in pdf.pages]


def period_of(db) -> str:
    return queries.latest_period(db)


def test_pdf_from_the_demo_data(demo_db):
    period = period_of(demo_db)
    analysis.save(3, period, "Röd", "Kompetensrådet har inte kommit igång.", ADMIN, demo_db)
    timings = {}
    data = report.build(period, "pdf", demo_db, today=TODAY, timings=timings)
    pdf, pages = pdf_text(data)
    text = " ".join(pages)

    for name in config.load_reference().malomraden.values():
        assert name in text
    assert period in text and config.period_label(period) in text
    overdue = queries.overdue(period, demo_db, today=TODAY)
    assert f"och {len(overdue)} är försenade" in text  # the dashboard's number, from the same query
    per_section = [int(n) for n in re.findall(r"Försenade aktiviteter \((\d+)\)", text)]
    assert len(per_section) == 6 and sum(per_section) == len(overdue)
    assert "Röd Kompetensrådet har inte kommit igång." in text
    assert "Bedömning av Maria Nilsson" in text

    for page in pdf.pages:
        assert abs(float(page.mediabox.width) - 595) <= 1 and abs(float(page.mediabox.height) - 842) <= 1
    images = sum(len(p.images) for p in pdf.pages)
    assert images == timings["charts"] and images >= 8  # overview, trend, 6 målområden, indicators
    assert "kunde inte skapas" not in text
    assert f"Sida {len(pages)} av {len(pages)}" in pages[-1]


def test_pdf_without_a_browser_still_builds_with_notes(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "ingen-chromium"))
    period = period_of(demo_db)
    timings = {}
    data = report.build(period, "pdf", demo_db, today=TODAY, timings=timings)
    pdf, pages = pdf_text(data)
    assert timings["charts"] == 0
    assert sum(len(p.images) for p in pdf.pages) == 0
    assert "Diagrammet (status per målområde) kunde inte skapas" in " ".join(pages)
    assert "Målområde 6." in " ".join(pages)


def test_chart_renderer_reports_a_missing_browser(tmp_path, monkeypatch):
    import plotly.graph_objects as go

    from naringsdash.report_charts import render

    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "ingen-chromium"))
    out = render({"a": go.Figure(go.Bar(x=[1], y=[1]))})
    assert out == {"a": None} and out.error


USER_TEXT = ["<b>fet</b> & <i>kursiv", "=1+1 <font size=40>stor</font>", "Rad ett\nrad två <br/> &amp;"]


@pytest.fixture
def odd_db(tmp_path, db):
    """One förvaltning whose user text looks like markup and formulas; 60 overdue rows in målområde 2."""
    rows = [activity(i + 1, Aktivitet=t, Kommentar=t, Status="Försenad", **{"Målområde": 1})
            for i, t in enumerate(USER_TEXT)]
    rows += [activity(i, Status="Försenad", Kommentar="Väntar på beslut i nämnden om fortsatt finansiering.",
                      **{"Målområde": 2}) for i in range(10, 70)]
    res = ingest.import_file(write_xlsx(tmp_path / "odd.xlsx", rows), db=db, forvaltning="KLF", period="2025-T2")
    assert res.ok, res.errors
    analysis.save(1, "2025-T2", "Gul", "=HYPERLINK(\"http://x\") <b>inte fet</b> & mer", ADMIN, db)
    return db


def test_pdf_prints_user_text_as_written(odd_db):
    _, pages = pdf_text(report.build("2025-T2", "pdf", odd_db, today=TODAY, with_charts=False))
    text = " ".join(pages)
    for t in USER_TEXT:
        assert " ".join(t.split()) in text
    assert "=HYPERLINK(\"http://x\") <b>inte fet</b> & mer" in text


def test_pdf_tables_repeat_their_header_row(odd_db):
    _, pages = pdf_text(report.build("2025-T2", "pdf", odd_db, today=TODAY, with_charts=False))
    section = [p for p in pages if "A-10" in p or "A-69" in p]  # the 60 overdue rows of målområde 2
    assert len(section) >= 2
    for p in section:
        assert "ID Aktivitet Förv. Ansvarig Slutdatum Dagar sena Status Kommentar" in p


def test_excel_sheets_match_the_queries(demo_db):
    period = period_of(demo_db)
    analysis.save(2, period, "Grön", "Enligt plan.", ADMIN, demo_db)
    wb = load_workbook(io.BytesIO(report.build(period, "xlsx", demo_db, today=TODAY)))
    assert wb.sheetnames == ["Sammanfattning", "Målområden", "Försenade", "Indikatorer", "Indikatorvärden",
                             "Inrapportering"]
    progress = queries.progress(period, demo_db, today=TODAY)
    expected = {"Målområden": len(config.load_reference().malomraden),
                "Försenade": len(queries.overdue(period, demo_db, today=TODAY)),
                "Indikatorer": len(queries.indicator_changes(demo_db)),
                "Indikatorvärden": len(queries.indicators(demo_db)),
                "Inrapportering": len(queries.reporting(period, demo_db, today=TODAY))}
    for sheet, n in expected.items():
        assert wb[sheet].max_row - 1 == n, sheet
    mal = list(wb["Målområden"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in mal] == progress["antal"].tolist()  # every målområde has activities in the demo
    assert mal[1][10:12] == ("Grön", "Enligt plan.")
    summary = dict((r[0], r[1]) for r in wb["Sammanfattning"].iter_rows(min_row=2, values_only=True))
    assert summary["Försenade"] == expected["Försenade"] and summary["Period"] == config.period_label(period)


def test_excel_neutralises_formulas(odd_db):
    wb = load_workbook(io.BytesIO(report.build("2025-T2", "xlsx", odd_db, today=TODAY)))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'=1+1 <font size=40>stor</font>" in texts
    assert "'=HYPERLINK(\"http://x\") <b>inte fet</b> & mer" in texts
    assert not [t for t in texts if t[0] in "=+-@"]


def test_cli_writes_a_word_document(demo_db, tmp_path):
    out = tmp_path / "rapport.docx"
    r = subprocess.run([sys.executable, "-m", "naringsdash", "report", "--format", "docx", "--out", str(out),
                        "--db", str(demo_db)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    names = config.load_reference().malomraden
    assert headings == ["Sammanfattning", *[f"Målområde {nr}. {n}" for nr, n in sorted(names.items())],
                        "Indikatorer", "Inrapportering"]
    assert len(doc.inline_shapes) >= 8
    assert round(doc.sections[0].page_width.mm) == 210 and round(doc.sections[0].page_height.mm) == 297
    late = [t for t in doc.tables if t.rows[0].cells[0].text == "ID"]
    assert sum(len(t.rows) - 1 for t in late) == len(queries.overdue(period_of(demo_db), demo_db))


def test_cli_writes_excel(demo_db, tmp_path, capsys):
    out = tmp_path / "rapport.xlsx"
    assert cli.main(["report", "--period", "Delår 2026", "--out", str(out), "--db", str(demo_db)]) == 0
    assert load_workbook(out)["Sammanfattning"]["B4"].value == "2026 Delår (T2)"
    assert "skriven till" in capsys.readouterr().err


@pytest.mark.parametrize("args, code, message", [
    (["--period", "2020-T1", "--format", "xlsx"], 1, "ingen uppföljning"),
    (["--period", "2025-T9", "--format", "pdf"], 2, "Okänd period"),
    (["--format", "odt"], 2, "invalid choice"),
    (["--format", "xlsx", "--no-out"], 2, ""),
])
def test_cli_exit_codes(demo_db, tmp_path, capsys, args, code, message):
    argv = ["report", *args, "--db", str(demo_db)]
    if "--no-out" in args:
        argv.remove("--no-out")
    else:
        argv += ["--out", str(tmp_path / "r.out")]
    try:
        got = cli.main(argv)
    except SystemExit as exc:
        got = exc.code
    assert got == code
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r.out").exists()


def test_cli_on_an_empty_database(db, tmp_path, capsys):
    assert cli.main(["report", "--out", str(tmp_path / "r.pdf"), "--db", str(db)]) == 1
    assert "ingen uppföljning" in capsys.readouterr().err


def test_cli_unwritable_output(demo_db, tmp_path, capsys):
    out = tmp_path / "saknas" / "r.xlsx"
    assert cli.main(["report", "--out", str(out), "--db", str(demo_db)]) == 1
    assert "Kunde inte skriva" in capsys.readouterr().err


def test_build_refuses_unknown_format_and_period(demo_db):
    with pytest.raises(report.ReportError, match="format"):
        report.build("2025-T2", "odt", demo_db)
    with pytest.raises(report.ReportError, match="period"):
        report.build("vår 2025", "pdf", demo_db)

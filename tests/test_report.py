"""The report to kommunstyrelsen: PDF (text, A4, charts as tagged figures, repeated table headers, escaped user
text; PDF/A-3a with a structure tree, Swedish /Lang, alt text on every figure, PDF/UA and PDF/A identification,
title, the Excel attached), Excel (sheets and row counts from the queries, formulas neutralised), Word (headings,
pictures), the command line and its progress lines for the Rapport page's worker."""

import datetime as dt
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pikepdf
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from naringsdash import analysis, auth, config, ingest, report
from naringsdash.cli import main as cli
from naringsdash.report import charts as report_charts
from naringsdash.report import html as report_html
from naringsdash.store import queries

from conftest import ROOT, activity, write_xlsx

TODAY = dt.date(2026, 11, 26)
ADMIN = auth.User("admin", "admin", (), "Maria Nilsson")


def pdf_text(data: bytes) -> tuple[PdfReader, list[str]]:
    pdf = PdfReader(io.BytesIO(data))
    return pdf, [" ".join((p.extract_text() or "").split()) for p in pdf.pages]


def period_of(db) -> str:
    return queries.latest_period(db)


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every element of the PDF's structure tree, in reading order."""
    out: list = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            out.append(node)
            walk(node.get("/K"))

    walk(pdf.Root.StructTreeRoot.get("/K"))
    return out


@pytest.fixture(scope="module")
def demo_pdf(_demo_db_master, tmp_path_factory):
    """The demo PDF, built once for the checks below (with a red analysis of målområde 3)."""
    import shutil

    db = tmp_path_factory.mktemp("pdf") / "demo.duckdb"
    shutil.copy(_demo_db_master, db)
    period = period_of(db)
    analysis.save(3, period, "Röd", "Kompetensrådet har inte kommit igång.", ADMIN, db)
    timings: dict = {}
    data = report.build(period, "pdf", db, today=TODAY, timings=timings)
    return db, period, data, timings


def test_pdf_from_the_demo_data(demo_pdf):
    db, period, data, timings = demo_pdf
    pdf, pages = pdf_text(data)
    text = " ".join(pages)

    for name in config.load_reference().malomraden.values():
        assert name in text
    assert period in text and config.period_label(period) in text
    overdue = queries.overdue(period, db, today=TODAY)
    assert f"och {len(overdue)} är försenade" in text  # the dashboard's number, from the same query
    per_section = [int(n) for n in re.findall(r"Försenade aktiviteter \((\d+)\)", text)]
    assert len(per_section) == 6 and sum(per_section) == len(overdue)
    assert "Röd Kompetensrådet har inte kommit igång." in text
    assert "Bedömning av Maria Nilsson" in text
    assert f"Sida {len(pages)} av {len(pages)}" in pages[-1]

    for page in pdf.pages:
        assert abs(float(page.mediabox.width) - 595) <= 1 and abs(float(page.mediabox.height) - 842) <= 1
    assert timings["charts"] >= 8  # overview, trend, 6 målområden, indicators


def test_pdf_opens_with_the_executive_summary(demo_pdf):
    _, _, data, _ = demo_pdf
    _, pages = pdf_text(data)
    first = pages[0]
    assert first.index("Det här går bra") < first.index("Det här kräver beslut")
    assert "Målområde 3. Kompetensförsörjning bedöms som rött: Kompetensrådet har inte kommit igång." in first
    assert "Innehåll" in " ".join(pages[:2])


def test_pdf_is_archival_and_tagged(demo_pdf):
    """PDF/A-3a and PDF/UA-1: structure tree, marked content, Swedish, title shown, alt text on every figure,
    table headers, headings in order, the identification in the XMP metadata, the Excel attached."""
    _, period, data, timings = demo_pdf
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    assert "/StructTreeRoot" in root and bool(root.MarkInfo.Marked)
    assert str(root.Lang).startswith("sv")
    assert bool(root.ViewerPreferences.DisplayDocTitle)
    meta = pdf.open_metadata()
    assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "A"
    assert meta.get("pdfuaid:part") == "1"
    title = f"{report.TITLE}, {config.period_label(period)}"
    assert meta.get("dc:title") == title and str(pdf.docinfo["/Title"]) == title
    assert "/OutputIntents" in root

    elements = struct_elements(pdf)
    kinds = [str(e.S) for e in elements]
    figures = [e for e in elements if e.S == "/Figure"]
    assert len(figures) == timings["charts"]
    for fig in figures:
        assert len(str(fig.get("/Alt", ""))) > 20, "every chart says in words what it shows"
    assert any("Liggande staplar med antal aktiviteter per status" in str(f.Alt) for f in figures)
    assert kinds.count("/H1") == 1 and kinds.count("/H2") >= 10 and "/H3" in kinds
    assert kinds.index("/H1") < kinds.index("/H2") < kinds.index("/Table")
    assert "/TH" in kinds and "/TD" in kinds and "/Caption" in kinds and "/L" in kinds

    files = root.Names.EmbeddedFiles.Names
    assert str(files[0]) == f"uppfoljning_naringsliv_{period}.xlsx"
    spec = files[1]
    assert spec.AFRelationship == "/Data" and spec in list(root.AF)
    wb = load_workbook(io.BytesIO(spec.EF.F.read_bytes()))
    assert wb.sheetnames[0] == "Sammanfattning"


def test_verapdf_when_installed(demo_pdf, tmp_path):
    """veraPDF (Java; in neither PyPI, Debian nor npm) validates PDF/A-3a and PDF/UA-1 when someone has it."""
    import shutil

    exe = shutil.which("verapdf")
    if not exe:
        pytest.skip("veraPDF är inte installerat")
    f = tmp_path / "r.pdf"
    f.write_bytes(demo_pdf[2])
    for flavour in ("3a", "ua1"):
        r = subprocess.run([exe, "--flavour", flavour, str(f)], capture_output=True, text=True)
        assert 'isCompliant="true"' in r.stdout, r.stdout[-3000:]


def test_pdf_without_charts_still_builds(demo_db):
    period = period_of(demo_db)
    timings = {}
    data = report.build(period, "pdf", demo_db, today=TODAY, timings=timings, with_charts=False)
    pdf, pages = pdf_text(data)
    assert timings["charts"] == 0
    assert "Målområde 6." in " ".join(pages)
    pdf = pikepdf.open(io.BytesIO(data))
    assert not [e for e in struct_elements(pdf) if e.S == "/Figure"]


def test_chart_svg_escapes_user_text(demo_db):
    """An indicator named like markup: the SVG is well-formed XML and its text alternative reads as written."""
    d = report.collect(period_of(demo_db), demo_db, TODAY)
    name = d.changes.iloc[0]["indikator"]
    odd = '<b>fet</b> & "citat" <script>x</script>'
    d.changes.loc[d.changes.index[0], "indikator"] = odd
    d.indicators.loc[d.indicators["indikator"] == name, "indikator"] = odd
    chart = report_charts.charts(d)["indikator_0"]
    svg = ET.fromstring(chart.svg)
    assert svg.find("{http://www.w3.org/2000/svg}title").text.startswith(f"Linjediagram: {odd},")
    assert "<script>" not in chart.svg and "<b>" not in chart.svg
    page = report_html.document(d, {"indikator_0": chart})
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_word_gets_png_charts_from_the_same_svgs_with_alt_text(demo_db, monkeypatch):
    period = period_of(demo_db)
    timings: dict = {}
    doc = Document(io.BytesIO(report.build(period, "docx", demo_db, today=TODAY, timings=timings)))
    assert len(doc.inline_shapes) == timings["charts"] >= 8
    descr = [s._inline.docPr.get("descr") for s in doc.inline_shapes]
    assert all(descr) and descr[0].startswith("Liggande staplar")
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 2"][:2] == ["Det här går bra",
                                                                                  "Det här kräver beslut"]
    cache = report_charts.cache_dir(demo_db)
    assert len(list(cache.glob("*.png"))) == timings["charts"]  # a second build rasterises nothing

    import cairosvg

    monkeypatch.setattr(cairosvg, "svg2png", lambda **kw: 1 / 0)
    for f in cache.glob("*.png"):
        f.unlink()
    doc = Document(io.BytesIO(report.build(period, "docx", demo_db, today=TODAY)))
    assert not doc.inline_shapes
    assert any("Diagrammet (status per målområde) kunde inte skapas" in p.text for p in doc.paragraphs)


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


def test_pdf_tables_repeat_their_header_row(odd_db, monkeypatch):
    monkeypatch.setattr(report_html, "MAX_LATE_ROWS", 1000)
    _, pages = pdf_text(report.build("2025-T2", "pdf", odd_db, today=TODAY, with_charts=False))
    section = [p for p in pages if "A-10" in p or "A-69" in p]  # the 60 overdue rows of målområde 2
    assert len(section) >= 2
    for p in section:
        assert "ID Aktivitet Förv. Ansvarig Slutdatum Dagar sena Status Kommentar" in p


def test_pdf_lists_the_most_overdue_and_points_to_the_attached_excel(odd_db):
    _, pages = pdf_text(report.build("2025-T2", "pdf", odd_db, today=TODAY, with_charts=False))
    text = " ".join(pages)
    assert "Försenade aktiviteter (60)" in text
    assert f"De {report_html.MAX_LATE_ROWS} mest försenade visas här. Alla 60 finns" in text
    assert len(re.findall(r"A-[1-6]\d ", text)) == report_html.MAX_LATE_ROWS  # of målområde 2's 60


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
                        "Indikatorer", "Handlingsplanen och styrgruppen", "Inrapportering"]
    assert len(doc.inline_shapes) >= 8
    assert round(doc.sections[0].page_width.mm) == 210 and round(doc.sections[0].page_height.mm) == 297
    late = [t for t in doc.tables if t.rows[0].cells[0].text == "ID"]
    assert sum(len(t.rows) - 1 for t in late) == len(queries.overdue(period_of(demo_db), demo_db))


def test_cli_progress_lines_for_the_worker(demo_db, tmp_path):
    out = tmp_path / "r.xlsx"
    r = subprocess.run([sys.executable, "-m", "naringsdash", "report", "--format", "xlsx", "--out", str(out),
                        "--db", str(demo_db), "--progress", "--today", "2026-11-26"], cwd=ROOT, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("progress 0.05 ") and lines[-1] == "progress 1.00 Klart"
    assert load_workbook(out)["Sammanfattning"]["B6"].value.date() == TODAY  # Framtagen


def test_cli_writes_excel(demo_db, tmp_path, capsys):
    out = tmp_path / "rapport.xlsx"
    assert cli.main(["report", "--period", "Delår 2026", "--out", str(out), "--db", str(demo_db)]) == 0
    assert load_workbook(out)["Sammanfattning"]["B4"].value == "2026 T2"
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


def test_a_report_for_a_period_being_reported_says_so_and_compares_like_for_like(tmp_path, demo_db):
    """Issue 10: the report of a partial period carries the banner, shows no later period in its trend, and
    compares only the förvaltningar present in both periods (KLF alone in 2026-T3)."""
    from conftest import activity, write_xlsx

    rows = [activity(i, **{"Förvaltning": "KLF", "Aktivitets-ID": f"KLF-{i:02d}"}) for i in range(1, 4)]
    assert ingest.import_file(write_xlsx(tmp_path / "klf.xlsx", rows), db=demo_db, forvaltning="KLF",
                              period="2026-T3").ok
    d = report.collect("2026-T3", demo_db, today=dt.date(2026, 9, 20))
    assert d.banner and d.banner.startswith("2026 T3 pågår: 1 av 7 förvaltningar har rapporterat")
    assert list(d.trend["period"])[-1] == "2026-T3" and not bool(d.trend["komplett"].iloc[-1])
    klf_before = queries.summary(demo_db, forvaltningar=["KLF"]).set_index("period").loc["2026-T2"]
    assert int(d.before["antal"]) == int(klf_before["antal"])  # KLF's T2, not all seven förvaltningar
    text = " ".join(report.text.summary_text(d))
    assert text.startswith("2026 T3 pågår") and "bara de förvaltningar som finns i båda perioderna" in text
    earlier = report.collect("2026-T2", demo_db, today=dt.date(2026, 9, 20))
    assert list(earlier.trend["period"])[-1] == "2026-T2" and earlier.banner is None  # never a later period


def test_the_report_names_the_plans_goals_the_activities_that_carry_them_and_the_styrgrupps_decisions(demo_db,
                                                                                                     tmp_path):
    """Issues 14 and 15 in the report: the plan's goals with their linked activities and status, the yearly
    revision, the decisions of the meetings that followed up the period, and what näringslivet said, in the PDF
    and in Word."""
    import docx

    d = report.collect("2026-T2", demo_db, today=dt.date(2026, 9, 25))
    headings = [h for h, _ in d.plan_lines]
    assert "Handlingsplanens mål och aktiviteterna som bär dem" in headings
    assert "Handlingsplan 2026 jämfört med 2025" in headings
    assert "Styrgruppens beslut och vad de ledde till" in headings and "Vad näringslivet säger" in headings
    goals = dict(d.plan_lines)["Handlingsplanens mål och aktiviteterna som bär dem"]
    assert any("Bärs av:" in g and "(" in g for g in goals)
    pdf = report.build("2026-T2", "pdf", demo_db, dt.date(2026, 9, 25), with_charts=False)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Handlingsplanen och styrgruppen" in text and "Styrgruppens beslut" in text
    word = docx.Document(io.BytesIO(report.build("2026-T2", "docx", demo_db, dt.date(2026, 9, 25),
                                                 with_charts=False)))
    paragraphs = [p.text for p in word.paragraphs]
    assert "Handlingsplanen och styrgruppen" in paragraphs
    assert any(p.startswith("Målområde") and "beslut" in p for p in paragraphs)


def _own_points(chart) -> list[float]:
    """The own series' markers (cy, top to bottom in px) in year order, read from the SVG."""
    svg = ET.fromstring(chart.svg)
    ns = "{http://www.w3.org/2000/svg}"
    own = next(p for p in svg.iter(f"{ns}polyline") if p.get("stroke") == "#0072B2")
    return [float(pt.split(",")[1]) for pt in own.get("points").split()]


def _axis_title(chart) -> str:
    svg = ET.fromstring(chart.svg)
    return next(t.text for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.get("transform"))


def test_indicator_charts_read_better_upwards_whichever_the_direction(demo_db):
    """A lower-is-better indicator that improves (the ranking 255 → 133, handläggningstid 48 → 26 dagar) rises in
    the report's SVG, as on the dashboard: its axis is upside down and says "bättre ↑"; a higher-is-better one
    (NKI 66 → 76) rises on an ordinary axis with the same label."""
    d = report.collect(period_of(demo_db), demo_db, TODAY)
    charts = report_charts.charts(d)
    by_name = {str(r.indikator): charts[f"indikator_{i}"] for i, r in enumerate(d.changes.itertuples())}
    for name, unit in (("Svenskt Näringslivs ranking av företagsklimatet", "placering"),
                       ("Handläggningstid bygglov, median", "dagar"),
                       ("Nöjd Kund Index, företagens betyg på kommunens service", "index")):
        chart = by_name[name]
        ys = _own_points(chart)
        assert ys[-1] < ys[0], (name, ys)          # improved, so the line ends higher up than it starts
        assert _axis_title(chart) == f"{unit} (bättre ↑)"
    assert "axeln är vänd" in by_name["Handläggningstid bygglov, median"].alt
    assert "axeln är vänd" not in by_name["Nöjd Kund Index, företagens betyg på kommunens service"].alt


def test_line_chart_year_labels_never_overlap():
    """Sixteen years (2015–2030) where every second label fits: the last year is not squeezed in beside 2029."""
    from naringsdash.report import svg as report_svg

    years = [str(y) for y in range(2015, 2031)]
    out = report_svg.lines(years, [{"name": "T", "values": [float(i) for i in range(16)], "color": "#0072B2"}],
                           title="t", desc="d", width=400, height=250, size=13)
    root = ET.fromstring(out)
    xs = sorted(float(t.get("x")) for t in root.iter("{http://www.w3.org/2000/svg}text") if t.text in years)
    assert len(xs) >= 5
    assert min(b - a for a, b in zip(xs, xs[1:])) >= report_svg.text_width("2030", 13)

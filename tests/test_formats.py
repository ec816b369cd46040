"""Workbooks written by other programs (contract §1 formats, §4 canonical export).

One reference workbook (make_fixtures.REF_ROWS: title rows, synonyms for headers, a blank row and column, an
unknown column, a percent-formatted 0,4 and 100 %, a date shown as year-month, formulas, an Info sheet) is
committed as LibreOffice writes it (.ods, .xls, .xlsx, .xlsm with a VBA part), with its cached formula values
crafted into openpyxl's .xlsx, and as xlwt, odfpy and pandas write it. Each must give the same export.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlwt

from naringsdash import export, ingest
from naringsdash.ingest import cellformats, reader
from naringsdash.ingest.cellformats import MONTH, PERCENT, classify
from naringsdash.ingest.reader import OLE_MAGIC, read_workbook
from naringsdash.store import queries

from conftest import ROOT

FIX = Path(__file__).parent / "fixtures"

EXPECTED = """\
period,forvaltning,aktivitet_id,aktivitet,malomrade,ansvarig,startdatum,slutdatum,status,andel_klar,bedomning,kommentar,forsenad
2025-T2,SBF,12,Förenkla bygglovsprocessen,1,Anna Berg,2025-01-15,2025-06-30,Pågår,40,Gul,Väntar på nytt ärendesystem,true
2025-T2,SBF,A-10,Mark för logistik,6,Cecilia Lund,2025-03-01,2025-08-31,Avbruten,40,Röd,Avbryts efter beslut i KS,false
2025-T2,SBF,A-2,Ny detaljplan för verksamhetsområde,2,Bo Ek,2025-02-01,2025-06-30,Klar,100,Grön,Antagen i KF,false
2025-T2,SBF,A-3,Företagsbesök tillsammans med näringslivsenheten,3,,,2026-06-30,Ej påbörjad,,,,false
2025-T2,SBF,A-4,Evenemangsstrategi,5,Dan Ny,2025-03-01,2025-09-30,Försenad,45,Gul,Kommentar från formel,true
"""

PROGRAMS = {  # file → (format calamine reads, the percent/month cells found: 0-based (row, col))
    "libreoffice.ods": ("ods", {(4, 8): PERCENT, (5, 8): PERCENT, (5, 6): MONTH}),
    "legacy.xls": ("xls", {(4, 8): PERCENT, (5, 8): PERCENT, (5, 6): MONTH}),
    "libreoffice.xlsx": ("xlsx", {(4, 8): PERCENT, (5, 8): PERCENT, (5, 6): MONTH}),
    "macro.xlsm": ("xlsx", {(4, 8): PERCENT, (5, 8): PERCENT, (5, 6): MONTH}),
    "formula-cached.xlsx": ("xlsx", {(4, 8): PERCENT, (5, 8): PERCENT, (5, 6): MONTH}),
    "xlwt.xls": ("xls", {(4, 8): PERCENT, (5, 8): PERCENT, (5, 6): MONTH}),
    "odfpy.ods": ("ods", {(4, 8): PERCENT, (5, 8): PERCENT}),  # the month is text there
    "pandas.ods": ("ods", {}),  # pandas writes no formats: '40 %' and 'juni 2025' as text
}


def export_csv(db, period: str) -> str:
    return export.canonical_csv(*queries.export_activities(period, db))


@pytest.mark.parametrize("name", PROGRAMS)
def test_every_program_gives_the_same_canonical_export(db, name):
    res = ingest.import_file(FIX / name, db=db)  # förvaltning and period from the Info sheet
    assert (res.ok, res.rows, res.errors) == (True, 5, [])
    unknown = [] if name == "pandas.ods" else [(4, "Intern notering", "unknown_column")]
    assert [(w.row, w.column, w.code) for w in res.warnings] == unknown
    assert export_csv(db, "2025-T2") == EXPECTED


@pytest.mark.parametrize("name", PROGRAMS)
def test_format_and_cell_formats_are_read(name):
    fmt, cells = PROGRAMS[name]
    wb = read_workbook((FIX / name).read_bytes())
    assert wb.format == fmt
    assert wb.formats.get("Aktiviteter", {}) == cells
    assert list(wb.sheets) == ["Aktiviteter", "Info"]


def test_formulas_are_read_by_their_cached_value():
    wb = read_workbook((FIX / "formula-cached.xlsx").read_bytes())
    row = wb.sheets["Aktiviteter"][9]
    assert (row[8], row[10]) == (45, "Kommentar från formel")
    assert b"<f>20+25</f>" in zipfile.ZipFile(FIX / "formula-cached.xlsx").read("xl/worksheets/sheet1.xml")


def test_the_xlsm_fixture_carries_a_vba_project_that_is_never_run():
    names = zipfile.ZipFile(FIX / "macro.xlsm").namelist()
    assert "xl/vbaProject.bin" in names
    ct = zipfile.ZipFile(FIX / "macro.xlsm").read("[Content_Types].xml")
    assert b"macroEnabled" in ct


MANY_ERRORS = [
    (5, "Slutdatum", "bad_date", "igår"), (5, "Status", "bad_status", "Okänd"), (6, "Aktivitet", "required", None),
    (7, "Andel klart (%)", "bad_percent", "101"), (7, "Slutdatum", "end_before_start", "2025-08-31"),
    (9, "Målområde", "bad_malomrade", "Nio"), (9, "Aktivitets-ID", "duplicate_id", "A-01"),
    (9, "Förvaltning", "forvaltning_mismatch", "SBF"),
]
BAD_PERCENT = [(2, "Andel klart (%)", "bad_percent", "150"), (3, "Andel klart (%)", "bad_percent", "-5"),
               (4, "Andel klart (%)", "bad_percent", "mycket"), (5, "Andel klart (%)", "bad_percent", "120 %"),
               (6, "Andel klart (%)", "bad_percent", "150 %")]


@pytest.mark.parametrize(("name", "expected"), [
    ("many-errors.xlsx", MANY_ERRORS), ("many-errors.ods", MANY_ERRORS), ("many-errors.xls", MANY_ERRORS),
    ("bad-percent.xlsx", BAD_PERCENT), ("bad-percent.ods", BAD_PERCENT), ("bad-percent.xls", BAD_PERCENT),
])
def test_errors_come_back_at_the_same_rows_in_every_format(name, expected):
    res = ingest.import_file(FIX / name, dry_run=True, forvaltning="KLF", period="2025-T1")
    assert [(e.row, e.column, e.code, e.value) for e in res.errors] == expected
    assert {e.sheet for e in res.errors} == {"Aktiviteter"}


@pytest.mark.parametrize(("code", "kind"), [
    ("0%", PERCENT), ("0.00%", PERCENT), ("0.0 %", PERCENT), ("#,##0%;-#,##0%", PERCENT), ("[Red]0%", PERCENT),
    ("yyyy-mm", MONTH), ("YYYY-MM", MONTH), ("mmm yyyy", MONTH), ("mmmm\\ yyyy", MONTH), ("[$-41D]mmm-yy", MONTH),
    ("åååå-mm", MONTH),
    ("yyyy-mm-dd", None), ("d/m/yyyy", None), ("yyyy-mm-dd hh:mm", None), ("mm:ss", None), ("General", None),
    ("0", None), ("0.0", None), ('0" %"', None), ("0\\%", None), ("@", None), ("#,##0", None),
])
def test_number_format_classification(code, kind):
    assert classify(code) == kind


def test_xls_formats_in_a_workbook_larger_than_the_mini_stream(tmp_path):
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Aktiviteter")
    pct = xlwt.easyxf(num_format_str="0.0%")
    for r in range(400):
        ws.write(r, 0, f"rad {r}")
        ws.write(r, 3, r / 400, pct)
    ws.write(400, 3, 1, xlwt.easyxf(num_format_str="mmm yyyy"))
    wb.save(str(tmp_path / "stor.xls"))
    formats = cellformats.xls_formats((tmp_path / "stor.xls").read_bytes())["Aktiviteter"]
    assert len(formats) == 401 and formats[(399, 3)] == PERCENT and formats[(400, 3)] == MONTH


@pytest.mark.parametrize(("data", "fmt"), [
    (b"PK\x03\x04 not a zip", "xlsx"), (b"PK\x03\x04", "ods"), (OLE_MAGIC + b"\0" * 600, "xls"),
    (OLE_MAGIC + b"\xff" * 2000, "xls"),
])
def test_unreadable_formats_are_ignored_not_raised(data, fmt):
    assert reader._formats(data, fmt) == {}


def test_cli_import_of_legacy_xls_and_exact_csv_on_stdout(db):
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "naringsdash", *args, "--db", str(db)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    imp = cli("import", str(FIX / "legacy.xls"), "--json")
    assert imp.returncode == 0, imp.stdout + imp.stderr
    ods = cli("import", str(FIX / "libreoffice.ods"), "--forvaltning", "SBF", "--period", "Delår 2025", "--json")
    assert ods.returncode == 0, ods.stdout  # a new version of the same (SBF, 2025-T2): same content
    out = cli("export", "--period", "2025-T2")
    assert (out.returncode, out.stdout) == (0, EXPECTED)
    assert cli("export").stdout == EXPECTED  # default period: the latest with data


STYLES = b"""<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm"/></numFmts>
<cellStyleXfs count="1"><xf numFmtId="9"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="9" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="14"/>
</cellXfs><dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="0%"/></dxf></dxfs></styleSheet>"""


def xlsx_with(sheet_xml: bytes) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", b'<workbook xmlns:r="r"><sheets><sheet name="Blad &amp; 1" sheetId="1" '
                                      b'r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", b'<Relationships><Relationship Id="rId1" Type="ws" '
                                                 b'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return zipfile.ZipFile(buf)


def test_xlsx_styles_only_cell_xfs_count_and_dxf_formats_do_not_leak():
    assert cellformats._special_styles(STYLES) == {1: PERCENT, 2: MONTH}


@pytest.mark.parametrize("sheet", [
    b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="3"><c r="B3" s="1"><v>0.4</v></c>'
    b'<c r="D3" s="2"><v>45809</v></c><c r="E3" s="3"><v>45809</v></c></row></sheetData></worksheet>',
    # cells and rows without r= (some writers leave them out): positions are counted
    b'<x:worksheet><x:sheetData><x:row><x:c t="s"><x:v>0</x:v></x:c></x:row><x:row/><x:row><x:c/>'
    b'<x:c s="1"><x:v>0.4</x:v></x:c><x:c/><x:c s="2"><x:v>45809</x:v></x:c><x:c s="3"/></x:row></x:sheetData>'
    b'</x:worksheet>',
])
def test_xlsx_cell_positions(sheet):
    assert cellformats.xlsx_formats(xlsx_with(sheet)) == {"Blad & 1": {(2, 1): PERCENT, (2, 3): MONTH}}

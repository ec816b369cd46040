"""Workbooks written by other programs (contract §1 formats, §4 canonical export).

One reference workbook (make_fixtures.REF_ROWS: title rows, synonyms for headers, a blank row and column, an
unknown column, a percent-formatted 0,4 and 100 %, a date shown as year-month, formulas, an Info sheet) is
committed as LibreOffice writes it (.ods, .xls, .xlsx, .xlsm with a VBA part), with its cached formula values
crafted into openpyxl's .xlsx, and as xlwt, odfpy and pandas write it. Each must give the same export.
"""

from __future__ import annotations

import datetime as dt
import io
import re
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


@pytest.mark.parametrize("data", [OLE_MAGIC + b"\0" * 600, OLE_MAGIC + b"\xff" * 2000])
def test_unreadable_xls_formats_are_ignored_not_raised(data):
    assert reader._xls_formats(data) == {}


@pytest.mark.parametrize("styles", [b"not xml", b"<styleSheet><cellXfs><xf numFmtId='9'></cellXfs>",
                                    b'<!DOCTYPE s><styleSheet/>', b'<x:styleSheet/>'])
def test_unreadable_styles_give_no_formats_not_an_error(styles):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/styles.xml", styles)
        z.writestr("styles.xml", styles)
    assert cellformats.xlsx_special_styles(zipfile.ZipFile(buf)) == {}
    assert cellformats.ods_styles(zipfile.ZipFile(buf)) is None
    assert read_workbook(ods_bytes(ods_content(ODS_ROWS), styles)).formats == {}


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


def xlsx_with(sheet_xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", b'<workbook xmlns:r="r"><sheets><sheet name="Blad &amp; 1" sheetId="1" '
                                      b'r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", b'<Relationships><Relationship Id="rId1" Type="ws" '
                                                 b'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buf.getvalue()


def test_xlsx_styles_only_cell_xfs_count_and_dxf_formats_do_not_leak():
    assert cellformats._special_styles(STYLES) == {1: PERCENT, 2: MONTH}


@pytest.mark.parametrize("sheet", [
    b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="3"><c r="B3" s="1"><v>0.4</v></c>'
    b'<c r="D3" s="2"><v>45809</v></c><c r="E3" s="3"><v>45809</v></c></row></sheetData></worksheet>',
    # cells and rows without r= (some writers leave them out): positions are counted
    b'<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row><x:c t="s"><x:v>0</x:v></x:c></x:row><x:row/><x:row><x:c/>'
    b'<x:c s="1"><x:v>0.4</x:v></x:c><x:c/><x:c s="2"><x:v>45809</x:v></x:c><x:c s="3"/></x:row></x:sheetData>'
    b'</x:worksheet>',
])
def test_xlsx_cell_positions(sheet):
    assert reader._guard_zip(xlsx_with(sheet)) == ("xlsx", {"Blad & 1": {(2, 1): PERCENT, (2, 3): MONTH}})


# --- The XML as other programs write it: a real parser reads what the old regular expressions missed -------------

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = b"http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = ["Aktivitets-ID", "Aktivitet", "Målområde", "Slutdatum", "Status", "Andel klart (%)"]


def inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


BASE = {
    "xl/workbook.xml": b'<workbook xmlns="' + MAIN + b'" xmlns:r="' + RELS + b'"><sheets>'
                       b'<sheet name="Aktiviteter" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<Relationships xmlns="' + PKG_RELS + b'"><Relationship Id="rId1" Type="'
                                  + RELS + b'/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
                                  b'Type="' + RELS + b'/styles" Target="styles.xml"/></Relationships>',
    "xl/styles.xml": b'<styleSheet xmlns="' + MAIN + b'"><numFmts count="1"><numFmt numFmtId="164" '
                     b'formatCode="yyyy\\-mm"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/>'
                     b'</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/>'
                     b'</cellStyleXfs><cellXfs count="3"><xf numFmtId="0" xfId="0"/><xf numFmtId="9" xfId="0" '
                     b'applyNumberFormat="1"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/></cellXfs>'
                     b'</styleSheet>',
    "xl/worksheets/sheet1.xml": b'<worksheet xmlns="' + MAIN + b'"><sheetData><row r="1">'
                                + b"".join(inline(f"{chr(65 + i)}1", h) for i, h in enumerate(HEAD))
                                + b'</row><row r="2">' + inline("A2", "A-1") + inline("B2", "Mässa")
                                + b'<c r="C2"><v>1</v></c><c r="D2" s="2"><v>45809</v></c>' + inline("E2", "Pågår")
                                + b'<c r="F2" s="1"><v>0.4</v></c></row></sheetData></worksheet>',
}
XLSX_MARKS = {"Aktiviteter": {(1, 3): MONTH, (1, 5): PERCENT}}


def xlsx_bytes(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   b'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                   b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   b'</Types>')
        z.writestr("_rels/.rels", b'<Relationships xmlns="' + PKG_RELS + b'"><Relationship Id="rId1" Type="' + RELS
                   + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        for name, xml in parts.items():
            z.writestr(name, xml)
    return buf.getvalue()


def each_part(fn) -> dict[str, bytes]:
    return {name: fn(xml) for name, xml in BASE.items()}


def reverse_attributes(xml: bytes) -> bytes:
    def rev(m):
        attrs = re.findall(rb'\s+[\w:]+="[^"]*"', m.group(2))
        return b"<" + m.group(1) + b"".join(reversed(attrs)) + m.group(3) + b">"
    return re.sub(rb'<([\w:]+)((?:\s+[\w:]+="[^"]*")+)(\s*/?)>', rev, xml)


XML_VARIANTS = {
    "single quotes": each_part(lambda x: x.replace(b'"', b"'")),
    "spaces around =": each_part(lambda x: x.replace(b'="', b' =\n "').replace(b'" ', b'"  ')),
    # every element with a prefix (the namespace bound to x, not the default), the rId attribute unprefixed
    "prefixed namespace": each_part(lambda x: re.sub(rb"<(/?)(\w+[ />])", rb"<\1x:\2", x).replace(b'xmlns="', b'xmlns:x="')),
    "attributes in another order": each_part(reverse_attributes),
    "&quot; and a literal quote in formatCode": {
        **BASE, "xl/styles.xml": BASE["xl/styles.xml"].replace(
            b'<numFmt numFmtId="164" formatCode="yyyy\\-mm"/>',
            b'<numFmt numFmtId="164" formatCode="yyyy&quot;-&quot;mm"/><numFmt numFmtId=\'165\' formatCode=\'0" "%\'/>'
        ).replace(b'numFmtId="9"', b'numFmtId="165"').replace(b'count="1"><numFmt', b'count="2"><numFmt')},
    # a comment and CDATA that look like cells mark nothing; the s attribute with a namespace prefix counts
    "comments, CDATA, prefixed s": {
        **BASE, "xl/worksheets/sheet1.xml": BASE["xl/worksheets/sheet1.xml"].replace(
            b'<row r="2">', b'<!-- <row r="7"><c r="A7" s="1"> --><row r="2"><![CDATA[<c r="Z2" s="2"/>]]>'
        ).replace(b'<c r="F2" s="1">', b'<c r="F2" xmlns:m="' + MAIN + b'" m:s="1">')},
}


@pytest.mark.parametrize("variant", XML_VARIANTS)
def test_xlsx_formats_written_as_other_programs_write_xml(variant):
    data = xlsx_bytes(XML_VARIANTS[variant])
    assert read_workbook(data).formats == XLSX_MARKS
    res = ingest.import_bytes(data, "v.xlsx", db=None, dry_run=True, forvaltning="KLF", period="2025-T1")
    assert (res.ok, res.errors) == (True, [])
    got = res.parsed.activities[0]
    assert (got["andel_klar"], got["slutdatum"]) == (40, dt.date(2025, 6, 30))  # 0,4 shown as 40 %; jun 2025


def test_xlsx_without_special_styles_marks_nothing():
    data = xlsx_bytes({**BASE, "xl/styles.xml": BASE["xl/styles.xml"].replace(b'numFmtId="9"', b'numFmtId="0"')
                       .replace(b'formatCode="yyyy\\-mm"', b'formatCode="yyyy\\-mm\\-dd"')})
    assert read_workbook(data).formats == {}
    res = ingest.import_bytes(data, "v.xlsx", db=None, dry_run=True, forvaltning="KLF", period="2025-T1")
    assert res.parsed.activities[0]["slutdatum"] == dt.date(2025, 6, 1)


DOCTYPE = b'<!DOCTYPE s [<!ENTITY p "0%">]>'


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/worksheets/sheet1.xml"])
def test_a_doctype_in_styles_is_refused_like_one_in_a_sheet(part):
    data = xlsx_bytes({**BASE, part: DOCTYPE + BASE[part]})
    with pytest.raises(reader.WorkbookError, match="skadad"):
        read_workbook(data)


def test_xlsx_marks_stop_past_the_cap(monkeypatch):
    monkeypatch.setattr(cellformats, "MAX_MARKS", 1)
    assert read_workbook(xlsx_bytes(BASE)).formats == {}


ODS_NS = {b"office": b"urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          b"table": b"urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          b"text": b"urn:oasis:names:tc:opendocument:xmlns:text:1.0",
          b"style": b"urn:oasis:names:tc:opendocument:xmlns:style:1.0",
          b"number": b"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"}
DECLS = b" ".join(b'xmlns:%s="%s"' % kv for kv in ODS_NS.items())


def text_cell(text: str) -> bytes:
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'.encode()


ODS_ROWS = (b'<table:table-row>' + b"".join(text_cell(h) for h in HEAD) + b'</table:table-row>'
            b'<table:table-row>' + text_cell("A-1") + text_cell("Mässa")
            + b'<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
            b'<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="2025-06-01">'
            b'<text:p>2025-06</text:p></table:table-cell>'
            + text_cell("Pågår")
            + b'<table:table-cell office:value-type="percentage" office:value="0.4"><text:p>40 %</text:p>'
            b'</table:table-cell></table:table-row>')
ODS_STYLES = (b'<office:document-styles ' + DECLS + b'><office:styles><number:date-style style:name="N1">'
              b'<number:year number:style="long"/><number:text>-</number:text><number:month/></number:date-style>'
              b'<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/></office:styles>'
              b'</office:document-styles>')


def ods_content(rows: bytes) -> bytes:
    return (b'<office:document-content ' + DECLS + b'><office:body><office:spreadsheet>'
            b'<table:table table:name="Aktiviteter">' + rows + b'</table:table></office:spreadsheet></office:body>'
            b'</office:document-content>')


def ods_bytes(content: bytes, styles: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                   b'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                   b'"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                   b'"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        z.writestr("content.xml", content)
        z.writestr("styles.xml", styles)
    return buf.getvalue()


def single_quotes(xml: bytes) -> bytes:
    """Single quotes and spaces around '='."""
    return xml.replace(b'="', b" = '").replace(b'" ', b"' ").replace(b'">', b"'>").replace(b'"/>', b"'/>")


def other_prefixes(xml: bytes) -> bytes:
    """Prefixes of its own (tax: for table: …)."""
    for prefix in ODS_NS:
        xml = re.sub(rb"(?<=[<\s/])" + prefix + rb":", prefix[:2] + b"x:", xml)
        xml = xml.replace(b"xmlns:" + prefix + b"=", b"xmlns:" + prefix[:2] + b"x=")
    return xml


ODS_MARKS = {"Aktiviteter": {(1, 3): MONTH, (1, 5): PERCENT}}


@pytest.mark.parametrize("variant", ["as LibreOffice writes it", "single quotes, spaces around ="])
def test_ods_formats_written_as_other_programs_write_xml(variant):
    content, styles = ods_content(ODS_ROWS), ODS_STYLES
    if variant.startswith("single"):
        content, styles = single_quotes(content), single_quotes(styles)
        assert b'office:value-type="' not in content
    data = ods_bytes(content, styles)
    assert read_workbook(data).formats == ODS_MARKS
    res = ingest.import_bytes(data, "v.ods", db=None, dry_run=True, forvaltning="KLF", period="2025-T1")
    assert (res.ok, res.errors) == (True, [])
    got = res.parsed.activities[0]
    assert (got["andel_klar"], got["slutdatum"]) == (40, dt.date(2025, 6, 30))


def test_ods_formats_with_prefixes_of_its_own():
    """Matched by namespace, not by prefix (calamine itself reads such a content.xml as no sheet at all)."""
    content, styles = other_prefixes(ods_content(ODS_ROWS)), other_prefixes(ODS_STYLES)
    assert b"<table:" not in content
    assert read_workbook(ods_bytes(content, styles)).formats == ODS_MARKS


def test_ods_month_style_in_content_and_column_default_style():
    styles_in_content = ODS_STYLES.replace(b"office:styles>", b"office:automatic-styles>").replace(
        b"<office:document-styles " + DECLS + b">", b"").replace(b"</office:document-styles>", b"")
    rows = (b'<table:table-column table:number-columns-repeated="3"/>'
            b'<table:table-column table:default-cell-style-name="ce1"/>'
            + ODS_ROWS.replace(b' table:style-name="ce1"', b""))
    content = ods_content(rows).replace(b"<office:body>", styles_in_content + b"<office:body>")
    assert read_workbook(ods_bytes(content, b"<office:document-styles " + DECLS + b"/>")).formats == ODS_MARKS


def test_a_doctype_in_ods_styles_gives_no_formats_and_the_file_is_read():
    wb = read_workbook(ods_bytes(ods_content(ODS_ROWS), DOCTYPE + ODS_STYLES))
    assert (wb.formats, wb.sheets["Aktiviteter"][1][5]) == ({}, 0.4)

"""Files that are not follow-up sheets: too big, zip bombs, corrupt, not a spreadsheet. Each is refused
quickly with a clear Swedish message and changes nothing; a genuine 10,000-row sheet loads."""

import datetime as dt
import subprocess
import sys
import zipfile

import pytest

from naringsdash import ingest
from naringsdash.store import queries

from conftest import ROOT, activity, write_xlsx


def _bomb_xlsx(path, sheet_xml: bytes):
    """A minimal xlsx whose worksheet part is the given XML (compressed)."""
    base = write_xlsx(path.with_name("base.xlsx"), [activity(1)])
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def _sheet(rows_xml: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>' + rows_xml + b"</sheetData></worksheet>")


def run_import(path, db):
    """Run the CLI in a child process with a 1 GB address-space cap; return (seconds, completed process)."""
    code = ("import resource,sys; resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3)); "
            "from naringsdash.cli.main import main; sys.exit(main(sys.argv[1:]))")
    t0 = dt.datetime.now()
    p = subprocess.run([sys.executable, "-c", code, "import", str(path), "--forvaltning", "KLF", "--period",
                        "2025-T1", "--db", str(db), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return (dt.datetime.now() - t0).total_seconds(), p


def test_zip_bomb_is_refused(tmp_path, db):
    # ~400 MB of XML whitespace inside the worksheet part, a few hundred KB on disk.
    filler = b" " * (400 * 1024 * 1024)
    path = _bomb_xlsx(tmp_path / "zip-bomb.xlsx", _sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c>'
                                                          b"</row>" + filler))
    assert path.stat().st_size < 2 * 1024 * 1024
    _, p = run_import(path, db)
    assert p.returncode == 1, p.stderr
    assert "för stor" in p.stdout
    assert queries.periods(db) == []


def test_far_away_cell_is_refused_before_reading(tmp_path, db):
    # Two cells, A1 and a cell at row 900000, column XFD: calamine would build a grid of billions of cells.
    xml = _sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
                 b'<row r="900000"><c r="XFD900000" t="inlineStr"><is><t>y</t></is></c></row>')
    path = _bomb_xlsx(tmp_path / "far-cell.xlsx", xml)
    secs, p = run_import(path, db)
    assert p.returncode == 1 and "för stor" in p.stdout, p.stdout + p.stderr


def test_ods_with_repeated_rows_is_refused(tmp_path):
    content = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               b'<office:body><office:spreadsheet><table:table table:name="Aktiviteter">'
               b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
               b'table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p>'
               b"</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
               b"</office:document-content>")
    path = tmp_path / "repeat-bomb.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    res = ingest.import_file(path, forvaltning="KLF", period="2025-T1")
    assert not res.ok and "för stor" in res.errors[0].message


@pytest.mark.parametrize("name, data, fragment", [
    ("not-a-spreadsheet.xlsx", b"Hej, det har ar en textfil.\n", "inte en arbetsbok"),
    ("empty.xlsx", b"", "tom"),
    ("truncated.xlsx", None, "skadad"),
    ("zip-without-sheets.xlsx", None, "inte en Excel"),
])
def test_unreadable_files_are_rejected_with_a_message(tmp_path, db, name, data, fragment):
    path = tmp_path / name
    if name == "truncated.xlsx":
        good = write_xlsx(tmp_path / "good.xlsx", [activity(i) for i in range(1, 50)]).read_bytes()
        data = good[: len(good) // 2]
    if name == "zip-without-sheets.xlsx":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "hej")
        data = path.read_bytes()
    path.write_bytes(data)
    res = ingest.import_file(path, db=db, forvaltning="KLF", period="2025-T1")
    assert not res.ok and fragment in res.errors[0].message
    assert res.errors[0].as_dict()["sheet"] is None
    assert queries.periods(db) == []


def test_a_genuine_10000_row_sheet_loads(tmp_path, db):
    rows = [activity(i, **{"Aktivitets-ID": f"A-{i:05d}"}) for i in range(1, 10_001)]
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    res = ingest.import_file(path, db=db, forvaltning="KLF", period="2025-T1")
    assert res.ok and res.rows == 10_000
    assert len(queries.export_activities("2025-T1", db)[1]) == 10_000


def test_a_damaged_part_outside_the_sheets_is_refused(tmp_path, db):
    """Every part of the container is read through before calamine sees it, so a part whose bytes do not match
    its header (a lie about its size, or plain damage) is refused rather than trusted."""
    good = write_xlsx(tmp_path / "good.xlsx", [activity(1)])
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("docProps/core.xml")
        offset = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data = bytearray(good.read_bytes())
    data[offset + 5] ^= 0xFF
    path = tmp_path / "damaged-part.xlsx"
    path.write_bytes(bytes(data))
    res = ingest.import_file(path, db=db, forvaltning="KLF", period="2025-T1")
    assert not res.ok and "skadad" in res.errors[0].message
    assert queries.periods(db) == []

"""Hostile workbooks (issue 11 §1): none may take the process down or cost more than about 1 GB and 60 s.

Each attack is a few KB made here with zipfile/xlwt: legal XML spellings of a far-away cell (single quotes,
spaces around '=', namespace prefixes, a lying <dimension>), .ods repeats in both quotings, a far .xls cell, a
sheet stored outside xl/worksheets/, a shared-strings table that claims billions of strings, a billion-laughs
DOCTYPE, and password-protected .xlsx/.xls/.ods. The command-line import runs in a child process whose peak
memory (its own and its parse worker's) is measured; the database stays unchanged and the message is Swedish.
"""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlwt

from naringsdash import ingest
from naringsdash.ingest import parse_worker
from naringsdash.ingest.reader import WorkbookError
from naringsdash.store import queries

from conftest import HEADERS, ROOT, activity, write_xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
A1 = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
GB = 1024**3


def replace_parts(path: Path, parts: dict[str, bytes | None], base: Path | None = None) -> Path:
    """A copy of a genuine openpyxl workbook with some parts replaced (None removes one)."""
    base = base or write_xlsx(path.with_name("base-" + path.name), [activity(1)])
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = parts.pop(item.filename, src.read(item.filename))
            if data is not None:
                dst.writestr(item.filename, data)
        for name, data in parts.items():
            if data is not None:
                dst.writestr(name, data)
    return path


def sheet(body: bytes, q: bytes = b'"', prefix: bytes = b"", dim: bytes = b"") -> bytes:
    p = prefix + b":" if prefix else b""
    ns = b"xmlns" + (b":" + prefix if prefix else b"") + b"=" + q + MAIN.encode() + q
    return (b"<?xml version='1.0' encoding='UTF-8'?><" + p + b"worksheet " + ns + b">" + dim + b"<" + p
            + b"sheetData>" + body + b"</" + p + b"sheetData></" + p + b"worksheet>")


def xlsx_attack(path: Path, kind: str) -> Path:
    if kind == "single-quotes":
        body = A1 + b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>y</t></is></c></row>"
        return replace_parts(path, {"xl/worksheets/sheet1.xml": sheet(body, b"'")})
    if kind == "spaces":
        body = A1 + b'<row r = "1048576"><c r = "XFD1048576" t = "n"><v>1</v></c></row>'
        return replace_parts(path, {"xl/worksheets/sheet1.xml": sheet(body)})
    if kind == "prefixes":
        body = (b"<x:row r='1'><x:c r='A1' t='inlineStr'><x:is><x:t>x</x:t></x:is></x:c></x:row>"
                b"<x:row r='1048576'><x:c r='XFD1048576'><x:v>1</x:v></x:c></x:row>")
        return replace_parts(path, {"xl/worksheets/sheet1.xml": sheet(
            body, b"'", b"x", b"<x:dimension ref='A1:XFD1048576'/>")})
    if kind == "far-empty-string":  # calamine keeps an empty inline string: it builds the grid for it
        body = A1 + b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t></t></is></c></row>'
        return replace_parts(path, {"xl/worksheets/sheet1.xml": sheet(body)})
    if kind == "sheet-elsewhere":  # calamine follows the workbook's relationship wherever it points
        body = A1 + b'<row r="30000"><c r="ALL30000"><v>1</v></c></row>'
        base = write_xlsx(path.with_name("base-" + path.name), [activity(1)])
        with zipfile.ZipFile(base) as z:
            rels = z.read("xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml", b"media/data.xml")
        return replace_parts(path, {"xl/worksheets/sheet1.xml": None, "xl/media/data.xml": sheet(body),
                                    "xl/_rels/workbook.xml.rels": rels}, base)
    if kind == "shared-strings-count":  # calamine reserves uniqueCount strings before reading one
        sst = (b"<?xml version='1.0'?><sst xmlns='" + MAIN.encode() + b"' count='4000000000' "
               b"uniqueCount = '4000000000'><si><t>x</t></si></sst>")
        return replace_parts(path, {"xl/sharedStrings.xml": sst})
    if kind == "billion-laughs":
        lol = b'<!DOCTYPE w [<!ENTITY l0 "lol">' + b"".join(
            b'<!ENTITY l%d "%s">' % (i, (b"&l%d;" % (i - 1)) * 10) for i in range(1, 10)) + b"]>"
        xml = sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>')
        xml = xml.replace(b"?>", b"?>" + lol, 1)
        return replace_parts(path, {"xl/worksheets/sheet1.xml": xml})
    raise ValueError(kind)


ODS_NS = (b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods(path: Path, rows: bytes, manifest_extra: bytes = b"") -> Path:
    content = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content ' + ODS_NS + b' office:version="1.2">'
               b'<office:body><office:spreadsheet><table:table table:name="Aktiviteter">' + rows
               + b"</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                b'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                b'manifest:full-path="content.xml" manifest:media-type="text/xml">' + manifest_extra
                + b"</manifest:file-entry></manifest:manifest>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def ods_attack(path: Path, kind: str) -> Path:
    value = b'<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    if kind == "repeat-double-quotes":
        return ods(path, b'<table:table-row table:number-rows-repeated="1000000">' + value + b"</table:table-row>")
    if kind == "repeat-single-quotes":
        return ods(path, b"<table:table-row table:number-rows-repeated='1000000'>"
                         b"<table:table-cell table:number-columns-repeated = '1000' office:value-type='string'>"
                         b"<text:p>x</text:p></table:table-cell></table:table-row>")
    if kind == "empty-rows-then-value":  # the empty rows before a value are built too
        return ods(path, b"<table:table-row table:number-rows-repeated='1000000'><table:table-cell/>"
                         b"</table:table-row><table:table-row>" + value + b"</table:table-row>")
    if kind == "encrypted":
        extra = (b'<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
                 b'<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AA=="/>'
                 b'<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024" '
                 b'manifest:salt="AA=="/></manifest:encryption-data>')
        return ods(path, b"<table:table-row>" + value + b"</table:table-row>", extra)
    raise ValueError(kind)


def xls(path: Path, far: bool = False) -> Path:
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Aktiviteter")
    ws.write(0, 0, "Aktivitets-ID")
    if far:
        ws.write(65535, 255, 1)
    wb.save(str(path))
    return path


def xls_attack(path: Path, kind: str) -> Path:
    if kind == "far-cell":
        return xls(path, far=True)
    data = bytearray(xls(path).read_bytes())
    if kind == "filepass":  # a FILEPASS record in the globals: an encrypted .xls (WINDOWPROTECT becomes FILEPASS)
        i = data.index(b"\x19\x00\x02\x00\x00\x00")
        data[i:i + 2] = b"\x2f\x00"
    elif kind == "encrypted-xlsx":  # an encrypted .xlsx is an OLE file whose package is a stream
        name = "Workbook".encode("utf-16-le")
        i = data.index(name + b"\0\0")
        new = "EncryptedPackage".encode("utf-16-le") + b"\0\0"
        data[i:i + len(new)] = new
        data[i + 64:i + 66] = len(new).to_bytes(2, "little")
    else:
        raise ValueError(kind)
    path.write_bytes(bytes(data))
    return path


ATTACKS = {  # name → (maker, message fragment)
    "xlsx-single-quotes": (lambda p: xlsx_attack(p, "single-quotes"), "för stor"),
    "xlsx-spaces": (lambda p: xlsx_attack(p, "spaces"), "för stor"),
    "xlsx-prefixes": (lambda p: xlsx_attack(p, "prefixes"), "för stor"),
    "xlsx-far-empty-string": (lambda p: xlsx_attack(p, "far-empty-string"), "för stor"),
    "xlsx-sheet-elsewhere": (lambda p: xlsx_attack(p, "sheet-elsewhere"), "för stor"),
    "xlsx-shared-strings-count": (lambda p: xlsx_attack(p, "shared-strings-count"), "för stor"),
    "xlsx-billion-laughs": (lambda p: xlsx_attack(p, "billion-laughs"), "skadad"),
    "ods-repeat-double-quotes": (lambda p: ods_attack(p, "repeat-double-quotes"), "för stor"),
    "ods-repeat-single-quotes": (lambda p: ods_attack(p, "repeat-single-quotes"), "för stor"),
    "ods-empty-rows-then-value": (lambda p: ods_attack(p, "empty-rows-then-value"), "för stor"),
    "xls-far-cell": (lambda p: xls_attack(p, "far-cell"), "för stor"),
    "xls-filepass": (lambda p: xls_attack(p, "filepass"), "lösenordsskyddad"),
    "xlsx-encrypted": (lambda p: xls_attack(p, "encrypted-xlsx"), "lösenordsskyddad"),
    "ods-encrypted": (lambda p: ods_attack(p, "encrypted"), "lösenordsskyddad"),
}
SUFFIX = {"xlsx": ".xlsx", "ods-": ".ods", "xls-": ".xls"}


def make_attack(tmp: Path, name: str) -> Path:
    suffix = ".xlsx" if name == "xlsx-encrypted" else next(s for k, s in SUFFIX.items() if name.startswith(k))
    return ATTACKS[name][0](tmp / (name + suffix))


MEASURE = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
           "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
           "sys.exit(p.returncode)")


def cli_import(db: Path, *paths: Path, period: bool = True, timeout: float = 120):
    """The command-line import in a child process: (exit code, JSON objects, peak RSS in bytes of the child and
    everything it waited for, i.e. its parse workers)."""
    args = [sys.executable, "-c", MEASURE, sys.executable, "-m", "naringsdash", "import", *map(str, paths),
            "--db", str(db), "--json"]
    if period:
        args += ["--forvaltning", "KLF", "--period", "2025-T1"]
    p = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    peak = int(p.stderr.rsplit("MAXRSS_KB", 1)[1].split()[0]) * 1024
    return p.returncode, [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")], peak, p.stderr


@pytest.mark.parametrize("name", ATTACKS)
def test_attack_is_refused_with_the_database_unchanged(tmp_path, db, name):
    path = make_attack(tmp_path, name)
    assert path.stat().st_size < 64 * 1024
    code, out, peak, stderr = cli_import(db, path)
    assert code == 1, stderr
    assert len(out) == 1 and not out[0]["ok"]
    message = out[0]["errors"][0]["message"]
    assert ATTACKS[name][1] in message, message
    assert peak < GB, f"{peak / 2**20:.0f} MB"
    assert queries.periods(db) == []


def test_a_batch_goes_on_after_a_bad_file_and_exits_1(tmp_path, db):
    good1 = write_xlsx(tmp_path / "t1.xlsx", [activity(1)], info={"Förvaltning": "KLF", "Period": "2025-T1"})
    bad = make_attack(tmp_path, "xlsx-single-quotes")
    good2 = write_xlsx(tmp_path / "t2.xlsx", [activity(2)], info={"Förvaltning": "KLF", "Period": "2025-T2"})
    code, out, peak, stderr = cli_import(db, good1, bad, good2, period=False)
    assert code == 1, stderr
    assert [o["ok"] for o in out] == [True, False, True]
    assert sorted(queries.periods(db)) == ["2025-T1", "2025-T2"]
    assert peak < GB


@pytest.mark.parametrize("dimension", [b'<dimension ref="A1:XFD1048576"/>', b"<dimension ref='A1'/>",
                                       b"<dimension ref='B7:C9'/>"])
def test_a_genuine_workbook_with_a_wrong_dimension_still_loads(tmp_path, db, dimension):
    base = write_xlsx(tmp_path / "genuine.xlsx", [activity(i) for i in range(1, 31)])
    with zipfile.ZipFile(base) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    start = xml.index(b"<dimension")
    xml = xml[:start] + dimension + xml[xml.index(b"/>", start) + 2:]
    path = replace_parts(tmp_path / "wrong-dimension.xlsx", {"xl/worksheets/sheet1.xml": xml}, base)
    res = ingest.import_file(path, db=db, forvaltning="KLF", period="2025-T1")
    assert res.ok and res.rows == 30, res.errors


def test_trailing_repeated_empty_rows_and_cells_are_normal_in_ods(tmp_path, db):
    """LibreOffice ends a sheet with one empty row repeated to row 1 048 576 and empty cells to the last column."""
    def cell(v):
        return b'<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % v.encode()

    row = b"".join(cell(h) for h in HEADERS)
    values = [str(v) if not hasattr(v, "isoformat") else v.isoformat() for v in activity(1)]
    data = b"".join(cell(v) for v in values)
    tail = b"<table:table-cell table:number-columns-repeated='16373'/>"
    rows = (b"<table:table-row>" + row + tail + b"</table:table-row><table:table-row>" + data + tail
            + b"</table:table-row><table:table-row table:number-rows-repeated='1048574'>"
            b"<table:table-cell table:number-columns-repeated='16384'/></table:table-row>")
    res = ingest.import_file(ods(tmp_path / "libreoffice-tail.ods", rows), db=db, forvaltning="KLF", period="2025-T1")
    assert res.ok and res.rows == 1, res.errors


def test_the_worker_turns_an_allocation_failure_into_a_swedish_message(tmp_path):
    """Defence in depth: a file the guards let through (5 million cells, just inside the limits) in a worker whose
    memory limit is too small for it; the worker dies, the caller gets the message and goes on."""
    body = A1 + b'<row r="100000"><c r="AX100000"><v>1</v></c></row>'
    path = replace_parts(tmp_path / "limit.xlsx", {"xl/worksheets/sheet1.xml": sheet(body)})
    with pytest.raises(WorkbookError) as err:
        parse_worker.read_untrusted(path.read_bytes(), memory=128 * 2**20)
    assert str(err.value) == parse_worker.MEMORY_MESSAGE
    assert parse_worker.read_untrusted(write_xlsx(tmp_path / "ok.xlsx", [activity(1)]).read_bytes()).sheets


def test_the_worker_has_a_time_limit(tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", [activity(i) for i in range(1, 200)])
    with pytest.raises(WorkbookError) as err:
        parse_worker.read_untrusted(path.read_bytes(), timeout=0.001)
    assert str(err.value) == parse_worker.TIMEOUT_MESSAGE


def test_the_worker_reply_is_loaded_without_arbitrary_classes():
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    with pytest.raises(pickle.UnpicklingError):
        parse_worker._Unpickler(io.BytesIO(pickle.dumps(("ok", Evil())))).load()

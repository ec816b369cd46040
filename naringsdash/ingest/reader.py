"""Workbook bytes → raw rows per sheet, with guards against oversized files.

Reads .xlsx, .xlsm, .xls and .ods with python-calamine. Before calamine sees a
file, the file size, the uncompressed size of a zip container and the extent of
the cells are checked, because calamine builds a dense grid: one far-away cell
would otherwise cost gigabytes.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from ..errors import UserError

MAX_FILE_BYTES = 25 * 1024 * 1024  # on disk
MAX_UNCOMPRESSED_BYTES = 150 * 1024 * 1024  # inside a zip container
MAX_RATIO = 200  # uncompressed / compressed for one large member
MAX_ROWS = 100_000
MAX_COLS = 1_000
MAX_CELLS = 5_000_000  # rows × columns of the used area

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookError(UserError):
    """The file cannot be read as a workbook; the message is Swedish and meant for the user."""


@dataclass
class Workbook:
    sheets: dict[str, list[list[object]]] = field(default_factory=dict)  # name → rows, index 0 = Excel row 1
    format: str = ""
    # name → {(row, col): "percent" | "month"}: cells whose number format changes what the value means
    formats: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


# r= of <row> and <c> beyond row 9999 or column Z: only these can make the grid large, and a
# rare pattern keeps the scan of an ordinary sheet to one fast pass with few matches.
_XLSX_BIG_ROW = re.compile(rb'r="[A-Z]{0,4}(\d{5,})"')
_XLSX_BIG_COL = re.compile(rb'r="([A-Z]{2,4})\d')
SMALL_ROWS, SMALL_COLS = 9_999, 26


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, chunk: int = 1 << 20):
    """Yield decompressed chunks of a member, stopping past the size cap."""
    total = 0
    with zf.open(info) as f:
        while True:
            block = f.read(chunk)
            if not block:
                return
            total += len(block)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise WorkbookError(_too_big())
            yield block


def _too_big() -> str:
    rows = f"{MAX_ROWS:_}".replace("_", "\u00a0")
    return (f"Filen är för stor för att vara ett uppföljningsblad (högst {rows} rader och "
            f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB uppackat). Kontrollera att du valt rätt fil.")


def _check_extent(max_row: int, max_col: int) -> None:
    if max_row > MAX_ROWS or max_col > MAX_COLS or max_row * max_col > MAX_CELLS:
        raise WorkbookError(_too_big())


def _scan_xlsx_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Find the extent of the rows and cells, streaming (calamine allocates that whole grid)."""
    extent = [0, 0]

    def scan(buf: bytes) -> None:
        rows = _XLSX_BIG_ROW.findall(buf)
        cols = set(_XLSX_BIG_COL.findall(buf))
        extent[0] = max(extent[0], max(map(int, rows)) if rows else 0)
        extent[1] = max(extent[1], max(map(_col_number, cols)) if cols else 0)
        _check_extent(max(extent[0], SMALL_ROWS), max(extent[1], SMALL_COLS))

    tail = b""
    for block in _stream(zf, info):
        buf = tail + block
        cut = buf.rfind(b"<")
        cut = len(buf) if cut <= 0 else cut
        scan(buf[:cut])
        tail = buf[cut:]
    scan(tail)


_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*?)(/?)>")
_ODS_ROW_END = re.compile(rb"</table:table-row>")
_ODS_REPEAT_ROWS = re.compile(rb'number-rows-repeated="(\d+)"')
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/?)>")
_ODS_REPEAT_COLS = re.compile(rb'number-columns-repeated="(\d+)"')


def _scan_ods_content(data: bytes) -> None:
    """Extent of the cells that hold a value, expanding the repeat attributes."""
    rows = max_col = 0
    pos = 0
    while True:
        m = _ODS_ROW.search(data, pos)
        if not m:
            break
        rep = _ODS_REPEAT_ROWS.search(m.group(1))
        repeat = int(rep.group(1)) if rep else 1
        if m.group(2):  # <table:table-row/>
            end = m.end()
            body = b""
        else:
            e = _ODS_ROW_END.search(data, m.end())
            end = e.end() if e else len(data)
            body = data[m.end():end]
        col = 0
        row_has_value = False
        for c in _ODS_CELL.finditer(body):
            crep = _ODS_REPEAT_COLS.search(c.group(1))
            n = int(crep.group(1)) if crep else 1
            if b"value-type" in c.group(1):
                row_has_value = True
                max_col = max(max_col, col + n)
            col += n
        if row_has_value:
            rows += repeat
        else:
            rows += 1 if repeat == 1 else 0
        _check_extent(rows, max_col)
        pos = end


def _guard_zip(data: bytes) -> str:
    """Check a zip container and return 'xlsx' or 'ods'."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError("Filen är skadad och kan inte öppnas som en arbetsbok.") from exc
    with zf:
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise WorkbookError(_too_big())
        for i in infos:
            if i.file_size > 10 * 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise WorkbookError(_too_big())
        names = {i.filename for i in infos}
        try:
            if "content.xml" in names:
                fmt, scanned = "ods", [zf.getinfo("content.xml")]
                _scan_ods_content(b"".join(_stream(zf, scanned[0])))
            else:
                fmt, scanned = "xlsx", [i for i in infos if re.match(r"xl/worksheets/[^/]+\.xml$", i.filename)]
                if not scanned:
                    raise WorkbookError("Filen är inte en Excel- eller OpenDocument-arbetsbok.")
                for info in scanned:
                    _scan_xlsx_sheet(zf, info)
            for info in infos:  # every other part too: real sizes and checksums, not what the header claims
                if info not in scanned:
                    for _ in _stream(zf, info):
                        pass
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise WorkbookError("Filen är skadad och kan inte öppnas som en arbetsbok.") from exc
    return fmt


def read_workbook(data: bytes) -> Workbook:
    """Read every sheet of a workbook into lists of rows; raises WorkbookError with a Swedish message."""
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(f"Filen är för stor ({len(data) / 2**20:.1f} MB, högst {MAX_FILE_BYTES // 2**20} MB).".replace(".", ",", 1))
    if not data:
        raise WorkbookError("Filen är tom.")
    if data[:4] == b"PK\x03\x04":
        fmt = _guard_zip(data)
    elif data[:8] == OLE_MAGIC:
        fmt = "xls"
    else:
        raise WorkbookError("Filen är inte en arbetsbok (.xlsx, .xlsm, .xls eller .ods).")
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: dict[str, list[list[object]]] = {}
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            if fmt == "xls":
                _check_extent(sheet.total_height, sheet.total_width)
            sheets[name] = sheet.to_python(skip_empty_area=False)
    except WorkbookError:
        raise
    except Exception as exc:  # calamine raises several types for corrupt content
        raise WorkbookError("Filen är skadad eller har ett format som inte kan läsas.") from exc
    return Workbook(sheets=sheets, format=fmt, formats=_formats(data, fmt))


def _formats(data: bytes, fmt: str) -> dict[str, dict[tuple[int, int], str]]:
    """Percent and year-month cells (see cellformats); a refinement that never rejects a file."""
    from . import cellformats

    try:
        if fmt == "xls":
            return cellformats.xls_formats(data)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if fmt == "ods":
                names = set(zf.namelist())
                styles = zf.read("styles.xml") if "styles.xml" in names else b""
                return cellformats.ods_formats(zf.read("content.xml"), styles)
            return cellformats.xlsx_formats(zf)
    except Exception:  # malformed styles or streams: read the values as they are
        return {}

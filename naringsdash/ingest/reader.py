"""Workbook bytes → raw rows per sheet, with guards against oversized files.

Reads .xlsx, .xlsm, .xls and .ods with python-calamine. Before calamine sees a
file, the file size, the uncompressed size of a zip container and the extent of
the cells are checked (workbook_guard: a real XML parser, olefile and a BIFF
record scan), because calamine builds a dense grid: one far-away cell would
otherwise cost gigabytes. Untrusted files are read in a worker process with a
memory limit on top of that (parse_worker). The guard's pass over the sheets also
marks the percent and year-month cells (cellformats), so each sheet is parsed once.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import cast

from ..errors import UserError
from . import cellformats
from . import workbook_guard as guard

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


_DAMAGED = "Filen är skadad och kan inte öppnas som en arbetsbok."
ENCRYPTED = ("Filen är lösenordsskyddad och kan inte läsas. Spara en kopia utan lösenord (i Excel: Arkiv > Info > "
             "Skydda arbetsbok > Kryptera med lösenord, töm fältet) och ladda upp den.")
_LIMITS = guard.Limits(MAX_ROWS, MAX_COLS, MAX_CELLS)


def _guarded(fn, *args):
    """Run a guard, turning its findings into the user's message."""
    try:
        return fn(*args)
    except guard.TooBig as exc:
        raise WorkbookError(_too_big()) from exc
    except guard.Encrypted as exc:
        raise WorkbookError(ENCRYPTED) from exc
    except guard.NotWorkbook as exc:
        raise WorkbookError("Filen är inte en arbetsbok (.xlsx, .xlsm, .xls eller .ods).") from exc
    except guard.Malformed as exc:
        raise WorkbookError(_DAMAGED) from exc


def _guard_zip(data: bytes) -> tuple[str, dict[str, dict[tuple[int, int], str]]]:
    """Check a zip container; return 'xlsx' or 'ods' and its percent and year-month cells (cellformats), which
    the guard's pass over the sheets marks on the way (the styles are read first: a small part)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(_DAMAGED) from exc
    formats: dict[str, dict[tuple[int, int], str]] = {}
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
                fmt = "ods"
                if "META-INF/manifest.xml" in names and _guarded(guard.ods_encrypted, zf.read("META-INF/manifest.xml")):
                    raise WorkbookError(ENCRYPTED)
                scanned = {"content.xml"}
                kinds = cellformats.ods_styles(zf)
                formats = _guarded(guard.scan_ods_content, _stream(zf, zf.getinfo("content.xml")), _LIMITS,
                                   kinds, cellformats.MAX_MARKS)[1]
            else:
                fmt = "xlsx"
                parts = _guarded(guard.xlsx_sheet_parts, zf)
                if not parts:
                    raise WorkbookError("Filen är inte en Excel- eller OpenDocument-arbetsbok.")
                scanned = set(parts)
                special = cellformats.xlsx_special_styles(zf) or None
                budget = cellformats.MAX_MARKS
                for name in sorted(parts):
                    styles = special if parts[name] else None  # only named sheets reach the user
                    marks = _guarded(guard.scan_xlsx_sheet, _stream(zf, zf.getinfo(name)), _LIMITS, styles, budget)[2]
                    if marks is None:  # past cellformats.MAX_MARKS: not a follow-up sheet, no more formats
                        special = None
                    elif marks:
                        budget -= len(marks)
                        formats.update({sheet: marks for sheet in parts[name]})
            for info in infos:  # every other part too: real sizes and checksums, not what the header claims
                if info.filename not in scanned:
                    chunks = _stream(zf, info)
                    if fmt == "xlsx" and info.filename.endswith(".xml"):
                        _guarded(guard.check_shared_strings, chunks, _LIMITS)
                    for _ in chunks:
                        pass
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise WorkbookError(_DAMAGED) from exc
    return fmt, formats


def read_workbook(data: bytes) -> Workbook:
    """Read every sheet of a workbook into lists of rows; raises WorkbookError with a Swedish message."""
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(f"Filen är för stor ({len(data) / 2**20:.1f} MB, högst {MAX_FILE_BYTES // 2**20} MB).".replace(".", ",", 1))
    if not data:
        raise WorkbookError("Filen är tom.")
    if data[:4] == b"PK\x03\x04":
        fmt, formats = _guard_zip(data)
    elif data[:8] == OLE_MAGIC:
        fmt = "xls"
        _guarded(guard.scan_xls, data, _LIMITS)
        formats = _xls_formats(data)
    else:
        raise WorkbookError("Filen är inte en arbetsbok (.xlsx, .xlsm, .xls eller .ods).")
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: dict[str, list[list[object]]] = {}
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            # calamine hands over fresh lists of its cell types; read on as plain objects
            sheets[name] = cast(list[list[object]], sheet.to_python(skip_empty_area=False))
    except WorkbookError:
        raise
    except Exception as exc:  # calamine raises several types for corrupt content
        raise WorkbookError("Filen är skadad eller har ett format som inte kan läsas.") from exc
    return Workbook(sheets=sheets, format=fmt, formats=formats)


def _xls_formats(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Percent and year-month cells of an .xls (see cellformats); a refinement that never rejects a file."""
    try:
        return cellformats.xls_formats(data)
    except Exception:  # malformed records or streams: read the values as they are
        return {}

"""Which cells carry a number format that changes what their value means.

calamine hands over values only. Two formats matter to a Swedish Excel user:
a percent format (``0,4`` shown as ``40 %`` means 40) and a date format that
shows only year and month (``jun 2025`` means the month's last day). This
module finds those cells in .xlsx/.xlsm (styles), .ods (value types and data
styles) and .xls (BIFF8 XF records) without loading the workbook again.

The XML parts are read with workbook_guard's XML parser (expat, namespace-aware,
no DOCTYPE or entity accepted; elements and attributes match by local name in any
namespace), never with regular expressions. The cells are marked in the guard's
own pass over each sheet (reader passes the styles found here), so a sheet is
parsed once.

The marks are ``{sheet name: {(row, col): PERCENT | MONTH}}`` with 0-based
positions as calamine's grid uses them. Formats only refine values;
any failure here yields ``{}`` and never rejects a file.
"""

from __future__ import annotations

import re
import struct
import zipfile

from .workbook_guard import _attr, _feed, _local, _parser, ole_workbook_stream

PERCENT = "percent"
MONTH = "month"
Formats = dict[str, dict[tuple[int, int], str]]

MAX_MARKS = 200_000  # cells recorded per workbook; beyond that the grid is not a follow-up sheet
BUILTIN = {9: PERCENT, 10: PERCENT, 17: MONTH}  # 0%, 0.00%, mmm-yy


def classify(code: str) -> str | None:
    """PERCENT for a percent format, MONTH for a date format without day (and time), else None."""
    s = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code).split(";")[0].lower()
    if "%" in s:
        return PERCENT
    if ("y" in s or "å" in s) and "m" in s and not any(ch in s for ch in "dhs"):
        return MONTH
    return None


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


# --- .xlsx / .xlsm ---------------------------------------------------------------

def _special_styles(styles: bytes) -> dict[int, str]:
    """cellXfs index → PERCENT | MONTH for the styles that carry such a number format.

    Only the numFmts block counts for custom formats (a dxf's own numFmt is for conditional formatting), and
    only the xf elements of cellXfs (not cellStyleXfs) are the indexes a cell's ``s`` refers to.
    """
    custom: dict[int, str] = {}
    xf_formats: list[int | None] = []
    inside: list[str] = []  # open numFmts / cellXfs

    def start(name, attrs):
        local = _local(name)
        if local in ("numFmts", "cellXfs"):
            inside.append(local)
        elif local == "numFmt" and inside and inside[-1] == "numFmts":
            n, code = _number(_attr(attrs, "numFmtId")), _attr(attrs, "formatCode")
            if n is not None and code is not None:
                custom[n] = code
        elif local == "xf" and inside and inside[-1] == "cellXfs":
            xf_formats.append(_number(_attr(attrs, "numFmtId")))

    def end(name):
        if inside and _local(name) == inside[-1]:
            inside.pop()

    _feed(_parser(start, end), [styles])
    out: dict[int, str] = {}
    for i, n in enumerate(xf_formats):
        if n is not None and (kind := classify(custom[n]) if n in custom else BUILTIN.get(n)):
            out[i] = kind
    return out


def xlsx_special_styles(zf: zipfile.ZipFile) -> dict[int, str]:
    """The special styles of a workbook's xl/styles.xml; {} when it has none or cannot be read."""
    try:
        if "xl/styles.xml" not in zf.namelist():
            return {}
        return _special_styles(zf.read("xl/styles.xml"))
    except Exception:  # a DOCTYPE, broken XML or a broken member: the values are read as they are
        return {}


# --- .ods --------------------------------------------------------------------------

class OdsStyles:
    """Cell styles whose data style is a date without a day, learnt from the elements outside the tables
    (office:styles in styles.xml, office:automatic-styles in content.xml); guard.CellKinds."""

    def __init__(self) -> None:
        self.month_data: set[str] = set()  # data styles (number:date-style) with year and month but no day
        self.data_style: dict[str, str] = {}  # cell style (style:style) → its data style
        self._date: tuple[str | None, set[str]] | None = None  # the open date-style: name, child elements

    def start(self, local: str, attrs: dict[str, str]) -> None:
        if self._date is not None:
            self._date[1].add(local)
        elif local == "date-style":
            self._date = (_attr(attrs, "name"), set())
        elif local == "style":
            name, data = _attr(attrs, "name"), _attr(attrs, "data-style-name")
            if name is not None and data is not None:
                self.data_style[name] = data

    def end(self, local: str) -> None:
        if local == "date-style" and self._date is not None:
            name, parts = self._date
            self._date = None
            if name is not None and {"year", "month"} <= parts and not parts & {"day", "day-of-week", "hours"}:
                self.month_data.add(name)

    def kind(self, value_type: str, style: str | None) -> str | None:
        if value_type == "percentage":
            return PERCENT
        if value_type == "date" and style is not None and self.data_style.get(style) in self.month_data:
            return MONTH
        return None

    def read(self, xml: bytes) -> None:
        """Learn the styles of a whole part (styles.xml)."""
        _feed(_parser(lambda name, attrs: self.start(_local(name), attrs), lambda name: self.end(_local(name))),
              [xml])


def ods_styles(zf: zipfile.ZipFile) -> OdsStyles | None:
    """The styles of styles.xml, to which content.xml's walk adds its own; None when styles.xml cannot be read."""
    styles = OdsStyles()
    try:
        if "styles.xml" in zf.namelist():
            styles.read(zf.read("styles.xml"))
    except Exception:  # a DOCTYPE, broken XML or a broken member: no formats
        return None
    return styles


# --- .xls (BIFF8 in an OLE2 compound file) -----------------------------------------

def _ole_stream(data: bytes) -> bytes | None:
    """The Workbook (BIFF8) or Book (BIFF5) stream of an OLE2 compound file (olefile reads the container)."""
    try:
        return ole_workbook_stream(data)
    except Exception:  # an encrypted, foreign or broken container has no formats to give
        return None


def _biff_string(rec: bytes, pos: int, cch: int) -> str:
    flags = rec[pos]
    pos += 1
    if flags & 0x08:
        pos += 2
    if flags & 0x04:
        pos += 4
    if flags & 0x01:
        return rec[pos:pos + 2 * cch].decode("utf-16-le", "replace")
    return rec[pos:pos + cch].decode("latin-1")


def _records(stream: bytes, pos: int):
    while pos + 4 <= len(stream):
        rtype, rlen = struct.unpack_from("<HH", stream, pos)
        yield rtype, stream[pos + 4:pos + 4 + rlen]
        pos += 4 + rlen
        if rtype == 0x000A:  # EOF of this substream
            return


def xls_formats(data: bytes) -> Formats:
    stream = _ole_stream(data)
    if not stream or struct.unpack_from("<H", stream, 4)[0] != 0x0600:  # BIFF8 only
        return {}
    custom: dict[int, str] = {}
    xf_fmt: list[int] = []
    sheets: list[tuple[str, int]] = []
    for rtype, rec in _records(stream, 0):
        if rtype == 0x041E:  # FORMAT
            ifmt, cch = struct.unpack_from("<HH", rec, 0)
            custom[ifmt] = _biff_string(rec, 4, cch)
        elif rtype == 0x00E0:  # XF
            xf_fmt.append(struct.unpack_from("<H", rec, 2)[0])
        elif rtype == 0x0085:  # BOUNDSHEET8
            pos, _, _, cch = struct.unpack_from("<IBBB", rec, 0)
            sheets.append((_biff_string(rec, 7, cch), pos))
    special = {}
    for i, n in enumerate(xf_fmt):
        kind = classify(custom[n]) if n in custom else BUILTIN.get(n)
        if kind:
            special[i] = kind
    if not special:
        return {}
    out: Formats = {}
    marks = 0
    for name, pos in sheets:
        cells: dict[tuple[int, int], str] = {}
        for rtype, rec in _records(stream, pos):
            if rtype in (0x0203, 0x027E, 0x0006) and len(rec) >= 6:  # NUMBER, RK, FORMULA
                r, c, xf = struct.unpack_from("<HHH", rec, 0)
                if xf in special:
                    cells[(r, c)] = special[xf]
            elif rtype == 0x00BD and len(rec) >= 6:  # MULRK
                r, c0 = struct.unpack_from("<HH", rec, 0)
                for k in range((len(rec) - 6) // 6):
                    xf = struct.unpack_from("<H", rec, 4 + 6 * k)[0]
                    if xf in special:
                        cells[(r, c0 + k)] = special[xf]
            marks += 1
            if marks > 5 * MAX_MARKS:
                return out
        if cells:
            out[name] = cells
    return out

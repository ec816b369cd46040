"""Which cells carry a number format that changes what their value means.

calamine hands over values only. Two formats matter to a Swedish Excel user:
a percent format (``0,4`` shown as ``40 %`` means 40) and a date format that
shows only year and month (``jun 2025`` means the month's last day). This
module finds those cells in .xlsx/.xlsm (styles), .ods (value types and data
styles) and .xls (BIFF8 XF records) without loading the workbook again.

Every function returns ``{sheet name: {(row, col): PERCENT | MONTH}}`` with
0-based positions as calamine's grid uses them. Formats only refine values;
any failure here yields ``{}`` and never rejects a file.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile

from .workbook_guard import ole_workbook_stream

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


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    m = re.search(rb"(?:^|\s)" + re.escape(name) + rb'="([^"]*)"', attrs)
    return m.group(1) if m else None


# --- .xlsx / .xlsm ---------------------------------------------------------------

def _special_styles(styles: bytes) -> dict[int, str]:
    """cellXfs index → PERCENT | MONTH for the styles that carry such a number format."""
    block = re.search(rb"<(?:\w+:)?numFmts\b.*?</(?:\w+:)?numFmts>", styles, re.S)  # not the dxfs' own numFmts
    fmts = block.group(0) if block else b""
    custom = {int(m[1]): html.unescape(m[2].decode("utf-8"))
              for m in re.finditer(rb'<(?:\w+:)?numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"', fmts)}
    custom.update({int(m[2]): html.unescape(m[1].decode("utf-8"))
                   for m in re.finditer(rb'<(?:\w+:)?numFmt\b[^>]*?formatCode="([^"]*)"[^>]*?numFmtId="(\d+)"', fmts)})
    m = re.search(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", styles, re.S)
    out: dict[int, str] = {}
    if not m:
        return out
    for i, xf in enumerate(re.finditer(rb"<(?:\w+:)?xf\b([^>]*)>", m.group(0))):
        fid = _attr(xf.group(1), b"numFmtId")
        if fid is None:
            continue
        n = int(fid)
        kind = classify(custom[n]) if n in custom else BUILTIN.get(n)
        if kind:
            out[i] = kind
    return out


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → member path of its XML."""
    wb = zf.read("xl/workbook.xml")
    rels = zf.read("xl/_rels/workbook.xml.rels")
    targets: dict[bytes, str] = {}
    for m in re.finditer(rb"<(?:\w+:)?Relationship\b([^>]*)>", rels):
        rid, target = _attr(m.group(1), b"Id"), _attr(m.group(1), b"Target")
        if rid and target:
            t = html.unescape(target.decode("utf-8"))
            targets[rid] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    out: dict[str, str] = {}
    for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)>", wb):
        name = _attr(m.group(1), b"name")
        ref = re.search(rb'\br:id="([^"]*)"|\bid="([^"]*)"', m.group(1))
        if name and ref:
            path = targets.get(ref.group(1) or ref.group(2))
            if path:
                out[html.unescape(name.decode("utf-8"))] = path
    return out


_XLSX_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_XLSX_REF = re.compile(rb'(?:^|\s)r="([A-Z]*)(\d*)"')
_XLSX_S = re.compile(rb'(?:^|\s)s="(\d+)"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def xlsx_formats(zf: zipfile.ZipFile) -> Formats:
    names = set(zf.namelist())
    if "xl/styles.xml" not in names:
        return {}
    special = _special_styles(zf.read("xl/styles.xml"))
    if not special:
        return {}
    out: Formats = {}
    marks = 0
    for sheet, path in _sheet_paths(zf).items():
        if path not in names:
            continue
        cells: dict[tuple[int, int], str] = {}
        row, col = -1, -1
        for m in _XLSX_TAG.finditer(zf.read(path)):
            ref = _XLSX_REF.search(m.group(2))
            if m.group(1) == b"row":
                row = int(ref.group(2)) - 1 if ref and ref.group(2) else row + 1
                col = -1
                continue
            if ref and ref.group(1):
                col = _col_index(ref.group(1))
                if ref.group(2):
                    row = int(ref.group(2)) - 1
            else:
                col += 1
            s = _XLSX_S.search(m.group(2))
            if s and (kind := special.get(int(s.group(1)))):
                cells[(row, col)] = kind
                marks += 1
                if marks > MAX_MARKS:
                    return out
        if cells:
            out[sheet] = cells
    return out


# --- .ods --------------------------------------------------------------------------

_ODS_TAG = re.compile(rb"<(/?)(table:table|table:table-row|table:table-cell|table:covered-table-cell|"
                      rb"table:table-column)(?=[\s/>])([^>]*?)(/?)>")


def _ods_month_styles(*docs: bytes) -> set[bytes]:
    """Cell style names whose data style is a date without a day."""
    month_data: set[bytes] = set()
    for doc in docs:
        for m in re.finditer(rb'<number:date-style\b([^>]*?)(/?)>(.*?)</number:date-style>', doc, re.S):
            body = m.group(3)
            if b"<number:month" in body and b"<number:year" in body and b"<number:day" not in body \
                    and b"<number:hours" not in body:
                name = _attr(m.group(1), b"style:name")
                if name:
                    month_data.add(name)
    styles: set[bytes] = set()
    if month_data:
        for doc in docs:
            for m in re.finditer(rb"<style:style\b([^>]*)>", doc):
                style = _attr(m.group(1), b"style:name")
                if style is not None and _attr(m.group(1), b"style:data-style-name") in month_data:
                    styles.add(style)
    return styles


def ods_formats(content: bytes, styles_xml: bytes = b"") -> Formats:
    month_styles = _ods_month_styles(content, styles_xml)
    if b'value-type="percentage"' not in content and not month_styles:
        return {}
    out: Formats = {}
    marks = 0
    sheet: dict[tuple[int, int], str] | None = None
    col_styles: list[bytes | None] = []
    row = col = 0
    row_repeat = 1
    depth = 0  # nested tables (in cells) are skipped
    for m in _ODS_TAG.finditer(content):
        closing, tag, attrs, selfclose = m.group(1), m.group(2), m.group(3), m.group(4)
        if tag == b"table:table":
            if closing:
                depth -= 1
                continue
            depth += 1
            if depth > 1:
                continue
            name = html.unescape((_attr(attrs, b"table:name") or b"").decode("utf-8"))
            sheet = out.setdefault(name, {})
            col_styles, row, col = [], 0, 0
            continue
        if depth != 1 or sheet is None:
            continue
        if tag == b"table:table-column":
            if closing:
                continue
            n = min(int(_attr(attrs, b"table:number-columns-repeated") or 1), 1024)
            col_styles.extend([_attr(attrs, b"table:default-cell-style-name")] * n)
        elif tag == b"table:table-row":
            if closing:
                row += row_repeat
                continue
            row_repeat = int(_attr(attrs, b"table:number-rows-repeated") or 1)
            col = 0
            if selfclose:
                row += row_repeat
        elif not closing:
            n = int(_attr(attrs, b"table:number-columns-repeated") or 1)
            vtype = _attr(attrs, b"office:value-type")
            kind = None
            if vtype == b"percentage":
                kind = PERCENT
            elif vtype == b"date" and month_styles:
                style = _attr(attrs, b"table:style-name") or (col_styles[col] if col < len(col_styles) else None)
                kind = MONTH if style in month_styles else None
            if kind and n * row_repeat <= 10_000:
                for r in range(row, row + row_repeat):
                    for c in range(col, col + n):
                        sheet[(r, c)] = kind
                marks += n * row_repeat
                if marks > MAX_MARKS:
                    break
            col += n
    return {k: v for k, v in out.items() if v}


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

"""How much of a workbook calamine would build, found before calamine sees the file.

calamine builds a dense grid from A1 to the farthest cell that holds something, so one far-away cell costs
gigabytes. This module finds that extent from the file itself: the XML parts with a streaming, namespace-aware
XML parser (expat; any quoting, any whitespace, any prefix; no DOCTYPE or entity is accepted) and the .xls
records with olefile and a small BIFF record scan. It also tells a password-protected workbook from a damaged
one. Declared sizes (``<dimension>``, ``DIMENSIONS``) are never trusted: only cells count. On request the same
pass over a sheet also marks the cells whose style means something (cellformats: percent, year-month), so an
upload parses each sheet once.

What counts is what calamine materialises (measured with python-calamine 0.9.1):
- .xlsx: a ``c`` element with a child element (``v``, ``is``, ``f``); an empty styled ``<c r="XFD1"/>``, a
  ``<row>`` without cells and the ``<dimension>`` tag build nothing. Elements match by local name in any
  namespace, as calamine matches them. The shared strings' ``uniqueCount`` is reserved up front.
- .ods: rows up to the last row with a value and columns up to the last cell with a value, repeats expanded;
  a trailing repeated empty row or cell (LibreOffice writes one to the sheet's end) builds nothing.
- .xls: value records (NUMBER, RK, MULRK, LABEL, LABELSST, RSTRING, BOOLERR, FORMULA); BLANK and MULBLANK
  and the DIMENSIONS record build nothing.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NoReturn, Protocol
from xml.parsers import expat

import olefile

CHUNK = 1 << 20


class TooBig(Exception):
    """The sheet would be larger than the limits."""


class Encrypted(Exception):
    """The workbook is password-protected."""


class Malformed(Exception):
    """The file is not well-formed (XML, OLE or BIFF)."""


class NotWorkbook(Exception):
    """A container that holds no workbook (for example a Word document)."""


@dataclass(frozen=True)
class Limits:
    rows: int
    cols: int
    cells: int

    def check(self, rows: int, cols: int) -> None:
        if rows > self.rows or cols > self.cols or rows * cols > self.cells:
            raise TooBig


# --- XML --------------------------------------------------------------------------

class _Stop(Exception):
    """Stops a parse early once the answer is known."""


def _forbid(*_args: object) -> NoReturn:
    raise Malformed("DOCTYPE or entity declaration")


def _parser(start, end=None) -> expat.XMLParserType:
    """A namespace-aware expat parser that refuses any DOCTYPE (so no entity can be declared or expanded).

    Element and attribute names arrive as "namespace-uri local" or "local"; the handlers use the local part.
    """
    p = expat.ParserCreate(namespace_separator=" ")
    p.StartDoctypeDeclHandler = _forbid
    p.EntityDeclHandler = _forbid
    p.UnparsedEntityDeclHandler = _forbid
    p.ExternalEntityRefHandler = _forbid
    p.StartElementHandler = start
    if end is not None:
        p.EndElementHandler = end
    p.buffer_text = True
    return p


def _feed(p: expat.XMLParserType, chunks: Iterable[bytes]) -> None:
    try:
        for block in chunks:
            p.Parse(block, False)
        p.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Malformed(str(exc)) from exc


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _attr(attrs: dict[str, str], local: str) -> str | None:
    """The attribute with this local name, whatever its namespace prefix."""
    v = attrs.get(local)
    if v is not None:
        return v
    for k, val in attrs.items():
        if k.endswith(" " + local):
            return val
    return None


def _count(value: str | None) -> int:
    if value is None:
        return 1
    try:
        n = int(value.strip())
    except ValueError as exc:
        raise Malformed(f"repeat {value!r}") from exc
    return max(n, 1)


def root_element(chunks: Iterable[bytes]) -> tuple[str, dict[str, str]] | None:
    """Local name and attributes of a part's root element, reading no further than needed."""
    found: list = []

    def start(name, attrs):
        found.append((_local(name), attrs))
        raise _Stop

    try:
        _feed(_parser(start), chunks)
    except _Stop:
        pass
    return found[0] if found else None


# --- .xlsx / .xlsm ----------------------------------------------------------------

_XLSX_KINDS = {"row": 1, "c": 2, "v": 3, "is": 3, "f": 3}  # f, v and is are the children that give a cell content
_DIGITS = "0123456789"


def _column(letters: str) -> int:
    if not letters.isascii() or not letters.isalpha() or len(letters) > 7:
        raise Malformed(f"column {letters!r}")
    col = 0
    for ch in letters.upper():
        col = col * 26 + (ord(ch) - 64)
    return col


Marks = dict[tuple[int, int], str]  # (row, col), 0-based as calamine's grid → what the cell's style means


def scan_xlsx_sheet(chunks: Iterable[bytes], limits: Limits, styles: Mapping[int, str] | None = None,
                    max_marks: int = 0) -> tuple[int, int, Marks | None]:
    """Rows and columns calamine would build for one worksheet part; raises TooBig early.

    With ``styles`` (cellXfs index → a label), the same pass also marks every cell whose ``s`` attribute is one
    of them: the third value is ``{(row, col): label}`` (0-based), or None once more than ``max_marks`` cells
    would be marked. Without, it is ``{}``.

    One start-element handler, no end handler: a <c> is remembered until the next element starts; when that is
    its f, v or is, the cell has content. This is the hot loop of every upload, hence the caches.
    """
    kinds: dict[str, int] = {}  # element name as expat gives it → 0 other, 1 row, 2 c, 3 content of c
    columns: dict[str, int] = {}  # column letters → number
    row = col = max_row = max_col = 0
    pending: tuple[int, int] | None = None
    marks: Marks | None = {}
    # s attribute as written → label or None; filled on first sight (" 3" and "03" are style 3 too)
    style_of: dict[str, str | None] | None = {str(k): v for k, v in styles.items()} if styles else None

    def start(name, attrs):
        nonlocal row, col, max_row, max_col, pending, marks, style_of
        kind = kinds.get(name)
        if kind is None:
            kind = kinds[name] = _XLSX_KINDS.get(name.rpartition(" ")[2], 0)
        if kind == 3:
            if pending is not None:
                r, c = pending
                pending = None
                if r > max_row or c > max_col:
                    max_row, max_col = max(r, max_row), max(c, max_col)
                    limits.check(max_row, max_col)
            return
        pending = None
        if kind == 2:
            ref = attrs.get("r")
            if ref is None:
                ref = _attr(attrs, "r")
            if ref is None:
                col += 1
            else:
                letters = ref.rstrip(_DIGITS)
                if len(letters) < len(ref):
                    row = int(ref[len(letters):])  # a ValueError ends the parse: Malformed
                if letters:
                    c = columns.get(letters)
                    if c is None:
                        c = columns[letters] = _column(letters.strip().replace("$", ""))
                    col = c
                else:
                    col += 1
            pending = (row, col)
            if style_of is not None:
                s = attrs.get("s")
                if s is None and len(attrs) > ("r" in attrs) + ("t" in attrs):  # another attribute: a prefixed s?
                    s = _attr(attrs, "s")
                if s is not None:
                    label = style_of.get(s, _UNSEEN)
                    if label is _UNSEEN:
                        label = style_of[s] = _style_label(s, styles)
                    if label is not None:
                        marks[(row - 1, col - 1)] = label
                        if len(marks) > max_marks:
                            marks = style_of = None  # not a follow-up sheet: stop marking, keep scanning
        elif kind == 1:
            ref = attrs.get("r")
            if ref is None:
                ref = _attr(attrs, "r")
            row = row + 1 if ref is None else int(ref)
            col = 0

    try:
        _feed(_parser(start), chunks)
    except ValueError as exc:  # a row number that is not one
        raise Malformed(str(exc)) from exc
    return max_row, max_col, marks


_UNSEEN = object()


def _style_label(s: str, styles: Mapping[int, str] | None) -> str | None:
    try:
        return styles.get(int(s)) if styles else None
    except ValueError:
        return None


def _rels_targets(data: bytes, base: str) -> dict[str, str]:
    """Relationship Id → part name, resolved the way calamine does (absolute, or relative to xl/)."""
    out: dict[str, str] = {}

    def start(name, attrs):
        if _local(name) == "Relationship":
            rid, target = _attr(attrs, "Id"), _attr(attrs, "Target")
            if rid is not None and target:
                if target.startswith("/"):
                    out[rid] = target.lstrip("/")
                else:
                    out[rid] = posixpath.normpath(posixpath.join(base, target))

    _feed(_parser(start), [data])
    return out


def xlsx_sheet_parts(zf: zipfile.ZipFile) -> dict[str, list[str]]:
    """Every part calamine may read as a worksheet, with the sheet names the workbook gives it: the workbook's
    sheets through its relationships (wherever they point), and everything under xl/worksheets/,
    xl/dialogsheets/ and xl/macrosheets/ (no name unless the workbook names it)."""
    names = set(zf.namelist())
    parts: dict[str, list[str]] = {
        n: [] for n in names if n.startswith(("xl/worksheets/", "xl/dialogsheets/", "xl/macrosheets/"))
        and n.endswith(".xml") and "/_rels/" not in n}
    if "xl/_rels/workbook.xml.rels" in names and "xl/workbook.xml" in names:
        targets = _rels_targets(zf.read("xl/_rels/workbook.xml.rels"), "xl")
        sheets: list[tuple[str | None, list[str]]] = []

        def start(name, attrs):
            if _local(name) == "sheet":
                ids = sorted((k for k in attrs if _local(k) == "id"), key=lambda k: " " not in k)  # r:id first
                sheets.append((_attr(attrs, "name"), [attrs[k] for k in ids]))

        _feed(_parser(start), [zf.read("xl/workbook.xml")])
        for sheet, ids in sheets:
            found = [targets[i] for i in ids if i in targets and targets[i] in names]
            for part in found:
                parts.setdefault(part, [])
            if sheet is not None and found:
                parts[found[0]].append(sheet)
    return parts


def check_shared_strings(chunks: Iterable[bytes], limits: Limits) -> None:
    """calamine reserves room for ``uniqueCount`` strings before reading one: a lie there is an allocation."""
    root = root_element(chunks)
    if root and root[0] == "sst":
        for key in ("uniqueCount", "count"):
            value = _attr(root[1], key)
            if value is not None and value.strip().isdigit() and int(value) > limits.cells:
                raise TooBig


# --- .ods ---------------------------------------------------------------------------

class CellKinds(Protocol):
    """What an .ods cell's value type and style mean (cellformats.OdsStyles). It sees the elements outside the
    tables (where the styles are), so it knows the styles by the time the first table starts."""

    def start(self, local: str, attrs: dict[str, str]) -> None: ...

    def end(self, local: str) -> None: ...

    def kind(self, value_type: str, style: str | None) -> str | None: ...


def scan_ods_content(chunks: Iterable[bytes], limits: Limits, kinds: CellKinds | None = None,
                     max_marks: int = 0) -> tuple[dict[str, tuple[int, int]], dict[str, Marks]]:
    """Rows and columns calamine would build per table of content.xml; raises TooBig early.

    With ``kinds``, the same walk also marks the cells of each top-level table it gives a kind:
    ``{table: {(row, col): kind}}`` (0-based), marking stops past ``max_marks`` cells.
    """
    tables: list[dict] = []  # a stack: tables can nest inside cells
    out: dict[str, tuple[int, int]] = {}
    marked: dict[str, Marks] = {}
    n_marks = 0

    def start(name, attrs):
        nonlocal kinds, n_marks
        local = name.rpartition(" ")[2]
        t = tables[-1] if tables else None
        if t is not None and t["cell"] is not None:
            t["valued"] = True  # any child (text:p, …) of a cell counts as content
            if local != "table":
                return
        if local == "table":
            tables.append({"name": _attr(attrs, "name") or "", "row": 0, "max_row": 0, "max_col": 0,
                           "repeat": 1, "col": 0, "row_max_col": 0, "cell": None, "valued": False,
                           "col_styles": []})
        elif t is None:
            if kinds is not None:
                kinds.start(local, attrs)
            return
        elif local == "table-row":
            t["repeat"], t["col"], t["row_max_col"] = _count(_attr(attrs, "number-rows-repeated")), 0, 0
        elif local in ("table-cell", "covered-table-cell"):
            t["cell"] = n = _count(_attr(attrs, "number-columns-repeated"))
            value_type = _attr(attrs, "value-type")
            t["valued"] = value_type is not None
            if kinds is not None and value_type is not None and len(tables) == 1:
                col, col_styles = t["col"], t["col_styles"]
                style = _attr(attrs, "style-name") or (col_styles[col] if col < len(col_styles) else None)
                kind = kinds.kind(value_type, style)
                if kind is not None and n * t["repeat"] <= 10_000:
                    cells = marked.setdefault(t["name"], {})
                    for r in range(t["row"], t["row"] + t["repeat"]):
                        for c in range(col, col + n):
                            cells[(r, c)] = kind
                    n_marks += n * t["repeat"]
                    if n_marks > max_marks:
                        kinds = None  # not a follow-up sheet: stop marking, keep scanning
        elif local == "table-column" and kinds is not None and len(tables) == 1 and len(t["col_styles"]) < 16_384:
            try:
                n = min(max(int(_attr(attrs, "number-columns-repeated") or 1), 1), 1024)
            except ValueError:
                n = 1
            t["col_styles"].extend([_attr(attrs, "default-cell-style-name")] * n)

    def end(name):
        local = name.rpartition(" ")[2]
        if not tables:
            if kinds is not None:
                kinds.end(local)
            return
        t = tables[-1]
        if local == "table":
            if t["cell"] is None:
                tables.pop()
                out.setdefault(t["name"], (t["max_row"], t["max_col"]))
            return
        if local in ("table-cell", "covered-table-cell") and t["cell"] is not None:
            n, t["cell"] = t["cell"], None
            t["col"] += n
            if t["valued"]:
                t["row_max_col"] = t["col"]
                if t["col"] > limits.cols:
                    raise TooBig
        elif local == "table-row" and t["cell"] is None:
            t["row"] += t["repeat"]
            if t["row_max_col"]:
                t["max_row"] = t["row"]
                t["max_col"] = max(t["max_col"], t["row_max_col"])
                limits.check(t["max_row"], t["max_col"])
            t["repeat"] = 1

    _feed(_parser(start, end), chunks)
    return out, {name: cells for name, cells in marked.items() if cells}


def ods_encrypted(manifest: bytes) -> bool:
    """An encrypted .ods lists encryption-data for its parts in META-INF/manifest.xml."""
    found = []

    def start(name, attrs):
        if _local(name) == "encryption-data":
            found.append(True)
            raise _Stop

    try:
        _feed(_parser(start), [manifest])
    except _Stop:
        pass
    return bool(found)


# --- .xls (BIFF in an OLE2 compound file) --------------------------------------------

def ole_workbook_stream(data: bytes) -> bytes:
    """The Workbook (BIFF8) or Book (BIFF5) stream of an OLE2 file, read with olefile.

    Raises Encrypted for an encrypted Office Open XML file (an OLE container with EncryptionInfo and
    EncryptedPackage), NotWorkbook for another OLE document, Malformed for a broken container.
    """
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(p).lower(): "/".join(p) for p in ole.listdir(streams=True, storages=False)}
            if "encryptedpackage" in streams or "encryptioninfo" in streams:
                raise Encrypted
            for name in ("workbook", "book"):
                if name in streams:
                    return ole.openstream(streams[name]).read()
    except (Encrypted, NotWorkbook):
        raise
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError … for a broken container
        raise Malformed(str(exc)) from exc
    raise NotWorkbook


BOF, EOF, FILEPASS, BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0085
# Records that put a value in a cell; each begins with row and column (16 bits each).
VALUE_RECORDS = {0x0203: "NUMBER", 0x027E: "RK", 0x0204: "LABEL", 0x00FD: "LABELSST", 0x00D6: "RSTRING",
                 0x0205: "BOOLERR", 0x0006: "FORMULA"}
MULRK = 0x00BD


def biff_records(stream: bytes, pos: int):
    """(type, body) from pos up to this substream's EOF record (or the stream's end)."""
    n = len(stream)
    while pos + 4 <= n:
        rtype, rlen = struct.unpack_from("<HH", stream, pos)
        yield rtype, stream[pos + 4:pos + 4 + rlen]
        pos += 4 + rlen
        if rtype == EOF:
            return


def scan_xls(data: bytes, limits: Limits) -> dict[int, tuple[int, int]]:
    """Rows and columns calamine would build per sheet (by substream offset); raises TooBig early and Encrypted
    for a FILEPASS record in the workbook globals."""
    stream = ole_workbook_stream(data)
    if len(stream) < 8 or struct.unpack_from("<H", stream, 0)[0] != BOF:
        raise Malformed("no BOF record")
    offsets = []
    for rtype, rec in biff_records(stream, 0):
        if rtype == FILEPASS:
            raise Encrypted
        if rtype == BOUNDSHEET and len(rec) >= 4:
            offsets.append(struct.unpack_from("<I", rec, 0)[0])
    out = {}
    for off in offsets:
        max_row = max_col = 0
        for rtype, rec in biff_records(stream, off):
            if rtype in VALUE_RECORDS and len(rec) >= 4:
                r, c = struct.unpack_from("<HH", rec, 0)
            elif rtype == MULRK and len(rec) >= 6:
                r, c = struct.unpack_from("<HH", rec, 0)
                c = max(c + (len(rec) - 6) // 6 - 1, struct.unpack_from("<H", rec, len(rec) - 2)[0])
            else:
                continue
            if r >= max_row or c >= max_col:
                max_row, max_col = max(max_row, r + 1), max(max_col, c + 1)
                limits.check(max_row, max_col)
        out[off] = (max_row, max_col)
    return out

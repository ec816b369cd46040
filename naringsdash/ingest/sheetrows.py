"""Reading a sheet below its header row, one way for the smaller workbooks (the handlingsplan's sheets and the
Synpunkter sheet): which columns are read, which rows hold anything, and one row's cells parsed.

``out`` is anything with ``errors`` and ``warnings`` lists of Issue (PlanParsed, ImportResult); every problem
is appended there through the issue catalogue, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .. import schema
from .codes import issue
from .validate import _filled, _find_header
from .values import display, is_empty, to_text

Cols = dict[str, tuple[int, str]]  # key → (column index, header as written)


def header_columns(rows: list[list[object]], header_idx: int, mapping: dict[int, schema.Column], sheet: str,
                   out) -> Cols:
    """The columns that are read; a second column meaning the same and an unknown header are warnings."""
    header_row = rows[header_idx]
    cols: Cols = {}
    for j, c in sorted(mapping.items()):
        text = to_text(header_row[j]) or c.header
        if c.key in cols:
            out.warnings.append(issue("duplicate_column", sheet, header_idx + 1, text, used=cols[c.key][1]))
        else:
            cols[c.key] = (j, text)
    for j, v in enumerate(header_row):
        if j not in mapping and not is_empty(v):
            out.warnings.append(issue("unknown_column", sheet, header_idx + 1, to_text(v)))
    return cols


def find_columns(rows: list[list[object]], sheet: str, columns: tuple[schema.Column, ...], required: tuple[str, ...],
                 out) -> tuple[int, Cols] | None:
    """The header row and its columns, or None after reporting each missing required column."""
    header_idx, mapping, best = _find_header(rows, columns, required)
    if header_idx is None:
        have = {c.key for v in (rows[best] if rows else []) if (c := schema.match_column(v, columns))}
        for c in columns:
            if c.required and c.key not in have:
                out.errors.append(issue("missing_column", sheet, best + 1 if rows else None, c.header,
                                        header=c.header))
        return None
    return header_idx, header_columns(rows, header_idx, mapping, sheet, out)


def body_rows(rows: list[list[object]], header_idx: int, cols: Cols) -> Iterator[tuple[int, list[object]]]:
    """(Excel row, row) for every row below the header with a value in a column that is read."""
    read = sorted(j for j, _ in cols.values())
    for offset, row in enumerate(rows[header_idx + 1:]):
        if any(_filled(row[j]) for j in read if j < len(row)):
            yield header_idx + 2 + offset, row


# parse(column, raw value, the cell's number format, Excel row, header as written) → value; ValueError(expected)
Parse = Callable[[schema.Column, object, "str | None", int, str], object]


def read_cells(row: list[object], excel_row: int, sheet: str, columns: tuple[schema.Column, ...], cols: Cols,
               parse: Parse, out, formats: dict[tuple[int, int], str] | None = None) -> tuple[dict, bool]:
    """One row's values by key (only the filled cells of the columns read) and whether every cell was good.

    An empty required cell is ``required``; a value ``parse`` refuses (ValueError saying what was expected) is
    ``bad_<kind>`` (a list of förvaltningar is ``bad_forvaltning``)."""
    values: dict[str, object] = {}
    ok = True
    for c in columns:
        if c.key not in cols:
            continue
        j, header = cols[c.key]
        raw = row[j] if j < len(row) else None
        if not _filled(raw):
            if c.required:
                ok = False
                out.errors.append(issue("required", sheet, excel_row, header, header=c.header))
            continue
        fmt = formats.get((excel_row - 1, j)) if formats else None
        try:
            values[c.key] = parse(c, raw, fmt, excel_row, header)
        except ValueError as exc:
            ok = False
            code = "bad_forvaltning" if c.kind == "forvaltningar" else f"bad_{c.kind}"
            out.errors.append(issue(code, sheet, excel_row, header, display(raw, fmt), expected=exc))
    return values, ok

"""Exports: the canonical CSVs (verbatim data interface) and workbooks meant for people.

Everything written for a spreadsheet program goes through ``safe_cell`` so text
that begins with =, +, -, @ cannot run as a formula; the canonical CSVs of the
contract carry values verbatim.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the callers hand in DataFrames; importing this module does not load pandas
    import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise a text cell for spreadsheet exports so it cannot run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def canonical_value(value: object) -> str:
    """A value as the contract's CSV writes it: ISO dates, true/false, numbers with a decimal point."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value:
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def canonical_csv(columns: list[str], rows: list[tuple]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([canonical_value(v) for v in row])
    return buf.getvalue()


def _plain(value: object, pd) -> object:
    """A DataFrame cell as a plain Python value for a workbook or a CSV meant for people (``pd``: pandas)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    return value


def people_csv(df: pd.DataFrame) -> bytes:
    """CSV for people: Swedish Excel opens semicolon-separated UTF-8 with BOM; formulas neutralised."""
    import pandas as pd  # loaded already by whoever built the DataFrame

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow([safe_cell(str(c)) for c in df.columns])
    for row in df.itertuples(index=False):
        out = []
        for v in row:
            v = _plain(v, pd)
            if isinstance(v, float):
                v = (str(int(v)) if v.is_integer() else repr(v)).replace(".", ",")
            elif isinstance(v, bool):
                v = "Ja" if v else "Nej"
            out.append(safe_cell("" if v is None else v if isinstance(v, str) else str(v)))
        w.writerow(out)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: dict[str, pd.DataFrame], title: str | None = None) -> bytes:
    """A formatted workbook, one sheet per DataFrame: bold frozen header, widths, date format, safe text."""
    import pandas as pd  # loaded already by whoever built the DataFrames
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        ws = wb.create_sheet(_sheet_title(name))
        ws.append([safe_cell(str(c)) for c in df.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
        for row in df.itertuples(index=False):
            values = []
            for v in row:
                v = _plain(v, pd)
                if isinstance(v, bool):
                    v = "Ja" if v else "Nej"
                values.append(safe_cell(v))
            ws.append(values)
        for j, col in enumerate(df.columns, start=1):
            letter = get_column_letter(j)
            width = max([len(str(col))] + [len(str(c.value or "")) for c in ws[letter][1:200]])
            ws.column_dimensions[letter].width = min(max(10, width + 2), 60)
            for c in ws[letter][1:]:
                if isinstance(c.value, dt.date):
                    c.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        if ws.max_row > 1:
            ws.auto_filter.ref = ws.dimensions
    if title:
        wb.properties.title = title
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_title(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31] or "Blad"

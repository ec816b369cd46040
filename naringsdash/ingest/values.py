"""Cell values read the way a Swedish Excel user means them.

Each parser returns the parsed value, or raises ValueError with the Swedish
description of what was expected.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from ..matching import norm

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
EXPECT_DATE = "ett datum, t.ex. 2025-06-30"
EXPECT_PERCENT = "en andel mellan 0 och 100 (t.ex. 40 eller 40 %)"
EXPECT_NUMBER = "ett tal, t.ex. 12,5 eller 1 250"
EXCEL_EPOCH = dt.date(1899, 12, 30)

_WS = re.compile(r"[\s\u00a0\u202f\u2009]+")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?z?")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})(?:[/.\-]| )(\d{4})(?: \d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?")
_YM = re.compile(r"(\d{4})[-/.](\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_YEAR = re.compile(r"([a-z]+)\.?\s*(\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.?\s*([a-z]+)\.?\s*(\d{4})")
EXCEL_SERIALS = (18264, 73415)  # 1950-01-01 … 2100-12-31: a plausible date typed without date format


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(" \t\r\n\u00a0\u202f"))


def to_text(value: object) -> str | None:
    """Text stripped of surrounding whitespace; integral numbers without '.0' (numeric IDs)."""
    if type(value) is str:
        return value.strip(" \t\r\n\u00a0\u202f") or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip(" \t\r\n\u00a0\u202f") or None


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def to_date(value: object, month_only: bool = False) -> dt.date:
    """A date; ``month_only`` for a date cell formatted to show only year and month (→ the month's last day)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _last_day(value.year, value.month) if month_only else value
    if isinstance(value, bool):
        raise ValueError(EXPECT_DATE)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            return to_date(str(int(value)))
        if EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1]:  # an Excel serial number in a cell without date format
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(EXPECT_DATE)
    s = norm(value)
    try:
        if m := _ISO.fullmatch(s):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.fullmatch(s):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := _COMPACT.fullmatch(s):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _YM.fullmatch(s):
            return _last_day(int(m[1]), int(m[2]))
        if (m := _MONTH_YEAR.fullmatch(s)) and m[1] in MONTHS:
            return _last_day(int(m[2]), MONTHS[m[1]])
        if (m := _DAY_MONTH_YEAR.fullmatch(s)) and m[2] in MONTHS:
            return dt.date(int(m[3]), MONTHS[m[2]], int(m[1]))
    except ValueError:
        pass
    raise ValueError(EXPECT_DATE)


def to_number(value: object) -> float:
    """Number from a cell: decimal comma, spaces or non-breaking spaces as thousands separators."""
    if isinstance(value, bool):
        raise ValueError(EXPECT_NUMBER)
    if isinstance(value, (int, float)):
        return float(value)
    s = _WS.sub("", str(value)).replace("\u2212", "-")
    if re.fullmatch(r"[-+]?\d+(,\d+)?", s):
        return float(s.replace(",", "."))
    if re.fullmatch(r"[-+]?\d+(\.\d+)?", s):
        return float(s)
    raise ValueError(EXPECT_NUMBER)


def to_percent(value: object, fraction_column: bool = False, percent_cell: bool = False) -> int:
    """Share done, 0–100: ``40``, ``40 %``, ``40,0``, and ``0,4`` in a percent-formatted cell (``percent_cell``).

    A number between 0 and 1 in a cell without percent format is read as a fraction too, and so is 1
    in a column of fractions (``fraction_column``): nobody reports 0,4 % done.
    """
    s = value.strip(" \t\r\n\u00a0\u202f") if isinstance(value, str) else None
    try:
        if s is None and percent_cell and not isinstance(value, bool):
            x = to_number(value) * 100
        elif s is not None and s.endswith("%"):
            x = to_number(s[:-1])
        else:
            x = to_number(value if s is None else s)
            if 0 < x < 1 or (fraction_column and x == 1):
                x *= 100
    except ValueError:
        raise ValueError(EXPECT_PERCENT) from None
    if not 0 <= x <= 100:
        raise ValueError(EXPECT_PERCENT)
    return int(x + 0.5 + 1e-9)


def is_fraction_column(values: list[object]) -> bool:
    """True when a column's numbers look like a percent-formatted column (all in 0–1, some fractional)."""
    nums = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return bool(nums) and all(0 <= v <= 1 for v in nums) and any(0 < v < 1 for v in nums)


def to_year(value: object) -> int | None:
    """A four-digit year from a header or a cell, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and float(value).is_integer() and 1900 <= value <= 2100:
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*(19|20)\d{2}\s*", value):
        return int(value)
    return None


def display(value: object, fmt: str | None = None) -> str | None:
    """How the offending value is shown back to the user in an error (a percent cell as ``150 %``)."""
    if value is None:
        return None
    if fmt == "percent" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{display(round(value * 100, 6))} %"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value).replace(".", ",")
    return to_text(value) if not isinstance(value, str) else value

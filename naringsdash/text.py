"""Text helpers shared by the reader, the validation and the exports."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def norm(value: object) -> str:
    """Normalise for matching: case, diacritics, inner and outer whitespace, trailing ':' or '*'."""
    if value is None:
        return ""
    return _norm(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=8192)
def _norm(value: str) -> str:
    s = value.replace("\u00a0", " ").replace("\u202f", " ")
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = _SPACES.sub(" ", s).strip()
    s = s.rstrip(":* ").strip()
    return s


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise a text cell for spreadsheet exports so it cannot run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def format_number(value: float | int | None, decimals: int | None = None) -> str:
    """Swedish display: decimal comma, thin grouping with non-breaking space."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN
            return ""
    except TypeError:
        return str(value)
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    s = f"{float(value):,.{decimals}f}"
    return s.replace(",", "\u00a0").replace(".", ",")

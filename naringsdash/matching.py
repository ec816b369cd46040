"""Normalising text for matching headers, codes and vocabularies the way a Swedish Excel user writes them."""

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

"""The indicator workbook for Admin › Indikatorer: the current indicators as the upload format (sheet Indikatorer,
one column per year, the own series only) and an empty template with the same header. A downloaded workbook can
be edited and uploaded again as it is."""

from __future__ import annotations

import pandas as pd

from . import export, schema
from .config import current_reference
from .wording import RIKTNING

HEADERS = [c.header for c in schema.INDICATOR_COLUMNS]


def wide(values: pd.DataFrame) -> pd.DataFrame:
    """``queries.indicators`` (long: one row per indicator, series and year) → the upload format's wide sheet."""
    own_series = current_reference().options.own_series  # the setting kommun
    own = values[values["serie"] == own_series] if "serie" in values else values
    keys = [c.key for c in schema.INDICATOR_COLUMNS]
    if own.empty:
        return pd.DataFrame(columns=HEADERS)
    meta = own.drop_duplicates("indikator").set_index("indikator")[keys[1:]]
    years = own.pivot_table(index="indikator", columns="ar", values="varde", aggfunc="last")
    years.columns = [int(y) for y in years.columns]
    out = meta.join(years).reset_index()
    out["riktning"] = out["riktning"].map(lambda r: RIKTNING.get(r, r))
    out["malar"] = [int(v) if pd.notna(v) else None for v in out["malar"]]
    out = out.sort_values(["malomrade", "indikator"], kind="stable")
    return out.rename(columns=dict(zip(keys, HEADERS)))[HEADERS + list(years.columns)]


def current_bytes(values: pd.DataFrame) -> bytes:
    """The current indicator workbook (xlsx), ready to edit and upload again."""
    return export.xlsx_bytes({schema.INDICATOR_SHEET: wide(values)}, title="Indikatorer")


def template_bytes(years: range) -> bytes:
    """An empty indicator workbook: the header and a column per year, no rows."""
    return export.xlsx_bytes({schema.INDICATOR_SHEET: pd.DataFrame(columns=HEADERS + list(years))},
                             title="Indikatorer (mall)")

"""Indicators from Kolada, RKA's open database of municipal key figures: ``client`` (HTTP), ``catalogue``
(which KPIs, which kommuner), ``sync`` (fetch all or nothing, store as one upload)."""

from .catalogue import OWN_SERIES, RIKTNINGAR, Catalogue, KpiSpec, base_url, catalogue
from .client import CANCELLED, DEFAULT_URL, ENV_URL, MAX_IDS, Client, KoladaError, Progress
from .sync import (
                   UNCHANGED,
                   SyncResult,
                   build_rows,
                   check_metadata,
                   default_years,
                   fetched,
                   last_checked,
                   parse_years,
                   sync,
)

__all__ = ["CANCELLED", "DEFAULT_URL", "ENV_URL", "MAX_IDS", "OWN_SERIES", "RIKTNINGAR", "UNCHANGED", "Catalogue", "Client",
           "KoladaError", "KpiSpec", "Progress", "SyncResult", "base_url", "build_rows", "catalogue",
           "check_metadata", "default_years", "fetched", "last_checked", "parse_years", "sync"]

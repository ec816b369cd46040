"""The server warms itself after start: a background thread, started once per process and database file by the
first page run, starts a workbook-reading process (so the first upload does not wait for one), loads the modules the
pages use (Plotly's figure classes and JSON encoder, the figures) and runs Översikt's queries once for the latest
period, so they are in the data cache when the first visitor comes.

Only in a real server (``streamlit run``): under AppTest there is no runtime and nothing is started.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

import streamlit as st
from streamlit import runtime

from .. import config
from ..ingest import parse_worker
from ..store import db as store_db
from . import common

_log = logging.getLogger("naringsdash")


def start() -> None:
    """Start the warm-up once per process and database (a no-op on every later run)."""
    if runtime.exists():
        _started(str(config.db_path()))


@st.cache_resource(show_spinner=False)
def _started(db: str) -> threading.Thread:
    thread = threading.Thread(target=_warm, args=(db,), name="naringsdash-warmup", daemon=True)
    thread.start()
    return thread


def _warm(db: str) -> None:
    try:
        parse_worker.warm()
    except Exception:  # noqa: BLE001 (the first upload starts one instead)
        _log.warning("Läsprocessen för arbetsböcker kunde inte startas i förväg", exc_info=True)
    try:
        from .. import figures

        with store_db.one_connection():
            d = common.Data(db, store_db.file_version(db), dt.date.today())
            periods = d.periods()
            if not periods:
                return
            sel = common.Selection(periods[0])
            summary = d.summary(sel)
            d.reporting(sel.period)
            if sel.previous:
                d.reporting(sel.previous)
            progress = d.progress(sel)
        names = common.reference().malomraden
        for fig in (figures.progress_bars(progress, names), figures.share_trend(summary)):
            fig.to_json()  # Plotly's validators and JSON encoder, loaded on first use
    except Exception:  # noqa: BLE001 (a warm-up must never stop the server; the first visitor runs cold)
        _log.warning("Uppvärmningen av servern misslyckades", exc_info=True)

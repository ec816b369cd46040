"""The server warms itself after start: a background thread, started once per process and database file by the
first page run, starts a workbook-reading process (so the first upload does not wait for one), loads the modules the
pages use (Plotly's figure classes and JSON encoder, the figures) and runs Översikt's queries once for the latest
period, so they are in the data cache when the first visitor comes.

Then it freezes the heap (``gc.freeze``): everything loaded so far (modules, classes, the warm cache) moves to
the collector's permanent generation, so Python's own collections no longer walk every object of pandas, Plotly,
DuckDB and Streamlit itself. (Streamlit's full collection after every script run, ``runner.postScriptGC``, walked
them on each page view, about half the server's CPU per view; the app's settings in .streamlit/config.toml turn it
off, as it also walked every other session's objects when many ask at once.) Frozen objects are still freed by
reference counting; only a reference cycle among them would stay (none is expected among modules loaded once).

Only where Streamlit has a runtime: a real server (``streamlit run``), and AppTest, which sets one up too.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading

from streamlit import runtime

from .. import periods as cycle
from ..ingest import parse_worker
from ..store import db as store_db
from . import common, room

_log = logging.getLogger("naringsdash")


_threads: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def start() -> None:
    """Start the warm-up once per process and database (a dictionary look-up on every later run)."""
    db = common.store()
    key = str(db)
    if key in _threads or not runtime.exists():
        return
    with _lock:
        if key not in _threads:
            _threads[key] = threading.Thread(target=_warm, args=(db,), name="naringsdash-warmup", daemon=True)
            _threads[key].start()


def freeze() -> None:
    """Move every object alive now to the collector's permanent generation (after a collection, so no garbage
    is kept): the post-run collections no longer walk the modules and what the warm-up loaded."""
    gc.collect()
    gc.freeze()


def _warm(db: store_db.Store) -> None:
    try:
        parse_worker.warm()
    except Exception:  # noqa: BLE001 (the first upload starts one instead)
        _log.warning("Läsprocessen för arbetsböcker kunde inte startas i förväg", exc_info=True)
    try:
        from .. import figures

        with store_db.one_connection():  # the cache entries Översikt's default view reads, on one connection
            d = common.Data(db, store_db.file_version(db), dt.date.today())
            if not d.periods():
                return
            sel = common.Selection(cycle.newest_complete(d.states()))
            d.state(sel.period)
            trend = d.trend(sel)
            d.comparison(sel)
            room.overview(d, sel)
            progress = d.progress(sel)
        names = common.reference().malomraden
        for fig in (figures.progress_bars(progress, names), figures.share_trend(trend)):
            fig.to_json()  # Plotly's validators and JSON encoder, loaded on first use
    except Exception:  # noqa: BLE001 (a warm-up must never stop the server; the first visitor runs cold)
        _log.warning("Uppvärmningen av servern misslyckades", exc_info=True)
    finally:
        freeze()

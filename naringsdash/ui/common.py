"""Streamlit glue shared by app.py and the pages; the only module of the package that imports streamlit.

Who the user is and the page guard, the page list behind the navigation, cached
queries keyed on the data version, the shared filters (kept in the URL and in the
session), tables with Swedish labels and formats, downloads, charts with their data.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import datetime as dt
import functools
import logging
import os
import re
import secrets
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from .. import auth, config, demo, export, wording
from .. import periods as cycle
from ..errors import ConfigError, UserError
from ..store import db as store_db
from ..store import queries
from ..wording import LABELS, RIKTNING, format_number  # noqa: F401  (ui.LABELS and ui.RIKTNING for the pages)


def reference() -> config.Reference:
    """The reference data (``config.current_reference``: parsed again only when the file changes). Refused
    settings stop the page with the reason."""
    try:
        return config.current_reference()
    except ConfigError as exc:
        st.error("Näringsdash kan inte starta: " + md(str(exc)), icon=":material/error:")
        st.stop()
        raise  # st.stop() raises; this line is for type checkers


def store() -> store_db.Store:
    """The database this app uses: NARINGSDASH_DB, else the default file (the deployment's setting, read here at
    the edge; the domain modules take the Store they are given). One Store per path."""
    return _store(str(config.db_path()))


@functools.lru_cache(maxsize=4)
def _store(path: str) -> store_db.Store:
    return store_db.Store.of(path)


@contextlib.contextmanager
def user_errors():
    """``with ui.user_errors():`` around an action: its failure is shown by ``show_error`` and the page goes on."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 (shown to the user, logged when unexpected)
        if type(exc).__name__ in ("StopException", "RerunException"):  # Streamlit's control flow
            raise
        show_error(exc)


def guarded(produce, action: str = "view", forvaltning: str | None = None):
    """The ``data`` callable for a download button: when clicked (which may be long after the page ran, and
    runs without a page run) it first checks that the session may still ``action`` (the account as stored now,
    or the setting ``anonyma_lasare`` for a visitor), and only then produces the bytes."""
    user = st.session_state.get("user")
    user = user if isinstance(user, auth.User) else None
    db = store()

    def data():
        if not auth.allowed_now(user, action, forvaltning, db=db):
            raise auth.PermissionDenied(action)
        return produce()

    return data


_log = logging.getLogger("naringsdash")
_seeded: set[Path] = set()
_seed_lock = threading.Lock()


def seed_demo_if_empty() -> None:
    """First start: load the demo data (with a progress bar) when the database is empty and the setting ``demo``
    is on; checked once per database file and process. Seeding that was cut off half way (a closed tab, a reload,
    a killed process: ``demo.seed_state`` is still "started") is completed on the next start, which says so;
    with the demo setting off, a half-seeded database is reported on every page."""
    db = store()
    if db.path in _seeded:
        return
    if not reference().options.demo:
        if _seed_state(db, store_db.file_version(db)) == "started":
            st.warning("Demodatan lästes bara in delvis (inläsningen avbröts). Slå på inställningen demo och starta "
                       "om, eller kör `python -m naringsdash demo`, så läses resten in.", icon=":material/warning:")
        return
    with _seed_lock:
        if db.path in _seeded:
            return
        state = demo.seed_state(db)
        if state == "started" or (state is None and not queries.periods(db) and queries.indicators(db).empty):
            text = "Läser in resten av demodatan (förra inläsningen avbröts) …" if state == "started" else \
                "Läser in demodata …"
            bar = st.progress(0.0, text=text)
            demo.load(db, progress=lambda fraction, line: bar.progress(fraction, text=line))
            bar.empty()
            if state == "started":
                st.info("Demodatan är nu helt inläst; förra inläsningen hade avbrutits.", icon=":material/check:")
        _seeded.add(db.path)


@functools.lru_cache(maxsize=8)
def _seed_state(db: str, version: str) -> str | None:
    """``demo.seed_state``, read once per data version: with the demo setting off the check runs on every page
    run, and the database is opened only when the file has changed."""
    return demo.seed_state(db)


# --- Data: cached queries keyed on the data version ---------------------------------


@st.cache_data(show_spinner=False, max_entries=1024)
def _query(name: str, db: store_db.Store, version: int, today: dt.date | None, args: tuple) -> object:
    """Run ``queries.<name>``; the key holds the data version, so any upload (browser or CLI) shows at once."""
    kwargs = dict(args)
    if today is not None:
        kwargs["today"] = today
    if name == "reporting":  # the förvaltningar are part of the key; the query only needs their codes
        kwargs["ref"] = config.Reference(forvaltningar={c: c for c in kwargs.pop("koder")})
    return getattr(queries, name)(db=db, **kwargs)


@st.cache_data(show_spinner=False, max_entries=512)
def _cycle(name: str, db: store_db.Store, version: int, today: dt.date | None, codes: tuple[str, ...], args: tuple) -> object:
    """Run ``periods.<name>`` (completeness, like-for-like comparison, trend), cached like ``_query``; the reference
    förvaltningar are part of the key."""
    kwargs = dict(args)
    if today is not None:
        kwargs["today"] = today
    if name in _USES_STATES:  # the periods' states from their own cache entry: read once per data version
        kwargs["all_states"] = _cycle("states", db, version, None, codes, ())
    return getattr(cycle, name)(db=db, ref=config.Reference(forvaltningar={c: c for c in codes}), **kwargs)


_USES_STATES = ("compare", "compare_progress", "trend")


@dataclass(frozen=True)
class Data:
    """The database as one page run sees it: the version from the file's modification time and size (the
    database is not opened for it), the answers from the cache; on a miss the query runs on the page run's one
    connection (``page_run``)."""

    db: store_db.Store
    version: str
    today: dt.date

    def _q(self, name: str, dated: bool = True, **kwargs):
        args = tuple((k, tuple(v) if isinstance(v, (list, tuple)) else v) for k, v in sorted(kwargs.items()))
        return _query(name, self.db, self.version, self.today if dated else None, args)

    def periods(self) -> list[str]:
        return self._q("periods", dated=False)

    def summary(self, sel: Selection) -> pd.DataFrame:
        return self._q("summary", forvaltningar=sel.forvaltningar, malomraden=sel.malomraden)

    def progress(self, sel: Selection, period: str | None = None) -> pd.DataFrame:
        return self._q("progress", period=period or sel.period, forvaltningar=sel.forvaltningar,
                       malomraden=sel.malomraden)

    def activities(self, sel: Selection) -> pd.DataFrame:
        return self._q("activities", period=sel.period, forvaltningar=sel.forvaltningar, malomraden=sel.malomraden)

    def overdue(self, sel: Selection) -> pd.DataFrame:
        return self._q("overdue", period=sel.period, forvaltningar=sel.forvaltningar, malomraden=sel.malomraden)

    def status_changes(self, sel: Selection) -> pd.DataFrame:
        return self._q("status_changes", period=sel.period, forvaltningar=sel.forvaltningar,
                       malomraden=sel.malomraden)

    def changes(self, sel: Selection, since: str) -> pd.DataFrame:
        """The selection's activities that became Klar, overdue or changed status since the period ``since``."""
        return self._q("changes", period=sel.period, since=since, forvaltningar=sel.forvaltningar,
                       malomraden=sel.malomraden)

    def reporting(self, period: str) -> pd.DataFrame:
        return self._q("reporting", period=period, koder=tuple(reference().forvaltningar))

    def indicators(self, sel: Selection) -> pd.DataFrame:
        return self._q("indicators", dated=False, malomraden=sel.malomraden, own=reference().options.own_series)

    def indicator_changes(self, sel: Selection) -> pd.DataFrame:
        return self._q("indicator_changes", dated=False, malomraden=sel.malomraden,
                       own=reference().options.own_series)

    def kolada_fetched(self) -> pd.DataFrame:
        return self._q("kolada_fetched", dated=False, own=reference().options.own_series)

    # The tertial cycle (periods.py): completeness, like-for-like comparison, trend up to the period.

    def _c(self, name: str, dated: bool = True, **kwargs):
        args = tuple((k, tuple(v) if isinstance(v, (list, tuple)) else v) for k, v in sorted(kwargs.items()))
        return _cycle(name, self.db, self.version, self.today if dated else None, tuple(reference().forvaltningar),
                      args)

    def states(self) -> dict[str, cycle.PeriodState]:
        return self._c("states", dated=False)

    def state(self, period: str) -> cycle.PeriodState:
        return self.states().get(period) or self._c("state", dated=False, period=period)

    def comparison(self, sel: Selection) -> cycle.Comparison:
        """The selection's key figures against the previous period, like for like."""
        return self._c("compare", period=sel.period, forvaltningar=sel.forvaltningar, malomraden=sel.malomraden)

    def progress_compared(self, sel: Selection):
        """Per målområde: (now, previous restricted, now restricted, common förvaltningar)."""
        return self._c("compare_progress", period=sel.period, forvaltningar=sel.forvaltningar,
                       malomraden=sel.malomraden)

    def trend(self, sel: Selection) -> pd.DataFrame:
        """Key figures per period up to the selected one, with ``komplett``."""
        return self._c("trend", upto=sel.period, forvaltningar=sel.forvaltningar, malomraden=sel.malomraden)


# Results derived from cached queries, kept as the objects themselves (not pickled and unpickled like
# st.cache_data, not hashed like st.cache_resource): a warm page run on a large database then costs a dict look-up
# instead of copying thousands of rows. Keyed on the data version, so an upload makes new entries; the oldest
# are dropped. The objects are shared by every session: never modify one.
_derived: collections.OrderedDict[tuple, object] = collections.OrderedDict()
_derived_lock = threading.Lock()
_DERIVED_MAX = 128


def derived(name: str, d: Data, key: tuple, build):
    """``build()`` once per data version, day and ``key`` (hashable: the selection and anything else the result
    depends on), then the same object on every later run in any session. The result must be treated as read-only."""
    full = (name, d.db.path, d.version, d.today, key)
    with _derived_lock:
        if full in _derived:
            _derived.move_to_end(full)
            return _derived[full]
    value = build()
    with _derived_lock:
        _derived[full] = value
        while len(_derived) > _DERIVED_MAX:
            _derived.popitem(last=False)
    return value


def sel_key(sel: Selection) -> tuple:
    """The selection as a hashable key for ``derived``."""
    return (sel.period, tuple(sel.forvaltningar), tuple(sel.malomraden))


def data() -> Data:
    """Call once per page run. A warm run does not open the database at all (``store.file_version``)."""
    db = store()
    if not _in_page_run.get() and os.path.basename(sys._getframe(1).f_globals.get("__file__", "")) in _READ_FILES:
        store_db.run_connection()  # a dashboard page file Streamlit runs on its own (no app.py): one connection too
    return Data(db, store_db.file_version(db), dt.date.today())


@contextlib.contextmanager
def page_run(page=None):
    """``with ui.page_run(page): page.run()`` in app.py: the page run's cache misses share one connection, opened
    on the first miss and closed when the run ends. Pages that write, or build a report for seconds, are left
    as they are (each unit of work opens the file itself), so the file is never held longer than one read."""
    token = _in_page_run.set(True)
    try:
        if page is not None and getattr(page, "title", None) not in _READ_PAGES:
            yield
        else:
            with store_db.one_connection():
                yield
    finally:
        _in_page_run.reset(token)


_in_page_run: contextvars.ContextVar[bool] = contextvars.ContextVar("naringsdash_page_run", default=False)


# The dashboard pages by title (the start page's url_path is empty); not Rapport, uploads, history, admin, login.
_READ_PAGES = {"Översikt", "Målområde", "Försenade aktiviteter", "Indikatorer", "Inrapportering", "Mötesläge"}
_READ_FILES = {"oversikt.py", "malomrade.py", "forsenade.py", "indikatorer.py", "inrapportering.py", "moteslage.py"}


# --- The shared filters, kept in the URL and in the session -------------------------

_SEL = "_urval"
_FILTER_KEYS = ("period", "forvaltning", "malomrade")
_W = "urval_"


@dataclass(frozen=True)
class Selection:
    period: str | None
    forvaltningar: tuple[str, ...] = ()
    malomraden: tuple[int, ...] = ()

    @property
    def previous(self) -> str | None:
        return config.previous_period(self.period) if self.period else None


def _split(key: str) -> list[str]:
    return [x.strip() for v in st.query_params.get_all(key) for x in v.split(",") if x.strip()]


def _from_url(periods: list[str], ref: config.Reference) -> dict | None:
    """The selection a link asks for (unknown values dropped), or None when the URL holds none."""
    if not any(k in st.query_params for k in _FILTER_KEYS):
        return None
    period = st.query_params.get("period")
    return {"period": period if period in periods else None,
            "forvaltning": [c for c in dict.fromkeys(x.upper() for x in _split("forvaltning"))
                            if c in ref.forvaltningar],
            "malomrade": [int(x) for x in dict.fromkeys(_split("malomrade"))
                          if x.isdigit() and int(x) in ref.malomraden]}


def _to_url(sel: dict) -> None:
    want = {k: v for k, v in (("period", sel.get("period") or ""),
                              ("forvaltning", ",".join(sel["forvaltning"])),
                              ("malomrade", ",".join(map(str, sel["malomrade"])))) if v}
    # A page's own parameters (Mötesläge's slide, kiosk) stay as they are.
    want.update({k: st.query_params[k] for k in st.query_params if k not in _FILTER_KEYS})
    if st.query_params.to_dict() != want:
        st.query_params.from_dict(want)


def _changed(key: str) -> None:
    sel = dict(st.session_state[_SEL])
    value = st.session_state[_W + key]
    if key == "malomrade_en":
        sel["malomrade"] = [value] if value is not None else []
    else:
        sel[key] = value
    st.session_state[_SEL] = sel
    _to_url(sel)


def filters(d: Data, *, period: bool = True, forvaltning: bool = True, malomrade: str | None = "multi",
            sidebar: bool = True) -> Selection:
    """Sidebar filters (period, förvaltning, målområde: "multi", "single" or None), synced with the URL.

    A link's query parameters win; otherwise the selection the user made on another page. The URL is
    rewritten every run, so it always names exactly the view on screen. ``sidebar=False`` (kiosk): no widgets,
    the link alone decides.
    """
    ref = reference()
    periods = d.periods()
    sel = _from_url(periods, ref) or st.session_state.get(_SEL) or {"period": None, "forvaltning": [],
                                                                       "malomrade": []}
    # Unless the user chose a period, the newest complete one (the newest with data while none is complete).
    sel = {**sel, "period": sel.get("period") if sel.get("period") in periods else cycle.newest_complete(d.states())}
    # One målområde at a time: the first of the selection, else the first one (the selection stays as it was).
    single = sel["malomrade"][0] if sel["malomrade"] else min(ref.malomraden)
    st.session_state[_SEL] = sel
    st.session_state[_W + "period"] = sel["period"]
    st.session_state[_W + "forvaltning"] = list(sel["forvaltning"])
    st.session_state[_W + "malomrade"] = list(sel["malomrade"])
    st.session_state[_W + "malomrade_en"] = single
    if sidebar:
        with st.sidebar:
            st.header("Urval")
            if period and periods:
                st.selectbox("Period", periods, format_func=config.period_label, key=_W + "period",
                             on_change=_changed, args=("period",))
            if forvaltning:
                st.multiselect("Förvaltning", list(ref.forvaltningar),
                               format_func=lambda c: f"{c} – {ref.forvaltningar[c]}", key=_W + "forvaltning", on_change=_changed, args=("forvaltning",),
                               placeholder="Alla förvaltningar")
            names = {nr: f"{nr}. {name}" for nr, name in ref.malomraden.items()}
            if malomrade == "multi":
                st.multiselect("Målområde", list(ref.malomraden), format_func=names.get, key=_W + "malomrade",
                               on_change=_changed, args=("malomrade",), placeholder="Alla målområden")
            elif malomrade == "single":
                st.selectbox("Målområde", list(ref.malomraden), format_func=names.get, key=_W + "malomrade_en",
                             on_change=_changed, args=("malomrade_en",))
            st.caption("Urvalet finns i adressen: kopiera länken för att visa exakt den här vyn.")
    _to_url(sel)
    return Selection(sel["period"], tuple(sel["forvaltning"]),
                     (single,) if malomrade == "single" else tuple(sel["malomrade"]))


# --- Text, numbers, empty states ----------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Escape text from users or the configuration for Streamlit's Markdown."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def number(value, decimals: int | None = None, unit: str = "") -> str:
    """``wording.number``: "1 250", "62,5 %", "–"."""
    return wording.number(value, decimals, unit)


def delta(value, decimals: int | None = None, unit: str = "") -> str | int | None:
    """A card's change in ``wording.change``'s words; 0 (grey, no arrow) when unchanged, None when no comparison.

    Streamlit picks the arrow from a leading ASCII "-", so the typographic minus is handed over as one."""
    text = wording.change(value, decimals, unit)
    if not text:
        return None
    if text.startswith("±"):
        return 0
    return "-" + text[1:] if text.startswith(wording.MINUS) else text


def key_figures(now, before=None, *, now_common=None, extra: list[tuple[str, str, str | int | None, str | None]] = (),
                leave_out: tuple[str, ...] = ()) -> None:
    """The key figures of a period or målområde as cards (``wording.key_figures``), plus ``extra`` cards given as
    (label, value, change, help). The same cards on Översikt, the målområde view and the slides."""
    figures = [f for f in wording.key_figures(now, before, now_common) if f[0] not in leave_out]
    cols = st.columns(len(figures) + len(extra))
    for col, (label, value, change, lower) in zip(cols, figures):
        card = delta_text(change)
        metric(col, label, value, card, lower_is_better=lower, help=wording.KEY_FIGURE_HELP.get(label))
    for col, (label, value, change, help_) in zip(cols[len(figures):], extra):
        metric(col, label, value, change, help=help_)


def delta_text(change: str) -> str | int | None:
    """``wording.change`` text as a card's delta (see ``delta``)."""
    if not change:
        return None
    if change.startswith("±"):
        return 0
    return "-" + change[1:] if change.startswith(wording.MINUS) else change


def no_data() -> None:
    """Empty database: say what to do next, then stop the page."""
    st.info("Det finns inga uppföljningar i databasen ännu. Förvaltningarna laddar upp sina uppföljningsfiler "
            "(`python -m naringsdash import FIL`), eller läs in demodata med `python -m naringsdash demo`.",
            icon=":material/upload_file:")
    st.stop()


def nothing_matches() -> None:
    st.info("Inga aktiviteter matchar urvalet. Välj fler förvaltningar eller målområden i sidofältet "
            "(tomt urval betyder alla), eller en annan period.", icon=":material/filter_alt_off:")


_log = logging.getLogger("naringsdash")


def show_error(exc: BaseException) -> None:
    """An error as a Swedish message for the visitor; the details (type, traceback) only in the server's log."""
    if not _log.handlers and not logging.getLogger().handlers:  # `streamlit run` configures its own loggers only
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        _log.addHandler(handler)
    if isinstance(exc, UserError):  # written for the user: Swedish, no paths (a busy database, a refusal …)
        _log.warning("%s: %s", type(exc).__name__, exc)
        st.error(md(str(exc)), icon=":material/hourglass_top:" if isinstance(exc, store_db.DatabaseBusy) else
                 ":material/block:" if isinstance(exc, auth.PermissionDenied) else ":material/error:")
        return
    if os.environ.get("NARINGSDASH_RAISE_ERRORS"):  # development and the test suite: the traceback, loudly
        raise exc
    ref = secrets.token_hex(4)
    _log.error("Fel som visades för besökaren (referens %s)", ref, exc_info=exc)
    if isinstance(exc, PermissionError) or "permission denied" in str(exc).lower():
        st.error("Näringsdash saknar behörighet till en fil på servern (databasen eller referensdatan). Kontakta "
                 f"administratören och ange referens {ref}.", icon=":material/block:")
    else:
        st.error("Något gick fel och sidan kunde inte visas färdigt. Försök igen om en stund; om felet kvarstår, "
                 f"kontakta administratören och ange referens {ref}.", icon=":material/error:")


# --- Tables, downloads and charts ---------------------------------------------------

def _each_value(col: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct value (a long table repeats its values), missing values as ""."""
    present = col.notna()
    values = pd.unique(col[present])
    return col.astype(object).map(dict(zip(values, map(fn, values)))).where(present, "")


def frame(df: pd.DataFrame, columns: list[str], labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The columns to show, with Swedish headers; yes/no and directions written out, målområde with its name."""
    out = df[columns].copy()
    names = reference().malomraden
    for col in columns:
        if pd.api.types.is_bool_dtype(out[col].dtype):
            out[col] = out[col].map({True: "Ja", False: "Nej"})
        elif col == "malomrade":
            out[col] = _each_value(out[col], lambda m: f"{int(m)}. {names.get(int(m), '')}")
        elif col == "riktning":
            out[col] = _each_value(out[col], lambda r: RIKTNING.get(r, r)).where(out[col].notna(), None)
        elif col == "period":
            out[col] = [config.period_label(p) if isinstance(p, str) and p else "" for p in out[col]]
    return out.rename(columns={c: (labels or {}).get(c) or LABELS.get(c, c) for c in columns})


ROWS_SHOWN = 500  # a longer table shows this many rows at a time, with a button for more


def table(df: pd.DataFrame, columns: list[str], *, labels: dict[str, str] | None = None, height: int | str = "auto",
          key: str | None = None) -> None:
    """A DataFrame with Swedish headers and formats: dates 2025-06-30, decimal comma, whole numbers as is.

    Every column is formatted per distinct value, not cell by cell, and a table already formatted (the same
    rows, by a hash of their values) is taken from a small cache: a warm page run formats nothing. Past
    ROWS_SHOWN rows the first ROWS_SHOWN are shown with a button for more (the downloads hold every row)."""
    more_key = f"_rader_{key or '-'.join(columns)}"
    shown = max(ROWS_SHOWN, int(st.session_state.get(more_key, ROWS_SHOWN)))
    view, config_ = _table_view(df.iloc[:shown] if len(df) > shown else df, columns, labels)
    st.dataframe(view, hide_index=True, column_config=dict(config_), width="stretch", height=height, key=key)
    if len(df) > shown:
        st.caption(f"Visar {wording.number(shown)} av {wording.number(len(df))} rader. Hela listan finns i "
                   "nedladdningarna.")
        st.button(f"Visa {wording.number(min(ROWS_SHOWN, len(df) - shown))} till", key=more_key + "_knapp",
                  on_click=lambda: st.session_state.__setitem__(more_key, shown + ROWS_SHOWN),
                  icon=":material/expand_more:")


PAGE_ROWS = 200  # a table drawn cell by cell (a Styler) shows this many rows a page, with previous/next


def page_bounds(n: int, key: str, per_page: int = PAGE_ROWS) -> tuple[int, int]:
    """The rows (start, end) of a list of ``n`` rows on the page the session has open (``pager``'s buttons)."""
    pages = max(1, -(-n // per_page))
    page = min(max(int(st.session_state.get(key, 1)), 1), pages)
    return (page - 1) * per_page, min(page * per_page, n)


def pager(n: int, key: str, per_page: int = PAGE_ROWS) -> None:
    """Below a long list (``n`` > ``per_page``): "Visar 1–200 av 1 000" and Föregående/Nästa."""
    if n <= per_page:
        return
    lo, hi = page_bounds(n, key, per_page)
    page = lo // per_page + 1
    text, prev, nxt = st.columns([4, 1, 1], vertical_alignment="center")
    text.caption(f"Visar {wording.number(lo + 1)}–{wording.number(hi)} av {wording.number(n)}.")
    prev.button("Föregående", key=key + "_foregaende", disabled=page == 1, icon=":material/chevron_left:",
                on_click=lambda: st.session_state.__setitem__(key, page - 1), width="stretch")
    nxt.button("Nästa", key=key + "_nasta", disabled=hi >= n, icon=":material/chevron_right:",
               on_click=lambda: st.session_state.__setitem__(key, page + 1), width="stretch")


_views: collections.OrderedDict[tuple, tuple] = collections.OrderedDict()
_views_lock = threading.Lock()
_VIEWS_MAX = 256


def _table_view(df: pd.DataFrame, columns: list[str], labels: dict[str, str] | None):
    """The formatted table as an Arrow table (what st.dataframe sends) and its column settings, cached by the
    rows' values, the columns, the headers and the målområde names."""
    part = df[columns]
    names = reference().malomraden if "malomrade" in columns else {}
    key = (tuple(columns), tuple(sorted((labels or {}).items())), tuple(names.items()), len(part),
           tuple(str(t) for t in part.dtypes), int(pd.util.hash_pandas_object(part, index=False).sum()))
    with _views_lock:
        found = _views.get(key)
        if found is not None:
            _views.move_to_end(key)
            return found
    import pyarrow as pa

    view = frame(part, columns, labels)
    config_ = {}
    for label in view.columns:
        kind = view[label].dtype
        if pd.api.types.is_datetime64_any_dtype(kind) and view[label].isna().any():
            # Streamlit writes "None" for a missing date: written as text instead, empty when missing.
            view[label] = [wording.date(v) for v in view[label]]
            config_[label] = st.column_config.TextColumn(label)
        elif pd.api.types.is_datetime64_any_dtype(kind):
            values = view[label].dropna()
            config_[label] = (st.column_config.DateColumn(label, format="YYYY-MM-DD")
                              if (values.dt.normalize() == values).all() else
                              st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm"))
        elif pd.api.types.is_integer_dtype(kind) and view[label].isna().any():
            view[label] = _each_value(view[label], lambda v: str(int(v)))
            config_[label] = st.column_config.TextColumn(label, alignment="right")
        elif pd.api.types.is_integer_dtype(kind):
            config_[label] = st.column_config.NumberColumn(label, format="%d")
        elif pd.api.types.is_float_dtype(kind):
            # Decimal comma as text (a Styler costs ~50 ms per table); right-aligned like a number.
            view[label] = _each_value(view[label], format_number)
            config_[label] = st.column_config.TextColumn(label, alignment="right")
        elif not pd.api.types.is_bool_dtype(kind):  # empty text cells show empty, not "None"
            view[label] = view[label].astype(object).where(view[label].notna(), "")
    found = (pa.Table.from_pandas(view, preserve_index=False), config_)
    with _views_lock:
        _views[key] = found
        while len(_views) > _VIEWS_MAX:
            _views.popitem(last=False)
    return found


def downloads(df: pd.DataFrame, columns: list[str], name: str, title: str) -> None:
    """Excel and CSV of the table on screen (Swedish headers); formulas neutralised by export.*; built on click."""
    left, right, _ = st.columns([1, 1, 3])
    left.download_button("Ladda ner Excel",
                         data=guarded(lambda: export.xlsx_bytes({title: frame(df, columns)}, title=title)),
                         file_name=f"{name}.xlsx", icon=":material/download:", on_click="ignore",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    right.download_button("Ladda ner CSV", data=guarded(lambda: export.people_csv(frame(df, columns))),
                          file_name=f"{name}.csv", mime="text/csv", icon=":material/download:", on_click="ignore")


def chart(fig, df: pd.DataFrame, columns: list[str], *, alt: str, labels: dict[str, str] | None = None,
          label: str = "Visa diagrammets data som tabell", expanded: bool = False) -> None:
    """A chart with a short text alternative and its data as a table right below it."""
    st.plotly_chart(fig, theme=None, config={"displayModeBar": False, "responsive": True}, alt=alt)
    with st.expander(label, expanded=expanded, icon=":material/table:"):
        table(df, columns, labels=labels)


def progress_metrics(now, before, now_common=None) -> None:
    """A målområde's key figures in four cards, each with its change since ``before`` (a progress row or None;
    like for like: ``now_common`` is this period restricted to the förvaltningar ``before`` holds)."""
    key_figures(now, before, now_common=now_common)


def metric(col, label: str, value: str, change: str | int | None = None, *, lower_is_better: bool = False,
           help: str | None = None) -> None:
    """A key figure in a card; the arrow shows the change (the page's caption says against which period)."""
    col.metric(label, value, delta=change, delta_color="inverse" if lower_is_better else "normal", help=help,
               border=True)


def period_caption(d: Data, sel: Selection, compared: "bool | cycle.Comparison" = False) -> None:
    """Which period, its as-of date, and what the arrows compare against (like for like: for which förvaltningar)."""
    text = f"{config.period_label(sel.period)} · läget per {config.as_of_date(sel.period, d.today)}"
    if isinstance(compared, cycle.Comparison):
        if compared.before is not None:
            text += " · " + compared.note()
    elif compared:
        text += " · " + wording.comparison_note(config.period_label(sel.previous), 1, 1)
    st.caption(text)


def period_banner(d: Data, period: str | None, compact: bool = False) -> None:
    """The banner of a period that is still being reported (nothing for a complete one): n of N, who is missing,
    and that comparisons are like for like. On every page and slide that shows the period; ``compact`` (a kiosk
    slide, read from across the room) in one line without the names: n of N and like for like."""
    if period is None:
        return
    state = d.state(period)
    text = cycle.banner(state, reference())
    if text and compact:
        st.markdown(f":orange-background[{md(state.label)} pågår: {len(state.reported)} av {state.total} "
                    "förvaltningar har rapporterat. Jämförelser gäller samma förvaltningar i båda perioderna.]")
    elif text:
        st.warning(md(text), icon=":material/pending:")

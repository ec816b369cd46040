"""Streamlit glue shared by app.py and the pages; the only module of the package that imports streamlit.

Who the user is and the page guard, the page list behind the navigation, cached
queries keyed on the data version, the shared filters (kept in the URL and in the
session), tables with Swedish labels and formats, downloads, charts with their data.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import threading
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from . import auth, config, demo, export, queries
from .labels import LABELS, RIKTNING  # noqa: F401  (ui.LABELS and ui.RIKTNING for the pages)
from .text import format_number

# --- Who, and which pages -------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    """One page of the navigation: shown to users who may perform ``action`` (None: to everybody)."""

    file: str
    title: str
    icon: str
    action: str | None = "view"

    @property
    def url_path(self) -> str:
        """The same path the auto-discovered ``pages/`` folder gives the file."""
        return os.path.splitext(os.path.basename(self.file))[0]


# More pages (Ladda upp, Historik, Admin, Mötesläge) are appended here with their action.
PAGES: list[PageSpec] = [
    PageSpec("pages/oversikt.py", "Översikt", ":material/dashboard:"),
    PageSpec("pages/malomrade.py", "Målområde", ":material/flag:"),
    PageSpec("pages/forsenade.py", "Försenade aktiviteter", ":material/schedule:"),
    PageSpec("pages/indikatorer.py", "Indikatorer", ":material/monitoring:"),
    PageSpec("pages/inrapportering.py", "Inrapportering", ":material/fact_check:"),
    PageSpec("pages/moteslage.py", "Mötesläge", ":material/co_present:"),
    PageSpec("pages/moten.py", "Möten och beslut", ":material/gavel:"),
    PageSpec("pages/rapport.py", "Rapport", ":material/summarize:"),
]

# Uploads, history, administration and signing in: after the dashboard pages, the login page last.
LOGIN_PAGE = "pages/logga_in.py"
ACCOUNT_PAGES: list[PageSpec] = [
    PageSpec("pages/ladda_upp.py", "Ladda upp", ":material/upload_file:", "upload"),
    PageSpec("pages/historik.py", "Historik", ":material/history:", "view_history"),
    PageSpec("pages/admin.py", "Admin", ":material/admin_panel_settings:", "manage_users"),
    PageSpec(LOGIN_PAGE, "Logga in", ":material/login:", None),
]


@functools.lru_cache(maxsize=4)
def _reference(path: str, mtime_ns: int) -> config.Reference:
    return config.load_reference(path)


def reference() -> config.Reference:
    """The reference data, re-read when the file changes."""
    path = config.config_path()
    return _reference(str(path), path.stat().st_mtime_ns if path.exists() else 0)


def current_user() -> auth.User | None:
    """The logged-in user (set by the login page), else the anonymous läsare when the settings allow it."""
    user = st.session_state.get("user")
    if isinstance(user, auth.User):
        return user
    from .ui_auth import sso_user  # back from st.login (single sign-on); ui_auth imports this module

    return sso_user() or (auth.ANONYMOUS if reference().setting("anonyma_lasare", False) else None)


def may_open(user: auth.User | None, action: str | None) -> bool:
    """May this user open a page guarded by ``action`` (None: everybody, the login page)?"""
    return action is None or auth.can(user, action)


def guard(action: str | None = "view") -> auth.User | None:
    """First call of every page: stop with a Swedish message unless the user may perform ``action``.

    On a freshly started server Streamlit runs ``pages/<page>.py`` on its own for a direct link, skipping app.py
    (the auto-discovered pages folder). The check below does not depend on app.py; once it passes, the page hands
    over to the real navigation (menu, page config) and reruns, so the link opens the same page with the menu.
    """
    user = current_user()
    if not may_open(user, action):
        if user is None:
            st.warning("Du behöver logga in för att se den här sidan.", icon=":material/lock:")
        else:
            st.error("Du har inte behörighet till den här sidan.", icon=":material/block:")
        if not isinstance(st.session_state.get("user"), auth.User):
            try:
                st.page_link(LOGIN_PAGE, label="Logga in", icon=":material/login:")
            except StreamlitAPIException:  # the page file run on its own outside app.py's folder (a test)
                pass
        st.stop()
    if not _navigation_ready:
        try:
            navigation(user)
        except StreamlitAPIException:  # run outside app.py's folder (a test running the page file alone)
            return user
        st.rerun()
    return user


def _no_access() -> None:
    st.title("Näringsdash")
    st.warning("Du behöver logga in för att se Näringsdash.", icon=":material/lock:")


# False until app.py has built the navigation in this process; until then Streamlit runs page files alone.
_navigation_ready = False


def navigation(user: auth.User | None, position: str = "top"):
    """The top menu with the pages this user may see (the first is the start page); position "hidden"
    for the kiosk display."""
    global _navigation_ready
    allowed = [p for p in PAGES + ACCOUNT_PAGES if may_open(user, p.action)]
    if isinstance(st.session_state.get("user"), auth.User):  # signed in: the login page signs out
        allowed = [PageSpec(p.file, "Logga ut", ":material/logout:", p.action) if p.file == LOGIN_PAGE else p
                   for p in allowed]
    pages = [st.Page(p.file, title=p.title, icon=p.icon, url_path=None if i == 0 else p.url_path, default=i == 0)
             for i, p in enumerate(allowed)]
    nav = st.navigation(pages or [st.Page(_no_access, title="Näringsdash", default=True)], position=position)
    _navigation_ready = True
    return nav


_seeded: set[str] = set()
_seed_lock = threading.Lock()


def seed_demo_if_empty() -> None:
    """First start: load the demo data (with a progress bar) when the database is empty and the setting ``demo``
    is on; checked once per database file and process."""
    db = str(config.db_path())
    if db in _seeded or not reference().setting("demo", False):
        return
    with _seed_lock:
        if db in _seeded:
            return
        if not queries.periods(db) and queries.indicators(db).empty:
            bar = st.progress(0.0, text="Läser in demodata …")
            demo.load(db, progress=lambda fraction, text: bar.progress(fraction, text=text))
            bar.empty()
        _seeded.add(db)


# --- Data: cached queries keyed on the data version ---------------------------------


@st.cache_data(show_spinner=False, max_entries=1024)
def _query(name: str, db: str, version: int, today: dt.date | None, args: tuple) -> object:
    """Run ``queries.<name>``; the key holds the data version, so any upload (browser or CLI) shows at once."""
    kwargs = dict(args)
    if today is not None:
        kwargs["today"] = today
    if name == "reporting":  # the förvaltningar are part of the key; the query only needs their codes
        kwargs["ref"] = config.Reference(forvaltningar={c: c for c in kwargs.pop("koder")})
    return getattr(queries, name)(db=db, **kwargs)


@dataclass(frozen=True)
class Data:
    """The database as one page run sees it: opened once for the version, everything else from the cache."""

    db: str
    version: int
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

    def reporting(self, period: str) -> pd.DataFrame:
        return self._q("reporting", period=period, koder=tuple(reference().forvaltningar))

    def indicators(self, sel: Selection) -> pd.DataFrame:
        return self._q("indicators", dated=False, malomraden=sel.malomraden)

    def indicator_changes(self, sel: Selection) -> pd.DataFrame:
        return self._q("indicator_changes", dated=False, malomraden=sel.malomraden)

    def kolada_fetched(self) -> pd.DataFrame:
        return self._q("kolada_fetched", dated=False)


def data() -> Data:
    """Call once per page run: the only time a warm run opens the database."""
    db = str(config.db_path())
    return Data(db, queries.data_version(db), dt.date.today())


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
    sel = {**sel, "period": sel.get("period") if sel.get("period") in periods else (periods[0] if periods else None)}
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
    s = format_number(value, decimals)
    return f"{s}{unit}" if s else "–"


def delta(value, decimals: int | None = None, unit: str = "") -> str | int | None:
    """A metric's change as Swedish text with its sign; 0 (grey, no arrow) when unchanged, None when no comparison."""
    if value is None or pd.isna(value):
        return None
    if value == 0:
        return 0
    return f"{'+' if value > 0 else '-'}{format_number(abs(value), decimals)}{unit}"


def no_data() -> None:
    """Empty database: say what to do next, then stop the page."""
    st.info("Det finns inga uppföljningar i databasen ännu. Förvaltningarna laddar upp sina uppföljningsfiler "
            "(`python -m naringsdash import FIL`), eller läs in demodata med `python -m naringsdash demo`.",
            icon=":material/upload_file:")
    st.stop()


def nothing_matches() -> None:
    st.info("Inga aktiviteter matchar urvalet. Välj fler förvaltningar eller målområden i sidofältet "
            "(tomt urval betyder alla), eller en annan period.", icon=":material/filter_alt_off:")


# --- Tables, downloads and charts ---------------------------------------------------

def frame(df: pd.DataFrame, columns: list[str], labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The columns to show, with Swedish headers; yes/no and directions written out, målområde with its name."""
    out = df[columns].copy()
    names = reference().malomraden
    for col in columns:
        if pd.api.types.is_bool_dtype(out[col].dtype):
            out[col] = out[col].map({True: "Ja", False: "Nej"})
        elif col == "malomrade":
            out[col] = [f"{int(m)}. {names.get(int(m), '')}" if pd.notna(m) else "" for m in out[col]]
        elif col == "riktning":
            out[col] = out[col].map(lambda r: RIKTNING.get(r, r))
    return out.rename(columns={c: (labels or {}).get(c) or LABELS.get(c, c) for c in columns})


def table(df: pd.DataFrame, columns: list[str], *, labels: dict[str, str] | None = None, height: int | str = "auto",
          key: str | None = None) -> None:
    """A DataFrame with Swedish headers and formats: dates 2025-06-30, decimal comma, whole numbers as is."""
    view = frame(df, columns, labels)
    config_ = {}
    for label in view.columns:
        kind = view[label].dtype
        if pd.api.types.is_datetime64_any_dtype(kind):
            values = view[label].dropna()
            config_[label] = (st.column_config.DateColumn(label, format="YYYY-MM-DD")
                              if (values.dt.normalize() == values).all() else
                              st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm"))
        elif pd.api.types.is_integer_dtype(kind) and view[label].isna().any():
            view[label] = ["" if pd.isna(v) else str(int(v)) for v in view[label]]
            config_[label] = st.column_config.TextColumn(label, alignment="right")
        elif pd.api.types.is_integer_dtype(kind):
            config_[label] = st.column_config.NumberColumn(label, format="%d")
        elif pd.api.types.is_float_dtype(kind):
            # Decimal comma as text (a Styler costs ~50 ms per table); right-aligned like a number.
            view[label] = [format_number(v) for v in view[label]]
            config_[label] = st.column_config.TextColumn(label, alignment="right")
        elif not pd.api.types.is_bool_dtype(kind):  # empty text cells show empty, not "None"
            view[label] = view[label].astype(object).where(view[label].notna(), "")
    st.dataframe(view, hide_index=True, column_config=config_, width="stretch", height=height, key=key)


def downloads(df: pd.DataFrame, columns: list[str], name: str, title: str) -> None:
    """Excel and CSV of the table on screen (Swedish headers); formulas neutralised by export.*; built on click."""
    left, right, _ = st.columns([1, 1, 3])
    left.download_button("Ladda ner Excel", data=lambda: export.xlsx_bytes({title: frame(df, columns)}, title=title),
                         file_name=f"{name}.xlsx", icon=":material/download:", on_click="ignore",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    right.download_button("Ladda ner CSV", data=lambda: export.people_csv(frame(df, columns)),
                          file_name=f"{name}.csv", mime="text/csv", icon=":material/download:", on_click="ignore")


def chart(fig, df: pd.DataFrame, columns: list[str], *, alt: str, labels: dict[str, str] | None = None,
          label: str = "Visa diagrammets data som tabell", expanded: bool = False) -> None:
    """A chart with a short text alternative and its data as a table right below it."""
    st.plotly_chart(fig, theme=None, config={"displayModeBar": False, "responsive": True}, alt=alt)
    with st.expander(label, expanded=expanded, icon=":material/table:"):
        table(df, columns, labels=labels)


def progress_metrics(now, before) -> None:
    """A målområde's key figures in four cards, each with its change since ``before`` (a progress row or None)."""
    def change(col):
        return None if before is None else now[col] - before[col]

    cols = st.columns(4)
    metric(cols[0], "Aktiviteter", number(now["antal"]), delta(change("antal")))
    metric(cols[1], "Andel klara", number(now["andel_klara"], 1, " %"), delta(change("andel_klara"), 1,
                                                                                " procentenheter"))
    metric(cols[2], "Försenade", number(now["forsenade"]), delta(change("forsenade")), lower_is_better=True)
    metric(cols[3], "Snitt andel klart", number(now["snitt_andel_klar"], 1, " %"),
           delta(change("snitt_andel_klar"), 1, " procentenheter"))


def metric(col, label: str, value: str, change: str | int | None = None, *, lower_is_better: bool = False,
           help: str | None = None) -> None:
    """A key figure in a card; the arrow shows the change (the page's caption says against which period)."""
    col.metric(label, value, delta=change, delta_color="inverse" if lower_is_better else "normal", help=help,
               border=True)


def period_caption(d: Data, sel: Selection, compared: bool = False) -> None:
    """Which period, its as-of date, and what the arrows compare against."""
    text = f"{config.period_label(sel.period)} · läget per {config.as_of_date(sel.period, d.today)}"
    if compared:
        text += f" · pilarna visar förändringen sedan {config.period_label(sel.previous)}"
    st.caption(text)

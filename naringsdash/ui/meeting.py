"""Mötesläge: the styrgrupp's meeting as a sequence of full-width slides (``ui_slides``), one at a time: the slide,
period and filters in the URL, next/previous with buttons and arrow keys, automatic advance; and the kiosk display
(``?kiosk=1``) for the shared screen, where every slide fits 1920×1080 without scrolling.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import streamlit as st

from .. import config
from . import common as ui
from . import loop as ui_loop
from . import room
from .slides import Meeting, Slide, meeting, show


def is_kiosk() -> bool:
    """``?kiosk=1``: a shared screen. Large type, high contrast, no sidebar, no header, no menu."""
    return st.query_params.get("kiosk", "") in ("1", "true", "ja")


def kiosk() -> bool:
    """For app.py: in kiosk mode style the page for a shared screen; True when the menu is to be hidden."""
    on = is_kiosk()
    if on:
        st.html(room.KIOSK_CSS)
    return on


# --- Running the meeting: which slide (in the URL), next/previous, automatic advance --------------

SLIDE, AUTO = "slide", "auto"
_SHOWN = "_mote_visad"


def _index(n: int) -> int:
    raw = st.query_params.get(SLIDE, "1")
    return min(max(int(raw), 1), n) if raw.isdigit() else 1


def _go(i: int) -> None:
    st.query_params[SLIDE] = str(i)


def _jump() -> None:
    _go(st.session_state["mote_bild"])


def _auto_changed() -> None:
    seconds = int(st.session_state["mote_auto"] or 0)
    if seconds:
        st.query_params[AUTO] = str(seconds)
    elif AUTO in st.query_params:
        del st.query_params[AUTO]


def _since_changed() -> None:
    st.query_params[room.SINCE] = st.session_state["mote_sedan"]


def _leave_kiosk() -> None:
    del st.query_params["kiosk"]


def auto_seconds() -> int:
    """Seconds per slide from ``?auto=N`` (0: off; at least 5 so that a slide can be read)."""
    raw = st.query_params.get(AUTO, "")
    return max(5, min(int(raw), 3600)) if raw.isdigit() and int(raw) > 0 else 0


def _header(m: Meeting, slides: list[Slide], i: int) -> None:
    s = slides[i - 1]
    title, prev, pos, nxt = st.columns([9, 3.2, 1.9, 2.6] if m.kiosk else [6, 2.2, 1.3, 2.2],
                                       vertical_alignment="center")
    (title.title if m.kiosk else title.header)(ui.md(s.title))
    # One arrow per button: the shortcut's own arrow (←, →) is the only one shown.
    prev.button("Föregående", key="mote_foregaende", shortcut="Left",
                disabled=i == 1, on_click=_go, args=(i - 1,), width="stretch")
    pos.html(f'<p style="text-align:center;white-space:nowrap;margin:0"><b>{i}</b> av {len(slides)}</p>')
    nxt.button("Nästa", key="mote_nasta", shortcut="Right",
               disabled=i == len(slides), on_click=_go, args=(i + 1,), width="stretch", type="primary")
    if m.kiosk:
        caption, new, leave = st.columns([10, 2.5, 2.5], vertical_alignment="center")
        with caption:
            ui_loop.caption(m.d, m.sel, m.mote, m.comparison)
        with new:  # an admin at a meeting records a decision here, without taking room from the slide
            ui_loop.decision_form(m, s.malomrade, in_header=True, slide_kind=s.kind)
        leave.button("Avsluta kioskläge", icon=":material/close_fullscreen:", key="mote_avsluta", type="tertiary",
                     on_click=_leave_kiosk, width="stretch")
    else:
        ui_loop.caption(m.d, m.sel, m.mote, m.comparison)
    ui.period_banner(m.d, m.sel.period, compact=m.kiosk)  # on every slide of a period that is still being reported


def _tick(seconds: int, n: int) -> None:
    """Runs every ``seconds`` on its own: once the slide has been shown that long, go to the next (after the last,
    the first again) and rerun the whole page."""
    slide, since = st.session_state[_SHOWN]
    if time.monotonic() - since >= seconds * 0.9:
        _go(slide % n + 1)
        st.rerun()


def _sidebar(m: Meeting, slides: list[Slide], i: int) -> None:
    st.session_state["mote_bild"] = i
    st.session_state["mote_auto"] = auto_seconds()
    with st.sidebar:
        st.header("Mötet")
        st.selectbox("Gå till bild", range(1, len(slides) + 1), key="mote_bild", on_change=_jump,
                     format_func=lambda k: f"{k}. {slides[k - 1].title}")
        periods = [p for p in m.d.periods() if m.sel.period and p < m.sel.period]
        if periods:
            st.session_state["mote_sedan"] = m.since if m.since in periods else periods[0]
            st.selectbox("Sedan förra mötet: jämför med", periods, key="mote_sedan", on_change=_since_changed,
                         format_func=config.period_label,
                         help="Perioden som visades vid förra mötet; bilden Sedan förra mötet visar vad som hänt sedan dess.")
        st.number_input("Byt bild automatiskt (sekunder, 0 = av)", min_value=0, max_value=3600, step=5,
                        key="mote_auto", on_change=_auto_changed)
        st.caption("Piltangenterna vänster och höger byter bild.")
        params = {k: st.query_params[k] for k in st.query_params}
        st.page_link("pages/moteslage.py", label="Visa i kioskläge", icon=":material/fullscreen:",
                     query_params={**params, "kiosk": "1"})


def _links(slides: list[Slide]) -> None:
    """Each slide's address, to paste into the meeting invitation."""
    base = st.context.url or ""
    params = {k: st.query_params[k] for k in st.query_params if k not in (SLIDE, "kiosk")}
    query = urlencode(params) + ("&" if params else "")  # as urlencode({**params, SLIDE: k}), encoded once
    lines = [f"{k}. {s.title}\n   {base}?{query}{SLIDE}={k}" for k, s in enumerate(slides, 1)]
    with st.expander("Länkar till varje bild (för kallelsen)", icon=":material/link:"):
        st.code("\n".join(lines), language=None, wrap_lines=True)


def run(d: ui.Data, sel: ui.Selection, kiosk_on: bool) -> None:
    """The slide the URL names, with next/previous (buttons and arrow keys) and, with ``?auto=N``, automatic
    advance; outside kiosk mode also the sidebar controls and each slide's link."""
    m = meeting(d, sel, kiosk_on, ui_loop.chosen_meeting(d))
    slides = m.slides()
    i = _index(len(slides))
    if st.query_params.get(SLIDE) != str(i):
        _go(i)
    if st.session_state.get(_SHOWN, (None,))[0] != i:
        st.session_state[_SHOWN] = (i, time.monotonic())
    if not m.kiosk:
        _sidebar(m, slides, i)
    _header(m, slides, i)
    show(m, slides[i - 1])
    seconds = auto_seconds()
    if seconds:
        st.fragment(run_every=seconds)(_tick)(seconds, len(slides))
    if not m.kiosk:
        _links(slides)

"""Streamlit glue for the assessment per målområde and period: the card that shows it (traffic light with its word,
plain text, who and when), its history, and the editor for those allowed ``write_analysis``.

Used by the Målområde page and by Mötesläge. The text is the writer's plain text: escaped for HTML, never read as
HTML or Markdown.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from .. import analysis, auth
from ..report.data import BEDOMNING_COLORS
from ..report.text import analysis_byline, when
from ..store import Store
from . import common as ui
from .nav import current_user

_MSG = "_analys_meddelande"


@st.cache_data(show_spinner=False, max_entries=256)
def _current(db: Store, version: int, period: str) -> pd.DataFrame:
    return analysis.current(period, db)


@st.cache_data(show_spinner=False, max_entries=256)
def _history(db: Store, version: int, malomrade: int, period: str) -> pd.DataFrame:
    return analysis.history(malomrade, period, db)


def current(d: ui.Data, period: str) -> dict[int, pd.Series]:
    """The current assessment per målområde in the period (cached on the data version)."""
    return {int(r["malomrade"]): r for _, r in _current(d.db, d.version, period).iterrows()}


def light(word: str, size: str = "1em") -> str:
    """The traffic light as an HTML badge: its colour and always its word."""
    bg, fg = BEDOMNING_COLORS.get(word, ("#555555", "#FFFFFF"))
    return (f'<span style="display:inline-block;background:{bg};color:{fg};font-weight:700;font-size:{size};'
            f'padding:0.1em 0.6em;min-width:3.4em;text-align:center;border-radius:0.4em;border:2px solid #1A1A1A">{html.escape(word)}</span>')


def shorten(text: str, chars: int | None = None, lines: int | None = None) -> tuple[str, bool]:
    """At most ``chars`` characters and ``lines`` lines, cut at a word → (text, was it cut)."""
    out = text
    if lines is not None and out.count("\n") >= lines:
        out = "\n".join(out.split("\n")[:lines])
    if chars is not None and len(out) > chars:
        out = out[:chars].rsplit(" ", 1)[0]
    cut = out != text
    return (out.rstrip() + " …" if cut else out), cut


def card(a: pd.Series, *, byline: str | None = None, chars: int | None = None, lines: int | None = None,
         size: str = "1rem", title: str = "") -> None:
    """One assessment: (a title,) traffic light and word, the text as plain text, who wrote it and when."""
    text, cut = shorten(str(a["text"]), chars, lines)
    note = " · förkortad, hela texten finns på sidan Målområde" if cut else ""
    head = f'<span style="font-weight:700;font-size:1.25em;margin-right:0.5em">{html.escape(title)}</span>' \
        if title else ""
    st.html(f'<div class="nd-analys" style="font-size:{size};line-height:1.4;color:#111111">'
            f'<div style="margin-bottom:0.4em">{head}{light(str(a["bedomning"]), "1.15em")}</div>'
            f'<div style="white-space:pre-line">{html.escape(text)}</div>'
            f'<div style="margin-top:0.4em;color:#444444;font-size:0.8em">'
            f'{html.escape((byline or analysis_byline(a)) + note)}</div></div>')


def section(d: ui.Data, sel: ui.Selection) -> None:
    """The Målområde page's assessment: the current one, earlier versions, and the editor for an admin."""
    nr, period = sel.malomraden[0], sel.period
    st.header("Analys och bedömning")
    cur = current(d, period).get(nr)
    if cur is None:
        st.info("Ingen analys är skriven för målområdet och perioden ännu.", icon=":material/edit_note:")
    else:
        card(cur)
        hist = _history(d.db, d.version, nr, period)
        if len(hist) > 1:
            with st.expander(f"Tidigare versioner ({len(hist) - 1})", icon=":material/history:"):
                for _, r in hist.iloc[1:].iterrows():
                    card(r, byline=f"{r['user_name'] or 'okänd'}, {when(r['created_at'])}", size="0.95rem")
    message = st.session_state.pop(_MSG, None)
    if message:
        (st.error if message[0] == "error" else st.success)(message[1])
    user = current_user()
    if auth.can(user, "write_analysis"):
        _editor(d, nr, period, cur)


def _editor(d: ui.Data, nr: int, period: str, cur: pd.Series | None) -> None:
    keys = (f"analys_bedomning_{nr}_{period}", f"analys_text_{nr}_{period}")
    with st.expander("Skriv analys" if cur is None else "Ändra analysen", icon=":material/edit:",
                     expanded=cur is None):
        with st.form(f"analys_{nr}_{period}", border=False):
            st.radio("Bedömning", analysis.BEDOMNINGAR, horizontal=True, key=keys[0],
                     index=analysis.BEDOMNINGAR.index(cur["bedomning"]) if cur is not None else None)
            st.text_area("Analys", value=str(cur["text"]) if cur is not None else "", key=keys[1], height=160,
                         max_chars=analysis.MAX_TEXT,
                         help="Vanlig text: skrivs ut precis som den står, utan formatering.")
            st.caption("Sparas som en ny version med ditt namn och tiden; tidigare versioner finns kvar.")
            st.form_submit_button("Spara analys", icon=":material/save:", type="primary", on_click=_save,
                                  args=(d.db, nr, period, keys), key=f"analys_spara_{nr}_{period}")


def _save(db: Store, nr: int, period: str, keys: tuple[str, str]) -> None:
    word, text = st.session_state.get(keys[0]), st.session_state.get(keys[1])
    try:  # the role as stored now: a demoted or removed account cannot write from an old session
        _, same = analysis.save(nr, period, word or "", text or "", auth.stored_user(current_user(), db), db,
                                ref=ui.reference())
    except (analysis.AnalysisError, auth.PermissionDenied) as exc:
        st.session_state[_MSG] = ("error", str(exc))
        return
    st.session_state[_MSG] = ("success", "Ingen ändring: analysen är densamma som förut." if same else
                              "Analysen är sparad.")

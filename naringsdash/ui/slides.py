"""The slides of Mötesläge: which slides a period needs (``plan``: counts in, slides out; a long list continues on
extra slides instead of scrolling) and how each is drawn (``show``), from the dashboard's cached queries."""

from __future__ import annotations

import datetime as dt
import functools
import html
import numbers
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from .. import config, figures, story, wording
from . import analysis as ui_analysis
from . import common as ui
from . import loop as ui_loop
from . import room

# Rows per slide at most: overdue activities under a målområde's figures, on a continuation slide (above its
# chart of days late), indicators, förvaltningar. A list is spread evenly over the slides it needs.
FIRST_ROWS, MORE_ROWS, INDICATOR_ROWS, REPORTING_ROWS = 4, 6, 6, 10
# What the room needs of an overdue activity; the rest is on the Försenade aktiviteter page.
OVERDUE_COLUMNS = ["aktivitet", "forvaltning", "dagar_sena", "kommentar"]
OVERDUE_WIDTHS = [40, 15, 12, 33]
LIST_ROWS = 6  # lines per list on Sedan förra mötet


@dataclass(frozen=True)
class Slide:
    kind: str                        # oversikt, sedan, malomrade, forsenade, indikatorer, inrapportering
    title: str
    malomrade: int | None = None
    rows: tuple[int, int] = (0, 0)   # the slice of the slide's list shown on it
    part: int = 1
    parts: int = 1


def _chunks(n: int, first: int, more: int) -> list[tuple[int, int]]:
    """The slices of a list of ``n`` rows over as few slides as hold them (``first`` rows on the first, ``more``
    on each further one), spread evenly instead of filling the first: 6 rows with 4 + 8 are 3 + 3, never 4 + 2,
    so that no slide carries a lonely row or two. Needs ``first <= more``."""
    if n <= first:
        return [(0, n)]
    k = 1 + -(-(n - first) // more)          # slides needed
    head = min(first, -(-n // k))
    rest, m = n - head, k - 1
    out, start = [(0, head)], head
    for j in range(m):
        size = rest // m + (1 if j < rest % m else 0)
        out.append((start, start + size))
        start += size
    return out


def plan(names: dict[int, str], overdue: dict[int, int], indicators: int, forvaltningar: int,
         loop: bool = False, first_rows: int = FIRST_ROWS, more_rows: int = MORE_ROWS) -> list[Slide]:
    """Översikt, Sedan förra mötet, each målområde (its overdue list continued on extra slides), the indicators
    (six small charts a slide), inrapportering; with ``loop`` (a meeting chosen) also "Beslut att följa upp"
    after Sedan förra mötet and "Vad näringslivet säger" after the målområden."""
    slides = [Slide("oversikt", "Översikt"), Slide("sedan", "Sedan förra mötet")] + (
        [Slide("beslut", "Beslut att följa upp")] if loop else [])
    for nr, name in names.items():
        parts = _chunks(overdue.get(nr, 0), first_rows, more_rows)
        for i, rows in enumerate(parts, 1):
            title = f"Målområde {nr}. {name}" + (f" – försenade aktiviteter ({i} av {len(parts)})" if i > 1 else "")
            slides.append(Slide("malomrade" if i == 1 else "forsenade", title, nr, rows, i, len(parts)))
    if loop:
        slides.append(Slide("synpunkter", "Vad näringslivet säger"))
    for kind, title, n in (("indikatorer", "Indikatorer", indicators),
                           ("inrapportering", "Inrapportering", forvaltningar)):
        parts = _chunks(n, INDICATOR_ROWS if kind == "indikatorer" else REPORTING_ROWS,
                        INDICATOR_ROWS if kind == "indikatorer" else REPORTING_ROWS)
        for i, rows in enumerate(parts, 1):
            slides.append(Slide(kind, title + (f" ({i} av {len(parts)})" if len(parts) > 1 else ""), None, rows, i,
                                len(parts)))
    return slides


@dataclass
class Meeting:
    """Everything the slides of one period show, from the dashboard's cached queries. What only one kind of slide
    shows (the overdue list, the indicators, the changes since the last meeting) is read when that slide is drawn,
    and what the slide plan needs of it (counts) is derived once per data version (``ui.derived``): a warm run of
    one slide does not copy the lists of the others."""

    d: ui.Data
    sel: ui.Selection
    kiosk: bool
    names: dict[int, str]
    progress: pd.DataFrame
    before: pd.DataFrame
    reporting: pd.DataFrame
    analyses: dict[int, pd.Series]
    comparison: object = None            # periods.Comparison: the key figures against the previous period, like for like
    now_common: pd.DataFrame | None = None  # per målområde: this period restricted to the förvaltningar in both
    mote: dict | None = None                 # the meeting chosen (?mote=ID), with its loop slides
    before_period: str | None = None         # what ``before`` shows: the previous meeting's period, else the previous
    loop: bool = False
    since: str | None = None

    @functools.cached_property
    def summary(self) -> pd.DataFrame:
        """Key figures per period up to the selected one (``Data.trend``)."""
        return self.d.trend(self.sel)

    @functools.cached_property
    def overdue(self) -> pd.DataFrame:
        """Every overdue activity of the selection (``Data.overdue``)."""
        return self.d.overdue(self.sel)

    def overdue_in(self, nr: int) -> pd.DataFrame:
        """The målområde's overdue activities, split once per data version and selection (shared: read-only)."""
        groups = ui.derived("meeting_overdue_by_malomrade", self.d, ui.sel_key(self.sel), lambda: {
            int(k): g for k, g in self.overdue.groupby("malomrade", sort=False)})
        return groups.get(nr, self.overdue.iloc[0:0])

    @functools.cached_property
    def changes(self) -> pd.DataFrame:
        """The indicators with their latest change (``Data.indicator_changes``)."""
        return self.d.indicator_changes(self.sel)

    @functools.cached_property
    def series(self) -> pd.DataFrame:
        return self.d.indicators(self.sel)

    @functools.cached_property
    def _since(self) -> tuple[pd.DataFrame, pd.DataFrame] | None:
        return room.since_data(self.d, self.sel, self.since) if self.since is not None else None

    @property
    def since_changes(self) -> pd.DataFrame | None:
        """The activities that changed since the period ``since`` (None without one)."""
        return self._since[0] if self._since is not None else None

    @property
    def since_news(self) -> pd.DataFrame | None:
        return self._since[1] if self._since is not None else None

    def counts(self) -> tuple[dict[int, int], int]:
        """(overdue activities per målområde, indicators): what the slide plan needs, once per data version."""
        def build():
            o = self.overdue
            counts = o.groupby("malomrade").size().to_dict() if not o.empty else {}
            return {int(k): int(v) for k, v in counts.items()}, len(self.changes)
        return ui.derived("meeting_counts", self.d, ui.sel_key(self.sel), build)

    def slides(self) -> tuple[Slide, ...]:
        overdue, indicators = self.counts()
        partial = not self.d.state(self.sel.period).complete  # the banner line takes one row's room
        loop = self.loop or self.mote is not None
        key = (tuple(self.names.items()), tuple(sorted(overdue.items())), indicators, len(self.reporting), loop,
               partial)
        return ui.derived("meeting_slides", self.d, key, lambda: tuple(plan(
            self.names, overdue, indicators, len(self.reporting), loop=loop,
            first_rows=FIRST_ROWS - 2 if partial else FIRST_ROWS, more_rows=MORE_ROWS - 1 if partial else MORE_ROWS)))


def meeting(d: ui.Data, sel: ui.Selection, kiosk_on: bool, mote: dict | None = None) -> Meeting:
    ref = ui.reference()
    names = {nr: ref.malomraden[nr] for nr in (sel.malomraden or sorted(ref.malomraden))}
    rep = d.reporting(sel.period)
    if sel.forvaltningar:
        rep = rep[rep["forvaltning"].isin(sel.forvaltningar)]
    rep = rep.assign(forvaltning_namn=[ref.forvaltning_name(c) for c in rep["forvaltning"]])
    prev = ui_loop.previous(d, mote)  # "since the last meeting": what the meeting before saw
    before_period = prev["period"] if prev and prev["period"] != sel.period else sel.previous
    now, before, now_common, _ = d.progress_compared(sel)  # like for like
    if before_period != sel.previous:  # the previous meeting followed up another period
        before = d.progress(sel, before_period)
    since = before_period if prev else room.since_period(d.periods(), sel)
    return Meeting(d, sel, kiosk_on, names, now, before, rep, ui_analysis.current(d, sel.period), d.comparison(sel),
                   now_common, mote, before_period, since=since)


# --- Drawing ----------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A table cell as plain text: dates 2025-06-30, decimal comma, "–" for nothing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return ui.number(value)
    return str(value)


_TD = "padding:0.2em 0.4em;border-bottom:1px solid #B4B4B4;white-space:nowrap;overflow:hidden;text-overflow:ellipsis"


def _table(view: pd.DataFrame, widths: list[int], row_pad: str = "0.2em") -> None:
    """A static table that always fits its slide: fixed column widths (per cent), one line per row, long text cut
    with … (the whole text on hover). Plain text, escaped."""
    def cell(tag: str, value: object) -> str:
        text = html.escape(_cell(value))
        right = isinstance(value, numbers.Number) and not isinstance(value, bool)
        return (f'<{tag} title="{text}" style="{_TD};padding-top:{row_pad};padding-bottom:{row_pad};text-align:{"right" if right else "left"}"'
                f'{" scope=col" if tag == "th" else ""}>{text}</{tag}>')

    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    head = "".join(cell("th", c) for c in view.columns)
    body = "".join("<tr>" + "".join(cell("td", v) for v in row) + "</tr>" for row in view.itertuples(index=False))
    st.html(f'<table class="nd-bildtabell" style="table-layout:fixed;width:100%;border-collapse:collapse;'
            f'color:#000000;font-size:1rem"><colgroup>{cols}</colgroup><thead style="font-weight:600">'
            f'<tr>{head}</tr></thead><tbody>{body}</tbody></table>')


def _chart(m: Meeting, fig, height: int, alt: str, key: str) -> None:
    room.chart(fig, key, alt, m.kiosk, height)


def _row(df: pd.DataFrame, nr: int) -> pd.Series | None:
    hit = df[df["malomrade"] == nr]
    return hit.iloc[0] if not hit.empty else None


def _oversikt(m: Meeting) -> None:
    cmp = m.comparison
    if cmp.now is None:
        ui.nothing_matches()
        return
    rep = m.reporting
    ui.key_figures(cmp.now, cmp.before, now_common=cmp.now_common, leave_out=("Snitt andel klart",),
                   extra=[("Har rapporterat", f"{int(rep['rapporterat'].sum())} av {len(rep)}", None, None)])
    left, right = st.columns([3, 2], gap="large")
    with left:
        prog = m.progress[m.progress["malomrade"].isin(list(m.names))]
        if not prog.empty:
            _chart(m, figures.progress_bars(prog, m.names), min(95 * len(prog) + 70, 640),
                   "Liggande staplar: antal aktiviteter per status och målområde.", "nd-bild-oversikt")
    with right:
        st.subheader("Bedömningar")
        items = []
        for nr, name in m.names.items():
            a = m.analyses.get(nr)
            mark = ui_analysis.light(a["bedomning"]) if a is not None else \
                '<span style="color:#444444">Ingen bedömning</span>'
            items.append(f'<li style="margin:0.35em 0">{mark} {html.escape(f"{nr}. {name}")}</li>')
        st.html('<ul class="nd-rum" style="list-style:none;padding:0;margin:0">' + "".join(items) + "</ul>")


def _sedan(m: Meeting) -> None:
    """What moved since the period shown last time (``?sedan=`` for another): done, overdue, status, indicators."""
    if m.since is None or m.since_changes is None:
        st.info("Det finns ingen tidigare period att jämföra med.")
        return
    changes, news = m.since_changes, m.since_news if m.since_news is not None else pd.DataFrame()
    st.html(f'<p class="nd-rum" style="margin:0">{html.escape(story.changes_sentence(changes, len(news), config.period_label(m.since)))}</p>')
    boxes = [(kind, [f"{r.aktivitet} ({r.forvaltning})" + (f", {r.status_fore} → {r.status}"
                                                           if kind == story.STATUS_CHANGED else "")
                     for r in changes[changes["andring"] == kind].itertuples()]) for kind in story.CHANGE_KINDS]
    news_lines = []
    for r in news.itertuples():
        delta = r.varde - r.foregaende if pd.notna(r.foregaende) else None
        news_lines.append((r.indikator, wording.value_with_unit(r.varde, r.enhet), int(r.ar), delta, r.riktning))
    titles = {story.BECAME_DONE: "Blev klara", story.BECAME_OVERDUE: "Blev försenade", story.STATUS_CHANGED: "Ny status"}
    cells = st.columns(2, gap="large") + st.columns(2, gap="large")
    for cell, (kind, lines) in zip(cells, boxes):
        with cell:
            st.html(f'<div class="nd-rum"><h3 style="margin:0">{titles[kind]}: {len(lines)}</h3>'
                    f'{room.items(lines, LIST_ROWS) if lines else "<p>Inga.</p>"}</div>')
    with cells[3]:
        rows = "".join(f'<li title="{html.escape(name)}">{room.badge(delta, rikt) + ": " if delta is not None else ""}'
                       f'{html.escape(name)}, {html.escape(value)} ({year})</li>'
                       for name, value, year, delta, rikt in news_lines[:LIST_ROWS])
        more = f"<li>… och {len(news_lines) - LIST_ROWS} till</li>" if len(news_lines) > LIST_ROWS else ""
        st.html(f'<div class="nd-rum"><h3 style="margin:0">Nya indikatorvärden: {len(news_lines)}</h3>'
                f'<ul class="nd-rum-lista">{rows}{more}</ul></div>' if news_lines else
                '<div class="nd-rum"><h3 style="margin:0">Nya indikatorvärden: 0</h3><p>Inga.</p></div>')


def _malomrade(m: Meeting, s: Slide) -> None:
    now, before = _row(m.progress, s.malomrade), _row(m.before, s.malomrade)
    common = _row(m.now_common, s.malomrade) if m.now_common is not None else None
    if now is None:
        st.info("Målområdet har inga aktiviteter i uppföljningen för perioden.")
    else:
        ui.progress_metrics(now, before, common if before is not None else None)
    left, right = st.columns([1, 1], gap="large")
    with left:
        if now is not None:
            counts = {x: int(now[figures.STATUS_COLUMNS[x]]) for x in figures.STATUSES}
            prev = {x: int(before[figures.STATUS_COLUMNS[x]]) for x in figures.STATUSES} if before is not None \
                else None
            _chart(m, figures.status_compare(counts, prev, config.period_label(m.sel.period),
                                             config.period_label(m.before_period or m.sel.previous)), 300,
                   "Stapeldiagram: antal aktiviteter per status, " + ", ".join(f"{k} {v}" for k, v in counts.items()),
                   "nd-bild-status")
    with right:
        a = m.analyses.get(s.malomrade)
        if m.mote and m.kiosk:  # at a meeting on the shared screen the open decisions take the assessment's room
            pass
        elif a is None:
            st.info("Ingen bedömning är skriven för målområdet och perioden ännu.", icon=":material/edit_note:")
        else:
            ui_analysis.card(a, chars=110, lines=2, size="1rem", title="Bedömning")  # room for the room's type
        if m.mote:  # a full list of overdue activities below leaves room for one line
            ui_loop.open_box(m, s.malomrade, 1 if m.kiosk or s.rows[1] - s.rows[0] >= FIRST_ROWS else ui_loop.OPEN_ROWS)
    _overdue(m, s)
    if m.mote:
        ui_loop.decision_form(m, s.malomrade)


def _overdue(m: Meeting, s: Slide) -> None:
    """The slide's slice of the målområde's overdue activities; on a continuation slide (``forsenade``) below it
    their days late as bars, filling the room the rows leave (the kiosk's CSS lets that chart grow)."""
    late = m.overdue_in(s.malomrade)
    if late.empty:
        st.success("Inga försenade aktiviteter.", icon=":material/check_circle:")
        return
    lo, hi = s.rows
    shown = f"visar {lo + 1}–{hi}" + (", fler på nästa bild" if hi < len(late) else "")
    st.subheader(f"Försenade aktiviteter: {len(late)}" + (f" ({shown})" if len(late) > hi - lo else ""))
    part = late.iloc[lo:hi]
    _table(ui.frame(part, OVERDUE_COLUMNS), OVERDUE_WIDTHS)
    if s.kind == "forsenade" and not part.empty:
        days = [int(d) if pd.notna(d) else 0 for d in part["dagar_sena"]]
        _chart(m, figures.days_late(part["aktivitet"].tolist(), days), max(240, 60 * len(part) + 80),
               "Liggande staplar: dagar sena per aktivitet, " + ", ".join(
                   f"{a} {d}" for a, d in zip(part["aktivitet"], days)), "nd-bild-sena")


def _indikatorer(m: Meeting, s: Slide) -> None:
    """Each indicator as a small chart (small multiples): its own series, the target, the direction; above it the
    latest value with a coloured arrow and the word, and how far it has come towards the target."""
    if m.changes.empty:
        st.info("Det finns inga indikatorer för urvalet.")
        return
    series = m.series if m.series is not None else pd.DataFrame(columns=["indikator", "serie", "ar", "varde"])
    own = series[series["serie"] == figures.own_series()]
    part = m.changes.iloc[s.rows[0]:s.rows[1]]
    for start in range(0, len(part), 3):
        cols = st.columns(3, gap="medium")
        for col, r in zip(cols, part.iloc[start:start + 3].itertuples()):
            values = own[own["indikator"] == r.indikator]
            look = story.outlook(values, r.malvarde, r.malar, r.riktning)
            change = room.badge(r.forandring, r.riktning) if pd.notna(r.foregaende) else ""
            way = wording.progress_to_target(look.progress, r.malar)
            with col:
                st.html(f'<div class="nd-rum nd-liten"><div title="{html.escape(r.indikator)}" style="font-weight:700;'
                        f'white-space:nowrap;overflow:hidden;text-overflow:ellipsis">{html.escape(r.indikator)}</div>'
                        f'<div style="white-space:nowrap;overflow:hidden;text-overflow:ellipsis">'
                        f'{html.escape(wording.value_with_unit(r.varde, r.enhet))} ({int(r.ar)}) {change}</div>'
                        f'<div style="line-height:1.2;height:2.4em;overflow:hidden" title="{html.escape(way)}">{html.escape(way or wording.target(r.malvarde, r.malar, r.enhet))}'
                        f'</div></div>')
                fig = figures.indicator_small(values, r.enhet, r.malvarde, r.malar, r.riktning, look)
                room.chart(fig, f"nd-liten-{s.part}-{start}-{r.Index}", f"Linjediagram: {r.indikator}, "
                           f"{wording.indicator_sentence(r.ar, r.varde, r.enhet, r.riktning, r.foregaende, r.foregaende_ar)}",
                           m.kiosk, 300)
    st.caption("Axeln visar alltid uppåt som bättre (vänd när lägre är bättre). Streckad linje: målet; "
               "prickad: trenden som en enkel linjär framskrivning.")


def _inrapportering(m: Meeting, s: Slide) -> None:
    rep = m.reporting
    missing = rep[~rep["rapporterat"]]
    if missing.empty:
        st.success(f"Alla {len(rep)} förvaltningar har rapporterat.", icon=":material/check_circle:")
    else:
        st.warning(f"{len(rep) - len(missing)} av {len(rep)} har rapporterat. Uppföljning saknas från: " +
                   ", ".join(ui.md(f"{c} ({n})") for c, n in zip(missing["forvaltning"], missing["forvaltning_namn"])),
                   icon=":material/pending_actions:")
    _table(ui.frame(rep.iloc[s.rows[0]:s.rows[1]], ["forvaltning", "forvaltning_namn", "rapporterat", "uploaded_at",
                                                     "user_name", "antal", "forsenade"]),
           [10, 30, 11, 13, 18, 9, 9], row_pad="0.55em")  # a few rows: room to breathe, the slide filled


def show(m: Meeting, s: Slide) -> None:
    """Draw one slide below its heading."""
    {"oversikt": lambda: _oversikt(m), "sedan": lambda: _sedan(m), "malomrade": lambda: _malomrade(m, s),
     "forsenade": lambda: _overdue(m, s), "indikatorer": lambda: _indikatorer(m, s),
     "inrapportering": lambda: _inrapportering(m, s),
     "beslut": lambda: ui_loop.slide_follow_up(m, _table),
     "synpunkter": lambda: ui_loop.slide_synpunkter(m, _table)}[s.kind]()

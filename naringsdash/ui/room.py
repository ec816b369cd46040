"""Built for the room: the kiosk's type scale (readable from 4 m on 1920×1080, adapting to 1366×768 and 1280×800
instead of scrolling), charts sized to the screen, the coloured change badge, the "Sedan förra mötet" data, and the
page-wide CSS that keeps every page Swedish and lets key figures wrap on a tablet."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from .. import config, story, wording
from . import analysis as ui_analysis
from . import common as ui

# The kiosk's root size: 1rem is 32,4 px on 1920×1080 (min of 1.7 % of the width and 3 % of the height), 23 px on
# 1366×768; every slide's text is set in rem, so the whole slide scales with the screen and never scrolls.
KIOSK_ROOT = "max(15px, min(1.7vw, 3vh))"
KIOSK_CHART_FONT = 28     # Plotly's text on a slide, in px (≥ 28 px at 1920×1080)

# Chart containers (by key) and the height the slide leaves them, so that nothing scrolls and little stays empty.
CHART_HEIGHTS = {
    ".st-key-nd-bild-oversikt": "calc(100vh - 13.2rem)",
    '[class*="st-key-nd-liten-"]': "max(6rem, calc((100vh - 7.5rem) / 2 - 6.6rem))",
}
# Charts that take whatever height the rest of their slide leaves (at least the given height): the målområde's
# status chart above its 0–4 overdue rows, the days-late chart below a continuation slide's rows. The slide is a
# column as high as the screen; the chart and every block around it grow into the room that is left.
FILL_CHARTS = {".st-key-nd-bild-status": "7rem", ".st-key-nd-bild-sena": "9rem"}


def _heights() -> str:
    fixed = "\n".join(f"{sel} {{ height: {h} !important; max-height: {h} !important; flex: 0 0 {h} !important; "
                       f"min-height: 0 !important; overflow: hidden; }}" for sel, h in CHART_HEIGHTS.items())
    grow = "\n".join(
        f'[data-testid="stLayoutWrapper"]:has({sel}), [data-testid="stVerticalBlock"]:has({sel}) '
        f"{{ flex: 1 1 0 !important; }}\n"
        f'[data-testid="stLayoutWrapper"]:has({sel}) > [data-testid="stHorizontalBlock"] {{ flex: 1 1 0 !important; }}\n'
        f'div[data-testid="stVerticalBlock"]{sel} {{ flex: 1 1 0 !important; height: auto !important; '
        f"min-height: {h} !important; overflow: hidden; }}" for sel, h in FILL_CHARTS.items())
    return fixed + "\n" + grow


KIOSK_CSS = f"""<style>
html {{ font-size: {KIOSK_ROOT} !important; }}
[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stDecoration"] {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 0.4rem 1.2rem 0.3rem 1.2rem !important; max-width: none !important;
  min-height: 100vh; box-sizing: border-box; display: flex; flex-direction: column; }}
.stApp, [data-testid="stMain"] {{ background: #FFFFFF; color: #000000; }}
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMarkdownContainer"] {{ font-size: 1rem; }}
h1 {{ font-size: 1.55rem !important; padding: 0 !important; line-height: 1.15 !important; }}
h3 {{ font-size: 1.1rem !important; padding: 0.2rem 0 0 0 !important; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {{ color: #222222 !important;
  opacity: 1 !important; font-size: 1rem !important; }}
[data-testid="stMetric"] {{ padding: 0.15rem 0.6rem !important; }}
[data-testid="stMetric"] > div {{ gap: 0 !important; padding: 0.2rem 0.1rem !important; }}
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] {{ font-size: 1rem !important; }}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p {{ font-size: 1.5rem !important;
  line-height: 1.2 !important; }}
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {{ font-size: 1rem !important; }}
[data-testid="stVerticalBlock"] {{ gap: 0.45rem !important; }}
[data-testid="stHorizontalBlock"] {{ gap: 0.8rem !important; }}
[data-testid="stAlert"] p {{ font-size: 1rem !important; }}
.stButton button, .stButton button p {{ font-size: 1rem !important; min-height: 1.8rem; white-space: nowrap; }}
{_heights()}
.nd-analys > div:last-child {{ font-size: 1rem !important; line-height: 1.3; }}
.nd-rum {{ font-size: 1rem; color: #000000; line-height: 1.35; }}
.nd-rum-lista {{ list-style: none; padding: 0 !important; margin: 0 !important; }}
.nd-rum-lista li {{ margin: 0.1em 0 !important; padding: 0 !important; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
</style>"""

# Every page: the uploader and the menu in Swedish, key figures that wrap on a tablet instead of being cut.
PAGE_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileUploaderDropzoneInstructions"] > div > small { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after { content: "Dra och släpp filen här (högst 25 MB)"; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] { display: none; }
[data-testid="stFileUploaderDropzone"] button span[data-has-shortcut]::after { content: "Välj fil"; }
[data-testid="stMetricValue"] > div, [data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div,
[data-testid="stMetricDelta"] div, [data-testid="stMetricDelta"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere; }
[data-testid="stMetric"] { min-width: 0; }
.st-key-nd-oversikt-lage [data-testid="stPageLink"] p { white-space: normal !important; }
@media (max-width: 1200px) {
  .st-key-nd-oversikt-lage [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; }
  .st-key-nd-oversikt-lage [data-testid="stColumn"] { flex: 1 1 100% !important; min-width: 100% !important; }
}
/* The menu's overflow ("N more") in Swedish; the pages it holds are listed when it opens. */
button[data-testid="stTopNavSection"] [data-testid="stMarkdownContainer"] { display: none; }
button[data-testid="stTopNavSection"] > span::after { content: "Fler"; }
/* Streamlit's "Page not found" notice for an unknown address, in Swedish. */
section[role="dialog"]:has(> h2[slot="title"]) > h2, section[role="dialog"]:has(> h2[slot="title"]) > div {
  display: none; }
section[role="dialog"]:has(> h2[slot="title"])::after { content: "Sidan finns inte. Startsidan visas i stället.";
  display: block; font-size: 1.1rem; padding: 0.5rem 2rem 0.5rem 0; }
@media (max-width: 900px) {
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) { flex-wrap: wrap !important; }
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) > [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 1rem) !important; min-width: calc(50% - 1rem) !important; }
}
</style>"""


# The overflow button's own text ("N more") is hidden for "Fler" above; give the button that name for screen
# readers too (axe: button-name). Once per page; the observer names a button Streamlit adds later.
_MENU_JS = """<script>
(function () {
  if (window.__ndMenuNamed) { return; }
  window.__ndMenuNamed = true;
  function name() {
    document.querySelectorAll('button[data-testid="stTopNavSection"]').forEach(function (b) {
      if (b.getAttribute('aria-label') !== 'Fler sidor') { b.setAttribute('aria-label', 'Fler sidor'); }
    });
  }
  name();
  new MutationObserver(name).observe(document.body, {childList: true, subtree: true});
})();
</script>"""


def page_css() -> None:
    """For app.py, on every page."""
    st.html(PAGE_CSS)
    st.html(_MENU_JS, unsafe_allow_javascript=True)


# --- Pieces of a slide --------------------------------------------------------------------------------------

def chart(fig, key: str, alt: str, kiosk: bool, height: int) -> None:
    """A slide's chart: in kiosk mode as high as KIOSK_CSS makes the container ``key`` (the room the slide leaves
    it on this screen) with ≥ 28 px text; else ``height`` px."""
    if kiosk:
        fig.update_layout(height=None, autosize=True, font={"size": KIOSK_CHART_FONT},
                          legend={"font": {"size": KIOSK_CHART_FONT}},
                          margin={"t": 50 if fig.layout.showlegend else 8, "b": 8, "l": 8, "r": 16})
        fig.update_xaxes(tickfont={"size": KIOSK_CHART_FONT}, title={"font": {"size": KIOSK_CHART_FONT}})
        fig.update_yaxes(tickfont={"size": KIOSK_CHART_FONT}, title={"font": {"size": KIOSK_CHART_FONT}})
        with st.container(key=key, gap=None):
            st.plotly_chart(fig, theme=None, height="stretch", alt=alt,
                            config={"displayModeBar": False, "staticPlot": True, "responsive": True})
        return
    fig.update_layout(height=height)
    st.plotly_chart(fig, theme=None, config={"displayModeBar": False, "responsive": True}, alt=alt)


def badge(delta: object, riktning: object, text: str | None = None) -> str:
    """The change as HTML: coloured arrow and the word (never colour alone), then ``text`` (escaped)."""
    j = wording.judgement(delta, riktning)
    arrow = {"förbättring": "↑", "försämring": "↓"}.get(j, "→")
    tail = f" {html.escape(text)}" if text else ""
    return (f'<span style="color:{wording.JUDGEMENT_COLORS[j]};font-weight:700">{arrow} {j}</span>'
            f'<span>{tail}</span>')


def judged_table(df: pd.DataFrame, columns: list[str], judged: str = "bedomning", key: str = "bedomd_tabell") -> None:
    """``ui.table`` with the column ``judged`` (``wording.arrow``: "↑ förbättring") in its judgement's colour:
    green for better, red for worse, grey for unchanged, the word always beside the arrow. A Styler on the
    computed column (no HTML: the cells stay text). A Styler renders every cell in Python, so past
    ``ui.PAGE_ROWS`` rows the table is paged (``ui.pager``: "Visar 1–200 av 1 000", Föregående/Nästa)."""
    n = len(df)
    lo, hi = ui.page_bounds(n, key)
    df = df.iloc[lo:hi] if hi - lo < n else df
    view, config_ = ui._table_view(df, columns, None)
    frame = view.to_pandas()
    label = wording.LABELS.get(judged, judged)
    colors = [wording.JUDGEMENT_COLORS.get(str(v).split(" ", 1)[-1], "#1A1A1A") for v in df[judged]]
    styler = frame.style.apply(lambda col: [f"color: {c}; font-weight: 700" for c in colors], subset=[label])
    st.dataframe(styler, hide_index=True, column_config=dict(config_), width="stretch")
    ui.pager(n, key)


def items(lines: list[str], limit: int) -> str:
    """A list of plain-text lines, at most ``limit`` (then "och N till"), one line each."""
    shown = [f"<li title=\"{html.escape(t)}\">{html.escape(t)}</li>" for t in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"<li>… och {len(lines) - limit} till</li>")
    return '<ul class="nd-rum-lista">' + "".join(shown) + "</ul>"


# --- Sedan förra mötet: what moved since a period --------------------------------------------------------------

SINCE = "sedan"


def since_period(periods: list[str], sel: ui.Selection) -> str | None:
    """``?sedan=2026-T1`` when it names an earlier period with data, else the period before the one shown."""
    asked = st.query_params.get(SINCE)
    if asked in periods and sel.period and asked < sel.period:
        return asked
    return sel.previous if sel.previous in periods else None


def since_data(d: ui.Data, sel: ui.Selection, since: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(activity changes, new indicator values) since the period ``since`` (empty frames when there is none)."""
    if since is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS), pd.DataFrame()
    changes = d.changes(sel, since)
    end = config.period_end(since)
    news = ui._query("indicator_news", d.db, d.version, None,
                     (("malomraden", tuple(sel.malomraden)), ("own", ui.reference().options.own_series),
                      ("since", dt.datetime(end.year, end.month, end.day, 23, 59, 59))))
    return changes, news


# The columns of ``queries.changes`` (and ``story.changes_since``), for an empty list.
CHANGE_COLUMNS = ["forvaltning", "aktivitet_id", "aktivitet", "malomrade", "status", "forsenad", "dagar_sena",
                  "kommentar", "status_fore", "forsenad_fore", "andring"]


# --- Översikt: the story in ten seconds -----------------------------------------------------------------------

CHANGES_SHOWN = 8


@dataclass(frozen=True)
class Overview:
    """What Översikt shows above its charts, derived once per data version and selection (``overview``): a warm
    page view unpickles these few strings instead of the activities of two periods."""

    sentences: tuple[str, ...]                      # the story at the top
    reported_now: int                               # förvaltningar of the selection that reported this period
    reported_before: int                            # … and the period before
    assessments: tuple[tuple[int, str | None], ...]  # målområde → Grön/Gul/Röd (None: no assessment)
    changes: tuple[tuple[str, str, int], ...]       # (line, kind, målområde) of the first CHANGES_SHOWN changes
    more_changes: int                               # how many changes are not listed
    has_previous: bool                              # is there a previous period with data to compare with?


@st.cache_data(show_spinner=False, max_entries=256)
def _overview(db: str, version: str, today: dt.date, period: str, forvaltningar: tuple[str, ...],
              malomraden: tuple[int, ...], ref_key: tuple) -> Overview:
    """``overview`` cached on the data version, the selection and the reference data it names."""
    d, sel, ref = ui.Data(db, version, today), ui.Selection(period, forvaltningar, malomraden), ui.reference()
    cmp = d.comparison(sel)
    now, before = cmp.now, cmp.before
    chosen = list(sel.malomraden or sorted(ref.malomraden))
    has_previous = sel.previous in d.periods()
    changes = d.changes(sel, sel.previous) if has_previous else pd.DataFrame(columns=CHANGE_COLUMNS)
    current = ui_analysis.current(d, sel.period)
    koder = list(sel.forvaltningar or ref.forvaltningar)

    def reported(p: str) -> int:
        rep = d.reporting(p)
        return int(rep[rep["forvaltning"].isin(koder)]["rapporterat"].sum())

    reported_now = reported(sel.period)
    assessments = {nr: a["bedomning"] for nr, a in current.items() if nr in chosen}
    sentences = story.overview_sentences(now, before, config.period_label(sel.previous) if before is not None
                                         else None, story.counts(changes)[story.BECAME_OVERDUE], assessments,
                                         chosen, reported_now, len(koder))
    listed = pd.concat([changes[changes["andring"] == story.BECAME_OVERDUE],
                        changes[changes["andring"] == story.BECAME_DONE]])  # the newly overdue first
    return Overview(tuple(sentences), reported_now, reported(sel.previous),
                    tuple((nr, str(current[nr]["bedomning"]) if nr in current else None) for nr in chosen),
                    tuple((story.change_line(r), str(r["andring"]), int(r["malomrade"]))
                          for _, r in listed.head(CHANGES_SHOWN).iterrows()),
                    max(len(listed) - CHANGES_SHOWN, 0), has_previous)


def overview(d: ui.Data, sel: ui.Selection) -> Overview:
    """Översikt's story, reporting counts, assessments and changes for the selection (cached, see Overview)."""
    ref = ui.reference()
    return _overview(d.db, d.version, d.today, sel.period, tuple(sel.forvaltningar), tuple(sel.malomraden),
                     (tuple(ref.forvaltningar.items()), tuple(ref.malomraden.items())))


def overview_story(o: Overview) -> None:
    """The period in a few generated sentences (``story.overview_sentences``) at the top of Översikt."""
    st.html('<p class="nd-berattelse" style="font-size:1.25rem;line-height:1.45;margin:0 0 0.3rem 0">'
            + html.escape(" ".join(o.sentences)) + "</p>")


def overview_assessments_and_changes(o: Overview, sel: ui.Selection) -> None:
    """Grön/Gul/Röd per målområde (always with the word) beside "Förändringar sedan förra perioden" (newly
    overdue and newly done, each linking to its målområde)."""
    ref = ui.reference()
    with st.container(key="nd-oversikt-lage"):
        left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Bedömning per målområde")
        rows = []
        for nr, word in o.assessments:
            mark = ui_analysis.light(word) if word is not None else \
                '<span style="color:#444444;font-style:italic">Ingen bedömning</span>'
            rows.append(f'<li style="margin:0.3em 0">{mark} {html.escape(f"{nr}. {ref.malomrade_name(nr)}")}</li>')
        st.html('<ul style="list-style:none;padding:0;margin:0">' + "".join(rows) + "</ul>")
    with right:
        st.subheader("Förändringar sedan förra perioden")
        if not o.has_previous:
            st.caption("Ingen tidigare period att jämföra med.")
        elif not o.changes:
            st.caption("Ingen aktivitet har blivit klar eller försenad sedan " + config.period_label(sel.previous) + ".")
        for line, kind, nr in o.changes:
            st.page_link("pages/malomrade.py", label=line,
                         icon=":material/check_circle:" if kind == story.BECAME_DONE else ":material/schedule:",
                         query_params={"period": sel.period, "malomrade": str(nr)})
        if o.more_changes:
            st.caption(f"… och {o.more_changes} till.")

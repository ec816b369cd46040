"""The Indikatorer page with Kolada data: Trelleborg against riket and similar kommuner, the source and "hämtad
<datum>" under each chart, the change judged by direction, the data table with every series.

The database holds the demo data plus a Kolada sync made against the local test server of test_kolada.py
(NARINGSDASH_KOLADA_URL points at 127.0.0.1; no test reaches the internet)."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from test_kolada import ARBETSLOSHET, NYSTARTADE, YEARS, set_kolada, stub  # noqa: F401 (stub: the local Kolada server)
from test_pages import no_exception, open_page

from naringsdash import figures, kolada, ui
from naringsdash.store import queries

SYSSELSATTA = "Sysselsatta invånare 20–65 år"
DEMO_ARBETSLOSHET = "Arbetslöshet 16–64 år"  # a workbook indicator (demo data), Trelleborg only


@pytest.fixture
def synced(stub, demo_db):  # noqa: F811 (the imported fixture)
    res = kolada.sync(demo_db, years=YEARS)
    assert res.ok, res.message
    return res


def plain(markdown: str) -> str:
    """A Markdown string from the page without ui.md's escapes."""
    return markdown.replace("\\", "")


def section(at, indikator: str) -> dict:
    """The elements drawn for one indicator: its chart (as Plotly JSON), sentence, table under it, source caption."""
    names = [plain(s.value) for s in at.subheader]
    i = names.index(indikator)
    sources = [c.value for c in at.caption if plain(c.value).startswith("Källa")]
    sentences = [m.value for m in at.markdown if plain(m.value).startswith(("20", "19"))]
    assert len(sources) == len(sentences) == len(names) == len(at.get("plotly_chart"))
    return {"figure": json.loads(at.get("plotly_chart")[i].proto.spec), "sentence": plain(sentences[i]),
            "table": at.dataframe[1 + i].value, "source": plain(sources[i])}


def test_chart_shows_trelleborg_against_the_comparison_series(synced):
    at = open_page("pages/indikatorer.py", malomrade="3")
    no_exception(at)
    s = section(at, ARBETSLOSHET)
    lines = {t["name"]: t for t in s["figure"]["data"] if t.get("mode") == "lines+markers"}
    assert list(lines) == ["Trelleborg", "Riket", "Liknande kommuner"]
    assert lines["Riket"]["y"] == pytest.approx([9.0, 8.6, 8.2]) and lines["Riket"]["x"] == YEARS
    assert lines["Trelleborg"]["y"] == pytest.approx([8.4, 8.0, 7.6])
    # Told apart without colour: every series its own dash pattern and marker; the legend names them.
    assert len({t["line"]["dash"] for t in lines.values()}) == 3
    assert len({t["marker"]["symbol"] for t in lines.values()}) == 3
    assert lines["Trelleborg"]["line"]["dash"] == "solid" and s["figure"]["layout"]["showlegend"] is True


def test_caption_names_kolada_and_the_day_it_was_fetched(synced):
    at = open_page("pages/indikatorer.py", malomrade="3")
    day = synced.fetched_at.strftime("%Y-%m-%d")
    riket_own = f"Kolada N03932, hämtad {day}"
    assert section(at, ARBETSLOSHET)["source"] == (
        f"Källa för Trelleborg och Riket: {riket_own}. Källa för Liknande kommuner: Egen beräkning: ovägt "
        f"medelvärde av 5 kommuner, data från Kolada N03932, hämtad {day}.")
    # A workbook indicator keeps its workbook source and has no fetch date.
    assert section(at, DEMO_ARBETSLOSHET)["source"] == "Källa: Demovärden (förebild: Arbetsförmedlingen)"


def test_caption_with_one_source_for_every_series(stub, demo_db):  # noqa: F811
    set_kolada(liknande_grupp="G0001")  # a Kolada group that gives no values here: Kolada's own figures only
    res = kolada.sync(demo_db, years=YEARS)
    assert res.ok, res.message
    at = open_page("pages/indikatorer.py", malomrade="3")
    assert section(at, ARBETSLOSHET)["source"] == f"Källa: Kolada N03932, hämtad {res.fetched_at:%Y-%m-%d}."


def test_lower_is_better_kpi_falling_is_an_improvement(synced):
    at = open_page("pages/indikatorer.py", malomrade="3")
    row = at.dataframe[0].value.set_index("Indikator").loc[ARBETSLOSHET]
    assert (row["År"], row["Värde"], row["Föregående år"], row["Föregående värde"]) == (2024, "7,6", 2023, "8")
    # A share's change is never given in percent of itself (only in percentage points); arrow and word.
    assert (row["Förändring"], row["Förändring (%)"], row["Bedömning"]) == ("−0,4", "", "↑ förbättring")
    assert row["Riktning"] == "Lägre är bättre"
    # In words under the heading: a change in a share is in percentage points, and riket's value is named.
    assert section(at, ARBETSLOSHET)["sentence"] == (
        "2024: 7,6\u00a0%, förbättring med 0,4 procentenheter sedan 2023. "
        "Samma år: Riket 8,2\u00a0%, Liknande kommuner 7,7\u00a0%.")  # a share changes in procentenheter only
    # Higher is better and it fell: a deterioration.
    at = open_page("pages/indikatorer.py", malomrade="4")
    assert at.dataframe[0].value.set_index("Indikator").loc[NYSTARTADE, "Bedömning"] == "↓ försämring"


def test_data_table_holds_every_series_per_year(synced, demo_db):
    at = open_page("pages/indikatorer.py", malomrade="3")
    table = section(at, ARBETSLOSHET)["table"]
    assert list(table.columns) == ["År", "Trelleborg (%)", "Riket (%)", "Liknande kommuner (%)"]
    assert table["År"].tolist() == YEARS
    assert table["Riket (%)"].tolist() == ["9", "8,6", "8,2"]
    assert table["Trelleborg (%)"].tolist() == ["8,4", "8", "7,6"]
    stored = queries.indicators(demo_db)
    riket = stored[(stored.indikator == ARBETSLOSHET) & (stored.serie == "Riket")]
    assert [ui.number(v) for v in riket.varde] == table["Riket (%)"].tolist()


def test_a_new_sync_shows_at_once(synced, stub, demo_db):  # noqa: F811
    at = open_page("pages/indikatorer.py", malomrade="3")
    assert section(at, ARBETSLOSHET)["table"]["Riket (%)"].tolist()[-1] == "8,2"
    stub.data = "revised"
    assert kolada.sync(demo_db, years=YEARS).ok
    at.run()
    no_exception(at)
    assert section(at, ARBETSLOSHET)["table"]["Riket (%)"].tolist()[-1] == "8"


# --- The figure on its own ---------------------------------------------------------------------------

def _values(series: dict[str, list[float]], years=(2022, 2023, 2024)) -> pd.DataFrame:
    return pd.DataFrame([{"serie": s, "ar": y, "varde": v} for s, vs in series.items() for y, v in zip(years, vs)])


def test_figure_orders_and_styles_the_series_and_keeps_the_target_label_whole():
    values = _values({"Liknande kommuner": [3, 4, 5], "Riket": [2, 3, 4], "Trelleborg": [1, 2, 3],
                      "Skåne": [5, 5, 5]})
    fig = figures.indicator(values, "%", 10, 2030)
    names = [t.name for t in fig.data]
    assert names == ["Trelleborg", "Riket", "Liknande kommuner", "Skåne", "Mål till 2030"]
    styles = [(t.line.dash, t.line.color, t.marker.symbol) for t in fig.data[:4]]
    assert len(set(styles)) == 4 and len({s[0] for s in styles}) == 4 and len({s[1] for s in styles}) == 4
    assert fig.layout.shapes[0].line.dash not in {s[0] for s in styles}  # the target line is not a series
    star = fig.data[-1]
    assert star.text == ("Mål 10 till 2030",) and star.cliponaxis is False
    assert fig.layout.yaxis.range[1] > 10 * 1.15 and fig.layout.showlegend


def test_figure_with_the_own_series_only_is_as_before():
    fig = figures.indicator(_values({"Trelleborg": [5, 6, 7]}), None, None, None)
    assert [t.name for t in fig.data] == ["Trelleborg"] and not fig.layout.showlegend
    assert fig.data[0].line.dash == "solid" and fig.data[0].line.color == figures.PRIMARY


def test_figure_built_without_validation_is_a_valid_figure():
    """indicator() skips Plotly's checks for speed; a validated rebuild of it must be accepted and be the same."""
    values = _values({"Trelleborg": [1.5, 2, 3], "Riket": [2, 3, 4], "Liknande kommuner": [3, None, 5]})
    fig = figures.indicator(values, "<b>%</b>", 10, 2030)
    again = go.Figure(fig.to_plotly_json())  # raises on any invalid property
    assert json.loads(again.to_json()) == json.loads(fig.to_json())
    assert "<b>" not in fig.to_json()

"""Every dashboard page through Streamlit's AppTest on real DuckDB files: no exception, the numbers on the page
equal what the queries return, filters and deep links select the right view, the guard keeps pages closed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from naringsdash import auth, config, figures, ingest, ui, wording
from naringsdash.store import queries

from conftest import ROOT, activity, no_exception, open_page, write_xlsx

PAGE_FILES = [p.file for p in ui.PAGES]


def app(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query)
    return at.run()



def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def set_setting(key: str, value: bool) -> None:
    ref = config.load_reference()
    ref.settings[key] = value
    config.save_reference(ref)



@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_renders_on_the_demo_data(demo_db, page):
    at = open_page(page)
    no_exception(at)
    assert at.title and not at.warning and not at.error
    assert at.query_params["period"] == queries.latest_period(demo_db)


def test_start_page_is_oversikt_with_the_latest_period(demo_db):
    at = app()
    no_exception(at)
    assert at.title[0].value == "Översikt"
    assert at.selectbox(key="urval_period").value == queries.latest_period(demo_db) == "2026-T2"


def test_oversikt_numbers_equal_the_queries(demo_db):
    at = open_page("pages/oversikt.py", period="2025-T3")
    no_exception(at)
    row = queries.summary(demo_db).set_index("period").loc["2025-T3"]
    overdue = queries.overdue("2025-T3", demo_db)
    assert metric(at, "Aktiviteter") == str(int(row["antal"]))
    assert metric(at, "Andel klara") == f"{row['andel_klara']:.1f}\u00a0%".replace(".", ",")  # non-breaking space
    assert metric(at, "Försenade") == str(len(overdue)) == str(int(row["forsenade"]))
    reported = int(queries.reporting("2025-T3", demo_db)["rapporterat"].sum())
    assert metric(at, "Har rapporterat") == f"{reported} av 7"
    progress = at.dataframe[0].value
    assert progress["Aktiviteter"].tolist() == queries.progress("2025-T3", demo_db)["antal"].tolist()


def test_overdue_count_on_oversikt_equals_the_rows_on_forsenade(demo_db):
    at = open_page("pages/oversikt.py")
    shown = int(metric(at, "Försenade"))
    at.switch_page("pages/forsenade.py").run()
    no_exception(at)
    table = at.dataframe[0].value
    assert len(table) == shown == int(metric(at, "Försenade aktiviteter")) > 0
    expected = queries.overdue(queries.latest_period(demo_db), demo_db)
    assert table["ID"].tolist() == expected["aktivitet_id"].tolist()
    assert table["Dagar sena"].tolist() == sorted(table["Dagar sena"].tolist(), reverse=True)
    assert [b.label for b in at.get("download_button")] == ["Ladda ner Excel", "Ladda ner CSV"]


def test_filters_change_the_result_and_the_url(demo_db):
    at = open_page("pages/forsenade.py", period="2025-T3")
    everyone = len(at.dataframe[0].value)
    at.multiselect(key="urval_forvaltning").set_value(["SBF", "TSF"]).run()
    no_exception(at)
    table = at.dataframe[0].value
    expected = queries.overdue("2025-T3", demo_db, forvaltningar=["SBF", "TSF"])
    assert len(table) == len(expected) < everyone
    assert set(table["Förvaltning"]) == {"SBF", "TSF"}
    assert at.query_params["forvaltning"] == "SBF,TSF" and at.query_params["period"] == "2025-T3"
    at.multiselect(key="urval_malomrade").set_value([1]).run()
    expected = queries.overdue("2025-T3", demo_db, forvaltningar=["SBF", "TSF"], malomraden=[1])
    assert metric(at, "Försenade aktiviteter") == str(len(expected)) and len(expected) < len(table)
    at.selectbox(key="urval_period").set_value("2024-T2").run()
    assert at.query_params == {"period": "2024-T2", "forvaltning": "SBF,TSF", "malomrade": "1"}


def test_deep_link_opens_exactly_that_view(demo_db):
    at = open_page("pages/forsenade.py", period="2025-T1", forvaltning="KLF,AMF", malomrade="1,3")
    no_exception(at)
    assert at.selectbox(key="urval_period").value == "2025-T1"
    assert at.multiselect(key="urval_forvaltning").value == ["KLF", "AMF"]
    assert at.multiselect(key="urval_malomrade").value == [1, 3]
    expected = queries.overdue("2025-T1", demo_db, forvaltningar=["KLF", "AMF"], malomraden=[1, 3])
    assert at.dataframe[0].value["ID"].tolist() == expected["aktivitet_id"].tolist()


def test_malomrade_page_deep_link_and_numbers(demo_db):
    at = open_page("pages/malomrade.py", period="2025-T2", malomrade="4")
    no_exception(at)
    assert at.title[0].value.startswith("Målområde 4")
    acts = queries.activities("2025-T2", demo_db, malomraden=[4])
    assert metric(at, "Aktiviteter") == str(len(acts))
    assert at.dataframe[-1].value["ID"].tolist() == acts["aktivitet_id"].tolist()
    mix = at.dataframe[0].value.set_index("Status")
    before = queries.progress("2025-T1", demo_db, malomraden=[4]).iloc[0]
    assert mix.loc["Klar", "2025 T1"] == before["klar"]
    at.selectbox(key="urval_malomrade_en").set_value(2).run()
    assert at.title[0].value.startswith("Målområde 2") and at.query_params["malomrade"] == "2"


def test_selection_follows_the_user_to_another_page(demo_db):
    at = open_page("pages/oversikt.py")
    at.selectbox(key="urval_period").set_value("2024-T3").run()
    at.multiselect(key="urval_forvaltning").set_value(["BIF"]).run()
    at.switch_page("pages/inrapportering.py")
    at.query_params.clear()  # the browser drops the query string when the menu switches page
    at.run()
    no_exception(at)
    assert at.selectbox(key="urval_period").value == "2024-T3"
    assert at.query_params == {"period": "2024-T3", "forvaltning": "BIF"}
    assert at.dataframe[0].value["Förvaltning"].tolist() == ["BIF"]


def test_unknown_values_in_a_link_are_ignored(demo_db):
    at = open_page("pages/forsenade.py", period="1999-T9", forvaltning="XYZ,klf", malomrade="9,x,2")
    no_exception(at)
    assert at.query_params == {"period": "2026-T2", "forvaltning": "KLF", "malomrade": "2"}


def test_indikatorer_shows_change_judged_by_direction_and_a_chart_with_table_per_indicator(demo_db):
    at = open_page("pages/indikatorer.py", malomrade="1")
    no_exception(at)
    changes = at.dataframe[0].value.set_index("Indikator")
    expected = queries.indicator_changes(demo_db, malomraden=[1])
    assert len(changes) == len(expected) == 3
    ranking = changes.loc["Svenskt Näringslivs ranking av företagsklimatet"]
    assert (ranking["Värde"], ranking["Föregående värde"], ranking["Bedömning"]) == ("133", "141", "↑ förbättring")
    assert len(at.get("plotly_chart")) == 3
    assert len(at.dataframe) == 1 + 3          # the change table, then one table under each chart
    assert [s.value for s in at.subheader] == [ui.md(n) for n in expected["indikator"]]


def test_indikatorer_paginates_the_charts(demo_db):
    at = open_page("pages/indikatorer.py")
    n = len(queries.indicator_changes(demo_db))
    assert len(at.get("plotly_chart")) == min(n, 6)


def test_inrapportering_lists_what_is_missing(demo_db, tmp_path):
    at = open_page("pages/inrapportering.py", period="2026-T2")
    assert metric(at, "Har rapporterat") == "7 av 7" and at.success
    # A new period where only KLF has reported so far.
    f = write_xlsx(tmp_path / "klf.xlsx", [activity(1, Slutdatum=dt.date(2026, 12, 31))])
    assert ingest.import_file(f, db=demo_db, forvaltning="KLF", period="2026-T3").ok
    at = open_page("pages/inrapportering.py", period="2026-T3")
    no_exception(at)
    assert metric(at, "Har rapporterat") == "1 av 7" and metric(at, "Saknas") == "6"
    assert at.warning[0].value.startswith("2026 T3 pågår")  # the banner of a period being reported
    assert "SBF" in at.warning[1].value and "KLF" not in at.warning[1].value
    table = at.dataframe[0].value.set_index("Förvaltning")
    assert table.loc["KLF", "Rapporterat"] == "Ja" and table.loc["SBF", "Rapporterat"] == "Nej"


def test_an_upload_shows_at_once(demo_db, tmp_path):
    at = open_page("pages/forsenade.py", forvaltning="KLF")
    before = len(at.dataframe[0].value)
    assert before > 0
    # The command line (another process, same file) replaces KLF's current version with one late activity.
    f = write_xlsx(tmp_path / "klf.xlsx", [activity(1, Status="Försenad", Slutdatum=dt.date(2026, 6, 30))])
    assert ingest.import_file(f, db=demo_db, forvaltning="KLF", period="2026-T2").ok
    at.run()
    assert at.dataframe[0].value["ID"].tolist() == ["A-01"]


@pytest.mark.parametrize("page", PAGE_FILES)
def test_pages_are_closed_without_a_user(demo_db, page):
    """Run each page file on its own, as a fresh server does for /<page> (the auto-discovered pages/ folder)."""
    set_setting("anonyma_lasare", False)
    at = AppTest.from_file(str(ROOT / page), default_timeout=60).run()
    no_exception(at)
    assert "logga in" in at.warning[0].value
    # Only the login form (a direct link signs in and lands on the page), nothing of the page itself.
    assert [t.value for t in at.title] == ["Logga in"]
    assert not at.dataframe and not at.metric and not at.get("plotly_chart")


def test_without_a_user_the_start_page_only_asks_to_log_in(demo_db):
    set_setting("anonyma_lasare", False)
    at = app()
    no_exception(at)
    assert "logga in" in at.warning[0].value and not at.metric


def test_a_logged_in_user_sees_the_pages(demo_db):
    set_setting("anonyma_lasare", False)
    auth.add_user("lasse", "lasare", None, db=demo_db)  # a session's account must exist (pages check it every run)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = auth.User("lasse", "lasare")
    at.run()
    at.switch_page("pages/forsenade.py").run()
    no_exception(at)
    assert at.title[0].value == "Försenade aktiviteter" and not at.warning


@pytest.mark.parametrize("page", PAGE_FILES)
def test_empty_database_says_what_to_do(db, page):
    set_setting("demo", False)
    at = open_page(page)
    no_exception(at)
    assert "python -m naringsdash demo" in at.info[0].value


def test_first_start_loads_the_demo_data_when_the_setting_is_on(db):
    assert queries.periods(db) == []
    at = app()
    no_exception(at)
    assert queries.periods(db)[0] == "2026-T2"
    assert metric(at, "Har rapporterat") == "7 av 7"


def test_user_text_is_escaped_in_markdown_and_charts(db, tmp_path):
    name = "**Fet** <b>html</b> [länk](http://example.com) :red[röd]"
    wb = write_xlsx(tmp_path / "ind.xlsx", [[name, 1, "st", "Högre är bättre", 10, 2030, "<i>källa</i>", 5, 6]],
                    headers=["Indikator", "Målområde", "Enhet", "Riktning", "Målvärde", "Målår", "Källa", 2023,
                             2024],
                    sheet="Indikatorer")
    assert ingest.import_file(wb, db=db).ok
    at = open_page("pages/indikatorer.py")
    no_exception(at)
    assert at.subheader[0].value == ui.md(name)
    assert not re.search(r"(?<!\\)[*\[\]<>:]", at.subheader[0].value)
    fig = figures.indicator(queries.indicators(db), "<b>st</b>", 10, 2030)
    assert "<b>" not in fig.to_json()


def test_status_palette_is_complete_and_written_out():
    assert set(figures.STATUS_COLORS) == set(figures.STATUS_PATTERNS) == set(figures.STATUSES)
    assert len(set(figures.STATUS_COLORS.values())) == len(figures.STATUSES)
    fig = figures.progress_bars(_progress_rows(), {1: "Ett"})
    assert [t.name for t in fig.data] == list(figures.STATUSES)
    assert fig.layout.separators == ", "


def _progress_rows():
    import pandas as pd

    return pd.DataFrame([{"malomrade": 1, "antal": 3, "ej_paborjad": 0, "pagar": 1, "forsenad_status": 1, "klar": 1,
                          "avbruten": 0, "forsenade": 1, "andel_klara": 33.3, "snitt_andel_klar": 60.0}])


def test_indikatorer_page_two_then_a_filter_with_fewer_indicators(demo_db):
    at = open_page("pages/indikatorer.py")
    at.pagination[0].set_value(2).run()
    no_exception(at)
    names = [s.value for s in at.subheader]
    assert names == [ui.md(n) for n in queries.indicator_changes(demo_db)["indikator"].iloc[6:12]]
    at.multiselect(key="urval_malomrade").set_value([2]).run()
    no_exception(at)
    assert len(at.get("plotly_chart")) == 1


def test_indikatorer_table_colours_the_change_after_the_direction(demo_db, tmp_path):
    """The change column: a coloured arrow and the word, green for better and red for worse after the indicator's
    direction (a longer handläggningstid is worse, a lower NKI too), as a style on the text, never HTML."""
    import openpyxl

    wb = openpyxl.load_workbook(ROOT / "data" / "demo" / "indikatorer.xlsx")
    ws = wb["Indikatorer"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Handläggningstid bygglov, median":
            row[-1].value = row[-2].value + 5          # lower is better: up is a försämring
        elif str(row[0].value).startswith("Nöjd Kund Index"):
            row[-1].value = row[-2].value - 2          # higher is better: down is a försämring
    wb.save(tmp_path / "indikatorer.xlsx")
    assert ingest.import_file(tmp_path / "indikatorer.xlsx", db=demo_db).ok
    at = open_page("pages/indikatorer.py", malomrade="1")
    no_exception(at)
    table = at.dataframe[0]
    view = table.value.set_index("Indikator")
    assert view.loc["Handläggningstid bygglov, median", "Bedömning"] == "↓ försämring"
    assert view.loc["Svenskt Näringslivs ranking av företagsklimatet", "Bedömning"] == "↑ förbättring"
    styles = table.proto.arrow_data.styler.styles
    col = table.value.columns.get_loc("Bedömning")
    colour = {}
    for rule in re.findall(r"([^{}]+)\{([^}]*)\}", styles):
        for cell in re.findall(r"row(\d+)_col(\d+)", rule[0]):
            if int(cell[1]) == col:
                colour[int(cell[0])] = re.search(r"color: (#[0-9A-Fa-f]{6})", rule[1]).group(1)
    words = table.value["Bedömning"].tolist()
    assert {words[r]: c for r, c in colour.items()} == {"↑ förbättring": wording.JUDGEMENT_COLORS["förbättring"],
                                                          "↓ försämring": wording.JUDGEMENT_COLORS["försämring"]}
    assert len(colour) == len(words) == 3

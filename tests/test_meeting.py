"""Mötesläge, the analysis text and the report page through Streamlit's AppTest on real DuckDB files: every slide of
the demo data, next/previous in step with the URL, deep links, the kiosk display without navigation, the editor only
for an admin, and the report as a download built in the worker process (Excel here; the PDF and Word documents are
tested in test_report.py)."""

from __future__ import annotations

import html
import io
import re

import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from naringsdash import analysis, auth, config, demo, ui
from naringsdash.store import queries
from naringsdash.ui import slides as ui_slides

from conftest import ROOT, no_exception, open_page

PAGE = "pages/moteslage.py"
ADMIN = auth.User("chef", "admin", display_name="Maria Nilsson")
LASARE = auth.User("lasse", "lasare")


def set_setting(key: str, value: bool) -> None:
    ref = config.load_reference()
    ref.settings[key] = value
    config.save_reference(ref)




def heading(at: AppTest) -> str:
    """The slide's heading: st.header on the page, st.title in kiosk mode."""
    return at.header[0].value if at.header else at.title[0].value


def slide_table(at: AppTest) -> list[list[str]]:
    """The slide's table as rows of cell texts, the header first ([] when the slide has none)."""
    body = next((h.value for h in at.html if "nd-bildtabell" in h.value), "")
    return [[html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def expected_slides(db, period: str, **filters) -> list[ui_slides.Slide]:
    names = config.load_reference().malomraden
    late = queries.overdue(period, db, **filters).groupby("malomrade").size().to_dict()
    rep = queries.reporting(period, db)
    if filters.get("forvaltningar"):
        rep = rep[rep["forvaltning"].isin(filters["forvaltningar"])]
    nrs = filters.get("malomraden") or sorted(names)
    return ui_slides.plan({nr: names[nr] for nr in nrs}, {int(k): int(v) for k, v in late.items()},
                           len(queries.indicator_changes(db, malomraden=filters.get("malomraden"))), len(rep))


@pytest.mark.parametrize(("late", "rows"), [
    (0, [(0, 0)]), (4, [(0, 4)]),
    # Spread evenly over the slides needed, never a lonely row or two on a continuation slide.
    (5, [(0, 3), (3, 5)]), (6, [(0, 3), (3, 6)]), (7, [(0, 4), (4, 7)]),
    (4 + ui_slides.MORE_ROWS, [(0, 4), (4, 4 + ui_slides.MORE_ROWS)]),
    (5 + ui_slides.MORE_ROWS, [(0, 4), (4, 4 + ui_slides.MORE_ROWS // 2 + 1),
                               (4 + ui_slides.MORE_ROWS // 2 + 1, 5 + ui_slides.MORE_ROWS)]),
])
def test_plan_continues_a_long_overdue_list_on_extra_slides(late, rows):
    assert ui_slides.FIRST_ROWS == 4
    slides = ui_slides.plan({1: "Ett", 2: "Två"}, {2: late}, indicators=0, forvaltningar=7)
    assert [s.kind for s in slides[:3]] == ["oversikt", "sedan", "malomrade"]
    two = [s for s in slides if s.malomrade == 2]
    assert [s.rows for s in two] == rows
    assert [s.kind for s in two] == ["malomrade"] + ["forsenade"] * (len(rows) - 1)
    assert two[0].title == "Målområde 2. Två" and all("försenade aktiviteter" in s.title for s in two[1:])
    sizes = [hi - lo for lo, hi in rows[1:]]
    assert not sizes or max(sizes) - min(sizes) <= 1 and max(sizes) <= ui_slides.MORE_ROWS
    assert [s.kind for s in slides[-2:]] == ["indikatorer", "inrapportering"]


def test_meeting_walks_through_every_slide_of_the_demo_data(demo_db):
    period = "2025-T3"  # målområde 3 has six overdue activities: a continuation slide
    expected = expected_slides(demo_db, period)
    assert any(s.kind == "forsenade" for s in expected)
    at = open_page(PAGE, period=period)
    no_exception(at)
    assert at.title[0].value == "Mötesläge"
    shown, late_names = [], []
    for i in range(1, len(expected) + 1):
        no_exception(at)
        assert at.query_params["slide"] == str(i) and at.query_params["period"] == period
        shown.append(heading(at))
        s = expected[i - 1]
        rows = slide_table(at)
        if s.kind in ("malomrade", "forsenade") and rows:
            assert rows[0] == ["Aktivitet", "Förvaltning", "Dagar sena", "Senaste kommentar"]
            late_names += [r[0] for r in rows[1:]]
        if s.kind == "malomrade":
            assert [m.label for m in at.metric] == ["Aktiviteter", "Andel klara", "Försenade", "Snitt andel klart"]
            assert at.get("plotly_chart")
        nxt = at.button(key="mote_nasta")
        assert nxt.disabled == (i == len(expected))
        if i < len(expected):
            nxt.click().run()
    assert shown == [ui.md(s.title) for s in expected]
    overdue = queries.overdue(period, demo_db).sort_values("malomrade", kind="stable")
    assert late_names == overdue["aktivitet"].tolist()   # every overdue activity, each once, in order


def test_previous_and_next_keep_step_with_the_url(demo_db):
    expected = expected_slides(demo_db, "2026-T2")
    at = open_page(PAGE, period="2026-T2", slide="4")
    no_exception(at)
    assert heading(at) == ui.md(expected[3].title)
    at.button(key="mote_foregaende").click().run()
    assert at.query_params["slide"] == "3" and heading(at) == ui.md(expected[2].title)
    at.button(key="mote_nasta").click().run()
    at.button(key="mote_nasta").click().run()
    assert at.query_params["slide"] == "5" and heading(at) == ui.md(expected[4].title)
    assert at.query_params["period"] == "2026-T2"
    # The sidebar's "Gå till bild" goes to any slide and the URL follows.
    at.selectbox(key="mote_bild").set_value(len(expected)).run()
    assert at.query_params["slide"] == str(len(expected)) and heading(at) == "Inrapportering"
    assert at.button(key="mote_nasta").disabled and not at.button(key="mote_foregaende").disabled


def test_a_deep_link_opens_that_slide_with_its_filters(demo_db):
    at = open_page(PAGE, period="2025-T3", malomrade="3", forvaltning="AMF,BIF", slide="3")
    no_exception(at)
    assert heading(at) == ui.md("Målområde 3. Kompetensförsörjning")
    assert at.query_params == {"period": "2025-T3", "malomrade": "3", "forvaltning": "AMF,BIF", "slide": "3"}
    late = queries.overdue("2025-T3", demo_db, forvaltningar=["AMF", "BIF"], malomraden=[3])
    assert next(m.value for m in at.metric if m.label == "Försenade") == str(len(late))
    expected = expected_slides(demo_db, "2025-T3", forvaltningar=["AMF", "BIF"], malomraden=[3])
    assert at.selectbox(key="mote_bild").options == [f"{i}. {s.title}" for i, s in enumerate(expected, 1)]
    # The agenda's links name each slide with the same period and filters.
    links = at.code[0].value
    assert "slide=2" in links and "period=2025-T3" in links and "forvaltning=AMF%2CBIF" in links


@pytest.mark.parametrize(("asked", "shown"), [("999", "last"), ("0", 1), ("abc", 1)])
def test_a_slide_number_out_of_range_opens_the_nearest(demo_db, asked, shown):
    n = len(expected_slides(demo_db, "2026-T2"))
    at = open_page(PAGE, period="2026-T2", slide=asked)
    no_exception(at)
    assert at.query_params["slide"] == str(n if shown == "last" else shown)


@pytest.fixture
def positions(monkeypatch) -> list[str]:
    """The position app.py gives st.navigation on each run."""
    seen: list[str] = []
    real = st.navigation

    def spy(pages, *, position="sidebar", **kw):
        seen.append(position)
        return real(pages, position=position, **kw)

    monkeypatch.setattr(st, "navigation", spy)
    return seen


def test_kiosk_hides_the_navigation(demo_db, positions):
    """app.py builds the menu; with ?kiosk=1 its position is hidden (AppTest runs app.py on the first run only)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(kiosk="1")
    at.run()
    no_exception(at)
    assert positions == ["hidden"]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(embed="true")      # Streamlit's own embed option does not hide our menu
    at.run()
    assert positions == ["hidden", "top"]


def test_kiosk_meeting_has_no_sidebar_and_the_slide_title_on_top(demo_db):
    at = open_page(PAGE, period="2026-T2", slide="5", kiosk="1")
    no_exception(at)
    assert not at.sidebar.children                            # no filters, no meeting controls
    assert at.title[0].value == ui.md("Målområde 3. Kompetensförsörjning")  # the slide's title is the page's
    assert len(at.title) == 1 and not at.header
    assert not at.code and not at.expander                   # no agenda links, nothing below the slide
    at.button(key="mote_nasta").click().run()
    assert at.query_params["slide"] == "6" and at.query_params["kiosk"] == "1"
    at.button(key="mote_avsluta").click().run()
    no_exception(at)
    assert "kiosk" not in at.query_params and at.query_params["slide"] == "6"
    assert at.sidebar.children and at.title[0].value == "Mötesläge"


def test_a_lasare_can_run_the_meeting(demo_db):
    set_setting("anonyma_lasare", False)
    at = open_page(PAGE, user=LASARE, period="2026-T2")
    no_exception(at)
    assert not at.warning and heading(at) == "Översikt"
    at.button(key="mote_nasta").click().run()
    no_exception(at)
    assert at.query_params["slide"] == "2" and heading(at) == "Sedan förra mötet"


def test_the_meeting_shows_the_analysis_with_its_traffic_light_word(demo_db):
    at = open_page(PAGE, period="2026-T2", slide="5")
    no_exception(at)
    word, text = demo.ANALYSES["2026-T2"][3]
    card = next(h.value for h in at.html if "nd-analys" in h.value)
    assert f">{word}</span>" in card and "Bedömning" in card
    assert text.split("\n")[0][:60] in card
    overview = open_page(PAGE, period="2026-T2", slide="1")
    marks = next(h.value for h in overview.html if "<ul" in h.value)
    assert [w for w in ("Grön", "Gul", "Röd") if f">{w}</span>" in marks] == ["Grön", "Gul", "Röd"]


def test_automatic_advance_from_the_url(demo_db):
    at = open_page(PAGE, period="2026-T2", auto="2")
    no_exception(at)
    assert at.number_input(key="mote_auto").value == 5           # at least five seconds per slide
    at.number_input(key="mote_auto").set_value(0).run()
    assert "auto" not in at.query_params
    at.number_input(key="mote_auto").set_value(30).run()
    assert at.query_params["auto"] == "30" and at.query_params["slide"] == "1"


# --- The analysis text on the Målområde page ------------------------------------------------------------------


@pytest.fixture
def admin(demo_db) -> auth.User:
    """The admin as stored in the users table (writes check the stored role)."""
    return auth.add_user(ADMIN.username, "admin", display_name=ADMIN.display_name, db=demo_db)


def test_the_analysis_editor_is_only_for_an_admin(demo_db, admin):
    set_setting("anonyma_lasare", False)
    reader = open_page("pages/malomrade.py", user=LASARE, period="2026-T2", malomrade="3")
    no_exception(reader)
    word, text = demo.ANALYSES["2026-T2"][3]
    card = next(h.value for h in reader.html if "nd-analys" in h.value)
    assert f">{word}</span>" in card and "Näringslivsavdelningen" in card
    assert not reader.text_area and not reader.radio
    at = open_page("pages/malomrade.py", user=admin, period="2026-T2", malomrade="3")
    no_exception(at)
    assert at.text_area(key="analys_text_3_2026-T2").value == text
    assert at.radio(key="analys_bedomning_3_2026-T2").value == word


def test_saving_an_analysis_shows_the_new_text_and_keeps_the_old_one(demo_db, admin):
    at = open_page("pages/malomrade.py", user=admin, period="2026-T2", malomrade="3")
    new = "Ny bedömning <b>inte fet</b> **inte heller** & mer\nAndra raden."
    at.radio(key="analys_bedomning_3_2026-T2").set_value("Gul")
    at.text_area(key="analys_text_3_2026-T2").input(new)
    at.button(key="analys_spara_3_2026-T2").click().run()
    no_exception(at)
    assert at.success[0].value == "Analysen är sparad."
    card = next(h.value for h in at.html if "nd-analys" in h.value)
    assert ">Gul</span>" in card and "Ny bedömning &lt;b&gt;inte fet&lt;/b&gt; **inte heller** &amp; mer" in card
    assert "Maria Nilsson" in card and "(version 2)" in card
    assert "<b>inte fet</b>" not in card
    history = [h.value for h in at.html if "nd-analys" in h.value][1:]
    assert len(history) == 1 and "Näringslivsavdelningen" in history[0]       # the earlier version, in the expander
    assert at.expander[0].label == "Tidigare versioner (1)"
    cur = analysis.current("2026-T2", demo_db).set_index("malomrade").loc[3]
    assert (cur["bedomning"], cur["text"], cur["user_name"]) == ("Gul", new, "Maria Nilsson")


def test_an_empty_analysis_is_refused_with_a_message(demo_db, admin):
    at = open_page("pages/malomrade.py", user=admin, period="2026-T2", malomrade="3")
    at.text_area(key="analys_text_3_2026-T2").input("   ")
    at.button(key="analys_spara_3_2026-T2").click().run()
    no_exception(at)
    assert "får inte vara tom" in at.error[0].value
    assert len(analysis.history(3, "2026-T2", demo_db)) == 1


def test_a_session_whose_account_was_demoted_cannot_save(demo_db, admin):
    at = open_page("pages/malomrade.py", user=admin, period="2026-T2", malomrade="3")
    auth.update_user(admin.username, demo_db, role="lasare")          # by another admin, after this sign-in
    at.text_area(key="analys_text_3_2026-T2").input("Skrivet efter att rollen ändrats.")
    at.button(key="analys_spara_3_2026-T2").click().run()
    no_exception(at)
    assert "behörighet" in at.error[0].value
    assert len(analysis.history(3, "2026-T2", demo_db)) == 1


def test_demo_analyses_are_seeded_once_and_never_over_a_real_one(demo_db):
    db = demo_db   # demo.load() once already (the session's copy): the second load is the one under test
    assert set(analysis.current("2026-T2", db)["malomrade"]) == set(demo.ANALYSES["2026-T2"])
    analysis.save(2, "2026-T2", "Röd", "Egen bedömning.", ADMIN, db)
    demo.load(db)
    assert analysis.current("2026-T2", db).set_index("malomrade").loc[2, "text"] == "Egen bedömning."
    assert len(analysis.history(1, "2026-T2", db)) == 1 and len(analysis.history(2, "2026-T2", db)) == 2


# --- The report page ----------------------------------------------------------------------------------------


def test_report_page_builds_the_excel_file_on_request(demo_db, monkeypatch):
    """The page builds in the worker process (python -m naringsdash report) with a progress bar, then offers it."""
    from naringsdash.ui import report as ui_report

    built: list[tuple[str, str, bytes]] = []
    steps: list[float] = []
    real = ui_report.run_worker

    def spy(period, fmt, db, today, on_progress):
        data = real(period, fmt, db, today, lambda f, what: (steps.append(f), on_progress(f, what)))
        built.append((period, fmt, data))
        return data

    monkeypatch.setattr(ui_report, "run_worker", spy)
    at = open_page("pages/rapport.py", period="2025-T3")
    no_exception(at)
    assert at.title[0].value == "Rapport till kommunstyrelsen"
    assert [b.label for b in at.button] == ["Skapa PDF", "Skapa Word", "Skapa Excel"]
    assert not at.get("download_button") and not built           # nothing is built before it is asked for
    assert not at.code                                           # no command line for the politicians
    at.button(key="rapport_skapa_xlsx").click().run()
    no_exception(at)
    assert [b.label for b in at.get("download_button")] == ["Ladda ner Excel"]
    assert [(p, f) for p, f, _ in built] == [("2025-T3", "xlsx")]
    assert steps[-1] == 1.0 and steps == sorted(steps)
    wb = load_workbook(io.BytesIO(built[0][2]))
    assert wb["Försenade"].max_row - 1 == len(queries.overdue("2025-T3", demo_db))
    at.run()                                                     # the file stays offered, from the cache
    assert [b.label for b in at.get("download_button")] == ["Ladda ner Excel"] and len(built) == 1


def test_report_page_shows_a_worker_failure_in_swedish(demo_db, monkeypatch):
    from naringsdash.ui import report as ui_report

    def broken(*args):
        raise ui_report.WorkerError("exit code 1")

    monkeypatch.setattr(ui_report, "run_worker", broken)
    at = open_page("pages/rapport.py", period="2025-T2")
    at.button(key="rapport_skapa_pdf").click().run()
    no_exception(at)
    assert "PDF kunde inte skapas just nu" in at.error[0].value and not at.get("download_button")


def test_slide_tables_are_plain_text_on_one_line_per_row(demo_db, tmp_path):
    """User text is escaped, never HTML or Markdown; long text is cut by the browser (…), the whole of it in the
    cell's title."""
    from naringsdash import ingest

    from conftest import activity, write_xlsx

    name = "<b>Fet</b> **stjärnor** [länk](http://example.com) " + "mycket lång text " * 20
    f = write_xlsx(tmp_path / "klf.xlsx", [activity(1, Status="Försenad", Aktivitet=name, **{"Målområde": 2})])
    assert ingest.import_file(f, db=demo_db, forvaltning="KLF", period="2026-T3").ok
    at = open_page(PAGE, period="2026-T3", slide="4")
    no_exception(at)
    rows = slide_table(at)
    assert rows[1][0] == name.strip()
    body = next(h.value for h in at.html if "nd-bildtabell" in h.value)
    assert "<b>Fet</b>" not in body and "&lt;b&gt;Fet&lt;/b&gt;" in body
    assert "table-layout:fixed" in body and "white-space:nowrap" in body and "text-overflow:ellipsis" in body

"""The handlingsplan in the app (AppTest on real DuckDB files): coverage on Inrapportering and in the upload preview,
the Handlingsplan page's revision, the links on Indikatorer and Målområde, and every view as before without a plan."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest
from test_plan import five_and_four, linked_plan, plan_xlsx, prow

from naringsdash import auth, config, ingest, plan
from naringsdash.ui import account as ui_auth

from conftest import activity, no_exception, open_page, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def no_demo_seeding():
    """A database without reports must stay so: no demo data at the first start."""
    ref = config.load_reference()
    ref.settings["demo"] = False
    config.save_reference(ref)




def plain(text: str) -> str:
    return text.replace("\\", "")


def table_with(at: AppTest, *columns: str):
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def test_inrapportering_names_the_missing_and_the_unknown(tmp_path, db):
    five_and_four(tmp_path, db)
    at = open_page("pages/inrapportering.py", period="2027-T1")
    no_exception(at)
    assert "Mot handlingsplanen 2027" in [h.value for h in at.header]
    text = plain(next(w.value for w in at.warning if "handlingsplanen" in w.value))
    assert text == ("KLF (Kommunledningsförvaltningen): 1 aktivitet i handlingsplanen 2027 saknas i uppföljningen: "
                    "P-5 Planaktivitet 5. 1 aktivitet i uppföljningen finns inte i handlingsplanen 2027 (ny aktivitet "
                    "eller fel i ID?): X-9 Aktivitet 9.")
    row = table_with(at, "Saknas i uppföljningen").set_index("Förvaltning").loc["KLF"]
    assert (row["I planen"], row["Rapporterade ur planen"], row["Saknas i uppföljningen"],
            row["Rapporterade, ej i planen"]) == (5, 4, 1, 1)


def test_upload_preview_names_the_missing_and_the_unknown(tmp_path, db, monkeypatch):
    monkeypatch.setattr(auth, "SCRYPT_N", 2**10)
    auth.add_user("ada", "admin", None, (), "Ada", db=db)
    period = ui_auth.period_choices()[1]  # the page's default: the current period
    year = int(period[:4])
    assert plan.import_plan_file(plan_xlsx(tmp_path / "p.xlsx", [prow(i) for i in range(1, 6)]), db=db, year=year).ok
    report = [activity(i, **{"Aktivitets-ID": f"P-{i}", "Slutdatum": dt.date(year, 12, 31)}) for i in range(1, 5)]
    f = write_xlsx(tmp_path / "klf.xlsx", report + [activity(9, **{"Aktivitets-ID": "X-9",
                                                                  "Slutdatum": dt.date(year, 12, 31)})])
    at = open_page("pages/ladda_upp.py", auth.User("ada", "admin", (), "Ada"))
    at.selectbox(key="upload_forvaltning").set_value("KLF")
    at.selectbox(key="upload_period").set_value(period).run()
    at.file_uploader[0].set_value((f.name, f.read_bytes(), XLSX))
    at.run()
    no_exception(at)
    assert plain(at.success[0].value).startswith("Filen är godkänd: 5 aktiviteter för KLF")
    texts = [plain(w.value) for w in at.warning]
    assert f"1 aktivitet i handlingsplanen {year} saknas i filen: P-5 Planaktivitet 5." in texts
    assert f"1 aktivitet i filen finns inte i handlingsplanen {year} (ny aktivitet eller fel i ID?): X-9 Aktivitet 9." \
           in texts
    # A file that follows the plan says so, without a warning.
    rows = [activity(i, **{"Aktivitets-ID": f"P-{i}", "Slutdatum": dt.date(year, 12, 31)}) for i in range(1, 6)]
    full = write_xlsx(tmp_path / "full.xlsx", rows)
    at.file_uploader[0].set_value((full.name, full.read_bytes(), XLSX))
    at.run()
    assert not any("handlingsplanen" in w.value for w in at.warning)
    assert any(f"alla 5 aktiviteter i handlingsplanen {year}" in c.value for c in at.caption)


def test_handlingsplan_page_shows_the_revision(tmp_path, db):
    p26 = [prow(1, **{"Aktivitets-ID": "A"}), prow(2, **{"Aktivitets-ID": "B", "Målområde": 2})]
    p27 = [prow(2, **{"Aktivitets-ID": "B", "Målområde": 5}), prow(3, **{"Aktivitets-ID": "N"})]
    assert plan.import_plan_file(plan_xlsx(tmp_path / "a.xlsx", p26), db=db, year=2026).ok
    assert plan.import_plan_file(plan_xlsx(tmp_path / "b.xlsx", p27, info={"År": 2027, "Antagen": "2026-11-23",
                                                                         "Antagen av": "Kommunfullmäktige",
                                                                         "Dnr": "KS 2026/1"}), db=db).ok
    done = [activity(1, **{"Aktivitets-ID": "A", "Status": "Klar", "Andel klart (%)": 100})]
    assert ingest.import_file(write_xlsx(tmp_path / "k.xlsx", done), db=db, forvaltning="KLF", period="2026-T3").ok
    at = open_page("pages/handlingsplan.py")
    no_exception(at)
    assert at.title[0].value == "Handlingsplan" and at.selectbox(key="plan_ar").value == 2026  # the period's year
    at.selectbox(key="plan_ar").set_value(2027).run()
    no_exception(at)
    assert "Antagen 2026-11-23 av Kommunfullmäktige, dnr KS 2026/1" in plain(at.caption[0].value)
    assert {m.label: m.value for m in at.metric if m.label in ("Nya", "Fortsätter", "Borttagna", "Nytt målområde",
                                                                "Ny förvaltning")} == \
           {"Nya": "1", "Fortsätter": "1", "Borttagna": "1", "Nytt målområde": "1", "Ny förvaltning": "0"}
    removed = table_with(at, "Status vid årets slut")
    assert removed[["ID", "Status vid årets slut", "Senast rapporterad"]].values.tolist() == [["A", "Klar", "2026-T3"]]
    moved = table_with(at, "Målområde förra planen", "Målområde")
    moved = moved[moved["ID"] == "B"].iloc[0]
    assert (moved["Målområde förra planen"], moved["Målområde"]) == ("2. Etablering och mark",
                                                                    "5. Attraktiv plats och besöksnäring")
    acts = table_with(at, "Medverkande förvaltningar")
    assert acts["ID"].tolist() == ["B", "N"] and set(acts["Status"]) == {"Ej rapporterad"}


def test_indikatorer_lists_both_linked_activities_with_their_status(tmp_path, db):
    linked_plan(tmp_path, db)
    at = open_page("pages/indikatorer.py", malomrade="1")
    no_exception(at)
    assert len(at.dataframe) == 1 + 1  # as before: the change table and the table under the one chart
    text = plain(next(m.value for m in at.markdown if "som ska påverka indikatorn" in m.value))
    assert "P-1 Planaktivitet 1 (KLF): Försenad, 30 %" in text
    assert "P-2 Planaktivitet 2 (SBF): Ej rapporterad" in text


def test_malomrade_shows_goals_links_and_each_activitys_indicators(tmp_path, db):
    linked_plan(tmp_path, db)
    at = open_page("pages/malomrade.py", period="2027-T1", malomrade="1")
    no_exception(at)
    assert "Från aktivitet till effekt" in [h.value for h in at.header]
    goal = plain(next(m.value for m in at.markdown if "Mål:" in m.value))
    assert "Bättre företagsklimat" in goal and "Ranking: 133 st (2025), mål 100 st till 2030 – på väg" in goal
    assert "Bärs av 2 aktiviteter: 1 försenad, 1 ej rapporterad." in goal
    links = table_with(at, "Indikator")
    assert list(zip(links["Indikator"], links["ID"], links["Status"])) == [
        ("Nystartade", "P-2", "Ej rapporterad"), ("Ranking", "P-1", "Försenad"), ("Ranking", "P-2", "Ej rapporterad")]
    acts = at.dataframe[-1].value
    assert acts[["ID", "Indikatorer"]].values.tolist() == [["P-1", "Ranking"]]


@pytest.mark.parametrize("page", ["pages/inrapportering.py", "pages/malomrade.py", "pages/indikatorer.py"])
def test_without_a_plan_the_pages_are_as_before(tmp_path, db, page):
    f = write_xlsx(tmp_path / "ind.xlsx", [["Ranking", 1, "st", "Lägre är bättre", 100, 2030, "x", 140, 133]],
                   headers=["Indikator", "Målområde", "Enhet", "Riktning", "Målvärde", "Målår", "Källa", 2024, 2025],
                   sheet="Indikatorer")
    assert ingest.import_file(f, db=db).ok
    assert ingest.import_file(write_xlsx(tmp_path / "k.xlsx", [activity(6)]), db=db, forvaltning="KLF",
                              period="2025-T1").ok
    at = open_page(page, malomrade="1")
    no_exception(at)
    headers = [h.value for h in at.header]
    assert not any("handlingsplan" in h.lower() or h == "Från aktivitet till effekt" for h in headers)
    assert not any("handlingsplan" in m.value.lower() for m in [*at.markdown, *at.caption, *at.warning])
    assert all("Indikatorer" not in d.value.columns for d in at.dataframe)


def test_handlingsplan_page_without_a_plan_says_what_to_do(db):
    at = open_page("pages/handlingsplan.py")
    no_exception(at)
    assert "python -m naringsdash plan import" in at.info[0].value and not at.dataframe


def test_demo_handlingsplan_page(demo_db):
    at = open_page("pages/handlingsplan.py")
    no_exception(at)
    assert at.selectbox(key="plan_ar").options == ["2026", "2025"] and not at.warning and not at.error
    assert "KS 2025/0388" in plain(at.caption[0].value)
    assert len(table_with(at, "Medverkande förvaltningar")) == 136

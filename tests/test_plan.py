"""The handlingsplan: import (good workbook, every error kind, all or nothing, versions), the command line,
coverage, the yearly revision, the links from activity to indicator, goals, the template pre-filled from the plan,
the demo plans, and the upgrade of a database made before plans existed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from naringsdash import audit, closing, config, ingest, plan, store
from naringsdash.ingest import template
from naringsdash.ingest.template import template_bytes
from naringsdash.plan.sheet import GOAL_COLUMNS, PLAN_COLUMNS, plan_workbook_bytes
from naringsdash.store import queries

from conftest import ROOT, activity, flat, run_main, write_xlsx

PLAN_HEADERS = ["Aktivitets-ID", "Aktivitet", "Målområde", "Förvaltning", "Medverkande förvaltningar",
                "Mål/förväntat resultat", "Startdatum", "Slutdatum", "Indikatorer"]
GOAL_HEADERS = ["Målområde", "Mål", "Indikator", "Målvärde", "Målår"]
IND_HEADERS = ["Indikator", "Målområde", "Enhet", "Riktning", "Målvärde", "Målår", "Källa", 2024, 2025]


def prow(i: int = 1, **over) -> list:
    """One valid plan row in PLAN_HEADERS order; override by header."""
    row = {"Aktivitets-ID": f"P-{i}", "Aktivitet": f"Planaktivitet {i}", "Målområde": 1 + i % 6,
           "Förvaltning": "KLF", "Medverkande förvaltningar": None, "Mål/förväntat resultat": f"Resultat {i}",
           "Startdatum": dt.date(2027, 1, 1), "Slutdatum": dt.date(2027, 12, 31), "Indikatorer": None}
    row.update(over)
    return [row[h] for h in PLAN_HEADERS]


def plan_xlsx(path, rows, *, headers=PLAN_HEADERS, sheet="Handlingsplan", info=None, goals=None,
              goal_headers=GOAL_HEADERS, above=None):
    """A plan workbook as the näringslivsavdelning might keep it: plan sheet, optional Mål and Info sheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in above or []:
        ws.append(r)
    ws.append(headers)
    for r in rows:
        ws.append(r)
    if goals is not None:
        gs = wb.create_sheet("Mål")
        gs.append(goal_headers)
        for r in goals:
            gs.append(r)
    if info:
        wi = wb.create_sheet("Info")
        for k, v in info.items():
            wi.append([k, v])
    wb.save(path)
    return path


def indicators(db, tmp_path, names=(("Ranking", 1, "Lägre är bättre", 100, 140, 133),
                                    ("Nystartade", 4, "Högre är bättre", 8, 6.0, 8.5))):
    rows = [[n, m, "st", r, t, 2030, "Demo", a, b] for n, m, r, t, a, b in names]
    f = write_xlsx(tmp_path / "ind.xlsx", rows, headers=IND_HEADERS, sheet="Indikatorer")
    assert ingest.import_file(f, db=db).ok


def stored(db) -> tuple:
    with store.connect(db) as con:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                     for t in ("plan_versions", "plan_activities", "plan_goals", "files"))


def imp(path, db, **kw):
    return plan.import_plan_file(path, db=db, **kw)


# --- Import: a good workbook ---------------------------------------------------------------------------------


def test_good_workbook_with_synonyms_info_and_goals(tmp_path, db):
    indicators(db, tmp_path)
    headers = ["ID", "Åtgärd", "Målområde", "Ansvarig förvaltning", "Medverkande", "Förväntat resultat", "Start",
               "Klart senast", "Påverkar indikatorer"]
    rows = [prow(1, **{"Medverkande förvaltningar": "SBF, Tekniska serviceförvaltningen",
                       "Indikatorer": "ranking; Nystartade", "Målområde": "3. Kompetensförsörjning"}),
            prow(2, **{"Förvaltning": "Samhällsbyggnadsförvaltningen", "Startdatum": "2027-02-01",
                       "Slutdatum": "juni 2027"}),
            [None] * 9,
            prow(3, **{"Slutdatum": 46752})]
    f = plan_xlsx(tmp_path / "plan.xlsx", rows, headers=headers, above=[["Handlingsplan 2027"], []],
                  info={"År": 2027, "Antagen": "2026-11-23", "Antagen av": "Kommunfullmäktige", "Dnr": "KS 2026/0101"},
                  goals=[["1. Företagsklimat och service", "Bra företagsklimat", "Ranking", None, None],
                         [4, "Fler företag", "nystartade", "9,5", 2028]])
    res = imp(f, db)
    assert res.ok, [str(e) for e in res.errors]
    assert (res.rows, res.year, res.warnings) == (3, 2027, [])
    with store.connect(db) as con:
        meta = plan.current(con, 2027)
        acts = plan.records(plan.activities(con, 2027))
        goals = plan.records(plan.goals(con, 2027))
    assert (meta["antagen"].date(), meta["antagen_av"], meta["dnr"], meta["rows"]) == \
           (dt.date(2026, 11, 23), "Kommunfullmäktige", "KS 2026/0101", 3)
    first = acts[0]
    assert (first["aktivitet_id"], first["malomrade"], first["forvaltning"], first["medverkande"], first["indikatorer"],
            first["mal"]) == ("P-1", 3, "KLF", ["SBF", "TSF"], ["Ranking", "Nystartade"], "Resultat 1")
    assert (acts[1]["forvaltning"], acts[1]["startdatum"], acts[1]["slutdatum"]) == \
           ("SBF", dt.date(2027, 2, 1), dt.date(2027, 6, 30))
    assert acts[2]["slutdatum"] == dt.date(2027, 12, 31)  # an Excel serial number in a cell without date format
    assert [(g["malomrade"], g["mal"], g["indikator"], g["malvarde"], g["malar"]) for g in goals] == \
           [(1, "Bra företagsklimat", "Ranking", None, None), (4, "Fler företag", "Nystartade", 9.5, 2028)]


def test_the_template_is_the_documented_sheet_and_reads_back(tmp_path, db):
    ref = config.load_reference()
    wb = load_workbook(io.BytesIO(plan_workbook_bytes(ref)))
    assert wb.sheetnames[:3] == ["Handlingsplan", "Mål", "Listor"] and {"Info", "Instruktioner"} <= set(wb.sheetnames)
    assert [c.value for c in wb["Handlingsplan"][1]] == [c.header for c in PLAN_COLUMNS]
    assert [c.value for c in wb["Mål"][1]] == GOAL_HEADERS
    acts = [{"aktivitet_id": "=X", "aktivitet": "+Inte en formel", "malomrade": 2, "forvaltning": "KLF",
             "medverkande": ["SBF"], "mal": "-minus", "startdatum": None, "slutdatum": dt.date(2027, 6, 30),
             "indikatorer": ["A, med komma", "B"]}]
    data = plan_workbook_bytes(ref, year=2027, activities=acts,
                               goals=[{"malomrade": 2, "mal": "@mål", "indikator": None, "malvarde": None,
                                       "malar": None}])
    ws = load_workbook(io.BytesIO(data))["Handlingsplan"]
    assert ws["A2"].value == "'=X" and ws["B2"].value == "'+Inte en formel"  # no formulas
    res = plan.import_plan_bytes(data, "p.xlsx", db=db)
    assert res.ok and res.year == 2027
    back = res.parsed.activities[0]
    assert (back["medverkande"], back["indikatorer"], back["malomrade"]) == (["SBF"], ["A, med komma", "B"], 2)


# --- Import: every error kind, all at once, nothing stored ---------------------------------------------------

ERROR_CASES = {  # defect → (rows, Info sheet, --year, [(Excel row, column, code)])
    "required": ([prow(1, Aktivitet=None)], None, 2027, [(2, "Aktivitet", "required")]),
    "bad_malomrade": ([prow(1, Målområde=9)], None, 2027, [(2, "Målområde", "bad_malomrade")]),
    "bad_forvaltning": ([prow(1, Förvaltning="XYZ")], None, 2027, [(2, "Förvaltning", "bad_forvaltning")]),
    "bad_medverkande": ([prow(1, **{"Medverkande förvaltningar": "SBF; Okänd"})], None, 2027,
                        [(2, "Medverkande förvaltningar", "bad_forvaltning")]),
    "bad_date": ([prow(1, Slutdatum="snart")], None, 2027, [(2, "Slutdatum", "bad_date")]),
    "end_before_start": ([prow(1, Slutdatum=dt.date(2026, 12, 1))], None, 2027,
                         [(2, "Slutdatum", "end_before_start")]),
    "duplicate_id": ([prow(1), prow(2, **{"Aktivitets-ID": "P-1"})], None, 2027,
                     [(3, "Aktivitets-ID", "duplicate_id")]),
    "year_mismatch": ([prow(1)], {"År": 2026}, 2027, [(1, "År", "year_mismatch")]),
    "bad_year": ([prow(1)], {"År": "nästa år"}, None, [(1, "År", "bad_year")]),
    "bad_antagen": ([prow(1)], {"År": 2027, "Antagen": "i höstas"}, None, [(2, "Antagen", "bad_date")]),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_every_error_kind_is_reported_with_row_and_column(case, tmp_path, db):
    rows, info, year, expected = ERROR_CASES[case]
    res = imp(plan_xlsx(tmp_path / "p.xlsx", rows, info=info), db, year=year)
    assert not res.ok and flat(res.errors) == expected
    assert all(e.sheet and e.message for e in res.errors)
    assert stored(db) == (0, 0, 0, 0)


def test_missing_columns_no_sheet_no_rows_no_year_and_unreadable(tmp_path, db):
    res = imp(plan_xlsx(tmp_path / "a.xlsx", [prow(1)[:3]], headers=PLAN_HEADERS[:3]), db, year=2027)
    assert flat(res.errors) == [(1, "Förvaltning", "missing_column"), (1, "Slutdatum", "missing_column")]
    f = write_xlsx(tmp_path / "b.xlsx", [["x", "y"]], headers=["Något", "Annat"], sheet="Blad1")
    assert [e.code for e in imp(f, db, year=2027).errors] == ["no_sheet"]
    assert [e.code for e in imp(plan_xlsx(tmp_path / "c.xlsx", []), db, year=2027).errors] == ["no_rows"]
    assert [e.code for e in imp(plan_xlsx(tmp_path / "d.xlsx", [prow(1)]), db).errors] == ["missing_year"]
    (tmp_path / "e.xlsx").write_bytes(b"inte en arbetsbok")
    bad = imp(tmp_path / "e.xlsx", db, year=2027)
    assert [e.code for e in bad.errors] == ["unreadable"] and "arbetsbok" in bad.errors[0].message
    assert stored(db) == (0, 0, 0, 0)


def test_goals_sheet_errors(tmp_path, db):
    goals = [[None, "Mål utan område", None, None, None], [2, None, None, None, None],
             [3, "Mål", "X", "många", "sen"]]
    res = imp(plan_xlsx(tmp_path / "p.xlsx", [prow(1)], goals=goals), db, year=2027)
    assert flat(res.errors) == [(2, "Målområde", "required"), (3, "Mål", "required"), (4, "Målvärde", "bad_number"),
                                (4, "Målår", "bad_year")]
    assert {e.sheet for e in res.errors} == {"Mål"}


def test_all_problems_at_once_and_nothing_is_stored(tmp_path, db):
    rows = [prow(1, Målområde="Rymden"), prow(2, Slutdatum=None), prow(3), prow(4, **{"Aktivitets-ID": "P-3"}),
            prow(5, Förvaltning="Ingen")]
    res = imp(plan_xlsx(tmp_path / "p.xlsx", rows), db, year=2027)
    assert [e.code for e in res.errors] == ["bad_malomrade", "required", "duplicate_id", "bad_forvaltning"]
    assert [e.row for e in res.errors] == [2, 3, 5, 6]
    assert res.rows == 0 and stored(db) == (0, 0, 0, 0)
    first = res.as_json()["errors"][0]
    assert {k: first[k] for k in ("sheet", "row", "column", "value", "message")} == {
        "sheet": "Handlingsplan", "row": 2, "column": "Målområde", "value": "Rymden", "message": res.errors[0].message}


def test_warnings_do_not_stop_the_import(tmp_path, db):
    indicators(db, tmp_path)
    headers = PLAN_HEADERS + ["Budget"]
    rows = [prow(1, **{"Indikatorer": "Ranking; Finns inte", "Medverkande förvaltningar": "KLF, SBF"}) + [10]]
    res = imp(plan_xlsx(tmp_path / "p.xlsx", rows, headers=headers), db, year=2027)
    assert res.ok
    assert [(w.code, w.column, w.value) for w in res.warnings] == [
        ("unknown_column", "Budget", None), ("unknown_indicator", "Indikatorer", "Finns inte"),
        ("lead_also_partner", "Medverkande förvaltningar", "KLF")]
    assert res.parsed.activities[0]["medverkande"] == ["SBF"]


def test_the_readme_documents_every_plan_header_and_synonym():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Bladet `Handlingsplan`"):readme.index("### Vad planen gör synligt")]
    for c in (*PLAN_COLUMNS, *GOAL_COLUMNS):
        assert c.header in section, c.header
        for synonym in c.synonyms:
            assert f"`{synonym}`" in section, synonym


# --- Versions --------------------------------------------------------------------------------------------------


def test_versions_are_kept_with_the_original_file(tmp_path, db):
    v1 = plan_xlsx(tmp_path / "v1.xlsx", [prow(1), prow(2)])
    v2 = plan_xlsx(tmp_path / "v2.xlsx", [prow(1), prow(2), prow(3)])
    first = imp(v1, db, year=2027, user="nina")
    assert first.ok and not first.identical
    again = imp(v1, db, year=2027)
    assert again.identical and again.plan_id == first.plan_id and "identisk" in again.warnings[0].message
    second = imp(v2, db, year=2027)
    other_year = imp(v1, db, year=2028)
    assert second.plan_id > first.plan_id and not other_year.identical
    with store.connect(db) as con:
        versions = plan.versions(con, 2027)
        assert versions["id"].tolist() == [second.plan_id, first.plan_id]
        assert versions["aktuell"].tolist() == [True, False] and versions["user_name"].iloc[1] == "nina"
        assert len(plan.activities(con, 2027)) == 3 and plan.years(con) == [2028, 2027]
        original = con.execute("SELECT f.content FROM plan_versions v JOIN files f USING (sha256) WHERE v.id = ?",
                               [first.plan_id]).fetchall()[0][0]
    assert bytes(original) == v1.read_bytes()


# --- The command line ------------------------------------------------------------------------------------------


def cli(*args, db):
    return run_main("plan", *args, "--db", str(db))   # in this process: the commands are under test, not the process


def test_cli_import_export_template(tmp_path, db):
    tpl = tmp_path / "mall.xlsx"
    assert cli("template", "--out", str(tpl), "--year", "2027", db=db).returncode == 0
    wb = load_workbook(tpl)
    ws = wb["Handlingsplan"]
    for r in (prow(1, **{"Medverkande förvaltningar": "SBF", "Indikatorer": "A; B"}), prow(2)):
        ws.append(r)
    filled = tmp_path / "ifylld.xlsx"
    wb.save(filled)
    p = cli("import", str(filled), "--json", db=db)
    assert p.returncode == 0, p.stdout + p.stderr
    out = json.loads(p.stdout)
    assert (out["ok"], out["rows"], out["year"], out["errors"]) == (True, 2, 2027, [])
    bad = cli("import", str(filled), "--year", "2026", "--json", db=db)
    assert bad.returncode == 1 and json.loads(bad.stdout)["errors"][0]["column"] == "År"
    assert cli("import", str(filled), "--year", "tjugo", db=db).returncode == 2
    p = cli("export", "--year", "2027", db=db)
    assert p.returncode == 0
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert [r["aktivitet_id"] for r in rows] == ["P-1", "P-2"]
    assert (rows[0]["medverkande"], rows[0]["indikatorer"], rows[0]["slutdatum"]) == ("SBF", "A; B", "2027-12-31")
    xlsx = tmp_path / "plan.xlsx"
    assert cli("export", "--year", "2027", "--out", str(xlsx), db=db).returncode == 0
    again = plan.import_plan_file(xlsx, db=db, dry_run=True)
    assert again.ok and [a["aktivitet_id"] for a in again.parsed.activities] == ["P-1", "P-2"]
    missing = cli("export", "--year", "2030", db=db)
    assert missing.returncode == 1 and "ingen handlingsplan för 2030" in missing.stderr


# --- Coverage, revision, links, goals ---------------------------------------------------------------------------


def five_and_four(tmp_path, db, year: int = 2027, period: str = "2027-T1"):
    """Plan with five KLF activities; KLF's report holds four of them and one the plan does not have."""
    assert imp(plan_xlsx(tmp_path / "plan.xlsx", [prow(i) for i in range(1, 6)]), db, year=year).ok
    report = [activity(i, **{"Aktivitets-ID": f"P-{i}"}) for i in range(1, 5)]
    report.append(activity(9, **{"Aktivitets-ID": "X-9"}))
    f = write_xlsx(tmp_path / "klf.xlsx", report)
    assert ingest.import_file(f, db=db, forvaltning="KLF", period=period).ok
    return f


def test_coverage_names_the_missing_and_the_unknown(tmp_path, db):
    five_and_four(tmp_path, db)
    with store.connect(db) as con:
        cov = plan.coverage(con, "KLF", "2027-T1", ["P-1", "P-2", "P-3", "P-4", "X-9"])
        rows = plan.coverage_period(con, "2027-T1")
        assert plan.coverage(con, "KLF", "2026-T3", ["P-1"]) is None  # no plan for 2026: nothing to say
    assert (cov.planned, cov.missing, cov.unplanned) == (5, [("P-5", "Planaktivitet 5")], [("X-9", "")])
    assert cov.messages() == [
        "1 aktivitet i handlingsplanen 2027 saknas i filen: P-5 Planaktivitet 5.",
        "1 aktivitet i filen finns inte i handlingsplanen 2027 (ny aktivitet eller fel i ID?): X-9."]
    summary = plan.coverage_summary(rows).set_index("forvaltning")
    assert summary.loc["KLF"].tolist() == [True, 5, 4, 1, 1]
    [klf] = plan.coverages(rows, "2027-T1")
    assert klf.missing == [("P-5", "Planaktivitet 5")] and klf.unplanned == [("X-9", "Aktivitet 9")]


def test_revision_between_two_plan_versions_is_exact(tmp_path, db):
    p26 = [prow(1, **{"Aktivitets-ID": "A"}), prow(2, **{"Aktivitets-ID": "B", "Målområde": 2}),
           prow(3, **{"Aktivitets-ID": "C", "Förvaltning": "KLF"}), prow(4, **{"Aktivitets-ID": "D"}),
           prow(5, **{"Aktivitets-ID": "R", "Förvaltning": "SBF"})]
    p27 = [prow(2, **{"Aktivitets-ID": "B", "Målområde": 5}), prow(3, **{"Aktivitets-ID": "C", "Förvaltning": "SBF"}),
           prow(4, **{"Aktivitets-ID": "D"}), prow(6, **{"Aktivitets-ID": "E", "Målområde": 6})]
    assert imp(plan_xlsx(tmp_path / "p26.xlsx", p26), db, year=2026).ok
    assert imp(plan_xlsx(tmp_path / "p27.xlsx", p27), db, year=2027).ok
    # How the 2026 activities ended: A Klar in T3, R (SBF) Avbruten in T2 and not reported after.
    klf = [activity(1, **{"Aktivitets-ID": "A", "Status": "Klar", "Andel klart (%)": 100}),
           activity(2, **{"Aktivitets-ID": "C"})]
    assert ingest.import_file(write_xlsx(tmp_path / "k.xlsx", klf), db=db, forvaltning="KLF", period="2026-T3").ok
    sbf = [activity(5, **{"Aktivitets-ID": "R", "Förvaltning": "SBF", "Status": "Avbruten", "Andel klart (%)": 30})]
    assert ingest.import_file(write_xlsx(tmp_path / "s.xlsx", sbf), db=db, forvaltning="SBF", period="2026-T2").ok
    with store.connect(db) as con:
        rev = plan.revision(con, 2027)
        assert plan.revision(con, 2026) is None  # no plan for 2025
    cols = ["andring", "aktivitet_id", "malomrade_fore", "malomrade", "forvaltning_fore", "forvaltning",
            "nytt_malomrade", "ny_forvaltning", "slutstatus", "slut_andel_klar", "slutperiod"]
    got = [tuple(None if pd.isna(v) else v for v in r) for r in rev[cols].astype(object).itertuples(index=False)]
    assert got == [
        ("ny", "E", None, 6, None, "KLF", False, False, None, None, None),
        ("borttagen", "A", 2, None, "KLF", None, False, False, "Klar", 100, "2026-T3"),
        ("borttagen", "R", 6, None, "SBF", None, False, False, "Avbruten", 30, "2026-T2"),
        ("fortsätter", "B", 2, 5, "KLF", "KLF", True, False, None, None, None),
        ("fortsätter", "C", 4, 4, "KLF", "SBF", False, True, "Pågår", 40, "2026-T3"),
        ("fortsätter", "D", 5, 5, "KLF", "KLF", False, False, None, None, None),
    ]
    assert plan.revision_counts(rev) == {"ny": 1, "fortsätter": 3, "borttagen": 2, "nytt_malomrade": 1,
                                         "ny_forvaltning": 1}


def linked_plan(tmp_path, db):
    """Indicator Ranking is linked from two activities: P-1 (reported, Försenad) and P-2 (not reported)."""
    indicators(db, tmp_path)
    rows = [prow(1, **{"Indikatorer": "Ranking", "Målområde": 1}),
            prow(2, **{"Indikatorer": "Ranking; Nystartade", "Förvaltning": "SBF", "Målområde": 1}),
            prow(3)]
    goals = [[1, "Bättre företagsklimat", "Ranking", None, None], [4, "Fler företag", "Nystartade", 8, 2030],
             [5, "Mål utan mätning", None, None, None]]
    assert imp(plan_xlsx(tmp_path / "p.xlsx", rows, goals=goals), db, year=2027).ok
    report = [activity(1, **{"Aktivitets-ID": "P-1", "Status": "Försenad", "Andel klart (%)": 30, "Målområde": 1})]
    assert ingest.import_file(write_xlsx(tmp_path / "k.xlsx", report), db=db, forvaltning="KLF", period="2027-T1").ok


def test_an_indicator_lists_both_linked_activities_with_their_status(tmp_path, db):
    linked_plan(tmp_path, db)
    with store.connect(db) as con:
        links = plan.indicator_links(con, "2027-T1", today=dt.date(2027, 3, 1))
        by_activity = plan.activity_indicators(con, 2027)
        assert plan.indicator_links(con, "2026-T3") is None
    ranking = links[links["indikator"] == "Ranking"]
    assert list(zip(ranking["aktivitet_id"], ranking["forvaltning"], ranking["status"])) == \
           [("P-1", "KLF", "Försenad"), ("P-2", "SBF", "Ej rapporterad")]
    assert by_activity[("SBF", "P-2")] == ["Ranking", "Nystartade"] and by_activity[("KLF", "P-3")] == []


def test_goals_status_for_the_report(tmp_path, db):
    linked_plan(tmp_path, db)
    with store.connect(db) as con:
        goals = plan.goals_status(con, "2027-T1", today=dt.date(2027, 3, 1))
        assert plan.goals_status(con, "2026-T1") is None
    got = goals[["malomrade", "indikator", "malvarde", "varde", "lage"]].astype(object).where(goals.notna(), None)
    assert got.values.tolist() == [[1, "Ranking", 100.0, 133.0, "på väg"], [4, "Nystartade", 8.0, 8.5, "uppnått"],
                                   [5, None, None, None, "ingen mätning"]]
    assert goals["aktiviteter"].iloc[0] == ["P-1 Planaktivitet 1 (Försenad)", "P-2 Planaktivitet 2 (Ej rapporterad)"]
    assert goals["aktiviteter"].iloc[2] == []


# --- The follow-up template pre-filled from the plan ------------------------------------------------------------


def test_template_follows_the_plan_and_carries_the_status_forward(tmp_path, db):
    report = [activity(1, **{"Aktivitets-ID": "P-1", "Status": "Försenad", "Andel klart (%)": 30,
                             "Bedömning": "Röd", "Ansvarig": "Nils"}),
              activity(7, **{"Aktivitets-ID": "OLD-7"})]
    assert ingest.import_file(write_xlsx(tmp_path / "k.xlsx", report), db=db, forvaltning="KLF", period="2026-T3").ok
    assert imp(plan_xlsx(tmp_path / "p.xlsx", [prow(1), prow(2), prow(3, Förvaltning="SBF")]), db, year=2027).ok
    wb = load_workbook(io.BytesIO(template_bytes("KLF", "2027-T1", db=db)))
    ws = wb["Aktiviteter"]
    header = [c.value for c in ws[1]]
    got = [{h: ws.cell(row=r, column=j + 1).value for j, h in enumerate(header)} for r in range(2, ws.max_row + 1)
           if ws.cell(row=r, column=1).value]
    assert [(g["Aktivitets-ID"], g["Status"], g["Andel klart (%)"], g["Bedömning"], g["Ansvarig"], g["Kommentar"])
            for g in got] == [("P-1", "Försenad", 30, "Röd", "Nils", None),
                              ("P-2", "Ej påbörjad", None, None, None, None)]
    assert got[1]["Aktivitet"] == "Planaktivitet 2" and got[1]["Slutdatum"].date() == dt.date(2027, 12, 31)
    # A period without a plan for its year: the latest upload, its status carried forward (contract §4).
    before = load_workbook(io.BytesIO(template_bytes("KLF", "2026-T3", db=db)))["Aktiviteter"]
    assert [before.cell(row=r, column=1).value for r in range(2, 5)] == ["P-1", "OLD-7", None]
    assert all(before.cell(row=r, column=header.index("Status") + 1).value for r in range(2, 4))
    uploaded = tmp_path / "mall.xlsx"  # uploaded unchanged, it is accepted
    uploaded.write_bytes(template_bytes("KLF", "2027-T1", db=db))
    res = ingest.import_file(uploaded, db=db)
    assert res.ok and res.rows == 2, [str(e) for e in res.errors]


# --- Demo and upgrade --------------------------------------------------------------------------------------------


def test_demo_has_both_plans_consistent_with_the_reports(demo_db):
    with store.connect(demo_db) as con:
        assert plan.years(con) == [2026, 2025]
        for year, period in ((2025, "2025-T3"), (2026, "2026-T2")):
            meta = plan.current(con, year)
            assert meta["antagen_av"] == "Kommunfullmäktige" and meta["dnr"]
            summary = plan.coverage_summary(plan.coverage_period(con, period))
            assert summary["saknas"].sum() == 0 and summary["ej_i_planen"].sum() == 0
            assert summary["i_planen_antal"].sum() == len(queries.activities(period, demo_db))
        assert len(plan.goals(con, 2026)) >= 6
        rev = plan.revision_counts(plan.revision(con, 2026))
        assert rev["ny"] > 0 and rev["fortsätter"] > 0
        links = plan.indicator_links(con, "2026-T2")
        assert set(links["indikator"]) <= set(queries.indicators(demo_db)["indikator"])
    from naringsdash import demo

    again = demo.load(demo_db)  # idempotent, plans included
    assert all(r.ok and r.identical for r in again)


def test_upgrade_from_a_database_made_before_plans(tmp_path, db, monkeypatch):
    before = store.MIGRATIONS[:store.MIGRATIONS.index("migration_plan.sql")]  # versions are the list prefix
    monkeypatch.setattr(store.db, "MIGRATIONS", before)  # the schema as it was before plans
    monkeypatch.setattr(audit, "record", lambda *a, **k: None)  # (the audit log came later)
    monkeypatch.setattr(closing, "is_closed", lambda *a, **k: False)  # (and so did closing a period)
    monkeypatch.setattr(template, "_planned", lambda *args: None)  # and the template as it was
    f = write_xlsx(tmp_path / "klf.xlsx", [activity(1), activity(2)])
    assert ingest.import_file(f, db=db, forvaltning="KLF", period="2025-T1").ok
    with store.connect(db) as con:
        assert store.schema_version(con) == len(before)
        assert not con.execute("SELECT * FROM duckdb_tables() WHERE table_name = 'plan_versions'").fetchall()
    old_export = queries.export_activities("2025-T1", db)
    old_template = load_workbook(io.BytesIO(template_bytes("KLF", "2025-T2", db=db)))["Aktiviteter"]
    monkeypatch.undo()
    monkeypatch.setenv("NARINGSDASH_DB", str(db))
    with store.connect(db) as con:
        assert store.schema_version(con) == len(store.MIGRATIONS) > len(before)
        assert plan.years(con) == [] and plan.coverage(con, "KLF", "2025-T1", ["A-01"]) is None
        assert plan.revision(con, 2025) is None and plan.goals_status(con, "2025-T1") is None
    assert queries.export_activities("2025-T1", db) == old_export
    now = load_workbook(io.BytesIO(template_bytes("KLF", "2025-T2", db=db)))["Aktiviteter"]
    assert [[c.value for c in r] for r in now.iter_rows(max_row=4)] == \
           [[c.value for c in r] for r in old_template.iter_rows(max_row=4)]
    assert imp(plan_xlsx(tmp_path / "p.xlsx", [prow(1)]), db, year=2025).ok  # and a plan can now be imported

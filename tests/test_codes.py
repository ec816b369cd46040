"""The closed catalogue of issue codes: every code the package can emit has a Swedish template, and every code
has a fixture named after it (a committed file named by the defect, or a workbook written here under the code's
name) that really produces it."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from naringsdash import auth, ingest, plan, schema, store, synpunkter
from naringsdash.ingest.codes import CATALOGUE, WARNINGS, issue
from naringsdash.plan.sheet import GOAL_COLUMNS, PLAN_COLUMNS

from conftest import FIX, activity, write_xlsx

PKG = Path(__file__).resolve().parent.parent / "naringsdash"
FLAGS = {"forvaltning": "KLF", "period": "2025-T1"}


def emitted_codes() -> set[str]:
    """Codes written as issue("code", …) in the package; f-string codes expanded over their possible values."""
    kinds = {c.kind for c in (*schema.ACTIVITY_COLUMNS, *schema.INDICATOR_COLUMNS, *PLAN_COLUMNS, *GOAL_COLUMNS,
                              *synpunkter.COLUMNS)}
    found: set[str] = set()
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "issue"
                    and node.args):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                found.add(arg.value)
            elif isinstance(arg, ast.JoinedStr):
                head = "".join(v.value for v in arg.values if isinstance(v, ast.Constant))
                if head == "bad_":
                    found |= {f"bad_{k}" for k in kinds | {"forvaltning", "period"}} & set(CATALOGUE)
                elif head == "missing_":
                    found |= {"missing_forvaltning", "missing_period"}
                elif head == "_mismatch":
                    found |= {"forvaltning_mismatch", "period_mismatch"}
    return found


def test_every_emitted_code_is_in_the_catalogue_and_every_entry_is_used():
    emitted = emitted_codes()
    assert emitted - set(CATALOGUE) == set()
    assert set(CATALOGUE) - emitted == set(), "a catalogue entry nothing emits"
    assert WARNINGS <= set(CATALOGUE)


def test_no_module_makes_an_issue_outside_the_catalogue():
    """Issue(...) is built only by codes.issue: a message written elsewhere would bypass the templates."""
    direct = [f"{path.relative_to(PKG)}:{node.lineno}" for path in PKG.rglob("*.py") if path.name != "codes.py"
              for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
              if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Issue"]
    assert direct == []


def test_an_unknown_code_cannot_be_made():
    with pytest.raises(KeyError):
        issue("nagot_nytt")


# code → (file, import arguments). A committed fixture named by its defect, or one written here named by its code.
def _wb(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


IND = ["Indikator", "Målområde", "Enhet", "Riktning", "Målvärde", "Målår", "Källa"]
BUILDERS = {
    "unreadable": lambda d: (FIX / "not-a-workbook.xlsx", FLAGS),
    "no_sheet": lambda d: (FIX / "no-activity-sheet.xlsx", FLAGS),
    "missing_forvaltning": lambda d: (write_xlsx(d / "missing_forvaltning.xlsx", [activity(1)]), {"period": "2025-T1"}),
    "missing_period": lambda d: (write_xlsx(d / "missing_period.xlsx", [activity(1)]), {"forvaltning": "KLF"}),
    "bad_period": lambda d: (FIX / "info-bad-period.xlsx", {"forvaltning": "KLF"}),
    "period_mismatch": lambda d: (FIX / "info-conflict.xlsx", FLAGS),
    "forvaltning_mismatch": lambda d: (FIX / "forvaltning-mismatch.xlsx", FLAGS),
    "missing_column": lambda d: (FIX / "missing-column.xlsx", FLAGS),
    "duplicate_column": lambda d: (write_xlsx(d / "duplicate_column.xlsx", [activity(1) + ["X"]],
                                              headers=schema_headers() + ["Kommentarer"]), FLAGS),
    "unknown_column": lambda d: (FIX / "unknown-column.xlsx", FLAGS),
    "no_years": lambda d: (_wb(d / "no_years.xlsx", {"Indikatorer": [IND, ["Nyföretagande", 1, "st", "Högre är bättre"]]}),
                           {}),
    "required": lambda d: (FIX / "empty-required.xlsx", FLAGS),
    "bad_date": lambda d: (FIX / "bad-date.xlsx", FLAGS),
    "bad_percent": lambda d: (FIX / "bad-percent.xlsx", FLAGS),
    "bad_status": lambda d: (FIX / "bad-status.xlsx", FLAGS),
    "bad_bedomning": lambda d: (FIX / "bad-bedomning.xlsx", FLAGS),
    "bad_malomrade": lambda d: (FIX / "bad-malomrade.xlsx", FLAGS),
    "bad_forvaltning": lambda d: (FIX / "bad-forvaltning.xlsx", FLAGS),
    "bad_number": lambda d: (_wb(d / "bad_number.xlsx", {"Indikatorer": [IND + [2024], ["Nyföretagande", 1, "st",
                                                                               "Högre är bättre", None, None, None, "många"]]}), {}),
    "bad_year": lambda d: (_wb(d / "bad_year.xlsx", {"Indikatorer": [IND + [2024], ["Nyföretagande", 1, "st",
                                                                           "Högre är bättre", 10, "snart", None, 5]]}), {}),
    "bad_riktning": lambda d: (_wb(d / "bad_riktning.xlsx", {"Indikatorer": [IND + [2024], ["Nyföretagande", 1, "st",
                                                                                   "uppåt", None, None, None, 5]]}), {}),
    "duplicate_id": lambda d: (FIX / "duplicate-id.xlsx", FLAGS),
    "duplicate_indicator": lambda d: (_wb(d / "duplicate_indicator.xlsx", {"Indikatorer": [
        IND + [2024], ["Nyföretagande", 1, "st", "Högre är bättre", None, None, None, 5],
        ["Nyföretagande", 1, "st", "Högre är bättre", None, None, None, 6]]}), {}),
    "end_before_start": lambda d: (FIX / "end-before-start.xlsx", FLAGS),
    "done_not_100": lambda d: (FIX / "klar-below-100.xlsx", FLAGS),
    # The handlingsplan workbook
    "missing_year": lambda d: (_plan(d / "missing_year.xlsx", [_prow()]), PLAN),
    "year_mismatch": lambda d: (_plan(d / "year_mismatch.xlsx", [_prow()], info=[["År", 2026]]),
                                {**PLAN, "year": 2027}),
    "no_rows": lambda d: (_plan(d / "no_rows.xlsx", []), {**PLAN, "year": 2027}),
    "unknown_indicator": lambda d: (_plan(d / "unknown_indicator.xlsx", [_prow(Indikatorer="Finns inte")]),
                                    {**PLAN, "year": 2027, "before": _indicators}),
    "unknown_goal_indicator": lambda d: (_plan(d / "unknown_goal_indicator.xlsx", [_prow()],
                                               goals=[[1, "Fler företag", "Finns inte", None, None]]),
                                         {**PLAN, "year": 2027, "before": _indicators}),
    "lead_also_partner": lambda d: (_plan(d / "lead_also_partner.xlsx",
                                          [_prow(**{"Medverkande förvaltningar": "KLF, SBF"})]), {**PLAN, "year": 2027}),
    # The Synpunkter sheet
    "bad_synpunkt": lambda d: (_synpunkter(d / "bad_synpunkt.xlsx", [_srow(Källa="Brevduva")]), SYN),
    "duplicate_synpunkt": lambda d: (_synpunkter(d / "duplicate_synpunkt.xlsx", [_srow(), _srow()]), SYN),
    "synpunkt_exists": lambda d: (_synpunkter(d / "synpunkt_exists.xlsx", [_srow()]),
                                  {**SYN, "before": lambda path, db: synpunkter.import_file(path, ADMIN, db)}),
}
PLAN = {"via": "plan"}
SYN = {"via": "synpunkter"}
ADMIN = auth.User("chef", "admin")


def _prow(**over) -> list:
    row = {"Aktivitets-ID": "P-1", "Aktivitet": "Planaktivitet", "Målområde": 1, "Förvaltning": "KLF",
           "Slutdatum": dt.date(2027, 12, 31), **over}
    return [row.get(c.header) for c in PLAN_COLUMNS]


def _plan(path: Path, rows: list[list], *, info: list[list] | None = None, goals: list[list] | None = None) -> Path:
    sheets = {"Handlingsplan": [[c.header for c in PLAN_COLUMNS], *rows]}
    if goals:
        sheets["Mål"] = [[c.header for c in GOAL_COLUMNS], *goals]
    if info:
        sheets["Info"] = info
    return _wb(path, sheets)


def _indicators(path: Path, db: Path) -> None:
    """An indicator catalogue to link to, so that a name outside it is noticed."""
    f = _wb(path.with_name("indikatorer.xlsx"), {"Indikatorer": [IND + [2024], ["Nyföretagande", 1, "st",
                                                                               "Högre är bättre", None, None, None, 5]]})
    assert ingest.import_file(f, db=db).ok


def _srow(**over) -> list:
    row = {"Datum": dt.date(2025, 2, 1), "Källa": "Företagsbesök", "Målområde": 1, "Sammanfattning": "Vill ha en väg in",
           **over}
    return [row.get(h) for h in synpunkter.HEADERS]


def _synpunkter(path: Path, rows: list[list]) -> Path:
    return _wb(path, {synpunkter.SHEET: [list(synpunkter.HEADERS), *rows]})


def _import(path: Path, flags: dict, db: Path):
    """A dry run through the importer the fixture is for (activities/indicators, the plan, the synpunkter)."""
    flags = dict(flags)
    via = flags.pop("via", "ingest")
    if before := flags.pop("before", None):
        before(path, db)
    if via == "plan":
        return plan.import_plan_file(path, db=db, dry_run=True, **flags)
    if via == "synpunkter":
        return synpunkter.import_file(path, ADMIN, db, dry_run=True)
    return ingest.import_file(path, db=db, dry_run=True, **flags)


def schema_headers() -> list[str]:
    return [c.header for c in schema.ACTIVITY_COLUMNS]


# period_closed is refused when saving, not by a dry run: tests/test_closing.py
@pytest.mark.parametrize("code", sorted(set(CATALOGUE) - {"busy", "identical", "period_closed"}))
def test_the_fixture_named_after_the_code_produces_it(code, tmp_path, db):
    path, flags = BUILDERS[code](tmp_path)
    assert code.replace("_", "-") in path.name or code in path.name or path.parent == FIX
    res = _import(path, flags, db)
    found = res.warnings if code in WARNINGS else res.errors
    assert code in [i.code for i in found], [str(i) for i in res.errors + res.warnings]
    assert all(i.message and "None" not in str(i) for i in res.errors + res.warnings)


def test_identical_and_busy(tmp_path, db):
    path = write_xlsx(tmp_path / "identical.xlsx", [activity(1)])
    ingest.import_file(path, db=db, **FLAGS)
    again = ingest.import_file(path, db=db, **FLAGS)
    assert [w.code for w in again.warnings] == ["identical"]
    assert again.warnings[0].message.startswith("Filen är identisk med nuvarande version (uppladdning ")
    plan_file = _plan(tmp_path / "identical_plan.xlsx", [_prow()])
    plan.import_plan_file(plan_file, db=db, year=2027)
    twice = plan.import_plan_file(plan_file, db=db, year=2027)
    assert [w.code for w in twice.warnings] == ["identical"]
    assert twice.warnings[0].message == (f"Filen är identisk med nuvarande version (handlingsplanen 2027, nr "
                                         f"{twice.plan_id}); ingen ny version skapades.")
    assert issue("busy", detail=str(store.DatabaseBusy(db))).message.startswith("Databasen är upptagen")


def test_row_issues_name_the_activity_and_show_empty_cells_as_tom(tmp_path, db):
    rows = [activity(1, Status="Klart?", **{"Aktivitet": "Företagsbesök med kommunledningen och näringslivsrådet"}),
            activity(2, Slutdatum=None)]
    res = ingest.import_file(write_xlsx(tmp_path / "x.xlsx", rows), db=db, dry_run=True, **FLAGS)
    by_row = {i.row: i for i in res.errors}
    assert by_row[2].activity == "A-01 Företagsbesök med kommunledningen och…"
    assert by_row[3].activity == "A-02 Aktivitet 2" and by_row[3].value is None
    assert "(värde: (tom))" in str(by_row[3]) and "aktivitet A-02 Aktivitet 2" in str(by_row[3])


def test_a_missing_column_is_reported_with_every_other_problem(tmp_path, db):
    headers = [h for h in schema_headers() if h != "Status"]
    rows = [[v for h, v in zip(schema_headers(), activity(1, Slutdatum="31/13/2025")) if h != "Status"],
            [v for h, v in zip(schema_headers(), activity(1)) if h != "Status"]]
    res = ingest.import_file(write_xlsx(tmp_path / "x.xlsx", rows, headers=headers), db=db, dry_run=True, **FLAGS)
    assert sorted((i.code, i.row) for i in res.errors) == [("bad_date", 2), ("duplicate_id", 3), ("missing_column", 1)]


@pytest.mark.parametrize("argv, module, function", [
    (["import", "--forvaltning", "KLF", "--period", "2025-T1"], ingest, "import_file"),
    (["plan", "import", "--year", "2027"], plan, "import_plan_file"),
    (["synpunkter", "import"], synpunkter, "import_file"),
], ids=["import", "plan", "synpunkter"])
def test_every_import_command_reports_a_busy_database_per_file_with_the_busy_code(argv, module, function, db,
                                                                                  tmp_path, monkeypatch, capsys):
    from naringsdash.cli import main as cli

    def busy(*args, **kwargs):
        raise store.DatabaseBusy(db)

    monkeypatch.setattr(module, function, busy)
    files = [str(write_xlsx(tmp_path / f"{i}.xlsx", [activity(1)])) for i in (1, 2)]
    assert cli.main([*argv, *files, "--json", "--db", str(db)]) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["file"], [e["code"] for e in r["errors"]]) for r in lines] == [(f, ["busy"]) for f in files]
    assert all("upptagen" in r["errors"][0]["message"] for r in lines)

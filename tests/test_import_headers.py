"""The header row of the follow-up workbook (contract §1): spellings, synonyms, where it is, which sheet.

Workbooks are written with openpyxl into tmp_path (parametrized variants) or read from tests/fixtures
(layouts, named by what they show). Validation only (dry run): no database is needed to read a header.
"""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from naringsdash import schema

from conftest import FIX, HEADERS, activity, check, flat, write_xlsx

# Every spelling the contract names (case, surrounding/doubled spaces, trailing ':' or '*', no diacritics,
# synonyms), plus what an Excel user also writes (line break in a header, '%' without parentheses).
VARIANTS = {
    "Aktivitets-ID": ["aktivitets-id", "AKTIVITETS-ID", "  Aktivitets-ID  ", "Aktivitets-ID:", "Aktivitets-ID *",
                      "Aktivitets-ID*", "ID", "Id", "id:", "ID *", "Aktivitetsid", "AktivitetsID", "Aktivitets id",
                      "Nr", "nr", "Nr:", "Nr."],
    "Aktivitet": ["aktivitet", "AKTIVITET", "Aktivitet:", "Aktivitet *", "Åtgärd", "åtgärd", "Atgard", "ÅTGÄRD:"],
    "Målområde": ["Malomrade", "målområde", "MÅLOMRÅDE", "Målområde:", "Målområde*", "  Målområde ", "Mål område",
                  "Mål-område", "malomrade *"],
    "Förvaltning": ["Forvaltning", "förvaltning", "FÖRVALTNING:", "Ansvarig förvaltning", "Ansvarig forvaltning",
                    "Ansvarig  förvaltning", "ansvarig förvaltning *"],
    "Ansvarig": ["ansvarig", "ANSVARIG", "Ansvarig:", " Ansvarig* "],
    "Startdatum": ["startdatum", "Startdatum:", "Start", "start", "START:", "Start *"],
    "Slutdatum": ["slutdatum", "SLUTDATUM *", "Deadline", "deadline", "DEADLINE:", "Klart senast", "klart  senast",
                  "Klart\u00a0senast", "Klart\nsenast", "Slut", "slut:", "Slutdatum (deadline)"],
    "Status": ["status", "STATUS", "Status:", "Status *", " Status "],
    "Andel klart (%)": ["andel klart (%)", "Andel  klart  (%)", "Andel klart (%):", "Andel klart\n(%)", "Andel klar",
                        "andel klar", "Andel klart", "Andel klart %", "Färdigt %", "Fardigt %", "färdigt  %",
                        "Progress", "PROGRESS", "Progress:"],
    "Bedömning": ["Bedomning", "bedömning", "BEDÖMNING:", "Bedömning *"],
    "Kommentar": ["kommentar", "Kommentar:", "Kommentar/analys", "kommentar/analys", "Kommentar / analys",
                  "Kommentarer", "KOMMENTARER", "Kommentarer:"],
}
CASES = [(canonical, v) for canonical, vs in VARIANTS.items() for v in vs]


@pytest.mark.parametrize(("canonical", "variant"), CASES, ids=[f"{c}={v!r}" for c, v in CASES])
def test_header_variant_reads_the_column(tmp_path, canonical, variant):
    headers = [variant if h == canonical else h for h in HEADERS]
    row = activity(1, Ansvarig="Bo Ek", Kommentar="Se bilaga", Bedömning="Gul", Startdatum=dt.date(2025, 2, 3),
                   Slutdatum=dt.date(2025, 11, 30), **{"Andel klart (%)": 60, "Aktivitets-ID": "X-7",
                                                        "Aktivitet": "Mässa", "Målområde": 4, "Status": "Försenad"})
    res = check(write_xlsx(tmp_path / "h.xlsx", [row], headers=headers))
    assert (flat(res.errors), flat(res.warnings)) == ([], [])
    got = res.parsed.activities[0]
    expected = {"aktivitet_id": "X-7", "aktivitet": "Mässa", "malomrade": 4, "forvaltning": "KLF", "ansvarig": "Bo Ek",
                "startdatum": dt.date(2025, 2, 3), "slutdatum": dt.date(2025, 11, 30), "status": "Försenad",
                "andel_klar": 60, "bedomning": "Gul", "kommentar": "Se bilaga"}
    assert {k: got[k] for k in expected} == expected


def test_every_synonym_at_once(tmp_path):
    headers = ["Nr", "Åtgärd", "Malomrade", "Ansvarig förvaltning", "Ansvarig", "Start", "Klart senast", "Status:",
               "Färdigt %", "Bedomning", "Kommentar/analys"]
    res = check(write_xlsx(tmp_path / "s.xlsx", [activity(1), activity(2)], headers=headers))
    assert (flat(res.errors), flat(res.warnings)) == ([], [])
    assert [a["aktivitet_id"] for a in res.parsed.activities] == ["A-01", "A-02"]
    assert res.parsed.activities[1]["kommentar"] == "Enligt plan"


@pytest.mark.parametrize(("header", "key"), [
    ("Aktivitets-ID", "aktivitet_id"), ("ID", "aktivitet_id"), ("Deadline", "slutdatum"), ("Slut", "slutdatum"),
    ("Progress", "andel_klar"), ("Kommentarer", "kommentar"), ("Åtgärd", "aktivitet"), ("Start", "startdatum"),
    ("Ansvarig förvaltning", "forvaltning"), ("Ansvarig", "ansvarig"), ("Aktivitet", "aktivitet"),
    ("Telefon", None), ("Kommentarsfält för intern användning", None), ("", None), (None, None), (2025, None),
])
def test_match_column(header, key):
    c = schema.match_column(header)
    assert (c.key if c else None) == key


def test_title_instruction_and_blank_rows_above_the_header_are_skipped():
    res = check(FIX / "title-rows.xlsx")
    assert (flat(res.errors), flat(res.warnings)) == ([], [])
    assert [(a["row"], a["aktivitet_id"]) for a in res.parsed.activities] == [(6, "A-01"), (7, "A-02")]


def test_error_rows_count_from_the_top_of_the_sheet_not_from_the_header(tmp_path):
    f = write_xlsx(tmp_path / "t.xlsx", [activity(1), activity(2, Status="Okänd")],
                   above=[["Uppföljning"], [], ["Instruktion: en rad per aktivitet"], []])
    assert flat(check(f).errors) == [(7, "Status", "bad_status")]


def test_blank_rows_and_columns_are_ignored():
    res = check(FIX / "blank-rows-columns.xlsx")
    assert (flat(res.errors), flat(res.warnings)) == ([], [])
    assert [(a["row"], a["aktivitet_id"], a["ansvarig"]) for a in res.parsed.activities] == [
        (3, "A-01", "Anna"), (6, "A-02", "Anna"), (8, "A-03", "Anna")]


def test_unknown_columns_are_a_warning_and_not_read():
    res = check(FIX / "unknown-column.xlsx")
    assert flat(res.errors) == []
    assert flat(res.warnings) == [(1, "Intern notering", "unknown_column"), (1, "2024", "unknown_column")]
    assert all(w.sheet == "Aktiviteter" and "Okänd kolumn" in w.message for w in res.warnings)
    assert set(res.parsed.activities[0]) == {*schema.ACTIVITY_KEYS, "row"}


def test_a_column_given_twice_uses_the_first_and_warns(tmp_path):
    f = write_xlsx(tmp_path / "d.xlsx", [activity(1) + ["Z-9"]], headers=HEADERS + ["ID"])
    res = check(f)
    assert flat(res.errors) == [] and flat(res.warnings) == [(1, "ID", "duplicate_column")]
    assert res.parsed.activities[0]["aktivitet_id"] == "A-01"


def test_optional_columns_may_be_left_out(tmp_path):
    required = ["Aktivitets-ID", "Aktivitet", "Målområde", "Slutdatum", "Status"]
    f = write_xlsx(tmp_path / "min.xlsx", [["A-1", "Text", 2, "2025-03-31", "Pågår"]], headers=required)
    res = check(f)
    assert (flat(res.errors), flat(res.warnings)) == ([], [])
    a = res.parsed.activities[0]
    assert (a["forvaltning"], a["andel_klar"], a["startdatum"], a["kommentar"]) == (None, None, None, None)


def test_missing_required_columns_are_named():
    res = check(FIX / "missing-column.xlsx")
    assert flat(res.errors) == [(1, "Målområde", "missing_column"), (1, "Status", "missing_column")]
    assert all(e.sheet == "Aktiviteter" and "saknas" in e.message for e in res.errors)


def test_sheet_named_aktiviteter_in_any_case_wins_over_earlier_sheets():
    res = check(FIX / "sheet-name-case.xlsx")
    assert res.ok and [a["aktivitet_id"] for a in res.parsed.activities] == ["A-01"]


@pytest.mark.parametrize("name", ["aktiviteter", "AKTIVITETER", " Aktiviteter ", "AkTiViTeTeR"])
def test_sheet_name_any_case(tmp_path, name):
    wb = Workbook()
    wb.active.title = "Översikt"
    wb.active.append(HEADERS)  # recognised headers, but not the sheet the contract names
    wb.active.append(activity(5))
    ws = wb.create_sheet(name)
    ws.append(HEADERS)
    ws.append(activity(1))
    wb.save(tmp_path / "c.xlsx")
    res = check(tmp_path / "c.xlsx")
    assert res.ok and [(a["aktivitet_id"]) for a in res.parsed.activities] == ["A-01"]
    assert {e.sheet for e in check(write_xlsx(tmp_path / "e.xlsx", [activity(1, Status="?")], sheet=name)).errors} \
        == {name}


def test_without_an_aktiviteter_sheet_the_first_sheet_with_recognised_headers_is_read():
    res = check(FIX / "other-sheet-name.xlsx")
    assert (flat(res.errors), flat(res.warnings)) == ([], [])
    assert [a["aktivitet_id"] for a in res.parsed.activities] == ["A-01"]  # Blad1, not Läs mig or Blad2


def test_errors_name_the_sheet_that_was_read(tmp_path):
    f = write_xlsx(tmp_path / "b.xlsx", [activity(1, Slutdatum="snart")], sheet="Blad1")
    assert [(e.sheet, e.row, e.column, e.code) for e in check(f).errors] == [("Blad1", 2, "Slutdatum", "bad_date")]


def test_error_column_is_the_header_as_written(tmp_path):
    headers = [{"Slutdatum": "Klart senast", "Status": "STATUS:", "Andel klart (%)": "Färdigt %"}.get(h, h)
               for h in HEADERS]
    f = write_xlsx(tmp_path / "w.xlsx", [activity(1, Slutdatum="x", Status="y", **{"Andel klart (%)": "z"})],
                   headers=headers)
    assert flat(check(f).errors) == [(2, "Klart senast", "bad_date"), (2, "STATUS:", "bad_status"),
                                     (2, "Färdigt %", "bad_percent")]


def test_no_recognisable_sheet_is_one_clear_error():
    res = check(FIX / "no-activity-sheet.xlsx")
    assert [(e.sheet, e.row, e.column, e.code) for e in res.errors] == [(None, None, None, "no_sheet")]
    assert "Aktiviteter" in res.errors[0].message and "Aktivitets-ID" in res.errors[0].message


def test_header_row_is_the_first_row_holding_all_required_headers(tmp_path):
    # an instruction row mentioning two of the headers comes first; it is not the header row
    f = write_xlsx(tmp_path / "i.xlsx", [activity(1)], above=[["Status", "Slutdatum", "fyll i båda"]])
    res = check(f)
    assert res.ok and [a["row"] for a in res.parsed.activities] == [3]


def test_a_row_with_text_only_in_ignored_columns_counts_as_empty(tmp_path):
    f = write_xlsx(tmp_path / "n.xlsx", [activity(1) + [None, "notering"], [None] * 11 + ["fotnot", None],
                                         [None] * 12 + ["* preliminärt"]], headers=HEADERS + ["Anteckning", None])
    res = check(f)
    assert flat(res.errors) == [] and [a["aktivitet_id"] for a in res.parsed.activities] == ["A-01"]
    assert flat(res.warnings) == [(1, "Anteckning", "unknown_column")]


def test_the_canonical_header_wins_over_a_synonym_for_the_same_column(tmp_path):
    # a running "Nr" left of the real Aktivitets-ID, and "Start" next to "Startdatum"
    headers = ["Nr", *HEADERS[:5], "Start", *HEADERS[5:]]
    rows = [[n, *r[:5], "2024-01-01", *r[5:]] for n, r in ((1, activity(1)), (2, activity(2)))]
    res = check(write_xlsx(tmp_path / "nr.xlsx", rows, headers=headers))
    assert flat(res.errors) == []
    assert flat(res.warnings) == [(1, "Nr", "duplicate_column"), (1, "Start", "duplicate_column")]
    assert "'Aktivitets-ID'" in res.warnings[0].message
    assert [(a["aktivitet_id"], a["startdatum"]) for a in res.parsed.activities] == [
        ("A-01", dt.date(2025, 1, 1)), ("A-02", dt.date(2025, 1, 1))]

"""The follow-up template: layout, dropdowns, Info sheet, pre-fill, and the round trip
template → filled in → import → export."""

import datetime as dt
import io
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from naringsdash import ingest, schema
from naringsdash.ingest.template import template_bytes
from naringsdash.store import queries

from conftest import ROOT, activity, write_xlsx


def test_empty_template_layout(tmp_path, db):
    wb = load_workbook(io.BytesIO(template_bytes("KLF", "2025-T2", db=db)))
    assert wb.sheetnames[:1] == ["Aktiviteter"] and {"Info", "Instruktioner"} <= set(wb.sheetnames)
    ws = wb["Aktiviteter"]
    # The schema's columns, then last period's comment to read (the importer ignores it).
    assert [c.value for c in ws[1]] == [c.header for c in schema.ACTIVITY_COLUMNS] + [schema.PREVIOUS_COMMENT_HEADER]
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1 or all(c.value is None for c in ws[2])
    lists = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation
             if dv.type == "list"}
    letters = {c.key: chr(ord("A") + i) for i, c in enumerate(schema.ACTIVITY_COLUMNS)}
    assert {letters["status"], letters["malomrade"], letters["bedomning"]} <= set(lists)
    listor = wb["Listor"]
    assert [c.value for c in listor["A"][1:] if c.value] == list(schema.STATUS_ORDER)
    info = {r[0].value: r[1].value for r in wb["Info"].iter_rows()}
    assert info["Förvaltning"] == "KLF" and info["Period"] == "2025-T2"
    assert ws[f"{letters['slutdatum']}2"].number_format == "yyyy-mm-dd"


def test_round_trip_template_fill_import_export(tmp_path, db):
    src = write_xlsx(tmp_path / "t1.xlsx", [activity(1, Kommentar="=HYPERLINK(\"x\")"), activity(2), activity(3)])
    assert ingest.import_file(src, db=db, forvaltning="KLF", period="2025-T1").ok
    path = tmp_path / "mall.xlsx"
    p = subprocess.run([sys.executable, "-m", "naringsdash", "template", "--forvaltning", "Kommunledningsförvaltningen",
                        "--period", "Delår 2025", "--out", str(path), "--db", str(db)], cwd=ROOT, capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    wb = load_workbook(path)
    ws = wb["Aktiviteter"]
    header = [c.value for c in ws[1]]
    col = {h: header.index(h) + 1 for h in header}
    prefilled = [[ws.cell(row=r, column=col[h]).value for h in ("Aktivitets-ID", "Aktivitet", "Målområde")]
                 for r in range(2, 5)]
    assert prefilled == [["A-01", "Aktivitet 1", "2. Etablering och mark"], ["A-02", "Aktivitet 2", "3. Kompetensförsörjning"],
                         ["A-03", "Aktivitet 3", "4. Entreprenörskap och innovation"]]
    assert ws.cell(row=2, column=col["Slutdatum"]).value.date() == dt.date(2025, 12, 31)
    # Carried forward from 2025-T1: the reporter changes only what changed; a new comment for the new period.
    assert ws.cell(row=2, column=col["Status"]).value == "Pågår" and ws.cell(row=2, column=col["Kommentar"]).value is None
    old = ws.cell(row=2, column=col[schema.PREVIOUS_COMMENT_HEADER])
    assert old.value == "=HYPERLINK(\"x\")" and old.data_type == "s" and old.quotePrefix  # text, never a formula
    for r, status, pct in ((2, "Klar", 100), (3, "Pågår", 60), (4, "Försenad", 20)):
        ws.cell(row=r, column=col["Status"], value=status)
        ws.cell(row=r, column=col["Andel klart (%)"], value=pct)
    wb["Info"]["B4"] = "Anna Lindqvist"
    filled = tmp_path / "ifylld.xlsx"
    wb.save(filled)
    res = ingest.import_file(filled, db=db)  # förvaltning and period from the Info sheet
    assert res.ok, [str(e) for e in res.errors]
    cols, rows = queries.export_activities("2025-T2", db)
    got = [dict(zip(cols, r)) for r in rows]
    assert [(g["aktivitet_id"], g["status"], g["andel_klar"], g["malomrade"], g["forvaltning"]) for g in got] == [
        ("A-01", "Klar", 100, 2, "KLF"), ("A-02", "Pågår", 60, 3, "KLF"), ("A-03", "Försenad", 20, 4, "KLF")]
    assert queries.uploads(db).iloc[0]["user_name"] == "Anna Lindqvist"


def test_template_neutralises_formula_like_text(tmp_path, db):
    src = write_xlsx(tmp_path / "t1.xlsx", [activity(1, Aktivitet="=1+1", Ansvarig="@admin")])
    assert ingest.import_file(src, db=db, forvaltning="KLF", period="2025-T1").ok
    wb = load_workbook(io.BytesIO(template_bytes("KLF", "2025-T2", db=db)))
    ws = wb["Aktiviteter"]
    assert ws["B2"].value == "=1+1" and ws["B2"].data_type == "s" and ws["B2"].quotePrefix  # text, not a formula
    assert ws["E2"].value == "@admin"


@pytest.mark.parametrize("text", ["=X", "+1+1", "@SUM(1)", "-2 dagar", "=HYPERLINK(\"http://x\",\"klick\")"])
def test_round_trip_keeps_formula_like_text_exactly_and_never_as_a_formula(tmp_path, db, text):
    """Issue 11 §5: text that looks like a formula comes back unchanged after download and upload, written as a
    quote-prefixed text cell (not with an added apostrophe), and is never a formula in the workbook."""
    first = write_xlsx(tmp_path / "forra.xlsx", [activity(1, Aktivitet=text, Ansvarig=text)])
    assert ingest.import_file(first, db=db, forvaltning="KLF", period="2025-T1").ok
    data = template_bytes("KLF", "2025-T2", db)
    ws = load_workbook(io.BytesIO(data))["Aktiviteter"]
    cell = ws.cell(row=2, column=2)
    assert cell.value == text and cell.data_type == "s" and cell.quotePrefix
    back = tmp_path / "mall.xlsx"
    back.write_bytes(data)
    res = ingest.import_file(back, db=db, forvaltning="KLF", period="2025-T2")
    assert res.ok, [str(e) for e in res.errors]
    cols, rows = queries.export_activities("2025-T2", db)
    row = dict(zip(cols, rows[0]))
    assert (row["aktivitet"], row["ansvarig"]) == (text, text)

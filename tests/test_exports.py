"""Exports: the canonical CSV carries values verbatim; everything meant for a spreadsheet program
neutralises text that begins with =, +, -, @."""

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from naringsdash import export, ingest
from naringsdash.cli import main as cli

from conftest import activity, write_xlsx

EVIL = ["=1+1", "+46 410 73 30 00", "-2 dagar", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"klick\")"]


@pytest.fixture
def evil_db(tmp_path, db):
    rows = [activity(i + 1, Aktivitet=text, Kommentar=text, Ansvarig=text) for i, text in enumerate(EVIL)]
    assert ingest.import_file(write_xlsx(tmp_path / "evil.xlsx", rows), db=db, forvaltning="KLF",
                              period="2025-T1").ok
    return db


def test_canonical_csv_is_verbatim(evil_db, capsys):
    assert cli.main(["export", "--db", str(evil_db)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["aktivitet"] for r in rows] == EVIL


def test_xlsx_export_neutralises_formulas(evil_db, tmp_path):
    out = tmp_path / "export.xlsx"
    assert cli.main(["export", "--format", "xlsx", "--out", str(out), "--db", str(evil_db)]) == 0
    ws = load_workbook(out)["Aktiviteter"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t[0] in "=+-@"]
    assert "'=1+1" in texts and "'@SUM(A1)" in texts


def test_people_csv_neutralises_formulas():
    df = pd.DataFrame({"Aktivitet": EVIL, "Andel": [1.5, 2, None, 4, 5]})
    text = export.people_csv(df).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Aktivitet", "Andel"]
    assert [r[0][0] for r in rows[1:]] == ["'"] * len(EVIL)
    assert rows[1][1] == "1,5" and rows[3][1] == ""


def test_xlsx_bytes_header_and_dates():
    import datetime as dt

    df = pd.DataFrame({"Slutdatum": [dt.date(2025, 6, 30)], "Text": ["@x"]})
    wb = load_workbook(io.BytesIO(export.xlsx_bytes({"Blad": df})))
    ws = wb["Blad"]
    assert ws["A1"].value == "Slutdatum" and ws["A1"].font.bold and ws.freeze_panes == "A2"
    assert ws["A2"].number_format == "yyyy-mm-dd" and ws["B2"].value == "'@x"

"""Cell values read the way a Swedish user means them (contract §1, §2): dates, percent, numbers, text,
IDs, målområde, förvaltning, status, bedömning, periods, the Info sheet and the Indikatorer sheet.

The bulk validates in-process (dry run); what reaches the database is checked through the canonical export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from pathlib import Path

import pytest

from naringsdash import config, export, ingest, store
from naringsdash.config import parse_period
from naringsdash.store import queries

from conftest import FIX, activity, check, flat, write_xlsx

D = dt.date


def one(tmp_path: Path, **over) -> dict:
    """Validate one activity row with the given cells; the parsed row, or the errors."""
    res = check(write_xlsx(tmp_path / "v.xlsx", [activity(1, **over)]))
    assert flat(res.errors) == []
    return res.parsed.activities[0]


def bad(tmp_path: Path, **over) -> list[tuple]:
    res = check(write_xlsx(tmp_path / "v.xlsx", [activity(1, **over)]))
    return [(e.row, e.column, e.code, e.value) for e in res.errors]


def export_csv(db, period="2025-T1") -> str:
    cols, rows = queries.export_activities(period, db)
    return export.canonical_csv(cols, rows)


def no_diacritics(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


# --- dates --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    (D(2025, 6, 30), D(2025, 6, 30)),  # a real Excel date
    (dt.datetime(2025, 6, 30, 0, 0), D(2025, 6, 30)),
    (dt.datetime(2025, 6, 30, 14, 45), D(2025, 6, 30)),
    ("2025-06-30", D(2025, 6, 30)),
    ("2025-06-30 00:00", D(2025, 6, 30)),
    ("2025-06-30 00:00:00", D(2025, 6, 30)),
    ("  2025-06-30  ", D(2025, 6, 30)),
    ("2025-6-30", D(2025, 6, 30)),
    ("30/6/2025", D(2025, 6, 30)),
    ("30/06/2025", D(2025, 6, 30)),
    ("30.6.2025", D(2025, 6, 30)),
    ("30.06.2025", D(2025, 6, 30)),
    ("1/7/2025", D(2025, 7, 1)),  # day first, as in Sweden
    ("20250630", D(2025, 6, 30)),  # as text
    (20250630, D(2025, 6, 30)),  # as a number
    (45838, D(2025, 6, 30)),  # an Excel serial number in a cell without date format
    ("2025-06", D(2025, 6, 30)),  # year and month: the month's last day
    ("2024-02", D(2024, 2, 29)),
    ("2025-02", D(2025, 2, 28)),
    ("juni 2025", D(2025, 6, 30)),
    ("Juni 2025", D(2025, 6, 30)),
    ("JUNI 2025", D(2025, 6, 30)),
    ("jun 2025", D(2025, 6, 30)),
    ("december 2025", D(2025, 12, 31)),
    ("30 juni 2025", D(2025, 6, 30)),
])
def test_dates(tmp_path, cell, expected):
    a = one(tmp_path, Slutdatum=cell, Startdatum=cell)
    assert (a["slutdatum"], a["startdatum"]) == (expected, expected)


@pytest.mark.parametrize("cell", ["31/13/2025", "2025-02-30", "snart", "Q3", "2025", 2025, "13 2025", "2025-13",
                                  "30 juno 2025", True])
def test_not_dates(tmp_path, cell):
    assert bad(tmp_path, Slutdatum=cell)[0][:3] == (2, "Slutdatum", "bad_date")


def test_a_date_cell_formatted_as_year_and_month_means_the_last_day():
    # G2 'yyyy-mm' and G3 'mmm yyyy' show only the month; G4 'yyyy-mm-dd' shows the day
    res = check(FIX / "month-format.xlsx")
    assert [a["slutdatum"] for a in res.parsed.activities] == [D(2025, 6, 30), D(2025, 2, 28), D(2025, 6, 1)]


# --- percent ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    (40, 40), (40.0, 40), ("40", 40), ("40 %", 40), ("40%", 40), ("40\u00a0%", 40), (" 40 % ", 40), ("40,0", 40),
    ("40,0 %", 40), (0, 0), ("0 %", 0), (100, 100), ("100%", 100), ("100,0", 100), (0.4, 40), ("0,4", 40),
    (0.05, 5), ("12,5", 13), (None, None),
])
def test_percent(tmp_path, cell, expected):
    assert one(tmp_path, **{"Andel klart (%)": cell})["andel_klar"] == expected


def test_fractions_in_percent_formatted_cells():
    # I2 0.4 '0%', I3 1 '0%', I4 0 '0%', I5 0.255 '0.0%' (shown as 40 %, 100 %, 0 %, 25,5 %)
    assert [a["andel_klar"] for a in check(FIX / "percent-format.xlsx").parsed.activities] == [40, 100, 0, 26]


def test_whole_percent_cells_are_read_by_their_format():
    # only 100 % and 0 %: without the cell format 1 would be indistinguishable from 1 %
    res = check(FIX / "percent-format-only-whole.xlsx")
    assert [a["andel_klar"] for a in res.parsed.activities] == [100, 0]
    assert flat(res.warnings) == []  # Klar at 100 %, no warning


@pytest.mark.parametrize("cell", [101, 150, -1, "-5 %", "120 %", "mycket", "40 procent?", "100,5"])
def test_percent_outside_0_100_is_an_error(tmp_path, cell):
    [(row, column, code, value)] = bad(tmp_path, **{"Andel klart (%)": cell})
    assert (row, column, code) == (2, "Andel klart (%)", "bad_percent")


# --- text, IDs, whitespace ----------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    (12, "12"), (12.0, "12"), ("12", "12"), ("012", "012"), (" A-01 ", "A-01"), ("\u00a0KLF-3\u00a0", "KLF-3"),
    ("1.2", "1.2"), (2025001, "2025001"),
])
def test_ids_are_text(tmp_path, cell, expected):
    assert one(tmp_path, **{"Aktivitets-ID": cell})["aktivitet_id"] == expected


def test_text_is_stripped_of_surrounding_whitespace(tmp_path):
    a = one(tmp_path, Aktivitet="  Mässa  ", Ansvarig="\u00a0Bo Ek\t", Kommentar="\n Rad ett\nRad två \n")
    assert (a["aktivitet"], a["ansvarig"], a["kommentar"]) == ("Mässa", "Bo Ek", "Rad ett\nRad två")


def test_whitespace_only_optional_cells_are_empty(tmp_path):
    a = one(tmp_path, Ansvarig="   ", Kommentar="\u00a0", Bedömning=" ", **{"Andel klart (%)": "  "})
    assert (a["ansvarig"], a["kommentar"], a["bedomning"], a["andel_klar"]) == (None, None, None, None)


# --- målområde, förvaltning ---------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    (3, 3), (3.0, 3), ("3", 3), (" 3 ", 3), ("3.", 3), ("3. Kompetensförsörjning", 3), ("3 Kompetensförsörjning", 3),
    ("3 - Kompetensförsörjning", 3), ("3.  kompetensforsorjning", 3), ("Kompetensförsörjning", 3),
    ("kompetensförsörjning", 3), ("KOMPETENSFÖRSÖRJNING", 3), ("Kompetensforsorjning", 3),
    ("1. Företagsklimat och service", 1), ("Etablering och mark", 2), ("4. Entreprenörskap och innovation", 4),
    ("attraktiv plats och besoksnaring", 5), ("6. INFRASTRUKTUR OCH HÅLLBAR TILLVÄXT", 6),
])
def test_malomrade(tmp_path, cell, expected):
    assert one(tmp_path, Målområde=cell)["malomrade"] == expected


@pytest.mark.parametrize("cell", [0, 7, "7. Okänt", "Turism", 2.5])
def test_unknown_malomrade_is_an_error(tmp_path, cell):
    assert bad(tmp_path, Målområde=cell)[0][:3] == (2, "Målområde", "bad_malomrade")


@pytest.mark.parametrize("cell", ["KLF", "klf", " Klf ", "Kommunledningsförvaltningen", "kommunledningsforvaltningen",
                                  "KOMMUNLEDNINGSFÖRVALTNINGEN", " Kommunledningsförvaltningen "])
def test_forvaltning_column_as_code_or_name(tmp_path, cell):
    assert one(tmp_path, Förvaltning=cell)["forvaltning"] == "KLF"


@pytest.mark.parametrize(("flag", "code"), [
    ("KLF", "KLF"), ("klf", "KLF"), ("Kommunledningsförvaltningen", "KLF"), ("kommunledningsforvaltningen", "KLF"),
    ("Kultur- och fritidsförvaltningen", "KFF"), ("kultur- och fritidsforvaltningen", "KFF"),
    ("Kultur och fritidsförvaltningen", "KFF"), ("Socialförvaltningen", "SOF"),
])
def test_forvaltning_flag_as_code_or_name(tmp_path, db, flag, code):
    f = write_xlsx(tmp_path / "f.xlsx", [activity(1, Förvaltning=code)])
    res = ingest.import_file(f, db=db, forvaltning=flag, period="2025-T1")
    assert res.ok, flat(res.errors)
    assert export_csv(db).splitlines()[1].split(",")[1] == code


# --- status and bedömning -----------------------------------------------------------------------

STATUS_TABLE = {
    "Ej påbörjad": ["ej påbörjad", "ej startad", "inte påbörjad", "inte startad", "planerad"],
    "Pågår": ["pågår", "pågående", "påbörjad", "startad", "pågår enligt plan", "i gång"],
    "Försenad": ["försenad", "försenat", "fördröjd"],
    "Klar": ["klar", "klart", "genomförd", "avslutad", "slutförd", "färdig"],
    "Avbruten": ["avbruten", "avbrutet", "struken", "utgår", "stoppad"],
}
STATUS_CASES = sorted({(label, spelled) for label, variants in STATUS_TABLE.items() for v in (label, *variants)
                       for spelled in (v, v.upper(), v.capitalize(), f"  {v}  ", v.replace(" ", "  "),
                                       no_diacritics(v), no_diacritics(v).upper(), f"\u00a0{v}")})


@pytest.mark.parametrize(("label", "cell"), STATUS_CASES)
def test_status_vocabulary(tmp_path, label, cell):
    a = one(tmp_path, Status=cell, **{"Andel klart (%)": 100})
    assert a["status"] == label


@pytest.mark.parametrize("cell", ["Okänd", "Klar?", "nästan klar", "pågår inte", "ja", "1"])
def test_unknown_status_is_an_error(tmp_path, cell):
    [(row, column, code, value)] = bad(tmp_path, Status=cell)
    assert (row, column, code, value) == (2, "Status", "bad_status", cell)


@pytest.mark.parametrize(("cell", "label"), [
    ("Grön", "Grön"), ("grön", "Grön"), ("GRÖN", "Grön"), ("gron", "Grön"), (" Grön ", "Grön"), ("Gul", "Gul"),
    ("gul", "Gul"), ("GUL", "Gul"), ("Röd", "Röd"), ("röd", "Röd"), ("rod", "Röd"), ("ROD", "Röd"), (None, None),
])
def test_bedomning(tmp_path, cell, label):
    assert one(tmp_path, Bedömning=cell)["bedomning"] == label


def test_unknown_bedomning_is_an_error(tmp_path):
    assert bad(tmp_path, Bedömning="Blå") == [(2, "Bedömning", "bad_bedomning", "Blå")]


# --- periods (§2) -------------------------------------------------------------------------------

PERIODS = [
    ("2025-T1", "2025-T1"), ("2025-T2", "2025-T2"), ("2025-T3", "2025-T3"), ("2025-t3", "2025-T3"),
    ("T1 2025", "2025-T1"), ("t2 2025", "2025-T2"), ("T3 2025", "2025-T3"), ("Tertial 1 2025", "2025-T1"),
    ("tertial 2 2025", "2025-T2"), ("TERTIAL 3 2025", "2025-T3"), ("2025 T1", "2025-T1"), ("2025 T2", "2025-T2"),
    ("Delår 2025", "2025-T2"), ("delår 2025", "2025-T2"), ("Delar 2025", "2025-T2"), ("DELÅR 2025", "2025-T2"),
    ("Helår 2025", "2025-T3"), ("helar 2025", "2025-T3"), ("Bokslut 2025", "2025-T3"), ("bokslut 2025", "2025-T3"),
    ("Årsbokslut 2025", "2025-T3"), ("arsbokslut 2025", "2025-T3"), (" T1  2025 ", "2025-T1"),
    ("2025 Delår (T2)", "2025-T2"), ("2025 Helår (T3)", "2025-T3"), ("2025 Tertial 1", "2025-T1"),
]


@pytest.mark.parametrize(("spelled", "canonical"), PERIODS)
def test_parse_period(spelled, canonical):
    assert parse_period(spelled) == canonical


@pytest.mark.parametrize("spelled", ["", "2025", "T1", "2025-T4", "T0 2025", "Q1 2025", "Sommaren 2025", "Delår",
                                     "2025 Delår (T3)"])
def test_unknown_period(spelled):
    assert parse_period(spelled) is None


@pytest.mark.parametrize(("spelled", "canonical"), [("T1 2025", "2025-T1"), ("Delår 2025", "2025-T2"),
                                                    ("Årsbokslut 2025", "2025-T3"), ("2025 T3", "2025-T3")])
def test_period_flag_and_info_spellings_reach_the_export(tmp_path, db, spelled, canonical):
    by_flag = write_xlsx(tmp_path / "a.xlsx", [activity(1)])
    assert ingest.import_file(by_flag, db=db, forvaltning="KLF", period=spelled).ok
    by_info = write_xlsx(tmp_path / "b.xlsx", [activity(1, Förvaltning="SOF")],
                         info={"Förvaltning": "SOF", "Period": spelled})
    assert ingest.import_file(by_info, db=db).ok
    assert [line.split(",")[:3] for line in export_csv(db, canonical).splitlines()[1:]] == [
        [canonical, "KLF", "A-01"], [canonical, "SOF", "A-01"]]


@pytest.mark.parametrize(("period", "end"), [("2025-T1", D(2025, 4, 30)), ("2025-T2", D(2025, 8, 31)),
                                             ("2025-T3", D(2025, 12, 31))])
def test_period_end_dates(period, end):
    assert config.period_end(period) == end


# --- the Info sheet -----------------------------------------------------------------------------

def test_info_sheet_gives_forvaltning_period_and_reporter(db):
    res = ingest.import_file(FIX / "info-sheet.xlsx", db=db)
    assert res.ok, flat(res.errors)
    assert export_csv(db).splitlines()[1].startswith("2025-T1,KFF,A-01,")
    with store.connect(db) as con:
        assert con.execute("SELECT forvaltning, period, user_name FROM uploads").fetchall() == [
            ("KFF", "2025-T1", "Eva Holm")]


@pytest.mark.parametrize(("flags", "errors"), [
    ({"forvaltning": "KFF", "period": "2025-T1"}, []),
    ({"forvaltning": "Kultur- och fritidsförvaltningen", "period": "T1 2025"}, []),
    ({"forvaltning": "KFF"}, []),
    ({"period": "Tertial 1 2025"}, []),
    ({"forvaltning": "KLF"}, [("Info", 1, "Förvaltning", "forvaltning_mismatch"),
                              ("Aktiviteter", 2, "Förvaltning", "forvaltning_mismatch")]),
    ({"period": "2025-T2"}, [("Info", 2, "Period", "period_mismatch")]),
])
def test_flags_that_agree_with_info_are_accepted_and_conflicts_rejected(flags, errors):
    res = ingest.import_file(FIX / "info-sheet.xlsx", dry_run=True, **flags)
    assert [(e.sheet, e.row, e.column, e.code) for e in res.errors] == errors
    assert all("stämmer inte" in e.message for e in res.errors)


def test_without_flags_or_info_both_are_missing(tmp_path):
    res = ingest.import_file(write_xlsx(tmp_path / "n.xlsx", [activity(1)]), dry_run=True)
    assert [e.code for e in res.errors] == ["missing_forvaltning", "missing_period"]
    assert all("saknas" in e.message for e in res.errors)


# --- the Indikatorer sheet ----------------------------------------------------------------------

INDICATORS_EXPORT = """\
indikator,malomrade,enhet,riktning,malvarde,malar,kalla,ar,varde
Andel med eftergymnasial utbildning,3,%,hogre,,,,2019,45.5
Andel med eftergymnasial utbildning,3,%,hogre,,,,2021,46
"Företagsklimat, ranking",1,placering,lagre,100,2030,Svenskt Näringsliv,2019,167
"Företagsklimat, ranking",1,placering,lagre,100,2030,Svenskt Näringsliv,2020,165
"Företagsklimat, ranking",1,placering,lagre,100,2030,Svenskt Näringsliv,2022,150
Nyföretagande,4,per 1 000 inv.,hogre,12.5,2030,Tillväxtanalys,2019,10.4
Nyföretagande,4,per 1 000 inv.,hogre,12.5,2030,Tillväxtanalys,2020,11.25
Nyföretagande,4,per 1 000 inv.,hogre,12.5,2030,Tillväxtanalys,2021,1250
Nyföretagande,4,per 1 000 inv.,hogre,12.5,2030,Tillväxtanalys,2022,1300.5
"""


def indicators_csv(db) -> str:
    cols, rows = queries.export_indicators(db)
    return export.canonical_csv(cols, rows)


def test_indicator_sheet_wide_format_needs_no_forvaltning_or_period(db):
    # title rows; year headers as number, text, 2021.0 and ' 2022 '; decimal comma, spaces and NBSP as
    # thousands separators; a percent-formatted 0.455 and '46 %'; empty = no value; an unknown column
    res = ingest.import_file(FIX / "indikatorer.xlsx", db=db)
    assert (res.ok, res.rows, flat(res.errors)) == (True, 9, [])
    assert flat(res.warnings) == [(3, "Anteckning", "unknown_column")]
    assert indicators_csv(db) == INDICATORS_EXPORT


def test_export_indicators_command(db, capsys):
    from naringsdash.cli import main as cli

    assert cli.main(["import", str(FIX / "indikatorer.xlsx"), "--db", str(db)]) == 0
    capsys.readouterr()
    assert cli.main(["export", "--indicators", "--db", str(db)]) == 0
    assert capsys.readouterr().out == INDICATORS_EXPORT


def test_indicator_sheet_ignores_flags_and_export_of_activities_stays_empty(db):
    assert ingest.import_file(FIX / "indikatorer.xlsx", db=db, forvaltning="KLF", period="2025-T1").ok
    assert queries.latest_period(db) is None


def test_later_indicator_upload_replaces_values_for_the_same_year_and_keeps_history(db):
    assert ingest.import_file(FIX / "indikatorer.xlsx", db=db).ok
    assert ingest.import_file(FIX / "indikatorer-update.xlsx", db=db).ok
    rows = list(csv.DictReader(io.StringIO(indicators_csv(db))))
    ranking = [(r["ar"], r["varde"], r["malvarde"]) for r in rows if r["indikator"] == "Företagsklimat, ranking"]
    assert ranking == [("2019", "167", "90"), ("2020", "165", "90"), ("2021", "160", "90"), ("2022", "140", "90"),
                       ("2023", "120", "90")]
    assert len([r for r in rows if r["indikator"] == "Nyföretagande"]) == 4  # not in the update: unchanged
    with store.connect(db) as con:
        history = con.execute("SELECT varde FROM indicator_values WHERE indikator = 'Företagsklimat, ranking' "
                              "AND ar = 2022 ORDER BY upload_id").fetchall()
    assert history == [(150.0,), (140.0,)]


def test_indicator_errors():
    res = ingest.import_file(FIX / "indikatorer-errors.xlsx", dry_run=True)
    assert [(e.sheet, e.row, e.column, e.code, e.value) for e in res.errors] == [
        ("Indikatorer", 2, "Riktning", "bad_riktning", "Bättre"),
        ("Indikatorer", 2, "2020", "bad_number", "hundra"),
        ("Indikatorer", 3, "Indikator", "required", None),
    ]


@pytest.mark.parametrize(("cell", "key"), [("Högre är bättre", "hogre"), ("högre är bättre", "hogre"),
                                           ("HOGRE AR BATTRE", "hogre"), ("Lägre är bättre", "lagre"),
                                           (" lägre är  bättre ", "lagre"), ("Lagre ar battre", "lagre")])
def test_riktning(tmp_path, db, cell, key):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "indikatorer"
    ws.append(["Indikator", "Målområde", "Enhet", "Riktning", "2024"])
    ws.append(["Arbetslöshet", 3, "%", cell, "7,5"])
    wb.save(tmp_path / "r.xlsx")
    assert ingest.import_file(tmp_path / "r.xlsx", db=db).ok
    assert indicators_csv(db).splitlines()[1] == f"Arbetslöshet,3,%,{key},,,,2024,7.5"


# --- everything together: the canonical export ---------------------------------------------------

def test_canonical_export_of_variants(tmp_path, db):
    rows = [
        activity(3, **{"Aktivitets-ID": 12, "Målområde": "3. Kompetensförsörjning", "Förvaltning": "klf",
                       "Startdatum": "2025-01-15", "Slutdatum": "30/4/2025", "Status": "PÅGÅENDE",
                       "Andel klart (%)": "40 %", "Bedömning": "gul", "Kommentar": "  Text, med komma  "}),
        activity(2, **{"Aktivitets-ID": "A-2", "Målområde": "Etablering och mark", "Slutdatum": "2025-03",
                       "Status": "genomford", "Andel klart (%)": "100,0", "Ansvarig": None}),
        activity(1, **{"Aktivitets-ID": "A-10", "Målområde": 6.0, "Slutdatum": 20250601, "Status": "Struken",
                       "Andel klart (%)": None, "Bedömning": None, "Kommentar": None, "Startdatum": None}),
    ]
    f = write_xlsx(tmp_path / "e.xlsx", rows)
    assert ingest.import_file(f, db=db, forvaltning="Kommunledningsförvaltningen", period="Tertial 1 2025").ok
    assert export_csv(db) == (
        "period,forvaltning,aktivitet_id,aktivitet,malomrade,ansvarig,startdatum,slutdatum,status,andel_klar,"
        "bedomning,kommentar,forsenad\n"
        '2025-T1,KLF,12,Aktivitet 3,3,Anna,2025-01-15,2025-04-30,Pågår,40,Gul,"Text, med komma",false\n'
        "2025-T1,KLF,A-10,Aktivitet 1,6,Anna,,2025-06-01,Avbruten,,,,false\n"
        "2025-T1,KLF,A-2,Aktivitet 2,2,,2025-01-01,2025-03-31,Klar,100,Grön,Enligt plan,false\n"
    )

"""The styrgrupp's loop in the package: meetings, decisions with their history, synpunkter, permissions per role,
the migration of an existing database, the Synpunkter sheet (all or nothing, Swedish errors with row and column),
the command line, and the protocol as Word and PDF."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess

import pandas as pd
import pytest
from openpyxl import Workbook

from naringsdash import audit, auth, closing, ingest, meetings, protocol, store, synpunkter

from conftest import activity, run_main, write_xlsx

ADMIN = auth.User("chef", "admin", display_name="Maria Nilsson")
RAPPORTOR = auth.User("rapp", "rapportor", ("KLF",))
LASARE = auth.User("lasse", "lasare")
TODAY = dt.date(2025, 11, 30)


@pytest.fixture
def acts(db, tmp_path):
    """Two KLF activities in 2025-T1 (A-01 in målområde 2, A-02 in målområde 3)."""
    path = write_xlsx(tmp_path / "klf.xlsx", [activity(1), activity(2)])
    assert ingest.import_file(path, db=db, forvaltning="KLF", period="2025-T1").ok
    return db


def meeting(db, day="2025-05-20", period="2025-T1", **kw) -> int:
    return meetings.create_meeting(day, period, [("KLF", "Näringslivschef"), ("Samhällsbyggnadsförvaltningen", None)],
                                   ADMIN, db, agenda=["Översikt", "Beslut att följa upp"], **kw)


# --- Meetings and decisions -----------------------------------------------------------------


def test_a_meeting_holds_its_date_period_attendance_and_agenda_and_knows_the_one_before(db):
    first = meeting(db, "2025-05-20", "Tertial 1 2025")
    second = meeting(db, "2025-09-20", "Delår 2025")
    m = meetings.get_meeting(second, db)
    assert (m["datum"], m["period"]) == (dt.date(2025, 9, 20), "2025-T2")
    assert m["attendance"] == [("KLF", "Näringslivschef"), ("SBF", None)]
    assert m["agenda"] == ["Översikt", "Beslut att följa upp"]
    assert meetings.previous_meeting(second, db)["id"] == first
    assert meetings.previous_meeting(first, db) is None
    assert meetings.title(m) == "Mötet 2025-09-20"
    assert meetings.meetings(db)["id"].tolist() == [second, first]


def test_decision_on_an_activity_and_on_a_malomrade_with_status_changes_and_full_history(acts):
    mid = meeting(acts)
    d1 = meetings.add_decision(mid, "Ny tidplan för aktiviteten", "KLF", "2025-06-30", ADMIN, acts,
                               aktivitet=("KLF", "A-01"), roll="Näringslivschef", now=dt.datetime(2025, 5, 20, 10))
    d2 = meetings.add_decision(mid, "Samla insatserna", "amf", dt.date(2025, 12, 31), ADMIN, acts, malomrade=3)
    df = meetings.decisions(acts, today=TODAY).set_index("id")
    assert df.loc[d1, "malomrade"] == 2 and df.loc[d1, "aktivitet"] == "Aktivitet 1"   # from the activity
    assert (df.loc[d2, "agare"], df.loc[d2, "status"]) == ("AMF", "Öppen") and pd.isna(df.loc[d2, "aktivitet_id"])
    later = dt.datetime(2025, 7, 1, 9)
    assert meetings.change_decision(d1, ADMIN, acts, status="klar", kommentar="Klart i juni", now=later) == (2, False)
    assert meetings.change_decision(d1, ADMIN, acts, status="Klar", kommentar="Klart i juni") == (2, True)
    assert meetings.change_decision(d1, ADMIN, acts, status="Öppen", forfaller="2025-10-31") == (3, False)
    hist = meetings.decision_history(d1, acts)
    assert hist["version"].tolist() == [3, 2, 1]
    assert hist["status"].tolist() == ["Öppen", "Klar", "Öppen"]
    assert hist["user_name"].tolist() == ["Maria Nilsson"] * 3
    assert hist["changed_at"].iloc[1] == later and hist["kommentar"].iloc[1] == "Klart i juni"
    assert hist["forfaller"].iloc[0].date() == dt.date(2025, 10, 31)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"text": "  "}, "Beslutets text får inte vara tom"),
    ({"agare": "XYZ"}, "Ägare: okänd förvaltning 'XYZ'"),
    ({"forfaller": "snart"}, "Klart senast: ogiltigt datum 'snart'"),
    ({"malomrade": 9}, "Okänt målområde: '9'"),
    ({"malomrade": None, "aktivitet": ("KLF", "FINNS-EJ")}, "Aktiviteten KLF 'FINNS-EJ' finns inte"),
    ({"malomrade": None}, "Ange vilket målområde eller vilken aktivitet"),
])
def test_a_bad_decision_is_refused_in_swedish_and_nothing_is_stored(acts, kwargs, message):
    mid = meeting(acts)
    args = {"text": "Gör något", "agare": "KLF", "forfaller": "2025-06-30", "malomrade": 1, **kwargs}
    with pytest.raises(meetings.MeetingError, match=message):
        meetings.add_decision(mid, args.pop("text"), args.pop("agare"), args.pop("forfaller"), ADMIN, acts, **args)
    assert meetings.decisions(acts).empty


@pytest.mark.parametrize("user", [RAPPORTOR, LASARE, auth.ANONYMOUS, None])
def test_only_an_admin_creates_meetings_and_decisions(acts, user):
    mid = meeting(acts)
    did = meetings.add_decision(mid, "Beslut", "KLF", "2025-06-30", ADMIN, acts, malomrade=1)
    with pytest.raises(auth.PermissionDenied):
        meetings.create_meeting("2025-06-01", "2025-T1", ["KLF"], user, acts)
    with pytest.raises(auth.PermissionDenied):
        meetings.add_decision(mid, "Beslut", "KLF", "2025-06-30", user, acts, malomrade=1)
    with pytest.raises(auth.PermissionDenied):
        meetings.change_decision(did, user, acts, status="Klar")
    assert len(meetings.meetings(acts)) == 1 and meetings.decision_history(did, acts)["version"].tolist() == [1]
    assert not meetings.decisions(acts).empty   # everyone reads


def test_open_decisions_overdue_first_and_follow_up_at_the_next_meeting(acts):
    first = meeting(acts, "2025-05-20")
    late = meetings.add_decision(first, "Försenat", "KLF", "2025-09-01", ADMIN, acts, aktivitet=("KLF", "A-01"))
    soon = meetings.add_decision(first, "Snart", "KLF", "2025-12-01", ADMIN, acts, malomrade=1)
    done = meetings.add_decision(first, "Klart", "KLF", "2025-08-01", ADMIN, acts, malomrade=1)
    meetings.change_decision(done, ADMIN, acts, status="Klar", now=dt.datetime(2025, 8, 1, 12))
    old_done = meetings.add_decision(first, "Klart länge sedan", "KLF", "2025-05-25", ADMIN, acts, malomrade=1)
    meetings.change_decision(old_done, ADMIN, acts, status="Struken", now=dt.datetime(2025, 5, 21, 12))
    second = meeting(acts, "2025-09-20", "2025-T2")
    meetings.add_decision(second, "Nytt", "KLF", "2025-10-01", ADMIN, acts, malomrade=1)
    third = meeting(acts, "2025-11-25", "2025-T3")
    assert meetings.open_decisions(acts, malomrade=1, today=TODAY)["text"].tolist()[-1] == "Snart"
    opened = meetings.open_decisions(acts, today=TODAY)
    assert opened["text"].tolist() == ["Försenat", "Nytt", "Snart"] and opened["forsenad"].tolist() == [True,
                                                                                                        True, False]
    follow = meetings.follow_up(second, acts, today=TODAY)
    assert follow["id"].tolist() == [late, soon, old_done, done]   # first meeting: everything changed since
    follow3 = meetings.follow_up(third, acts, today=TODAY)
    assert set(follow3["text"]) == {"Försenat", "Snart", "Nytt"}   # closed before the second meeting: gone
    rows = meetings.open_by_activity(acts, today=TODAY)
    assert rows[["aktivitet_forvaltning", "aktivitet_id", "antal"]].values.tolist() == [["KLF", "A-01", 1]]
    assert rows["oppna_beslut"].iloc[0].startswith("FÖRSENAT: Försenat (KLF, klart senast 2025-09-01)")


# --- Migration ---------------------------------------------------------------------------------


def test_a_database_made_by_the_current_schema_upgrades_without_losing_anything(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    before = store.MIGRATIONS[:1]  # a database made before meetings (and the later migrations)
    monkeypatch.setattr(store.db, "MIGRATIONS", before)
    monkeypatch.setattr(audit, "record", lambda *a, **k: None)  # (the audit log came later)
    monkeypatch.setattr(closing, "is_closed", lambda *a, **k: False)  # (and so did closing a period)
    wb = write_xlsx(tmp_path / "klf.xlsx", [activity(i) for i in range(1, 6)])
    assert ingest.import_file(wb, db=path, forvaltning="KLF", period="2025-T1").ok
    with store.connect(path) as con:
        con.execute("INSERT INTO users (username, role, created_at) VALUES ('kalle', 'admin', now())")
    with store.connect(path) as con:
        assert store.schema_version(con) == 1
        before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("uploads", "activities", "files", "users", "meta")}
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "activities" in tables and "meetings" not in tables
    monkeypatch.undo()
    with store.connect(path) as con:   # an ordinary start: migrates
        assert store.schema_version(con) == len(store.MIGRATIONS) > len(before)
        after = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {"meetings", "meeting_attendance", "decisions", "decision_versions", "synpunkter",
                "synpunkt_versions"} <= tables
    assert after == before
    assert auth.get_user("kalle", db=path) is not None
    mid = meetings.create_meeting("2025-05-20", "2025-T1", ["KLF"], ADMIN, path)
    assert meetings.add_decision(mid, "Beslut", "KLF", "2025-06-30", ADMIN, path, aktivitet=("KLF", "A-03"))


# --- Synpunkter ------------------------------------------------------------------------------------


def syn(**over) -> dict:
    return {"datum": "2025-03-01", "kalla": "företagsbesök", "malomrade": 1, "forvaltning": "KLF",
            "sammanfattning": "Långa handläggningstider", **over}


def test_synpunkt_logged_answered_and_versioned(acts):
    sid = synpunkter.add(syn(organisation="Bygg AB", aktivitet_id="A-01"), RAPPORTOR, acts,
                         now=dt.datetime(2025, 3, 1, 9))
    row = synpunkter.listing(acts).iloc[0]
    assert (row["kalla"], row["status"], row["aktivitet"], row["organisation"]) == ("Företagsbesök", "Ny",
                                                                                      "Aktivitet 1", "Bygg AB")
    assert synpunkter.change(sid, {"status": "Besvarad", "svar": "Ny rutin"}, ADMIN, acts) == (2, False)
    assert synpunkter.change(sid, {"status": "besvarad"}, ADMIN, acts) == (2, True)
    hist = synpunkter.history(sid, acts)
    assert hist["status"].tolist() == ["Besvarad", "Ny"] and hist["user_name"].tolist() == ["Maria Nilsson", "rapp"]
    assert synpunkter.listing(acts, status="Besvarad")["svar"].tolist() == ["Ny rutin"]


def test_synpunkt_permissions_per_role(acts):
    sid = synpunkter.add(syn(forvaltning="SBF"), ADMIN, acts)
    assert synpunkter.add(syn(), RAPPORTOR, acts)
    for user in (LASARE, auth.ANONYMOUS, None):
        with pytest.raises(auth.PermissionDenied):
            synpunkter.add(syn(), user, acts)
    with pytest.raises(auth.PermissionDenied):
        synpunkter.add(syn(forvaltning="SBF"), RAPPORTOR, acts)       # not their förvaltning
    with pytest.raises(auth.PermissionDenied):
        synpunkter.change(sid, {"status": "Avslutad"}, RAPPORTOR, acts)
    with pytest.raises(synpunkter.SynpunktError, match="rapportör skriver synpunkter för sin egen förvaltning"):
        synpunkter.add(syn(forvaltning=None), RAPPORTOR, acts)
    assert len(synpunkter.listing(acts)) == 2


@pytest.mark.parametrize(("over", "message"), [
    ({"kalla": "Brevduva"}, "Okänd källa 'Brevduva'"),
    ({"datum": "igår"}, "Datum: ogiltigt datum"),
    ({"sammanfattning": ""}, "Sammanfattningen får inte vara tom"),
    ({"status": "Klar"}, "Status måste vara Ny, Under beredning, Besvarad, Avslutad"),
    ({"beslut_id": 99}, "Beslutet '99' finns inte"),
])
def test_bad_synpunkt_refused_in_swedish(acts, over, message):
    with pytest.raises(synpunkter.SynpunktError, match=message):
        synpunkter.add(syn(**over), ADMIN, acts)
    assert synpunkter.listing(acts).empty


def test_the_source_list_is_kept_in_the_reference_data(db):
    assert synpunkter.sources()[:2] == ["Företagsbesök", "Näringslivsråd"]
    with pytest.raises(auth.PermissionDenied):
        synpunkter.set_sources(["Mässa"], RAPPORTOR)
    synpunkter.set_sources(["Mässa", " Enkät ", "Mässa", ""], ADMIN)
    assert synpunkter.sources() == ["Mässa", "Enkät"]
    with pytest.raises(synpunkter.SynpunktError, match="Okänd källa 'företagsbesök'; välj en av: Mässa, Enkät"):
        synpunkter.add(syn(forvaltning=None), ADMIN, db)


@pytest.mark.parametrize(("statuses", "text"), [
    ([], "Under 2026 har inga synpunkter tagits in ännu."),
    (["Besvarad"], "Under 2026 togs 1 synpunkt in, 1 är besvarad."),
    (["Besvarad"] * 15 + ["Avslutad"] * 2 + ["Under beredning"] * 4 + ["Ny"] * 2,
     "Under 2026 togs 23 synpunkter in, 17 är besvarade, 4 under beredning och 2 nya."),
])
def test_summary_sentence(statuses, text):
    df = pd.DataFrame({"datum": [dt.date(2026, 3, 1)] * len(statuses) + [dt.date(2025, 3, 1)],
                       "status": statuses + ["Ny"]})
    assert synpunkter.summary_text(df, 2026) == text


# --- The Synpunkter sheet ----------------------------------------------------------------------------


def sheet(path, rows, headers=synpunkter.HEADERS, title="Synpunkter"):
    wb = Workbook()
    ws = wb.active
    ws.title = "Instruktioner"
    ws.append(["Fyll i bladet Synpunkter."])
    s = wb.create_sheet(title)
    s.append(["Synpunkter från näringslivet 2025"])
    s.append(list(headers))
    for r in rows:
        s.append(list(r))
    wb.save(path)
    return path


GOOD = [
    (dt.date(2025, 2, 1), "Företagsbesök", 1, "KLF", "Bygg AB", "Vill ha en väg in", None, "A-01", None, None),
    ("2025-03-15", "enkät", "3. Kompetensförsörjning", "SBF", None, "Svårt att rekrytera", "Jobbspår", None, None,
     "Besvarad"),
]


def test_synpunkter_sheet_imported_and_not_twice(acts, tmp_path):
    path = sheet(tmp_path / "syn.xlsx", GOOD)
    res = synpunkter.import_file(path, ADMIN, acts)
    assert res.ok and res.rows == 2 and not res.errors
    df = synpunkter.listing(acts)
    assert df["kalla"].tolist() == ["Enkät", "Företagsbesök"] and df["status"].tolist() == ["Besvarad", "Ny"]
    assert df["malomrade"].tolist() == [3, 1] and df["aktivitet_id"].tolist()[1] == "A-01"
    again = synpunkter.import_file(path, ADMIN, acts)
    assert again.ok and again.rows == 0 and [w.code for w in again.warnings] == ["synpunkt_exists", "synpunkt_exists"]
    assert len(synpunkter.listing(acts)) == 2


def test_synpunkter_sheet_with_bad_rows_changes_nothing_and_says_where(acts, tmp_path):
    bad = GOOD + [
        ("igår", "Företagsbesök", 1, None, None, "Text", None, None, None, None),                   # row 5
        (dt.date(2025, 4, 1), "Brevduva", 1, None, None, "Text", None, None, None, None),           # row 6
        (dt.date(2025, 4, 1), "Enkät", 9, None, None, "Text", None, None, None, None),              # row 7
        (dt.date(2025, 4, 1), "Enkät", 2, None, None, None, None, None, None, None),                # row 8
        (dt.date(2025, 4, 1), "Enkät", 2, "KLF", None, "Text", None, "FINNS-EJ", None, "Ny"),       # row 9
        (dt.date(2025, 4, 1), "Enkät", 2, None, None, "Text", None, None, None, "Klar"),            # row 10
        (dt.date(2025, 2, 1), "Företagsbesök", 1, "KLF", None, "Vill ha en väg in", None, None, None, None),  # 11
    ]
    res = synpunkter.import_file(sheet(tmp_path / "bad.xlsx", bad), ADMIN, acts)
    assert not res.ok and res.rows == 0
    assert [(e.sheet, e.row, e.column) for e in res.errors] == [
        ("Synpunkter", 5, "Datum"), ("Synpunkter", 6, "Källa"), ("Synpunkter", 7, "Målområde"),
        ("Synpunkter", 8, "Sammanfattning"), ("Synpunkter", 9, "Aktivitets-ID"), ("Synpunkter", 10, "Status"),
        ("Synpunkter", 11, "Sammanfattning")]
    messages = [e.message for e in res.errors]
    assert messages[0].startswith("Ogiltigt värde: väntade ett datum") and res.errors[0].value == "igår"
    assert "Okänd källa 'Brevduva'" in messages[1] and messages[3] == "Värde saknas: Sammanfattning måste fyllas i."
    assert "Samma synpunkt finns redan på rad 3" in messages[6]
    assert synpunkter.listing(acts).empty   # all or nothing


def test_synpunkter_sheet_missing_headers(db, tmp_path):
    res = synpunkter.import_file(sheet(tmp_path / "x.xlsx", [], headers=("Datum", "Text")), ADMIN, db)
    assert not res.ok and "Hittar inget blad 'Synpunkter'" in res.errors[0].message
    res = synpunkter.import_file(tmp_path / "saknas.xlsx", ADMIN, db)
    assert not res.ok and res.errors[0].message.startswith("Filen kan inte läsas")


def cli(*args, db) -> subprocess.CompletedProcess:
    return run_main(*args, "--db", str(db))   # in this process: the commands are under test, not the process


def test_command_line_imports_and_exports_synpunkter(acts, tmp_path):
    bad = cli("synpunkter", "import", str(sheet(tmp_path / "bad.xlsx", [GOOD[0][:5] + (None,) + GOOD[0][6:]])),
              "--json", db=acts)
    assert bad.returncode == 1
    out = json.loads(bad.stdout)
    first = {k: out["errors"][0][k] for k in ("sheet", "row", "column", "value", "message")}
    assert out["ok"] is False and out["rows"] == 0 and first == {
        "sheet": "Synpunkter", "row": 3, "column": "Sammanfattning", "value": None,
        "message": "Värde saknas: Sammanfattning måste fyllas i."}
    good = cli("synpunkter", "import", str(sheet(tmp_path / "good.xlsx", GOOD)), "--json", db=acts)
    assert good.returncode == 0 and json.loads(good.stdout)["rows"] == 2
    csv = cli("synpunkter", "export", db=acts)
    assert csv.returncode == 0
    lines = csv.stdout.splitlines()
    assert lines[0] == ",".join(synpunkter.HEADERS) == ("Datum,Källa,Målområde,Förvaltning,Företag,Sammanfattning,"
                                                       "Svar/åtgärd,Aktivitets-ID,Beslut-ID,Status")
    assert lines[1] == "2025-02-01,Företagsbesök,1,KLF,Bygg AB,Vill ha en väg in,,A-01,,Ny"
    xlsx = tmp_path / "ut.xlsx"
    assert cli("synpunkter", "export", "--out", str(xlsx), db=acts).returncode == 0
    again = synpunkter.import_file(xlsx, ADMIN, acts)   # the export reads back: nothing new
    assert again.ok and again.rows == 0 and len(again.warnings) == 2


# --- The protocol ------------------------------------------------------------------------------------------


@pytest.fixture
def two_meetings(acts):
    first = meeting(acts, "2025-05-20")
    old = meetings.add_decision(first, "Ta fram en ny tidplan", "KLF", "2025-06-30", ADMIN, acts,
                                aktivitet=("KLF", "A-01"))
    meetings.add_decision(first, "Bjud in näringslivsrådet", "SBF", "2025-12-31", ADMIN, acts, malomrade=3)
    second = meetings.create_meeting("2025-09-20", "2025-T2", [("KLF", "Ordförande"), ("AMF", "Arbetsmarknadschef")],
                                     ADMIN, acts)
    meetings.add_decision(second, "Ordna en rekryteringsmässa <script>", "AMF", "2026-03-31", ADMIN, acts, malomrade=3,
                          roll="Arbetsmarknadschef")
    meetings.change_decision(old, ADMIN, acts, status="Klar", kommentar="Tidplanen antagen")
    return second


def test_protocol_data(two_meetings, acts):
    with store.connect(acts) as con:
        p = meetings.protocol(con, two_meetings, today=TODAY)
    assert p.title == "Protokoll från styrgruppens möte 2025-09-20" and p.previous["datum"] == dt.date(2025, 5, 20)
    assert p.attendance == [("KLF", "Kommunledningsförvaltningen", "Ordförande"),
                            ("AMF", "Arbetsmarknadsförvaltningen", "Arbetsmarknadschef")]
    assert [d["text"] for d in p.decisions] == ["Ordna en rekryteringsmässa <script>"]
    assert [(d["text"], d["status"]) for d in p.follow_up] == [("Bjud in näringslivsrådet", "Öppen"),
                                                                ("Ta fram en ny tidplan", "Klar")]
    area3 = p.areas[2]
    assert area3.nr == 3 and [d["text"] for d in area3.decisions] == ["Ordna en rekryteringsmässa <script>"]


def test_protocol_word_and_pdf_hold_attendance_decisions_and_earlier_open_decisions(two_meetings, acts):
    from docx import Document
    from pypdf import PdfReader

    with store.connect(acts) as con:
        p = meetings.protocol(con, two_meetings, today=TODAY)
    doc = Document(io.BytesIO(protocol.docx_bytes(p)))
    word = "\n".join(par.text for par in doc.paragraphs)
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(protocol.pdf_bytes(p))).pages)
    pdf = " ".join(pdf.split())
    for text in (word, pdf):
        flat = " ".join(text.split())
        assert "Protokoll från styrgruppens möte 2025-09-20" in flat
        assert "KLF – Kommunledningsförvaltningen: Ordförande" in flat
        assert "AMF – Arbetsmarknadsförvaltningen: Arbetsmarknadschef" in flat
        assert "Ordna en rekryteringsmässa <script> – ansvar: AMF, Arbetsmarknadschef; klart senast 2026-03-31" in flat
        assert "Bjud in näringslivsrådet – ansvar: SBF; klart senast 2025-12-31. Status: Öppen" in flat
        assert "Ta fram en ny tidplan – ansvar: KLF; klart senast 2025-06-30; gäller KLF A-01 Aktivitet 1. " \
               "Status: Klar. Kommentar: Tidplanen antagen" in flat
        assert "Förra mötet: 2025-05-20." in flat
    assert "&lt;script&gt;" in protocol.html_text(p) and "<script>" not in protocol.html_text(p)


def test_report_section_per_malomrade_for_the_report_wing(two_meetings, acts):
    """What the report to kommunstyrelsen can say per målområde about the meetings that followed up a period."""
    t1 = meetings.report_section("2025-T1", acts, today=TODAY)
    assert {nr: s["text"] for nr, s in t1.items()} == {2: "1 beslut, 1 klart", 3: "1 beslut, 1 öppet"}
    assert [d["text"] for d in t1[2]["decisions"]] == ["Ta fram en ny tidplan"]
    assert list(meetings.report_section("Delår 2025", acts, today=TODAY)) == [3]

"""The upload workflow end to end in AppTest with real workbook bytes (``at.file_uploader``): check → preview →
Spara, a bad file listed and nothing changed, no writing for another förvaltning; the history page (original file,
restore); the admin page's indicator workbook."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from naringsdash import auth, config, export, history, ingest, store
from naringsdash.auth import PermissionDenied, User
from naringsdash.store import queries

from conftest import HEADERS, ROOT, activity, no_exception, write_xlsx

RITA = User("rita", "rapportor", ("KLF", "SBF"), "Rita Rapportör")
ADA = User("ada", "admin", (), "Ada Admin")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERIOD = "2026-T2"  # the demo data's latest period; the page's default is the current one
IND_HEADERS = ["Indikator", "Målområde", "Enhet", "Riktning", "Målvärde", "Målår", "Källa", 2024, 2025]


@pytest.fixture(autouse=True)
def accounts(demo_db, monkeypatch):
    """Rita and Ada exist in the users table (writes check the stored role, not the session's copy)."""
    auth.add_user(RITA.username, RITA.role, None, RITA.forvaltningar, RITA.display_name, db=demo_db)
    auth.add_user(ADA.username, ADA.role, None, (), ADA.display_name, db=demo_db)


def page(user: User, file: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = user
    at.run()
    at.switch_page(file)
    at.query_params.update(query)
    return at.run()



def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def plain(markdown: str) -> str:
    return markdown.replace("\\", "")


def state(db) -> tuple:
    """What a refused upload must leave untouched: the canonical export of every period, and the uploads."""
    with store.connect(db) as con:
        uploads = con.execute("SELECT id, kind, forvaltning, period, sha256 FROM uploads ORDER BY id").fetchall()
    return tuple(export.canonical_csv(*queries.export_activities(p, db)) for p in queries.periods(db)), uploads


def choose(at: AppTest, forvaltning: str = "KLF", period: str = PERIOD) -> AppTest:
    at.selectbox(key="upload_forvaltning").set_value(forvaltning)
    return at.selectbox(key="upload_period").set_value(period).run()


def upload(at: AppTest, path, name: str | None = None) -> AppTest:
    at.file_uploader[0].set_value((name or path.name, path.read_bytes(), XLSX))
    return at.run()


def klf_workbook(db, tmp_path):
    """KLF's current activities with one that is not late turned Försenad, the last dropped and one new."""
    acts = queries.activities(PERIOD, db, forvaltningar=["KLF"])
    target = acts[~acts["forsenad"]].iloc[0]
    rows = []
    for i, a in enumerate(acts.itertuples()):
        row = dict(zip(HEADERS, activity(i)))
        row.update({"Aktivitets-ID": a.aktivitet_id, "Aktivitet": a.aktivitet, "Målområde": int(a.malomrade),
                    "Ansvarig": a.ansvarig, "Startdatum": a.startdatum, "Slutdatum": a.slutdatum,
                    "Status": a.status, "Andel klart (%)": a.andel_klar, "Bedömning": a.bedomning,
                    "Kommentar": a.kommentar})
        if a.aktivitet_id == target.aktivitet_id:
            row.update({"Status": "Försenad", "Kommentar": "<b>Sent</b> **nu**"})
        rows.append([None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else
                     (v.date() if isinstance(v, pd.Timestamp) else v) for v in (row[h] for h in HEADERS)])
    dropped = next(a for a in reversed(acts["aktivitet_id"].tolist()) if a != target.aktivitet_id)
    rows = [r for r in rows if r[0] != dropped] + [activity(99, Aktivitet="Ny aktivitet",
                                                            Slutdatum=dt.date(2026, 12, 31))]
    path = write_xlsx(tmp_path / "klf_2026-T2.xlsx", rows, info={"Förvaltning": "KLF", "Period": PERIOD})
    return path, acts, target, dropped


# --- Good file: preview, then Spara ---------------------------------------------------------------------------


def test_good_file_preview_then_spara_changes_the_dashboard(demo_db, tmp_path):
    at = page(RITA, "pages/forsenade.py", period=PERIOD, forvaltning="KLF")
    late_before = at.dataframe[0].value["ID"].tolist() if at.dataframe else []
    path, before, target, dropped = klf_workbook(demo_db, tmp_path)
    assert target.aktivitet_id not in late_before
    at.switch_page("pages/ladda_upp.py").run()
    assert at.selectbox(key="upload_period").value == config.current_period()
    choose(at)
    assert labels(at) == [] and at.get("download_button")[0].label == "Ladda ner mallen för KLF, 2026 T2"
    snapshot = state(demo_db)
    upload(at, path)
    no_exception(at)
    assert not at.error and at.get("status")
    assert plain(at.success[0].value).startswith(f"Filen är godkänd: {len(before)} aktiviteter för KLF")
    assert (metric(at, "Nya"), metric(at, "Ändrade"), metric(at, "Borttagna"), metric(at, "Byter status")) == \
           ("1", "1", "1", "1")
    diff = at.dataframe[0].value.set_index("ID")
    assert diff.loc[target.aktivitet_id, "Ändring"] == "ändrad"
    assert (diff.loc[target.aktivitet_id, "Status nu"], diff.loc[target.aktivitet_id, "Status i filen"]) == \
           (target.status, "Försenad")
    assert diff.loc["A-99", "Ändring"] == "ny" and diff.loc[dropped, "Ändring"] == "borttagen"
    rows = at.dataframe[1].value
    assert len(rows) == len(before) and "<b>Sent</b> **nu**" in rows["Kommentar"].tolist()  # text, not HTML
    assert state(demo_db) == snapshot  # nothing written before Spara

    button(at, "Spara").click().run()
    no_exception(at)
    assert plain(at.success[0].value).startswith(f"Sparat: {len(before)} aktiviteter för KLF, 2026 T2")
    assert at.file_uploader[0].value is None  # the saved file has left the widget
    now = queries.activities(PERIOD, demo_db, forvaltningar=["KLF"]).set_index("aktivitet_id")
    assert now.loc[target.aktivitet_id, "status"] == "Försenad" and "A-99" in now.index
    assert dropped not in now.index
    newest = queries.uploads(demo_db).iloc[0]
    assert (newest["user_name"], newest["forvaltning"], newest["file_name"], bool(newest["aktuell"])) == \
           ("rita", "KLF", path.name, True)

    at.switch_page("pages/forsenade.py")
    at.query_params.update(period=PERIOD, forvaltning="KLF")
    at.run()  # the dashboard shows the new version at once (the cache is keyed on the data version)
    shown = at.dataframe[0].value["ID"].tolist() if at.dataframe else []
    assert shown == queries.overdue(PERIOD, demo_db, forvaltningar=["KLF"])["aktivitet_id"].tolist()
    assert target.aktivitet_id in shown and shown != late_before


def test_identical_re_upload_says_so_and_makes_no_version(demo_db, tmp_path):
    path = klf_workbook(demo_db, tmp_path)[0]
    at = choose(page(RITA, "pages/ladda_upp.py"))
    upload(at, path)
    button(at, "Spara").click().run()
    n = len(queries.uploads(demo_db))
    upload(at, path)
    assert metric(at, "Oförändrade") == str(len(queries.activities(PERIOD, demo_db, forvaltningar=["KLF"])))
    assert at.info[0].value == "Inga skillnader mot nuvarande version."
    button(at, "Spara").click().run()
    no_exception(at)
    assert at.info[0].value.startswith("Filen är identisk med nuvarande version (uppladdning ")
    assert len(queries.uploads(demo_db)) == n


# --- Bad file: every problem listed, nothing changed ------------------------------------------------------------


def test_bad_file_lists_every_problem_and_changes_nothing(demo_db, tmp_path):
    rows = [activity(1, Status="Kanske"), activity(2, Slutdatum="inte ett datum"), activity(3, Aktivitet=None),
            activity(4, **{"Andel klart (%)": 140})]
    path = write_xlsx(tmp_path / "trasig.xlsx", rows)
    snapshot = state(demo_db)
    at = choose(page(RITA, "pages/ladda_upp.py"))
    upload(at, path)
    no_exception(at)
    expected = ingest.check_bytes(path.read_bytes(), path.name, forvaltning="KLF", period=PERIOD).errors
    assert len(expected) == 4
    assert at.error[0].value.startswith("Filen innehåller 4 fel och har inte sparats.")
    table = at.dataframe[0].value
    assert list(table.columns) == ["Blad", "Rad", "Kolumn", "Aktivitet", "Värde", "Vad som är fel"]
    assert [tuple(r) for r in table[["Blad", "Rad", "Kolumn"]].itertuples(index=False)] == \
           [(e.sheet, e.row, e.column) for e in expected]
    assert set(table["Rad"]) == {2, 3, 4, 5} and set(table["Blad"]) == {"Aktiviteter"}
    assert "Kanske" in table["Värde"].tolist()
    assert "Spara" not in labels(at)
    assert state(demo_db) == snapshot


def test_unreadable_file_is_reported(demo_db, tmp_path):
    path = tmp_path / "inte-excel.xlsx"
    path.write_bytes(b"det har ar ingen arbetsbok")
    snapshot = state(demo_db)
    at = upload(choose(page(RITA, "pages/ladda_upp.py")), path)
    no_exception(at)
    assert at.error and at.dataframe[0].value["Vad som är fel"].iloc[0]
    assert state(demo_db) == snapshot


# --- No writing for another förvaltning ----------------------------------------------------------------------


def test_rapportor_can_choose_only_own_forvaltningar_even_when_forcing_the_value(demo_db, tmp_path):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = RITA
    at.session_state["upload_forvaltning"] = "SOF"  # a forged widget value …
    at.query_params["forvaltning"] = "SOF"           # … and a forged link
    at.run()
    at.switch_page("pages/ladda_upp.py").run()
    no_exception(at)
    box = at.selectbox(key="upload_forvaltning")
    assert box.options == ["KLF – Kommunledningsförvaltningen", "SBF – Samhällsbyggnadsförvaltningen"]
    assert box.value == "KLF"
    # A workbook made out for SOF is refused by the check (the chosen förvaltning is passed to it) …
    sof = write_xlsx(tmp_path / "sof.xlsx", [activity(1, Förvaltning="SOF")], info={"Förvaltning": "SOF"})
    snapshot = state(demo_db)
    upload(at, sof)
    assert at.error and "Spara" not in labels(at)
    assert any("SOF" in str(v) for v in at.dataframe[0].value["Värde"])
    assert state(demo_db) == snapshot


def test_save_rechecks_the_permission_right_before_writing(demo_db, tmp_path):
    """The package call path refuses whatever the page's widgets said."""
    sof = write_xlsx(tmp_path / "sof.xlsx", [activity(1, Förvaltning="SOF")])
    data = sof.read_bytes()
    snapshot = state(demo_db)
    checked_sof = ingest.check_bytes(data, "sof.xlsx", forvaltning="SOF", period=PERIOD)
    assert checked_sof.ok
    with pytest.raises(PermissionDenied):
        ingest.save_as(RITA, checked_sof, data, forvaltning="SOF", period=PERIOD, db=demo_db)
    klf = write_xlsx(tmp_path / "klf.xlsx", [activity(1)])
    checked_klf = ingest.check_bytes(klf.read_bytes(), "klf.xlsx", forvaltning="KLF", period=PERIOD)
    with pytest.raises(PermissionDenied):  # checked for KLF, but saved as if for SBF (a changed widget)
        ingest.save_as(RITA, checked_klf, klf.read_bytes(), forvaltning="SBF", period=PERIOD, db=demo_db)
    with pytest.raises(PermissionDenied):
        ingest.save_as(User("lasse", "lasare"), checked_klf, klf.read_bytes(), forvaltning="KLF", period=PERIOD,
                       db=demo_db)
    ind = write_xlsx(tmp_path / "ind.xlsx", [["Ny indikator", 1, "st", "Högre är bättre", 10, 2030, "SCB", 1, 2]],
                     headers=IND_HEADERS, sheet="Indikatorer")
    checked_ind = ingest.check_bytes(ind.read_bytes(), "ind.xlsx")
    with pytest.raises(PermissionDenied):
        ingest.save_as(RITA, checked_ind, ind.read_bytes(), db=demo_db)
    assert state(demo_db) == snapshot
    assert ingest.save_as(RITA, checked_klf, klf.read_bytes(), forvaltning="KLF", period=PERIOD, db=demo_db).ok
    assert state(demo_db) != snapshot


def test_a_stale_session_cannot_write(demo_db, tmp_path):
    """Rita's session still holds a rapportör for KLF, but an admin has made her a läsare meanwhile."""
    path = klf_workbook(demo_db, tmp_path)[0]
    at = upload(choose(page(RITA, "pages/ladda_upp.py")), path)
    assert "Spara" in labels(at)
    auth.update_user("rita", demo_db, role="lasare")
    snapshot = state(demo_db)
    button(at, "Spara").click().run()
    no_exception(at)
    # the session is demoted at its next step: the upload page is no longer for it
    assert at.error[0].value.startswith("Du har inte behörighet till den här sidan.") and "Spara" not in labels(at)
    assert at.session_state["user"].role == "lasare"
    result = ingest.check_bytes(path.read_bytes(), path.name, forvaltning="KLF", period=PERIOD)
    with pytest.raises(PermissionDenied):
        ingest.save_as(RITA, result, path.read_bytes(), forvaltning="KLF", period=PERIOD, db=demo_db)
    auth.update_user("rita", demo_db, role="rapportor", forvaltningar=["SBF"])  # no longer KLF
    with pytest.raises(PermissionDenied):
        ingest.save_as(RITA, result, path.read_bytes(), forvaltning="KLF", period=PERIOD, db=demo_db)
    assert state(demo_db) == snapshot


def test_indicator_workbook_is_refused_on_the_upload_page(demo_db, tmp_path):
    ind = write_xlsx(tmp_path / "ind.xlsx", [["Ny indikator", 1, "st", "Högre är bättre", 10, 2030, "SCB", 1, 2]],
                     headers=IND_HEADERS, sheet="Indikatorer")
    snapshot = state(demo_db)
    at = upload(choose(page(RITA, "pages/ladda_upp.py")), ind)
    no_exception(at)
    assert at.error and "Spara" not in labels(at)
    assert state(demo_db) == snapshot


# --- History -------------------------------------------------------------------------------------------------


def new_klf_version(db, tmp_path) -> tuple[int, bytes]:
    path = write_xlsx(tmp_path / "klf-ny.xlsx", [activity(1, Status="Klar", **{"Andel klart (%)": 100})])
    res = ingest.import_file(path, db=db, forvaltning="KLF", period=PERIOD, user="rita")
    assert res.ok
    return int(res.upload_id), path.read_bytes()


def test_rapportor_history_shows_own_forvaltningar_and_gives_the_original_bytes(demo_db, tmp_path):
    new_id, data = new_klf_version(demo_db, tmp_path)
    at = page(RITA, "pages/historik.py")
    no_exception(at)
    table = at.dataframe[0].value
    assert set(table["Förvaltning"]) == {"KLF", "SBF"} and set(table["Typ"]) == {"Uppföljning"}
    mine = queries.uploads(demo_db, forvaltningar=["KLF", "SBF"])
    assert table["Nr"].tolist() == mine["id"].tolist()
    row = table.set_index("Nr").loc[new_id]
    assert (row["Version"], row["Av"], row["Fil"], row["Rader"]) == ("Aktuell", "rita", "klf-ny.xlsx", 1)
    older = mine[(mine["forvaltning"] == "KLF") & (mine["period"] == PERIOD) & (mine["id"] != new_id)]["id"].iloc[0]
    assert table.set_index("Nr").loc[older, "Version"] == "Ersatt"
    assert at.get("download_button")[0].label == "Ladda ner originalfilen"
    assert "Återställ versionen" not in labels(at) and not at.checkbox  # restoring is for admins
    assert history.original(RITA, new_id, demo_db) == ("klf-ny.xlsx", data)  # what the button serves
    everything = queries.uploads(demo_db)
    for kind, forvaltning in (("aktiviteter", "SOF"), ("indikatorer", None)):
        other = everything[(everything["kind"] == kind) &
                           (everything["forvaltning"].isna() if forvaltning is None
                            else everything["forvaltning"] == forvaltning)]["id"].iloc[0]
        with pytest.raises(PermissionDenied):
            history.original(RITA, int(other), demo_db)
        with pytest.raises(PermissionDenied):
            history.restore(RITA, int(other), demo_db)


def test_admin_sees_every_upload_and_restores_an_earlier_version(demo_db, tmp_path):
    new_id, _ = new_klf_version(demo_db, tmp_path)
    old_rows = queries.activities(PERIOD, demo_db, forvaltningar=["SBF"])  # untouched förvaltning, for comparison
    everything = queries.uploads(demo_db)
    older = int(everything[(everything["forvaltning"] == "KLF") & (everything["period"] == PERIOD) &
                           (everything["id"] != new_id)]["id"].iloc[0])
    with store.connect(demo_db) as con:
        old_acts = con.execute("SELECT aktivitet_id, status FROM activities WHERE upload_id = ? ORDER BY 1",
                               [older]).fetchall()
    at = page(ADA, "pages/historik.py")
    table = at.dataframe[0].value
    assert len(table) == len(everything) and "Indikatorfil" in set(table["Typ"])
    at.selectbox(key="historik_val").set_value(older).run()
    no_exception(at)
    assert button(at, "Återställ versionen").disabled  # confirm first
    at.checkbox(key="historik_bekrafta").check().run()
    button(at, "Återställ versionen").click().run()
    no_exception(at)
    after = queries.uploads(demo_db)
    restored = after.iloc[0]
    assert plain(at.success[0].value) == f"Nr {older} är återställd som ny version nr {restored['id']}."
    assert (int(restored["restored_from"]), bool(restored["aktuell"]), restored["user_name"]) == (older, True, "ada")
    assert len(after) == len(everything) + 1 and new_id in after["id"].tolist()  # nothing deleted
    now = queries.activities(PERIOD, demo_db, forvaltningar=["KLF"])
    assert sorted(zip(now["aktivitet_id"], now["status"])) == old_acts
    assert queries.activities(PERIOD, demo_db, forvaltningar=["SBF"]).equals(old_rows)
    assert at.dataframe[0].value.set_index("Nr").loc[new_id, "Version"] == "Ersatt"


def test_restore_and_history_are_refused_in_the_package(demo_db):
    some = int(queries.uploads(demo_db)["id"].iloc[-1])
    for user in (RITA, User("lasse", "lasare"), None):
        with pytest.raises(PermissionDenied):
            history.restore(user, some, demo_db)
    with pytest.raises(PermissionDenied):
        history.uploads_for(User("lasse", "lasare"), demo_db)


# --- Admin: the indicator workbook ------------------------------------------------------------------------------


def test_admin_uploads_an_indicator_workbook_with_preview(demo_db, tmp_path):
    current = queries.indicators(demo_db)
    own = current[current["serie"] == "Trelleborg"].pivot_table(index="indikator", columns="ar", values="varde")
    name = own[own[2024].notna() & own[2025].notna()].index[0]
    meta = current[current["indikator"] == name].iloc[0]
    riktning = "Högre är bättre" if meta["riktning"] == "hogre" else "Lägre är bättre"
    rows = [[name, int(meta["malomrade"]), meta["enhet"], riktning, None, None, meta["kalla"],
             float(own.loc[name, 2024]), float(own.loc[name, 2025]) + 1],  # 2024 unchanged, 2025 changed
            ["Ny indikator =1+1", 2, "st", "Högre är bättre", 10, 2030, "SCB", 4, 5]]
    path = write_xlsx(tmp_path / "indikatorer.xlsx", rows, headers=IND_HEADERS, sheet="Indikatorer")
    at = page(ADA, "pages/admin.py")
    uploader = next(u for u in at.file_uploader if u.label.startswith("Indikatorfil"))
    uploader.set_value((path.name, path.read_bytes(), XLSX))
    at.run()
    no_exception(at)
    assert plain(at.success[0].value).startswith("Filen är godkänd: 4 värden för 2 indikatorer")
    assert (metric(at, "Nya"), metric(at, "Ändrade"), metric(at, "Oförändrade")) == ("2", "1", "1")
    preview = next(d.value for d in at.dataframe if "Värde i filen" in d.value.columns)
    assert "Ny indikator =1+1" in preview["Indikator"].tolist()  # text as it is, in a table
    n = len(queries.uploads(demo_db))
    button(at, "Spara").click().run()
    no_exception(at)
    assert plain(at.success[0].value).startswith("Sparat: 4 indikatorvärden")
    after = queries.indicators(demo_db)
    assert set(after[after["indikator"] == "Ny indikator =1+1"]["varde"]) == {4.0, 5.0}
    changed = after[(after["indikator"] == name) & (after["serie"] == "Trelleborg") & (after["ar"] == 2025)]
    assert float(changed["varde"].iloc[0]) == float(own.loc[name, 2025]) + 1
    assert len(queries.uploads(demo_db)) == n + 1 and queries.uploads(demo_db).iloc[0]["kind"] == "indikatorer"


def test_admin_indicator_tab_refuses_bad_and_activity_workbooks(demo_db, tmp_path):
    bad = write_xlsx(tmp_path / "ind.xlsx", [["X", 9, "st", "Uppåt", None, None, None, "många", 1]],
                     headers=IND_HEADERS, sheet="Indikatorer")
    snapshot = state(demo_db)
    at = page(ADA, "pages/admin.py")
    next(u for u in at.file_uploader if u.label.startswith("Indikatorfil")).set_value(
        (bad.name, bad.read_bytes(), XLSX))
    at.run()
    no_exception(at)
    assert at.error[0].value.startswith("Filen innehåller") and "Spara" not in labels(at)
    errors = next(d.value for d in at.dataframe if "Blad" in d.value.columns)
    assert set(errors["Blad"]) == {"Indikatorer"} and len(errors) >= 3
    acts = write_xlsx(tmp_path / "klf.xlsx", [activity(1)], info={"Förvaltning": "KLF", "Period": PERIOD})
    next(u for u in at.file_uploader if u.label.startswith("Indikatorfil")).set_value(
        (acts.name, acts.read_bytes(), XLSX))
    at.run()
    no_exception(at)
    assert at.error[0].value.startswith("Filen ska bara ha bladet Indikatorer") and "Spara" not in labels(at)
    assert state(demo_db) == snapshot


def test_the_template_button_follows_the_choice(demo_db):
    at = page(RITA, "pages/ladda_upp.py")
    button_ = at.get("download_button")[0]
    assert button_.label == f"Ladda ner mallen för KLF, {config.period_label(config.current_period())}"
    assert not button_.disabled
    at = choose(at, "SBF")
    assert at.get("download_button")[0].label == "Ladda ner mallen för SBF, 2026 T2"

"""Versions, identical re-uploads, restore, originals kept, all or nothing — on a real DuckDB file."""

import datetime as dt

from naringsdash import ingest, store
from naringsdash.store import queries

from conftest import activity, write_xlsx


def export(db, period="2025-T1"):
    return queries.export_activities(period, db)[1]


def test_newest_upload_is_current_and_history_kept(tmp_path, db):
    v1 = write_xlsx(tmp_path / "v1.xlsx", [activity(1), activity(2)])
    v2 = write_xlsx(tmp_path / "v2.xlsx", [activity(1, Status="Klar", **{"Andel klart (%)": 100})])
    r1 = ingest.import_file(v1, db=db, forvaltning="KLF", period="2025-T1", user="anna")
    r2 = ingest.import_file(v2, db=db, forvaltning="KLF", period="2025-T1", user="erik")
    assert r1.ok and r2.ok and r1.upload_id != r2.upload_id
    rows = export(db)
    assert [(r[2], r[8]) for r in rows] == [("A-01", "Klar")]
    hist = queries.uploads(db)
    assert hist[["user_name", "aktuell", "rows", "file_name"]].values.tolist() == [
        ["erik", True, 1, "v2.xlsx"], ["anna", False, 2, "v1.xlsx"]]
    with store.connect(db) as con:
        assert store.original_file(con, int(r1.upload_id)) == ("v1.xlsx", v1.read_bytes())


def test_identical_reupload_makes_no_new_version(tmp_path, db):
    f = write_xlsx(tmp_path / "a.xlsx", [activity(1)])
    first = ingest.import_file(f, db=db, forvaltning="KLF", period="2025-T1")
    before = queries.data_version(db)
    again = ingest.import_file(f, db=db, forvaltning="KLF", period="2025-T1")
    assert again.ok and again.identical and again.upload_id == first.upload_id
    assert any("identisk" in w.message for w in again.warnings)
    assert len(queries.uploads(db)) == 1 and queries.data_version(db) == before
    # The same bytes for another period are a new upload of their own.
    other = ingest.import_file(f, db=db, forvaltning="KLF", period="2025-T2")
    assert other.ok and not other.identical and len(queries.uploads(db)) == 2


def test_going_back_to_an_earlier_file_makes_it_current_again(tmp_path, db):
    a = write_xlsx(tmp_path / "a.xlsx", [activity(1)])
    b = write_xlsx(tmp_path / "b.xlsx", [activity(1, Status="Klar")])
    for f in (a, b, a):
        assert ingest.import_file(f, db=db, forvaltning="KLF", period="2025-T1").ok
    assert export(db)[0][8] == "Pågår"
    assert len(queries.uploads(db)) == 3


def test_restore_copies_an_old_version_as_newest(tmp_path, db):
    a = write_xlsx(tmp_path / "a.xlsx", [activity(1), activity(2)])
    b = write_xlsx(tmp_path / "b.xlsx", [activity(3)])
    ra = ingest.import_file(a, db=db, forvaltning="KLF", period="2025-T1")
    ingest.import_file(b, db=db, forvaltning="KLF", period="2025-T1")
    assert [r[2] for r in export(db)] == ["A-03"]
    with store.connect(db) as con:
        new_id = store.restore_upload(con, int(ra.upload_id), "admin")
    assert [r[2] for r in export(db)] == ["A-01", "A-02"]
    hist = queries.uploads(db)
    assert len(hist) == 3 and hist.iloc[0]["id"] == new_id and hist.iloc[0]["restored_from"] == int(ra.upload_id)


def test_bad_upload_changes_nothing(tmp_path, db):
    good = write_xlsx(tmp_path / "good.xlsx", [activity(1), activity(2)])
    ingest.import_file(good, db=db, forvaltning="KLF", period="2025-T1")
    before, uploads_before, version = export(db), len(queries.uploads(db)), queries.data_version(db)
    bad = write_xlsx(tmp_path / "bad.xlsx", [activity(1), activity(2, Slutdatum="snart"), activity(3, Status="")])
    res = ingest.import_file(bad, db=db, forvaltning="KLF", period="2025-T1")
    assert not res.ok and res.upload_id is None and res.rows == 0
    assert [(e.row, e.column) for e in res.errors] == [(3, "Slutdatum"), (4, "Status")]
    assert export(db) == before and len(queries.uploads(db)) == uploads_before
    assert queries.data_version(db) == version


def test_dry_run_writes_nothing(tmp_path, db):
    f = write_xlsx(tmp_path / "a.xlsx", [activity(1)])
    res = ingest.import_file(f, db=db, forvaltning="KLF", period="2025-T1", dry_run=True)
    assert res.ok and res.rows == 1 and res.upload_id is None
    assert queries.periods(db) == []


def test_schema_is_versioned(db):
    with store.connect(db) as con:
        assert store.schema_version(con) == len(store.MIGRATIONS)
        store.migrate(con)  # idempotent
        assert store.schema_version(con) == len(store.MIGRATIONS)


def test_uploaded_at_and_user_are_kept(tmp_path, db):
    f = write_xlsx(tmp_path / "a.xlsx", [activity(1, Förvaltning="SBF")], info={"Förvaltning": "SBF", "Period": "Delår 2025",
                                                             "Rapporterad av": "Maria Persson"})
    when = dt.datetime(2025, 9, 5, 10, 0)
    res = ingest.import_file(f, db=db, uploaded_at=when)
    assert res.ok, res.errors
    row = queries.uploads(db).iloc[0]
    assert (row["forvaltning"], row["period"], row["user_name"]) == ("SBF", "2025-T2", "Maria Persson")
    assert row["uploaded_at"].to_pydatetime() == when


def test_preview_shows_new_changed_removed_against_current(tmp_path, db):
    v1 = write_xlsx(tmp_path / "v1.xlsx", [activity(1), activity(2), activity(3)])
    ingest.import_file(v1, db=db, forvaltning="KLF", period="2025-T1")
    v2 = write_xlsx(tmp_path / "v2.xlsx", [activity(1), activity(2, Status="Klar", **{"Andel klart (%)": 100}),
                                           activity(4)])
    checked = ingest.check_bytes(v2.read_bytes(), "v2.xlsx", forvaltning="KLF", period="2025-T1")
    diff = ingest.preview(checked, db)
    cols = diff[["andring", "aktivitet_id", "status_fore", "status", "andrade_falt"]]
    assert cols.astype(object).where(cols.notna(), None).values.tolist() == [
        ["ny", "A-04", None, "Pågår", None],
        ["ändrad", "A-02", "Pågår", "Klar", "Status, Andel klart"],
        ["borttagen", "A-03", "Pågår", None, None],
        ["oförändrad", "A-01", "Pågår", "Pågår", None]]
    assert len(queries.uploads(db)) == 1  # a preview writes nothing


def test_preview_of_a_first_upload_is_all_new(tmp_path, db):
    f = write_xlsx(tmp_path / "a.xlsx", [activity(1), activity(2)])
    diff = ingest.preview(ingest.check_bytes(f.read_bytes(), "a.xlsx", forvaltning="KLF", period="2025-T1"), db)
    assert diff["andring"].tolist() == ["ny", "ny"]


def test_every_sql_file_is_a_migration_or_a_query_some_module_names():
    """No dead SQL: each file under store/sql is in MIGRATIONS or named (``"name"`` or ``"name.sql"``) in the code."""
    import ast
    from pathlib import Path

    package = Path(store.__file__).resolve().parent.parent
    named = {n.value for p in package.rglob("*.py") for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    files = sorted((package / "store" / "sql").glob("*.sql"))
    assert files and [f.name for f in files if f.name not in named and f.stem not in named] == []
    assert set(store.MIGRATIONS) <= {f.name for f in files}


def _insert_both_ways(db, monkeypatch, rows):
    """The rows inserted with pyarrow loaded (one Arrow table) and without it (lists unnested): what is stored."""
    import sys

    import pyarrow as pa

    from naringsdash.store import db as store_db

    built = []
    table = pa.table
    monkeypatch.setattr(pa, "table", lambda *a, **k: built.append(1) or table(*a, **k))
    cols = ("upload_id", "indikator", "malomrade", "enhet", "riktning", "malvarde", "malar", "kalla", "ar", "varde")
    stored = []
    with store.connect(db) as con:
        for upload_id, loaded in ((1, True), (2, False)):
            with monkeypatch.context() as m:
                if not loaded:
                    m.delitem(sys.modules, "pyarrow")
                store_db._insert_rows(con, "indicator_values", cols, [(upload_id, *r) for r in rows])
            stored.append(con.execute(f"SELECT {', '.join(cols[1:])} FROM indicator_values WHERE upload_id = ? "
                                      "ORDER BY ar", [upload_id]).fetchall())
    return built, stored


def test_bulk_insert_through_arrow_stores_what_the_list_path_stores(db, monkeypatch):
    rows = [("Företag", m, "st", "hogre", t, 2030, "SCB", 2020 + i, v)
            for i, (m, t, v) in enumerate([(1, 120.5, 1), (None, None, 2.5), (3, 7, 0)])]
    built, (arrow, lists) = _insert_both_ways(db, monkeypatch, rows)
    assert built == [1]  # the Arrow table was used when pyarrow was loaded, not without it
    assert arrow == lists == [
        ("Företag", 1, "st", "hogre", 120.5, 2030, "SCB", 2020, 1.0),
        ("Företag", None, "st", "hogre", None, 2030, "SCB", 2021, 2.5),
        ("Företag", 3, "st", "hogre", 7.0, 2030, "SCB", 2022, 0.0)]


def test_bulk_insert_falls_back_to_lists_for_a_value_arrow_refuses(db, monkeypatch):
    rows = [("Företag", "1", "st", "hogre", 120.5, 2030, "SCB", 2020, 3.0)]  # malomrade as text: DuckDB casts
    built, (arrow, lists) = _insert_both_ways(db, monkeypatch, rows)
    assert arrow == lists == [("Företag", 1, "st", "hogre", 120.5, 2030, "SCB", 2020, 3.0)]

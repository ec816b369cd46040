"""Closing a period and approving its report: close (a reason when not complete) and reopen (always a reason),
both logged; a closed period refuses uploads (pipeline, command line, restore); the approved report is built once,
stored with SHA-256 and handed out byte for byte even after the data changed; a new version after a reopening
keeps the old one; the stored PDF is still PDF/A-3a and tagged."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pikepdf
import pytest

from naringsdash import auth, closing, config, history, ingest, report, store
from naringsdash.cli import main as cli
from naringsdash.errors import UserError

from conftest import activity, write_xlsx

PERIOD = "2025-T3"
ADMIN = auth.User("admin", "admin", (), "Admin")


def upload(db, code: str, tmp_path, period: str = PERIOD, **over) -> ingest.ImportResult:
    path = write_xlsx(tmp_path / f"{code}-{period}-{len(over)}.xlsx", [activity(1, Förvaltning=code, **over),
                                                                       activity(2, Förvaltning=code)])
    return ingest.import_file(path, db=db, forvaltning=code, period=period, user="test")


def uploads_count(db) -> int:
    with store.connect(db) as con:
        return con.execute("SELECT count(*) FROM uploads").fetchall()[0][0]


def test_close_needs_a_reason_when_not_complete_and_reopen_always(db, tmp_path):
    assert upload(db, "KLF", tmp_path).ok
    with store.connect(db) as con:
        with pytest.raises(UserError, match="inte komplett.*SBF"):
            closing.close(con, PERIOD, "admin")
        assert not closing.is_closed(con, PERIOD)
        c = closing.close(con, PERIOD, "admin", "  SBF rapporterar muntligt  ")
        assert closing.is_closed(con, PERIOD) and not closing.is_closed(con, "2025-T2")
        assert (c.complete, c.reason, c.closed_by) == (False, "SBF rapporterar muntligt", "admin")
        with pytest.raises(UserError, match="redan stängd"):
            closing.close(con, PERIOD, "admin", "igen")
        with pytest.raises(UserError, match="motivering"):
            closing.reopen(con, PERIOD, "admin", "  ")
        closing.reopen(con, PERIOD, "maria", "Rättelse från KLF")
        assert not closing.is_closed(con, PERIOD)
        with pytest.raises(UserError, match="inte stängd"):
            closing.reopen(con, PERIOD, "admin", "igen")
        log = closing.closure_log(con, PERIOD)
    assert log.loc[0, "reopened_by"] == "maria" and log.loc[0, "reopen_reason"] == "Rättelse från KLF"
    assert log.loc[0, "reason"] == "SBF rapporterar muntligt"


def test_a_complete_period_closes_without_a_reason(db, tmp_path):
    for code in config.load_reference().forvaltningar:
        assert upload(db, code, tmp_path).ok
    with store.connect(db) as con:
        assert closing.close(con, PERIOD, "admin").complete


def test_a_closed_period_takes_no_uploads(db, tmp_path, capsys):
    auth.add_user("admin", "admin", None, db=db)
    first = upload(db, "KLF", tmp_path)
    assert first.ok
    with store.connect(db) as con:
        closing.close(con, PERIOD, "admin", "Test")
    before = uploads_count(db)
    res = upload(db, "KLF", tmp_path, Status="Klar", **{"Andel klart (%)": 100})
    assert not res.ok and [e.code for e in res.errors] == ["period_closed"]
    assert "Perioden 2025 T3 är stängd" in res.errors[0].message and res.upload_id is None
    assert upload(db, "SBF", tmp_path, period="2025-T2").ok  # another period is open
    assert uploads_count(db) == before + 1

    path = write_xlsx(tmp_path / "cli.xlsx", [activity(1, Kommentar="ny")])
    assert cli.main(["import", str(path), "--db", str(db), "--forvaltning", "KLF", "--period", PERIOD]) == 1
    assert "stängd för inrapportering" in capsys.readouterr().out
    with pytest.raises(closing.PeriodClosed):  # nor a restore of an earlier version
        history.restore(ADMIN, int(first.upload_id), db)

    with store.connect(db) as con:
        closing.reopen(con, PERIOD, "admin", "Rättelse")
    assert cli.main(["import", str(path), "--db", str(db), "--forvaltning", "KLF", "--period", PERIOD]) == 0


def test_close_and_reopen_on_the_command_line(db, tmp_path, capsys):
    assert upload(db, "KLF", tmp_path).ok
    assert cli.main(["period", "close", PERIOD, "--db", str(db)]) == 1
    assert "motivering" in capsys.readouterr().err
    assert cli.main(["period", "close", "Helår 2025", "--reason", "Övriga sena", "--user", "maria",
                     "--db", str(db)]) == 0
    assert cli.main(["period", "status", PERIOD, "--db", str(db)]) == 0
    assert "stängd" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:  # --reason is required
        cli.main(["period", "reopen", PERIOD, "--db", str(db)])
    assert usage.value.code == 2
    assert cli.main(["period", "reopen", PERIOD, "--reason", "Rättelse", "--db", str(db)]) == 0
    with store.connect(db) as con:
        assert not closing.is_closed(con, PERIOD)


# --- Approval: one real build of the three formats for the module ---------------------------------------------


@pytest.fixture(scope="module")
def approved(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("approved")
    db = tmp / "approved.duckdb"
    for code in ("KLF", "SBF"):
        assert upload(db, code, tmp).ok
    with store.connect(db) as con:
        closing.close(con, PERIOD, "admin", "Fem förvaltningar saknas i testet")
    a = closing.approve(PERIOD, "KS 2027/123", dt.date(2027, 2, 10), "admin", db=db, today=dt.date(2026, 2, 1),
                        build=lambda p, fmt: report.build(p, fmt, db, dt.date(2026, 2, 1)))
    return db, a, tmp


def test_approval_stores_three_files_with_sha256(approved):
    db, a, _ = approved
    assert (a.version, a.dnr, a.ks_date, a.current) == (1, "KS 2027/123", dt.date(2027, 2, 10), True)
    assert a.note == "Fastställd 2027-02-10, dnr KS 2027/123"
    assert [f.fmt for f in a.files] == ["pdf", "xlsx", "docx"]
    with store.connect(db) as con:
        for f in a.files:
            name, data, digest = closing.approved_file(con, a.id, f.fmt)
            assert digest == f.sha256 == hashlib.sha256(data).hexdigest() and len(data) == f.size
            assert name == f.file_name and name.endswith("." + f.fmt)


def test_the_stored_pdf_is_still_pdfa_and_tagged(approved):
    db, a, _ = approved
    with store.connect(db) as con:
        _, data, _ = closing.approved_file(con, a.id, "pdf")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/StructTreeRoot" in pdf.Root and bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang).lower().startswith("sv")
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "A"


def test_approval_needs_a_closed_period_and_happens_once_per_closing(approved, tmp_path):
    db, _, _ = approved
    with pytest.raises(UserError, match="redan fastställd"):
        closing.approve(PERIOD, "KS 2027/124", dt.date(2027, 2, 11), "admin", db=db, build=lambda p, f: b"x")
    with pytest.raises(UserError, match="måste vara stängd"):
        closing.approve("2025-T2", "KS 2027/124", dt.date(2027, 2, 11), "admin", db=db, build=lambda p, f: b"x")
    with pytest.raises(UserError, match="diarienumret"):
        closing.approve(PERIOD, " ", dt.date(2027, 2, 11), "admin", db=db, build=lambda p, f: b"x")


def test_downloads_stay_byte_identical_and_a_new_version_keeps_the_old(approved, tmp_path, capsys):
    db, a, tmp = approved
    with store.connect(db) as con:
        before = {f.fmt: closing.approved_file(con, a.id, f.fmt)[1] for f in a.files}
        closing.reopen(con, PERIOD, "admin", "KLF rättar en status")
    assert upload(db, "KLF", tmp, Status="Klar", **{"Andel klart (%)": 100}).ok  # the data changes
    with store.connect(db) as con:
        old = closing.approved_versions(con, PERIOD)[0]
        assert not old.current  # the approval belongs to the closing that was reopened
        closing.close(con, PERIOD, "admin", "Efter rättelse")
    new = closing.approve(PERIOD, "KS 2027/200", dt.date(2027, 3, 10), "admin", db=db,
                          build=lambda p, fmt: f"version 2 {fmt}".encode())
    with store.connect(db) as con:
        versions = closing.approved_versions(con, PERIOD)
        assert [(v.version, v.current) for v in versions] == [(2, True), (1, False)] and new.version == 2
        after = {f.fmt: closing.approved_file(con, a.id, f.fmt)[1] for f in a.files}
    assert after == before  # version 1 exactly as stored, whatever happened to the data since

    out = tmp_path / "arkiv"
    assert cli.main(["period", "files", PERIOD, "--version", "1", "--out", str(out), "--db", str(db)]) == 0
    assert {p.read_bytes() for p in out.iterdir()} == set(before.values())
    assert "SHA-256" in capsys.readouterr().out


def test_a_tampered_file_is_not_handed_out(approved):
    db, a, _ = approved
    with store.connect(db) as con:
        con.execute("CREATE TEMP TABLE keep AS SELECT * FROM approved_report_files WHERE report_id = ? AND fmt = 'xlsx'",
                    [a.id])
        con.execute("UPDATE approved_report_files SET content = 'x'::BLOB WHERE report_id = ? AND fmt = 'xlsx'", [a.id])
        with pytest.raises(UserError, match="kontrollsumma"):
            closing.approved_file(con, a.id, "xlsx")
        con.execute("UPDATE approved_report_files f SET content = k.content FROM keep k "
                    "WHERE f.report_id = k.report_id AND f.fmt = k.fmt")
        closing.approved_file(con, a.id, "xlsx")

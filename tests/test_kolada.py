"""Kolada: the real HTTP client against a local server on 127.0.0.1 serving the documented v3 shape.

No test reaches the internet: NARINGSDASH_KOLADA_URL points at the server the test starts.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from naringsdash import config, export, kolada, store
from naringsdash.store import queries

from conftest import run_main

FIXTURES = Path(__file__).parent / "fixtures" / "kolada"
KPIS = ["N00999", "N03932", "N00926", "N02243"]
MUNIS = ["1287", "0000", "1282", "1285", "1286", "1292", "1293"]
YEARS = [2022, 2023, 2024]
ARBETSLOSHET = "Arbetslöshet 16–65 år, årsmedelvärde"
NYSTARTADE = "Nystartade företag per 1 000 invånare 16–64 år"


class KoladaStub:
    """What the local Kolada answers: fixtures by default; `fail` = {"kpi"|"data": 500|"slow"}."""

    def __init__(self):
        self.base = ""
        self.requests: list[str] = []
        self.fail: dict[str, object] = {}
        self.data = "paged"  # paged | revised | empty
        self.paging_key = "next_page"
        self.kpi_edit = None  # callable(meta dict) -> meta dict
        self.data_edit = None  # callable(data page dict) -> data page dict
        self.release = threading.Event()

    def fixture(self, name: str, path: str = "") -> bytes:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        text = text.replace("{base}", self.base).replace("{path}", path[len("/v3"):])
        body = json.loads(text)
        if "next_page" in body and self.paging_key != "next_page":
            body[self.paging_key] = body.pop("next_page")
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    def respond(self, path: str, query: str) -> tuple[int, bytes]:
        self.requests.append(path + (f"?{query}" if query else ""))
        what = "data" if path.startswith("/v3/data/") else "kpi" if path.startswith("/v3/kpi/") else None
        failure = self.fail.get(what)
        if failure == "slow":
            self.release.wait(10)  # longer than the client's time-out; released at teardown
            return 200, self.fixture("data_tom.json")
        if failure:
            return int(failure), b'{"error": "Internal Server Error"}'
        if what == "kpi":
            body = self.fixture("kpi.json")
            return 200, json.dumps(self.kpi_edit(json.loads(body))).encode() if self.kpi_edit else body
        if what == "data":
            if self.data == "empty":
                return 200, self.fixture("data_tom.json")
            if self.data == "revised":
                return 200, self.fixture("data_reviderad.json")
            body = self.fixture("data_sida2.json" if "page=2" in query else "data_sida1.json", path)
            return 200, json.dumps(self.data_edit(json.loads(body))).encode() if self.data_edit else body
        return 404, b'{"error": "Not Found"}'

    def data_requests(self) -> list[str]:
        return [r for r in self.requests if r.startswith("/v3/data/")]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        status, body = self.server.stub.respond(unquote(parts.path), parts.query)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (time-out test)

    def log_message(self, *args):
        pass


def set_kolada(**settings) -> None:
    """Change the [kolada] settings in this test's copy of the reference data (load → save)."""
    ref = config.load_reference()
    ref.settings["kolada"].update(settings)
    config.save_reference(ref)


@pytest.fixture
def stub(monkeypatch):
    s = KoladaStub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.stub = s
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    s.base = f"http://127.0.0.1:{server.server_port}/v3"
    monkeypatch.setenv("NARINGSDASH_KOLADA_URL", s.base)
    set_kolada(timeout_s=2.0, forsok=2, vanta_s=0.01)
    yield s
    s.release.set()
    server.shutdown()
    server.server_close()


def snapshot(db) -> tuple:
    """What a failure must leave untouched: the indicator export, the uploads, every stored value."""
    cols, rows = queries.export_indicators(db)
    with store.connect(db) as con:
        uploads = con.execute("SELECT id, kind, sha256, rows FROM uploads ORDER BY id").fetchall()
        values = con.execute("SELECT * FROM indicator_values ORDER BY ALL").fetchall()
    return export.canonical_csv(cols, rows), uploads, values


def current(db, indikator: str, serie: str = "Trelleborg") -> dict[int, float]:
    df = queries.indicators(db)
    df = df[(df.indikator == indikator) & (df.serie == serie)]
    return dict(zip(df.ar.astype(int), df.varde))


# --- Values land, paging is followed ------------------------------------------------------------------

@pytest.mark.parametrize("paging_key", ["next_page", "next_url"])
def test_sync_follows_paging_and_stores_values_with_source(stub, db, paging_key):
    stub.paging_key = paging_key
    res = kolada.sync(db, years=YEARS)
    assert res.ok, res.message
    assert stub.data_requests() == [
        f"/v3/data/kpi/{','.join(KPIS)}/municipality/{','.join(MUNIS)}/year/2022,2023,2024",
        f"/v3/data/kpi/{','.join(KPIS)}/municipality/{','.join(MUNIS)}/year/2022,2023,2024?page=2&per_page=50"]
    assert res.kpis == KPIS and res.values == 36 and res.series == {
        "Liknande kommuner": 12, "Riket": 12, "Trelleborg": 12}
    # Sysselsatta comes only on page 2; arbetslöshet is the total (T), not the women's or men's value.
    assert current(db, "Sysselsatta invånare 20–65 år") == {2022: 78.0, 2023: 78.5, 2024: 79.0}
    assert current(db, ARBETSLOSHET) == {2022: 8.4, 2023: 8.0, 2024: pytest.approx(7.6)}
    with store.connect(db) as con:
        row = con.execute("SELECT kalla, kpi, fetched_at, kolada_status, riktning, malomrade FROM indicator_values "
                          "WHERE indikator = ? AND serie = 'Trelleborg' AND ar = 2024", [ARBETSLOSHET]).fetchone()
        kind, user = con.execute("SELECT kind, user_name FROM uploads WHERE id = ?", [res.upload_id]).fetchone()
    assert row[:2] == ("Kolada N03932", "N03932") and row[2] == res.fetched_at
    assert row[3] is None and row[4:] == ("lagre", 3)
    assert (kind, user) == ("kolada", "Kolada")
    # The indicator export (contract §4) carries them like workbook indicators.
    cols, rows = queries.export_indicators(db)
    exported = {(r[0], r[7]): r for r in rows}
    assert exported[(NYSTARTADE, 2024)][cols.index("kalla")] == "Kolada N00999"
    assert exported[(NYSTARTADE, 2024)][cols.index("varde")] == pytest.approx(5.1)


def test_comparison_series_stored_next_to_trelleborg(stub, db):
    assert kolada.sync(db, years=YEARS).ok
    df = queries.indicators(db)
    one = df[(df.indikator == ARBETSLOSHET) & (df.ar == 2024)].set_index("serie").varde
    assert set(one.index) == {"Trelleborg", "Riket", "Liknande kommuner"}
    assert one["Riket"] == pytest.approx(8.2)
    # Unweighted mean of the five similar kommuner; in 2022 one of them has no value (status Missing).
    assert one["Liknande kommuner"] == pytest.approx((7.9 + 7.4 + 7.7 + 8.1 + 7.3) / 5)
    assert current(db, ARBETSLOSHET, "Liknande kommuner")[2022] == pytest.approx((8.7 + 8.2 + 8.5 + 8.9) / 4)
    # Source per series: Kolada's own figures name Kolada; our mean is marked as our own calculation.
    info = kolada.fetched(db)
    info = info[info.indikator == ARBETSLOSHET].set_index("serie")
    assert list(info.index) == ["Trelleborg", "Liknande kommuner", "Riket"]
    assert info.kalla.to_dict() == {
        "Trelleborg": "Kolada N03932", "Riket": "Kolada N03932",
        "Liknande kommuner": "Egen beräkning: ovägt medelvärde av 5 kommuner, data från Kolada N03932"}
    assert info.hamtad.notna().all() and set(info.senaste_ar) == {2024} and set(info.forsta_ar) == {2022}


def test_a_kolada_group_id_gives_the_comparison_series_directly(stub, db):
    set_kolada(liknande_grupp="G0001")  # the group's own value (Kolada's average), not a mean we compute

    def add_group(page):
        if "next_page" not in page:  # last page: Kolada's value for the group, with how many members gave one
            page["values"].append({"kpi": "N03932", "municipality": "G0001", "period": 2024,
                                   "values": [{"gender": "T", "status": "", "value": 7.25, "count": 4}]})
        return page

    stub.data_edit = add_group
    assert kolada.catalogue().municipalities == ["1287", "0000", "G0001"]
    assert kolada.sync(db, years=YEARS).ok
    assert stub.data_requests()[0].endswith("/municipality/1287,0000,G0001/year/2022,2023,2024")
    assert current(db, ARBETSLOSHET, "Liknande kommuner") == {2024: 7.25}
    info = kolada.fetched(db).set_index(["indikator", "serie"])
    assert info.loc[(ARBETSLOSHET, "Liknande kommuner"), "kalla"] == "Kolada N03932"


def test_progress_is_reported_from_zero_to_one(stub, db):
    calls = []
    assert kolada.sync(db, years=YEARS, progress=lambda f, t: calls.append((f, t))).ok
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert any("Hämtar" in t for _, t in calls) and all(isinstance(t, str) and t for _, t in calls)


# --- A later sync ---------------------------------------------------------------------------------

def test_later_sync_updates_current_values_and_keeps_history(stub, db):
    first = kolada.sync(db, years=YEARS)
    stub.data = "revised"
    second = kolada.sync(db, years=YEARS)
    assert first.ok and second.ok and second.upload_id > first.upload_id and not second.identical
    assert current(db, ARBETSLOSHET) == {2022: 8.4, 2023: 8.0, 2024: pytest.approx(7.4)}
    assert current(db, ARBETSLOSHET, "Riket")[2024] == pytest.approx(8.0)
    with store.connect(db) as con:
        history = con.execute("SELECT upload_id, varde FROM indicator_values WHERE indikator = ? AND "
                              "serie = 'Trelleborg' AND ar = 2024 ORDER BY upload_id", [ARBETSLOSHET]).fetchall()
    assert history == [(first.upload_id, pytest.approx(7.6)), (second.upload_id, pytest.approx(7.4))]
    hist = queries.uploads(db)
    assert list(hist.kind[:2]) == ["kolada", "kolada"] and hist.aktuell[:2].isna().all()


def test_unchanged_answer_makes_no_new_version(stub, db):
    first = kolada.sync(db, years=YEARS)
    before = snapshot(db)
    again = kolada.sync(db, years=YEARS)
    assert again.ok and again.identical and again.upload_id == first.upload_id
    assert "ingen ny version" in again.message
    assert snapshot(db) == before
    assert kolada.last_checked(db) == again.fetched_at


def test_direction_of_a_lower_is_better_kolada_kpi(stub, db):
    assert kolada.sync(db, years=YEARS).ok
    ch = queries.indicator_changes(db).set_index("indikator")
    # Arbetslöshet fell 8.0 → 7.6: lower is better, so an improvement.
    assert ch.loc[ARBETSLOSHET, ["foregaende", "varde"]].tolist() == pytest.approx([8.0, 7.6])
    assert ch.loc[ARBETSLOSHET, "bedomning"] == "förbättring"
    assert ch.loc[NYSTARTADE, "bedomning"] == "försämring"  # higher is better, and it fell
    assert ch.loc["Företagskonkurser per 1 000 invånare 16–64 år", "bedomning"] == "försämring"  # rose
    assert ch.loc["Sysselsatta invånare 20–65 år", "bedomning"] == "förbättring"
    assert ch.loc[ARBETSLOSHET, "kalla"] == "Kolada N03932"


# --- Failures leave the database unchanged and say so ---------------------------------------------------

@pytest.fixture
def synced(stub, demo_db):
    """The demo database (workbook indicators) after one successful Kolada sync."""
    assert kolada.sync(demo_db, years=YEARS).ok
    stub.requests.clear()
    return demo_db


def test_500_is_retried_then_reported_and_nothing_changes(stub, synced):
    before = snapshot(synced)
    stub.fail["data"] = 500
    stub.data = "revised"
    res = kolada.sync(synced, years=YEARS)
    assert not res.ok and res.upload_id is None
    assert "Kolada svarade med fel 500, efter 2 försök." in res.message
    assert "Inget ändrades; befintliga värden finns kvar." in res.message
    assert len(stub.data_requests()) == 2
    assert snapshot(synced) == before


def test_time_out_is_reported_and_nothing_changes(stub, synced):
    set_kolada(timeout_s=0.3)
    before = snapshot(synced)
    stub.fail["data"] = "slow"
    res = kolada.sync(synced, years=YEARS)
    assert not res.ok
    assert "Kolada svarade inte inom tidsgränsen (0,3 s), efter 2 försök." in res.message
    assert snapshot(synced) == before


def test_failing_metadata_request_writes_nothing(stub, db):
    stub.fail["kpi"] = 503
    res = kolada.sync(db, years=YEARS)
    assert not res.ok and "fel 503" in res.message and stub.data_requests() == []
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == 0


def test_unreachable_kolada_says_so(stub, synced, monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("NARINGSDASH_KOLADA_URL", f"http://127.0.0.1:{port}/v3")
    before = snapshot(synced)
    res = kolada.sync(synced, years=YEARS)
    assert not res.ok and res.message == ("Kolada kunde inte nås (anslutningen nekades), efter 2 försök. "
                                          "Inget ändrades; befintliga värden finns kvar.")
    assert snapshot(synced) == before


def test_empty_answer_stores_nothing_and_says_so(stub, synced):
    before = snapshot(synced)
    stub.data = "empty"
    res = kolada.sync(synced, years=YEARS)
    assert res.ok and res.values == 0 and res.upload_id is None
    assert res.message == "Kolada gav inga värden för 2022–2024. Inget ändrades; befintliga värden finns kvar."
    assert snapshot(synced) == before


def test_next_page_link_to_another_host_is_refused(stub, db):
    stub.base = "http://example.invalid/v3"  # the served next-page link now names another host
    res = kolada.sync(db, years=YEARS)
    assert not res.ok and "annan adress" in res.message
    assert all("example.invalid" not in r for r in stub.requests)
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM indicator_values").fetchone()[0] == 0


# --- Catalogue checks ----------------------------------------------------------------------------------

def test_renamed_or_unknown_kpi_gives_warnings(stub, db):
    def edit(meta):
        meta["values"] = [m for m in meta["values"] if m["id"] != "N02243"]
        for m in meta["values"]:
            if m["id"] == "N00926":
                m["title"] = "Företagskonkurser, antal anställda, antal/1000 inv"
        return meta

    stub.kpi_edit = edit
    res = kolada.sync(db, years=YEARS)
    assert res.ok and res.kpis == ["N00999", "N03932", "N00926"]
    assert any("känner inte till nyckeltalet N02243" in w for w in res.warnings)
    assert any("Kolada kallar nu N00926" in w for w in res.warnings)
    assert "N02243" not in stub.data_requests()[0]
    assert "Sysselsatta invånare 20–65 år" not in set(queries.indicators(db).indikator)


def test_verified_titles_in_the_catalogue_match_the_fixture_metadata():
    """The shipped catalogue's ids and titles are the ones recorded in tests/fixtures/kolada/kpi.json."""
    cat = kolada.catalogue(config.load_reference(config.DEFAULT_CONFIG))
    meta = json.loads((FIXTURES / "kpi.json").read_text(encoding="utf-8"))["values"]
    known, warnings = kolada.check_metadata(cat.kpis, meta)
    assert [k.id for k in known] == KPIS and warnings == []
    assert {k.id: (k.riktning, k.malomrade) for k in cat.kpis} == {
        "N00999": ("hogre", 4), "N03932": ("lagre", 3), "N00926": ("lagre", 1), "N02243": ("hogre", 3)}
    assert cat.kommun == "1287" and cat.riket == "0000" and len(cat.liknande_kommuner) >= 3


def test_catalogue_survives_saving_the_reference_data():
    before = config.load_reference().settings["kolada"]
    config.save_reference(config.load_reference())
    assert config.load_reference().settings["kolada"] == before


def test_bad_catalogue_entry_is_reported_in_swedish(stub, db):
    ref = config.load_reference()
    ref.settings["kolada"]["kpi"][0]["riktning"] = "uppåt"
    config.save_reference(ref)
    res = kolada.sync(db, years=YEARS)
    assert not res.ok and "Fel i Kolada-katalogen: N00999 har riktning 'uppåt'" in res.message
    assert stub.requests == []


def test_targets_from_the_catalogue_are_stored(stub, db):
    ref = config.load_reference()
    ref.settings["kolada"]["kpi"][1].update(malvarde=6.5, malar=2030)
    config.save_reference(ref)
    assert kolada.sync(db, years=YEARS).ok
    ch = queries.indicator_changes(db).set_index("indikator")
    assert ch.loc[ARBETSLOSHET, ["malvarde", "malar"]].tolist() == [6.5, 2030]


@pytest.mark.parametrize("text,years", [("2015-2025", list(range(2015, 2026))), ("2024", [2024]),
                                        ("2020–2022", [2020, 2021, 2022]), ("2018,2020", [2018, 2020])])
def test_parse_years(text, years):
    assert kolada.parse_years(text) == years


@pytest.mark.parametrize("text", ["2025-2015", "tjugo", "15-25", ""])
def test_parse_years_rejects(text):
    with pytest.raises(ValueError):
        kolada.parse_years(text)


# --- Command line -------------------------------------------------------------------------------------

def run_cli(*args, db):
    return run_main("kolada", "sync", *args, "--db", str(db))   # in this process (the stub answers here too)


def test_cli_sync_json_then_failure_exit_codes(stub, db):
    r = run_cli("--years", "2022-2024", "--json", db=db)
    assert r.returncode == 0, r.stdout + r.stderr
    out = json.loads(r.stdout)
    assert out["ok"] and out["values"] == 36 and out["years"] == YEARS and out["upload_id"]
    stub.fail["data"] = 500
    r = run_cli("--years", "2022-2024", db=db)
    assert r.returncode == 1
    assert r.stdout.startswith("FEL Kolada svarade med fel 500") and "Inget ändrades" in r.stdout
    r = run_cli("--years", "2025-2015", db=db)
    assert r.returncode == 2 and "Okända år" in r.stderr

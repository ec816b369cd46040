"""Open data for a closed period: a Frictionless Data Package that frictionless itself validates, CSV in UTF-8,
Swedish column titles, a licence, and no names of people; refused for an open period."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import frictionless
import pytest

from naringsdash import closing, ingest, opendata, store
from naringsdash.cli import main as cli
from naringsdash.errors import UserError

from conftest import FIX, activity, write_xlsx

PERIOD = "2025-T3"


@pytest.fixture
def closed_db(db, tmp_path):
    rows = [activity(1, Ansvarig="Anna Andersson", Kommentar="Anna ringer Bertil"), activity(2, Ansvarig="Per Persson")]
    assert ingest.import_file(write_xlsx(tmp_path / "klf.xlsx", rows), db=db, forvaltning="KLF", period=PERIOD).ok
    assert ingest.import_file(FIX / "indikatorer.xlsx", db=db).ok
    with store.connect(db) as con:
        closing.close(con, PERIOD, "admin", "Testdata")
    return db


def test_the_package_validates_with_frictionless(closed_db, tmp_path):
    out = tmp_path / "paket"
    assert cli.main(["publish", "--period", "Helår 2025", "--out", str(out), "--db", str(closed_db)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["aktiviteter.csv", "datapackage.json", "indikatorer.csv"]
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_descriptor_titles_licence_and_no_people(closed_db, tmp_path):
    files = opendata.package_files(PERIOD, closed_db)
    desc = json.loads(files["datapackage.json"])
    assert desc["licenses"][0]["name"] == "CC0-1.0" and "creativecommons.org" in desc["licenses"][0]["path"]
    acts = next(r for r in desc["resources"] if r["name"] == "aktiviteter")
    titles = {f["name"]: f["title"] for f in acts["schema"]["fields"]}
    assert titles["aktivitet_id"] == "Aktivitets-ID" and titles["slutdatum"] == "Slutdatum"
    assert "ansvarig" not in titles and "kommentar" not in titles
    assert acts["encoding"] == "utf-8" and acts["hash"].startswith("sha256:")
    text = files["aktiviteter.csv"].decode("utf-8")
    assert "Anna" not in text and "Per Persson" not in text and "Bertil" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["aktivitet_id"] for r in rows] == ["A-01", "A-02"]
    assert rows[0]["forvaltning_namn"] == "Kommunledningsförvaltningen"
    inds = next(r for r in desc["resources"] if r["name"] == "indikatorer")
    assert {"kalla": "Källa"}.items() <= {f["name"]: f["title"] for f in inds["schema"]["fields"]}.items()
    years = [int(r["ar"]) for r in csv.DictReader(io.StringIO(files["indikatorer.csv"].decode("utf-8")))]
    assert years and max(years) <= 2025


def test_the_licence_comes_from_the_setting(closed_db, tmp_path, monkeypatch):
    from naringsdash import config

    ref = config.load_reference()
    ref.settings["oppen_data_licens"] = "CC-BY-4.0"
    ref = config.save_reference(ref)
    desc = json.loads(opendata.package_files(PERIOD, closed_db, ref)["datapackage.json"])
    assert desc["licenses"][0]["name"] == "CC-BY-4.0"


def test_zip_for_the_rapport_page(closed_db):
    with zipfile.ZipFile(io.BytesIO(opendata.zip_bytes(PERIOD, closed_db))) as z:
        assert sorted(z.namelist()) == ["aktiviteter.csv", "datapackage.json", "indikatorer.csv"]


def test_an_open_period_is_not_published(db, tmp_path, capsys):
    assert ingest.import_file(write_xlsx(tmp_path / "klf.xlsx", [activity(1)]), db=db, forvaltning="KLF",
                              period=PERIOD).ok
    with pytest.raises(UserError, match="inte stängd"):
        opendata.package_files(PERIOD, db)
    assert cli.main(["publish", "--period", PERIOD, "--out", str(tmp_path / "x"), "--db", str(db)]) == 1
    assert "inte stängd" in capsys.readouterr().err and not (tmp_path / "x").exists()

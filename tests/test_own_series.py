"""The kommun's own indicator series is the setting ``kommun``, not a name written in the SQL: with
``kommun = "Ystads kommun"`` every own-series query, the indicator export, the report and a new upload use Ystad."""

from __future__ import annotations

import pytest

from naringsdash import config, store
from naringsdash.report.data import collect
from naringsdash.store import Store, queries


def set_kommun(name: str) -> None:
    cfg = config.config_path()
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('kommun = "Trelleborgs kommun"', f'kommun = "{name}"', 1),
                   encoding="utf-8")
    assert config.current_reference().options.kommun == name


def indicator_rows(serie: str | None, values: dict[int, float], kalla: str) -> list[dict]:
    return [{"indikator": "Nyregistrerade företag", "malomrade": 4, "enhet": "antal", "riktning": "hogre",
             "malvarde": 500.0, "malar": 2030, "kalla": kalla, "ar": ar, "varde": v, "serie": serie}
            for ar, v in values.items()]


@pytest.fixture
def two_series(demo_db) -> Store:
    """The demo data plus one indicator with a Ystad series and a Trelleborg series of other values."""
    db = Store.of(demo_db)
    set_kommun("Ystads kommun")
    rows = indicator_rows(None, {2023: 210.0, 2024: 250.0}, "Ystad-källa") + \
        indicator_rows("Trelleborg", {2023: 900.0, 2024: 800.0}, "Trelleborg-källa")
    with db.connect() as con:  # a row without a series is the kommun's own (the upload pipeline passes the setting)
        store.save_upload(con, kind="indikatorer", forvaltning=None, period=None, user="test", file_name="i.xlsx",
                          data=b"ystad", activities=[], indicators=rows,
                          own_series=config.current_reference().options.own_series)
    return db


def test_own_series_queries_use_the_setting(two_series):
    with two_series.connect() as con:
        stored = dict(con.execute("SELECT varde, serie FROM indicator_values WHERE kalla = 'Ystad-källa'").fetchall())
    assert set(stored.values()) == {"Ystad"}
    ch = queries.indicator_changes(two_series).set_index("indikator").loc["Nyregistrerade företag"]
    assert (ch["varde"], ch["foregaende"], ch["bedomning"]) == (250.0, 210.0, "förbättring")
    cols, rows = queries.export_indicators(two_series)
    mine = [dict(zip(cols, r)) for r in rows if r[cols.index("indikator")] == "Nyregistrerade företag"]
    assert [(r["ar"], r["varde"]) for r in mine] == [(2023, 210.0), (2024, 250.0)]
    all_series = queries.indicators(two_series)
    mine = all_series[all_series["indikator"] == "Nyregistrerade företag"]
    assert set(mine["serie"]) == {"Ystad", "Trelleborg"} and set(mine["kalla"]) == {"Ystad-källa"}  # Ystad describes it
    # the same data read as Trelleborg's own series gives Trelleborg's values
    ch = queries.indicator_changes(two_series, own="Trelleborg").set_index("indikator").loc["Nyregistrerade företag"]
    assert ch["varde"] == 800.0 and ch["bedomning"] == "försämring"


def test_the_report_uses_the_own_series_of_the_setting(two_series):
    d = collect("2026-T2", two_series)
    row = d.changes.set_index("indikator").loc["Nyregistrerade företag"]
    assert (row["varde"], row["foregaende"]) == (250.0, 210.0)

"""Benchmark: each dashboard page's median warm AppTest run time on the demo and on a large database.

The large database: 10 years × 3 periods × 7 förvaltningar × 300 activities (63,000 activity rows, 210
uploads) and 100 indicators × 20 years. Warm means the query cache is filled (a first run per page is not
counted); each warm run still opens the database once, for the data version. Target: ≤ 0.2 s per page warm
on the large database and ≤ 1.5× the demo's time. Not a test: it prints figures; the last line reads
``pages: slowest_warm_s=<s> large_vs_demo=<x>``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from naringsdash import config, demo, store, ui  # noqa: E402

YEARS = range(2017, 2027)
ACTIVITIES = 300
INDICATORS = 100
IND_YEARS = range(2006, 2026)
RUNS = 9
STATUSES = ["Ej påbörjad", "Pågår", "Pågår", "Pågår", "Försenad", "Klar", "Klar", "Avbruten"]


def build_large(path: Path) -> None:
    rng = random.Random(20260630)
    with store.connect(path) as con:
        for year in YEARS:
            for t in (1, 2, 3):
                period = f"{year}-T{t}"
                for kod in config.DEFAULT_FORVALTNINGAR:
                    acts = []
                    for i in range(ACTIVITIES):
                        status = rng.choice(STATUSES)
                        start = dt.date(year - 1, 1, 1) + dt.timedelta(days=rng.randrange(700))
                        acts.append({"aktivitet_id": f"{kod}-{i:03d}", "aktivitet": f"Aktivitet {i} för {kod}",
                                     "malomrade": 1 + i % 6, "ansvarig": f"Person {i % 40}", "startdatum": start,
                                     "slutdatum": start + dt.timedelta(days=rng.randrange(90, 900)),
                                     "status": status, "andel_klar": 100 if status == "Klar" else rng.randrange(0, 95),
                                     "bedomning": rng.choice(["Grön", "Gul", "Röd"]),
                                     "kommentar": f"Kommentar {rng.randrange(10_000)}", "row": i + 2})
                    store.save_upload(con, kind="aktiviteter", forvaltning=kod, period=period, user="bench",
                                      file_name=f"{period}_{kod}.xlsx", data=f"{period}{kod}".encode(),
                                      activities=acts, indicators=[],
                                      uploaded_at=dt.datetime.combine(config.period_end(period), dt.time(9)))
        values = []
        for n in range(INDICATORS):
            level = rng.uniform(10, 1000)
            for ar in IND_YEARS:
                level *= rng.uniform(0.93, 1.08)
                values.append({"indikator": f"Indikator {n:03d}", "malomrade": 1 + n % 6, "enhet": "antal",
                               "riktning": "hogre" if n % 3 else "lagre", "malvarde": round(level * 1.2, 1),
                               "malar": 2030, "kalla": "Bench", "ar": ar, "varde": round(level, 1)})
        store.save_upload(con, kind="indikatorer", forvaltning=None, period=None, user="bench",
                          file_name="indikatorer.xlsx", data=b"indikatorer", activities=[], indicators=values)


def time_pages(db: Path) -> dict[str, float]:
    """Median warm run time per page (seconds)."""
    os.environ["NARINGSDASH_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    out = {}
    for page in ui.PAGES:
        at.switch_page(page.file)
        at.run()  # cold: fills the cache
        assert not at.exception, [e.value for e in at.exception]
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
        out[page.title] = statistics.median(times)
    return out


def main() -> None:
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    try:
        shutil.copy(config.DEFAULT_CONFIG, tmp / "referens.toml")
        os.environ["NARINGSDASH_CONFIG"] = str(tmp / "referens.toml")
        demo_db, large_db = tmp / "demo.duckdb", tmp / "large.duckdb"
        demo.load(demo_db)
        t0 = time.perf_counter()
        build_large(large_db)
        print(f"large database built in {time.perf_counter() - t0:.1f} s "
              f"({len(YEARS) * 3 * len(config.DEFAULT_FORVALTNINGAR) * ACTIVITIES} activities, "
              f"{INDICATORS * len(IND_YEARS)} indicator values)")
        small, large = time_pages(demo_db), time_pages(large_db)
        print(f"{'page':<24} {'demo_s':>8} {'large_s':>8} {'ratio':>6}")
        for title in small:
            print(f"{title:<24} {small[title]:8.3f} {large[title]:8.3f} {large[title] / small[title]:6.2f}")
        slowest = max(large.values())
        ratio = max(large[t] / small[t] for t in small)
        print(f"pages: slowest_warm_s={slowest:.3f} large_vs_demo={ratio:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: each dashboard page's run time (AppTest, in-process) on the demo, the large and a 10× database.

The large database (bench/common.py): 10 years × 3 periods × 7 förvaltningar × 300 activities (63,000
activity rows, 210 uploads) and 100 indicators × 20 years. The 10× database has 3,000 activities per upload
(630,000 rows) and 1,000 indicators (``--scale``).

Three figures per page:

- warm: the median of ``--runs`` runs once the query cache is filled (a first run per page is not counted);
  each warm run still reads the data version. Printed for the demo, the large and the 10× database, measured
  interleaved (one run on each database in turn, page by page) so that other load on the machine hits them
  alike.
- cold (Översikt, Mötesläge, Indikatorer on the large database): the first page run after a data change, as
  the first visitor after an upload sees it. Before each timed run the data version is bumped by a write
  (``store.bump_data_version`` in a transaction, as every upload does) and Streamlit's data cache is cleared
  (``st.cache_data.clear()``, so the figure stays cold whatever the cache is keyed on); median of
  ``--cold-runs``.
- 10× ratio: warm on the 10× database divided by warm on the large one, per page; the worst page is named.

Targets (issue 13): warm ≤ 0.2 s and ≤ 1.5× the demo; cold ≤ 100 ms; 10× ratio ≤ 1.3 on every page. Not a
test: it prints figures, about 1–2 minutes on 2 idle cores (most of it building the 10× database). The lines
at the end read::

    pages: slowest_warm_s=<s> large_vs_demo=<x>
    pages_cold: oversikt_ms=<ms> moteslage_ms=<ms> indikatorer_ms=<ms>
    pages_10x: max_ratio=<x> worst=<page>
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

logging.disable(logging.WARNING)  # Streamlit's bare-mode warnings (AppTest, st.cache_data.clear()); errors show

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from naringsdash import demo, ui  # noqa: E402

import common  # noqa: E402

RUNS = 9
COLD_RUNS = 5
# The pages measured cold, and the key each gets in the pages_cold line.
COLD_PAGES = {"pages/oversikt.py": "oversikt", "pages/moteslage.py": "moteslage",
              "pages/indikatorer.py": "indikatorer"}


def build_large(path: Path, scale: int = 1) -> None:
    """Kept for callers of the earlier version of this script."""
    common.build_large(path, scale)


def time_pages(dbs: dict[str, Path], runs: int = RUNS) -> dict[str, dict[str, float]]:
    """Median warm run time (seconds) per database and page. The databases are measured interleaved, page by
    page (one run on each in turn), so a change in the machine's load hits all of them alike."""
    apps = {}
    for name, db in dbs.items():
        os.environ["NARINGSDASH_DB"] = str(db)
        apps[name] = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        apps[name].run()
    out: dict[str, dict[str, float]] = {name: {} for name in dbs}
    for page in ui.PAGES:
        times: dict[str, list[float]] = {name: [] for name in dbs}
        for name, at in apps.items():
            os.environ["NARINGSDASH_DB"] = str(dbs[name])
            at.switch_page(page.file)
            at.run()  # cold: fills the cache
            assert not at.exception, [e.value for e in at.exception]
        for _ in range(runs):
            for name, at in apps.items():
                os.environ["NARINGSDASH_DB"] = str(dbs[name])
                t0 = time.perf_counter()
                at.run()
                times[name].append(time.perf_counter() - t0)
        for name in dbs:
            out[name][page.title] = statistics.median(times[name])
    return out


def time_cold(db: Path, runs: int = COLD_RUNS) -> dict[str, float]:
    """Median cold run time (seconds) of each page in COLD_PAGES: the first run after a data change."""
    os.environ["NARINGSDASH_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    out = {}
    for file, key in COLD_PAGES.items():
        at.switch_page(file)
        at.run()
        times = []
        for _ in range(runs):
            common.bump_data_version(db)
            st.cache_data.clear()
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
            assert not at.exception, [e.value for e in at.exception]
        out[key] = statistics.median(times)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=RUNS, help="warm runs per page (median)")
    ap.add_argument("--cold-runs", type=int, default=COLD_RUNS, help="cold runs per page (median)")
    ap.add_argument("--scale", type=int, default=10, help="the big database's size in large databases (0: skip)")
    args = ap.parse_args()
    print(f"load average before: {common.load_average()}")
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    try:
        os.environ["NARINGSDASH_CONFIG"] = str(common.copy_config(tmp))
        demo_db, large_db, big_db = tmp / "demo.duckdb", tmp / "large.duckdb", tmp / "big.duckdb"
        demo.load(demo_db)
        t0 = time.perf_counter()
        common.build_large(large_db)
        print(f"large database built in {time.perf_counter() - t0:.1f} s ({common.large_size()})")
        dbs = {"demo": demo_db, "large": large_db}
        if args.scale > 1:
            t0 = time.perf_counter()
            common.build_large(big_db, args.scale)
            print(f"{args.scale}× database built in {time.perf_counter() - t0:.1f} s ({common.large_size(args.scale)})")
            dbs["big"] = big_db
        warm = time_pages(dbs, args.runs)
        small, large, big = warm["demo"], warm["large"], warm.get("big", {})
        cold = time_cold(large_db, args.cold_runs)
        print(f"{'page':<24} {'demo_s':>8} {'large_s':>8} {'ratio':>6}" + (f" {'big_s':>8} {'big/large':>9}" if big else ""))
        for title in small:
            line = f"{title:<24} {small[title]:8.3f} {large[title]:8.3f} {large[title] / small[title]:6.2f}"
            if big:
                line += f" {big[title]:8.3f} {big[title] / large[title]:9.2f}"
            print(line)
        print(f"load average after: {common.load_average()}")
        slowest = max(large.values())
        ratio = max(large[t] / small[t] for t in small)
        print(f"pages: slowest_warm_s={slowest:.3f} large_vs_demo={ratio:.2f}")
        print("pages_cold: " + " ".join(f"{key}_ms={1000 * cold[key]:.0f}" for key in COLD_PAGES.values()))
        if big:
            worst = max(big, key=lambda t: big[t] / large[t])
            page = next(p.url_path for p in ui.PAGES if p.title == worst)
            print(f"pages_10x: max_ratio={big[worst] / large[worst]:.2f} worst={page}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

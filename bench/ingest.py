"""Benchmark: import a 2,000-row follow-up workbook end to end (read, validate, store).

In-process (the figures ``median_s``, ``openpyxl_ratio``, ``plain_ratio``):

- the median wall time of ``ingest.import_bytes`` into a real DuckDB file (a new period each run, so every
  run stores 2,000 rows; one warm-up run first);
- our read alone (``reader.read_workbook``) and the openpyxl read alone (read-only mode, every cell value);
  ``openpyxl_ratio`` = openpyxl read / our whole import;
- the plain path a small script would take: openpyxl (read-only) → pandas DataFrame → DuckDB table (a
  fresh file each run); ``plain_ratio`` = plain path / our whole import (issue 13's first row).

As a whole command (``command_s``, ``modules_s``): ``python -m naringsdash import FILE --forvaltning KLF
--period P --db DB`` in a fresh process each time, the median of ``--cmd-runs`` (a new period each run;
one warm-up run that creates the database first), and how much of it is loading modules: the same command
under ``python -X importtime``, the sum of the top-level imports' cumulative times (median of
``--importtime-runs``; importtime itself adds a little). The heaviest top-level modules are listed.

Targets (issue 13): in-process ≥ 5× faster than the plain path; the whole command ≤ 0.3 s. Not a test: it
prints figures, about 30 s on 2 idle cores. The last line reads
``ingest: rows=2000 median_s=<s> openpyxl_ratio=<x> plain_ratio=<x> command_s=<s> modules_s=<s>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from naringsdash import ingest, schema  # noqa: E402

ROWS = 2000
RUNS = 9
CMD_RUNS = 7
IMPORTTIME_RUNS = 3
STATUSES = ["Pågår", "Klar", "Ej påbörjad", "Försenad", "pågående", "genomförd"]


def make_workbook(rows: int = ROWS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Aktiviteter"
    ws.append([c.header for c in schema.ACTIVITY_COLUMNS])
    for i in range(rows):
        status = STATUSES[i % len(STATUSES)]
        ws.append([f"KLF-{i:05d}", f"Aktivitet nummer {i} med en beskrivning av insatsen", 1 + i % 6, "KLF",
                   "Anna Lindqvist", dt.date(2025, 1, 1) + dt.timedelta(days=i % 200),
                   dt.date(2025, 9, 30) + dt.timedelta(days=i % 300), status,
                   100 if status in ("Klar", "genomförd") else (i * 7) % 100, ["Grön", "Gul", "Röd"][i % 3],
                   f"Kommentar {i}: arbetet fortsätter enligt plan."])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def openpyxl_read(data: bytes) -> int:
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    n = sum(1 for _ in wb["Aktiviteter"].iter_rows(values_only=True))
    wb.close()
    return n


def plain_path(data: bytes, db: Path) -> int:
    """openpyxl (read-only) → pandas → DuckDB, what a small script without our reader would do."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = list(wb["Aktiviteter"].iter_rows(values_only=True))
    wb.close()
    df = pd.DataFrame(rows[1:], columns=[str(c) for c in rows[0]])
    con = duckdb.connect(str(db))
    try:
        con.register("df", df)
        con.execute("CREATE TABLE activities AS SELECT * FROM df")
        return con.execute("SELECT count(*) FROM activities").fetchone()[0]
    finally:
        con.close()


def command(file: Path, db: Path, period: str, importtime: bool = False) -> subprocess.CompletedProcess:
    argv = [sys.executable] + (["-X", "importtime"] if importtime else []) + [
        "-m", "naringsdash", "import", str(file), "--forvaltning", "KLF", "--period", period, "--db", str(db)]
    # As installed: compiled module files are written and reused (a shell with PYTHONDONTWRITEBYTECODE=1 would
    # otherwise make every run compile the whole package again, which no deployment does).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    if proc.returncode != 0 or "OK" not in proc.stdout:
        raise RuntimeError(f"import command failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-2000:]}")
    return proc


def module_loading(stderr: str) -> tuple[float, list[tuple[str, float]]]:
    """Seconds in top-level imports (python -X importtime output) and the heaviest packages it loaded
    (the cumulative time of each package's first import, wherever it happened)."""
    total, packages = 0.0, []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| ( *)(\S+)\s*$", line)
        if not m:
            continue
        seconds, indent, name = int(m.group(1)) / 1e6, m.group(2), m.group(3)
        if not indent:  # imported at top level: the nested ones are inside its cumulative time
            total += seconds
        if "." not in name and name != "naringsdash":
            packages.append((name, seconds))
    return total, sorted(packages, key=lambda x: -x[1])[:6]


def time_command(data: bytes, tmp: Path, runs: int, importtime_runs: int) -> tuple[float, float, list]:
    file, db = tmp / "uppfoljning.xlsx", tmp / "cli.duckdb"
    file.write_bytes(data)
    periods = iter(f"{y}-T{t}" for y in range(2000, 2100) for t in (1, 2, 3))
    command(file, db, next(periods))  # creates the database
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        command(file, db, next(periods))
        times.append(time.perf_counter() - t0)
    loading, heavy = [], []
    for _ in range(importtime_runs):
        total, heavy = module_loading(command(file, db, next(periods), importtime=True).stderr)
        loading.append(total)
    return statistics.median(times), statistics.median(loading), heavy


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cmd-runs", type=int, default=CMD_RUNS, help="whole-command runs (median)")
    ap.add_argument("--importtime-runs", type=int, default=IMPORTTIME_RUNS, help="runs under -X importtime")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    data = make_workbook()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        periods = [f"{y}-T{t}" for y in range(2000, 2030) for t in (1, 2, 3)]
        ingest.import_bytes(data, "warmup.xlsx", db=db, forvaltning="KLF", period="1999-T1")
        times = []
        for i in range(RUNS):
            t0 = time.perf_counter()
            res = ingest.import_bytes(data, "bench.xlsx", db=db, forvaltning="KLF", period=periods[i])
            times.append(time.perf_counter() - t0)
            assert res.ok and res.rows == ROWS and not res.identical, res.errors[:3]
        from naringsdash.ingest.reader import read_workbook

        rd = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            read_workbook(data)
            rd.append(time.perf_counter() - t0)
        ox = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            assert openpyxl_read(data) == ROWS + 1
            ox.append(time.perf_counter() - t0)
        plain = []
        for i in range(RUNS):
            t0 = time.perf_counter()
            assert plain_path(data, Path(tmp) / f"plain{i}.duckdb") == ROWS
            plain.append(time.perf_counter() - t0)
        cmd_s, modules_s, heavy = time_command(data, Path(tmp), args.cmd_runs, args.importtime_runs)
    med, med_ox, med_rd = statistics.median(times), statistics.median(ox), statistics.median(rd)
    med_plain = statistics.median(plain)
    print(f"file: {len(data) / 1024:.0f} KiB, {ROWS} rows × {len(schema.ACTIVITY_COLUMNS)} columns")
    print(f"import end to end (read + validate + store), median of {RUNS}: {med:.3f} s")
    print(f"our read alone (size guards + calamine), median of {RUNS}: {med_rd:.3f} s "
          f"({med_ox / med_rd:.1f}× faster than openpyxl)")
    print(f"openpyxl read only, median of {RUNS}: {med_ox:.3f} s")
    print(f"plain openpyxl → pandas → DuckDB, median of {RUNS}: {med_plain:.3f} s ({med_plain / med:.1f}× ours)")
    print(f"python -m naringsdash import as a whole command, median of {args.cmd_runs}: {cmd_s:.3f} s, of which "
          f"loading modules {modules_s:.3f} s (-X importtime, median of {args.importtime_runs})")
    print("  heaviest packages loaded: " + ", ".join(f"{name} {t:.3f} s" for name, t in heavy))
    print(f"load average after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"ingest: rows={ROWS} median_s={med:.3f} openpyxl_ratio={med_ox / med:.1f} plain_ratio={med_plain / med:.1f} "
          f"command_s={cmd_s:.3f} modules_s={modules_s:.3f}")


if __name__ == "__main__":
    main()

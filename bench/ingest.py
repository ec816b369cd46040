"""Benchmark: import a 2,000-row follow-up workbook end to end (read, validate, store).

Reports the median wall time of ``ingest.import_bytes`` into a real DuckDB file, and the ratio of
reading the same file with openpyxl (read-only mode, every cell value) to that end-to-end time.
Target: median ≤ 0.3 s and ≥ 5× faster than the openpyxl read. Not a test: it prints figures.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook, load_workbook  # noqa: E402

from naringsdash import ingest, schema  # noqa: E402

ROWS = 2000
RUNS = 9
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


def main() -> None:
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
    med, med_ox, med_rd = statistics.median(times), statistics.median(ox), statistics.median(rd)
    print(f"file: {len(data) / 1024:.0f} KiB, {ROWS} rows × {len(schema.ACTIVITY_COLUMNS)} columns")
    print(f"import end to end (read + validate + store), median of {RUNS}: {med:.3f} s")
    print(f"our read alone (size guards + calamine), median of {RUNS}: {med_rd:.3f} s "
          f"({med_ox / med_rd:.1f}× faster than openpyxl)")
    print(f"openpyxl read only, median of {RUNS}: {med_ox:.3f} s")
    print(f"ingest: rows={ROWS} median_s={med:.3f} openpyxl_ratio={med_ox / med:.1f}")


if __name__ == "__main__":
    main()

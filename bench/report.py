"""Benchmark: the report to kommunstyrelsen as a whole command (``python -m naringsdash report``, the same process
the Rapport page starts as its worker), PDF and Word, on the demo database and on the large one of
``bench/pages.py`` (10 years × 3 periods × 7 förvaltningar × 300 activities, 100 indicators): wall time and the
worker's peak memory. Each is built twice: cold (no chart cache) and warm (the Word document's chart PNGs cached).
Goals (issue 13): ≤ 5 s demo, ≤ 10 s large. Not a test; the last line reads
``report: demo_pdf_s=<s> demo_docx_s=<s> large_pdf_s=<s> large_docx_s=<s> peak_mb=<MB>``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PERIOD = "2026-T2"


def run(db: Path, fmt: str, out: Path) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one report command."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "naringsdash", "report", "--db", str(db), "--period", PERIOD,
                             "--format", fmt, "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"report failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    import pages  # bench/pages.py: build_large

    from naringsdash import demo

    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        dbs = {"demo": tmp / "demo.duckdb", "large": tmp / "large.duckdb"}
        demo.load(dbs["demo"])
        pages.build_large(dbs["large"])
        result, peak = {}, 0.0
        for name, db in dbs.items():
            for fmt in ("pdf", "docx"):
                for kind in ("cold", "warm"):
                    wall, mb = run(db, fmt, tmp / f"{name}.{fmt}")
                    peak = max(peak, mb)
                    print(f"{name:5} {fmt:4} {kind}: {wall:5.1f} s, peak {mb:4.0f} MB, "
                          f"{(tmp / f'{name}.{fmt}').stat().st_size // 1024} kB")
                    result.setdefault(f"{name}_{fmt}_s", wall)  # the cold figure
        print("report: " + " ".join(f"{k}={v:.1f}" for k, v in result.items()) + f" peak_mb={peak:.0f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

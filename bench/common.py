"""Shared by the benchmarks: the large database, a reference file with anonymous reading on, a real
``streamlit run app.py`` on a free loopback port, and reading a process's CPU time.

The large database (scale 1): 10 years × 3 periods × 7 förvaltningar × 300 activities (63,000 activity rows,
210 uploads) and 100 indicators × 20 years (2,000 values). ``scale`` multiplies the activities per upload and
the number of indicators (scale 10: 630,000 activity rows, 20,000 indicator values). The data is
deterministic (fixed seed), so every run and every branch measures the same database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests"):  # the package, and the server start shared with the browser tests
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from naringsdash import config, store  # noqa: E402

import streamlit_server  # noqa: E402

YEARS = range(2017, 2027)
ACTIVITIES = 300
INDICATORS = 100
IND_YEARS = range(2006, 2026)
STATUSES = ["Ej påbörjad", "Pågår", "Pågår", "Pågår", "Försenad", "Klar", "Klar", "Avbruten"]


def large_size(scale: int = 1) -> str:
    """The size of ``build_large(scale)`` in words, for the output."""
    acts = len(YEARS) * 3 * len(config.DEFAULT_FORVALTNINGAR) * ACTIVITIES * scale
    values = INDICATORS * scale * len(IND_YEARS)
    return f"{acts} activities, {values} indicator values"


def build_large(path: Path, scale: int = 1) -> None:
    """Write the large database to ``path`` (a new file) through the store, as uploads would."""
    rng = random.Random(20260630)
    per_upload = ACTIVITIES * scale
    with store.connect(path) as con:
        for year in YEARS:
            for t in (1, 2, 3):
                period = f"{year}-T{t}"
                for kod in config.DEFAULT_FORVALTNINGAR:
                    acts = []
                    for i in range(per_upload):
                        status = rng.choice(STATUSES)
                        start = dt.date(year - 1, 1, 1) + dt.timedelta(days=rng.randrange(700))
                        acts.append({"aktivitet_id": f"{kod}-{i:04d}", "aktivitet": f"Aktivitet {i} för {kod}",
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
        for n in range(INDICATORS * scale):
            level = rng.uniform(10, 1000)
            for ar in IND_YEARS:
                level *= rng.uniform(0.93, 1.08)
                values.append({"indikator": f"Indikator {n:04d}", "malomrade": 1 + n % 6, "enhet": "antal",
                               "riktning": "hogre" if n % 3 else "lagre", "malvarde": round(level * 1.2, 1),
                               "malar": 2030, "kalla": "Bench", "ar": ar, "varde": round(level, 1)})
        store.save_upload(con, kind="indikatorer", forvaltning=None, period=None, user="bench",
                          file_name="indikatorer.xlsx", data=b"indikatorer", activities=[], indicators=values,
                          own_series="Trelleborg")


def bump_data_version(db: Path) -> None:
    """A write that changes the data version, as an upload does (the first visitor afterwards runs cold)."""
    with store.connect(db) as con, store.transaction(con):
        store.bump_data_version(con)


def write_config(folder: Path) -> Path:
    """A copy of the shipped reference file with anonymous reading on and demo mode off (no demo seeding)."""
    text = config.DEFAULT_CONFIG.read_text(encoding="utf-8")
    for key, value in (("anonyma_lasare", "true"), ("demo", "false")):
        text, n = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", text)
        if not n:
            text = text.replace("[installningar]\n", f"[installningar]\n{key} = {value}\n", 1)
    path = folder / "referens.toml"
    path.write_text(text, encoding="utf-8")
    return path


def copy_config(folder: Path) -> Path:
    """The shipped reference file unchanged (the demo's settings: anonymous reading on)."""
    path = folder / "referens.toml"
    shutil.copy(config.DEFAULT_CONFIG, path)
    return path


@contextlib.contextmanager
def serve(db: Path, cfg: Path, timeout_s: float = 90) -> Iterator[tuple[str, subprocess.Popen, float]]:
    """Start ``streamlit run app.py`` on a free loopback port against ``db`` and ``cfg``; yield (base URL,
    process, seconds until /_stcore/health answered). The server is stopped on leaving, whatever happens.
    The same start as the browser tests' (tests/streamlit_server.py)."""
    with streamlit_server.start(db, cfg, timeout_s) as started:
        yield started


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (all its threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a running process in MB: its resident memory now and at its highest, from /proc."""
    vals = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, kb = line.split()[:2]
                vals[key] = int(kb) / 1024
    return vals.get("VmRSS:", 0.0), vals.get("VmHWM:", 0.0)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())

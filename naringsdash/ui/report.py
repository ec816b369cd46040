"""Streamlit glue for the report to kommunstyrelsen: a button per format builds the report in a worker process
(``python -m naringsdash report … --progress``, so the server's memory does not grow with the build) while a
progress bar follows it, then offers the file. Built files are kept per database, data version, day, period and
format (the last few), so a second visitor downloads at once."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from .. import config, report
from ..store import Store
from . import common as ui

log = logging.getLogger(__name__)

FORMATS = {"pdf": ("PDF", ":material/picture_as_pdf:", "För utskick och diarium: arkivbeständig (PDF/A) och "
                                                        "tillgänglig, med diagram. Tar några sekunder."),
           "docx": ("Word", ":material/description:", "Redigerbar text att arbeta vidare med inför nämnden. "
                                                      "Med diagram, tar några sekunder."),
           "xlsx": ("Excel", ":material/table_view:", "Samma uppgifter som tabeller, ett blad per avsnitt.")}
WORKER_TIMEOUT_S = 300
KEEP = 6
ROOT = Path(__file__).resolve().parents[2]  # where the naringsdash package lives: the worker imports it from here

_built: OrderedDict[tuple, bytes] = OrderedDict()
_lock = threading.Lock()


class WorkerError(RuntimeError):
    """The worker failed for a reason that is not the user's (logged; the page shows a general message)."""


def run_worker(period: str, fmt: str, db: Store, today: dt.date, on_progress: Callable[[float, str], None]) -> bytes:
    """Build the report in a separate Python process and return its bytes; ``on_progress(fraction, what)`` follows
    the worker's progress lines. Raises ReportError (message for the user) or WorkerError."""
    with tempfile.TemporaryDirectory(prefix="naringsdash-rapport-") as tmp:
        out, errors = Path(tmp) / f"rapport.{fmt}", Path(tmp) / "fel.txt"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        cmd = [sys.executable, "-m", "naringsdash", "report", "--db", str(db), "--period", period, "--format", fmt,
               "--out", str(out), "--progress", "--today", today.isoformat()]
        with errors.open("w", encoding="utf-8") as err:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True,
                                    encoding="utf-8", errors="replace")
            timer = threading.Timer(WORKER_TIMEOUT_S, proc.kill)
            timer.start()
            try:
                for line in proc.stdout:
                    parts = line.rstrip("\n").split(" ", 2)
                    if len(parts) == 3 and parts[0] == "progress":
                        try:
                            on_progress(min(max(float(parts[1]), 0.0), 1.0), parts[2])
                        except ValueError:
                            pass
                code = proc.wait()
            finally:
                timer.cancel()
                if proc.poll() is None:
                    proc.kill()
        message = errors.read_text(encoding="utf-8", errors="replace").strip()
        if code == 1 and message and "Traceback" not in message:
            raise report.ReportError(message.splitlines()[-1])
        if code != 0 or not out.exists():
            log.error("Rapportens arbetsprocess avslutades med kod %s: %s", code, message[-2000:])
            raise WorkerError(f"exit code {code}")
        return out.read_bytes()


def _get(key: tuple) -> bytes | None:
    with _lock:
        if key in _built:
            _built.move_to_end(key)
            return _built[key]
    return None


def _put(key: tuple, data: bytes) -> None:
    with _lock:
        _built[key] = data
        while len(_built) > KEEP:
            _built.popitem(last=False)


def download(d: ui.Data, period: str, fmt: str) -> None:
    """A button that builds the report in this format (a progress bar while the worker runs), then its download
    button."""
    label, icon, note = FORMATS[fmt]
    st.subheader(label)
    st.caption(note)
    key = (str(d.db), d.version, d.today, period, fmt)
    data = _get(key)
    if data is None:
        if not st.button(f"Skapa {label}", icon=icon, key=f"rapport_skapa_{fmt}"):
            return
        name = config.period_label(period)
        bar = st.progress(0.0, text=f"Skapar {label} för {name} …")
        try:
            data = run_worker(period, fmt, d.db, d.today,
                              lambda fraction, what: bar.progress(fraction, text=f"{label} för {name}: {what}"))
        except report.ReportError as exc:
            bar.empty()
            st.error(str(exc), icon=":material/error:")
            return
        except (WorkerError, OSError):
            bar.empty()
            st.error(f"{label} kunde inte skapas just nu. Försök igen om en stund; kvarstår felet, kontakta "
                     "administratören.", icon=":material/error:")
            return
        bar.empty()
        _put(key, data)
        st.success(f"{label} för {name} är klar.", icon=":material/check_circle:")
    built = data  # the bytes are handed over only after the account is checked again at the click
    st.download_button(f"Ladda ner {label}", data=ui.guarded(lambda: built), file_name=report.file_name(period, fmt),
                       mime=report.MEDIA_TYPES[fmt], icon=":material/download:", type="primary", on_click="ignore",
                       key=f"rapport_ladda_{fmt}")

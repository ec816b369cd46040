"""Read an untrusted workbook in a child process with a memory limit and a time-out.

The guards in ``reader`` refuse every oversized workbook we know of before calamine builds its grid. This is the
defence behind them: whatever a file does to the parser (a Rust allocation failure that aborts, a MemoryError, a
segmentation fault, a loop), it happens in a child process capped at MEMORY_LIMIT bytes of address space and
TIMEOUT_S seconds, so the app and a batch import survive and the user gets a Swedish message.

The parent runs ``python -m naringsdash.ingest.parse_worker LIMIT SECONDS``, writes the file to its stdin and reads the rows
back as a pickle, unpickled with a loader that accepts plain values and datetime types only. Each worker reads one
file and ends; the next one is started as soon as one is taken, so it has done its imports when the next file
comes (an upload does not wait for Python to start).
"""

from __future__ import annotations

import atexit
import io
import logging
import pickle
import resource
import signal
import subprocess
import sys
import threading
from pathlib import Path

import python_calamine  # noqa: F401  (imported by a waiting worker before its file arrives)

from . import cellformats  # noqa: F401  (the same)
from .reader import Workbook, WorkbookError, read_workbook

MEMORY_LIMIT = 1 << 30  # bytes of address space for the child
TIMEOUT_S = 60
MEMORY_MESSAGE = ("Filen kunde inte läsas: den kräver mer minne än tillåtet. Kontrollera att du valt rätt fil "
                  "och att bladet bara innehåller uppföljningen.")
TIMEOUT_MESSAGE = (f"Filen kunde inte läsas: den tog längre tid än tillåtet ({TIMEOUT_S} sekunder). Kontrollera att "
                   "du valt rätt fil och att bladet bara innehåller uppföljningen.")
CRASH_MESSAGE = ("Filen kunde inte läsas: läsaren avbröts. Filen kan vara skadad; spara den på nytt i Excel eller "
                 "LibreOffice och försök igen.")

_ROOT = Path(__file__).resolve().parent.parent.parent  # the folder holding the package
log = logging.getLogger(__name__)


class _Unpickler(pickle.Unpickler):
    """Plain containers and values come without a class; of the classes only the datetime types are allowed."""

    ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta"),
               ("datetime", "timezone")}

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")


_spare: subprocess.Popen | None = None  # a worker started ahead, its imports done, waiting for one file
_spare_lock = threading.Lock()


def _start(memory: int, timeout: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "naringsdash.ingest.parse_worker", str(memory), str(int(timeout))],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=_ROOT)


def _take(memory: int, timeout: float) -> subprocess.Popen:
    """The waiting worker (and start the next one), so an upload does not wait for Python to start."""
    global _spare
    with _spare_lock:
        proc = _spare if _spare is not None and _spare.args[3:5] == [str(memory), str(int(timeout))] else None
        if _spare is not None and proc is None:
            _discard(_spare)
        _spare = _start(memory, timeout)
        return proc if proc is not None else _start(memory, timeout)


def _discard(proc: subprocess.Popen) -> None:
    """An unused worker reads an empty file, answers and ends."""
    try:
        proc.communicate(timeout=5)
    except Exception:
        proc.kill()
        proc.wait()


@atexit.register
def _close_spare() -> None:
    global _spare
    with _spare_lock:
        if _spare is not None:
            _discard(_spare)
            _spare = None


def read_untrusted(data: bytes, *, memory: int = MEMORY_LIMIT, timeout: float = TIMEOUT_S) -> Workbook:
    """``reader.read_workbook`` in a child process; raises WorkbookError with a Swedish message."""
    proc = _take(memory, timeout)
    try:
        stdout, stderr_b = proc.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.communicate()
        log.warning("workbook parser timed out after %s s", timeout)
        raise WorkbookError(TIMEOUT_MESSAGE) from exc
    if proc.returncode == 0:
        try:
            reply = _Unpickler(io.BytesIO(stdout)).load()
        except Exception as exc:
            log.warning("workbook parser reply unreadable: %s", exc)
            raise WorkbookError(CRASH_MESSAGE) from exc
        if reply[0] == "ok":
            return Workbook(sheets=reply[1], format=reply[2], formats=reply[3])
        if reply[0] == "error":
            raise WorkbookError(reply[1])
        raise WorkbookError(MEMORY_MESSAGE)
    stderr = stderr_b.decode("utf-8", "replace")
    log.warning("workbook parser ended with %s: %s", proc.returncode, stderr[-2000:])
    if proc.returncode in (-signal.SIGABRT, -signal.SIGKILL, 134, 137) or "memory allocation" in stderr \
            or "MemoryError" in stderr:
        raise WorkbookError(MEMORY_MESSAGE)
    if proc.returncode == -signal.SIGXCPU:
        raise WorkbookError(TIMEOUT_MESSAGE)
    raise WorkbookError(CRASH_MESSAGE)


def _child(memory: int, cpu_seconds: int) -> int:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))  # even if the parent is gone
    out = sys.stdout.buffer
    try:
        data = sys.stdin.buffer.read()
        try:
            wb = read_workbook(data)
            reply = pickle.dumps(("ok", wb.sheets, wb.format, wb.formats), protocol=pickle.HIGHEST_PROTOCOL)
        except WorkbookError as exc:
            reply = pickle.dumps(("error", str(exc)))
        del data
    except MemoryError:
        reply = pickle.dumps(("memory",))
    out.write(reply)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1]), int(sys.argv[2]) + 5))

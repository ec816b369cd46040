"""Read an untrusted workbook in a child process with a memory limit and a time-out.

The guards in ``reader`` refuse every oversized workbook we know of before calamine builds its grid. This is the
defence behind them: whatever a file does to the parser (a Rust allocation failure that aborts, a MemoryError, a
segmentation fault, a loop), it happens in a child process capped at MEMORY_LIMIT bytes of address space and
TIMEOUT_S seconds, so the app and a batch import survive and the user gets a Swedish message.

The parent runs ``python -m naringsdash.ingest.parse_worker LIMIT SECONDS`` and sends it files on its stdin,
each length-prefixed; each answer (the rows as a pickle) comes back the same way and is unpickled with a loader
that accepts plain values and datetime types only. Every file gets the same memory cap and a fresh CPU-time
allowance in the worker, and a wall-clock limit in the parent.

Workers are reused: a worker holds nothing between files (it reads one, answers and waits), so after a file it
waits for the next one, whoever sends it, and an upload does not wait for Python to start and load calamine. Up
to MAX_IDLE workers wait; two files at the same moment each get their own. A file that crashes its worker, makes
it run out of memory or time costs that worker only: it is killed and the next file starts a new one.

A batch (``with batch():``, the import command) keeps one worker for all its files, started when the block
begins (its imports run while the command loads its own), and ends it with the block.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import io
import logging
import os
import pickle
import resource
import selectors
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

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


_idle: dict[tuple[int, float], list[_Server]] = {}  # limits → workers waiting for their next file
_idle_lock = threading.Lock()
MAX_IDLE = 2  # workers kept between files (two uploads at the same moment both find one)


def read_untrusted(data: bytes, *, memory: int = MEMORY_LIMIT, timeout: float = TIMEOUT_S) -> Workbook:
    """``reader.read_workbook`` in a child process; raises WorkbookError with a Swedish message."""
    server = _batch.get()
    if server is not None and server.limits == (memory, timeout):
        return server.read(data)
    server = _take((memory, timeout))
    try:
        return server.read(data)
    finally:
        _give_back(server)


def _take(limits: tuple[int, float]) -> _Server:
    """A waiting worker with these limits, or a new one (started by its first ``read``)."""
    with _idle_lock:
        waiting = _idle.get(limits)
        if waiting:
            return waiting.pop()
    return _Server(*limits)


def _give_back(server: _Server) -> None:
    """Keep a live worker for the next file; a dead one (crash, time-out) is not kept, the next file starts anew."""
    if server.proc is not None and server.proc.poll() is None:
        with _idle_lock:
            waiting = _idle.setdefault(server.limits, [])
            if len(waiting) < MAX_IDLE:
                waiting.append(server)
                return
    server.close()


def warm(*, memory: int = MEMORY_LIMIT, timeout: float = TIMEOUT_S) -> None:
    """Start a worker ahead (its imports done) so the first upload does not wait for Python to start."""
    server = _Server(memory, timeout)
    server._start()
    _give_back(server)


@atexit.register
def _close_idle() -> None:
    with _idle_lock:
        servers = [s for waiting in _idle.values() for s in waiting]
        _idle.clear()
    for server in servers:
        server.close()


def _workbook(reply_bytes: bytes) -> Workbook:
    """The worker's answer → the workbook, or its WorkbookError."""
    try:
        reply = _Unpickler(io.BytesIO(reply_bytes)).load()
    except Exception as exc:
        log.warning("workbook parser reply unreadable: %s", exc)
        raise WorkbookError(CRASH_MESSAGE) from exc
    if reply[0] == "ok":
        return Workbook(sheets=reply[1], format=reply[2], formats=reply[3])
    if reply[0] == "error":
        raise WorkbookError(reply[1])
    raise WorkbookError(MEMORY_MESSAGE)


def _crashed(returncode: int | None, stderr_b: bytes) -> WorkbookError:
    """The error for a worker that ended without an answer."""
    stderr = stderr_b.decode("utf-8", "replace")
    log.warning("workbook parser ended with %s: %s", returncode, stderr[-2000:])
    if returncode in (-signal.SIGABRT, -signal.SIGKILL, 134, 137) or "memory allocation" in stderr \
            or "MemoryError" in stderr:
        return WorkbookError(MEMORY_MESSAGE)
    if returncode == -signal.SIGXCPU:
        return WorkbookError(TIMEOUT_MESSAGE)
    return WorkbookError(CRASH_MESSAGE)


# --- The worker: one file after the other ------------------------------------------------

_HEADER = struct.Struct("!Q")


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    """The worker's stdin or stdout: always a pipe (see _Server._start)."""
    if stream is None:
        raise RuntimeError("the workbook parser runs without pipes")
    return stream


class _Server:
    """A worker that reads one file after the other (``python -m …parse_worker LIMIT SECONDS``), started on
    first use and again after it died or ran out of time."""

    def __init__(self, memory: int, timeout: float):
        self.limits = (memory, timeout)
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        memory, timeout = self.limits
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-m", "naringsdash.ingest.parse_worker", str(memory),
                                      str(int(timeout))], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, cwd=_ROOT, bufsize=0)
        return self.proc

    def read(self, data: bytes) -> Workbook:
        proc = self.proc if self.proc is not None and self.proc.poll() is None else self._start()
        deadline = time.monotonic() + self.limits[1]
        try:
            _pipe(proc.stdin).write(_HEADER.pack(len(data)) + data)
            header = self._read_exactly(proc, _HEADER.size, deadline)
            reply = self._read_exactly(proc, _HEADER.unpack(header)[0], deadline)
        except TimeoutError as exc:
            self.close(kill=True)
            log.warning("workbook parser timed out after %s s", self.limits[1])
            raise WorkbookError(TIMEOUT_MESSAGE) from exc
        except (EOFError, OSError) as exc:  # the worker died reading this file: it alone is lost
            proc.kill()
            proc.wait()
            self.stderr.seek(0)
            error = _crashed(proc.returncode, self.stderr.read())
            self.close()
            raise error from exc
        return _workbook(reply)

    @staticmethod
    def _read_exactly(proc: subprocess.Popen[bytes], n: int, deadline: float) -> bytes:
        out = bytearray()
        fd = _pipe(proc.stdout).fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while len(out) < n:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise TimeoutError
                block = os.read(fd, min(n - len(out), 1 << 20))
                if not block:
                    raise EOFError
                out += block
        return bytes(out)

    def close(self, kill: bool = False) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if kill:
            proc.kill()
        else:
            with contextlib.suppress(OSError):
                _pipe(proc.stdin).close()  # end of the batch: the worker ends
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for f in (_pipe(proc.stdin), _pipe(proc.stdout), self.stderr):
            with contextlib.suppress(OSError):
                f.close()


_batch: contextvars.ContextVar[_Server | None] = contextvars.ContextVar("naringsdash_parse_batch", default=None)


@contextlib.contextmanager
def batch(*, memory: int = MEMORY_LIMIT, timeout: float = TIMEOUT_S):
    """``with batch():`` every ``read_untrusted`` in the block uses one worker, started right away."""
    server = _Server(memory, timeout)
    server._start()
    token = _batch.set(server)
    try:
        yield server
    finally:
        _batch.reset(token)
        server.close()


def _serve(memory: int, cpu_seconds: int) -> int:
    """The worker: length-prefixed files in, length-prefixed answers out, until stdin ends. Each file gets
    ``cpu_seconds`` more of CPU time (the parent also keeps a wall-clock limit per file)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    while True:
        header = inp.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return 0
        used = resource.getrusage(resource.RUSAGE_SELF)
        limit = int(used.ru_utime + used.ru_stime) + cpu_seconds
        resource.setrlimit(resource.RLIMIT_CPU, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
        reply = _answer(inp.read(_HEADER.unpack(header)[0]))
        out.write(_HEADER.pack(len(reply)) + reply)
        out.flush()


def _answer(data: bytes) -> bytes:
    try:
        try:
            wb = read_workbook(data)
            return pickle.dumps(("ok", wb.sheets, wb.format, wb.formats), protocol=pickle.HIGHEST_PROTOCOL)
        except WorkbookError as exc:
            return pickle.dumps(("error", str(exc)))
    except MemoryError:
        return pickle.dumps(("memory",))


if __name__ == "__main__":
    # A waiting worker does its imports before its file arrives (the parent process does not need them).
    import python_calamine  # noqa: F401

    from . import cellformats  # noqa: F401

    sys.exit(_serve(int(sys.argv[1]), int(sys.argv[2]) + 5))

"""An HTTP request that ends on time: a wall-clock limit for the whole request, and a cancel event.

``urllib``'s ``timeout`` bounds each socket operation, not the request: a server that sends a byte every few
seconds keeps a request going for ever, and a thread blocked in ``recv`` cannot be told to stop. Here a
watchdog shuts the request's socket down when the time is up or ``cancel`` is set; that wakes the blocked
read at once, and the request raises ``TimeoutError`` or ``Cancelled``. (Name resolution happens before
there is a socket and is left to the system's resolver.)
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.request
from contextlib import contextmanager
from typing import Iterator

POLL_S = 0.05  # how quickly a cancel is noticed


class Cancelled(Exception):
    """The request was cancelled by its caller."""


class _Watch:
    """Shuts down the request's sockets when the deadline passes or the cancel event is set."""

    def __init__(self, seconds: float, cancel: threading.Event | None):
        self.deadline = time.monotonic() + seconds
        self.cancel = cancel
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.fired: str | None = None  # "timeout" | "cancelled"
        self.thread = threading.Thread(target=self._run, name="netfetch-watch", daemon=True)

    def attach(self, sock: socket.socket) -> socket.socket:
        with self.lock:
            self.sockets.append(sock)
            if self.fired:
                _shut(sock)
        return sock

    def _run(self) -> None:
        while True:
            if self.cancel is not None and self.cancel.is_set():
                reason = "cancelled"
            elif time.monotonic() >= self.deadline:
                reason = "timeout"
            else:
                left = self.deadline - time.monotonic()
                if self.done.wait(min(left, POLL_S) if self.cancel is not None else left):
                    return
                continue
            with self.lock:
                if self.done.is_set():
                    return
                self.fired = reason
                for s in self.sockets:
                    _shut(s)
            return

    def stop(self) -> None:
        with self.lock:
            self.done.set()

    def check(self) -> None:
        if self.fired == "cancelled":
            raise Cancelled()
        if self.fired == "timeout":
            raise TimeoutError("the request took longer than its time limit")


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _watched(cls, watch: _Watch):
    class Watched(cls):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = lambda *a, **k: watch.attach(socket.create_connection(*a, **k))

    return Watched


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, watch: _Watch):
        super().__init__()
        self.watch = watch

    def http_open(self, req):
        return self.do_open(_watched(http.client.HTTPConnection, self.watch), req)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, watch: _Watch):
        super().__init__()
        self.watch = watch

    def https_open(self, req):
        return self.do_open(_watched(http.client.HTTPSConnection, self.watch), req, context=self._context)


@contextmanager
def urlopen(req: urllib.request.Request | str, timeout: float,
            cancel: threading.Event | None = None) -> Iterator[http.client.HTTPResponse]:
    """``urllib.request.urlopen`` whose whole request, the reading of the answer inside the ``with`` block
    included, ends within ``timeout`` seconds (``TimeoutError``) or soon after ``cancel`` is set
    (``Cancelled``). HTTP errors raise ``urllib.error.HTTPError`` as usual."""
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    watch = _Watch(timeout, cancel)
    opener = urllib.request.build_opener(_HTTP(watch), _HTTPS(watch))
    watch.thread.start()
    try:
        with opener.open(req, timeout=timeout) as resp:
            yield resp
    except Exception:
        watch.stop()
        watch.check()  # a shut socket shows up as any kind of error: say what happened
        raise
    finally:
        watch.stop()
    watch.check()  # a body cut short by the watchdog may look complete

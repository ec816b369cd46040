"""Kolada against a server that does not answer, or answers a byte at a time: every request ends within its
stated time-out (attempts × time-out + pauses), and a fetch can be cancelled from another thread."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from naringsdash import kolada, store
from naringsdash.kolada import netfetch
from naringsdash.store import queries

SLACK_S = 0.6  # thread start-up and scheduling on a busy machine


class Unanswering:
    """A local server that accepts connections and then says nothing (``mode="silent"``), or sends an answer
    one byte every 0.1 s, in its status line and headers (``"headers"``) or in its body (``"body"``)."""

    def __init__(self, mode: str = "silent"):
        self.mode = mode
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v3"
        self.stop = threading.Event()
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            trickle = {"silent": b"", "headers": head + b"X-Slow: " + b"a" * 600,
                       "body": head + b"Content-Length: 1000\r\n\r\n" + b" " * 1000}[self.mode]
            if self.mode == "body":
                conn.sendall(trickle[:len(head) + 24])
                trickle = trickle[len(head) + 24:]
            for i in range(len(trickle)):  # at most 60 s (an unbounded client would take that long)
                if self.stop.wait(0.1):
                    return
                try:
                    conn.sendall(trickle[i:i + 1])
                except OSError:
                    return
            self.stop.wait(60)

    def close(self):
        self.stop.set()
        self.sock.close()


@pytest.fixture
def server(request):
    s = Unanswering(getattr(request, "param", "silent"))
    yield s
    s.close()


@pytest.mark.parametrize("server", ["silent", "headers", "body"], indirect=True)
def test_request_ends_within_its_stated_time_out(server):
    client = kolada.Client(server.url, timeout=0.5, attempts=2, backoff=0.05)
    assert client.max_seconds() == pytest.approx(1.05)
    start = time.monotonic()
    with pytest.raises(kolada.KoladaError) as err:
        client.get_json(server.url + "/kpi/N00999")
    took = time.monotonic() - start
    assert str(err.value) == "Kolada svarade inte inom tidsgränsen (0,5 s), efter 2 försök."
    assert 1.0 <= took <= client.max_seconds() + SLACK_S
    assert server.connections == 2


def test_sync_can_be_cancelled_and_writes_nothing(server, db):
    before = queries.export_indicators(db)
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    start = time.monotonic()
    res = kolada.sync(db, years=[2024], url=server.url, cancel=cancel)  # catalogue: 20 s, 3 attempts
    took = time.monotonic() - start
    assert not res.ok and res.message == ("Hämtningen från Kolada avbröts. Inget ändrades; befintliga värden "
                                          "finns kvar.")
    assert took < 0.3 + SLACK_S
    assert queries.export_indicators(db) == before
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM uploads WHERE kind = 'kolada'").fetchall() == [(0,)]


def test_cancel_during_the_pause_between_attempts(server):
    cancel = threading.Event()
    client = kolada.Client(server.url, timeout=0.2, attempts=3, backoff=30.0, cancel=cancel)
    threading.Timer(0.5, cancel.set).start()
    start = time.monotonic()
    with pytest.raises(kolada.KoladaError, match="avbröts"):
        client.get_json(server.url + "/kpi/N00999")
    assert time.monotonic() - start < 0.5 + SLACK_S and server.connections == 1


def test_a_finished_request_is_not_cut_short():
    import http.server

    class Quick(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b'{"values": []}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quick)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{srv.server_port}/v3/kpi/X"
        with netfetch.urlopen(url, 5.0, threading.Event()) as resp:
            assert resp.read() == b'{"values": []}'
        assert kolada.Client(url, timeout=5.0).get_json(url) == {"values": []}
    finally:
        srv.shutdown()
        srv.server_close()

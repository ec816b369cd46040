"""Benchmark: N concurrent sessions against a real ``streamlit run app.py``, over Streamlit's own websocket
protocol, no browser.

What it does:

1. Builds the large database (bench/common.py: 63,000 activity rows, 2,000 indicator values; ``--scale``
   multiplies it) and a reference file with ``anonyma_lasare = true`` (and ``demo = false``), in a temporary
   folder removed at the end.
2. Starts ``streamlit run app.py`` on a free port on 127.0.0.1 (NARINGSDASH_DB / NARINGSDASH_CONFIG point at
   them) and stops it at the end, whatever happens.
3. Each session is one websocket to ``/_stcore/stream`` with the subprotocol ``streamlit`` (what the
   frontend sends in Sec-WebSocket-Protocol), exactly like a browser tab: it sends a ``rerun_script`` BackMsg
   (streamlit.proto.BackMsg_pb2) whose ClientState names the page (``page_name`` = the page's URL path, empty
   for Översikt, the start page) and reads ForwardMsgs until ``script_finished``. One page view = the time
   from sending that request to receiving ``script_finished``. A session makes ``--views`` page views one
   after the other (the first one also creates the session, like opening the page; the next ones are reruns,
   like pressing R or following a link); all sessions start at once, with no think time (the worst case:
   everyone asks at the same moment).
4. Before the measured rounds, one session views every measured page once (the server's first page run:
   imports, the query cache filled; printed as ``first page run``) and another session does so again (not
   counted), so the rounds measure a warm server.
5. For each N in ``--sessions`` (default 1, 10, 30): p50 / p95 / max of the page views, the server's CPU
   seconds per page view (user + system time of the server process from /proc/<pid>/stat, before and after
   the round, divided by the number of views), and the bytes received per view.

A page view that shows an exception, an unknown page or does not finish within ``--timeout`` seconds counts
as an error; any error fails the benchmark (exit 1) after printing what it saw. Everything runs on the
loopback interface; every loop is bounded (views × sessions, a timeout per view).

Run: ``python bench/load.py`` (about a minute on 2 idle cores), options ``--sessions 1,10,30 --views 3
--page oversikt --scale 1``. Not a test. Goal (issue 13): p95 at 30 sessions ≤ 1.5 s for Översikt and ≤ 60 ms
server CPU per page view. The last line reads ``load: n=30 p50_s=<s> p95_s=<s> cpu_ms_per_view=<ms>`` (for
the largest N asked for).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402
from websockets.typing import Subprotocol  # noqa: E402

import common  # noqa: E402

# URL path of each page (empty: the start page, Översikt), as in naringsdash.ui.PAGES.
PAGES = {"oversikt": "", "malomrade": "malomrade", "forsenade": "forsenade", "indikatorer": "indikatorer",
         "inrapportering": "inrapportering", "moteslage": "moteslage", "rapport": "rapport"}


@dataclass
class Round:
    latencies: list[float] = field(default_factory=list)
    bytes: int = 0
    errors: list[str] = field(default_factory=list)
    cpu_s: float = 0.0


def rerun_request(page_name: str, query_string: str = "") -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = query_string
    msg.rerun_script.page_script_hash = ""
    msg.rerun_script.page_name = page_name
    return msg.SerializeToString()


async def page_view(ws, page_name: str, out: Round, timeout: float) -> None:
    """Ask for one run of the page and wait for its script_finished; record the time or the error."""
    t0 = time.perf_counter()
    await ws.send(rerun_request(page_name))
    problems = []
    deadline = t0 + timeout
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            out.errors.append(f"{page_name or 'oversikt'}: no script_finished within {timeout:.0f} s")
            return
        try:
            frame = await asyncio.wait_for(ws.recv(), timeout=left)
        except TimeoutError:
            continue
        out.bytes += len(frame)
        msg = ForwardMsg()
        msg.ParseFromString(frame)
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element" \
                and msg.delta.new_element.WhichOneof("type") == "exception":
            exc = msg.delta.new_element.exception
            problems.append(f"exception {exc.type}: {exc.message[:200]}")
        elif kind == "page_not_found":
            problems.append(f"page not found: {page_name!r}")
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # the run we asked for follows
            elapsed = time.perf_counter() - t0
            if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                problems.append(f"script finished with status {msg.script_finished}")
            if problems:
                out.errors.extend(f"{page_name or 'oversikt'}: {p}" for p in problems)
            else:
                out.latencies.append(elapsed)
            return


async def session(url: str, pages: list[str], views: int, out: Round, timeout: float) -> None:
    try:
        async with connect(url, subprotocols=[Subprotocol("streamlit")], max_size=None, open_timeout=timeout,
                           ping_interval=None) as ws:
            for i in range(views):
                await page_view(ws, pages[i % len(pages)], out, timeout)
    except Exception as exc:  # a refused or dropped connection is an error of this round, not a crash
        out.errors.append(f"session: {type(exc).__name__}: {exc}")


async def run_round(url: str, pages: list[str], n: int, views: int, timeout: float) -> Round:
    out = Round()
    await asyncio.gather(*(session(url, pages, views, out, timeout) for _ in range(n)))
    return out


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1), linear between the nearest ranks."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", default="1,10,30", help="comma-separated numbers of concurrent sessions")
    ap.add_argument("--views", type=int, default=3, help="page views per session (default 3)")
    ap.add_argument("--page", default="oversikt", help="page(s), comma-separated: " + ", ".join(PAGES))
    ap.add_argument("--scale", type=int, default=1, help="size of the large database (1 = 63,000 activities)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds a page view may take before it fails")
    args = ap.parse_args()
    counts = [int(x) for x in args.sessions.split(",") if x.strip()]
    pages = [PAGES[p.strip()] for p in args.page.split(",")]
    if not counts or min(counts) < 1 or max(counts) > 200 or not 1 <= args.views <= 50:
        ap.error("sessions must be 1..200 and views 1..50")

    print(f"load average before: {common.load_average()}")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        tmp = Path(tmp)
        db, cfg = tmp / "large.duckdb", common.write_config(tmp)
        t0 = time.perf_counter()
        common.build_large(db, args.scale)
        print(f"large database built in {time.perf_counter() - t0:.1f} s ({common.large_size(args.scale)})")
        with common.serve(db, cfg) as (base, proc, started_s):
            url = base.replace("http://", "ws://") + "/_stcore/stream"
            print(f"server started in {started_s:.2f} s (pid {proc.pid}, {base})")
            first = asyncio.run(run_round(url, pages, 1, len(pages), args.timeout))  # cold server
            again = asyncio.run(run_round(url, pages, 1, len(pages), args.timeout))  # warm, not counted
            print("first page run on the new server: " + ", ".join(f"{x:.2f} s" for x in first.latencies)
                  + (f"; errors: {first.errors + again.errors}" if first.errors or again.errors else ""))
            results = {}
            for n in counts:
                cpu0 = common.cpu_seconds(proc.pid)
                t0 = time.perf_counter()
                r = asyncio.run(run_round(url, pages, n, args.views, args.timeout))
                wall = time.perf_counter() - t0
                cpu = common.cpu_seconds(proc.pid) - cpu0
                views = len(r.latencies) + len(r.errors)
                results[n] = r
                if r.latencies:
                    lat = sorted(r.latencies)
                    print(f"n={n:<3} views={len(lat):<4} p50_s={pct(lat, .5):.3f} p95_s={pct(lat, .95):.3f} "
                          f"max_s={lat[-1]:.3f} wall_s={wall:.2f} server_cpu_s={cpu:.2f} "
                          f"cpu_ms_per_view={1000 * cpu / max(views, 1):.0f} "
                          f"kB_per_view={r.bytes / 1024 / max(views, 1):.0f} errors={len(r.errors)}")
                for e in r.errors[:5]:
                    print(f"  error: {e}")
                r.cpu_s = cpu
            rss, peak = common.memory_mb(proc.pid)
            print(f"server memory after the rounds: RSS {rss:.0f} MB, peak {peak:.0f} MB")
            print(f"load average after: {common.load_average()}")
    errors = first.errors + again.errors + [e for r in results.values() for e in r.errors]
    n = max(counts)
    r = results[n]
    if errors or not r.latencies:
        print(f"load: FAILED with {len(errors)} errors")
        return 1
    lat = sorted(r.latencies)
    print(f"load: n={n} p50_s={pct(lat, .5):.3f} p95_s={pct(lat, .95):.3f} "
          f"cpu_ms_per_view={1000 * r.cpu_s / (len(lat) + len(r.errors)):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

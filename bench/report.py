"""Benchmark: the report to kommunstyrelsen as PDF and Word, for the demo and the large database, and the
server's memory when the Rapport page builds the PDF.

1. Builds the demo database (``naringsdash.demo.load``) and the large database (bench/common.py) in a
   temporary folder, and takes each one's latest period (what ``python -m naringsdash report`` picks when
   ``--period`` is left out).
2. Each build (demo/large × pdf/docx) runs in a fresh Python process (this file with ``--worker``) that does
   what the CLI ``python -m naringsdash report --period P --format pdf|docx --out F`` does: it calls
   ``naringsdash.report.build(period, fmt, db, timings=...)`` and writes the file. The worker reports the
   build's seconds (the call alone; the figure in the summary line), the chart count and chart-rendering
   seconds from the build's own ``timings``, and its peak memory: ``ru_maxrss`` of the worker itself
   (RUSAGE_SELF) and, separately, of the largest process it waited for (RUSAGE_CHILDREN, e.g. a browser
   Kaleido started, when it reaps it). The parent also prints the process's whole wall time (start-up and
   imports included).
3. Unless ``--server none``: starts ``streamlit run app.py`` on a free loopback port against the demo or the
   large database (``--server large``, the default) with anonymous reading on, opens the Rapport page over
   Streamlit's websocket protocol (as bench/load.py does), presses "Skapa PDF" (a rerun with the button's
   trigger set) and reruns until the page offers "Ladda ner PDF" (bounded by ``--timeout``). It samples the
   server process's resident memory (VmRSS in /proc/<pid>/status) every 0.1 s meanwhile and reports it
   before, right after, and at its highest (also VmHWM, the kernel's high-water mark). If a later version
   builds the report in a worker process, that process is not the server and is not counted here (it is
   what the issue asks for).

Not a test. About 1.5–2.5 minutes on 2 idle cores (``--formats pdf`` or ``--databases demo`` to shorten).
Goals (issue 13): ≤ 5 s demo, ≤ 10 s large, PDF and Word sharing one render; server peak ≤ 400 MB. The last
line reads ``report: demo_pdf_s=… demo_docx_s=… large_pdf_s=… large_docx_s=… peak_mb=… server_peak_mb=…``
(``peak_mb``: the highest RUSAGE_SELF peak of the build processes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import common  # noqa: E402


def worker(db: str, period: str, fmt: str, out: str) -> None:
    """One build, as the CLI does it; prints one JSON line."""
    from naringsdash import report

    timings: dict = {}
    t0 = time.perf_counter()
    data = report.build(period, fmt, db, timings=timings)
    Path(out).write_bytes(data)
    build_s = time.perf_counter() - t0
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"build_s": build_s, "charts": timings.get("charts"), "charts_s": timings.get("charts_s"),
                      "bytes": len(data), "self_mb": self_kb / 1024, "children_mb": child_kb / 1024}))


def run_worker(db: Path, period: str, fmt: str, out: Path, timeout: float) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--worker", str(db), period, fmt, str(out)],
                          cwd=common.ROOT, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"report build failed ({db.name} {fmt}):\n{proc.stderr[-3000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["process_s"] = wall
    return res


# --- The Rapport page in a real server ----------------------------------------------------------------


async def press_until(url: str, page: str, button: str | None, done: str, timeout: float) -> float:
    """Open ``page``, press the button labelled ``button`` and rerun until an element labelled ``done``
    appears; the seconds from the press (``button`` None: only open the page, 0). Raises on an exception on
    the page or the timeout."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    async def run(ws, trigger: str | None = None) -> dict[str, str]:
        msg = BackMsg()
        msg.rerun_script.page_name = page
        if trigger:
            w = msg.rerun_script.widget_states.widgets.add()
            w.id, w.trigger_value = trigger, True
        await ws.send(msg.SerializeToString())
        labels: dict[str, str] = {}
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=max(1.0, deadline - time.monotonic())))
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                t = el.WhichOneof("type")
                if t == "exception":
                    raise RuntimeError(f"exception on the page: {el.exception.type}: {el.exception.message[:300]}")
                if t in ("button", "download_button"):
                    widget = getattr(el, t)
                    labels[widget.label] = widget.id
            elif kind == "script_finished" and fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return labels

    deadline = time.monotonic() + timeout
    async with connect(url, subprotocols=[Subprotocol("streamlit")], max_size=None, ping_interval=None) as ws:
        labels = await run(ws)
        if button is None:
            return 0.0
        target = next((i for label, i in labels.items() if label.startswith(button)), None)
        if target is None:
            raise RuntimeError(f"no button {button!r} on the page (buttons: {list(labels)})")
        t0 = time.perf_counter()
        labels = await run(ws, target)
        while not any(label.startswith(done) for label in labels):
            if time.monotonic() > deadline:
                raise RuntimeError(f"no {done!r} within {timeout:.0f} s")
            await asyncio.sleep(0.5)
            labels = await run(ws)
        return time.perf_counter() - t0


def server_memory(db: Path, cfg: Path, timeout: float) -> dict:
    with common.serve(db, cfg) as (base, proc, _):
        url = base.replace("http://", "ws://") + "/_stcore/stream"
        asyncio.run(press_until(url, "rapport", None, "", timeout))  # the page once, unpressed
        asyncio.run(press_until(url, "rapport", None, "", timeout))
        before, _ = common.memory_mb(proc.pid)
        peak = [before]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.1):
                try:
                    peak[0] = max(peak[0], common.memory_mb(proc.pid)[0])
                except OSError:
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            seconds = asyncio.run(press_until(url, "rapport", "Skapa PDF", "Ladda ner PDF", timeout))
        finally:
            stop.set()
            sampler.join()
        after, hwm = common.memory_mb(proc.pid)
    return {"page_s": seconds, "before_mb": before, "after_mb": after, "peak_mb": max(peak[0], after),
            "hwm_mb": hwm}


def main() -> int:
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--databases", default="demo,large", help="comma-separated: demo, large")
    ap.add_argument("--formats", default="pdf,docx", help="comma-separated: pdf, docx")
    ap.add_argument("--server", default="large", choices=["demo", "large", "none"],
                    help="database for the Rapport-page memory figure (none: skip it)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds one build may take")
    args = ap.parse_args()
    dbs = [x.strip() for x in args.databases.split(",") if x.strip()]
    fmts = [x.strip() for x in args.formats.split(",") if x.strip()]
    if not set(dbs) <= {"demo", "large"} or not set(fmts) <= {"pdf", "docx"}:
        ap.error("databases: demo, large; formats: pdf, docx")

    from naringsdash import demo
    from naringsdash.store import queries

    print(f"load average before: {common.load_average()}")
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        tmp = Path(tmp)
        paths = {"demo": tmp / "demo.duckdb", "large": tmp / "large.duckdb"}
        for name in sorted(set(dbs) | ({args.server} - {"none"})):
            if name == "demo":
                demo.load(paths[name])
            else:
                common.build_large(paths[name])
        for name in dbs:
            period = queries.latest_period(paths[name])
            for fmt in fmts:
                r = run_worker(paths[name], period, fmt, tmp / f"{name}.{fmt}", args.timeout)
                results[f"{name}_{fmt}"] = r
                print(f"{name:<5} {fmt:<4} period={period} build_s={r['build_s']:.2f} process_s={r['process_s']:.2f} "
                      f"charts={r['charts']} charts_s={r['charts_s'] or 0:.2f} size_kB={r['bytes'] // 1024} "
                      f"peak_self_mb={r['self_mb']:.0f} peak_children_mb={r['children_mb']:.0f}")
        server = None
        if args.server != "none":
            server = server_memory(paths[args.server], common.write_config(tmp), args.timeout)
            print(f"server ({args.server}): Rapport page 'Skapa PDF' until 'Ladda ner PDF' {server['page_s']:.2f} s; "
                  f"RSS before {server['before_mb']:.0f} MB, after {server['after_mb']:.0f} MB, "
                  f"peak {server['peak_mb']:.0f} MB (VmHWM {server['hwm_mb']:.0f} MB)")
    print(f"load average after: {common.load_average()}")
    parts = [f"{k}_s={v['build_s']:.2f}" for k, v in results.items()]
    if results:
        parts.append(f"peak_mb={max(v['self_mb'] for v in results.values()):.0f}")
    if server:
        parts.append(f"server_peak_mb={server['hwm_mb']:.0f}")
    print("report: " + " ".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: cold start to the first chart in a real headless Chromium against ``streamlit run app.py``.

1. Builds the large database (bench/common.py; ``--db demo`` for the demo database) and a reference file with
   anonymous reading on, in a temporary folder.
2. Starts Debian's Chromium (/usr/bin/chromium, driven by Playwright; never a downloaded browser) first, with a
   fresh context (empty cache), so its own start is not counted.
3. Starts ``streamlit run app.py`` on a free loopback port (bench/common.py ``serve``) and times it until
   ``/_stcore/health`` answers: ``server_s``.
4. Opens the start page (Översikt) and waits until the first Plotly chart has drawn (an SVG inside
   ``[data-testid="stPlotlyChart"]``): ``browser_total_s`` from the navigation to that moment. Within it,
   ``first_run_s`` is the server's first page run as seen on the websocket: from the first frame the page sends
   (the rerun_script BackMsg) to the ForwardMsg ``script_finished`` (decoded with streamlit.proto); the rest
   (``browser_s`` = browser_total_s − first_run_s) is the browser loading, parsing and drawing.
5. Bytes: every HTTP response's body as the browser received it (``transferred``) and uncompressed
   (``uncompressed``), and the websocket frames received.

``cold_s`` = server_s + browser_total_s, the time from starting the server to the first chart. No reverse
proxy is in front (the deployment guide's proxy with compression would lower the bytes and the browser time).
Not a test; about 20 s. Goal (issue 13): ≤ 2.5 s. The last line reads
``startup: cold_s=<s> server_s=<s> first_run_s=<s> browser_s=<s> MB=<uncompressed MB>``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

import common  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CHART = '[data-testid="stPlotlyChart"] svg.main-svg'


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["large", "demo"], default="large")
    ap.add_argument("--timeout", type=float, default=90, help="seconds to wait for the first chart")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from naringsdash import demo

    print(f"load average before: {common.load_average()}")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        tmp = Path(tmp)
        db, cfg = tmp / f"{args.db}.duckdb", common.write_config(tmp)
        if args.db == "demo":
            demo.load(db)
        else:
            common.build_large(db)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                page = context.new_page()
                responses, ws = [], {"sent": None, "finished": None, "bytes": 0}

                def on_websocket(sock) -> None:
                    def sent(_payload) -> None:
                        if ws["sent"] is None:
                            ws["sent"] = time.perf_counter()

                    def received(payload) -> None:
                        if isinstance(payload, str):
                            return
                        ws["bytes"] += len(payload)
                        if ws["finished"] is None:
                            msg = ForwardMsg()
                            msg.ParseFromString(payload)
                            if msg.WhichOneof("type") == "script_finished" \
                                    and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                                ws["finished"] = time.perf_counter()

                    sock.on("framesent", sent)
                    sock.on("framereceived", received)

                page.on("websocket", on_websocket)
                page.on("requestfinished", lambda req: responses.append(req))
                with common.serve(db, cfg) as (base, _proc, server_s):
                    t0 = time.perf_counter()
                    page.goto(base + "/", wait_until="commit")
                    page.wait_for_selector(CHART, timeout=args.timeout * 1000)
                    total = time.perf_counter() - t0
                    transferred = uncompressed = 0
                    for req in responses:
                        transferred += max(req.sizes()["responseBodySize"], 0)
                        resp = req.response()
                        try:
                            uncompressed += len(resp.body()) if resp else 0
                        except Exception:  # a body the browser no longer holds: count what came over the wire
                            uncompressed += max(req.sizes()["responseBodySize"], 0)
            finally:
                browser.close()
    if ws["sent"] is None or ws["finished"] is None:
        print("startup: FAILED (no script_finished seen on the websocket)")
        return 1
    first_run = ws["finished"] - ws["sent"]
    browser_s = total - first_run
    print(f"server start {server_s:.2f} s; in the browser until the first chart {total:.2f} s, of which the first "
          f"page run {first_run:.2f} s (websocket) and {browser_s:.2f} s the browser")
    print(f"{len(responses)} HTTP responses: {transferred / 1e6:.2f} MB transferred, {uncompressed / 1e6:.2f} MB "
          f"uncompressed; websocket {ws['bytes'] / 1e6:.2f} MB received")
    print(f"load average after: {common.load_average()}")
    print(f"startup: cold_s={server_s + total:.2f} server_s={server_s:.2f} first_run_s={first_run:.2f} "
          f"browser_s={browser_s:.2f} MB={(uncompressed + ws['bytes']) / 1e6:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

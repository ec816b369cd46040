"""Benchmark: cold start to the first chart in a real headless Chromium, through the deployment guide's reverse
proxy (deploy/nginx.conf) and without it.

1. Builds the large database (bench/common.py; ``--db demo`` for the demo database) and a reference file with
   anonymous reading on, in a temporary folder; for the proxy, a self-signed certificate and Streamlit's web files
   prepared by ``deploy/static-files.sh`` (copied and pre-compressed, as the deployment guide says).
2. Starts Debian's Chromium (/usr/bin/chromium, driven by Playwright; never a downloaded browser) once, before any
   clock; every run gets a fresh context (empty cache).
3. Per run, modes interleaved (``--mode both``: proxy, direct, proxy, direct, …):
   - proxy: Debian's nginx (/usr/sbin/nginx, unprivileged, not a daemon, from the temporary folder, on free
     loopback ports) runs deploy/nginx.conf itself with its ports, certificate, upstream and web-file folder
     replaced, as tests/test_proxy.py does; it is started before the clock (in a deployment it is always up).
     The browser speaks HTTPS (HTTP/2) to nginx.
   - direct: the browser talks to Streamlit's own server.
   Timed phases: ``server_s`` a new ``streamlit run app.py`` (as deploy/naringsdash.service runs it,
   ``--server.scriptHealthCheckEnabled true``) until ``/_stcore/health`` answers; ``warm_s`` the service's warm-up
   (its ExecStartPost: one GET of ``/_stcore/script-health-check``, which runs app.py once; ``--no-warmup`` skips
   it, as before issue 13); then the visit: from the navigation until the first Plotly chart has drawn (an SVG
   inside ``[data-testid="stPlotlyChart"]``), ``visit_s``. Within the visit, ``first_run_s`` is the page run as
   seen on the websocket (first frame the page sends → ForwardMsg ``script_finished``, decoded with
   streamlit.proto) and ``browser_s`` = visit_s − first_run_s is the browser loading, parsing and drawing.
   After the visit, three new sessions over the websocket alone (bench/load.py's client) ask for the same page:
   their median run, ``later_run_s``, is what the first visitor's run takes once everything is warm.
4. Bytes: every HTTP response's body as it came over the wire (``transferred``, compressed where the server
   compressed it) and uncompressed, and the websocket frames received; the page runs the visit caused. CPU:
   the app process's and nginx's (master and workers, /proc) CPU time during the visit, ``app_cpu_ms`` and
   ``nginx_cpu_ms``: the work of serving one cold visit, far less sensitive to a busy machine than the clock.

``cold_s`` = server_s + warm_s + visit_s: from starting the service to the first chart for a visitor who arrives
the moment the service is up. Medians over ``--runs`` runs per mode. Not a test; about 1 min with 3 runs.
Goal (issue 13): ≤ 2.5 s with the proxy. The last line is the proxy's (``startup_direct: …`` comes before it):
``startup: cold_s=<s> server_s=<s> warm_s=<s> first_run_s=<s> browser_s=<s> MB=<uncompressed MB>
transferred_MB=<MB> app_cpu_ms=<ms> nginx_cpu_ms=<ms> proxy=1``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

import common  # noqa: E402
import streamlit_server  # noqa: E402  (tests/: the free port helper shared with the browser tests)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CHART = '[data-testid="stPlotlyChart"] svg.main-svg'
NGINX = "/usr/sbin/nginx"
SITE = common.ROOT / "deploy" / "nginx.conf"
STATIC_FILES = common.ROOT / "deploy" / "static-files.sh"
WEB_ROOT = "/opt/naringsdash/web"  # deploy/nginx.conf's folder of web files (deploy/static-files.sh)


def site_config(site: str, upstream: int, https: int, http: int, cert: Path, key: Path, web: Path) -> str:
    """The deployment's site file on loopback ports, with this run's certificate, app and web files."""
    for old, new, required in [
            (r"server 127\.0\.0\.1:8501;", f"server 127.0.0.1:{upstream};", True),
            (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;", True),
            (r"listen 80;", f"listen 127.0.0.1:{http};", True),
            (r"\n\s*listen \[::\]:\d+[^;]*;", "", False),
            (r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", True),
            (r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", True),
            (re.escape(WEB_ROOT), str(web), False)]:  # a config from before issue 13 has no web-file folder
        site, n = re.subn(old, new, site)
        if required and not n:
            raise SystemExit(f"{SITE}: {old!r} not found")
    return site


def main_config(tmp: Path, site: str) -> str:
    temp = "\n".join(f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                          "scgi"))
    # Debian's /etc/nginx/nginx.conf (the http context the site file is included in) has sendfile and tcp_nopush on.
    return f"""daemon off;
{"user root;" if os.geteuid() == 0 else ""}
worker_processes auto;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    access_log off;
{temp}
{site}
}}
"""


@contextmanager
def nginx(tmp: Path, site: str, upstream: int, cert: Path, key: Path, web: Path) -> Iterator[str]:
    """deploy/nginx.conf in front of 127.0.0.1:``upstream``; yields its HTTPS base URL."""
    https, http = streamlit_server.free_port(), streamlit_server.free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(main_config(tmp, site_config(site, upstream, https, http, cert, key, web)), encoding="utf-8")
    args = [NGINX, "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "error.log")]
    check = subprocess.run(args + ["-t"], capture_output=True, text=True)
    if check.returncode:
        raise SystemExit("nginx -t: " + check.stderr)
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not (tmp / "nginx.pid").exists() or not _listening(https):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("nginx did not start: " + (tmp / "error.log").read_text(errors="replace"))
            time.sleep(0.05)
        yield f"https://127.0.0.1:{https}", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        (tmp / "nginx.pid").unlink(missing_ok=True)


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (nginx: the master and its workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return common.cpu_seconds(pid) + sum(tree_cpu_seconds(int(c)) for c in children)


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def visit(browser, url: str, timeout_s: float) -> dict:
    """One visit with an empty cache until the first chart: seconds, the page run on the websocket, bytes."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, ignore_https_errors=True,
                                  locale="sv-SE")
    try:
        page = context.new_page()
        responses, ws = [], {"sent": None, "finished": None, "bytes": 0, "runs": 0}

        def on_websocket(sock) -> None:
            def sent(_payload) -> None:
                if ws["sent"] is None:
                    ws["sent"] = time.perf_counter()

            def received(payload) -> None:
                if isinstance(payload, str):
                    return
                ws["bytes"] += len(payload)
                msg = ForwardMsg()
                msg.ParseFromString(payload)
                if msg.WhichOneof("type") == "script_finished" \
                        and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    ws["runs"] += 1
                    if ws["finished"] is None:
                        ws["finished"] = time.perf_counter()

            sock.on("framesent", sent)
            sock.on("framereceived", received)

        page.on("websocket", on_websocket)
        page.on("requestfinished", lambda req: responses.append(req))
        t0 = time.perf_counter()
        page.goto(url + "/", wait_until="commit")
        page.wait_for_selector(CHART, timeout=timeout_s * 1000)
        total = time.perf_counter() - t0
        transferred = uncompressed = 0
        for req in responses:
            wire = max(req.sizes()["responseBodySize"], 0)
            transferred += wire
            resp = req.response()
            try:
                uncompressed += len(resp.body()) if resp else 0
            except Exception:  # a body the browser no longer holds: count what came over the wire
                uncompressed += wire
    finally:
        context.close()
    if ws["sent"] is None or ws["finished"] is None:
        raise SystemExit("startup: FAILED (no script_finished seen on the websocket)")
    first_run = ws["finished"] - ws["sent"]
    return {"visit_s": total, "first_run_s": first_run, "browser_s": total - first_run, "responses": len(responses),
            "transferred": transferred + ws["bytes"], "uncompressed": uncompressed + ws["bytes"],
            "ws": ws["bytes"], "runs": ws["runs"]}


def later_runs(base: str, timeout_s: float, n: int = 3) -> float:
    """Median page run of ``n`` later new sessions (websocket only, as bench/load.py): what the first visitor's run
    would take had everything been warm."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import load

    out = load.Round()
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API keeps an event loop running in this thread
        for _ in range(n):
            pool.submit(asyncio.run, load.session(url, [""], 1, out, timeout_s)).result()
    if out.errors:
        raise SystemExit("startup: later page runs failed: " + "; ".join(out.errors))
    return statistics.median(out.latencies)


def warm_up(base: str) -> float:
    """The service's ExecStartPost: one run of app.py through /_stcore/script-health-check."""
    t0 = time.perf_counter()
    with urllib.request.urlopen(base + "/_stcore/script-health-check", timeout=120) as r:
        r.read()
    return time.perf_counter() - t0


def one_run(browser, tmp: Path, db: Path, cfg: Path, proxy: dict | None, warmup: bool, timeout_s: float) -> dict:
    # A new server process per run: nothing of the previous run is loaded or cached (the database file is reused).
    os.environ["STREAMLIT_SERVER_SCRIPT_HEALTH_CHECK_ENABLED"] = "true"  # as deploy/naringsdash.service
    # CPU seconds of the app's process and of nginx during the visit: less sensitive to a busy machine than the
    # clock, they show where the work of serving the page goes.
    with common.serve(db, cfg) as (base, server, server_s):
        warm_s = warm_up(base) if warmup else 0.0
        if proxy is None:
            app_cpu = common.cpu_seconds(server.pid)
            result = visit(browser, base, timeout_s)
            app_cpu, nginx_cpu = common.cpu_seconds(server.pid) - app_cpu, 0.0
            later = later_runs(base, timeout_s)
        else:
            upstream = int(base.rsplit(":", 1)[1])
            with nginx(tmp, proxy["site"], upstream, proxy["cert"], proxy["key"], proxy["web"]) as (url, ngx):
                app_cpu, nginx_cpu = common.cpu_seconds(server.pid), tree_cpu_seconds(ngx.pid)
                result = visit(browser, url, timeout_s)
                app_cpu = common.cpu_seconds(server.pid) - app_cpu
                nginx_cpu = tree_cpu_seconds(ngx.pid) - nginx_cpu
        later = later_runs(base, timeout_s)
    # nginx is started before the visit but after the server (it needs the server's port); its start is not timed.
    return {**result, "server_s": server_s, "warm_s": warm_s, "cold_s": server_s + warm_s + result["visit_s"],
            "app_cpu_s": app_cpu, "nginx_cpu_s": nginx_cpu, "later_run_s": later}


def report(name: str, runs: list[dict]) -> str:
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"{name}: {len(runs)} runs; cold " + ", ".join(f"{r['cold_s']:.2f}" for r in runs) + " s")
    print(f"  median: server start {med['server_s']:.2f} s, warm-up {med['warm_s']:.2f} s, visit {med['visit_s']:.2f} s "
          f"= first page run {med['first_run_s']:.2f} s (websocket) + browser {med['browser_s']:.2f} s; "
          f"page runs in the visit {med['runs']:.0f}; a later new session's page run {med['later_run_s']:.2f} s")
    print(f"  {med['responses']:.0f} HTTP responses + websocket: {med['transferred'] / 1e6:.2f} MB transferred, "
          f"{med['uncompressed'] / 1e6:.2f} MB uncompressed (websocket {med['ws'] / 1e6:.3f} MB)")
    print(f"  CPU during the visit: app process {med['app_cpu_s'] * 1000:.0f} ms, nginx {med['nginx_cpu_s'] * 1000:.0f} ms")
    return (f"cold_s={med['cold_s']:.2f} server_s={med['server_s']:.2f} warm_s={med['warm_s']:.2f} "
            f"first_run_s={med['first_run_s']:.2f} browser_s={med['browser_s']:.2f} MB={med['uncompressed'] / 1e6:.1f} "
            f"transferred_MB={med['transferred'] / 1e6:.1f} app_cpu_ms={med['app_cpu_s'] * 1000:.0f} "
            f"nginx_cpu_ms={med['nginx_cpu_s'] * 1000:.0f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=["large", "demo"], default="large")
    ap.add_argument("--mode", choices=["both", "proxy", "direct"], default="both",
                    help="proxy: deploy/nginx.conf in front (the goal's setup); direct: Streamlit's server alone")
    ap.add_argument("--runs", type=int, default=3, help="runs per mode (median)")
    ap.add_argument("--warmup", action=argparse.BooleanOptionalAction, default=True,
                    help="the service's warm-up before the visit (deploy/naringsdash.service's ExecStartPost)")
    ap.add_argument("--nginx-conf", type=Path, default=SITE,
                    help="site file to put in front (default deploy/nginx.conf; e.g. an older version to compare)")
    ap.add_argument("--timeout", type=float, default=90, help="seconds to wait for the first chart")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from naringsdash import demo

    modes = ["proxy", "direct"] if args.mode == "both" else [args.mode]
    if "proxy" in modes and not Path(NGINX).exists():
        raise SystemExit(f"{NGINX} missing (apt-get install nginx)")
    print(f"load average before: {common.load_average()}")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        tmp = Path(tmp)
        db, cfg = tmp / f"{args.db}.duckdb", common.write_config(tmp)
        if args.db == "demo":
            demo.load(db)
        else:
            common.build_large(db)
        proxy = None
        if "proxy" in modes:
            cert, key, web = tmp / "cert.pem", tmp / "key.pem", tmp / "web"
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                            str(cert), "-days", "2", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
            subprocess.run(["sh", str(STATIC_FILES), sys.executable, str(web)], check=True)
            proxy = {"site": args.nginx_conf.read_text(encoding="utf-8"), "cert": cert, "key": key, "web": web}
        results: dict[str, list[dict]] = {m: [] for m in modes}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for i in range(args.runs):
                    for mode in modes:
                        r = one_run(browser, tmp, db, cfg, proxy if mode == "proxy" else None, args.warmup,
                                    args.timeout)
                        results[mode].append(r)
                        print(f"run {i + 1} {mode}: cold {r['cold_s']:.2f} s (server {r['server_s']:.2f}, warm-up "
                              f"{r['warm_s']:.2f}, first run {r['first_run_s']:.2f} (later {r['later_run_s']:.2f}), browser {r['browser_s']:.2f}; "
                              f"CPU app {r['app_cpu_s'] * 1000:.0f} ms, nginx {r['nginx_cpu_s'] * 1000:.0f} ms); "
                              f"load {common.load_average()}", flush=True)
            finally:
                browser.close()
    lines = {mode: report(mode if mode == "direct" else f"proxy ({args.nginx_conf})", results[mode])
             for mode in modes}
    print(f"load average after: {common.load_average()}")
    if "direct" in lines:
        print(f"startup_direct: {lines['direct']} proxy=0")
    if "proxy" in lines:
        print(f"startup: {lines['proxy']} proxy=1")
    return 0


if __name__ == "__main__":
    sys.exit(main())

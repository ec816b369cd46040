"""A real `streamlit run app.py` on 127.0.0.1 for the browser tests and the benchmarks, and the Chromium they drive."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_port() -> int:
    """In a test run, each pytest worker's own port while it is free, else any free port. The servers a worker
    starts one after the other then share an origin, so its browser keeps Streamlit's web files (and their compiled
    code) in its cache from one server to the next instead of loading and compiling ~9 MB again for each."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if "PYTEST_CURRENT_TEST" not in os.environ:
        return free_port()
    port = 47_300 + (int(worker[2:]) + 1 if worker.startswith("gw") and worker[2:].isdigit() else 0)
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds it
        try:
            s.bind(("127.0.0.1", port))
        except OSError:  # this worker's server is still up (a second server at once), or the port is taken
            return free_port()
    return port


def wait_until_up(url: str, proc: subprocess.Popen, log_path: Path, timeout_s: float, what: str) -> None:
    """Poll ``url`` until it answers 200; raise with the end of the process's log if it dies or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start:\n" + log_path.read_text(errors="replace")[-4000:])
        time.sleep(0.05)


@contextlib.contextmanager
def process(args: list[str], url: str, log_path: Path, timeout_s: float, what: str, *,
            env: dict | None = None) -> Iterator[tuple[subprocess.Popen, float]]:
    """Start ``args`` (output to ``log_path``), wait until ``url`` answers; yield (process, seconds until it did).
    The process is stopped on leaving, whatever happens."""
    t0 = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(url, proc, log_path, timeout_s, what)
            yield proc, time.perf_counter() - t0
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def start(db: Path, config: Path, timeout_s: float = 90, *, port: int | None = None,
          secrets: Path | None = None) -> Iterator[tuple[str, subprocess.Popen, float]]:
    """Start the app on the worker's port if free, else a free port (or ``port``), against this database and reference file; yield (base URL,
    process, seconds until /_stcore/health answered). ``secrets``: the app's secrets file (e.g. ``[auth]`` for
    single sign-on) instead of ``.streamlit/secrets.toml``."""
    port = port or worker_port()
    env = {**os.environ, "NARINGSDASH_DB": str(db), "NARINGSDASH_CONFIG": str(config)}
    args = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
    base = f"http://127.0.0.1:{port}"
    with process(args + (["--secrets.files", str(secrets)] if secrets else []), base + "/_stcore/health",
                 db.parent / f"streamlit-{port}.log", timeout_s, "streamlit", env=env) as (proc, seconds):
        yield base, proc, seconds


@contextlib.contextmanager
def serve(db: Path, config: Path, timeout_s: float = 90, *, port: int | None = None,
          secrets: Path | None = None) -> Iterator[str]:
    """``start`` for the tests: yield only the base URL."""
    with start(db, config, timeout_s, port=port, secrets=secrets) as (base, _proc, _seconds):
        yield base


# True once the app's script has finished and nothing in the page has changed for `quiet` ms (charts included).
# A MutationObserver, installed on the first call in a page, notes the time of the last change.
SETTLED = """(quiet) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (!window.__ndChanged) {
    window.__ndChanged = {at: performance.now()};
    new MutationObserver(() => { window.__ndChanged.at = performance.now(); })
      .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  }
  return app.getAttribute('data-test-script-state') === 'notRunning'
    && performance.now() - window.__ndChanged.at >= quiet;
}"""


def wait_for_app(page, timeout_ms: int = 30_000, quiet_ms: int = 300) -> None:
    """Wait until the script run has finished and the page has settled: the script is not running and the page has
    not changed for ``quiet_ms`` (a rerun that a click asked for starts well within that; charts have their size)."""
    page.wait_for_function(SETTLED, arg=quiet_ms, timeout=timeout_ms, polling=100)

"""A real `streamlit run app.py` on 127.0.0.1 for the browser tests, and the Chromium they drive."""

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


@contextlib.contextmanager
def serve(db: Path, config: Path, timeout_s: float = 60, *, port: int | None = None,
          secrets: Path | None = None) -> Iterator[str]:
    """Start the app on a free port (or ``port``) against this database and reference file; yield its base URL.
    ``secrets``: the app's secrets file (e.g. ``[auth]`` for single sign-on) instead of ``.streamlit/secrets.toml``."""
    port = port or free_port()
    env = {**os.environ, "NARINGSDASH_DB": str(db), "NARINGSDASH_CONFIG": str(config)}
    log = open(db.parent / f"streamlit-{port}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"] + (["--secrets.files", str(secrets)] if secrets else []),
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError("streamlit did not start:\n" + (db.parent / f"streamlit-{port}.log").read_text())
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def wait_for_app(page, timeout_ms: int = 30_000) -> None:
    """Wait until the script run has finished and the page has settled."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    page.wait_for_timeout(400)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)

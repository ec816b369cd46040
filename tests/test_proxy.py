"""deploy/nginx.conf in front of a real `streamlit run`: Debian's nginx on loopback (not a daemon) with a
self-signed certificate and Streamlit's web files prepared by deploy/static-files.sh, as the deployment guide
says: the headers, /_stcore/metrics blocked, gzip (pre-compressed web files with a year's cache, the app's own
answers compressed on the way), lang="sv", and a page that renders through the proxy in headless Chromium
(websocket included)."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from naringsdash import config

from conftest import ROOT
from streamlit_server import CHROMIUM, free_port, serve, wait_for_app

NGINX = Path("/usr/sbin/nginx")
WEB_ROOT = "/opt/naringsdash/web"  # deploy/nginx.conf's folder of web files, filled by deploy/static-files.sh
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not NGINX.exists(), reason="/usr/sbin/nginx saknas: `make test` installerar nginx"),
              pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium saknas")]


def site_config(upstream: int, https: int, http: int, cert: Path, key: Path, web: Path) -> str:
    """deploy/nginx.conf itself, on loopback ports with the test's certificate, app and web files."""
    site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    for old, new in [(r"server 127\.0\.0\.1:8501;", f"server 127.0.0.1:{upstream};"),
                     (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
                     (r"listen 80;", f"listen 127.0.0.1:{http};"),
                     (r"\n\s*listen \[::\]:\d+[^;]*;", ""),
                     (r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};"),
                     (r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};"),
                     (re.escape(f"root {WEB_ROOT};"), f"root {web};")]:
        site, n = re.subn(old, new, site)
        assert n >= 1, old
    return site


def main_config(tmp: Path, site: str) -> str:
    temp = "\n".join(f"    {kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                          "scgi"))
    return f"""daemon off;
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp / "access.log"};
{temp}
{site}
}}
"""


@pytest.fixture(scope="module")
def proxy(tmp_path_factory, _demo_db_master):
    tmp = tmp_path_factory.mktemp("proxy")
    db, cfg = tmp / "demo.duckdb", tmp / "referens.toml"
    shutil.copy(_demo_db_master, db)
    shutil.copy(config.DEFAULT_CONFIG, cfg)
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    web = tmp / "web"  # the deployment's step, run as the guide says: copied and pre-compressed
    subprocess.run(["sh", str(ROOT / "deploy" / "static-files.sh"), sys.executable, str(web)], check=True)
    with serve(db, cfg) as base:
        upstream = int(base.rsplit(":", 1)[1])
        https, http = free_port(), free_port()
        conf = tmp / "nginx.conf"
        conf.write_text(main_config(tmp, site_config(upstream, https, http, cert, key, web)), encoding="utf-8")
        check = subprocess.run([str(NGINX), "-t", "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "error.log")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        proc = subprocess.Popen([str(NGINX), "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "error.log")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"https://127.0.0.1:{https}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    fetch(url + "/_stcore/health")
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("nginx did not start: " + (tmp / "error.log").read_text()) from None
                    time.sleep(0.1)
            yield url, base, http, web
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def fetch(url: str, **headers):
    """(status, headers, body) without following redirects; the self-signed certificate accepted."""
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ctx), NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


def test_security_headers_and_swedish_page(proxy):
    url, *_ = proxy
    status, headers, body = fetch(url + "/")
    assert status == 200
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert "nginx/" not in headers.get("Server", "")
    assert b'<html lang="sv">' in body and b'lang="en"' not in body


def test_metrics_blocked_through_the_proxy_only(proxy):
    url, direct, *_ = proxy
    assert fetch(direct + "/_stcore/metrics")[0] == 200  # it exists behind the proxy …
    for path in ("/_stcore/metrics", "/_stcore//metrics", "/_stcore/%6detrics", "/_stcore/metrics?x=1",
                 "//_stcore/metrics"):
        status, headers, _ = fetch(url + path)
        assert status == 404, path  # … and is not reachable through it
        assert headers["X-Frame-Options"] == "DENY"


def main_bundle(url: str) -> str:
    """The path of Streamlit's main JavaScript bundle, as the page names it."""
    _, _, html = fetch(url + "/")
    return re.search(rb'<script[^>]+src="\.?/?(static/js/[^"]+\.js)"', html).group(1).decode()


def test_web_files_precompressed_with_a_years_cache_and_http_redirects(proxy):
    url, direct, http, web = proxy
    script = main_bundle(url)
    status, headers, body = fetch(f"{url}/{script}", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    # deploy/static-files.sh's .gz, sent as is (not compressed per request), and the app's very bundle inside
    assert body == (web / script).with_name(Path(script).name + ".gz").read_bytes()
    assert gzip.decompress(body) == fetch(f"{direct}/{script}")[2]
    assert len(body) * 3 < len(gzip.decompress(body))
    assert int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1)) >= 365 * 24 * 3600
    assert headers["Vary"] == "Accept-Encoding"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    status, headers, body = fetch(f"{url}/{script}")  # a client that does not take gzip gets the file itself
    assert status == 200 and "Content-Encoding" not in headers and body == (web / script).read_bytes()
    status, headers, _ = fetch(f"http://127.0.0.1:{http}/historik")
    assert status == 301 and headers["Location"].startswith("https://")


def test_a_web_file_missing_on_disk_comes_from_the_app(proxy, tmp_path):
    url, direct, _, web = proxy
    css = next((web / "static" / "css").glob("*.css"))
    path = f"static/css/{css.name}"
    moved = [(f, tmp_path / f.name) for f in (css, css.with_name(css.name + ".gz"))]
    for on_disk, aside in moved:  # as after an upgrade without deploy/static-files.sh
        on_disk.rename(aside)
    try:
        status, headers, body = fetch(f"{url}/{path}", **{"Accept-Encoding": "gzip"})
        assert status == 200 and gzip.decompress(body) == fetch(f"{direct}/{path}")[2] == moved[0][1].read_bytes()
        assert headers["Content-Encoding"] == "gzip"  # compressed by nginx on the way
        assert headers["X-Content-Type-Options"] == "nosniff"
    finally:
        for on_disk, aside in moved:
            aside.rename(on_disk)


def test_the_apps_own_answers_are_compressed(proxy):
    url, *_ = proxy
    status, headers, body = fetch(url + "/", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert b'<html lang="sv">' in gzip.decompress(body)  # sub_filter still sees the app's plain answer


def test_page_renders_through_the_proxy_with_the_websocket(proxy, browser):
    url, *_ = proxy
    ctx = browser.new_context(ignore_https_errors=True, locale="sv-SE")
    try:
        page = ctx.new_page()
        sockets, responses = [], []
        page.on("websocket", lambda ws: sockets.append(ws))
        page.on("response", lambda r: responses.append(r))
        page.goto(url + "/")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text().strip()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.evaluate("document.documentElement.lang") == "sv"
        assert [s.url for s in sockets] == [url.replace("https", "wss") + "/_stcore/stream"]
        assert not sockets[0].is_closed()
        # the browser's own requests (HTTP/2) get the main bundle pre-compressed
        bundle = next(r for r in responses if r.url == f"{url}/{main_bundle(url)}")
        assert bundle.status == 200 and bundle.header_value("content-encoding") == "gzip"
    finally:
        ctx.close()

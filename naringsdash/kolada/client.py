"""The Kolada v3 HTTP client: plain urllib, time-outs, a few attempts with back-off, paging followed.

The API shape it relies on is described in ``naringsdash.kolada`` (the package docstring).
"""

from __future__ import annotations

import http.client
import itertools
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

from .. import errors
from ..wording import format_number
from . import netfetch

DEFAULT_URL = "https://api.kolada.se/v3"
ENV_URL = "NARINGSDASH_KOLADA_URL"
MAX_IDS = 25  # Kolada refuses longer id and year lists
MAX_PAGES = 1000
MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = "Naringsdash/1.0 (uppfoljning av naringslivsarbetet)"

Progress = Callable[[float, str], None]

CANCELLED = "Hämtningen från Kolada avbröts."


class KoladaError(errors.UserError):
    """Kolada could not be reached or answered something unusable; the message is Swedish."""


def _seconds(s: float) -> str:
    return format_number(s, 0 if float(s).is_integer() else 1) + " s"


class Client:
    """A small Kolada v3 client: time-outs, a few attempts with back-off, paging followed.

    ``timeout`` limits each attempt as a whole (however slowly the server sends), so one request ends within
    ``max_seconds()``; setting ``cancel`` ends it within a fraction of a second."""

    def __init__(self, url: str = DEFAULT_URL, *, timeout: float = 20.0, attempts: int = 3, backoff: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep, cancel: threading.Event | None = None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.sleep = sleep
        self.cancel = cancel
        self.requests = 0

    def _pause(self, attempt: int) -> float:
        return min(self.backoff * 2 ** (attempt - 1), 30.0)

    def max_seconds(self) -> float:
        """The longest one request can take: every attempt's time-out and the pauses between them."""
        return self.attempts * self.timeout + sum(self._pause(a) for a in range(1, self.attempts))

    def get_json(self, url: str) -> dict:
        """One GET with retries on network errors, time-outs, 429 and 5xx; KoladaError when all fail."""
        last = ""
        for attempt in range(self.attempts):
            if attempt and self.cancel is not None and self.cancel.wait(self._pause(attempt)):
                raise KoladaError(CANCELLED)
            if attempt and self.cancel is None:
                self.sleep(self._pause(attempt))
            self.requests += 1
            req = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
            try:
                with netfetch.urlopen(req, self.timeout, self.cancel) as resp:
                    body = resp.read(MAX_BYTES + 1)
            except netfetch.Cancelled:
                raise KoladaError(CANCELLED) from None
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code == 429 or exc.code >= 500:
                    last = f"Kolada svarade med fel {exc.code}"
                    continue
                raise KoladaError(f"Kolada svarade med fel {exc.code} på {_path(url)}"
                                  f"{': adressen eller nyckeltalet finns inte' if exc.code == 404 else ''}.") from None
            except (TimeoutError, socket.timeout):
                last = f"Kolada svarade inte inom tidsgränsen ({_seconds(self.timeout)})"
                continue
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                    last = f"Kolada svarade inte inom tidsgränsen ({_seconds(self.timeout)})"
                else:
                    last = f"Kolada kunde inte nås ({_reason(exc.reason)})"
                continue
            except (OSError, http.client.HTTPException) as exc:
                last = f"Kolada kunde inte nås ({_reason(exc)})"
                continue
            if len(body) > MAX_BYTES:
                raise KoladaError("Kolada svarade med mer data än väntat; avbryter.")
            try:
                data = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise KoladaError(f"Kolada svarade med något som inte är JSON på {_path(url)}.") from None
            if not isinstance(data, dict) or not isinstance(data.get("values", []), list):
                raise KoladaError(f"Kolada svarade i ett okänt format på {_path(url)}.")
            return data
        raise KoladaError(f"{last}, efter {self.attempts} försök.")

    def _next(self, body: dict, current: str) -> str | None:
        link = body.get("next_page") or body.get("next_url")
        if not link or not body.get("values"):
            return None
        nxt = urlsplit(urljoin(current, str(link)))
        base = urlsplit(self.url)
        if nxt.hostname != base.hostname:
            raise KoladaError(f"Kolada pekade nästa sida till en annan adress ({nxt.hostname}); avbryter.")
        # Kolada's links are absolute and may name another scheme or port than the one configured.
        return urlunsplit((base.scheme, base.netloc, nxt.path, nxt.query, ""))

    def pages(self, path: str) -> Iterator[dict]:
        """Every page of a listing, following the next-page link."""
        url: str | None = self.url + path
        seen: set[str] = set()
        while url:
            if url in seen or len(seen) >= MAX_PAGES:
                raise KoladaError("Kolada pekade tillbaka till en sida som redan hämtats; avbryter.")
            seen.add(url)
            body = self.get_json(url)
            yield body
            url = self._next(body, url)

    def kpis(self, ids: Iterable[str]) -> list[dict]:
        """KPI metadata for the ids (batches of 25)."""
        out = []
        for chunk in _chunks(list(ids)):
            for page in self.pages("/kpi/" + ",".join(chunk)):
                out.extend(page.get("values", []))
        return out

    def data(self, kpis: list[str], municipalities: list[str], years: list[int],
             on_request: Callable[[int, int], None] | None = None) -> list[dict]:
        """Values for every KPI × municipality × year, all pages (lists split into batches of 25)."""
        combos = list(itertools.product(_chunks(kpis), _chunks(municipalities), _chunks([str(y) for y in years])))
        out = []
        for i, (k, m, y) in enumerate(combos, start=1):
            for page in self.pages(f"/data/kpi/{','.join(k)}/municipality/{','.join(m)}/year/{','.join(y)}"):
                out.extend(page.get("values", []))
            if on_request:
                on_request(i, len(combos))
        return out


def _reason(exc: object) -> str:
    """A network failure in Swedish words."""
    if isinstance(exc, ConnectionRefusedError):
        return "anslutningen nekades"
    if isinstance(exc, socket.gaierror):
        return "adressen hittades inte; saknas nätverk?"
    if isinstance(exc, (ConnectionResetError, http.client.RemoteDisconnected, http.client.IncompleteRead)):
        return "anslutningen bröts"
    if isinstance(exc, OSError) and "ssl" in type(exc).__name__.lower():
        return f"säker anslutning misslyckades: {exc}"
    return str(exc) or type(exc).__name__


def _chunks(items: list, size: int = MAX_IDS) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _path(url: str) -> str:
    return urlsplit(url).path or url


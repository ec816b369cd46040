"""Indicators from Kolada, RKA's open database of municipal key figures (read-only JSON API, v3).

``sync()`` fetches the KPIs in the reference data's catalogue (``[kolada]`` in ``referens.toml``) for
Trelleborg, riket (``0000``) and a group of similar kommuner, and stores them as one upload of kind
``kolada`` in the same indicator tables as workbook indicators: a later sync is a newer version, the
earlier values stay in the history. Nothing is written unless every request succeeded.

The client is plain ``urllib`` (no extra dependency). The API shape it relies on, as documented in
Kolada's API documentation (github.com/Hypergene/kolada, linked from kolada.se) and seen in public
v3 clients:

- ``GET {base}/kpi/{id,id,…}`` → ``{"count": n, "values": [{"id", "title", …}]}``
- ``GET {base}/data/kpi/{ids}/municipality/{ids}/year/{years}`` →
  ``{"count": n, "values": [{"kpi", "municipality", "period",
  "values": [{"gender": "T|K|M", "status": str, "value": float|null, "count": int}]}],
  "next_page": url}`` — the next page's full URL is in ``next_page`` (v3 clients also see ``next_url``;
  both are followed). At most 25 ids per list; ``T`` is the total over genders.

The base URL is the ``NARINGSDASH_KOLADA_URL`` environment variable, else ``[kolada] url``, else
``https://api.kolada.se/v3``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import itertools
import json
import math
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

from . import netfetch, store
from .config import Reference, load_reference
from .text import format_number

DEFAULT_URL = "https://api.kolada.se/v3"
ENV_URL = "NARINGSDASH_KOLADA_URL"
OWN_SERIES = "Trelleborg"  # the schema's own series; comparison series are named in the catalogue
MAX_IDS = 25  # Kolada refuses longer id and year lists
MAX_PAGES = 1000
MAX_BYTES = 50 * 1024 * 1024
USER_AGENT = "Naringsdash/1.0 (uppfoljning av naringslivsarbetet)"
RIKTNINGAR = ("hogre", "lagre")

Progress = Callable[[float, str], None]


CANCELLED = "Hämtningen från Kolada avbröts."


class KoladaError(Exception):
    """Kolada could not be reached or answered something unusable; the message is Swedish."""


# --- Catalogue (reference data) ---------------------------------------------------------------------

@dataclass(frozen=True)
class KpiSpec:
    id: str
    indikator: str
    malomrade: int
    riktning: str
    enhet: str | None = None
    malvarde: float | None = None
    malar: int | None = None
    titel_kolada: str | None = None  # the title as verified; a trailing "…" marks a verified prefix


@dataclass(frozen=True)
class Catalogue:
    kpis: tuple[KpiSpec, ...]
    url: str = DEFAULT_URL
    kommun: str = "1287"
    riket: str = "0000"
    riket_namn: str = "Riket"
    liknande_namn: str = "Liknande kommuner"
    liknande_kommuner: tuple[str, ...] = ()
    liknande_grupp: str | None = None
    ar_fran: int = 2015
    timeout_s: float = 20.0
    forsok: int = 3
    vanta_s: float = 1.0

    @property
    def municipalities(self) -> list[str]:
        ids = [self.kommun, self.riket, *([self.liknande_grupp] if self.liknande_grupp else self.liknande_kommuner)]
        return list(dict.fromkeys(ids))


def _number(value, what: str, cast=float):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise KoladaError(f"Fel i Kolada-katalogen: {what} ska vara ett tal, inte {value!r}.")
    try:
        return cast(value)
    except (TypeError, ValueError):
        raise KoladaError(f"Fel i Kolada-katalogen: {what} ska vara ett tal, inte {value!r}.") from None


def catalogue(ref: Reference | None = None) -> Catalogue:
    """The ``[kolada]`` part of the reference data, checked; KoladaError (Swedish) on a bad entry."""
    ref = ref or load_reference()
    raw = ref.settings.get("kolada")
    if not isinstance(raw, dict) or not raw.get("kpi"):
        raise KoladaError("Referensdata saknar en Kolada-katalog ([kolada] med minst ett [[kolada.kpi]]).")
    kpis = []
    for i, k in enumerate(raw["kpi"], start=1):
        kid = str(k.get("id") or "").strip().upper()
        if not kid:
            raise KoladaError(f"Fel i Kolada-katalogen: nyckeltal {i} saknar id.")
        mal = ref.malomrade_nr(k.get("malomrade"))
        if mal is None:
            raise KoladaError(f"Fel i Kolada-katalogen: {kid} har okänt målområde {k.get('malomrade')!r}.")
        riktning = str(k.get("riktning") or "").strip().lower().replace("ö", "o").replace("ä", "a")
        riktning = {"hogre ar battre": "hogre", "lagre ar battre": "lagre"}.get(riktning, riktning)
        if riktning not in RIKTNINGAR:
            raise KoladaError(f"Fel i Kolada-katalogen: {kid} har riktning {k.get('riktning')!r} "
                              "(väntade \"hogre\" eller \"lagre\").")
        kpis.append(KpiSpec(id=kid, indikator=str(k.get("indikator") or k.get("titel_kolada") or kid).strip(),
                            malomrade=mal, riktning=riktning, enhet=(str(k["enhet"]) if k.get("enhet") else None),
                            malvarde=_number(k.get("malvarde"), f"målvärde för {kid}"),
                            malar=_number(k.get("malar"), f"målår för {kid}", int),
                            titel_kolada=k.get("titel_kolada")))
    if len({k.id for k in kpis}) != len(kpis):
        raise KoladaError("Fel i Kolada-katalogen: samma nyckeltal finns flera gånger.")
    if len({k.indikator for k in kpis}) != len(kpis):
        raise KoladaError("Fel i Kolada-katalogen: två nyckeltal har samma indikatornamn.")
    grupp = str(raw.get("liknande_grupp") or "").strip() or None
    return Catalogue(
        kpis=tuple(kpis), url=str(raw.get("url") or DEFAULT_URL), kommun=str(raw.get("kommun") or "1287"),
        riket=str(raw.get("riket") or "0000"), riket_namn=str(raw.get("riket_namn") or "Riket"),
        liknande_namn=str(raw.get("liknande_namn") or "Liknande kommuner"),
        liknande_kommuner=tuple(str(m) for m in raw.get("liknande_kommuner") or ()), liknande_grupp=grupp,
        ar_fran=_number(raw.get("ar_fran"), "ar_fran", int) or 2015,
        timeout_s=_number(raw.get("timeout_s"), "timeout_s") or 20.0,
        forsok=max(1, _number(raw.get("forsok"), "forsok", int) or 3),
        vanta_s=_number(raw.get("vanta_s"), "vanta_s") if raw.get("vanta_s") is not None else 1.0)


def base_url(cat: Catalogue | None = None, explicit: str | None = None) -> str:
    """Explicit URL, else NARINGSDASH_KOLADA_URL, else the catalogue's, else Kolada's own."""
    return (explicit or os.environ.get(ENV_URL) or (cat.url if cat else None) or DEFAULT_URL).rstrip("/")


# --- The client -------------------------------------------------------------------------------------

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


# --- From Kolada's answer to indicator rows -----------------------------------------------------------

def _total(entry: dict) -> tuple[float, str | None] | None:
    """The total (gender T) value of one data entry and its status; None when there is no value."""
    values = entry.get("values") or []
    pick = [v for v in values if v.get("gender") == "T"] or [v for v in values if v.get("gender") in (None, "")]
    if not pick or pick[0].get("value") is None:
        return None
    try:
        value = float(pick[0]["value"])
    except (TypeError, ValueError):
        return None
    if not math.isfinite(value):
        return None
    return value, (str(pick[0].get("status") or "").strip() or None)


def build_rows(cat: Catalogue, data: list[dict], specs: Iterable[KpiSpec], fetched_at: dt.datetime | None
               ) -> list[dict]:
    """Indicator rows (store.save_upload's shape) for the own series, riket and similar kommuner."""
    specs = {s.id: s for s in specs}
    totals: dict[tuple[str, str, int], tuple[float, str | None]] = {}
    for entry in data:
        kid, muni = str(entry.get("kpi") or "").upper(), str(entry.get("municipality") or "")
        try:
            year = int(entry.get("period"))
        except (TypeError, ValueError):
            continue
        got = _total(entry)
        if kid in specs and got is not None:
            totals[(kid, muni, year)] = got
    series: dict[tuple[str, str, int], tuple[float, str | None, str]] = {}
    for (kid, muni, year), (value, status) in totals.items():
        name = {cat.kommun: OWN_SERIES, cat.riket: cat.riket_namn, cat.liknande_grupp: cat.liknande_namn}.get(muni)
        if name:
            series[(kid, name, year)] = (value, status, f"Kolada {kid}")
    if not cat.liknande_grupp and cat.liknande_kommuner:
        # Unweighted mean over the member kommuner that have a value, as Kolada's own groups do, when at
        # least half of them have one. Kolada's terms: a processing of its data must not name Kolada as source.
        need = math.ceil(len(cat.liknande_kommuner) / 2)
        for kid, year in {(k, y) for (k, m, y) in totals if m in cat.liknande_kommuner}:
            got = [totals[(kid, m, year)] for m in cat.liknande_kommuner if (kid, m, year) in totals]
            if len(got) >= need:
                statuses = sorted({s for _, s in got if s})
                series[(kid, cat.liknande_namn, year)] = (
                    round(sum(v for v, _ in got) / len(got), 6), ", ".join(statuses) or None,
                    f"Egen beräkning: ovägt medelvärde av {len(got)} kommuner, data från Kolada {kid}")
    rows = []
    for (kid, serie, year), (value, status, kalla) in sorted(series.items()):
        s = specs[kid]
        rows.append({"indikator": s.indikator, "malomrade": s.malomrade, "enhet": s.enhet, "riktning": s.riktning,
                     "malvarde": s.malvarde, "malar": s.malar, "kalla": kalla, "ar": year,
                     "varde": value, "serie": serie, "kpi": kid, "fetched_at": fetched_at,
                     "kolada_status": status})
    return rows


def check_metadata(specs: Iterable[KpiSpec], meta: list[dict]) -> tuple[list[KpiSpec], list[str]]:
    """The specs Kolada knows, and Swedish warnings for unknown ids and changed titles."""
    titles = {str(m.get("id") or "").upper(): str(m.get("title") or "") for m in meta}
    known, warnings = [], []
    for s in specs:
        if s.id not in titles:
            warnings.append(f"Kolada känner inte till nyckeltalet {s.id} ({s.indikator}); det hoppades över.")
            continue
        known.append(s)
        want = (s.titel_kolada or "").strip()
        prefix = want.endswith("…")
        want = want.rstrip("…").strip()
        got = titles[s.id].strip()
        if want and not (got.startswith(want) if prefix else got == want):
            warnings.append(f"Kolada kallar nu {s.id} \"{got}\" (katalogen: \"{s.titel_kolada}\"); "
                            "kontrollera att nyckeltalet mäter samma sak.")
    return known, warnings


# --- Sync -------------------------------------------------------------------------------------------

@dataclass
class SyncResult:
    ok: bool
    message: str
    upload_id: int | None = None
    identical: bool = False
    values: int = 0
    series: dict[str, int] = field(default_factory=dict)
    kpis: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fetched_at: dt.datetime | None = None

    def as_json(self) -> dict:
        return {"ok": self.ok, "message": self.message, "upload_id": self.upload_id, "identical": self.identical,
                "values": self.values, "series": self.series, "kpis": self.kpis, "years": self.years,
                "warnings": self.warnings,
                "fetched_at": self.fetched_at.isoformat(timespec="seconds") if self.fetched_at else None}


UNCHANGED = "Inget ändrades; befintliga värden finns kvar."


def default_years(cat: Catalogue, today: dt.date | None = None) -> list[int]:
    return list(range(cat.ar_fran, (today or dt.date.today()).year + 1))


def sync(db=None, years: Iterable[int] | None = None, progress: Progress | None = None, *,
         ref: Reference | None = None, url: str | None = None, user: str = "Kolada",
         client: Client | None = None, cancel: threading.Event | None = None) -> SyncResult:
    """Fetch the catalogue's KPIs from Kolada and store them as one upload; on any failure nothing is written.

    ``progress(fraction, text)`` is called as the work goes on (0.0 … 1.0), e.g. for a progress bar. Setting
    ``cancel`` (from another thread) ends the fetch within a fraction of a second, nothing written.
    """
    report = progress or (lambda fraction, text: None)
    try:
        cat = catalogue(ref)
    except KoladaError as exc:
        return SyncResult(ok=False, message=f"{exc} {UNCHANGED}")
    years = sorted({int(y) for y in (years if years is not None else default_years(cat))})
    result = SyncResult(ok=False, message="", years=years)
    if not years:
        result.message = f"Inga år att hämta. {UNCHANGED}"
        return result
    client = client or Client(base_url(cat, url), timeout=cat.timeout_s, attempts=cat.forsok, backoff=cat.vanta_s,
                              cancel=cancel)
    fetched_at = dt.datetime.now().replace(microsecond=0)
    try:
        report(0.0, "Hämtar nyckeltalens beskrivningar från Kolada …")
        meta = client.kpis([k.id for k in cat.kpis])
        specs, result.warnings = check_metadata(cat.kpis, meta)
        result.kpis = [s.id for s in specs]
        report(0.1, f"Hämtar värden för {len(specs)} nyckeltal, {years[0]}–{years[-1]} …")
        data = client.data(result.kpis, cat.municipalities, years,
                           lambda i, n: report(0.1 + 0.8 * i / n, f"Hämtar värden från Kolada ({i} av {n}) …")
                           ) if specs else []
    except KoladaError as exc:
        result.message = f"{exc} {UNCHANGED}"
        return result
    rows = build_rows(cat, data, specs, fetched_at)
    result.fetched_at = fetched_at
    if not rows:
        report(1.0, "Klart: Kolada gav inga värden.")
        result.ok = True
        result.message = f"Kolada gav inga värden för {years[0]}–{years[-1]}. {UNCHANGED}"
        return result
    if cancel is not None and cancel.is_set():
        result.message = f"{CANCELLED} {UNCHANGED}"
        return result
    report(0.9, "Sparar …")
    payload = _payload(meta, data, rows, years, cat)
    try:
        with store.connect(db) as con:
            upload_id, identical = store.save_upload(
                con, kind="kolada", forvaltning=None, period=None, user=user,
                file_name=f"kolada-{fetched_at:%Y-%m-%d}.json", data=payload, activities=[], indicators=rows,
                uploaded_at=fetched_at)
            _mark_checked(con, fetched_at)
    except store.DatabaseBusy as exc:
        result.message = f"{exc} {UNCHANGED}"
        return result
    result.ok, result.upload_id, result.identical = True, upload_id, identical
    result.values = len(rows)
    for r in rows:
        result.series[r["serie"]] = result.series.get(r["serie"], 0) + 1
    result.message = (f"Kolada: {len(result.kpis)} nyckeltal, {len(rows)} värden ({', '.join(result.series)}); "
                      + (f"samma som förra hämtningen (uppladdning {upload_id}), ingen ny version."
                         if identical else f"sparade som uppladdning {upload_id}."))
    report(1.0, "Klart.")
    return result


def _payload(meta: list[dict], data: list[dict], rows: list[dict], years: list[int], cat: Catalogue) -> bytes:
    """What was fetched and what it became, as canonical JSON: the upload's file and its hash.

    The fetch time is left out, so an unchanged answer gives an identical upload (no new version)."""
    doc = {"kalla": "Kolada", "kommuner": cat.municipalities, "ar": years,
           "kpi": sorted(meta, key=lambda m: str(m.get("id"))),
           "data": sorted(data, key=lambda d: (str(d.get("kpi")), str(d.get("municipality")), str(d.get("period")))),
           "rader": [{k: v for k, v in r.items() if k != "fetched_at"} for r in rows]}
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def _mark_checked(con, when: dt.datetime) -> None:
    with store.transaction(con):
        con.execute("INSERT OR REPLACE INTO meta VALUES ('kolada_checked_at', ?)", [when.isoformat(timespec="seconds")])
        store.bump_data_version(con)


def last_checked(db=None) -> dt.datetime | None:
    """When Kolada was last fetched successfully (also when nothing had changed)."""
    with store.connect(db) as con:
        row = con.execute("SELECT value FROM meta WHERE key = 'kolada_checked_at'").fetchone()
    return dt.datetime.fromisoformat(row[0]) if row else None


def fetched(db=None):
    """Per Kolada indicator and series: KPI id, source, years and when its current values were fetched."""
    with store.connect(db) as con:
        return con.execute(store.sql("kolada_fetched")).df()


# --- Command line -----------------------------------------------------------------------------------

def parse_years(value: str) -> list[int]:
    """``2015-2025`` (or ``2015–2025``, ``2020``, ``2018,2020``) → the years; ValueError otherwise."""
    s = value.strip().replace("–", "-").replace("—", "-").replace(" ", "")
    years: set[int] = set()
    for part in filter(None, s.split(",")):
        a, _, b = part.partition("-")
        if not a.isdigit() or (b and not b.isdigit()):
            raise ValueError(value)
        lo, hi = int(a), int(b or a)
        if not (1990 <= lo <= hi <= 2100):
            raise ValueError(value)
        years.update(range(lo, hi + 1))
    if not years:
        raise ValueError(value)
    return sorted(years)


def _years_arg(value: str) -> list[int]:
    try:
        return parse_years(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"Okända år: {value!r} (t.ex. 2015-2025 eller 2024).") from None


def cmd_sync(args) -> int:
    def show(fraction: float, text: str) -> None:
        print(f"{round(fraction * 100):3d} %  {text}", file=sys.stderr, flush=True)

    res = sync(args.db, years=args.years, progress=None if args.json else show, user=args.user or "Kolada")
    if args.json:
        print(json.dumps(res.as_json(), ensure_ascii=False), flush=True)
    else:
        print(("OK  " if res.ok else "FEL ") + res.message)
        for w in res.warnings:
            print(f"  varning: {w}")
    return 0 if res.ok else 1


def register_cli(subparsers, common) -> None:
    """``python -m naringsdash kolada sync [--years 2015-2025] [--json]`` (called by cli._extensions)."""
    p = subparsers.add_parser("kolada", parents=[common], help="indikatorer från Kolada (öppna data)")
    sub = p.add_subparsers(dest="kolada_command", required=True)
    s = sub.add_parser("sync", parents=[common], help="hämta katalogens nyckeltal för kommunen, riket och "
                                                      "liknande kommuner")
    s.add_argument("--years", type=_years_arg, metavar="ÅR-ÅR",
                   help="år att hämta, t.ex. 2015-2025 (standard: från [kolada] ar_fran till i år)")
    s.add_argument("--json", action="store_true", help="ett JSON-objekt med resultatet")
    s.add_argument("--user", help="namn i uppladdningshistoriken (standard: Kolada)")
    s.set_defaults(func=cmd_sync)

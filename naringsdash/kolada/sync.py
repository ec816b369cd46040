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

import datetime as dt
import json
import math
import threading
from dataclasses import dataclass, field
from typing import Iterable

from .. import audit, store
from ..config import Reference
from ..store import queries
from .catalogue import Catalogue, KpiSpec, base_url, catalogue
from .client import CANCELLED, Client, KoladaError, Progress

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
    by_id = {s.id: s for s in specs}
    totals: dict[tuple[str, str, int], tuple[float, str | None]] = {}
    for entry in data:
        kid, muni = str(entry.get("kpi") or "").upper(), str(entry.get("municipality") or "")
        try:
            year = int(entry.get("period") or "")
        except (TypeError, ValueError):
            continue
        got = _total(entry)
        if kid in by_id and got is not None:
            totals[(kid, muni, year)] = got
    series: dict[tuple[str, str, int], tuple[float, str | None, str]] = {}
    for (kid, muni, year), (value, status) in totals.items():
        name = {cat.kommun: cat.egen_serie, cat.riket: cat.riket_namn, cat.liknande_grupp: cat.liknande_namn}.get(muni)
        if name:
            series[(kid, name, year)] = (value, status, f"Kolada {kid}")
    if not cat.liknande_grupp and cat.liknande_kommuner:
        # Unweighted mean over the member kommuner that have a value, as Kolada's own groups do, when at
        # least half of them have one. Kolada's terms: a processing of its data must not name Kolada as source.
        need = math.ceil(len(cat.liknande_kommuner) / 2)
        for kid, year in {(k, y) for (k, m, y) in totals if m in cat.liknande_kommuner}:
            members = [totals[(kid, m, year)] for m in cat.liknande_kommuner if (kid, m, year) in totals]
            if len(members) >= need:
                statuses = sorted({s for _, s in members if s})
                series[(kid, cat.liknande_namn, year)] = (
                    round(sum(v for v, _ in members) / len(members), 6), ", ".join(statuses) or None,
                    f"Egen beräkning: ovägt medelvärde av {len(members)} kommuner, data från Kolada {kid}")
    rows = []
    for (kid, serie, year), (value, status, kalla) in sorted(series.items()):
        s = by_id[kid]
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


def sync(db: store.Store, years: Iterable[int] | None = None, progress: Progress | None = None, *,
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
            if not identical:
                audit.record(con, user, "upload_saved", f"uppladdning {upload_id}", f"kolada, {len(rows)} värden")
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


def last_checked(db: store.Store) -> dt.datetime | None:
    """When Kolada was last fetched successfully (also when nothing had changed)."""
    with store.connect(db) as con:
        row = con.execute("SELECT value FROM meta WHERE key = 'kolada_checked_at'").fetchone()
    return dt.datetime.fromisoformat(row[0]) if row else None


def fetched(db: store.Store):
    """Per Kolada indicator and series: KPI id, source, years and when its current values were fetched."""
    return queries.kolada_fetched(db)


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


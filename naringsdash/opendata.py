"""Open data for a closed period: a Frictionless Data Package (``datapackage.json`` + CSV in UTF-8).

``aktiviteter.csv`` holds the period's activities without names of people: Ansvarig is left out (the förvaltning
answers for the activity) and so is Kommentar, free text that may name people. ``indikatorer.csv`` holds the
indicators with their sources, up to the period's year. The descriptor gives every column a Swedish title and the
licence of the setting ``oppen_data_licens`` (CC0-1.0 unless the admin set another).
``python -m naringsdash publish --period P --out DIR`` writes it; the Rapport page offers it as a zip.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from . import closing, config, export, schema, store
from .config import Reference, current_reference
from .errors import UserError
from .store import queries

LICENSES = {  # SPDX id → (title, address)
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "CC-BY-4.0": ("Creative Commons Erkännande 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Erkännande-DelaLika 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
}
LEFT_OUT = ("ansvarig", "kommentar")  # names of people, or free text that may hold them
_HEADERS = {c.key: c.header for c in schema.ACTIVITY_COLUMNS}
# key → (Swedish title, Frictionless type, description)
ACTIVITY_FIELDS = {
    "period": ("Period", "string", "Uppföljningsperiod, ÅÅÅÅ-Tn (T3 = helår)"),
    "forvaltning": ("Förvaltning (kod)", "string", "Ansvarig förvaltning"),
    "forvaltning_namn": ("Förvaltning", "string", "Ansvarig förvaltning, namn"),
    "aktivitet_id": (_HEADERS["aktivitet_id"], "string", "Stabilt ID för aktiviteten"),
    "aktivitet": (_HEADERS["aktivitet"], "string", None),
    "malomrade": (_HEADERS["malomrade"], "integer", "Målområdets nummer"),
    "malomrade_namn": ("Målområdets namn", "string", None),
    "startdatum": (_HEADERS["startdatum"], "date", None),
    "slutdatum": (_HEADERS["slutdatum"], "date", None),
    "status": (_HEADERS["status"], "string", "Ej påbörjad, Pågår, Försenad, Klar eller Avbruten"),
    "andel_klar": (_HEADERS["andel_klar"], "integer", "0–100"),
    "bedomning": (_HEADERS["bedomning"], "string", "Förvaltningens egen bedömning: Grön, Gul eller Röd"),
    "forsenad": ("Försenad", "boolean", "Försenad per periodens slut"),
}
INDICATOR_FIELDS = {
    "indikator": ("Indikator", "string", None),
    "malomrade": ("Målområde", "integer", "Målområdets nummer"),
    "enhet": ("Enhet", "string", None),
    "riktning": ("Riktning", "string", "hogre: högre är bättre; lagre: lägre är bättre"),
    "malvarde": ("Målvärde", "number", None),
    "malar": ("Målår", "integer", None),
    "kalla": ("Källa", "string", "Varifrån värdet kommer"),
    "ar": ("År", "integer", None),
    "varde": ("Värde", "number", None),
}


def _csv(columns: list[str], rows: list[tuple]) -> bytes:
    return export.canonical_csv(columns, rows).encode("utf-8")


def _schema(spec: dict) -> dict:
    return {"fields": [{"name": k, "title": t, "type": kind, **({"description": d} if d else {})}
                       for k, (t, kind, d) in spec.items()], "missingValues": [""]}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().translate(str.maketrans("åäöé", "aaoe"))).strip("-") or "kommun"


def _license(spdx: str) -> dict:
    title, path = LICENSES.get(spdx, (spdx, None))
    return {"name": spdx, "title": title, **({"path": path} if path else {})}


def package_files(period: str, db: store.Store, ref: Reference | None = None) -> dict[str, bytes]:
    """The package's files by name (``datapackage.json``, ``aktiviteter.csv``, ``indikatorer.csv``); the period
    must be closed."""
    from frictionless import Package  # a large import: only when a package is written

    ref = ref or current_reference()
    p = config.parse_period(period)
    if p is None:
        raise UserError(f"Okänd period: {period!r}.")
    with store.connect(db) as con:
        if not closing.is_closed(con, p):
            raise UserError(f"Perioden {config.period_label(p)} är inte stängd: öppna data publiceras för en stängd "
                            "period.")
    cols, rows = queries.export_activities(p, db)
    keys = list(ACTIVITY_FIELDS)
    acts = []
    for row in rows:
        r = dict(zip(cols, row))
        r["forvaltning_namn"] = ref.forvaltning_name(r["forvaltning"])
        r["malomrade_namn"] = ref.malomrade_name(r["malomrade"]) if r["malomrade"] is not None else None
        acts.append(tuple(r[k] for k in keys))
    icols, irows = queries.export_indicators(db, own=ref.options.own_series)
    year = int(p[:4])
    inds = [row for row in irows if dict(zip(icols, row))["ar"] <= year]
    files = {"aktiviteter.csv": _csv(keys, acts), "indikatorer.csv": _csv(list(icols), inds)}
    label = config.period_label(p)
    resources: list[dict[str, Any]] = [
        {"name": "aktiviteter", "title": f"Handlingsplanens aktiviteter, {label}", "path": "aktiviteter.csv",
         "description": "Aktiviteternas status per förvaltning. Ansvarig person och kommentarer ingår inte.",
         "schema": _schema(ACTIVITY_FIELDS)},
        {"name": "indikatorer", "title": f"Indikatorer till och med {year}", "path": "indikatorer.csv",
         "description": "Indikatorernas värden per år, med mål och källa.", "schema": _schema(INDICATOR_FIELDS)},
    ]
    for res in resources:
        data = files[res["path"]]
        res.update(format="csv", mediatype="text/csv", encoding="utf-8", bytes=len(data),
                   hash=f"sha256:{store.sha256(data)}")
    package = Package.from_descriptor({
        "name": f"{_slug(ref.options.kommun)}-naringsliv-{p.lower()}",
        "title": f"Uppföljning av handlingsplanen för näringslivet, {label} ({ref.options.kommun})",
        "description": f"Öppna data från {ref.options.kommun}s uppföljning av handlingsplanen för näringslivet, "
                       f"{label}. Perioden är stängd för inrapportering.",
        "licenses": [_license(ref.options.oppen_data_licens)],
        "created": dt.datetime.now().replace(microsecond=0).isoformat(),
        "keywords": ["näringsliv", "handlingsplan", "uppföljning"],
        "resources": resources,
    })
    files["datapackage.json"] = (json.dumps(package.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def write(period: str, out_dir: str | Path, db: store.Store, ref: Reference | None = None) -> list[Path]:
    """Write the package into ``out_dir`` (created if missing) → the files written."""
    out = Path(out_dir)
    files = package_files(period, db, ref)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        (out / name).write_bytes(data)
        written.append(out / name)
    return written


def zip_bytes(period: str, db: store.Store, ref: Reference | None = None) -> bytes:
    """The package as one zip (the Rapport page's download)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in package_files(period, db, ref).items():
            z.writestr(name, data)
    return buf.getvalue()


def zip_name(period: str) -> str:
    return f"oppna-data-{period.lower()}.zip"

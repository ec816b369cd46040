"""Demo handlingsplaner 2025 and 2026, consistent with the demo reports.

Each year's plan holds exactly the activities the förvaltningar report in the year's last demo period
(2025-T3, 2026-T2), with the same ID, text, målområde and dates; so the latest period is fully covered, while
earlier periods of a year show what the coverage view is for. ``python -m naringsdash.plan_demo`` regenerates
``data/demo/handlingsplan/`` from the demo reports (deterministic content); ``load()`` imports the files
(idempotent: an identical file makes no new version).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from .. import config
from ..config import current_reference
from ..ingest.pipeline import check_bytes
from ..ingest.validate import Parsed
from ..store import Store
from . import model as plan
from .sheet import plan_workbook_bytes

DEMO_DIR = config.ROOT / "data" / "demo"  # the demo reports (demo.py writes them)
PLAN_DIR = DEMO_DIR / "handlingsplan"
YEARS = {2025: "2025-T3", 2026: "2026-T2"}  # plan year → the demo period whose reports it matches
ADOPTED = {2025: (dt.date(2024, 11, 25), "KS 2024/0412"), 2026: (dt.date(2025, 11, 24), "KS 2025/0388")}
RESULTS = {
    1: "Snabbare och enklare service till företagen.",
    2: "Mer planlagd och byggklar verksamhetsmark.",
    3: "Fler i arbete och bättre matchning mot arbetsgivarnas behov.",
    4: "Fler nystartade och växande företag.",
    5: "Fler besökare och en mer attraktiv kommun.",
    6: "Bättre infrastruktur och hållbar tillväxt.",
}
# The plan's goals per målområde: (målområde, goal in words, indicator, own target or None: the catalogue's).
GOALS = [
    (1, "Trelleborg ska ha ett av Skånes bästa företagsklimat.", "Svenskt Näringslivs ranking av företagsklimatet",
     None),
    (1, "Företagen ska vara nöjda med kommunens service och myndighetsutövning.",
     "Nöjd Kund Index, företagens betyg på kommunens service", None),
    (2, "Det ska alltid finnas planlagd verksamhetsmark för nya etableringar.", "Planlagd ledig verksamhetsmark",
     None),
    (3, "Fler invånare ska ha ett arbete.", "Arbetslöshet 16–64 år", None),
    (3, "Minst 76 procent av invånarna 20–64 år ska förvärvsarbeta.", "Förvärvsarbetande 20–64 år", 76),
    (4, "Fler ska starta och driva företag.", "Nystartade företag per 1 000 invånare", None),
    (5, "Trelleborg ska vara ett självklart besöksmål i Söderslätt.", "Kommersiella gästnätter", None),
    (6, "Alla hushåll och företag ska ha tillgång till snabbt bredband.",
     "Andel hushåll och företag med tillgång till 1 Gbit/s", None),
]


def _checked(path: Path) -> Parsed:
    """A demo workbook, validated like any upload."""
    parsed = check_bytes(path.read_bytes(), path.name).parsed
    if parsed is None:
        raise ValueError(f"demo workbook {path.name} cannot be read")
    return parsed


def _reported(period: str) -> list[dict]:
    """The activities of every demo report of a period."""
    out = []
    for path in sorted(DEMO_DIR.glob(f"{period}_*.xlsx")):
        parsed = _checked(path)
        out += [{**a, "forvaltning": parsed.forvaltning} for a in parsed.activities]
    return out


def _indicators() -> dict[int, list[str]]:
    """The demo indicator catalogue's names per målområde."""
    out: dict[int, list[str]] = {}
    for i in _checked(DEMO_DIR / "indikatorer.xlsx").indicators:
        names = out.setdefault(i["malomrade"], [])
        names += [] if i["indikator"] in names else [i["indikator"]]
    return out


def _links(names: list[str], rng: random.Random) -> list[str]:
    if not names:
        return []
    return rng.sample(names, k=min(len(names), 2 if rng.random() < 0.3 else 1))


def plan_bytes(year: int) -> bytes:
    """The demo plan of one year as a plan workbook."""
    ref = current_reference()
    catalogue = _indicators()
    activities = []
    for a in _reported(YEARS[year]):
        rng = random.Random(f"plan-{a['aktivitet_id']}")
        partners = [k for k in ref.forvaltningar if k != a["forvaltning"]]
        activities.append({
            "aktivitet_id": a["aktivitet_id"], "aktivitet": a["aktivitet"], "malomrade": a["malomrade"],
            "forvaltning": a["forvaltning"], "medverkande": [rng.choice(partners)] if rng.random() < 0.25 else [],
            "mal": RESULTS[a["malomrade"]], "startdatum": a["startdatum"], "slutdatum": a["slutdatum"],
            "indikatorer": _links(catalogue.get(a["malomrade"], []), rng)})
    adopted, dnr = ADOPTED[year]
    goals = [{"malomrade": m, "mal": text, "indikator": ind, "malvarde": target, "malar": None}
             for m, text, ind, target in GOALS]
    return plan_workbook_bytes(ref, year=year, activities=activities, goals=goals,
                               meta={"antagen": adopted, "antagen_av": "Kommunfullmäktige", "dnr": dnr})


def generate(out: Path = PLAN_DIR) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for year in YEARS:
        path = out / f"handlingsplan_{year}.xlsx"
        path.write_bytes(plan_bytes(year))
        written.append(path)
    return written


def files(folder: Path = PLAN_DIR) -> list[Path]:
    return sorted(folder.glob("handlingsplan_*.xlsx"))


def load(db: Store, folder: Path = PLAN_DIR) -> list[plan.PlanResult]:
    """Import the demo plans (idempotent), each as imported a week after its adoption."""
    results = []
    for path in files(folder):
        year = int(path.stem.rsplit("_", 1)[1])
        adopted = ADOPTED.get(year, (config.period_end(f"{year - 1}-T3"), None))[0]
        results.append(plan.import_plan_file(path, db=db, year=year, user="Näringslivsavdelningen",
                                             uploaded_at=dt.datetime.combine(adopted + dt.timedelta(days=7),
                                                                             dt.time(9, 0))))
    return results


if __name__ == "__main__":
    for p in generate():
        print(p)

"""The Kolada catalogue: which KPIs to fetch, for which kommuner, as ``[kolada]`` in the reference data says."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..config import Reference, current_reference
from .client import DEFAULT_URL, ENV_URL, KoladaError

OWN_SERIES = "Trelleborg"  # the default name of the own series; the setting ``kommun`` overrides it
RIKTNINGAR = ("hogre", "lagre")


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
    egen_serie: str = OWN_SERIES  # the name the kommun's values are stored under: the setting kommun's own series

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
    ref = ref or current_reference()
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
        kpis=tuple(kpis), egen_serie=ref.options.own_series, url=str(raw.get("url") or DEFAULT_URL), kommun=str(raw.get("kommun") or "1287"),
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


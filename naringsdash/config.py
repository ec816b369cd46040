"""Reference data (förvaltningar, målområden), periods and settings.

The reference data lives in a TOML file the näringslivsavdelning edits:
``NARINGSDASH_CONFIG`` if set, else ``data/referens.toml``. The database path is
``--db``, else ``NARINGSDASH_DB``, else ``data/naringsdash.duckdb``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .matching import norm

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "naringsdash.duckdb"
DEFAULT_CONFIG = ROOT / "data" / "referens.toml"

DEFAULT_FORVALTNINGAR = {
    "KLF": "Kommunledningsförvaltningen",
    "SBF": "Samhällsbyggnadsförvaltningen",
    "TSF": "Tekniska serviceförvaltningen",
    "KFF": "Kultur- och fritidsförvaltningen",
    "SOF": "Socialförvaltningen",
    "BIF": "Bildningsförvaltningen",
    "AMF": "Arbetsmarknadsförvaltningen",
}
DEFAULT_MALOMRADEN = {
    1: "Företagsklimat och service",
    2: "Etablering och mark",
    3: "Kompetensförsörjning",
    4: "Entreprenörskap och innovation",
    5: "Attraktiv plats och besöksnäring",
    6: "Infrastruktur och hållbar tillväxt",
}


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database file: explicit path, else NARINGSDASH_DB, else the default."""
    return Path(explicit or os.environ.get("NARINGSDASH_DB") or DEFAULT_DB)


def config_path() -> Path:
    return Path(os.environ.get("NARINGSDASH_CONFIG") or DEFAULT_CONFIG)


SSO_UNKNOWN_CHOICES = ("lasare", "ingen")


@dataclass(frozen=True)
class Settings:
    """The ``[installningar]`` of the reference data, typed. Parsed once, strictly, by ``parse_settings``."""

    kommun: str = "Kommunen"
    anonyma_lasare: bool = False  # anonymous visitors may read the dashboard
    demo: bool = False  # demo accounts exist, and an empty database is seeded with the demo data
    okanda_sso: str = "lasare"  # an SSO e-mail with no user: "lasare" (read-only) or "ingen" (refused)
    inloggning_timmar: int = 8  # how long a sign-in lasts across reloads (hours, 1–720; a workday by default)
    deadline_dagar: int = 15  # default deadline: this many days after the period's end (the admin may set another)
    paminnelse_dagar_fore: int = 5  # the first reminder goes out this many days before the deadline
    paminnelse_dagar_efter: int = 3  # the last reminder goes out this many days after the deadline
    oppen_data_licens: str = "CC0-1.0"  # the open-data package's licence (an SPDX id, e.g. CC0-1.0 or CC-BY-4.0)

    @property
    def own_series(self) -> str:
        """The name of the kommun's own indicator series in charts: "Trelleborg" for "Trelleborgs kommun"."""
        name = self.kommun.strip()
        for suffix in (" kommun", " stad"):
            if name.lower().endswith(suffix):
                name = name[: -len(suffix)]
        if name.endswith("s") and self.kommun.strip().lower().endswith("s kommun"):
            name = name[:-1]
        return name or "Kommunen"


INT_SETTING_RANGE = (0, 365)
INT_SETTING_RANGES = {"inloggning_timmar": (1, 720)}  # a sign-in lasts 1 hour to 30 days


def _setting_type_error(key: str, expected: str, value: object) -> ConfigError:
    if expected == "int":
        low, high = INT_SETTING_RANGES.get(key, INT_SETTING_RANGE)
        return ConfigError(f"Inställningen {key} i referensdata ska vara ett heltal {low}–{high} (dagar, utan "
                           f"citattecken), inte {value!r}.")
    hint = " (skriv true eller false utan citattecken)" if expected == "bool" else ""
    return ConfigError(f"Inställningen {key} i referensdata ska vara {'true eller false' if expected == 'bool' else 'text'}"
                       f"{hint}, inte {value!r}.")


def parse_settings(raw: dict) -> Settings:
    """``[installningar]`` as typed settings; a wrong type or an unknown key is refused with a Swedish message.

    A quoted ``"false"`` is text, not a boolean, and is refused: read by truthiness it would mean *true*.
    """
    out: dict[str, Any] = {}  # each value checked against its field's type below
    fields = Settings.__dataclass_fields__
    for key, value in raw.items():
        if key not in fields:
            raise ConfigError(f"Okänd inställning i referensdata: {key!r} (kända: {', '.join(fields)}).")
        kind = fields[key].type
        if kind == "bool":
            if not isinstance(value, bool):
                raise _setting_type_error(key, "bool", value)
        elif kind == "int":
            low, high = INT_SETTING_RANGES.get(key, INT_SETTING_RANGE)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise _setting_type_error(key, "int", value)
        elif not isinstance(value, str):
            raise _setting_type_error(key, "str", value)
        out[key] = value.strip() if isinstance(value, str) else value
    if "okanda_sso" in out:
        choice = {"läsare": "lasare", "none": "ingen"}.get(str(out["okanda_sso"]).lower(), str(out["okanda_sso"]).lower())
        if choice not in SSO_UNKNOWN_CHOICES:
            raise ConfigError(f"Inställningen okanda_sso ska vara \"lasare\" eller \"ingen\", inte {out['okanda_sso']!r}.")
        out["okanda_sso"] = choice
    if "oppen_data_licens" in out and not re.fullmatch(r"[A-Za-z0-9.+-]{2,40}", str(out["oppen_data_licens"])):
        raise ConfigError("Inställningen oppen_data_licens ska vara en licens-id som CC0-1.0 eller CC-BY-4.0, "
                          f"inte {out['oppen_data_licens']!r}.")
    return Settings(**out)


SSO_CLAIMS = {"grupp": "groups", "approll": "roles"}  # key in [[katalogroll]] → the OpenID Connect claim
_ROLES = ("lasare", "rapportor", "admin")  # = auth.ROLES (auth imports this module)


@dataclass(frozen=True)
class DirectoryRole:
    """A group or app role in the kommun's directory (the ``groups``/``roles`` claim) → a role and förvaltningar."""

    claim: str  # "groups" or "roles"
    value: str  # a group's object id (Entra ID) or name, or an app role's value
    role: str  # lasare | rapportor | admin
    forvaltningar: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return next(k for k, c in SSO_CLAIMS.items() if c == self.claim)


@dataclass
class Reference:
    """Reference data and settings as read from the configuration file."""

    forvaltningar: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FORVALTNINGAR))
    malomraden: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_MALOMRADEN))
    settings: dict[str, object] = field(default_factory=dict)  # the raw [installningar] (and [kolada]) tables
    options: Settings = field(default_factory=Settings)  # the typed settings: read these
    katalogroller: list[DirectoryRole] = field(default_factory=list)  # [[katalogroll]]: directory group → role

    def forvaltning_code(self, value: object) -> str | None:
        """Code for a förvaltning given as code or name (any case, diacritics optional)."""
        key = norm(value)
        if not key:
            return None
        loose = re.sub(r"[^0-9a-z]", "", key)  # "Kultur och fritidsförvaltningen" without the hyphen
        for code, name in {**DEFAULT_FORVALTNINGAR, **self.forvaltningar}.items():
            if key in (norm(code), norm(name)) or loose in (norm(code), re.sub(r"[^0-9a-z]", "", norm(name))):
                return code if code in self.forvaltningar else None
        return None

    def malomrade_nr(self, value: object) -> int | None:
        """Number 1–6 for a målområde written as the number, the name, or "3. Name"."""
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return int(value) if float(value).is_integer() and int(value) in self.malomraden else None
        key = norm(value)
        if not key:
            return None
        m = re.fullmatch(r"(?:malomrade\s*)?(\d+)(?:[.,]0+)?\s*[.:)\-–]?\s*(.*)", key)
        if m:
            nr = int(m.group(1))
            return nr if nr in self.malomraden else None
        names = {norm(n): nr for nr, n in DEFAULT_MALOMRADEN.items()}
        names.update({norm(n): nr for nr, n in self.malomraden.items()})
        return names.get(key)

    def forvaltning_name(self, code: str) -> str:
        return self.forvaltningar.get(code, code)

    def malomrade_name(self, nr: int) -> str:
        return self.malomraden.get(int(nr), str(nr))

    def setting(self, key: str, default: object = None) -> object:
        """A typed setting by name (``options.<key>``); raw tables such as ``kolada`` as read."""
        if key in Settings.__dataclass_fields__:
            return getattr(self.options, key)
        return self.settings.get(key, default)


def current_reference(path: str | os.PathLike | None = None) -> Reference:
    """The reference data as the file is now, parsed once and parsed again only when the file changes (its
    inode, modification time or size). Every reader uses this; it is shared, so do not change it: code that
    edits the reference data reads its own copy with ``load_reference`` and writes it with ``save_reference``."""
    p = Path(path) if path else config_path()
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return _parsed(str(p), None)
    if time.time_ns() - st.st_mtime_ns < _RACY_NS:  # written just now: a second write in the same clock tick
        return load_reference(p)                     # could keep all three, so this read is not cached
    return _parsed(str(p), (st.st_ino, st.st_mtime_ns, st.st_size))


_RACY_NS = 100_000_000  # file times advance in coarse ticks; a file younger than this is read, not cached


@functools.lru_cache(maxsize=8)
def _parsed(path: str, key: tuple[int, int, int] | None) -> Reference:
    return load_reference(path)


def load_reference(path: str | os.PathLike | None = None) -> Reference:
    """Read the reference data from disk now (a copy of one's own, to edit and save); a missing file gives the
    contract's defaults. To read the settings, use ``current_reference``."""
    p = Path(path) if path else config_path()
    if not p.exists():
        return Reference()
    try:
        with open(p, "rb") as f:
            raw = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Referensdata ({p.name}) kan inte läsas: {exc}.") from None
    installningar = dict(raw.get("installningar", {}))
    ref = Reference(settings=installningar, options=parse_settings(installningar))
    if raw.get("forvaltning"):
        ref.forvaltningar = {str(x["kod"]).strip().upper(): str(x["namn"]).strip() for x in raw["forvaltning"]}
    if raw.get("malomrade"):
        ref.malomraden = {int(x["nr"]): str(x["namn"]).strip() for x in raw["malomrade"]}
    for key in ("kolada", "synpunkter"):
        if key in raw:
            ref.settings[key] = raw[key]
    ref.katalogroller = [directory_role(x, ref, where=f"{p}: [[katalogroll]] nr {i}")
                         for i, x in enumerate(raw.get("katalogroll", []), start=1)]
    return ref


def directory_role(item: object, ref: Reference, where: str = "[[katalogroll]]") -> DirectoryRole:
    """One ``[[katalogroll]]`` block, checked strictly: exactly one of ``grupp``/``approll``, a known ``roll``, and
    ``forvaltningar`` from the reference data (at least one for a rapportör, none for the other roles)."""
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: ska vara en tabell med grupp eller approll, roll och forvaltningar.")
    unknown = sorted(set(item) - {*SSO_CLAIMS, "roll", "forvaltningar"})
    if unknown:
        raise ConfigError(f"{where}: okänd nyckel {unknown[0]!r}; tillåtna är grupp, approll, roll, forvaltningar.")
    keys = [k for k in SSO_CLAIMS if k in item]
    if len(keys) != 1:
        raise ConfigError(f"{where}: ange antingen grupp (katalogens grupp) eller approll (appens roll), inte "
                          f"{'båda' if keys else 'ingen av dem'}.")
    value = str(item[keys[0]]).strip()
    if not value:
        raise ConfigError(f"{where}: {keys[0]} är tom.")
    role = str(item.get("roll", "")).strip().lower().replace("ä", "a").replace("ö", "o")
    if role not in _ROLES:
        raise ConfigError(f"{where}: okänd roll {str(item.get('roll', ''))!r}; välj lasare, rapportor eller admin.")
    raw = item.get("forvaltningar", [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: forvaltningar ska vara en lista, t.ex. [\"KLF\"].")
    codes = []
    for part in raw:
        code = ref.forvaltning_code(part)
        if code is None:
            raise ConfigError(f"{where}: okänd förvaltning {str(part)!r}; finns: {', '.join(ref.forvaltningar)}.")
        if code not in codes:
            codes.append(code)
    if role == "rapportor" and not codes:
        raise ConfigError(f"{where}: en rapportör måste knytas till minst en förvaltning.")
    if role != "rapportor" and codes:
        raise ConfigError(f"{where}: bara rapportörer knyts till förvaltningar.")
    return DirectoryRole(SSO_CLAIMS[keys[0]], value, role, tuple(c for c in ref.forvaltningar if c in codes))


def _set_array_of_tables(doc, name: str, rows: list[dict]) -> None:
    import tomlkit  # only when saving: reading uses tomllib, and the import command never saves

    """Update ``[[name]]`` entries in place (their comments and blank lines kept), add or drop at the end."""
    old = doc.get(name)
    if old is None:
        aot = tomlkit.aot()
        for row in rows:
            aot.append(tomlkit.item(row))
        doc[name] = aot
        return
    for i, row in enumerate(rows):
        if i < len(old):
            table = old[i]
            for key in [k for k in table if k not in row]:
                del table[key]
            for key, value in row.items():
                if table.get(key) != value:
                    table[key] = value
        else:
            old.append(tomlkit.item(row))
    while len(old) > len(rows):
        del old[len(old) - 1]


def _set_table(doc, name: str, values: dict) -> None:
    import tomlkit

    """Set keys of ``[name]`` in place (comments and key order kept), adding the table if missing."""
    if name not in doc:
        doc[name] = tomlkit.table()
    table = doc[name]
    for key, value in values.items():
        if isinstance(value, dict):
            _set_table(table, key, value)
        elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            _set_array_of_tables(table, key, value)
        elif table.get(key) != value:
            table[key] = value


def save_reference(ref: Reference, path: str | os.PathLike | None = None) -> Reference:
    """Write the reference data back (the admin page), keeping the comments and layout a person wrote.

    The new settings are parsed first, so a save can never write settings that start-up would refuse.
    Returns the reference as read back from the file.
    """
    import tomlkit

    p = Path(path) if path else config_path()
    installningar = {k: v for k, v in ref.settings.items() if k in Settings.__dataclass_fields__}
    parse_settings(installningar)
    text = p.read_text(encoding="utf-8") if p.exists() else "# Näringsdash reference data; edited by the näringslivsavdelning.\n"
    doc = tomlkit.parse(text)
    _set_table(doc, "installningar", installningar)
    _set_array_of_tables(doc, "forvaltning", [{"kod": c, "namn": n} for c, n in ref.forvaltningar.items()])
    _set_array_of_tables(doc, "malomrade", [{"nr": int(nr), "namn": n} for nr, n in sorted(ref.malomraden.items())])
    roles = [{m.key: m.value, "roll": m.role, "forvaltningar": list(m.forvaltningar)} for m in ref.katalogroller]
    if roles or "katalogroll" in doc:
        _set_array_of_tables(doc, "katalogroll", roles)
    for key in ("kolada", "synpunkter"):
        table = ref.settings.get(key)
        if isinstance(table, dict):
            _set_table(doc, key, table)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(tomlkit.dumps(doc), encoding="utf-8")
    os.replace(tmp, p)
    return load_reference(p)


# --- Reporting periods -------------------------------------------------------

PERIOD_END = {1: (4, 30), 2: (8, 31), 3: (12, 31)}
PERIOD_NAMES = {1: "Tertial 1", 2: "Delår (T2)", 3: "Helår (T3)"}


def parse_period(value: object) -> str | None:
    """Canonical ``YYYY-Tn`` for any accepted spelling, else None."""
    s = norm(value)
    if not s:
        return None
    s = s.replace("_", " ").replace("/", " ").replace(":", " ")
    if m := re.search(r"\(\s*t\s*([123])\s*\)", s):  # the product's own label, e.g. "2025 Delår (T2)"
        rest = parse_period(s[:m.start()] + " " + s[m.end():])
        return rest if rest is None or rest[-1] == m[1] else None
    patterns = [
        (r"(\d{4})\s*-?\s*t\s*([123])", lambda m: (m[1], m[2])),
        (r"(?:t|tertial)\s*([123])\s*[-,]?\s*(\d{4})", lambda m: (m[2], m[1])),
        (r"(\d{4})\s*-?\s*tertial\s*([123])", lambda m: (m[1], m[2])),
        (r"(?:delar|delarsrapport|delarsbokslut)\s*(\d{4})", lambda m: (m[1], "2")),
        (r"(\d{4})\s*(?:delar|delarsrapport|delarsbokslut)", lambda m: (m[1], "2")),
        (r"(?:helar|bokslut|arsbokslut|arsredovisning)\s*(\d{4})", lambda m: (m[1], "3")),
        (r"(\d{4})\s*(?:helar|bokslut|arsbokslut)", lambda m: (m[1], "3")),
    ]
    for pattern, pick in patterns:
        m = re.fullmatch(pattern, s)
        if m:
            year, t = pick(m)
            return f"{int(year):04d}-T{int(t)}"
    return None


def period_end(period: str) -> dt.date:
    year, t = int(period[:4]), int(period[-1])
    month, day = PERIOD_END[t]
    return dt.date(year, month, day)


def as_of_date(period: str, today: dt.date | None = None) -> dt.date:
    """The contract's as-of date: the period's end, or today if that is earlier."""
    return min(period_end(period), today or dt.date.today())


def period_label(period: str) -> str:
    """THE way a period is written to people (pages, axis labels, slides, report, file names shown):
    ``2025-T2`` → ``2025 T2``."""
    return f"{period[:4]} T{int(period[-1])}"


def previous_period(period: str) -> str:
    year, t = int(period[:4]), int(period[-1])
    return f"{year - 1}-T3" if t == 1 else f"{year}-T{t - 1}"


def current_period(today: dt.date | None = None) -> str:
    """The reporting period that contains ``today``."""
    d = today or dt.date.today()
    for t in (1, 2, 3):
        if d <= period_end(f"{d.year}-T{t}"):
            return f"{d.year}-T{t}"
    return f"{d.year}-T3"

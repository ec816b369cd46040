"""Reference data (förvaltningar, målområden), periods and settings.

The reference data lives in a TOML file the näringslivsavdelning edits:
``NARINGSDASH_CONFIG`` if set, else ``data/referens.toml``. The database path is
``--db``, else ``NARINGSDASH_DB``, else ``data/naringsdash.duckdb``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .text import norm

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


@dataclass
class Reference:
    """Reference data and settings as read from the configuration file."""

    forvaltningar: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FORVALTNINGAR))
    malomraden: dict[int, str] = field(default_factory=lambda: dict(DEFAULT_MALOMRADEN))
    settings: dict[str, object] = field(default_factory=dict)

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
        return self.settings.get(key, default)


def load_reference(path: str | os.PathLike | None = None) -> Reference:
    """Read the reference data; a missing file gives the contract's defaults."""
    p = Path(path) if path else config_path()
    if not p.exists():
        return Reference()
    with open(p, "rb") as f:
        raw = tomllib.load(f)
    ref = Reference(settings=dict(raw.get("installningar", {})))
    if raw.get("forvaltning"):
        ref.forvaltningar = {str(x["kod"]).strip().upper(): str(x["namn"]).strip() for x in raw["forvaltning"]}
    if raw.get("malomrade"):
        ref.malomraden = {int(x["nr"]): str(x["namn"]).strip() for x in raw["malomrade"]}
    for key in ("kolada", "synpunkter"):
        if key in raw:
            ref.settings[key] = raw[key]
    return ref


def _toml_str(s: object) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return _toml_str(v)


def _toml_table(name: str, table: dict) -> list[str]:
    """A table with scalar and list values, sub-tables and arrays of tables (e.g. ``[kolada]``)."""
    def is_tables(v):
        return isinstance(v, list) and v and all(isinstance(x, dict) for x in v)

    lines = ["", f"[{name}]"] + [f"{k} = {_toml_value(v)}" for k, v in table.items()
                                 if not isinstance(v, dict) and not is_tables(v)]
    for k, v in table.items():
        if isinstance(v, dict):
            lines += _toml_table(f"{name}.{k}", v)
        elif is_tables(v):
            for item in v:
                lines += ["", f"[[{name}.{k}]]"] + [f"{ik} = {_toml_value(iv)}" for ik, iv in item.items()]
    return lines


def save_reference(ref: Reference, path: str | os.PathLike | None = None) -> None:
    """Write the reference data back (used by the admin page)."""
    p = Path(path) if path else config_path()
    lines = ["# Näringsdash reference data; edited by the näringslivsavdelning.", "", "[installningar]"]
    for k, v in ref.settings.items():
        if isinstance(v, bool):
            lines.append(f"{k} = {'true' if v else 'false'}")
        elif isinstance(v, (int, float)):
            lines.append(f"{k} = {v}")
        elif isinstance(v, str):
            lines.append(f"{k} = {_toml_str(v)}")
    for code, name in ref.forvaltningar.items():
        lines += ["", "[[forvaltning]]", f"kod = {_toml_str(code)}", f"namn = {_toml_str(name)}"]
    for nr, name in sorted(ref.malomraden.items()):
        lines += ["", "[[malomrade]]", f"nr = {int(nr)}", f"namn = {_toml_str(name)}"]
    for key in ("kolada", "synpunkter"):
        if isinstance(ref.settings.get(key), dict):
            lines += _toml_table(key, ref.settings[key])
    tmp = p.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, p)


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
    """Swedish label, e.g. ``2025-T2`` → ``2025 Delår (T2)``."""
    return f"{period[:4]} {PERIOD_NAMES[int(period[-1])]}"


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

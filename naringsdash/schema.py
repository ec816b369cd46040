"""THE definition of the workbook columns and vocabularies.

One list drives the template writer, the validation, the database tables and
the canonical export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .matching import norm


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # canonical Swedish header
    kind: str  # text | id | malomrade | forvaltning | date | status | percent | bedomning
    required: bool
    synonyms: tuple[str, ...] = ()
    width: int = 14  # column width in the template
    help: str = ""  # one line for the template's instructions

    def names(self) -> set[str]:
        """Every normalised spelling that means this column."""
        return {norm(h) for h in (self.header, self.key, *self.synonyms)}


ACTIVITY_SHEET = "Aktiviteter"
INFO_SHEET = "Info"
INDICATOR_SHEET = "Indikatorer"
INSTRUCTIONS_SHEET = "Instruktioner"

ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column("aktivitet_id", "Aktivitets-ID", "id", True,
           ("ID", "Aktivitetsid", "Aktivitets id", "Aktivitet-ID", "Aktivitet id", "Nr", "Aktivitetsnummer", "Id-nr"),
           13, "Stabil kod för aktiviteten, samma varje period, unik i bladet."),
    Column("aktivitet", "Aktivitet", "text", True,
           ("Åtgärd", "Aktivitetsbeskrivning", "Aktiviteter", "Beskrivning"), 50, "Vad som ska göras."),
    Column("malomrade", "Målområde", "malomrade", True, ("Mål område", "Malomr", "Mål"), 32,
           "1–6, namnet eller \"3. Namn\"."),
    Column("forvaltning", "Förvaltning", "forvaltning", False, ("Ansvarig förvaltning",), 14,
           "Kod eller namn; måste vara den förvaltning som laddar upp."),
    Column("ansvarig", "Ansvarig", "text", False, ("Ansvarig person", "Kontaktperson"), 22, "Person eller funktion."),
    Column("startdatum", "Startdatum", "date", False, ("Start", "Startdatum (ÅÅÅÅ-MM-DD)", "Påbörjas"), 13, "Datum, t.ex. 2025-01-15."),
    Column("slutdatum", "Slutdatum", "date", True,
           ("Deadline", "Klart senast", "Slut", "Slutdatum (ÅÅÅÅ-MM-DD)", "Klar senast", "Klart datum"), 13,
           "Sista dag (deadline), t.ex. 2025-06-30."),
    Column("status", "Status", "status", True, ("Läge", "Aktivitetsstatus"), 14,
           "Ej påbörjad, Pågår, Försenad, Klar eller Avbruten."),
    Column("andel_klar", "Andel klart (%)", "percent", False,
           ("Andel klar", "Andel klart", "Andel klar (%)", "Färdigt %", "Färdigt (%)", "Färdigt", "Progress", "Procent klart", "% klart"),
           12, "0–100."),
    Column("bedomning", "Bedömning", "bedomning", False, ("Egen bedömning", "Trafikljus"), 12, "Grön, Gul eller Röd."),
    Column("kommentar", "Kommentar", "text", False,
           ("Kommentar/analys", "Kommentarer", "Kommentar / analys", "Analys", "Kommentar och analys"), 50,
           "Läget, hinder, nästa steg."),
)
ACTIVITY_KEYS = tuple(c.key for c in ACTIVITY_COLUMNS)
# The template's read-only column beside Kommentar: last period's comment, to read. The importer skips any column
# whose header starts like this, silently (no "unknown column" warning).
PREVIOUS_COMMENT_HEADER = "Förra periodens kommentar (läses inte in)"


def is_read_only_header(header: object) -> bool:
    """A template column the importer ignores on purpose (last period's comment)."""
    return isinstance(header, str) and norm(header).startswith(norm("Förra periodens kommentar"))
REQUIRED_KEYS = tuple(c.key for c in ACTIVITY_COLUMNS if c.required)

STATUSES: dict[str, tuple[str, ...]] = {
    "Ej påbörjad": ("ej påbörjad", "ej startad", "inte påbörjad", "inte startad", "planerad", "ej paborjat", "ej paborjad",
                    "inte påbörjat", "ej startat", "inte startat", "planerat"),
    "Pågår": ("pågår", "pågående", "påbörjad", "startad", "pågår enligt plan", "i gång", "igång", "pagar enligt plan"),
    "Försenad": ("försenad", "försenat", "fördröjd", "forsenade"),
    "Klar": ("klar", "klart", "genomförd", "avslutad", "slutförd", "färdig", "genomfört", "avslutat", "slutfört"),
    "Avbruten": ("avbruten", "avbrutet", "struken", "utgår", "stoppad", "struket", "stoppat"),
}
STATUS_ORDER = tuple(STATUSES)
_STATUS_LOOKUP = {norm(v).replace(" ", ""): label for label, variants in STATUSES.items() for v in (label, *variants)}

BEDOMNINGAR: dict[str, tuple[str, ...]] = {
    "Grön": ("grön", "grönt", "green"),
    "Gul": ("gul", "gult", "yellow"),
    "Röd": ("röd", "rött", "red"),
}
_BEDOMNING_LOOKUP = {norm(v): label for label, variants in BEDOMNINGAR.items() for v in (label, *variants)}

INFO_FIELDS: dict[str, tuple[str, ...]] = {
    "forvaltning": ("Förvaltning",),
    "period": ("Period", "Rapportperiod", "Uppföljningsperiod"),
    "rapporterad_av": ("Rapporterad av", "Rapportör", "Uppgiftslämnare"),
}

INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("indikator", "Indikator", "text", True, ("Nyckeltal", "Mått"), 40),
    Column("malomrade", "Målområde", "malomrade", True, (), 30),
    Column("enhet", "Enhet", "text", False, (), 14),
    Column("riktning", "Riktning", "riktning", True, ("Önskad riktning",), 18),
    Column("malvarde", "Målvärde", "number", False, ("Mål",), 12),
    Column("malar", "Målår", "year", False, ("Mål år",), 10),
    Column("kalla", "Källa", "text", False, (), 30),
)
RIKTNINGAR = {"hogre": ("högre är bättre", "högre", "hogre", "öka", "ökande"),
              "lagre": ("lägre är bättre", "lägre", "lagre", "minska", "minskande")}
_RIKTNING_LOOKUP = {norm(v): k for k, vs in RIKTNINGAR.items() for v in vs}
RIKTNING_LABEL = {"hogre": "Högre är bättre", "lagre": "Lägre är bättre"}

# --- Everything else derived from ACTIVITY_COLUMNS -----------------------------------------------------------

# An activity's own columns in a table or a preview: the förvaltning is the upload's, not the row's.
ROW_KEYS = tuple(k for k in ACTIVITY_KEYS if k != "forvaltning")
# The canonical export (contract §4): period, förvaltning, the row's columns, the overdue flag.
EXPORT_COLUMNS = ("period", "forvaltning", *ROW_KEYS, "forsenad")
# The stored table ``activities``: the upload, its förvaltning and period, the row's columns, its Excel row.
STORED_ACTIVITY_COLUMNS = ("upload_id", "forvaltning", "period", *ROW_KEYS, "excel_row")
# Column kinds as database and Arrow types (the database table is checked against this by a test).
SQL_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "malomrade": "INTEGER", "forvaltning": "VARCHAR", "date": "DATE",
             "status": "VARCHAR", "percent": "INTEGER", "bedomning": "VARCHAR"}
_FIXED_SQL_TYPES = {"upload_id": "INTEGER", "forvaltning": "VARCHAR", "period": "VARCHAR", "excel_row": "INTEGER"}


def stored_activity_types() -> dict[str, str]:
    """Column → database type of the ``activities`` table, as the schema says it must be."""
    kinds = {c.key: c.kind for c in ACTIVITY_COLUMNS}
    return {k: _FIXED_SQL_TYPES.get(k) or SQL_TYPES[kinds[k]] for k in STORED_ACTIVITY_COLUMNS}
INDICATOR_EXPORT_COLUMNS = ("indikator", "malomrade", "enhet", "riktning", "malvarde", "malar", "kalla", "ar", "varde")


def status_label(value: object) -> str | None:
    """Canonical status for any accepted variant, regardless of case, whitespace and diacritics."""
    key = norm(value).replace(" ", "")
    return _STATUS_LOOKUP.get(key) or _STATUS_LOOKUP.get(key.rstrip(".!"))


def bedomning_label(value: object) -> str | None:
    n = norm(value)
    return _BEDOMNING_LOOKUP.get(n) or _BEDOMNING_LOOKUP.get(n.rstrip(".! "))


def riktning_key(value: object) -> str | None:
    return _RIKTNING_LOOKUP.get(norm(value))


_LOOKUPS: dict[int, dict[str, Column]] = {}


_LOOSE_LOOKUPS: dict[int, dict[str, Column]] = {}


def _loose(normalised: str) -> str:
    """A header without a parenthetical note, punctuation, spaces or a trailing '%': ``andel klart (%)`` → ``andelklart``."""
    s = re.sub(r"\([^)]*\)", "", normalised).strip() or normalised
    return re.sub(r"[^0-9a-z%]", "", s).rstrip("%")


def match_column(header: object, columns: tuple[Column, ...] = ACTIVITY_COLUMNS) -> Column | None:
    """The column a header means (any case, spacing, trailing ':' or '*', diacritics optional).

    Failing an exact match, punctuation and a parenthetical note are ignored (``Mål-område``,
    ``Andel klart %``, ``Slutdatum (deadline)``).
    """
    if not isinstance(header, str):
        return None
    lookup = _LOOKUPS.get(id(columns))
    if lookup is None:
        lookup = _LOOKUPS[id(columns)] = {n: c for c in reversed(columns) for n in c.names()}
        _LOOSE_LOOKUPS[id(columns)] = {_loose(n): c for c in reversed(columns) for n in c.names()}
    n = norm(header)
    found = lookup.get(n)
    if found is None and n:
        found = _LOOSE_LOOKUPS[id(columns)].get(_loose(n))
    return found


def info_key(label: object) -> str | None:
    n = norm(label)
    return next((k for k, names in INFO_FIELDS.items() if n in {norm(x) for x in names}), None)

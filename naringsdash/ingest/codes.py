"""The closed catalogue of issue codes: every problem the importer can report, with its Swedish template.

An ``Issue`` is made only through ``issue(code, ...)``, which refuses a code that is not here, so the codes the
command line's ``--json`` carries (``"code"``) are a fixed, documented vocabulary. A test checks that every code
has a template and a fixture named after it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

EMPTY = "(tom)"  # how an empty cell is written back to the user, never "None"

# code → Swedish message template (str.format fields given by the caller)
CATALOGUE: dict[str, str] = {
    # The file as a whole
    "unreadable": "{detail}",
    "busy": "{detail}",
    "no_sheet": "Hittar inget blad {name!r} och inget blad med rubrikraden ({required}). "
                "Använd mallen eller lägg till rubrikerna.",
    # Förvaltning and period of the upload (from the command, the form or the Info sheet)
    "missing_forvaltning": "Förvaltning saknas: ange den vid uppladdningen (--forvaltning) eller i bladet Info.",
    "missing_period": "Period saknas: ange den vid uppladdningen (--period) eller i bladet Info.",
    "bad_period": "Okänd period{where}: väntade {expected}.",
    "period_mismatch": "Perioden{where} ({found}) stämmer inte med den angivna perioden ({expected}).",
    "period_closed": "Perioden {period} är stängd för inrapportering; inget sparades. En administratör kan öppna "
                     "den igen (med en motivering).",
    "forvaltning_mismatch": "Förvaltningen{where} ({found}) stämmer inte med uppladdningens förvaltning ({expected}).",
    # The header row
    "missing_column": "Kolumnen {header!r} saknas i rubrikraden.",
    "duplicate_column": "Kolumnen betyder samma sak som {used!r}, som läses in; den här läses inte in.",
    "unknown_column": "Okänd kolumn; den läses inte in.",
    "no_years": "Inga årskolumner (t.ex. 2019, 2020) i rubrikraden.",
    # Cells
    "required": "Värde saknas: {header} måste fyllas i.",
    "bad_date": "Ogiltigt värde: väntade {expected}.",
    "bad_percent": "Ogiltigt värde: väntade {expected}.",
    "bad_status": "Ogiltigt värde: väntade {expected}.",
    "bad_bedomning": "Ogiltigt värde: väntade {expected}.",
    "bad_malomrade": "Ogiltigt värde: väntade {expected}.",
    "bad_forvaltning": "Okänd förvaltning{where}: väntade {expected}.",
    "bad_number": "Ogiltigt värde: väntade {expected}.",
    "bad_year": "Ogiltigt värde: väntade {expected}.",
    "bad_riktning": "Ogiltigt värde: väntade {expected}.",
    # Rules across cells and rows
    "duplicate_id": "Aktivitets-ID finns redan på rad {first}; varje aktivitet ska ha ett eget ID.",
    "duplicate_indicator": "Indikatorn finns redan på rad {first}.",
    "end_before_start": "Slutdatum ligger före startdatum ({start}).",
    # Warnings
    "done_not_100": "Status är Klar men andel klart är under 100 %.",
    "identical": "Filen är identisk med nuvarande version ({version}); ingen ny version skapades.",
    # The handlingsplan workbook (plan/sheet.py)
    "missing_year": "Planens år saknas: ange det vid inläsningen (--year) eller i bladet Info (År).",
    "year_mismatch": "Året i bladet Info ({found}) stämmer inte med det angivna ({expected}).",
    "no_rows": "Bladet har inga aktiviteter under rubrikraden.",
    "unknown_indicator": "Indikatorn finns inte i indikatorfilen; kopplingen visas när en indikator med det namnet "
                         "finns.",
    "unknown_goal_indicator": "Indikatorn finns inte i indikatorfilen; målet visas utan mätning tills den finns.",
    "lead_also_partner": "Den ansvariga förvaltningen står också som medverkande; den räknas bara som ansvarig.",
    # The Synpunkter sheet (synpunkter.py)
    "bad_synpunkt": "{detail}",
    "duplicate_synpunkt": "Samma synpunkt finns redan på rad {first}.",
    "synpunkt_exists": "Synpunkten finns redan i loggen; den läses inte in igen.",
}

WARNINGS = frozenset({"duplicate_column", "unknown_column", "done_not_100", "identical", "unknown_indicator",
                      "unknown_goal_indicator", "lead_also_partner", "synpunkt_exists"})


@dataclass
class Issue:
    """One problem: where (sheet, Excel row, column header as written, the activity), the value, the message."""

    code: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    activity: str | None = None  # "KLF-13 Företagsbesök med …": which activity the row is

    def as_dict(self) -> dict:
        """The contract's JSON shape, plus the code and the activity (added keys)."""
        d = asdict(self)
        return {k: d[k] for k in ("sheet", "row", "column", "value", "message", "code", "activity")}

    def __str__(self) -> str:
        where = ", ".join(x for x in (
            f"blad {self.sheet}" if self.sheet else "",
            f"rad {self.row}" if self.row else "",
            f"kolumn {self.column}" if self.column else "",
            f"aktivitet {self.activity}" if self.activity else "",
        ) if x)
        val = f" (värde: {self.value if self.value is not None else EMPTY})" if self.row else (
            f" (värde: {self.value})" if self.value is not None else "")
        return f"{where}: {self.message}{val}" if where else f"{self.message}{val}"


def issue(code: str, sheet: str | None = None, row: int | None = None, column: str | None = None,
          value: str | None = None, **fields: object) -> Issue:
    """An Issue with its message from the catalogue; an unknown code is a programming error."""
    template = CATALOGUE[code]
    fields.setdefault("where", "")
    return Issue(code, template.format(**fields), sheet, row, column, value)


def unreadable_file(exc: OSError) -> Issue:
    """A file that cannot be opened at all (gone, no permission): one wording for every importer."""
    return issue("unreadable", detail=f"Filen kan inte läsas: {exc.strerror or exc}.")


def activity_label(aktivitet_id: object, aktivitet: object, width: int = 40) -> str | None:
    """"KLF-13 Företagsbesök med kommunledningen" cut to ``width`` characters with …; None if neither is known."""
    aid = str(aktivitet_id).strip() if aktivitet_id not in (None, "") else ""
    text = " ".join(str(aktivitet).split()) if aktivitet not in (None, "") else ""
    if len(text) > width:  # cut at a word boundary
        cut = text[: width - 1]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,.;:-–") + "…"
    label = " ".join(x for x in (aid, text) if x)
    return label or None

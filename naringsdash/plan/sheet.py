"""The handlingsplan workbook: the ``Handlingsplan`` sheet (its columns declared like schema.py declares the
activity sheet), the optional ``Mål`` sheet (goals per målområde) and ``Info`` sheet (year, adopted when, by
whom, dnr), their validation and the template writer.

Validation follows the activity sheet's rules and reuses its machinery (header search, cell parsing, Issue):
never raises on bad data, every problem at once with sheet, Excel row, column header as written, value and a
Swedish message; the caller stores nothing unless there are no errors.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from .. import schema
from ..config import Reference
from ..export import safe_cell
from ..ingest.codes import Issue, issue
from ..ingest.reader import Workbook
from ..ingest.sheetrows import body_rows, find_columns, read_cells
from ..ingest.validate import _find_header, _number, _parse, _sheet_lookup
from ..ingest.values import EXPECT_DATE, display, is_empty, to_date, to_text, to_year
from ..matching import norm
from ..schema import Column

PLAN_SHEET = "Handlingsplan"
GOALS_SHEET = "Mål"
INFO_SHEET = schema.INFO_SHEET
INSTRUCTIONS_SHEET = schema.INSTRUCTIONS_SHEET
PLAN_SHEET_NAMES = ("handlingsplan", "plan", "aktiviteter i planen", "planens aktiviteter")
GOALS_SHEET_NAMES = ("mal", "malomraden", "mal per malomrade", "malomradesmal", "planens mal")

PLAN_COLUMNS: tuple[Column, ...] = (
    Column("aktivitet_id", "Aktivitets-ID", "id", True,
           ("ID", "Aktivitetsid", "Aktivitets id", "Aktivitet-ID", "Aktivitet id", "Nr", "Aktivitetsnummer", "Id-nr"),
           13, "Stabil kod för aktiviteten, samma år från år, unik i planen; förvaltningen rapporterar på den."),
    Column("aktivitet", "Aktivitet", "text", True, ("Åtgärd", "Aktivitetsbeskrivning", "Beskrivning"), 50,
           "Vad som ska göras."),
    Column("malomrade", "Målområde", "malomrade", True, ("Mål område", "Malomr", "Målområde nr"), 32,
           "1–6, namnet eller \"3. Namn\"."),
    Column("forvaltning", "Förvaltning", "forvaltning", True, ("Ansvarig förvaltning", "Förvaltning (ansvarig)"),
           14, "Ansvarig förvaltning, kod eller namn: den som rapporterar aktiviteten."),
    Column("medverkande", "Medverkande förvaltningar", "forvaltningar", False,
           ("Medverkande", "Medverkande förvaltning", "Samverkande förvaltningar", "I samverkan med"), 24,
           "Koder eller namn, åtskilda med komma eller semikolon."),
    Column("mal", "Mål/förväntat resultat", "text", False,
           ("Mål", "Förväntat resultat", "Mål och förväntat resultat", "Resultatmål", "Effektmål"), 40,
           "Målet eller det förväntade resultatet i ord."),
    Column("startdatum", "Startdatum", "date", False, ("Start", "Påbörjas"), 13, "Datum, t.ex. 2026-01-15."),
    Column("slutdatum", "Slutdatum", "date", True, ("Deadline", "Klart senast", "Slut", "Klar senast"), 13,
           "Sista dag (deadline), t.ex. 2026-12-31."),
    Column("indikatorer", "Indikatorer", "indikatorer", False,
           ("Indikator", "Kopplade indikatorer", "Påverkar indikator", "Påverkar indikatorer",
            "Indikatorer som påverkas"), 40,
           "Indikatorerna aktiviteten ska påverka, med namnen i indikatorfilen, åtskilda med semikolon."),
)
PLAN_KEYS = tuple(c.key for c in PLAN_COLUMNS)
PLAN_REQUIRED = tuple(c.key for c in PLAN_COLUMNS if c.required)

GOAL_COLUMNS: tuple[Column, ...] = (
    Column("malomrade", "Målområde", "malomrade", True, ("Mål område", "Malomr"), 30, "1–6, namnet eller \"3. Namn\"."),
    Column("mal", "Mål", "text", True, ("Målformulering", "Mål i ord", "Beskrivning"), 60, "Målet i ord."),
    Column("indikator", "Indikator", "text", False, ("Nyckeltal", "Mått"), 40,
           "Indikatorn som mäter målet, med namnet i indikatorfilen (valfri)."),
    Column("malvarde", "Målvärde", "number", False, ("Målnivå",), 12,
           "Valfritt; tomt betyder indikatorns eget målvärde."),
    Column("malar", "Målår", "year", False, ("Mål år",), 10, "Valfritt; tomt betyder indikatorns eget målår."),
)
GOAL_KEYS = tuple(c.key for c in GOAL_COLUMNS)

PLAN_INFO_FIELDS: dict[str, tuple[str, ...]] = {
    "ar": ("År", "Planår", "Handlingsplan för år", "Gäller år"),
    "antagen": ("Antagen", "Antagen datum", "Beslutsdatum", "Datum för beslut"),
    "antagen_av": ("Antagen av", "Beslutad av", "Beslutsinstans"),
    "dnr": ("Dnr", "Diarienummer", "Diarienr"),
}
_INFO_LOOKUP = {norm(n): k for k, names in PLAN_INFO_FIELDS.items() for n in names}
_LIST_SPLIT = re.compile(r"\s*[;,\n]\s*")
_INDICATOR_SPLIT = re.compile(r"\s*[;\n]\s*")  # indicator names may hold commas


@dataclass
class PlanParsed:
    """What a plan workbook holds once validated."""

    ar: int | None = None
    antagen: dt.date | None = None
    antagen_av: str | None = None
    dnr: str | None = None
    activities: list[dict] = field(default_factory=list)
    goals: list[dict] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return len(self.activities)


def split_list(value: object, pattern: re.Pattern = _LIST_SPLIT) -> list[str]:
    """A cell holding several values: ``KLF, SBF`` or ``KLF; SBF`` or one per line."""
    text = to_text(value) or ""
    return [p for p in pattern.split(text) if p]


def validate_plan(wb: Workbook, ref: Reference, year: int | None = None,
                  indicators: list[str] | None = None) -> PlanParsed:
    """Validate a plan workbook: Info, Handlingsplan and (optional) Mål. ``indicators``: the catalogue's names
    (a link to a name outside it is a warning, since the catalogue may be uploaded later)."""
    out = PlanParsed()
    sheets = _sheet_lookup(wb)
    info_name = sheets.get(norm(INFO_SHEET))
    goals_name = next((sheets[n] for n in GOALS_SHEET_NAMES if n in sheets), None)
    plan_name = next((sheets[n] for n in PLAN_SHEET_NAMES if n in sheets), None)
    if plan_name is None:
        skip = {info_name, goals_name, sheets.get(norm(INSTRUCTIONS_SHEET)), sheets.get("listor")}
        plan_name = next((name for name, rows in wb.sheets.items() if name not in skip
                          and _find_header(rows, PLAN_COLUMNS, PLAN_REQUIRED)[0] is not None), None)
    catalogue = {norm(n): n for n in indicators or []}
    _read_info(wb.sheets[info_name] if info_name else [], info_name, year, out)
    if plan_name is None:
        names = ", ".join(c.header for c in PLAN_COLUMNS if c.required)
        out.errors.append(issue("no_sheet", name=PLAN_SHEET, required=names))
    else:
        _validate_activities(wb.sheets[plan_name], plan_name, ref, catalogue, out, wb.formats.get(plan_name, {}))
    if goals_name:
        _validate_goals(wb.sheets[goals_name], goals_name, ref, catalogue, out, wb.formats.get(goals_name, {}))
    return out


def _read_info(rows: list[list[object]], sheet: str | None, year: int | None, out: PlanParsed) -> None:
    info: dict[str, tuple[object, int]] = {}
    for i, cells in enumerate(rows):
        if len(cells) >= 2 and (key := _INFO_LOOKUP.get(norm(cells[0]))) and not is_empty(cells[1]) \
                and key not in info:
            info[key] = (cells[1], i + 1)
    raw, row = info.get("ar", (None, None))
    from_info = to_year(raw) if raw is not None else None
    if raw is not None and from_info is None:
        out.errors.append(issue("bad_year", sheet, row, "År", display(raw), expected="ett årtal, t.ex. 2027"))
    if year is not None and from_info is not None and year != from_info:
        out.errors.append(issue("year_mismatch", sheet, row, "År", display(raw), found=from_info, expected=year))
    out.ar = year or from_info
    if out.ar is None and raw is None:
        out.errors.append(issue("missing_year", None, None, "År"))
    raw, row = info.get("antagen", (None, None))
    if raw is not None:
        try:
            out.antagen = to_date(raw)
        except ValueError:
            out.errors.append(issue("bad_date", sheet, row, "Antagen", display(raw), expected=EXPECT_DATE))
    out.antagen_av = to_text(info.get("antagen_av", (None,))[0])
    out.dnr = to_text(info.get("dnr", (None,))[0])


def _validate_activities(rows: list[list[object]], sheet: str, ref: Reference, catalogue: dict[str, str],
                         out: PlanParsed, formats: dict[tuple[int, int], str]) -> None:
    found = find_columns(rows, sheet, PLAN_COLUMNS, PLAN_REQUIRED, out)
    if found is None:
        return
    header_idx, cols = found

    def parse(c: Column, raw: object, fmt: str | None, excel_row: int, header: str) -> object:
        if c.kind == "forvaltningar":
            codes: list[str] = []
            bad: list[str] = []
            for part in split_list(raw):
                code = ref.forvaltning_code(part)
                (codes if code else bad).append(code or part)
            if bad:
                raise ValueError("förvaltningarnas koder eller namn åtskilda med komma, t.ex. "
                                 f"{', '.join(list(ref.forvaltningar)[:2])} (okänd: {', '.join(bad)})")
            return list(dict.fromkeys(codes))
        if c.kind == "indikatorer":
            names = []
            for part in split_list(raw, _INDICATOR_SPLIT):
                known = catalogue.get(norm(part))
                if catalogue and known is None:
                    out.warnings.append(issue("unknown_indicator", sheet, excel_row, header, part))
                names.append(known or part)
            return list(dict.fromkeys(names))
        return _parse(c, raw, ref, False, fmt)  # fmt: a date cell showing only year and month

    seen: dict[str, int] = {}
    for excel_row, row in body_rows(rows, header_idx, cols):
        values, ok = read_cells(row, excel_row, sheet, PLAN_COLUMNS, cols, parse, out, formats)
        rec: dict[str, object] = {**dict.fromkeys(PLAN_KEYS), "medverkande": [], "indikatorer": [], **values,
                                  "row": excel_row}
        aid = rec["aktivitet_id"]  # an id cell reads as text
        if isinstance(aid, str) and aid in seen:
            ok = False
            out.errors.append(issue("duplicate_id", sheet, excel_row, cols["aktivitet_id"][1], aid, first=seen[aid]))
        elif isinstance(aid, str):
            seen[aid] = excel_row
        start, end = rec["startdatum"], rec["slutdatum"]
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            ok = False
            out.errors.append(issue("end_before_start", sheet, excel_row, cols["slutdatum"][1],
                                    end.isoformat(), start=start))
        lead, partners = rec["forvaltning"], rec["medverkande"]
        if isinstance(lead, str) and lead and isinstance(partners, list) and lead in partners:
            rec["medverkande"] = [f for f in partners if f != lead]
            out.warnings.append(issue("lead_also_partner", sheet, excel_row, cols["medverkande"][1], lead))
        if ok:
            out.activities.append(rec)
    if not seen and not any(e.sheet == sheet for e in out.errors):
        out.errors.append(issue("no_rows", sheet, header_idx + 1))


def _validate_goals(rows: list[list[object]], sheet: str, ref: Reference, catalogue: dict[str, str],
                    out: PlanParsed, formats: dict[tuple[int, int], str]) -> None:
    found = find_columns(rows, sheet, GOAL_COLUMNS, ("malomrade", "mal"), out)
    if found is None:
        return
    header_idx, cols = found

    def parse(c: Column, raw: object, fmt: str | None, excel_row: int, header: str) -> object:
        return _number(raw, fmt) if c.kind == "number" else _parse(c, raw, ref, False, fmt)

    for excel_row, row in body_rows(rows, header_idx, cols):
        values, ok = read_cells(row, excel_row, sheet, GOAL_COLUMNS, cols, parse, out, formats)
        rec: dict[str, object] = {**dict.fromkeys(GOAL_KEYS), **values, "row": excel_row}
        name = rec["indikator"]  # a text cell
        if isinstance(name, str) and name and catalogue:
            known = catalogue.get(norm(name))
            if known is None:
                out.warnings.append(issue("unknown_goal_indicator", sheet, excel_row, cols["indikator"][1], name))
            rec["indikator"] = known or name
        if ok:
            out.goals.append(rec)


# --- The plan workbook: an empty template, or a plan written out (export) -----------------------------------

def _instructions() -> list[str]:
    lines = [
        "Handlingsplan för näringslivsarbetet – mall för Näringsdash",
        "",
        "1. Bladet Handlingsplan: en rad per aktivitet. Rubrikerna i rött måste fyllas i.",
        "2. Aktivitets-ID är aktivitetens stabila kod: samma ID år från år för en aktivitet som fortsätter, och samma",
        "   ID som förvaltningen använder i sin uppföljning.",
        "3. Bladet Mål (valfritt): planens mål per målområde, med den indikator och det målvärde som mäter målet.",
        "4. Bladet Info: År, Antagen (datum), Antagen av (t.ex. Kommunfullmäktige) och Dnr.",
        "5. Läs in: python -m naringsdash plan import FIL --year ÅÅÅÅ. Om något är fel får du en lista med blad,",
        "   rad och kolumn att rätta; ingenting sparas förrän hela filen är rätt.",
        "",
        "Kolumner i bladet Handlingsplan:",
    ]
    lines += [f"• {c.header}{' (obligatorisk)' if c.required else ''}: {c.help}" for c in PLAN_COLUMNS]
    lines += ["", "Kolumner i bladet Mål:"]
    lines += [f"• {c.header}{' (obligatorisk)' if c.required else ''}: {c.help}" for c in GOAL_COLUMNS]
    return lines


def _sheet(wb, title: str, columns: tuple[Column, ...], rows: list[list[object]], first: bool = False):
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.active if first else wb.create_sheet(title)
    ws.title = title
    ws.append([c.header for c in columns])
    for j, c in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="7A2E0E" if c.required else "1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = c.width
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for j, c in enumerate(columns, start=1):
        if c.kind == "date":
            for r in range(2, ws.max_row + 1):
                ws.cell(row=r, column=j).number_format = "yyyy-mm-dd"
    return ws


def plan_workbook_bytes(ref: Reference, *, year: int | None = None, meta: dict | None = None,
                        activities: list[dict] | None = None, goals: list[dict] | None = None) -> bytes:
    """An empty plan workbook (the template), or a stored plan written out; read back, it is the same plan."""
    from openpyxl import Workbook as XlsxWorkbook
    from openpyxl.worksheet.datavalidation import DataValidation

    meta = meta or {}

    def mal(nr):
        return f"{int(nr)}. {ref.malomrade_name(int(nr))}" if nr is not None else None

    wb = XlsxWorkbook()
    ws = _sheet(wb, PLAN_SHEET, PLAN_COLUMNS, [
        [a["aktivitet_id"], a["aktivitet"], mal(a["malomrade"]), a["forvaltning"],
         ", ".join(a.get("medverkande") or []) or None, a.get("mal"), a.get("startdatum"), a.get("slutdatum"),
         "; ".join(a.get("indikatorer") or []) or None] for a in activities or []], first=True)
    gs = _sheet(wb, GOALS_SHEET, GOAL_COLUMNS, [
        [mal(g["malomrade"]), g["mal"], g.get("indikator"), g.get("malvarde"), g.get("malar")] for g in goals or []])
    lists = wb.create_sheet("Listor")
    lists.sheet_state = "hidden"
    vocab = {"malomrade": [f"{nr}. {name}" for nr, name in sorted(ref.malomraden.items())],
             "forvaltning": list(ref.forvaltningar)}
    last = max(ws.max_row, 1) + 300
    for j, (key, values) in enumerate(vocab.items(), start=1):
        letter = "AB"[j - 1]
        for i, v in enumerate(values, start=2):
            lists[f"{letter}{i}"] = v
        for sheet, columns in ((ws, PLAN_COLUMNS), (gs, GOAL_COLUMNS)):
            col = next((k for k, c in enumerate(columns) if c.key == key), None)
            if col is None:
                continue
            dv = DataValidation(type="list", formula1=f"=Listor!${letter}$2:${letter}${len(values) + 1}",
                                allow_blank=True, showErrorMessage=False)
            sheet.add_data_validation(dv)
            cl = "ABCDEFGHIJ"[col]
            dv.add(f"{cl}2:{cl}{last}")
    info = wb.create_sheet(INFO_SHEET)
    for label, key in (("År", "ar"), ("Antagen", "antagen"), ("Antagen av", "antagen_av"), ("Dnr", "dnr")):
        value = year if key == "ar" and year else meta.get(key)
        info.append([label, safe_cell(value)])
        if key == "antagen":
            info.cell(row=info.max_row, column=2).number_format = "yyyy-mm-dd"
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 36
    instr = wb.create_sheet(INSTRUCTIONS_SHEET)
    for line in _instructions():
        instr.append([line])
    instr.column_dimensions["A"].width = 120
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

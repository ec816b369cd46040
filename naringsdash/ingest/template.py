"""The follow-up workbook (uppföljningsmall), written from the schema with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from typing import SupportsInt

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import plan, schema, store
from ..config import Reference, current_reference, period_end, period_label
from ..export import FORMULA_PREFIXES
from ..store import queries

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
READ_ONLY_FILL = PatternFill("solid", fgColor="595959")  # last period's comment: to read, not read in
READ_ONLY_CELL_FILL = PatternFill("solid", fgColor="EDEDED")
REQUIRED_FILL = PatternFill("solid", fgColor="7A2E0E")
EXTRA_ROWS = 300


def _review(source: str | None, period: str) -> list[str]:
    """What the rapportör reviews in a template carried forward from an earlier period."""
    if source is None:
        return []
    if source == period:
        return [f"Mallen är ifylld med förvaltningens nuvarande uppföljning för {period_label(period)}, "
                "kommentarerna inräknade. Ändra det som ska rättas och ladda upp igen; det blir en ny version.", ""]
    return [
        f"Mallen är ifylld med förvaltningens uppföljning från {period_label(source)}: aktiviteterna med Status, "
        "Andel klart (%) och Bedömning som de var då.",
        "Gå igenom varje rad och ändra bara det som har ändrats sedan dess:",
        "• Status: har aktiviteten blivit klar, försenad, påbörjad eller avbruten?",
        "• Andel klart (%): hur långt har arbetet kommit per periodens slut?",
        "• Bedömning: stämmer Grön, Gul eller Röd fortfarande?",
        "• Slutdatum: har tidplanen ändrats?",
        "• Kommentar: skriv en ny kommentar för den här perioden (kolumnen är tom).",
        f"Kolumnen \"{schema.PREVIOUS_COMMENT_HEADER}\" visar förra periodens kommentar att läsa; den läses inte in.",
        "Lägg till nya aktiviteter längst ner och ta bort rader för aktiviteter som inte längre ska följas upp.",
        "",
    ]


def _instructions(ref: Reference, forvaltning: str, period: str, source: str | None = None) -> list[str]:
    lines = [
        f"Uppföljning av handlingsplanen för näringslivsarbetet – {ref.forvaltning_name(forvaltning)}, "
        f"{period_label(period)} (t.o.m. {period_end(period).isoformat()})",
        "",
        *_review(source, period),
        "Så fyller du i mallen:",
        "1. Fyll i en rad per aktivitet i bladet Aktiviteter. Rubrikerna i rött måste fyllas i.",
        "2. Behåll Aktivitets-ID från förra perioden så att aktiviteten kan följas över tid.",
        "3. Välj Status, Målområde och Bedömning i listorna. Datum skrivs ÅÅÅÅ-MM-DD.",
        "4. Skriv Rapporterad av i bladet Info och ändra inte förvaltning eller period där.",
        "5. Ladda upp filen i Näringsdash. Om något är fel får du en lista med blad, rad och kolumn att rätta;",
        "   ingenting sparas förrän hela filen är rätt.",
        "",
        "Kolumner:",
    ]
    for c in schema.ACTIVITY_COLUMNS:
        lines.append(f"• {c.header}{' (obligatorisk)' if c.required else ''}: {c.help}")
    lines += ["", "En aktivitet räknas som försenad när status är Försenad, eller när slutdatum har passerats "
                  "och status varken är Klar eller Avbruten."]
    return lines


def template_bytes(forvaltning: str, period: str, db: store.Store, ref: Reference | None = None,
                   prefill: bool = True, reporter: str = "") -> bytes:
    """An empty or pre-filled follow-up workbook for one förvaltning and period."""
    ref = ref or current_reference()
    planned = _planned(forvaltning, period, db, ref) if prefill else None
    rows = queries.latest_activities(forvaltning, db, upto=period) if prefill else None
    source = str(rows["period"].iloc[0]) if rows is not None and not rows.empty else None
    carried = source is not None and source != period  # from an earlier period: a new comment is to be written
    previous = ({str(r["aktivitet_id"]): r["kommentar"] for r in rows.to_dict("records")}
                if carried and rows is not None else {})
    if planned is not None:  # the plan of the period's year decides the rows; last period's state is carried in
        rows = None
    wb = Workbook()
    ws = wb.active
    ws.title = schema.ACTIVITY_SHEET
    cols = schema.ACTIVITY_COLUMNS
    ws.append([c.header for c in cols] + [schema.PREVIOUS_COMMENT_HEADER])
    for j, c in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = REQUIRED_FILL if c.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = c.width
    ro = len(cols) + 1  # the read-only column with last period's comment
    cell = ws.cell(row=1, column=ro)
    cell.font = Font(bold=True, color="FFFFFF")
    cell.fill = READ_ONLY_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.column_dimensions[get_column_letter(ro)].width = 50
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"

    n = 0
    if rows is not None:
        for rec in rows.to_dict("records"):
            n += 1
            values = {
                "aktivitet_id": rec["aktivitet_id"], "aktivitet": rec["aktivitet"],
                "malomrade": f"{int(rec['malomrade'])}. {ref.malomrade_name(int(rec['malomrade']))}",
                "forvaltning": forvaltning, "ansvarig": rec["ansvarig"],
                "startdatum": _date(rec["startdatum"]), "slutdatum": _date(rec["slutdatum"]),
                # carried forward: this period starts from last period's state, the rapportör changes what changed
                "status": _text(rec["status"]), "andel_klar": _int(rec["andel_klar"]),
                "bedomning": _text(rec["bedomning"]), "kommentar": None if carried else _text(rec["kommentar"]),
            }
            old = rec["kommentar"] if carried else None
            ws.append([values.get(c.key) for c in cols] + [_text(old)])
            _as_text(ws[ws.max_row])
            ws.cell(row=ws.max_row, column=ro).fill = READ_ONLY_CELL_FILL
            ws.cell(row=ws.max_row, column=ro).alignment = Alignment(wrap_text=True, vertical="top")
    for values in planned or []:  # the plan of the period's year, when there is one
        n += 1
        old = previous.get(str(values.get("aktivitet_id")))
        ws.append([values.get(c.key) for c in cols] + [_text(old)])
        _as_text(ws[ws.max_row])
        ws.cell(row=ws.max_row, column=ro).fill = READ_ONLY_CELL_FILL
        ws.cell(row=ws.max_row, column=ro).alignment = Alignment(wrap_text=True, vertical="top")
    last = n + EXTRA_ROWS + 1
    for j, c in enumerate(cols, start=1):
        letter = get_column_letter(j)
        if c.kind == "date":
            for r in range(2, last + 1):
                ws[f"{letter}{r}"].number_format = "yyyy-mm-dd"
        if c.kind in ("id", "text"):
            for r in range(2, last + 1):
                ws[f"{letter}{r}"].number_format = "@"
                ws[f"{letter}{r}"].alignment = Alignment(wrap_text=c.width > 30, vertical="top")

    lists = wb.create_sheet("Listor")
    lists.sheet_state = "hidden"
    vocab = {
        "status": list(schema.STATUS_ORDER),
        "malomrade": [f"{nr}. {name}" for nr, name in sorted(ref.malomraden.items())],
        "bedomning": list(schema.BEDOMNINGAR),
        "forvaltning": list(ref.forvaltningar),
    }
    for j, (key, choices) in enumerate(vocab.items(), start=1):
        letter = get_column_letter(j)
        lists[f"{letter}1"] = key
        for i, v in enumerate(choices, start=2):
            lists[f"{letter}{i}"] = v
        col = next(k for k, c in enumerate(cols, start=1) if c.key == key)
        dv = DataValidation(type="list", formula1=f"=Listor!${letter}$2:${letter}${len(choices) + 1}",
                            allow_blank=True, showErrorMessage=key != "malomrade")
        dv.error = "Välj ett värde i listan."
        dv.errorTitle = "Ogiltigt värde"
        ws.add_data_validation(dv)
        dv.add(f"{get_column_letter(col)}2:{get_column_letter(col)}{last}")
    pct = next(k for k, c in enumerate(cols, start=1) if c.key == "andel_klar")
    dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                        showErrorMessage=True, error="Andel klart ska vara ett tal mellan 0 och 100.")
    ws.add_data_validation(dv)
    dv.add(f"{get_column_letter(pct)}2:{get_column_letter(pct)}{last}")

    info = wb.create_sheet(schema.INFO_SHEET)
    for row in (("Förvaltning", forvaltning), ("Förvaltningens namn", ref.forvaltning_name(forvaltning)),
                ("Period", period), ("Rapporterad av", reporter),
                ("Mall skapad", dt.date.today().isoformat())):
        info.append([row[0], row[1]])
        _as_text(info[info.max_row])
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 40
    for cell in info["A"]:
        cell.font = Font(bold=True)

    instr = wb.create_sheet(schema.INSTRUCTIONS_SHEET)
    for line in _instructions(ref, forvaltning, period, source):
        instr.append([line])
    instr["A1"].font = Font(bold=True, size=14)
    instr.column_dimensions["A"].width = 120

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _planned(forvaltning: str, period: str, db, ref: Reference) -> list[dict] | None:
    """The template's rows from the handlingsplan of the period's year (None without one: rows as before)."""
    with store.connect(db) as con:
        return plan.template_values(con, forvaltning, period, ref)


def _as_text(cells) -> None:
    """Text that looks like a formula (``=X``, ``+1+1``, ``@SUM(1)``) stays text, exactly as written: a string
    cell with Excel's quote-prefix style, so it never runs as a formula and comes back unchanged on upload."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"
            cell.quotePrefix = True


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


def _int(value: object) -> int | None:
    try:
        import pandas as pd

        if value is None or pd.isna(value) or not isinstance(value, (str, SupportsInt)):
            return None
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value: object) -> dt.date | None:
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        return pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None

"""Raw workbook rows → clean rows and a complete list of issues.

Never raises on bad data: every problem becomes an Issue with the sheet, the
row number as Excel shows it, the column header as written in the file, the
offending value and a Swedish message saying what is expected.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .. import schema
from .cellformats import MONTH, PERCENT
from ..config import Reference, parse_period
from .reader import Workbook
from ..matching import norm
from .values import (EXPECT_DATE, display, is_empty, is_fraction_column, to_date, to_number, to_percent, to_text,
                     to_year)

HEADER_SCAN_ROWS = 50
MEMO_KINDS = frozenset({"status", "bedomning", "malomrade", "forvaltning", "percent", "date"})


@dataclass
class Issue:
    code: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def as_dict(self) -> dict:
        """The contract's JSON shape."""
        d = asdict(self)
        d.pop("code")
        return {k: d[k] for k in ("sheet", "row", "column", "value", "message")}

    def __str__(self) -> str:
        where = ", ".join(x for x in (
            f"blad {self.sheet}" if self.sheet else "",
            f"rad {self.row}" if self.row else "",
            f"kolumn {self.column}" if self.column else "",
        ) if x)
        val = f" (värde: {self.value!s})" if self.value is not None else ""
        return f"{where}: {self.message}{val}" if where else f"{self.message}{val}"


@dataclass
class Parsed:
    """What a workbook holds once validated."""

    forvaltning: str | None = None
    period: str | None = None
    reported_by: str | None = None
    activities: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    has_activities: bool = False
    has_indicators: bool = False
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return len(self.activities) + len(self.indicators)


def _find_header(rows: list[list[object]], columns: tuple[schema.Column, ...],
                 required: tuple[str, ...]) -> tuple[int | None, dict[int, schema.Column], int]:
    """First row holding all required headers → (row index, {col index: Column}, best row index)."""
    best, best_hits = 0, -1
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = {j: c for j, v in enumerate(row) if isinstance(v, str) and (c := schema.match_column(v, columns))}
        keys = {c.key for c in mapping.values()}
        if all(k in keys for k in required):
            return i, mapping, i
        if len(keys) > best_hits:
            best, best_hits = i, len(keys)
    return None, {}, best


def _sheet_lookup(wb: Workbook) -> dict[str, str]:
    return {norm(name): name for name in reversed(list(wb.sheets))}


def _read_info(rows: list[list[object]]) -> dict[str, object]:
    """Label/value pairs of the Info sheet; ``row:<key>`` holds the Excel row of each value."""
    info: dict[str, object] = {}
    for i, row in enumerate(rows):
        if len(row) >= 2 and (key := schema.info_key(row[0])) and not is_empty(row[1]) and key not in info:
            info[key] = row[1]
            info[f"row:{key}"] = i + 1
    return info


def validate_workbook(wb: Workbook, ref: Reference, forvaltning: str | None = None,
                      period: str | None = None) -> Parsed:
    """Validate a whole workbook: Info, Aktiviteter and Indikatorer."""
    out = Parsed()
    sheets = _sheet_lookup(wb)
    info_name = sheets.get("info")
    info = _read_info(wb.sheets[info_name]) if info_name else {}
    out.reported_by = to_text(info.get("rapporterad_av"))

    ind_name = sheets.get(norm(schema.INDICATOR_SHEET))
    act_name = sheets.get(norm(schema.ACTIVITY_SHEET))
    act_header = None
    if act_name is None:
        skip = {info_name, ind_name, sheets.get(norm(schema.INSTRUCTIONS_SHEET))}
        for name, rows in wb.sheets.items():
            if name in skip:
                continue
            idx, mapping, _ = _find_header(rows, schema.ACTIVITY_COLUMNS, schema.REQUIRED_KEYS)
            if idx is not None:
                act_name, act_header = name, (idx, mapping)
                break

    if ind_name:
        out.has_indicators = True
        _validate_indicators(wb.sheets[ind_name], ind_name, ref, out, wb.formats.get(ind_name, {}))
    if act_name is None:
        if not ind_name:
            names = ", ".join(c.header for c in schema.ACTIVITY_COLUMNS if c.required)
            out.errors.append(Issue("no_sheet", f"Hittar inget blad {schema.ACTIVITY_SHEET!r} och inget blad med "
                                                f"rubrikraden ({names}). Använd mallen eller lägg till rubrikerna."))
        return out

    out.has_activities = True
    _resolve_context(out, ref, forvaltning, period, info, info_name)
    _validate_activities(wb.sheets[act_name], act_name, ref, out, act_header, wb.formats.get(act_name, {}))
    return out


def _resolve_context(out: Parsed, ref: Reference, forvaltning: str | None, period: str | None,
                     info: dict[str, object], info_name: str | None) -> None:
    """Förvaltning and period from the command (or form) and the Info sheet; they must agree."""
    for key, given, parse, label, expect in (
        ("forvaltning", forvaltning, ref.forvaltning_code, "Förvaltning",
         "en förvaltnings kod eller namn, t.ex. " + ", ".join(list(ref.forvaltningar)[:3])),
        ("period", period, parse_period, "Period", "en period, t.ex. 2025-T2, T1 2025, Delår 2025 eller Helår 2025"),
    ):
        from_cmd = parse(given) if not is_empty(given) else None
        if not is_empty(given) and from_cmd is None:
            out.errors.append(Issue(f"bad_{key}", f"Okänd {label.lower()}: väntade {expect}.", None, None, label,
                                    display(given)))
        raw_info = info.get(key)
        from_info = parse(raw_info) if not is_empty(raw_info) else None
        if not is_empty(raw_info) and from_info is None:
            out.errors.append(Issue(f"bad_{key}", f"Okänd {label.lower()} i bladet Info: väntade {expect}.",
                                    info_name, info.get(f"row:{key}"), label, display(raw_info)))
        if from_cmd and from_info and from_cmd != from_info:
            out.errors.append(Issue(f"{key}_mismatch", f"{label} i bladet Info ({from_info}) stämmer inte med den "
                                    f"angivna ({from_cmd}).", info_name, info.get(f"row:{key}"), label,
                                    display(raw_info)))
        value = from_cmd or from_info
        if value is None and is_empty(given) and is_empty(raw_info):
            out.errors.append(Issue(f"missing_{key}", f"{label} saknas: ange den vid uppladdningen (--{key}) "
                                                      f"eller i bladet Info.", None, None, label))
        setattr(out, key, value)


def _validate_activities(rows: list[list[object]], sheet: str, ref: Reference, out: Parsed,
                         found: tuple[int, dict[int, schema.Column]] | None,
                         formats: dict[tuple[int, int], str] | None = None) -> None:
    if found:
        header_idx, mapping = found
    else:
        header_idx, mapping, best = _find_header(rows, schema.ACTIVITY_COLUMNS, schema.REQUIRED_KEYS)
        if header_idx is None:
            have = {c.key for j, v in enumerate(rows[best] if rows else []) if (c := schema.match_column(v))}
            for c in schema.ACTIVITY_COLUMNS:
                if c.required and c.key not in have:
                    out.errors.append(Issue("missing_column", f"Kolumnen {c.header!r} saknas i rubrikraden.",
                                            sheet, best + 1 if rows else None, c.header))
            return
    header_row = rows[header_idx]
    cols: dict[str, tuple[int, str]] = {}  # key → (index, header as written)
    for j, c in sorted(mapping.items()):
        text = to_text(header_row[j]) or c.header
        if c.key in cols:  # the canonical header wins over a synonym ("Aktivitets-ID" over a running "Nr")
            used, ignored = cols[c.key], (j, text)
            if norm(text) == norm(c.header) != norm(used[1]):
                used, ignored = ignored, used
            cols[c.key] = used
            out.warnings.append(Issue("duplicate_column", f"Kolumnen betyder samma sak som {used[1]!r}, som läses "
                                                          f"in; den här läses inte in.", sheet, header_idx + 1,
                                      ignored[1]))
        else:
            cols[c.key] = (j, text)
    for j, v in enumerate(header_row):
        if j not in mapping and not is_empty(v):
            out.warnings.append(Issue("unknown_column", "Okänd kolumn; den läses inte in.", sheet, header_idx + 1,
                                      to_text(v), None))

    body = rows[header_idx + 1:]
    fraction = False
    if "andel_klar" in cols:
        j = cols["andel_klar"][0]
        fraction = is_fraction_column([r[j] for r in body if j < len(r)])
    seen_ids: dict[str, int] = {}
    col_items = [(c, j, header, c.kind in MEMO_KINDS) for c in schema.ACTIVITY_COLUMNS
                 if c.key in cols for j, header in [cols[c.key]]]
    blank = dict.fromkeys(schema.ACTIVITY_KEYS)
    memo: dict[tuple, object] = {}  # vocabulary cells repeat: parse each distinct value once

    read = sorted(j for _, j, _, _ in col_items)  # cells in ignored columns do not make a row non-empty
    for offset, row in enumerate(body):
        if not any(_filled(row[j]) for j in read if j < len(row)):
            continue
        excel_row = header_idx + 2 + offset
        rec: dict[str, object] = {**blank, "row": excel_row}
        ok = True
        width = len(row)
        for c, j, header, memoize in col_items:
            raw = row[j] if j < width else None
            if not _filled(raw):
                if c.required:
                    ok = False
                    out.errors.append(Issue("required", f"Värde saknas: {c.header} måste fyllas i.", sheet,
                                            excel_row, header, None))
                continue
            fmt = formats.get((excel_row - 1, j)) if formats else None
            if memoize:
                key = (c.kind, type(raw), raw, fmt)
                value = memo.get(key, memo)
                if value is memo:
                    try:
                        value = memo[key] = _parse(c, raw, ref, fraction, fmt)
                    except ValueError as exc:
                        value = memo[key] = exc
            else:
                try:
                    value = _parse(c, raw, ref, fraction, fmt)
                except ValueError as exc:
                    value = exc
            if isinstance(value, ValueError):
                ok = False
                out.errors.append(Issue(f"bad_{c.kind}", f"Ogiltigt värde: väntade {value}.", sheet, excel_row,
                                        header, display(raw, fmt)))
            else:
                rec[c.key] = value
        _check_row(rec, sheet, cols, out, seen_ids)  # also for a row with bad cells: report everything at once
        if ok:
            out.activities.append(rec)


def _filled(v: object) -> bool:
    """Not an empty cell (None, '' or only whitespace)."""
    if v is None or v == "":
        return False
    return not isinstance(v, str) or bool(v.strip(" \t\r\n\u00a0\u202f"))


def _parse(c: schema.Column, raw: object, ref: Reference, fraction: bool, fmt: str | None = None) -> object:
    """One cell; ``fmt`` is the cell's number format when it matters (cellformats.PERCENT or MONTH)."""
    kind = c.kind
    if kind in ("text", "id"):
        return to_text(raw)
    if kind == "date":
        return to_date(raw, month_only=fmt == MONTH)
    if kind == "percent":
        return to_percent(raw, fraction, percent_cell=fmt == PERCENT)
    if kind == "status":
        if (label := schema.status_label(raw)) is None:
            raise ValueError("en status: " + ", ".join(schema.STATUS_ORDER))
        return label
    if kind == "bedomning":
        if (label := schema.bedomning_label(raw)) is None:
            raise ValueError("Grön, Gul eller Röd")
        return label
    if kind == "malomrade":
        if (nr := ref.malomrade_nr(raw)) is None:
            raise ValueError(f"ett målområde 1–{max(ref.malomraden)}, dess namn eller \"3. Namn\"")
        return nr
    if kind == "forvaltning":
        if (code := ref.forvaltning_code(raw)) is None:
            raise ValueError("en förvaltnings kod eller namn, t.ex. " + ", ".join(list(ref.forvaltningar)[:3]))
        return code
    if kind == "number":
        return to_number(raw)
    if kind == "year":
        if (y := to_year(raw)) is None:
            raise ValueError("ett årtal, t.ex. 2030")
        return y
    if kind == "riktning":
        if (r := schema.riktning_key(raw)) is None:
            raise ValueError("Högre är bättre eller Lägre är bättre")
        return r
    raise AssertionError(kind)


def _check_row(rec: dict, sheet: str, cols: dict[str, tuple[int, str]], out: Parsed, seen: dict[str, int]) -> None:
    """Rules across cells of one row, and uniqueness across rows."""
    row = rec["row"]
    aid = rec["aktivitet_id"]
    if aid is None:
        pass
    elif aid in seen:
        out.errors.append(Issue("duplicate_id", f"Aktivitets-ID finns redan på rad {seen[aid]}; varje aktivitet "
                                                f"ska ha ett eget ID.", sheet, row, cols["aktivitet_id"][1], aid))
    else:
        seen[aid] = row
    if rec.get("forvaltning") and out.forvaltning and rec["forvaltning"] != out.forvaltning:
        out.errors.append(Issue("forvaltning_mismatch", f"Förvaltningen stämmer inte med uppladdningens "
                                f"förvaltning ({out.forvaltning}).", sheet, row, cols["forvaltning"][1],
                                rec["forvaltning"]))
    if rec.get("startdatum") and rec.get("slutdatum") and rec["slutdatum"] < rec["startdatum"]:
        out.errors.append(Issue("end_before_start", f"Slutdatum ligger före startdatum ({rec['startdatum']}).",
                                sheet, row, cols["slutdatum"][1], rec["slutdatum"].isoformat()))
    if rec["status"] == "Klar" and rec.get("andel_klar") is not None and rec["andel_klar"] < 100:
        out.warnings.append(Issue("done_not_100", "Status är Klar men andel klart är under 100 %.", sheet, row,
                                  cols["andel_klar"][1], str(rec["andel_klar"])))


def _validate_indicators(rows: list[list[object]], sheet: str, ref: Reference, out: Parsed,
                         formats: dict[tuple[int, int], str] | None = None) -> None:
    header_idx, mapping, best = _find_header(rows, schema.INDICATOR_COLUMNS, ("indikator",))
    if header_idx is None:
        out.errors.append(Issue("missing_column", "Kolumnen 'Indikator' saknas i rubrikraden.", sheet,
                                best + 1 if rows else None, "Indikator"))
        return
    header_row = rows[header_idx]
    years = {j: y for j, v in enumerate(header_row) if j not in mapping and (y := to_year(v))}
    cols = {c.key: (j, to_text(header_row[j]) or c.header) for j, c in sorted(mapping.items(), reverse=True)}
    for c in schema.INDICATOR_COLUMNS:
        if c.key in ("indikator", "riktning") and c.key not in cols:
            out.errors.append(Issue("missing_column", f"Kolumnen {c.header!r} saknas i rubrikraden.", sheet,
                                    header_idx + 1, c.header))
    if not years:
        out.errors.append(Issue("no_years", "Inga årskolumner (t.ex. 2019, 2020) i rubrikraden.", sheet,
                                header_idx + 1))
    for j, v in enumerate(header_row):
        if j not in mapping and j not in years and not is_empty(v):
            out.warnings.append(Issue("unknown_column", "Okänd kolumn; den läses inte in.", sheet, header_idx + 1,
                                      to_text(v)))
    if out.errors:
        return
    seen: dict[str, int] = {}
    read = sorted({j for j, _ in cols.values()} | set(years))  # cells in ignored columns do not count
    for offset, row in enumerate(rows[header_idx + 1:]):
        if all(is_empty(row[j]) for j in read if j < len(row)):
            continue
        excel_row = header_idx + 2 + offset
        meta: dict[str, object] = {}
        for c in schema.INDICATOR_COLUMNS:
            if c.key not in cols:
                meta[c.key] = None
                continue
            j, header = cols[c.key]
            raw = row[j] if j < len(row) else None
            if is_empty(raw):
                meta[c.key] = None
                if c.key in ("indikator", "riktning"):
                    out.errors.append(Issue("required", f"Värde saknas: {c.header} måste fyllas i.", sheet,
                                            excel_row, header))
                continue
            try:
                fmt = formats.get((excel_row - 1, j)) if formats else None
                meta[c.key] = _number(raw, fmt) if c.kind == "number" else _parse(c, raw, ref, False, fmt)
            except ValueError as exc:
                out.errors.append(Issue(f"bad_{c.kind}", f"Ogiltigt värde: väntade {exc}.", sheet, excel_row,
                                        header, display(raw)))
        name = meta.get("indikator")
        if name in seen:
            out.errors.append(Issue("duplicate_indicator", f"Indikatorn finns redan på rad {seen[name]}.", sheet,
                                    excel_row, cols["indikator"][1], name))
        elif name:
            seen[name] = excel_row
        for j, year in years.items():
            raw = row[j] if j < len(row) else None
            if is_empty(raw):
                continue
            try:
                fmt = formats.get((excel_row - 1, j)) if formats else None
                out.indicators.append({**meta, "ar": year, "varde": _number(raw, fmt), "row": excel_row})
            except ValueError as exc:
                out.errors.append(Issue("bad_number", f"Ogiltigt värde: väntade {exc}.", sheet, excel_row,
                                        to_text(header_row[j]), display(raw)))


def _number(raw: object, fmt: str | None = None) -> float:
    """An indicator number; a percent-formatted cell and ``45 %`` both mean 45."""
    if fmt == PERCENT and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return round(raw * 100, 9)
    if isinstance(raw, str) and raw.strip().endswith("%"):
        return to_number(raw.strip()[:-1])
    return to_number(raw)


__all__ = ["Issue", "Parsed", "validate_workbook", "EXPECT_DATE"]

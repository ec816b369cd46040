"""Raw workbook rows → clean rows and a complete list of issues.

Never raises on bad data: every problem becomes an Issue with the sheet, the
row number as Excel shows it, the column header as written in the file, the
offending value and a Swedish message saying what is expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import schema
from ..config import Reference, parse_period
from ..matching import norm
from .cellformats import MONTH, PERCENT
from .codes import EMPTY, Issue, activity_label, issue  # noqa: F401  (Issue for importers)
from .reader import Workbook
from .values import EXPECT_DATE, display, is_empty, is_fraction_column, to_date, to_number, to_percent, to_text, to_year

HEADER_SCAN_ROWS = 50
MEMO_KINDS = frozenset({"status", "bedomning", "malomrade", "forvaltning", "percent", "date"})


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


def _info_row(info: dict[str, object], key: str) -> int | None:
    """The Excel row of an Info value (see _read_info)."""
    row = info.get(f"row:{key}")
    return row if isinstance(row, int) else None


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
            out.errors.append(issue("no_sheet", name=schema.ACTIVITY_SHEET, required=names))
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
            out.errors.append(issue(f"bad_{key}", None, None, label, display(given), expected=expect))
        raw_info = info.get(key)
        from_info = parse(raw_info) if not is_empty(raw_info) else None
        if not is_empty(raw_info) and from_info is None:
            out.errors.append(issue(f"bad_{key}", info_name, _info_row(info, key), label, display(raw_info),
                                    expected=expect, where=" i bladet Info"))
        if from_cmd and from_info and from_cmd != from_info:
            out.errors.append(issue(f"{key}_mismatch", info_name, _info_row(info, key), label, display(raw_info),
                                    where=" i bladet Info", found=from_info, expected=from_cmd))
        value = from_cmd or from_info
        if value is None and is_empty(given) and is_empty(raw_info):
            out.errors.append(issue(f"missing_{key}", None, None, label))
        setattr(out, key, value)


def _validate_activities(rows: list[list[object]], sheet: str, ref: Reference, out: Parsed,
                         found: tuple[int, dict[int, schema.Column]] | None,
                         formats: dict[tuple[int, int], str] | None = None) -> None:
    header_idx: int | None
    if found:
        header_idx, mapping = found
    else:
        header_idx, mapping, best = _find_header(rows, schema.ACTIVITY_COLUMNS, schema.REQUIRED_KEYS)
        if header_idx is None:
            mapping = {j: c for j, v in enumerate(rows[best] if rows else [])
                       if isinstance(v, str) and (c := schema.match_column(v))}
            have = {c.key for c in mapping.values()}
            for c in schema.ACTIVITY_COLUMNS:
                if c.required and c.key not in have:
                    out.errors.append(issue("missing_column", sheet, best + 1 if rows else None, c.header,
                                            header=c.header))
            if len(have) < 2:  # no header row to speak of: nothing else can be checked
                return
            header_idx = best  # the best header row: check every cell that can still be checked
    header_row = rows[header_idx]
    cols: dict[str, tuple[int, str]] = {}  # key → (index, header as written)
    for j, c in sorted(mapping.items()):
        text = to_text(header_row[j]) or c.header
        if c.key in cols:  # the canonical header wins over a synonym ("Aktivitets-ID" over a running "Nr")
            used, ignored = cols[c.key], (j, text)
            if norm(text) == norm(c.header) != norm(used[1]):
                used, ignored = ignored, used
            cols[c.key] = used
            out.warnings.append(issue("duplicate_column", sheet, header_idx + 1, ignored[1], used=used[1]))
        else:
            cols[c.key] = (j, text)
    for j, v in enumerate(header_row):
        if j not in mapping and not is_empty(v) and not schema.is_read_only_header(v):
            out.warnings.append(issue("unknown_column", sheet, header_idx + 1, to_text(v)))

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
                    out.errors.append(issue("required", sheet, excel_row, header, None, header=c.header))
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
                out.errors.append(issue(f"bad_{c.kind}", sheet, excel_row, header, display(raw, fmt), expected=value))
            else:
                rec[c.key] = value
        _check_row(rec, sheet, cols, out, seen_ids)  # also for a row with bad cells: report everything at once
        _name_activity(out, excel_row, sheet, rec, row, cols)
        if ok:
            out.activities.append(rec)


def _header(cols: dict[str, tuple[int, str]], key: str) -> str | None:
    return cols[key][1] if key in cols else None


def _name_activity(out: Parsed, excel_row: int, sheet: str, rec: dict, raw_row: list, cols) -> None:
    """Every issue of this row names its activity: the Aktivitets-ID and the start of its text (raw when invalid)."""
    def raw(key):
        if rec.get(key) is not None:
            return rec[key]
        j = cols[key][0] if key in cols else None
        return to_text(raw_row[j]) if j is not None and j < len(raw_row) and _filled(raw_row[j]) else None

    label = None
    for found in (out.errors, out.warnings):
        for item in reversed(found):
            if item.row != excel_row or item.sheet != sheet:
                break
            if item.activity is None:
                label = label or activity_label(raw("aktivitet_id"), raw("aktivitet"))
                item.activity = label


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
        out.errors.append(issue("duplicate_id", sheet, row, _header(cols, "aktivitet_id"), aid, first=seen[aid]))
    else:
        seen[aid] = row
    if rec.get("forvaltning") and out.forvaltning and rec["forvaltning"] != out.forvaltning:
        out.errors.append(issue("forvaltning_mismatch", sheet, row, _header(cols, "forvaltning"), rec["forvaltning"],
                                found=rec["forvaltning"], expected=out.forvaltning))
    if rec.get("startdatum") and rec.get("slutdatum") and rec["slutdatum"] < rec["startdatum"]:
        out.errors.append(issue("end_before_start", sheet, row, _header(cols, "slutdatum"),
                                rec["slutdatum"].isoformat(), start=rec["startdatum"]))
    if rec.get("status") == "Klar" and rec.get("andel_klar") is not None and rec["andel_klar"] < 100:
        out.warnings.append(issue("done_not_100", sheet, row, _header(cols, "andel_klar"), str(rec["andel_klar"])))


def _validate_indicators(rows: list[list[object]], sheet: str, ref: Reference, out: Parsed,
                         formats: dict[tuple[int, int], str] | None = None) -> None:
    header_idx, mapping, best = _find_header(rows, schema.INDICATOR_COLUMNS, ("indikator",))
    if header_idx is None:
        out.errors.append(issue("missing_column", sheet, best + 1 if rows else None, "Indikator", header="Indikator"))
        return
    header_row = rows[header_idx]
    years = {j: y for j, v in enumerate(header_row) if j not in mapping and (y := to_year(v))}
    cols = {c.key: (j, to_text(header_row[j]) or c.header) for j, c in sorted(mapping.items(), reverse=True)}
    for c in schema.INDICATOR_COLUMNS:
        if c.key in ("indikator", "riktning") and c.key not in cols:
            out.errors.append(issue("missing_column", sheet, header_idx + 1, c.header, header=c.header))
    if not years:
        out.errors.append(issue("no_years", sheet, header_idx + 1))
    for j, v in enumerate(header_row):
        if j not in mapping and j not in years and not is_empty(v):
            out.warnings.append(issue("unknown_column", sheet, header_idx + 1, to_text(v)))
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
                    out.errors.append(issue("required", sheet, excel_row, header, header=c.header))
                continue
            try:
                fmt = formats.get((excel_row - 1, j)) if formats else None
                meta[c.key] = _number(raw, fmt) if c.kind == "number" else _parse(c, raw, ref, False, fmt)
            except ValueError as exc:
                out.errors.append(issue(f"bad_{c.kind}", sheet, excel_row, header, display(raw), expected=exc))
        name = meta.get("indikator")
        name = name if isinstance(name, str) else None  # a text column: str or None
        if name in seen:
            out.errors.append(issue("duplicate_indicator", sheet, excel_row, cols["indikator"][1], name,
                                    first=seen[name]))
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
                out.errors.append(issue("bad_number", sheet, excel_row, to_text(header_row[j]), display(raw),
                                        expected=exc))


def _number(raw: object, fmt: str | None = None) -> float:
    """An indicator number; a percent-formatted cell and ``45 %`` both mean 45."""
    if fmt == PERCENT and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return round(raw * 100, 9)
    if isinstance(raw, str) and raw.strip().endswith("%"):
        return to_number(raw.strip()[:-1])
    return to_number(raw)


__all__ = ["Issue", "Parsed", "validate_workbook", "EXPECT_DATE"]

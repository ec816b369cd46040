"""The dialogue with näringslivet: a log of views (synpunkter) taken in from businesses and other stakeholders.

Each synpunkt has a date, a source from the list the admin keeps in the reference data (``[synpunkter] kallor``),
a målområde, a summary in the styrgrupp's words, what the kommun does with it (svar/åtgärd, linked to an activity or
a decision where there is one) and a status. No personal data of private persons: at most a company's name.
Every change is a new version with who and when. Admins write; rapportörer write for their own förvaltning
(``write_synpunkt``); everyone who may read the dashboard reads. A ``Synpunkter`` sheet can be imported (validated
all or nothing, like the activities) and exported with the same headers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from . import auth, store
from .config import Reference, current_reference, load_reference
from .errors import checked_text
from .ingest.codes import issue, unreadable_file
from .ingest.pipeline import ImportResult
from .ingest.reader import WorkbookError, read_workbook
from .ingest.sheetrows import body_rows, header_columns, read_cells
from .ingest.validate import _find_header, _parse
from .ingest.values import display, is_empty, to_date, to_text
from .matching import norm
from .schema import Column

STATUSES = ("Ny", "Under beredning", "Besvarad", "Avslutad")
ANSWERED = ("Besvarad", "Avslutad")
DEFAULT_SOURCES = ("Företagsbesök", "Näringslivsråd", "Enkät", "Frukostmöte", "E-post", "Telefon", "Annat")
MAX_TEXT = 2000
MAX_ORG = 120
PRIVACY_NOTE = ("Skriv inga personuppgifter om privatpersoner: inga namn, adresser, telefonnummer eller e-post. "
                "Högst ett företags eller en organisations namn.")

SHEET = "Synpunkter"
COLUMNS: tuple[Column, ...] = (
    Column("datum", "Datum", "date", True, ("Inkom", "Datum inkommen"), 12, "När synpunkten togs in."),
    Column("kalla", "Källa", "text", True, ("Kanal",), 18, "Företagsbesök, näringslivsråd, enkät …"),
    Column("malomrade", "Målområde", "malomrade", True, (), 30, "1–6, namnet eller \"3. Namn\"."),
    Column("forvaltning", "Förvaltning", "forvaltning", False, ("Ansvarig förvaltning",), 14, "Kod eller namn."),
    Column("organisation", "Företag", "text", False, ("Organisation", "Företag/organisation"), 24,
           "Högst ett företags namn; aldrig en privatperson."),
    Column("sammanfattning", "Sammanfattning", "text", True, ("Synpunkt",), 60, "Styrgruppens sammanfattning."),
    Column("svar", "Svar/åtgärd", "text", False, ("Svar", "Åtgärd", "Svar / åtgärd"), 50, "Vad kommunen gör."),
    Column("aktivitet_id", "Aktivitets-ID", "id", False, ("Aktivitet-ID",), 13, "Med Förvaltning: aktiviteten."),
    Column("beslut_id", "Beslut-ID", "text", False, ("Beslut",), 10, "Numret på ett beslut."),
    Column("status", "Status", "text", False, (), 16, ", ".join(STATUSES) + " (tomt: Ny)."),
)
HEADERS = tuple(c.header for c in COLUMNS)
_REQUIRED = tuple(c.key for c in COLUMNS if c.required)


class SynpunktError(ValueError):
    """A synpunkt the rules refuse; the message (Swedish) is for the person who wrote it."""


# --- The source list (reference data) -----------------------------------------------


def sources(ref: Reference | None = None) -> list[str]:
    """The sources the admin keeps (``[synpunkter] kallor`` in the reference data), else the defaults."""
    ref = ref or current_reference()
    table = ref.setting("synpunkter") or {}
    kept = [str(x).strip() for x in (table.get("kallor") if isinstance(table, dict) else None) or [] if str(x).strip()]
    return kept or list(DEFAULT_SOURCES)


def set_sources(names, user: auth.User | None, ref: Reference | None = None) -> list[str]:
    """Replace the source list (``edit_reference``); existing synpunkter keep theirs."""
    from .config import save_reference

    auth.require(user, "edit_reference")
    ref = ref or load_reference()
    clean = list(dict.fromkeys(n for n in (str(x).strip() for x in names or ()) if n))
    if not clean:
        raise SynpunktError("Listan med källor får inte vara tom.")
    if any(len(n) > 60 for n in clean):
        raise SynpunktError("En källa får vara högst 60 tecken.")
    table = ref.settings.get("synpunkter")
    ref.settings["synpunkter"] = {**(table if isinstance(table, dict) else {}), "kallor": clean}
    save_reference(ref)
    return clean


# --- Validation of one synpunkt ----------------------------------------------------------


def _source(value: object, ref: Reference) -> str:
    for name in sources(ref):
        if norm(value) == norm(name):
            return name
    raise SynpunktError(f"Okänd källa {str(value or '')!r}; välj en av: {', '.join(sources(ref))}.")


def _status(value: object) -> str:
    if is_empty(value):
        return "Ny"
    for word in STATUSES:
        if norm(value) == norm(word):
            return word
    raise SynpunktError(f"Status måste vara {', '.join(STATUSES)} (inte {str(value)!r}).")


def _text(value: object, label: str, limit: int, required: bool) -> str | None:
    return checked_text(value, label, limit, required=required, error=SynpunktError)


def _clean(fields: dict, ref: Reference, con) -> dict:
    """A synpunkt's fields validated and in canonical form (raises SynpunktError)."""
    try:
        datum = to_date(fields.get("datum"))
    except ValueError:
        raise SynpunktError(f"Datum: ogiltigt datum {str(fields.get('datum') or '')!r} (t.ex. 2026-09-22).") from None
    nr = ref.malomrade_nr(fields.get("malomrade"))
    if nr is None:
        raise SynpunktError(f"Okänt målområde: {str(fields.get('malomrade') or '')!r}.")
    fv = None
    if not is_empty(fields.get("forvaltning")):
        fv = ref.forvaltning_code(fields["forvaltning"])
        if fv is None:
            raise SynpunktError(f"Okänd förvaltning {str(fields['forvaltning'])!r}.")
    aid = to_text(fields.get("aktivitet_id"))
    afv = None
    if aid:
        afv = ref.forvaltning_code(fields.get("aktivitet_forvaltning")) or fv
        if afv is None or not store.first(con.execute(
                "SELECT 1 FROM activities WHERE forvaltning = ? AND aktivitet_id = ? LIMIT 1", [afv, aid])):
            raise SynpunktError(f"Aktiviteten {afv or '(ingen förvaltning)'} {aid!r} finns inte i uppföljningen.")
    beslut = fields.get("beslut_id")
    if is_empty(beslut):
        beslut = None
    else:
        text = str(beslut).strip().lstrip("#")
        if not text.replace(".0", "").isdigit() or not store.first(con.execute(
                "SELECT 1 FROM decisions WHERE id = ?", [int(float(text))])):
            raise SynpunktError(f"Beslutet {str(beslut)!r} finns inte.")
        beslut = int(float(text))
    return {"datum": datum, "kalla": _source(fields.get("kalla"), ref), "malomrade": nr, "forvaltning": fv,
            "organisation": _text(fields.get("organisation"), "Företagets namn", MAX_ORG, False),
            "sammanfattning": _text(fields.get("sammanfattning"), "Sammanfattningen", MAX_TEXT, True),
            "svar": _text(fields.get("svar"), "Svaret", MAX_TEXT, False), "aktivitet_forvaltning": afv,
            "aktivitet_id": aid, "beslut_id": beslut, "status": _status(fields.get("status"))}


def _may_write(user: auth.User | None, forvaltning: str | None) -> None:
    """Admins write any synpunkt; a rapportör those of their own förvaltning (which must then be given)."""
    if user is not None and user.role == "admin":
        auth.require(user, "write_synpunkt")
    elif forvaltning is None:
        raise auth.PermissionDenied("write_synpunkt") if not auth.can(user, "write_synpunkt") else \
            SynpunktError("Ange förvaltningen: en rapportör skriver synpunkter för sin egen förvaltning.")
    else:
        auth.require(user, "write_synpunkt", forvaltning)


_VERSION_COLS = ("synpunkt_id", "version", "datum", "kalla", "malomrade", "forvaltning", "organisation",
                 "sammanfattning", "svar", "aktivitet_forvaltning", "aktivitet_id", "beslut_id", "status", "user_name",
                 "changed_at")
_FIELDS = _VERSION_COLS[2:13]


def _insert(con, row: dict) -> None:
    con.execute(f"INSERT INTO synpunkt_versions ({', '.join(_VERSION_COLS)}) VALUES "
                f"({', '.join('?' for _ in _VERSION_COLS)})", [row[c] for c in _VERSION_COLS])


def _new(con, clean: dict, label: str, when: dt.datetime) -> int:
    sid = int(store.one(con.execute("SELECT nextval('synpunkt_seq')"))[0])
    con.execute("INSERT INTO synpunkter VALUES (?, ?, ?)", [sid, label, when])
    _insert(con, {**clean, "synpunkt_id": sid, "version": 1, "user_name": label, "changed_at": when})
    return sid


def add(fields: dict, user: auth.User | None, db: store.Store, *, ref: Reference | None = None,
        now: dt.datetime | None = None) -> int:
    """Log a synpunkt → its id. ``fields``: datum, kalla, malomrade, sammanfattning; optionally forvaltning,
    organisation, svar, aktivitet_id (with aktivitet_forvaltning or forvaltning), beslut_id, status."""
    ref = ref or current_reference()
    if user is None or not auth.can(user, "write_synpunkt"):
        raise auth.PermissionDenied("write_synpunkt")
    with store.connect(db) as con, store.transaction(con):
        clean = _clean(fields, ref, con)
        _may_write(user, clean["forvaltning"])
        sid = _new(con, clean, user.label, now or dt.datetime.now().replace(microsecond=0))
        store.bump_data_version(con)
    return sid


def change(synpunkt_id: int, fields: dict, user: auth.User | None, db: store.Store, *, ref: Reference | None = None,
           now: dt.datetime | None = None) -> tuple[int, bool]:
    """A new version with the fields given changed (the others kept) → (version, unchanged)."""
    ref = ref or current_reference()
    if user is None or not auth.can(user, "write_synpunkt"):
        raise auth.PermissionDenied("write_synpunkt")
    with store.connect(db) as con, store.transaction(con):
        row = store.first(con.execute(f"SELECT {', '.join(_VERSION_COLS)} FROM synpunkt_versions WHERE synpunkt_id = ? "
                                      "ORDER BY version DESC LIMIT 1", [int(synpunkt_id)]))
        if row is None:
            raise SynpunktError(f"Synpunkt {synpunkt_id} finns inte.")
        old = dict(zip(_VERSION_COLS, row))
        _may_write(user, old["forvaltning"])
        clean = _clean({**{k: old[k] for k in _FIELDS}, **fields}, ref, con)
        _may_write(user, clean["forvaltning"])
        if all(clean[k] == old[k] for k in _FIELDS):
            return int(old["version"]), True
        version = int(old["version"]) + 1
        _insert(con, {**clean, "synpunkt_id": int(synpunkt_id), "version": version, "user_name": user.label,
                      "changed_at": now or dt.datetime.now().replace(microsecond=0)})
        store.bump_data_version(con)
    return version, False


def current(con) -> pd.DataFrame:
    """Every synpunkt in its current version, on an open connection."""
    return con.execute(store.sql("synpunkter_list")).df()


def listing(db: store.Store, *, status=None, malomrade: int | None = None, kalla: str | None = None,
            forvaltning: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Synpunkter in their current version, newest first; filters optional (``status``: one or a list)."""
    with store.connect(db) as con:
        df = current(con)
    if status:
        df = df[df["status"].isin([status] if isinstance(status, str) else list(status))]
    if malomrade is not None:
        df = df[df["malomrade"] == int(malomrade)]
    if kalla:
        df = df[df["kalla"] == kalla]
    if forvaltning:
        df = df[df["forvaltning"] == forvaltning]
    if year is not None:
        df = df[pd.to_datetime(df["datum"]).dt.year == int(year)]
    return df.reset_index(drop=True)


def history(synpunkt_id: int, db: store.Store) -> pd.DataFrame:
    """Every version of one synpunkt, newest first."""
    with store.connect(db) as con:
        return con.execute(store.sql("synpunkter_history"), {"id": int(synpunkt_id)}).df()


def summary_text(df: pd.DataFrame, year: int) -> str:
    """``Under 2026 togs 23 synpunkter in, 17 är besvarade, 4 under beredning och 2 nya.``"""
    part = df[pd.to_datetime(df["datum"]).dt.year == int(year)] if not df.empty else df
    n = len(part)
    if n == 0:
        return f"Under {year} har inga synpunkter tagits in ännu."
    counts = part["status"].value_counts()
    answered = int(sum(counts.get(s, 0) for s in ANSWERED))
    bits = [f"{answered} {'är besvarad' if answered == 1 else 'är besvarade'}"]
    if counts.get("Under beredning", 0):
        bits.append(f"{int(counts['Under beredning'])} under beredning")
    if counts.get("Ny", 0):
        bits.append(f"{int(counts['Ny'])} {'ny' if counts['Ny'] == 1 else 'nya'}")
    tail = bits[0] if len(bits) == 1 else ", ".join(bits[:-1]) + " och " + bits[-1]
    return f"Under {year} togs {n} {'synpunkt' if n == 1 else 'synpunkter'} in, {tail}."


def per_malomrade(df: pd.DataFrame) -> pd.DataFrame:
    """Per målområde: antal, obesvarade, senaste (date) and the latest summary."""
    cols = ["malomrade", "antal", "obesvarade", "senaste", "senaste_sammanfattning"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for nr, part in df.sort_values(["datum", "id"], ascending=False).groupby("malomrade", sort=True):
        rows.append({"malomrade": int(nr), "antal": len(part),
                     "obesvarade": int((~part["status"].isin(ANSWERED)).sum()),
                     "senaste": part.iloc[0]["datum"], "senaste_sammanfattning": part.iloc[0]["sammanfattning"]})
    return pd.DataFrame(rows, columns=cols)


# --- The Synpunkter sheet: import and export -----------------------------------------------


def _find_sheet(sheets: dict[str, list]) -> tuple[str | None, int | None, dict]:
    by_name = {norm(n): n for n in reversed(list(sheets))}
    names = [by_name[norm(SHEET)]] if norm(SHEET) in by_name else list(sheets)
    for name in names:
        idx, mapping, _ = _find_header(sheets[name], COLUMNS, _REQUIRED)
        if idx is not None:
            return name, idx, mapping
    return (by_name.get(norm(SHEET)), None, {})


def check_workbook(data: bytes, file_name: str, db: store.Store, ref: Reference | None = None) -> tuple[ImportResult,
                                                                                                 list[dict]]:
    """Read and validate a ``Synpunkter`` sheet → (result with every error at once, the clean rows)."""
    ref = ref or current_reference()
    res = ImportResult(file=file_name, ok=False)
    try:
        wb = read_workbook(data)
    except WorkbookError as exc:
        res.errors.append(issue("unreadable", detail=str(exc)))
        return res, []
    sheet, idx, mapping = _find_sheet(wb.sheets)
    if idx is None or sheet is None:  # a header row is always found in a sheet
        res.errors.append(issue("no_sheet", sheet, name=SHEET, required=", ".join(c.header for c in COLUMNS
                                                                                   if c.required)))
        return res, []
    rows = wb.sheets[sheet]
    cols = header_columns(rows, idx, mapping, sheet, res)

    def parse(c: Column, raw: object, fmt: str | None, excel_row: int, header: str) -> object:
        return _parse(c, raw, ref, False) if c.kind in ("date", "malomrade", "forvaltning") else raw

    clean_rows: list[dict] = []
    with store.connect(db) as con:
        existing = {(r[0], r[1], int(r[2]), r[3]) for r in con.execute(
            "SELECT datum, kalla, malomrade, sammanfattning FROM current_synpunkter").fetchall()}
        seen: dict[tuple, int] = {}
        for excel_row, row in body_rows(rows, idx, cols):
            fields, ok = read_cells(row, excel_row, sheet, COLUMNS, cols, parse, res)
            if not ok:
                continue
            try:
                clean = _clean(fields, ref, con)
            except SynpunktError as exc:
                column = _column_of(str(exc), cols)
                raw = row[cols[column][0]] if column in cols and cols[column][0] < len(row) else None
                res.errors.append(issue("bad_synpunkt", sheet, excel_row, cols[column][1] if column in cols else None,
                                        display(raw), detail=str(exc)))
                continue
            key = (clean["datum"], clean["kalla"], clean["malomrade"], clean["sammanfattning"])
            if key in seen:
                res.errors.append(issue("duplicate_synpunkt", sheet, excel_row, cols["sammanfattning"][1],
                                        first=seen[key]))
                continue
            seen[key] = excel_row
            if key in existing:
                res.warnings.append(issue("synpunkt_exists", sheet, excel_row, cols["sammanfattning"][1]))
                continue
            clean_rows.append(clean)
    res.ok = not res.errors
    res.rows = len(clean_rows) if res.ok else 0
    return res, clean_rows


def _column_of(message: str, cols: dict) -> str:
    """Which column a validation message is about (its first word says it)."""
    for word, key in (("Datum", "datum"), ("Okänd källa", "kalla"), ("Okänt målområde", "malomrade"),
                      ("Okänd förvaltning", "forvaltning"), ("Företagets", "organisation"),
                      ("Sammanfattningen", "sammanfattning"), ("Svaret", "svar"), ("Aktiviteten", "aktivitet_id"),
                      ("Beslutet", "beslut_id"), ("Status", "status")):
        if message.startswith(word):
            return key
    return ""


def import_bytes(data: bytes, file_name: str, user: auth.User, db: store.Store, dry_run: bool = False,
                 ref: Reference | None = None) -> ImportResult:
    """Validate and (all or nothing) store the synpunkter of a workbook; the rows already logged are skipped."""
    res, rows = check_workbook(data, file_name, db, ref)
    if not res.ok or dry_run:
        return res
    auth.require(user, "write_synpunkt")
    for r in rows:
        _may_write(user, r["forvaltning"])
    when = dt.datetime.now().replace(microsecond=0)
    with store.connect(db) as con, store.transaction(con):
        for r in rows:
            _new(con, r, user.label, when)
        if rows:
            store.bump_data_version(con)
    return res


def import_file(path: str | Path, user: auth.User, db: store.Store, dry_run: bool = False) -> ImportResult:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        return ImportResult(file=str(path), ok=False, errors=[unreadable_file(exc)])
    return import_bytes(data, str(path), user, db, dry_run)


def export_frame(db: store.Store) -> pd.DataFrame:
    """Every synpunkt with the sheet's headers, oldest first (imported again, nothing is added twice)."""
    df = listing(db).sort_values(["datum", "id"])
    out = pd.DataFrame({
        "Datum": pd.to_datetime(df["datum"]).dt.date, "Källa": df["kalla"], "Målområde": df["malomrade"].astype(int),
        "Förvaltning": df["forvaltning"], "Företag": df["organisation"], "Sammanfattning": df["sammanfattning"],
        "Svar/åtgärd": df["svar"], "Aktivitets-ID": df["aktivitet_id"],
        "Beslut-ID": [None if pd.isna(b) else int(b) for b in df["beslut_id"]], "Status": df["status"]})
    assert tuple(out.columns) == HEADERS
    return out.astype(object).where(out.notna(), None)


def export_xlsx(db: store.Store) -> bytes:
    """The ``Synpunkter`` sheet (text that looks like a formula neutralised)."""
    from .export import xlsx_bytes

    return xlsx_bytes({SHEET: export_frame(db)}, title="Synpunkter från näringslivet")

"""Swedish wording for every face of Näringsdash: the dashboard, the meeting slides and the report.

The one place where numbers, signed changes, dates, periods, targets, indicator sentences and key figures are
written in Swedish. Pages, slides and report writers call these functions; they never format on their own.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import SupportsFloat, SupportsIndex, SupportsInt

from .schema import RIKTNING_LABEL

MISSING = "–"
MINUS = "−"  # U+2212, the typographic minus used for every negative number shown to people
PERCENTAGE_POINTS = "procentenheter"

# Swedish labels for the columns the queries return: the dashboard's tables and the report's workbook.
LABELS = {
    "period": "Period", "forvaltning": "Förvaltning", "forvaltning_namn": "Förvaltningens namn",
    "aktivitet_id": "ID", "aktivitet": "Aktivitet", "malomrade": "Målområde", "ansvarig": "Ansvarig",
    "startdatum": "Startdatum", "slutdatum": "Slutdatum", "status": "Status", "andel_klar": "Andel klart (%)",
    "bedomning": "Bedömning", "kommentar": "Senaste kommentar", "forsenad": "Försenad", "dagar_sena": "Dagar sena",
    "antal": "Aktiviteter", "klar": "Klar", "pagar": "Pågår", "ej_paborjad": "Ej påbörjad",
    "forsenad_status": "Försenad (status)", "avbruten": "Avbruten", "forsenade": "Försenade",
    "klara": "Klara", "andel_klara": "Andel klara (%)", "snitt_andel_klar": "Snitt andel klart (%)",
    "rapporterat": "Rapporterat", "uploaded_at": "Inrapporterad", "user_name": "Av", "file_name": "Fil",
    "versioner": "Versioner", "status_fore": "Status förra perioden", "andel_klar_fore": "Andel klart förra (%)",
    "andel_klar_forandring": "Förändring (procentenheter)", "indikator": "Indikator", "enhet": "Enhet",
    "riktning": "Riktning", "malvarde": "Målvärde", "malar": "Målår", "kalla": "Källa", "serie": "Serie",
    "ar": "År", "varde": "Värde", "foregaende_ar": "Föregående år", "foregaende": "Föregående värde",
    "forandring": "Förändring", "forandring_procent": "Förändring (%)",
    "analys": "Analys", "analys_av": "Analys skriven av", "analys_skriven": "Analys skriven",
    "oppna_beslut": "Öppna beslut",
}
# An indicator's direction (stored as hogre/lagre) written out.
RIKTNING = RIKTNING_LABEL


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pandas NA raise or compare unequal
    except (TypeError, ValueError):
        return True


def _float(value: object) -> float:
    """``float(value)`` for the values that reach the wording (numbers, numpy and pandas scalars, numeric text)."""
    if isinstance(value, (float, int, str, bytes, SupportsFloat, SupportsIndex)):  # the common types first: fast
        return float(value)
    raise TypeError(f"not a number: {value!r}")


def _int(value: object) -> int:
    """``int(value)`` for a year or a count (a number, a numpy or pandas scalar, numeric text)."""
    if isinstance(value, (int, float, str, bytes, SupportsInt, SupportsIndex)):
        return int(value)
    raise TypeError(f"not a whole number: {value!r}")


def format_number(value: object, decimals: int | None = None) -> str:
    """Swedish digits: decimal comma, groups of three with a non-breaking space, a real minus sign; "" if missing.

    Whole numbers are written without decimals unless ``decimals`` is given; other numbers with one.
    """
    if _missing(value):
        return ""
    try:
        v = _float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isinf(v):
        return ""
    if decimals is None:
        decimals = 0 if v.is_integer() else 1
    s = f"{abs(v):,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    negative = v < 0 and s.strip("0,\u00a0") != ""  # never "−0"
    return (MINUS if negative else "") + s


def number(value: object, decimals: int | None = None, unit: str = "") -> str:
    """A value for a card, table or sentence: "1 250", "62,5 %", or "–" when there is none.

    ``unit`` is written after a non-breaking space ("%" included, as Swedish typography wants it).
    """
    s = format_number(value, decimals)
    if not s:
        return MISSING
    unit = unit.strip()
    return f"{s}\u00a0{unit}" if unit else s


def change(value: object, decimals: int | None = None, unit: str = "") -> str:
    """A signed change: "+3", "−1,5 procentenheter", "±0"; "" when there is no comparison."""
    if _missing(value):
        return ""
    v = _float(value)
    body = format_number(abs(v), decimals)
    zero = body.strip("0,\u00a0") == ""
    sign = "±" if zero else "+" if v > 0 else MINUS
    unit = unit.strip()
    return sign + body + (f" {unit}" if unit else "")


def share_change(value: object, decimals: int = 1) -> str:
    """The change of a share (a percentage) in percentage points, never in percent."""
    return change(value, decimals, PERCENTAGE_POINTS)


def date(value: object) -> str:
    """A date as 2025-06-30; a timestamp at midnight too; other timestamps as 2025-06-30 10:15."""
    if _missing(value):
        return ""
    if isinstance(value, str):
        return value
    to_pydatetime = getattr(value, "to_pydatetime", None)  # a pandas Timestamp
    ts = to_pydatetime() if callable(to_pydatetime) else value
    if isinstance(ts, dt.datetime):
        if (ts.hour, ts.minute, ts.second, ts.microsecond) == (0, 0, 0, 0):
            return ts.strftime("%Y-%m-%d")
        return ts.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def plural(n: int, one: str, many: str) -> str:
    """"1 varning", "2 varningar" (the count written the Swedish way)."""
    return f"{format_number(n)} {one if n == 1 else many}"


# --- Indicators --------------------------------------------------------------------------------------------

def is_share(unit: object) -> bool:
    """Is the indicator a share (its changes are percentage points)?"""
    return str(unit or "").strip().lower() in ("%", "procent", "andel", "andel (%)")


def is_ranking(unit: object) -> bool:
    return str(unit or "").strip().lower() in ("placering", "plats", "rang", "ranking")


def value_with_unit(value: object, unit: object) -> str:
    """An indicator value as Swedish grammar: "plats 133", "45 st", "6,9 per 1 000 invånare", "62,5 %"."""
    if _missing(value):
        return MISSING
    unit = str(unit or "").strip()
    if is_ranking(unit):
        return f"plats {format_number(value)}"
    if is_share(unit):
        return number(value, None, "%")
    return number(value, None, "st" if unit.lower() == "antal" else unit)


def amount(delta: float, unit: object) -> str:
    """The size of a change with its unit: "8 placeringar", "0,7 procentenheter", "3 st"."""
    unit = str(unit or "").strip()
    size = abs(float(delta))
    if is_ranking(unit):
        return f"{format_number(size)} {'placering' if size == 1 else 'placeringar'}"
    if is_share(unit):
        return f"{format_number(size, 1 if not size.is_integer() else None)} {PERCENTAGE_POINTS}"
    return number(size, None, unit)


def judgement(delta: object, riktning: object) -> str:
    """"förbättring", "försämring" or "oförändrat", after the indicator's direction (hogre/lagre)."""
    if _missing(delta) or _float(delta) == 0:
        return "oförändrat"
    better = _float(delta) > 0 if riktning != "lagre" else _float(delta) < 0
    return "förbättring" if better else "försämring"


def arrow(delta: object, riktning: object) -> str:
    """One arrow for a table cell: ↑ förbättring, ↓ försämring, → oförändrat (the word always goes with it)."""
    j = judgement(delta, riktning)
    return {"förbättring": "↑", "försämring": "↓"}.get(j, "→") + " " + j


def indicator_change(value: object, before: object, unit: object, riktning: object, since: object = None) -> str:
    """An indicator's change in words: "förbättring med 8 placeringar sedan 2024", "oförändrat sedan 2024"."""
    if _missing(value) or _missing(before):
        return ""
    delta = _float(value) - _float(before)
    tail = f" sedan {since}" if since not in (None, "") and not _missing(since) else ""
    j = judgement(delta, riktning)
    if j == "oförändrat":
        return j + tail
    return f"{j} med {amount(delta, unit)}{tail}"


def indicator_sentence(year: object, value: object, unit: object, riktning: object, before: object = None,
                       before_year: object = None) -> str:
    """"2025: plats 133, förbättring med 8 placeringar sedan 2024." for the dashboard, the slides and the report."""
    head = f"{_int(year)}: {value_with_unit(value, unit)}"
    rest = indicator_change(value, before, unit, riktning, _int(before_year) if not _missing(before_year) else None)
    return f"{head}, {rest}." if rest else head + "."


def target(malvarde: object, malar: object = None, unit: object = None) -> str:
    """"Mål: 100 till 2030", or "Inget målvärde angivet"."""
    if _missing(malvarde):
        return "Inget målvärde angivet"
    text = "Mål: " + (value_with_unit(malvarde, unit) if unit is not None else number(malvarde))
    return text + (f" till {_int(malar)}" if not _missing(malar) else "")


# --- Key figures -------------------------------------------------------------------------------------------

def key_figures(now, before=None, now_common=None) -> list[tuple[str, str, str, bool]]:
    """The period's (or a målområde's) key figures: (label, value, change, lower is better).

    ``now`` and ``before`` are progress/summary rows with antal, andel_klara, forsenade, snitt_andel_klar.
    Like for like (``periods.compare``): ``before`` holds only the förvaltningar found in both periods, and
    ``now_common`` is this period restricted to them; the changes are ``now_common − before`` while the values
    shown are ``now``. The same four cards on Översikt, the målområde view, the slides and the report.
    """
    base = now if now_common is None else now_common

    def diff(col: str) -> object:
        return None if before is None else base[col] - before[col]

    return [
        ("Aktiviteter", number(now["antal"]), change(diff("antal")), False),
        ("Andel klara", number(now["andel_klara"], 1, "%"), share_change(diff("andel_klara")), False),
        ("Försenade", number(now["forsenade"]), change(diff("forsenade")), True),
        ("Snitt andel klart", number(now["snitt_andel_klar"], 1, "%"), share_change(diff("snitt_andel_klar")),
         False),
    ]


KEY_FIGURE_HELP = {
    "Andel klara": "Andelen av periodens aktiviteter som har status Klar. Inte samma mått som Snitt andel klart "
                   "(medelvärdet av kolumnen Andel klart).",
    "Snitt andel klart": "Medelvärdet av kolumnen Andel klart (%) över periodens aktiviteter: hur långt de har kommit "
                         "i snitt. Inte samma mått som Andel klara (andelen med status Klar).",
}


# --- Periods that are still being reported (periods.py) ------------------------------------------------------

INCOMPLETE = "ofullständig"


def names_list(names) -> str:
    """"A, B och C" (Swedish list)."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " och " + names[-1]


def period_banner(label: str, reported: int, total: int, missing_names) -> str:
    """The banner over every page, slide and report page of a period that is not complete."""
    missing = list(missing_names)
    head = f"{label} pågår: {format_number(reported)} av {format_number(total)} förvaltningar har rapporterat"
    if missing:
        head += f" (saknas: {names_list(missing)})"
    return head + ". Jämförelser gäller bara de förvaltningar som finns i båda perioderna."


def comparison_note(previous_label: str, common: int, total: int) -> str:
    """What the arrows compare: "pilarna visar förändringen sedan 2026 Delår (T2)" and, like for like, for whom."""
    text = f"pilarna visar förändringen sedan {previous_label}"
    if common < total:
        text += (" för den förvaltning som finns i båda perioderna" if common == 1 else
                 f" för de {format_number(common)} förvaltningar som finns i båda perioderna")
    return text


def closed_note(label: str, user: object, when: object, reason: object = None) -> str:
    """"2026 Helår (T3) är stängd för inrapportering av admin 2027-01-20 10:15 (skäl)."."""
    text = f"{label} är stängd för inrapportering av {user or 'okänd'} {date(when)}"
    return text + (f" ({reason})." if reason else ".")


def diff_summary(base_label: str, moves, new: int, removed: int, shown: int = 5) -> str:
    """The upload preview in one sentence: "Jämfört med 2026 Delår (T2): 2 byter status (KLF-13 Försenad → Klar,
    KLF-04 Pågår → Klar), 1 ny, 0 borttagna". ``moves`` is a list of (id, status before, status after)."""
    moves = list(moves)
    text = f"Jämfört med {base_label}: {format_number(len(moves))} byter status"
    if moves:
        listed = ", ".join(f"{i} {a or EMPTY_STATUS} → {b or EMPTY_STATUS}" for i, a, b in moves[:shown])
        text += f" ({listed}{', …' if len(moves) > shown else ''})"
    return text + f", {format_number(new)} {'ny' if new == 1 else 'nya'}, {format_number(removed)} {'borttagen' if removed == 1 else 'borttagna'}"


EMPTY_STATUS = "(tom)"
# --- Reading an indicator at a glance ----------------------------------------------------------------------

BETTER_UP = "bättre ↑"
JUDGEMENT_COLORS = {"förbättring": "#00734F", "försämring": "#A63D00", "oförändrat": "#444444"}  # ≥ 4.5:1 on white


def axis_title(unit: object, riktning: object) -> str:
    """An indicator chart's value axis: the unit, and "bättre ↑" (a lower-is-better axis is drawn upside down)."""
    unit = str(unit or "").strip()
    head = "placering" if is_ranking(unit) else ("procent" if is_share(unit) else (unit or "värde"))
    return f"{head} ({BETTER_UP})"


def direction_note(riktning: object) -> str:
    """"Högre är bättre" / "Lägre är bättre, axeln är vänd: uppåt är bättre"."""
    if riktning == "lagre":
        return "Lägre är bättre; axeln är vänd så att uppåt är bättre"
    return "Högre är bättre"


def progress_to_target(share: object, target_year: object = None) -> str:
    """"62 % av vägen från utgångsvärdet till målet 2030" (share 0–1; below zero: the wrong way)."""
    if _missing(share):
        return ""
    goal = "målet" + (f" {_int(target_year)}" if not _missing(target_year) else "")
    pct = _float(share) * 100
    if pct < 0:
        return f"längre från {goal} än utgångsvärdet ({number(abs(round(pct)), 0, '%')} åt fel håll)"
    if pct >= 100:
        return f"{goal} är nått"
    return f"{number(round(pct), 0, '%')} av vägen från utgångsvärdet till {goal}"


def projection(reaches: object, year: object, target_year: object) -> str:
    """A plain linear projection in words, saying that it is one."""
    if _missing(reaches) or _missing(target_year):
        return ""
    t = _int(target_year)
    if reaches and not _missing(year):
        y = _int(year)
        when_ = f"redan {y}" if y < t else f"{y}"
        return f"Om trenden håller i sig nås målet {when_} (enkel linjär framskrivning)."
    return f"Om trenden håller i sig nås målet inte till {t} (enkel linjär framskrivning)."


def sentence_case(text: str) -> str:
    """The first letter in upper case: a phrase made into the start of a sentence."""
    return text[:1].upper() + text[1:]

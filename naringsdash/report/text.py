"""The report's wording, shared by the PDF and the Word document: numbers in Swedish format, signed changes,
and the sentences that sum up the period, a målområde and an indicator."""

from __future__ import annotations

import pandas as pd

from .. import wording
from .data import RIKTNING, ReportData, Section

# The report speaks with the dashboard's words: every number, change and date comes from ``wording``.
num = wording.number
change = wording.change
when = wording.date
arrow = wording.arrow
value_with_unit = wording.value_with_unit


def key_figures(d: ReportData) -> list[tuple[str, str, str]]:
    """(label, value, change since the previous period) for the summary: the dashboard's key figures."""
    rows = [(label, value, diff) for label, value, diff, _ in wording.key_figures(d.now, d.before, d.now_common)
            if label != "Snitt andel klart"]
    return rows + [("Har rapporterat", f"{d.reported} av {len(d.reporting)}", "")]


def summary_text(d: ReportData) -> list[str]:
    n = d.now
    missing = d.reporting[~d.reporting["rapporterat"]]
    lines = [d.banner] if d.banner else []  # a period still being reported says so first
    lines += [f"Uppföljningen avser {d.label} med läget per {d.as_of:%Y-%m-%d}. "
             f"{d.reported} av {len(d.reporting)} förvaltningar har lämnat uppföljning för perioden."
             + ("" if missing.empty else " Uppföljning saknas från " + ", ".join(
                 f"{c} ({name})" for c, name in zip(missing["forvaltning"], missing["forvaltning_namn"])) + "."),
             f"Av {num(n['antal'])} aktiviteter är {num(n['klara'])} klara ({num(n['andel_klara'], 1, '%')}) "
             f"och {num(n['forsenade'])} är försenade. I genomsnitt är aktiviteterna "
             f"{num(n['snitt_andel_klar'], 1, '%')} klara."]
    if d.before is not None:  # like for like: only the förvaltningar in both periods
        b, c = d.before, (d.now_common if d.now_common is not None else n)
        lines.append(f"Jämfört med {d.previous_label} har andelen klara ändrats med "
                     f"{change(c['andel_klara'] - b['andel_klara'], 1, 'procentenheter')} och antalet försenade "
                     f"med {change(c['forsenade'] - b['forsenade'])}"
                     + (" (bara de förvaltningar som finns i båda perioderna)." if d.banner else "."))
    lines.append("En aktivitet räknas som försenad när den har status Försenad, eller när slutdatum har passerats "
                 "utan att den är Klar eller Avbruten.")
    return lines


def section_figures(s: Section, d: ReportData) -> list[tuple[str, str, str, str]]:
    """(label, this period, previous period, change) for a målområde."""
    if s.now is None:
        return []
    b = s.before
    out = []
    for label, col, dec, unit in (("Aktiviteter", "antal", 0, ""), ("Klara", "klar", 0, ""),
                                  ("Andel klara", "andel_klara", 1, "%"), ("Försenade", "forsenade", 0, ""),
                                  ("Snitt andel klart", "snitt_andel_klar", 1, "%")):
        prev = num(b[col], dec, unit) if b is not None else "–"
        diff = change(s.now[col] - b[col], dec, "procentenheter" if unit else "") if b is not None else ""
        out.append((label, num(s.now[col], dec, unit), prev, diff))
    return out


def section_text(s: Section) -> str:
    if s.now is None:
        return "Målområdet har inga aktiviteter i uppföljningen för perioden."
    n = s.now
    late = int(n["forsenade"])
    return (f"{num(n['antal'])} aktiviteter, varav {num(n['klar'])} klara ({num(n['andel_klara'], 1, '%')}), "
            f"{num(n['pagar'])} pågår och {num(n['ej_paborjad'])} är ej påbörjade"
            + (f"; {num(n['avbruten'])} är avbrutna" if n["avbruten"] else "") + ". "
            + (f"{late} {'aktivitet är försenad' if late == 1 else 'aktiviteter är försenade'}."
               if late else "Ingen aktivitet är försenad."))


def analysis_byline(a: pd.Series) -> str:
    return f"Bedömning av {a['user_name'] or 'okänd'}, {when(a['created_at'])}" + (
        f" (version {int(a['versioner'])})" if int(a["versioner"]) > 1 else "")


def target_text(r) -> str:
    """"Mål: 100 till 2030" (``wording.target``)."""
    return wording.target(r.malvarde, r.malar)


def indicator_sentence(r) -> str:
    """The latest value and its change after the indicator's direction (``wording.indicator_sentence``): the same
    sentence as on the Indikatorer page, with percentage points for shares and placeringar for rankings."""
    return wording.indicator_sentence(r.ar, r.varde, r.enhet, r.riktning, r.foregaende, r.foregaende_ar)


def indicator_meta(r) -> str:
    return " · ".join([f"Målområde {r.malomrade}" if pd.notna(r.malomrade) else "Inget målområde",
                       RIKTNING.get(r.riktning, str(r.riktning)), target_text(r), f"Källa: {r.kalla or 'okänd'}"])


# --- The executive summary ------------------------------------------------------------------------------

MAX_POINTS = 5


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def going_well(d: ReportData) -> list[str]:
    """"Det här går bra": short factual points, the strongest first."""
    out: list[str] = []
    green = [s for s in d.sections if s.analysis is not None and s.analysis["bedomning"] == "Grön"]
    if green:
        out.append(f"{_names([f'{s.nr}. {s.name}' for s in green])} bedöms som "
                   f"{'grönt' if len(green) == 1 else 'gröna'}: arbetet går enligt plan.")
    if d.before is not None and d.now["andel_klara"] > d.before["andel_klara"]:
        out.append(f"Andelen klara aktiviteter har ökat från {num(d.before['andel_klara'], 1, '%')} till "
                   f"{num(d.now['andel_klara'], 1, '%')} sedan {d.previous_label}.")
    on_time = [s for s in d.sections if s.now is not None and int(s.now["forsenade"]) == 0]
    if on_time:
        out.append(f"Inga försenade aktiviteter i {_names([f'målområde {s.nr}' for s in on_time])}.")
    if len(d.reporting) and d.reported == len(d.reporting):
        out.append(f"Alla {len(d.reporting)} förvaltningar har lämnat uppföljning för perioden.")
    better = d.changes[d.changes["bedomning"] == "förbättring"] if not d.changes.empty else d.changes
    if len(better):
        out.append(f"{len(better)} av {len(d.changes)} indikatorer har utvecklats i önskad riktning, bland annat "
                   f"{_names(list(better['indikator'].astype(str).head(2)))}.")
    return out[:MAX_POINTS] or ["Inget sticker ut positivt i perioden; se avsnitten per målområde."]


def needs_decision(d: ReportData) -> list[str]:
    """"Det här kräver beslut": what kommunstyrelsen may need to act on."""
    out: list[str] = []
    red = [(s, a) for s in d.sections if (a := s.analysis) is not None and a["bedomning"] == "Röd"]
    for s, a in red:
        out.append(f"Målområde {s.nr}. {s.name} bedöms som rött: {first_sentence(a['text'])}")
    late = [(s, now) for s in d.sections if (now := s.now) is not None and int(now["forsenade"]) > 0]
    if late:
        worst, worst_now = max(late, key=lambda pair: int(pair[1]["forsenade"]))
        out.append(f"{num(d.now['forsenade'])} aktiviteter är försenade, flest i målområde {worst.nr}. "
                   f"{worst.name} ({num(worst_now['forsenade'])}).")
    missing = d.reporting[~d.reporting["rapporterat"]]
    if not missing.empty:
        out.append("Uppföljning saknas från " + _names(list(missing["forvaltning_namn"].astype(str))) + ".")
    worse = d.changes[d.changes["bedomning"] == "försämring"] if not d.changes.empty else d.changes
    if len(worse):
        out.append(f"{len(worse)} av {len(d.changes)} indikatorer har utvecklats åt fel håll, bland annat "
                   f"{_names(list(worse['indikator'].astype(str).head(2)))}.")
    unassessed = [s for s in d.sections if s.analysis is None]
    if unassessed:
        out.append(f"Bedömning och analys saknas för {_names([f'målområde {s.nr}' for s in unassessed])}.")
    return out[:MAX_POINTS] or ["Inget i uppföljningen kräver beslut av kommunstyrelsen den här perioden."]


def first_sentence(text: object, limit: int = 160) -> str:
    """The first sentence of a user's analysis (whole words, at most ``limit`` characters)."""
    s = " ".join(str(text or "").split())
    cut = next((i + 1 for i, c in enumerate(s) if c in ".!?" and (i + 1 == len(s) or s[i + 1] == " ")), len(s))
    s = s[:cut]
    if len(s) > limit:
        s = s[:limit].rsplit(" ", 1)[0] + " …"
    return s if s.endswith((".", "!", "?", "…")) else s + "."

"""The story of a period in plain Swedish: the sentences at the top of Översikt, what changed since the previous
period (or since the last meeting), and where an indicator stands on its way to the target.

Pure functions over the queries' DataFrames; every number and word comes from ``wording``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import wording as w

ASSESSMENTS = ("Röd", "Gul", "Grön")
ASSESSMENT_PLURAL = {"Röd": "Röda", "Gul": "Gula", "Grön": "Gröna"}

# What happened to an activity between two periods, in the order the lists show them.
BECAME_DONE, BECAME_OVERDUE, STATUS_CHANGED = "Blev klar", "Blev försenad", "Ny status"
CHANGE_KINDS = (BECAME_DONE, BECAME_OVERDUE, STATUS_CHANGED)


# --- What changed between two periods ------------------------------------------------------------------------

def changes_since(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Activities that became Klar, became overdue, or changed status between ``before`` and ``now`` (both
    ``queries.activities`` frames). Columns: the activity's, ``andring`` (one of CHANGE_KINDS), ``status_fore``."""
    cols = ["forvaltning", "aktivitet_id", "aktivitet", "malomrade", "status", "forsenad", "dagar_sena", "kommentar"]
    keys = ["forvaltning", "aktivitet_id"]
    old = before[keys + ["status", "forsenad"]].rename(columns={"status": "status_fore", "forsenad": "forsenad_fore"})
    df = now[cols].merge(old, on=keys, how="left")
    done = (df["status"] == "Klar") & (df["status_fore"] != "Klar")
    late = df["forsenad"].astype(bool) & ~df["forsenad_fore"].astype("boolean").fillna(False).astype(bool) & ~done
    moved = df["status_fore"].notna() & (df["status"] != df["status_fore"]) & ~done & ~late
    df["andring"] = None
    df.loc[moved, "andring"] = STATUS_CHANGED
    df.loc[late, "andring"] = BECAME_OVERDUE
    df.loc[done, "andring"] = BECAME_DONE
    out = df[df["andring"].notna()].copy()
    out["_order"] = out["andring"].map(CHANGE_KINDS.index)
    out = out.sort_values(["_order", "malomrade", "forvaltning", "aktivitet_id"]).drop(columns=["_order"])
    return out.reset_index(drop=True)


def change_line(row) -> str:
    """One line of the list "Förändringar sedan förra perioden": "Blev försenad: Företagslotsen (KLF)"."""
    text = f"{row['andring']}: {row['aktivitet']} ({row['forvaltning']})"
    if row["andring"] == STATUS_CHANGED and pd.notna(row.get("status_fore")):
        text += f", {row['status_fore']} → {row['status']}"
    return text


def counts(changes: pd.DataFrame) -> dict[str, int]:
    return {k: int((changes["andring"] == k).sum()) for k in CHANGE_KINDS}


def changes_sentence(changes: pd.DataFrame, new_values: int, since_label: str) -> str:
    """"Sedan 2026 T1: 16 aktiviteter har blivit klara, 3 har blivit försenade, 5 har bytt status och 2 indikatorer
    har fått nya värden." """
    c = counts(changes)
    parts = [w.plural(c[BECAME_DONE], "aktivitet har blivit klar", "aktiviteter har blivit klara"),
             f"{w.format_number(c[BECAME_OVERDUE])} {'har blivit försenad' if c[BECAME_OVERDUE] == 1 else 'har blivit försenade'}",
             f"{w.format_number(c[STATUS_CHANGED])} har bytt status",
             w.plural(new_values, "indikator har fått ett nytt värde", "indikatorer har fått nya värden")]
    return f"Sedan {since_label}: " + ", ".join(parts[:-1]) + " och " + parts[-1] + "."


# --- The sentences at the top of Översikt ---------------------------------------------------------------------

def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def assessment_sentence(assessments: dict[int, str], malomraden: list[int]) -> str:
    """"Målområde 3 bedöms Röd, 2 Gula och 3 Gröna." — the red ones by number, the others counted."""
    by = {a: [nr for nr in malomraden if assessments.get(nr) == a] for a in ASSESSMENTS}
    missing = [nr for nr in malomraden if assessments.get(nr) not in ASSESSMENTS]
    if len(missing) == len(malomraden):
        return "Inget målområde är bedömt för perioden ännu."

    def word(a: str, n: int) -> str:
        return a if n == 1 else ASSESSMENT_PLURAL[a]

    parts = []
    if by["Röd"]:
        reds = by["Röd"]
        head = ("Målområde " if len(reds) == 1 else "Målområdena ") + _and([str(nr) for nr in reds])
        parts.append(f"{head} bedöms {word('Röd', len(reds))}")
        rest = [f"{len(by[a])} {word(a, len(by[a]))}" for a in ("Gul", "Grön") if by[a]]
    else:
        first = next(a for a in ("Gul", "Grön") if by[a])
        n = len(by[first])
        if n == len(malomraden):
            return f"Alla {n} målområden bedöms {word(first, n)}." if n > 1 else f"Målområdet bedöms {first}."
        parts.append(f"{w.plural(n, 'målområde', 'målområden')} bedöms {word(first, n)}")
        rest = [f"{len(by[a])} {word(a, len(by[a]))}" for a in ("Gul", "Grön") if by[a] and a != first]
    text = _and(parts + rest) + "."
    if missing:
        text += f" {w.plural(len(missing), 'målområde saknar', 'målområden saknar')} bedömning."
    return text


def overdue_sentence(overdue: int, new: int) -> str:
    """"10 aktiviteter är försenade, 3 av dem nya." / "Ingen aktivitet är försenad." """
    if overdue == 0:
        return "Ingen aktivitet är försenad."
    if overdue == 1:
        return "1 aktivitet är försenad" + (", den är ny sedan förra perioden." if new else ".")
    tail = "" if not new else f", {w.format_number(new)} av dem {'ny' if new == 1 else 'nya'}"
    return f"{w.format_number(overdue)} aktiviteter är försenade{tail}."


def overview_sentences(now, before, previous_label: str | None, new_overdue: int, assessments: dict[int, str],
                       malomraden: list[int], reported: int, forvaltningar: int) -> list[str]:
    """The period in a few short sentences for Översikt: done, overdue (how many new), the assessments, reporting.

    ``now``/``before``: summary rows (andel_klara, forsenade); ``assessments``: målområde → Grön/Gul/Röd."""
    done = f"{w.number(now['andel_klara'], 1, '%')} av aktiviteterna är klara"
    if before is not None and previous_label:
        done += f" ({w.share_change(now['andel_klara'] - before['andel_klara'])} sedan {previous_label})"
    return [done + ".", overdue_sentence(int(now["forsenade"]), new_overdue),
            assessment_sentence(assessments, malomraden),
            f"{w.format_number(reported)} av {w.plural(forvaltningar, 'förvaltning', 'förvaltningar')} "
            f"har rapporterat."]


# --- An indicator on its way to the target --------------------------------------------------------------------

@dataclass(frozen=True)
class Outlook:
    """Where an indicator stands: the share of the way from its first value to the target, and a straight line
    through its values continued to the target year."""

    progress: float | None        # 0 at the baseline, 1 at the target; negative: the wrong way
    reaches: bool | None          # does the straight line reach the target by the target year?
    year: int | None              # the first year the line reaches the target (None: never, or no target)

    def text(self, target_year: object) -> list[str]:
        if self.progress is not None and self.progress >= 1:
            return [w.progress_to_target(self.progress, target_year)]   # reached: no projection needed
        return [t for t in (w.progress_to_target(self.progress, target_year),
                            w.projection(self.reaches, self.year, target_year)) if t]


def outlook(values: pd.DataFrame, target: float | None, target_year: float | None, riktning: str | None) -> Outlook:
    """``values``: one series' ``ar`` and ``varde``. The trend is the slope of a plain least-squares line through
    the values (at least three years), continued from the latest value."""
    df = values.dropna(subset=["varde"]).sort_values("ar")
    if df.empty or target is None or pd.isna(target):
        return Outlook(None, None, None)
    base, last, goal = float(df["varde"].iloc[0]), float(df["varde"].iloc[-1]), float(target)
    progress = None if goal == base else (last - base) / (goal - base)
    if len(df) < 3 or target_year is None or pd.isna(target_year):
        return Outlook(progress, None, None)
    x, y = df["ar"].astype(float), df["varde"].astype(float)
    xm, ym = x.mean(), y.mean()
    slope = ((x - xm) * (y - ym)).sum() / ((x - xm) ** 2).sum()
    lower = riktning == "lagre"

    def reached(v: float) -> bool:
        return v <= goal if lower else v >= goal

    if reached(last):
        return Outlook(progress, True, int(df["ar"].iloc[-1]))
    if slope == 0 or (slope > 0) == lower:
        return Outlook(progress, False, None)
    first = int(df["ar"].iloc[-1])
    year = first + int(-(-((goal - last) / slope) // 1))  # the first whole year the line from today reaches it
    return Outlook(progress, year <= int(target_year), year if year <= int(target_year) else None)

"""The report as an Excel workbook: one sheet per section, through ``export.xlsx_bytes`` (formatted, text that
could run as a formula neutralised)."""

from __future__ import annotations

import pandas as pd

from .. import export
from ..wording import LABELS, RIKTNING
from .data import TITLE, ReportData


def _labelled(df: pd.DataFrame, columns: list[str], d: ReportData) -> pd.DataFrame:
    out = df[columns].copy()
    if "malomrade" in out:
        out["malomrade"] = [d.malomrade(m) for m in out["malomrade"]]
    if "riktning" in out:
        out["riktning"] = [RIKTNING.get(r, r) for r in out["riktning"]]
    return out.rename(columns={c: LABELS.get(c, c) for c in columns})


def sheets(d: ReportData) -> dict[str, pd.DataFrame]:
    """The report's sections as tables, one per sheet (also what the tests count)."""
    head = [("Kommun", d.kommun, None, None), ("Rapport", TITLE, None, None), ("Period", d.label, None, None),
            ("Läget per", d.as_of, None, None), ("Framtagen", d.created, None, None)]
    n, b = d.now, d.before
    for label, col in (("Aktiviteter", "antal"), ("Klara", "klara"), ("Andel klara (%)", "andel_klara"),
                       ("Försenade", "forsenade"), ("Snitt andel klart (%)", "snitt_andel_klar")):
        prev = b[col] if b is not None else None
        head.append((label, n[col], prev, n[col] - prev if prev is not None else None))
    head.append(("Förvaltningar som rapporterat", f"{d.reported} av {len(d.reporting)}", None, None))
    summary = pd.DataFrame(head, columns=["Uppgift", d.label, d.previous_label, "Förändring"])

    cols = ["antal", "klar", "pagar", "ej_paborjad", "forsenad_status", "avbruten", "forsenade", "andel_klara",
            "snitt_andel_klar"]
    rows = []
    for s in d.sections:
        a = s.analysis
        rows.append({"malomrade": s.nr, **{c: (s.now[c] if s.now is not None else 0) for c in cols},
                     "bedomning": a["bedomning"] if a is not None else None,
                     "analys": a["text"] if a is not None else None,
                     "analys_av": a["user_name"] if a is not None else None,
                     "analys_skriven": a["created_at"] if a is not None else None})
    malomraden = pd.DataFrame(rows, columns=["malomrade", *cols, "bedomning", "analys", "analys_av",
                                             "analys_skriven"])
    for c in ("andel_klara", "snitt_andel_klar"):
        malomraden.loc[[s.now is None for s in d.sections], c] = None
    return {
        "Sammanfattning": summary,
        "Målområden": _labelled(malomraden, list(malomraden.columns), d),
        "Försenade": _labelled(d.overdue, ["malomrade", "forvaltning", "aktivitet_id", "aktivitet", "ansvarig",
                                           "slutdatum", "dagar_sena", "status", "andel_klar", "bedomning",
                                           "kommentar"], d),
        "Indikatorer": _labelled(d.changes, ["indikator", "malomrade", "enhet", "riktning", "ar", "varde",
                                             "foregaende_ar", "foregaende", "forandring", "forandring_procent",
                                             "bedomning", "malvarde", "malar", "kalla"], d),
        "Indikatorvärden": _labelled(d.indicators, ["indikator", "malomrade", "serie", "ar", "varde", "enhet"], d),
        "Inrapportering": _labelled(d.reporting, ["forvaltning", "forvaltning_namn", "rapporterat", "uploaded_at",
                                                  "user_name", "file_name", "versioner", "antal", "andel_klara",
                                                  "snitt_andel_klar", "forsenade"], d),
    }


def xlsx_bytes(d: ReportData) -> bytes:
    return export.xlsx_bytes(sheets(d), title=f"{TITLE}, {d.label}")

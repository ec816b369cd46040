"""The follow-up report to kommunstyrelsen for one period, as PDF, Excel or Word.

``collect`` gathers everything from the same queries the dashboard uses (so the report shows the
dashboard's numbers); the wording that all three formats share is written here; the PDF is laid out in
``report_pdf.py``, the Word document in ``report_docx.py``, the charts come from ``report_charts.py``.
The command line: ``python -m naringsdash report --period P --format pdf|xlsx|docx --out FILE``.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import analysis, config, export, queries
from .text import format_number

TITLE = "Uppföljning av handlingsplanen för näringslivsarbetet"
FORMATS = ("pdf", "xlsx", "docx")
MEDIA_TYPES = {"pdf": "application/pdf",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
# The self-assessed traffic light: background and text colour; the word is always printed too.
BEDOMNING_COLORS = {"Grön": ("#1B7A3E", "#FFFFFF"), "Gul": ("#F2C500", "#1A1A1A"), "Röd": ("#B8322A", "#FFFFFF")}
RIKTNING = {"hogre": "Högre är bättre", "lagre": "Lägre är bättre"}
LABELS = {
    "malomrade": "Målområde", "forvaltning": "Förvaltning", "forvaltning_namn": "Förvaltningens namn",
    "aktivitet_id": "ID", "aktivitet": "Aktivitet", "ansvarig": "Ansvarig", "slutdatum": "Slutdatum",
    "dagar_sena": "Dagar sena", "status": "Status", "andel_klar": "Andel klart (%)", "bedomning": "Bedömning",
    "kommentar": "Kommentar", "antal": "Aktiviteter", "klar": "Klar", "pagar": "Pågår",
    "ej_paborjad": "Ej påbörjad", "forsenad_status": "Försenad (status)", "avbruten": "Avbruten",
    "forsenade": "Försenade", "andel_klara": "Andel klara (%)", "snitt_andel_klar": "Snitt andel klart (%)",
    "rapporterat": "Rapporterat", "uploaded_at": "Inrapporterad", "user_name": "Av", "file_name": "Fil",
    "versioner": "Versioner", "indikator": "Indikator", "enhet": "Enhet", "riktning": "Riktning",
    "malvarde": "Målvärde", "malar": "Målår", "kalla": "Källa", "serie": "Serie", "ar": "År", "varde": "Värde",
    "foregaende_ar": "Föregående år", "foregaende": "Föregående värde", "forandring": "Förändring",
    "forandring_procent": "Förändring (%)", "analys": "Analys", "analys_av": "Analys skriven av",
    "analys_skriven": "Analys skriven",
}


class ReportError(ValueError):
    """No report can be made (e.g. no follow-up for the period); the message is for the user."""


@dataclass
class Section:
    """One målområde in the period."""

    nr: int
    name: str
    now: pd.Series | None            # its row of queries.progress, None without activities
    before: pd.Series | None         # the same for the previous period
    analysis: pd.Series | None       # its current row of analysis.current
    overdue: pd.DataFrame

    @property
    def title(self) -> str:
        return f"Målområde {self.nr}. {self.name}"


@dataclass
class ReportData:
    kommun: str
    period: str
    as_of: dt.date
    created: dt.date
    previous: str
    now: pd.Series                   # the period's row of queries.summary
    before: pd.Series | None
    trend: pd.DataFrame              # queries.summary, every period
    progress: pd.DataFrame
    overdue: pd.DataFrame
    analyses: pd.DataFrame
    reporting: pd.DataFrame
    changes: pd.DataFrame            # queries.indicator_changes
    indicators: pd.DataFrame         # queries.indicators
    names: dict[int, str]
    sections: list[Section] = field(default_factory=list)

    @property
    def label(self) -> str:
        return config.period_label(self.period)

    @property
    def previous_label(self) -> str:
        return config.period_label(self.previous)

    @property
    def reported(self) -> int:
        return int(self.reporting["rapporterat"].sum())

    def malomrade(self, nr: object) -> str:
        return f"{int(nr)}. {self.names.get(int(nr), '')}" if pd.notna(nr) else ""


def _row(df: pd.DataFrame, col: str, value: object) -> pd.Series | None:
    hit = df[df[col] == value]
    return hit.iloc[0] if not hit.empty else None


def collect(period: str, db=None, today: dt.date | None = None) -> ReportData:
    """Everything the report shows, from the dashboard's queries."""
    ref = config.load_reference()
    today = today or dt.date.today()
    trend = queries.summary(db, today=today)
    now = _row(trend, "period", period)
    if now is None:
        raise ReportError(f"Det finns ingen uppföljning för {config.period_label(period)} ({period}).")
    previous = config.previous_period(period)
    progress = queries.progress(period, db, today=today)
    before = queries.progress(previous, db, today=today)
    overdue = queries.overdue(period, db, today=today)
    analyses = analysis.current(period, db)
    reporting = queries.reporting(period, db, ref=ref, today=today)
    reporting = reporting.assign(forvaltning_namn=[ref.forvaltning_name(c) for c in reporting["forvaltning"]])
    d = ReportData(kommun=str(ref.setting("kommun", "Kommunen")), period=period,
                   as_of=config.as_of_date(period, today), created=today, previous=previous, now=now,
                   before=_row(trend, "period", previous), trend=trend, progress=progress, overdue=overdue,
                   analyses=analyses, reporting=reporting, changes=queries.indicator_changes(db),
                   indicators=queries.indicators(db), names=dict(ref.malomraden))
    d.sections = [Section(nr, name, _row(progress, "malomrade", nr), _row(before, "malomrade", nr),
                          _row(analyses, "malomrade", nr), overdue[overdue["malomrade"] == nr])
                  for nr, name in sorted(ref.malomraden.items())]
    return d


# --- Wording shared by the PDF and the Word document ---------------------------------


def num(value: object, decimals: int | None = None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return format_number(value, decimals) + (f"\u00a0{unit}" if unit else "")


def change(value: object, decimals: int | None = None, unit: str = "") -> str:
    """A signed change: +3, −1,5 procentenheter, ±0."""
    if value is None or pd.isna(value):
        return ""
    v = float(value)
    sign = "+" if v > 0 else "−" if v < 0 else "±"
    return sign + format_number(abs(v), decimals) + (f" {unit}" if unit else "")


def when(value: object) -> str:
    """A timestamp as 2025-06-30 10:15 (a date alone as 2025-06-30)."""
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.strftime("%Y-%m-%d %H:%M")


def key_figures(d: ReportData) -> list[tuple[str, str, str]]:
    """(label, value, change since the previous period) for the summary."""
    b, n = d.before, d.now
    diff = (lambda col: change(n[col] - b[col])) if b is not None else (lambda col: "")
    total = len(d.reporting)
    rows = [("Aktiviteter", num(n["antal"]), diff("antal")),
            ("Andel klara", num(n["andel_klara"], 1, "%"),
             change(n["andel_klara"] - b["andel_klara"], 1, "procentenheter") if b is not None else ""),
            ("Försenade", num(n["forsenade"]), diff("forsenade")),
            ("Har rapporterat", f"{d.reported} av {total}", "")]
    return rows


def summary_text(d: ReportData) -> list[str]:
    n = d.now
    missing = d.reporting[~d.reporting["rapporterat"]]
    lines = [f"Uppföljningen avser {d.label} med läget per {d.as_of:%Y-%m-%d}. "
             f"{d.reported} av {len(d.reporting)} förvaltningar har lämnat uppföljning för perioden."
             + ("" if missing.empty else " Uppföljning saknas från " + ", ".join(
                 f"{c} ({name})" for c, name in zip(missing["forvaltning"], missing["forvaltning_namn"])) + "."),
             f"Av {num(n['antal'])} aktiviteter är {num(n['klara'])} klara ({num(n['andel_klara'], 1, '%')}) "
             f"och {num(n['forsenade'])} är försenade. I genomsnitt är aktiviteterna "
             f"{num(n['snitt_andel_klar'], 1, '%')} klara."]
    if d.before is not None:
        b = d.before
        lines.append(f"Jämfört med {d.previous_label} har andelen klara ändrats med "
                     f"{change(n['andel_klara'] - b['andel_klara'], 1, 'procentenheter')} och antalet försenade "
                     f"med {change(n['forsenade'] - b['forsenade'])}.")
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
    if r.malvarde is None or pd.isna(r.malvarde):
        return "Inget målvärde angivet"
    return f"Mål: {num(r.malvarde)}" + (f" till {int(r.malar)}" if r.malar is not None and pd.notna(r.malar) else "")


def indicator_sentence(r) -> str:
    unit = f" {r.enhet}" if r.enhet else ""
    text = f"{int(r.ar)}: {num(r.varde)}{unit}"
    if r.foregaende is None or pd.isna(r.foregaende):
        return text + "."
    pct = f" ({change(r.forandring_procent, 1, '%')})" if pd.notna(r.forandring_procent) else ""
    if r.bedomning == "oförändrad":
        return f"{text}, oförändrat jämfört med {int(r.foregaende_ar)}."
    return f"{text}, {r.bedomning} med {num(abs(r.forandring))}{unit}{pct} jämfört med {int(r.foregaende_ar)}."


def indicator_meta(r) -> str:
    return " · ".join([f"Målområde {r.malomrade}" if pd.notna(r.malomrade) else "Inget målområde",
                       RIKTNING.get(r.riktning, str(r.riktning)), target_text(r), f"Källa: {r.kalla or 'okänd'}"])


# --- Charts --------------------------------------------------------------------------


def charts(d: ReportData) -> dict[str, object]:
    """The report's figures by key, drawn with the dashboard's own figure functions."""
    from . import figures
    from .report_charts import for_print

    out: dict[str, object] = {}
    if not d.progress.empty:
        out["oversikt"] = for_print(figures.progress_bars(d.progress, d.names), height=80 * len(d.progress) + 70)
    if len(d.trend) > 1:
        out["trend"] = for_print(figures.share_trend(d.trend), height=340)
    for s in d.sections:
        if s.now is None:
            continue
        now = {st: int(s.now[figures.STATUS_COLUMNS[st]]) for st in figures.STATUSES}
        before = {st: int(s.before[figures.STATUS_COLUMNS[st]]) for st in figures.STATUSES} \
            if s.before is not None else None
        out[f"malomrade_{s.nr}"] = for_print(figures.status_compare(now, before, d.label, d.previous_label),
                                             height=360)
    for i, r in enumerate(d.changes.itertuples()):
        values = d.indicators[d.indicators["indikator"] == r.indikator]
        if not values.empty:
            out[f"indikator_{i}"] = for_print(figures.indicator(values, r.enhet, r.malvarde, r.malar), height=340)
    return out


# --- Excel ----------------------------------------------------------------------------


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


# --- Building ---------------------------------------------------------------------------


def file_name(period: str, fmt: str) -> str:
    return f"uppfoljning_naringsliv_{period}.{fmt}"


def build(period: str, fmt: str, db=None, today: dt.date | None = None, *, with_charts: bool = True,
          timings: dict | None = None) -> bytes:
    """The report for a period as PDF, Excel or Word bytes; raises ReportError when the period has no data."""
    if fmt not in FORMATS:
        raise ReportError(f"Okänt format: {fmt!r} (pdf, xlsx eller docx).")
    p = config.parse_period(period)
    if p is None:
        raise ReportError(f"Okänd period: {period!r} (t.ex. 2025-T2, Delår 2025, Helår 2025).")
    t0 = time.perf_counter()
    d = collect(p, db, today)
    t1 = time.perf_counter()
    if fmt == "xlsx":
        data = export.xlsx_bytes(sheets(d), title=f"{TITLE}, {d.label}")
        images = None
    else:
        from .report_charts import Rendered, render

        figs = charts(d)
        images = render(figs) if with_charts else Rendered(dict.fromkeys(figs))
        if fmt == "pdf":
            from .report_pdf import pdf_bytes

            data = pdf_bytes(d, images)
        else:
            from .report_docx import docx_bytes

            data = docx_bytes(d, images)
    if timings is not None:
        timings.update(data_s=t1 - t0, charts_s=getattr(images, "seconds", 0.0),
                       charts=sum(v is not None for v in (images or {}).values()),
                       total_s=time.perf_counter() - t0)
    return data


def cmd_report(args) -> int:
    from .cli import UsageError

    period = args.period or queries.latest_period(args.db)
    if period is None:
        print("Det finns ingen uppföljning i databasen att rapportera.", file=sys.stderr)
        return 1
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "")
    if fmt not in FORMATS:
        raise UsageError(f"Ange --format pdf, xlsx eller docx (fick {fmt or 'inget'}).")
    timings: dict = {}
    try:
        data = build(period, fmt, args.db, timings=timings)
    except ReportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(f"Kunde inte skriva {out}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    print(f"Rapport för {config.period_label(period)} skriven till {out} ({len(data) // 1024} kB, "
          f"{timings.get('total_s', 0):.1f} s).", file=sys.stderr)
    return 0


def register_cli(subparsers, common) -> None:
    """The ``report`` command (hook called by ``cli.build_parser``)."""
    from .cli import _arg, _period

    rep = subparsers.add_parser("report", parents=[common], help="rapport till kommunstyrelsen (pdf, xlsx, docx)")
    rep.add_argument("--period", type=_arg(_period), help="standard: den senaste perioden med data")
    rep.add_argument("--format", choices=FORMATS, help="standard: filändelsen i --out")
    rep.add_argument("--out", required=True, help="filen som skrivs")
    rep.set_defaults(func=cmd_report)

"""The follow-up report to kommunstyrelsen for one period, as PDF (PDF/A-3a, tagged for PDF/UA), Excel or Word.

The public API: ``build(period, fmt, db, today) -> bytes``, ``FORMATS``, ``MEDIA_TYPES``, ``file_name``,
``collect``, ``ReportError``, ``TITLE`` and ``BEDOMNING_COLORS``. Inside: ``data`` (the report's model, from the
dashboard's queries), ``text`` (the wording the PDF and Word share), ``charts`` + ``svg`` (the charts, drawn once
as SVG; Word gets PNGs of the same SVGs), ``html`` + ``pdf`` (WeasyPrint), ``docx`` and ``xlsx``. Every writer
reads ``data``, never this module. The command line is ``naringsdash/report_cli.py``; the Rapport page runs it
in a worker process.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from ..store import Store
from .data import BEDOMNING_COLORS, FORMATS, MEDIA_TYPES, TITLE, ReportData, ReportError, collect, file_name

__all__ = ["BEDOMNING_COLORS", "FORMATS", "MEDIA_TYPES", "TITLE", "ReportData", "ReportError", "build", "collect",
           "file_name"]

Progress = Callable[[float, str], None]


def build(period: str, fmt: str, db: Store, today: dt.date | None = None, *, with_charts: bool = True,
          timings: dict | None = None, progress: Progress | None = None) -> bytes:
    """The report for a period as PDF, Excel or Word bytes; raises ReportError when the period has no data.

    ``progress(fraction, what)`` is called as the build goes on (the Rapport page shows it as a bar)."""
    from .. import config

    step = progress or (lambda fraction, what: None)
    if fmt not in FORMATS:
        raise ReportError(f"Okänt format: {fmt!r} (pdf, xlsx eller docx).")
    p = config.parse_period(period)
    if p is None:
        raise ReportError(f"Okänd period: {period!r} (t.ex. 2025-T2, Delår 2025, Helår 2025).")
    t0 = time.perf_counter()
    step(0.05, "Hämtar uppgifterna")
    d = collect(p, db, today)
    t1 = time.perf_counter()
    n_charts = 0
    if fmt == "xlsx":
        from .xlsx import xlsx_bytes

        step(0.5, "Skriver Excel-filen")
        out = xlsx_bytes(d)
    else:
        from .charts import charts

        step(0.25, "Ritar diagrammen")
        figs = charts(d) if with_charts else {}
        n_charts = len(figs)
        if fmt == "pdf":
            from .pdf import pdf_bytes
            from .xlsx import xlsx_bytes

            step(0.35, "Sätter sidorna")
            out = pdf_bytes(d, figs, attachment=xlsx_bytes(d), attachment_name=file_name(p, "xlsx"), progress=step)
        else:
            from .charts import cache_dir, png
            from .docx import docx_bytes

            cache = cache_dir(Store.of(db).path)
            images = {}
            for i, (key, c) in enumerate(figs.items()):
                step(0.3 + 0.5 * i / max(len(figs), 1), f"Diagram {i + 1} av {len(figs)}")
                images[key] = png(c, cache)
            n_charts = sum(v is not None for v in images.values())
            step(0.85, "Skriver Word-dokumentet")
            out = docx_bytes(d, images, {k: c.alt for k, c in figs.items()})
    t2 = time.perf_counter()
    step(1.0, "Klart")
    if timings is not None:
        timings.update(data_s=t1 - t0, write_s=t2 - t1, charts=n_charts, total_s=t2 - t0)
    return out

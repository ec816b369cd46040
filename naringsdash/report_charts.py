"""The report's charts: the dashboard's own figures (``figures.py``) exported as PNG through Kaleido.

Kaleido 1.x drives a Chromium it finds itself: ``BROWSER_PATH`` if set, else ``chromium`` on the PATH
(Debian's ``/usr/bin/chromium``). It never downloads a browser here, and MathJax is switched off so the
page it renders in loads nothing from the network (plotly.js comes from the installed plotly package).

One browser is started per report and every chart is rendered in it, so each image costs tenths of a
second. This module does not use Kaleido's process-wide sync server: that one serves every thread from
one pair of queues (two reports built at once in the app could swap images) and waits forever when the
browser fails to start. A chart that cannot be rendered comes back as ``None`` and the report prints a
note in its place; the report itself is always built.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import threading
import time

import plotly.graph_objects as go

log = logging.getLogger(__name__)

WIDTH = 1000        # px; the figures' 18 px type then prints at about 8 pt across an A4 text column
SCALE = 1.5         # device pixels per px (about 220 dpi on paper): sharp without bloating the file
IMAGE_TIMEOUT_S = 60
TOTAL_TIMEOUT_S = 300


def chrome_path() -> str | None:
    """The browser Kaleido should drive: ``BROWSER_PATH``, else Chromium on the PATH (None: Kaleido searches)."""
    return os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def for_print(fig: go.Figure, height: int | None = None) -> go.Figure:
    """The figure as it goes on paper: no hover labels to show, a little white margin."""
    fig = go.Figure(fig)
    fig.update_layout(margin={"l": 10, "r": 30, "b": 10}, paper_bgcolor="#FFFFFF", plot_bgcolor="#FFFFFF")
    fig.update_traces(cliponaxis=False, selector={"type": "scatter"})  # a target's label may sit on the edge
    if height:
        fig.update_layout(height=height)
    return fig


class Rendered(dict):
    """PNG bytes per chart key (None where a chart failed), with the time it took and the first error."""

    seconds: float = 0.0
    error: str | None = None


def render(figs: dict[str, go.Figure], *, width: int = WIDTH, scale: float = SCALE) -> Rendered:
    """Render every figure to PNG in one browser session; never raises."""
    out = Rendered({key: None for key in figs})
    if not figs:
        return out
    start = time.perf_counter()
    box: dict[str, object] = {}

    async def run() -> None:
        import kaleido

        async with kaleido.Kaleido(path=chrome_path(), mathjax=False, timeout=IMAGE_TIMEOUT_S) as k:
            for key, fig in figs.items():
                opts = {"format": "png", "width": width, "height": int(fig.layout.height or 420), "scale": scale}
                try:
                    out[key] = await k.calc_fig(fig, opts=opts)
                except Exception as exc:  # noqa: BLE001 - one bad chart must not cost the others
                    log.warning("Diagrammet %s kunde inte skapas: %s", key, exc)
                    box.setdefault("error", f"{type(exc).__name__}: {exc}")

    def thread() -> None:
        try:
            asyncio.run(run())  # a loop of its own, whatever the caller (e.g. Streamlit) runs
        except BaseException as exc:  # noqa: BLE001 - reported as a note in the report
            box["error"] = f"{type(exc).__name__}: {exc}"

    worker = threading.Thread(target=thread, name="report-charts", daemon=True)
    worker.start()
    worker.join(TOTAL_TIMEOUT_S)
    if worker.is_alive():
        box["error"] = f"tidsgränsen på {TOTAL_TIMEOUT_S} s överskreds"
    result = Rendered(out)  # a snapshot: a thread past its time limit must not change the report under way
    result.seconds = time.perf_counter() - start
    result.error = box.get("error")  # type: ignore[assignment]
    if result.error:
        log.warning("Diagram i rapporten: %s", result.error)
    return result

"""The Streamlit wing: the only part of the package that imports streamlit; nothing else imports it.

Pages import this package and call, for example, ``ui.guard()``, ``ui.data()``, ``ui.filters()``,
``ui.account.flash()``. Inside the wing, modules import their siblings directly, never this ``__init__``.

``nav`` (who may open which page, the menu), ``common`` (reference data, cached data on one connection per page
run, filters, tables, charts, key-figure cards, the period banner, error display, guarded downloads),
``account`` (sign-in, session cookie, uploads), ``admin``, ``audit``, ``closing`` (deadlines, close, approve),
``analysis``, ``meeting`` and ``slides`` (Mötesläge), ``report`` (the Rapport page), ``plan`` (Handlingsplan),
``warmup`` (the server warms itself after start).
"""

from . import (
                     account,
                     admin,
                     analysis,
                     audit,
                     closing,
                     common,
                     loop,
                     meeting,
                     moten,
                     nav,
                     plan,
                     report,
                     room,
                     slides,
                     warmup,
)
from .common import (  # noqa: I001
                     LABELS,
                     RIKTNING,
                     Data,
                     Selection,
                     chart,
                     data,
                     delta,
                     derived,
                     downloads,
                     filters,
                     frame,
                     guarded,
                     key_figures,
                     md,
                     metric,
                     no_data,
                     nothing_matches,
                     number,
                     page_run,
                     period_banner,
                     period_caption,
                     progress_metrics,
                     reference,
                     seed_demo_if_empty,
                     sel_key,
                     show_error,
                     store,
                     table,
                     user_errors,
)
from .nav import ACCOUNT_PAGES, LOGIN_PAGE, PAGES, PageSpec, current_user, guard, may_open, navigation

__all__ = ["ACCOUNT_PAGES", "LABELS", "LOGIN_PAGE", "PAGES", "RIKTNING", "Data", "PageSpec", "Selection", "account",
           "admin", "analysis", "audit", "chart", "closing", "common", "current_user", "data", "delta", "derived", "downloads",
           "filters", "frame", "guard", "guarded", "key_figures", "loop", "may_open", "moten", "md", "meeting", "metric", "nav",
           "navigation", "no_data", "nothing_matches", "number", "page_run", "period_banner", "period_caption", "plan",
           "progress_metrics", "reference", "report", "room", "seed_demo_if_empty", "sel_key", "show_error", "store", "slides", "table",
           "user_errors", "warmup"]

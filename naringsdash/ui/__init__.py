"""The Streamlit wing: the only part of the package that imports streamlit; nothing else imports it.

Pages import this package and call, for example, ``ui.guard()``, ``ui.data()``, ``ui.filters()``,
``ui.account.flash()``. Inside the wing, modules import their siblings directly, never this ``__init__``.

``nav`` (who may open which page, the menu), ``common`` (reference data, cached data, filters, tables, charts,
key-figure cards), ``account`` (sign-in and uploads), ``admin``, ``analysis``, ``meeting`` and ``slides``
(Mötesläge), ``report`` (the Rapport page).
"""

from . import account, admin, analysis, common, meeting, nav, plan, report, room, slides
from .common import (
                     LABELS,
                     RIKTNING,
                     Data,
                     Selection,
                     chart,
                     data,
                     delta,
                     downloads,
                     filters,
                     frame,
                     key_figures,
                     md,
                     metric,
                     no_data,
                     nothing_matches,
                     number,
                     period_caption,
                     progress_metrics,
                     reference,
                     seed_demo_if_empty,
                     show_error,
                     table,
                     user_errors,
)
from .nav import ACCOUNT_PAGES, LOGIN_PAGE, PAGES, PageSpec, current_user, guard, may_open, navigation

__all__ = ["ACCOUNT_PAGES", "LABELS", "LOGIN_PAGE", "PAGES", "RIKTNING", "Data", "PageSpec", "Selection", "account",
           "admin", "analysis", "chart", "common", "current_user", "data", "delta", "downloads", "filters", "frame",
           "guard", "key_figures", "may_open", "md", "meeting", "metric", "nav", "navigation", "no_data", "plan", "nothing_matches", "number",
           "period_caption", "progress_metrics", "reference", "report", "room", "seed_demo_if_empty", "show_error", "slides", "table", "user_errors"]

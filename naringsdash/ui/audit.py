"""The admin page's audit log section (imports streamlit, like ui.py): read, filter, download as CSV."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from .. import audit, auth
from ..store import Store
from . import common as ui

SHOWN = 1000  # rows on screen; the download holds every row that matches


def section(user: auth.User, db: Store) -> None:
    """Filters (händelse, vem, datum), the newest events as a table, and the matching events as CSV."""
    auth.require(user, "manage_users")
    st.caption("Varje inloggning, uppladdning, återställning, ändring av användare, inställningar och referensdata, "
               "sparad analys och stängd period. Loggen kan bara läsas och kompletteras, aldrig ändras.")
    today = dt.date.today()
    left, mid, right = st.columns([2, 1, 2])
    actions = left.multiselect("Händelse", list(audit.ACTIONS), format_func=audit.ACTIONS.get, key="logg_handelse",
                               placeholder="Alla händelser")
    actor = mid.text_input("Vem (användarnamn)", key="logg_vem", max_chars=200)
    days = right.date_input("Datum", value=(today - dt.timedelta(days=30), today), key="logg_datum",
                            format="YYYY-MM-DD", max_value=today)
    since, until = (days[0], days[-1]) if isinstance(days, (tuple, list)) and days else (None, None)
    filters = {"since": since, "until": until, "action": actions or None, "actor": actor.strip() or None}
    events = audit.query(db, **filters)
    st.metric("Händelser", ui.number(len(events)), border=True, width="content")
    if events.empty:
        st.info("Inga händelser matchar urvalet.", icon=":material/filter_alt_off:")
        return
    if len(events) > SHOWN:
        st.caption(f"Visar de {SHOWN} senaste; hämta CSV-filen för alla {len(events)}.")
    ui.table(events.head(SHOWN), list(audit.LABELS), labels=audit.LABELS, key="logg")
    st.download_button("Ladda ner CSV", icon=":material/download:", on_click="ignore", mime="text/csv",
                       file_name=f"granskningslogg_{today}.csv", key="logg_csv",
                       data=ui.guarded(lambda: audit.csv_bytes(audit.query(db, **filters)), "manage_users"))

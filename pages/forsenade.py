"""Försenade aktiviteter: every overdue activity by the contract's rule, most days late first, with downloads."""

import streamlit as st

from naringsdash import config, ui

COLUMNS = ["dagar_sena", "forvaltning", "aktivitet_id", "aktivitet", "malomrade", "ansvarig", "slutdatum", "status",
           "andel_klar", "kommentar", "oppna_beslut"]

ui.guard()
data = ui.data()
sel = ui.filters(data)
st.title("Försenade aktiviteter")
if sel.period is None:
    ui.no_data()
ui.period_banner(data, sel.period)
as_of = config.as_of_date(sel.period, data.today)
st.caption(f"{config.period_label(sel.period)} · En aktivitet är försenad när dess status är Försenad, eller "
           f"när slutdatum har passerat per {as_of} och den varken är Klar eller Avbruten.")

late = ui.loop.overdue_with_decisions(data, sel)
st.metric("Försenade aktiviteter", ui.number(len(late)), border=True, width="content")
if late.empty:
    st.success("Inga försenade aktiviteter i urvalet.", icon=":material/check_circle:")
    st.stop()
ui.table(late, COLUMNS, height=min(38 + 35 * len(late), 700))
ui.downloads(late, COLUMNS, f"forsenade_{sel.period}", f"Försenade {sel.period}")

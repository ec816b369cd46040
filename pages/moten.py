"""Möten och beslut: the styrgrupp's meetings with their protocols, the decisions that follow the work, and the
synpunkter from näringslivet. Everyone who may read sees them; an admin records meetings and decisions, admins and
rapportörer (their own förvaltning) log synpunkter."""

import streamlit as st

from naringsdash import ui

ui.guard()
data = ui.data()
sel = ui.filters(data, forvaltning=False, malomrade=None)
st.title("Möten och beslut")
st.caption("Mötet → besluten → nästa möte följer upp dem → protokollet. Synpunkterna från näringslivet tas in "
           "löpande och kopplas till aktiviteter och beslut.")
if sel.period is None:
    ui.no_data()


def agenda_for(period: str) -> list[str]:
    """A new meeting's agenda: the slides of Mötesläge for its period."""
    m = ui.slides.meeting(data, ui.Selection(period), False)
    m.loop = True
    return [s.title for s in m.slides()]


moten, beslut, syn = st.tabs(["Möten", "Beslut", "Synpunkter från näringslivet"])
with moten:
    ui.moten.meetings_section(data, agenda_for, sel.period)
with beslut:
    ui.moten.decisions_section(data)
with syn:
    ui.moten.synpunkter_section(data)

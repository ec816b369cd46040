"""Handlingsplan: the adopted plan of a year, its goals and where they stand, what changed against the plan of the
year before, and its activities with the indicators they are meant to move."""

import streamlit as st

from naringsdash import ui

ui.guard()
data = ui.data()
sel = ui.filters(data)
st.title("Handlingsplan")
year = ui.plan.choose_year(data, sel)
period = ui.plan.period_for(data, sel, year)
ui.plan.header(data, year)
ui.plan.goals_section(data, year, period, sel)
ui.plan.revision_section(data, year, sel)
ui.plan.activities_section(data, year, period, sel)
ui.plan.versions_section(data, year)

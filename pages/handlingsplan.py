"""Handlingsplan: the adopted plan of a year, its goals and where they stand, what changed against the plan of the
year before, and its activities with the indicators they are meant to move."""

import streamlit as st

from naringsdash import ui, ui_plan

ui.guard()
data = ui.data()
sel = ui.filters(data)
st.title("Handlingsplan")
year = ui_plan.choose_year(data, sel)
period = ui_plan.period_for(data, sel, year)
ui_plan.header(data, year)
ui_plan.goals_section(data, year, period, sel)
ui_plan.revision_section(data, year, sel)
ui_plan.activities_section(data, year, period, sel)
ui_plan.versions_section(data, year)

"""Mötesläge: the styrgrupp's meeting one slide at a time (buttons, arrow keys or automatically); ``?kiosk=1`` for
the shared screen. The slide, the period and the filters are in the URL, so each agenda point has a link."""

import streamlit as st

from naringsdash import ui

ui.guard()
kiosk = ui.meeting.is_kiosk()
data = ui.data()
ui.loop.meeting_period_to_url(data)  # ?mote=ID: the meeting of that date, following up its period
sel = ui.filters(data, sidebar=not kiosk)
if not kiosk:
    st.title(ui.md(ui.loop.page_title(data)))
if sel.period is None:
    ui.no_data()
ui.meeting.run(data, sel, kiosk)

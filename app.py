"""Näringsdash: page config, first-start demo data, and the top menu built from the user's role."""

import streamlit as st

from naringsdash import ui

st.set_page_config(page_title="Näringsdash", page_icon=":material/insights:", layout="wide")
ui.seed_demo_if_empty()
ui.warmup.start()  # once per process: the modules and Översikt's queries, before the first visitor
ui.account.demo_accounts()
kiosk = ui.meeting.kiosk()  # ?kiosk=1 (Mötesläge on a shared screen): no menu, sidebar or header
page = ui.navigation(ui.current_user(), position="hidden" if kiosk else "top")
with ui.page_run(page):  # a dashboard page's cache misses share one connection, closed when the run ends
    page.run()

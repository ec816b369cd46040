"""Näringsdash: page config, first-start demo data, and the top menu built from the user's role."""

import streamlit as st

from naringsdash import ui

st.set_page_config(page_title="Näringsdash", page_icon=":material/insights:", layout="wide")
ui.seed_demo_if_empty()
ui.account.demo_accounts()
ui.room.page_css()  # the uploader in Swedish, key figures that wrap on a tablet
kiosk = ui.meeting.kiosk()  # ?kiosk=1 (Mötesläge on a shared screen): no menu, sidebar or header
ui.navigation(ui.current_user(), position="hidden" if kiosk else "top").run()

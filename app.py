"""Näringsdash: page config, first-start demo data, and the top menu built from the user's role."""

import streamlit as st

from naringsdash import ui, ui_auth, ui_meeting

st.set_page_config(page_title="Näringsdash", page_icon=":material/insights:", layout="wide")
try:
    ui.seed_demo_if_empty()
    ui_auth.demo_accounts()
    kiosk = ui_meeting.kiosk()  # ?kiosk=1 (Mötesläge on a shared screen): no menu, sidebar or header
    ui.navigation(ui.current_user(), position="hidden" if kiosk else "top").run()
except Exception as exc:  # st.stop and st.rerun are not Exceptions and pass through
    ui.show_error(exc)  # a Swedish message for the visitor, the traceback in the server's log only

"""Näringsdash: page config, first-start demo data, and the top menu built from the user's role."""

import streamlit as st

from naringsdash import ui

st.set_page_config(page_title="Näringsdash", page_icon=":material/insights:", layout="wide")
try:
    ui.reference()  # refused settings or mappings ([[katalogroll]]) stop here with the reason, and nothing else shows
    ui.seed_demo_if_empty()
    ui.account.demo_accounts()
    ui.account.signed_out_note()  # back from st.logout: both the Näringsdash and the kommun's session have ended
    ui.account.session_cookie()  # a sign-in or sign-out writes or drops the session cookie (a reload keeps the user)
    kiosk = ui.meeting.kiosk()  # ?kiosk=1 (Mötesläge on a shared screen): no menu, sidebar or header
    ui.navigation(ui.current_user(), position="hidden" if kiosk else "top").run()
except Exception as exc:  # st.stop and st.rerun are not Exceptions and pass through
    ui.show_error(exc)  # a Swedish message for the visitor, the traceback in the server's log only

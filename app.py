"""Näringsdash: page config, first-start demo data, and the top menu built from the user's role."""

import streamlit as st

from naringsdash import ui

st.set_page_config(page_title="Näringsdash", page_icon=":material/insights:", layout="wide")
try:
    ui.reference()  # refused settings or mappings ([[katalogroll]]) stop here with the reason, and nothing else shows
    ui.seed_demo_if_empty()
    ui.warmup.start()  # once per process: the modules and Översikt's queries, before the first visitor
    ui.account.demo_accounts()
    ui.room.page_css()  # the uploader in Swedish, key figures that wrap on a tablet
    ui.account.signed_out_note()  # back from st.logout: both the Näringsdash and the kommun's session have ended
    ui.account.session_cookie()  # a sign-in or sign-out writes or drops the session cookie (a reload keeps the user)
    kiosk = ui.meeting.kiosk()  # ?kiosk=1 (Mötesläge on a shared screen): no menu, sidebar or header
    page = ui.navigation(ui.current_user(), position="hidden" if kiosk else "top")
    with ui.page_run(page):  # a dashboard page's cache misses share one connection, closed when the run ends
        page.run()
except Exception as exc:  # st.stop and st.rerun are not Exceptions and pass through
    ui.show_error(exc)  # a Swedish message for the visitor, the traceback in the server's log only

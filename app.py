"""Näringsdash: page config, first-start demo data, and the top menu built from the user's role."""

import streamlit as st

from naringsdash import config, ui, ui_auth, ui_meeting

st.set_page_config(page_title="Näringsdash", page_icon=":material/insights:", layout="wide")
try:
    ui.reference()
except config.ConfigError as exc:  # e.g. a [[katalogroll]] with an unknown role: say where, show nothing else
    st.error("Referensdatan går inte att läsa: " + ui.md(exc), icon=":material/error:")
    st.stop()
ui.seed_demo_if_empty()
ui_auth.demo_accounts()
ui_auth.signed_out_note()  # back from st.logout: both the Näringsdash and the kommun's session have ended
kiosk = ui_meeting.kiosk()  # ?kiosk=1 (Mötesläge on a shared screen): no menu, sidebar or header
ui.navigation(ui.current_user(), position="hidden" if kiosk else "top").run()

"""Admin (näringslivsavdelningen): users, reference data, the indicator workbook, Kolada and the audit log."""

import streamlit as st

from naringsdash import config, ui, ui_admin, ui_audit, ui_auth

user = ui_auth.recheck(ui.guard("manage_users"), "manage_users")
db = str(config.db_path())
st.title("Admin")
ui_auth.flash()
users, reference, indicators, kolada, log = st.tabs(["Användare", "Referensdata", "Indikatorfil", "Kolada",
                                                     "Granskningslogg"])
with users:
    ui_admin.users(user, db)
with reference:
    ui_admin.reference(user)
with indicators:
    ui_admin.indicators(user, db)
with kolada:
    ui_admin.kolada_sync(user, db)
with log:
    ui_audit.section(user, db)

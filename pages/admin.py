"""Admin (näringslivsavdelningen): users, reference data, the indicator workbook and Kolada."""

import streamlit as st

from naringsdash import config, ui, ui_admin, ui_auth

user = ui_auth.recheck(ui.guard("manage_users"), "manage_users")
db = str(config.db_path())
st.title("Admin")
ui_auth.flash()
users, reference, sso_tab, indicators, kolada = st.tabs(["Användare", "Referensdata", "Kommunens konto",
                                                         "Indikatorfil", "Kolada"])
with users:
    ui_admin.users(user, db)
with reference:
    ui_admin.reference(user)
with sso_tab:
    ui_admin.single_sign_on(user, db)
with indicators:
    ui_admin.indicators(user, db)
with kolada:
    ui_admin.kolada_sync(user, db)

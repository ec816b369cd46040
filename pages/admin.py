"""Admin (näringslivsavdelningen): users, reference data, the indicator workbook and Kolada."""

import streamlit as st

from naringsdash import config, ui

user = ui.account.recheck(ui.guard("manage_users"), "manage_users")
db = str(config.db_path())
st.title("Admin")
ui.account.flash()
users, reference, indicators, kolada, periods = st.tabs(["Användare", "Referensdata", "Indikatorfil", "Kolada",
                                                         "Perioder"])
with users, ui.user_errors():
    ui.admin.users(user, db)
with reference, ui.user_errors():
    ui.admin.reference(user)
with indicators, ui.user_errors():
    ui.admin.indicators(user, db)
with kolada, ui.user_errors():
    ui.admin.kolada_sync(user, db)
with periods, ui.user_errors():
    ui.closing.periods(user, db)

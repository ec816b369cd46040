"""Admin (näringslivsavdelningen): users, reference data, the indicator workbook, Kolada and the audit log."""

import streamlit as st

from naringsdash import config, ui

user = ui.account.recheck(ui.guard("manage_users"), "manage_users")
db = str(config.db_path())
st.title("Admin")
ui.account.flash()
users, reference, sso_tab, indicators, kolada, periods, log = st.tabs(
    ["Användare", "Referensdata", "Kommunens konto", "Indikatorfil", "Kolada", ui.closing.PERIODS_TAB,
     "Granskningslogg"], default=ui.closing.asked_tab())
with users, ui.user_errors():
    ui.admin.users(user, db)
with reference, ui.user_errors():
    ui.admin.reference(user)
with sso_tab, ui.user_errors():
    ui.admin.single_sign_on(user, db)
with indicators, ui.user_errors():
    ui.admin.indicators(user, db)
with kolada, ui.user_errors():
    ui.admin.kolada_sync(user, db)
with periods, ui.user_errors():
    ui.closing.periods(user, db)
with log, ui.user_errors():
    ui.audit.section(user, db)

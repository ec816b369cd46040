"""Logga in / Logga ut: local accounts, the kommun's single sign-on when configured, the demo accounts in the demo."""

import pandas as pd
import streamlit as st

from naringsdash import auth, ui

ui.guard(None)
ui.account.demo_accounts()
user = ui.account.signed_in()
if user is not None:
    st.title("Logga ut")
    st.markdown(f"Du är inloggad som **{ui.md(user.label)}** ({ui.md(ui.account.role_text(user))}).")
    for page in ui.ACCOUNT_PAGES:
        if page.action is not None and auth.can(user, page.action):
            st.page_link(page.file, label=page.title, icon=page.icon)
    if st.button("Logga ut", icon=":material/logout:"):
        if ui.account.sign_out():  # single sign-on: st.logout is taking the browser to the provider and back
            st.success(ui.account.SIGNED_OUT + " Du loggas nu också ut från kommunens konto …",
                       icon=":material/logout:")
            st.stop()
        ui.account.flash("success", ui.account.SIGNED_OUT)
        st.rerun()
    st.stop()

st.title("Logga in")
ui.account.flash()
if ui.current_user() is None:
    st.warning("Du behöver logga in för att se Näringsdash.", icon=":material/lock:")
denied = ui.account.sso_denied()
if denied:
    st.error(ui.md(denied), icon=":material/block:")
    if st.button("Logga ut från kommunens konto"):
        ui.account.sign_out()
if ui.account.sso_configured() and not denied:
    if st.button("Logga in med kommunens konto", type="primary", icon=":material/badge:"):
        ui.account.sso_login()
    st.caption("Eller med ett lokalt konto:")

ui.account.login_form()

demo = auth.demo_credentials(ui.reference())
if demo:
    st.info("Demoläge: de här kontona finns bara i demon, ett per roll.", icon=":material/info:")
    st.table(pd.DataFrame(demo, columns=["Användarnamn", "Lösenord", "Roll"]).set_index("Användarnamn"))

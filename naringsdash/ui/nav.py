"""Who the visitor is and which pages they may open: the guard every page calls first, and the top menu."""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

from .. import auth
from .account import revalidate, sso_user
from .common import reference

# --- Who, and which pages -------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    """One page of the navigation: shown to users who may perform ``action`` (None: to everybody)."""

    file: str
    title: str
    icon: str
    action: str | None = "view"

    @property
    def url_path(self) -> str:
        """The same path the auto-discovered ``pages/`` folder gives the file."""
        return os.path.splitext(os.path.basename(self.file))[0]


# More pages (Ladda upp, Historik, Admin, Mötesläge) are appended here with their action.
PAGES: list[PageSpec] = [
    PageSpec("pages/oversikt.py", "Översikt", ":material/dashboard:"),
    PageSpec("pages/malomrade.py", "Målområde", ":material/flag:"),
    PageSpec("pages/forsenade.py", "Försenade aktiviteter", ":material/schedule:"),
    PageSpec("pages/indikatorer.py", "Indikatorer", ":material/monitoring:"),
    PageSpec("pages/inrapportering.py", "Inrapportering", ":material/fact_check:"),
    PageSpec("pages/handlingsplan.py", "Handlingsplan", ":material/checklist:"),
    PageSpec("pages/moteslage.py", "Mötesläge", ":material/co_present:"),
    PageSpec("pages/rapport.py", "Rapport", ":material/summarize:"),
]

# Uploads, history, administration and signing in: after the dashboard pages, the login page last.
LOGIN_PAGE = "pages/logga_in.py"
ACCOUNT_PAGES: list[PageSpec] = [
    PageSpec("pages/ladda_upp.py", "Ladda upp", ":material/upload_file:", "upload"),
    PageSpec("pages/historik.py", "Historik", ":material/history:", "view_history"),
    PageSpec("pages/admin.py", "Admin", ":material/admin_panel_settings:", "manage_users"),
    PageSpec(LOGIN_PAGE, "Logga in", ":material/login:", None),
]


def current_user() -> auth.User | None:
    """The logged-in user (set by the login page) as the account is stored now, else the anonymous läsare when
    the settings allow it. A session whose account was removed or got a new password is signed out here."""
    user = revalidate()
    if user is not None:
        return user
    return sso_user() or auth.anonymous_user(reference())


def may_open(user: auth.User | None, action: str | None) -> bool:
    """May this user open a page guarded by ``action`` (None: everybody, the login page)?"""
    return action is None or auth.can(user, action)


def guard(action: str | None = "view") -> auth.User | None:
    """First call of every page: stop with a Swedish message unless the user may perform ``action``.

    On a freshly started server Streamlit runs ``pages/<page>.py`` on its own for a direct link, skipping app.py
    (the auto-discovered pages folder). The check below does not depend on app.py; once it passes, the page hands
    over to the real navigation (menu, page config) and reruns, so the link opens the same page with the menu.
    """
    user = current_user()
    if not may_open(user, action):
        if user is None:
            st.warning("Du behöver logga in för att se den här sidan.", icon=":material/lock:")
        else:
            st.error("Du har inte behörighet till den här sidan.", icon=":material/block:")
        if not isinstance(st.session_state.get("user"), auth.User):
            try:
                st.page_link(LOGIN_PAGE, label="Logga in", icon=":material/login:")
            except StreamlitAPIException:  # the page file run on its own outside app.py's folder (a test)
                pass
        st.stop()
    if not _navigation_ready:
        try:
            navigation(user)
        except StreamlitAPIException:  # run outside app.py's folder (a test running the page file alone)
            return user
        st.rerun()
    return user


def _no_access() -> None:
    st.title("Näringsdash")
    st.warning("Du behöver logga in för att se Näringsdash.", icon=":material/lock:")


# False until app.py has built the navigation in this process; until then Streamlit runs page files alone.
_navigation_ready = False


def navigation(user: auth.User | None, position: str = "top"):
    """The top menu with the pages this user may see (the first is the start page); position "hidden"
    for the kiosk display."""
    global _navigation_ready
    allowed = [p for p in PAGES + ACCOUNT_PAGES if may_open(user, p.action)]
    if isinstance(st.session_state.get("user"), auth.User):  # signed in: the login page signs out
        allowed = [PageSpec(p.file, "Logga ut", ":material/logout:", p.action) if p.file == LOGIN_PAGE else p
                   for p in allowed]
    pages = [st.Page(p.file, title=p.title, icon=p.icon, url_path=None if i == 0 else p.url_path, default=i == 0)
             for i, p in enumerate(allowed)]
    nav = st.navigation(pages or [st.Page(_no_access, title="Näringsdash", default=True)], position=position)
    _navigation_ready = True
    return nav



"""Who the visitor is and which pages they may open: the guard every page calls first, and the top menu."""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

from .. import auth
from .account import restore_session, revalidate, sso_user, still_valid
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
    PageSpec("pages/moten.py", "Möten och beslut", ":material/gavel:"),
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
    """The logged-in user as the account is stored now (``revalidate``: a removed account or a new password
    ends the session), with a valid session cookie (``still_valid``); else a sign-in restored from the cookie
    after a reload, the single sign-on, or the anonymous läsare when the settings allow it."""
    user = revalidate()
    if user is not None:
        user = still_valid(user)
        if user is not None:
            return user
    return restore_session() or sso_user() or auth.anonymous_user(reference())


def may_open(user: auth.User | None, action: str | None) -> bool:
    """May this user open a page guarded by ``action`` (None: everybody, the login page)?"""
    return action is None or auth.can(user, action)


def guard(action: str | None = "view") -> auth.User | None:
    """First call of every page: unless the user may perform ``action``, a Swedish message and (for a visitor who
    has not signed in) the login form, then stop. A login reruns this same page, so a direct link to a page that
    needs a sign-in lands on that page after the login.

    On a freshly started server Streamlit runs ``pages/<page>.py`` on its own for a direct link, skipping app.py
    (the auto-discovered pages folder). The check below does not depend on app.py; once it passes, the page hands
    over to the real navigation (menu, page config) and reruns, so the link opens the same page with the menu.
    """
    user = current_user()
    if not may_open(user, action):
        from .account import flash, login_form

        flash()
        signed_in = isinstance(st.session_state.get("user"), auth.User)
        if not signed_in:  # nobody, or the anonymous läsare: signing in may open the page
            st.title("Logga in")
            st.warning("Du behöver logga in för att se den här sidan. När du har loggat in öppnas sidan.",
                       icon=":material/lock:")
        else:
            st.title("Ingen behörighet")
            st.error("Du har inte behörighet till den här sidan. Logga in med ett konto som har det, eller välj en "
                     "annan sida i menyn.", icon=":material/block:")
        if not signed_in:
            login_form("logga_in_sida")
        st.stop()
    if not _navigation_ready:
        try:
            navigation(user)
        except StreamlitAPIException:  # run outside app.py's folder (a test running the page file alone)
            return user
        st.rerun()
    return user


def _not_found() -> None:
    st.title("Sidan finns inte")
    st.warning("Adressen leder inte till någon sida i Näringsdash. Välj en sida i menyn.", icon=":material/help:")


def _requested_path() -> str | None:
    """The page path a direct link asks for (Streamlit's own bookkeeping; None when unknown)."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        name = ctx.pages_manager.intended_page_name if ctx is not None else None
    except Exception:  # noqa: BLE001 (an internal of Streamlit 1.67; without it the fallback is Streamlit's own)
        return None
    return name.strip("/") if isinstance(name, str) and name.strip("/") else None


def _no_access() -> None:
    st.title("Näringsdash")
    st.warning("Du behöver logga in för att se Näringsdash.", icon=":material/lock:")


MENU = "_meny"

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
    st.session_state[MENU] = tuple(p.file for p in allowed)  # what the menu shows (the tests read it)
    if not pages:
        pages = [st.Page(_no_access, title="Näringsdash", default=True)]
    # Every other page exists too, hidden from the menu: a direct link to it runs its guard (a Swedish message and
    # the login form) instead of Streamlit's English "Page not found"; an unknown address gets a Swedish page.
    shown = {p.file for p in allowed}
    known = {p.url_path for p in allowed}
    for p in PAGES + ACCOUNT_PAGES:
        if p.file not in shown:
            pages.append(st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path, visibility="hidden"))
    asked = _requested_path()
    if allowed and asked == allowed[0].url_path:  # the start page by its own name: go to the start page
        pages.append(st.Page(lambda: st.switch_page(pages[0], query_params=st.query_params.to_dict()),
                             title=allowed[0].title, url_path=asked, visibility="hidden"))
    elif asked and asked not in known and all(asked != p.url_path for p in PAGES + ACCOUNT_PAGES) \
            and asked.replace("_", "").isalnum():
        pages.append(st.Page(_not_found, title="Sidan finns inte", url_path=asked, visibility="hidden"))
    nav = st.navigation(pages, position=position)
    _navigation_ready = True
    return nav



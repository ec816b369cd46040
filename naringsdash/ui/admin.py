"""The admin page's sections (imports streamlit, like ui.py): users, reference data, indicator workbook, Kolada.

Each section checks its own named action first and calls the same package functions as the command line,
so the rules (and their Swedish messages) are the same. User text is shown in tables or escaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import streamlit as st

from .. import audit, auth, config, indicator_workbook, kolada, sso
from ..store import queries
from . import account as ui_auth
from . import common as ui

USER_LABELS = {"username": "Användarnamn", "display_name": "Namn", "email": "E-post", "roll": "Roll",
               "forvaltningar": "Förvaltningar", "har_losenord": "Lösenord",
               "lokal_roll": "Lokal roll", "avstangd": "Avstängd", "demo": "Demokonto",
               "created_at": "Skapad"}
MAX_NAME = 120


def _done(text: str) -> None:
    ui_auth.flash("success", text)
    st.rerun()


def _refused(exc: Exception) -> None:
    st.error(ui.md(str(exc)), icon=":material/error:")


# --- Users ---------------------------------------------------------------------------------------


def users(user: auth.User, db=None) -> None:
    """List, add, change, set password, remove: auth.add_user/update_user/set_password/remove_user."""
    auth.require(user, "manage_users")
    ref = ui.reference()
    df = auth.list_users(db)
    df = df.assign(roll=df["role"].map(auth.ROLE_LABELS))
    ui.table(df, list(USER_LABELS), labels=USER_LABELS, key="anvandare")
    codes = list(ref.forvaltningar)

    def forv_label(c: str) -> str:
        return f"{c} – {ref.forvaltning_name(c)}"

    with st.expander("Lägg till en användare", icon=":material/person_add:"):
        with st.form("ny_anvandare"):
            name = st.text_input("Användarnamn", key="ny_anvandare_namn",
                                 help="2–64 tecken: a–z, siffror, punkt, bindestreck, understreck eller @")
            label = st.text_input("Namn som visas", key="ny_visningsnamn")
            email = st.text_input("E-post", key="ny_epost", help="Krävs för inloggning med kommunens konto.")
            role = st.selectbox("Roll", auth.ROLES, format_func=auth.ROLE_LABELS.get, key="ny_roll")
            forv = st.multiselect("Förvaltningar (bara rapportörer)", codes, format_func=forv_label, key="ny_forv",
                                  placeholder="Inga förvaltningar")
            password = st.text_input("Lösenord", type="password", autocomplete="new-password", key="ny_losenord",
                                     help="Lämna tomt för ett konto som bara loggar in med kommunens konto.")
            if st.form_submit_button("Lägg till"):
                try:
                    added = auth.add_user(name, role, password or None, forv, label, email, db=db,
                                          actor=user.username)
                except auth.UserError as exc:
                    _refused(exc)
                else:
                    _done(f"Användaren {ui.md(added.username)} är tillagd.")

    if df.empty:
        return
    st.subheader("Ändra en användare")
    pick = st.selectbox("Användare", df["username"].tolist(), key="admin_anvandare")
    row = df.set_index("username").loc[pick]
    current = [c.strip() for c in (row["forvaltningar"] or "").split(",") if c.strip()]
    with st.form(f"andra_{pick}"):
        role = st.selectbox("Roll", auth.ROLES, index=auth.ROLES.index(row["role"]),
                            format_func=auth.ROLE_LABELS.get, key=f"roll_{pick}")
        forv = st.multiselect("Förvaltningar (bara rapportörer)", codes, default=[c for c in current if c in codes],
                              format_func=forv_label, key=f"forv_{pick}", placeholder="Inga förvaltningar")
        label = st.text_input("Namn som visas", value=row["display_name"] or "", key=f"namn_{pick}")
        email = st.text_input("E-post", value=row["email"] or "", key=f"epost_{pick}")
        local = st.checkbox("Lokal roll: rollen ovan gäller, katalogens grupper ändrar den inte",
                            value=bool(row["lokal_roll"]), key=f"lokal_{pick}",
                            help="Utan kryss följer rollen kommunens katalog (Katalogroller under fliken Kommunens "
                                 "konto) vid varje inloggning med kommunens konto.")
        off = st.checkbox("Avstängd: kan inte logga in, varken med lösenord eller kommunens konto",
                          value=bool(row["avstangd"]), key=f"avstangd_{pick}")
        if st.form_submit_button("Spara ändringarna"):
            try:
                changed = auth.update_user(pick, db, role=role, display_name=label, email=email,
                                           forvaltningar=forv if role == "rapportor" else (), actor=user.username)
                sso.set_flags(pick, db, lokal_roll=local, avstangd=off)
            except auth.UserError as exc:
                _refused(exc)
            else:
                me = ui_auth.signed_in()
                if getattr(me, "username", None) == pick:
                    st.session_state[ui_auth.USER] = replace(changed, via=me.via, generation=me.generation)
                _done(f"Användaren {ui.md(pick)} är ändrad.")
    with st.form(f"losenord_{pick}", clear_on_submit=True):
        first = st.text_input("Nytt lösenord", type="password", autocomplete="new-password", key=f"pw1_{pick}")
        again = st.text_input("Samma lösenord igen", type="password", autocomplete="new-password",
                              key=f"pw2_{pick}")
        if st.form_submit_button("Sätt lösenord"):
            if first != again:
                st.error("Lösenorden är inte lika.", icon=":material/error:")
            else:
                try:
                    generation = auth.set_password(pick, first, db, actor=user.username)
                except auth.UserError as exc:
                    _refused(exc)
                else:
                    me = ui_auth.signed_in()
                    if getattr(me, "username", None) == pick:  # this session stays; the account's others end
                        st.session_state[ui_auth.USER] = replace(me, generation=generation)
                    _done(f"Nytt lösenord för {ui.md(pick)}. Kontots andra inloggningar är avslutade.")
    with st.form(f"ta_bort_{pick}"):
        sure = st.checkbox(f"Ja, ta bort användaren {ui.md(pick)}", key=f"bekrafta_{pick}")
        if st.form_submit_button("Ta bort"):
            if not sure:
                st.warning("Kryssa i rutan för att bekräfta.", icon=":material/warning:")
            else:
                try:
                    auth.remove_user(pick, db, actor=user.username)
                except auth.UserError as exc:
                    _refused(exc)
                else:
                    if getattr(ui_auth.signed_in(), "username", None) == pick:
                        ui_auth.sign_out()
                        st.rerun()
                    _done(f"Användaren {ui.md(pick)} är borttagen.")


# --- Single sign-on: directory roles and removed accounts ---------------------------------------------------


def single_sign_on(user: auth.User, db=None) -> None:
    """``[[katalogroll]]``: a directory group or app role → role and förvaltningar (written with
    config.save_reference after the same strict check as the file), and the blocked addresses of removed accounts."""
    auth.require(user, "edit_reference")
    ref = config.load_reference()
    st.subheader("Katalogroller")
    st.caption("En grupp (claim groups, i Entra ID gruppens Object ID) eller en approll (claim roles) i kommunens "
               "katalog ger en roll i Näringsdash. Rollen följer katalogen vid varje inloggning, utom för "
               "användare med lokal roll.")
    rows = pd.DataFrame([(m.key, m.value, auth.ROLE_LABELS[m.role], ", ".join(m.forvaltningar))
                         for m in ref.katalogroller], columns=["Typ", "Grupp eller approll", "Roll", "Förvaltningar"])
    st.dataframe(rows, hide_index=True, key="katalogroller")
    with st.form("ny_katalogroll", clear_on_submit=True):
        left, right = st.columns([1, 3])
        kind = left.selectbox("Typ", list(config.SSO_CLAIMS), key="kr_typ",
                              format_func={"grupp": "Grupp", "approll": "Approll"}.get)
        value = right.text_input("Gruppens Object ID eller approllens värde", key="kr_varde", max_chars=MAX_NAME)
        role = st.selectbox("Roll", auth.ROLES, format_func=auth.ROLE_LABELS.get, key="kr_roll")
        forv = st.multiselect("Förvaltningar (bara rapportörer)", list(ref.forvaltningar), key="kr_forv",
                              placeholder="Inga förvaltningar")
        if st.form_submit_button("Lägg till katalogroll"):
            try:
                new = config.directory_role({kind: value, "roll": role, "forvaltningar": forv}, ref,
                                            where="Katalogrollen")
            except config.ConfigError as exc:
                _refused(exc)
            else:
                ref.katalogroller = [m for m in ref.katalogroller if (m.claim, m.value) != (new.claim, new.value)]
                ref.katalogroller.append(new)
                config.save_reference(ref)
                _done(f"Katalogrollen {ui.md(new.value)} ger nu {auth.ROLE_LABELS[new.role]}.")
    if ref.katalogroller:
        with st.form("ta_bort_katalogroll"):
            pick = st.selectbox("Katalogroll", range(len(ref.katalogroller)), key="kr_ta_bort",
                                format_func=lambda i: f"{ref.katalogroller[i].key} {ref.katalogroller[i].value}")
            if st.form_submit_button("Ta bort katalogrollen"):
                gone = ref.katalogroller.pop(pick)
                config.save_reference(ref)
                _done(f"Katalogrollen {ui.md(gone.value)} är borttagen.")
    st.subheader("Borttagna konton")
    st.caption("E-postadresserna till borttagna användare kommer inte in med kommunens konto, inte ens som läsare. "
               "Spärren hävs när en användare med adressen läggs till igen, eller här.")
    removed = sso.removed_addresses(db)
    if removed.empty:
        st.caption("Inga spärrade adresser.")
        return
    ui.table(removed, ["email", "username", "removed_at"],
             labels={"email": "E-post", "username": "Användarnamn", "removed_at": "Borttagen"}, key="borttagna")
    with st.form("hav_sparr"):
        address = st.selectbox("Adress", removed["email"].tolist(), key="sparr_adress")
        if st.form_submit_button("Häv spärren"):
            sso.lift_block(address, db)
            _done(f"Spärren för {ui.md(address)} är hävd.")


# --- Reference data ---------------------------------------------------------------------------------


def reference(user: auth.User) -> None:
    """Förvaltning and målområde names and the settings, written with config.save_reference."""
    auth.require(user, "edit_reference")
    ref = config.load_reference()
    sso = str(ref.setting("okanda_sso", "lasare"))
    with st.form("referensdata"):
        st.subheader("Förvaltningar")
        forv = {c: st.text_input(c, value=n, key=f"ref_forv_{c}", max_chars=MAX_NAME)
                for c, n in ref.forvaltningar.items()}
        st.subheader("Målområden")
        mal = {nr: st.text_input(f"Målområde {nr}", value=n, key=f"ref_mal_{nr}", max_chars=MAX_NAME)
               for nr, n in sorted(ref.malomraden.items())}
        st.subheader("Inställningar")
        kommun = st.text_input("Kommun", value=str(ref.setting("kommun", "")), key="ref_kommun", max_chars=MAX_NAME)
        anon = st.checkbox("Anonyma besökare får läsa dashboarden", value=bool(ref.setting("anonyma_lasare", False)),
                           key="ref_anonyma")
        demo = st.checkbox("Demoläge (demokonton, ett per roll)", value=bool(ref.setting("demo", False)),
                           key="ref_demo")
        unknown = st.selectbox("Okända adresser vid inloggning med kommunens konto", ["lasare", "ingen"],
                               index=0 if auth.SSO_UNKNOWN.get(sso.lower()) == "lasare" else 1, key="ref_sso",
                               format_func={"lasare": "får läsa", "ingen": "nekas"}.get)
        if st.form_submit_button("Spara referensdata"):
            empty = [c for c, n in {**forv, **{f"målområde {k}": v for k, v in mal.items()}}.items() if not n.strip()]
            if empty:
                st.error("Namn saknas för: " + ", ".join(empty) + ".", icon=":material/error:")
                return
            ref.forvaltningar = {c: n.strip() for c, n in forv.items()}
            ref.malomraden = {nr: n.strip() for nr, n in mal.items()}
            ref.settings.update(kommun=kommun.strip(), anonyma_lasare=anon, demo=demo, okanda_sso=unknown)
            before = config.load_reference()
            ref = config.save_reference(ref)
            audit.reference_saved(user.username, before, ref)
            auth.ensure_demo_accounts(ref=ref)
            _done("Referensdatan är sparad.")


# --- Indicator workbook ------------------------------------------------------------------------------


def indicator_diff(incoming: list[dict], current: pd.DataFrame) -> pd.DataFrame:
    """Each value of an indicator workbook against the current own-series value: ny, ändrad or oförändrad."""
    new = pd.DataFrame(incoming, columns=["indikator", "malomrade", "enhet", "riktning", "malvarde", "malar", "kalla",
                                          "ar", "varde"])
    own = current[current["serie"] == kolada.OWN_SERIES][["indikator", "ar", "varde"]]
    out = new.merge(own.rename(columns={"varde": "foregaende"}), on=["indikator", "ar"], how="left")
    out["andring"] = ["ny" if pd.isna(b) else "oförändrad" if a == b else "ändrad"
                      for a, b in zip(out["varde"], out["foregaende"])]
    return out


def indicators(user: auth.User, db=None) -> None:
    """An indicator workbook (sheet Indikatorer): check, preview, Spara (ingest.save_as checks the permission)."""
    auth.require(user, "upload_indicators")
    st.caption("Bladet Indikatorer: Indikator, Målområde, Enhet, Riktning, Målvärde, Målår, Källa och ett år "
               "per kolumn. Senare värden ersätter tidigare för samma indikator och år; de tidigare finns kvar i "
               "historiken.")
    left, right, _ = st.columns([1.3, 1.3, 2])
    left.download_button("Ladda ner nuvarande indikatorer", icon=":material/download:", on_click="ignore",
                         data=lambda: indicator_workbook.current_bytes(queries.indicators(db)),
                         file_name="indikatorer.xlsx", key="indikatorer_nuvarande",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         help="Alla indikatorer med sina värden i samma format som uppladdningen: ändra och ladda upp.")
    year = dt.date.today().year
    right.download_button("Ladda ner tom indikatormall", icon=":material/download:", on_click="ignore",
                          data=lambda: indicator_workbook.template_bytes(range(year - 10, year + 1)),
                          file_name="indikatormall.xlsx", key="indikatorer_mall",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    file = st.file_uploader("Indikatorfil (xlsx, xlsm, xls eller ods)", type=["xlsx", "xlsm", "xls", "ods"],
                            key=ui_auth.uploader_key("indikatorer"))
    if file is None:
        return
    data = file.getvalue()
    result = ui_auth.checked(data, file.name, ref=ui.reference())
    if not result.ok:
        ui_auth.show_errors(result)
        return
    if result.parsed.has_activities or not result.parsed.has_indicators:
        st.error("Filen ska bara ha bladet Indikatorer. Förvaltningarnas uppföljningar laddas upp under Ladda upp.",
                 icon=":material/error:")
        return
    diff = indicator_diff(result.parsed.indicators, queries.indicators(db))
    counts = diff["andring"].value_counts()
    st.success(f"Filen är godkänd: {len(diff)} värden för {diff['indikator'].nunique()} indikatorer. Ingenting är "
               "sparat ännu: granska och tryck Spara.", icon=":material/task_alt:")
    ui_auth.show_warnings(result)
    cols = st.columns(3)
    for col, (label, key) in zip(cols, (("Nya", "ny"), ("Ändrade", "ändrad"), ("Oförändrade", "oförändrad"))):
        col.metric(label, ui.number(int(counts.get(key, 0))), border=True)
    ui.table(diff, ["andring", "indikator", "malomrade", "ar", "foregaende", "varde", "enhet", "riktning", "malvarde",
                    "malar", "kalla"], labels={"andring": "Ändring", "foregaende": "Nuvarande värde",
                                               "varde": "Värde i filen"}, key="indikatordiff")
    if st.button("Spara", type="primary", icon=":material/save:", key="spara_indikatorer"):
        ui_auth.save(user, result, data, uploader="indikatorer", db=db)


# --- Kolada --------------------------------------------------------------------------------------------


def kolada_sync(user: auth.User, db=None) -> None:
    """Fetch the catalogue's KPIs from Kolada with a progress bar; the result and any warnings in Swedish."""
    auth.require(user, "kolada_sync")
    try:
        cat = kolada.catalogue(ui.reference())
    except kolada.KoladaError as exc:
        _refused(exc)
        return
    last = kolada.last_checked(db)
    st.caption(f"Hämtar {len(cat.kpis)} nyckeltal för kommunen, riket och liknande kommuner från Kolada. "
               f"Senast hämtat: {last:%Y-%m-%d %H:%M}." if last else "Senast hämtat: aldrig.")
    st.dataframe(pd.DataFrame([(k.id, k.indikator, k.malomrade) for k in cat.kpis],
                              columns=["Nyckeltal", "Indikator", "Målområde"]), hide_index=True, key="kpier")
    this_year = dt.date.today().year
    left, right = st.columns(2)
    first = left.number_input("Från år", min_value=1990, max_value=this_year, value=min(cat.ar_fran, this_year),
                              key="kolada_fran")
    last_year = right.number_input("Till år", min_value=1990, max_value=this_year, value=this_year, key="kolada_till")
    if st.button("Hämta från Kolada", type="primary", icon=":material/cloud_download:"):
        bar = st.progress(0.0, text="Ansluter till Kolada …")
        res = kolada.sync(db, years=range(int(first), int(last_year) + 1), user=user.username,
                          progress=lambda f, text: bar.progress(min(max(float(f), 0.0), 1.0), text=text))
        (st.success if res.ok else st.error)(ui.md(res.message))
        for w in res.warnings:
            st.warning(ui.md(w), icon=":material/warning:")

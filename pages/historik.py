"""Historik: every upload the user may see, with its original file and (admin) restoring an earlier version."""

import streamlit as st

from naringsdash import auth, config, history, ui

COLUMNS = ["id", "typ", "forvaltning", "period", "uploaded_at", "user_name", "file_name", "rows", "version",
           "anmarkning"]

user = ui.account.recheck(ui.guard("view_history"), "view_history", ui.store())
db = ui.store()
st.title("Historik")
ui.account.flash()
with ui.user_errors():
    uploads = history.uploads_for(user, db, ui.reference())
if "uploads" not in globals():
    st.stop()
if uploads.empty:
    st.info("Det finns inga uppladdningar ännu.", icon=":material/history:")
    st.stop()
st.caption("Varje uppladdning sparas som en version; den senaste för en förvaltning och period är den aktuella. "
           "Ingenting raderas." if user.role == "admin" else
           f"Uppladdningar för {', '.join(user.forvaltningar)}. Den senaste för en period är den aktuella.")
shown = st.multiselect("Förvaltning", sorted(uploads["forvaltning"].dropna().unique()), placeholder="Alla")
view = uploads[uploads["forvaltning"].isin(shown)] if shown else uploads
ui.table(view.fillna({"forvaltning": "", "period": ""}), COLUMNS, labels=history.HISTORY_LABELS,
         height=min(38 + 35 * len(view), 500), key="historik")

st.header("En uppladdning")
rows = view.set_index("id")
chosen = st.selectbox("Uppladdning", list(rows.index), key="historik_val",
                      format_func=lambda i: history.upload_label(i, rows.loc[i]))
row = rows.loc[chosen]
st.download_button("Ladda ner originalfilen", icon=":material/download:", on_click="ignore",
                   data=ui.guarded(lambda: history.original(user, chosen, db)[1], "download_original",
                                   row["forvaltning"] if isinstance(row["forvaltning"], str) else None),
                   file_name=row["file_name"])
if auth.can(user, "restore") and row["kind"] == "aktiviteter" and row["version"] == "Ersatt":
    st.subheader("Återställ")
    sure = st.checkbox(f"Ja, gör nr {chosen} till den aktuella versionen för {row['forvaltning']}, "
                       f"{config.period_label(row['period'])}. Den blir den nyaste versionen; ingenting raderas.",
                       key="historik_bekrafta")
    if st.button("Återställ versionen", disabled=not sure, icon=":material/restore:"):
        with ui.user_errors():
            new_id = history.restore(user, chosen, db)
            ui.account.flash("success", f"Nr {chosen} är återställd som ny version nr {new_id}.")
            st.rerun()

"""Ladda upp: a förvaltning's follow-up workbook: the pre-filled template, check, preview, and only Spara writes."""

import streamlit as st

from naringsdash import auth, config, ingest, ui
from naringsdash.ingest import template

user = ui.account.recheck(ui.guard("upload"), "upload", ui.store())
ref = ui.reference()
db = ui.store()
st.title("Ladda upp uppföljning")
ui.account.flash()
codes = auth.allowed_forvaltningar(user, "upload", list(ref.forvaltningar))
periods = ui.account.period_choices()
left, right = st.columns(2)
forvaltning = left.selectbox("Förvaltning", codes, format_func=lambda c: f"{c} – {ref.forvaltning_name(c)}",
                             key="upload_forvaltning")
period = right.selectbox("Period", periods, index=1, format_func=config.period_label, key="upload_period")
if not auth.can(user, "upload", forvaltning) or period not in periods:
    st.error("Du har inte behörighet att ladda upp för den förvaltningen.", icon=":material/block:")
    st.stop()

st.download_button(f"Ladda ner mallen för {forvaltning}, {config.period_label(period)}", icon=":material/download:",
                   data=ui.guarded(lambda: template.template_bytes(forvaltning, period, db, ref, reporter=user.label),
                                   "download_template", forvaltning),
                   file_name=f"uppfoljning_{forvaltning}_{period}.xlsx", on_click="ignore",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   disabled=not auth.can(user, "download_template", forvaltning))
st.caption("Mallen är ifylld med förvaltningens aktiviteter från den senaste uppföljningen.")

file = st.file_uploader("Uppföljningsfil (xlsx, xlsm, xls eller ods)", type=["xlsx", "xlsm", "xls", "ods"],
                        key=ui.account.uploader_key("upload"))
if file is None:
    st.stop()
data = file.getvalue()
result = ui.account.checked(data, file.name, forvaltning=forvaltning, period=period, ref=ref)
if not result.ok:
    ui.account.show_errors(result)
    st.stop()
if not result.parsed.has_activities:
    st.error("Filen har inget blad Aktiviteter. Indikatorfiler laddas upp av näringslivsavdelningen under Admin.",
             icon=":material/error:")
    st.stop()
ui.account.show_preview(result, ingest.preview(result, db))
ui.plan.upload_coverage(result, db)
if st.button("Spara", type="primary", icon=":material/save:"):
    ui.account.save(user, result, data, uploader="upload", db=db, forvaltning=forvaltning, period=period)

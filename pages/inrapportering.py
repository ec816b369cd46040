"""Inrapportering: which förvaltningar have reported for the period, when and by whom, and what is missing."""

import streamlit as st

from naringsdash import config, ui

user = ui.guard()
data = ui.data()
sel = ui.filters(data, malomrade=None)
st.title("Inrapportering")
if sel.period is None:
    ui.no_data()
ui.period_banner(data, sel.period)
st.caption(f"{config.period_label(sel.period)} · uppföljningar per förvaltning")

ref = ui.reference()
rep = data.reporting(sel.period)
if sel.forvaltningar:
    rep = rep[rep["forvaltning"].isin(sel.forvaltningar)]
rep = rep.assign(forvaltning_namn=[ref.forvaltning_name(c) for c in rep["forvaltning"]])
done, missing = rep[rep["rapporterat"]], rep[~rep["rapporterat"]]

cols = st.columns(3)
ui.metric(cols[0], "Har rapporterat", f"{len(done)} av {len(rep)}")
ui.metric(cols[1], "Saknas", ui.number(len(missing)))
latest = done["uploaded_at"].max() if not done.empty else None
cols[2].metric("Senaste inrapportering", latest.strftime("%Y-%m-%d") if latest is not None else "–", border=True)

st.header("Inför styrgruppen")
if missing.empty:
    st.success(f"Alla {len(rep)} förvaltningar har rapporterat för {config.period_label(sel.period)}.",
               icon=":material/check_circle:")
else:
    st.warning("Uppföljning saknas från: " + ", ".join(ui.md(f"{c} ({n})") for c, n in
                                                     zip(missing["forvaltning"], missing["forvaltning_namn"])),
               icon=":material/pending_actions:")

st.header("Per förvaltning")
ui.table(rep, ["forvaltning", "forvaltning_namn", "rapporterat", "uploaded_at", "user_name", "file_name", "versioner",
               "antal", "andel_klara", "snitt_andel_klar", "forsenade"])
st.caption("Målområdesfiltret gäller inte här: inrapporteringen avser förvaltningens hela uppföljning.")
ui.closing.calendar_section(data, sel)
ui.account.flash()
ui.closing.close_link(user, data, sel.period)
ui.plan.coverage_section(data, sel)

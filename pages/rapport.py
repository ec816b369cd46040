"""Rapport till kommunstyrelsen: the follow-up report for a period as PDF, Excel or Word."""

import streamlit as st

from naringsdash import config, report, ui

ui.guard()
data = ui.data()
sel = ui.filters(data, forvaltning=False, malomrade=None)
st.title("Rapport till kommunstyrelsen")
if sel.period is None:
    ui.no_data()
ui.period_banner(data, sel.period)
st.caption(f"{report.TITLE} · {config.period_label(sel.period)} · läget per "
           f"{config.as_of_date(sel.period, data.today)}")
st.markdown("Rapporten har en sammanfattning, ett avsnitt per målområde (status, framsteg, analys och försenade "
            "aktiviteter), indikatorerna med mål och utveckling, och inrapporteringen. Den visar samma siffror som "
            "Översikten och gäller hela kommunen: förvaltnings- och målområdesfiltren används inte här. "
            "PDF-filen är arkivbeständig (PDF/A) och tillgänglig för skärmläsare, med Excel-underlaget bifogat.")
approved = ui.closing.approved_section(data, sel.period)  # a fastställd report is handed out exactly as stored
if approved is not True:
    if approved is False:
        st.header("Aktuellt underlag")
    for col, fmt in zip(st.columns(3, gap="large"), ui.report.FORMATS):
        with col:
            ui.report.download(data, sel.period, fmt)
ui.closing.open_data_section(data, sel.period)

"""Indikatorer: one chart per indicator over the years with its target, and the change since the year before."""

import pandas as pd
import streamlit as st

from naringsdash import figures, ui

PER_PAGE = 6

ui.guard()
data = ui.data()
sel = ui.filters(data, period=False, forvaltning=False)
st.title("Indikatorer")
changes = data.indicator_changes(sel)
if changes.empty:
    if sel.malomraden:
        st.info("Inga indikatorer hör till de valda målområdena. Välj andra målområden i sidofältet.")
    else:
        st.info("Det finns inga indikatorer ännu. Näringslivsavdelningen laddar upp indikatorfilen (bladet "
                "Indikatorer), eller läs in demodata med `python -m naringsdash demo`.", icon=":material/upload_file:")
    st.stop()

st.header("Förändring sedan föregående år")
st.caption("Förbättring eller försämring bedöms efter indikatorns riktning: för en placering är ett lägre tal "
           "bättre.")
ui.table(changes, ["indikator", "malomrade", "ar", "varde", "foregaende_ar", "foregaende", "forandring",
                   "forandring_procent", "bedomning", "enhet", "riktning"])


def sentence(r) -> str:
    """The latest value and its change in words, e.g. "2025: 133 placering, förbättring med 8 placering (-5,7 %)"."""
    unit = f" {r.enhet}" if r.enhet else ""
    text = f"{r.ar}: {ui.number(r.varde)}{unit}"
    if pd.isna(r.foregaende):
        return text + "."
    pct = f" ({ui.delta(r.forandring_procent, 1, ' %')})" if pd.notna(r.forandring_procent) else ""
    return f"{text}, {r.bedomning} med {ui.number(abs(r.forandring))}{unit}{pct} jämfört med {int(r.foregaende_ar)}."


def target(r) -> str:
    if pd.isna(r.malvarde):
        return "Inget målvärde angivet"
    return f"Mål: {ui.number(r.malvarde)}" + (f" till {int(r.malar)}" if pd.notna(r.malar) else "")


st.header("Utveckling över tid")
values = data.indicators(sel)
pages = max(1, -(-len(changes) // PER_PAGE))
page = st.pagination(pages, key="indikatorsida") if pages > 1 else 1
shown = changes.iloc[(page - 1) * PER_PAGE: page * PER_PAGE]
st.caption(f"Visar indikator {(page - 1) * PER_PAGE + 1}–{(page - 1) * PER_PAGE + len(shown)} av {len(changes)}.")
series = {name: df for name, df in values[values["indikator"].isin(shown["indikator"])].groupby("indikator")}
for r in shown.itertuples():
    st.subheader(ui.md(r.indikator))
    st.caption(ui.md(f"{ui.RIKTNING.get(r.riktning, r.riktning)} · {target(r)} · Källa: {r.kalla or 'okänd'}"))
    st.markdown(ui.md(sentence(r)))
    own = series[r.indikator]
    ui.chart(figures.indicator(own, r.enhet, r.malvarde, r.malar), own,
             ["serie", "ar", "varde"] if own["serie"].nunique() > 1 else ["ar", "varde"],
             label="Visa värdena som tabell", alt=f"Linjediagram över {r.indikator} per år. {sentence(r)}")

"""Näringsdash (minimal start page until the dashboard pages land)."""

import streamlit as st

from naringsdash import config, demo, queries

st.set_page_config(page_title="Näringsdash", layout="wide")
if not queries.periods() and config.load_reference().setting("demo", False):
    with st.spinner("Läser in demodata …"):
        demo.load()
st.title("Näringsdash")
periods = queries.periods()
if not periods:
    st.info("Ingen data ännu. Ladda upp en uppföljningsfil eller kör `python -m naringsdash demo`.")
else:
    period = st.selectbox("Period", periods)
    st.dataframe(queries.activities(period), hide_index=True)

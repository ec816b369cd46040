"""Streamlit glue for the report to kommunstyrelsen: build a format on request (the PDF and Word documents draw
their charts, 15–20 seconds), then offer the file; the bytes are cached per period, format and data version."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from . import config, report, ui

FORMATS = {"pdf": ("PDF", ":material/picture_as_pdf:", "För utskick och diarium. Med diagram, tar 15–20 sekunder."),
           "xlsx": ("Excel", ":material/table_view:", "Samma uppgifter som tabeller, ett blad per avsnitt."),
           "docx": ("Word", ":material/description:", "Redigerbar text att arbeta vidare med inför nämnden. "
                                                      "Med diagram, tar 15–20 sekunder.")}
_BUILT = "_rapporter_klara"


@st.cache_data(show_spinner=False, max_entries=12)
def _build(period: str, fmt: str, db: str, version: int, today: dt.date) -> bytes:
    return report.build(period, fmt, db, today)


def download(d: ui.Data, period: str, fmt: str) -> None:
    """A button that builds the report in this format (with a status while it works), then its download button."""
    label, icon, note = FORMATS[fmt]
    st.subheader(label)
    st.caption(note)
    key = (period, fmt, d.version, d.today)
    built = st.session_state.setdefault(_BUILT, set())
    if key not in built:
        if not st.button(f"Skapa {label}", icon=icon, key=f"rapport_skapa_{fmt}"):
            return
        with st.status(f"Skapar {label} för {config.period_label(period)} …") as status:
            try:
                _build(period, fmt, d.db, d.version, d.today)
            except report.ReportError as exc:
                status.update(label=str(exc), state="error")
                return
            status.update(label=f"{label} för {config.period_label(period)} är klar.", state="complete")
        built.add(key)
    st.download_button(f"Ladda ner {label}", data=ui.guarded(lambda: _build(period, fmt, d.db, d.version, d.today)),
                       file_name=report.file_name(period, fmt), mime=report.MEDIA_TYPES[fmt], icon=":material/download:",
                       type="primary", on_click="ignore", key=f"rapport_ladda_{fmt}")

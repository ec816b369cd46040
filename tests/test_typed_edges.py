"""Edges the type check made explicit: an activity upload names its förvaltning and period; an unnamed ODS cell
style cannot make unstyled date cells into year-month cells."""

from __future__ import annotations

import io
import zipfile

import pytest

from naringsdash import store
from naringsdash.ingest import reader
from naringsdash.ingest.cellformats import MONTH


@pytest.mark.parametrize("forvaltning, period", [(None, "2025-T1"), ("KLF", None)])
def test_activity_upload_without_forvaltning_or_period_is_refused_and_nothing_is_stored(db, forvaltning, period):
    with store.connect(db) as con:
        with pytest.raises(ValueError, match="forvaltning and period"):
            store.save_upload(con, kind="aktiviteter", forvaltning=forvaltning, period=period, user="test",
                              file_name="a.xlsx", data=b"a", activities=[], indicators=[])
        assert con.execute("SELECT count(*) FROM uploads").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM files").fetchone() == (0,)


STYLES = (b'<office:automatic-styles>'
          b'<number:date-style style:name="N1"><number:year/><number:text>-</number:text><number:month/>'
          b'</number:date-style>'
          b'<style:style style:family="table-cell" style:data-style-name="N1"/>'  # no style:name: unusable
          b'<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>'
          b'</office:automatic-styles>')


def test_ods_month_cells_come_from_named_styles_only():
    content = (b'<office:document-content xmlns:office="o" xmlns:style="s" xmlns:number="n" xmlns:table="t">'
               + STYLES + b'<office:body><office:spreadsheet>'
               b'<table:table table:name="Blad1"><table:table-row>'
               b'<table:table-cell office:value-type="date" office:date-value="2025-06-01"/>'
               b'<table:table-cell table:style-name="ce1" office:value-type="date" office:date-value="2025-06-01"/>'
               b'</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("content.xml", content)
    assert reader._guard_zip(buf.getvalue()) == ("ods", {"Blad1": {(0, 1): MONTH}})

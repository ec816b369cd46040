"""The schema is the one definition of the activity columns: the database table, the canonical export, the
template and the upload preview agree with it."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from naringsdash import export, schema, store
from naringsdash.ingest.template import template_bytes
from naringsdash.store import queries
from naringsdash.ui.account import ACTIVITY_COLUMNS


def test_the_database_table_is_the_schema(db):
    with store.connect(db) as con:
        described = {name: kind for name, kind, *_ in con.execute("DESCRIBE activities").fetchall()}
    assert described == schema.stored_activity_types()
    assert tuple(described) == store.ACTIVITY_COLS == schema.STORED_ACTIVITY_COLUMNS


def test_the_export_is_the_schema(demo_db):
    cols, rows = queries.export_activities("2026-T2", demo_db)
    assert tuple(cols) == schema.EXPORT_COLUMNS
    header = next(csv.reader(io.StringIO(export.canonical_csv(cols, rows))))
    assert header == list(schema.EXPORT_COLUMNS) == [
        "period", "forvaltning", "aktivitet_id", "aktivitet", "malomrade", "ansvarig", "startdatum", "slutdatum",
        "status", "andel_klar", "bedomning", "kommentar", "forsenad"]  # the contract's order, written out once


def test_template_and_preview_columns_are_the_schema(db):
    wb = load_workbook(io.BytesIO(template_bytes("KLF", "2026-T1", db)))
    ws = wb[schema.ACTIVITY_SHEET]
    header_row = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == schema.ACTIVITY_COLUMNS[0].header)
    assert [h for h in header_row if h][: len(schema.ACTIVITY_COLUMNS)] == [c.header for c in schema.ACTIVITY_COLUMNS]
    assert ACTIVITY_COLUMNS == list(schema.ROW_KEYS)

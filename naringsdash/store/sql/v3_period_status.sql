-- Superseded: period_closing.sql's period_closures (closing.py) is the one record of closed periods; nothing
-- reads or writes period_status any more. The migration stays because MIGRATIONS are append-only (a database
-- made since has the table; version numbers are list positions).
-- Period markings by an admin (versioned: the newest row per period and kind is current, nothing is overwritten).
-- kind 'inrapportering': the period is closed for reporting and counts as komplett even if a förvaltning is missing.
-- A later kind (closing the period for the report) can reuse the table.
CREATE SEQUENCE IF NOT EXISTS period_status_seq START 1;
CREATE TABLE IF NOT EXISTS period_status (
    id INTEGER PRIMARY KEY,
    period VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,                -- inrapportering
    closed BOOLEAN NOT NULL,              -- true: closed; false: opened again
    user_name VARCHAR,
    changed_at TIMESTAMP NOT NULL,
    reason VARCHAR
);

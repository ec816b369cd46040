-- Issue 16: the reporting calendar, reminders, closing and approving a period.
-- A deadline per period set by the admin (else the default rule: deadline_dagar after the period's end).
CREATE TABLE IF NOT EXISTS period_deadlines (
    period VARCHAR PRIMARY KEY,
    deadline DATE NOT NULL,
    set_by VARCHAR,
    set_at TIMESTAMP NOT NULL
);
-- Every reminder e-mail tried: to whom, for which period and förvaltning, which kind, when, the outcome.
-- A reminder (period, förvaltning, kind, recipient) is sent once: a row with outcome 'skickad' stops it;
-- a row with outcome 'fel' does not, so the next run tries again.
CREATE SEQUENCE IF NOT EXISTS reminder_seq START 1;
CREATE TABLE IF NOT EXISTS reminders_sent (
    id INTEGER PRIMARY KEY,
    period VARCHAR NOT NULL,
    forvaltning VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,                -- fore | dag | efter
    recipient VARCHAR NOT NULL,           -- e-mail address
    username VARCHAR,
    deadline DATE NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    outcome VARCHAR NOT NULL,             -- skickad | fel
    detail VARCHAR
);
-- A period closed for reporting: one row per closing; reopening fills in the reopened_* columns.
-- The period is closed while its newest row has reopened_at IS NULL.
CREATE SEQUENCE IF NOT EXISTS closure_seq START 1;
CREATE TABLE IF NOT EXISTS period_closures (
    id INTEGER PRIMARY KEY,
    period VARCHAR NOT NULL,
    closed_by VARCHAR NOT NULL,
    closed_at TIMESTAMP NOT NULL,
    complete BOOLEAN NOT NULL,            -- every förvaltning had reported when it was closed
    reason VARCHAR,                       -- required when it was not complete
    reopened_by VARCHAR,
    reopened_at TIMESTAMP,
    reopen_reason VARCHAR
);
-- The report fastställd (approved) for a closed period: generated once, stored byte for byte with SHA-256.
-- A new closing after a reopening may be approved again as a new version; the old one stays.
CREATE SEQUENCE IF NOT EXISTS approved_seq START 1;
CREATE TABLE IF NOT EXISTS approved_reports (
    id INTEGER PRIMARY KEY,
    period VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    closure_id INTEGER NOT NULL,
    dnr VARCHAR NOT NULL,                 -- diarienummer, e.g. KS 2027/123
    ks_date DATE NOT NULL,                -- the kommunstyrelse meeting that approved it
    approved_by VARCHAR NOT NULL,
    approved_at TIMESTAMP NOT NULL,
    UNIQUE (period, version)
);
CREATE TABLE IF NOT EXISTS approved_report_files (
    report_id INTEGER NOT NULL,
    fmt VARCHAR NOT NULL,                 -- pdf | xlsx | docx
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (report_id, fmt)
);

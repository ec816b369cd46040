-- The audit log (issue 11 §6): who did what and when. Append-only: the code only ever inserts.
CREATE SEQUENCE IF NOT EXISTS audit_seq START 1;
CREATE TABLE IF NOT EXISTS audit_log (
    id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
    logged_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,               -- user name, or who ran the command line
    action VARCHAR NOT NULL,              -- audit.ACTIONS
    target VARCHAR NOT NULL DEFAULT '',   -- what it was done to: a user, an upload, a period
    detail VARCHAR NOT NULL DEFAULT ''    -- more: client address, changed fields, file name
);

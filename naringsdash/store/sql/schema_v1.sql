-- Näringsdash schema, version 1. Applied once by store.migrate().
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS upload_seq START 1;
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY,
    kind VARCHAR NOT NULL,            -- aktiviteter | indikatorer
    forvaltning VARCHAR,
    period VARCHAR,
    user_name VARCHAR,
    uploaded_at TIMESTAMP NOT NULL,
    file_name VARCHAR,
    sha256 VARCHAR NOT NULL,
    rows INTEGER NOT NULL,
    restored_from INTEGER
);
CREATE TABLE IF NOT EXISTS files (sha256 VARCHAR PRIMARY KEY, content BLOB NOT NULL, size BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS activities (
    upload_id INTEGER NOT NULL,
    forvaltning VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    aktivitet_id VARCHAR NOT NULL,
    aktivitet VARCHAR,
    malomrade INTEGER,
    ansvarig VARCHAR,
    startdatum DATE,
    slutdatum DATE,
    status VARCHAR,
    andel_klar INTEGER,
    bedomning VARCHAR,
    kommentar VARCHAR,
    excel_row INTEGER
);
CREATE TABLE IF NOT EXISTS indicator_values (
    upload_id INTEGER NOT NULL,
    indikator VARCHAR NOT NULL,
    malomrade INTEGER,
    enhet VARCHAR,
    riktning VARCHAR,
    malvarde DOUBLE,
    malar INTEGER,
    kalla VARCHAR,
    ar INTEGER NOT NULL,
    varde DOUBLE NOT NULL,
    serie VARCHAR DEFAULT 'Trelleborg',   -- Trelleborg, or a comparison series (Riket, Liknande kommuner)
    kpi VARCHAR,                          -- Kolada KPI id when the value comes from Kolada
    fetched_at TIMESTAMP,                 -- when it was fetched from Kolada
    kolada_status VARCHAR                 -- the value's status in Kolada
);
CREATE TABLE IF NOT EXISTS users (
    username VARCHAR PRIMARY KEY,
    display_name VARCHAR,
    email VARCHAR,
    role VARCHAR NOT NULL,                -- lasare | rapportor | admin
    forvaltningar VARCHAR[],              -- for a rapportör
    password_hash VARCHAR,
    failed_attempts INTEGER DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP,
    demo BOOLEAN DEFAULT false            -- a demo account: exists only while the setting `demo` is on
);
CREATE SEQUENCE IF NOT EXISTS analysis_seq START 1;
-- Assessment per målområde and period (versioned: the newest row is current).
CREATE TABLE IF NOT EXISTS analyses (
    id INTEGER PRIMARY KEY,
    malomrade INTEGER NOT NULL,
    period VARCHAR NOT NULL,
    bedomning VARCHAR,                    -- Grön | Gul | Röd
    text VARCHAR,
    user_name VARCHAR,
    created_at TIMESTAMP NOT NULL
);
-- The newest accepted upload per (förvaltning, period) is the current one.
CREATE OR REPLACE VIEW current_uploads AS
    SELECT * FROM uploads WHERE kind = 'aktiviteter'
    QUALIFY row_number() OVER (PARTITION BY forvaltning, period ORDER BY id DESC) = 1;
CREATE OR REPLACE VIEW current_activities AS
    SELECT a.* FROM activities a JOIN current_uploads u ON a.upload_id = u.id;
-- Each indicator's description from its latest upload; each value from the latest upload giving it.
CREATE OR REPLACE VIEW indicator_meta AS
    SELECT indikator, malomrade, enhet, riktning, malvarde, malar, kalla FROM indicator_values
    WHERE serie = 'Trelleborg'
    QUALIFY row_number() OVER (PARTITION BY indikator ORDER BY upload_id DESC) = 1;
CREATE OR REPLACE VIEW current_indicator_values AS
    SELECT m.indikator, m.malomrade, m.enhet, m.riktning, m.malvarde, m.malar, m.kalla, v.serie, v.ar, v.varde,
           v.upload_id
    FROM (SELECT * FROM indicator_values
          QUALIFY row_number() OVER (PARTITION BY indikator, serie, ar ORDER BY upload_id DESC) = 1) v
    JOIN indicator_meta m USING (indikator);
-- THE overdue rule (contract §3): Försenad, or past Slutdatum on the as-of date and neither Klar nor Avbruten.
CREATE OR REPLACE MACRO is_overdue(status, slutdatum, as_of) AS
    status = 'Försenad' OR (slutdatum < as_of AND status NOT IN ('Klar', 'Avbruten'));
-- The current activities of one period with the overdue flag and days late on the as-of date.
CREATE OR REPLACE MACRO period_activities(p, as_of) AS TABLE
    SELECT a.*,
           is_overdue(a.status, a.slutdatum, as_of) AS forsenad,
           CASE WHEN is_overdue(a.status, a.slutdatum, as_of)
                THEN greatest(date_diff('day', a.slutdatum, as_of), 0) END AS dagar_sena
    FROM current_activities a
    WHERE a.period = p;

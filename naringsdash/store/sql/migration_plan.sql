-- The handlingsplan: one version per import and year (the newest is the current plan of its year),
-- its activities with their linked indicators, and its goals per målområde. The original file is kept
-- in `files`, like an upload's.
CREATE SEQUENCE IF NOT EXISTS plan_seq START 1;
CREATE TABLE IF NOT EXISTS plan_versions (
    id INTEGER PRIMARY KEY,
    ar INTEGER NOT NULL,                  -- the plan year
    antagen DATE,                         -- adopted on
    antagen_av VARCHAR,                   -- adopted by (Kommunfullmäktige)
    dnr VARCHAR,                          -- diarienummer
    user_name VARCHAR,
    uploaded_at TIMESTAMP NOT NULL,
    file_name VARCHAR,
    sha256 VARCHAR NOT NULL,
    rows INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS plan_activities (
    plan_id INTEGER NOT NULL,
    aktivitet_id VARCHAR NOT NULL,
    aktivitet VARCHAR,
    malomrade INTEGER,
    forvaltning VARCHAR NOT NULL,         -- ansvarig förvaltning (reports the activity)
    medverkande VARCHAR[],                -- medverkande förvaltningar
    mal VARCHAR,                          -- mål / förväntat resultat
    startdatum DATE,
    slutdatum DATE,
    indikatorer VARCHAR[],                -- the indicators the activity is meant to move
    excel_row INTEGER
);
CREATE TABLE IF NOT EXISTS plan_goals (
    plan_id INTEGER NOT NULL,
    malomrade INTEGER NOT NULL,
    mal VARCHAR NOT NULL,
    indikator VARCHAR,
    malvarde DOUBLE,
    malar INTEGER,
    excel_row INTEGER
);
CREATE OR REPLACE VIEW current_plans AS
    SELECT * FROM plan_versions
    QUALIFY row_number() OVER (PARTITION BY ar ORDER BY id DESC) = 1;
CREATE OR REPLACE VIEW current_plan_activities AS
    SELECT p.ar, a.* FROM plan_activities a JOIN current_plans p ON a.plan_id = p.id;
CREATE OR REPLACE VIEW current_plan_goals AS
    SELECT p.ar, g.* FROM plan_goals g JOIN current_plans p ON g.plan_id = p.id;

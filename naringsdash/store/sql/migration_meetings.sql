-- The styrgrupp's loop: meetings, decisions (versioned), synpunkter from näringslivet (versioned).
-- Applied once by store.migrate() after schema_v1.sql; adds tables only, changes nothing that exists.
CREATE SEQUENCE IF NOT EXISTS meeting_seq START 1;
CREATE TABLE IF NOT EXISTS meetings (
    id INTEGER PRIMARY KEY,
    datum DATE NOT NULL,
    period VARCHAR NOT NULL,              -- the period the meeting follows up
    agenda VARCHAR[],                     -- the slide titles, in order
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL
);
-- Who attended: a förvaltning, with the participant by name or role (no other personal data).
CREATE TABLE IF NOT EXISTS meeting_attendance (
    meeting_id INTEGER NOT NULL,
    forvaltning VARCHAR NOT NULL,
    deltagare VARCHAR
);
CREATE SEQUENCE IF NOT EXISTS decision_seq START 1;
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL,          -- the meeting that took it
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL
);
-- Every change of a decision is a new version (the newest is current); nothing is overwritten.
CREATE TABLE IF NOT EXISTS decision_versions (
    decision_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    malomrade INTEGER NOT NULL,
    aktivitet_forvaltning VARCHAR,        -- with aktivitet_id: the activity it is about, else the målområde
    aktivitet_id VARCHAR,
    text VARCHAR NOT NULL,
    agare VARCHAR NOT NULL,               -- owner förvaltning (code)
    roll VARCHAR,                         -- optionally a role within it
    forfaller DATE,                       -- due date
    status VARCHAR NOT NULL,              -- Öppen | Klar | Struken
    kommentar VARCHAR,
    user_name VARCHAR,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (decision_id, version)
);
CREATE SEQUENCE IF NOT EXISTS synpunkt_seq START 1;
CREATE TABLE IF NOT EXISTS synpunkter (
    id INTEGER PRIMARY KEY,
    created_by VARCHAR,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS synpunkt_versions (
    synpunkt_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    datum DATE NOT NULL,
    kalla VARCHAR NOT NULL,               -- företagsbesök, näringslivsråd, enkät … (the admin's list)
    malomrade INTEGER NOT NULL,
    forvaltning VARCHAR,                  -- the förvaltning that answers (a rapportör writes for their own)
    organisation VARCHAR,                 -- at most a company's name; never a private person
    sammanfattning VARCHAR NOT NULL,
    svar VARCHAR,                         -- svar/åtgärd
    aktivitet_forvaltning VARCHAR,
    aktivitet_id VARCHAR,
    beslut_id INTEGER,
    status VARCHAR NOT NULL,              -- Ny | Under beredning | Besvarad | Avslutad
    user_name VARCHAR,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (synpunkt_id, version)
);
CREATE OR REPLACE VIEW current_decisions AS
    SELECT v.*, d.meeting_id, m.datum AS mote_datum, d.created_by, d.created_at
    FROM (SELECT * FROM decision_versions
          QUALIFY row_number() OVER (PARTITION BY decision_id ORDER BY version DESC) = 1) v
    JOIN decisions d ON d.id = v.decision_id
    JOIN meetings m ON m.id = d.meeting_id;
CREATE OR REPLACE VIEW current_synpunkter AS
    SELECT v.*, s.created_by, s.created_at
    FROM (SELECT * FROM synpunkt_versions
          QUALIFY row_number() OVER (PARTITION BY synpunkt_id ORDER BY version DESC) = 1) v
    JOIN synpunkter s ON s.id = v.synpunkt_id;

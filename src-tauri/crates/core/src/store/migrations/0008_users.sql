-- Users of the clinic (issue: protected health information). Nobody is ever deleted: a
-- deactivated user keeps their name on every entry they wrote, and cannot sign in.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    role            TEXT    NOT NULL CHECK (role IN ('therapist', 'prescriber', 'clinical_director')),
    created_at_ms   INTEGER NOT NULL,
    created_by      INTEGER REFERENCES users(id),
    deactivated_at_ms INTEGER,
    deactivated_by  INTEGER REFERENCES users(id),
    -- Argon2id PHC string of the user's short unlock PIN, if they set one.
    pin_hash        TEXT
);

-- The random id the key file names: a key file from another database is told apart.
CREATE TABLE database_identity (
    only_row    INTEGER PRIMARY KEY CHECK (only_row = 1),
    database_id TEXT    NOT NULL
);

-- Who read the record out of the app, and where it went (an export for the chart). Append-only,
-- as the timeline is: the audit of access grows from here.
CREATE TABLE access_log (
    id          INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    user_name   TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    session_id  INTEGER REFERENCES sessions(id),
    detail      TEXT    NOT NULL
);
CREATE TRIGGER access_log_is_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log cannot be changed'); END;
CREATE TRIGGER access_log_is_append_only_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log cannot be changed'); END;

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

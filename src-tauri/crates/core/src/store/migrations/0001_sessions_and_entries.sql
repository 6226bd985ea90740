-- Frozen once shipped: later changes are new files.
CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    client_code   TEXT    NOT NULL,
    therapist     TEXT    NOT NULL,
    route         TEXT    NOT NULL,
    protocol      TEXT    NOT NULL,
    intention     TEXT    NOT NULL DEFAULT '',
    created_ms    INTEGER NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('open', 'ended')),
    first_dose_ms INTEGER,
    ended_ms      INTEGER
);
-- One session runs in the room at a time.
CREATE UNIQUE INDEX sessions_one_open ON sessions (state) WHERE state = 'open';
CREATE INDEX sessions_created ON sessions (created_ms);

CREATE TABLE entries (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    seq        INTEGER NOT NULL,
    at_ms      INTEGER NOT NULL,
    elapsed_ms INTEGER,
    author     TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    body       TEXT    NOT NULL CHECK (json_valid(body)),
    UNIQUE (session_id, seq)
);
CREATE INDEX entries_session_kind ON entries (session_id, kind);

-- The record is append-only at the storage level, not only in the UI.
CREATE TRIGGER entries_append_only BEFORE UPDATE ON entries
BEGIN
    SELECT RAISE(ABORT, 'timeline entries are append-only: record an amendment instead');
END;
CREATE TRIGGER entries_never_deleted BEFORE DELETE ON entries
BEGIN
    SELECT RAISE(ABORT, 'timeline entries cannot be deleted');
END;
CREATE TRIGGER sessions_never_deleted BEFORE DELETE ON sessions
BEGIN
    SELECT RAISE(ABORT, 'sessions cannot be deleted');
END;
CREATE TRIGGER sessions_stay_ended BEFORE UPDATE OF state ON sessions
WHEN OLD.state = 'ended'
BEGIN
    SELECT RAISE(ABORT, 'an ended session cannot be reopened');
END;

-- Review: signing locks a session; after it only addenda are added. Integration notes are a
-- record of their own, apart from the monitoring timeline. Full-text search over every text.
ALTER TABLE sessions ADD COLUMN signed_ms INTEGER;
ALTER TABLE sessions ADD COLUMN signed_by TEXT;

-- Ended sessions take no more live entries; signed ones take only addenda. Enforced here so no
-- writer, whatever its code path, can slip past the UI.
CREATE TRIGGER entries_live_only_while_open BEFORE INSERT ON entries
WHEN NEW.kind NOT IN ('amendment', 'signed', 'addendum', 'session_ended')
 AND (SELECT state FROM sessions WHERE id = NEW.session_id) = 'ended'
BEGIN
    SELECT RAISE(ABORT, 'the session has ended: live entries can no longer be added');
END;
CREATE TRIGGER entries_locked_after_signing BEFORE INSERT ON entries
WHEN NEW.kind <> 'addendum'
 AND (SELECT signed_ms FROM sessions WHERE id = NEW.session_id) IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the session is signed: only signed addenda can be added');
END;
CREATE TRIGGER sessions_signature_is_final BEFORE UPDATE ON sessions
WHEN OLD.signed_ms IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed session cannot be changed');
END;

CREATE TABLE integration_notes (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions (id),
    created_ms  INTEGER NOT NULL,
    author      TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    themes      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(themes)),
    -- The moment on the timeline it speaks to, if any.
    linked_seq  INTEGER
);
CREATE INDEX integration_notes_session ON integration_notes (session_id);
CREATE TRIGGER integration_notes_append_only BEFORE UPDATE ON integration_notes
BEGIN
    SELECT RAISE(ABORT, 'integration notes are append-only: add another note');
END;
CREATE TRIGGER integration_notes_never_deleted BEFORE DELETE ON integration_notes
BEGIN
    SELECT RAISE(ABORT, 'integration notes cannot be deleted');
END;

-- One row per entry with searchable text; rowid = entries.id.
CREATE VIRTUAL TABLE entries_fts USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries
WHEN COALESCE(json_extract(NEW.body, '$.text'), json_extract(NEW.body, '$.correction'),
              json_extract(NEW.body, '$.intention'), json_extract(NEW.body, '$.reason'), '') <> ''
BEGIN
    INSERT INTO entries_fts (rowid, text)
    VALUES (NEW.id, trim(COALESCE(json_extract(NEW.body, '$.text'), '') || ' ' ||
                         COALESCE(json_extract(NEW.body, '$.correction'), '') || ' ' ||
                         COALESCE(json_extract(NEW.body, '$.intention'), '') || ' ' ||
                         COALESCE(json_extract(NEW.body, '$.reason'), '')));
END;
INSERT INTO entries_fts (rowid, text)
SELECT id, trim(COALESCE(json_extract(body, '$.text'), '') || ' ' || COALESCE(json_extract(body, '$.intention'), '')
                || ' ' || COALESCE(json_extract(body, '$.reason'), ''))
FROM entries
WHERE COALESCE(json_extract(body, '$.text'), json_extract(body, '$.intention'), json_extract(body, '$.reason'), '') <> '';

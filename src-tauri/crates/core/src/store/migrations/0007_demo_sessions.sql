-- Demo sessions (`holdspace demo`, "Add demo session") are invented examples: marked, so every
-- list, page and search keeps them apart from the clinical record.
ALTER TABLE sessions ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));
-- Demo sessions added before the mark existed, known by the demo's fixed client code, therapist
-- and intention. A signed one too: the signature trigger is set aside for this one statement.
DROP TRIGGER sessions_signature_is_final;
UPDATE sessions SET demo = 1
WHERE client_code = 'DEMO-1' AND therapist = 'Dr A. Demo' AND intention LIKE 'DEMO DATA%';
CREATE TRIGGER sessions_signature_is_final BEFORE UPDATE ON sessions
WHEN OLD.signed_ms IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a signed session cannot be changed');
END;

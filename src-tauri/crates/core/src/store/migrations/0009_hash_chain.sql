-- Tamper evidence (issue 15): every timeline entry, integration note and access-log row carries
-- a SHA-256 over what was written and the hash of the row before it (`crate::chain`). The
-- hashes of the rows already here are computed right after this script by the upgrade itself
-- (`chain::backfill`), with the append-only update triggers set aside for that one pass; the
-- next script puts them back as they were.
ALTER TABLE entries ADD COLUMN hash BLOB;
ALTER TABLE integration_notes ADD COLUMN hash BLOB;
ALTER TABLE access_log ADD COLUMN hash BLOB;

-- Sessions already in the file at the upgrade: chained from then on. A change made before
-- cannot be detected, and verification says so.
CREATE TABLE chained_late (
    session_id   INTEGER PRIMARY KEY REFERENCES sessions (id),
    from_version INTEGER NOT NULL,
    at_ms        INTEGER NOT NULL,
    entries      INTEGER NOT NULL
);
CREATE TRIGGER chained_late_is_final_update BEFORE UPDATE ON chained_late
BEGIN SELECT RAISE(ABORT, 'the chain record cannot be changed'); END;
CREATE TRIGGER chained_late_is_final_delete BEFORE DELETE ON chained_late
BEGIN SELECT RAISE(ABORT, 'the chain record cannot be changed'); END;

DROP TRIGGER entries_append_only;
DROP TRIGGER integration_notes_append_only;
DROP TRIGGER access_log_is_append_only_update;

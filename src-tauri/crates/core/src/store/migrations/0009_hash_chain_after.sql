-- After the backfill of 0009: the append-only triggers exactly as they were.
CREATE TRIGGER entries_append_only BEFORE UPDATE ON entries
BEGIN
    SELECT RAISE(ABORT, 'timeline entries are append-only: record an amendment instead');
END;
CREATE TRIGGER integration_notes_append_only BEFORE UPDATE ON integration_notes
BEGIN
    SELECT RAISE(ABORT, 'integration notes are append-only: add another note');
END;
CREATE TRIGGER access_log_is_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log cannot be changed'); END;

-- Filing of the esketamine REMS Patient Monitoring Form (issue 16): when, how and by whom it
-- was submitted. Append-only: a correction is a new row; the newest one counts.
CREATE TABLE rems_filings (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES sessions (id),
    recorded_ms    INTEGER NOT NULL,
    recorded_by    TEXT    NOT NULL,
    submitted_on   TEXT    NOT NULL,
    method         TEXT    NOT NULL CHECK (method IN ('portal', 'fax')),
    confirmation   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX rems_filings_session ON rems_filings (session_id);
CREATE TRIGGER rems_filings_append_only BEFORE UPDATE ON rems_filings
BEGIN SELECT RAISE(ABORT, 'a recorded REMS filing cannot be changed: record a correction'); END;
CREATE TRIGGER rems_filings_never_deleted BEFORE DELETE ON rems_filings
BEGIN SELECT RAISE(ABORT, 'a recorded REMS filing cannot be deleted'); END;

-- The billing codes the clinic records for a session (issue 16): diagnosis and HCPCS/CPT codes
-- as JSON. Each save is a new row; the newest counts and earlier ones stay.
CREATE TABLE billing_codes (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions (id),
    saved_ms    INTEGER NOT NULL,
    saved_by    TEXT    NOT NULL,
    codes       TEXT    NOT NULL CHECK (json_valid(codes))
);
CREATE INDEX billing_codes_session ON billing_codes (session_id);
CREATE TRIGGER billing_codes_append_only BEFORE UPDATE ON billing_codes
BEGIN SELECT RAISE(ABORT, 'saved billing codes cannot be changed: save new ones'); END;
CREATE TRIGGER billing_codes_never_deleted BEFORE DELETE ON billing_codes
BEGIN SELECT RAISE(ABORT, 'saved billing codes cannot be deleted'); END;

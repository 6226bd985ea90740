-- The clinic's profile (issue 16): setting, address, phone, prescribers and clinicians. Each
-- save is a new row (the profile as JSON); the newest counts, and earlier ones stay.
CREATE TABLE clinic_profiles (
    id          INTEGER PRIMARY KEY,
    saved_ms    INTEGER NOT NULL,
    saved_by    TEXT    NOT NULL,
    profile     TEXT    NOT NULL CHECK (json_valid(profile))
);
CREATE TRIGGER clinic_profiles_append_only BEFORE UPDATE ON clinic_profiles
BEGIN SELECT RAISE(ABORT, 'a saved clinic profile cannot be changed: save a new one'); END;
CREATE TRIGGER clinic_profiles_never_deleted BEFORE DELETE ON clinic_profiles
BEGIN SELECT RAISE(ABORT, 'a saved clinic profile cannot be deleted'); END;

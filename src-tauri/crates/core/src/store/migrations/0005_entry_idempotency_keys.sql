-- Frozen once shipped: later changes are new files.
-- A write the app retries (storage busy, full or failing) carries the key it was given when
-- the therapist made it, so a retry after a crash between commit and acknowledgement finds the
-- entry already saved instead of saving it twice.
ALTER TABLE entries ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX entries_client_key ON entries (client_key) WHERE client_key IS NOT NULL;

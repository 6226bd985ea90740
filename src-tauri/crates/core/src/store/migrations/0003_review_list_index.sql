-- The sessions list counts adverse-event tags per session without reading each entry's body.
-- The expression must match the one in store/review_list.rs exactly for SQLite to use it.
CREATE INDEX entries_adverse_events ON entries (session_id, kind, json_extract(body, '$.adverse_event'))
WHERE kind = 'tag';

//! A session's timeline read a slice at a time, optionally leaving out some entry kinds. The
//! review screen pages through 10,000-entry sessions this way instead of sending the whole
//! record to the window at once.

use super::entries::entry_from_row;
use super::Store;
use crate::entry::Entry;
use crate::error::{Error, Result};
use rusqlite::{params, OptionalExtension};

/// The most entries one slice may hold.
pub const SLICE_MAX: i64 = 1_000;

/// Entries `offset..offset + entries.len()` of the timeline with some kinds left out.
#[derive(Debug, Clone, PartialEq)]
pub struct EntrySlice {
    pub entries: Vec<Entry>,
    /// Position of the first entry among the entries not left out.
    pub offset: i64,
    /// How many entries are not left out.
    pub shown: i64,
    /// How many entries the session has in all.
    pub total: i64,
}

/// The hidden kinds as the JSON array the queries read with `json_each`.
fn kinds_json(hidden: &[String]) -> Result<String> {
    serde_json::to_string(hidden).map_err(|e| Error::invalid("hidden kinds", e.to_string()))
}

impl Store {
    /// Up to `limit` entries from position `offset` of the session's timeline in written order,
    /// leaving out entries whose kind is in `hidden`. Count and entries come from one read.
    pub fn entries_slice(&self, session_id: i64, hidden: &[String], offset: i64, limit: i64) -> Result<EntrySlice> {
        if !(1..=SLICE_MAX).contains(&limit) {
            return Err(Error::invalid("limit", format!("between 1 and {SLICE_MAX} entries, not {limit}")));
        }
        if offset < 0 {
            return Err(Error::invalid("offset", format!("0 or more, not {offset}")));
        }
        let hidden = kinds_json(hidden)?;
        let conn = self.conn();
        let exists: Option<i64> =
            conn.query_row("SELECT id FROM sessions WHERE id = ?1", [session_id], |r| r.get(0)).optional()?;
        if exists.is_none() {
            return Err(Error::NotFound { what: format!("session {session_id}") });
        }
        let (total, shown): (i64, i64) = conn.query_row(
            "SELECT count(*), count(*) FILTER (WHERE kind NOT IN (SELECT value FROM json_each(?2)))
             FROM entries WHERE session_id = ?1",
            params![session_id, hidden],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, session_id, seq, at_ms, elapsed_ms, author, body FROM entries
             WHERE session_id = ?1 AND kind NOT IN (SELECT value FROM json_each(?2))
             ORDER BY seq LIMIT ?3 OFFSET ?4",
        )?;
        let entries = stmt
            .query_map(params![session_id, hidden, limit, offset], entry_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(EntrySlice { entries, offset, shown, total })
    }

    /// Where entry `seq` stands among the session's entries not of a `hidden` kind (0 for the
    /// first); `None` when the session has no such entry or its kind is hidden.
    pub fn entry_position(&self, session_id: i64, hidden: &[String], seq: i64) -> Result<Option<i64>> {
        let hidden = kinds_json(hidden)?;
        let conn = self.conn();
        let kind: Option<String> = conn
            .query_row(
                "SELECT kind FROM entries WHERE session_id = ?1 AND seq = ?2
                 AND kind NOT IN (SELECT value FROM json_each(?3))",
                params![session_id, seq, hidden],
                |r| r.get(0),
            )
            .optional()?;
        if kind.is_none() {
            return Ok(None);
        }
        let before: i64 = conn.query_row(
            "SELECT count(*) FROM entries WHERE session_id = ?1 AND seq < ?2
             AND kind NOT IN (SELECT value FROM json_each(?3))",
            params![session_id, seq, hidden],
            |r| r.get(0),
        )?;
        Ok(Some(before))
    }

    /// The session's entries with these sequence numbers, in written order; numbers the
    /// session does not have are left out.
    pub fn entries_at(&self, session_id: i64, seqs: &[i64]) -> Result<Vec<Entry>> {
        let wanted = serde_json::to_string(seqs).map_err(|e| Error::invalid("entry numbers", e.to_string()))?;
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, session_id, seq, at_ms, elapsed_ms, author, body FROM entries
             WHERE session_id = ?1 AND seq IN (SELECT value FROM json_each(?2)) ORDER BY seq",
        )?;
        let entries = stmt.query_map(params![session_id, wanted], entry_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(entries)
    }
}

//! Full-text search across every note of every session (SQLite FTS5).

use super::rows::ms_to_time;
use super::Store;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

/// Marks around a match in `snippet`: control characters, so the UI highlights them safely
/// without treating the text as HTML.
pub const MATCH_START: char = '\u{2}';
pub const MATCH_END: char = '\u{3}';

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SearchHit {
    pub session_id: i64,
    pub client_code: String,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub elapsed_ms: Option<i64>,
    pub kind: String,
    /// The matching text around the match, with matches between U+0002 and U+0003.
    pub snippet: String,
}

/// Turns what a person typed into a safe FTS5 query: every word is a quoted term (so quotes,
/// hyphens and SQL never break the syntax) and the last one matches as a prefix.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(format!("{}*", words.join(" ")))
}

impl Store {
    pub fn search(&self, input: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_query(input) else { return Ok(Vec::new()) };
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            // Newest first by rowid, limited inside the FTS scan: entry ids grow in the order
            // entries are written, so this is time order without sorting every match.
            "SELECT e.session_id, s.client_code, e.seq, e.at_ms, e.elapsed_ms, e.kind, m.snip
             FROM (SELECT rowid AS id, snippet(entries_fts, 0, char(2), char(3), '…', 16) AS snip
                   FROM entries_fts WHERE entries_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2) m
             JOIN entries e ON e.id = m.id
             JOIN sessions s ON s.id = e.session_id
             ORDER BY e.id DESC",
        )?;
        let rows = stmt.query_map(params![query, limit as i64], |r| {
            Ok(SearchHit {
                session_id: r.get(0)?,
                client_code: r.get(1)?,
                seq: r.get(2)?,
                at: ms_to_time(r.get(3)?),
                elapsed_ms: r.get(4)?,
                kind: r.get(5)?,
                snippet: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

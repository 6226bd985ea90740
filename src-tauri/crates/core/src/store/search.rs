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
    /// The hit is in a demo session (an invented example); only when demo data was asked for.
    pub demo: bool,
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
    /// Matches in clinical sessions, newest first: demo sessions are left out.
    pub fn search(&self, input: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.search_in(input, limit, false)
    }

    /// Matches in every session, demo sessions included (each hit says whether it is one).
    pub fn search_with_demo(&self, input: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.search_in(input, limit, true)
    }

    fn search_in(&self, input: &str, limit: usize, include_demo: bool) -> Result<Vec<SearchHit>> {
        let Some(query) = fts_query(input) else { return Ok(Vec::new()) };
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            // Newest first by rowid, limited inside the FTS scan: entry ids grow in the order
            // entries are written, so this is time order without sorting every match.
            // Demo entries are left out inside the scan, so they never crowd out the limit.
            "SELECT e.session_id, s.client_code, e.seq, e.at_ms, e.elapsed_ms, e.kind, m.snip, s.demo
             FROM (SELECT f.rowid AS id, snippet(entries_fts, 0, char(2), char(3), '…', 16) AS snip
                   FROM entries_fts f
                   WHERE entries_fts MATCH ?1
                     AND (?3 OR NOT EXISTS (SELECT 1 FROM entries de JOIN sessions ds ON ds.id = de.session_id
                                           WHERE de.id = f.rowid AND ds.demo = 1))
                   ORDER BY f.rowid DESC LIMIT ?2) m
             JOIN entries e ON e.id = m.id
             JOIN sessions s ON s.id = e.session_id
             ORDER BY e.id DESC",
        )?;
        let rows = stmt.query_map(params![query, limit as i64, include_demo], |r| {
            Ok(SearchHit {
                session_id: r.get(0)?,
                client_code: r.get(1)?,
                seq: r.get(2)?,
                at: ms_to_time(r.get(3)?),
                elapsed_ms: r.get(4)?,
                kind: r.get(5)?,
                demo: r.get(7)?,
                snippet: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

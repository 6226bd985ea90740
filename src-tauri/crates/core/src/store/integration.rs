//! Integration notes: the therapist's work after the session, kept apart from the monitoring
//! record (its own table), each optionally linked to a moment on the timeline.

use super::rows::{load_session, ms_to_time};
use super::Store;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IntegrationNote {
    pub id: i64,
    pub session_id: i64,
    pub created_at: DateTime<Utc>,
    pub author: String,
    pub text: String,
    pub themes: Vec<String>,
    /// The timeline entry (sequence number) this note speaks to.
    pub linked_seq: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewIntegrationNote {
    pub text: String,
    #[serde(default)]
    pub themes: Vec<String>,
    #[serde(default)]
    pub linked_seq: Option<i64>,
    pub author: String,
}

impl Store {
    pub fn add_integration_note(&self, session_id: i64, note: NewIntegrationNote) -> Result<IntegrationNote> {
        crate::entry::validate_note(&note.text)?;
        let author = note.author.trim().to_string();
        if author.is_empty() {
            return Err(Error::invalid("author", "required"));
        }
        let themes: Vec<String> =
            note.themes.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
        if themes.iter().any(|t| t.chars().count() > 60) || themes.len() > 20 {
            return Err(Error::invalid("themes", "at most 20 themes of 60 characters each"));
        }
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        load_session(&tx, session_id)?;
        if let Some(seq) = note.linked_seq {
            let found: Option<i64> = tx
                .query_row("SELECT seq FROM entries WHERE session_id = ?1 AND seq = ?2", params![session_id, seq], |r| r.get(0))
                .optional()?;
            if found.is_none() {
                return Err(Error::NotFound { what: format!("entry {seq} of session {session_id}") });
            }
        }
        let themes_json = serde_json::to_string(&themes).map_err(|e| Error::invalid("themes", e.to_string()))?;
        // Chained to the session's previous note (`crate::chain`); the id is part of the seal,
        // so it is chosen here, inside the write lock.
        let (id, prev): (i64, Option<Vec<u8>>) = tx.query_row(
            "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM integration_notes),
                    (SELECT hash FROM integration_notes WHERE session_id = ?1 ORDER BY id DESC LIMIT 1)",
            [session_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let prev = crate::chain::from_blob(prev).unwrap_or(crate::chain::GENESIS);
        let created_ms = now.timestamp_millis();
        let hash = crate::chain::note_hash(
            &prev,
            &crate::chain::NoteFields { id, session_id, created_ms, author: &author, text: &note.text, themes: &themes_json, linked_seq: note.linked_seq },
        );
        tx.execute(
            "INSERT INTO integration_notes (id, session_id, created_ms, author, text, themes, linked_seq, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, session_id, created_ms, author, note.text, themes_json, note.linked_seq, &hash[..]],
        )?;
        tx.commit()?;
        Ok(IntegrationNote {
            id,
            session_id,
            created_at: ms_to_time(now.timestamp_millis()),
            author,
            text: note.text,
            themes,
            linked_seq: note.linked_seq,
        })
    }

    pub fn integration_notes(&self, session_id: i64) -> Result<Vec<IntegrationNote>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, session_id, created_ms, author, text, themes, linked_seq
             FROM integration_notes WHERE session_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([session_id], |r| {
            let themes: String = r.get(5)?;
            Ok(IntegrationNote {
                id: r.get(0)?,
                session_id: r.get(1)?,
                created_at: ms_to_time(r.get(2)?),
                author: r.get(3)?,
                text: r.get(4)?,
                themes: serde_json::from_str(&themes).unwrap_or_default(),
                linked_seq: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

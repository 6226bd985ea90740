//! The entries table: the append-only timeline of each session.

use super::rows::{load_session, ms_to_time};
use super::Store;
use crate::chain::EntryFields;
use crate::entry::{validate_note, Dose, DoseInput, Entry, EntryBody};
use crate::error::{Error, Result};
use crate::session::{Session, SessionState};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Transaction, TransactionBehavior};

/// Writes one entry inside the caller's transaction: next sequence number, elapsed time from
/// the first dose as stored, and its link in the session's hash chain (`crate::chain`).
pub(super) fn insert_entry(
    tx: &Transaction<'_>,
    session: &Session,
    at: DateTime<Utc>,
    author: &str,
    body: EntryBody,
) -> Result<Entry> {
    insert_entry_keyed(tx, session, at, author, body, None)
}

/// As `insert_entry`, with the idempotency key the app gave the write (see `writes.rs`).
pub(super) fn insert_entry_keyed(
    tx: &Transaction<'_>,
    session: &Session,
    at: DateTime<Utc>,
    author: &str,
    body: EntryBody,
    key: Option<&str>,
) -> Result<Entry> {
    let (seq, prev) = crate::chain::timeline_tail(tx, session.id)?;
    let elapsed_ms = match (&body, session.first_dose_at) {
        (EntryBody::Dose(d), first) => Some((d.given_at - first.unwrap_or(d.given_at)).num_milliseconds()),
        (_, Some(first)) => Some((at - first).num_milliseconds()),
        (_, None) => None,
    };
    let json = serde_json::to_string(&body).map_err(|e| Error::invalid("entry", e.to_string()))?;
    let at_ms = at.timestamp_millis();
    let fields = EntryFields { session_id: session.id, seq, at_ms, elapsed_ms, author, kind: body.kind(), body: &json };
    let hash = crate::chain::entry_hash(&prev, &fields);
    tx.execute(
        "INSERT INTO entries (session_id, seq, at_ms, elapsed_ms, author, kind, body, client_key, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![session.id, seq, at_ms, elapsed_ms, author, body.kind(), json, key, &hash[..]],
    )?;
    Ok(Entry {
        id: tx.last_insert_rowid(),
        session_id: session.id,
        seq,
        at: ms_to_time(at.timestamp_millis()),
        elapsed_ms,
        author: author.to_string(),
        text: crate::describe::describe_body(&body, author),
        body,
    })
}

pub(super) fn require_open(session: &Session) -> Result<()> {
    if session.state != SessionState::Open {
        return Err(Error::SessionClosed(format!(
            "session {} has ended; nothing more can be added to its live record",
            session.id
        )));
    }
    Ok(())
}

impl Store {
    /// Appends an entry to an open session and returns it as stored. When this returns, the
    /// transaction has committed with synchronous=FULL.
    pub fn append(&self, session_id: i64, body: EntryBody) -> Result<Entry> {
        self.append_at(session_id, body, self.clock.now(), None)
    }

    /// Appends at `at` (when the therapist saw it happen, which a retried save keeps).
    pub(super) fn append_at(&self, session_id: i64, body: EntryBody, at: DateTime<Utc>, key: Option<&str>) -> Result<Entry> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        require_open(&session)?;
        let entry = insert_entry_keyed(&tx, &session, at, self.author_for(&session), body, key)?;
        tx.commit()?;
        Ok(entry)
    }

    pub fn add_note(&self, session_id: i64, text: &str) -> Result<Entry> {
        self.add_note_marked(session_id, text, false)
    }

    /// A note, optionally marked as a theme for integration work.
    pub fn add_note_marked(&self, session_id: i64, text: &str, theme: bool) -> Result<Entry> {
        validate_note(text)?;
        self.append(session_id, EntryBody::Note { text: text.to_string(), theme })
    }

    /// Records a dose. The first dose starts the T+ timer; later ones are boosters.
    pub fn record_dose(&self, session_id: i64, input: DoseInput) -> Result<Entry> {
        let mut saved = self.record_dose_at(session_id, input, &[], self.clock.now(), None)?;
        saved.pop().ok_or_else(|| Error::NotFound { what: "the saved dose".into() })
    }

    /// The dose, after the override entry when `blockers` were passed with a reason.
    pub(super) fn record_dose_at(
        &self,
        session_id: i64,
        input: DoseInput,
        blockers: &[String],
        now: DateTime<Utc>,
        key: Option<&str>,
    ) -> Result<Vec<Entry>> {
        let input = input.validated()?;
        let given_at = now - Duration::minutes(i64::from(input.minutes_ago.unwrap_or(0)));
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut session = load_session(&tx, session_id)?;
        require_open(&session)?;
        if given_at < session.created_at {
            return Err(Error::invalid("given", "the dose cannot be before the session started"));
        }
        if let Some(first) = session.first_dose_at {
            if given_at < first {
                return Err(Error::invalid("given", "a booster cannot be before the first dose"));
            }
        }
        let mut out = Vec::new();
        if !blockers.is_empty() {
            let reason = input.override_reason.clone().ok_or_else(|| Error::DoseBlocked { blockers: blockers.to_vec() })?;
            let override_key = key.map(|k| format!("{k}/override"));
            let body = EntryBody::DoseOverride { blockers: blockers.to_vec(), reason };
            out.push(insert_entry_keyed(&tx, &session, now, self.author_for(&session), body, override_key.as_deref())?);
        }
        let dose = Dose {
            given_at: ms_to_time(given_at.timestamp_millis()),
            substance: input.substance,
            amount: input.amount,
            unit: input.unit,
            route: input.route,
            lot: input.lot,
            booster: session.first_dose_at.is_some(),
            devices: input.devices,
        };
        if session.first_dose_at.is_none() {
            tx.execute(
                "UPDATE sessions SET first_dose_ms = ?2 WHERE id = ?1",
                params![session_id, given_at.timestamp_millis()],
            )?;
            session.first_dose_at = Some(dose.given_at);
        }
        out.push(insert_entry_keyed(&tx, &session, now, self.author_for(&session), EntryBody::Dose(dose), key)?);
        tx.commit()?;
        Ok(out)
    }

    /// The whole timeline of a session in the order it was written.
    pub fn entries(&self, session_id: i64) -> Result<Vec<Entry>> {
        read_entries(&self.conn(), session_id)
    }
}

pub(super) fn read_entries(conn: &rusqlite::Connection, session_id: i64) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, session_id, seq, at_ms, elapsed_ms, author, body
         FROM entries WHERE session_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([session_id], entry_from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// One entry from a row of `id, session_id, seq, at_ms, elapsed_ms, author, body`.
pub(super) fn entry_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let body: String = row.get(6)?;
    let body: EntryBody = serde_json::from_str(&body)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(e)))?;
    let author: String = row.get(5)?;
    Ok(Entry {
        id: row.get(0)?,
        session_id: row.get(1)?,
        seq: row.get(2)?,
        at: ms_to_time(row.get(3)?),
        elapsed_ms: row.get(4)?,
        text: crate::describe::describe_body(&body, &author),
        author,
        body,
    })
}

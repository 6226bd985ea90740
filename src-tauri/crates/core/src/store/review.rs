//! After the session: amendments, signing, addenda. The rules live here and, again, in the
//! database's triggers (migration 0002), so no code path can edit or slip past a signature.

use super::entries::insert_entry;
use super::rows::load_session;
use super::Store;
use crate::entry::{Entry, EntryBody};
use crate::error::{Error, Result};
use crate::session::SessionState;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

pub const REASON_MAX: usize = 2_000;

fn required(field: &'static str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(field, "required"));
    }
    if value.chars().count() > max {
        return Err(Error::invalid(field, format!("at most {max} characters")));
    }
    Ok(value.to_string())
}

impl Store {
    /// Corrects entry `amends_seq` of a session that is not signed. The original stays.
    pub fn amend(&self, session_id: i64, amends_seq: i64, reason: &str, correction: &str, author: &str) -> Result<Entry> {
        let reason = required("reason", reason, REASON_MAX)?;
        let correction = required("correction", correction, crate::entry::NOTE_MAX_CHARS)?;
        let author = required("author", author, crate::session::NAME_MAX)?;
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        if session.state == SessionState::Signed {
            return Err(Error::SessionClosed(format!(
                "session {session_id} is signed: it cannot be amended; add a signed addendum instead"
            )));
        }
        let exists: Option<i64> = tx
            .query_row("SELECT id FROM entries WHERE session_id = ?1 AND seq = ?2", params![session_id, amends_seq], |r| r.get(0))
            .optional()?;
        if exists.is_none() {
            return Err(Error::NotFound { what: format!("entry {amends_seq} of session {session_id}") });
        }
        let body = EntryBody::Amendment { amends_seq, reason, correction };
        let entry = insert_entry(&tx, &session, now, &author, body)?;
        tx.commit()?;
        Ok(entry)
    }

    /// Signs an ended session, locking it.
    pub fn sign(&self, session_id: i64, by: &str, statement: &str) -> Result<Entry> {
        self.sign_with_open_items(session_id, by, statement, Vec::new(), None)
    }

    /// Signs with what the review listed as open; with anything open a reason is required,
    /// and both are recorded in the signature.
    pub fn sign_with_open_items(&self, session_id: i64, by: &str, statement: &str, open_items: Vec<String>, reason: Option<&str>) -> Result<Entry> {
        let open_reason = match (open_items.is_empty(), reason.map(str::trim).filter(|r| !r.is_empty())) {
            (true, _) => None,
            (false, None) => {
                return Err(Error::invalid(
                    "reason",
                    format!("{} listed as open: say why you sign with {} open", open_items.len(), if open_items.len() == 1 { "it" } else { "them" }),
                ))
            }
            (false, Some(r)) => Some(required("reason", r, REASON_MAX)?),
        };
        let by = required("signed by", by, crate::session::NAME_MAX)?;
        let statement = statement.trim().to_string();
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        match session.state {
            SessionState::Open => {
                return Err(Error::SessionClosed(format!("session {session_id} is still open: end it before signing")))
            }
            SessionState::Signed => {
                return Err(Error::SessionClosed(format!("session {session_id} is already signed")))
            }
            SessionState::Ended => {}
        }
        // The signature seals the record as it stands: the hash of its last entry.
        let (_, head) = crate::chain::timeline_tail(&tx, session_id)?;
        let chain_head = Some(crate::chain::to_hex(&head));
        let entry = insert_entry(&tx, &session, now, &by, EntryBody::Signed { statement, chain_head, open_items, open_reason })?;
        tx.execute(
            "UPDATE sessions SET signed_ms = ?2, signed_by = ?3 WHERE id = ?1",
            params![session_id, now.timestamp_millis(), by],
        )?;
        tx.commit()?;
        Ok(entry)
    }

    /// Adds a signed addendum to a signed session.
    pub fn add_addendum(&self, session_id: i64, text: &str, author: &str) -> Result<Entry> {
        crate::entry::validate_note(text)?;
        let author = required("author", author, crate::session::NAME_MAX)?;
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        if session.state != SessionState::Signed {
            return Err(Error::SessionClosed(format!(
                "session {session_id} is not signed yet: amend it, or sign it first"
            )));
        }
        let entry = insert_entry(&tx, &session, now, &author, EntryBody::Addendum { text: text.to_string() })?;
        tx.commit()?;
        Ok(entry)
    }
}

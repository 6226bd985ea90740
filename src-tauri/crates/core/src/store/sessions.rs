//! The sessions table: starting, finding and ending sessions.

use super::rows::{load_session, ms_to_time, route_from, session_from_row, state_from, SESSION_COLUMNS};
use super::{entries::insert_entry, Store};
use crate::entry::{Entry, EntryBody};
use crate::error::{Error, Result};
use crate::session::{NewSession, Session, SessionState, SessionSummary};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

impl Store {
    /// Starts a session and writes its first timeline entry, in one transaction.
    pub fn start_session(&self, new: NewSession) -> Result<(Session, Entry)> {
        self.start(new, "", false)
    }

    /// The same, with the protocol template's name for the record (so the timeline and the
    /// chart read "Intramuscular ketamine", not the template's file id).
    pub fn start_session_named(&self, new: NewSession, protocol_name: &str) -> Result<(Session, Entry)> {
        self.start(new, protocol_name, false)
    }

    /// Starts a demo session: an invented example, marked so that it is never taken for a
    /// clinical record (labelled everywhere, left out of search unless asked for).
    pub fn start_demo_session(&self, new: NewSession, protocol_name: &str) -> Result<(Session, Entry)> {
        self.start(new, protocol_name, true)
    }

    fn start(&self, new: NewSession, protocol_name: &str, demo: bool) -> Result<(Session, Entry)> {
        let new = new.validated()?;
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some((id, client_code)) = tx
            .query_row("SELECT id, client_code FROM sessions WHERE state = 'open'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
        {
            return Err(Error::SessionAlreadyOpen { id, client_code });
        }
        tx.execute(
            "INSERT INTO sessions (client_code, therapist, route, protocol, intention, created_ms, state, demo)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7)",
            params![new.client_code, new.therapist, new.route.as_str(), new.protocol, new.intention, now.timestamp_millis(), demo],
        )?;
        let session = load_session(&tx, tx.last_insert_rowid())?;
        let body = EntryBody::SessionStarted {
            client_code: new.client_code,
            therapist: new.therapist,
            route: new.route,
            protocol: new.protocol,
            protocol_name: protocol_name.trim().to_string(),
            intention: new.intention,
        };
        let entry = insert_entry(&tx, &session, now, self.author_for(&session), body)?;
        tx.commit()?;
        Ok((session, entry))
    }

    /// The session currently running in the room, if any.
    pub fn open_session(&self) -> Result<Option<Session>> {
        let conn = self.conn();
        Ok(conn
            .query_row(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE state = 'open'"), [], session_from_row)
            .optional()?)
    }

    pub fn session(&self, id: i64) -> Result<Session> {
        let conn = self.conn();
        conn.query_row(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"), [id], session_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound { what: format!("session {id}") })
    }

    /// Every session, newest first.
    pub fn list_sessions(&self) -> Result<Vec<SessionSummary>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, created_ms, client_code, protocol, route, state, first_dose_ms, ended_ms, signed_ms, demo
             FROM sessions ORDER BY created_ms DESC, id DESC",
        )?;
        let rows = stmt.query_map([], |row| {
            let state: String = row.get(5)?;
            Ok(SessionSummary {
                id: row.get(0)?,
                created_at: ms_to_time(row.get(1)?),
                client_code: row.get(2)?,
                protocol: row.get(3)?,
                route: route_from(row.get(4)?)?,
                state: state_from(&state, row.get(8)?),
                first_dose_at: row.get::<_, Option<i64>>(6)?.map(ms_to_time),
                ended_at: row.get::<_, Option<i64>>(7)?.map(ms_to_time),
                demo: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Ends the session: writes the closing entry and marks it ended, in one transaction.
    pub fn end_session(&self, id: i64, reason: &str) -> Result<Entry> {
        self.end_session_with(id, reason, None, Vec::new())
    }

    /// As [`Store::end_session`], writing `closing` just before the closing entry, in the
    /// same transaction (what the app did as the session ended, e.g. the music fading out),
    /// and keeping what was still open at the end (as the therapist was shown it).
    pub fn end_session_with(&self, id: i64, reason: &str, closing: Option<EntryBody>, open_at_end: Vec<String>) -> Result<Entry> {
        let reason = reason.trim();
        if reason.chars().count() > 2_000 {
            return Err(Error::invalid("reason", "at most 2000 characters"));
        }
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, id)?;
        if session.state != SessionState::Open {
            return Err(Error::SessionClosed(format!("session {id} has already ended")));
        }
        if let Some(body) = closing {
            insert_entry(&tx, &session, now, self.author_for(&session), body)?;
        }
        let body = EntryBody::SessionEnded { reason: reason.to_string(), open_at_end };
        let entry = insert_entry(&tx, &session, now, self.author_for(&session), body)?;
        tx.execute(
            "UPDATE sessions SET state = 'ended', ended_ms = ?2 WHERE id = ?1",
            params![id, now.timestamp_millis()],
        )?;
        tx.commit()?;
        Ok(entry)
    }
}

//! The access audit's table (`access_log`): append-only, one hash chain over all its rows
//! (`crate::chain`). What is audited and how a failed write waits: `crate::audit`.

use super::rows::ms_to_time;
use super::Store;
use crate::audit::{AuditAction, AuditEvent, AuditFilter, AuditRow, AUDIT_PAGE_MAX};
use crate::chain::{access_hash, AccessFields, GENESIS};
use crate::error::{Error, Result};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

impl Store {
    /// Appends one audit row, chained to the one before it.
    pub fn audit(&self, e: &AuditEvent) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The id is part of the seal, so it is chosen here, inside the write lock.
        let (id, prev): (i64, Option<Vec<u8>>) = tx.query_row(
            "SELECT COALESCE(MAX(id), 0) + 1, (SELECT hash FROM access_log ORDER BY id DESC LIMIT 1) FROM access_log",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let prev = crate::chain::from_blob(prev).unwrap_or(GENESIS);
        // An event naming a session this record does not have (a mistyped id given to the
        // command line) is still audited, with the id in its words: it must never wait forever.
        let (session_id, detail) = match e.session_id {
            Some(id) if tx.query_row("SELECT 1 FROM sessions WHERE id = ?1", [id], |_| Ok(())).optional()?.is_none() => {
                (None, format!("session {id} (not in this record): {}", e.detail))
            }
            other => (other, e.detail.clone()),
        };
        let e = AuditEvent { session_id, detail, ..e.clone() };
        let at_ms = e.at.timestamp_millis();
        let action = e.action.as_str();
        let fields = AccessFields { id, at_ms, user_name: &e.user_name, action, session_id: e.session_id, detail: &e.detail };
        let hash = access_hash(&prev, &fields);
        tx.execute(
            "INSERT INTO access_log (id, at_ms, user_name, action, session_id, detail, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, at_ms, e.user_name, action, e.session_id, e.detail, &hash[..]],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Audits an action now, in `user_name`'s name (`action` is an `AuditAction` name).
    pub fn log_access(&self, user_name: &str, action: &str, session_id: Option<i64>, detail: &str) -> Result<()> {
        let action = AuditAction::parse(action).ok_or_else(|| Error::invalid("audit action", format!("\"{action}\" is not an audited action")))?;
        self.audit(&AuditEvent::new(self.clock.now(), user_name, action, session_id, detail))
    }

    /// Audit rows matching the filter, newest first.
    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
        self.audit_rows(filter, filter.limit.unwrap_or(AUDIT_PAGE_MAX).clamp(1, AUDIT_PAGE_MAX))
    }

    /// Every audit row matching the filter (its limit ignored), newest first: for the CSV export.
    pub fn audit_log_all(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
        self.audit_rows(filter, -1)
    }

    fn audit_rows(&self, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditRow>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, at_ms, user_name, action, session_id, detail FROM access_log
             WHERE (?1 IS NULL OR user_name = ?1 COLLATE NOCASE) AND (?2 IS NULL OR session_id = ?2) AND (?3 IS NULL OR action = ?3)
             ORDER BY id DESC LIMIT ?4",
        )?;
        let rows = stmt.query_map(
            params![filter.user_name.as_deref().map(str::trim), filter.session_id, filter.action.map(AuditAction::as_str), limit],
            |r| {
                let action: String = r.get(3)?;
                Ok(AuditRow {
                    id: r.get(0)?,
                    at: ms_to_time(r.get(1)?),
                    user_name: r.get(2)?,
                    label: AuditAction::parse(&action).map_or_else(|| action.replace('_', " "), |a| a.label().to_string()),
                    action,
                    session_id: r.get(4)?,
                    detail: r.get(5)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The audit rows of one session, oldest first.
    pub fn accesses(&self, session_id: i64) -> Result<Vec<AuditRow>> {
        let mut rows = self.audit_log(&AuditFilter { session_id: Some(session_id), ..AuditFilter::default() })?;
        rows.reverse();
        Ok(rows)
    }
}

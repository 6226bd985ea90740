//! REMS form filings in the store (`crate::rems` has the rules).

use super::rows::{load_session, ms_to_time};
use super::Store;
use crate::error::{Error, Result};
use crate::rems::{self, Filing, FilingMethod, FilingState, NewFiling};
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A session whose form is due soon or overdue (the start screen's notice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FilingDue {
    #[ts(type = "number")]
    pub session_id: i64,
    pub client_code: String,
    pub state: FilingState,
}

fn filing_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Filing> {
    let on: String = r.get(4)?;
    let method: String = r.get(5)?;
    let bad = |i: usize, what: &str| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, what.to_string().into());
    Ok(Filing {
        id: r.get(0)?,
        session_id: r.get(1)?,
        recorded_at: ms_to_time(r.get(2)?),
        recorded_by: r.get(3)?,
        submitted_on: NaiveDate::parse_from_str(&on, "%Y-%m-%d").map_err(|_| bad(4, "submitted_on is not a date"))?,
        method: FilingMethod::parse(&method).ok_or_else(|| bad(5, "unknown filing method"))?,
        confirmation: r.get(6)?,
    })
}

const COLUMNS: &str = "id, session_id, recorded_ms, recorded_by, submitted_on, method, confirmation";

impl Store {
    /// Records that the session's form was submitted (checked against the session and today).
    pub fn record_rems_filing(&self, session_id: i64, new: &NewFiling, by: &str, today: NaiveDate) -> Result<Filing> {
        let by = by.trim();
        if by.is_empty() {
            return Err(Error::invalid("recorded by", "required"));
        }
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        let (on, confirmation) = rems::validate(&session, new, today)?;
        tx.execute(
            "INSERT INTO rems_filings (session_id, recorded_ms, recorded_by, submitted_on, method, confirmation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![session_id, now.timestamp_millis(), by, on.format("%Y-%m-%d").to_string(), new.method.as_str(), confirmation],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Filing { id, session_id, recorded_at: ms_to_time(now.timestamp_millis()), recorded_by: by.to_string(), submitted_on: on, method: new.method, confirmation })
    }

    /// Every filing recorded for a session, oldest first.
    pub fn rems_filings(&self, session_id: i64) -> Result<Vec<Filing>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM rems_filings WHERE session_id = ?1 ORDER BY id"))?;
        let rows = stmt.query_map([session_id], filing_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Where one session's form stands today.
    pub fn rems_state(&self, session_id: i64, today: NaiveDate) -> Result<FilingState> {
        let session = self.session(session_id)?;
        let newest = {
            let conn = self.conn();
            conn.query_row(&format!("SELECT {COLUMNS} FROM rems_filings WHERE session_id = ?1 ORDER BY id DESC LIMIT 1"), [session_id], filing_row)
                .optional()?
        };
        Ok(rems::state(&session, newest.as_ref(), today))
    }

    /// Esketamine sessions whose form is not recorded as submitted and is due within
    /// `rems::NOTICE_DAYS` or overdue, oldest first.
    pub fn rems_due(&self, today: NaiveDate) -> Result<Vec<FilingDue>> {
        let ids: Vec<i64> = {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(
                "SELECT id FROM sessions WHERE route = 'intranasal' AND demo = 0
                 AND NOT EXISTS (SELECT 1 FROM rems_filings f WHERE f.session_id = sessions.id) ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let mut out = Vec::new();
        for id in ids {
            let session = self.session(id)?;
            let state = rems::state(&session, None, today);
            if state.needs_notice() {
                out.push(FilingDue { session_id: id, client_code: session.client_code, state });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "rems_tests.rs"]
mod tests;

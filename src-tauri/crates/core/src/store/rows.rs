//! Reading sessions from rows: shared by the tables' files (sessions, entries, review, search),
//! so none of them needs another's internals.

use crate::error::{Error, Result};
use crate::session::{Route, Session, SessionState};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, Transaction};

pub(super) const SESSION_COLUMNS: &str = "id, client_code, therapist, route, protocol, intention, created_ms, \
                               state, first_dose_ms, ended_ms, signed_ms, signed_by, demo";

pub(super) fn ms_to_time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub(super) fn route_from(s: String) -> rusqlite::Result<Route> {
    Route::parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, format!("unknown route {s}").into())
    })
}

pub(super) fn state_from(state: &str, signed_ms: Option<i64>) -> SessionState {
    match (state, signed_ms) {
        ("open", _) => SessionState::Open,
        (_, Some(_)) => SessionState::Signed,
        _ => SessionState::Ended,
    }
}

pub(super) fn session_from_row(row: &Row<'_>) -> rusqlite::Result<Session> {
    let state: String = row.get(7)?;
    let signed_ms: Option<i64> = row.get(10)?;
    Ok(Session {
        id: row.get(0)?,
        client_code: row.get(1)?,
        therapist: row.get(2)?,
        route: route_from(row.get(3)?)?,
        protocol: row.get(4)?,
        intention: row.get(5)?,
        created_at: ms_to_time(row.get(6)?),
        state: state_from(&state, signed_ms),
        first_dose_at: row.get::<_, Option<i64>>(8)?.map(ms_to_time),
        ended_at: row.get::<_, Option<i64>>(9)?.map(ms_to_time),
        signed_at: signed_ms.map(ms_to_time),
        signed_by: row.get(11)?,
        demo: row.get(12)?,
    })
}

pub(super) fn load_session(tx: &Transaction<'_>, id: i64) -> Result<Session> {
    tx.query_row(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1"), [id], session_from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: format!("session {id}") })
}


use crate::error::CmdResult;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use holdspace_core::{DoseInput, Entry, NewSession, Session, SessionSummary};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// A session with its whole timeline, and the app clock's time when it was read.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionView {
    pub session: Session,
    pub entries: Vec<Entry>,
    pub now: DateTime<Utc>,
}

fn view(state: &AppState, id: i64) -> CmdResult<SessionView> {
    let ready = state.ready()?;
    Ok(SessionView {
        session: ready.store.session(id)?,
        entries: ready.store.entries(id)?,
        now: ready.now(),
    })
}

#[tauri::command]
pub fn list_sessions(state: State<'_, AppState>) -> CmdResult<Vec<SessionSummary>> {
    Ok(state.ready()?.store.list_sessions()?)
}

/// The open session, if one is running: how the app resumes after a restart or a crash.
#[tauri::command]
pub fn current_session(state: State<'_, AppState>) -> CmdResult<Option<SessionView>> {
    match state.ready()?.store.open_session()? {
        Some(s) => Ok(Some(view(&state, s.id)?)),
        None => Ok(None),
    }
}

#[tauri::command]
pub fn get_session(state: State<'_, AppState>, session_id: i64) -> CmdResult<SessionView> {
    view(&state, session_id)
}

#[tauri::command]
pub fn start_session(state: State<'_, AppState>, new_session: NewSession) -> CmdResult<SessionView> {
    let (session, _) = state.ready()?.store.start_session(new_session)?;
    view(&state, session.id)
}

#[tauri::command]
pub fn record_dose(state: State<'_, AppState>, session_id: i64, dose: DoseInput) -> CmdResult<Entry> {
    Ok(state.ready()?.store.record_dose(session_id, dose)?)
}

#[tauri::command]
pub fn add_note(state: State<'_, AppState>, session_id: i64, text: String) -> CmdResult<Entry> {
    Ok(state.ready()?.store.add_note(session_id, &text)?)
}

#[tauri::command]
pub fn end_session(state: State<'_, AppState>, session_id: i64, reason: String) -> CmdResult<Entry> {
    Ok(state.ready()?.store.end_session(session_id, &reason)?)
}

//! The esketamine REMS monitoring form's filing: where a session's form stands, recording its
//! submission, and the forms due soon for the start screen. The app never submits anything.

use crate::audit::record_by;
use crate::error::CmdResult;
use crate::state::{app_clock, AppState};
use holdspace_core::audit::AuditAction;
use holdspace_core::rems::{local_date, Filing, FilingState, NewFiling};
use holdspace_core::store::FilingDue;
use holdspace_core::Clock;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct RemsView {
    pub state: FilingState,
    /// Every submission recorded, oldest first (a correction is a later one).
    pub filings: Vec<Filing>,
}

fn today() -> chrono::NaiveDate {
    local_date(app_clock().now())
}

fn view(state: &AppState, session_id: i64) -> CmdResult<RemsView> {
    let store = &state.ready()?.store;
    Ok(RemsView { state: store.rems_state(session_id, today())?, filings: store.rems_filings(session_id)? })
}

#[tauri::command(async)]
pub fn rems_status(state: State<'_, AppState>, session_id: i64) -> CmdResult<RemsView> {
    view(&state, session_id)
}

/// Records the form as submitted, in the signed-in user's name (audited).
#[tauri::command(async)]
pub fn record_rems_filing(state: State<'_, AppState>, session_id: i64, filing: NewFiling) -> CmdResult<RemsView> {
    let me = crate::commands::access::signed_in(&state)?;
    let f = state.ready()?.store.record_rems_filing(session_id, &filing, &me.name, today())?;
    let confirmation = if f.confirmation.is_empty() { String::new() } else { format!(", confirmation {}", f.confirmation) };
    record_by(&state, &me.name, AuditAction::RemsFiled, Some(session_id), format!("submitted {} by {}{confirmation}", f.submitted_on, f.method.label()));
    view(&state, session_id)
}

/// Forms due within two days or overdue (the start screen says so).
#[tauri::command(async)]
pub fn rems_due(state: State<'_, AppState>) -> CmdResult<Vec<FilingDue>> {
    Ok(state.ready()?.store.rems_due(today())?)
}

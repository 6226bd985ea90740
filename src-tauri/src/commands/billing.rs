//! A session's billing codes: diagnosis and HCPCS/CPT codes the clinic uses, and what does not
//! agree with the recorded dose (shown, never decided).

use crate::audit::record;
use crate::error::CmdResult;
use crate::state::AppState;
use holdspace_core::audit::AuditAction;
use holdspace_core::billing::BillingCodes;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct BillingView {
    pub codes: BillingCodes,
    /// E.g. "G2082 is for 56 mg of esketamine, but 84 mg is recorded".
    pub problems: Vec<String>,
}

fn view(state: &AppState, session_id: i64) -> CmdResult<BillingView> {
    let store = &state.ready()?.store;
    let codes = store.billing_codes(session_id)?;
    let problems = codes.problems(store.esketamine_mg(session_id)?);
    Ok(BillingView { codes, problems })
}

#[tauri::command(async)]
pub fn billing_codes(state: State<'_, AppState>, session_id: i64) -> CmdResult<BillingView> {
    view(&state, session_id)
}

#[tauri::command(async)]
pub fn save_billing_codes(state: State<'_, AppState>, session_id: i64, codes: BillingCodes) -> CmdResult<BillingView> {
    let me = crate::commands::access::signed_in(&state)?;
    let saved = state.ready()?.store.save_billing_codes(session_id, codes, &me.name)?;
    record(&state, AuditAction::SettingsChanged, Some(session_id), format!("billing codes: {} {}", saved.diagnosis, saved.procedures.join(" ")));
    view(&state, session_id)
}

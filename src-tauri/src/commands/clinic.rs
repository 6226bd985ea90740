//! The clinic's profile (setting, address, phone, prescribers and clinicians): read by anyone
//! signed in, saved by a clinical director.

use crate::audit::record_by;
use crate::error::CmdResult;
use crate::state::AppState;
use holdspace_core::audit::AuditAction;
use holdspace_core::clinic::ClinicProfile;
use tauri::State;

#[tauri::command(async)]
pub fn clinic_profile(state: State<'_, AppState>) -> CmdResult<ClinicProfile> {
    Ok(state.ready()?.store.clinic_profile()?)
}

#[tauri::command(async)]
pub fn save_clinic_profile(state: State<'_, AppState>, profile: ClinicProfile) -> CmdResult<ClinicProfile> {
    let me = crate::commands::access::require_director(&state)?;
    let saved = state.ready()?.store.save_clinic_profile(profile, &me.name)?;
    record_by(&state, &me.name, AuditAction::SettingsChanged, None, format!("clinic profile saved ({}, {} people)", saved.setting_name, saved.people.len()));
    Ok(saved)
}

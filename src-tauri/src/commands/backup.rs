//! Settings, Backups: the folder and retention, the backups there with their state, the last
//! attempt, and "Back up now" (`holdspace_core::backup`, `crate::backups`).

use crate::audit::record_by;
use crate::error::{CmdResult, IpcError};
use crate::state::{app_clock, AppState};
use holdspace_core::audit::AuditAction;
use holdspace_core::backup::{self, Check, FolderStatus, Listed};
use holdspace_core::{Clock, ErrorKind};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupAttempt {
    pub at: chrono::DateTime<chrono::Utc>,
    pub reason: String,
    pub ok: bool,
    /// The file and its verification, or what went wrong, for the therapist.
    pub message: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupView {
    pub status: FolderStatus,
    pub keep_days: u32,
    pub keep_months: u32,
    /// The last attempt since the app started (automatic or asked for).
    pub last_attempt: Option<BackupAttempt>,
    /// The backups in the folder, newest first (judged by size: the command line checks SHA-256).
    pub backups: Vec<Listed>,
}

fn view(state: &AppState) -> BackupView {
    let prefs = state.preferences().backup;
    let folder = prefs.folder();
    let status = backup::status(folder.as_deref(), app_clock().now());
    let backups = match (&folder, status.reachable) {
        (Some(f), true) => backup::list(f, Check::Quick).unwrap_or_default(),
        _ => Vec::new(),
    };
    let keep = prefs.retention();
    let last_attempt = crate::backups::last().map(|o| BackupAttempt {
        at: o.at,
        reason: o.reason.to_string(),
        ok: o.result.is_ok(),
        message: match o.result {
            Ok(m) | Err(m) => m,
        },
    });
    BackupView { status, keep_days: keep.days, keep_months: keep.months, last_attempt, backups }
}

#[tauri::command(async)]
pub fn backup_status(state: State<'_, AppState>) -> CmdResult<BackupView> {
    state.ready()?;
    Ok(view(&state))
}

/// A director chooses the backup folder (an existing folder, given as a full path) and how
/// long backups are kept.
#[tauri::command(async)]
pub fn set_backup_folder(state: State<'_, AppState>, folder: String, keep_days: u32, keep_months: u32) -> CmdResult<BackupView> {
    let me = crate::commands::access::require_director(&state)?;
    state.ready()?;
    let path = crate::commands::review::export_folder(&folder)?;
    if path.starts_with(&state.data_dir) || state.data_dir.starts_with(&path) {
        return Err(IpcError::new(ErrorKind::Invalid, format!("{} is the data folder or inside it: a backup there dies with the same disk. Choose a USB disk or a network share.", path.display())));
    }
    if !(1..=3650).contains(&keep_days) || keep_months > 1200 {
        return Err(IpcError::new(ErrorKind::Invalid, "Keep every backup for 1 to 3650 days, and monthly ones for 0 to 1200 months."));
    }
    state
        .update_preferences(|p| {
            p.backup.folder = Some(path.display().to_string());
            p.backup.keep_days = Some(keep_days);
            p.backup.keep_months = Some(keep_months);
        })
        .map_err(|e| IpcError::new(ErrorKind::Io, format!("The setting could not be saved in the data folder ({}): {e}", state.data_dir.display())))?;
    record_by(&state, &me.name, AuditAction::SettingsChanged, None, format!("backup folder {} (every backup {keep_days} days, monthly {keep_months} months)", path.display()));
    Ok(view(&state))
}

/// Backs up now (on a worker thread: the window goes on) and returns the new state.
#[tauri::command(async)]
pub fn backup_now(app: tauri::AppHandle, state: State<'_, AppState>) -> CmdResult<BackupView> {
    state.ready()?;
    crate::backups::run_now(&app);
    Ok(view(&state))
}

use crate::error::{CmdResult, IpcError};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use holdspace_core::preferences::{Appearance, Preferences};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub db_path: String,
    /// Why the record cannot be opened, when it cannot: the UI shows this instead of the app.
    pub startup_error: Option<IpcError>,
    /// Problems in the clinic's protocol or quick-tag files (`file:line: message`).
    pub config_problems: Vec<String>,
    /// Low disk space for the record, when there is little: shown on the start screen.
    pub space_warning: Option<String>,
    /// True only in builds made for end-to-end tests (the clock can be moved).
    pub test_build: bool,
    /// The theme and level of the screens, and the therapist last named.
    pub preferences: Preferences,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: state.data_dir.display().to_string(),
        db_path: state
            .ready_any()
            .map(|r| r.store.path().display().to_string())
            .unwrap_or_default(),
        startup_error: state.startup_error(),
        config_problems: state.ready_any().map(|r| r.config_problems.clone()).unwrap_or_default(),
        space_warning: state.ready_any().ok().and_then(|r| r.space_warning.clone()),
        test_build: cfg!(feature = "e2e"),
        preferences: state.preferences(),
    }
}

/// Sets the theme of the review and settings screens and how dim the dim theme is,
/// remembered in the data folder; returns the preferences as written.
#[tauri::command(async)]
pub fn set_appearance(state: State<'_, AppState>, appearance: Appearance) -> CmdResult<Preferences> {
    state.update_preferences(|p| p.appearance = appearance).map_err(|e| {
        // The OS's words go to the log; the screen says what it means.
        eprintln!("holdspace: writing {}: {e}", holdspace_core::preferences::FILE);
        IpcError::new(
            holdspace_core::ErrorKind::Io,
            format!("The display setting could not be saved in the data folder ({}).", state.data_dir.display()),
        )
    })
}

/// Hides (or shows again) the first-run list on the start screen, remembered in the data
/// folder; returns the preferences as written.
#[tauri::command(async)]
pub fn set_first_run_dismissed(state: State<'_, AppState>, dismissed: bool) -> CmdResult<Preferences> {
    state.update_preferences(|p| p.first_run_dismissed = dismissed).map_err(|e| {
        eprintln!("holdspace: writing {}: {e}", holdspace_core::preferences::FILE);
        IpcError::new(
            holdspace_core::ErrorKind::Io,
            format!(
                "Hiding the first-run list could not be saved in the data folder ({}); it will show again next time.",
                state.data_dir.display()
            ),
        )
    })
}

/// The app's clock: the UI keeps its timer in step with this, never with its own guess.
#[tauri::command(async)]
pub fn clock_now() -> CmdResult<DateTime<Utc>> {
    use holdspace_core::Clock;
    Ok(crate::state::app_clock().now())
}

//! The Tauri builder: managed state, commands, and the window.

use crate::commands;
use crate::state::AppState;
use std::path::PathBuf;

pub fn run(data_dir: PathBuf) -> Result<(), String> {
    // The store opens before the window, so no command can run before it exists.
    let state = AppState::open(&data_dir);
    builder(state)
        .run(tauri::generate_context!())
        .map_err(|e| format!("the window could not be opened: {e}"))
}

pub fn builder(state: AppState) -> tauri::Builder<tauri::Wry> {
    let builder = tauri::Builder::default().manage(state);
    // The e2e build adds one command; tauri's macro needs the whole list in one place.
    #[cfg(not(feature = "e2e"))]
    let builder = builder.invoke_handler(tauri::generate_handler![
        commands::app::app_info,
        commands::app::clock_now,
        commands::session::list_sessions,
        commands::session::current_session,
        commands::session::get_session,
        commands::session::start_session,
        commands::session::record_dose,
        commands::session::add_note,
        commands::session::end_session,
        commands::monitoring::list_protocols,
        commands::monitoring::protocol_details,
        commands::monitoring::monitor,
        commands::monitoring::record_vitals,
        commands::monitoring::ack_flag,
        commands::monitoring::record_checklist,
        commands::monitoring::add_tag,
    ]);
    #[cfg(feature = "e2e")]
    let builder = builder.invoke_handler(tauri::generate_handler![
        commands::app::app_info,
        commands::app::clock_now,
        commands::session::list_sessions,
        commands::session::current_session,
        commands::session::get_session,
        commands::session::start_session,
        commands::session::record_dose,
        commands::session::add_note,
        commands::session::end_session,
        commands::monitoring::list_protocols,
        commands::monitoring::protocol_details,
        commands::monitoring::monitor,
        commands::monitoring::record_vitals,
        commands::monitoring::ack_flag,
        commands::monitoring::record_checklist,
        commands::monitoring::add_tag,
        commands::testing::advance_clock,
    ]);
    builder
}

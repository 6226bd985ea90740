// Every app command is declared here so each gets its own permission, granted one by one in
// capabilities/default.json.
const COMMANDS: &[&str] = &[
    "app_info",
    "clock_now",
    "set_appearance",
    "list_sessions",
    "current_session",
    "get_session",
    "start_session",
    "record_dose",
    "add_note",
    "end_session",
    "keep_awake_status",
    "pending_writes",
    "list_playlists",
    "load_playlist",
    "music_state",
    "music_control",
    "output_devices",
    "set_output_device",
    "set_music_folder",
    "run_preflight",
    "playlist_details",
    "analyse_loudness",
    "cancel_loudness",
    "import_m3u",
    "export_playlist_m3u8",
    "library_protocols",
    "log_practice",
    "list_protocols",
    "protocol_details",
    "monitor",
    "record_vitals",
    "ack_flag",
    "mark_check_missed",
    "record_checklist",
    "add_tag",
    "review_list",
    "search_entries",
    "get_review",
    "get_timeline_page",
    "get_timeline_item",
    "choose_export_folder",
    "amend_entry",
    "sign_session",
    "add_addendum",
    "add_integration_note",
    "export_session",
    "default_export_folder",
    "add_demo_session",
    // Registered only in `e2e` builds; in a normal build the permission exists but no handler does.
    "advance_clock",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}

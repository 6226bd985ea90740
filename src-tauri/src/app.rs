//! The Tauri builder: managed state, commands, and the window.

use crate::commands;
use crate::state::AppState;
use holdspace_core::ErrorKind;
use std::path::PathBuf;
use tauri::{Emitter, Manager};

pub fn run(data_dir: PathBuf) -> Result<(), String> {
    // The store opens before the window, so no command can run before it exists.
    let state = AppState::open(&data_dir);
    builder(state)
        .run(tauri::generate_context!())
        .map_err(|e| format!("the window could not be opened: {e}"))
}

/// A second launch brings the running window forward and exits; it never opens a second
/// writer (the data-folder lock refuses one even where D-Bus is missing).
fn focus_main(app: &tauri::AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let state = app.state::<AppState>();
    if let Some(e) = state.startup_error() {
        if e.kind == ErrorKind::Locked {
            // The single-instance plugin forwards to the running window when it can; here it
            // could not (no session bus), so say so and stop before touching anything.
            eprintln!("holdspace: {}", e.message);
            std::process::exit(1);
        }
    }
    steady_caret();
    paint_without_compositing(app);
    // A session still open from before a restart keeps the computer awake again.
    state.sync_awake();
    crate::events::forward_outbox(app.handle());
    Ok(())
}

/// After each sign-in or unlock; the first one starts what needs the record: the monitor
/// feed, music (its loudness cache and timeline entries live in the record) and keep-awake.
pub fn after_sign_in(app: &tauri::AppHandle) {
    use std::sync::Once;
    static STARTED: Once = Once::new();
    let state = app.state::<AppState>();
    STARTED.call_once(|| {
        crate::live::start(app);
        start_music(app, &state);
        crate::backups::start(app);
    });
    state.sync_awake();
}

/// The note box's caret stays lit instead of blinking: the room sees no motion but the timer,
/// and every blink is a repaint (a small one: measured, it was not what the idle screen spent).
fn steady_caret() {
    #[cfg(target_os = "linux")]
    {
        use gtk::prelude::GtkSettingsExt;
        if let Some(settings) = gtk::Settings::default() {
            settings.set_gtk_cursor_blink(false);
        }
    }
}

/// The live screen changes a few small texts a second. Composited mode repaints and composites
/// the whole window for each (on software GL, as under Xvfb, most of the idle screen's CPU);
/// plain painting redraws only what changed.
fn paint_without_compositing(app: &tauri::App) {
    #[cfg(target_os = "linux")]
    if let Some(w) = app.get_webview_window("main") {
        let set = w.with_webview(|wv| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&wv.inner()) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = set {
            eprintln!("holdspace: window painting left as it was: {e}");
        }
    }
}

/// Starts the audio engine and the thread that writes what it does to the timeline and tells
/// the UI. Never fails: with no sound device the engine says so and keeps trying.
fn start_music(app: &tauri::AppHandle, state: &AppState) {
    let store = state.ready_any().ok().map(|r| r.store.clone());
    let (music, problem) = holdspace_music::Music::start(&state.data_dir, store);
    if let Some(p) = problem {
        eprintln!("holdspace: {p}");
    }
    let events = music.engine.take_events();
    let updates = music.engine.take_status_updates();
    if state.music.set(music).is_err() {
        return;
    }
    if let Some(updates) = updates {
        forward_music_status(app, updates);
    }
    let Some(events) = events else { return };
    let app = app.clone();
    let spawned = std::thread::Builder::new().name("holdspace-music-events".into()).spawn(move || {
        for ev in events {
            if let holdspace_audio::EngineEvent::DeviceLost { detail, .. } = &ev {
                crate::logfile::technical("the sound output", detail);
            }
            let state = app.state::<AppState>();
            // Recorded while the screen is locked too: the room goes on.
            let entry = state.ready_any().ok().and_then(|r| record_music(r, &ev));
            let _ = app.emit(crate::events::name::MUSIC_EVENT, crate::events::MusicEventPayload { event: ev, entry });
        }
    });
    if let Err(e) = spawned {
        eprintln!("holdspace: music events will not be recorded: {e}");
    }
}

/// Tells the window each music status change and, while playing, the playhead every ten
/// seconds of the track: the window never asks on a timer, and counts on between.
fn forward_music_status(app: &tauri::AppHandle, updates: std::sync::mpsc::Receiver<holdspace_audio::StatusUpdate>) {
    use crate::events::name;
    use holdspace_audio::StatusUpdate;
    let app = app.clone();
    let spawned = std::thread::Builder::new().name("holdspace-music-status".into()).spawn(move || {
        for u in updates {
            let _ = match u {
                StatusUpdate::Changed(status) => app.emit(name::MUSIC_STATUS, status),
                StatusUpdate::Position(p) => app.emit(name::MUSIC_POSITION, p),
            };
        }
    });
    if let Err(e) = spawned {
        eprintln!("holdspace: the window will not hear music status changes: {e}");
    }
}

/// Writes an engine event to the open session's timeline, if a session is open, through the
/// outbox like every entry: when storage cannot take it, it is kept and saved later (and the
/// window hears of it then), never dropped.
fn record_music(ready: &crate::state::Ready, ev: &holdspace_audio::EngineEvent) -> Option<holdspace_core::Entry> {
    let body = holdspace_music::entries::entry_body(ev)?;
    let session = ready.store.open_session().ok()??;
    match ready.save_one(session.id, None, holdspace_core::store::WriteOp::Append { body }) {
        Ok(entry) => Some(entry),
        Err(e) => {
            eprintln!("holdspace: music event not recorded yet: {e}");
            None
        }
    }
}

/// Saves the window state half a second after the last move or resize (a drag sends many).
fn save_window_state_soon(app: &tauri::AppHandle) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri_plugin_window_state::{AppHandleExt, StateFlags};
    static GENERATION: AtomicU64 = AtomicU64::new(0);
    let mine = GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    let _ = std::thread::Builder::new().name("holdspace-window-state".into()).spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        if GENERATION.load(Ordering::SeqCst) != mine {
            return;
        }
        // On the main thread: the plugin holds its lock while it asks the window for its size,
        // which from another thread waits for the main thread, and the main thread takes the
        // same lock for every move or resize: saved from here, a resize froze the window.
        let on_main = app.clone();
        let queued = app.run_on_main_thread(move || {
            if let Err(e) = on_main.save_window_state(StateFlags::all()) {
                eprintln!("holdspace: could not remember the window layout: {e}");
            }
        });
        if let Err(e) = queued {
            eprintln!("holdspace: could not remember the window layout: {e}");
        }
    });
}

/// Every app command, once: the e2e build passes its test-only extra. Each is also declared in
/// build.rs and granted in capabilities/default.json.
macro_rules! app_commands {
    ($($extra:path),*) => {
        tauri::generate_handler![
            commands::access::access_status,
            commands::access::create_first_user,
            commands::access::sign_in,
            commands::access::lock_screen,
            commands::access::unlock_with_passphrase,
            commands::access::unlock_with_pin,
            commands::access::set_pin,
            commands::access::list_users,
            commands::access::add_user,
            commands::access::deactivate_user,
            commands::access::change_passphrase,
            commands::access::set_lock_after,
            commands::app::app_info,
            commands::app::clock_now,
            commands::app::set_appearance,
            commands::app::set_first_run_dismissed,
            commands::session::list_sessions,
            commands::session::current_session,
            commands::session::get_session,
            commands::session::start_session,
            commands::session::record_dose,
            commands::session::add_note,
            commands::session::end_session,
            commands::session::keep_awake_status,
            commands::session::pending_writes,
            commands::music::list_playlists,
            commands::music::load_playlist,
            commands::music::music_state,
            commands::music::music_control,
            commands::music::output_devices,
            commands::music::set_output_device,
            commands::music::set_music_folder,
            commands::music::run_preflight,
            commands::library::playlist_details,
            commands::library::analyse_loudness,
            commands::library::cancel_loudness,
            commands::library::import_m3u,
            commands::library::export_playlist_m3u8,
            commands::library::library_protocols,
            commands::practice::log_practice,
            commands::monitoring::list_protocols,
            commands::monitoring::protocol_details,
            commands::monitoring::monitor,
            commands::monitoring::record_vitals,
            commands::monitoring::ack_flag,
            commands::monitoring::mark_check_missed,
            commands::monitoring::record_checklist,
            commands::monitoring::record_effect,
            commands::monitoring::confirm_ready_to_leave,
            commands::monitoring::add_tag,
            commands::review::review_list,
            commands::review::search_entries,
            commands::review::get_review,
            commands::review::get_timeline_page,
            commands::review::get_timeline_item,
            commands::review::verify_session,
            commands::review::choose_export_folder,
            commands::review::amend_entry,
            commands::review::sign_session,
            commands::review::add_addendum,
            commands::review::add_integration_note,
            commands::review::export_session,
            commands::review::audit_log,
            commands::review::export_audit,
            commands::rems::rems_status,
            commands::rems::record_rems_filing,
            commands::rems::rems_due,
            commands::clinic::clinic_profile,
            commands::clinic::save_clinic_profile,
            commands::billing::billing_codes,
            commands::billing::save_billing_codes,
            commands::backup::backup_status,
            commands::backup::set_backup_folder,
            commands::backup::backup_now,
            commands::review::default_export_folder,
            commands::review::add_demo_session,
            $($extra),*
        ]
    };
}

pub fn builder(state: AppState) -> tauri::Builder<tauri::Wry> {
    let builder = tauri::Builder::default()
        // First, so a second launch exits before doing anything else.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| focus_main(app)))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // Used from Rust only (the export folder chooser); the window is granted none of it.
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(setup)
        .on_window_event(|window, event| match event {
            // Closing the app lets the computer sleep again.
            tauri::WindowEvent::Destroyed => window.app_handle().state::<AppState>().awake.release(),
            // The plugin saves on a clean exit only; saving soon after each move or resize keeps
            // the room's window layout through a crash or power cut too.
            tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_) => save_window_state_soon(window.app_handle()),
            _ => {}
        });
    // The e2e build adds one command; tauri's macro needs the whole list in one place.
    #[cfg(not(feature = "e2e"))]
    let builder = builder.invoke_handler(app_commands!());
    #[cfg(feature = "e2e")]
    let builder = builder.invoke_handler(app_commands!(commands::testing::advance_clock));
    builder
}

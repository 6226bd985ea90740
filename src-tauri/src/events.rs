//! What the backend tells the UI unasked. Events are not replayed: the UI subscribes first,
//! then fetches a snapshot. The live screen asks for nothing on a timer: music status, the
//! playhead, monitor state and clock moves all come here.

use holdspace_audio::EngineEvent;
use holdspace_core::monitor::MonitorView;
use holdspace_core::Entry;
use serde::Serialize;
use ts_rs::TS;

/// Every event name, once; the UI gets the same names from `bindings/events.ts` (generated).
pub mod name {
    /// [`super::MusicEventPayload`]: what the engine did, with its timeline entry.
    pub const MUSIC_EVENT: &str = "music-event";
    /// `Status`: the music status changed (state, track, volume, device, up next).
    pub const MUSIC_STATUS: &str = "music-status";
    /// `PlayPosition`: while playing, the playhead every ten seconds of the track (the window counts on between).
    pub const MUSIC_POSITION: &str = "music-position";
    /// No payload: another playlist was loaded (or found again); fetch `music_state` once.
    pub const MUSIC_LOADED: &str = "music-loaded";
    /// [`super::MonitorChangedPayload`]: an entry was saved or a check fell due.
    pub const MONITOR_CHANGED: &str = "monitor-changed";
    /// The app clock moved (test builds only): the window syncs its clock again.
    pub const CLOCK_CHANGED: &str = "clock-changed";
    /// `PendingEntry[]`: the whole list of entries waiting to be saved.
    pub const PENDING_CHANGED: &str = "pending-changed";
    /// [`super::EntriesSavedPayload`].
    pub const ENTRIES_SAVED: &str = "entries-saved";
    /// [`super::SaveFailedPayload`].
    pub const SAVE_FAILED: &str = "save-failed";
    /// Loudness analysis progress and end (settings screen).
    pub const LOUDNESS_PROGRESS: &str = "loudness-progress";
    pub const LOUDNESS_FINISHED: &str = "loudness-finished";
    /// Who is signed in, and whether the screen is locked (`AccessStatus`).
    pub const ACCESS_CHANGED: &str = "access-changed";

    /// Name in TypeScript, name on the wire.
    pub const ALL: &[(&str, &str)] = &[
        ("musicEvent", MUSIC_EVENT),
        ("musicStatus", MUSIC_STATUS),
        ("musicPosition", MUSIC_POSITION),
        ("musicLoaded", MUSIC_LOADED),
        ("monitorChanged", MONITOR_CHANGED),
        ("clockChanged", CLOCK_CHANGED),
        ("pendingChanged", PENDING_CHANGED),
        ("entriesSaved", ENTRIES_SAVED),
        ("saveFailed", SAVE_FAILED),
        ("loudnessProgress", LOUDNESS_PROGRESS),
        ("loudnessFinished", LOUDNESS_FINISHED),
        ("accessChanged", ACCESS_CHANGED),
    ];

    /// `bindings/events.ts`: the names as one constant object for the UI.
    pub fn typescript() -> String {
        let mut out = String::from("// Generated from src-tauri/src/events.rs by `make bindings`. Do not edit.\n\nexport const EVENTS = {\n");
        for (ts, wire) in ALL {
            out.push_str(&format!("  {ts}: '{wire}',\n"));
        }
        out.push_str("} as const;\n\nexport type EventName = (typeof EVENTS)[keyof typeof EVENTS];\n");
        out
    }
}

/// `monitor-changed`: the monitor state of a session as of now.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MonitorChangedPayload {
    pub session_id: i64,
    pub view: MonitorView,
}

/// `music-event`: the engine did something; `entry` is the timeline entry it became (none when
/// no session is open).
#[derive(Debug, Clone, Serialize, TS)]
pub struct MusicEventPayload {
    pub event: EngineEvent,
    pub entry: Option<Entry>,
}

/// `entries-saved`: entries that had waited ("not saved yet") are now on disk.
#[derive(Debug, Clone, Serialize, TS)]
pub struct EntriesSavedPayload {
    pub key: String,
    pub entries: Vec<Entry>,
}

/// `save-failed`: a kept entry was refused when it was retried (the session had ended).
#[derive(Debug, Clone, Serialize, TS)]
pub struct SaveFailedPayload {
    pub key: String,
    pub session_id: i64,
    pub summary: String,
    pub message: String,
}

/// Sends what the outbox does to the window: `pending-changed` (the whole waiting list),
/// `entries-saved`, `save-failed`.
pub fn forward_outbox(app: &tauri::AppHandle) {
    use holdspace_core::outbox::OutboxEvent;
    use tauri::Emitter;
    let app = app.clone();
    let _ = crate::state::EVENTS.set(Box::new(move |event| {
        let sent = match event {
            OutboxEvent::Waiting { pending } => app.emit(name::PENDING_CHANGED, pending),
            OutboxEvent::Saved { key, entries } => {
                // Entries that had waited can change what the monitor shows.
                if let Some(e) = entries.first() {
                    crate::live::FEED.saved(e.session_id);
                }
                app.emit(name::ENTRIES_SAVED, EntriesSavedPayload { key, entries })
            }
            OutboxEvent::Failed { key, session_id, summary, message } => {
                app.emit(name::SAVE_FAILED, SaveFailedPayload { key, session_id, summary, message })
            }
        };
        if let Err(e) = sent {
            eprintln!("holdspace: could not tell the window about a save: {e}");
        }
    }));
}

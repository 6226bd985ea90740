//! What the backend tells the UI unasked. Events are not replayed: the UI subscribes first,
//! then fetches a snapshot.

use holdspace_audio::EngineEvent;
use holdspace_core::Entry;
use serde::Serialize;
use ts_rs::TS;

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
            OutboxEvent::Waiting { pending } => app.emit("pending-changed", pending),
            OutboxEvent::Saved { key, entries } => app.emit("entries-saved", EntriesSavedPayload { key, entries }),
            OutboxEvent::Failed { key, session_id, summary, message } => {
                app.emit("save-failed", SaveFailedPayload { key, session_id, summary, message })
            }
        };
        if let Err(e) = sent {
            eprintln!("holdspace: could not tell the window about a save: {e}");
        }
    }));
}

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

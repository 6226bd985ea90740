//! What the music does, as timeline entries: engine events and a playlist being loaded.

use crate::owner::LoadedPlaylist;
use holdspace_audio::{EngineEvent, SkipReason};
use holdspace_core::{EntryBody, MusicAction, MusicEvent};

/// What an engine event means on the timeline.
pub fn timeline_event(ev: &EngineEvent) -> Option<MusicEvent> {
    let blank = |action| MusicEvent {
        action,
        title: String::new(),
        artist: String::new(),
        phase: String::new(),
        path: String::new(),
        detail: String::new(),
        technical_detail: String::new(),
    };
    Some(match ev {
        EngineEvent::TrackStarted { title, artist, phase, path, .. } => MusicEvent {
            title: title.clone(),
            artist: artist.clone(),
            phase: phase.clone(),
            path: path.clone(),
            ..blank(MusicAction::TrackStarted)
        },
        EngineEvent::TrackSkipped { title, path, reason, .. } => {
            let (action, detail) = match reason {
                SkipReason::User => (MusicAction::Skipped, "skipped by the therapist".to_string()),
                SkipReason::Missing { message } => (MusicAction::TrackFailed, format!("file missing: {message}")),
                SkipReason::Undecodable { message } => {
                    (MusicAction::TrackFailed, format!("file could not be decoded: {message}"))
                }
            };
            MusicEvent { title: title.clone(), path: path.clone(), detail, ..blank(action) }
        }
        EngineEvent::Paused => blank(MusicAction::Paused),
        EngineEvent::Resumed => blank(MusicAction::Resumed),
        EngineEvent::VolumeChanged { from, to } => MusicEvent {
            detail: format!("{:.0}% → {:.0}%", from * 100.0, to * 100.0),
            ..blank(MusicAction::VolumeChanged)
        },
        EngineEvent::FadedToSilence => blank(MusicAction::FadedToSilence),
        EngineEvent::PhaseJumped { phase } => MusicEvent { phase: phase.clone(), ..blank(MusicAction::PhaseJumped) },
        EngineEvent::DeviceLost { message, detail } => MusicEvent {
            detail: message.clone(),
            technical_detail: detail.clone(),
            ..blank(MusicAction::DeviceLost)
        },
        EngineEvent::DeviceRegained { name } => MusicEvent { detail: name.clone(), ..blank(MusicAction::DeviceRegained) },
        EngineEvent::PlaylistFinished => blank(MusicAction::PlaylistFinished),
        EngineEvent::Stopped => return None,
    })
}

/// The entry an engine event becomes, if it becomes one.
pub fn entry_body(ev: &EngineEvent) -> Option<EntryBody> {
    timeline_event(ev).map(|event| EntryBody::Music { event })
}

/// "Playlist loaded", with how its tracks were found in the music folder.
pub fn playlist_loaded(loaded: &LoadedPlaylist) -> EntryBody {
    let r = &loaded.resolution;
    EntryBody::Music {
        event: MusicEvent {
            action: MusicAction::PlaylistLoaded,
            title: loaded.playlist.title.clone(),
            artist: String::new(),
            phase: String::new(),
            path: loaded.path.clone(),
            detail: format!("{} found, {} moved, {} missing", r.found, r.moved, r.missing),
            technical_detail: String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_events_read_as_timeline_entries() {
        let reason = SkipReason::Undecodable { message: "bad header".into() };
        let ev = EngineEvent::TrackSkipped { index: 2, title: "Drone".into(), path: "/m/d.wav".into(), reason };
        let m = timeline_event(&ev).unwrap();
        assert_eq!((m.action, m.detail.as_str()), (MusicAction::TrackFailed, "file could not be decoded: bad header"));
        let v = timeline_event(&EngineEvent::VolumeChanged { from: 0.2, to: 1.0 }).unwrap();
        assert_eq!(v.detail, "20% → 100%");
        assert!(timeline_event(&EngineEvent::Stopped).is_none());
        // A device that would not open: the room's words in the text, the library's kept apart.
        let lost = EngineEvent::DeviceLost { message: holdspace_audio::NO_OUTPUT.into(), detail: "Failed to get the config for the given device".into() };
        let m = timeline_event(&lost).unwrap();
        let text = holdspace_core::describe::describe_body(&EntryBody::Music { event: m.clone() }, "");
        assert_eq!(text, format!("Audio output lost · {}", holdspace_audio::NO_OUTPUT));
        assert_eq!(m.technical_detail, "Failed to get the config for the given device");
    }

}

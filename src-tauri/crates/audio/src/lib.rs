//! holdspace-audio: the audio engine thread, gain ramps, playlists, M3U, loudness analysis.
//!
//! Plain Rust, no Tauri and no display. See `README.md` beside `Cargo.toml` for the public API.

pub mod check;
pub mod decode;
pub mod demo;
pub mod engine;
mod deck;
pub mod error;
pub mod library;
pub mod loudness;
pub mod m3u;
pub mod playlist;
pub mod preflight;
pub mod ramp;
mod quiet_panics;
pub mod safety;
pub mod textfile;


pub use check::{check_file, check_playlist_audio, format_duration, AudioReport, PhaseSummary, Problem, PlaylistSummary};
pub use decode::{checked_length, decoded_length, identify, probe, Container, TrackInfo};
pub use engine::{
    OutputError, NO_OUTPUT,
    list_output_devices, DeviceState, DeviceStatus, Engine, EngineCommand, EngineConfig,
    EngineEvent, PlayPosition, PlayState, Queue, QueueTrack, SkipReason, Status, StatusUpdate, UpNext,
};
pub use error::AudioError;
pub use preflight::{preflight, preflight_with_cache, DeviceCheck, PreflightItem};
pub use library::{resolve, Resolution, ResolvedTrack, TrackLocation};
pub use m3u::{export_m3u8, export_m3u8_titled, read_m3u, ExportEntry, M3uEntry};
pub use playlist::{Playlist, PlaylistPhase, PlaylistTrack};

pub use loudness::{
    analyse, gain_for, Loudness, LoudnessCache, LoudnessKey, MemoryLoudnessCache,
};



/// Result type of this crate.
pub type Result<T, E = AudioError> = std::result::Result<T, E>;

/// The engine's internal sample rate: every track is converted to it.
pub const SAMPLE_RATE: u32 = 44_100;
/// The engine's internal channel count (stereo).
pub const CHANNELS: u16 = 2;

#[cfg(test)]
mod ts_tests {
    use ts_rs::{Config, TS};

    #[test]
    fn ipc_types_declare_typescript_with_numbers_not_bigint() {
        let cfg = Config::default();
        let decls = [
            crate::Status::decl(&cfg),
            crate::EngineEvent::decl(&cfg),
            crate::EngineCommand::decl(&cfg),
            crate::EngineConfig::decl(&cfg),
            crate::TrackInfo::decl(&cfg),
            crate::PlaylistSummary::decl(&cfg),
            crate::Problem::decl(&cfg),
            crate::PreflightItem::decl(&cfg),
            crate::Playlist::decl(&cfg),
            crate::Loudness::decl(&cfg),
            crate::LoudnessKey::decl(&cfg),
            crate::Resolution::decl(&cfg),
            crate::M3uEntry::decl(&cfg),
        ];
        for d in &decls {
            assert!(!d.contains("bigint"), "{d}");
        }
        assert!(decls[1].contains("\"kind\": \"track_started\""), "{}", decls[1]);
    }

    #[test]
    fn events_serialise_with_a_kind_tag() {
        let e = crate::EngineEvent::TrackSkipped {
            index: 2,
            title: "x".into(),
            path: "/m/x.flac".into(),
            reason: crate::SkipReason::Undecodable { message: "bad".into() },
        };
        let v = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(v["kind"], "track_skipped");
        assert_eq!(v["reason"]["kind"], "undecodable");
    }
}

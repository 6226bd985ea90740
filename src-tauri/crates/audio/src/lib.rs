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


pub use check::{check_file, format_duration, PhaseSummary, Problem, Summary};
pub use decode::{probe, TrackInfo};
pub use engine::{
    list_output_devices, DeviceState, DeviceStatus, Engine, EngineCommand, EngineConfig,
    EngineEvent, PlayState, Queue, QueueTrack, SkipReason, Status, UpNext,
};
pub use error::AudioError;
pub use preflight::{preflight, DeviceCheck, PreflightItem};
pub use library::{resolve, Resolution, ResolvedTrack, TrackLocation};
pub use m3u::{export_m3u8, read_m3u, write_m3u8, ExportEntry, M3uEntry};
pub use playlist::{Phase, Playlist, PlaylistTrack};

pub use loudness::{
    analyse, gain_for, Loudness, LoudnessCache, LoudnessKey, MemoryLoudnessCache,
};



/// Result type of this crate.
pub type Result<T, E = AudioError> = std::result::Result<T, E>;

/// The engine's internal sample rate: every track is converted to it.
pub const SAMPLE_RATE: u32 = 44_100;
/// The engine's internal channel count (stereo).
pub const CHANNELS: u16 = 2;

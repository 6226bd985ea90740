//! holdspace-music: the app's music, over the audio engine and the store, as plain Rust (no
//! Tauri): the music owner, the loudness cache in SQLite, playlist discovery, the library's
//! logic (details, analysis, M3U import and export) and what the music writes on the timeline.

pub mod analysis;
pub mod cache;
pub mod discovery;
pub mod entries;
pub mod library;
pub mod owner;
pub mod settings;

pub use cache::SqliteLoudnessCache;
pub use discovery::{list_playlists, playlist_dirs, PlaylistInfo};
pub use owner::{LoadError, LoadedPlaylist, Music};
pub use settings::Settings;

//! The shell's side of music: it owns the audio engine (whose own thread owns the output),
//! finds playlists, keeps the loudness cache in SQLite, and turns every engine event into a
//! timeline entry of the open session and an event for the UI.

use crate::settings::Settings;
use holdspace_audio::{
    library, Engine, EngineConfig, EngineEvent, LoudnessCache, LoudnessKey, Playlist, Resolution, SkipReason,
};
use holdspace_core::store::CachedLoudness;
use holdspace_core::{Clock, EntryBody, MusicAction, MusicEvent, Store, SystemClock};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use ts_rs::TS;

/// The loudness cache on its own connection to the database (WAL allows it), so analysis on
/// the engine thread never waits for the UI's commands.
pub struct SqliteLoudnessCache {
    store: Store,
}

impl SqliteLoudnessCache {
    pub fn open(db_path: &Path) -> Option<Arc<dyn LoudnessCache>> {
        let store = Store::open(db_path, Arc::new(SystemClock) as Arc<dyn Clock>).ok()?;
        Some(Arc::new(SqliteLoudnessCache { store }))
    }
}

impl LoudnessCache for SqliteLoudnessCache {
    fn get(&self, key: &LoudnessKey) -> Option<holdspace_audio::Loudness> {
        let path = key.path.to_string_lossy();
        let hit = self.store.loudness_get(&path, key.size as i64, key.mtime_ms).ok()??;
        Some(holdspace_audio::Loudness {
            integrated_lufs: hit.integrated_lufs,
            true_peak_dbtp: hit.true_peak_dbtp,
            decoded_seconds: hit.decoded_seconds,
        })
    }

    fn put(&self, key: &LoudnessKey, l: holdspace_audio::Loudness) {
        let path = key.path.to_string_lossy();
        let value = CachedLoudness {
            integrated_lufs: l.integrated_lufs,
            true_peak_dbtp: l.true_peak_dbtp,
            decoded_seconds: l.decoded_seconds,
        };
        if let Err(e) = self.store.loudness_put(&path, key.size as i64, key.mtime_ms, value) {
            eprintln!("holdspace: loudness cache: {e}");
        }
    }
}

/// A playlist file the app can offer.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlaylistInfo {
    pub path: String,
    pub title: String,
    pub description: String,
    pub route: Option<String>,
    pub tracks: u32,
    pub total_seconds: f64,
    pub phases: Vec<String>,
}

/// The loaded playlist and how its tracks were found in the music folder.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LoadedPlaylist {
    pub path: String,
    pub playlist: Playlist,
    pub resolution: Resolution,
}

pub struct Music {
    pub engine: Engine,
    pub loaded: Mutex<Option<LoadedPlaylist>>,
    pub settings: Mutex<Settings>,
    pub analysing: Arc<AtomicBool>,
}

impl Music {
    pub fn start(data_dir: &Path, db_path: Option<&Path>) -> (Music, Option<String>) {
        let (settings, problem) = Settings::load(data_dir);
        let mut config = EngineConfig { device: settings.output_device.clone(), ..EngineConfig::default() };
        config.initial_volume = settings.volume.clamp(0.0, 1.0);
        test_pacing(&mut config);
        let cache = db_path.and_then(SqliteLoudnessCache::open);
        let engine = Engine::start_with_cache(config, cache);
        let music = Music {
            engine,
            loaded: Mutex::new(None),
            settings: Mutex::new(settings),
            analysing: Arc::new(AtomicBool::new(false)),
        };
        (music, problem)
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn loaded(&self) -> Option<LoadedPlaylist> {
        self.loaded.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Loads a playlist file into the engine (stopped; play starts it).
    pub fn load(&self, path: &Path) -> Result<LoadedPlaylist, String> {
        let playlist = Playlist::load(path).map_err(|problems| {
            problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
        })?;
        let resolution = library::resolve(&playlist, path, &self.settings().music_folder());
        self.engine.load(resolution.queue()).map_err(|e| e.to_string())?;
        let loaded = LoadedPlaylist { path: path.display().to_string(), playlist, resolution };
        *self.loaded.lock().unwrap_or_else(|p| p.into_inner()) = Some(loaded.clone());
        Ok(loaded)
    }
}

/// The ALSA file plugin used by the end-to-end tests is not paced; only a test build may ask
/// the engine to pace itself.
#[cfg(feature = "e2e")]
fn test_pacing(config: &mut EngineConfig) {
    config.pace_unpaced_output = std::env::var("HOLDSPACE_TEST_AUDIO_PACE").ok().and_then(|v| v.parse().ok());
}

#[cfg(not(feature = "e2e"))]
fn test_pacing(_: &mut EngineConfig) {}

/// Folders searched for playlist files: the clinic's (in the data folder), one named by
/// `HOLDSPACE_PLAYLISTS_DIR`, the repository's `playlists/` next to a development build, and
/// the installed package's.
pub fn playlist_dirs(data_dir: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![data_dir.join("playlists")];
    if let Some(d) = std::env::var_os("HOLDSPACE_PLAYLISTS_DIR") {
        dirs.push(PathBuf::from(d));
    }
    if let Ok(exe) = std::env::current_exe() {
        // target/debug/holdspace -> <repo>/playlists
        if let Some(repo) = exe.parent().and_then(Path::parent).and_then(Path::parent) {
            dirs.push(repo.join("playlists"));
        }
    }
    dirs.push(PathBuf::from("/usr/share/holdspace/playlists"));
    dirs
}

/// Every valid playlist (`*.toml`) in the folders above and one level below them.
pub fn list_playlists(data_dir: &Path) -> Vec<PlaylistInfo> {
    let mut out: Vec<PlaylistInfo> = Vec::new();
    for dir in playlist_dirs(data_dir) {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                for inner in std::fs::read_dir(&p).into_iter().flatten().flatten() {
                    files.push(inner.path());
                }
            } else {
                files.push(p);
            }
        }
        files.sort();
        for file in files {
            if file.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let Ok(pl) = Playlist::load(&file) else { continue };
            let canonical = file.canonicalize().unwrap_or(file.clone()).display().to_string();
            if out.iter().any(|o| o.path == canonical) {
                continue;
            }
            out.push(PlaylistInfo {
                path: canonical,
                title: pl.title.clone(),
                description: pl.description.clone(),
                route: pl.route.clone(),
                tracks: pl.phases.iter().map(|p| p.tracks.len() as u32).sum(),
                total_seconds: pl.phases.iter().flat_map(|p| &p.tracks).map(|t| t.duration_seconds).sum(),
                phases: pl.phases.iter().map(|p| p.name.clone()).collect(),
            });
        }
    }
    out
}

/// What an engine event means on the timeline.
pub fn timeline_event(ev: &EngineEvent) -> Option<MusicEvent> {
    let blank = |action| MusicEvent {
        action,
        title: String::new(),
        artist: String::new(),
        phase: String::new(),
        path: String::new(),
        detail: String::new(),
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
        EngineEvent::DeviceLost { message } => MusicEvent { detail: message.clone(), ..blank(MusicAction::DeviceLost) },
        EngineEvent::DeviceRegained { name } => MusicEvent { detail: name.clone(), ..blank(MusicAction::DeviceRegained) },
        EngineEvent::PlaylistFinished => blank(MusicAction::PlaylistFinished),
        EngineEvent::Stopped => return None,
    })
}

/// Writes an engine event to the open session's timeline, if a session is open.
pub fn record(store: &Store, ev: &EngineEvent) -> Option<holdspace_core::Entry> {
    let event = timeline_event(ev)?;
    let session = store.open_session().ok()??;
    match store.append(session.id, EntryBody::Music { event }) {
        Ok(entry) => Some(entry),
        Err(e) => {
            eprintln!("holdspace: could not record music event: {e}");
            None
        }
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
    }

    #[test]
    fn the_bundled_playlists_are_found() {
        let tmp = tempfile::tempdir().unwrap();
        std::env::set_var("HOLDSPACE_PLAYLISTS_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("../playlists"));
        let titles: Vec<String> = list_playlists(tmp.path()).into_iter().map(|p| p.title).collect();
        assert!(titles.len() >= 3, "{titles:?}");
    }
}

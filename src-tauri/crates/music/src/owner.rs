//! The music owner: the audio engine (whose own thread owns the output), the loaded playlist
//! and the settings it plays with.

use crate::cache::SqliteLoudnessCache;
use crate::settings::Settings;
use holdspace_audio::{library, Engine, EngineConfig, PlayState, Playlist, Resolution};
use holdspace_core::{EntryBody, MusicAction, MusicEvent, Store};
use serde::Serialize;
use std::path::Path;
use std::sync::{Arc, Mutex};
use ts_rs::TS;

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
    /// The loudness analysis that runs, if one does (one at a time).
    pub analysis: crate::analysis::Analysis,
    /// How long a fade to silence (and the fade at a session's end) takes.
    pub fade_ms: u64,
}

impl Music {
    pub fn start(data_dir: &Path, store: Option<Arc<Store>>) -> (Music, Option<String>) {
        let (settings, problem) = Settings::load(data_dir);
        let mut config = EngineConfig { device: settings.output_device.clone(), ..EngineConfig::default() };
        config.initial_volume = settings.volume.clamp(0.0, 1.0);
        test_pacing(&mut config);
        let cache = store.map(SqliteLoudnessCache::shared);
        let fade_ms = config.fade_to_silence_ms;
        let engine = Engine::start_with_cache(config, cache);
        let music = Music {
            engine,
            loaded: Mutex::new(None),
            settings: Mutex::new(settings),
            analysis: crate::analysis::Analysis::default(),
            fade_ms,
        };
        (music, problem)
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn loaded(&self) -> Option<LoadedPlaylist> {
        self.loaded.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// When a session ends: the entry saying the music faded out with it, if music was heard
    /// (written before the session's last entry; then call [`Music::fade_out`]).
    pub fn session_end_entry(&self) -> Option<EntryBody> {
        let status = self.engine.status();
        if status.state != PlayState::Playing {
            return None;
        }
        Some(EntryBody::Music {
            event: MusicEvent {
                action: MusicAction::FadedToSilence,
                title: status.title.unwrap_or_default(),
                artist: status.artist.unwrap_or_default(),
                phase: status.phase.unwrap_or_default(),
                path: String::new(),
                detail: format!("the session ended; faded out over {} s", self.fade_ms.div_ceil(1000)),
                technical_detail: String::new(),
            },
        })
    }

    /// Fades whatever plays to silence over the fade time, then stops for good.
    pub fn fade_out(&self) -> holdspace_audio::Result<()> {
        self.engine.fade_out(None)
    }

    /// Before a new session nothing carries over: no playlist stays loaded (the pre-flight
    /// chooses one, and the new session's record says which) and the deck is emptied, anything
    /// still sounding fading out over a second. True when a playlist was unloaded.
    pub fn reset_for_new_session(&self) -> holdspace_audio::Result<bool> {
        let had = self.loaded.lock().unwrap_or_else(|p| p.into_inner()).take().is_some();
        if had || self.engine.status().state != PlayState::Stopped {
            self.engine.load(holdspace_audio::Queue::default())?;
        }
        Ok(had)
    }

    /// Loads a playlist file into the engine (stopped; play starts it).
    pub fn load(&self, path: &Path) -> Result<LoadedPlaylist, LoadError> {
        let playlist = Playlist::load(path).map_err(LoadError::Playlist)?;
        let resolution = library::resolve(&playlist, path, &self.settings().music_folder());
        self.engine.load(resolution.queue()).map_err(LoadError::Engine)?;
        let loaded = LoadedPlaylist { path: path.display().to_string(), playlist, resolution };
        *self.loaded.lock().unwrap_or_else(|p| p.into_inner()) = Some(loaded.clone());
        Ok(loaded)
    }
}

/// The ALSA file plugin used by the end-to-end tests is not paced; only a test build may ask
/// the engine to pace itself.
#[cfg(feature = "test-pacing")]
fn test_pacing(config: &mut EngineConfig) {
    config.pace_unpaced_output = std::env::var("HOLDSPACE_TEST_AUDIO_PACE").ok().and_then(|v| v.parse().ok());
}

#[cfg(not(feature = "test-pacing"))]
fn test_pacing(_: &mut EngineConfig) {}


/// Why a playlist did not load: its file's problems (`file:line: message` each), or the engine.
#[derive(Debug)]
pub enum LoadError {
    Playlist(Vec<holdspace_audio::Problem>),
    Engine(holdspace_audio::AudioError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Playlist(problems) => {
                let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                f.write_str(&lines.join("\n"))
            }
            LoadError::Engine(e) => write!(f, "{e}"),
        }
    }
}

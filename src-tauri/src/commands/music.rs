use crate::error::{CmdResult, IpcError};
use holdspace_music::{list_playlists as find_playlists, LoadedPlaylist, Music, PlaylistInfo, Settings};
use crate::state::AppState;
use holdspace_audio::{list_output_devices, preflight_with_cache, DeviceCheck, Status};
use holdspace_core::{Entry, EntryBody, Error, PreflightCheck};
use serde::{Deserialize, Serialize};
use std::path::Path;
use tauri::{Emitter, State};
use ts_rs::TS;

fn audio(e: impl std::fmt::Display) -> IpcError {
    Error::Audio(e.to_string()).into()
}

/// A playlist file's problems are the therapist's to mend (`invalid`, naming file and line);
/// an engine failure is the sound system's (`audio`).
fn load_error(e: holdspace_music::LoadError) -> IpcError {
    match e {
        holdspace_music::LoadError::Playlist(problems) => IpcError::in_files(problems),
        holdspace_music::LoadError::Engine(_) => audio(e),
    }
}

fn music<'a>(state: &'a State<'_, AppState>) -> CmdResult<&'a Music> {
    state.music.get().ok_or_else(|| audio("the audio engine has not started yet"))
}

/// What the UI asks the player to do. Every change of level is ramped by the engine.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MusicControl {
    Play,
    Pause,
    Resume,
    /// Pause when playing, resume when paused or silenced, play when stopped.
    Toggle,
    Next,
    Previous,
    Seek { position_ms: u32 },
    SetVolume { volume: f32 },
    /// Up or down by this much (e.g. 0.1), within 0..1.
    StepVolume { delta: f32 },
    FadeToSilence,
    /// Fade to silence over the fade time, then stop (nothing resumes): outside a session.
    FadeOut,
    JumpToPhase { phase: String },
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct MusicState {
    pub status: Status,
    pub loaded: Option<LoadedPlaylist>,
    pub settings: Settings,
}

#[tauri::command]
pub fn list_playlists(state: State<'_, AppState>) -> Vec<PlaylistInfo> {
    find_playlists(&state.data_dir)
}

/// Loads a playlist into the player (stopped) and records it on the open session.
#[tauri::command(async)]
pub fn load_playlist(app: tauri::AppHandle, state: State<'_, AppState>, path: String) -> CmdResult<MusicState> {
    let m = music(&state)?;
    let loaded = m.load(Path::new(&path)).map_err(load_error)?;
    if let Ok(ready) = state.ready() {
        if let Some(session) = ready.store.open_session()? {
            let body = holdspace_music::entries::playlist_loaded(&loaded);
            ready.save(session.id, None, holdspace_core::store::WriteOp::Append { body })?;
        }
    }
    loaded_changed(&app);
    music_state(state)
}

/// The loaded playlist changed: the window fetches `music_state` once (it is not sent on a timer).
pub(crate) fn loaded_changed(app: &tauri::AppHandle) {
    let _ = app.emit(crate::events::name::MUSIC_LOADED, ());
}

/// Everything about music at once (with the loaded playlist's resolution): asked when the
/// live screen opens and after `music-loaded`; status changes come as `music-status`.
#[tauri::command(async)]
pub fn music_state(state: State<'_, AppState>) -> CmdResult<MusicState> {
    let m = music(&state)?;
    Ok(MusicState { status: m.engine.status(), loaded: m.loaded(), settings: m.settings() })
}

#[tauri::command(async)]
pub fn music_control(state: State<'_, AppState>, control: MusicControl) -> CmdResult<Status> {
    let m = music(&state)?;
    let e = &m.engine;
    let status = e.status();
    use holdspace_audio::PlayState;
    let sent = match control {
        MusicControl::Play => e.play(),
        MusicControl::Pause => e.pause(),
        MusicControl::Resume => e.resume(),
        MusicControl::Toggle => match status.state {
            PlayState::Playing => e.pause(),
            PlayState::Paused | PlayState::Silenced => e.resume(),
            PlayState::Stopped => e.play(),
        },
        MusicControl::Next => e.next(),
        MusicControl::Previous => e.previous(),
        MusicControl::Seek { position_ms } => e.seek(std::time::Duration::from_millis(u64::from(position_ms))),
        MusicControl::SetVolume { volume } => set_volume(m, volume),
        MusicControl::StepVolume { delta } => set_volume(m, status.volume + delta),
        MusicControl::FadeToSilence => e.fade_to_silence(None),
        MusicControl::FadeOut => m.fade_out(),
        MusicControl::JumpToPhase { phase } => e.jump_to_phase(&phase),
    };
    sent.map_err(audio)?;
    Ok(e.status())
}

fn set_volume(m: &Music, volume: f32) -> holdspace_audio::Result<()> {
    let volume = if volume.is_finite() { volume.clamp(0.0, 1.0) } else { 0.0 };
    let mut s = m.settings.lock().unwrap_or_else(|p| p.into_inner());
    s.volume = volume;
    m.engine.set_volume(volume)
}

#[tauri::command]
pub fn output_devices() -> Vec<String> {
    list_output_devices()
}

/// Chooses the output device (None: the system default) and remembers the choice.
#[tauri::command(async)]
pub fn set_output_device(state: State<'_, AppState>, device: Option<String>) -> CmdResult<MusicState> {
    let m = music(&state)?;
    m.engine.set_device(device.clone()).map_err(audio)?;
    let settings = {
        let mut s = m.settings.lock().unwrap_or_else(|p| p.into_inner());
        s.output_device = device;
        s.clone()
    };
    settings.save(&state.data_dir).map_err(|e| IpcError::from(Error::Io(e)))?;
    music_state(state)
}

#[tauri::command(async)]
pub fn set_music_folder(app: tauri::AppHandle, state: State<'_, AppState>, folder: String) -> CmdResult<MusicState> {
    let m = music(&state)?;
    let path = Path::new(folder.trim());
    if !path.is_dir() {
        return Err(Error::invalid("music folder", format!("{} is not a folder", path.display())).into());
    }
    let settings = {
        let mut s = m.settings.lock().unwrap_or_else(|p| p.into_inner());
        s.music_folder = Some(path.display().to_string());
        s.clone()
    };
    settings.save(&state.data_dir).map_err(|e| IpcError::from(Error::Io(e)))?;
    if let Some(loaded) = m.loaded() {
        m.load(Path::new(&loaded.path)).map_err(load_error)?;
        loaded_changed(&app);
    }
    music_state(state)
}

/// Before dosing: the playlist's files exist and decode, it is long enough for the planned
/// session, the output opens, and the computer is kept awake. Recorded on the timeline.
#[tauri::command(async)]
pub fn run_preflight(state: State<'_, AppState>, session_id: i64, planned_minutes: f64) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let m = music(&state)?;
    let mut checks: Vec<PreflightCheck> = match m.loaded() {
        Some(loaded) => {
            // The engine holds the device while it plays; closed while nothing plays, it is
            // opened here briefly, so the answer is about the device now.
            let status = m.engine.status().device;
            let device = if status.standby {
                DeviceCheck::Open(m.settings().output_device)
            } else {
                DeviceCheck::FromEngine(status)
            };
            // Decoded lengths come from the loudness cache (whole files decoded once).
            let cache = holdspace_music::SqliteLoudnessCache::shared(ready.store.clone());
            preflight_with_cache(&loaded.resolution, planned_minutes.max(0.0), device, Some(cache.as_ref()))
                .into_iter()
                .map(|i| PreflightCheck { name: i.name, ok: i.ok, reason: i.reason, technical_detail: i.detail })
                .collect()
        }
        None => vec![PreflightCheck {
            name: "Playlist".into(),
            ok: false,
            reason: "no playlist is loaded: choose one so music never runs out".into(),
            technical_detail: String::new(),
        }],
    };
    let awake = state.awake.hold();
    checks.push(PreflightCheck {
        name: "Computer kept awake".into(),
        ok: awake.any_inhibited(),
        reason: awake.summary(),
        technical_detail: awake.detail.clone(),
    });
    checks.push(disk_space_check(&state.data_dir));
    let backup = holdspace_core::backup::status(state.preferences().backup.folder().as_deref(), holdspace_core::Clock::now(&*crate::state::app_clock()));
    checks.push(PreflightCheck {
        name: "Backup of the record".into(),
        ok: backup.warning.is_none(),
        reason: backup.warning.unwrap_or_else(|| "a verified backup from the last day is in the backup folder".into()),
        technical_detail: String::new(),
    });
    let body = EntryBody::Preflight { checks };
    Ok(ready.save_one(session_id, None, holdspace_core::store::WriteOp::Append { body })?)
}

/// Room on the disk for the session's record (measured need: see `health::LOW_SPACE_BYTES`).
fn disk_space_check(data_dir: &std::path::Path) -> PreflightCheck {
    use holdspace_core::store::health;
    let warning = health::space_warning(data_dir);
    let free = health::free_bytes(data_dir).map(health::human_bytes).unwrap_or_else(|| "unknown".into());
    PreflightCheck {
        name: "Disk space for the record".into(),
        ok: warning.is_none(),
        reason: warning.unwrap_or_else(|| format!("{free} free")),
        technical_detail: String::new(),
    }
}

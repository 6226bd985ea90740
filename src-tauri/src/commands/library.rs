//! The Settings / Library screen's commands: they translate and call `holdspace_music::library`
//! (details, analysis, M3U import and export) and read the protocol templates.

use crate::error::{CmdResult, IpcError};
use crate::state::AppState;
use holdspace_audio::loudness::LoudnessCache;
use holdspace_core::monitoring::{effective_quick_tags, QuickTag, Template, TemplateInfo};
use holdspace_core::Error;
use holdspace_music::library::{details, export_into, import_into, playable_files, ImportResult, PlaylistDetails};
use holdspace_music::{Settings, SqliteLoudnessCache};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tauri::{Emitter, State};
use ts_rs::TS;

/// One protocol template, read-only, with the quick tags a session on it gets.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProtocolEntry {
    pub info: TemplateInfo,
    pub template: Template,
    pub quick_tags: Vec<QuickTag>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct LibraryProtocols {
    pub templates: Vec<ProtocolEntry>,
    /// Where a clinic puts its own copies of templates.
    pub protocols_dir: String,
    /// Where a clinic puts its own quick tags.
    pub quick_tags_file: String,
    /// Problems in the clinic's files (`file:line: message`).
    pub config_problems: Vec<String>,
}

fn invalid(field: &'static str, message: impl Into<String>) -> IpcError {
    Error::invalid(field, message).into()
}

fn music_folder(state: &AppState) -> PathBuf {
    match state.music.get() {
        Some(m) => m.settings().music_folder(),
        None => Settings::load(&state.data_dir).0.music_folder(),
    }
}

fn cache(state: &AppState) -> Option<Arc<dyn LoudnessCache>> {
    Some(SqliteLoudnessCache::shared(state.ready().ok()?.store.clone()))
}

#[tauri::command(async)]
pub fn playlist_details(state: State<'_, AppState>, path: String) -> CmdResult<PlaylistDetails> {
    let cache = cache(&state);
    details(Path::new(&path), &music_folder(&state), cache.as_deref()).map_err(IpcError::in_files)
}

/// Starts loudness analysis of a playlist's files on a worker thread and returns how many
/// files it will look at. Progress arrives as `loudness-progress` events, the results as one
/// `loudness-finished` event. Cached files are not analysed again.
#[tauri::command(async)]
pub fn analyse_loudness(app: tauri::AppHandle, state: State<'_, AppState>, path: String) -> CmdResult<u32> {
    let cache = cache(&state).ok_or_else(|| invalid("loudness", "the loudness cache (the database) is not open"))?;
    let m = state.music.get().ok_or_else(|| invalid("loudness", "the audio engine has not started yet"))?;
    let d = details(Path::new(&path), &music_folder(&state), None).map_err(IpcError::in_files)?;
    let progress = app.clone();
    m.analysis
        .start(
            path,
            playable_files(&d),
            cache,
            move |p| drop(progress.emit(crate::events::name::LOUDNESS_PROGRESS, p)),
            move |f| drop(app.emit(crate::events::name::LOUDNESS_FINISHED, f)),
        )
        .map_err(|e| invalid("loudness", e))
}

/// Asks the running analysis to stop; true when one was running.
#[tauri::command]
pub fn cancel_loudness(state: State<'_, AppState>) -> bool {
    state.music.get().is_some_and(|m| m.analysis.cancel())
}

/// Imports an M3U/M3U8 file as a new playlist in `<data folder>/playlists/`.
#[tauri::command(async)]
pub fn import_m3u(state: State<'_, AppState>, path: String, title: Option<String>) -> CmdResult<ImportResult> {
    let path = path.trim();
    if path.is_empty() {
        return Err(invalid("m3u", "give the full path of an .m3u or .m3u8 file"));
    }
    import_into(&state.data_dir.join("playlists"), Path::new(path), title.as_deref(), &music_folder(&state))
        .map_err(IpcError::in_files)
}

/// Exports a playlist as an M3U8 file in `out_dir` and returns its path.
#[tauri::command(async)]
pub fn export_playlist_m3u8(state: State<'_, AppState>, path: String, out_dir: String) -> CmdResult<String> {
    export_into(Path::new(out_dir.trim()), Path::new(&path), &music_folder(&state))
        .map(|p| p.display().to_string())
        .map_err(IpcError::in_files)
}

#[tauri::command(async)]
pub fn library_protocols(state: State<'_, AppState>) -> CmdResult<LibraryProtocols> {
    let ready = state.ready()?;
    let templates = ready
        .catalog
        .templates
        .iter()
        .map(|t| ProtocolEntry {
            info: TemplateInfo {
                id: t.template.id.clone(),
                name: t.template.name.clone(),
                route: t.template.route,
                source: t.source.clone(),
                overrides_builtin: t.overrides_builtin,
            },
            quick_tags: effective_quick_tags(&t.template, ready.clinic_tags.as_deref()),
            template: t.template.clone(),
        })
        .collect();
    Ok(LibraryProtocols {
        templates,
        protocols_dir: state.data_dir.join("protocols").display().to_string(),
        quick_tags_file: state.data_dir.join("quick_tags.toml").display().to_string(),
        config_problems: ready.config_problems.clone(),
    })
}


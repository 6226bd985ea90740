//! The Settings / Library screen: a playlist's phases and how its tracks resolve against the
//! music folder, loudness analysis on a worker thread (progress as events, cancellable), M3U
//! import into `<data folder>/playlists/`, M3U8 export, and the protocol templates read-only.
//!
//! The logic is plain functions (used by the CLI and the tests); the commands translate.

use crate::error::{CmdResult, IpcError};
use crate::music::SqliteLoudnessCache;
use crate::state::AppState;
use holdspace_audio::loudness::{gain_for, LoudnessCache, LoudnessKey, DEFAULT_MAX_TRUE_PEAK_DBTP, DEFAULT_TARGET_LUFS};
use holdspace_audio::{m3u, ExportEntry, Loudness, PhaseSummary, Playlist, Resolution};
use holdspace_core::monitoring::{effective_quick_tags, QuickTag, Template, TemplateInfo};
use holdspace_core::Error;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tauri::{Emitter, State};
use ts_rs::TS;

/// One track's loudness as analysed (or cached), and the gain playback will apply.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TrackLoudness {
    pub path: String,
    pub loudness: Option<Loudness>,
    /// Gain in dB toward the room's target, limited by the true-peak ceiling.
    pub gain_db: Option<f64>,
    /// Why this file could not be analysed (missing, undecodable, cancelled).
    pub error: Option<String>,
}

/// A playlist as the library shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlaylistDetails {
    pub path: String,
    pub playlist: Playlist,
    /// Each phase with its track count and length.
    pub phases: Vec<PhaseSummary>,
    pub total_seconds: f64,
    /// Found / moved / missing per track against the music folder.
    pub resolution: Resolution,
    /// Per track of `resolution.tracks`, what the loudness cache already knows.
    pub loudness: Vec<Option<TrackLoudness>>,
    pub target_lufs: f64,
    pub max_true_peak_dbtp: f64,
}

/// `loudness-progress`: analysis of `playlist` has finished `done` of `total` files and is
/// `fraction` through the current one.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LoudnessProgress {
    pub playlist: String,
    pub done: u32,
    pub total: u32,
    pub fraction: f32,
}

/// `loudness-finished`: every file's result (or why it has none).
#[derive(Debug, Clone, Serialize, TS)]
pub struct LoudnessFinished {
    pub playlist: String,
    pub cancelled: bool,
    pub tracks: Vec<TrackLoudness>,
}

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

/// What an M3U import saved.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportResult {
    pub saved_path: String,
    pub title: String,
    pub tracks: u32,
}

fn invalid(field: &'static str, message: impl Into<String>) -> IpcError {
    Error::invalid(field, message).into()
}

fn problems_text(problems: &[holdspace_audio::Problem]) -> String {
    problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
}

/// What the cache knows for one file, with the gain playback applies.
pub fn cached_loudness(path: &Path, cache: &dyn LoudnessCache) -> Option<TrackLoudness> {
    let key = LoudnessKey::for_path(path).ok()?;
    let l = cache.get(&key)?;
    Some(track_loudness(path, Ok(l)))
}

fn track_loudness(path: &Path, result: Result<Loudness, String>) -> TrackLoudness {
    match result {
        Ok(l) => TrackLoudness {
            path: path.display().to_string(),
            loudness: Some(l),
            gain_db: Some(gain_for(&l, DEFAULT_TARGET_LUFS, DEFAULT_MAX_TRUE_PEAK_DBTP)),
            error: None,
        },
        Err(e) => TrackLoudness { path: path.display().to_string(), loudness: None, gain_db: None, error: Some(e) },
    }
}

/// A playlist file read, summarised and resolved against `music_folder`.
pub fn details(path: &Path, music_folder: &Path, cache: Option<&dyn LoudnessCache>) -> Result<PlaylistDetails, String> {
    let playlist = Playlist::load(path).map_err(|p| problems_text(&p))?;
    let summary = playlist.summary(&path.display().to_string());
    let resolution = holdspace_audio::resolve(&playlist, path, music_folder);
    let loudness = resolution
        .tracks
        .iter()
        .map(|t| cache.and_then(|c| cached_loudness(t.playable_path()?, c)))
        .collect();
    Ok(PlaylistDetails {
        path: path.display().to_string(),
        total_seconds: playlist.total_seconds(),
        phases: summary.phases,
        playlist,
        resolution,
        loudness,
        target_lufs: DEFAULT_TARGET_LUFS,
        max_true_peak_dbtp: DEFAULT_MAX_TRUE_PEAK_DBTP,
    })
}

/// The files of a playlist that can be analysed (found or moved).
pub fn playable_files(d: &PlaylistDetails) -> Vec<PathBuf> {
    d.resolution.tracks.iter().filter_map(|t| t.playable_path().map(Path::to_path_buf)).collect()
}

/// Analyses `files` through `cache`, calling `progress(done, total, fraction)` at most every
/// `every` (and at the end). Runs on the caller's thread: call it from a worker.
pub fn analyse_files(
    files: &[PathBuf],
    cache: &dyn LoudnessCache,
    cancel: &AtomicBool,
    every: Duration,
    mut progress: impl FnMut(u32, u32, f32),
) -> Vec<TrackLoudness> {
    let mut last: Option<Instant> = None;
    let results = holdspace_audio::loudness::analyse_all(files, cache, cancel, |done, total, fraction| {
        if done == total || last.is_none_or(|t| t.elapsed() >= every) {
            last = Some(Instant::now());
            progress(done as u32, total as u32, fraction);
        }
    });
    results.into_iter().map(|(p, r)| track_loudness(&p, r.map_err(|e| e.to_string()))).collect()
}

/// A file name from a title: letters, digits and dashes.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.chars().count() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "playlist".into()
    } else {
        out
    }
}

/// Writes `text` to a new file; an existing file is never overwritten.
pub fn write_new_file(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// Writes `text` as `<dir>/<stem>.<ext>`, or `<stem>-2.<ext>`... when that exists.
pub fn write_new_in(dir: &Path, stem: &str, ext: &str, text: &str) -> std::io::Result<PathBuf> {
    for n in 1..1000 {
        let name = if n == 1 { format!("{stem}.{ext}") } else { format!("{stem}-{n}.{ext}") };
        let path = dir.join(name);
        match write_new_file(&path, text) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!("too many files named {stem} in {}", dir.display())))
}

/// Reads an M3U/M3U8 file into a playlist (one phase, "imported"). Problems (unsupported
/// URLs, unreadable file, no tracks) are `file:line: message` lines and nothing is made.
pub fn m3u_to_playlist(m3u_path: &Path, title: Option<&str>, music_folder: &Path) -> Result<Playlist, Vec<String>> {
    let entries = m3u::read_m3u(m3u_path).map_err(|ps| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>())?;
    let stem = m3u_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "Imported".into());
    let title = title.map(str::trim).filter(|t| !t.is_empty()).unwrap_or(&stem);
    let playlist = m3u::to_playlist(&entries, title, music_folder);
    // What we write must read back as a valid playlist.
    Playlist::parse(&playlist.to_toml(), &m3u_path.display().to_string())
        .map_err(|ps| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>())?;
    Ok(playlist)
}

/// Imports an M3U into a new TOML file in `dir` (created if needed; never overwrites).
pub fn import_into(dir: &Path, m3u_path: &Path, title: Option<&str>, music_folder: &Path) -> Result<ImportResult, Vec<String>> {
    let playlist = m3u_to_playlist(m3u_path, title, music_folder)?;
    std::fs::create_dir_all(dir).map_err(|e| vec![format!("{}: cannot create the folder: {e}", dir.display())])?;
    let saved = write_new_in(dir, &slug(&playlist.title), "toml", &playlist.to_toml())
        .map_err(|e| vec![format!("{}: cannot write: {e}", dir.display())])?;
    Ok(ImportResult {
        saved_path: saved.display().to_string(),
        title: playlist.title.clone(),
        tracks: playlist.track_count() as u32,
    })
}

/// The playlist's tracks as an M3U8 list: where each was found (moved ones at their new
/// place), else where it was recorded.
pub fn m3u8_text(playlist_path: &Path, music_folder: &Path, relative_to: Option<&Path>) -> Result<String, Vec<String>> {
    let playlist = Playlist::load(playlist_path).map_err(|ps| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>())?;
    let resolution = holdspace_audio::resolve(&playlist, playlist_path, music_folder);
    let entries: Vec<ExportEntry> = resolution
        .tracks
        .iter()
        .map(|t| ExportEntry {
            path: t.playable_path().map(Path::to_path_buf).unwrap_or_else(|| resolution.music_root.join(&t.recorded_path)),
            title: t.title.clone(),
            artist: t.artist.clone(),
            duration_seconds: Some(t.duration_seconds),
        })
        .collect();
    Ok(m3u::export_m3u8(&entries, relative_to))
}

/// Exports a playlist as `<dir>/<title>.m3u8` (a new file) and returns its path.
pub fn export_into(dir: &Path, playlist_path: &Path, music_folder: &Path) -> Result<PathBuf, Vec<String>> {
    if !dir.is_dir() {
        return Err(vec![format!("{}: not a folder; choose an existing folder", dir.display())]);
    }
    let text = m3u8_text(playlist_path, music_folder, None)?;
    let title = Playlist::load(playlist_path).map(|p| p.title).unwrap_or_default();
    write_new_in(dir, &slug(&title), "m3u8", &text).map_err(|e| vec![format!("{}: cannot write: {e}", dir.display())])
}

fn music_folder(state: &AppState) -> PathBuf {
    match state.music.get() {
        Some(m) => m.settings().music_folder(),
        None => crate::settings::Settings::load(&state.data_dir).0.music_folder(),
    }
}

fn cache(state: &AppState) -> Option<Arc<dyn LoudnessCache>> {
    Some(SqliteLoudnessCache::shared(state.ready().ok()?.store.clone()))
}

#[tauri::command(async)]
pub fn playlist_details(state: State<'_, AppState>, path: String) -> CmdResult<PlaylistDetails> {
    let cache = cache(&state);
    details(Path::new(&path), &music_folder(&state), cache.as_deref()).map_err(|m| invalid("playlist", m))
}

/// The running analysis' cancel flag, if one runs (one at a time).
static ANALYSIS: Mutex<Option<Arc<AtomicBool>>> = Mutex::new(None);

/// Starts loudness analysis of a playlist's files on a worker thread and returns how many
/// files it will look at. Progress arrives as `loudness-progress` events, the results as one
/// `loudness-finished` event. Cached files are not analysed again.
#[tauri::command(async)]
pub fn analyse_loudness(app: tauri::AppHandle, state: State<'_, AppState>, path: String) -> CmdResult<u32> {
    let cache = cache(&state).ok_or_else(|| invalid("loudness", "the loudness cache (the database) is not open"))?;
    let d = details(Path::new(&path), &music_folder(&state), None).map_err(|m| invalid("playlist", m))?;
    let files = playable_files(&d);
    let cancel = {
        let mut running = ANALYSIS.lock().unwrap_or_else(|p| p.into_inner());
        if running.is_some() {
            return Err(invalid("loudness", "an analysis is already running; wait for it or cancel it"));
        }
        let flag = Arc::new(AtomicBool::new(false));
        *running = Some(flag.clone());
        flag
    };
    let total = files.len() as u32;
    let spawned = std::thread::Builder::new().name("holdspace-loudness".into()).spawn(move || {
        // Another analysis may start once this one ends, however it ends.
        struct Done;
        impl Drop for Done {
            fn drop(&mut self) {
                *ANALYSIS.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
        }
        let done = Done;
        let tracks = analyse_files(&files, cache.as_ref(), &cancel, Duration::from_millis(150), |done, total, fraction| {
            let _ = app.emit(crate::events::name::LOUDNESS_PROGRESS, LoudnessProgress { playlist: path.clone(), done, total, fraction });
        });
        let cancelled = cancel.load(Ordering::Relaxed);
        drop(done);
        let _ = app.emit(crate::events::name::LOUDNESS_FINISHED, LoudnessFinished { playlist: path, cancelled, tracks });
    });
    if let Err(e) = spawned {
        *ANALYSIS.lock().unwrap_or_else(|p| p.into_inner()) = None;
        return Err(invalid("loudness", format!("the analysis could not start: {e}")));
    }
    Ok(total)
}

/// Asks the running analysis to stop; true when one was running.
#[tauri::command]
pub fn cancel_loudness() -> bool {
    match ANALYSIS.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        Some(flag) => {
            flag.store(true, Ordering::Relaxed);
            true
        }
        None => false,
    }
}

/// Imports an M3U/M3U8 file as a new playlist in `<data folder>/playlists/`.
#[tauri::command(async)]
pub fn import_m3u(state: State<'_, AppState>, path: String, title: Option<String>) -> CmdResult<ImportResult> {
    let path = path.trim();
    if path.is_empty() {
        return Err(invalid("m3u", "give the full path of an .m3u or .m3u8 file"));
    }
    import_into(&state.data_dir.join("playlists"), Path::new(path), title.as_deref(), &music_folder(&state))
        .map_err(|ps| invalid("m3u", ps.join("\n")))
}

/// Exports a playlist as an M3U8 file in `out_dir` and returns its path.
#[tauri::command(async)]
pub fn export_playlist_m3u8(state: State<'_, AppState>, path: String, out_dir: String) -> CmdResult<String> {
    export_into(Path::new(out_dir.trim()), Path::new(&path), &music_folder(&state))
        .map(|p| p.display().to_string())
        .map_err(|ps| invalid("export", ps.join("\n")))
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

/// `holdspace playlist ...` on the command line.
#[derive(Debug, clap::Subcommand)]
pub enum PlaylistCommand {
    /// Convert an M3U/M3U8 file into a playlist TOML (a new file; never overwrites)
    Import {
        #[arg(value_name = "FILE.m3u8")]
        file: PathBuf,
        /// The playlist file to write
        #[arg(long, value_name = "PLAYLIST.toml")]
        out: PathBuf,
        /// The playlist's title [default: the M3U file's name]
        #[arg(long)]
        title: Option<String>,
    },
    /// Write a playlist's tracks as an M3U8 file (a new file; never overwrites)
    Export {
        #[arg(value_name = "PLAYLIST.toml")]
        playlist: PathBuf,
        /// The M3U8 file to write
        #[arg(long, value_name = "FILE.m3u8")]
        out: PathBuf,
    },
}

fn refuse_existing(out: &Path) -> Result<(), Vec<String>> {
    if out.exists() {
        return Err(vec![format!("{}: already exists; choose a new file name (nothing is overwritten)", out.display())]);
    }
    Ok(())
}

/// Runs a playlist subcommand: `Ok(line to print)` or the problems, each `file:line: message`.
pub fn run_playlist_command(cmd: &PlaylistCommand, music_folder: &Path) -> Result<String, Vec<String>> {
    let write = |out: &Path, text: &str| {
        write_new_file(out, text).map_err(|e| vec![format!("{}: cannot write: {e}", out.display())])
    };
    match cmd {
        PlaylistCommand::Import { file, out, title } => {
            refuse_existing(out)?;
            let playlist = m3u_to_playlist(file, title.as_deref(), music_folder)?;
            write(out, &playlist.to_toml())?;
            Ok(format!("{}: {} tracks imported from {}", out.display(), playlist.track_count(), file.display()))
        }
        PlaylistCommand::Export { playlist, out } => {
            refuse_existing(out)?;
            let base = out.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf);
            let base = base.and_then(|b| b.canonicalize().ok());
            let text = m3u8_text(playlist, music_folder, base.as_deref())?;
            write(out, &text)?;
            let tracks = text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).count();
            Ok(format!("{}: {tracks} tracks exported from {}", out.display(), playlist.display()))
        }
    }
}

/// The CLI's entry: prints the summary, or each problem on stderr and exit code 1.
pub fn playlist_cli(cmd: &PlaylistCommand, data_dir: &Path, out: &mut dyn Write, err: &mut dyn Write) -> std::process::ExitCode {
    let music = crate::settings::Settings::load(data_dir).0.music_folder();
    match run_playlist_command(cmd, &music) {
        Ok(line) => {
            let _ = writeln!(out, "{line}");
            std::process::ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in problems {
                let _ = writeln!(err, "{p}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use holdspace_audio::MemoryLoudnessCache;

    fn demo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../playlists/demo/demo.toml")
    }

    fn write_wav(path: &Path, seconds: f32, amplitude: f32) {
        let rate = 8000u32;
        let n = (rate as f32 * seconds) as u32;
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"RIFF");
        bytes.extend_from_slice(&(36 + n * 2).to_le_bytes());
        bytes.extend_from_slice(b"WAVEfmt ");
        bytes.extend_from_slice(&16u32.to_le_bytes());
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&rate.to_le_bytes());
        bytes.extend_from_slice(&(rate * 2).to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&16u16.to_le_bytes());
        bytes.extend_from_slice(b"data");
        bytes.extend_from_slice(&(n * 2).to_le_bytes());
        for i in 0..n {
            let v = (amplitude * (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * 32767.0) as i16;
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn the_demo_playlist_has_phases_and_total_length() {
        let tmp = tempfile::tempdir().unwrap();
        let d = details(&demo(), tmp.path(), None).unwrap();
        assert!(!d.phases.is_empty());
        let sum: f64 = d.phases.iter().map(|p| p.seconds).sum();
        assert!((sum - d.total_seconds).abs() < 1e-6);
        assert_eq!(d.resolution.tracks.len(), d.loudness.len());
        assert_eq!((d.resolution.found + d.resolution.moved + d.resolution.missing) as usize, d.resolution.tracks.len());
    }

    #[test]
    fn a_broken_playlist_reports_file_and_line() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("bad.toml");
        std::fs::write(&p, "title = \"x\"\ncrossfade_seconds = \"four\"\n").unwrap();
        let err = details(&p, tmp.path(), None).unwrap_err();
        assert!(err.starts_with(&format!("{}:2:", p.display())), "{err}");
    }

    #[test]
    fn analysis_fills_the_cache_reports_progress_and_can_be_cancelled() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a.wav"), tmp.path().join("b.wav"));
        write_wav(&a, 1.0, 0.5);
        write_wav(&b, 1.0, 0.05);
        let missing = tmp.path().join("gone.wav");
        let cache = MemoryLoudnessCache::new();
        let mut calls = Vec::new();
        let cancel = AtomicBool::new(false);
        let out = analyse_files(&[a.clone(), b.clone(), missing], &cache, &cancel, Duration::ZERO, |d, t, _| calls.push((d, t)));
        assert_eq!(calls.last(), Some(&(3, 3)));
        assert!(out[0].loudness.is_some() && out[1].loudness.is_some(), "{out:?}");
        assert!(out[2].error.is_some());
        // The quiet track is boosted more than the loud one.
        assert!(out[1].gain_db.unwrap() > out[0].gain_db.unwrap());
        assert_eq!(cached_loudness(&a, &cache), Some(out[0].clone()));

        let cancel = AtomicBool::new(true);
        let c = tmp.path().join("c.wav");
        write_wav(&c, 1.0, 0.3);
        let out = analyse_files(&[c], &cache, &cancel, Duration::ZERO, |_, _, _| {});
        assert!(out[0].error.as_deref().unwrap_or("").to_lowercase().contains("cancel"), "{out:?}");
    }

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(slug("Sublingual — 90 min / Eno"), "sublingual-90-min-eno");
        assert_eq!(slug("../../etc"), "etc");
        assert_eq!(slug("   "), "playlist");
    }

    #[test]
    fn import_saves_a_new_file_and_never_overwrites() {
        let tmp = tempfile::tempdir().unwrap();
        let music = tmp.path().join("music");
        std::fs::create_dir_all(music.join("Ärger dir")).unwrap();
        write_wav(&music.join("Ärger dir/one.wav"), 0.5, 0.2);
        let m3u = tmp.path().join("Evening List.m3u8");
        std::fs::write(&m3u, "\u{feff}#EXTM3U\r\n#EXTINF:61,Artist - One\r\nmusic/Ärger dir/one.wav\r\n").unwrap();
        let dir = tmp.path().join("data/playlists");
        let first = import_into(&dir, &m3u, None, &music).unwrap();
        assert_eq!((first.title.as_str(), first.tracks), ("Evening List", 1));
        assert!(first.saved_path.ends_with("evening-list.toml"), "{}", first.saved_path);
        let pl = Playlist::load(Path::new(&first.saved_path)).unwrap();
        assert_eq!(pl.phases[0].tracks[0].path, "Ärger dir/one.wav");
        let second = import_into(&dir, &m3u, None, &music).unwrap();
        assert!(second.saved_path.ends_with("evening-list-2.toml"), "{}", second.saved_path);
        assert_eq!(std::fs::read_to_string(&first.saved_path).unwrap(), pl.to_toml());
    }

    #[test]
    fn import_reports_urls_with_file_and_line() {
        let tmp = tempfile::tempdir().unwrap();
        let m3u = tmp.path().join("radio.m3u");
        std::fs::write(&m3u, "#EXTM3U\na.flac\nhttps://radio.example/stream\n").unwrap();
        let err = import_into(&tmp.path().join("pl"), &m3u, None, tmp.path()).unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(err[0].starts_with(&format!("{}:3: unsupported URL", m3u.display())), "{err:?}");
        assert!(!tmp.path().join("pl").exists(), "nothing is written when the file has problems");
    }

    #[test]
    fn export_writes_a_new_m3u8_that_reads_back() {
        let tmp = tempfile::tempdir().unwrap();
        let first = export_into(tmp.path(), &demo(), tmp.path()).unwrap();
        let second = export_into(tmp.path(), &demo(), tmp.path()).unwrap();
        assert_ne!(first, second);
        let entries = m3u::read_m3u(&first).unwrap();
        let pl = Playlist::load(&demo()).unwrap();
        assert_eq!(entries.len(), pl.track_count());
        assert!(export_into(&tmp.path().join("nope"), &demo(), tmp.path()).unwrap_err()[0].contains("not a folder"));
    }

    fn cli(cmd: PlaylistCommand, data: &Path) -> (std::process::ExitCode, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = playlist_cli(&cmd, data, &mut out, &mut err);
        (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    #[test]
    fn cli_import_then_export_round_trip() {
        let tmp = tempfile::tempdir().unwrap();
        let m3u = tmp.path().join("list.m3u8");
        std::fs::write(&m3u, "#EXTM3U\n#EXTINF:100,Art - Slow Pad\naudio/pad one.wav\n#EXTINF:200,Drone\naudio/drone.flac\n").unwrap();
        let toml = tmp.path().join("out.toml");
        let (code, out, err) = cli(PlaylistCommand::Import { file: m3u.clone(), out: toml.clone(), title: Some("Evening".into()) }, tmp.path());
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{err}");
        assert!(out.contains("2 tracks imported"), "{out}");
        let pl = Playlist::load(&toml).unwrap();
        assert_eq!((pl.title.as_str(), pl.track_count()), ("Evening", 2));

        // Never overwrites.
        let (code, _, err) = cli(PlaylistCommand::Import { file: m3u, out: toml.clone(), title: None }, tmp.path());
        assert_eq!(code, std::process::ExitCode::FAILURE);
        assert!(err.contains("already exists"), "{err}");

        let back = tmp.path().join("back.m3u8");
        let (code, out, err) = cli(PlaylistCommand::Export { playlist: toml, out: back.clone() }, tmp.path());
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{err}");
        assert!(out.contains("2 tracks exported"), "{out}");
        let entries = m3u::read_m3u(&back).unwrap();
        assert_eq!(entries[0].title.as_deref(), Some("Slow Pad"));
        assert_eq!(entries[1].duration_seconds, Some(200.0));
    }

    #[test]
    fn cli_problems_are_file_line_message_and_exit_1() {
        let tmp = tempfile::tempdir().unwrap();
        let m3u = tmp.path().join("radio.m3u");
        std::fs::write(&m3u, "#EXTM3U\nhttp://radio.example/live\n").unwrap();
        let out = tmp.path().join("radio.toml");
        let (code, _, err) = cli(PlaylistCommand::Import { file: m3u.clone(), out: out.clone(), title: None }, tmp.path());
        assert_eq!(code, std::process::ExitCode::FAILURE);
        assert!(err.starts_with(&format!("{}:2: unsupported URL", m3u.display())), "{err}");
        assert!(!out.exists());

        let bad = tmp.path().join("bad.toml");
        std::fs::write(&bad, "title = \"x\"\n\n[[phases]]\nnme = \"settle\"\n").unwrap();
        let (code, _, err) = cli(PlaylistCommand::Export { playlist: bad.clone(), out: tmp.path().join("x.m3u8") }, tmp.path());
        assert_eq!(code, std::process::ExitCode::FAILURE);
        assert!(err.starts_with(&format!("{}:", bad.display())) && err.split(':').nth(1).is_some_and(|l| l.parse::<u32>().is_ok()), "{err}");
        let missing = tmp.path().join("missing.m3u8");
        let (code, _, err) = cli(PlaylistCommand::Import { file: missing.clone(), out, title: None }, tmp.path());
        assert_eq!(code, std::process::ExitCode::FAILURE);
        assert!(err.contains("missing.m3u8") && err.contains("cannot read"), "{err}");
    }
}

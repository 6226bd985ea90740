//! The Settings / Library screen's logic: a playlist's phases and how its tracks resolve
//! against the music folder, loudness analysis, M3U import into the clinic's playlists, M3U8
//! export. Plain functions, used by the window's commands, the command line and the tests.

use holdspace_audio::loudness::{gain_for, LoudnessCache, LoudnessKey, DEFAULT_MAX_TRUE_PEAK_DBTP, DEFAULT_TARGET_LUFS};
use holdspace_audio::{m3u, ExportEntry, Loudness, PhaseSummary, Playlist, Problem, Resolution};
use holdspace_core::files::{write_new_file, write_new_in};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};
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

/// What an M3U import saved.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportResult {
    pub saved_path: String,
    pub title: String,
    pub tracks: u32,
}

/// A problem about a whole file or folder (no line).
fn whole(path: &Path, message: String) -> Vec<Problem> {
    vec![Problem::new(path.display().to_string(), 0, message)]
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
pub fn details(path: &Path, music_folder: &Path, cache: Option<&dyn LoudnessCache>) -> Result<PlaylistDetails, Vec<Problem>> {
    let playlist = Playlist::load(path)?;
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

/// Reads an M3U/M3U8 file into a playlist (one phase, "imported"). Problems (unsupported
/// URLs, unreadable file, no tracks) are `file:line: message` lines and nothing is made.
pub fn m3u_to_playlist(m3u_path: &Path, title: Option<&str>, music_folder: &Path) -> Result<Playlist, Vec<Problem>> {
    // Problems name the M3U line and the audio file, never lines of the TOML made from it.
    m3u::import(m3u_path, title, music_folder)
}

/// Imports an M3U into a new TOML file in `dir` (created if needed; never overwrites).
pub fn import_into(dir: &Path, m3u_path: &Path, title: Option<&str>, music_folder: &Path) -> Result<ImportResult, Vec<Problem>> {
    let playlist = m3u_to_playlist(m3u_path, title, music_folder)?;
    std::fs::create_dir_all(dir).map_err(|e| whole(dir, format!("cannot create the folder: {e}")))?;
    let saved = write_new_in(dir, &slug(&playlist.title), "toml", playlist.to_toml().as_bytes())
        .map_err(|e| whole(dir, format!("cannot write: {e}")))?;
    Ok(ImportResult {
        saved_path: saved.display().to_string(),
        title: playlist.title.clone(),
        tracks: playlist.track_count() as u32,
    })
}

/// The playlist's tracks as an M3U8 list: where each was found (moved ones at their new
/// place), else where it was recorded.
pub fn m3u8_text(playlist_path: &Path, music_folder: &Path, relative_to: Option<&Path>) -> Result<String, Vec<Problem>> {
    let playlist = Playlist::load(playlist_path)?;
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
pub fn export_into(dir: &Path, playlist_path: &Path, music_folder: &Path) -> Result<PathBuf, Vec<Problem>> {
    if !dir.is_dir() {
        return Err(whole(dir, "not a folder; choose an existing folder".into()));
    }
    let text = m3u8_text(playlist_path, music_folder, None)?;
    let title = Playlist::load(playlist_path).map(|p| p.title).unwrap_or_default();
    write_new_in(dir, &slug(&title), "m3u8", text.as_bytes()).map_err(|e| whole(dir, format!("cannot write: {e}")))
}

fn refuse_existing(out: &Path) -> Result<(), Vec<Problem>> {
    if out.exists() {
        return Err(whole(out, "already exists; choose a new file name (nothing is overwritten)".into()));
    }
    Ok(())
}

fn write_to(out: &Path, text: &str) -> Result<(), Vec<Problem>> {
    write_new_file(out, text.as_bytes()).map_err(|e| whole(out, format!("cannot write: {e}")))
}

/// `holdspace playlist import`: an M3U/M3U8 file into a new playlist TOML at `out`. `Ok(line to
/// print)` or the problems, each `file:line: message`.
pub fn import_to_file(file: &Path, out: &Path, title: Option<&str>, music_folder: &Path) -> Result<String, Vec<Problem>> {
    refuse_existing(out)?;
    let playlist = m3u_to_playlist(file, title, music_folder)?;
    write_to(out, &playlist.to_toml())?;
    Ok(format!("{}: {} tracks imported from {}", out.display(), playlist.track_count(), file.display()))
}

/// `holdspace playlist export`: a playlist's tracks as a new M3U8 file at `out` (paths relative
/// to its folder when inside it).
pub fn export_to_file(playlist: &Path, out: &Path, music_folder: &Path) -> Result<String, Vec<Problem>> {
    refuse_existing(out)?;
    let base = out.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf);
    let base = base.and_then(|b| b.canonicalize().ok());
    let text = m3u8_text(playlist, music_folder, base.as_deref())?;
    write_to(out, &text)?;
    let tracks = text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).count();
    Ok(format!("{}: {tracks} tracks exported from {}", out.display(), playlist.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use holdspace_audio::MemoryLoudnessCache;

    fn demo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../playlists/demo/demo.toml")
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
        assert_eq!((err[0].file.as_str(), err[0].line), (p.display().to_string().as_str(), 2), "{err:?}");
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
        assert!(err[0].to_string().starts_with(&format!("{}:3: unsupported URL", m3u.display())), "{err:?}");
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
        assert!(export_into(&tmp.path().join("nope"), &demo(), tmp.path()).unwrap_err()[0].message.contains("not a folder"));
    }

    /// The two `holdspace playlist` operations, as the command line runs them.
    enum Cmd {
        Import { file: PathBuf, out: PathBuf, title: Option<String> },
        Export { playlist: PathBuf, out: PathBuf },
    }

    fn cli(cmd: Cmd, music: &Path) -> (std::process::ExitCode, String, String) {
        let result = match cmd {
            Cmd::Import { file, out, title } => import_to_file(&file, &out, title.as_deref(), music),
            Cmd::Export { playlist, out } => export_to_file(&playlist, &out, music),
        };
        match result {
            Ok(line) => (std::process::ExitCode::SUCCESS, line, String::new()),
            Err(problems) => {
                let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                (std::process::ExitCode::FAILURE, String::new(), lines.join("\n"))
            }
        }
    }

    #[test]
    fn cli_import_then_export_round_trip() {
        let tmp = tempfile::tempdir().unwrap();
        let m3u = tmp.path().join("list.m3u8");
        std::fs::write(&m3u, "#EXTM3U\n#EXTINF:100,Art - Slow Pad\naudio/pad one.wav\n#EXTINF:200,Drone\naudio/drone.flac\n").unwrap();
        let toml = tmp.path().join("out.toml");
        let (code, out, err) = cli(Cmd::Import { file: m3u.clone(), out: toml.clone(), title: Some("Evening".into()) }, tmp.path());
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{err}");
        assert!(out.contains("2 tracks imported"), "{out}");
        let pl = Playlist::load(&toml).unwrap();
        assert_eq!((pl.title.as_str(), pl.track_count()), ("Evening", 2));

        // Never overwrites.
        let (code, _, err) = cli(Cmd::Import { file: m3u, out: toml.clone(), title: None }, tmp.path());
        assert_eq!(code, std::process::ExitCode::FAILURE);
        assert!(err.contains("already exists"), "{err}");

        let back = tmp.path().join("back.m3u8");
        let (code, out, err) = cli(Cmd::Export { playlist: toml, out: back.clone() }, tmp.path());
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
        let (code, _, err) = cli(Cmd::Import { file: m3u.clone(), out: out.clone(), title: None }, tmp.path());
        assert_eq!(code, std::process::ExitCode::FAILURE);
        assert!(err.starts_with(&format!("{}:2: unsupported URL", m3u.display())), "{err}");
        assert!(!out.exists());

        let bad = tmp.path().join("bad.toml");
        std::fs::write(&bad, "title = \"x\"\n\n[[phases]]\nnme = \"settle\"\n").unwrap();
        let (code, _, err) = cli(Cmd::Export { playlist: bad.clone(), out: tmp.path().join("x.m3u8") }, tmp.path());
        assert_eq!(code, std::process::ExitCode::FAILURE);
        assert!(err.starts_with(&format!("{}:", bad.display())) && err.split(':').nth(1).is_some_and(|l| l.parse::<u32>().is_ok()), "{err}");
        let missing = tmp.path().join("missing.m3u8");
        let (code, _, err) = cli(Cmd::Import { file: missing.clone(), out, title: None }, tmp.path());
        assert_eq!(code, std::process::ExitCode::FAILURE);
        assert!(err.contains("missing.m3u8") && err.contains("cannot read"), "{err}");
    }
}

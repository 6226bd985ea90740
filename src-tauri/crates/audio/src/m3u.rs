//! M3U / M3U8 import and M3U8 export.
//!
//! Import accepts what other players write: relative and absolute paths, `file://` URLs,
//! `#EXTINF:<seconds>,<artist> - <title>`, a UTF-8 byte-order mark, CRLF line ends, blank
//! lines and comments. Legacy `.m3u` files that are not UTF-8 are read as Latin-1.
//! `http(s)://` entries are reported as unsupported: Holdspace plays local files only.

use std::path::{Path, PathBuf};

use holdspace_monitoring::Problem;
use crate::playlist::{Playlist, PlaylistPhase, PlaylistTrack};

/// One entry of an M3U file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct M3uEntry {
    /// The location as written in the file.
    pub location: String,
    /// Resolved path (relative entries are joined to the M3U file's folder).
    #[ts(type = "string")]
    pub path: PathBuf,
    pub title: Option<String>,
    pub artist: Option<String>,
    pub duration_seconds: Option<f64>,
    /// Line of the location in the file.
    pub line: u32,
}

/// One line of a "what played" list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ExportEntry {
    #[ts(type = "string")]
    pub path: PathBuf,
    pub title: String,
    pub artist: String,
    pub duration_seconds: Option<f64>,
}

fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        // Legacy .m3u files are often Latin-1.
        Err(_) => bytes.iter().map(|b| *b as char).collect(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() && s.is_char_boundary(i + 1) && s.is_char_boundary(i + 3) {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parse `#EXTINF:<duration> [attributes],<artist> - <title>`.
fn parse_extinf(rest: &str) -> (Option<f64>, Option<String>, Option<String>) {
    let (head, name) = match rest.split_once(',') {
        Some((h, n)) => (h, n.trim()),
        None => (rest, ""),
    };
    let dur_text = head.split_whitespace().next().unwrap_or("");
    let duration = dur_text.parse::<f64>().ok().filter(|d| d.is_finite() && *d > 0.0);
    if name.is_empty() {
        return (duration, None, None);
    }
    match name.split_once(" - ") {
        Some((a, t)) => (duration, Some(t.trim().to_string()), Some(a.trim().to_string()).filter(|a| !a.is_empty())),
        None => (duration, Some(name.to_string()), None),
    }
}

/// Parse M3U text. `file` names it in problems; relative paths are joined to `base_dir`.
pub fn parse_m3u(text: &str, file: &str, base_dir: &Path) -> (Vec<M3uEntry>, Vec<Problem>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut pending: Option<(Option<f64>, Option<String>, Option<String>)> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let line = (i + 1) as u32;
        let l = raw.trim_end_matches('\r').trim();
        if l.is_empty() {
            continue;
        }
        if let Some(rest) = l.strip_prefix("#EXTINF:") {
            pending = Some(parse_extinf(rest));
            continue;
        }
        if l.starts_with('#') {
            continue;
        }
        let lower = l.to_ascii_lowercase();
        let (title, artist, duration) = match pending.take() {
            Some((d, t, a)) => (t, a, d),
            None => (None, None, None),
        };
        if lower.starts_with("http://") || lower.starts_with("https://") {
            problems.push(Problem::new(file, line, format!("unsupported URL {l}: Holdspace plays local files only (it works offline)")));
            continue;
        }
        let location = l.to_string();
        let path_text = if lower.starts_with("file://") {
            let rest = &l[7..];
            let rest = rest.strip_prefix("localhost").unwrap_or(rest);
            percent_decode(rest)
        } else if lower.contains("://") {
            problems.push(Problem::new(file, line, format!("unsupported location {l}: only local files can be played")));
            continue;
        } else {
            l.to_string()
        };
        let p = Path::new(&path_text);
        let is_windows_abs = path_text.len() > 2 && path_text.as_bytes()[1] == b':';
        let path = if p.is_absolute() || is_windows_abs {
            p.to_path_buf()
        } else {
            base_dir.join(path_text.replace('\\', "/"))
        };
        entries.push(M3uEntry { location, path, title, artist, duration_seconds: duration, line });
    }
    (entries, problems)
}

/// Read an M3U / M3U8 file. Problems (unsupported URLs, no entries) fail the whole file.
pub fn read_m3u(path: &Path) -> Result<Vec<M3uEntry>, Vec<Problem>> {
    let file = path.display().to_string();
    let bytes = crate::textfile::read_limited_bytes(path).map_err(|p| vec![p])?;
    let legacy = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("m3u"));
    // `.m3u8` is UTF-8 by definition; only a legacy `.m3u` may be Latin-1.
    let text = if legacy { decode_text(&bytes) } else { crate::textfile::utf8(bytes, &file).map_err(|p| vec![p])? };
    let base = path.parent().unwrap_or(Path::new("."));
    let (entries, mut problems) = parse_m3u(&text, &file, base);
    if entries.is_empty() && problems.is_empty() {
        problems.push(Problem::new(file, 1, "no tracks in this playlist"));
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

/// Import an M3U/M3U8 file as a one-phase playlist ("imported"), checking every entry first:
/// problems name the M3U line and the audio file (`list.m3u8:7: Stars/01.flac: no #EXTINF
/// length, and the audio file cannot be decoded (...)`), never a line of the TOML made from
/// it. `title` defaults to the file's name.
pub fn import(path: &Path, title: Option<&str>, music_folder: &Path) -> Result<Playlist, Vec<Problem>> {
    let entries = read_m3u(path)?;
    let file = path.display().to_string();
    let mut problems = Vec::new();
    let (lo, hi) = crate::playlist::TRACK_SECONDS;
    let mut durations = Vec::with_capacity(entries.len());
    for e in &entries {
        let audio = &e.location;
        if let Some(m) = crate::playlist::name_problem("the path", audio) {
            problems.push(Problem::new(&file, e.line, format!("{}: {m}", audio.escape_debug())));
            continue;
        }
        for (field, v) in [("#EXTINF title", &e.title), ("#EXTINF artist", &e.artist)] {
            if let Some(m) = v.as_deref().and_then(|v| crate::playlist::name_problem(field, v)) {
                problems.push(Problem::new(&file, e.line, format!("{audio}: {m}")));
            }
        }
        let d = match e.duration_seconds {
            Some(d) => d,
            None => match crate::decode::probe(&e.path) {
                Ok(info) => info.duration_ms as f64 / 1000.0,
                Err(err) => {
                    let why = match err {
                        crate::AudioError::NotFound { .. } => format!("is not there ({})", e.path.display()),
                        other => format!("cannot be decoded ({})", other.reason()),
                    };
                    problems.push(Problem::new(&file, e.line, format!("{audio}: no #EXTINF length, and the audio file {why}")));
                    continue;
                }
            },
        };
        if !(lo..=hi).contains(&d) {
            problems.push(Problem::new(&file, e.line, format!("{audio}: length {d} s is outside {lo} s to 24 hours")));
        }
        durations.push(d);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "Imported".into());
    let title = title.map(str::trim).filter(|t| !t.is_empty()).unwrap_or(&stem);
    let mut with_lengths = entries.clone();
    for (e, d) in with_lengths.iter_mut().zip(durations) {
        e.duration_seconds = Some(d);
    }
    let playlist = to_playlist(&with_lengths, title, music_folder);
    // What is written must read back; a problem left here is named by the M3U line it came from.
    if let Err(ps) = Playlist::parse(&playlist.to_toml(), &file) {
        let text = playlist.to_toml();
        return Err(ps
            .into_iter()
            .map(|p| {
                // Track n of the generated TOML starts at its n-th `[[phases.tracks]]`.
                let n = text.lines().take(p.line as usize).filter(|l| l.trim() == "[[phases.tracks]]").count();
                match n.checked_sub(1).and_then(|i| entries.get(i)) {
                    Some(e) => Problem::new(&file, e.line, format!("{}: {}", e.location, p.message)),
                    None => Problem::new(&file, 0, p.message),
                }
            })
            .collect());
    }
    Ok(playlist)
}

/// Turn imported entries into a one-phase playlist whose paths are relative to
/// `music_folder` when they are inside it.
pub fn to_playlist(entries: &[M3uEntry], title: &str, music_folder: &Path) -> Playlist {
    let tracks = entries
        .iter()
        .map(|e| {
            let rel = e.path.strip_prefix(music_folder).map(Path::to_path_buf).unwrap_or_else(|_| e.path.clone());
            let stem = e.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            PlaylistTrack {
                path: rel.to_string_lossy().replace('\\', "/"),
                title: e.title.clone().unwrap_or(stem),
                artist: e.artist.clone().unwrap_or_default(),
                duration_seconds: e
                    .duration_seconds
                    .or_else(|| crate::decode::probe(&e.path).ok().map(|i| i.duration_ms as f64 / 1000.0))
                    .unwrap_or(0.0),
                line: 0,
            }
        })
        .collect();
    Playlist {
        title: title.to_string(),
        description: String::new(),
        route: None,
        crossfade_seconds: 0.0,
        target_minutes: None,
        music_folder: None,
        phases: vec![PlaylistPhase { name: "imported".into(), tracks }],
    }
}

/// A name or path on one line: control characters (a newline would start a new entry) become
/// spaces.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string()
}

/// Render an M3U8 list: the one M3U8 writer of the app (playlists exported from the library and
/// "what played" in a session). Paths are written relative to `relative_to` when given and
/// possible; `title` becomes a `#PLAYLIST:` line; an entry without a path is kept as a comment
/// so the list stays complete.
pub fn export_m3u8_titled(title: Option<&str>, entries: &[ExportEntry], relative_to: Option<&Path>) -> String {
    let mut out = String::from("#EXTM3U\n");
    if let Some(t) = title {
        out.push_str(&format!("#PLAYLIST:{}\n", one_line(t)));
    }
    for e in entries {
        let secs = e.duration_seconds.map(|d| d.round() as i64).unwrap_or(-1);
        let (artist, title) = (one_line(&e.artist), one_line(&e.title));
        let name = if artist.is_empty() { title } else if title.is_empty() { artist } else { format!("{artist} - {title}") };
        let p = relative_to.and_then(|base| e.path.strip_prefix(base).ok()).unwrap_or(&e.path);
        let path = one_line(&p.to_string_lossy());
        if path.is_empty() {
            out.push_str(&format!("# played, no file path recorded: {name}\n"));
            continue;
        }
        out.push_str(&format!("#EXTINF:{secs},{name}\n{path}\n"));
    }
    out
}

/// [`export_m3u8_titled`] without a title.
pub fn export_m3u8(entries: &[ExportEntry], relative_to: Option<&Path>) -> String {
    export_m3u8_titled(None, entries, relative_to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bom_crlf_extinf_comments_and_blank_lines() {
        let text = "\u{feff}#EXTM3U\r\n\r\n# a comment\r\n#EXTINF:312,Stars of the Lid - Requiem for Dying Mothers, Pt. 1\r\nStars/Requiem 1.flac\r\n#EXTINF:-1,Just A Title\r\n/abs/Ärger Straße.mp3\r\n\r\nno info.ogg\r\n";
        let (e, p) = parse_m3u(text, "x.m3u8", Path::new("/music/lists"));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].path, PathBuf::from("/music/lists/Stars/Requiem 1.flac"));
        assert_eq!(e[0].artist.as_deref(), Some("Stars of the Lid"));
        assert_eq!(e[0].title.as_deref(), Some("Requiem for Dying Mothers, Pt. 1"));
        assert_eq!(e[0].duration_seconds, Some(312.0));
        assert_eq!(e[0].line, 5);
        assert_eq!(e[1].path, PathBuf::from("/abs/Ärger Straße.mp3"));
        assert_eq!(e[1].title.as_deref(), Some("Just A Title"));
        assert_eq!(e[1].artist, None);
        assert_eq!(e[1].duration_seconds, None);
        assert_eq!(e[2].title, None);
        assert_eq!(e[2].line, 9);
    }

    #[test]
    fn urls_are_reported_with_line() {
        let text = "#EXTM3U\na.flac\nhttps://radio.example/stream\nhttp://x/y.mp3\nfile:///music/My%20Song.flac\n";
        let (e, p) = parse_m3u(text, "r.m3u", Path::new("/m"));
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].path, PathBuf::from("/music/My Song.flac"));
        let msgs: Vec<String> = p.iter().map(|x| x.to_string()).collect();
        assert_eq!(msgs.len(), 2);
        assert!(msgs[0].starts_with("r.m3u:3: unsupported URL https://radio.example/stream"), "{msgs:?}");
        assert!(msgs[1].starts_with("r.m3u:4: "), "{msgs:?}");
    }

    #[test]
    fn latin1_and_windows_paths() {
        let bytes = b"#EXTM3U\nMusik\\Fr\xfchling.mp3\n";
        let text = decode_text(bytes);
        let (e, _) = parse_m3u(&text, "w.m3u", Path::new("/m"));
        assert_eq!(e[0].path, PathBuf::from("/m/Musik/Frühling.mp3"));
    }

    #[test]
    fn export_round_trips() {
        let entries = vec![
            ExportEntry { path: "/music/a b/Ünï.flac".into(), title: "Ünï".into(), artist: "Art".into(), duration_seconds: Some(61.4) },
            ExportEntry { path: "/elsewhere/x.wav".into(), title: "X".into(), artist: String::new(), duration_seconds: None },
        ];
        let text = export_m3u8(&entries, Some(Path::new("/music")));
        assert_eq!(text, "#EXTM3U\n#EXTINF:61,Art - Ünï\na b/Ünï.flac\n#EXTINF:-1,X\n/elsewhere/x.wav\n");
        let (back, p) = parse_m3u(&text, "o.m3u8", Path::new("/music"));
        assert!(p.is_empty());
        assert_eq!(back[0].path, PathBuf::from("/music/a b/Ünï.flac"));
        assert_eq!(back[0].artist.as_deref(), Some("Art"));
        assert_eq!(back[1].path, PathBuf::from("/elsewhere/x.wav"));
    }

    #[test]
    fn import_makes_a_valid_playlist() {
        let (e, _) = parse_m3u("#EXTINF:100,A - B\n/music/x/y.flac\n", "i.m3u", Path::new("/"));
        let pl = to_playlist(&e, "Imported", Path::new("/music"));
        assert_eq!(pl.phases[0].tracks[0].path, "x/y.flac");
        let again = Playlist::parse(&pl.to_toml(), "i.toml").expect("valid toml");
        assert_eq!(again.track_count(), 1);
    }
}

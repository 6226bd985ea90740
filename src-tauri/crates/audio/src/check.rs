//! `holdspace check FILE...`: validate playlist TOML and M3U files without a window.

use std::fmt;
use std::path::Path;

use crate::decode::{decoded_length, probe};
use crate::library::resolve;
use crate::m3u;
use crate::playlist::Playlist;
pub use crate::playlist::{format_duration, PhaseSummary, PlaylistSummary};
pub use holdspace_monitoring::Problem;


/// Check a playlist (`.toml`) or M3U (`.m3u`, `.m3u8`) file.
pub fn check_file(path: &Path) -> Result<PlaylistSummary, Vec<Problem>> {
    let file = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "toml" => {
            let pl = Playlist::load(path)?;
            Ok(pl.summary(&file))
        }
        "m3u" | "m3u8" => {
            let entries = m3u::read_m3u(path)?;
            let mut total = 0.0;
            let mut without = 0;
            for e in &entries {
                match e.duration_seconds {
                    Some(d) => total += d,
                    None => without += 1,
                }
            }
            Ok(PlaylistSummary {
                file,
                kind: "m3u".into(),
                title: None,
                tracks: entries.len() as u32,
                total_seconds: total,
                tracks_without_length: without,
                phases: Vec::new(),
            })
        }
        _ => Err(vec![Problem::new(file, 0, "unknown file type: expected .toml, .m3u or .m3u8")]),
    }
}

/// What `holdspace check PLAYLIST.toml` found about the audio files (see [`check_playlist_audio`]).
#[derive(Debug, Clone, PartialEq)]
pub struct AudioReport {
    pub summary: PlaylistSummary,
    pub found: u32,
    pub moved: u32,
    /// Seconds of music counted by decoding every file found.
    pub decoded_seconds: f64,
}

impl fmt::Display for AudioReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; every track found", self.summary)?;
        if self.moved > 0 {
            write!(f, " ({} moved)", self.moved)?;
        }
        write!(f, " and decoded, {} of music", format_duration(self.decoded_seconds))
    }
}

/// Check a playlist and its audio: parse it, resolve every track against `music_folder` (the
/// playlist's own `music_folder` wins), open each one found, decode it to the end, and report
/// per track `file:line: track N "title": missing | cannot be decoded (reason) | header says
/// 3:42, decodes to 0:01`.
pub fn check_playlist_audio(path: &Path, music_folder: &Path) -> Result<AudioReport, Vec<Problem>> {
    let file = path.display().to_string();
    let pl = Playlist::load(path)?;
    let summary = pl.summary(&file);
    let res = resolve(&pl, path, music_folder);
    let mut problems = Vec::new();
    if !res.music_root.is_dir() {
        problems.push(Problem::new(&file, 0, format!("the music folder {} does not exist", res.music_root.display())));
    }
    let lines: Vec<u32> = pl.tracks().map(|(_, t)| t.line).collect();
    let mut decoded_total = 0.0;
    for (i, t) in res.tracks.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(0);
        let name = format!("track {} \"{}\"", i + 1, t.title);
        let Some(p) = t.playable_path() else {
            problems.push(Problem::new(&file, line, format!("{name}: missing ({} is not in {})", t.recorded_path, res.music_root.display())));
            continue;
        };
        let header = match probe(p) {
            Ok(info) => info.duration_ms as f64 / 1000.0,
            Err(e) => {
                problems.push(Problem::new(&file, line, format!("{name}: cannot be decoded ({})", e.reason())));
                continue;
            }
        };
        match decoded_length(p) {
            Ok((decoded, _)) => {
                decoded_total += decoded;
                if (header - decoded).abs() > (header * 0.02).max(2.0) {
                    problems.push(Problem::new(
                        &file,
                        line,
                        format!("{name}: header says {}, decodes to {}", format_duration(header), format_duration(decoded)),
                    ));
                }
            }
            Err(e) => problems.push(Problem::new(&file, line, format!("{name}: cannot be decoded ({})", e.reason()))),
        }
    }
    if problems.is_empty() {
        Ok(AudioReport { summary, found: res.found, moved: res.moved, decoded_seconds: decoded_total })
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_displays_file_line_message() {
        assert_eq!(Problem::new("a b.toml", 3, "oops").to_string(), "a b.toml:3: oops");
        assert_eq!(Problem::new("x.m3u", 0, "cannot read").to_string(), "x.m3u: cannot read");
    }

    #[test]
    fn line_of_counts_newlines() {
        use holdspace_monitoring::line_of;
        let t = "a\nbé\nc";
        assert_eq!(line_of(t, 0), 1);
        assert_eq!(line_of(t, 2), 2);
        assert_eq!(line_of(t, 4), 2); // inside the é
        assert_eq!(line_of(t, 100), 3);
    }

    #[test]
    fn durations_format() {
        assert_eq!(format_duration(59.6), "1:00");
        assert_eq!(format_duration(3725.0), "1:02:05");
    }
}

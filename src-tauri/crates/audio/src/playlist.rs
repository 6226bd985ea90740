//! The human-editable playlist file (TOML) and its validation.
//!
//! ```toml
//! title = "Demo"
//! description = "Why it is shaped so."
//! route = "im"                  # im, iv, sublingual, nasal or any
//! crossfade_seconds = 4         # 0 = gapless
//! target_minutes = 60
//! music_folder = "audio"        # optional, relative to this file
//!
//! [[phases]]
//! name = "settle"
//!
//! [[phases.tracks]]
//! path = "Artist/Album/01 Track.flac"   # relative to the music folder
//! title = "Track"
//! artist = "Artist"
//! duration_seconds = 312
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use holdspace_monitoring::{line_of, Problem};
use std::fmt;

/// Shortest and longest plausible track, in seconds (0.5 s to 24 h).
pub const TRACK_SECONDS: (f64, f64) = (0.5, 24.0 * 3600.0);
/// Plausible planned session length, in minutes (1 min to 24 h).
pub const TARGET_MINUTES: (f64, f64) = (1.0, 24.0 * 60.0);

/// Names are checked as the templates' are (control characters, text-direction overrides).
pub use holdspace_monitoring::name_problem;

/// Routes a playlist can be meant for.
pub const ROUTES: &[&str] = &["im", "iv", "sublingual", "nasal", "any"];
/// Phase names used in practice (authors may use their own).
pub const USUAL_PHASES: &[&str] = &["settle", "onset", "build", "peak", "return"];

/// A valid playlist.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Playlist {
    pub title: String,
    pub description: String,
    pub route: Option<String>,
    pub crossfade_seconds: f32,
    pub target_minutes: Option<f32>,
    /// Overrides the therapist's music folder, relative to the playlist file (the demo).
    pub music_folder: Option<String>,
    pub phases: Vec<PlaylistPhase>,
}

/// One phase of a playlist (the music's shape: settle, peak, return), not the protocol's
/// `Phase` (pre-onset, peak, recovery).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct PlaylistPhase {
    pub name: String,
    pub tracks: Vec<PlaylistTrack>,
}

/// One track as recorded in the playlist.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct PlaylistTrack {
    /// Relative to the music folder (absolute paths are allowed too).
    pub path: String,
    pub title: String,
    pub artist: String,
    pub duration_seconds: f64,
    /// Line in the playlist file (0 when built in memory).
    #[serde(default)]
    pub line: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaylist {
    title: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    route: Option<Spanned<String>>,
    #[serde(default)]
    crossfade_seconds: Option<Spanned<f64>>,
    #[serde(default)]
    target_minutes: Option<Spanned<f64>>,
    #[serde(default)]
    music_folder: Option<Spanned<String>>,
    #[serde(default)]
    phases: Option<Spanned<Vec<Spanned<RawPhase>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    name: Spanned<String>,
    #[serde(default)]
    tracks: Vec<Spanned<RawTrack>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrack {
    path: Spanned<String>,
    title: Spanned<String>,
    artist: Spanned<String>,
    duration_seconds: Spanned<f64>,
}

impl Playlist {
    /// Read and validate a playlist file.
    pub fn load(path: &Path) -> Result<Playlist, Vec<Problem>> {
        let file = path.display().to_string();
        let text = crate::textfile::read_text(path).map_err(|p| vec![p])?;
        Playlist::parse(&text, &file)
    }

    /// Parse and validate playlist text; `file` names it in problems.
    pub fn parse(text: &str, file: &str) -> Result<Playlist, Vec<Problem>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawPlaylist = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            let msg = e.message().trim().replace('\n', " ");
            vec![Problem::new(file, line, msg)]
        })?;
        let mut problems = Vec::new();
        let at = |span: std::ops::Range<usize>| line_of(text, span.start);
        if raw.title.get_ref().trim().is_empty() {
            problems.push(Problem::new(file, at(raw.title.span()), "title is empty"));
        } else if let Some(m) = name_problem("title", raw.title.get_ref()) {
            problems.push(Problem::new(file, at(raw.title.span()), m));
        }
        if let Some(r) = &raw.route {
            if !ROUTES.contains(&r.get_ref().as_str()) {
                problems.push(Problem::new(
                    file,
                    at(r.span()),
                    format!("unknown route \"{}\": expected one of {}", r.get_ref(), ROUTES.join(", ")),
                ));
            }
        }
        let crossfade = match &raw.crossfade_seconds {
            Some(c) => {
                let v = *c.get_ref();
                if !v.is_finite() || v < 0.0 {
                    problems.push(Problem::new(file, at(c.span()), "crossfade_seconds must be 0 or more"));
                } else if v > 30.0 {
                    problems.push(Problem::new(file, at(c.span()), "crossfade_seconds must be at most 30"));
                }
                v as f32
            }
            None => 0.0,
        };
        let target = match &raw.target_minutes {
            Some(t) => {
                let v = *t.get_ref();
                let (lo, hi) = TARGET_MINUTES;
                if !v.is_finite() || !(lo..=hi).contains(&v) {
                    problems.push(Problem::new(file, at(t.span()), format!("target_minutes must be from {lo} to {hi} (24 hours), not {v}")));
                }
                Some(v as f32)
            }
            None => None,
        };
        if let Some(m) = &raw.music_folder {
            if m.get_ref().trim().is_empty() {
                problems.push(Problem::new(file, at(m.span()), "music_folder is empty"));
            }
        }
        let mut phases = Vec::new();
        match &raw.phases {
            None => problems.push(Problem::new(file, 1, "no phases: add at least one [[phases]] with tracks")),
            Some(list) if list.get_ref().is_empty() => {
                problems.push(Problem::new(file, at(list.span()), "no phases: add at least one [[phases]] with tracks"))
            }
            Some(list) => {
                let mut seen: Vec<String> = Vec::new();
                for ph in list.get_ref() {
                    let ph_line = at(ph.get_ref().name.span());
                    let name = ph.get_ref().name.get_ref().trim().to_string();
                    if name.is_empty() {
                        problems.push(Problem::new(file, ph_line, "phase name is empty"));
                    } else if let Some(m) = name_problem("phase name", &name) {
                        problems.push(Problem::new(file, ph_line, m));
                    } else if seen.iter().any(|s| s.eq_ignore_ascii_case(&name)) {
                        problems.push(Problem::new(file, ph_line, format!("phase \"{name}\" appears twice")));
                    }
                    seen.push(name.clone());
                    if ph.get_ref().tracks.is_empty() {
                        problems.push(Problem::new(file, ph_line, format!("phase \"{name}\" has no tracks")));
                    }
                    let mut tracks = Vec::new();
                    for t in &ph.get_ref().tracks {
                        let tr = t.get_ref();
                        let line = at(t.span());
                        if tr.path.get_ref().trim().is_empty() {
                            problems.push(Problem::new(file, at(tr.path.span()), "track path is empty"));
                        }
                        if tr.title.get_ref().trim().is_empty() {
                            problems.push(Problem::new(file, at(tr.title.span()), "track title is empty"));
                        }
                        for (field, v, span) in [
                            ("track title", tr.title.get_ref(), tr.title.span()),
                            ("track artist", tr.artist.get_ref(), tr.artist.span()),
                            ("track path", tr.path.get_ref(), tr.path.span()),
                        ] {
                            if let Some(m) = name_problem(field, v) {
                                problems.push(Problem::new(file, at(span), m));
                            }
                        }
                        let d = *tr.duration_seconds.get_ref();
                        let (lo, hi) = TRACK_SECONDS;
                        if !d.is_finite() || d <= 0.0 {
                            problems.push(Problem::new(file, at(tr.duration_seconds.span()), "duration_seconds must be more than 0"));
                        } else if !(lo..=hi).contains(&d) {
                            problems.push(Problem::new(
                                file,
                                at(tr.duration_seconds.span()),
                                format!("duration_seconds must be from {lo} s to {hi} s (24 hours), not {d}"),
                            ));
                        }
                        tracks.push(PlaylistTrack {
                            path: tr.path.get_ref().clone(),
                            title: tr.title.get_ref().clone(),
                            artist: tr.artist.get_ref().clone(),
                            duration_seconds: d,
                            line,
                        });
                    }
                    phases.push(PlaylistPhase { name, tracks });
                }
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line);
            return Err(problems);
        }
        Ok(Playlist {
            title: raw.title.into_inner(),
            description: raw.description.unwrap_or_default(),
            route: raw.route.map(|r| r.into_inner()),
            crossfade_seconds: crossfade,
            target_minutes: target,
            music_folder: raw.music_folder.map(|m| m.into_inner()),
            phases,
        })
    }

    /// Number of tracks.
    pub fn track_count(&self) -> usize {
        self.phases.iter().map(|p| p.tracks.len()).sum()
    }

    /// Recorded total length in seconds.
    pub fn total_seconds(&self) -> f64 {
        self.phases.iter().flat_map(|p| &p.tracks).map(|t| t.duration_seconds).sum()
    }

    /// Every track with its phase name, in play order.
    pub fn tracks(&self) -> impl Iterator<Item = (&str, &PlaylistTrack)> {
        self.phases.iter().flat_map(|p| p.tracks.iter().map(move |t| (p.name.as_str(), t)))
    }

    /// The folder tracks are relative to: the playlist's own `music_folder` (relative to the
    /// playlist file) when it has one, else the therapist's music folder.
    pub fn music_root(&self, playlist_file: &Path, therapist_folder: &Path) -> PathBuf {
        match &self.music_folder {
            Some(m) => {
                let p = Path::new(m);
                if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    playlist_file.parent().unwrap_or(Path::new(".")).join(p)
                }
            }
            None => therapist_folder.to_path_buf(),
        }
    }

    /// A one-line summary for `holdspace check`.
    pub fn summary(&self, file: &str) -> PlaylistSummary {
        PlaylistSummary {
            file: file.to_string(),
            kind: "playlist".into(),
            title: Some(self.title.clone()),
            tracks: self.track_count() as u32,
            total_seconds: self.total_seconds(),
            tracks_without_length: 0,
            phases: self
                .phases
                .iter()
                .map(|p| PhaseSummary {
                    name: p.name.clone(),
                    tracks: p.tracks.len() as u32,
                    seconds: p.tracks.iter().map(|t| t.duration_seconds).sum(),
                })
                .collect(),
        }
    }

    /// Write the playlist back as TOML (e.g. after importing an M3U).
    pub fn to_toml(&self) -> String {
        fn q(s: &str) -> String {
            toml::Value::String(s.to_string()).to_string()
        }
        let mut out = String::new();
        out.push_str(&format!("title = {}\n", q(&self.title)));
        if !self.description.is_empty() {
            out.push_str(&format!("description = {}\n", q(&self.description)));
        }
        if let Some(r) = &self.route {
            out.push_str(&format!("route = {}\n", q(r)));
        }
        out.push_str(&format!("crossfade_seconds = {}\n", self.crossfade_seconds));
        if let Some(t) = self.target_minutes {
            out.push_str(&format!("target_minutes = {t}\n"));
        }
        if let Some(m) = &self.music_folder {
            out.push_str(&format!("music_folder = {}\n", q(m)));
        }
        for p in &self.phases {
            out.push_str(&format!("\n[[phases]]\nname = {}\n", q(&p.name)));
            for t in &p.tracks {
                out.push_str(&format!(
                    "\n[[phases.tracks]]\npath = {}\ntitle = {}\nartist = {}\nduration_seconds = {}\n",
                    q(&t.path),
                    q(&t.title),
                    q(&t.artist),
                    t.duration_seconds
                ));
            }
        }
        out
    }
}

/// Length and track count of one phase.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct PhaseSummary {
    pub name: String,
    pub tracks: u32,
    pub seconds: f64,
}

/// What a valid file holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct PlaylistSummary {
    pub file: String,
    /// "playlist" or "m3u".
    pub kind: String,
    pub title: Option<String>,
    pub tracks: u32,
    pub total_seconds: f64,
    /// Tracks without a recorded length (M3U entries without `#EXTINF` duration).
    pub tracks_without_length: u32,
    pub phases: Vec<PhaseSummary>,
}

/// `m:ss` or `h:mm:ss`.
pub fn format_duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

impl fmt::Display for PlaylistSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} tracks, {}", self.file, self.tracks, format_duration(self.total_seconds))?;
        if self.tracks_without_length > 0 {
            write!(f, " (+{} without length)", self.tracks_without_length)?;
        }
        if !self.phases.is_empty() {
            let p: Vec<String> = self
                .phases
                .iter()
                .map(|p| format!("{} {} ({})", p.name, format_duration(p.seconds), p.tracks))
                .collect();
            write!(f, ", phases: {}", p.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
title = "Test"
description = "x"
route = "im"
crossfade_seconds = 4
target_minutes = 60

[[phases]]
name = "settle"

[[phases.tracks]]
path = "Ambient Things/01 Über die Brücke.flac"
title = "Über die Brücke"
artist = "Ünïcødé Ensemble"
duration_seconds = 300.5

[[phases]]
name = "return"

[[phases.tracks]]
path = "b.wav"
title = "B"
artist = "Y"
duration_seconds = 120
"#;

    fn errs(text: &str) -> Vec<String> {
        match Playlist::parse(text, "p.toml") {
            Ok(_) => vec![],
            Err(e) => e.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn parses_a_good_playlist_with_unicode_and_spaces() {
        let p = Playlist::parse(GOOD, "p.toml").expect("valid");
        assert_eq!(p.track_count(), 2);
        assert_eq!(p.phases[0].tracks[0].path, "Ambient Things/01 Über die Brücke.flac");
        assert_eq!(p.phases[0].tracks[0].line, 11);
        assert_eq!(p.crossfade_seconds, 4.0);
        assert!((p.total_seconds() - 420.5).abs() < 1e-9);
        let s = p.summary("p.toml").to_string();
        assert_eq!(s, "p.toml: 2 tracks, 7:01, phases: settle 5:01 (1), return 2:00 (1)");
        // Round trip through to_toml (lines differ, content does not).
        let again = Playlist::parse(&p.to_toml(), "q.toml").expect("round trip");
        let strip = |pl: &Playlist| -> Vec<(String, String, String, String, f64)> {
            pl.tracks().map(|(ph, t)| (ph.to_string(), t.path.clone(), t.title.clone(), t.artist.clone(), t.duration_seconds)).collect()
        };
        assert_eq!(strip(&again), strip(&p));
        assert_eq!(again.crossfade_seconds, 4.0);
        assert_eq!(again.route.as_deref(), Some("im"));
    }

    #[test]
    fn syntax_error_has_line() {
        let e = errs("title = \"x\"\n\n[[phases]\nname = 1\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("p.toml:3: "), "{e:?}");
    }

    #[test]
    fn unknown_field_has_line() {
        let text = GOOD.replace("artist = \"Y\"", "artist = \"Y\"\nlength = 3");
        let e = errs(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("p.toml:24: ") && e[0].contains("length"), "{e:?}");
    }

    #[test]
    fn wrong_type_has_line() {
        let text = GOOD.replace("duration_seconds = 120", "duration_seconds = \"two minutes\"");
        let e = errs(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("p.toml:24: "), "{e:?}");
    }

    #[test]
    fn missing_field_is_reported() {
        let text = GOOD.replace("title = \"B\"\n", "");
        let e = errs(&text);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("title"), "{e:?}");
        assert!(e[0].starts_with("p.toml:19: ") || e[0].starts_with("p.toml:20: "), "{e:?}");
    }

    #[test]
    fn semantic_problems_are_all_reported_with_lines() {
        let text = GOOD
            .replace("crossfade_seconds = 4", "crossfade_seconds = -2")
            .replace("duration_seconds = 120", "duration_seconds = 0")
            .replace("route = \"im\"", "route = \"oral\"");
        let e = errs(&format!("{text}\n[[phases]]\nname = \"peak\"\n"));
        assert_eq!(
            e,
            vec![
                "p.toml:4: unknown route \"oral\": expected one of im, iv, sublingual, nasal, any",
                "p.toml:5: crossfade_seconds must be 0 or more",
                "p.toml:24: duration_seconds must be more than 0",
                "p.toml:27: phase \"peak\" has no tracks",
            ]
        );
    }

    #[test]
    fn no_phases_is_an_error() {
        let e = errs("title = \"x\"\n");
        assert_eq!(e, vec!["p.toml:1: no phases: add at least one [[phases]] with tracks"]);
    }

    #[test]
    fn music_root_prefers_the_playlist_folder() {
        let mut p = Playlist::parse(GOOD, "p.toml").expect("valid");
        assert_eq!(p.music_root(Path::new("/pl/x.toml"), Path::new("/music")), PathBuf::from("/music"));
        p.music_folder = Some("audio".into());
        assert_eq!(p.music_root(Path::new("/pl/x.toml"), Path::new("/music")), PathBuf::from("/pl/audio"));
    }
}

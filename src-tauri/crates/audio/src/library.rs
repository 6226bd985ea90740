//! Find a playlist's tracks in the therapist's music folder: found, missing, or moved
//! (found elsewhere by file name, or by title + artist + duration read from tags with lofty).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::engine::{Queue, QueueTrack};
use crate::playlist::Playlist;

/// File extensions treated as audio when searching the folder.
pub const AUDIO_EXTENSIONS: &[&str] = &["wav", "flac", "ogg", "oga", "mp3", "m4a", "mp4", "aac"];

/// Two recorded and tagged durations match within this many seconds.
pub const DURATION_TOLERANCE_SECONDS: f64 = 2.0;

/// Where a track was found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TrackLocation {
    /// At the recorded path.
    Found {
        #[ts(type = "string")]
        path: PathBuf,
    },
    /// Not at the recorded path, but found elsewhere in the folder.
    Moved {
        #[ts(type = "string")]
        path: PathBuf,
        /// "file name" or "tags".
        matched_by: String,
    },
    Missing,
}

/// One playlist track and where it is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ResolvedTrack {
    pub phase: String,
    pub title: String,
    pub artist: String,
    pub duration_seconds: f64,
    /// As recorded in the playlist.
    pub recorded_path: String,
    pub location: TrackLocation,
}

impl ResolvedTrack {
    /// The path to play, unless missing.
    pub fn playable_path(&self) -> Option<&Path> {
        match &self.location {
            TrackLocation::Found { path } | TrackLocation::Moved { path, .. } => Some(path),
            TrackLocation::Missing => None,
        }
    }
}

/// A playlist checked against a music folder.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Resolution {
    pub title: String,
    pub crossfade_seconds: f32,
    #[ts(type = "string")]
    pub music_root: PathBuf,
    pub tracks: Vec<ResolvedTrack>,
    pub found: u32,
    pub moved: u32,
    pub missing: u32,
}

impl Resolution {
    /// The tracks that can be played, for [`crate::Engine::load`].
    pub fn queue(&self) -> Queue {
        Queue {
            title: self.title.clone(),
            crossfade_seconds: self.crossfade_seconds,
            tracks: self
                .tracks
                .iter()
                .filter_map(|t| {
                    Some(QueueTrack {
                        path: t.playable_path()?.to_path_buf(),
                        title: t.title.clone(),
                        artist: t.artist.clone(),
                        phase: t.phase.clone(),
                        duration_ms: Some((t.duration_seconds * 1000.0) as u64),
                        gain_db: None,
                    })
                })
                .collect(),
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 12 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut items: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    items.sort();
    for p in items {
        if p.is_dir() {
            walk(&p, out, depth + 1);
        } else if p.is_file() // never a FIFO or a device (reading tags from one would hang)
            && p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(p);
        }
    }
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Resolve every track of `playlist` (loaded from `playlist_file`) against `music_folder`
/// (the playlist's own `music_folder` wins when set).
pub fn resolve(playlist: &Playlist, playlist_file: &Path, music_folder: &Path) -> Resolution {
    let root = playlist.music_root(playlist_file, music_folder);
    let mut files: Option<Vec<PathBuf>> = None;
    let mut by_name: HashMap<String, Vec<PathBuf>> = HashMap::new();
    let mut tags: Option<Vec<(PathBuf, String, String, f64)>> = None;
    let mut tracks = Vec::new();
    let (mut found, mut moved, mut missing) = (0, 0, 0);
    for (phase, t) in playlist.tracks() {
        let recorded = Path::new(&t.path);
        let direct = if recorded.is_absolute() { recorded.to_path_buf() } else { root.join(recorded) };
        let location = if direct.is_file() {
            found += 1;
            TrackLocation::Found { path: direct }
        } else {
            // Index the folder once, only when something is not where it was.
            let all = files.get_or_insert_with(|| {
                let mut v = Vec::new();
                walk(&root, &mut v, 0);
                for p in &v {
                    if let Some(n) = p.file_name() {
                        by_name.entry(norm(&n.to_string_lossy())).or_default().push(p.clone());
                    }
                }
                v
            });
            let name = recorded.file_name().map(|n| norm(&n.to_string_lossy())).unwrap_or_default();
            if let Some(p) = by_name.get(&name).and_then(|v| v.first()) {
                moved += 1;
                TrackLocation::Moved { path: p.clone(), matched_by: "file name".into() }
            } else {
                let tagged = tags.get_or_insert_with(|| {
                    all.iter()
                        .filter_map(|p| {
                            let tf = lofty::read_from_path(p).ok()?;
                            use lofty::prelude::*;
                            let secs = tf.properties().duration().as_secs_f64();
                            let tag = tf.primary_tag().or_else(|| tf.first_tag())?;
                            Some((p.clone(), norm(&tag.title()?), norm(&tag.artist()?), secs))
                        })
                        .collect()
                });
                let (ti, ar) = (norm(&t.title), norm(&t.artist));
                match tagged.iter().find(|(_, a, b, d)| {
                    *a == ti && *b == ar && (d - t.duration_seconds).abs() <= DURATION_TOLERANCE_SECONDS
                }) {
                    Some((p, ..)) => {
                        moved += 1;
                        TrackLocation::Moved { path: p.clone(), matched_by: "tags".into() }
                    }
                    None => {
                        missing += 1;
                        TrackLocation::Missing
                    }
                }
            }
        };
        tracks.push(ResolvedTrack {
            phase: phase.to_string(),
            title: t.title.clone(),
            artist: t.artist.clone(),
            duration_seconds: t.duration_seconds,
            recorded_path: t.path.clone(),
            location,
        });
    }
    Resolution {
        title: playlist.title.clone(),
        crossfade_seconds: playlist.crossfade_seconds,
        music_root: root,
        tracks,
        found,
        moved,
        missing,
    }
}

//! Where playlists are found: the clinic's folder, one named by `HOLDSPACE_PLAYLISTS_DIR`, the
//! repository's next to a development build, and the installed package's.

use holdspace_audio::Playlist;
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_playlists_are_found() {
        let tmp = tempfile::tempdir().unwrap();
        std::env::set_var("HOLDSPACE_PLAYLISTS_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../playlists"));
        let titles: Vec<String> = list_playlists(tmp.path()).into_iter().map(|p| p.title).collect();
        assert!(titles.len() >= 3, "{titles:?}");
    }
}

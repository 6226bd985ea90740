//! The app's own settings (output device, music folder, volume), remembered in
//! `<data folder>/settings.json`. Written atomically: a crash never leaves half a file.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    /// The chosen output device by name; `None` for the system default.
    pub output_device: Option<String>,
    /// Where the therapist's music lives; playlists name tracks relative to it.
    pub music_folder: Option<String>,
    /// Playback volume, 0 to 1.
    pub volume: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { output_device: None, music_folder: None, volume: 0.6 }
    }
}

pub const FILE: &str = "settings.json";
const MAX_BYTES: u64 = 64 * 1024;

impl Settings {
    /// Reads the settings; a missing file gives the defaults, an unreadable one too, with why.
    pub fn load(data_dir: &Path) -> (Settings, Option<String>) {
        let path = data_dir.join(FILE);
        // Three short fields: anything large, or not a plain file (a pipe would block the
        // start), is not these settings and is never read.
        match holdspace_core::files::read_small(&path, MAX_BYTES) {
            Ok(Some(text)) => match serde_json::from_str(&text) {
                Ok(s) => (s, None),
                Err(e) => (Settings::default(), Some(format!("{}: {e}; using the defaults", path.display()))),
            },
            Ok(None) => (Settings::default(), None),
            Err(e) => (Settings::default(), Some(format!("{}: {e}; using the defaults", path.display()))),
        }
    }

    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        let path = data_dir.join(FILE);
        let tmp = data_dir.join(format!("{FILE}.tmp"));
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, path)
    }

    /// The music folder in use: the setting, else the user's Music folder.
    pub fn music_folder(&self) -> PathBuf {
        self.music_folder
            .as_ref()
            .map(PathBuf::from)
            .or_else(dirs::audio_dir)
            .unwrap_or_else(|| dirs::home_dir().unwrap_or_default().join("Music"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_file_or_a_pipe_in_place_of_the_settings_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(FILE), vec![b' '; 100_000]).unwrap();
        let (s, why) = Settings::load(tmp.path());
        assert_eq!(s, Settings::default());
        assert!(why.is_some_and(|w| w.contains("100000 bytes")));
        std::fs::remove_file(tmp.path().join(FILE)).unwrap();
        let made = std::process::Command::new("mkfifo").arg(tmp.path().join(FILE)).status();
        if made.is_ok_and(|s| s.success()) {
            // Opening a FIFO with no writer would block forever: it must not be opened.
            let (s, why) = Settings::load(tmp.path());
            assert_eq!(s, Settings::default());
            assert!(why.is_some_and(|w| w.contains("not a regular file")));
        }
    }

    #[test]
    fn settings_round_trip_and_survive_a_bad_file() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(tmp.path()), (Settings::default(), None));
        let s = Settings { output_device: Some("USB DAC".into()), music_folder: Some("/music".into()), volume: 0.4 };
        s.save(tmp.path()).unwrap();
        assert_eq!(Settings::load(tmp.path()).0, s);
        std::fs::write(tmp.path().join(FILE), "{ not json").unwrap();
        let (loaded, problem) = Settings::load(tmp.path());
        assert_eq!(loaded, Settings::default());
        assert!(problem.unwrap().contains("settings.json"));
    }
}

//! What the app remembers for the people using this computer, apart from the record:
//! the theme of the review and settings screens, how dim the dim theme is, and the
//! therapist last named at the start of a session (until therapists sign in, this fills the
//! start form). Kept in `<data folder>/preferences.json`, readable by the user only, written
//! whole (a crash never leaves half a file).

use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

pub const FILE: &str = "preferences.json";

/// The theme of the review, sessions and settings screens. The session screens (start, live,
/// room view) are always dim: the room is dark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Dim when the system prefers a dark appearance, day otherwise.
    #[default]
    System,
    Dim,
    Day,
}

/// How dim the dim theme is: the session screens always, the others when they are dim too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DimLevel {
    /// Low contrast, no pure white; the timer at about 80 % grey.
    #[default]
    Standard,
    /// For a very dark room: every colour lower still, the timer at about half grey.
    Darker,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Appearance {
    pub theme: Theme,
    pub dim_level: DimLevel,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Preferences {
    pub appearance: Appearance,
    /// The therapist named when the last session started.
    pub therapist: Option<String>,
    /// Minutes without input before the screen locks (clinic setting; `None`: the default).
    pub lock_after_min: Option<u32>,
    /// Where backups go and how many are kept (`crate::backup`).
    pub backup: BackupPrefs,
    /// The therapist hid the first-run list on the start screen ("Hide this list").
    pub first_run_dismissed: bool,
}

/// The backup folder (`None`: none chosen yet) and the retention (`None`: the defaults, 14
/// days then 12 months).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct BackupPrefs {
    pub folder: Option<String>,
    pub keep_days: Option<u32>,
    pub keep_months: Option<u32>,
}

impl BackupPrefs {
    pub fn folder(&self) -> Option<std::path::PathBuf> {
        self.folder.as_deref().map(str::trim).filter(|f| !f.is_empty()).map(std::path::PathBuf::from)
    }

    pub fn retention(&self) -> crate::backup::Retention {
        let d = crate::backup::Retention::default();
        crate::backup::Retention {
            days: self.keep_days.filter(|n| (1..=3650).contains(n)).unwrap_or(d.days),
            months: self.keep_months.filter(|n| *n <= 1200).unwrap_or(d.months),
        }
    }
}

/// HIPAA asks for an automatic logoff and names no time; 10 minutes is a common clinic
/// policy, short enough for a room the therapist steps out of, long enough not to lock while
/// they sit and watch.
pub const LOCK_AFTER_MIN_DEFAULT: u32 = 10;
pub const LOCK_AFTER_MIN_RANGE: std::ops::RangeInclusive<u32> = 1..=60;

impl Preferences {
    pub fn lock_after_min(&self) -> u32 {
        self.lock_after_min.filter(|m| LOCK_AFTER_MIN_RANGE.contains(m)).unwrap_or(LOCK_AFTER_MIN_DEFAULT)
    }

    /// Reads the preferences; a missing file gives the defaults, an unreadable one too, with why
    /// (for the log: a preference is never worth stopping the app for).
    pub fn load(data_dir: &Path) -> (Preferences, Option<String>) {
        let path = data_dir.join(FILE);
        match crate::files::read_small(&path, 64 * 1024) {
            Ok(Some(text)) => match serde_json::from_str(&text) {
                Ok(p) => (p, None),
                Err(e) => (Preferences::default(), Some(format!("{}: {e}; using the defaults", path.display()))),
            },
            Ok(None) => (Preferences::default(), None),
            Err(e) => (Preferences::default(), Some(format!("{}: {e}; using the defaults", path.display()))),
        }
    }

    /// Writes the whole file through a temporary one and a rename.
    pub fn save(&self, data_dir: &Path) -> std::io::Result<()> {
        let path = data_dir.join(FILE);
        let tmp = data_dir.join(format!("{FILE}.tmp"));
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let _ = std::fs::remove_file(&tmp);
        crate::files::write_new_file(&tmp, text.as_bytes())?;
        std::fs::rename(tmp, path)
    }

    /// Remembers the therapist of a session just started (blank names are not remembered).
    pub fn remember_therapist(&mut self, name: &str) {
        let name = name.trim();
        if !name.is_empty() {
            self.therapist = Some(name.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_round_trip_privately_and_survive_a_bad_file() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(Preferences::load(tmp.path()), (Preferences::default(), None));
        let mut p = Preferences { appearance: Appearance { theme: Theme::Dim, dim_level: DimLevel::Darker }, therapist: None, lock_after_min: None, backup: BackupPrefs::default(), first_run_dismissed: false };
        p.remember_therapist("  Dr Rowe ");
        p.remember_therapist("   ");
        assert_eq!(p.therapist.as_deref(), Some("Dr Rowe"));
        p.save(tmp.path()).unwrap();
        p.save(tmp.path()).unwrap();
        assert_eq!(Preferences::load(tmp.path()).0, p);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(tmp.path().join(FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let text = std::fs::read_to_string(tmp.path().join(FILE)).unwrap();
        assert!(text.contains("\"theme\": \"dim\"") && text.contains("\"dim_level\": \"darker\""), "{text}");

        std::fs::write(tmp.path().join(FILE), "{ not json").unwrap();
        let (loaded, problem) = Preferences::load(tmp.path());
        assert_eq!(loaded, Preferences::default());
        assert!(problem.unwrap().contains(FILE));
        // A file from an older build (no appearance yet) keeps what it has.
        std::fs::write(tmp.path().join(FILE), r#"{ "therapist": "Dr Ng" }"#).unwrap();
        let (loaded, problem) = Preferences::load(tmp.path());
        assert_eq!((loaded.therapist.as_deref(), loaded.appearance, problem), (Some("Dr Ng"), Appearance::default(), None));
        assert!(!loaded.first_run_dismissed, "an older file shows the first-run list");
    }

    #[test]
    fn hiding_the_first_run_list_is_remembered() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(!Preferences::load(tmp.path()).0.first_run_dismissed);
        let p = Preferences { first_run_dismissed: true, ..Preferences::default() };
        p.save(tmp.path()).unwrap();
        assert!(Preferences::load(tmp.path()).0.first_run_dismissed);
    }
}

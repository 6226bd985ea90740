//! What a backup folder holds, each backup judged against its manifest.

use super::manifest::{sha256_file, Manifest};
use super::{folder_io_error, DB_EXT, MANIFEST_EXT, PARTIAL_EXT, PREFIX};
use crate::error::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::Path;
use ts_rs::TS;

/// How much of each backup is read to judge it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Files there and of the sizes written (fast: for the screen).
    Quick,
    /// Also the SHA-256 of every file (reads every backup whole: the command line, a restore).
    Full,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum BackupState {
    /// Whole, unchanged since written, and verified when written.
    Verified,
    /// Whole and unchanged, but the check right after writing found a problem (a tampered or
    /// damaged record is still backed up): the reason says which session and entry.
    NotVerified { reason: String },
    /// Missing, cut short, changed afterwards, or its manifest cannot be read: not usable.
    Failed { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Listed {
    /// `holdspace-YYYYMMDD-HHMMSS` (the files' common name).
    pub name: String,
    /// The database file's path.
    pub database: String,
    pub created_at: Option<DateTime<Utc>>,
    #[ts(type = "number | null")]
    pub size: Option<u64>,
    #[ts(type = "number | null")]
    pub sessions: Option<u32>,
    #[ts(type = "number | null")]
    pub entries: Option<i64>,
    pub state: BackupState,
    #[serde(skip)]
    #[ts(skip)]
    pub manifest: Option<Manifest>,
}

impl Listed {
    pub fn verified(&self) -> bool {
        self.state == BackupState::Verified
    }

    /// Whole and as written (verified or not): the retention may count and remove it.
    pub fn intact(&self) -> bool {
        !matches!(self.state, BackupState::Failed { .. })
    }
}

/// Every backup in `folder`, newest first. Unfinished (`.partial`) files are not backups and
/// are not listed.
pub fn list(folder: &Path, check: Check) -> Result<Vec<Listed>> {
    let dir = std::fs::read_dir(folder).map_err(|e| folder_io_error(folder, &e))?;
    let mut names: Vec<String> = dir.flatten().map(|e| e.file_name().to_string_lossy().to_string()).collect();
    names.sort();
    let mut out = Vec::new();
    for name in &names {
        if !name.starts_with(PREFIX) || name.ends_with(PARTIAL_EXT) {
            continue;
        }
        if let Some(stem) = name.strip_suffix(MANIFEST_EXT) {
            out.push(judge(folder, stem, check));
        } else if let Some(stem) = name.strip_suffix(DB_EXT) {
            if !names.contains(&format!("{stem}{MANIFEST_EXT}")) {
                out.push(Listed {
                    name: stem.to_string(),
                    database: folder.join(name).display().to_string(),
                    created_at: None,
                    size: std::fs::metadata(folder.join(name)).ok().map(|m| m.len()),
                    sessions: None,
                    entries: None,
                    state: BackupState::Failed {
                        reason: "it has no manifest: the backup was interrupted before it finished, or its manifest was removed".into(),
                    },
                    manifest: None,
                });
            }
        }
    }
    out.sort_by(|a, b| b.name.cmp(&a.name));
    Ok(out)
}

/// One backup, from its manifest `stem.manifest.json`.
pub(crate) fn judge(folder: &Path, stem: &str, check: Check) -> Listed {
    let mut listed = Listed {
        name: stem.to_string(),
        database: folder.join(format!("{stem}{DB_EXT}")).display().to_string(),
        created_at: None,
        size: None,
        sessions: None,
        entries: None,
        state: BackupState::Verified,
        manifest: None,
    };
    let manifest = match Manifest::read(&folder.join(format!("{stem}{MANIFEST_EXT}"))) {
        Ok(m) => m,
        Err(why) => {
            listed.state = BackupState::Failed { reason: format!("{why}: the backup cannot be checked") };
            return listed;
        }
    };
    listed.database = folder.join(&manifest.database).display().to_string();
    listed.created_at = Some(manifest.created_at);
    listed.size = Some(manifest.size);
    listed.sessions = Some(manifest.sessions.len() as u32);
    listed.entries = Some(manifest.total_entries());
    listed.state = match file_problem(folder, &manifest, check) {
        Some(reason) => BackupState::Failed { reason },
        None if manifest.verified() => BackupState::Verified,
        None => BackupState::NotVerified {
            reason: manifest.verification.strip_prefix("not verified: ").unwrap_or(&manifest.verification).to_string(),
        },
    };
    listed.manifest = Some(manifest);
    listed
}

/// Why the files no longer match the manifest, if they do not.
pub(crate) fn file_problem(folder: &Path, m: &Manifest, check: Check) -> Option<String> {
    let sane = |name: &str| !name.contains('/') && !name.contains('\\') && name.starts_with(PREFIX);
    if !sane(&m.database) || !sane(&m.key_file) {
        return Some("its manifest names files outside the backup folder: it was edited".into());
    }
    let db = folder.join(&m.database);
    let size = match std::fs::metadata(&db) {
        Ok(meta) => meta.len(),
        Err(_) => return Some(format!("the database file {} is missing", m.database)),
    };
    if size != m.size {
        return Some(format!(
            "the database file is {size} bytes but was {} when written: it was cut short or changed afterwards",
            m.size
        ));
    }
    if !folder.join(&m.key_file).is_file() {
        return Some(format!("the key file copy {} is missing: without it the backup cannot be opened", m.key_file));
    }
    if check == Check::Full {
        match sha256_file(&db) {
            Ok((sha, _)) if sha == m.sha256 => {}
            Ok(_) => return Some("its SHA-256 no longer matches the manifest: the file was changed or damaged after it was written".into()),
            Err(e) => return Some(format!("the database file cannot be read ({e})")),
        }
        match sha256_file(&folder.join(&m.key_file)) {
            Ok((sha, _)) if sha == m.key_file_sha256 => {}
            Ok(_) => return Some(format!("the key file copy {} was changed after it was written", m.key_file)),
            Err(e) => return Some(format!("the key file copy cannot be read ({e})")),
        }
    }
    None
}

/// The newest verified backup of a listing (newest first).
pub fn last_good(listed: &[Listed]) -> Option<&Listed> {
    listed.iter().find(|l| l.verified())
}

/// The backup folder's state for the start screen, the pre-flight and Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FolderStatus {
    pub folder: Option<String>,
    pub reachable: bool,
    pub last_good_at: Option<DateTime<Utc>>,
    /// One calm line when something needs doing: no folder chosen, folder missing, or the
    /// last good backup older than a day.
    pub warning: Option<String>,
}

/// How old the newest verified backup may be before the start screen says so.
pub const STALE_AFTER: chrono::Duration = chrono::Duration::hours(24);

pub fn status(folder: Option<&Path>, now: DateTime<Utc>) -> FolderStatus {
    let Some(folder) = folder else {
        return FolderStatus {
            folder: None,
            reachable: false,
            last_good_at: None,
            warning: Some("No backup folder is chosen: the record has no copy. Choose one in Settings, Backups.".into()),
        };
    };
    let shown = Some(folder.display().to_string());
    let listed = match list(folder, Check::Quick) {
        Ok(l) => l,
        Err(_) => {
            return FolderStatus {
                folder: shown,
                reachable: false,
                last_good_at: None,
                warning: Some(format!(
                    "The backup folder {} cannot be reached (is the disk plugged in?): no backup can be written.",
                    folder.display()
                )),
            }
        }
    };
    let last = last_good(&listed).and_then(|l| l.created_at);
    let warning = match last {
        None => Some(format!("There is no verified backup in {} yet.", folder.display())),
        Some(at) if now - at > STALE_AFTER => Some(format!(
            "The last verified backup is {} old.",
            age(now - at)
        )),
        Some(_) => None,
    };
    FolderStatus { folder: shown, reachable: true, last_good_at: last, warning }
}

/// "3 days", "26 hours".
fn age(d: chrono::Duration) -> String {
    let hours = d.num_hours();
    if hours < 48 {
        format!("{hours} hours")
    } else {
        format!("{} days", d.num_days())
    }
}

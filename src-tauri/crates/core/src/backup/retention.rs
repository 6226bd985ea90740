//! Which backups are kept: every one of the last `days` days, then the newest of each calendar
//! month (local time) for `months` months. Only backups whose manifest reads and whose files
//! are as written are ever counted or removed (a damaged or unknown file is left for a person
//! to look at), and the newest verified backup is never removed, however old.

use super::list::{list, Check, Listed};
use super::{DB_EXT, KEYS_EXT, MANIFEST_EXT};
use chrono::{DateTime, Datelike, Local, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

pub const KEEP_DAYS_DEFAULT: u32 = 14;
/// A year of monthly copies; each backup is a whole copy of the record, so the newest one
/// holds every session, and older ones are evidence of what the record was then.
pub const KEEP_MONTHS_DEFAULT: u32 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Retention {
    pub days: u32,
    pub months: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention { days: KEEP_DAYS_DEFAULT, months: KEEP_MONTHS_DEFAULT }
    }
}

/// The backups to remove from a listing (newest first), as of `now`.
pub fn plan(listed: &[Listed], now: DateTime<Utc>, keep: Retention) -> Vec<&Listed> {
    let newest_verified = listed.iter().find(|l| l.verified()).map(|l| l.name.clone());
    let now_local = now.with_timezone(&Local);
    let now_month = now_local.year() * 12 + now_local.month() as i32;
    let mut months_seen: Vec<i32> = Vec::new();
    let mut remove = Vec::new();
    for l in listed {
        let Some(at) = l.created_at.filter(|_| l.intact()) else { continue };
        let local = at.with_timezone(&Local);
        let month = local.year() * 12 + local.month() as i32;
        let newest_of_month = !months_seen.contains(&month);
        months_seen.push(month);
        let recent = now - at <= chrono::Duration::days(i64::from(keep.days));
        let monthly = newest_of_month && now_month - month < keep.months as i32;
        if recent || monthly || newest_verified.as_deref() == Some(l.name.as_str()) {
            continue;
        }
        remove.push(l);
    }
    remove
}

/// Applies the plan to `folder`: what was removed, and why one could not be.
pub(crate) fn apply(folder: &Path, now: DateTime<Utc>, keep: Retention) -> (Vec<PathBuf>, Option<String>) {
    let listed = match list(folder, Check::Quick) {
        Ok(l) => l,
        Err(e) => return (Vec::new(), Some(e.to_string())),
    };
    let mut removed = Vec::new();
    let mut problem = None;
    for l in plan(&listed, now, keep) {
        // The database first: a removal cut short leaves a manifest naming a missing file,
        // listed as failed, never a file that looks like a good backup.
        for ext in [DB_EXT, KEYS_EXT, MANIFEST_EXT] {
            let path = folder.join(format!("{}{ext}", l.name));
            match std::fs::remove_file(&path) {
                Ok(()) if ext == DB_EXT => removed.push(path),
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    problem.get_or_insert(format!("{} could not be removed ({e})", path.display()));
                }
            }
        }
    }
    if !removed.is_empty() {
        let _ = crate::files::sync_dir(&folder.join("x"));
    }
    (removed, problem)
}

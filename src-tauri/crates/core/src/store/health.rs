//! What a storage failure means for the room, in words a therapist can act on: the disk is full
//! (and how much is free), the folder became read-only, another program holds the database
//! (which one), or the disk reports errors. SQLite's own words stay in `detail` for the log.
//!
//! Nothing here opens the database file: the lock holders come from `/proc/locks` and the
//! file's inode (a `stat`, which opens nothing), free space from `statvfs` on the folder.

use crate::error::Error;
use rusqlite::ErrorCode;
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Below this much free space the app warns at launch and in the pre-flight. Measured with
/// `cargo run -p holdspace-core --example session_footprint`: a 3-hour session with music (212
/// entries) grew the database and its WAL by 4.0 MiB, almost all of it the WAL, which SQLite
/// resets at about 4 MiB; 64 MiB is sixteen times that.
pub const LOW_SPACE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StorageCause {
    /// Another program holds a lock on the database.
    Busy,
    /// No space left on the disk.
    Full,
    /// The folder or its disk can no longer be written.
    ReadOnly,
    /// The disk reports errors, or the file cannot be opened.
    Failing,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StorageProblem {
    pub cause: StorageCause,
    /// For the therapist: what happened and what it means.
    pub message: String,
    /// For support: SQLite's or the system's own words.
    pub detail: String,
}

/// A failure that may pass (a lock released, space freed, a disk remounted): the write is kept
/// and retried. `None` for errors a retry cannot mend (a refused value, an ended session).
pub fn diagnose(db: &Path, e: &Error) -> Option<StorageProblem> {
    let (cause, detail) = match e {
        Error::Storage(err) => (cause_of_sqlite(err)?, err.to_string()),
        Error::Io(err) => (cause_of_io(err)?, err.to_string()),
        Error::DataDir { detail, .. } => (StorageCause::Failing, detail.clone()),
        _ => return None,
    };
    let folder = db.parent().unwrap_or(Path::new("/"));
    // SQLite says "disk I/O error" for a full disk too on some paths: look before naming it.
    let cause = match cause {
        StorageCause::Failing if read_only(folder) => StorageCause::ReadOnly,
        StorageCause::Failing if free_bytes(folder).is_some_and(|b| b < 1024 * 1024) => StorageCause::Full,
        c => c,
    };
    let message = match cause {
        StorageCause::Busy => match lock_holders(db).first() {
            Some(h) => format!("Another program is holding the database (pid {}, {})", h.pid, h.name),
            None => "Another program is holding the database".to_string(),
        },
        StorageCause::Full => match (free_bytes(folder), mount_point(folder)) {
            (Some(free), Some(mount)) => format!("The disk is full ({} free on {})", human_bytes(free), mount.display()),
            _ => "The disk is full".to_string(),
        },
        StorageCause::ReadOnly => format!("The data folder became read-only ({})", folder.display()),
        StorageCause::Failing => format!("The disk holding the data folder reports errors ({})", folder.display()),
    };
    Some(StorageProblem { cause, message, detail })
}

fn cause_of_sqlite(e: &rusqlite::Error) -> Option<StorageCause> {
    Some(match e.sqlite_error_code()? {
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StorageCause::Busy,
        ErrorCode::DiskFull => StorageCause::Full,
        ErrorCode::ReadOnly => StorageCause::ReadOnly,
        ErrorCode::SystemIoFailure | ErrorCode::CannotOpen => StorageCause::Failing,
        _ => return None,
    })
}

fn cause_of_io(e: &std::io::Error) -> Option<StorageCause> {
    use std::io::ErrorKind as K;
    Some(match e.kind() {
        K::StorageFull | K::QuotaExceeded => StorageCause::Full,
        K::ReadOnlyFilesystem => StorageCause::ReadOnly,
        K::WouldBlock | K::ResourceBusy => StorageCause::Busy,
        K::PermissionDenied | K::NotFound | K::Other => StorageCause::Failing,
        _ if e.raw_os_error() == Some(5) => StorageCause::Failing, // EIO
        _ => return None,
    })
}

/// Free bytes for an unprivileged writer on the filesystem holding `dir`.
pub fn free_bytes(dir: &Path) -> Option<u64> {
    let s = rustix::fs::statvfs(dir).ok()?;
    Some(s.f_bavail.saturating_mul(s.f_frsize))
}

fn read_only(dir: &Path) -> bool {
    rustix::fs::statvfs(dir).map(|s| s.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY)).unwrap_or(false)
}

/// The mount point holding `dir`: the last parent on the same device.
pub fn mount_point(dir: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let dir = dir.canonicalize().ok()?;
    let dev = std::fs::metadata(&dir).ok()?.dev();
    let mut at = dir.as_path();
    while let Some(parent) = at.parent() {
        if std::fs::metadata(parent).map(|m| m.dev()).ok() != Some(dev) {
            break;
        }
        at = parent;
    }
    Some(at.to_path_buf())
}

pub fn human_bytes(b: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if b >= 10 * 1024 * MB {
        format!("{} GB", b / (1024 * MB))
    } else if b >= MB {
        format!("{} MB", b / MB)
    } else {
        format!("{} KB", b / 1024)
    }
}

/// "Low disk space" for the launch notice and the pre-flight, or `None` when there is room.
pub fn space_warning(dir: &Path) -> Option<String> {
    let free = free_bytes(dir)?;
    (free < LOW_SPACE_BYTES).then(|| {
        let on = mount_point(dir).map(|m| format!(" on {}", m.display())).unwrap_or_default();
        format!(
            "Low disk space: {} free{on}. A long session needs about {}; free some space before dosing.",
            human_bytes(free),
            human_bytes(LOW_SPACE_BYTES)
        )
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    pub pid: u32,
    pub name: String,
}

/// Other processes holding POSIX locks on the database or its `-shm` (where WAL writers lock).
pub fn lock_holders(db: &Path) -> Vec<LockHolder> {
    use std::os::unix::fs::MetadataExt;
    let mut inodes = Vec::new();
    for p in [db.to_path_buf(), with_suffix(db, "-shm")] {
        if let Ok(m) = std::fs::metadata(&p) {
            inodes.push(m.ino());
        }
    }
    let me = std::process::id();
    // Writers first: the one that holds a write lock is the one in the way.
    let mut out: Vec<(bool, LockHolder)> = Vec::new();
    let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
    for line in locks.lines() {
        let fields: Vec<&str> = line.split_whitespace().filter(|f| *f != "->").collect();
        // id: POSIX ADVISORY WRITE pid maj:min:inode start end
        let (Some(pid), Some(dev_ino)) = (fields.get(4), fields.get(5)) else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        let ino = dev_ino.rsplit(':').next().and_then(|i| i.parse::<u64>().ok());
        if pid == me || !ino.is_some_and(|i| inodes.contains(&i)) {
            continue;
        }
        let write = fields.get(3) == Some(&"WRITE");
        if let Some(seen) = out.iter_mut().find(|(_, h)| h.pid == pid) {
            seen.0 |= write;
            continue;
        }
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).map(|n| n.trim().to_string());
        out.push((write, LockHolder { pid, name: name.unwrap_or_else(|_| "unknown program".into()) }));
    }
    out.sort_by_key(|(write, _)| !write);
    out.into_iter().map(|(_, h)| h).collect()
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_bytes(12 * 1024 * 1024 + 5), "12 MB");
        assert_eq!(human_bytes(300 * 1024), "300 KB");
        assert_eq!(human_bytes(20 * 1024 * 1024 * 1024), "20 GB");
    }

    #[test]
    fn a_refused_value_is_not_a_storage_problem() {
        assert!(diagnose(Path::new("/tmp/x.sqlite3"), &Error::invalid("note", "empty")).is_none());
    }

    #[test]
    fn the_mount_point_of_a_folder_is_a_parent_of_it() {
        let tmp = tempfile::tempdir().unwrap();
        let m = mount_point(tmp.path()).unwrap();
        assert!(tmp.path().canonicalize().unwrap().starts_with(&m));
    }
}

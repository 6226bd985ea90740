//! Backups of the record to a folder the clinic chooses (a USB disk, a mounted share).
//!
//! Each backup is a consistent copy taken with SQLite's online backup API from a second,
//! read-only connection in one read transaction (never a file copy of the live WAL database),
//! written encrypted with the same key, so it is exactly the record at one moment while the app
//! keeps saving. Files, named in the local time of the clock given:
//!
//! - `holdspace-YYYYMMDD-HHMMSS.sqlite3`: the encrypted copy;
//! - `holdspace-YYYYMMDD-HHMMSS.keys`: a copy of the key file (the database key wrapped by each
//!   passphrase and the recovery key; no key in the clear). Without it the copy can never be
//!   opened once the computer's disk is gone;
//! - `holdspace-YYYYMMDD-HHMMSS.manifest.json`, written last: what the copy holds and whether
//!   it verified (`manifest`).
//!
//! Everything is written under a `.partial` name, flushed, verified, then renamed, so a crash or
//! a kill -9 never leaves a file named as a good backup; a backup is only one once its manifest
//! is there. Stale `.partial` files are removed by the next backup and never listed. A folder
//! that is missing, read-only, full or failing gives `Error::Backup` naming it; the unfinished
//! copy is removed and earlier backups stay.

mod list;
mod manifest;
mod restore;
mod retention;
#[cfg(test)]
mod tests;

pub use list::{last_good, list, status, BackupState, Check, FolderStatus, Listed};
pub use manifest::{sha256_file, Manifest, SessionHead, MANIFEST_FORMAT, VERIFIED};
pub use restore::{restore, Restored};
pub use retention::{plan as retention_plan, Retention, KEEP_DAYS_DEFAULT, KEEP_MONTHS_DEFAULT};

use crate::error::{Error, Result};
use crate::store::DB_FILE;
use crate::vault::{DbKey, KEY_FILE};
use chrono::{DateTime, Local, Utc};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

pub const PREFIX: &str = "holdspace-";
pub const DB_EXT: &str = ".sqlite3";
pub const KEYS_EXT: &str = ".keys";
pub const MANIFEST_EXT: &str = ".manifest.json";
pub const PARTIAL_EXT: &str = ".partial";
/// Held while a backup writes to a folder, so two (the window and the command line) never
/// clean up each other's unfinished files.
const LOCK_FILE: &str = "holdspace-backup.lock";

/// The record to back up: its database and key file, and the key that opens it.
pub struct Source {
    db: PathBuf,
    keys: PathBuf,
    key: DbKey,
}

impl Source {
    /// The record in `data_dir` (`holdspace.sqlite3`, `holdspace.keys`).
    pub fn new(data_dir: &Path, key: &DbKey) -> Result<Source> {
        Ok(Source { db: data_dir.join(DB_FILE), keys: data_dir.join(KEY_FILE), key: key.duplicate() })
    }

    /// A database and key file at other paths (the benchmark's copy).
    pub fn from_paths(db: &Path, keys: &Path, key: &DbKey) -> Source {
        Source { db: db.to_path_buf(), keys: keys.to_path_buf(), key: key.duplicate() }
    }

    pub fn db_path(&self) -> &Path {
        &self.db
    }
}

/// A backup written.
#[derive(Debug, Clone)]
pub struct Written {
    pub database: PathBuf,
    pub manifest_path: PathBuf,
    pub manifest: Manifest,
    /// Older backups the retention removed.
    pub removed: Vec<PathBuf>,
    /// Why the retention could not remove one (the backup itself is good).
    pub retention_problem: Option<String>,
}

/// What the record held at the moment of the copy (read in the copy's own transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub sessions: Vec<SessionHead>,
    pub access_rows: i64,
    pub access_head: String,
}

/// Writes one backup of `source` into `folder`, verifies it, then applies `keep`.
pub fn back_up(source: &Source, folder: &Path, now: DateTime<Utc>, keep: Retention) -> Result<Written> {
    check_folder(folder)?;
    let _lock = lock_folder(folder)?;
    clean_partials(folder);
    let stem = free_stem(folder, now)?;
    let db_name = format!("{stem}{DB_EXT}");
    let final_db = folder.join(&db_name);
    let partial = folder.join(format!("{db_name}{PARTIAL_EXT}"));

    let (snapshot, schema_version) = match copy(source, &partial) {
        Ok(s) => s,
        Err(e) => {
            remove_partial(&partial);
            return Err(e);
        }
    };
    crash_point("copied");
    let verification = verify_copy(&partial, &source.key, &snapshot);
    let (sha256, size) = match manifest::sha256_file(&partial) {
        Ok(h) => h,
        Err(e) => {
            remove_partial(&partial);
            return Err(folder_io_error(folder, &e));
        }
    };
    let moved = std::fs::rename(&partial, &final_db).and_then(|()| crate::files::sync_dir(&final_db));
    if let Err(e) = moved {
        remove_partial(&partial);
        return Err(folder_io_error(folder, &e));
    }
    crash_point("renamed");

    // The key file: as it is now (the wraps; no key in the clear).
    let keys_name = format!("{stem}{KEYS_EXT}");
    let key_bytes = std::fs::read(&source.keys).map_err(|e| Error::KeyFile {
        detail: format!("{} cannot be read for the backup: {e}", source.keys.display()),
    });
    let key_file_sha256 = match key_bytes.and_then(|b| write_whole(folder, &keys_name, &b).map(|()| b)) {
        Ok(b) => {
            use sha2::Digest;
            crate::chain::to_hex(&sha2::Sha256::digest(&b))
        }
        Err(e) => {
            let _ = std::fs::remove_file(&final_db);
            return Err(e);
        }
    };
    crash_point("keys-written");

    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        schema_version,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: now,
        database: db_name,
        size,
        sha256,
        key_file: keys_name.clone(),
        key_file_sha256,
        sessions: snapshot.sessions,
        access_log_rows: snapshot.access_rows,
        access_log_head: snapshot.access_head,
        verification,
    };
    let manifest_name = format!("{stem}{MANIFEST_EXT}");
    let json = manifest.to_json().map_err(|e| folder_error(folder, Cause::Other(e)))?;
    if let Err(e) = write_whole(folder, &manifest_name, json.as_bytes()) {
        let _ = std::fs::remove_file(&final_db);
        let _ = std::fs::remove_file(folder.join(&keys_name));
        return Err(e);
    }
    let (removed, retention_problem) = retention::apply(folder, now, keep);
    Ok(Written { database: final_db, manifest_path: folder.join(manifest_name), manifest, removed, retention_problem })
}

/// The copy: one read transaction on the source, the whole database in one backup step.
fn copy(source: &Source, partial: &Path) -> Result<(Snapshot, i64)> {
    let folder = partial.parent().unwrap_or(Path::new("."));
    let src = open_source(source)?;
    // The snapshot and the copy are read in the same transaction: the backup step uses a read
    // transaction the source connection already holds.
    src.execute_batch("BEGIN DEFERRED").map_err(Error::Storage)?;
    let snapshot = snapshot(&src).map_err(|e| crate::store::classify(&source.db, e))?;
    let schema_version: i64 = src.pragma_query_value(None, "user_version", |r| r.get(0))?;
    crate::store::create_private_file(partial).map_err(|e| match e {
        Error::DataDir { detail, .. } => folder_error(folder, Cause::from_text(&detail)),
        other => other,
    })?;
    let mut dst = Connection::open_with_flags(partial, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| folder_sqlite_error(folder, &e))?;
    dst.execute_batch("PRAGMA cipher_log_level = NONE;").map_err(|e| folder_sqlite_error(folder, &e))?;
    dst.execute_batch(&source.key.pragma("main")).map_err(|e| folder_sqlite_error(folder, &e))?;
    let stepped = (|| {
        let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
        loop {
            match backup.step(-1)? {
                rusqlite::backup::StepResult::Done => return Ok(()),
                // Busy or locked: the destination is ours alone, the source is only read.
                _ => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        }
    })();
    if let Err(e) = stepped {
        return Err(dst_error(folder, &dst, &e));
    }
    src.execute_batch("COMMIT").map_err(Error::Storage)?;
    drop(src);
    // A backup is a single file: no write-ahead log beside it.
    let mode: String = dst
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .map_err(|e| folder_sqlite_error(folder, &e))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(folder_error(folder, Cause::Other(format!("the copy stayed in journal mode {mode}"))));
    }
    dst.close().map_err(|(_, e)| folder_sqlite_error(folder, &e))?;
    let synced = std::fs::File::open(partial).and_then(|f| f.sync_all());
    synced.map_err(|e| folder_io_error(folder, &e))?;
    Ok((snapshot, schema_version))
}

/// A second connection to the live record, for reading only. It never creates the file.
fn open_source(source: &Source) -> Result<Connection> {
    let path = &source.db;
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| crate::store::classify(path, e))?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;").map_err(|e| crate::store::classify(path, e))?;
    conn.execute_batch(&source.key.pragma("main")).map_err(|e| crate::store::classify(path, e))?;
    conn.busy_timeout(crate::store::BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA query_only = 1;").map_err(|e| crate::store::classify(path, e))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(conn),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => Err(Error::WrongKey { path: path.clone() }),
        Err(e) => Err(crate::store::classify(path, e)),
    }
}

/// Per session its entry count and stored chain head; the access log's too.
pub(crate) fn snapshot(conn: &Connection) -> rusqlite::Result<Snapshot> {
    let mut stmt = conn.prepare(
        "SELECT s.id,
                (SELECT count(*) FROM entries e WHERE e.session_id = s.id),
                (SELECT hash FROM entries e WHERE e.session_id = s.id ORDER BY seq DESC LIMIT 1)
         FROM sessions s ORDER BY s.id",
    )?;
    let sessions = stmt
        .query_map([], |r| {
            let head: Option<Vec<u8>> = r.get(2)?;
            Ok(SessionHead { session_id: r.get(0)?, entries: r.get(1)?, head: head.map(|h| crate::chain::to_hex(&h)).unwrap_or_default() })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (access_rows, head): (i64, Option<Vec<u8>>) = conn.query_row(
        "SELECT count(*), (SELECT hash FROM access_log ORDER BY id DESC LIMIT 1) FROM access_log",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Snapshot { sessions, access_rows, access_head: head.map(|h| crate::chain::to_hex(&h)).unwrap_or_default() })
}

/// Opens a backup file read-only with the key.
pub(crate) fn open_copy(path: &Path, key: &DbKey) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&key.pragma("main"))?;
    Ok(conn)
}

/// "verified", or "not verified: <why>": the copy opens with the key, passes SQLite's
/// integrity check, every chain in it recomputes, and its counts and heads are the record's
/// at the moment of the copy.
fn verify_copy(path: &Path, key: &DbKey, expected: &Snapshot) -> String {
    match check_copy(path, key, expected) {
        Ok(()) => VERIFIED.to_string(),
        Err(why) => format!("not verified: {why}"),
    }
}

pub(crate) fn check_copy(path: &Path, key: &DbKey, expected: &Snapshot) -> std::result::Result<(), String> {
    let conn = open_copy(path, key).map_err(|e| format!("the copy does not open ({e})"))?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
        .map_err(|e| format!("the copy cannot be read ({e})"))?;
    if problems != ["ok"] {
        return Err(format!("SQLite's integrity check of the copy failed: {}", problems.join("; ")));
    }
    let checks = crate::chain::verify_connection(&conn, None).map_err(|e| format!("the copy's chains cannot be read ({e})"))?;
    if let Some(c) = checks.iter().find(|c| c.broken.is_some()) {
        let b = c.broken.as_ref().map(|b| (b.seq, b.what.clone())).unwrap_or_default();
        let more = checks.iter().filter(|c| c.broken.is_some()).count() - 1;
        let more = if more > 0 { format!(" ({more} more session(s) broken too)") } else { String::new() };
        return Err(format!("the record's chain is broken in session {}, entry {}: {}{more}", c.session_id, b.0, b.1));
    }
    let access = crate::chain::verify_access_log(&conn).map_err(|e| format!("the copy's audit log cannot be read ({e})"))?;
    if let Some((id, what)) = access.broken {
        return Err(format!("the audit log's chain is broken at row {id}: {what}"));
    }
    let got: Vec<SessionHead> =
        checks.iter().map(|c| SessionHead { session_id: c.session_id, entries: c.entries, head: c.head.clone() }).collect();
    if got != expected.sessions {
        let first = expected
            .sessions
            .iter()
            .find(|e| !got.contains(e))
            .map(|e| format!("session {} had {} entries in the record", e.session_id, e.entries))
            .unwrap_or_else(|| "the copy has sessions the record did not".into());
        return Err(format!("the copy does not hold what the record held: {first}"));
    }
    if access.rows != expected.access_rows || access.head != expected.access_head {
        return Err("the copy's audit log differs from the record's".into());
    }
    Ok(())
}

fn check_folder(folder: &Path) -> Result<()> {
    match std::fs::metadata(folder) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(folder_error(folder, Cause::NotAFolder)),
        Err(e) => Err(folder_io_error(folder, &e)),
    }
}

fn lock_folder(folder: &Path) -> Result<std::fs::File> {
    let path = folder.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| folder_io_error(folder, &e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(folder_error(folder, Cause::Busy)),
        Err(std::fs::TryLockError::Error(e)) => Err(folder_io_error(folder, &e)),
    }
}

/// Removes what an interrupted backup left (`*.partial`, and SQLite's files beside them).
fn clean_partials(folder: &Path) {
    let Ok(dir) = std::fs::read_dir(folder) else { return };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let partial = name.ends_with(PARTIAL_EXT)
            || [format!("{PARTIAL_EXT}-journal"), format!("{PARTIAL_EXT}-wal"), format!("{PARTIAL_EXT}-shm")]
                .iter()
                .any(|ext| name.ends_with(ext.as_str()));
        if name.starts_with(PREFIX) && partial {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn remove_partial(partial: &Path) {
    for ext in ["", "-journal", "-wal", "-shm"] {
        let mut p = partial.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    let _ = crate::files::sync_dir(partial);
}

/// `holdspace-YYYYMMDD-HHMMSS` in local time, or `-2`, `-3`... when taken.
fn free_stem(folder: &Path, now: DateTime<Utc>) -> Result<String> {
    let base = format!("{PREFIX}{}", now.with_timezone(&Local).format("%Y%m%d-%H%M%S"));
    for n in 1..=99u32 {
        let stem = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        let taken = [DB_EXT, KEYS_EXT, MANIFEST_EXT].iter().any(|ext| folder.join(format!("{stem}{ext}")).exists());
        if !taken {
            return Ok(stem);
        }
    }
    Err(folder_error(folder, Cause::Other(format!("too many backups named {base}"))))
}

/// Writes `name` in `folder` whole: as `name.partial`, flushed, then renamed.
fn write_whole(folder: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let partial = folder.join(format!("{name}{PARTIAL_EXT}"));
    let _ = std::fs::remove_file(&partial);
    let done = crate::files::write_new_file(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, folder.join(name)))
        .and_then(|()| crate::files::sync_dir(&folder.join(name)));
    done.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        folder_io_error(folder, &e)
    })
}

#[derive(Debug)]
pub(crate) enum Cause {
    Missing,
    NotAFolder,
    ReadOnly,
    Full,
    Busy,
    Other(String),
}

impl Cause {
    fn from_text(detail: &str) -> Cause {
        let d = detail.to_ascii_lowercase();
        if d.contains("no space") || d.contains("too large") || d.contains("quota") {
            Cause::Full
        } else if d.contains("read-only") || d.contains("permission denied") {
            Cause::ReadOnly
        } else if d.contains("no such file") {
            Cause::Missing
        } else {
            Cause::Other(detail.to_string())
        }
    }
}

pub(crate) fn folder_io_error(folder: &Path, e: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    let cause = match e.kind() {
        K::NotFound => Cause::Missing,
        K::PermissionDenied | K::ReadOnlyFilesystem => Cause::ReadOnly,
        K::StorageFull | K::FileTooLarge | K::QuotaExceeded => Cause::Full,
        K::NotADirectory => Cause::NotAFolder,
        _ => Cause::from_text(&e.to_string()),
    };
    folder_error(folder, cause)
}

/// An error writing the copy: the OS's own reason when SQLite kept it (a full disk or a file
/// size limit shows as a generic I/O error otherwise).
fn dst_error(folder: &Path, dst: &Connection, e: &rusqlite::Error) -> Error {
    // SAFETY: the handle is valid while `dst` lives; sqlite3_system_errno only reads it.
    let errno = unsafe { rusqlite::ffi::sqlite3_system_errno(dst.handle()) };
    if errno != 0 {
        use std::io::ErrorKind as K;
        if matches!(std::io::Error::from_raw_os_error(errno).kind(), K::StorageFull | K::FileTooLarge | K::QuotaExceeded) {
            return folder_error(folder, Cause::Full);
        }
    }
    folder_sqlite_error(folder, e)
}

fn folder_sqlite_error(folder: &Path, e: &rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as C;
    let cause = match e.sqlite_error_code() {
        Some(C::DiskFull) => Cause::Full,
        Some(C::ReadOnly) | Some(C::PermissionDenied) => Cause::ReadOnly,
        Some(C::CannotOpen) => Cause::Missing,
        Some(C::SystemIoFailure) => Cause::Other(format!(
            "the disk could not be written ({e}); it may be full, disconnected or failing"
        )),
        _ => Cause::Other(e.to_string()),
    };
    folder_error(folder, cause)
}

pub(crate) fn folder_error(folder: &Path, cause: Cause) -> Error {
    let f = folder.display();
    let detail = match cause {
        Cause::Missing => format!(
            "The backup folder {f} is not there or cannot be reached (is the disk plugged in, the network share mounted?). \
             No backup was written; the record is unaffected. Connect it, or choose another folder in Settings, Backups"
        ),
        Cause::NotAFolder => format!("The backup folder {f} is not a folder. No backup was written; choose a folder in Settings, Backups"),
        Cause::ReadOnly => format!(
            "The backup folder {f} cannot be written to (it is read-only or not yours). No backup was written; the record \
             and earlier backups are unaffected. Choose a folder you can write to"
        ),
        Cause::Full => format!(
            "The backup folder {f} is full: the unfinished copy was removed and earlier backups were kept. The record is \
             unaffected. Free space there or choose a larger disk"
        ),
        Cause::Busy => format!("Another backup is being written to {f} right now. Try again in a minute"),
        Cause::Other(why) => format!(
            "The backup to {f} failed ({why}). The unfinished copy was removed and earlier backups were kept; the record is \
             unaffected. Check the disk and try again"
        ),
    };
    Error::Backup { path: folder.to_path_buf(), detail }
}

/// Tests of a crash during a backup stop the process at a named point
/// (`HOLDSPACE_TEST_BACKUP_CRASH_AT`); compiled into tests only.
#[cfg(test)]
fn crash_point(name: &str) {
    if std::env::var("HOLDSPACE_TEST_BACKUP_CRASH_AT").as_deref() == Ok(name) {
        std::process::abort();
    }
}
#[cfg(not(test))]
fn crash_point(_: &str) {}

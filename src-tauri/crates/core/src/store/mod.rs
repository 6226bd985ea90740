//! The SQLite store: one file in the data folder, opened with the pragmas that make every
//! acknowledged entry durable, migrated in one transaction, never overwritten when unreadable.
//!
//! Connections. The app holds one `Store` (one connection) for its whole life, shared by the
//! window's commands, the retry queue and the music thread: POSIX locks belong to the process,
//! not the connection, so more connections would add no concurrency against other programs,
//! and every write is a short transaction. A write that meets a lock gives up after
//! `BUSY_TIMEOUT` and is retried by the outbox (`crate::outbox`) outside the connection's mutex,
//! so reads never queue behind a wait.
//!
//! The file is touched only through SQLite while any connection to it is open. Closing any
//! other descriptor of the file (a `std::fs::File` opened to read its header, say) silently
//! drops every POSIX lock this process holds on it; another program's SQLite then believes it
//! is the last user, checkpoints and deletes the WAL under us, and every later entry is lost
//! ("How To Corrupt An SQLite Database File", 2.2). So there is no header check by hand: SQLite
//! itself refuses a file that is not a database, before anything is written. The tests in
//! `lock_tests.rs` fail if any code path loses the lock.

mod billing;
mod clinic;
mod datadir;
mod entries;
mod integration;
mod loudness;
mod migrations;
mod monitoring;
mod review;
mod review_list;
mod rems;
mod rows;
mod search;
mod sessions;
mod timeline;
mod audit;
mod users;
mod verify;
mod writes;
pub mod health;

pub use datadir::{create_private_dir, DataDir, DB_FILE};
pub use integration::{IntegrationNote, NewIntegrationNote};
pub use loudness::CachedLoudness;
pub use search::{fts_query, SearchHit, MATCH_END, MATCH_START};
pub use migrations::SCHEMA_VERSION;
pub(crate) use migrations::known_version;
pub use review_list::{DoseTotal, ReviewFilter, ReviewRow};
pub use rems::FilingDue;
pub use timeline::{EntrySlice, SLICE_MAX};
pub use users::{NewUser, Role, User};
pub use writes::{validate_key, Write, WriteOp};
pub use monitoring::tag_body;

use crate::clock::Clock;
use crate::error::{Error, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Marks a file as Holdspace's ("HSPC"), so another program's SQLite file is not migrated.
pub(crate) const APPLICATION_ID: i32 = 0x4853_5043;
/// How long one write waits for another program's lock before it is handed to the retry queue.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(250);

pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
    clock: Arc<dyn Clock>,
    /// Who writes through this handle (the signed-in user); else the session's therapist.
    author: Option<String>,
}

impl Store {
    /// Opens (creating if absent) the database at `path`.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        // Only when nothing has the file open: this process cannot hold a connection to a
        // file that does not exist yet.
        if !path.exists() {
            create_private_file(path)?;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        Self::init(conn, path, clock)
    }

    /// Opens (creating if absent) the encrypted database at `path` with its key. A wrong key
    /// fails before anything is read or written, and leaves the file as it was.
    pub fn open_encrypted(path: &Path, key: &crate::vault::DbKey, clock: Arc<dyn Clock>) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if !path.exists() {
            create_private_file(path)?;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        // The key must be the first statement on the connection. SQLCipher's own log would
        // print a wrong key's decryption failure on stderr: the error says it for the user.
        conn.execute_batch("PRAGMA cipher_log_level = NONE;").map_err(|e| classify(path, e))?;
        conn.execute_batch(&key.pragma("main")).map_err(|e| classify(path, e))?;
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
            Ok(_) => {}
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
                return Err(Error::WrongKey { path: path.to_path_buf() })
            }
            Err(e) => return Err(classify(path, e)),
        }
        Self::init(conn, path, clock)
    }

    /// A throwaway database for fast unit tests.
    pub fn open_in_memory(clock: Arc<dyn Clock>) -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        Self::init(conn, Path::new(":memory:"), clock)
    }

    fn init(mut conn: Connection, path: &Path, clock: Arc<dyn Clock>) -> Result<Store> {
        // Read before any write: an unreadable file fails here, untouched.
        let app_id = holdspace_or_empty(&conn, path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // WAL + synchronous=FULL: every commit is fsynced to the log before it returns, so an
        // entry the UI shows as saved survives a power cut.
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if path != Path::new(":memory:") && !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Corrupt { path: path.to_path_buf(), detail: format!("journal mode is {mode}, not WAL") });
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        migrations::migrate(&mut conn, path, clock.now().timestamp_millis()).map_err(|e| match e {
            Error::Storage(e) => classify(path, e),
            other => other,
        })?;
        if app_id != APPLICATION_ID {
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        Ok(Store { conn: Arc::new(Mutex::new(conn)), path: path.to_path_buf(), clock, author: None })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The same connection on another clock: the demo session is written through the app's
    /// own connection with times of its own, never through a second one.
    pub fn with_clock(&self, clock: Arc<dyn Clock>) -> Store {
        Store { conn: self.conn.clone(), path: self.path.clone(), clock, author: self.author.clone() }
    }

    /// The same connection, writing as `author` (the signed-in user) instead of the session's
    /// therapist.
    pub fn with_author(&self, author: Option<String>) -> Store {
        Store { conn: self.conn.clone(), path: self.path.clone(), clock: self.clock.clone(), author }
    }

    pub(crate) fn author_for<'a>(&'a self, session: &'a crate::session::Session) -> &'a str {
        self.author.as_deref().unwrap_or(&session.therapist)
    }

    /// Short-lived access to the connection. A panic elsewhere never poisons the record.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Moves everything in the write-ahead log into the database file.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn().pragma_query_value(None, "user_version", |r| r.get(0))?)
    }
}

/// The file's application id, when it is Holdspace's or a new empty file; another program's
/// SQLite file or an unreadable one is refused, read only.
pub(crate) fn holdspace_or_empty(conn: &Connection, path: &Path) -> Result<i32> {
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|e| classify(path, e))?;
    let tables: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(|e| classify(path, e))?;
    if app_id != APPLICATION_ID && !(app_id == 0 && tables == 0) {
        return Err(Error::Corrupt { path: path.to_path_buf(), detail: "it is an SQLite file, but not a Holdspace database".into() });
    }
    Ok(app_id)
}

/// A new database file is created readable by the user only; SQLite's -wal and -shm files
/// copy these permissions.
pub(crate) fn create_private_file(path: &Path) -> Result<()> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map(drop).map_err(|e| Error::DataDir {
        path: path.to_path_buf(),
        detail: format!("cannot create the database file: {e}"),
    })
}

pub(crate) fn classify(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            Error::Corrupt { path: path.to_path_buf(), detail: e.to_string() }
        }
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) | Some(ErrorCode::ReadOnly) => {
            Error::DataDir { path: path.to_path_buf(), detail: e.to_string() }
        }
        _ => Error::Storage(e),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod review_tests;
#[cfg(test)]
mod monitoring_tests;
#[cfg(test)]
mod timeline_tests;
#[cfg(test)]
mod lock_tests;
#[cfg(any(test, feature = "test-support"))]
pub mod lock_probe;
#[cfg(test)]
mod writes_tests;
#[cfg(test)]
mod users_tests;

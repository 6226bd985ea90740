//! The error that crosses IPC: `{kind, message}`. The UI switches on `kind`, never on text.

use holdspace_core::{Error, ErrorKind};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct IpcError {
    pub kind: ErrorKind,
    pub message: String,
}

/// The app's database, so a storage failure is told in words the therapist can act on (the
/// disk is full, another program holds the file) rather than SQLite's.
static DB_PATH: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

pub fn set_db_path(path: &std::path::Path) {
    let _ = DB_PATH.set(path.to_path_buf());
}

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        let e = match DB_PATH.get().and_then(|db| holdspace_core::store::health::diagnose(db, &e)) {
            Some(problem) => {
                eprintln!("holdspace: {}: {}", problem.message, problem.detail);
                Error::Unavailable { message: problem.message }
            }
            None => e,
        };
        IpcError { kind: e.kind(), message: e.to_string() }
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub type CmdResult<T> = Result<T, IpcError>;

//! The error that crosses IPC: `{kind, message}`. The UI switches on `kind`, never on text.

use holdspace_core::monitoring::Problem;
use holdspace_core::{Error, ErrorKind};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct IpcError {
    pub kind: ErrorKind,
    pub message: String,
    /// Problems in a file, one each (`file`, `line`, `message`), when the error is about files
    /// the user gave (a playlist, an M3U); `message` then lists them too.
    pub problems: Vec<Problem>,
}

impl IpcError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> IpcError {
        IpcError { kind, message: message.into(), problems: Vec::new() }
    }

    /// A file the user gave has these problems.
    pub fn in_files(problems: Vec<Problem>) -> IpcError {
        let message = problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n");
        IpcError { kind: ErrorKind::Invalid, message, problems }
    }
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
        IpcError::new(e.kind(), e.to_string())
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub type CmdResult<T> = Result<T, IpcError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_problems_cross_one_by_one_with_their_lines() {
        let e = IpcError::in_files(vec![Problem::new("a.m3u8", 3, "x.wv: cannot be decoded"), Problem::new("a.m3u8", 0, "no tracks")]);
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert_eq!(e.problems.len(), 2);
        assert_eq!(e.problems[0].line, 3);
        assert_eq!(e.message, "a.m3u8:3: x.wv: cannot be decoded\na.m3u8: no tracks");
    }
}

//! The one error type of the domain. Each variant has a stable `kind` that crosses IPC as
//! `{kind, message}`: the UI switches on the kind and shows the message as written here.

use serde::Serialize;
use std::path::PathBuf;
use ts_rs::TS;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the user typed is not acceptable; `field` names the input.
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },

    #[error("{what} was not found")]
    NotFound { what: String },

    /// The session is ended (or signed) and the action needs an open one.
    #[error("{0}")]
    SessionClosed(String),

    /// Another session is still open: only one runs in the room at a time.
    #[error("session {id} for client {client_code} is still open; end it before starting another")]
    SessionAlreadyOpen { id: i64, client_code: String },

    #[error(
        "the database {path} was written by a newer Holdspace (schema version {found}; this build \
         knows up to {supported}). It was not changed. Update Holdspace to open it."
    )]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },

    #[error("the database {path} cannot be read: {detail}. It was not changed; keep a copy and contact support.")]
    Corrupt { path: PathBuf, detail: String },

    #[error("the data folder {path} cannot be used: {detail}")]
    DataDir { path: PathBuf, detail: String },

    /// Another Holdspace process is writing to this data folder.
    #[error("another Holdspace (process {pid}) is already using the data folder {path}")]
    Locked { path: PathBuf, pid: String },

    /// A measurement, checklist value or template the monitoring rules refuse.
    #[error("{0}")]
    Monitoring(#[from] holdspace_monitoring::MonitoringError),

    /// Discharge with reminders still open needs an explicit override with a reason.
    #[error("discharge is not yet advised: {}. To end anyway, give a reason for the override.", .blockers.join("; "))]
    DischargeBlocked { blockers: Vec<String> },

    /// Music could not do what was asked; the session and its record are unaffected.
    #[error("music: {0}")]
    Audio(String),

    #[error("saving failed: {0}. Nothing already recorded was lost.")]
    Storage(#[from] rusqlite::Error),

    /// Storage refused the write for now (busy, full, read-only, failing); the app keeps the
    /// entry and saves it by itself when it can.
    #[error("Not saved yet: {message}. {}", kept_words(*.kept))]
    NotSavedYet { message: String, kept: crate::outbox::Kept },

    /// Storage cannot take this action now; nothing was changed.
    #[error("{message}. Nothing was changed; try again when it is resolved.")]
    Unavailable { message: String },

    #[error("{0}")]
    Io(#[from] std::io::Error),

    /// The passphrase, PIN or recovery key typed does not open the record.
    #[error("{what} does not open the record. Nothing was changed; check it and try again.")]
    WrongSecret { what: &'static str },

    /// Too many wrong tries in a row: the next one waits.
    #[error("Too many wrong tries: wait {seconds} s before the next one.")]
    TryLater { seconds: u64 },

    /// The key file (`holdspace.keys`) is missing, damaged or not this database's.
    #[error("The key file cannot be used: {detail}. The database was not changed.")]
    KeyFile { detail: String },

    /// The key unwrapped, but it does not decrypt this database file.
    #[error(
        "The key file does not open the database {path}: it belongs to another database, or the \
         database file was replaced. Nothing was changed."
    )]
    WrongKey { path: PathBuf },

    /// A backup could not be written to its folder (missing, read-only, full, failing), or a
    /// backup file cannot be used (changed since it was written, from a newer version...).
    /// `detail` is the whole sentence for the user; `path` is the folder or file.
    #[error("{detail}.")]
    Backup { path: PathBuf, detail: String },

    /// The record is locked or nobody has signed in.
    #[error("{0}")]
    NotSignedIn(String),
}

/// What the UI branches on. Kept small and stable; the message carries the detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Invalid,
    NotFound,
    SessionClosed,
    SessionAlreadyOpen,
    NewerSchema,
    Corrupt,
    DataDir,
    Locked,
    DischargeBlocked,
    Audio,
    Storage,
    NotSavedYet,
    Unavailable,
    Io,
    WrongSecret,
    TryLater,
    KeyFile,
    WrongKey,
    NotSignedIn,
    Backup,
}

fn kept_words(kept: crate::outbox::Kept) -> &'static str {
    use crate::outbox::Kept;
    match kept {
        Kept::DataFolder => "It is kept and will be saved by itself as soon as it can.",
        Kept::RuntimeFolder => {
            "It is kept (in memory, safe if the app closes) and will be saved by itself as soon as it can."
        }
        Kept::Memory => "It is kept in the app only: leave Holdspace open until it is saved.",
    }
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Invalid { .. } => ErrorKind::Invalid,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::SessionClosed(_) => ErrorKind::SessionClosed,
            Error::SessionAlreadyOpen { .. } => ErrorKind::SessionAlreadyOpen,
            Error::NewerSchema { .. } => ErrorKind::NewerSchema,
            Error::Corrupt { .. } => ErrorKind::Corrupt,
            Error::DataDir { .. } => ErrorKind::DataDir,
            Error::Locked { .. } => ErrorKind::Locked,
            Error::Monitoring(_) => ErrorKind::Invalid,
            Error::DischargeBlocked { .. } => ErrorKind::DischargeBlocked,
            Error::Audio(_) => ErrorKind::Audio,
            Error::Storage(_) => ErrorKind::Storage,
            Error::NotSavedYet { .. } => ErrorKind::NotSavedYet,
            Error::Unavailable { .. } => ErrorKind::Unavailable,
            Error::Io(_) => ErrorKind::Io,
            Error::WrongSecret { .. } => ErrorKind::WrongSecret,
            Error::TryLater { .. } => ErrorKind::TryLater,
            Error::KeyFile { .. } => ErrorKind::KeyFile,
            Error::WrongKey { .. } => ErrorKind::WrongKey,
            Error::NotSignedIn(_) => ErrorKind::NotSignedIn,
            Error::Backup { .. } => ErrorKind::Backup,
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid { field, message: message.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

//! Errors of the export crate: each message says what went wrong and what to do.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Core(#[from] holdspace_core::Error),

    #[error("unknown export format `{0}`: use one of pdf, csv, json, m3u8, fhir, rems")]
    UnknownFormat(String),

    #[error("the folder {} does not exist or is not a folder; choose an existing folder", .0.display())]
    NoFolder(PathBuf),

    #[error("cannot write {}: {source}", .path.display())]
    Write { path: PathBuf, source: std::io::Error },

    #[error("every file name from {} onwards is taken in this folder; choose another folder", .0.display())]
    NamesExhausted(PathBuf),

    #[error("the PDF could not be made: {0}")]
    Pdf(String),

    #[error("the CSV could not be made: {0}")]
    Csv(#[from] csv::Error),

    #[error("the JSON could not be made: {0}")]
    Json(#[from] serde_json::Error),

    #[error("the database could not be generated: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("the demo session could not be added: {0}")]
    Demo(String),

    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

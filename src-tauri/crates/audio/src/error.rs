//! The crate's error type.
use std::path::PathBuf;

/// Everything that can go wrong in this crate, with a message fit for a therapist.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("{path}: file not found")]
    NotFound { path: PathBuf },
    #[error("{path}: cannot read: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{path}: cannot decode audio: {message}")]
    Decode { path: PathBuf, message: String },
    #[error("{path}: cannot be decoded: {what}")]
    Unsupported { path: PathBuf, what: String },
    #[error("{path}: no audio frames could be decoded (empty, truncated or corrupt file)")]
    NoAudio { path: PathBuf },
    #[error("{path}: cannot seek: {message}")]
    Seek { path: PathBuf, message: String },
    #[error("loudness analysis failed: {0}")]
    Loudness(String),
    #[error("analysis cancelled")]
    Cancelled,
    #[error("no audio output device: {0}")]
    Device(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{path}: cannot write: {message}")]
    Write { path: PathBuf, message: String },
    #[error("the audio engine has stopped")]
    EngineGone,
}

impl AudioError {
    /// The message without the file's path (for lines that already name the file or track).
    pub fn reason(&self) -> String {
        match self {
            AudioError::NotFound { .. } => "file not found".into(),
            AudioError::Io { message, .. } => format!("cannot read: {message}"),
            AudioError::Decode { message, .. } => message.clone(),
            AudioError::Unsupported { what, .. } => what.clone(),
            AudioError::NoAudio { .. } => "no audio frames could be decoded (empty, truncated or corrupt file)".into(),
            AudioError::Seek { message, .. } => format!("cannot seek: {message}"),
            AudioError::Write { message, .. } => format!("cannot write: {message}"),
            other => other.to_string(),
        }
    }

    pub(crate) fn io(path: &std::path::Path, e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::NotFound {
            AudioError::NotFound { path: path.to_path_buf() }
        } else {
            AudioError::Io { path: path.to_path_buf(), message: e.to_string() }
        }
    }
}

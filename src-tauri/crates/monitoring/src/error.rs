//! Errors and file problems.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One problem found in a file, printed as `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Problem {
    /// The file as given (path or a label such as `built-in:esketamine.toml`).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: u32,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl Problem {
    pub fn new(file: impl Into<String>, line: u32, message: impl Into<String>) -> Self {
        Problem { file: file.into(), line, message: message.into() }
    }
}

/// Errors from the monitoring domain. Messages are meant to be shown to a clinician.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MonitoringError {
    #[error("{field}: {value} is not a possible value (allowed {min} to {max}{unit})")]
    OutOfRange { field: &'static str, value: f64, min: f64, max: f64, unit: &'static str },
    #[error("diastolic ({diastolic}) must be below systolic ({systolic})")]
    DiastolicNotBelowSystolic { systolic: i32, diastolic: i32 },
    #[error("blood pressure needs both systolic and diastolic ({missing} is missing)")]
    IncompleteBloodPressure { missing: &'static str },
    #[error("no measurement entered")]
    EmptyReading,
    #[error("unknown checklist item `{0}`")]
    UnknownChecklistItem(String),
    #[error("checklist item `{item}`: {message}")]
    InvalidChecklistValue { item: String, message: String },
    #[error("marking `{0}` not applicable needs a reason")]
    NotApplicableNeedsReason(String),
    #[error("{0}")]
    InvalidQuickTags(String),
    #[error("{path}: cannot read: {message}")]
    Io { path: String, message: String },
    #[error("{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Problems(Vec<Problem>),
}

//! The whole session as JSON: the [`SessionReport`] with a format version. The shape is
//! documented field by field in the crate README.

use crate::error::Result;
use crate::report::SessionReport;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Bumped when a field is renamed or removed (adding fields does not bump it).
pub const JSON_FORMAT_VERSION: &str = "holdspace-session/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonExport {
    /// Always [`JSON_FORMAT_VERSION`] for files this build writes.
    pub format: String,
    pub exported_at: DateTime<Utc>,
    #[serde(flatten)]
    pub report: SessionReport,
}

/// Pretty-printed UTF-8 JSON.
pub fn json_bytes(report: &SessionReport, exported_at: DateTime<Utc>) -> Result<Vec<u8>> {
    let doc = JsonExport { format: JSON_FORMAT_VERSION.to_string(), exported_at, report: report.clone() };
    let mut bytes = serde_json::to_vec_pretty(&doc)?;
    bytes.push(b'\n');
    Ok(bytes)
}

//! The whole session as JSON: the [`SessionReport`] with a format version. The shape is
//! documented field by field in the crate README.

use crate::error::Result;
use crate::report::SessionReport;
use crate::seal::Seal;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Bumped when a field is renamed or removed (adding fields does not bump it).
pub const JSON_FORMAT_VERSION: &str = "holdspace-session/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JsonExport {
    /// Always [`JSON_FORMAT_VERSION`] for files this build writes.
    pub format: String,
    pub exported_at: DateTime<Utc>,
    /// Hex SHA-256 of the session's last entry when exported.
    #[serde(default)]
    pub chain_head: String,
    /// "verified" (with "chained from version N on" for sessions chained late) or
    /// "not verified: <what>".
    #[serde(default)]
    pub verification: String,
    #[serde(flatten)]
    pub report: SessionReport,
}

/// Pretty-printed UTF-8 JSON.
pub fn json_bytes(report: &SessionReport, seal: &Seal, exported_at: DateTime<Utc>) -> Result<Vec<u8>> {
    let doc = JsonExport {
        format: JSON_FORMAT_VERSION.to_string(),
        exported_at,
        chain_head: seal.chain_head.clone(),
        verification: seal.verification.clone(),
        report: report.clone(),
    };
    let mut bytes = serde_json::to_vec_pretty(&doc)?;
    bytes.push(b'\n');
    Ok(bytes)
}

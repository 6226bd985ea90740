//! The manifest beside each backup: what the copy held when it was written, so a later look at
//! the folder (or a restore) can tell a whole, unchanged copy from a truncated or edited one. It
//! is plain JSON on the backup disk and holds no health information: session ids, entry
//! counts and chain heads (hashes), never a client code, a name or a word of the record.

use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// The manifest's own format.
pub const MANIFEST_FORMAT: u32 = 1;
/// A manifest is small; anything far larger is not one of ours.
const MANIFEST_MAX: u64 = 16 * 1024 * 1024;
pub const VERIFIED: &str = "verified";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SessionHead {
    #[ts(type = "number")]
    pub session_id: i64,
    #[ts(type = "number")]
    pub entries: i64,
    /// The chain head (hex SHA-256 of the last entry's seal; "" for none).
    pub head: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Manifest {
    pub format: u32,
    /// The database's schema version (`PRAGMA user_version`).
    #[ts(type = "number")]
    pub schema_version: i64,
    pub app_version: String,
    /// When the copy was taken (RFC 3339, UTC).
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The database file's name, in the same folder.
    pub database: String,
    #[ts(type = "number")]
    pub size: u64,
    /// SHA-256 of the database file, hex.
    pub sha256: String,
    /// The copy of the key file (wrapped keys only), in the same folder.
    pub key_file: String,
    pub key_file_sha256: String,
    pub sessions: Vec<SessionHead>,
    #[ts(type = "number")]
    pub access_log_rows: i64,
    pub access_log_head: String,
    /// "verified", or "not verified: <why>".
    pub verification: String,
}

impl Manifest {
    pub fn verified(&self) -> bool {
        self.verification == VERIFIED
    }

    pub fn total_entries(&self) -> i64 {
        self.sessions.iter().map(|s| s.entries).sum()
    }

    pub fn read(path: &Path) -> Result<Manifest, String> {
        let text = crate::files::read_small(path, MANIFEST_MAX)?.ok_or_else(|| "the manifest is missing".to_string())?;
        let m: Manifest = serde_json::from_str(&text).map_err(|e| format!("the manifest cannot be read ({e})"))?;
        if m.format > MANIFEST_FORMAT {
            return Err(format!("the manifest was written by a newer Holdspace (format {})", m.format));
        }
        Ok(m)
    }

    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_string_pretty(self).map_err(|e| e.to_string())
    }
}

/// SHA-256 of a file (hex) and its length, read in blocks.
pub fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    crate::files::size_and_sha256(path).map(|(len, sha)| (sha, len))
}

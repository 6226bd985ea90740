//! The key file (`holdspace.keys`, mode 0600, beside the database): the database key wrapped
//! once per user and once by the recovery key, plus a seal made with the database key over
//! everything else. It holds no health data and no key in the clear.

use super::wrap::Wrapped;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const KEY_FILE: &str = "holdspace.keys";
const FORMAT: u32 = 1;
/// A key file with a few dozen users is a few kilobytes.
const MAX_BYTES: u64 = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    pub format: u32,
    /// Random, also stored inside the database: a key file from another database is told apart.
    pub database_id: String,
    pub users: Vec<UserWrap>,
    pub recovery: Wrapped,
    /// Over the file's other fields, made with the database key (see `wrap::seal`).
    #[serde(default)]
    pub seal_nonce: String,
    #[serde(default)]
    pub seal: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserWrap {
    pub user_id: i64,
    /// Shown on the sign-in screen before anything is unlocked.
    pub name: String,
    pub key: Wrapped,
}

impl KeyFile {
    pub(crate) fn new(database_id: String, recovery: Wrapped) -> KeyFile {
        KeyFile { format: FORMAT, database_id, users: Vec::new(), recovery, seal_nonce: String::new(), seal: String::new() }
    }

    /// The text the seal covers: the file without its seal.
    pub(crate) fn sealed_text(&self) -> String {
        let mut unsealed = self.clone();
        unsealed.seal.clear();
        unsealed.seal_nonce.clear();
        serde_json::to_string(&unsealed).unwrap_or_default()
    }

    pub(crate) fn aad_user(&self, user_id: i64) -> String {
        format!("holdspace-key/1|{}|user:{user_id}", self.database_id)
    }

    pub(crate) fn aad_recovery(&self) -> String {
        format!("holdspace-key/1|{}|recovery", self.database_id)
    }

    pub fn read(path: &Path) -> Result<Option<KeyFile>> {
        let text = crate::files::read_small(path, MAX_BYTES)
            .map_err(|e| Error::KeyFile { detail: format!("{}: {e}", path.display()) })?;
        let Some(text) = text else { return Ok(None) };
        let file: KeyFile = serde_json::from_str(&text).map_err(|e| Error::KeyFile {
            detail: format!("{} is damaged or incomplete (line {}, column {}: {e})", path.display(), e.line(), e.column()),
        })?;
        if file.format != FORMAT {
            return Err(Error::KeyFile {
                detail: format!("{} has format {}; this Holdspace reads format {FORMAT}", path.display(), file.format),
            });
        }
        Ok(Some(file))
    }

    /// Replaces the file whole or not at all: a new file beside it, flushed to disk, renamed
    /// over the old one, and the folder flushed so the rename itself survives a power cut.
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(|e| Error::KeyFile { detail: e.to_string() })?;
        crate::files::replace_durably(path, text.as_bytes()).map_err(|e| Error::DataDir {
            path: path.to_path_buf(),
            detail: format!("cannot write the key file: {e}"),
        })
    }
}

//! What an export says of the record's tamper evidence: the chain head (the hash of the
//! session's last entry, evidence from outside the file that a later copy can be compared
//! with) and the result of verifying the chain when the export was written.

use crate::error::Result;
use holdspace_core::chain::{ChainCheck, ChainPart};
use holdspace_core::Store;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    /// Hex SHA-256 of the session's last entry ("" for a session with no entries).
    pub chain_head: String,
    pub verified: bool,
    /// "verified", "verified (chained from version 9 on, ...)" or "not verified: <what>".
    pub verification: String,
}

impl Seal {
    /// Verifies the session's chain now.
    pub fn read(store: &Store, session_id: i64) -> Result<Seal> {
        let mut checks = store.verify_chains(Some(session_id))?;
        Ok(checks.pop().map(|c| Seal::of(&c)).unwrap_or_else(|| Seal {
            chain_head: String::new(),
            verified: false,
            verification: format!("not verified: session {session_id} was not found"),
        }))
    }

    pub fn of(check: &ChainCheck) -> Seal {
        let verification = match (&check.broken, &check.chained_late) {
            (Some(b), _) => {
                let at = match b.part {
                    ChainPart::IntegrationNotes => format!("integration note {}", b.seq),
                    _ if b.seq > 0 => format!("entry {}", b.seq),
                    _ => "the session's record".into(),
                };
                format!("not verified: broken at {at}: {}", b.what)
            }
            (None, Some(late)) => format!(
                "verified (chained from version {} on, {}: changes before then cannot be detected)",
                late.from_version,
                late.at.format("%Y-%m-%d %H:%M UTC")
            ),
            (None, None) => "verified".to_string(),
        };
        Seal { chain_head: check.head.clone(), verified: check.intact(), verification }
    }

    /// The head's first 16 hex characters, as `holdspace verify` prints it.
    pub fn short_head(&self) -> &str {
        self.chain_head.get(..16).unwrap_or(&self.chain_head)
    }
}

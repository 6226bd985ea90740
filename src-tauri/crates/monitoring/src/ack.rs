//! Flag acknowledgements (each one a timeline entry in the store).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::vitals::Flag;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FlagAck {
    /// The [`Flag::id`] acknowledged.
    pub flag_id: String,
    #[ts(type = "number")]
    pub at_ms: i64,
    pub author: String,
    /// What was done, if anything (free text).
    #[serde(default)]
    pub action_taken: Option<String>,
}

/// Flags without an acknowledgement.
pub fn unacknowledged<'a>(flags: &'a [Flag], acks: &[FlagAck]) -> Vec<&'a Flag> {
    flags.iter().filter(|f| !acks.iter().any(|a| a.flag_id == f.id)).collect()
}

//! Tamper evidence. Every timeline entry, integration note and access-log row carries a SHA-256
//! over a canonical encoding of what was written and the hash of the row before it (in its
//! session's timeline, its session's integration notes, or the one access log). Changing,
//! deleting or reordering a row behind the app breaks the chain at that row; `verify` names it.
//!
//! What this proves and what it does not: a chain that verifies was not edited row by row with
//! plain SQL. Someone who holds the database key can recompute every hash after an edit, so a
//! consistent chain alone is no proof; the chain heads in backups' manifests and in exports are
//! the evidence from outside the file that a later copy can be compared with.

mod encode;
mod verify;
#[cfg(test)]
mod tests;

pub use encode::{access_hash, entry_hash, note_hash, to_hex, AccessFields, EntryFields, Hash, NoteFields, GENESIS};
pub(crate) use encode::from_blob;
pub(crate) use verify::timeline_tail;
pub use verify::{backfill, verify_access_log, verify_connection, AccessLogCheck, ChainBreak, ChainCheck, ChainPart, ChainedLate};

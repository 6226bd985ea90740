//! Versioned schema migrations, embedded at build time. All pending ones run in one
//! transaction; a database from a newer Holdspace is refused before anything is written.

use crate::error::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// Index + 1 is the schema version a file reaches after it.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_sessions_and_entries.sql"),
    include_str!("migrations/0002_review_signing_search.sql"),
    include_str!("migrations/0003_review_list_index.sql"),
    include_str!("migrations/0004_loudness_cache.sql"),
    include_str!("migrations/0005_entry_idempotency_keys.sql"),
    include_str!("migrations/0006_loudness_decoded_length.sql"),
    include_str!("migrations/0007_demo_sessions.sql"),
    include_str!("migrations/0008_users.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The file's schema version; a file from a newer Holdspace is refused before anything is written.
pub(crate) fn known_version(conn: &Connection, path: &Path) -> Result<i64> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::NewerSchema { path: path.to_path_buf(), found, supported: SCHEMA_VERSION });
    }
    Ok(found)
}

pub fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found = known_version(conn, path)?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for sql in &MIGRATIONS[found as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

//! Versioned schema migrations, embedded at build time. All pending ones run in one
//! transaction; a database from a newer Holdspace is refused before anything is written.

use crate::error::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// Index + 1 is the schema version a file reaches after it.
const MIGRATIONS: &[Migration] = &[
    Migration::sql(include_str!("migrations/0001_sessions_and_entries.sql")),
    Migration::sql(include_str!("migrations/0002_review_signing_search.sql")),
    Migration::sql(include_str!("migrations/0003_review_list_index.sql")),
    Migration::sql(include_str!("migrations/0004_loudness_cache.sql")),
    Migration::sql(include_str!("migrations/0005_entry_idempotency_keys.sql")),
    Migration::sql(include_str!("migrations/0006_loudness_decoded_length.sql")),
    Migration::sql(include_str!("migrations/0007_demo_sessions.sql")),
    Migration::sql(include_str!("migrations/0008_users.sql")),
    Migration {
        sql: include_str!("migrations/0009_hash_chain.sql"),
        then: Some(crate::chain::backfill),
        after: include_str!("migrations/0009_hash_chain_after.sql"),
    },
    Migration::sql(include_str!("migrations/0010_rems_filings.sql")),
    Migration::sql(include_str!("migrations/0011_clinic_profile.sql")),
    Migration::sql(include_str!("migrations/0012_billing_codes.sql")),
];

/// One step: a script, then (for data SQL cannot compute, such as hashes) a Rust pass given the
/// version reached and the time of the upgrade, then a closing script.
struct Migration {
    sql: &'static str,
    then: Option<fn(&Connection, i64, i64) -> Result<()>>,
    after: &'static str,
}

impl Migration {
    const fn sql(sql: &'static str) -> Migration {
        Migration { sql, then: None, after: "" }
    }
}

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The file's schema version; a file from a newer Holdspace is refused before anything is written.
pub(crate) fn known_version(conn: &Connection, path: &Path) -> Result<i64> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::NewerSchema { path: path.to_path_buf(), found, supported: SCHEMA_VERSION });
    }
    Ok(found)
}

/// Runs every pending migration in one transaction; `now_ms` is the time of the upgrade.
pub fn migrate(conn: &mut Connection, path: &Path, now_ms: i64) -> Result<()> {
    let found = known_version(conn, path)?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for (i, m) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(m.sql)?;
        if let Some(then) = m.then {
            then(&tx, i as i64 + 1, now_ms)?;
        }
        tx.execute_batch(m.after)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

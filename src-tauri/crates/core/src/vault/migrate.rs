//! Encrypting a database from before encryption: an encrypted copy is exported beside it,
//! compared with it row by row, and only then renamed over it. Until that rename the
//! plaintext file is only read (and checkpointed, which changes no content).

use super::secret::DbKey;
use crate::error::{Error, Result};
use crate::store::{classify, holdspace_or_empty, known_version, APPLICATION_ID};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Exports `plain` into a new encrypted file at `building` and checks every row of every table.
pub(super) fn export_verified(plain: &Path, building: &Path, key: &DbKey) -> Result<()> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(plain, flags).map_err(|e| classify(plain, e))?;
    holdspace_or_empty(&conn, plain)?;
    let version = known_version(&conn, plain).map_err(|e| match e {
        Error::Storage(e) => classify(plain, e),
        other => other,
    })?;
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| classify(plain, e))?;
    if check != "ok" {
        return Err(Error::Corrupt { path: plain.to_path_buf(), detail: format!("its integrity check failed ({check})") });
    }
    // Everything in the log goes into the file, so that the log can be left behind safely.
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0)).map_err(|e| classify(plain, e))?;
    if busy != 0 {
        return Err(Error::Unavailable {
            message: format!("another program is reading {} (a backup or a database viewer?); close it and open Holdspace again", plain.display()),
        });
    }
    let building_name = building.to_str().ok_or_else(|| Error::DataDir {
        path: building.to_path_buf(),
        detail: "the data folder's path is not valid UTF-8".into(),
    })?;
    // Created here, private from the start: the connection may not create files.
    crate::store::create_private_file(building)?;
    let key_text = key.attach_literal();
    // The literal's outer quotes are SQL's; as a bound parameter the key is the text inside.
    let bound = key_text.trim_matches('"');
    conn.execute("ATTACH DATABASE ?1 AS enc KEY ?2", rusqlite::params![building_name, bound])?;
    let exported = (|| -> Result<()> {
        conn.query_row("SELECT sqlcipher_export('enc')", [], |_| Ok(()))?;
        conn.pragma_update(Some("enc"), "user_version", version)?;
        conn.pragma_update(Some("enc"), "application_id", APPLICATION_ID)?;
        verify(&conn, plain)
    })();
    let detached = conn.execute_batch("DETACH DATABASE enc");
    exported?;
    detached?;
    Ok(())
}

/// Row by row: every ordinary table has the same rows in both files (full-text indexes are
/// compared through their shadow tables, which hold their data).
fn verify(conn: &Connection, plain: &Path) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name",
    )?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    for name in names {
        let q = name.replace('"', "\"\"");
        let count = |schema: &str| -> rusqlite::Result<i64> {
            conn.query_row(&format!("SELECT count(*) FROM {schema}.\"{q}\""), [], |r| r.get(0))
        };
        let (a, b) = (count("main")?, count("enc")?);
        let differ: i64 = conn.query_row(
            &format!(
                "SELECT (SELECT count(*) FROM (SELECT * FROM main.\"{q}\" EXCEPT SELECT * FROM enc.\"{q}\")) + \
                        (SELECT count(*) FROM (SELECT * FROM enc.\"{q}\" EXCEPT SELECT * FROM main.\"{q}\"))"
            ),
            [],
            |r| r.get(0),
        )?;
        if a != b || differ != 0 {
            return Err(Error::Corrupt {
                path: plain.to_path_buf(),
                detail: format!("its encrypted copy differs in table {name} ({a} rows, copy {b}, {differ} differing); the original was kept as it was"),
            });
        }
    }
    Ok(())
}

/// Moves the finished encrypted file over the database path. A plaintext log left beside the
/// old file (empty after the checkpoint) is removed first: it must never meet the new file.
pub(super) fn swap_into_place(building: &Path, db: &Path, replacing_plaintext: bool) -> Result<()> {
    let io = |what: &str, e: std::io::Error| Error::DataDir { path: db.to_path_buf(), detail: format!("{what}: {e}") };
    let side = |p: &Path, suffix: &str| {
        let mut s = p.as_os_str().to_owned();
        s.push(suffix);
        std::path::PathBuf::from(s)
    };
    if std::fs::metadata(side(building, "-wal")).map(|m| m.len() > 0).unwrap_or(false) {
        return Err(Error::Unavailable { message: "the encrypted copy was not closed cleanly".into() });
    }
    let f = std::fs::File::open(building).map_err(|e| io("cannot open the encrypted copy", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(|e| io("cannot make the encrypted copy private", e))?;
    }
    f.sync_all().map_err(|e| io("cannot flush the encrypted copy", e))?;
    drop(f);
    if replacing_plaintext {
        let wal = side(db, "-wal");
        if std::fs::metadata(&wal).map(|m| m.len() > 0).unwrap_or(false) {
            return Err(Error::Unavailable {
                message: format!("another program wrote to {} during the upgrade; close it and open Holdspace again", db.display()),
            });
        }
        for p in [wal, side(db, "-shm")] {
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io("cannot remove the old database's log", e)),
            }
        }
    }
    for p in [side(building, "-wal"), side(building, "-shm")] {
        let _ = std::fs::remove_file(p);
    }
    std::fs::rename(building, db).map_err(|e| io("cannot move the encrypted database into place", e))?;
    crate::files::sync_dir(db).map_err(|e| io("cannot flush the data folder", e))
}

//! `holdspace-sqlcipher DATA_DIR query SQL | reads N | hold SECONDS | backup DEST`: another
//! program using SQLite on the app's encrypted database, for the storage tests. It signs in as
//! the command line does (HOLDSPACE_USER, HOLDSPACE_PASSPHRASE_FILE), opens its own connection
//! (its own locks, its own checkpoint on close) and exits: what a backup script or a database
//! viewer holding the key would do.

use holdspace_core::vault::{self, Folder, Passphrase};
use std::io::Write;
use std::path::Path;

fn main() {
    if let Err(e) = run() {
        eprintln!("holdspace-sqlcipher: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, cmd, rest @ ..] = args.as_slice() else {
        return Err("usage: holdspace-sqlcipher DATA_DIR query SQL | hold SECONDS | backup DEST".into());
    };
    let dir = Path::new(dir);
    let Folder::Encrypted(v) = vault::settle_read_only(dir)? else { return Err("not an encrypted record".into()) };
    let pass_file = std::env::var_os("HOLDSPACE_PASSPHRASE_FILE").ok_or("set HOLDSPACE_PASSPHRASE_FILE")?;
    let pass = Passphrase::from_file(Path::new(&pass_file))?;
    let wanted = std::env::var("HOLDSPACE_USER").ok();
    let users = v.users();
    let (id, _) = users
        .iter()
        .find(|(_, n)| wanted.as_deref().is_none_or(|w| n.eq_ignore_ascii_case(w)))
        .ok_or("no such user")?
        .clone();
    let key = v.unlock(id, &pass)?;
    let conn = vault::open_raw(&v.db_path(), &key)?;
    let mut out = std::io::stdout();
    match (cmd.as_str(), rest) {
        ("query", [sql]) => {
            let mut stmt = conn.prepare(sql)?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let cells: Vec<String> = (0..n)
                    .map(|i| match r.get_ref(i) {
                        Ok(rusqlite::types::ValueRef::Null) => String::new(),
                        Ok(rusqlite::types::ValueRef::Integer(x)) => x.to_string(),
                        Ok(rusqlite::types::ValueRef::Real(x)) => x.to_string(),
                        Ok(rusqlite::types::ValueRef::Text(t)) => String::from_utf8_lossy(t).into_owned(),
                        Ok(rusqlite::types::ValueRef::Blob(b)) => format!("<{} bytes>", b.len()),
                        Err(e) => format!("<{e}>"),
                    })
                    .collect();
                writeln!(out, "{}", cells.join("|"))?;
            }
        }
        ("reads", [n]) => {
            // A reader that connects, counts and disconnects again and again (each close is a
            // chance to checkpoint and delete the log, which must never cost the app an entry).
            drop(conn);
            for _ in 0..n.parse::<u32>()? {
                let c = vault::open_raw(&v.db_path(), &key)?;
                c.query_row("SELECT count(*) FROM entries", [], |r| r.get::<_, i64>(0))?;
            }
            return Ok(());
        }
        ("hold", [seconds]) => {
            let seconds: u64 = seconds.parse()?;
            conn.execute_batch("BEGIN EXCLUSIVE")?;
            writeln!(out, "held")?;
            out.flush()?;
            std::thread::sleep(std::time::Duration::from_secs(seconds));
            conn.execute_batch("COMMIT")?;
        }
        ("backup", [dest]) => {
            // The online backup API, as `sqlite3 .backup` uses it: the copy keeps the key.
            let mut to = vault::open_raw(Path::new(dest), &key)?;
            let backup = rusqlite::backup::Backup::new(&conn, &mut to)?;
            backup.run_to_completion(64, std::time::Duration::from_millis(5), None)?;
        }
        _ => return Err(format!("unknown command {cmd} {rest:?}").into()),
    }
    drop(conn);
    Ok(())
}

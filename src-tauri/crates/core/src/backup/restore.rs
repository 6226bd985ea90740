//! Restoring a backup: into a new data folder only, never over a record (and never the live
//! one). The backup is checked against its manifest first (a file cut short or changed is
//! refused with the reason), a backup from a newer Holdspace is refused, then the database and
//! its key file are copied in (files 0600, folder 0700), opened with the key, and every chain
//! recomputed and compared with the manifest.

use super::list::{judge, BackupState, Check};
use super::manifest::{sha256_file, Manifest};
use super::{DB_EXT, MANIFEST_EXT};
use crate::chain::ChainCheck;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::{DataDir, Store, DB_FILE, SCHEMA_VERSION};
use crate::vault::{DbKey, Folder, Vault, KEY_FILE};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Restored {
    pub folder: PathBuf,
    pub manifest: Manifest,
    /// Every session's chain, recomputed in the restored record.
    pub checks: Vec<ChainCheck>,
    /// What does not match the manifest or does not verify; `None`: all of it does.
    pub problem: Option<String>,
    /// The restored record, open.
    pub store: Store,
}

/// Restores `file` (a backup's `.sqlite3` or its `.manifest.json`) into the new folder `into`.
/// `live` is the data folder in use, refused as a target. `unlock` turns the backup's key file
/// into the database key (a passphrase or the recovery key).
pub fn restore(
    file: &Path,
    into: &Path,
    live: Option<&Path>,
    unlock: impl FnOnce(&Vault) -> Result<DbKey>,
    clock: Arc<dyn Clock>,
) -> Result<Restored> {
    let refuse = |detail: String| Error::Backup { path: file.to_path_buf(), detail };
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let Some(stem) = name.strip_suffix(DB_EXT).or_else(|| name.strip_suffix(MANIFEST_EXT)) else {
        return Err(refuse(format!(
            "{} is not a Holdspace backup (a holdspace-YYYYMMDD-HHMMSS.sqlite3 file with its manifest). Nothing was restored",
            file.display()
        )));
    };
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let listed = judge(&folder, stem, Check::Full);
    let manifest = match (listed.state, listed.manifest) {
        (BackupState::Failed { reason }, _) => {
            return Err(refuse(format!("The backup {} cannot be restored: {reason}. Nothing was restored; use another backup", file.display())))
        }
        (_, Some(m)) => m,
        (_, None) => return Err(refuse(format!("The backup {} has no readable manifest. Nothing was restored", file.display()))),
    };
    if manifest.schema_version > SCHEMA_VERSION {
        return Err(Error::NewerSchema { path: file.to_path_buf(), found: manifest.schema_version, supported: SCHEMA_VERSION });
    }
    check_target(into, live)?;
    crate::store::create_private_dir(into)?;
    let _lock = DataDir::open(into)?;
    let copied = copy_in(&folder, &manifest, into);
    let restored = copied.and_then(|()| open_and_verify(into, &manifest, unlock, clock));
    if restored.is_err() {
        for name in [DB_FILE.to_string(), format!("{DB_FILE}-wal"), format!("{DB_FILE}-shm"), KEY_FILE.to_string()] {
            let _ = std::fs::remove_file(into.join(name));
        }
    }
    restored
}

impl std::fmt::Debug for Restored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Restored").field("folder", &self.folder).field("problem", &self.problem).finish_non_exhaustive()
    }
}

fn check_target(into: &Path, live: Option<&Path>) -> Result<()> {
    let refuse = |detail: String| Error::Backup { path: into.to_path_buf(), detail };
    if let (Some(live), Ok(a)) = (live, into.canonicalize()) {
        if live.canonicalize().map(|b| a == b).unwrap_or(false) {
            return Err(refuse(format!(
                "{} is the data folder in use: a backup is restored into a new, empty folder only, never over the record. Nothing was changed",
                into.display()
            )));
        }
    }
    if into.exists() && !into.is_dir() {
        return Err(refuse(format!("{} is not a folder. Nothing was restored", into.display())));
    }
    for name in [DB_FILE, KEY_FILE] {
        if into.join(name).exists() {
            return Err(refuse(format!(
                "{} already holds a record ({name}): a backup is restored into a new, empty folder only. Nothing was changed; choose another folder",
                into.display()
            )));
        }
    }
    Ok(())
}

fn copy_in(folder: &Path, m: &Manifest, into: &Path) -> Result<()> {
    let db = into.join(DB_FILE);
    let partial = into.join(format!("{DB_FILE}.partial"));
    let io = |e: std::io::Error| Error::DataDir { path: into.to_path_buf(), detail: format!("the backup cannot be copied in: {e}") };
    let _ = std::fs::remove_file(&partial);
    crate::store::create_private_file(&partial)?;
    let copied = (|| {
        let mut from = std::fs::File::open(folder.join(&m.database))?;
        let mut to = std::fs::OpenOptions::new().write(true).open(&partial)?;
        std::io::copy(&mut from, &mut to)?;
        to.sync_all()
    })();
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(io(e));
    }
    // Read again from the new folder: what is there is what the manifest describes.
    match sha256_file(&partial) {
        Ok((sha, _)) if sha == m.sha256 => {}
        Ok(_) => {
            let _ = std::fs::remove_file(&partial);
            return Err(Error::Backup {
                path: folder.join(&m.database),
                detail: "The backup changed while it was being copied (its SHA-256 no longer matches the manifest). Nothing was restored".into(),
            });
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(io(e));
        }
    }
    std::fs::rename(&partial, &db).map_err(io)?;
    let keys = std::fs::read(folder.join(&m.key_file)).map_err(io)?;
    crate::files::write_new_file(&into.join(KEY_FILE), &keys).map_err(io)?;
    crate::files::sync_dir(&db).map_err(io)
}

fn open_and_verify(into: &Path, m: &Manifest, unlock: impl FnOnce(&Vault) -> Result<DbKey>, clock: Arc<dyn Clock>) -> Result<Restored> {
    let Folder::Encrypted(vault) = crate::vault::settle(into)? else {
        return Err(Error::Backup { path: into.to_path_buf(), detail: "The restored files are not an encrypted Holdspace record. Nothing was restored".into() });
    };
    let key = unlock(&vault)?;
    let store = vault.open(&key, clock)?;
    let checks = store.verify_chains(None)?;
    let problem = if let Some(c) = checks.iter().find(|c| c.broken.is_some()) {
        let b = c.broken.as_ref().map(|b| (b.seq, b.what.clone())).unwrap_or_default();
        Some(format!("session {}, entry {}: {}", c.session_id, b.0, b.1))
    } else {
        let by_id = |id: i64| checks.iter().find(|c| c.session_id == id);
        m.sessions
            .iter()
            .find(|s| by_id(s.session_id).map(|c| (c.entries, c.head.as_str())) != Some((s.entries, s.head.as_str())))
            .map(|s| format!("session {} does not hold the {} entries the manifest lists", s.session_id, s.entries))
            .or_else(|| (checks.len() != m.sessions.len()).then(|| "the record holds sessions the manifest does not list".to_string()))
    };
    Ok(Restored { folder: into.to_path_buf(), manifest: m.clone(), checks, problem, store })
}

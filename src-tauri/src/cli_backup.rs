//! `holdspace backup`, `backups` and `restore`: the record's copies on the command line. A
//! backup signs in like every command that opens the record (the copy is made with its key);
//! listing reads only the backup folder; a restore signs in against the backup's own copy of
//! the key file.

use holdspace_core::backup::{self, BackupState, Check, Retention, Source};
use holdspace_core::preferences::Preferences;
use holdspace_core::{Clock, SystemClock};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn chosen_folder(data_dir: &Path, given: Option<&Path>, flag: &str) -> Result<(PathBuf, Retention), String> {
    let prefs = Preferences::load(data_dir).0.backup;
    let folder = given.map(Path::to_path_buf).or_else(|| prefs.folder()).ok_or_else(|| {
        format!("no backup folder: give one with {flag} DIR, or choose one in the app (Settings, Backups)")
    })?;
    Ok((folder, prefs.retention()))
}

/// `holdspace backup [--to DIR]`: prints the file and its verification; exit 1 unless verified.
pub fn backup(data_dir: &Path, to: Option<&Path>, out: &mut dyn Write) -> Result<(), String> {
    let (folder, keep) = chosen_folder(data_dir, to, "--to")?;
    let Some((store, user, key)) = crate::cli_access::open_existing_with_key(data_dir)? else {
        return Err(format!("no record yet in {}: there is nothing to back up", data_dir.display()));
    };
    let source = Source::new(data_dir, &key).map_err(|e| e.to_string())?;
    match backup::back_up(&source, &folder, SystemClock.now(), keep) {
        Ok(w) => {
            let detail = format!("{}: {} (SHA-256 {})", w.database.display(), w.manifest.verification, w.manifest.sha256);
            let _ = store.log_access(&user.name, "backup", None, &detail);
            let mut text = format!("{}\n{}\n", w.database.display(), w.manifest.verification);
            for r in &w.removed {
                text += &format!("removed (retention): {}\n", r.display());
            }
            if let Some(p) = &w.retention_problem {
                text += &format!("retention: {p}\n");
            }
            out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
            if w.manifest.verified() {
                Ok(())
            } else {
                Err(format!("the backup was written but is {}", w.manifest.verification))
            }
        }
        Err(e) => {
            let _ = store.log_access(&user.name, "backup", None, &format!("failed: {e}"));
            Err(e.to_string())
        }
    }
}

/// `holdspace backups [--in DIR]`: every backup with its state (each file read whole).
pub fn backups(data_dir: &Path, in_dir: Option<&Path>, out: &mut dyn Write) -> Result<(), String> {
    let (folder, _) = chosen_folder(data_dir, in_dir, "--in")?;
    let listed = backup::list(&folder, Check::Full).map_err(|e| e.to_string())?;
    if listed.is_empty() {
        return writeln!(out, "No backups in {}.", folder.display()).map_err(|e| e.to_string());
    }
    let mut text = format!("{:<28}  {:<16}  {:>10}  {:>8}  {}\n", "BACKUP", "CREATED", "SIZE", "ENTRIES", "STATE");
    for l in &listed {
        let created = l.created_at.map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|| "-".into());
        let size = l.size.map(|s| format!("{:.1} MB", s as f64 / 1e6)).unwrap_or_else(|| "-".into());
        let entries = l.entries.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
        let state = match &l.state {
            BackupState::Verified => "verified".to_string(),
            BackupState::NotVerified { reason } => format!("not verified: {reason}"),
            BackupState::Failed { reason } => format!("failed: {reason}"),
        };
        text += &format!("{:<28}  {created:<16}  {size:>10}  {entries:>8}  {state}\n", l.name);
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

/// `holdspace restore FILE --into DIR`: restores into a new folder, verifies every chain and
/// prints the result; exit 1 when anything does not verify.
pub fn restore(data_dir: &Path, file: &Path, into: &Path, out: &mut dyn Write) -> Result<(), String> {
    let mut signed_in = None;
    let unlock = |v: &holdspace_core::vault::Vault| {
        let (id, key) = crate::cli_access::unlock(v).map_err(holdspace_core::Error::NotSignedIn)?;
        signed_in = v.users().into_iter().find(|(uid, _)| *uid == id).map(|(_, n)| n);
        Ok(key)
    };
    let r = backup::restore(file, into, Some(data_dir), unlock, Arc::new(SystemClock)).map_err(|e| e.to_string())?;
    let mut text = String::new();
    for c in &r.checks {
        match &c.broken {
            None => text += &format!("session {}: intact ({} entries)\n", c.session_id, c.entries),
            Some(b) => text += &format!("session {}: BROKEN at entry {}: {}\n", c.session_id, b.seq, b.what),
        }
    }
    let verdict = match &r.problem {
        None => "verified: every chain recomputes and matches the backup's manifest".to_string(),
        Some(p) => format!("NOT verified: {p}"),
    };
    let detail = format!("from {} into {}: {verdict}", file.display(), into.display());
    let _ = r.store.log_access(signed_in.as_deref().unwrap_or("unknown"), "restore", None, &detail);
    text += &format!(
        "Restored into {}: {verdict}.\nOpen it with: holdspace --data-dir {}\n",
        into.display(),
        into.display()
    );
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    match r.problem {
        None => Ok(()),
        Some(p) => Err(format!("the restored record does not verify: {p}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use holdspace_core::store::{NewUser, Role, Store, DB_FILE};
    use holdspace_core::{NewSession, Route};

    fn passphrase_env() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let path = std::env::temp_dir().join(format!("holdspace-cli-backup-test-{}.pass", std::process::id()));
            std::fs::write(&path, "quiet river stone\n").unwrap();
            std::env::set_var(crate::cli_access::PASSPHRASE_FILE_ENV, &path);
            std::env::remove_var(crate::cli_access::USER_ENV);
        });
    }

    fn record(dir: &Path) -> Store {
        passphrase_env();
        let user = NewUser { name: "Dr Rowe".into(), role: Role::ClinicalDirector };
        let pass = holdspace_core::vault::Passphrase::new("quiet river stone");
        let store = holdspace_core::vault::create(dir, &user, &pass, Arc::new(SystemClock), holdspace_core::vault::KdfParams::DEFAULT)
            .unwrap()
            .store;
        let (s, _) = store
            .start_session(NewSession {
                client_code: "K-042".into(),
                therapist: "Dr Rowe".into(),
                route: Route::Sublingual,
                protocol: "sublingual-lozenge".into(),
                intention: String::new(),
            })
            .unwrap();
        store.add_note(s.id, "resting").unwrap();
        store
    }

    fn text(out: &[u8]) -> String {
        String::from_utf8_lossy(out).into_owned()
    }

    #[test]
    fn backup_backups_and_restore_round_trip_on_the_command_line() {
        let data = tempfile::tempdir().unwrap();
        let usb = tempfile::tempdir().unwrap();
        let store = record(data.path());
        let mut out = Vec::new();
        let err = backup(data.path(), None, &mut out).unwrap_err();
        assert!(err.contains("no backup folder") && err.contains("--to"), "{err}");

        // The folder chosen in Settings is the default.
        let mut prefs = Preferences::default();
        prefs.backup.folder = Some(usb.path().display().to_string());
        prefs.save(data.path()).unwrap();
        backup(data.path(), None, &mut out).unwrap();
        let said = text(&out);
        let file = PathBuf::from(said.lines().next().unwrap());
        assert!(file.starts_with(usb.path()) && file.exists(), "{said}");
        assert_eq!(said.lines().nth(1), Some("verified"));
        let audit = store.audit_log(&Default::default()).unwrap();
        assert!(audit.iter().any(|a| a.action == "backup" && a.detail.contains("verified")), "{audit:?}");

        let mut out = Vec::new();
        backups(data.path(), None, &mut out).unwrap();
        let listed = text(&out);
        assert!(listed.lines().nth(1).unwrap().ends_with("verified"), "{listed}");

        let target = tempfile::tempdir().unwrap();
        let into = target.path().join("restored");
        let mut out = Vec::new();
        restore(data.path(), &file, &into, &mut out).unwrap();
        let said = text(&out);
        assert!(said.contains("session 1: intact (3 entries)") || said.contains("session 1: intact"), "{said}");
        assert!(said.contains("Restored into") && said.contains("verified"), "{said}");
        assert!(into.join(DB_FILE).exists());

        // Never over a record: the live folder and the one just restored are refused.
        let err = restore(data.path(), &file, data.path(), &mut Vec::new()).unwrap_err();
        assert!(err.contains("data folder in use"), "{err}");
        let err = restore(data.path(), &file, &into, &mut Vec::new()).unwrap_err();
        assert!(err.contains("already holds a record"), "{err}");

        // A backup cut short is listed as failed and refused with the reason.
        let len = std::fs::metadata(&file).unwrap().len();
        std::fs::OpenOptions::new().write(true).open(&file).unwrap().set_len(len - 100).unwrap();
        let mut out = Vec::new();
        backups(data.path(), Some(usb.path()), &mut out).unwrap();
        assert!(text(&out).contains("failed: the database file is"), "{}", text(&out));
        let err = restore(data.path(), &file, &target.path().join("again"), &mut Vec::new()).unwrap_err();
        assert!(err.contains("cut short") && err.contains("Nothing was restored"), "{err}");

        // A missing folder: a clear error naming it.
        let gone = usb.path().join("not-plugged-in");
        let err = backup(data.path(), Some(&gone), &mut Vec::new()).unwrap_err();
        assert!(err.contains(&gone.display().to_string()) && err.contains("cannot be reached"), "{err}");
    }
}

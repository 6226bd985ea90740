//! Backups on real encrypted files: consistent under writes, restorable entry for entry,
//! damaged or newer copies refused, a crash or a full disk never leaving a file named as good.

use super::*;
use crate::clock::{Clock, FakeClock};
use crate::session::{NewSession, Route};
use crate::store::{NewUser, Role, Store};
use crate::vault::{Folder, Passphrase, Vault, TEST_KDF};
use super::retention::plan;
use std::sync::Arc;

fn clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::at_nine())
}

fn pass() -> Passphrase {
    Passphrase::new_checked("quiet river stone").unwrap()
}

fn session(code: &str) -> NewSession {
    NewSession {
        client_code: code.into(),
        therapist: "Dr Ada Lane".into(),
        route: Route::Intramuscular,
        protocol: "im-ketamine".into(),
        intention: "to rest".into(),
    }
}

/// An encrypted record in `dir` with two sessions of `notes` notes each; the key and store.
fn record(dir: &Path, notes: usize) -> (DbKey, Store) {
    let created = crate::vault::create(dir, &NewUser { name: "Dr Ada Lane".into(), role: Role::ClinicalDirector }, &pass(), clock(), TEST_KDF)
        .unwrap();
    let store = created.store;
    for code in ["A-1", "B-2"] {
        let (s, _) = store.start_session(session(code)).unwrap();
        for i in 0..notes {
            store.add_note(s.id, &format!("{code} note {i}: resting, breathing slowly")).unwrap();
        }
        if code == "A-1" {
            store.end_session(s.id, "done").unwrap();
        }
    }
    store.log_access("Dr Ada Lane", "review_opened", Some(1), "").unwrap();
    (created.key, store)
}

fn unlock_with_pass(v: &Vault) -> crate::error::Result<DbKey> {
    v.unlock(v.users()[0].0, &pass())
}

fn entries_of(store: &Store) -> Vec<Vec<crate::Entry>> {
    store.list_sessions().unwrap().iter().map(|s| store.entries(s.id).unwrap()).collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn tamper(path: &Path, key: &DbKey, sql: &str) {
    let conn = crate::vault::open_raw(path, key).unwrap();
    conn.execute_batch(&format!("DROP TRIGGER entries_append_only; {sql}")).unwrap();
}

#[test]
fn a_backup_is_a_verified_encrypted_copy_with_its_manifest_and_key_file() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 3);
    let source = Source::new(data.path(), &key).unwrap();
    let w = back_up(&source, out.path(), store.clock().now(), Retention::default()).unwrap();
    assert_eq!(w.manifest.verification, "verified");
    let stem = w.manifest.database.strip_suffix(DB_EXT).unwrap().to_string();
    assert!(stem.starts_with("holdspace-") && stem.len() == "holdspace-YYYYMMDD-HHMMSS".len(), "{stem}");
    assert_eq!(
        names(out.path()),
        vec![format!("{stem}.keys"), format!("{stem}.manifest.json"), format!("{stem}.sqlite3"), "holdspace-backup.lock".into()]
    );
    // The copy is encrypted: no plain SQLite header, no note text.
    let bytes = std::fs::read(&w.database).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
    assert!(!bytes.windows(7).any(|x| x == b"resting"));
    assert_eq!(std::fs::read(out.path().join(format!("{stem}.keys"))).unwrap(), std::fs::read(data.path().join(KEY_FILE)).unwrap());
    // The manifest: a session count and head per session, no client code.
    let manifest_text = std::fs::read_to_string(&w.manifest_path).unwrap();
    assert!(!manifest_text.contains("A-1"), "{manifest_text}");
    let m = Manifest::read(&w.manifest_path).unwrap();
    let live = store.verify_chains(None).unwrap();
    assert_eq!(m.sessions.len(), 2);
    for (s, c) in m.sessions.iter().zip(&live) {
        assert_eq!((s.session_id, s.entries, s.head.as_str()), (c.session_id, c.entries, c.head.as_str()));
    }
    assert_eq!(m.schema_version, crate::store::SCHEMA_VERSION);
    assert_eq!(m.sha256, sha256_file(&w.database).unwrap().0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&w.database).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let listed = list(out.path(), Check::Full).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state, BackupState::Verified);
    assert_eq!(listed[0].entries, Some(store.verify_chains(None).unwrap().iter().map(|c| c.entries).sum()));
}

#[test]
fn a_backup_taken_while_another_thread_writes_is_consistent_and_a_prefix_of_the_record() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 200);
    let store = Arc::new(store);
    let open = store.open_session().unwrap().unwrap().id;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (store, stop) = (store.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                store.add_note(open, &format!("written during the backup {n}")).unwrap();
                n += 1;
            }
            n
        })
    };
    let source = Source::new(data.path(), &key).unwrap();
    let mut written = Vec::new();
    for i in 0..4 {
        let at = store.clock().now() + chrono::Duration::seconds(i);
        written.push(back_up(&source, out.path(), at, Retention::default()).unwrap());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let during = writer.join().unwrap();
    assert!(during > 0, "the writer wrote while the backups ran");
    let live = entries_of(&store);
    let mut counts = Vec::new();
    for w in &written {
        assert_eq!(w.manifest.verification, "verified", "{}", w.manifest.verification);
        let conn = open_copy(&w.database, &key).unwrap();
        let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(ok, "ok");
        let checks = crate::chain::verify_connection(&conn, None).unwrap();
        assert!(checks.iter().all(|c| c.intact()), "{checks:?}");
        // Every entry of the copy is the record's, in order: a prefix of each timeline.
        let copy = Store::open_encrypted(&w.database, &key, clock()).unwrap();
        for (copied, now) in entries_of(&copy).iter().zip(&live) {
            assert!(copied.len() <= now.len());
            assert_eq!(copied[..], now[..copied.len()]);
        }
        counts.push(w.manifest.total_entries());
    }
    assert!(counts.windows(2).all(|c| c[0] <= c[1]), "{counts:?}");
}

#[test]
fn a_restore_gives_the_record_back_entry_for_entry_in_a_new_private_folder() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 20);
    let w = back_up(&Source::new(data.path(), &key).unwrap(), out.path(), store.clock().now(), Retention::default()).unwrap();
    let target = tempfile::tempdir().unwrap();
    let into = target.path().join("restored");
    let r = restore(&w.database, &into, Some(data.path()), unlock_with_pass, clock()).unwrap();
    assert_eq!(r.problem, None);
    assert!(r.checks.iter().all(|c| c.intact()));
    assert_eq!(entries_of(&r.store), entries_of(&store));
    assert_eq!(r.store.list_sessions().unwrap(), store.list_sessions().unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&into).unwrap().permissions().mode() & 0o777, 0o700);
        for f in [crate::store::DB_FILE, KEY_FILE] {
            assert_eq!(std::fs::metadata(into.join(f)).unwrap().permissions().mode() & 0o777, 0o600, "{f}");
        }
    }
    drop(r);
    // The restored folder signs in like any record.
    let Folder::Encrypted(vault) = crate::vault::settle(&into).unwrap() else { panic!("not a record") };
    let restored = vault.open(&unlock_with_pass(&vault).unwrap(), clock()).unwrap();
    assert_eq!(entries_of(&restored), entries_of(&store));
    drop(restored);

    // Never over a record, never into the live folder.
    let again = restore(&w.database, &into, Some(data.path()), unlock_with_pass, clock()).unwrap_err();
    assert!(matches!(again, Error::Backup { .. }) && again.to_string().contains("already holds a record"), "{again}");
    let live = tempfile::tempdir().unwrap();
    let err = restore(&w.database, live.path(), Some(live.path()), unlock_with_pass, clock()).unwrap_err();
    assert!(err.to_string().contains("data folder in use"), "{err}");
    let err = restore(&w.database, data.path(), Some(data.path()), unlock_with_pass, clock()).unwrap_err();
    assert!(err.to_string().contains("data folder in use"), "{err}");

    // A wrong passphrase leaves the new folder without a record.
    let other = target.path().join("wrong");
    let wrong = |v: &Vault| v.unlock(v.users()[0].0, &Passphrase::new_checked("not the passphrase").unwrap());
    let err = restore(&w.database, &other, Some(data.path()), wrong, clock()).unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::WrongSecret);
    assert!(!other.join(crate::store::DB_FILE).exists() && !other.join(KEY_FILE).exists());
}

#[test]
fn a_truncated_or_edited_backup_is_listed_as_failed_and_refused_with_the_reason() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 10);
    let source = Source::new(data.path(), &key).unwrap();
    let now = store.clock().now();
    let cut = back_up(&source, out.path(), now, Retention::default()).unwrap();
    let edited = back_up(&source, out.path(), now + chrono::Duration::seconds(1), Retention::default()).unwrap();
    let good = back_up(&source, out.path(), now + chrono::Duration::seconds(2), Retention::default()).unwrap();

    let len = std::fs::metadata(&cut.database).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&cut.database).unwrap().set_len(len / 2).unwrap();
    let mut bytes = std::fs::read(&edited.database).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&edited.database, &bytes).unwrap();

    let listed = list(out.path(), Check::Full).unwrap();
    let state = |w: &Written| listed.iter().find(|l| Path::new(&l.database) == w.database).unwrap().state.clone();
    assert_eq!(state(&good), BackupState::Verified);
    let BackupState::Failed { reason } = state(&cut) else { panic!("a cut file is not failed") };
    assert!(reason.contains("cut short"), "{reason}");
    let BackupState::Failed { reason } = state(&edited) else { panic!("an edited file is not failed") };
    assert!(reason.contains("SHA-256"), "{reason}");
    // The quick look (for the screen) sees the cut one; the edited one needs the full read.
    let quick = list(out.path(), Check::Quick).unwrap();
    assert!(matches!(quick.iter().find(|l| Path::new(&l.database) == cut.database).unwrap().state, BackupState::Failed { .. }));

    let target = tempfile::tempdir().unwrap();
    for (w, why) in [(&cut, "cut short"), (&edited, "SHA-256")] {
        let into = target.path().join(why.replace(' ', "-"));
        let err = restore(&w.database, &into, Some(data.path()), unlock_with_pass, clock()).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Backup);
        assert!(err.to_string().contains(why) && err.to_string().contains("Nothing was restored"), "{err}");
        assert!(!into.join(crate::store::DB_FILE).exists());
    }
    // An unreadable manifest is named too, and a backup without its key file.
    std::fs::write(&good.manifest_path, b"{ not json").unwrap();
    let listed = list(out.path(), Check::Quick).unwrap();
    let BackupState::Failed { reason } = listed.iter().find(|l| Path::new(&l.database) == good.database).unwrap().state.clone() else {
        panic!("an unreadable manifest is not failed")
    };
    assert!(reason.contains("manifest cannot be read"), "{reason}");
}

#[test]
fn a_backup_from_a_newer_version_is_refused_clearly() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 2);
    let now = store.clock().now();
    drop(store);
    let newer = crate::store::SCHEMA_VERSION + 1;
    crate::vault::open_raw(&data.path().join(crate::store::DB_FILE), &key).unwrap().pragma_update(None, "user_version", newer).unwrap();
    let w = back_up(&Source::new(data.path(), &key).unwrap(), out.path(), now, Retention::default()).unwrap();
    assert_eq!(w.manifest.schema_version, newer);
    let target = tempfile::tempdir().unwrap();
    let err = restore(&w.database, target.path(), Some(data.path()), unlock_with_pass, clock()).unwrap_err();
    assert!(matches!(err, Error::NewerSchema { found, .. } if found == newer), "{err}");
    assert!(err.to_string().contains("newer Holdspace"), "{err}");
    assert!(!target.path().join(crate::store::DB_FILE).exists());
}

#[test]
fn a_tampered_record_is_still_backed_up_but_its_manifest_says_not_verified_naming_the_entry() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 4);
    let now = store.clock().now();
    drop(store);
    tamper(
        &data.path().join(crate::store::DB_FILE),
        &key,
        "UPDATE entries SET body = json_set(body, '$.text', 'consented to continue') WHERE session_id = 2 AND seq = 3;",
    );
    let w = back_up(&Source::new(data.path(), &key).unwrap(), out.path(), now, Retention::default()).unwrap();
    assert!(w.manifest.verification.starts_with("not verified: "), "{}", w.manifest.verification);
    assert!(w.manifest.verification.contains("session 2, entry 3"), "{}", w.manifest.verification);
    let listed = list(out.path(), Check::Full).unwrap();
    let BackupState::NotVerified { reason } = &listed[0].state else { panic!("{:?}", listed[0].state) };
    assert!(reason.contains("session 2, entry 3"), "{reason}");
    assert!(last_good(&listed).is_none());
}

#[test]
fn a_missing_or_unusable_folder_fails_with_the_folder_named_and_the_record_keeps_working() {
    let data = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 2);
    let source = Source::new(data.path(), &key).unwrap();
    let missing = data.path().join("usb-disk-not-plugged-in");
    let err = back_up(&source, &missing, store.clock().now(), Retention::default()).unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::Backup);
    let text = err.to_string();
    assert!(text.contains(&missing.display().to_string()) && text.contains("cannot be reached") && text.contains("Settings"), "{text}");
    assert!(!missing.exists(), "a missing folder is not created");
    let file = data.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = back_up(&source, &file, store.clock().now(), Retention::default()).unwrap_err();
    assert!(err.to_string().contains("not a folder"), "{err}");
    store.add_note(2, "after the failed backup").unwrap();
    let status = status(Some(&missing), store.clock().now());
    assert!(!status.reachable && status.warning.unwrap().contains("cannot be reached"));
    assert!(super::status(None, store.clock().now()).warning.unwrap().contains("No backup folder is chosen"));
}

/// Run as a child by the crash test: one backup of the folder given, stopped at the point
/// named in `HOLDSPACE_TEST_BACKUP_CRASH_AT`, or one under the file size limit the parent set.
#[test]
#[ignore = "a child process of the crash and full-disk tests"]
fn backup_child() {
    let (Ok(data), Ok(out)) = (std::env::var("HOLDSPACE_TEST_CHILD_DATA"), std::env::var("HOLDSPACE_TEST_CHILD_OUT")) else { return };
    if std::env::var_os("HOLDSPACE_TEST_IGNORE_SIGXFSZ").is_some() {
        // A write past the file size limit then fails with EFBIG instead of killing us.
        unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    }
    let Folder::Encrypted(vault) = crate::vault::settle(Path::new(&data)).unwrap() else { panic!() };
    let key = unlock_with_pass(&vault).unwrap();
    let result = back_up(&Source::new(Path::new(&data), &key).unwrap(), Path::new(&out), FakeClock::at_nine().now(), Retention::default());
    match result {
        Ok(_) => println!("BACKUP ok"),
        Err(e) => println!("BACKUP failed [{:?}] {e}", e.kind()),
    }
}

fn run_child(data: &Path, out: &Path, crash_at: Option<&str>, fsize: Option<u64>) -> String {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = match fsize {
        Some(limit) => {
            let mut c = std::process::Command::new("prlimit");
            c.arg(format!("--fsize={limit}:{limit}")).arg("--").arg(exe);
            c.env("HOLDSPACE_TEST_IGNORE_SIGXFSZ", "1");
            c
        }
        None => std::process::Command::new(exe),
    };
    cmd.args(["--exact", "backup::tests::backup_child", "--ignored", "--nocapture", "--test-threads=1"])
        .env("HOLDSPACE_TEST_CHILD_DATA", data)
        .env("HOLDSPACE_TEST_CHILD_OUT", out)
        .stderr(std::process::Stdio::piped());
    if let Some(at) = crash_at {
        cmd.env("HOLDSPACE_TEST_BACKUP_CRASH_AT", at);
    }
    let output = cmd.output().unwrap();
    let said = String::from_utf8_lossy(&output.stdout).lines().filter_map(|l| l.find("BACKUP").map(|i| &l[i..])).collect::<Vec<_>>().join("\n");
    if said.is_empty() && crash_at.is_none() {
        return format!("the child said nothing ({}): {}", output.status, String::from_utf8_lossy(&output.stderr));
    }
    said
}

#[test]
fn a_backup_killed_at_any_step_leaves_no_file_named_as_a_good_backup() {
    let data = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 30);
    let now = store.clock().now();
    drop(store);
    for at in ["copied", "renamed", "keys-written"] {
        let out = tempfile::tempdir().unwrap();
        let said = run_child(data.path(), out.path(), Some(at), None);
        assert_eq!(said, "", "the child stopped at {at} before it could say anything");
        let listed = list(out.path(), Check::Full).unwrap();
        assert!(listed.iter().all(|l| !l.intact()), "{at}: {listed:?}");
        assert!(last_good(&listed).is_none());
        if at == "copied" {
            assert!(names(out.path()).iter().any(|n| n.ends_with(".partial")), "{at}: {:?}", names(out.path()));
            assert!(listed.is_empty(), "an unfinished copy is not listed: {listed:?}");
        } else {
            let BackupState::Failed { reason } = &listed[0].state else { panic!() };
            assert!(reason.contains("interrupted"), "{reason}");
        }
        // The next backup cleans up and is good.
        let w = back_up(&Source::new(data.path(), &key).unwrap(), out.path(), now + chrono::Duration::hours(1), Retention::default()).unwrap();
        assert!(w.manifest.verified());
        assert!(!names(out.path()).iter().any(|n| n.contains(".partial")), "{:?}", names(out.path()));
        assert_eq!(last_good(&list(out.path(), Check::Full).unwrap()).unwrap().database, w.database.display().to_string());
    }
}

/// A small tmpfs mounted for the test (needs root); unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, bytes: u64) -> Option<Tmpfs> {
        if std::env::var_os("HOLDSPACE_TEST_NO_MOUNT").is_some() {
            return None; // to exercise the other way on a machine where mount works
        }
        std::fs::create_dir_all(at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then(|| Tmpfs(at.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// The disk fills up for real in the middle of the copy: a tmpfs just large enough for the
/// first backup (when `mount` works, as root), else the copy runs in a child process under
/// a file size limit (`prlimit --fsize`, RLIMIT_FSIZE) smaller than the database.
#[test]
fn a_disk_that_fills_up_mid_backup_removes_the_partial_copy_and_keeps_the_earlier_backups() {
    let data = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 50);
    let source = Source::new(data.path(), &key).unwrap();
    let now = store.clock().now();
    let scratch = tempfile::tempdir().unwrap();
    let db_len = || {
        store.checkpoint().unwrap();
        std::fs::metadata(data.path().join(crate::store::DB_FILE)).unwrap().len()
    };
    let small = db_len();
    let grow = |store: &Store| {
        let big = "a long note about the session, written to make the record larger than the disk. ".repeat(40);
        for _ in 0..400 {
            store.add_note(2, &big).unwrap();
        }
    };
    let mount_at = scratch.path().join("usb");
    // Room for two small backups, not for one of the grown record.
    if let Some(_fs) = Tmpfs::mount(&mount_at, 3 * small + 256 * 1024) {
        let first = back_up(&source, &mount_at, now, Retention::default()).unwrap();
        grow(&store);
        assert!(db_len() > 4 * small, "the record outgrew the disk");
        let err = back_up(&source, &mount_at, now + chrono::Duration::hours(1), Retention::default()).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Backup, "{err}");
        assert!(err.to_string().contains("is full") && err.to_string().contains(&mount_at.display().to_string()), "{err}");
        assert!(!names(&mount_at).iter().any(|n| n.contains(".partial")), "{:?}", names(&mount_at));
        let listed = list(&mount_at, Check::Full).unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!((listed[0].database.clone(), listed[0].state.clone()), (first.database.display().to_string(), BackupState::Verified));
    } else {
        let out = scratch.path().join("limited");
        std::fs::create_dir(&out).unwrap();
        let first = back_up(&source, &out, now, Retention::default()).unwrap();
        grow(&store);
        let said = run_child(data.path(), &out, None, Some(2 * small));
        assert!(said.contains("BACKUP failed [Backup]") && said.contains("is full"), "{said}");
        assert!(!names(&out).iter().any(|n| n.contains(".partial")), "{:?}", names(&out));
        let listed = list(&out, Check::Full).unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0].database, first.database.display().to_string());
        assert!(listed[0].verified());
    }
    // The record goes on saving.
    store.add_note(2, "saved after the failed backup").unwrap();
}

fn listed_at(name: &str, at: DateTime<Utc>, state: BackupState) -> Listed {
    Listed { name: name.into(), database: format!("{name}.sqlite3"), created_at: Some(at), size: Some(1), sessions: Some(1), entries: Some(1), state, manifest: None }
}

#[test]
fn retention_keeps_two_weeks_then_the_newest_of_each_month_and_never_the_newest_verified() {
    use chrono::TimeZone;
    let now = Local.with_ymd_and_hms(2026, 12, 20, 12, 0, 0).unwrap().with_timezone(&Utc);
    let day = |d: i64| now - chrono::Duration::days(d);
    let v = BackupState::Verified;
    let mut listed = vec![
        listed_at("d1", day(1), v.clone()),
        listed_at("d13", day(13), v.clone()),
        listed_at("d16", day(16), v.clone()), // Dec 4: not the newest of December
        listed_at("nov-late", Local.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap().with_timezone(&Utc), v.clone()),
        listed_at("nov-early", Local.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap().with_timezone(&Utc), v.clone()),
        listed_at("failed-old", Local.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap().with_timezone(&Utc), BackupState::Failed { reason: "cut".into() }),
        listed_at("year-ago", Local.with_ymd_and_hms(2025, 12, 5, 9, 0, 0).unwrap().with_timezone(&Utc), v.clone()),
        listed_at("jan", Local.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap().with_timezone(&Utc), v.clone()),
    ];
    listed.sort_by_key(|l| std::cmp::Reverse(l.created_at));
    let removed: Vec<&str> = plan(&listed, now, Retention::default()).iter().map(|l| l.name.as_str()).collect();
    assert_eq!(removed, vec!["d16", "nov-early", "year-ago"]);
    let removed: Vec<&str> = plan(&listed, now, Retention { days: 14, months: 1 }).iter().map(|l| l.name.as_str()).collect();
    assert_eq!(removed, vec!["d16", "nov-late", "nov-early", "jan", "year-ago"]);
    // Everything old and only the oldest verified: that one stays.
    let old = vec![
        listed_at("not-verified", day(400), BackupState::NotVerified { reason: "x".into() }),
        listed_at("verified", day(500), v.clone()),
    ];
    let removed: Vec<&str> = plan(&old, now, Retention { days: 1, months: 1 }).iter().map(|l| l.name.as_str()).collect();
    assert_eq!(removed, vec!["not-verified"]);
}

#[test]
fn retention_removes_old_backups_from_the_folder_and_leaves_others_files_alone() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 1);
    let source = Source::new(data.path(), &key).unwrap();
    let start = store.clock().now();
    std::fs::write(out.path().join("holdspace-19990101-000000.sqlite3"), b"someone else's").unwrap();
    std::fs::write(out.path().join("notes.txt"), b"mine").unwrap();
    let keep = Retention { days: 2, months: 0 };
    for d in 0..5 {
        back_up(&source, out.path(), start + chrono::Duration::days(d), keep).unwrap();
    }
    let listed = list(out.path(), Check::Full).unwrap();
    let good: Vec<_> = listed.iter().filter(|l| l.verified()).collect();
    assert_eq!(good.len(), 3, "{listed:?}");
    assert!(names(out.path()).contains(&"notes.txt".to_string()));
    assert!(names(out.path()).contains(&"holdspace-19990101-000000.sqlite3".to_string()), "a file with no manifest is never removed");
}

/// A backup folder that became read-only (a USB disk write-protected, a share mounted ro):
/// the backup fails naming the folder, the earlier backup stays verified, the record saves.
/// Made read-only for real: a tmpfs remounted `ro` (as root, where `mount` works), else a
/// folder with no write permission (which root would ignore).
#[test]
fn a_read_only_backup_folder_fails_with_the_folder_named_and_the_record_keeps_working() {
    let data = tempfile::tempdir().unwrap();
    let (key, store) = record(data.path(), 5);
    let source = Source::new(data.path(), &key).unwrap();
    let now = store.clock().now();
    let scratch = tempfile::tempdir().unwrap();
    let at = scratch.path().join("usb");
    let mounted = Tmpfs::mount(&at, 64 * 1024 * 1024);
    if mounted.is_none() {
        std::fs::create_dir_all(&at).unwrap();
    }
    let first = back_up(&source, &at, now, Retention::default()).unwrap();
    let read_only = match &mounted {
        Some(_) => std::process::Command::new("mount").args(["-o", "remount,ro"]).arg(&at).status().is_ok_and(|s| s.success()),
        None => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&at, std::fs::Permissions::from_mode(0o555)).unwrap();
            std::fs::File::create(at.join("probe")).is_err()
        }
    };
    if !read_only {
        eprintln!("this machine cannot make a read-only folder for the test (root without mount)");
        return;
    }
    let err = back_up(&source, &at, now + chrono::Duration::hours(1), Retention::default()).unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::Backup, "{err}");
    assert!(err.to_string().contains(&at.display().to_string()), "the folder is named: {err}");
    let listed = list(&at, Check::Full).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!((listed[0].database.clone(), listed[0].verified()), (first.database.display().to_string(), true));
    store.add_note(2, "saved after the failed backup").unwrap();
    if mounted.is_none() {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&at, std::fs::Permissions::from_mode(0o755));
    }
}

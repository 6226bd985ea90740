//! The vault on real files: create, unlock, refuse, re-wrap, recover, upgrade a plaintext
//! database, and survive a crash at every step of the upgrade.

use super::wrap::TEST_KDF;
use super::*;
use crate::clock::FakeClock;
use crate::session::{NewSession, Route};
use crate::store::Role;

fn clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::at_nine())
}

fn director() -> NewUser {
    NewUser { name: "Dr Ada Lane".into(), role: Role::ClinicalDirector }
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

/// Every file of the folder and its bytes, to show that a refusal changed nothing.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn unlocked(dir: &Path) -> (Vault, Store) {
    let Folder::Encrypted(vault) = settle(dir).unwrap() else { panic!("not encrypted") };
    let (id, _) = vault.users()[0].clone();
    let key = vault.unlock(id, &pass()).unwrap();
    let store = vault.open(&key, clock()).unwrap();
    (vault, store)
}

#[test]
fn a_new_record_is_encrypted_and_opens_only_with_the_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(settle(tmp.path()).unwrap(), Folder::New));
    let created = create(tmp.path(), &director(), &pass(), clock(), TEST_KDF).unwrap();
    assert_eq!(created.user.role, Role::ClinicalDirector);
    let (s, _) = created.store.start_session(session("K-7")).unwrap();
    created.store.add_note(s.id, "client describes a warm heavy feeling in the chest").unwrap();
    drop(created);
    for name in [DB_FILE, KEY_FILE] {
        let bytes = std::fs::read(tmp.path().join(name)).unwrap();
        assert!(!contains(&bytes, "warm heavy feeling"), "{name} shows the note");
        assert!(!contains(&bytes, "K-7"), "{name} shows the client code");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(tmp.path().join(name)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}");
        }
    }
    let (_, store) = unlocked(tmp.path());
    assert_eq!(store.open_session().unwrap().unwrap().client_code, "K-7");
    assert_eq!(store.search("heavy", 10).unwrap().len(), 1);
    let wal = std::fs::read(tmp.path().join(format!("{DB_FILE}-wal"))).unwrap_or_default();
    assert!(!contains(&wal, "warm heavy feeling"), "the log is encrypted too");
}

#[test]
fn a_wrong_passphrase_or_a_plain_build_is_refused_and_nothing_changes() {
    let tmp = tempfile::tempdir().unwrap();
    drop(create(tmp.path(), &director(), &pass(), clock(), TEST_KDF).unwrap());
    let before = snapshot(tmp.path());
    let Folder::Encrypted(vault) = settle(tmp.path()).unwrap() else { panic!() };
    let err = vault.unlock(1, &Passphrase::new("quiet river stones")).unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::WrongSecret);
    assert!(err.to_string().starts_with("That passphrase does not open the record"), "{err}");
    // A build without the key (plain SQLite) cannot read it either.
    let plain = Store::open(&tmp.path().join(DB_FILE), clock()).err().unwrap();
    assert_eq!(plain.kind(), crate::ErrorKind::Corrupt, "{plain}");
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn a_long_passphrase_with_emoji_works_and_a_new_one_replaces_the_old() {
    let tmp = tempfile::tempdir().unwrap();
    let long: String = "🌙 the room is dark and quiet ".chars().cycle().take(1000).collect();
    let created = create(tmp.path(), &director(), &Passphrase::new_checked(long.clone()).unwrap(), clock(), TEST_KDF).unwrap();
    let mut vault = created.vault;
    let key = vault.unlock(1, &Passphrase::new(long.clone())).unwrap();
    vault.set_passphrase(&key, &created.user, &pass()).unwrap();
    drop(created.store);
    let Folder::Encrypted(reread) = settle(tmp.path()).unwrap() else { panic!() };
    assert!(reread.unlock(1, &Passphrase::new(long)).is_err(), "the old passphrase no longer opens it");
    let key = reread.unlock(1, &pass()).unwrap();
    reread.open(&key, clock()).unwrap();
}

#[test]
fn the_recovery_key_opens_the_record_when_the_passphrase_is_forgotten() {
    let tmp = tempfile::tempdir().unwrap();
    let created = create(tmp.path(), &director(), &pass(), clock(), TEST_KDF).unwrap();
    let shown = created.recovery.display().to_string();
    drop(created);
    let Folder::Encrypted(vault) = settle(tmp.path()).unwrap() else { panic!() };
    let key = vault.recover(&RecoveryKey::parse(&shown).unwrap()).unwrap();
    vault.open(&key, clock()).unwrap();
    let wrong = vault.recover(&RecoveryKey::random().unwrap()).unwrap_err();
    assert_eq!(wrong.kind(), crate::ErrorKind::WrongSecret);
}

#[test]
fn a_key_file_from_another_database_edited_or_cut_short_is_named_as_such() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    drop(create(a.path(), &director(), &pass(), clock(), TEST_KDF).unwrap());
    drop(create(b.path(), &director(), &pass(), clock(), TEST_KDF).unwrap());
    let keys_b = std::fs::read(b.path().join(KEY_FILE)).unwrap();
    let keys_a = std::fs::read(a.path().join(KEY_FILE)).unwrap();
    // B's key file beside A's database: it unlocks B's key, which does not decrypt A.
    std::fs::write(a.path().join(KEY_FILE), &keys_b).unwrap();
    let Folder::Encrypted(vault) = settle(a.path()).unwrap() else { panic!() };
    let key = vault.unlock(1, &pass()).unwrap();
    let err = vault.open(&key, clock()).err().unwrap();
    assert_eq!(err.kind(), crate::ErrorKind::WrongKey, "{err}");
    // Cut short.
    std::fs::write(a.path().join(KEY_FILE), &keys_a[..keys_a.len() / 2]).unwrap();
    let err = settle(a.path()).unwrap_err();
    assert_eq!(err.kind(), crate::ErrorKind::KeyFile);
    assert!(err.to_string().contains("damaged or incomplete (line"), "{err}");
    // A name edited by hand: the seal shows it once unlocked.
    let edited = String::from_utf8(keys_a.clone()).unwrap().replace("Dr Ada Lane", "Dr Eve Lane");
    std::fs::write(a.path().join(KEY_FILE), edited).unwrap();
    let Folder::Encrypted(vault) = settle(a.path()).unwrap() else { panic!() };
    let err = vault.unlock(1, &pass()).unwrap_err();
    assert!(err.to_string().contains("edited outside Holdspace"), "{err}");
    // The key file gone: the database is not touched, and the message says what to do.
    std::fs::remove_file(a.path().join(KEY_FILE)).unwrap();
    let err = settle(a.path()).unwrap_err();
    assert!(err.to_string().contains("put its key file back from a backup"), "{err}");
    assert_eq!(err.kind(), crate::ErrorKind::Corrupt);
}

/// A plaintext database of an earlier version, with `n` notes in one session.
fn plaintext_record(dir: &Path, n: usize) -> Vec<String> {
    let store = Store::open(&dir.join(DB_FILE), clock()).unwrap();
    let (s, _) = store.start_session(session("K-42")).unwrap();
    let notes = plaintext_record_notes(n);
    for t in &notes {
        store.add_note(s.id, t).unwrap();
    }
    notes
}

fn plaintext_record_notes(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("observation number {i}: breathing slow and even")).collect()
}

fn notes_of(store: &Store) -> Vec<String> {
    let s = store.list_sessions().unwrap();
    store
        .entries(s[0].id)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.body {
            crate::EntryBody::Note { text, .. } => Some(text),
            _ => None,
        })
        .collect()
}

#[test]
fn a_plaintext_database_is_encrypted_verified_and_its_plaintext_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = plaintext_record(tmp.path(), 50);
    assert!(matches!(settle(tmp.path()).unwrap(), Folder::Plaintext));
    let created = create(tmp.path(), &director(), &pass(), clock(), TEST_KDF).unwrap();
    assert_eq!(notes_of(&created.store), notes);
    assert_eq!(created.store.search("breathing", 100).unwrap().len(), 50, "the search index came along");
    drop(created);
    for (name, bytes) in snapshot(tmp.path()) {
        assert!(!contains(&bytes, "breathing slow"), "{name} still shows a note");
    }
    let (_, store) = unlocked(tmp.path());
    assert_eq!(notes_of(&store), notes);
}

#[test]
fn a_damaged_plaintext_database_is_refused_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    plaintext_record(tmp.path(), 200);
    let db = tmp.path().join(DB_FILE);
    let mut bytes = std::fs::read(&db).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 4096].fill(0x5a);
    std::fs::write(&db, &bytes).unwrap();
    let before = snapshot(tmp.path());
    let err = create(tmp.path(), &director(), &pass(), clock(), TEST_KDF).err().unwrap();
    assert_eq!(err.kind(), crate::ErrorKind::Corrupt, "{err}");
    assert_eq!(snapshot(tmp.path()), before);
}

/// Run as a child process by the crash test: the upgrade of the folder it is given.
#[test]
#[ignore = "a child process of the crash tests"]
fn upgrade_child() {
    let Ok(dir) = std::env::var("HOLDSPACE_TEST_CHILD_DIR") else { return };
    let _ = create(Path::new(&dir), &director(), &pass(), clock(), TEST_KDF);
}

fn run_child(dir: &Path, crash_at: Option<&str>, kill_after: Option<std::time::Duration>) {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "vault::tests::upgrade_child", "--ignored", "--quiet", "--test-threads=1"])
        .env("HOLDSPACE_TEST_CHILD_DIR", dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Some(at) = crash_at {
        cmd.env("HOLDSPACE_TEST_CRASH_AT", at);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(after) = kill_after {
        std::thread::sleep(after);
        let _ = child.kill(); // SIGKILL
    }
    let _ = child.wait();
}

/// After any crash: the plaintext record whole, or the encrypted one whole. Never neither.
fn assert_one_whole_record(dir: &Path, notes: &[String]) -> &'static str {
    match settle(dir).unwrap() {
        Folder::Plaintext => {
            let store = Store::open(&dir.join(DB_FILE), clock()).unwrap();
            assert_eq!(notes_of(&store), notes);
            "plaintext"
        }
        Folder::Encrypted(_) => {
            let (_, store) = unlocked(dir);
            assert_eq!(notes_of(&store), notes);
            "encrypted"
        }
        Folder::New => panic!("the record is gone"),
    }
}

#[test]
fn a_crash_at_any_step_of_the_upgrade_leaves_one_whole_record() {
    for (at, expect) in
        [("exported", "plaintext"), ("built", "plaintext"), ("keys-written", "plaintext"), ("swapped", "encrypted")]
    {
        let tmp = tempfile::tempdir().unwrap();
        let notes = plaintext_record(tmp.path(), 30);
        run_child(tmp.path(), Some(at), None);
        assert_eq!(assert_one_whole_record(tmp.path(), &notes), expect, "crash {at}");
        // Whatever was left, the upgrade can be run again and finishes.
        if expect == "plaintext" {
            drop(create(tmp.path(), &director(), &pass(), clock(), TEST_KDF).unwrap());
            assert_eq!(assert_one_whole_record(tmp.path(), &notes), "encrypted");
        }
    }
}

#[test]
fn killed_at_random_moments_during_the_upgrade_one_whole_record_remains() {
    // A record large enough that the upgrade takes a while; kills spread over it.
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64;
    let mut x = seed | 1;
    let mut seen = std::collections::BTreeMap::new();
    // How long a whole upgrade takes here (child start included), so the kills cover it.
    let probe = tempfile::tempdir().unwrap();
    plaintext_record(probe.path(), 400);
    let t0 = std::time::Instant::now();
    run_child(probe.path(), None, None);
    let whole_ms = t0.elapsed().as_millis() as u64;
    assert_eq!(assert_one_whole_record(probe.path(), &plaintext_record_notes(400)), "encrypted");
    for _ in 0..12 {
        let tmp = tempfile::tempdir().unwrap();
        let notes = plaintext_record(tmp.path(), 400);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let ms = x % (whole_ms + whole_ms / 5).max(1);
        run_child(tmp.path(), None, Some(std::time::Duration::from_millis(ms)));
        *seen.entry(assert_one_whole_record(tmp.path(), &notes)).or_insert(0) += 1;
    }
    eprintln!("killed upgrades (seed {seed}, a whole upgrade {whole_ms} ms): {seen:?}");
}

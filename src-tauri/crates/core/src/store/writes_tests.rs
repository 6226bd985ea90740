//! Keyed writes and the outbox, on real files, with a real second process holding the lock.

use super::*;
use crate::clock::FakeClock;
use crate::entry::EntryBody;
use crate::outbox::{Kept, Outbox, OutboxEvent, Submitted};
use crate::session::{NewSession, Route};
use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn new_session() -> NewSession {
    NewSession {
        client_code: "K-OUT".into(),
        therapist: "Dr Rowe".into(),
        route: Route::Intramuscular,
        protocol: "im-ketamine".into(),
        intention: String::new(),
    }
}

fn note(key: &str, session_id: i64, text: &str) -> Write {
    Write {
        key: key.into(),
        session_id,
        at: FakeClock::at_nine().now(),
        op: WriteOp::Note { text: text.into(), theme: false },
        author: None,
    }
}

/// Another program holding `BEGIN EXCLUSIVE` until dropped.
struct Holder(Child);

impl Holder {
    fn hold(db: &Path) -> Holder {
        let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('BEGIN EXCLUSIVE')\nprint('held', flush=True)\nsys.stdin.read()\nc.execute('COMMIT')\nc.close()";
        let mut child = Command::new("python3")
            .args(["-c", script])
            .arg(db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "held");
        Holder(child)
    }

    fn release(mut self) {
        drop(self.0.stdin.take());
        self.0.wait().unwrap();
    }
}

fn notes(store: &Store, session_id: i64) -> Vec<String> {
    store
        .entries(session_id)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.body {
            EntryBody::Note { text, .. } => Some(text),
            _ => None,
        })
        .collect()
}

fn outbox(store: &Arc<Store>, dir: &Path) -> (Outbox, mpsc::Receiver<OutboxEvent>) {
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let ob = Outbox::start(store.clone(), dir, Box::new(move |e| drop(tx.lock().unwrap().send(e))));
    (ob, rx)
}

fn wait_saved(rx: &mpsc::Receiver<OutboxEvent>, key: &str) -> Vec<crate::entry::Entry> {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while std::time::Instant::now() < deadline {
        if let Ok(OutboxEvent::Saved { key: k, entries }) = rx.recv_timeout(Duration::from_millis(200)) {
            if k == key {
                return entries;
            }
        }
    }
    panic!("{key} was not saved");
}

#[test]
fn a_key_is_applied_once() {
    let store = Store::open_in_memory(Arc::new(FakeClock::at_nine())).unwrap();
    let (s, _) = store.start_session(new_session()).unwrap();
    let first = store.apply(&note("k-1", s.id, "calm")).unwrap();
    let again = store.apply(&note("k-1", s.id, "calm")).unwrap();
    assert_eq!(first[0].id, again[0].id);
    assert_eq!(notes(&store, s.id), vec!["calm"]);
    assert!(store.apply(&note("bad key!", s.id, "x")).is_err(), "keys are plain");
}

#[test]
fn a_write_made_while_another_program_holds_the_database_is_kept_and_saved_once() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join(DB_FILE);
    let store = Arc::new(Store::open(&db, Arc::new(FakeClock::at_nine())).unwrap());
    let (s, _) = store.start_session(new_session()).unwrap();
    let (ob, rx) = outbox(&store, tmp.path());
    let holder = Holder::hold(&db);
    let pending = match ob.submit(note("n-1", s.id, "held breath")).unwrap() {
        Submitted::NotSavedYet(p) => p,
        Submitted::Saved(_) => panic!("saved through an exclusive lock"),
    };
    assert!(pending.problem.message.starts_with("Another program is holding the database (pid"), "{:?}", pending.problem);
    assert!(pending.problem.message.contains("python3"), "{:?}", pending.problem);
    assert_eq!(pending.kept, Kept::DataFolder);
    // A second entry waits behind the first; the same key sent again is not a second entry.
    assert!(matches!(ob.submit(note("n-2", s.id, "exhales")).unwrap(), Submitted::NotSavedYet(_)));
    assert!(matches!(ob.submit(note("n-1", s.id, "held breath")).unwrap(), Submitted::NotSavedYet(_)));
    assert_eq!(ob.pending().len(), 2);
    assert!(tmp.path().join("pending-entries.json").exists(), "kept on disk while waiting");
    holder.release();
    wait_saved(&rx, "n-1");
    wait_saved(&rx, "n-2");
    assert_eq!(notes(&store, s.id), vec!["held breath", "exhales"], "in order, once each");
    assert!(ob.pending().is_empty());
    assert!(!tmp.path().join("pending-entries.json").exists());
    // The kept time is when it was made, not when it reached the disk.
    let saved = store.entries_with_key("n-1").unwrap();
    assert_eq!(saved[0].at, FakeClock::at_nine().now());
}

#[test]
fn waiting_entries_survive_the_app_closing_and_are_saved_once_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join(DB_FILE);
    let store = Arc::new(Store::open(&db, Arc::new(FakeClock::at_nine())).unwrap());
    let (s, _) = store.start_session(new_session()).unwrap();
    let holder = Holder::hold(&db);
    {
        let (ob, _rx) = outbox(&store, tmp.path());
        assert!(matches!(ob.submit(note("r-1", s.id, "kept across a crash")).unwrap(), Submitted::NotSavedYet(_)));
        ob.stop();
    }
    holder.release();
    // A stale journal entry that did reach the file (a crash between commit and clearing the
    // journal) is replayed too, and must not be written twice.
    store.apply(&note("r-0", s.id, "already saved")).unwrap();
    let journal = tmp.path().join("pending-entries.json");
    let mut writes: Vec<serde_json::Value> = serde_json::from_str(&std::fs::read_to_string(&journal).unwrap()).unwrap();
    writes.insert(0, serde_json::to_value(note("r-0", s.id, "already saved")).unwrap());
    std::fs::File::create(&journal).unwrap().write_all(serde_json::to_string(&writes).unwrap().as_bytes()).unwrap();
    let (_ob, rx) = outbox(&store, tmp.path());
    wait_saved(&rx, "r-1");
    assert_eq!(notes(&store, s.id), vec!["already saved", "kept across a crash"]);
}

#[test]
fn a_kept_write_the_session_no_longer_accepts_is_reported_not_dropped_silently() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join(DB_FILE);
    let store = Arc::new(Store::open(&db, Arc::new(FakeClock::at_nine())).unwrap());
    let (s, _) = store.start_session(new_session()).unwrap();
    let holder = Holder::hold(&db);
    let (ob, rx) = outbox(&store, tmp.path());
    assert!(matches!(ob.submit(note("f-1", s.id, "late")).unwrap(), Submitted::NotSavedYet(_)));
    ob.stop();
    holder.release();
    store.end_session(s.id, "").unwrap();
    drop(ob);
    let (_ob2, rx2) = outbox(&store, tmp.path());
    drop(rx);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        assert!(std::time::Instant::now() < deadline, "no failure reported");
        if let Ok(OutboxEvent::Failed { key, message, .. }) = rx2.recv_timeout(Duration::from_millis(200)) {
            assert_eq!(key, "f-1");
            assert!(message.contains("ended"), "{message}");
            break;
        }
    }
}

#[test]
fn refusals_a_retry_cannot_mend_come_back_at_once_and_nothing_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&tmp.path().join(DB_FILE), Arc::new(FakeClock::at_nine())).unwrap());
    let (s, _) = store.start_session(new_session()).unwrap();
    let (ob, _rx) = outbox(&store, tmp.path());
    let err = ob.submit(note("e-1", s.id, "   ")).err().unwrap();
    assert!(err.to_string().contains("empty"), "{err}");
    assert!(ob.pending().is_empty());
}

#[test]
fn the_journal_of_an_encrypted_record_is_sealed_and_read_back_only_with_its_key() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join(DB_FILE);
    let store = Arc::new(Store::open(&db, Arc::new(FakeClock::at_nine())).unwrap());
    let (s, _) = store.start_session(new_session()).unwrap();
    let key = crate::vault::DbKey::random().unwrap();
    let journal = tmp.path().join("pending-entries.json");
    let holder = Holder::hold(&db);
    {
        let ob = Outbox::start_sealed(store.clone(), tmp.path(), Some(key.subkey(crate::vault::JOURNAL_PURPOSE)), Box::new(|_| {}));
        assert!(matches!(ob.submit(note("j-1", s.id, "spoke of her grandmother")).unwrap(), Submitted::NotSavedYet(_)));
        ob.stop();
    }
    let bytes = std::fs::read(&journal).unwrap();
    assert!(crate::vault::is_sealed(&bytes));
    assert!(!bytes.windows(11).any(|w| w == b"grandmother"), "the waiting note is not readable on disk");
    holder.release();
    // Another key cannot read it, and leaves it as it is.
    {
        let other = crate::vault::DbKey::random().unwrap();
        let ob = Outbox::start_sealed(store.clone(), tmp.path(), Some(other.subkey(crate::vault::JOURNAL_PURPOSE)), Box::new(|_| {}));
        assert!(ob.pending().is_empty());
        ob.stop();
    }
    assert_eq!(std::fs::read(&journal).unwrap(), bytes);
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let ob = Outbox::start_sealed(
        store.clone(),
        tmp.path(),
        Some(key.subkey(crate::vault::JOURNAL_PURPOSE)),
        Box::new(move |e| drop(tx.lock().unwrap().send(e))),
    );
    wait_saved(&rx, "j-1");
    assert_eq!(notes(&store, s.id), vec!["spoke of her grandmother"]);
    ob.stop();
}

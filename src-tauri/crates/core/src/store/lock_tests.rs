//! The process never loses its POSIX locks on the database while a connection is open. An
//! outside SQLite client (the `sqlite3` shell, Python, a backup tool) that opens and closes the
//! file must then find the app still there, and leave the WAL alone. These tests use a real
//! second process, because locks are per process.

use super::*;
use crate::clock::FakeClock;
use crate::session::{NewSession, Route};
use super::lock_probe::outside_can_lock_exclusively;
use std::process::Command;

fn new_session() -> NewSession {
    NewSession {
        client_code: "K-LOCK".into(),
        therapist: "Dr Rowe".into(),
        route: Route::Intramuscular,
        protocol: "im-ketamine".into(),
        intention: String::new(),
    }
}

/// An ordinary outside read, as a person would do it: open, count, close.
fn outside_count(db: &Path) -> i64 {
    let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nprint(c.execute('select count(*) from entries').fetchone()[0])\nc.close()";
    let out = Command::new("python3").args(["-c", script]).arg(db).output().expect("python3 runs");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)))
}

fn wal(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

#[test]
fn the_lock_is_held_through_every_code_path_that_opens_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join(DB_FILE);
    let store = Store::open(&db, Arc::new(FakeClock::at_nine())).unwrap();
    let (s, _) = store.start_session(new_session()).unwrap();
    store.add_note(s.id, "first").unwrap();
    assert!(!outside_can_lock_exclusively(&db), "an open store holds SHARED");
    // Each way the app opens the same file again while the first connection is open: a second
    // store (the old loudness cache did this, and its header check dropped the lock), a read of
    // the data folder's health, a schema read.
    drop(Store::open(&db, Arc::new(FakeClock::at_nine())).unwrap());
    let _ = health::lock_holders(&db);
    let _ = health::space_warning(tmp.path());
    let _ = store.schema_version().unwrap();
    let _ = crate::outbox::Outbox::start(Arc::new(Store::open(&db, Arc::new(FakeClock::at_nine())).unwrap()), tmp.path(), Box::new(|_| {}));
    assert!(
        !outside_can_lock_exclusively(&db),
        "a code path closed a descriptor of the database outside SQLite and dropped the process's locks"
    );
}

#[test]
fn an_outside_reader_never_costs_the_app_its_later_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join(DB_FILE);
    let store = Store::open(&db, Arc::new(FakeClock::at_nine())).unwrap();
    let (s, _) = store.start_session(new_session()).unwrap();
    store.add_note(s.id, "before the outside read").unwrap();
    drop(Store::open(&db, Arc::new(FakeClock::at_nine())).unwrap());
    assert_eq!(outside_count(&db), 2);
    assert!(wal(&db).exists(), "the outside reader must not have deleted the WAL under the app");
    for n in 1..=3 {
        store.add_note(s.id, &format!("after the outside read {n}")).unwrap();
    }
    // A fresh process sees them: they reached the real WAL, not a deleted one.
    assert_eq!(outside_count(&db), 5);
}

//! Store tests on real SQLite files in a temporary folder.

use super::*;
use crate::clock::FakeClock;
use crate::error::ErrorKind;
use crate::entry::{DoseInput, EntryBody};
use crate::session::{NewSession, Route, SessionState};
use chrono::Duration;

fn clock() -> Arc<FakeClock> {
    Arc::new(FakeClock::at_nine())
}

fn new_session(code: &str) -> NewSession {
    NewSession {
        client_code: code.into(),
        therapist: "Dr Rowe".into(),
        route: Route::Intramuscular,
        protocol: "im-ketamine".into(),
        intention: "to rest in what arises".into(),
    }
}

fn dose(amount: f64) -> DoseInput {
    DoseInput {
        substance: "ketamine".into(),
        amount,
        unit: "mg".into(),
        route: Route::Intramuscular,
        lot: "LOT-7".into(),
        minutes_ago: None, devices: None, override_reason: None,
    }
}

#[test]
fn migrates_an_empty_file_and_reopens_it() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE);
    let store = Store::open(&path, clock()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let (session, _) = store.start_session(new_session("K-1")).unwrap();
    drop(store);
    let store = Store::open(&path, clock()).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.session(session.id).unwrap().client_code, "K-1");
}

#[cfg(unix)]
#[test]
fn the_database_file_is_readable_by_the_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE);
    let store = Store::open(&path, clock()).unwrap();
    store.start_session(new_session("K-1")).unwrap();
    for file in [path.clone(), tmp.path().join(format!("{DB_FILE}-wal"))] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE);
    drop(Store::open(&path, clock()).unwrap());
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path, clock()).err().unwrap();
    assert!(matches!(err, Error::NewerSchema { found, .. } if found == SCHEMA_VERSION + 1), "{err}");
    assert!(err.to_string().contains("newer Holdspace"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_corrupt_file_is_refused_and_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE);
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&path, clock()).err().unwrap();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains(&path.display().to_string()), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage, "the file must not change");
    assert!(!tmp.path().join(format!("{DB_FILE}-wal")).exists());
}

#[test]
fn a_damaged_holdspace_database_is_refused_and_not_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE);
    {
        let store = Store::open(&path, clock()).unwrap();
        store.start_session(new_session("K-1")).unwrap();
        let conn = store.conn();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    // Keep the header, scribble over the schema page.
    let mut bytes = std::fs::read(&path).unwrap();
    for b in bytes.iter_mut().skip(100).take(3000) {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path, clock()).err().unwrap();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn another_programs_sqlite_file_is_not_migrated() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("other.sqlite3");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE songs (id INTEGER);").unwrap();
    }
    let err = Store::open(&path, clock()).err().unwrap();
    assert!(err.to_string().contains("not a Holdspace database"), "{err}");
}

#[test]
fn entries_append_in_order_with_elapsed_time_from_the_first_dose() {
    let clock = clock();
    let store = Store::open_in_memory(clock.clone()).unwrap();
    let (session, started) = store.start_session(new_session("K-2")).unwrap();
    assert_eq!((started.seq, started.elapsed_ms), (1, None));
    clock.advance(Duration::minutes(5));
    let before = store.add_note(session.id, "baseline calm").unwrap();
    assert_eq!(before.elapsed_ms, None, "no dose yet");
    clock.advance(Duration::minutes(3));
    let d = store.record_dose(session.id, dose(50.0)).unwrap();
    assert_eq!(d.elapsed_ms, Some(0));
    clock.advance(Duration::seconds(95));
    let note = store.add_note(session.id, "eyes closed").unwrap();
    assert_eq!(note.elapsed_ms, Some(95_000));
    clock.advance(Duration::minutes(20));
    let booster = store.record_dose(session.id, dose(25.0)).unwrap();
    match &booster.body {
        EntryBody::Dose(d) => assert!(d.booster),
        other => panic!("{other:?}"),
    }
    let all = store.entries(session.id).unwrap();
    assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    assert_eq!(all[3], note);
    let s = store.session(session.id).unwrap();
    assert_eq!(s.first_dose_at, match &d.body { EntryBody::Dose(d) => Some(d.given_at), _ => None });
}

#[test]
fn a_backdated_dose_counts_from_when_it_was_given() {
    let clock = clock();
    let store = Store::open_in_memory(clock.clone()).unwrap();
    let (session, _) = store.start_session(new_session("K-3")).unwrap();
    clock.advance(Duration::minutes(10));
    let mut input = dose(50.0);
    input.minutes_ago = Some(4);
    store.record_dose(session.id, input).unwrap();
    let note = store.add_note(session.id, "onset").unwrap();
    assert_eq!(note.elapsed_ms, Some(4 * 60_000));
    let mut too_early = dose(10.0);
    too_early.minutes_ago = Some(30);
    assert!(store.record_dose(session.id, too_early).is_err(), "before the session started");
}

#[test]
fn hostile_text_is_stored_and_read_back_verbatim() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE);
    let store = Store::open(&path, clock()).unwrap();
    let (session, _) = store.start_session(new_session("K-4")).unwrap();
    let texts = [
        "she said \"it's like floating\" — 'quiet'",
        "🙂🌊 tearful, then laughing 😂",
        "line one\nline two\r\n\ttabbed",
        "'); DROP TABLE entries; --",
        "<script>alert(1)</script>",
    ];
    for t in texts {
        store.add_note(session.id, t).unwrap();
    }
    drop(store);
    let store = Store::open(&path, clock()).unwrap();
    let notes: Vec<String> = store
        .entries(session.id)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.body {
            EntryBody::Note { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(notes, texts);
}

#[test]
fn a_huge_note_is_refused_and_nothing_recorded_is_lost() {
    let store = Store::open_in_memory(clock()).unwrap();
    let (session, _) = store.start_session(new_session("K-5")).unwrap();
    store.add_note(session.id, "kept").unwrap();
    let err = store.add_note(session.id, &"a".repeat(100_000)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert_eq!(store.entries(session.id).unwrap().len(), 2);
}

#[test]
fn ending_twice_and_dosing_after_the_end_are_refused() {
    let store = Store::open_in_memory(clock()).unwrap();
    let (session, _) = store.start_session(new_session("K-6")).unwrap();
    store.record_dose(session.id, dose(50.0)).unwrap();
    store.end_session(session.id, "").unwrap();
    let again = store.end_session(session.id, "").unwrap_err();
    assert_eq!(again.kind(), ErrorKind::SessionClosed);
    assert!(again.to_string().contains("already ended"), "{again}");
    let late = store.record_dose(session.id, dose(10.0)).unwrap_err();
    assert_eq!(late.kind(), ErrorKind::SessionClosed);
    assert!(store.add_note(session.id, "late").is_err());
    assert_eq!(store.entries(session.id).unwrap().len(), 3);
    assert_eq!(store.session(session.id).unwrap().state, SessionState::Ended);
}

#[test]
fn only_one_session_is_open_at_a_time() {
    let store = Store::open_in_memory(clock()).unwrap();
    let (first, _) = store.start_session(new_session("K-7")).unwrap();
    let err = store.start_session(new_session("K-8")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SessionAlreadyOpen);
    assert_eq!(store.open_session().unwrap().map(|s| s.id), Some(first.id));
    store.end_session(first.id, "").unwrap();
    assert!(store.start_session(new_session("K-8")).is_ok());
    assert_eq!(store.list_sessions().unwrap().len(), 2);
}

#[test]
fn the_database_itself_refuses_to_change_or_delete_entries() {
    let store = Store::open_in_memory(clock()).unwrap();
    let (session, _) = store.start_session(new_session("K-9")).unwrap();
    let note = store.add_note(session.id, "original").unwrap();
    let conn = store.conn();
    let update = conn.execute("UPDATE entries SET body = '{}' WHERE id = ?1", [note.id]);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM entries WHERE id = ?1", [note.id]);
    assert!(delete.unwrap_err().to_string().contains("cannot be deleted"));
    assert!(conn.execute("DELETE FROM sessions", []).is_err());
}

#[cfg(target_os = "linux")]
#[test]
fn a_data_folder_that_is_not_writable_gets_a_clear_message() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let locked = tmp.path().join("readonly");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
    // root ignores file modes; sysfs refuses new folders even to root.
    let parent = if std::fs::File::create(locked.join("probe")).is_ok() {
        PathBuf::from("/sys")
    } else {
        locked
    };
    let err = DataDir::open(&parent.join("holdspace-test")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DataDir);
    assert!(err.to_string().contains("permission denied"), "{err}");
}

#[test]
fn a_data_folder_path_that_is_a_file_gets_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let err = DataDir::open(&file).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DataDir);
    assert!(err.to_string().contains(&file.display().to_string()), "{err}");
}

#[test]
fn an_acknowledged_entry_survives_the_process_dying() {
    // The connection is leaked, never closed: what a SIGKILL leaves behind.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE);
    let store = Store::open(&path, clock()).unwrap();
    let (session, _) = store.start_session(new_session("K-10")).unwrap();
    store.add_note(session.id, "saved before the crash").unwrap();
    std::mem::forget(store);
    let reopened = Store::open(&path, clock()).unwrap();
    assert_eq!(reopened.entries(session.id).unwrap().len(), 2);
}

#[test]
fn every_route_a_template_may_name_starts_a_session_and_reads_back() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&tmp.path().join(DB_FILE), clock()).unwrap();
    for route in Route::ALL {
        let mut s = new_session("K-R");
        s.route = route;
        s.protocol = format!("clinic-{}", route.as_str());
        let (session, _) = store.start_session(s).unwrap();
        assert_eq!(store.session(session.id).unwrap().route, route);
        store.end_session(session.id, "").unwrap();
    }
    let listed: Vec<Route> = store.review_list(&ReviewFilter::default()).unwrap().into_iter().map(|r| r.route).collect();
    for route in Route::ALL {
        assert!(listed.contains(&route), "{route:?} in the review list: {listed:?}");
    }
    // A route this build does not know is an error to see, never read as another route.
    store.conn().execute("INSERT INTO sessions (client_code, therapist, route, protocol, created_ms, state, ended_ms) VALUES ('K-X', 'Dr Rowe', 'rectal', 'x', 1, 'ended', 2)", []).unwrap();
    let err = store.review_list(&ReviewFilter::default()).unwrap_err();
    assert!(err.to_string().contains("unknown route \"rectal\""), "{err}");
}

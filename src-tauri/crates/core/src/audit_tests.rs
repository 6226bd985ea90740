//! The audit on a real file: every action is written, chained and filtered; a write that meets
//! a busy or absent store waits, and is written late behind a gap row that says so.

use super::*;
use crate::clock::{Clock, FakeClock};
use crate::store::{Store, DB_FILE};
use chrono::Duration;
use std::sync::Arc;

#[test]
fn every_action_is_written_chained_and_found_by_user_session_and_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&tmp.path().join(DB_FILE), clock.clone()).unwrap();
    let (s, _) = store
        .start_session(crate::session::NewSession {
            client_code: "K-1".into(),
            therapist: "Dr Rowe".into(),
            route: crate::session::Route::Intramuscular,
            protocol: "im-ketamine".into(),
            intention: String::new(),
        })
        .unwrap();
    for (i, action) in AuditAction::ALL.into_iter().enumerate() {
        let user = if i % 2 == 0 { "Dr Rowe" } else { "Dr Lane" };
        let session = (i % 3 == 0).then_some(s.id);
        store.audit(&AuditEvent::new(clock.now(), user, action, session, format!("detail {i}"))).unwrap();
        clock.advance(Duration::seconds(1));
    }
    let all = store.audit_log(&AuditFilter::default()).unwrap();
    assert_eq!(all.len(), AuditAction::ALL.len());
    assert_eq!(all[0].action, "audit_gap", "newest first");
    let names: std::collections::BTreeSet<&str> = all.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(names.len(), AuditAction::ALL.len(), "each action kept its own name");
    assert!(all.iter().all(|r| AuditAction::parse(&r.action).map(AuditAction::label) == Some(r.label.as_str())));
    let rowe = store.audit_log(&AuditFilter { user_name: Some("dr rowe".into()), ..AuditFilter::default() }).unwrap();
    assert_eq!(rowe.len(), 11);
    assert!(rowe.iter().all(|r| r.user_name == "Dr Rowe"));
    let session = store.audit_log(&AuditFilter { session_id: Some(s.id), ..AuditFilter::default() }).unwrap();
    assert_eq!(session.len(), 8);
    let exports = store.audit_log(&AuditFilter { action: Some(AuditAction::Export), ..AuditFilter::default() }).unwrap();
    assert_eq!((exports.len(), exports[0].detail.as_str()), (1, "detail 6"));
    assert_eq!(store.audit_log(&AuditFilter { limit: Some(2), ..AuditFilter::default() }).unwrap().len(), 2);
    let chain = store.verify_access_log().unwrap();
    assert_eq!((chain.rows, chain.broken), (AuditAction::ALL.len() as i64, None));
    assert_eq!(store.log_access("Dr Rowe", "peek", None, "").unwrap_err().kind(), crate::error::ErrorKind::Invalid);
    // A session this record does not have is named in the words, never refused.
    store.log_access("Dr Rowe", "verify", Some(99), "asked on the command line").unwrap();
    let last = &store.audit_log(&AuditFilter { limit: Some(1), ..AuditFilter::default() }).unwrap()[0];
    assert_eq!((last.session_id, last.detail.as_str()), (None, "session 99 (not in this record): asked on the command line"));
}

#[test]
fn an_event_the_store_cannot_take_waits_and_is_written_late_behind_a_gap_row() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE);
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&path, clock.clone()).unwrap();
    let trail = AuditTrail::default();
    // Another program holds the write lock (a `sqlite3` shell in a transaction).
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE; INSERT INTO database_identity VALUES (1, 'x');").unwrap();
    let searched_at = clock.now();
    trail.record(Some(&store), AuditEvent::new(searched_at, "Dr Rowe", AuditAction::Search, None, "query: cello"));
    assert_eq!(trail.waiting(), 1, "kept, not lost, and no error for the search");
    other.execute_batch("ROLLBACK").unwrap();
    clock.advance(Duration::minutes(3));
    trail.record(Some(&store), AuditEvent::new(clock.now(), "Dr Rowe", AuditAction::ReviewOpened, None, "K-1"));
    assert_eq!(trail.waiting(), 0);
    let rows = store.audit_log(&AuditFilter::default()).unwrap();
    let actions: Vec<&str> = rows.iter().rev().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["audit_gap", "search", "review_opened"]);
    let gap = &rows[2];
    assert!(gap.detail.starts_with("2 audit event(s) could not be written from 2026-"), "{}", gap.detail);
    assert!(gap.detail.contains("they follow, each with its own time"), "{}", gap.detail);
    assert_eq!(rows[1].at, searched_at, "written late with the time it happened");
    assert!(store.verify_access_log().unwrap().broken.is_none());
}

#[test]
fn a_failed_sign_in_before_the_record_is_open_is_written_once_it_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at_nine());
    let trail = AuditTrail::default();
    trail.record(None, AuditEvent::new(clock.now(), "Dr Rowe", AuditAction::SignInFailed, None, "wrong passphrase"));
    assert_eq!(trail.waiting(), 1);
    let store = Store::open(&tmp.path().join(DB_FILE), clock.clone()).unwrap();
    trail.flush(&store);
    let rows = store.audit_log(&AuditFilter::default()).unwrap();
    assert_eq!(rows.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(), ["sign_in_failed"], "no gap: nothing failed");
}

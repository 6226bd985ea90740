//! Review rules at the store level: amendments, signing, addenda, search, integration notes.

use super::*;
use crate::clock::FakeClock;
use crate::entry::EntryBody;
use crate::error::ErrorKind;
use crate::session::{NewSession, Route, SessionState};
use chrono::Duration;

fn ended_session(store: &Store, code: &str) -> i64 {
    let (s, _) = store
        .start_session(NewSession {
            client_code: code.into(),
            therapist: "Dr Rowe".into(),
            route: Route::Sublingual,
            protocol: "sublingual-lozenge".into(),
            intention: "meet the grief gently".into(),
        })
        .unwrap();
    store.add_note(s.id, "BP 182/84 at T+40, client calm").unwrap();
    store.end_session(s.id, "").unwrap();
    s.id
}

fn store() -> (Store, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::at_nine());
    (Store::open_in_memory(clock.clone()).unwrap(), clock)
}

#[test]
fn an_amendment_keeps_the_original_and_chains_read_back_in_order() {
    let (store, clock) = store();
    let id = ended_session(&store, "K-1");
    clock.advance(Duration::hours(2));
    let first = store.amend(id, 2, "typo in systolic", "BP 128/84 at T+40, client calm", "Dr Rowe").unwrap();
    clock.advance(Duration::minutes(5));
    let second = store.amend(id, first.seq, "time was T+45", "BP 128/84 at T+45, client calm", "Dr Lane").unwrap();
    let all = store.entries(id).unwrap();
    let kinds: Vec<&str> = all.iter().map(|e| e.body.kind()).collect();
    assert_eq!(kinds, ["session_started", "note", "session_ended", "amendment", "amendment"]);
    assert_eq!(all[1].body, EntryBody::Note { text: "BP 182/84 at T+40, client calm".into(), theme: false }, "original unchanged");
    match (&all[3].body, &all[4].body) {
        (EntryBody::Amendment { amends_seq: a, .. }, EntryBody::Amendment { amends_seq: b, reason, .. }) => {
            assert_eq!((*a, *b), (2, first.seq));
            assert_eq!(reason, "time was T+45");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!((all[4].author.as_str(), all[4].at), ("Dr Lane", second.at), "who and when");
}

#[test]
fn an_amendment_needs_a_reason_and_an_existing_entry() {
    let (store, _) = store();
    let id = ended_session(&store, "K-2");
    assert_eq!(store.amend(id, 2, "  ", "x", "Dr Rowe").unwrap_err().to_string(), "reason: required");
    assert_eq!(store.amend(id, 99, "why", "x", "Dr Rowe").unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn signing_locks_the_session_and_only_signed_addenda_follow() {
    let (store, _) = store();
    let (open, _) = store
        .start_session(NewSession {
            client_code: "K-3".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intramuscular,
            protocol: "im-ketamine".into(),
            intention: String::new(),
        })
        .unwrap();
    assert!(store.sign(open.id, "Dr Rowe", "").unwrap_err().to_string().contains("still open"));
    store.end_session(open.id, "").unwrap();
    store.sign(open.id, "Dr Rowe", "Reviewed and correct").unwrap();
    let s = store.session(open.id).unwrap();
    assert_eq!((s.state, s.signed_by.as_deref()), (SessionState::Signed, Some("Dr Rowe")));

    let refused = store.amend(open.id, 1, "late fix", "x", "Dr Rowe").unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::SessionClosed);
    assert!(refused.to_string().contains("addendum"), "{refused}");
    assert!(store.sign(open.id, "Dr Rowe", "").is_err(), "signed once only");
    let addendum = store.add_addendum(open.id, "Client called next day: slept well.", "Dr Rowe").unwrap();
    assert_eq!(addendum.author, "Dr Rowe");
    assert_eq!(store.entries(open.id).unwrap().last().map(|e| e.body.kind()), Some("addendum"));
}

#[test]
fn the_database_itself_refuses_writes_that_bypass_the_rules() {
    let (store, _) = store();
    let id = ended_session(&store, "K-4");
    let conn = store.conn();
    let insert = |kind: &str, body: &str| {
        conn.execute(
            "INSERT INTO entries (session_id, seq, at_ms, author, kind, body) VALUES (?1, 100 + abs(random() % 1000), 0, 'x', ?2, ?3)",
            rusqlite::params![id, kind, body],
        )
    };
    let late_note = insert("note", r#"{"kind":"note","text":"late"}"#).unwrap_err();
    assert!(late_note.to_string().contains("has ended"), "{late_note}");
    drop(conn);
    store.sign(id, "Dr Rowe", "").unwrap();
    let conn = store.conn();
    let amendment = conn
        .execute(
            "INSERT INTO entries (session_id, seq, at_ms, author, kind, body) VALUES (?1, 500, 0, 'x', 'amendment', '{}')",
            [id],
        )
        .unwrap_err();
    assert!(amendment.to_string().contains("only signed addenda"), "{amendment}");
    let unsign = conn.execute("UPDATE sessions SET signed_ms = NULL WHERE id = ?1", [id]).unwrap_err();
    assert!(unsign.to_string().contains("cannot be changed"), "{unsign}");
}

#[test]
fn search_finds_notes_across_sessions_with_matches_marked() {
    let (store, _) = store();
    let a = ended_session(&store, "K-5");
    let (b, _) = store
        .start_session(NewSession {
            client_code: "K-6".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intramuscular,
            protocol: "im-ketamine".into(),
            intention: String::new(),
        })
        .unwrap();
    store.add_note(b.id, "Calm after the music changed; tearful at the cello").unwrap();
    store.amend(a, 2, "wrong reading", "client calm, BP 128/84", "Dr Rowe").unwrap();
    let hits = store.search("calm", 50).unwrap();
    let sessions: Vec<i64> = hits.iter().map(|h| h.session_id).collect();
    assert!(sessions.contains(&a) && sessions.contains(&b.id), "{hits:?}");
    let cello = store.search("cel", 50).unwrap();
    assert_eq!(cello.len(), 1, "prefix match on the last word");
    assert!(cello[0].snippet.contains("\u{2}cello\u{3}"), "{:?}", cello[0].snippet);
    assert_eq!((cello[0].client_code.as_str(), cello[0].seq), ("K-6", 2));
    for hostile in ["\"", "NEAR(", "*", "'); DROP TABLE entries; --", "a OR", "   "] {
        assert!(store.search(hostile, 10).is_ok(), "{hostile}");
    }
}

#[test]
fn demo_sessions_are_marked_listed_as_demo_and_searched_only_when_asked() {
    let (store, _) = store();
    let real = ended_session(&store, "K-8");
    let (demo, _) = store
        .start_demo_session(NewSession {
            client_code: "DEMO-1".into(),
            therapist: "Dr A. Demo".into(),
            route: Route::Intramuscular,
            protocol: "im-ketamine".into(),
            intention: "DEMO DATA".into(),
        }, "Intramuscular ketamine")
        .unwrap();
    assert!(demo.demo && !store.session(real).unwrap().demo);
    store.add_note(demo.id, "client calm, demo note").unwrap();
    store.end_session(demo.id, "").unwrap();

    let listed: Vec<(i64, bool)> = store.list_sessions().unwrap().iter().map(|s| (s.id, s.demo)).collect();
    assert_eq!(listed, [(demo.id, true), (real, false)]);
    let rows: Vec<(i64, bool)> = store.review_list(&Default::default()).unwrap().iter().map(|r| (r.id, r.demo)).collect();
    assert_eq!(rows, [(demo.id, true), (real, false)]);

    // The demo's note is the newest match: with a limit of 1 the real one is still found.
    let clinical = store.search("calm", 1).unwrap();
    assert_eq!(clinical.iter().map(|h| (h.session_id, h.demo)).collect::<Vec<_>>(), [(real, false)]);
    let all = store.search_with_demo("calm", 50).unwrap();
    assert_eq!(all.iter().map(|h| (h.session_id, h.demo)).collect::<Vec<_>>(), [(demo.id, true), (real, false)]);
}

#[test]
fn a_demo_session_from_before_the_mark_is_marked_by_the_migration_even_when_signed() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("holdspace.sqlite3");
    {
        let store = Store::open(&path, Arc::new(FakeClock::at_nine())).unwrap();
        let real = ended_session(&store, "DEMO-1");
        let (old, _) = store
            .start_session(NewSession {
                client_code: "DEMO-1".into(),
                therapist: "Dr A. Demo".into(),
                route: Route::Intramuscular,
                protocol: "im-ketamine".into(),
                intention: "DEMO DATA, not a real client".into(),
            })
            .unwrap();
        store.end_session(old.id, "").unwrap();
        store.sign(old.id, "Dr A. Demo", "reviewed").unwrap();
        // As a file written before migration 0007: no mark (nor the later users tables and hashes), at
        // the version before it.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TRIGGER sessions_signature_is_final;
             ALTER TABLE sessions DROP COLUMN demo;
             CREATE TRIGGER sessions_signature_is_final BEFORE UPDATE ON sessions WHEN OLD.signed_ms IS NOT NULL
             BEGIN SELECT RAISE(ABORT, 'a signed session cannot be changed'); END;
             DROP TABLE users;
             DROP TABLE database_identity;
             DROP TABLE access_log;
             DROP TABLE chained_late;
             DROP TABLE rems_filings;
             DROP TABLE clinic_profiles;
             DROP TABLE billing_codes;
             ALTER TABLE entries DROP COLUMN hash;
             ALTER TABLE integration_notes DROP COLUMN hash;
             PRAGMA user_version = 6;",
        )
        .unwrap();
        let _ = real;
    }
    let store = Store::open(&path, Arc::new(FakeClock::at_nine())).unwrap();
    let marks: Vec<(String, bool)> = store.list_sessions().unwrap().iter().map(|s| (s.client_code.clone(), s.demo)).collect();
    // Only the session with the demo's therapist and intention is demo, not any DEMO-1.
    assert_eq!(marks, [("DEMO-1".to_string(), true), ("DEMO-1".to_string(), false)]);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let still = conn.execute("UPDATE sessions SET signed_ms = NULL WHERE demo = 1", []).unwrap_err();
    assert!(still.to_string().contains("cannot be changed"), "the signature stays final: {still}");
}

#[test]
fn integration_notes_are_kept_apart_and_link_to_a_moment() {
    let (store, _) = store();
    let id = ended_session(&store, "K-7");
    let note = store
        .add_integration_note(
            id,
            NewIntegrationNote {
                text: "The cello moment: grief that felt held".into(),
                themes: vec!["grief".into(), " being held ".into(), "".into()],
                linked_seq: Some(2),
                author: "Dr Rowe".into(),
            },
        )
        .unwrap();
    assert_eq!(note.themes, ["grief", "being held"]);
    assert_eq!(store.integration_notes(id).unwrap(), vec![note]);
    assert_eq!(store.entries(id).unwrap().len(), 3, "the monitoring record is untouched");
    let bad_link = NewIntegrationNote { text: "x".into(), themes: vec![], linked_seq: Some(42), author: "Dr Rowe".into() };
    assert_eq!(store.add_integration_note(id, bad_link).unwrap_err().kind(), ErrorKind::NotFound);
    let conn = store.conn();
    assert!(conn.execute("UPDATE integration_notes SET text = 'x'", []).is_err());
}

#[test]
fn fts_query_quotes_every_word() {
    assert_eq!(fts_query("calm  cello").as_deref(), Some("\"calm\" \"cello\"*"));
    assert_eq!(fts_query("\"'--"), None);
}

#[test]
fn signing_with_open_items_needs_a_reason_and_records_both() {
    let (store, _) = store();
    let id = ended_session(&store, "K-9");
    let open = vec!["Flag not acknowledged (T+40): systolic above 180".to_string()];
    let err = store.sign_with_open_items(id, "Dr Rowe", "reviewed", open.clone(), Some("  ")).unwrap_err();
    assert_eq!(err.to_string(), "reason: 1 listed as open: say why you sign with it open");
    let entry = store.sign_with_open_items(id, "Dr Rowe", "reviewed", open.clone(), Some("prescriber saw the client")).unwrap();
    match &entry.body {
        EntryBody::Signed { open_items, open_reason, .. } => {
            assert_eq!((open_items, open_reason.as_deref()), (&open, Some("prescriber saw the client")))
        }
        other => panic!("{other:?}"),
    }
    assert!(entry.text.ends_with("signed with 1 open item: prescriber saw the client"), "{}", entry.text);
    assert!(store.verify_chains(Some(id)).unwrap()[0].intact());
}

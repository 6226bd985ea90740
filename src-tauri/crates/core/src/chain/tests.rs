//! The chain on real files: every entry kind chains, and each kind of tampering done with SQL
//! behind the store (the triggers dropped first, as anyone with the file could) is named.

use super::*;
use crate::clock::FakeClock;
use crate::entry::{DoseInput, EntryBody};
use crate::session::{NewSession, Route};
use crate::store::{NewIntegrationNote, Store, DB_FILE};
use chrono::Duration;
use holdspace_monitoring::{builtin_templates, ChecklistAction, Template, Vitals};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn template(id: &str) -> Template {
    builtin_templates().0.into_iter().find(|t| t.id == id).unwrap()
}

/// A signed esketamine session with an entry of every kind the app writes, an amendment, an
/// addendum and two integration notes, in a database file on disk.
fn signed_session(dir: &Path) -> (PathBuf, i64) {
    let path = dir.join(DB_FILE);
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&path, clock.clone()).unwrap();
    let t = template("esketamine-rems");
    let (s, _) = store
        .start_session(NewSession {
            client_code: "E-7".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intranasal,
            protocol: t.id.clone(),
            intention: "to rest".into(),
        })
        .unwrap();
    let item = holdspace_monitoring::checklist_items(&t, holdspace_monitoring::Stage::PreDose)[0].id.clone();
    store.record_checklist(s.id, &t, &item, ChecklistAction::Tick).unwrap();
    let flagged = store.record_vitals(s.id, &t, Vitals { systolic: Some(150), diastolic: Some(95), ..Vitals::default() }).unwrap();
    let flag = flagged.iter().find_map(|e| match &e.body { EntryBody::Flag { flag, .. } => Some(flag.id.clone()), _ => None }).unwrap();
    store.ack_flag(s.id, &flag, "rechecked after rest").unwrap();
    clock.advance(Duration::minutes(5));
    store
        .record_dose(s.id, DoseInput { substance: "esketamine".into(), amount: 56.0, unit: "mg".into(), route: Route::Intranasal, lot: String::new(), minutes_ago: None })
        .unwrap();
    clock.advance(Duration::minutes(40));
    store.add_note(s.id, "asked to stop the session").unwrap();
    store.add_tag(s.id, &holdspace_monitoring::default_quick_tags()[0]).unwrap();
    clock.advance(Duration::minutes(80));
    store.end_session(s.id, "").unwrap();
    store.amend(s.id, 2, "ticked by mistake", "not ticked", "Dr Rowe").unwrap();
    store.sign(s.id, "Dr Rowe", "reviewed and complete").unwrap();
    store.add_addendum(s.id, "phoned the next day: well", "Dr Rowe").unwrap();
    for text in ["the cello moment", "grief that felt held"] {
        store
            .add_integration_note(s.id, NewIntegrationNote { text: text.into(), themes: vec!["grief".into()], linked_seq: Some(2), author: "Dr Rowe".into() })
            .unwrap();
    }
    store.log_access("Dr Rowe", "export", Some(s.id), "PDF to /tmp/E-7.pdf").unwrap();
    (path, s.id)
}

fn verify(path: &Path, id: i64) -> ChainCheck {
    let store = Store::open(path, Arc::new(FakeClock::at_nine())).unwrap();
    store.verify_chains(Some(id)).unwrap().remove(0)
}

/// Edits the file as a person with `sqlite3` would: triggers out of the way, then the SQL.
fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER entries_append_only; DROP TRIGGER entries_never_deleted; DROP TRIGGER sessions_signature_is_final;
         DROP TRIGGER integration_notes_append_only; DROP TRIGGER access_log_is_append_only_update;
         DROP TRIGGER entries_locked_after_signing; DROP TRIGGER entries_live_only_while_open;
         {sql}"
    ))
    .unwrap();
}

fn broken_at(check: &ChainCheck) -> (ChainPart, i64, String) {
    let b = check.broken.clone().unwrap_or_else(|| panic!("tampering not detected: {check:?}"));
    (b.part, b.seq, b.what)
}

fn kind_seq(path: &Path, id: i64, kind: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("SELECT seq FROM entries WHERE session_id = ?1 AND kind = ?2", rusqlite::params![id, kind], |r| r.get(0)).unwrap()
}

#[test]
fn every_kind_of_entry_is_chained_and_the_signature_seals_the_head() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, id) = signed_session(tmp.path());
    let store = Store::open(&path, Arc::new(FakeClock::at_nine())).unwrap();
    let checks = store.verify_chains(None).unwrap();
    assert_eq!(checks.len(), 1);
    let c = &checks[0];
    assert!(c.intact(), "{c:?}");
    assert_eq!((c.client_code.as_str(), c.integration_notes, c.chained_late.clone()), ("E-7", 2, None));
    let entries = store.entries(id).unwrap();
    assert_eq!(c.entries, entries.len() as i64);
    let kinds: std::collections::BTreeSet<&str> = entries.iter().map(|e| e.body.kind()).collect();
    for kind in ["session_started", "checklist", "vitals", "flag", "flag_ack", "dose", "note", "tag", "session_ended", "amendment", "signed", "addendum"] {
        assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
    }
    // Recomputing from the rows as read back gives the stored head; the signature names the
    // hash of the entry before it.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let hashes: Vec<Vec<u8>> = conn
        .prepare("SELECT hash FROM entries WHERE session_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(c.head, to_hex(hashes.last().unwrap()));
    let signed = entries.iter().position(|e| e.body.kind() == "signed").unwrap();
    match &entries[signed].body {
        EntryBody::Signed { chain_head, .. } => assert_eq!(chain_head.as_deref(), Some(to_hex(&hashes[signed - 1]).as_str())),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.verify_access_log().unwrap().broken, None);
    assert_eq!(store.verify_chains(Some(99)).unwrap_err().kind(), crate::error::ErrorKind::NotFound);
}

#[test]
fn a_changed_word_in_a_signed_session_of_an_encrypted_record_is_named() {
    use crate::store::{NewUser, Role};
    use crate::vault::{create, open_raw, Passphrase};
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at_nine());
    let pass = Passphrase::new_checked("quiet river stone").unwrap();
    let created = create(tmp.path(), &NewUser { name: "Dr Rowe".into(), role: Role::ClinicalDirector }, &pass, clock.clone(), crate::vault::TEST_KDF).unwrap();
    let store = created.store;
    let (s, _) = store
        .start_session(NewSession { client_code: "K-1".into(), therapist: "Dr Rowe".into(), route: Route::Intramuscular, protocol: "im-ketamine".into(), intention: String::new() })
        .unwrap();
    let note = store.add_note(s.id, "asked to stop the session").unwrap();
    store.add_note(s.id, "resting, eyes closed").unwrap();
    store.end_session(s.id, "").unwrap();
    store.sign(s.id, "Dr Rowe", "complete").unwrap();
    let key = created.key;
    drop(store);
    // The story: trigger dropped, note rewritten, trigger put back; integrity_check is ok.
    let conn = open_raw(&tmp.path().join(DB_FILE), &key).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER entries_append_only;
         UPDATE entries SET body = json_set(body, '$.text', 'consented to continue') WHERE session_id = {} AND seq = {};
         CREATE TRIGGER entries_append_only BEFORE UPDATE ON entries
         BEGIN SELECT RAISE(ABORT, 'timeline entries are append-only: record an amendment instead'); END;",
        s.id, note.seq
    ))
    .unwrap();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    drop(conn);
    let store = Store::open_encrypted(&tmp.path().join(DB_FILE), &key, clock).unwrap();
    let check = store.verify_chains(Some(s.id)).unwrap().remove(0);
    let (part, seq, what) = broken_at(&check);
    assert_eq!((part, seq), (ChainPart::Timeline, note.seq));
    assert_eq!(what, format!("entry {} (note) no longer matches what was saved: its words, time, author or place in the record were changed, or an entry before it was removed", note.seq));
}

#[test]
fn a_deleted_entry_is_named_as_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, id) = signed_session(tmp.path());
    let note = kind_seq(&path, id, "note");
    tamper(&path, &format!("DELETE FROM entries WHERE session_id = {id} AND seq = {note}"));
    let (part, seq, what) = broken_at(&verify(&path, id));
    assert_eq!((part, seq), (ChainPart::Timeline, note + 1));
    assert_eq!(what, format!("entry {note} is missing: the timeline goes from entry {} to entry {}", note - 1, note + 1));
}

#[test]
fn a_deleted_and_renumbered_entry_breaks_the_link_of_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, id) = signed_session(tmp.path());
    let note = kind_seq(&path, id, "note");
    tamper(
        &path,
        &format!("DELETE FROM entries WHERE session_id = {id} AND seq = {note};
                  UPDATE entries SET seq = seq - 1 WHERE session_id = {id} AND seq > {note};"),
    );
    let (part, seq, _) = broken_at(&verify(&path, id));
    assert_eq!((part, seq), (ChainPart::Timeline, note));
}

#[test]
fn reordered_entries_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, id) = signed_session(tmp.path());
    let note = kind_seq(&path, id, "note");
    let tag = kind_seq(&path, id, "tag");
    tamper(
        &path,
        &format!("UPDATE entries SET seq = -1 WHERE session_id = {id} AND seq = {note};
                  UPDATE entries SET seq = {note} WHERE session_id = {id} AND seq = {tag};
                  UPDATE entries SET seq = {tag} WHERE session_id = {id} AND seq = -1;"),
    );
    let (part, seq, _) = broken_at(&verify(&path, id));
    assert_eq!((part, seq), (ChainPart::Timeline, note.min(tag)));
}

#[test]
fn a_moved_signature_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, id) = signed_session(tmp.path());
    let signed = kind_seq(&path, id, "signed");
    let addendum = kind_seq(&path, id, "addendum");
    // The addendum put before the signature, as if it had been signed over.
    tamper(
        &path,
        &format!("UPDATE entries SET seq = -1 WHERE session_id = {id} AND seq = {signed};
                  UPDATE entries SET seq = {signed} WHERE session_id = {id} AND seq = {addendum};
                  UPDATE entries SET seq = {addendum} WHERE session_id = {id} AND seq = -1;"),
    );
    let (part, seq, _) = broken_at(&verify(&path, id));
    assert_eq!((part, seq), (ChainPart::Timeline, signed));
}

#[test]
fn a_signature_resealed_over_another_record_is_named_even_with_its_own_hash_recomputed() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, id) = signed_session(tmp.path());
    let signed = kind_seq(&path, id, "signed");
    // Someone rewrites the sealed head in the signature and recomputes that one entry's hash,
    // and the addendum's after it: the chain links hold, the seal does not.
    tamper(&path, &format!("UPDATE entries SET body = json_set(body, '$.chain_head', '{}') WHERE session_id = {id} AND seq = {signed}", "0".repeat(64)));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut prev: Hash = GENESIS;
    let rows: Vec<(i64, i64, i64, Option<i64>, String, String, String)> = conn
        .prepare("SELECT id, seq, at_ms, elapsed_ms, author, kind, body FROM entries WHERE session_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (rowid, seq, at_ms, elapsed_ms, author, kind, body) in rows {
        prev = entry_hash(&prev, &EntryFields { session_id: id, seq, at_ms, elapsed_ms, author: &author, kind: &kind, body: &body });
        conn.execute("UPDATE entries SET hash = ?2 WHERE id = ?1", rusqlite::params![rowid, &prev[..]]).unwrap();
    }
    drop(conn);
    let (part, seq, what) = broken_at(&verify(&path, id));
    assert_eq!((part, seq), (ChainPart::Timeline, signed));
    assert!(what.contains("sealed a different record"), "{what}");
}

#[test]
fn a_re_pointed_amendment_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, id) = signed_session(tmp.path());
    let amendment = kind_seq(&path, id, "amendment");
    tamper(&path, &format!("UPDATE entries SET body = json_set(body, '$.amends_seq', 3) WHERE session_id = {id} AND seq = {amendment}"));
    let (part, seq, what) = broken_at(&verify(&path, id));
    assert_eq!((part, seq), (ChainPart::Timeline, amendment));
    assert!(what.starts_with(&format!("entry {amendment} (amendment) no longer matches")), "{what}");
}

#[test]
fn the_session_row_and_its_signature_are_checked_against_the_timeline() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, id) = signed_session(tmp.path());
    let copy = tmp.path().join("copy.sqlite3");
    std::fs::copy(&path, &copy).unwrap();
    tamper(&path, &format!("UPDATE sessions SET client_code = 'E-8' WHERE id = {id}"));
    let (part, seq, what) = broken_at(&verify(&path, id));
    assert_eq!((part, seq), (ChainPart::Session, 1));
    assert_eq!(what, "the session's client code reads \"E-8\" but the session was started with \"E-7\"");
    tamper(&copy, &format!("UPDATE sessions SET signed_ms = NULL, signed_by = NULL WHERE id = {id}"));
    let (part, _, what) = broken_at(&verify(&copy, id));
    assert_eq!((part, what.as_str()), (ChainPart::Session, "the session has a signature entry but is no longer marked signed"));
}

#[test]
fn an_edited_integration_note_and_an_edited_access_row_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, id) = signed_session(tmp.path());
    tamper(&path, "UPDATE integration_notes SET text = 'nothing happened' WHERE id = (SELECT MIN(id) FROM integration_notes);
                   UPDATE access_log SET detail = 'PDF to /elsewhere.pdf';");
    let (part, seq, _) = broken_at(&verify(&path, id));
    assert_eq!((part, seq), (ChainPart::IntegrationNotes, 1));
    let store = Store::open(&path, Arc::new(FakeClock::at_nine())).unwrap();
    let log = store.verify_access_log().unwrap();
    assert_eq!(log.rows, 1);
    assert!(log.broken.is_some_and(|(_, why)| why.contains("(export) no longer matches")));
}

#[test]
fn a_record_from_before_the_chain_is_chained_at_the_upgrade_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (path, id) = signed_session(tmp.path());
    let entries = verify(&path, id).entries;
    // As a file of version 8: no hashes, no chained_late table.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE chained_late; DROP TABLE rems_filings; DROP TABLE clinic_profiles; DROP TABLE billing_codes;
         ALTER TABLE entries DROP COLUMN hash; ALTER TABLE integration_notes DROP COLUMN hash; ALTER TABLE access_log DROP COLUMN hash;
         PRAGMA user_version = 8;",
    )
    .unwrap();
    drop(conn);
    let later = FakeClock::at_nine();
    later.advance(Duration::days(3));
    let store = Store::open(&path, Arc::new(later)).unwrap();
    let check = store.verify_chains(Some(id)).unwrap().remove(0);
    assert!(check.intact(), "{check:?}");
    let late = check.chained_late.unwrap();
    assert_eq!((late.from_version, late.entries), (9, entries));
    assert_eq!(late.at, crate::clock::Clock::now(&FakeClock::at_nine()) + Duration::days(3));
    // The triggers are back: the upgrade set them aside only for its own pass.
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert!(conn.execute("UPDATE entries SET author = 'x'", []).is_err());
    assert!(conn.execute("UPDATE integration_notes SET author = 'x'", []).is_err());
    assert!(conn.execute("UPDATE access_log SET user_name = 'x'", []).is_err());
    // New entries chain on from the upgraded ones.
    store.add_addendum(id, "later", "Dr Rowe").unwrap();
    assert!(store.verify_chains(Some(id)).unwrap()[0].intact());
    assert!(store.verify_access_log().unwrap().broken.is_none());
}

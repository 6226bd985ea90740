//! Reading a timeline a slice at a time: filters by kind, positions, bad requests.

use super::*;
use crate::clock::FakeClock;
use crate::entry::EntryBody;
use crate::error::ErrorKind;
use crate::session::{NewSession, Route};

fn tag() -> EntryBody {
    EntryBody::Tag { tag_id: "tearful".into(), label: "tearful".into(), adverse_event: false }
}

/// A session of one start entry, then notes and tags alternating: seq 2, 4, .. are notes.
fn session_with(store: &Store, pairs: usize) -> i64 {
    let (s, _) = store
        .start_session(NewSession {
            client_code: "K-1".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Sublingual,
            protocol: "sublingual-lozenge".into(),
            intention: String::new(),
        })
        .unwrap();
    for i in 0..pairs {
        store.add_note(s.id, &format!("note {i}")).unwrap();
        store.append(s.id, tag()).unwrap();
    }
    s.id
}

fn store() -> Store {
    Store::open_in_memory(Arc::new(FakeClock::at_nine())).unwrap()
}

fn seqs(slice: &EntrySlice) -> Vec<i64> {
    slice.entries.iter().map(|e| e.seq).collect()
}

#[test]
fn a_slice_is_the_timeline_in_order_from_its_offset() {
    let store = store();
    let id = session_with(&store, 10);
    let all = store.entries(id).unwrap();
    let slice = store.entries_slice(id, &[], 5, 4).unwrap();
    assert_eq!(slice.total, all.len() as i64);
    assert_eq!(slice.shown, slice.total);
    assert_eq!(slice.offset, 5);
    assert_eq!(slice.entries, all[5..9].to_vec());
    // Past the end: what is there, then nothing.
    assert_eq!(store.entries_slice(id, &[], 19, 10).unwrap().entries.len(), 2);
    assert!(store.entries_slice(id, &[], 50, 10).unwrap().entries.is_empty());
}

#[test]
fn hidden_kinds_are_left_out_of_entries_counts_and_positions() {
    let store = store();
    let id = session_with(&store, 10);
    let hidden = vec!["tag".to_string(), "session_started".to_string()];
    let slice = store.entries_slice(id, &hidden, 0, 3).unwrap();
    assert_eq!(slice.total, 21);
    assert_eq!(slice.shown, 10);
    assert_eq!(seqs(&slice), vec![2, 4, 6]);
    assert!(slice.entries.iter().all(|e| matches!(e.body, EntryBody::Note { .. })));
    assert_eq!(seqs(&store.entries_slice(id, &hidden, 9, 3).unwrap()), vec![20]);
    // Positions count only what is shown; a hidden or missing entry has none.
    assert_eq!(store.entry_position(id, &hidden, 8).unwrap(), Some(3));
    assert_eq!(store.entry_position(id, &[], 8).unwrap(), Some(7));
    assert_eq!(store.entry_position(id, &hidden, 9).unwrap(), None);
    assert_eq!(store.entry_position(id, &[], 999).unwrap(), None);
    // A kind no entry has hides nothing; a hostile kind name is only a string.
    let odd = vec!["nonsense' OR 1=1 --".to_string()];
    assert_eq!(store.entries_slice(id, &odd, 0, 100).unwrap().shown, 21);
}

#[test]
fn entries_at_reads_the_numbers_asked_for_and_skips_missing_ones() {
    let store = store();
    let id = session_with(&store, 3);
    let other = {
        store.end_session(id, "").unwrap();
        session_with(&store, 3)
    };
    let got: Vec<i64> = store.entries_at(id, &[5, 2, 999]).unwrap().iter().map(|e| e.seq).collect();
    assert_eq!(got, vec![2, 5]);
    assert!(store.entries_at(id, &[]).unwrap().is_empty());
    // Only this session's entries.
    assert!(store.entries_at(other, &[2]).unwrap().iter().all(|e| e.session_id == other));
}

#[test]
fn bad_slices_are_refused_with_the_field_named() {
    let store = store();
    let id = session_with(&store, 1);
    for (offset, limit, field) in [(0, 0, "limit"), (0, SLICE_MAX + 1, "limit"), (-1, 10, "offset")] {
        let err = store.entries_slice(id, &[], offset, limit).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Invalid);
        assert!(err.to_string().contains(field), "{err}");
    }
    let err = store.entries_slice(id + 100, &[], 0, 10).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains(&format!("session {}", id + 100)), "{err}");
}

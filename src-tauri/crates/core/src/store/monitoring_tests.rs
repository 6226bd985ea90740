//! Monitoring through the store, on a real file, with a fake clock: the esketamine story.

use super::*;
use crate::clock::FakeClock;
use crate::entry::{DoseInput, EntryBody};
use crate::error::ErrorKind;
use crate::monitor::monitor_view;
use crate::session::{NewSession, Route};
use chrono::Duration;
use holdspace_monitoring::{builtin_templates, CheckpointStatus, ChecklistAction, Template, Vitals};

fn template(id: &str) -> Template {
    let (templates, problems) = builtin_templates();
    assert!(problems.is_empty(), "{problems:?}");
    templates.into_iter().find(|t| t.id == id).unwrap()
}

fn bp(s: i32, d: i32) -> Vitals {
    Vitals { systolic: Some(s), diastolic: Some(d), ..Vitals::default() }
}

#[test]
fn esketamine_session_flags_checkpoints_gate_and_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE);
    let clock = Arc::new(FakeClock::at_nine());
    let t = template("esketamine-rems");
    let store = Store::open(&path, clock.clone()).unwrap();
    let (s, _) = store
        .start_session(NewSession {
            client_code: "E-1".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intranasal,
            protocol: t.id.clone(),
            intention: String::new(),
        })
        .unwrap();

    // Baseline 150/95: accepted, and flagged against the pre-dose guide with its source.
    let written = store.record_vitals(s.id, &t, bp(150, 95)).unwrap();
    let flags: Vec<_> = written
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Flag { flag, reading_seq } => Some((flag.clone(), *reading_seq)),
            _ => None,
        })
        .collect();
    assert_eq!(flags.len(), 2, "systolic and diastolic: {flags:?}");
    assert!(flags.iter().all(|(f, seq)| *seq == written[0].seq && !f.source.is_empty()));
    assert_eq!(store.record_vitals(s.id, &t, bp(400, 95)).unwrap_err().kind(), ErrorKind::Invalid);

    // Both flags acknowledged; a second acknowledgement is refused.
    for (f, _) in &flags {
        store.ack_flag(s.id, &f.id, "rechecked after 5 min rest").unwrap();
    }
    assert!(store.ack_flag(s.id, &flags[0].0.id, "again").is_err());
    assert_eq!(store.ack_flag(s.id, "nope", "").unwrap_err().kind(), ErrorKind::NotFound);

    store
        .record_dose(
            s.id,
            DoseInput {
                substance: "esketamine".into(),
                amount: 56.0,
                unit: "mg".into(),
                route: Route::Intranasal,
                lot: "E56".into(),
                minutes_ago: None,
            },
        )
        .unwrap();

    // At T+40 the BP check is due.
    clock.advance(Duration::minutes(40));
    let entries = store.entries(s.id).unwrap();
    let session = store.session(s.id).unwrap();
    let view = monitor_view(&t, &session, &entries, clock.now().timestamp_millis());
    let bp40 = view.timer.checkpoints.iter().find(|c| c.checkpoint_id == "bp-40").unwrap();
    assert_eq!(bp40.status, CheckpointStatus::Due);
    store.record_vitals(s.id, &t, bp(138, 84)).unwrap();
    let view = monitor_view(&t, &session, &store.entries(s.id).unwrap(), clock.now().timestamp_millis());
    let bp40 = view.timer.checkpoints.iter().find(|c| c.checkpoint_id == "bp-40").unwrap();
    assert_eq!(bp40.status, CheckpointStatus::Done);

    // A checklist tick is an entry; not applicable needs a reason.
    let item = holdspace_monitoring::checklist_items(&t, holdspace_monitoring::Stage::PreDose)[0].id.clone();
    store.record_checklist(s.id, &t, &item, ChecklistAction::Tick).unwrap();
    let na = store.record_checklist(s.id, &t, &item, ChecklistAction::NotApplicable { reason: " ".into() });
    assert_eq!(na.unwrap_err().kind(), ErrorKind::Invalid);

    // At T+60 discharge is blocked (120 min minimum for esketamine) ...
    clock.advance(Duration::minutes(20));
    let blocked = store.end_session_gated(s.id, &t, None).unwrap_err();
    assert_eq!(blocked.kind(), ErrorKind::DischargeBlocked);
    assert!(blocked.to_string().contains("Minimum observation time not met"), "{blocked}");

    // ... and a restart recomputes the same state from the file.
    let before = monitor_view(&t, &session, &store.entries(s.id).unwrap(), clock.now().timestamp_millis());
    drop(store);
    let store = Store::open(&path, clock.clone()).unwrap();
    let after = monitor_view(&t, &store.session(s.id).unwrap(), &store.entries(s.id).unwrap(), clock.now().timestamp_millis());
    assert_eq!(before, after);

    // An override with a reason ends it, and the override is on the record.
    store.end_session_gated(s.id, &t, Some("client stable, escort arrived, prescriber agreed")).unwrap();
    let kinds: Vec<&str> = store.entries(s.id).unwrap().iter().map(|e| e.body.kind()).collect();
    assert_eq!(kinds[kinds.len() - 2..], ["discharge_override", "session_ended"]);
}

/// The check: IM vitals every 15 min; at T+31 vitals without MOAA/S, then the check is
/// marked missed with a reason, which the store keeps and the schedule reads back.
#[test]
fn a_check_is_marked_missed_with_a_reason_once_and_only_when_it_is_due() {
    let clock = Arc::new(FakeClock::at_nine());
    let t = template("im-ketamine");
    let store = Store::open_in_memory(clock.clone()).unwrap();
    let (s, _) = store
        .start_session(NewSession {
            client_code: "K-2".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intramuscular,
            protocol: t.id.clone(),
            intention: String::new(),
        })
        .unwrap();
    let dose = DoseInput {
        substance: "ketamine".into(),
        amount: 50.0,
        unit: "mg".into(),
        route: Route::Intramuscular,
        lot: String::new(),
        minutes_ago: None,
    };
    store.record_dose(s.id, dose).unwrap();
    let occ = "vitals-q15@0+30";
    let refused = store.mark_check_missed(s.id, &t, occ, "asleep").unwrap_err();
    assert!(refused.to_string().contains("not due yet"), "{refused}");
    clock.advance(Duration::minutes(31));
    store
        .record_vitals(s.id, &t, Vitals { heart_rate: Some(70), spo2: Some(97), ..bp(120, 80) })
        .unwrap();
    let session = store.session(s.id).unwrap();
    let view = |store: &Store| {
        monitor_view(&t, &session, &store.entries(s.id).unwrap(), clock.now().timestamp_millis())
            .timer
            .checkpoints
            .into_iter()
            .find(|c| c.occurrence_id == occ)
            .unwrap()
    };
    assert_eq!(view(&store).missing, vec![holdspace_monitoring::MeasurementKind::Moaas]);
    assert_eq!(store.mark_check_missed(s.id, &t, occ, "  ").unwrap_err().kind(), ErrorKind::Invalid);
    assert_eq!(store.mark_check_missed(s.id, &t, "no-such@0+1", "x").unwrap_err().kind(), ErrorKind::NotFound);
    clock.advance(Duration::minutes(5));
    let e = store.mark_check_missed(s.id, &t, occ, "client asleep; not woken").unwrap();
    assert_eq!(e.text, "Check missed: Vitals and sedation (every 15 min) (due T+00:30:00) · reason: client asleep; not woken");
    let c = view(&store);
    assert_eq!((c.status, c.missed_reason.as_deref()), (CheckpointStatus::Missed, Some("client asleep; not woken")));
    assert!(store.mark_check_missed(s.id, &t, occ, "again").unwrap_err().to_string().contains("already marked missed"));
    // Through a keyed write, applied once.
    let w = Write {
        key: "k-missed-1".into(),
        session_id: s.id,
        at: clock.now(),
        op: WriteOp::CheckMissed { template: Box::new(t.clone()), occurrence_id: "ratings@0+30".into(), reason: "declined".into() },
    };
    let first = store.apply(&w).unwrap();
    assert_eq!(store.apply(&w).unwrap(), first);
}

/// What the app did as the session ended (the music fading out) is written just before the end,
/// and only when the end goes ahead.
#[test]
fn a_closing_entry_is_written_before_the_end_only_when_the_session_ends() {
    let clock = Arc::new(FakeClock::at_nine());
    let t = template("esketamine-rems");
    let store = Store::open_in_memory(clock.clone()).unwrap();
    let (s, _) = store
        .start_session(NewSession {
            client_code: "K-3".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intranasal,
            protocol: t.id.clone(),
            intention: String::new(),
        })
        .unwrap();
    let faded = || {
        Some(EntryBody::Music {
            event: crate::entry::MusicEvent {
                action: crate::entry::MusicAction::FadedToSilence,
                title: "First Light".into(),
                artist: String::new(),
                phase: String::new(),
                path: String::new(),
                detail: "the session ended; faded out over 8 s".into(),
                technical_detail: String::new(),
            },
        })
    };
    // Blocked (no dose, no minimum observation): nothing is written.
    let before = store.entries(s.id).unwrap().len();
    assert_eq!(store.end_session_gated_with(s.id, &t, None, faded()).unwrap_err().kind(), ErrorKind::DischargeBlocked);
    assert_eq!(store.entries(s.id).unwrap().len(), before);
    store.end_session_gated_with(s.id, &t, Some("client left early"), faded()).unwrap();
    let kinds: Vec<&str> = store.entries(s.id).unwrap().iter().map(|e| e.body.kind()).collect();
    assert_eq!(kinds[kinds.len() - 3..], ["discharge_override", "music", "session_ended"]);
    let music = store.entries(s.id).unwrap().into_iter().find(|e| e.body.kind() == "music").unwrap();
    assert_eq!(music.text, "Faded to silence: First Light · the session ended; faded out over 8 s");
}

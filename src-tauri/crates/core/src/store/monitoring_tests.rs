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

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
    assert_eq!(flags.len(), 1, "one reading, one flag: {flags:?}");
    assert_eq!(flags[0].0.crossings.len(), 2, "listing systolic and diastolic: {flags:?}");
    assert!(flags.iter().all(|(f, seq)| *seq == written[0].seq && !f.source.is_empty()));
    assert_eq!(store.record_vitals(s.id, &t, bp(400, 95)).unwrap_err().kind(), ErrorKind::Invalid);

    // One acknowledgement, which names the flag; a second is refused.
    let ack = store.ack_flag(s.id, &flags[0].0.id, "rechecked after 5 min rest").unwrap();
    assert_eq!(
        ack.text,
        "Flag acknowledged: Pre-dose systolic 150 is above 140 · Pre-dose diastolic 95 is above 90 · action: rechecked after 5 min rest"
    );
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
                minutes_ago: None, devices: None, override_reason: None,
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
    let item = holdspace_monitoring::checklist_items(&t, holdspace_monitoring::Stage::PreDose)
        .into_iter()
        .find(|i| i.input == holdspace_monitoring::InputKind::Tick)
        .unwrap()
        .id;
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

fn full(s: i32, d: i32) -> Vitals {
    Vitals { heart_rate: Some(80), spo2: Some(98), respiratory_rate: Some(14), ..bp(s, d) }
}

fn item<'a>(view: &'a crate::monitor::MonitorView, id: &str) -> &'a holdspace_monitoring::ItemState {
    view.checklist.stages.iter().flat_map(|s| s.items.iter()).find(|i| i.item.id == id).unwrap()
}

#[test]
fn what_the_app_sees_satisfies_items_and_what_is_open_is_kept_at_the_end() {
    use crate::entry::{MusicAction, MusicEvent};
    use holdspace_monitoring::ItemStatus;
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at_nine());
    let t = template("im-ketamine");
    let store = Store::open(&tmp.path().join(DB_FILE), clock.clone()).unwrap();
    let (s, _) = store
        .start_session_named(
            NewSession {
                client_code: "K-7".into(),
                therapist: "Dr Rowe".into(),
                route: Route::Intramuscular,
                protocol: t.id.clone(),
                intention: String::new(),
            },
            &t.name,
        )
        .unwrap();
    let view = |store: &Store| {
        monitor_view(&t, &store.session(s.id).unwrap(), &store.entries(s.id).unwrap(), clock.now().timestamp_millis())
    };
    // The session record names the protocol as the clinic does, not by its file id.
    assert!(store.entries(s.id).unwrap()[0].text.contains(&format!("protocol {}", t.name)));

    // A reading without everything the baseline check asks for does not count as baseline...
    store.record_vitals(s.id, &t, bp(128, 82)).unwrap();
    assert!(matches!(item(&view(&store), "baseline_vitals").status, ItemStatus::Open));
    // ... a complete one does, linked to its entry.
    let baseline = store.record_vitals(s.id, &t, full(128, 82)).unwrap();
    match &item(&view(&store), "baseline_vitals").status {
        ItemStatus::Observed { seq, text } => {
            assert_eq!(*seq, baseline[0].seq);
            assert!(text.contains("128/82"), "{text}");
        }
        other => panic!("baseline vitals not observed: {other:?}"),
    }
    assert!(matches!(item(&view(&store), "during.music_started").status, ItemStatus::Open));
    let music = MusicEvent {
        action: MusicAction::TrackStarted,
        title: "Slow Water".into(),
        artist: String::new(),
        phase: "settle".into(),
        path: "a.ogg".into(),
        detail: String::new(),
        technical_detail: String::new(),
    };
    let started = store.append(s.id, EntryBody::Music { event: music }).unwrap();
    assert!(matches!(item(&view(&store), "during.music_started").status, ItemStatus::Observed { seq, .. } if seq == started.seq));

    // The dose panel lists what is still open before dosing, without what was observed.
    let before = view(&store).before_dosing;
    assert!(before.contains(&"Checklist (pre-dose) required item open: Informed consent signed".to_string()), "{before:?}");
    assert!(!before.iter().any(|b| b.contains("Baseline vitals recorded")), "{before:?}");
    store
        .record_dose(
            s.id,
            DoseInput { substance: "ketamine".into(), amount: 50.0, unit: "mg".into(), route: Route::Intramuscular, lot: "K1".into(), minutes_ago: None, devices: None, override_reason: None },
        )
        .unwrap();
    assert!(view(&store).before_dosing.is_empty(), "nothing is 'before dosing' once dosed");
    // A flagged BP, acknowledged, stays the last BP: still said before ending.
    clock.advance(Duration::minutes(30));
    let flagged = store.record_vitals(s.id, &t, full(185, 112)).unwrap();
    let flag = flagged.iter().find_map(|e| match &e.body {
        EntryBody::Flag { flag, .. } => Some(flag.clone()),
        _ => None,
    });
    let flag = flag.expect("185/112 is flagged");
    let risks = view(&store).risks;
    assert!(risks.iter().any(|r| r.starts_with("Flag not acknowledged: Systolic 185")), "{risks:?}");
    store.ack_flag(s.id, &flag.id, "informed the prescriber").unwrap();
    let risks = view(&store).risks;
    assert!(!risks.iter().any(|r| r.starts_with("Flag not acknowledged")), "{risks:?}");
    assert!(risks.iter().any(|r| r.contains("The last BP was 185/112 at T+00:30:00, flagged (acknowledged)")), "{risks:?}");
    // Left 20 minutes: the next check is overdue.
    clock.advance(Duration::minutes(20));
    let risks = view(&store).risks;
    assert!(risks.iter().any(|r| r.starts_with("Check overdue:")), "{risks:?}");
    assert!(!risks.iter().any(|r| r.contains("Baseline vitals recorded") || r.contains("Music started")), "observed items are not open: {risks:?}");

    // Ending keeps what was open on the record.
    clock.advance(Duration::minutes(60));
    let ended = store.end_session_gated(s.id, &t, Some("escort arrived early; prescriber agreed")).unwrap();
    match &ended.body {
        EntryBody::SessionEnded { open_at_end, .. } => {
            assert!(open_at_end.iter().any(|r| r.contains("The last BP was 185/112")), "{open_at_end:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(ended.text.contains("open at the end: "), "{}", ended.text);
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
        minutes_ago: None, devices: None, override_reason: None,
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
        author: None,
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

//! The end-to-end story, at the domain level, plus a TypeScript export smoke test.

use holdspace_monitoring::*;

const MIN: i64 = 60_000;

#[test]
fn esketamine_session_story() {
    let cat = load_templates(None);
    let t = cat.get("esketamine-rems").expect("template").clone();
    let start = 1_790_000_000_000_i64; // session opened
    // Pre-dose checklist completed.
    let mut events: Vec<ChecklistEvent> = checklist_items(&t, Stage::PreDose)
        .into_iter()
        .filter(|i| i.required)
        .map(|i| ChecklistEvent {
            item_id: i.id.clone(),
            at_ms: start + MIN,
            author: "therapist".into(),
            action: match i.input {
                InputKind::Text => ChecklistAction::Text { value: "Alex Escort".into() },
                InputKind::Phone => ChecklistAction::Text { value: "555 010 2030".into() },
                InputKind::Choice => ChecklistAction::Text { value: i.options[0].clone() },
                InputKind::Number | InputKind::Score => ChecklistAction::Number { value: 0.0 },
                InputKind::Tick => ChecklistAction::Tick,
            },
        })
        .collect();
    for e in &events {
        validate_checklist_event(&t, e).expect("valid event");
    }
    assert!(compute_checklist_state(&t, &events).stage(Stage::PreDose).expect("pre").complete);
    // Baseline BP 150/95: accepted and flagged with threshold and source.
    let base = Reading { id: "e10".into(), at_ms: start + 5 * MIN, vitals: Vitals { systolic: Some(150), diastolic: Some(95), heart_rate: Some(72), spo2: Some(98), ..Default::default() } };
    base.vitals.validate().expect("accepted");
    let flags: Vec<Flag> = evaluate_flag(&t.thresholds, None, &[], &base).into_iter().collect();
    assert_eq!(flags.len(), 1, "one reading, one flag");
    assert_eq!(flags[0].crossings.len(), 2, "systolic and diastolic");
    assert!(flags[0].crossings.iter().all(|c| c.threshold > 0.0 && !c.source.is_empty()));
    let acks: Vec<FlagAck> = flags.iter().map(|f| FlagAck { flag_id: f.id.clone(), at_ms: start + 6 * MIN, author: "therapist".into(), action_taken: Some("Prescriber informed; proceed".into()) }).collect();
    assert!(unacknowledged(&flags, &acks).is_empty());
    // Dose.
    let dose = start + 10 * MIN;
    let mut recs = vec![Recording::reading(base.at_ms, base.vitals.kinds())];
    let v = Schedule::timer_view(&t, &[dose], dose + 39 * MIN, &recs);
    assert!(v.checkpoints.iter().all(|c| c.checkpoint_id != "bp-40" || c.status == CheckpointStatus::Upcoming));
    assert_eq!(v.checkpoints[0].status, CheckpointStatus::Done, "baseline done");
    // T+40: the BP check is due.
    let v = Schedule::timer_view(&t, &[dose], dose + 40 * MIN, &recs);
    let bp40 = v.checkpoints.iter().find(|c| c.checkpoint_id == "bp-40").expect("bp-40");
    assert_eq!(bp40.status, CheckpointStatus::Due);
    // Record it: 170/100 is a rise of 20/5 over baseline (no flag) and completes the check.
    let r40 = Reading { id: "e20".into(), at_ms: dose + 41 * MIN, vitals: Vitals { systolic: Some(170), diastolic: Some(100), ..Default::default() } };
    assert!(evaluate_flag(&t.thresholds, Some(dose), std::slice::from_ref(&base), &r40).is_none());
    recs.push(Recording::reading(r40.at_ms, r40.vitals.kinds()));
    let v = Schedule::timer_view(&t, &[dose], dose + 42 * MIN, &recs);
    assert_eq!(v.checkpoints.iter().find(|c| c.checkpoint_id == "bp-40").expect("x").status, CheckpointStatus::Done);
    // Try to discharge at T+60: stopped (time, and discharge items open).
    events.extend(
        checklist_items(&t, Stage::Discharge)
            .into_iter()
            .filter(|i| i.input == InputKind::Tick)
            .map(|i| ChecklistEvent { item_id: i.id, at_ms: dose + 59 * MIN, author: "therapist".into(), action: ChecklistAction::Tick }),
    );
    let st = compute_checklist_state(&t, &events);
    let gate = discharge_check(&t, dose, dose + 60 * MIN, &st);
    assert!(!gate.allowed);
    assert!(gate.blockers[0].contains("60 min remaining"), "{:?}", gate.blockers);
    assert!(gate.blockers.iter().any(|b| b.contains("Ready to leave")), "{:?}", gate.blockers);
}

#[test]
fn typescript_bindings_export() {
    let dir = tempfile::tempdir().expect("dir");
    let cfg = ts_rs::Config::new().with_large_int("number").with_out_dir(dir.path());
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t as ts_rs::TS>::export_all(&cfg).expect(stringify!($t)); )* };
    }
    export!(
        Template, TemplateInfo, TemplateList, TemplateCatalog, TemplateSummary, Problem, Vitals, Reading, Flag, FlagAck, ScaleLevel,
        CheckpointState, NextCheckpoint, PhaseView, TimerView, Recording, ChecklistEvent, ChecklistState, ChecklistItemDef,
        DischargeGate, QuickTag, ScoreItem, ScoreState, SessionPhase,
    );
    let flag = std::fs::read_to_string(dir.path().join("ChecklistAction.ts")).expect("ts");
    assert!(flag.contains("\"kind\""), "{flag}");
    let cp = std::fs::read_to_string(dir.path().join("CheckpointState.ts")).expect("ts");
    assert!(cp.contains("due_ms: number | null"), "{cp}");
}

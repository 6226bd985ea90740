//! The esketamine REMS gates through the store, on a real file, with a fake clock: the dose
//! gate and its logged override, effects recorded and resolved, the discharge gate that waits
//! for resolution, and the ready-to-leave time computed from the record and confirmed.

use super::*;
use crate::clock::FakeClock;
use crate::entry::{DoseInput, Entry, EntryBody};
use crate::error::ErrorKind;
use crate::monitor::{monitor_view, MonitorView};
use crate::session::{NewSession, Route};
use chrono::Duration;
use holdspace_monitoring::{
    builtin_templates, checklist_items, ChecklistAction, Effect, EffectStatus, InputKind, ItemStatus, Stage, Template, Vitals,
    READY_ITEM_ID,
};

const MIN: i64 = 60_000;

fn esketamine() -> Template {
    let (templates, problems) = builtin_templates();
    assert!(problems.is_empty(), "{problems:?}");
    templates.into_iter().find(|t| t.id == "esketamine-rems").unwrap()
}

fn spray(devices: u32, reason: Option<&str>) -> DoseInput {
    DoseInput {
        substance: "esketamine".into(),
        amount: 28.0 * f64::from(devices),
        unit: "mg".into(),
        route: Route::Intranasal,
        lot: "SPR-114".into(),
        minutes_ago: None,
        devices: Some(devices),
        override_reason: reason.map(str::to_string),
    }
}

fn start(store: &Store, t: &Template, code: &str) -> i64 {
    let (s, _) = store
        .start_session(NewSession {
            client_code: code.into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intranasal,
            protocol: t.id.clone(),
            intention: String::new(),
        })
        .unwrap();
    s.id
}

fn view(store: &Store, t: &Template, id: i64) -> MonitorView {
    monitor_view(t, &store.session(id).unwrap(), &store.entries(id).unwrap(), store.clock.now().timestamp_millis())
}

/// Writes through the same path the window's save takes (the write journal's apply).
fn give(store: &Store, t: &Template, id: i64, input: DoseInput, key: &str) -> Result<Vec<Entry>> {
    let op = store.gated_dose(id, t, input)?;
    store.apply(&Write { key: key.into(), session_id: id, at: store.clock.now(), op, author: None })
}

fn answer(store: &Store, t: &Template, id: i64, item: &str, value: &str) {
    store.record_checklist(id, t, item, ChecklistAction::Text { value: value.into() }).unwrap();
}

#[test]
fn the_first_dose_waits_for_enrolment_and_an_override_is_on_the_record() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&tmp.path().join(DB_FILE), clock.clone()).unwrap();
    let t = esketamine();
    let id = start(&store, &t, "E-10");

    // Nothing answered: held back, saying what and why.
    let err = give(&store, &t, id, spray(2, None), "d1").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DoseBlocked);
    assert!(err.to_string().contains("Enrolled in the Spravato REMS: not answered"), "{err}");
    assert_eq!(view(&store, &t, id).dose_blockers.len(), 1);

    // Not enrolled: still held back, with the REMS reason.
    answer(&store, &t, id, "rems.enrolled", "not enrolled");
    let err = give(&store, &t, id, spray(2, None), "d1").unwrap_err();
    assert!(err.to_string().contains("not enrolled. The Spravato REMS allows treatment only of enrolled patients"), "{err}");
    // A blank reason is no reason.
    assert_eq!(give(&store, &t, id, spray(2, Some("   ")), "d1").unwrap_err().kind(), ErrorKind::DoseBlocked);
    assert!(store.session(id).unwrap().first_dose_at.is_none(), "nothing was given");

    // With a reason: the override, then the dose, in one write.
    let saved = give(&store, &t, id, spray(2, Some("enrolment confirmed by phone with the REMS; form to follow")), "d1").unwrap();
    let kinds: Vec<&str> = saved.iter().map(|e| e.body.kind()).collect();
    assert_eq!(kinds, ["dose_override", "dose"]);
    assert_eq!(
        saved[0].text,
        "Dose given against the protocol's gate: enrolment confirmed by phone with the REMS; form to follow (held back by: \
         Enrolled in the Spravato REMS: not enrolled. The Spravato REMS allows treatment only of enrolled patients; \
         enrol the patient first, or record why the dose goes ahead.)"
    );
    assert_eq!(saved[1].text, "Dose: esketamine 56 mg · Esketamine nasal spray · 2 devices · lot SPR-114");
    // Sent again (a retry), it is saved once.
    let again = give(&store, &t, id, spray(2, Some("enrolment confirmed by phone with the REMS; form to follow")), "d1").unwrap();
    assert_eq!(again.iter().map(|e| e.seq).collect::<Vec<_>>(), saved.iter().map(|e| e.seq).collect::<Vec<_>>());
    // Boosters are not gated; the gate is gone once dosed.
    assert!(view(&store, &t, id).dose_blockers.is_empty());
    clock.advance(Duration::minutes(5));
    assert_eq!(give(&store, &t, id, spray(1, None), "d2").unwrap().len(), 1);

    // Enrolled: no gate, no override entry, and a reason sent anyway is not kept.
    let other = start_after_end(&store, &t, id, "E-11");
    answer(&store, &t, other, "rems.enrolled", "enrolled");
    let saved = give(&store, &t, other, spray(3, Some("not needed")), "d3").unwrap();
    assert_eq!(saved.iter().map(|e| e.body.kind()).collect::<Vec<_>>(), ["dose"]);
    assert!(matches!(&saved[0].body, EntryBody::Dose(d) if d.devices == Some(3) && d.amount == 84.0));

    // A device count out of range is refused, naming the field.
    let err = store.gated_dose(other, &t, spray(11, None)).unwrap_err();
    assert!(err.to_string().contains("devices") && err.to_string().contains("1 to 10"), "{err}");
}

fn start_after_end(store: &Store, t: &Template, id: i64, code: &str) -> i64 {
    store.end_session_gated(id, t, Some("test: next client")).unwrap();
    start(store, t, code)
}

/// Answers every required discharge item but the one that states the ready time.
fn discharge_items(store: &Store, t: &Template, id: i64) {
    for item in checklist_items(t, Stage::Discharge).into_iter().filter(|i| i.required && i.id != READY_ITEM_ID) {
        let action = match item.input {
            InputKind::Tick => ChecklistAction::Tick,
            InputKind::Choice => ChecklistAction::Text { value: item.options[0].clone() },
            InputKind::Phone => ChecklistAction::Text { value: "+1 555 010 9999".into() },
            InputKind::Text => ChecklistAction::Text { value: "Sam Doe".into() },
            InputKind::Number | InputKind::Score => ChecklistAction::Number { value: 2.0 },
        };
        store.record_checklist(id, t, &item.id, action).unwrap();
    }
}

#[test]
fn discharge_waits_for_each_observed_effect_to_resolve_and_ready_to_leave_is_computed_from_the_record() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(DB_FILE);
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&path, clock.clone()).unwrap();
    let t = esketamine();
    let id = start(&store, &t, "E-20");
    answer(&store, &t, id, "rems.enrolled", "enrolled");

    // No effect before the dose.
    let err = store.record_effect(id, &t, Effect::Sedation, EffectStatus::Observed, 0).unwrap_err();
    assert!(err.to_string().contains("no dose is recorded yet"), "{err}");

    give(&store, &t, id, spray(2, None), "dose").unwrap();
    let t0 = store.session(id).unwrap().first_dose_at.unwrap();

    // Resolved before observed is refused, saying what to do.
    let err = store.record_effect(id, &t, Effect::RespiratoryDepression, EffectStatus::Resolved, 0).unwrap_err();
    assert!(err.to_string().contains("record it as observed first"), "{err}");
    clock.advance(Duration::minutes(15));
    store.record_effect(id, &t, Effect::Sedation, EffectStatus::Observed, 0).unwrap();
    clock.advance(Duration::minutes(5));
    store.record_effect(id, &t, Effect::Dissociation, EffectStatus::Observed, 0).unwrap();
    store.record_effect(id, &t, Effect::RespiratoryDepression, EffectStatus::NotObserved, 0).unwrap();
    // An hour and more after the fact is refused; before the dose too.
    assert_eq!(store.record_effect(id, &t, Effect::Sedation, EffectStatus::Resolved, 61).unwrap_err().kind(), ErrorKind::Invalid);
    assert!(store.record_effect(id, &t, Effect::Sedation, EffectStatus::Resolved, 30).unwrap_err().to_string().contains("before the first dose"));

    // T+100: the discharge items are done; T+115 the discharge BP.
    clock.advance(Duration::minutes(80));
    discharge_items(&store, &t, id);
    clock.advance(Duration::minutes(15));
    store.record_vitals(id, &t, Vitals { systolic: Some(128), diastolic: Some(80), ..Vitals::default() }).unwrap();

    // T+121: the minimum time is met, yet both observed effects hold discharge back.
    clock.advance(Duration::minutes(6));
    let v = view(&store, &t, id);
    assert_eq!(
        v.discharge.blockers,
        [
            "Discharge item open: Ready to leave at (minutes after the first dose)",
            "Sedation: observed and not yet marked resolved",
            "Dissociation: observed and not yet marked resolved"
        ]
    );
    assert!(v.ready_to_leave.is_none());
    assert_eq!(store.confirm_ready_to_leave(id, &t).unwrap_err().kind(), ErrorKind::DischargeBlocked);
    let blocked = store.end_session_gated(id, &t, None).unwrap_err();
    assert!(blocked.to_string().contains("Sedation: observed and not yet marked resolved"), "{blocked}");

    // T+123 dissociation resolves; at T+125 sedation is recorded as resolved 10 minutes ago.
    clock.advance(Duration::minutes(2));
    store.record_effect(id, &t, Effect::Dissociation, EffectStatus::Resolved, 0).unwrap();
    clock.advance(Duration::minutes(2));
    let e = store.record_effect(id, &t, Effect::Sedation, EffectStatus::Resolved, 10).unwrap();
    assert_eq!(e.text, "Sedation: resolved (10 min before it was recorded)");

    // Every condition held from T+123 (the last to settle), not T+125 when it was written.
    // Only the item that states the ready time is open: confirming fills it.
    let v = view(&store, &t, id);
    assert_eq!(v.discharge.blockers, ["Discharge item open: Ready to leave at (minutes after the first dose)"]);
    let ready = v.ready_to_leave.clone().expect("ready to leave");
    assert_eq!(ready.at_ms, t0.timestamp_millis() + 123 * MIN);
    assert_eq!((ready.minutes_after_first_dose, ready.confirmed_seq), (123, None));
    let sedation = &v.effects[0];
    assert_eq!(sedation.resolved_at_ms, Some(t0.timestamp_millis() + 115 * MIN));

    // Confirmed by the clinician; a restart shows the same.
    let confirmed = store.confirm_ready_to_leave(id, &t).unwrap();
    assert_eq!(
        confirmed.text,
        "Ready to leave confirmed: 123 min after the first dose (the first moment every discharge condition held)"
    );
    drop(store);
    let store = Store::open(&path, clock.clone()).unwrap();
    let v = view(&store, &t, id);
    assert_eq!(v.ready_to_leave.and_then(|r| r.confirmed_seq), Some(confirmed.seq));
    let stated = v.checklist.stage(Stage::Discharge).unwrap().items.iter().find(|i| i.item.id == READY_ITEM_ID).unwrap().status.clone();
    assert_eq!(stated, ItemStatus::Number { value: 123.0 });
    assert!(v.discharge.allowed, "{:?}", v.discharge.blockers);
    let ended = store.end_session_gated(id, &t, None).unwrap();
    assert_eq!(ended.body.kind(), "session_ended");
}

#[test]
fn an_effect_that_comes_back_holds_discharge_again_and_moves_the_ready_time() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&tmp.path().join(DB_FILE), clock.clone()).unwrap();
    let t = esketamine();
    let id = start(&store, &t, "E-30");
    answer(&store, &t, id, "rems.enrolled", "enrolled");
    give(&store, &t, id, spray(3, None), "dose").unwrap();
    let t0 = store.session(id).unwrap().first_dose_at.unwrap().timestamp_millis();
    for e in [Effect::Sedation, Effect::Dissociation, Effect::RespiratoryDepression] {
        store.record_effect(id, &t, e, EffectStatus::NotObserved, 0).unwrap();
    }
    clock.advance(Duration::minutes(100));
    discharge_items(&store, &t, id);
    clock.advance(Duration::minutes(15));
    store.record_vitals(id, &t, Vitals { systolic: Some(126), diastolic: Some(78), ..Vitals::default() }).unwrap();
    clock.advance(Duration::minutes(6));
    // All "not observed" and the rest done: ready at the minimum time itself.
    assert_eq!(view(&store, &t, id).ready_to_leave.map(|r| r.at_ms), Some(t0 + 120 * MIN));

    // T+121 the client is drowsy again: discharge waits once more.
    store.record_effect(id, &t, Effect::Sedation, EffectStatus::Observed, 0).unwrap();
    let v = view(&store, &t, id);
    assert!(v.ready_to_leave.is_none());
    assert!(v.risks.iter().any(|r| r == "Sedation: observed and not yet marked resolved"), "{:?}", v.risks);
    clock.advance(Duration::minutes(9));
    store.record_effect(id, &t, Effect::Sedation, EffectStatus::Resolved, 0).unwrap();
    assert_eq!(view(&store, &t, id).ready_to_leave.map(|r| r.minutes_after_first_dose), Some(130));
}

#[test]
fn a_protocol_without_effects_refuses_them_and_has_no_gate() {
    let tmp = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&tmp.path().join(DB_FILE), clock.clone()).unwrap();
    let (templates, _) = builtin_templates();
    let t = templates.into_iter().find(|t| t.id == "im-ketamine").unwrap();
    let (s, _) = store
        .start_session(NewSession {
            client_code: "K-1".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intramuscular,
            protocol: t.id.clone(),
            intention: String::new(),
        })
        .unwrap();
    let input = DoseInput { substance: "ketamine".into(), amount: 50.0, unit: "mg".into(), route: Route::Intramuscular, lot: String::new(), minutes_ago: None, devices: None, override_reason: None };
    give(&store, &t, s.id, input, "k").unwrap();
    let err = store.record_effect(s.id, &t, Effect::Sedation, EffectStatus::Observed, 0).unwrap_err();
    assert!(err.to_string().contains("does not ask about sedation"), "{err}");
    assert!(view(&store, &t, s.id).effects.is_empty());
}

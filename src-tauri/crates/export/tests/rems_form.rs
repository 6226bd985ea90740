//! The REMS monitoring form as a PDF: every field the form asks for is there, read back with
//! pdftotext, filled from the record or saying "not recorded" (never invented), with patient
//! identity left blank to fill by hand.

use chrono::{DateTime, TimeZone, Utc};
use holdspace_core::clinic::{ClinicPerson, ClinicProfile, ClinicRole};
use holdspace_core::entry::DoseInput;
use holdspace_core::monitoring::{checklist_items, ChecklistAction, Stage};
use holdspace_core::rems::{FilingMethod, NewFiling};
use holdspace_core::{Clock, FakeClock, NewSession, Route, Store};
use holdspace_export::{builtin_template, export, Format};
use holdspace_monitoring::Vitals;
use std::process::Command;
use std::sync::Arc;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 14, 9, 0, 0).unwrap()
}

fn pdftotext(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext").args(["-layout"]).arg(path).arg("-").output().expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_field_of_the_form_is_filled_from_the_record_or_says_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::new(start()));
    let store = Store::open(&dir.path().join("r.db"), clock.clone()).unwrap();
    let t = builtin_template("esketamine-rems").unwrap();
    let (s, _) = store
        .start_session(NewSession { client_code: "E-5".into(), therapist: "Dr Rowe".into(), route: Route::Intranasal, protocol: t.id.clone(), intention: String::new() })
        .unwrap();
    // An empty record first: the form says what is missing and invents nothing.
    let empty = pdftotext(&export(&store, Some(&t), s.id, Format::Rems, dir.path()).unwrap());
    for want in ["Patient name", "(fill by hand)", "Setting name", "not recorded", "no dose recorded", "Benzodiazepines", "not yet submitted; due by"] {
        assert!(empty.contains(want), "{want} missing:\n{empty}");
    }
    store.save_clinic_profile(
        ClinicProfile {
            setting_name: "Riverside Clinic".into(),
            address: "1 River Rd".into(),
            phone: "+1 555 010 2030".into(),
            people: vec![ClinicPerson { name: "Dr Rowe".into(), role: Some(ClinicRole::Clinician), phone: "+1 555 010 2031".into(), email: "rowe@riverside.org".into() }],
        },
        "Dr Rowe",
    )
    .unwrap();
    let benzo = checklist_items(&t, Stage::PreDose).into_iter().find(|i| i.id == "meds.benzodiazepines").map(|i| i.id).unwrap();
    store.record_checklist(s.id, &t, &benzo, ChecklistAction::Text { value: "not taken".into() }).unwrap();
    store.record_vitals(s.id, &t, Vitals { systolic: Some(128), diastolic: Some(82), spo2: Some(98), ..Vitals::default() }).unwrap();
    clock.advance(chrono::Duration::minutes(5));
    store.record_dose(s.id, DoseInput { substance: "esketamine".into(), amount: 56.0, unit: "mg".into(), route: Route::Intranasal, lot: "LOT-7781".into(), minutes_ago: None, devices: None, override_reason: None }).unwrap();
    clock.advance(chrono::Duration::minutes(40));
    store.record_vitals(s.id, &t, Vitals { systolic: Some(146), diastolic: Some(90), moaas: Some(4), dissociation: Some(2), spo2: Some(95), ..Vitals::default() }).unwrap();
    clock.advance(chrono::Duration::minutes(80));
    store.record_vitals(s.id, &t, Vitals { systolic: Some(130), diastolic: Some(84), spo2: Some(97), ..Vitals::default() }).unwrap();
    store.end_session(s.id, "").unwrap();
    let today = holdspace_core::rems::local_date(clock.now());
    store.record_rems_filing(s.id, &NewFiling { submitted_on: today.to_string(), method: FilingMethod::Portal, confirmation: "RX-1".into() }, "Dr Rowe", today).unwrap();
    let text = pdftotext(&export(&store, Some(&t), s.id, Format::Rems, dir.path()).unwrap());
    for want in [
        "REMS Patient Monitoring Form",
        "Riverside Clinic",
        "1 River Rd",
        "+1 555 010 2031",
        "rowe@riverside.org",
        "Monitoring clinician",
        "LOT-7781",
        "Benzodiazepines",
        "not taken",
        "Non-benzodiazepine",
        "sedative hypnotics",
        "Psychostimulants",
        "(MAOIs)",
        "Opioids",
        "Blood pressure before",
        "128/82",
        "Blood pressure about 40",
        "146/90",
        
        "130/84",
        "Pulse oximetry (lowest",
        "95%",
        "Sedation observed",
        "Vital signs acceptable",
        "worst MOAA/S 4",
        "Dissociation observed",
        "highest rating 2 of 4",
        "Respiratory depression",
        "Total minutes from first",
        "120",
        "have been ready to leave",
        "Serious adverse events",
        "none recorded",
        &format!("submitted {today} by REMS portal, confirmation RX-1"),
    ] {
        assert!(text.contains(want), "{want:?} missing from the form:\n{text}");
    }
}

/// A session run through the REMS gate: the gate's answers, the devices, the effects as the
/// clinician recorded them and the confirmed ready-to-leave time are on the form.
#[test]
fn the_gate_the_devices_the_effects_and_the_confirmed_ready_time_are_on_the_form() {
    use holdspace_core::monitoring::{Effect, EffectStatus, InputKind};
    use holdspace_core::store::Write;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::new(start()));
    let store = Store::open(&dir.path().join("r.db"), clock.clone()).unwrap();
    let t = builtin_template("esketamine-rems").unwrap();
    let (s, _) = store
        .start_session(NewSession { client_code: "E-6".into(), therapist: "Dr Rowe".into(), route: Route::Intranasal, protocol: t.id.clone(), intention: String::new() })
        .unwrap();
    for (item, value) in [("rems.first_treatment", "first treatment"), ("rems.enrolled", "not enrolled"), ("rems.prescriber_on_site", "Dr Ade")] {
        store.record_checklist(s.id, &t, item, ChecklistAction::Text { value: value.into() }).unwrap();
    }
    let dose = DoseInput {
        substance: "esketamine".into(),
        amount: 84.0,
        unit: "mg".into(),
        route: Route::Intranasal,
        lot: "LOT-9".into(),
        minutes_ago: None,
        devices: Some(3),
        override_reason: Some("enrolment confirmed by phone".into()),
    };
    let op = store.gated_dose(s.id, &t, dose).unwrap();
    store.apply(&Write { key: "dose".into(), session_id: s.id, at: clock.now(), op, author: None }).unwrap();
    clock.advance(chrono::Duration::minutes(20));
    store.record_effect(s.id, &t, Effect::Sedation, EffectStatus::Observed, 0).unwrap();
    store.record_effect(s.id, &t, Effect::Dissociation, EffectStatus::NotObserved, 0).unwrap();
    store.record_effect(s.id, &t, Effect::RespiratoryDepression, EffectStatus::NotObserved, 0).unwrap();
    clock.advance(chrono::Duration::minutes(50));
    store.record_effect(s.id, &t, Effect::Sedation, EffectStatus::Resolved, 0).unwrap();
    clock.advance(chrono::Duration::minutes(45));
    for item in checklist_items(&t, Stage::Discharge).into_iter().filter(|i| i.required) {
        let action = match item.input {
            InputKind::Tick => ChecklistAction::Tick,
            InputKind::Choice => ChecklistAction::Text { value: item.options[0].clone() },
            InputKind::Phone => ChecklistAction::Text { value: "+1 555 010 9999".into() },
            InputKind::Text => ChecklistAction::Text { value: "Sam".into() },
            InputKind::Number | InputKind::Score => ChecklistAction::Number { value: 2.0 },
        };
        store.record_checklist(s.id, &t, &item.id, action).unwrap();
    }
    store.record_vitals(s.id, &t, Vitals { systolic: Some(126), diastolic: Some(80), ..Vitals::default() }).unwrap();
    clock.advance(chrono::Duration::minutes(7));
    store.confirm_ready_to_leave(s.id, &t).unwrap();
    store.end_session_gated(s.id, &t, None).unwrap();
    let text = pdftotext(&export(&store, Some(&t), s.id, Format::Rems, dir.path()).unwrap());
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "First treatment first treatment",
        "Enrolled in the REMS not enrolled",
        "Dose override reason enrolment confirmed by phone",
        "Prescriber on site Dr Ade",
        "Devices used 3",
        "Sedation observed yes, from T+00:20:00; resolved T+01:10:00",
        "Dissociation observed no",
        "Respiratory depression no",
        // Ready at T+120 (the minimum; everything else settled earlier), confirmed.
        "When the patient would 120",
    ] {
        assert!(squeezed.contains(want), "{want:?} missing from the form:\n{text}");
    }
    // The open items before signing name nothing about the effects: each is settled.
    let report = holdspace_export::SessionReport::build(&store, Some(&t), s.id).unwrap();
    assert!(!report.summary.open_items.iter().any(|o| o.starts_with("Effect ")), "{:?}", report.summary.open_items);
}

/// A session from before effects and the gate were recorded: the form says "not recorded" for
/// them and shows what the ratings say, marked as such, never an invented answer.
#[test]
fn a_session_from_before_the_gate_reads_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::new(start()));
    let store = Store::open(&dir.path().join("r.db"), clock.clone()).unwrap();
    let t = builtin_template("esketamine-rems").unwrap();
    let (s, _) = store
        .start_session(NewSession { client_code: "E-1".into(), therapist: "Dr Rowe".into(), route: Route::Intranasal, protocol: t.id.clone(), intention: String::new() })
        .unwrap();
    store.record_dose(s.id, DoseInput { substance: "esketamine".into(), amount: 56.0, unit: "mg".into(), route: Route::Intranasal, lot: String::new(), minutes_ago: None, devices: None, override_reason: None }).unwrap();
    clock.advance(chrono::Duration::minutes(40));
    store.record_vitals(s.id, &t, Vitals { moaas: Some(4), ..Vitals::default() }).unwrap();
    store.end_session(s.id, "").unwrap();
    let text = pdftotext(&export(&store, Some(&t), s.id, Format::Rems, dir.path()).unwrap());
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "First treatment not recorded",
        "Enrolled in the REMS not recorded",
        "Prescriber on site not recorded",
        "Devices used not recorded",
        "(from the ratings; not recorded as observed)",
    ] {
        assert!(squeezed.contains(want), "{want:?} missing from the form:\n{text}");
    }
    let report = holdspace_export::SessionReport::build(&store, Some(&t), s.id).unwrap();
    assert!(report.summary.open_items.iter().any(|o| o == "Effect Sedation: not recorded whether it was observed"), "{:?}", report.summary.open_items);
}

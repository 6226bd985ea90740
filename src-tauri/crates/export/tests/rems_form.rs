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
    store.record_dose(s.id, DoseInput { substance: "esketamine".into(), amount: 56.0, unit: "mg".into(), route: Route::Intranasal, lot: "LOT-7781".into(), minutes_ago: None }).unwrap();
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

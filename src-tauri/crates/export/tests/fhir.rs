//! The FHIR export: the demo session (vitals, a dose with its lot, notes, an amendment) and an
//! esketamine session with pulse oximetry, written as Bundles and validated with a maintained
//! FHIR R4 model library (`fhir.resources`, installed by `make setup-test` into .venv-fhir) and
//! the checks of tests/fhir/validate.py; the LOINC codes and UCUM units are checked here too.

use chrono::{DateTime, TimeZone, Utc};
use holdspace_core::entry::DoseInput;
use holdspace_core::{FakeClock, NewSession, Route, Store};
use holdspace_export::{add_demo_session_at, builtin_template, export, Format, CLIENT_CODE_SYSTEM};
use holdspace_monitoring::Vitals;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 14, 9, 0, 0).unwrap()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// Runs the validator on `paths`; (exit success, what it printed).
fn validate(paths: &[&Path]) -> (bool, String) {
    let python = std::env::var_os("HOLDSPACE_FHIR_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv-fhir/bin/python"));
    assert!(python.exists(), "{} is missing: run `make setup-test` (it installs fhir.resources for these tests)", python.display());
    let out = Command::new(&python).arg(repo().join("tests/fhir/validate.py")).args(paths).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn d_or_empty(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).filter(|r| r["resourceType"] == kind).collect()
}

fn codes(r: &Value) -> Vec<String> {
    r["code"]["coding"].as_array().map(|c| c.iter().map(|c| c["code"].as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

/// An esketamine session with every vital sign the export codes, two devices' doses and a lot.
fn esketamine_session(db: &Path) -> i64 {
    let clock = Arc::new(FakeClock::new(start()));
    let store = Store::open(db, clock.clone()).unwrap();
    let t = builtin_template("esketamine-rems").unwrap();
    let (s, _) = store
        .start_session(NewSession { client_code: "E-2".into(), therapist: "Dr Rowe".into(), route: Route::Intranasal, protocol: t.id.clone(), intention: String::new() })
        .unwrap();
    let all = Vitals { systolic: Some(132), diastolic: Some(84), heart_rate: Some(72), spo2: Some(98), respiratory_rate: Some(14), temperature_c: Some(36.8), ..Vitals::default() };
    store.record_vitals(s.id, &t, all).unwrap();
    store
        .record_dose(s.id, DoseInput { substance: "esketamine".into(), amount: 56.0, unit: "mg".into(), route: Route::Intranasal, lot: "LOT-7781".into(), minutes_ago: None })
        .unwrap();
    clock.advance(chrono::Duration::minutes(40));
    store.record_vitals(s.id, &t, Vitals { moaas: Some(4), dissociation: Some(2), spo2: Some(96), ..Vitals::default() }).unwrap();
    let clinic = holdspace_core::clinic::ClinicProfile { setting_name: "Riverside Clinic".into(), address: "1 River Rd, Springfield".into(), phone: "+1 555 010 2030".into(), people: vec![] };
    store.save_clinic_profile(clinic, "Dr Rowe").unwrap();
    s.id
}

#[test]
fn every_bundle_is_valid_fhir_r4_with_us_core_codes_and_units() {
    let dir = tempfile::tempdir().unwrap();
    let demo_db = dir.path().join("demo.db");
    let demo = add_demo_session_at(&demo_db, start()).unwrap();
    let demo_store = Store::open(&demo_db, Arc::new(FakeClock::new(start()))).unwrap();
    let demo_path = export(&demo_store, builtin_template("im-ketamine").as_ref(), demo, Format::Fhir, dir.path()).unwrap();
    let esk_db = dir.path().join("esk.db");
    let esk = esketamine_session(&esk_db);
    let esk_store = Store::open(&esk_db, Arc::new(FakeClock::new(start()))).unwrap();
    let esk_path = export(&esk_store, builtin_template("esketamine-rems").as_ref(), esk, Format::Fhir, dir.path()).unwrap();
    assert!(esk_path.to_string_lossy().ends_with(".fhir.json"), "{}", esk_path.display());

    let (ok, said) = validate(&[&demo_path, &esk_path]);
    assert!(ok, "{said}");
    assert_eq!(said.matches("valid FHIR R4 Bundle").count(), 2, "{said}");

    let b: Value = serde_json::from_slice(&std::fs::read(&esk_path).unwrap()).unwrap();
    assert_eq!((b["resourceType"].as_str(), b["type"].as_str()), (Some("Bundle"), Some("collection")));
    let patient = &resources(&b, "Patient")[0];
    assert_eq!(patient["identifier"][0]["system"], CLIENT_CODE_SYSTEM);
    assert_eq!(patient["identifier"][0]["value"], "E-2");
    assert!(patient.get("name").is_none() && patient.get("birthDate").is_none());
    let obs = resources(&b, "Observation");
    let find = |code: &str| obs.iter().copied().filter(|o| codes(o).iter().any(|c| c == code)).collect::<Vec<_>>();
    let bp = find("85354-9");
    assert_eq!(bp.len(), 1);
    let comps: Vec<(String, f64, String)> = bp[0]["component"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (codes(c)[0].clone(), c["valueQuantity"]["value"].as_f64().unwrap(), c["valueQuantity"]["code"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(comps, [("8480-6".into(), 132.0, "mm[Hg]".into()), ("8462-4".into(), 84.0, "mm[Hg]".into())]);
    for (code, unit, value) in [("8867-4", "/min", 72.0), ("9279-1", "/min", 14.0), ("8310-5", "Cel", 36.8)] {
        let o = find(code);
        assert_eq!(o.len(), 1, "{code}");
        assert_eq!((o[0]["valueQuantity"]["code"].as_str(), o[0]["valueQuantity"]["value"].as_f64()), (Some(unit), Some(value)), "{code}");
        assert_eq!(o[0]["category"][0]["coding"][0]["code"], "vital-signs");
    }
    let spo2 = find("59408-5");
    assert_eq!(spo2.len(), 2, "both readings' pulse oximetry");
    assert!(spo2.iter().all(|o| codes(o) == ["2708-6", "59408-5"] && o["valueQuantity"]["code"] == "%"));
    let ratings: Vec<(String, i64)> = obs
        .iter()
        .filter(|o| o["valueInteger"].is_i64())
        .map(|o| (o["code"]["text"].as_str().unwrap().to_string(), o["valueInteger"].as_i64().unwrap()))
        .collect();
    assert_eq!(ratings.len(), 2);
    assert!(ratings[0].0.starts_with("MOAA/S") && ratings[0].1 == 4 && ratings[1].0.starts_with("Dissociation") && ratings[1].1 == 2);
    let tags = b["meta"]["tag"].as_array().unwrap();
    assert_eq!((tags[0]["system"].as_str(), tags[0]["code"].as_str().map(str::len)), (Some("urn:holdspace:chain-head"), Some(64)));
    assert_eq!(tags[1]["code"], "verified");
    let org = &resources(&b, "Organization")[0];
    assert_eq!((org["name"].as_str(), org["telecom"][0]["value"].as_str()), (Some("Riverside Clinic"), Some("+1 555 010 2030")));
    let enc = &resources(&b, "Encounter")[0];
    assert!(enc["serviceProvider"]["reference"].as_str().is_some_and(|r| r.starts_with("urn:uuid:")));
    assert!(resources(&d_or_empty(&demo_path), "Organization").is_empty(), "no profile saved: no Organization invented");
    let med = &resources(&b, "MedicationAdministration")[0];
    assert_eq!(med["contained"][0]["batch"]["lotNumber"], "LOT-7781");
    assert_eq!((med["dosage"]["dose"]["value"].as_f64(), med["dosage"]["dose"]["unit"].as_str()), (Some(56.0), Some("mg")));

    // The demo's amendment travels as a note on what it corrects; its notes are Observations.
    let d: Value = serde_json::from_slice(&std::fs::read(&demo_path).unwrap()).unwrap();
    let texts: Vec<&str> = resources(&d, "Observation").iter().filter_map(|o| o["valueString"].as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("DEMO DATA")), "{texts:?}");
    assert!(resources(&d, "Observation").iter().chain(resources(&d, "MedicationAdministration").iter()).any(|o| o["note"][0]["text"].as_str().is_some_and(|t| t.starts_with("Amended: "))));
    // Exporting again gives the same ids: an EHR importing twice sees the same resources.
    let again = export(&demo_store, None, demo, Format::Fhir, dir.path()).unwrap();
    let a: Value = serde_json::from_slice(&std::fs::read(&again).unwrap()).unwrap();
    let urls = |v: &Value| v["entry"].as_array().unwrap().iter().map(|e| e["fullUrl"].clone()).collect::<Vec<_>>();
    assert_eq!(urls(&a), urls(&d));
}

#[test]
fn the_validator_refuses_a_bundle_that_is_not_valid() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("esk.db");
    let id = esketamine_session(&db);
    let store = Store::open(&db, Arc::new(FakeClock::new(start()))).unwrap();
    let path = export(&store, None, id, Format::Fhir, dir.path()).unwrap();
    let mut b: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    // SpO2 with only one of its two codes, and an Observation without its status.
    for e in b["entry"].as_array_mut().unwrap() {
        let r = &mut e["resource"];
        if r["code"]["coding"].as_array().is_some_and(|c| c.len() == 2) {
            r["code"]["coding"].as_array_mut().unwrap().truncate(1);
        }
    }
    let one_code = dir.path().join("one-code.json");
    std::fs::write(&one_code, serde_json::to_vec(&b).unwrap()).unwrap();
    let first_obs = b["entry"].as_array().unwrap().iter().position(|e| e["resource"]["resourceType"] == "Observation").unwrap();
    b["entry"][first_obs]["resource"].as_object_mut().unwrap().remove("status");
    let no_status = dir.path().join("no-status.json");
    std::fs::write(&no_status, serde_json::to_vec(&b).unwrap()).unwrap();
    let (ok, said) = validate(&[&one_code]);
    assert!(!ok && said.contains("SpO2 must carry 59408-5"), "{said}");
    let (ok, said) = validate(&[&no_status]);
    assert!(!ok && said.contains("INVALID") && said.contains("status"), "{said}");
}

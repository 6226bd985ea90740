//! The session as a FHIR R4 (4.0.1) `collection` Bundle, for an EHR to import: a Patient known
//! only by the client code, an Encounter for the session, an Observation per vital sign
//! (US Core vital-signs profiles and LOINC codes, UCUM units), MOAA/S and dissociation ratings
//! as Observations, a MedicationAdministration per dose with its lot, and each note as an
//! Observation with its text. Amendments are carried as notes on what they correct.
//!
//! Resource ids are `urn:uuid:`s derived from the session and the entry, so exporting the same
//! session twice gives the same references.

use crate::error::Result;
use crate::report::SessionReport;
use crate::seal::Seal;
use chrono::{DateTime, SecondsFormat, Utc};
use holdspace_core::{EntryBody, Route, SessionState};
use holdspace_monitoring::Vitals;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

const LOINC: &str = "http://loinc.org";
const UCUM: &str = "http://unitsofmeasure.org";
const OBS_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const US_CORE: &str = "http://hl7.org/fhir/us/core/StructureDefinition";
/// The client code's identifier system: a code the clinic gives, never a name.
pub const CLIENT_CODE_SYSTEM: &str = "urn:holdspace:client-code";

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A stable UUID (version 4 layout) from a name.
fn uuid(name: &str) -> String {
    let h = Sha256::digest(name.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x: String = b.iter().map(|v| format!("{v:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &x[0..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32])
}

fn quantity(value: f64, unit: &str, code: &str) -> Value {
    json!({ "value": value, "unit": unit, "system": UCUM, "code": code })
}

fn category(code: &str, display: &str) -> Value {
    json!([{ "coding": [{ "system": OBS_CATEGORY, "code": code, "display": display }] }])
}

fn loinc(codes: &[(&str, &str)], text: &str) -> Value {
    let coding: Vec<Value> = codes.iter().map(|(c, d)| json!({ "system": LOINC, "code": c, "display": d })).collect();
    json!({ "coding": coding, "text": text })
}

struct Ctx<'a> {
    patient: &'a str,
    encounter: &'a str,
}

impl Ctx<'_> {
    fn observation(&self, at: DateTime<Utc>, profile: Option<&str>, cat: Value, code: Value) -> Value {
        let mut o = json!({
            "resourceType": "Observation",
            "status": "final",
            "category": cat,
            "code": code,
            "subject": { "reference": self.patient },
            "encounter": { "reference": self.encounter },
            "effectiveDateTime": time(at),
        });
        if let Some(p) = profile {
            o["meta"] = json!({ "profile": [format!("{US_CORE}/{p}")] });
        }
        o
    }
}

/// The Observations one vitals reading makes (one per vital sign or rating recorded).
fn vitals_observations(ctx: &Ctx<'_>, base: &str, at: DateTime<Utc>, v: &Vitals) -> Vec<(String, Value)> {
    let vital = || category("vital-signs", "Vital Signs");
    let mut out = Vec::new();
    let mut push = |name: &str, o: Value| out.push((uuid(&format!("{base}:{name}")), o));
    if let (Some(s), Some(d)) = (v.systolic, v.diastolic) {
        let mut o = ctx.observation(at, Some("us-core-blood-pressure"), vital(), loinc(&[("85354-9", "Blood pressure panel with all children optional")], "Blood pressure"));
        o["component"] = json!([
            { "code": loinc(&[("8480-6", "Systolic blood pressure")], "Systolic"), "valueQuantity": quantity(s.into(), "mmHg", "mm[Hg]") },
            { "code": loinc(&[("8462-4", "Diastolic blood pressure")], "Diastolic"), "valueQuantity": quantity(d.into(), "mmHg", "mm[Hg]") },
        ]);
        push("bp", o);
    }
    if let Some(hr) = v.heart_rate {
        let mut o = ctx.observation(at, Some("us-core-heart-rate"), vital(), loinc(&[("8867-4", "Heart rate")], "Heart rate"));
        o["valueQuantity"] = quantity(hr.into(), "beats/minute", "/min");
        push("hr", o);
    }
    if let Some(rr) = v.respiratory_rate {
        let mut o = ctx.observation(at, Some("us-core-respiratory-rate"), vital(), loinc(&[("9279-1", "Respiratory rate")], "Respiratory rate"));
        o["valueQuantity"] = quantity(rr.into(), "breaths/minute", "/min");
        push("rr", o);
    }
    if let Some(spo2) = v.spo2 {
        let code = loinc(
            &[("2708-6", "Oxygen saturation in Arterial blood"), ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")],
            "Pulse oximetry",
        );
        let mut o = ctx.observation(at, Some("us-core-pulse-oximetry"), vital(), code);
        o["valueQuantity"] = quantity(spo2.into(), "%", "%");
        push("spo2", o);
    }
    if let Some(t) = v.temperature_c {
        let mut o = ctx.observation(at, Some("us-core-body-temperature"), vital(), loinc(&[("8310-5", "Body temperature")], "Body temperature"));
        o["valueQuantity"] = quantity(t, "C", "Cel");
        push("temp", o);
    }
    // Ratings the clinic's scales give: no LOINC code of their own, named in text.
    let survey = || category("survey", "Survey");
    if let Some(m) = v.moaas {
        let mut o = ctx.observation(at, None, survey(), json!({ "text": "MOAA/S (Modified Observer's Assessment of Alertness/Sedation), 0-5" }));
        o["valueInteger"] = json!(m);
        push("moaas", o);
    }
    if let Some(d) = v.dissociation {
        let mut o = ctx.observation(at, None, survey(), json!({ "text": "Dissociation, global rating 0-4 (CADSS anchors)" }));
        o["valueInteger"] = json!(d);
        push("dissociation", o);
    }
    out
}

fn route_text(route: Route) -> String {
    route.label().to_string()
}

/// The Bundle's bytes: pretty-printed UTF-8 JSON.
pub fn fhir_bytes(report: &SessionReport, seal: &Seal, exported_at: DateTime<Utc>) -> Result<Vec<u8>> {
    let mut bundle = fhir_bundle(report, exported_at);
    // The record's chain head and its verification when exported (`crate::seal`), as tags an
    // EHR keeps with the Bundle: the outside evidence a later copy can be compared with.
    bundle["meta"] = json!({ "tag": [
        { "system": "urn:holdspace:chain-head", "code": if seal.chain_head.is_empty() { "none" } else { seal.chain_head.as_str() } },
        { "system": "urn:holdspace:verification", "code": if seal.verified { "verified" } else { "not-verified" }, "display": seal.verification },
    ] });
    let mut bytes = serde_json::to_vec_pretty(&bundle)?;
    bytes.push(b'\n');
    Ok(bytes)
}

pub fn fhir_bundle(report: &SessionReport, exported_at: DateTime<Utc>) -> Value {
    let s = &report.session;
    let root = format!("holdspace:session:{}:{}", s.id, time(s.created_at));
    let patient = uuid(&format!("{root}:patient"));
    let encounter = uuid(&format!("{root}:encounter"));
    let ctx = Ctx { patient: &patient, encounter: &encounter };
    // Corrections, by the entry they correct.
    let mut amended: BTreeMap<i64, Vec<Value>> = BTreeMap::new();
    for item in &report.timeline {
        if let EntryBody::Amendment { amends_seq, reason, correction } = &item.entry.body {
            amended.entry(*amends_seq).or_default().push(json!({
                "authorString": item.entry.author,
                "time": time(item.entry.at),
                "text": format!("Amended: {correction} (reason: {reason})"),
            }));
        }
    }
    let mut entries: Vec<(String, Value)> = Vec::new();
    entries.push((
        patient.clone(),
        json!({
            "resourceType": "Patient",
            "identifier": [{ "system": CLIENT_CODE_SYSTEM, "value": s.client_code }],
        }),
    ));
    let mut enc = json!({
        "resourceType": "Encounter",
        "status": if s.state == SessionState::Open { "in-progress" } else { "finished" },
        "class": { "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory" },
        "type": [{ "text": format!("Ketamine-assisted psychotherapy dosing session ({})", report.summary.protocol_name) }],
        "subject": { "reference": patient },
        "participant": [{ "individual": { "display": s.therapist } }],
        "period": { "start": time(s.created_at) },
    });
    if let Some(end) = report.summary.ended_at {
        enc["period"]["end"] = json!(time(end));
    }
    if !report.clinic.setting_name.is_empty() {
        let org = uuid(&format!("{root}:organization"));
        let c = &report.clinic;
        let mut o = json!({ "resourceType": "Organization", "name": c.setting_name });
        if !c.phone.is_empty() {
            o["telecom"] = json!([{ "system": "phone", "value": c.phone }]);
        }
        if !c.address.is_empty() {
            o["address"] = json!([{ "text": c.address }]);
        }
        enc["serviceProvider"] = json!({ "reference": org });
        entries.push((org, o));
    }
    entries.push((encounter.clone(), enc));
    for item in &report.timeline {
        let e = &item.entry;
        let base = format!("{root}:entry:{}", e.seq);
        let notes = amended.get(&e.seq).cloned();
        let mut made: Vec<(String, Value)> = match &e.body {
            EntryBody::Vitals { reading } => vitals_observations(&ctx, &base, e.at, reading),
            EntryBody::Note { text, .. } | EntryBody::Addendum { text } => {
                let mut o = ctx.observation(e.at, None, category("exam", "Exam"), json!({ "text": "Session note" }));
                o["valueString"] = json!(text);
                o["performer"] = json!([{ "display": e.author }]);
                vec![(uuid(&base), o)]
            }
            EntryBody::Dose(d) => {
                let med_id = "med";
                let mut medication = json!({ "resourceType": "Medication", "id": med_id, "code": { "text": d.substance } });
                if !d.lot.trim().is_empty() {
                    medication["batch"] = json!({ "lotNumber": d.lot });
                }
                let o = json!({
                    "resourceType": "MedicationAdministration",
                    "contained": [medication],
                    "status": "completed",
                    "medicationReference": { "reference": format!("#{med_id}"), "display": d.substance },
                    "subject": { "reference": patient },
                    "context": { "reference": encounter },
                    "effectiveDateTime": time(d.given_at),
                    "performer": [{ "actor": { "display": e.author } }],
                    "dosage": {
                        "route": { "text": route_text(d.route) },
                        "dose": { "value": d.amount, "unit": d.unit },
                        "text": item.text,
                    },
                });
                vec![(uuid(&base), o)]
            }
            _ => Vec::new(),
        };
        if let Some(notes) = notes {
            for (_, r) in &mut made {
                r["note"] = json!(notes);
            }
        }
        entries.extend(made);
    }
    json!({
        "resourceType": "Bundle",
        "identifier": { "system": "urn:holdspace:session", "value": s.id.to_string() },
        "type": "collection",
        "timestamp": time(exported_at),
        "entry": entries.into_iter().map(|(url, r)| json!({ "fullUrl": url, "resource": r })).collect::<Vec<_>>(),
    })
}

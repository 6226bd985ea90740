//! Exports end to end: a real store on disk, every format written to a folder and read back.

use chrono::{DateTime, Duration, TimeZone, Utc};
use holdspace_core::entry::DoseInput;
use holdspace_core::{EntryBody, FakeClock, NewSession, Route, SessionState, Store};
use holdspace_export::report::ReadySource;
use holdspace_export::{
    add_demo_session_at, builtin_template, describe, export, Format, JsonExport, SessionReport, CSV_COLUMNS,
    DEMO_CLIENT_CODE, JSON_FORMAT_VERSION,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 14, 9, 0, 0).unwrap()
}

/// A disk database holding the finished demo session.
fn demo_db(dir: &Path) -> (PathBuf, i64) {
    let db = dir.join("holdspace.db");
    let id = add_demo_session_at(&db, start()).unwrap();
    (db, id)
}

fn open(db: &Path, at: DateTime<Utc>) -> (Store, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::new(at));
    (Store::open(db, clock.clone()).unwrap(), clock)
}

fn pdftotext(path: &Path) -> String {
    let out = match Command::new("pdftotext").args(["-layout"]).arg(path).arg("-").output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("pdftotext is missing: install the Debian/Ubuntu package `poppler-utils` (apt-get install poppler-utils)")
        }
        Err(e) => panic!("pdftotext failed to run: {e}"),
    };
    assert!(out.status.success(), "pdftotext could not read the PDF: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_demo_session_is_finished_with_a_flag_ack_amendment_and_integration_note() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path());
    let (store, _) = open(&db, start());
    let template = builtin_template("im-ketamine").unwrap();
    let r = SessionReport::build(&store, Some(&template), id).unwrap();
    assert_eq!(r.session.client_code, DEMO_CLIENT_CODE);
    assert_eq!(r.session.state, SessionState::Ended);
    assert!(r.session.intention.contains("DEMO DATA"));
    assert!(r.timeline.iter().any(|t| matches!(&t.entry.body, EntryBody::Note { text, .. } if text.contains("DEMO DATA"))));
    assert!(matches!(r.timeline.last().unwrap().entry.body, EntryBody::Amendment { .. }), "amended after the end");
    let s = &r.summary;
    assert!(!s.flags.is_empty());
    assert!(s.flags.iter().all(|f| f.acknowledged), "{:?}", s.flags);
    assert!(s.flags.iter().any(|f| f.rule_text.contains("184")));
    assert_eq!(s.amendments.len(), 1);
    assert!(s.amendments[0].amended_text.as_deref().unwrap().contains("grandmother"));
    assert_eq!(r.integration_notes.len(), 1);
    assert_eq!(s.doses.len(), 1);
    assert_eq!(s.doses[0].lot, "DEMO-LOT-2231");
    assert_eq!(s.monitoring_minutes, Some(93));
    assert_eq!(s.min_observation_met, Some(true));
    assert_eq!(s.ready_to_leave.source, ReadySource::Checklist);
    assert_eq!(s.ready_to_leave.minutes_after_first_dose, Some(88));
    assert_eq!(s.discharge.complete, Some(true), "{:?}", s.discharge.open_required);
    assert!(s.tags.iter().any(|t| t.tag_id == "tearful"));
    assert!(s.tags.iter().any(|t| t.tag_id == "music_change_requested"));
    let titles: Vec<&str> = s.music.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["First Light", "Slow Water", "Open Field", "Wide Sky", "Homeward"]);
    assert_eq!(s.music[2].ended_by.as_deref(), Some("Skipped"));
    assert!(s.signature.is_none());
    // REMS terms.
    let rems = &r.rems;
    let bp = |b: &Option<holdspace_export::report::BpReading>| b.as_ref().map(|b| (b.systolic, b.diastolic));
    assert_eq!(bp(&rems.bp_before_dosing), Some((132, 84)));
    assert_eq!(bp(&rems.bp_about_40_min), Some((166, 92)));
    assert_eq!(bp(&rems.bp_before_completion), Some((132, 84)));
    assert_eq!(rems.sedation_worst_moaas, Some(4));
    assert_eq!(rems.dissociation_max, Some(2));
    assert_eq!(rems.spo2_min, Some(96));
    assert_eq!(rems.total_monitoring_minutes, Some(93));
    assert_eq!(rems.minutes_until_ready_to_leave, Some(88));
    assert_eq!(rems.vitals_acceptable_before_dosing, Some(true));
    let systolic = s.vitals.iter().find(|v| v.field == "systolic").unwrap();
    assert_eq!((systolic.min, systolic.max), (132.0, 184.0));
}

#[test]
fn the_pdf_opens_and_its_text_holds_the_summary_values() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path());
    let (store, clock) = open(&db, start() + Duration::hours(5));
    let template = builtin_template("im-ketamine").unwrap();
    let out = tempfile::tempdir().unwrap();
    let path = export(&store, Some(&template), id, Format::Pdf, out.path()).unwrap();
    assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF-"));
    let text = pdftotext(&path);
    for want in [
        "DEMO-1",
        "Dr A. Demo",
        "DEMO-LOT-2231",
        "50 mg",
        "184/96",
        "132/84",
        "166/92",
        "BP before dosing",
        "BP about 40 min after dosing",
        "BP before completion",
        "Total monitoring minutes",
        "NOT SIGNED",
        "Open Field",
        "grandmother",
        "grandfather",
        "Music that played",
        "Chart",
    ] {
        assert!(text.contains(want), "the PDF text lacks {want:?}:\n{text}");
    }
    // A clinician's words, not the app's ids: the protocol by name, the route as it is
    // called, the chart's units, a line for the pre-dose checklist.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [template.name.as_str(), "Intramuscular injection, lot", "mmHg, /min", "Heart rate (/min)", "Pre-dose checklist"] {
        assert!(flat.contains(want), "the PDF text lacks {want:?}:\n{text}");
    }
    for internal in ["im-ketamine", "intramuscular,", ":systolic_high", ":flag"] {
        assert!(!flat.contains(internal), "the PDF shows the internal {internal:?}:\n{text}");
    }
    clock.advance(Duration::hours(1));
    store.sign(id, "Dr A. Demo", "I reviewed this record.").unwrap();
    let signed = export(&store, Some(&template), id, Format::Pdf, out.path()).unwrap();
    assert_ne!(signed, path);
    let text = pdftotext(&signed);
    assert!(text.contains("Signed by Dr A. Demo"), "{text}");
    assert!(!text.contains("NOT SIGNED"));
}

/// A small session whose notes hold everything a CSV writer can get wrong.
fn tricky_session(store: &Store, clock: &FakeClock) -> (i64, Vec<String>) {
    let (s, _) = store
        .start_session(NewSession {
            client_code: "K-042".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intramuscular,
            protocol: "im-ketamine".into(),
            intention: "Rest, and \"let go\"".into(),
        })
        .unwrap();
    clock.advance(Duration::minutes(1));
    store
        .record_dose(
            s.id,
            DoseInput {
                substance: "ketamine".into(),
                amount: 0.5,
                unit: "mg/kg".into(),
                route: Route::Intramuscular,
                lot: "L,1\"2".into(),
                minutes_ago: None,
            },
        )
        .unwrap();
    let notes = vec![
        "commas, here, and there".to_string(),
        "she said \"no\" and then \"yes\"".to_string(),
        "line one\nline two\r\nline three".to_string(),
        "emoji 🙂🌿🎶 and accents: café, naïve".to_string(),
        "all of it: \"a, b\"\n🙂, end".to_string(),
        "=SUM(A1:A2) looks like a formula".to_string(),
    ];
    for n in &notes {
        clock.advance(Duration::seconds(30));
        store.add_note(s.id, n).unwrap();
    }
    (s.id, notes)
}

#[test]
fn the_csv_gives_every_entry_back() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::new(start()));
    let store = Store::open(&dir.path().join("h.db"), clock.clone()).unwrap();
    let (id, notes) = tricky_session(&store, &clock);
    let entries = store.entries(id).unwrap();
    let path = export(&store, None, id, Format::Csv, dir.path()).unwrap();
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    assert_eq!(rdr.headers().unwrap().iter().collect::<Vec<_>>(), CSV_COLUMNS);
    let mut rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    // After the entries: the chain head and the verification, in rows with no seq.
    let trailer = rows.split_off(entries.len());
    assert_eq!(trailer.len(), 2, "{trailer:?}");
    assert_eq!((&trailer[0][6], &trailer[1][6]), ("chain_head", "verification"));
    assert_eq!(&trailer[0][1], "");
    assert_eq!(&trailer[1][7], "verified");
    for (row, e) in rows.iter().zip(&entries) {
        assert_eq!(row[0].parse::<i64>().unwrap(), id);
        assert_eq!(row[1].parse::<i64>().unwrap(), e.seq);
        assert_eq!(DateTime::parse_from_rfc3339(&row[2]).unwrap().with_timezone(&Utc), e.at);
        assert_eq!(row[3].parse::<i64>().ok(), e.elapsed_ms);
        assert_eq!(row[5], e.author);
        assert_eq!(&row[6], e.body.kind());
        assert_eq!(row[7], describe(e));
        let body: EntryBody = serde_json::from_str(&row[9]).unwrap();
        assert_eq!(&body, &e.body);
    }
    let texts: Vec<String> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Note { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, notes, "every note comes back byte for byte");
    let dose_row = rows.iter().find(|r| &r[6] == "dose").unwrap();
    assert_eq!(&dose_row[4], "T+00:00:00");
    assert!(dose_row[7].contains("lot L,1\"2"));
    assert_eq!(&rows[0][4], "", "before the dose there is no T+");
}

#[test]
fn the_pdf_survives_emoji_and_long_notes() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::new(start()));
    let store = Store::open(&dir.path().join("h.db"), clock.clone()).unwrap();
    let (id, _) = tricky_session(&store, &clock);
    let long: String = (0..1500).map(|i| format!("word{i} ")).collect();
    store.add_note(id, &long).unwrap();
    store.add_note(id, &"x".repeat(3000)).unwrap();
    let path = export(&store, None, id, Format::Pdf, dir.path()).unwrap();
    let text = pdftotext(&path);
    assert!(text.contains("emoji ??? and accents: café"), "{text}");
    assert!(text.contains("word1499"));
    assert!(text.contains("K-042"));
}

#[test]
fn the_json_matches_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path());
    let (store, _) = open(&db, start());
    let template = builtin_template("im-ketamine").unwrap();
    let path = export(&store, Some(&template), id, Format::Json, dir.path()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: JsonExport = serde_json::from_str(&text).unwrap();
    assert_eq!(doc.format, JSON_FORMAT_VERSION);
    assert_eq!(doc.report, SessionReport::build(&store, Some(&template), id).unwrap());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for k in ["format", "exported_at", "session", "template_id", "summary", "rems", "timeline", "integration_notes"] {
        assert!(keys.contains(&k), "missing top-level key {k}: {keys:?}");
    }
    assert_eq!(v["session"]["client_code"], "DEMO-1");
    assert_eq!(v["summary"]["doses"][0]["lot"], "DEMO-LOT-2231");
    assert_eq!(v["summary"]["doses"][0]["amount"], 50.0);
    assert_eq!(v["rems"]["bp_about_40_min"]["systolic"], 166);
    assert_eq!(v["timeline"][0]["entry"]["body"]["kind"], "session_started");
    assert!(v["timeline"][0]["text"].as_str().unwrap().starts_with("Session started"));
    assert_eq!(v["summary"]["signature"], serde_json::Value::Null);
    assert!(v["summary"]["flags"][0]["acknowledged"].as_bool().unwrap());
    assert_eq!(v["integration_notes"][0]["themes"][0], "grief");
}

#[test]
fn the_m3u8_lists_the_tracks_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path());
    let (store, _) = open(&db, start());
    let path = export(&store, None, id, Format::M3u8, dir.path()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "#EXTM3U");
    let infs: Vec<&str> = lines.iter().filter(|l| l.starts_with("#EXTINF:")).copied().collect();
    let names: Vec<&str> = infs.iter().map(|l| l.split_once(',').unwrap().1).collect();
    assert_eq!(
        names,
        [
            "Holdspace demo generator - First Light",
            "Holdspace demo generator - Slow Water",
            "Holdspace demo generator - Open Field",
            "Holdspace demo generator - Wide Sky",
            "Holdspace demo generator - Homeward"
        ]
    );
    // Each #EXTINF is followed by its path; First Light played from T-2 to T+3: 300 s.
    assert_eq!(infs[0], "#EXTINF:300,Holdspace demo generator - First Light");
    let i = lines.iter().position(|l| *l == infs[0]).unwrap();
    assert_eq!(lines[i + 1], "playlists/demo/audio/01-first-light.wav");
}

#[test]
fn the_clinic_profile_is_printed_in_the_pdf_and_carried_in_the_json() {
    use holdspace_core::clinic::{ClinicPerson, ClinicProfile, ClinicRole};
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path());
    let (store, _) = open(&db, start());
    let pdf = export(&store, None, id, Format::Pdf, dir.path()).unwrap();
    assert!(!pdftotext(&pdf).contains("Setting"), "no profile saved: nothing invented");
    let profile = ClinicProfile {
        setting_name: "Riverside Clinic".into(),
        address: "1 River Rd, Springfield".into(),
        phone: "+1 555 010 2030".into(),
        people: vec![ClinicPerson { name: "Dr Ada Lane".into(), role: Some(ClinicRole::Prescriber), phone: "+1 555 010 2031".into(), email: "ada@riverside.org".into() }],
    };
    store.save_clinic_profile(profile.clone(), "Dr Ada Lane").unwrap();
    let text = pdftotext(&export(&store, None, id, Format::Pdf, dir.path()).unwrap());
    for want in ["Riverside Clinic", "1 River Rd, Springfield", "+1 555 010 2030", "Dr Ada Lane (+1 555 010 2031, ada@riverside.org)"] {
        assert!(text.contains(want), "{want} missing from the PDF:\n{text}");
    }
    let json: JsonExport = serde_json::from_slice(&std::fs::read(export(&store, None, id, Format::Json, dir.path()).unwrap()).unwrap()).unwrap();
    assert_eq!(json.report.clinic, profile);
}

#[test]
fn files_are_private_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path());
    let (store, _) = open(&db, start());
    let out = tempfile::tempdir().unwrap();
    let mut written = Vec::new();
    for f in Format::ALL {
        let p = export(&store, None, id, f, out.path()).unwrap();
        assert!(p.to_string_lossy().ends_with(&format!(".{}", f.extension())), "{}", p.display());
        #[cfg(unix)]
        assert_eq!(mode(&p), 0o600, "{} is readable by others", p.display());
        written.push(p);
    }
    // A second export of the same format gets a new name; the first file is untouched.
    let first = &written[1];
    let before = std::fs::read(first).unwrap();
    std::fs::write(first, b"keep me").unwrap();
    let again = export(&store, None, id, Format::Csv, out.path()).unwrap();
    assert_ne!(&again, first);
    assert!(again.file_name().unwrap().to_string_lossy().ends_with("-2.csv"), "{}", again.display());
    assert_eq!(std::fs::read(first).unwrap(), b"keep me");
    assert_eq!(std::fs::read(&again).unwrap(), before);
    let third = export(&store, None, id, Format::Csv, out.path()).unwrap();
    assert!(third.file_name().unwrap().to_string_lossy().ends_with("-3.csv"));
}

#[test]
fn formats_and_folders_are_checked_with_clear_errors() {
    assert_eq!("PDF".parse::<Format>().unwrap(), Format::Pdf);
    assert_eq!("m3u8".parse::<Format>().unwrap(), Format::M3u8);
    let err = "docx".parse::<Format>().unwrap_err().to_string();
    assert!(err.contains("docx") && err.contains("pdf, csv, json, m3u8"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path());
    let (store, _) = open(&db, start());
    let missing = dir.path().join("no-such-folder");
    let err = export(&store, None, id, Format::Csv, &missing).unwrap_err().to_string();
    assert!(err.contains("does not exist"), "{err}");
    let err = export(&store, None, 999, Format::Csv, dir.path()).unwrap_err().to_string();
    assert!(err.contains("session 999 was not found"), "{err}");
}

#[test]
fn a_second_demo_is_refused_while_a_session_is_open_but_adds_fine_after() {
    let dir = tempfile::tempdir().unwrap();
    let (db, first) = demo_db(dir.path());
    let second = add_demo_session_at(&db, start() + Duration::days(1)).unwrap();
    assert_ne!(first, second);
    let (store, _) = open(&db, start());
    assert_eq!(store.list_sessions().unwrap().len(), 2);
}

#[test]
fn an_open_session_without_a_dose_or_template_still_exports() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FakeClock::new(start()));
    let store = Store::open(&dir.path().join("h.db"), clock.clone()).unwrap();
    let (s, _) = store
        .start_session(NewSession {
            client_code: "K-7".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Sublingual,
            protocol: "custom".into(),
            intention: String::new(),
        })
        .unwrap();
    let r = SessionReport::build(&store, None, s.id).unwrap();
    assert_eq!(r.summary.monitoring_minutes, None);
    assert_eq!(r.summary.min_observation_met, None);
    assert!(r.rems.bp_about_40_min.is_none());
    for f in Format::ALL {
        let p = export(&store, None, s.id, f, dir.path()).unwrap();
        assert!(std::fs::metadata(&p).unwrap().len() > 0);
    }
    let pdf = dir.path().join(format!("holdspace-session-{}-K-7-2026-01-14.pdf", s.id));
    let text = pdftotext(&pdf);
    assert!(text.contains("NOT SIGNED") && text.contains("No vitals recorded"), "{text}");
}

#[test]
fn the_demo_command_and_every_export_leave_the_apps_lock_on_the_database_in_place() {
    use holdspace_core::store::lock_probe::outside_can_lock_exclusively;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("holdspace.db");
    // The app's connection is open for the whole test, as it is while the window is.
    let (store, _clock) = open(&db, start());
    assert!(!outside_can_lock_exclusively(&db));
    // `holdspace demo` writes through another connection to the same file; Add demo session
    // through the app's own.
    let id = add_demo_session_at(&db, start()).unwrap();
    holdspace_export::add_demo_session_to(&store, start()).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for format in [Format::Pdf, Format::Csv, Format::Json, Format::M3u8] {
        export(&store, builtin_template("im-ketamine").as_ref(), id, format, &out).unwrap();
    }
    assert!(
        !outside_can_lock_exclusively(&db),
        "the demo or an export opened the database outside SQLite and dropped the app's locks"
    );
}

#[test]
fn an_export_is_stamped_with_the_apps_clock_not_the_systems() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path());
    let at = start() + Duration::days(3);
    let (store, _clock) = open(&db, at);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let path = export(&store, builtin_template("im-ketamine").as_ref(), id, Format::Json, &out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let stamped: DateTime<Utc> = v["exported_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(stamped, at);
}

/// The session on the IM template: the T+30 vitals lacked MOAA/S, were completed late
/// at T+38; the T+45 ones were marked missed with a reason; the T+60 ones were never taken.
#[test]
fn late_and_missed_checks_reach_the_summary_the_json_and_the_pdf() {
    use holdspace_export::report::CheckOutcome;
    use holdspace_monitoring::Vitals;
    let dir = tempfile::tempdir().unwrap();
    let (store, clock) = open(&dir.path().join("holdspace.db"), start() - Duration::minutes(10));
    let t = builtin_template("im-ketamine").unwrap();
    let (s, _) = store
        .start_session(NewSession {
            client_code: "K-CHECKS".into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intramuscular,
            protocol: t.id.clone(),
            intention: String::new(),
        })
        .unwrap();
    let full = Vitals { systolic: Some(120), diastolic: Some(80), heart_rate: Some(72), spo2: Some(98), respiratory_rate: Some(14), moaas: Some(5), ..Vitals::default() };
    clock.set(start() - Duration::minutes(5));
    store.record_vitals(s.id, &t, full.clone()).unwrap();
    clock.set(start());
    let dose = DoseInput { substance: "ketamine".into(), amount: 50.0, unit: "mg".into(), route: Route::Intramuscular, lot: String::new(), minutes_ago: None };
    store.record_dose(s.id, dose).unwrap();
    let at = |m: i64| clock.set(start() + Duration::minutes(m));
    at(16);
    store.record_vitals(s.id, &t, full.clone()).unwrap();
    at(31);
    store.record_vitals(s.id, &t, Vitals { moaas: None, ..full.clone() }).unwrap();
    at(38);
    store.record_vitals(s.id, &t, full.clone()).unwrap();
    at(52);
    store.mark_check_missed(s.id, &t, "vitals-q15@0+45", "client asleep; not woken").unwrap();
    at(80);
    store.end_session(s.id, "test").unwrap();

    let r = SessionReport::build(&store, Some(&t), s.id).unwrap();
    let check = |id: &str| r.summary.checks.iter().find(|c| c.occurrence_id == id).unwrap_or_else(|| panic!("{id}: {:?}", r.summary.checks));
    assert_eq!(check("vitals-q15@0+15").outcome, CheckOutcome::OnTime);
    let late = check("vitals-q15@0+30");
    assert_eq!((late.outcome, late.late_by_min), (CheckOutcome::Late, Some(8)));
    let marked = check("vitals-q15@0+45");
    assert_eq!((marked.outcome, marked.missed_reason.as_deref()), (CheckOutcome::Missed, Some("client asleep; not woken")));
    let never = check("vitals-q15@0+60");
    assert_eq!((never.outcome, never.missed_reason.as_deref()), (CheckOutcome::Missed, None));
    assert!(!r.summary.checks.iter().any(|c| c.occurrence_id == "vitals-q15@0+90"), "not due before the end");
    let open = check("vitals-q15@0+75");
    assert_eq!(open.outcome, CheckOutcome::Missed);
    assert!(open.text.ends_with("MISSED; not done before the session ended"), "{}", open.text);
    assert!(check("baseline@pre").text.ends_with("done before the dose"), "{}", check("baseline@pre").text);

    let json = export(&store, Some(&t), s.id, Format::Json, dir.path()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let outcomes: Vec<(&str, &str)> = v["summary"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["occurrence_id"].as_str().unwrap(), c["outcome"].as_str().unwrap()))
        .collect();
    for want in [("vitals-q15@0+15", "on_time"), ("vitals-q15@0+30", "late"), ("vitals-q15@0+45", "missed"), ("vitals-q15@0+60", "missed")] {
        assert!(outcomes.contains(&want), "{want:?} in {outcomes:?}");
    }
    let pdf = pdftotext(&export(&store, Some(&t), s.id, Format::Pdf, dir.path()).unwrap());
    let flat = pdf.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in ["Scheduled checks", "late", "MISSED; reason: client asleep; not woken", "MISSED; no reason recorded", "LATE, done at T+00:38:00, 8 min after its time"] {
        assert!(flat.contains(want), "the PDF lacks {want:?}:\n{pdf}");
    }
}

/// Edits the file as someone with `sqlite3` would: the append-only trigger dropped, a note's
/// words changed.
fn rewrite_note(db: &Path, session_id: i64, seq: i64, text: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch("DROP TRIGGER entries_append_only").unwrap();
    conn.execute(
        "UPDATE entries SET body = json_set(body, '$.text', ?3) WHERE session_id = ?1 AND seq = ?2",
        rusqlite::params![session_id, seq, text],
    )
    .unwrap();
}

#[test]
fn every_export_carries_the_chain_head_and_says_verified() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path());
    let (store, _) = open(&db, start());
    let check = store.verify_chains(Some(id)).unwrap().remove(0);
    assert!(check.intact() && check.head.len() == 64, "{check:?}");
    let template = builtin_template("im-ketamine").unwrap();

    let json = export(&store, Some(&template), id, Format::Json, dir.path()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["chain_head"], check.head.as_str());
    assert_eq!(v["verification"], "verified");

    let csv = export(&store, Some(&template), id, Format::Csv, dir.path()).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_path(&csv).unwrap().records().map(Result::unwrap).collect();
    let head_row = rows.iter().find(|r| &r[6] == "chain_head").unwrap();
    assert_eq!(&head_row[7], check.head.as_str());

    let pdf = export(&store, Some(&template), id, Format::Pdf, dir.path()).unwrap();
    let text = pdftotext(&pdf);
    assert!(text.contains("Record verified"), "{text}");
    assert!(text.contains(&format!("chain {} verified", &check.head[..16])), "footer: {text}");
    assert!(text.contains(&check.head[..32]), "the full head is printed: {text}");
}

#[test]
fn an_export_of_a_tampered_session_says_not_verified_and_names_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (db, id) = demo_db(dir.path());
    let seq = {
        let (store, _) = open(&db, start());
        store.entries(id).unwrap().iter().find(|e| matches!(e.body, EntryBody::Note { .. })).unwrap().seq
    };
    rewrite_note(&db, id, seq, "consented to continue");
    let (store, _) = open(&db, start());
    let want = format!("not verified: broken at entry {seq}: entry {seq} (note) no longer matches what was saved");

    let json = export(&store, None, id, Format::Json, dir.path()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(v["verification"].as_str().unwrap().starts_with(&want), "{}", v["verification"]);
    assert_eq!(v["chain_head"].as_str().unwrap().len(), 64);

    let csv = export(&store, None, id, Format::Csv, dir.path()).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_path(&csv).unwrap().records().map(Result::unwrap).collect();
    let last = rows.last().unwrap();
    assert_eq!(&last[6], "verification");
    assert!(last[7].starts_with(&want), "{last:?}");

    let pdf = export(&store, None, id, Format::Pdf, dir.path()).unwrap();
    let text = pdftotext(&pdf);
    assert!(text.contains("NOT VERIFIED"), "footer: {text}");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&format!("Record not verified: broken at entry {seq}")), "{flat}");
}

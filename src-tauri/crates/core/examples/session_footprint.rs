//! What a long session writes to disk, to set the low-space warning from a measurement
//! (`health::LOW_SPACE_BYTES`): a 3-hour session with a note every 2 minutes, vitals every 15,
//! music events for 40 tracks, tags and checklist ticks, on a real file with the app's pragmas.
//! `cargo run -p holdspace-core --example session_footprint`

use chrono::Duration;
use holdspace_core::monitoring::{load_templates, Vitals};
use holdspace_core::{DoseInput, EntryBody, FakeClock, MusicAction, MusicEvent, NewSession, Route, Store};
use std::sync::Arc;

fn size(p: &std::path::Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let db = tmp.path().join("holdspace.sqlite3");
    let wal = tmp.path().join("holdspace.sqlite3-wal");
    let clock = Arc::new(FakeClock::at_nine());
    let store = Store::open(&db, clock.clone())?;
    let before = size(&db) + size(&wal);
    let catalog = load_templates(None);
    let template = catalog.get("im-ketamine").ok_or("no im-ketamine template")?.clone();
    let (s, _) = store.start_session(NewSession {
        client_code: "K-FOOT".into(),
        therapist: "Dr Rowe".into(),
        route: Route::Intramuscular,
        protocol: "im-ketamine".into(),
        intention: "to rest in what arises".into(),
    })?;
    store.record_dose(s.id, DoseInput {
        substance: "ketamine".into(),
        amount: 50.0,
        unit: "mg".into(),
        route: Route::Intramuscular,
        lot: "LOT-7".into(),
        minutes_ago: None, devices: None, override_reason: None,
    })?;
    let mut entries = 2;
    let mut peak_wal = 0;
    for minute in 1..=180 {
        clock.advance(Duration::minutes(1));
        if minute % 2 == 0 {
            store.add_note(s.id, &format!("Minute {minute}: breathing slow and even, hands open, a small smile; said the music felt like a wide valley at dusk."))?;
            entries += 1;
        }
        if minute % 15 == 0 {
            let v = Vitals { systolic: Some(128), diastolic: Some(82), heart_rate: Some(74), spo2: Some(97), respiratory_rate: Some(14), moaas: Some(4), dissociation: Some(2), ..Vitals::default() };
            entries += store.record_vitals(s.id, &template, v)?.len();
        }
        if minute % 4 == 0 {
            for action in [MusicAction::TrackStarted, MusicAction::VolumeChanged] {
                let event = MusicEvent { action, title: format!("Track {minute}"), artist: "Demo".into(), phase: "peak".into(), path: format!("/music/track-{minute}.flac"), detail: String::new(), technical_detail: String::new() };
                store.append(s.id, EntryBody::Music { event })?;
                entries += 1;
            }
        }
        if minute % 10 == 0 {
            store.append(s.id, EntryBody::Tag { tag_id: "u".into(), label: "Resting quietly".into(), adverse_event: false })?;
            entries += 1;
        }
        peak_wal = peak_wal.max(size(&wal));
    }
    let after = size(&db) + size(&wal);
    println!("3-hour session: {entries} entries; database + WAL grew {} KiB; WAL at most {} KiB", (after - before) / 1024, peak_wal / 1024);
    Ok(())
}

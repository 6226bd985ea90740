//! `holdspace demo`: one realistic, finished session, clearly labelled as demo data, so a
//! newcomer sees the review screen at once. Every entry goes through the Store API (its rules
//! and triggers apply); times come from a fake clock moved forward step by step.

use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use holdspace_core::entry::DoseInput;
use holdspace_core::store::NewIntegrationNote;
use holdspace_core::{Clock, EntryBody, FakeClock, MusicAction, MusicEvent, NewSession, Route, Store};
use holdspace_monitoring::{
    builtin_templates, checklist_items, default_quick_tags, ChecklistAction, ChecklistItemDef, InputKind, QuickTag,
    Stage, Template, Vitals,
};
use std::path::Path;
use std::sync::Arc;

pub const DEMO_CLIENT_CODE: &str = "DEMO-1";
pub const DEMO_THERAPIST: &str = "Dr A. Demo";
pub const DEMO_PROTOCOL: &str = "im-ketamine";
const DEMO_ARTIST: &str = "Holdspace demo generator";

/// `holdspace demo` on the command line: opens the database at `db_path` (creating it if
/// absent), adds the demo session and returns its id. The running app may have the same file
/// open in its own process: SQLite serialises the writes.
pub fn add_demo_session_at(db_path: &Path, start: DateTime<Utc>) -> Result<i64> {
    let store = Store::open(db_path, Arc::new(FakeClock::new(start)))?;
    add_demo_session_to(&store, start)
}

/// Adds the demo session through `store`'s own connection (the app's), on a clock of its own
/// that starts at `start` and is moved step by step.
pub fn add_demo_session_to(store: &Store, start: DateTime<Utc>) -> Result<i64> {
    let clock = Arc::new(FakeClock::new(start));
    add_demo_session(&store.with_clock(clock.clone()), &clock)
}

/// Yesterday at 10:00 local time: a sensible default start for the demo.
pub fn default_demo_start() -> DateTime<Utc> {
    use chrono::{Local, NaiveTime, TimeZone};
    let yesterday = Local::now().date_naive() - Duration::days(1);
    let ten = yesterday.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default());
    Local.from_local_datetime(&ten).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| Utc::now() - Duration::days(1))
}

fn demo_template() -> Result<Template> {
    builtin_templates()
        .0
        .into_iter()
        .find(|t| t.id == DEMO_PROTOCOL)
        .ok_or_else(|| Error::Demo(format!("the built-in template {DEMO_PROTOCOL} is missing")))
}

fn tag(id: &str, label: &str) -> QuickTag {
    default_quick_tags().into_iter().find(|t| t.id == id).unwrap_or(QuickTag {
        id: id.into(),
        label: label.into(),
        key: "z".into(),
        adverse_event: false,
    })
}

fn bp(s: i32, d: i32, hr: i32, spo2: i32) -> Vitals {
    Vitals { systolic: Some(s), diastolic: Some(d), heart_rate: Some(hr), spo2: Some(spo2), ..Vitals::default() }
}

fn music(action: MusicAction, n: usize, detail: &str) -> EntryBody {
    const TRACKS: [(&str, &str, &str); 5] = [
        ("First Light", "settle", "01-first-light.wav"),
        ("Slow Water", "onset", "02-slow-water.wav"),
        ("Open Field", "build", "03-open-field.wav"),
        ("Wide Sky", "peak", "04-wide-sky.wav"),
        ("Homeward", "return", "05-homeward.wav"),
    ];
    let (title, phase, file) = TRACKS.get(n).copied().unwrap_or(("", "", ""));
    EntryBody::Music {
        event: MusicEvent {
            action,
            title: title.into(),
            artist: if title.is_empty() { String::new() } else { DEMO_ARTIST.into() },
            phase: phase.into(),
            path: if file.is_empty() { String::new() } else { format!("playlists/demo/audio/{file}") },
            detail: detail.into(),
            technical_detail: String::new(),
        },
    }
}

/// A plausible answer for a checklist item, by its input kind.
fn answer(item: &ChecklistItemDef, ready_minutes: f64) -> Option<ChecklistAction> {
    Some(match item.input {
        InputKind::Tick => ChecklistAction::Tick,
        InputKind::Text => ChecklistAction::Text { value: "Demo escort (not a real person)".into() },
        InputKind::Phone => ChecklistAction::Text { value: "+1 555 0100".into() },
        InputKind::Choice => ChecklistAction::Text { value: item.options.first()?.clone() },
        InputKind::Number => ChecklistAction::Number { value: ready_minutes.clamp(item.min.unwrap_or(0.0), item.max.unwrap_or(f64::MAX)) },
        InputKind::Score => ChecklistAction::Number { value: 2.0 },
    })
}

/// Adds the demo session to `store`, which must run on `clock`: the clock is set and moved
/// forward as the session goes. Returns the new session's id. Refused (as any start) while
/// another session is open.
pub fn add_demo_session(store: &Store, clock: &FakeClock) -> Result<i64> {
    let template = demo_template()?;
    let start = clock.now();
    // T+0 (the dose) is 12 minutes after the session starts.
    let dose_at = start + Duration::minutes(12);
    let at = |min: i64| clock.set(dose_at + Duration::minutes(min));
    let at_s = |secs: i64| clock.set(dose_at + Duration::seconds(secs));

    let (session, _) = store.start_demo_session(NewSession {
        client_code: DEMO_CLIENT_CODE.into(),
        therapist: DEMO_THERAPIST.into(),
        route: Route::Intramuscular,
        protocol: DEMO_PROTOCOL.into(),
        intention: "DEMO DATA, not a real client: added by `holdspace demo` to show the review screen. \
                    Intention: to meet old grief with more kindness."
            .into(),
    }, &template.name)?;
    let id = session.id;
    clock.set(start + Duration::minutes(1));
    store.add_note(id, "DEMO DATA: this whole session is an invented example, not a clinical record.")?;

    // Pre-dose checklist and baseline.
    for (i, item) in checklist_items(&template, Stage::PreDose).iter().enumerate() {
        clock.set(start + Duration::minutes(2) + Duration::seconds(20 * i as i64));
        if let Some(action) = answer(item, 0.0) {
            store.record_checklist(id, &template, &item.id, action)?;
        }
    }
    clock.set(start + Duration::minutes(8));
    store.record_vitals(id, &template, Vitals { respiratory_rate: Some(14), ..bp(132, 84, 76, 98) })?;
    clock.set(start + Duration::minutes(10));
    store.append(id, music(MusicAction::PlaylistLoaded, 99, "Demo: calm pads"))?;
    store.append(id, music(MusicAction::TrackStarted, 0, ""))?;
    clock.set(start + Duration::minutes(11));
    store.add_note(id, "Settled on the couch, eye mask on, headphones at a comfortable level.")?;

    // The dose.
    at(0);
    store.record_dose(
        id,
        DoseInput {
            substance: "ketamine".into(),
            amount: 50.0,
            unit: "mg".into(),
            route: Route::Intramuscular,
            lot: "DEMO-LOT-2231".into(),
            minutes_ago: None, devices: None, override_reason: None,
        },
    )?;
    at(3);
    store.append(id, music(MusicAction::TrackStarted, 1, ""))?;
    at(8);
    store.add_note(id, "Breathing slow and even; hands relaxed.")?;
    at(12);
    store.append(id, music(MusicAction::TrackStarted, 2, ""))?;
    at(15);
    store.record_vitals(id, &template, Vitals { moaas: Some(4), ..bp(148, 90, 84, 97) })?;
    at(22);
    store.add_tag(id, &tag("tearful", "Tearful"))?;
    at_s(22 * 60 + 40);
    let tearful_note = store.add_note(id, "Tearful; said quietly that her grandmother felt near. Stayed with it, no distress signs.")?;
    at(30);
    let written = store.record_vitals(
        id,
        &template,
        Vitals {
            moaas: Some(4),
            dissociation: Some(2),
            nausea: Some(1),
            distress: Some(2),
            ..bp(184, 96, 92, 96)
        },
    )?;
    at_s(30 * 60 + 50);
    for e in &written {
        if let EntryBody::Flag { flag, .. } = &e.body {
            store.ack_flag(id, &flag.id, "Re-checked at T+35 as the label advises; informed the prescriber; observing.")?;
        }
    }
    at(35);
    store.record_vitals(id, &template, bp(168, 94, 88, 97))?;
    store.add_tag(id, &tag("music_change_requested", "Music change requested"))?;
    at_s(35 * 60 + 20);
    store.append(id, music(MusicAction::Skipped, 2, "client asked for something calmer"))?;
    store.append(id, music(MusicAction::TrackStarted, 3, ""))?;
    at(38);
    store.add_note(id, "Asked for \"something softer\", then smiled when the new track began.")?;
    at(40);
    store.record_vitals(id, &template, bp(166, 92, 86, 97))?;
    at(45);
    store.record_vitals(id, &template, Vitals { moaas: Some(5), ..bp(158, 90, 82, 98) })?;
    at(55);
    store.append(id, music(MusicAction::TrackStarted, 4, ""))?;
    at(60);
    store.record_vitals(id, &template, Vitals { moaas: Some(5), ..bp(146, 88, 80, 98) })?;
    at(62);
    store.add_note(id, "Eye mask off; talking about the field and the wide sky she saw. Calm, oriented.")?;
    at(75);
    store.record_vitals(id, &template, Vitals { moaas: Some(5), ..bp(138, 86, 78, 98) })?;
    at(78);
    store.append(id, music(MusicAction::FadedToSilence, 99, "over 20 s"))?;
    at(85);
    store.record_vitals(id, &template, Vitals { moaas: Some(5), respiratory_rate: Some(14), ..bp(134, 84, 76, 98) })?;
    at(88);
    for (i, item) in checklist_items(&template, Stage::Discharge).iter().enumerate() {
        clock.set(dose_at + Duration::minutes(88) + Duration::seconds(15 * i as i64));
        if let Some(action) = answer(item, 88.0) {
            store.record_checklist(id, &template, &item.id, action)?;
        }
    }
    at(90);
    store.record_vitals(id, &template, Vitals { moaas: Some(5), ..bp(132, 84, 74, 98) })?;
    at(92);
    store.add_note(id, "Left with her partner as escort; no driving today; aftercare sheet given.")?;
    at(93);
    store.end_session_gated(id, &template, None)?;

    // Review the same afternoon: a correction with its reason, then integration work.
    at(150);
    store.amend(
        id,
        tearful_note.seq,
        "Wrong word: she spoke of her grandfather, as she confirmed at the end of the session.",
        "Tearful; said quietly that her grandfather felt near. Stayed with it, no distress signs.",
        DEMO_THERAPIST,
    )?;
    at(160);
    store.add_integration_note(
        id,
        NewIntegrationNote {
            text: "DEMO DATA. Integration: grief for her grandfather, felt as closeness rather than loss. \
                   Bring the 'wide sky' image to the next session; she asked for the playlist."
                .into(),
            themes: vec!["grief".into(), "closeness".into()],
            linked_seq: Some(tearful_note.seq),
            author: DEMO_THERAPIST.into(),
        },
    )?;
    Ok(id)
}

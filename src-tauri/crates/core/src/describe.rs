//! How each timeline entry reads, in one place: the live log, the review, the CSV, PDF and
//! JSON exports all show these words (the store fills `Entry::text` with them), so one note
//! never reads two ways. The wording is the clinician's, not the program's.

use crate::entry::{Dose, EntryBody, MusicAction, MusicEvent};
use holdspace_monitoring::{ChecklistAction, Vitals};

/// `T+01:05:09` from milliseconds since the first dose (`T-00:02:00` before it); `None` when
/// the entry was written before any dose. The one T+ formatter of the Rust side.
pub fn t_plus(elapsed_ms: Option<i64>) -> Option<String> {
    let ms = elapsed_ms?;
    let sign = if ms < 0 { '-' } else { '+' };
    let secs = ms.unsigned_abs() / 1000;
    Some(format!("T{sign}{:02}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60))
}

/// A number without a pointless `.0` (50 rather than 50.0; 0.5 stays 0.5).
pub fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `ketamine 50 mg · Intramuscular injection · lot L7`
pub fn dose_text(d: &Dose) -> String {
    let mut s = format!("{} {} {} · {}", d.substance, num(d.amount), d.unit, d.route.label());
    if !d.lot.is_empty() {
        s.push_str(&format!(" · lot {}", d.lot));
    }
    s
}

/// `BP 150/95 · HR 72 · SpO2 98% · MOAA/S 5 · note: …`
pub fn vitals_text(v: &Vitals) -> String {
    let mut parts = Vec::new();
    if let (Some(s), Some(d)) = (v.systolic, v.diastolic) {
        parts.push(format!("BP {s}/{d}"));
    }
    if let Some(h) = v.heart_rate {
        parts.push(format!("HR {h}"));
    }
    if let Some(o) = v.spo2 {
        parts.push(format!("SpO2 {o}%"));
    }
    if let Some(r) = v.respiratory_rate {
        parts.push(format!("RR {r}"));
    }
    if let Some(t) = v.temperature_c {
        parts.push(format!("temp {} °C", num(t)));
    }
    if let Some(m) = v.moaas {
        parts.push(format!("MOAA/S {m}"));
    }
    if let Some(d) = v.dissociation {
        parts.push(format!("dissociation {d}/4"));
    }
    if let Some(n) = v.nausea {
        parts.push(format!("nausea {n}/10"));
    }
    if let Some(d) = v.distress {
        parts.push(format!("distress {d}/10"));
    }
    if let Some(note) = v.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        parts.push(format!("note: {note}"));
    }
    parts.join(" · ")
}

pub fn checklist_action_text(a: &ChecklistAction) -> String {
    match a {
        ChecklistAction::Tick => "done".into(),
        ChecklistAction::Clear => "cleared".into(),
        ChecklistAction::NotApplicable { reason } => format!("not applicable ({reason})"),
        ChecklistAction::Text { value } => format!("\"{value}\""),
        ChecklistAction::Number { value } => num(*value),
    }
}

pub fn music_action_text(a: MusicAction) -> &'static str {
    match a {
        MusicAction::PlaylistLoaded => "Playlist loaded",
        MusicAction::TrackStarted => "Track",
        MusicAction::Skipped => "Skipped",
        MusicAction::TrackFailed => "Could not play",
        MusicAction::Paused => "Music paused",
        MusicAction::Resumed => "Music resumed",
        MusicAction::VolumeChanged => "Volume",
        MusicAction::FadedToSilence => "Faded to silence",
        MusicAction::PhaseJumped => "Jumped to phase",
        MusicAction::DeviceLost => "Audio output lost",
        MusicAction::DeviceRegained => "Audio output back",
        MusicAction::PlaylistFinished => "Playlist finished",
    }
}

/// `Artist – Title`, or whichever of the two is known.
pub fn track_name(m: &MusicEvent) -> String {
    match (m.artist.trim(), m.title.trim()) {
        ("", "") => String::new(),
        ("", t) => t.to_string(),
        (a, "") => a.to_string(),
        (a, t) => format!("{a} – {t}"),
    }
}

fn music_text(m: &MusicEvent) -> String {
    let mut s = music_action_text(m.action).to_string();
    let track = track_name(m);
    if !track.is_empty() {
        s.push_str(": ");
        s.push_str(&track);
    }
    for extra in [m.phase.trim(), m.detail.trim()] {
        if !extra.is_empty() {
            s.push_str(" · ");
            s.push_str(extra);
        }
    }
    s
}

/// What an entry says, in one readable line (notes keep their own line breaks). `author` is
/// the entry's author (signatures and addenda name theirs).
pub fn describe_body(body: &EntryBody, author: &str) -> String {
    match body {
        EntryBody::SessionStarted { client_code, therapist, route, protocol, protocol_name, intention } => {
            let protocol = if protocol_name.trim().is_empty() { protocol } else { protocol_name };
            let mut s = format!("Session started · client {client_code} · {therapist} · {} · protocol {protocol}", route.label());
            if !intention.trim().is_empty() {
                s.push_str(&format!(" · intention: {}", intention.trim()));
            }
            s
        }
        EntryBody::Dose(d) => format!("{}: {}", if d.booster { "Booster dose" } else { "Dose" }, dose_text(d)),
        EntryBody::Note { text, theme } => {
            if *theme {
                format!("{text} [integration theme]")
            } else {
                text.clone()
            }
        }
        EntryBody::Vitals { reading } => vitals_text(reading),
        EntryBody::Flag { flag, .. } => format!("Flag: {} (source: {})", flag.rule_text, flag.source),
        EntryBody::FlagAck { flag_text, action_taken, .. } => {
            let mut s = String::from("Flag acknowledged");
            if !flag_text.trim().is_empty() {
                s.push_str(&format!(": {}", flag_text.trim()));
            }
            if !action_taken.trim().is_empty() {
                s.push_str(&format!(" · action: {}", action_taken.trim()));
            }
            s
        }
        EntryBody::Checklist { label, action, .. } => format!("{label}: {}", checklist_action_text(action)),
        EntryBody::CheckMissed { label, due_elapsed_ms, reason, .. } => {
            let due = t_plus(*due_elapsed_ms).map_or_else(|| "before dosing".to_string(), |t| format!("due {t}"));
            format!("Check missed: {label} ({due}) · reason: {}", reason.trim())
        }
        EntryBody::Tag { label, adverse_event, .. } => {
            if *adverse_event {
                format!("{label} (adverse event)")
            } else {
                label.clone()
            }
        }
        EntryBody::Music { event } => music_text(event),
        EntryBody::Preflight { checks } => {
            let failed: Vec<String> = checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| if c.reason.is_empty() { c.name.clone() } else { format!("{}: {}", c.name, c.reason) })
                .collect();
            if failed.is_empty() {
                format!("Pre-flight: all {} checks passed", checks.len())
            } else {
                format!("Pre-flight: {} of {} checks passed; not passed: {}", checks.len() - failed.len(), checks.len(), failed.join("; "))
            }
        }
        EntryBody::Practice { practice, action, detail } => {
            let mut s = format!("Practice {}: {practice}", action.as_str());
            if !detail.trim().is_empty() {
                s.push_str(&format!(" · {}", detail.trim()));
            }
            s
        }
        EntryBody::DischargeOverride { blockers, reason } => {
            format!("Discharge override: {reason} (open: {})", blockers.join("; "))
        }
        EntryBody::SessionEnded { reason, open_at_end } => {
            let mut s = String::from("Session ended");
            if !reason.trim().is_empty() {
                s.push_str(&format!(" · {}", reason.trim()));
            }
            if !open_at_end.is_empty() {
                s.push_str(&format!(" · open at the end: {}", open_at_end.join("; ")));
            }
            s
        }
        EntryBody::Amendment { amends_seq, reason, correction } => {
            format!("Amends entry {amends_seq}: {correction} (reason: {reason})")
        }
        EntryBody::Signed { statement, open_items, open_reason, .. } => {
            let mut s = if statement.trim().is_empty() { format!("Signed by {author}") } else { format!("Signed by {author} · {}", statement.trim()) };
            if !open_items.is_empty() {
                let n = open_items.len();
                s.push_str(&format!(
                    " · signed with {n} open {}: {}",
                    if n == 1 { "item" } else { "items" },
                    open_reason.as_deref().unwrap_or("no reason given")
                ));
            }
            s
        }
        EntryBody::Addendum { text } => format!("Addendum (signed by {author}): {text}"),
    }
}

/// As [`describe_body`], for a stored entry.
pub fn describe(entry: &crate::Entry) -> String {
    describe_body(&entry.body, &entry.author)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Route;

    #[test]
    fn t_plus_formats_hours_minutes_seconds() {
        assert_eq!(t_plus(None), None);
        assert_eq!(t_plus(Some(0)).as_deref(), Some("T+00:00:00"));
        assert_eq!(t_plus(Some(3_909_000)).as_deref(), Some("T+01:05:09"));
        assert_eq!(t_plus(Some(-120_000)).as_deref(), Some("T-00:02:00"));
    }

    #[test]
    fn numbers_drop_a_pointless_fraction() {
        assert_eq!(num(50.0), "50");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(36.65), "36.65");
    }

    #[test]
    fn entries_read_in_the_clinicians_words() {
        let dose = Dose {
            given_at: chrono::Utc::now(),
            substance: "ketamine".into(),
            amount: 25.0,
            unit: "mg".into(),
            route: Route::Intramuscular,
            lot: "L7".into(),
            booster: true,
        };
        assert_eq!(describe_body(&EntryBody::Dose(dose), "Dr Rowe"), "Booster dose: ketamine 25 mg · Intramuscular injection · lot L7");
        let v = Vitals { systolic: Some(150), diastolic: Some(95), heart_rate: Some(72), spo2: Some(98), moaas: Some(5), ..Vitals::default() };
        assert_eq!(describe_body(&EntryBody::Vitals { reading: v }, ""), "BP 150/95 · HR 72 · SpO2 98% · MOAA/S 5");
        let note = EntryBody::Note { text: "said \"floating\" 🙂".into(), theme: false };
        assert_eq!(describe_body(&note, ""), "said \"floating\" 🙂");
        let missed = EntryBody::CheckMissed {
            occurrence_id: "vitals-q15@0+30".into(),
            label: "Vitals and sedation (every 15 min)".into(),
            due_elapsed_ms: Some(30 * 60_000),
            reason: "asleep; not woken".into(),
        };
        assert_eq!(describe_body(&missed, ""), "Check missed: Vitals and sedation (every 15 min) (due T+00:30:00) · reason: asleep; not woken");
        let signed = EntryBody::Signed { statement: "complete".into(), chain_head: None, open_items: vec![], open_reason: None };
        assert_eq!(describe_body(&signed, "Dr A"), "Signed by Dr A · complete");
    }
}

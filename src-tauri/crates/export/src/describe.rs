//! One human-readable line per timeline entry, shared by the CSV, PDF and JSON exports.

use holdspace_core::entry::Dose;
use holdspace_core::{Entry, EntryBody, MusicAction, MusicEvent};
use holdspace_monitoring::{ChecklistAction, Vitals};

/// `T+01:05:09` from milliseconds since the first dose (`T-00:02:00` before it); `None` when
/// the entry was written before any dose.
pub fn t_plus(elapsed_ms: Option<i64>) -> Option<String> {
    let ms = elapsed_ms?;
    let sign = if ms < 0 { '-' } else { '+' };
    let secs = ms.unsigned_abs() / 1000;
    Some(format!("T{sign}{:02}:{:02}:{:02}", secs / 3600, (secs / 60) % 60, secs % 60))
}

/// A number without a pointless `.0` (50 rather than 50.0; 0.5 stays 0.5).
pub(crate) fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

pub(crate) fn dose_text(d: &Dose) -> String {
    let mut s = format!("{} {} {} {}", d.substance, num(d.amount), d.unit, d.route.as_str());
    if !d.lot.is_empty() {
        s.push_str(&format!(", lot {}", d.lot));
    }
    s
}

pub(crate) fn vitals_text(v: &Vitals) -> String {
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
    let mut s = parts.join(", ");
    if let Some(note) = v.note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        if !s.is_empty() {
            s.push_str("; ");
        }
        s.push_str("note: ");
        s.push_str(note);
    }
    s
}

pub(crate) fn checklist_action_text(a: &ChecklistAction) -> String {
    match a {
        ChecklistAction::Tick => "ticked".into(),
        ChecklistAction::Clear => "cleared".into(),
        ChecklistAction::NotApplicable { reason } => format!("not applicable ({reason})"),
        ChecklistAction::Text { value } => format!("\"{value}\""),
        ChecklistAction::Number { value } => num(*value),
    }
}

pub(crate) fn music_action_text(a: MusicAction) -> &'static str {
    match a {
        MusicAction::PlaylistLoaded => "playlist loaded",
        MusicAction::TrackStarted => "track started",
        MusicAction::Skipped => "skipped",
        MusicAction::TrackFailed => "track failed",
        MusicAction::Paused => "paused",
        MusicAction::Resumed => "resumed",
        MusicAction::VolumeChanged => "volume changed",
        MusicAction::FadedToSilence => "faded to silence",
        MusicAction::PhaseJumped => "jumped to phase",
        MusicAction::DeviceLost => "audio device lost",
        MusicAction::DeviceRegained => "audio device back",
        MusicAction::PlaylistFinished => "playlist finished",
    }
}

pub(crate) fn track_name(m: &MusicEvent) -> String {
    match (m.artist.trim(), m.title.trim()) {
        ("", "") => String::new(),
        ("", t) => t.to_string(),
        (a, "") => a.to_string(),
        (a, t) => format!("{a} - {t}"),
    }
}

fn music_text(m: &MusicEvent) -> String {
    let mut s = format!("Music: {}", music_action_text(m.action));
    let track = track_name(m);
    if !track.is_empty() {
        s.push_str(": ");
        s.push_str(&track);
    }
    if !m.phase.trim().is_empty() {
        s.push_str(&format!(" [{}]", m.phase.trim()));
    }
    if !m.detail.trim().is_empty() {
        s.push_str(&format!(" ({})", m.detail.trim()));
    }
    s
}

/// What an entry says, in one readable line (notes keep their own line breaks).
pub fn describe(entry: &Entry) -> String {
    match &entry.body {
        EntryBody::SessionStarted { client_code, therapist, route, protocol, intention } => {
            let mut s = format!(
                "Session started: client {client_code}, monitored by {therapist}, {} route, protocol {protocol}",
                route.as_str()
            );
            if !intention.trim().is_empty() {
                s.push_str(&format!("; intention: {}", intention.trim()));
            }
            s
        }
        EntryBody::Dose(d) => {
            format!("{}: {}", if d.booster { "Booster dose" } else { "Dose" }, dose_text(d))
        }
        EntryBody::Note { text, theme } => {
            format!("{}: {text}", if *theme { "Note (theme for integration)" } else { "Note" })
        }
        EntryBody::Vitals { reading } => format!("Vitals: {}", vitals_text(reading)),
        EntryBody::Flag { flag, .. } => format!("Flag: {}", flag.rule_text),
        EntryBody::FlagAck { flag_id, action_taken } => {
            if action_taken.trim().is_empty() {
                format!("Flag acknowledged ({flag_id})")
            } else {
                format!("Flag acknowledged ({flag_id}): {}", action_taken.trim())
            }
        }
        EntryBody::Checklist { label, action, .. } => {
            format!("Checklist: {label}: {}", checklist_action_text(action))
        }
        EntryBody::Tag { label, adverse_event, .. } => {
            format!("{}: {label}", if *adverse_event { "Adverse event" } else { "Tag" })
        }
        EntryBody::Music { event } => music_text(event),
        EntryBody::Preflight { checks } => {
            let ok = checks.iter().filter(|c| c.ok).count();
            let mut s = format!("Pre-flight: {ok} of {} checks passed", checks.len());
            let failed: Vec<String> = checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| if c.reason.is_empty() { c.name.clone() } else { format!("{} ({})", c.name, c.reason) })
                .collect();
            if !failed.is_empty() {
                s.push_str(&format!("; not passed: {}", failed.join("; ")));
            }
            s
        }
        EntryBody::Practice { practice, action, detail } => {
            let mut s = format!("Practice: {practice} {action}");
            if !detail.trim().is_empty() {
                s.push_str(&format!(": {}", detail.trim()));
            }
            s
        }
        EntryBody::DischargeOverride { blockers, reason } => {
            format!("Discharge override: {reason} (open reminders: {})", blockers.join("; "))
        }
        EntryBody::SessionEnded { reason } => {
            if reason.trim().is_empty() {
                "Session ended (discharge)".into()
            } else {
                format!("Session ended (discharge): {}", reason.trim())
            }
        }
        EntryBody::Amendment { amends_seq, reason, correction } => {
            format!("Amendment of entry {amends_seq}: {correction} (reason: {reason})")
        }
        EntryBody::Signed { statement } => {
            if statement.trim().is_empty() {
                format!("Signed by {}", entry.author)
            } else {
                format!("Signed by {}: {}", entry.author, statement.trim())
            }
        }
        EntryBody::Addendum { text } => format!("Addendum (signed by {}): {text}", entry.author),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

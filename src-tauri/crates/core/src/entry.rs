//! Timeline entries. Append-only: once written, an entry is never changed or removed (the
//! store's triggers refuse it); corrections arrive later as amendment entries.

use crate::error::{Error, Result};
use crate::session::Route;
use chrono::{DateTime, Utc};
use holdspace_monitoring::{ChecklistAction, Flag, Vitals};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One line on a session's timeline, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Entry {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub session_id: i64,
    /// 1, 2, 3... within the session, in the order written.
    #[ts(type = "number")]
    pub seq: i64,
    /// UTC wall time at which the entry was recorded.
    pub at: DateTime<Utc>,
    /// Milliseconds since the first dose, `None` before it.
    #[ts(type = "number | null")]
    pub elapsed_ms: Option<i64>,
    pub author: String,
    pub body: EntryBody,
    /// How it reads, for the screen and the exports (`crate::describe`): one place for the words.
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryBody {
    SessionStarted {
        client_code: String,
        therapist: String,
        route: Route,
        protocol: String,
        /// The protocol template's name as the clinic wrote it (empty when it was not known).
        #[serde(default)]
        protocol_name: String,
        intention: String,
    },
    Dose(Dose),
    Note {
        text: String,
        /// Marked during the session as a theme to take into integration work.
        #[serde(default)]
        theme: bool,
    },
    /// Vitals and ratings, as entered. Flags raised by them follow as their own entries.
    Vitals {
        reading: Vitals,
    },
    /// A threshold crossed by the vitals entry `reading_seq`; needs an acknowledgement.
    Flag {
        reading_seq: i64,
        flag: Flag,
    },
    FlagAck {
        flag_id: String,
        /// The acknowledged flag's words, as shown when it was acknowledged (empty in entries
        /// written before they were kept).
        #[serde(default)]
        flag_text: String,
        #[serde(default)]
        action_taken: String,
    },
    Checklist {
        item_id: String,
        label: String,
        action: ChecklistAction,
    },
    /// A scheduled check the clinician marked missed, with the reason; it stays missed and
    /// shows as missed in the review and the exports.
    CheckMissed {
        /// Which occurrence (`<checkpoint id>@pre` or `<checkpoint id>@<dose index>+<minutes>`).
        occurrence_id: String,
        label: String,
        /// When it was due, milliseconds after the first dose (None for a pre-dose check).
        #[ts(type = "number | null")]
        due_elapsed_ms: Option<i64>,
        reason: String,
    },
    /// A one-key observation or adverse event.
    Tag {
        tag_id: String,
        label: String,
        adverse_event: bool,
    },
    Music {
        event: MusicEvent,
    },
    Preflight {
        checks: Vec<PreflightCheck>,
    },
    /// A preparation practice (Three-Sense Immersion, Choiceless Awareness) started or ended.
    Practice {
        practice: String,
        action: PracticeAction,
        #[serde(default)]
        detail: String,
    },
    /// Discharge against open reminders, with the clinician's reason.
    DischargeOverride {
        blockers: Vec<String>,
        reason: String,
    },
    SessionEnded {
        /// Why the session ended early or against a gate, when the therapist gave one.
        #[serde(default)]
        reason: String,
        /// What was still open when it ended (flags, checks, checklist items), as shown.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        open_at_end: Vec<String>,
    },
    /// A correction of an earlier entry, which stays as it was.
    Amendment {
        /// The sequence number of the entry corrected.
        amends_seq: i64,
        reason: String,
        correction: String,
    },
    /// The record is signed and locked; only addenda follow.
    Signed {
        statement: String,
        /// The hash of the entry before the signature (hex): what was signed (`crate::chain`).
        /// Absent on signatures from before the chain.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        chain_head: Option<String>,
        /// What was listed as open when it was signed, and the signer's reason for signing
        /// anyway (absent when nothing was open).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<String>>", optional)]
        open_items: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        open_reason: Option<String>,
    },
    /// Added after signing; signed by its author.
    Addendum {
        text: String,
    },
}

impl EntryBody {
    /// The stable name stored in the `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            EntryBody::SessionStarted { .. } => "session_started",
            EntryBody::Dose(_) => "dose",
            EntryBody::Note { .. } => "note",
            EntryBody::Vitals { .. } => "vitals",
            EntryBody::Flag { .. } => "flag",
            EntryBody::FlagAck { .. } => "flag_ack",
            EntryBody::Checklist { .. } => "checklist",
            EntryBody::CheckMissed { .. } => "check_missed",
            EntryBody::Tag { .. } => "tag",
            EntryBody::Music { .. } => "music",
            EntryBody::Preflight { .. } => "preflight",
            EntryBody::Practice { .. } => "practice",
            EntryBody::DischargeOverride { .. } => "discharge_override",
            EntryBody::SessionEnded { .. } => "session_ended",
            EntryBody::Amendment { .. } => "amendment",
            EntryBody::Signed { .. } => "signed",
            EntryBody::Addendum { .. } => "addendum",
        }
    }

}

/// What the audio engine did, as recorded on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MusicEvent {
    pub action: MusicAction,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub artist: String,
    #[serde(default)]
    pub phase: String,
    #[serde(default)]
    pub path: String,
    /// Extra words: the skip reason, "20% → 60%", the device name.
    #[serde(default)]
    pub detail: String,
    /// The sound library's own words for a failure (a device that would not open), kept for
    /// whoever diagnoses it; never part of the entry's text.
    #[serde(default)]
    pub technical_detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MusicAction {
    PlaylistLoaded,
    TrackStarted,
    Skipped,
    TrackFailed,
    Paused,
    Resumed,
    VolumeChanged,
    FadedToSilence,
    PhaseJumped,
    DeviceLost,
    DeviceRegained,
    PlaylistFinished,
}

/// One line of the pre-flight checklist before dosing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreflightCheck {
    pub name: String,
    pub ok: bool,
    /// In plain words for the therapist.
    pub reason: String,
    /// The library's or the system's own words for a failure, kept for whoever diagnoses it;
    /// never part of the entry's text.
    #[serde(default)]
    pub technical_detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Dose {
    /// When the dose was given (may be a little before it was recorded).
    pub given_at: DateTime<Utc>,
    pub substance: String,
    pub amount: f64,
    pub unit: String,
    pub route: Route,
    pub lot: String,
    /// True for every dose after the first.
    pub booster: bool,
}

/// What a practice entry records: the practice began, or it ended (completed or stopped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PracticeAction {
    Started,
    Ended,
}

impl PracticeAction {
    pub fn as_str(self) -> &'static str {
        match self {
            PracticeAction::Started => "started",
            PracticeAction::Ended => "ended",
        }
    }
}

/// What the dose form sends.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DoseInput {
    pub substance: String,
    pub amount: f64,
    pub unit: String,
    pub route: Route,
    #[serde(default)]
    pub lot: String,
    /// Minutes before now that the dose was given; 0 or absent for "just now".
    #[serde(default)]
    #[ts(optional)]
    pub minutes_ago: Option<u32>,
}

pub const NOTE_MAX_CHARS: usize = 20_000;
pub const UNITS: [&str; 5] = ["mg", "mg/kg", "mcg", "mL", "sprays"];
/// Doses are recorded up to an hour late (paperwork after an emergency), never earlier.
pub const MAX_MINUTES_AGO: u32 = 60;

/// Checks a note's text; it is stored verbatim (quotes, emoji, newlines and all).
pub fn validate_note(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::invalid("note", "the note is empty"));
    }
    let n = text.chars().count();
    if n > NOTE_MAX_CHARS {
        return Err(Error::invalid(
            "note",
            format!("the note is {n} characters; the limit is {NOTE_MAX_CHARS}. Split it into several notes."),
        ));
    }
    Ok(())
}

impl DoseInput {
    pub fn validated(mut self) -> Result<DoseInput> {
        self.substance = self.substance.trim().to_string();
        self.unit = self.unit.trim().to_string();
        self.lot = self.lot.trim().to_string();
        if self.substance.is_empty() {
            return Err(Error::invalid("substance", "enter what was given"));
        }
        if self.substance.chars().count() > 60 {
            return Err(Error::invalid("substance", "at most 60 characters"));
        }
        if !self.amount.is_finite() || self.amount <= 0.0 {
            return Err(Error::invalid("amount", "enter an amount greater than zero"));
        }
        if self.amount > 10_000.0 {
            return Err(Error::invalid("amount", "the amount is implausibly large; check the unit"));
        }
        if !UNITS.contains(&self.unit.as_str()) {
            return Err(Error::invalid("unit", format!("use one of {}", UNITS.join(", "))));
        }
        if self.lot.chars().count() > 64 {
            return Err(Error::invalid("lot number", "at most 64 characters"));
        }
        if self.minutes_ago.unwrap_or(0) > MAX_MINUTES_AGO {
            return Err(Error::invalid(
                "given",
                format!("a dose can be recorded at most {MAX_MINUTES_AGO} minutes after it was given"),
            ));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dose(amount: f64, unit: &str) -> DoseInput {
        DoseInput {
            substance: "ketamine".into(),
            amount,
            unit: unit.into(),
            route: Route::Intramuscular,
            lot: String::new(),
            minutes_ago: None,
        }
    }

    #[test]
    fn notes_keep_their_text_and_refuse_empty_or_huge() {
        assert!(validate_note("BP ok; \"calm\" 🙂\nDROP TABLE entries;--").is_ok());
        assert_eq!(
            validate_note("  \n").unwrap_err().to_string(),
            "note: the note is empty"
        );
        let huge = "x".repeat(100_000);
        let msg = validate_note(&huge).unwrap_err().to_string();
        assert!(msg.contains("100000 characters"), "{msg}");
    }

    #[test]
    fn dose_amount_and_unit_are_checked() {
        assert!(dose(50.0, "mg").validated().is_ok());
        assert!(dose(0.0, "mg").validated().is_err());
        assert!(dose(f64::NAN, "mg").validated().is_err());
        assert!(dose(50.0, "pills").validated().unwrap_err().to_string().starts_with("unit:"));
    }

    #[test]
    fn entry_bodies_serialise_with_their_kind() {
        let body = EntryBody::Note { text: "calm".into(), theme: false };
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(json, r#"{"kind":"note","text":"calm","theme":false}"#);
        let old: EntryBody = serde_json::from_str(r#"{"kind":"note","text":"calm"}"#).unwrap();
        assert_eq!(old, body, "notes written before themes existed still read");
        assert_eq!(body.kind(), "note");
    }
}

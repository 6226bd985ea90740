//! Writes the app may have to retry. Each carries the time the therapist made it and a key the
//! app chose; applying one whose key is already in the file returns the saved entries instead
//! of writing them again, so a retry is never a duplicate.

use super::entries::entry_from_row;
use super::Store;
use crate::entry::{DoseInput, Entry, EntryBody};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use holdspace_monitoring::{ChecklistAction, Effect, EffectStatus, Template, Vitals};
use serde::{Deserialize, Serialize};

/// What to write. Template-dependent writes carry the template they were made under, so a
/// retry after a restart applies the same thresholds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WriteOp {
    Note { text: String, theme: bool },
    /// Any entry built by the app itself (tags, music, practice, pre-flight).
    Append { body: EntryBody },
    /// `blockers`: what the protocol's gate held back, passed with the input's reason.
    Dose {
        input: DoseInput,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        blockers: Vec<String>,
    },
    /// An effect recorded as observed, not observed or resolved (checked against the record).
    Effect { template: Box<Template>, effect: Effect, status: EffectStatus, minutes_ago: u32 },
    Vitals { template: Box<Template>, vitals: Vitals },
    Checklist { template: Box<Template>, item_id: String, action: ChecklistAction },
    FlagAck { flag_id: String, action_taken: String },
    CheckMissed { template: Box<Template>, occurrence_id: String, reason: String },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Write {
    pub key: String,
    pub session_id: i64,
    /// When it was made, not when it reached the disk.
    pub at: DateTime<Utc>,
    pub op: WriteOp,
    /// The signed-in user who made it; older journals have none (the session's therapist).
    #[serde(default)]
    pub author: Option<String>,
}

/// Keys are short and plain ('/' separates a reading's flags from it; '0' sorts right after).
pub fn validate_key(key: &str) -> Result<()> {
    let ok = !key.is_empty() && key.len() <= 64 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("key", "a save key is 1 to 64 letters, digits or dashes"))
    }
}

impl WriteOp {
    /// Checks what can be checked without the file, so a refusal comes at once, never later
    /// from a retry.
    pub fn validate(&self) -> Result<()> {
        match self {
            WriteOp::Note { text, .. } => crate::entry::validate_note(text),
            WriteOp::Dose { input, .. } => input.clone().validated().map(drop),
            WriteOp::Effect { minutes_ago, .. } => super::gates::validate_effect_minutes(*minutes_ago),
            WriteOp::Vitals { vitals, .. } => Ok(vitals.validate()?),
            WriteOp::FlagAck { action_taken, .. } if action_taken.trim().chars().count() > 2_000 => {
                Err(Error::invalid("action taken", "at most 2000 characters"))
            }
            WriteOp::CheckMissed { reason, .. } => super::monitoring::validate_missed_reason(reason).map(drop),
            _ => Ok(()),
        }
    }

    /// A short line for the "not saved yet" list on screen.
    pub fn summary(&self) -> String {
        match self {
            WriteOp::Note { text, .. } => text.clone(),
            WriteOp::Append { body } => body.kind().replace('_', " "),
            WriteOp::Dose { input, .. } => format!("Dose {} {} {}", input.substance, input.amount, input.unit),
            WriteOp::Effect { effect, status, .. } => format!("{}: {}", effect.label(), status.as_str()),
            WriteOp::Vitals { .. } => "Vitals".into(),
            WriteOp::Checklist { item_id, .. } => format!("Checklist: {item_id}"),
            WriteOp::FlagAck { .. } => "Flag acknowledged".into(),
            WriteOp::CheckMissed { .. } => "Check marked missed".into(),
        }
    }
}

impl Store {
    /// Applies a write once: if its key is already saved, returns what was saved.
    pub fn apply(&self, w: &Write) -> Result<Vec<Entry>> {
        validate_key(&w.key)?;
        let saved = self.entries_with_key(&w.key)?;
        if !saved.is_empty() {
            return Ok(saved);
        }
        let key = Some(w.key.as_str());
        let one = |e: Entry| vec![e];
        let by = self.with_author(w.author.clone());
        let s = if w.author.is_some() { &by } else { self };
        Ok(match &w.op {
            WriteOp::Note { text, theme } => {
                crate::entry::validate_note(text)?;
                one(s.append_at(w.session_id, EntryBody::Note { text: text.clone(), theme: *theme }, w.at, key)?)
            }
            WriteOp::Append { body } => one(s.append_at(w.session_id, body.clone(), w.at, key)?),
            WriteOp::Dose { input, blockers } => s.record_dose_at(w.session_id, input.clone(), blockers, w.at, key)?,
            WriteOp::Effect { template, effect, status, minutes_ago } => {
                one(s.record_effect_at(w.session_id, template, *effect, *status, *minutes_ago, w.at, key)?)
            }
            WriteOp::Vitals { template, vitals } => {
                s.record_vitals_at(w.session_id, template, vitals.clone(), w.at, key)?
            }
            WriteOp::Checklist { template, item_id, action } => {
                one(s.record_checklist_at(w.session_id, template, item_id, action.clone(), w.at, key)?)
            }
            WriteOp::FlagAck { flag_id, action_taken } => {
                one(s.ack_flag_at(w.session_id, flag_id, action_taken, w.at, key)?)
            }
            WriteOp::CheckMissed { template, occurrence_id, reason } => {
                one(s.mark_check_missed_at(w.session_id, template, occurrence_id, reason, w.at, key)?)
            }
        })
    }

    /// The entries written under `key` (a reading and its flags share one).
    pub fn entries_with_key(&self, key: &str) -> Result<Vec<Entry>> {
        validate_key(key)?;
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, session_id, seq, at_ms, elapsed_ms, author, body FROM entries
             WHERE client_key = ?1 OR (client_key > ?1 || '/' AND client_key < ?1 || '0') ORDER BY seq",
        )?;
        let rows = stmt.query_map([key], entry_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

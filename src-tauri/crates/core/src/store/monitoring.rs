//! Monitoring entries: vitals with their threshold flags, acknowledgements, checklist ticks,
//! quick tags and the discharge gate. The rules come from holdspace-monitoring; this file
//! only stores what they say, in one transaction per action.

use super::entries::{insert_entry_keyed, require_open};
use super::rows::load_session;
use super::Store;
use crate::entry::{Entry, EntryBody};
use crate::error::{Error, Result};
use crate::monitor::{monitor_view, readings};
use holdspace_monitoring::{
    checklist_items, evaluate_flag, validate_checklist_event, ChecklistAction, ChecklistEvent, CheckpointKind,
    CheckpointStatus, QuickTag, Reading, Stage, Template, Vitals,
};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

pub fn tag_body(tag: &QuickTag) -> EntryBody {
    EntryBody::Tag { tag_id: tag.id.clone(), label: tag.label.clone(), adverse_event: tag.adverse_event }
}

/// A missed check's reason: said, and at most 2000 characters.
pub fn validate_missed_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid("reason", "say why the check was missed"));
    }
    if reason.chars().count() > 2_000 {
        return Err(Error::invalid("reason", "at most 2000 characters"));
    }
    Ok(reason.to_string())
}

fn entries_in(tx: &Transaction<'_>, session_id: i64) -> Result<Vec<Entry>> {
    super::entries::read_entries(tx, session_id)
}

impl Store {
    /// Records vitals and ratings. Values past the template's thresholds are accepted; each
    /// crossing is written as a flag entry right after the reading, in the same transaction.
    pub fn record_vitals(&self, session_id: i64, template: &Template, vitals: Vitals) -> Result<Vec<Entry>> {
        self.record_vitals_at(session_id, template, vitals, self.clock.now(), None)
    }

    /// The flags of a keyed reading carry `KEY/1`, `KEY/2`...: one write, one key family.
    pub(super) fn record_vitals_at(
        &self,
        session_id: i64,
        template: &Template,
        vitals: Vitals,
        now: DateTime<Utc>,
        key: Option<&str>,
    ) -> Result<Vec<Entry>> {
        vitals.validate()?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        require_open(&session)?;
        let prior: Vec<Reading> = readings(&entries_in(&tx, session_id)?);
        let entry =
            insert_entry_keyed(&tx, &session, now, self.author_for(&session), EntryBody::Vitals { reading: vitals.clone() }, key)?;
        let reading = Reading { id: entry.seq.to_string(), at_ms: now.timestamp_millis(), vitals };
        let first_dose_ms = session.first_dose_at.map(|t| t.timestamp_millis());
        let mut out = vec![entry];
        // One flag per reading, listing every threshold it crossed: one acknowledgement.
        if let Some(flag) = evaluate_flag(&template.thresholds, first_dose_ms, &prior, &reading) {
            let body = EntryBody::Flag { reading_seq: out[0].seq, flag };
            let flag_key = key.map(|k| format!("{k}/1"));
            out.push(insert_entry_keyed(&tx, &session, now, self.author_for(&session), body, flag_key.as_deref())?);
        }
        tx.commit()?;
        Ok(out)
    }

    /// Acknowledges a flag, optionally with what was done. Each flag is acknowledged once.
    pub fn ack_flag(&self, session_id: i64, flag_id: &str, action_taken: &str) -> Result<Entry> {
        self.ack_flag_at(session_id, flag_id, action_taken, self.clock.now(), None)
    }

    pub(super) fn ack_flag_at(
        &self,
        session_id: i64,
        flag_id: &str,
        action_taken: &str,
        now: DateTime<Utc>,
        key: Option<&str>,
    ) -> Result<Entry> {
        let action_taken = action_taken.trim();
        if action_taken.chars().count() > 2_000 {
            return Err(Error::invalid("action taken", "at most 2000 characters"));
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        require_open(&session)?;
        let raised: Option<String> = tx
            .query_row(
                "SELECT json_extract(body, '$.flag.rule_text') FROM entries WHERE session_id = ?1 AND kind = 'flag' AND json_extract(body, '$.flag.id') = ?2",
                params![session_id, flag_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(flag_text) = raised else {
            return Err(Error::NotFound { what: format!("flag {flag_id} in session {session_id}") });
        };
        let acked: Option<i64> = tx
            .query_row(
                "SELECT seq FROM entries WHERE session_id = ?1 AND kind = 'flag_ack' AND json_extract(body, '$.flag_id') = ?2",
                params![session_id, flag_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(seq) = acked {
            return Err(Error::invalid("flag", format!("already acknowledged (entry {seq})")));
        }
        // The flag's words go with the acknowledgement, so the log says which was acknowledged.
        let body = EntryBody::FlagAck { flag_id: flag_id.to_string(), flag_text, action_taken: action_taken.to_string() };
        let entry = insert_entry_keyed(&tx, &session, now, self.author_for(&session), body, key)?;
        tx.commit()?;
        Ok(entry)
    }

    /// Ticks (or clears, marks not applicable, fills in) a checklist item of the template.
    pub fn record_checklist(
        &self,
        session_id: i64,
        template: &Template,
        item_id: &str,
        action: ChecklistAction,
    ) -> Result<Entry> {
        self.record_checklist_at(session_id, template, item_id, action, self.clock.now(), None)
    }

    pub(super) fn record_checklist_at(
        &self,
        session_id: i64,
        template: &Template,
        item_id: &str,
        action: ChecklistAction,
        now: DateTime<Utc>,
        key: Option<&str>,
    ) -> Result<Entry> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        require_open(&session)?;
        let event = ChecklistEvent {
            item_id: item_id.to_string(),
            at_ms: now.timestamp_millis(),
            author: self.author_for(&session).to_string(),
            action: action.clone(),
        };
        validate_checklist_event(template, &event)?;
        let label = [Stage::PreDose, Stage::During, Stage::Discharge]
            .into_iter()
            .flat_map(|stage| checklist_items(template, stage))
            .find(|item| item.id == item_id)
            .map(|item| item.label)
            .unwrap_or_else(|| item_id.to_string());
        let body = EntryBody::Checklist { item_id: item_id.to_string(), label, action };
        let entry = insert_entry_keyed(&tx, &session, now, self.author_for(&session), body, key)?;
        tx.commit()?;
        Ok(entry)
    }

    /// Marks a scheduled check missed, with the clinician's reason. Only a check that is due,
    /// overdue or already missed (without a reason) can be marked; it then stays missed.
    pub fn mark_check_missed(&self, session_id: i64, template: &Template, occurrence_id: &str, reason: &str) -> Result<Entry> {
        self.mark_check_missed_at(session_id, template, occurrence_id, reason, self.clock.now(), None)
    }

    pub(super) fn mark_check_missed_at(
        &self,
        session_id: i64,
        template: &Template,
        occurrence_id: &str,
        reason: &str,
        now: DateTime<Utc>,
        key: Option<&str>,
    ) -> Result<Entry> {
        let reason = validate_missed_reason(reason)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        require_open(&session)?;
        let view = monitor_view(template, &session, &entries_in(&tx, session_id)?, now.timestamp_millis());
        let Some(check) = view.timer.checkpoints.iter().find(|c| c.occurrence_id == occurrence_id) else {
            return Err(Error::NotFound { what: format!("the check {occurrence_id} in this session's schedule") });
        };
        match check.status {
            CheckpointStatus::Due | CheckpointStatus::Overdue => {}
            CheckpointStatus::Missed if check.missed_reason.is_none() => {}
            CheckpointStatus::Missed => return Err(Error::invalid("check", format!("{} is already marked missed", check.label))),
            CheckpointStatus::Done => return Err(Error::invalid("check", format!("{} is already done", check.label))),
            CheckpointStatus::Upcoming => {
                return Err(Error::invalid("check", format!("{} is not due yet", check.label)));
            }
        }
        let first = session.first_dose_at.map(|t| t.timestamp_millis());
        let due_elapsed_ms = match (check.kind, check.due_ms, first) {
            (CheckpointKind::PreDose, _, _) => None,
            (_, Some(d), Some(f)) => Some(d.saturating_sub(f)),
            _ => None,
        };
        let body = EntryBody::CheckMissed {
            occurrence_id: occurrence_id.to_string(),
            label: check.label.clone(),
            due_elapsed_ms,
            reason,
        };
        let entry = insert_entry_keyed(&tx, &session, now, self.author_for(&session), body, key)?;
        tx.commit()?;
        Ok(entry)
    }

    pub fn add_tag(&self, session_id: i64, tag: &QuickTag) -> Result<Entry> {
        self.append(session_id, tag_body(tag))
    }

    /// Ends the session through the discharge gate: with reminders open it is refused unless an
    /// override reason is given, and then the override is logged before the end.
    pub fn end_session_gated(&self, session_id: i64, template: &Template, override_reason: Option<&str>) -> Result<Entry> {
        self.end_session_gated_with(session_id, template, override_reason, None)
    }

    /// As [`Store::end_session_gated`], writing `closing` (what the app did as the session
    /// ended, e.g. the music fading out) just before the end, in the end's transaction, and only
    /// when the end goes ahead.
    pub fn end_session_gated_with(
        &self,
        session_id: i64,
        template: &Template,
        override_reason: Option<&str>,
        closing: Option<EntryBody>,
    ) -> Result<Entry> {
        let now = self.clock.now();
        let (gate, risks) = {
            let mut conn = self.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let session = load_session(&tx, session_id)?;
            require_open(&session)?;
            let entries = entries_in(&tx, session_id)?;
            let view = monitor_view(template, &session, &entries, now.timestamp_millis());
            (view.discharge, view.risks)
        };
        let reason = override_reason.map(str::trim).unwrap_or("");
        if !gate.allowed {
            if reason.is_empty() {
                return Err(Error::DischargeBlocked { blockers: gate.blockers });
            }
            if reason.chars().count() > 2_000 {
                return Err(Error::invalid("reason", "at most 2000 characters"));
            }
            self.append(session_id, EntryBody::DischargeOverride { blockers: gate.blockers, reason: reason.to_string() })?;
        }
        self.end_session_with(session_id, if gate.allowed { reason } else { "" }, closing, risks)
    }
}

//! The protocol's gates besides the end of the session: the dose gate before the first dose,
//! the effects to record and settle (observed, not observed, resolved), and the clinician's
//! confirmation of when the patient was ready to leave. The rules are in holdspace-monitoring
//! and `crate::monitor`; this file checks each write against the record and stores it.

use super::entries::{insert_entry_keyed, require_open};
use super::rows::{load_session, ms_to_time};
use super::Store;
use super::WriteOp;
use crate::entry::{DoseInput, Entry, EntryBody, MAX_MINUTES_AGO};
use crate::error::{Error, Result};
use crate::monitor::monitor_view;
use chrono::{DateTime, Utc};
use holdspace_monitoring::{check_effect_event, ChecklistAction, Effect, EffectStatus, Stage, Template, READY_ITEM_ID};
use rusqlite::TransactionBehavior;

/// An effect may be recorded up to an hour after it happened, like a dose.
pub fn validate_effect_minutes(minutes_ago: u32) -> Result<()> {
    if minutes_ago > MAX_MINUTES_AGO {
        return Err(Error::invalid("when", format!("an effect can be recorded at most {MAX_MINUTES_AGO} minutes after it happened")));
    }
    Ok(())
}

impl Store {
    /// The write that records `input` through the protocol's gate: before the first dose, the
    /// gate's open items (`monitor::MonitorView::dose_blockers`) hold it back unless the input
    /// carries a reason; the reason and what it overrode are then written before the dose.
    pub fn gated_dose(&self, session_id: i64, template: &Template, input: DoseInput) -> Result<WriteOp> {
        let input = input.validated()?;
        let session = self.session(session_id)?;
        let blockers = if session.first_dose_at.is_some() {
            Vec::new()
        } else {
            let entries = self.entries(session_id)?;
            crate::monitor::monitor_view(template, &session, &entries, self.clock.now().timestamp_millis()).dose_blockers
        };
        if blockers.is_empty() {
            return Ok(WriteOp::Dose { input: DoseInput { override_reason: None, ..input }, blockers });
        }
        if input.override_reason.is_none() {
            return Err(Error::DoseBlocked { blockers });
        }
        Ok(WriteOp::Dose { input, blockers })
    }

    pub fn record_effect(&self, session_id: i64, template: &Template, effect: Effect, status: EffectStatus, minutes_ago: u32) -> Result<Entry> {
        self.record_effect_at(session_id, template, effect, status, minutes_ago, self.clock.now(), None)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn record_effect_at(
        &self,
        session_id: i64,
        template: &Template,
        effect: Effect,
        status: EffectStatus,
        minutes_ago: u32,
        now: DateTime<Utc>,
        key: Option<&str>,
    ) -> Result<Entry> {
        validate_effect_minutes(minutes_ago)?;
        if !template.effects.contains(&effect) {
            return Err(Error::invalid("effect", format!("the protocol \"{}\" does not ask about {}", template.name, effect.label().to_lowercase())));
        }
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        require_open(&session)?;
        let Some(first) = session.first_dose_at else {
            return Err(Error::invalid("effect", "effects are recorded after the first dose; no dose is recorded yet"));
        };
        let happened = now - chrono::Duration::minutes(i64::from(minutes_ago));
        if happened < first {
            return Err(Error::invalid("when", "that is before the first dose; record when it happened after the dose"));
        }
        let entries = super::entries::read_entries(&tx, session_id)?;
        let view = monitor_view(template, &session, &entries, now.timestamp_millis());
        if let Some(state) = view.effects.iter().find(|s| s.effect == effect) {
            let before_seen = state.observed_at_ms.is_some_and(|at| happened.timestamp_millis() < at);
            if status == EffectStatus::Resolved && before_seen {
                return Err(Error::invalid("when", format!("{} cannot resolve before it was observed", effect.label())));
            }
            check_effect_event(state, status).map_err(|m| Error::invalid("effect", m))?;
        }
        let body = EntryBody::Effect { effect, status, minutes_ago };
        let entry = insert_entry_keyed(&tx, &session, now, self.author_for(&session), body, key)?;
        tx.commit()?;
        Ok(entry)
    }

    /// Records the clinician's confirmation of the computed "ready to leave" time. Refused
    /// while a discharge condition is open (there is no such time yet).
    pub fn confirm_ready_to_leave(&self, session_id: i64, template: &Template) -> Result<Entry> {
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let session = load_session(&tx, session_id)?;
        require_open(&session)?;
        let entries = super::entries::read_entries(&tx, session_id)?;
        let view = monitor_view(template, &session, &entries, now.timestamp_millis());
        let Some(ready) = view.ready_to_leave.clone() else {
            return Err(Error::DischargeBlocked { blockers: view.discharge.blockers });
        };
        let body = EntryBody::ReadyConfirmed {
            ready_at: ms_to_time(ready.at_ms),
            minutes_after_first_dose: ready.minutes_after_first_dose,
        };
        let entry = insert_entry_keyed(&tx, &session, now, self.author_for(&session), body, None)?;
        // The discharge item that states the ready time takes the confirmed one, when open.
        let item = view.checklist.stage(Stage::Discharge).and_then(|s| s.items.iter().find(|i| i.item.id == READY_ITEM_ID));
        if let Some(item) = item.filter(|i| i.is_open()) {
            let body = EntryBody::Checklist {
                item_id: READY_ITEM_ID.to_string(),
                label: item.item.label.clone(),
                action: ChecklistAction::Number { value: ready.minutes_after_first_dose as f64 },
            };
            insert_entry_keyed(&tx, &session, now, self.author_for(&session), body, None)?;
        }
        tx.commit()?;
        Ok(entry)
    }
}

//! Effects a protocol asks to be recorded as observed or not, and when each resolved (the
//! esketamine REMS form asks this of sedation, dissociation and respiratory depression). The
//! discharge gate holds while an effect is unrecorded or observed and not marked resolved;
//! the clinician records each, the app only reminds.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::template::Template;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Sedation,
    Dissociation,
    RespiratoryDepression,
}

impl Effect {
    pub const ALL: [Effect; 3] = [Effect::Sedation, Effect::Dissociation, Effect::RespiratoryDepression];

    pub fn label(self) -> &'static str {
        match self {
            Effect::Sedation => "Sedation",
            Effect::Dissociation => "Dissociation",
            Effect::RespiratoryDepression => "Respiratory depression",
        }
    }
}

/// What the clinician recorded of an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EffectStatus {
    /// Not seen during the session (so far).
    NotObserved,
    /// Seen, from the entry's time.
    Observed,
    /// Seen earlier and now gone.
    Resolved,
}

impl EffectStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EffectStatus::NotObserved => "not observed",
            EffectStatus::Observed => "observed",
            EffectStatus::Resolved => "resolved",
        }
    }
}

/// One recording of an effect, in written order; `at_ms` is when it happened (it may be a
/// little before it was written down).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EffectEvent {
    pub effect: Effect,
    pub status: EffectStatus,
    #[ts(type = "number")]
    pub at_ms: i64,
}

/// Where one effect stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EffectState {
    pub effect: Effect,
    pub label: String,
    /// The last recording; None while nothing is recorded.
    pub status: Option<EffectStatus>,
    /// When it was (last) seen to begin.
    #[ts(type = "number | null")]
    pub observed_at_ms: Option<i64>,
    /// When it resolved (None while it is still present, or was never seen).
    #[ts(type = "number | null")]
    pub resolved_at_ms: Option<i64>,
    /// When "not observed" was recorded.
    #[ts(type = "number | null")]
    pub not_observed_at_ms: Option<i64>,
}

impl EffectState {
    /// True when nothing about it holds discharge back: recorded as not observed, or resolved.
    pub fn settled(&self) -> bool {
        matches!(self.status, Some(EffectStatus::NotObserved | EffectStatus::Resolved))
    }

    /// When it stopped holding discharge back.
    pub fn settled_at_ms(&self) -> Option<i64> {
        match self.status {
            Some(EffectStatus::NotObserved) => self.not_observed_at_ms,
            Some(EffectStatus::Resolved) => self.resolved_at_ms,
            _ => None,
        }
    }
}

/// Whether `status` may follow the effect's state: "resolved" needs it observed first.
pub fn check_effect_event(state: &EffectState, status: EffectStatus) -> Result<(), String> {
    match (state.status, status) {
        (Some(EffectStatus::Observed), EffectStatus::Resolved) => Ok(()),
        (_, EffectStatus::Resolved) => Err(format!(
            "{} is not recorded as observed, so it cannot be marked resolved; record it as observed first (with the time it began)",
            state.effect.label()
        )),
        _ => Ok(()),
    }
}

/// The template's effects as the events leave them. An event the rules refuse (resolved
/// before observed) is passed over, never fatal: the store refuses it before writing.
pub fn effect_states(t: &Template, events: &[EffectEvent]) -> Vec<EffectState> {
    effect_states_of(&t.effects, events)
}

/// As [`effect_states`], for the effects listed (a report of a session whose template is gone).
pub fn effect_states_of(effects: &[Effect], events: &[EffectEvent]) -> Vec<EffectState> {
    let mut states: Vec<EffectState> = effects
        .iter()
        .map(|e| EffectState {
            effect: *e,
            label: e.label().to_string(),
            status: None,
            observed_at_ms: None,
            resolved_at_ms: None,
            not_observed_at_ms: None,
        })
        .collect();
    for ev in events {
        let Some(s) = states.iter_mut().find(|s| s.effect == ev.effect) else { continue };
        if check_effect_event(s, ev.status).is_err() {
            continue;
        }
        s.status = Some(ev.status);
        match ev.status {
            EffectStatus::NotObserved => {
                s.not_observed_at_ms = Some(ev.at_ms);
                s.observed_at_ms = None;
                s.resolved_at_ms = None;
            }
            EffectStatus::Observed => {
                s.observed_at_ms = Some(ev.at_ms);
                s.resolved_at_ms = None;
            }
            EffectStatus::Resolved => s.resolved_at_ms = Some(ev.at_ms),
        }
    }
    states
}

/// What holds discharge back: each effect not recorded, or observed and not resolved.
pub fn effect_blockers(states: &[EffectState]) -> Vec<String> {
    states
        .iter()
        .filter(|s| !s.settled())
        .map(|s| match s.status {
            None => format!("{}: not recorded whether it was observed", s.label),
            _ => unresolved_text(s),
        })
        .collect()
}

/// Of those, the effects observed and not resolved: still present, a risk at the end.
pub fn effects_unresolved(states: &[EffectState]) -> Vec<String> {
    states.iter().filter(|s| s.status == Some(EffectStatus::Observed)).map(unresolved_text).collect()
}

fn unresolved_text(s: &EffectState) -> String {
    format!("{}: observed and not yet marked resolved", s.label)
}

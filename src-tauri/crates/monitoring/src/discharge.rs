//! Discharge gating: reminders of what is still open. Blocked discharge needs an explicit
//! override with a reason (the shell logs it); this code never decides for the clinician.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checklist::{ChecklistState, Stage};
use crate::schedule::{CheckpointState, CheckpointStatus};
use crate::template::{CheckpointKind, Template};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DischargeGate {
    pub allowed: bool,
    pub blockers: Vec<String>,
    /// Minutes of observation still needed (0 when met).
    #[ts(type = "number")]
    pub minutes_remaining: i64,
}

/// Blockers: minimum observation time (from the first dose) not met, required discharge items
/// open, and a chosen discharge score not complete or below its "ready" value.
pub fn discharge_check(t: &Template, first_dose_ms: i64, now_ms: i64, checklist: &ChecklistState) -> DischargeGate {
    let mut blockers = Vec::new();
    let need = i64::from(t.min_observation_min) * 60_000;
    let elapsed = now_ms.saturating_sub(first_dose_ms);
    let remaining_ms = need.saturating_sub(elapsed).max(0);
    // Round up: 30 s left still shows as 1 minute.
    let minutes_remaining = remaining_ms.saturating_add(59_999) / 60_000;
    if remaining_ms > 0 {
        let observed = elapsed.max(0) / 60_000;
        blockers.push(format!(
            "Minimum observation time not met: {observed} of {} min observed, {minutes_remaining} min remaining{}",
            t.min_observation_min,
            if t.min_observation_source.is_empty() { String::new() } else { format!(" ({})", t.min_observation_source) }
        ));
    }
    if let Some(stage) = checklist.stage(Stage::Discharge) {
        for label in &stage.open_required {
            blockers.push(format!("Discharge item open: {label}"));
        }
    }
    if let Some(score) = &checklist.score {
        if score.unscored.is_empty() && !score.ready {
            blockers.push(format!("{} score {} of {} (ready at {} or more)", score.name, score.total, score.max, score.ready_at));
        }
    }
    DischargeGate { allowed: blockers.is_empty(), blockers, minutes_remaining }
}

/// As [`discharge_check`], also listing "before discharge" checkpoints not done (one marked
/// missed with a reason is on record and does not hold discharge back).
pub fn discharge_check_with_schedule(
    t: &Template,
    first_dose_ms: i64,
    now_ms: i64,
    checklist: &ChecklistState,
    schedule: &[CheckpointState],
) -> DischargeGate {
    let mut gate = discharge_check(t, first_dose_ms, now_ms, checklist);
    for c in schedule {
        let explained = c.status == CheckpointStatus::Missed && c.missed_reason.is_some();
        if c.kind == CheckpointKind::BeforeDischarge && c.status != CheckpointStatus::Done && !explained {
            gate.blockers.push(format!("Check before discharge not recorded: {}", c.label));
        }
    }
    gate.allowed = gate.blockers.is_empty();
    gate
}

//! Checkpoint schedule, due/overdue status and the timer's phase, recomputed from stored facts.
//!
//! Times are `i64` milliseconds on one clock chosen by the caller (epoch ms, or ms since the
//! first dose); dose times, recording times and `now` must all use the same clock. Template
//! times are minutes after the first dose (or after a booster, for checkpoints that shift).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::template::{CheckpointKind, MeasurementKind, Template};

const MIN: i64 = 60_000;

/// A recorded entry that may complete checkpoints: usually a vitals entry
/// (`kinds` = [`crate::Vitals::kinds`]); `occurrence_id` completes one occurrence explicitly,
/// or, with `missed_reason`, marks it missed with the clinician's reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Recording {
    #[ts(type = "number")]
    pub at_ms: i64,
    pub kinds: Vec<MeasurementKind>,
    #[serde(default)]
    pub occurrence_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub missed_reason: Option<String>,
}

impl Recording {
    /// A reading holding these measurements.
    pub fn reading(at_ms: i64, kinds: Vec<MeasurementKind>) -> Recording {
        Recording { at_ms, kinds, occurrence_id: None, missed_reason: None }
    }

    /// The clinician marked one occurrence missed, with a reason.
    pub fn missed(at_ms: i64, occurrence_id: &str, reason: &str) -> Recording {
        Recording { at_ms, kinds: Vec::new(), occurrence_id: Some(occurrence_id.to_string()), missed_reason: Some(reason.to_string()) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointStatus {
    Upcoming,
    Due,
    Overdue,
    Done,
    /// Past its lateness allowance without a complete reading, or marked missed by the
    /// clinician (then `missed_reason` says why). A check before dosing stays overdue after the
    /// dose until it is marked.
    Missed,
}

/// One occurrence of a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CheckpointState {
    /// Stable id: `<checkpoint id>@pre` or `<checkpoint id>@<dose index>+<minutes>`.
    pub occurrence_id: String,
    pub checkpoint_id: String,
    pub label: String,
    pub kind: CheckpointKind,
    /// Which dose it is timed from (0 = first dose).
    pub anchor_dose: u32,
    /// Minutes after its anchor dose; None for pre-dose.
    pub offset_min: Option<i32>,
    /// When it falls due; for pre-dose, the first dose time (None before dosing).
    #[ts(type = "number | null")]
    pub due_ms: Option<i64>,
    /// From when a recording counts for it.
    #[ts(type = "number | null")]
    pub window_opens_ms: Option<i64>,
    /// When it becomes overdue if not done.
    #[ts(type = "number | null")]
    pub overdue_ms: Option<i64>,
    /// The last instant a complete reading still satisfies it (late after `overdue_ms`); after
    /// it the check is missed. None for pre-dose (only a reading before the dose counts).
    #[ts(type = "number | null")]
    pub late_until_ms: Option<i64>,
    pub record: Vec<MeasurementKind>,
    pub status: CheckpointStatus,
    #[ts(type = "number | null")]
    pub completed_at_ms: Option<i64>,
    /// How long after its time it was satisfied, when that was after it fell overdue.
    #[ts(type = "number | null")]
    pub late_by_ms: Option<i64>,
    /// What the last reading that counted toward it but did not satisfy it lacked.
    pub missing: Vec<MeasurementKind>,
    /// The clinician's reason, when it was marked missed.
    pub missed_reason: Option<String>,
    #[ts(type = "number | null")]
    pub missed_at_ms: Option<i64>,
}

/// The next check to show with a countdown (negative when late).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NextCheckpoint {
    pub occurrence_id: String,
    pub label: String,
    pub status: CheckpointStatus,
    #[ts(type = "number | null")]
    pub due_ms: Option<i64>,
    /// `due_ms - now`; None for a pre-dose check before dosing (due now).
    #[ts(type = "number | null")]
    pub countdown_ms: Option<i64>,
    pub record: Vec<MeasurementKind>,
}

/// Where the session is, for the timer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PhaseView {
    /// `pre-dose` before the first dose, otherwise the template's phase name.
    pub name: String,
    pub description: String,
    /// Time since the first dose; None before dosing.
    #[ts(type = "number | null")]
    pub elapsed_ms: Option<i64>,
    /// When the first dose was given (same clock); None before dosing.
    #[ts(type = "number | null")]
    pub first_dose_ms: Option<i64>,
    pub next_phase: Option<String>,
    /// When the next phase is expected to start (absolute, same clock).
    #[ts(type = "number | null")]
    pub next_phase_at_ms: Option<i64>,
}

/// Everything the timer displays, in one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TimerView {
    pub phase: PhaseView,
    pub next: Option<NextCheckpoint>,
    pub checkpoints: Vec<CheckpointState>,
    pub due_count: u32,
    pub overdue_count: u32,
    /// Missed checks with no reason recorded yet (the cue asks for one).
    pub missed_unexplained_count: u32,
}

/// Schedule computations (pure; call again after any new fact or clock tick).
pub struct Schedule;

fn sorted(doses: &[i64]) -> Vec<i64> {
    let mut d = doses.to_vec();
    d.sort_unstable();
    d.dedup();
    d
}

impl Schedule {
    /// All checkpoint occurrences with their status at `now`.
    pub fn compute(t: &Template, doses: &[i64], now: i64, recordings: &[Recording]) -> Vec<CheckpointState> {
        let doses = sorted(doses);
        let first = doses.first().copied();
        let mut out: Vec<CheckpointState> = Vec::new();
        for c in &t.checkpoints {
            let grace_min = c.overdue_after_min.unwrap_or(t.overdue_after_min);
            let grace = i64::from(grace_min) * MIN;
            // A late reading counts until then; never before the check falls overdue.
            let late = i64::from(c.late_within_min.unwrap_or(t.late_within_min).max(grace_min)) * MIN;
            let before = i64::from(t.window_before_min) * MIN;
            let offsets: Vec<i32> = match c.kind {
                CheckpointKind::PreDose => {
                    out.push(CheckpointState {
                        occurrence_id: format!("{}@pre", c.id),
                        checkpoint_id: c.id.clone(),
                        label: c.label.clone(),
                        kind: c.kind,
                        anchor_dose: 0,
                        offset_min: None,
                        due_ms: first,
                        window_opens_ms: None,
                        overdue_ms: first,
                        late_until_ms: None,
                        record: c.record.clone(),
                        status: CheckpointStatus::Due,
                        completed_at_ms: None,
                        late_by_ms: None,
                        missing: Vec::new(),
                        missed_reason: None,
                        missed_at_ms: None,
                    });
                    continue;
                }
                CheckpointKind::Once => c.at_min.into_iter().collect(),
                CheckpointKind::BeforeDischarge => vec![c.at_min.unwrap_or_else(|| t.before_discharge_default_min())],
                CheckpointKind::Every => match (c.every_min, c.from_min, c.until_min) {
                    (Some(e), Some(f), Some(u)) if e > 0 && u >= f => {
                        (0..).map(|i: i32| f.saturating_add(i.saturating_mul(e))).take_while(|m| *m <= u).take(10_000).collect()
                    }
                    _ => vec![],
                },
            };
            if doses.is_empty() {
                // Not dosed yet: show the schedule as it would run from a dose now.
                for m in &offsets {
                    let due = now.saturating_add(i64::from(*m) * MIN);
                    out.push(occurrence(c, 0, *m, due, before, grace, late));
                }
                continue;
            }
            let shift = c.shift_on_booster.unwrap_or(t.shift_on_booster);
            let anchors: &[i64] = if shift { &doses } else { &doses[..1] };
            for (k, d) in anchors.iter().enumerate() {
                let next_anchor = anchors.get(k + 1).copied();
                for m in &offsets {
                    let due = d.saturating_add(i64::from(*m) * MIN);
                    if next_anchor.is_some_and(|n| due >= n) {
                        continue;
                    }
                    out.push(occurrence(c, k as u32, *m, due, before, grace, late));
                }
            }
        }
        // Apply recordings (and missed marks) in time order.
        let mut recs: Vec<&Recording> = recordings.iter().collect();
        recs.sort_by_key(|r| r.at_ms);
        let open = |o: &CheckpointState| o.completed_at_ms.is_none() && o.missed_reason.is_none();
        for r in recs {
            if let Some(oid) = &r.occurrence_id {
                if let Some(o) = out.iter_mut().find(|o| &o.occurrence_id == oid && open(o)) {
                    match &r.missed_reason {
                        Some(reason) => {
                            o.missed_reason = Some(reason.clone());
                            o.missed_at_ms = Some(r.at_ms);
                        }
                        None => o.completed_at_ms = Some(r.at_ms),
                    }
                }
                continue;
            }
            for c in &t.checkpoints {
                let complete = c.record.iter().all(|k| r.kinds.contains(k));
                if !complete && !c.record.iter().any(|k| r.kinds.contains(k)) {
                    continue;
                }
                let target = if c.kind == CheckpointKind::PreDose {
                    if first.is_some_and(|f| r.at_ms >= f) {
                        continue;
                    }
                    out.iter_mut().find(|o| o.checkpoint_id == c.id && open(o))
                } else {
                    if first.is_none() {
                        continue;
                    }
                    // The newest open occurrence this reading is in time for: a late reading
                    // satisfies an overdue check within its allowance, but never one whose
                    // allowance has passed, and an early one counts for the check ahead.
                    out.iter_mut()
                        .filter(|o| o.checkpoint_id == c.id && open(o))
                        .filter(|o| o.window_opens_ms.is_some_and(|w| w <= r.at_ms) && o.late_until_ms.is_some_and(|l| r.at_ms <= l))
                        .max_by_key(|o| o.window_opens_ms)
                };
                let Some(o) = target else { continue };
                if complete {
                    o.completed_at_ms = Some(r.at_ms);
                    o.missing.clear();
                    o.late_by_ms = match (o.due_ms, o.overdue_ms) {
                        (Some(d), Some(od)) if o.kind != CheckpointKind::PreDose && r.at_ms > od => Some(r.at_ms.saturating_sub(d)),
                        _ => None,
                    };
                } else {
                    o.missing = c.record.iter().copied().filter(|k| !r.kinds.contains(k)).collect();
                }
            }
        }
        for o in &mut out {
            o.status = if o.completed_at_ms.is_some() {
                CheckpointStatus::Done
            } else if o.missed_reason.is_some() {
                CheckpointStatus::Missed
            } else if o.kind == CheckpointKind::PreDose {
                match first {
                    Some(f) if now >= f => CheckpointStatus::Overdue,
                    _ => CheckpointStatus::Due,
                }
            } else if first.is_none() {
                CheckpointStatus::Upcoming
            } else {
                match (o.due_ms, o.overdue_ms, o.late_until_ms) {
                    (Some(d), _, _) if now < d => CheckpointStatus::Upcoming,
                    (_, Some(od), _) if now < od => CheckpointStatus::Due,
                    (_, _, Some(l)) if now > l => CheckpointStatus::Missed,
                    _ => CheckpointStatus::Overdue,
                }
            };
        }
        out.sort_by(|a, b| {
            let ka = (a.kind != CheckpointKind::PreDose, a.due_ms.unwrap_or(i64::MIN));
            let kb = (b.kind != CheckpointKind::PreDose, b.due_ms.unwrap_or(i64::MIN));
            ka.cmp(&kb).then_with(|| a.occurrence_id.cmp(&b.occurrence_id))
        });
        out
    }

    /// The check to show next: overdue first, then due, then the soonest upcoming.
    pub fn next_checkpoint(states: &[CheckpointState], now: i64) -> Option<NextCheckpoint> {
        let rank = |s: CheckpointStatus| match s {
            CheckpointStatus::Overdue => 0,
            CheckpointStatus::Due => 1,
            CheckpointStatus::Upcoming => 2,
            CheckpointStatus::Done | CheckpointStatus::Missed => 3,
        };
        states
            .iter()
            .filter(|s| !matches!(s.status, CheckpointStatus::Done | CheckpointStatus::Missed))
            .min_by_key(|s| (rank(s.status), s.due_ms.unwrap_or(i64::MIN)))
            .map(|s| NextCheckpoint {
                occurrence_id: s.occurrence_id.clone(),
                label: s.label.clone(),
                status: s.status,
                due_ms: s.due_ms,
                countdown_ms: s.due_ms.map(|d| d.saturating_sub(now)),
                record: s.record.clone(),
            })
    }

    /// The current phase (timed from the first dose).
    pub fn current_phase(t: &Template, doses: &[i64], now: i64) -> PhaseView {
        let first = sorted(doses).first().copied();
        let Some(first) = first.filter(|f| now >= *f) else {
            return PhaseView {
                name: "pre-dose".into(),
                description: "Before the first dose".into(),
                elapsed_ms: None,
                first_dose_ms: None,
                next_phase: t.phases.first().map(|p| p.name.clone()),
                next_phase_at_ms: first,
            };
        };
        let elapsed = now.saturating_sub(first);
        let idx = t.phases.iter().rposition(|p| i64::from(p.start_min) * MIN <= elapsed);
        let next = t.phases.get(idx.map_or(0, |i| i + 1));
        let cur = idx.and_then(|i| t.phases.get(i));
        PhaseView {
            name: cur.map_or_else(|| "dosed".to_string(), |p| p.name.clone()),
            description: cur.map(|p| p.description.clone()).unwrap_or_default(),
            elapsed_ms: Some(elapsed),
            first_dose_ms: Some(first),
            next_phase: next.map(|p| p.name.clone()),
            next_phase_at_ms: next.map(|p| first.saturating_add(i64::from(p.start_min) * MIN)),
        }
    }

    /// Phase, next checkpoint and all checkpoints at `now`.
    pub fn timer_view(t: &Template, doses: &[i64], now: i64, recordings: &[Recording]) -> TimerView {
        let checkpoints = Self::compute(t, doses, now, recordings);
        let count = |s: CheckpointStatus| checkpoints.iter().filter(|c| c.status == s).count() as u32;
        TimerView {
            phase: Self::current_phase(t, doses, now),
            next: Self::next_checkpoint(&checkpoints, now),
            due_count: count(CheckpointStatus::Due),
            overdue_count: count(CheckpointStatus::Overdue),
            missed_unexplained_count: checkpoints
                .iter()
                .filter(|c| c.status == CheckpointStatus::Missed && c.missed_reason.is_none())
                .count() as u32,
            checkpoints,
        }
    }
}

fn occurrence(c: &crate::template::CheckpointDef, k: u32, m: i32, due: i64, before: i64, grace: i64, late: i64) -> CheckpointState {
    CheckpointState {
        occurrence_id: format!("{}@{}+{}", c.id, k, m),
        checkpoint_id: c.id.clone(),
        label: c.label.clone(),
        kind: c.kind,
        anchor_dose: k,
        offset_min: Some(m),
        due_ms: Some(due),
        window_opens_ms: Some(due.saturating_sub(before)),
        overdue_ms: Some(due.saturating_add(grace)),
        late_until_ms: Some(due.saturating_add(late)),
        record: c.record.clone(),
        status: CheckpointStatus::Upcoming,
        completed_at_ms: None,
        late_by_ms: None,
        missing: Vec::new(),
        missed_reason: None,
        missed_at_ms: None,
    }
}

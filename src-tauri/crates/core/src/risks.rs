//! What is still open in a session, in the therapist's words: shown before ending, written
//! into the record when a session ends with any of it open, and shown again before signing.
//! The app lists; the therapist decides.

use crate::describe::t_plus;
use crate::monitor::FlagView;
use holdspace_monitoring::{CheckpointStatus, ChecklistState, ItemStatus, Stage, TimerView};

/// The last blood pressure reading of a session, and the flag it raised if any.
#[derive(Debug, Clone, PartialEq)]
pub struct LastBp {
    pub seq: i64,
    pub systolic: i32,
    pub diastolic: i32,
    /// From the first dose (None before it).
    pub elapsed_ms: Option<i64>,
}

/// Open risks of a running session, most serious first: flags not acknowledged, a last BP
/// that was flagged, checks overdue, checklist items not done (required ones first).
pub fn open_risks(timer: &TimerView, checklist: &ChecklistState, flags: &[FlagView], last_bp: Option<&LastBp>) -> Vec<String> {
    let mut out = Vec::new();
    for f in flags.iter().filter(|f| f.ack_seq.is_none()) {
        out.push(format!("Flag not acknowledged: {}", f.flag.rule_text));
    }
    if let Some(bp) = last_bp {
        let reading_id = bp.seq.to_string();
        if let Some(f) = flags.iter().find(|f| f.flag.reading_id == reading_id) {
            let when = t_plus(bp.elapsed_ms).map(|t| format!(" at {t}")).unwrap_or_default();
            let acked = if f.ack_seq.is_some() { "acknowledged" } else { "not acknowledged" };
            out.push(format!("The last BP was {}/{}{when}, flagged ({acked}); no BP since", bp.systolic, bp.diastolic));
        }
    }
    for c in timer.checkpoints.iter().filter(|c| matches!(c.status, CheckpointStatus::Overdue | CheckpointStatus::Missed)) {
        let what = c.record.iter().map(|k| k.label()).collect::<Vec<_>>().join(", ");
        // A repeating check is overdue once per time it fell due: say which time.
        let due = match (c.offset_min, c.anchor_dose) {
            (Some(m), 0) => format!(", due at T+{m} min"),
            (Some(m), _) => format!(", due {m} min after the booster"),
            (None, _) => String::new(),
        };
        out.push(match (c.status, c.missed_reason.as_deref()) {
            (CheckpointStatus::Overdue, _) => format!("Check overdue: {}{due} ({what})", c.label),
            (_, Some(reason)) => format!("Check missed: {}{due} ({what}); reason: {reason}", c.label),
            (_, None) => format!("Check missed, no reason given: {}{due} ({what})", c.label),
        });
    }
    out.extend(open_items(checklist, &[Stage::PreDose, Stage::During]));
    out
}

/// What the dose panel lists before the first dose: every flag so far (acknowledged or not,
/// with the action taken) and the pre-dose checklist items still open.
pub fn before_dosing(checklist: &ChecklistState, flags: &[FlagView]) -> Vec<String> {
    let mut out: Vec<String> = flags
        .iter()
        .map(|f| match f.ack_seq {
            None => format!("Flag not acknowledged: {}", f.flag.rule_text),
            Some(_) if f.action_taken.trim().is_empty() => format!("Flag acknowledged: {}", f.flag.rule_text),
            Some(_) => format!("Flag acknowledged: {} · action: {}", f.flag.rule_text, f.action_taken.trim()),
        })
        .collect();
    out.extend(open_items(checklist, &[Stage::PreDose]));
    out
}

/// Checklist items still open in `stages`, required ones first.
pub fn open_items(checklist: &ChecklistState, stages: &[Stage]) -> Vec<String> {
    let open: Vec<(bool, String)> = checklist
        .stages
        .iter()
        .filter(|s| stages.contains(&s.stage))
        .flat_map(|s| s.items.iter().map(move |i| (s.stage, i)))
        .filter(|(_, i)| matches!(i.status, ItemStatus::Open))
        .map(|(stage, i)| {
            let stage = match stage {
                Stage::PreDose => "pre-dose",
                Stage::During => "during the session",
                Stage::Discharge => "discharge",
            };
            let req = if i.item.required { "required " } else { "" };
            (i.item.required, format!("Checklist ({stage}) {req}item open: {}", i.item.label))
        })
        .collect();
    let (mut required, rest): (Vec<_>, Vec<_>) = open.into_iter().partition(|(r, _)| *r);
    required.extend(rest);
    required.into_iter().map(|(_, s)| s).collect()
}

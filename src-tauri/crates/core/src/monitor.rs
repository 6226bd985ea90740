//! The monitoring state of a session, recomputed from its stored entries and the clock:
//! phase, checkpoints (upcoming, due, overdue, done), checklists, flags and the discharge gate.
//! Nothing here is kept between calls, so a restart resumes exactly where the record says.

use crate::entry::{Entry, EntryBody};
use crate::session::Session;
use holdspace_monitoring::{
    compute_checklist_state, discharge_check_with_schedule, ChecklistEvent, ChecklistState, DischargeGate, Flag,
    Reading, Recording, Schedule, Template, TimerView,
};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FlagView {
    /// The entry that recorded the flag.
    pub seq: i64,
    pub flag: Flag,
    /// The acknowledging entry, once there is one.
    pub ack_seq: Option<i64>,
    pub action_taken: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MonitorView {
    pub timer: TimerView,
    pub checklist: ChecklistState,
    pub flags: Vec<FlagView>,
    pub discharge: DischargeGate,
}

/// Dose times (ms), first dose first.
pub fn dose_times(entries: &[Entry]) -> Vec<i64> {
    let mut doses: Vec<i64> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Dose(d) => Some(d.given_at.timestamp_millis()),
            _ => None,
        })
        .collect();
    doses.sort_unstable();
    doses
}

/// Every vitals reading, oldest first; the id is the entry's sequence number.
pub fn readings(entries: &[Entry]) -> Vec<Reading> {
    entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Vitals { reading } => {
                Some(Reading { id: e.seq.to_string(), at_ms: e.at.timestamp_millis(), vitals: reading.clone() })
            }
            _ => None,
        })
        .collect()
}

pub fn checklist_events(entries: &[Entry]) -> Vec<ChecklistEvent> {
    entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Checklist { item_id, action, .. } => Some(ChecklistEvent {
                item_id: item_id.clone(),
                at_ms: e.at.timestamp_millis(),
                author: e.author.clone(),
                action: action.clone(),
            }),
            _ => None,
        })
        .collect()
}

pub fn flags(entries: &[Entry]) -> Vec<FlagView> {
    let mut out: Vec<FlagView> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Flag { flag, .. } => {
                Some(FlagView { seq: e.seq, flag: flag.clone(), ack_seq: None, action_taken: String::new() })
            }
            _ => None,
        })
        .collect();
    for e in entries {
        if let EntryBody::FlagAck { flag_id, action_taken } = &e.body {
            if let Some(f) = out.iter_mut().find(|f| &f.flag.id == flag_id && f.ack_seq.is_none()) {
                f.ack_seq = Some(e.seq);
                f.action_taken = action_taken.clone();
            }
        }
    }
    out
}

pub fn monitor_view(template: &Template, session: &Session, entries: &[Entry], now_ms: i64) -> MonitorView {
    let doses = dose_times(entries);
    let recordings: Vec<Recording> = readings(entries)
        .into_iter()
        .map(|r| Recording { at_ms: r.at_ms, kinds: r.vitals.kinds(), occurrence_id: None })
        .collect();
    let timer = Schedule::timer_view(template, &doses, now_ms, &recordings);
    let checklist = compute_checklist_state(template, &checklist_events(entries));
    let first_dose_ms = session.first_dose_at.map(|t| t.timestamp_millis()).unwrap_or(now_ms);
    let discharge = discharge_check_with_schedule(template, first_dose_ms, now_ms, &checklist, &timer.checkpoints);
    MonitorView { timer, checklist, flags: flags(entries), discharge }
}

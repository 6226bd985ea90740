//! The monitoring state of a session, derived from its stored entries and the clock:
//! phase, checkpoints (upcoming, due, overdue, done), checklists, flags and the discharge gate.
//! [`LiveMonitor`] folds entries in one at a time as they are saved (the live screen is told
//! instead of rereading the timeline) and knows the next instant its state turns by the clock
//! alone; nothing is kept on disk, so a restart folds the record again and resumes exactly.

use crate::entry::{Entry, EntryBody, MusicAction};
use crate::risks::{before_dosing, open_risks, LastBp};
use crate::session::Session;
use holdspace_monitoring::{
    compute_checklist_state_observed, discharge_check_with_schedule, dose_blockers, effect_blockers, effect_states,
    effects_unresolved,
    EffectEvent, EffectState, Stage, READY_ITEM_ID, CheckpointKind, CheckpointStatus, ChecklistEvent,
    ChecklistState, DischargeGate, Flag, MeasurementKind, Observable, Observation, Reading, Recording, Schedule,
    Template, TimerView,
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
    /// What is still open, in words (flags, a flagged last BP, overdue checks, open items):
    /// shown before ending, and kept with the end of the session.
    pub risks: Vec<String>,
    /// Before the first dose: flags so far and open pre-dose items, for the dose panel.
    pub before_dosing: Vec<String>,
    /// Before the first dose: what the protocol's gate holds the dose back for (giving it
    /// anyway takes a reason). Empty once dosed, or for a protocol without a gate.
    pub dose_blockers: Vec<String>,
    /// The effects the protocol asks about, as recorded.
    pub effects: Vec<EffectState>,
    /// When every discharge condition first held, once they all hold: for the clinician to
    /// confirm. None while any is open.
    pub ready_to_leave: Option<ReadyComputed>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReadyComputed {
    /// The first moment every discharge condition held, from the record.
    #[ts(type = "number")]
    pub at_ms: i64,
    #[ts(type = "number")]
    pub minutes_after_first_dose: i64,
    /// The confirmation entry, once the clinician confirmed it.
    #[ts(type = "number | null")]
    pub confirmed_seq: Option<i64>,
}

/// The first moment every discharge condition held: the minimum time from the first dose,
/// the last discharge item done, the last before-discharge check done (or explained), the
/// last effect settled. The "ready to leave at" item states this time rather than being a
/// condition of it, so it is left out. None while any other condition is open.
pub fn ready_at(
    template: &Template,
    first_dose_ms: i64,
    now_ms: i64,
    checklist: &ChecklistState,
    checkpoints: &[holdspace_monitoring::CheckpointState],
    effects: &[EffectState],
) -> Option<i64> {
    let mut conditions = checklist.clone();
    for stage in conditions.stages.iter_mut().filter(|s| s.stage == Stage::Discharge) {
        stage.items.retain(|i| i.item.id != READY_ITEM_ID);
        stage.open_required = stage.items.iter().filter(|i| i.item.required && i.is_open()).map(|i| i.item.label.clone()).collect();
    }
    let gate = discharge_check_with_schedule(template, first_dose_ms, now_ms, &conditions, checkpoints);
    if !gate.allowed || !effect_blockers(effects).is_empty() {
        return None;
    }
    let met = first_dose_ms.saturating_add(i64::from(template.min_observation_min) * MIN);
    let items = conditions.stage(Stage::Discharge).into_iter().flat_map(|s| s.items.iter()).filter(|i| i.item.required).filter_map(|i| i.at_ms);
    let checks = checkpoints
        .iter()
        .filter(|c| c.kind == CheckpointKind::BeforeDischarge)
        .filter_map(|c| c.completed_at_ms.or(c.missed_at_ms));
    let settled = effects.iter().filter_map(EffectState::settled_at_ms);
    Some(items.chain(checks).chain(settled).fold(met, i64::max))
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

/// The effect recordings of `entries`, oldest first, each at the time it happened.
pub fn effect_events(entries: &[Entry]) -> Vec<EffectEvent> {
    entries.iter().filter_map(effect_event).collect()
}

fn effect_event(e: &Entry) -> Option<EffectEvent> {
    match &e.body {
        EntryBody::Effect { effect, status, minutes_ago } => Some(EffectEvent {
            effect: *effect,
            status: *status,
            at_ms: e.at.timestamp_millis().saturating_sub(i64::from(*minutes_ago) * MIN),
        }),
        _ => None,
    }
}

/// What the template's baseline needs: the pre-dose check's measurements, or BP.
fn baseline_needs(template: &Template) -> Vec<MeasurementKind> {
    template
        .checkpoints
        .iter()
        .find(|c| c.kind == CheckpointKind::PreDose)
        .map(|c| c.record.clone())
        .unwrap_or_else(|| vec![MeasurementKind::Bp])
}

/// What an entry shows the app by itself, for checklist items it satisfies: a complete
/// baseline reading before the first dose, a track starting.
pub fn observation(template: &Template, e: &Entry) -> Option<Observation> {
    let what = match &e.body {
        EntryBody::Vitals { reading } if e.elapsed_ms.is_none() => {
            let kinds = reading.kinds();
            baseline_needs(template).iter().all(|k| kinds.contains(k)).then_some(Observable::BaselineVitals)?
        }
        EntryBody::Music { event } if event.action == MusicAction::TrackStarted => Observable::MusicPlaying,
        _ => return None,
    };
    Some(Observation { what, seq: e.seq, at_ms: e.at.timestamp_millis(), text: e.text.clone() })
}

/// Every observation in `entries`, oldest first.
pub fn observations(template: &Template, entries: &[Entry]) -> Vec<Observation> {
    entries.iter().filter_map(|e| observation(template, e)).collect()
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
        if let EntryBody::FlagAck { flag_id, action_taken, .. } = &e.body {
            if let Some(f) = out.iter_mut().find(|f| &f.flag.id == flag_id && f.ack_seq.is_none()) {
                f.ack_seq = Some(e.seq);
                f.action_taken = action_taken.clone();
            }
        }
    }
    out
}

/// Phase, checkpoints, checklists, flags and the discharge gate of `entries` at `now_ms`.
pub fn monitor_view(template: &Template, session: &Session, entries: &[Entry], now_ms: i64) -> MonitorView {
    let mut live = LiveMonitor::new(template.clone(), session);
    for e in entries {
        live.fold(e);
    }
    live.view(now_ms)
}

const MIN: i64 = 60_000;

/// The monitoring facts of one session, folded from its entries in written order. Folding
/// every entry one at a time gives the same view as [`monitor_view`] over all of them.
#[derive(Debug, Clone)]
pub struct LiveMonitor {
    template: Template,
    session_id: i64,
    /// As the session row said when this started (the first dose entry agrees with it).
    session_first_dose_ms: Option<i64>,
    /// Sorted.
    doses: Vec<i64>,
    recordings: Vec<Recording>,
    checklist_events: Vec<ChecklistEvent>,
    flags: Vec<FlagView>,
    /// Acknowledgements not matched to a flag yet, oldest first: (flag id, seq, action taken).
    unmatched_acks: Vec<(String, i64, String)>,
    observations: Vec<Observation>,
    last_bp: Option<LastBp>,
    effect_events: Vec<EffectEvent>,
    /// The last "ready to leave" confirmation: (seq, ready at ms).
    ready_confirmed: Option<(i64, i64)>,
    folded: usize,
}

impl LiveMonitor {
    pub fn new(template: Template, session: &Session) -> LiveMonitor {
        LiveMonitor {
            template,
            session_id: session.id,
            session_first_dose_ms: session.first_dose_at.map(|t| t.timestamp_millis()),
            doses: Vec::new(),
            recordings: Vec::new(),
            checklist_events: Vec::new(),
            flags: Vec::new(),
            unmatched_acks: Vec::new(),
            observations: Vec::new(),
            last_bp: None,
            effect_events: Vec::new(),
            ready_confirmed: None,
            folded: 0,
        }
    }

    pub fn session_id(&self) -> i64 {
        self.session_id
    }

    /// How many entries have been folded in (the next one to fold is at this position).
    pub fn folded(&self) -> usize {
        self.folded
    }

    /// Folds the next entry in written order; true when it can change the view.
    pub fn fold(&mut self, e: &Entry) -> bool {
        self.folded += 1;
        let observed = observation(&self.template, e);
        let seen = observed.is_some();
        self.observations.extend(observed);
        match &e.body {
            EntryBody::Dose(d) => {
                let at = d.given_at.timestamp_millis();
                let pos = self.doses.partition_point(|x| *x <= at);
                self.doses.insert(pos, at);
            }
            EntryBody::Vitals { reading } => {
                if let (Some(systolic), Some(diastolic)) = (reading.systolic, reading.diastolic) {
                    self.last_bp = Some(LastBp { seq: e.seq, systolic, diastolic, elapsed_ms: e.elapsed_ms });
                }
                self.recordings.push(Recording::reading(e.at.timestamp_millis(), reading.kinds()))
            }
            EntryBody::CheckMissed { occurrence_id, reason, .. } => {
                self.recordings.push(Recording::missed(e.at.timestamp_millis(), occurrence_id, reason))
            }
            EntryBody::Checklist { item_id, action, .. } => self.checklist_events.push(ChecklistEvent {
                item_id: item_id.clone(),
                at_ms: e.at.timestamp_millis(),
                author: e.author.clone(),
                action: action.clone(),
            }),
            EntryBody::Flag { flag, .. } => {
                // An acknowledgement goes to the first open flag with its id, whichever came first.
                let ack = self.unmatched_acks.iter().position(|(id, _, _)| id == &flag.id).map(|i| self.unmatched_acks.remove(i));
                self.flags.push(FlagView {
                    seq: e.seq,
                    flag: flag.clone(),
                    ack_seq: ack.as_ref().map(|a| a.1),
                    action_taken: ack.map(|a| a.2).unwrap_or_default(),
                });
            }
            EntryBody::Effect { .. } => self.effect_events.extend(effect_event(e)),
            EntryBody::ReadyConfirmed { ready_at, .. } => self.ready_confirmed = Some((e.seq, ready_at.timestamp_millis())),
            EntryBody::FlagAck { flag_id, action_taken, .. } => {
                match self.flags.iter_mut().find(|f| &f.flag.id == flag_id && f.ack_seq.is_none()) {
                    Some(f) => {
                        f.ack_seq = Some(e.seq);
                        f.action_taken = action_taken.clone();
                    }
                    None => self.unmatched_acks.push((flag_id.clone(), e.seq, action_taken.clone())),
                }
            }
            _ => return seen,
        }
        true
    }

    fn first_dose_ms(&self) -> Option<i64> {
        self.session_first_dose_ms.or_else(|| self.doses.first().copied())
    }

    /// The state at `now_ms`, from the folded facts (no store access).
    pub fn view(&self, now_ms: i64) -> MonitorView {
        let t = &self.template;
        let timer = Schedule::timer_view(t, &self.doses, now_ms, &self.recordings);
        let checklist = compute_checklist_state_observed(t, &self.checklist_events, &self.observations);
        let first_dose_ms = self.first_dose_ms().unwrap_or(now_ms);
        let mut discharge = discharge_check_with_schedule(t, first_dose_ms, now_ms, &checklist, &timer.checkpoints);
        let effects = effect_states(t, &self.effect_events);
        discharge.blockers.extend(effect_blockers(&effects));
        discharge.allowed = discharge.blockers.is_empty();
        let mut risks = open_risks(&timer, &checklist, &self.flags, self.last_bp.as_ref());
        risks.extend(effects_unresolved(&effects));
        let dosed = !self.doses.is_empty();
        let before_dosing = if dosed { Vec::new() } else { before_dosing(&checklist, &self.flags) };
        let dose_blockers = if dosed { Vec::new() } else { dose_blockers(&checklist) };
        let ready_to_leave = match self.first_dose_ms() {
            Some(first) => ready_at(t, first, now_ms, &checklist, &timer.checkpoints, &effects).map(|at_ms| ReadyComputed {
                at_ms,
                minutes_after_first_dose: at_ms.saturating_sub(first).div_euclid(MIN),
                confirmed_seq: self.ready_confirmed.filter(|(_, at)| *at == at_ms).map(|(seq, _)| seq),
            }),
            None => None,
        };
        MonitorView { timer, checklist, flags: self.flags.clone(), discharge, risks, before_dosing, dose_blockers, effects, ready_to_leave }
    }

    /// The first instant after `now_ms` at which the view changes by the clock alone (a check
    /// falls due or overdue, a phase starts, another minute of observation is counted); None
    /// when only a new entry can change it (before dosing, or with nothing left to come).
    /// Countdowns shown to the second are drawn by the window from `due_ms`.
    pub fn next_change(&self, now_ms: i64) -> Option<i64> {
        let first = self.doses.first().copied()?;
        let mut soonest: Option<i64> = None;
        let mut consider = |at: i64| {
            if at > now_ms {
                soonest = Some(soonest.map_or(at, |s: i64| s.min(at)));
            }
        };
        consider(first);
        let timer = Schedule::timer_view(&self.template, &self.doses, now_ms, &self.recordings);
        for c in timer.checkpoints.iter().filter(|c| !matches!(c.status, CheckpointStatus::Done | CheckpointStatus::Missed)) {
            // Missed one millisecond after its allowance ends.
            c.due_ms.into_iter().chain(c.overdue_ms).chain(c.late_until_ms.map(|l| l.saturating_add(1))).for_each(&mut consider);
        }
        if let Some(at) = timer.phase.next_phase_at_ms {
            consider(at);
        }
        // The discharge gate says how many minutes were observed until the minimum is met.
        let gate_from = self.first_dose_ms().unwrap_or(first);
        let met_at = gate_from.saturating_add(i64::from(self.template.min_observation_min) * MIN);
        if now_ms < met_at {
            let minutes = now_ms.saturating_sub(gate_from).div_euclid(MIN);
            consider(gate_from.saturating_add(minutes.saturating_add(1).saturating_mul(MIN)).min(met_at));
        }
        soonest
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, FakeClock};
    use crate::entry::DoseInput;
    use crate::session::{NewSession, Route};
    use crate::store::Store;
    use chrono::Duration;
    use holdspace_monitoring::{builtin_templates, ChecklistAction, Vitals};
    use std::sync::Arc;

    fn template(id: &str) -> Template {
        builtin_templates().0.into_iter().find(|t| t.id == id).unwrap()
    }

    fn vitals(s: Option<i32>, d: Option<i32>, spo2: Option<i32>) -> Vitals {
        Vitals { systolic: s, diastolic: d, spo2, heart_rate: Some(80), ..Vitals::default() }
    }

    fn dose(minutes_ago: Option<u32>) -> DoseInput {
        DoseInput {
            substance: "esketamine".into(),
            amount: 56.0,
            unit: "mg".into(),
            route: Route::Intranasal,
            lot: "L1".into(),
            minutes_ago,
            devices: None,
            override_reason: None,
        }
    }

    /// The computation as it was before folding: every list rebuilt from all the entries.
    fn reference(t: &Template, session: &Session, entries: &[Entry], now_ms: i64) -> MonitorView {
        let mut recordings: Vec<Recording> = readings(entries)
            .into_iter()
            .map(|r| Recording::reading(r.at_ms, r.vitals.kinds()))
            .collect();
        recordings.extend(entries.iter().filter_map(|e| match &e.body {
            EntryBody::CheckMissed { occurrence_id, reason, .. } => {
                Some(Recording::missed(e.at.timestamp_millis(), occurrence_id, reason))
            }
            _ => None,
        }));
        let timer = Schedule::timer_view(t, &dose_times(entries), now_ms, &recordings);
        let checklist = compute_checklist_state_observed(t, &checklist_events(entries), &observations(t, entries));
        let first = session.first_dose_at.map(|t| t.timestamp_millis()).unwrap_or(now_ms);
        let mut discharge = discharge_check_with_schedule(t, first, now_ms, &checklist, &timer.checkpoints);
        let effects = effect_states(t, &effect_events(entries));
        discharge.blockers.extend(effect_blockers(&effects));
        discharge.allowed = discharge.blockers.is_empty();
        let last_bp = entries.iter().rev().find_map(|e| match &e.body {
            EntryBody::Vitals { reading } => Some(LastBp {
                seq: e.seq,
                systolic: reading.systolic?,
                diastolic: reading.diastolic?,
                elapsed_ms: e.elapsed_ms,
            }),
            _ => None,
        });
        let flags = flags(entries);
        let mut risks = open_risks(&timer, &checklist, &flags, last_bp.as_ref());
        risks.extend(effects_unresolved(&effects));
        let dosed = !dose_times(entries).is_empty();
        let before_dosing = if dosed { Vec::new() } else { before_dosing(&checklist, &flags) };
        let dose_blockers = if dosed { Vec::new() } else { dose_blockers(&checklist) };
        let ready_to_leave = session.first_dose_at.map(|f| f.timestamp_millis()).and_then(|f| {
            ready_at(t, f, now_ms, &checklist, &timer.checkpoints, &effects).map(|at_ms| ReadyComputed {
                at_ms,
                minutes_after_first_dose: (at_ms - f).div_euclid(MIN),
                confirmed_seq: entries.iter().rev().find_map(|e| match &e.body {
                    EntryBody::ReadyConfirmed { ready_at, .. } => Some((e.seq, ready_at.timestamp_millis())),
                    _ => None,
                }).filter(|(_, at)| *at == at_ms).map(|(seq, _)| seq),
            })
        });
        MonitorView { timer, checklist, flags, discharge, risks, before_dosing, dose_blockers, effects, ready_to_leave }
    }

    /// The session as the store held it once these entries were written.
    fn session_after(session: &Session, entries: &[Entry]) -> Session {
        let first = entries.iter().find_map(|e| match &e.body {
            EntryBody::Dose(d) => Some(d.given_at),
            _ => None,
        });
        Session { first_dose_at: first, ..session.clone() }
    }

    /// A session with flags and their acknowledgements, checklist ticks, a dose, a booster,
    /// notes and tags, written through the store on a fake clock.
    fn story() -> (Template, Session, Vec<Entry>, Arc<FakeClock>) {
        let clock = Arc::new(FakeClock::at_nine());
        let t = template("esketamine-rems");
        let store = Store::open_in_memory(clock.clone()).unwrap();
        let (s, _) = store
            .start_session(NewSession {
                client_code: "E-1".into(),
                therapist: "Dr Rowe".into(),
                route: Route::Intranasal,
                protocol: t.id.clone(),
                intention: String::new(),
            })
            .unwrap();
        let flagged = store.record_vitals(s.id, &t, vitals(Some(150), Some(95), Some(98))).unwrap();
        let item = holdspace_monitoring::checklist_items(&t, holdspace_monitoring::Stage::PreDose)
        .into_iter()
        .find(|i| i.input == holdspace_monitoring::InputKind::Tick)
        .unwrap()
        .id;
        store.record_checklist(s.id, &t, &item, ChecklistAction::Tick).unwrap();
        store.add_note(s.id, "settling in").unwrap();
        for e in &flagged {
            if let EntryBody::Flag { flag, .. } = &e.body {
                store.ack_flag(s.id, &flag.id, "rested 5 min").unwrap();
            }
        }
        clock.advance(Duration::minutes(3));
        store.record_dose(s.id, dose(Some(2))).unwrap();
        let dosed = clock.now();
        for (minutes, v) in [(15, vitals(None, None, Some(97))), (26, vitals(Some(185), Some(100), Some(96))), (41, vitals(Some(138), Some(84), Some(88)))] {
            clock.set(dosed + Duration::minutes(minutes));
            store.record_vitals(s.id, &t, v).unwrap();
        }
        store.add_note(s.id, "eyes closed, calm").unwrap();
        // The sedation and dissociation ratings at T+40 were not taken.
        store.mark_check_missed(s.id, &t, "sedation-dissociation@0+40", "client asleep; not woken").unwrap();
        store.record_dose(s.id, dose(None)).unwrap();
        clock.advance(Duration::minutes(20));
        store.record_vitals(s.id, &t, vitals(Some(130), Some(80), Some(97))).unwrap();
        let entries = store.entries(s.id).unwrap();
        (t, store.session(s.id).unwrap(), entries, clock)
    }

    #[test]
    fn folding_entries_one_at_a_time_gives_the_view_of_all_of_them() {
        let (t, session, entries, clock) = story();
        let start = Session { first_dose_at: None, ..session.clone() };
        let mut live = LiveMonitor::new(t.clone(), &start);
        let now = clock.now().timestamp_millis();
        let mut changed = 0;
        for k in 0..=entries.len() {
            let prefix = &entries[..k];
            let at = session_after(&session, prefix);
            for now in [now - 50 * MIN, now, now + 17 * MIN, now + 181 * MIN] {
                assert_eq!(live.view(now), reference(&t, &at, prefix, now), "after {k} entries, at {now}");
            }
            // A restart folds the record again from a session that already has its dose.
            let mut again = LiveMonitor::new(t.clone(), &at);
            prefix.iter().for_each(|e| {
                again.fold(e);
            });
            assert_eq!(again.view(now), live.view(now), "after {k} entries, folded from a restart");
            if let Some(e) = entries.get(k) {
                changed += usize::from(live.fold(e));
            }
        }
        assert_eq!(live.folded(), entries.len());
        assert!(changed < entries.len(), "notes and session events do not change the view");
        assert!(live.view(now).flags.iter().any(|f| f.ack_seq.is_some()), "{:?}", live.view(now).flags);
        assert!(live.view(now).flags.iter().any(|f| f.ack_seq.is_none()), "{:?}", live.view(now).flags);
        let missed = live.view(now).timer.checkpoints.into_iter().find(|c| c.occurrence_id == "sedation-dissociation@0+40").unwrap();
        assert_eq!((missed.status, missed.missed_reason.as_deref()), (CheckpointStatus::Missed, Some("client asleep; not woken")));
    }

    #[test]
    fn an_acknowledgement_folded_before_its_flag_still_reaches_it() {
        let (t, session, entries, clock) = story();
        let mut shuffled = entries.clone();
        let flag = shuffled.iter().position(|e| matches!(e.body, EntryBody::Flag { .. })).unwrap();
        let ack = shuffled.iter().position(|e| matches!(e.body, EntryBody::FlagAck { .. })).unwrap();
        let moved = shuffled.remove(ack);
        shuffled.insert(flag, moved);
        let mut live = LiveMonitor::new(t.clone(), &session);
        shuffled.iter().for_each(|e| {
            live.fold(e);
        });
        let now = clock.now().timestamp_millis();
        assert_eq!(live.view(now), reference(&t, &session, &shuffled, now));
    }

    /// What the room sees change, without the counters the window draws to the second.
    fn seen(v: &MonitorView) -> String {
        let checks: Vec<String> = v.timer.checkpoints.iter().map(|c| format!("{}={:?}", c.occurrence_id, c.status)).collect();
        format!(
            "{} | {:?} | {} {} | {:?} | {} {:?} {}",
            v.timer.phase.name,
            v.timer.next.as_ref().map(|n| (&n.occurrence_id, n.status)),
            v.timer.due_count,
            v.timer.overdue_count,
            checks,
            v.discharge.allowed,
            v.discharge.blockers,
            v.discharge.minutes_remaining
        )
    }

    #[test]
    fn the_next_change_is_the_exact_instant_the_view_turns() {
        let clock = Arc::new(FakeClock::at_nine());
        let t = template("esketamine-rems");
        let store = Store::open_in_memory(clock.clone()).unwrap();
        let (s, _) = store
            .start_session(NewSession {
                client_code: "E-2".into(),
                therapist: "Dr Rowe".into(),
                route: Route::Intranasal,
                protocol: t.id.clone(),
                intention: String::new(),
            })
            .unwrap();
        let mut live = LiveMonitor::new(t.clone(), &store.session(s.id).unwrap());
        let fold_new = |live: &mut LiveMonitor| {
            for e in &store.entries(s.id).unwrap()[live.folded()..] {
                live.fold(e);
            }
        };
        fold_new(&mut live);
        // Before the dose only an entry changes what is shown.
        assert_eq!(live.next_change(clock.now().timestamp_millis()), None);

        store.record_dose(s.id, dose(None)).unwrap();
        fold_new(&mut live);
        let dosed = clock.now().timestamp_millis();
        // The observation minutes count on the minute; the pulse oximetry check falls due at T+15.
        assert_eq!(live.next_change(dosed), Some(dosed + MIN));
        assert_eq!(live.next_change(dosed + 14 * MIN + 1), Some(dosed + 15 * MIN));

        let mut now = dosed;
        let mut turns = 0;
        while let Some(next) = live.next_change(now) {
            assert!(next > now, "{next} after {now}");
            assert_eq!(seen(&live.view(next - 1)), seen(&live.view(now)), "nothing turns before {next}");
            assert_ne!(seen(&live.view(next)), seen(&live.view(next - 1)), "the view turns at {next}");
            // A reading saved on the way completes a check and moves the next instant.
            if next >= dosed + 15 * MIN && turns % 20 == 0 {
                clock.set(chrono::DateTime::from_timestamp_millis(next).unwrap());
                store.record_vitals(s.id, &t, vitals(Some(120), Some(80), Some(97))).unwrap();
                fold_new(&mut live);
            }
            now = next;
            turns += 1;
            assert!(turns < 1_000, "the schedule ends");
        }
        assert!(now >= dosed + i64::from(t.min_observation_min) * MIN, "minutes count until the minimum is met");
        assert_eq!(seen(&live.view(now + 24 * 60 * MIN)), seen(&live.view(now)), "nothing turns after the last change");
    }
}

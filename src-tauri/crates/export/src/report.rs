//! The review report of one session: the record as stored plus a summary computed from it,
//! including the terms of the esketamine REMS patient monitoring form. Every export is made
//! from this one structure, so the PDF, CSV, JSON and the review screen always agree.

use holdspace_core::describe::{describe, dose_text, t_plus};
use crate::error::Result;
use chrono::{DateTime, Utc};
use holdspace_core::store::IntegrationNote;
use holdspace_core::{Entry, EntryBody, MusicAction, Route, Session, SessionState, Store};
use holdspace_monitoring::{
    checklist_items, compute_checklist_state_observed, moaas_wording, ChecklistAction, ChecklistEvent, CheckpointKind,
    CheckpointStatus, Crossing, FlagRule, InputKind, ItemStatus, MeasurementKind, Stage, Template, Vitals,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// BP "about 40 minutes after dosing": the reading closest to T+40 within T+30..T+50.
pub const BP_40_TARGET_MIN: i64 = 40;
pub const BP_40_WINDOW_MIN: (i64, i64) = (30, 50);
/// The checklist item the built-in discharge list uses for "ready to leave at (minutes)".
pub const READY_ITEM_ID: &str = "discharge.ready_minutes";

/// Everything the review screen and the exports show about one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SessionReport {
    pub session: Session,
    /// The template the summary was computed with (minimum observation, checklists,
    /// thresholds); `None` when it was not available.
    pub template_id: Option<String>,
    pub summary: ReportSummary,
    pub rems: RemsTerms,
    /// Every entry in the order written, with its T+ time and readable text.
    pub timeline: Vec<TimelineItem>,
    /// Integration notes: the therapist's later work, kept apart from the monitoring record.
    pub integration_notes: Vec<IntegrationNote>,
    /// The clinic's profile at export time (setting, prescribers and clinicians); empty when
    /// none was saved.
    #[serde(default)]
    pub clinic: holdspace_core::clinic::ClinicProfile,
    /// The diagnosis and procedure codes the clinic recorded, and what does not agree with
    /// the dose (for the reviewer; never advice).
    #[serde(default)]
    pub billing: holdspace_core::billing::BillingCodes,
    #[serde(default)]
    pub billing_problems: Vec<String>,
    /// Where the esketamine REMS form's filing stands (`None` before it is read from a store).
    #[serde(default)]
    pub rems_filing: Option<holdspace_core::rems::FilingState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TimelineItem {
    pub entry: Entry,
    /// `T+hh:mm:ss` from the first dose; `None` before the first dose.
    pub t_plus: Option<String>,
    /// Human-readable description (the same text as the CSV `text` column).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReportSummary {
    pub client_code: String,
    pub therapist: String,
    /// The protocol template's id.
    pub protocol: String,
    /// Its name, as the clinic wrote it (the id when the template is not known).
    pub protocol_name: String,
    pub route: Route,
    pub intention: String,
    pub state: SessionState,
    pub started_at: DateTime<Utc>,
    pub first_dose_at: Option<DateTime<Utc>>,
    /// When the session ended (discharge).
    pub ended_at: Option<DateTime<Utc>>,
    pub doses: Vec<DoseLine>,
    /// Total per unit, e.g. "75 mg".
    pub total_dose: Vec<String>,
    /// Whole minutes from the first dose to the session-ended entry.
    pub monitoring_minutes: Option<i64>,
    pub min_observation_min: Option<i64>,
    /// Whether the monitoring minutes reach the template's minimum; `None` without a
    /// template, a dose or an end.
    pub min_observation_met: Option<bool>,
    pub ready_to_leave: ReadyToLeave,
    pub vitals: Vec<VitalRange>,
    pub flags: Vec<FlagLine>,
    pub adverse_events: Vec<TagLine>,
    /// Every quick tag, adverse or not.
    pub tags: Vec<TagLine>,
    pub discharge: DischargeOutcome,
    pub amendments: Vec<AmendmentLine>,
    pub addenda: Vec<AddendumLine>,
    pub signature: Option<Signature>,
    pub music: Vec<PlayedTrack>,
    /// What is still open on the record (unacknowledged flags, checklist items not done,
    /// music the record cannot vouch for), shown before signing.
    pub open_items: Vec<String>,
    /// The pre-dose checklist in one line's worth (None without the template).
    pub pre_dose_checklist: Option<StageSummary>,
    /// Every scheduled check that fell due before the end: on time, late or missed (empty
    /// without a template or a dose).
    pub checks: Vec<CheckLine>,
}

/// How far a checklist stage got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageSummary {
    /// Items done, observed or marked not applicable.
    pub done: u32,
    pub total: u32,
    pub not_applicable: u32,
    /// Labels of the items still open, required ones marked.
    pub open: Vec<String>,
}

fn stage_summary(entries: &[Entry], template: Option<&Template>, stage: Stage) -> Option<StageSummary> {
    let t = template?;
    let state = compute_checklist_state_observed(t, &holdspace_core::monitor::checklist_events(entries), &holdspace_core::monitor::observations(t, entries));
    let s = state.stage(stage)?;
    let total = s.items.len() as u32;
    let open: Vec<String> = s
        .items
        .iter()
        .filter(|i| i.is_open())
        .map(|i| if i.item.required { format!("{} (required)", i.item.label) } else { i.item.label.clone() })
        .collect();
    let not_applicable = s.items.iter().filter(|i| matches!(i.status, ItemStatus::NotApplicable { .. })).count() as u32;
    Some(StageSummary { done: total - open.len() as u32, total, not_applicable, open })
}

/// How a scheduled check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    /// Satisfied before it fell overdue.
    OnTime,
    /// Satisfied after it fell overdue, within the protocol's lateness allowance.
    Late,
    /// Never satisfied: marked missed with a reason, or left open until its allowance passed
    /// or the session ended.
    Missed,
}

/// One scheduled check and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CheckLine {
    pub occurrence_id: String,
    pub label: String,
    /// What it asked to be recorded.
    pub record: Vec<MeasurementKind>,
    /// When it was due; `None` for the check before dosing.
    pub due_t_plus: Option<String>,
    pub outcome: CheckOutcome,
    pub satisfied_at: Option<DateTime<Utc>>,
    pub satisfied_t_plus: Option<String>,
    /// Whole minutes after its time, when it was satisfied late.
    pub late_by_min: Option<i64>,
    /// The clinician's reason, when it was marked missed.
    pub missed_reason: Option<String>,
    /// For a missed check: what the last reading toward it lacked.
    pub missing: Vec<MeasurementKind>,
    /// One line in the clinician's words (the PDF and the review show it).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DoseLine {
    pub seq: i64,
    pub given_at: DateTime<Utc>,
    pub t_plus: Option<String>,
    pub substance: String,
    pub amount: f64,
    pub unit: String,
    pub route: Route,
    pub lot: String,
    pub booster: bool,
    /// "ketamine 50 mg intramuscular, lot K2231"
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReadySource {
    /// The discharge checklist's "ready to leave at (minutes)" item.
    Checklist,
    /// No such item: the session end.
    SessionEnd,
    /// Neither is recorded.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ReadyToLeave {
    pub at: Option<DateTime<Utc>>,
    /// Minutes after the first dose.
    pub minutes_after_first_dose: Option<i64>,
    pub source: ReadySource,
}

/// Lowest and highest value of one vitals field over the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct VitalRange {
    /// `systolic`, `diastolic`, `heart_rate`, `spo2`, `respiratory_rate`, `temperature_c`,
    /// `moaas`, `dissociation`, `nausea`, `distress`.
    pub field: String,
    pub label: String,
    pub unit: String,
    pub min: f64,
    pub max: f64,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FlagLine {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub t_plus: Option<String>,
    pub flag_id: String,
    /// Every threshold the reading crossed (one flag per reading).
    pub crossings: Vec<Crossing>,
    pub rule_text: String,
    pub source: String,
    pub acknowledged: bool,
    pub ack_seq: Option<i64>,
    pub ack_at: Option<DateTime<Utc>>,
    pub ack_by: Option<String>,
    pub action_taken: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TagLine {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub t_plus: Option<String>,
    pub tag_id: String,
    pub label: String,
    pub adverse_event: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DischargeItem {
    pub item_id: String,
    pub label: String,
    pub required: bool,
    /// "open", "ticked", "not applicable (reason)", or the value entered.
    pub status: String,
    pub done: bool,
    pub at: Option<DateTime<Utc>>,
    pub author: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DischargeOutcome {
    pub items: Vec<DischargeItem>,
    /// Labels of required items left open.
    pub open_required: Vec<String>,
    /// Every required item done (`None` without a template to know which are required).
    pub complete: Option<bool>,
    /// The clinician's override of open reminders, if the session ended through one.
    pub override_reason: Option<String>,
    pub override_blockers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AmendmentLine {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub reason: String,
    pub correction: String,
    pub amends_seq: i64,
    /// The amended entry's kind and text, as originally written (it stays unchanged).
    pub amended_kind: Option<String>,
    pub amended_text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AddendumLine {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Signature {
    pub signed_by: String,
    pub signed_at: DateTime<Utc>,
    pub statement: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlayedTrack {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub t_plus: Option<String>,
    pub title: String,
    pub artist: String,
    pub phase: String,
    pub path: String,
    /// Seconds until the next music event that stopped or replaced it, or the session end.
    pub played_seconds: Option<i64>,
    /// How it stopped: "skipped", "faded to silence", "next track", "session ended"...
    pub ended_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BpReading {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub t_plus: Option<String>,
    pub systolic: i64,
    pub diastolic: i64,
}

/// The esketamine REMS patient monitoring form's terms, computed from the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RemsTerms {
    /// Dose(s) and lot number(s), e.g. "ketamine 50 mg intramuscular, lot K2231".
    pub doses: Vec<String>,
    /// The last BP before the first dose.
    pub bp_before_dosing: Option<BpReading>,
    /// The BP closest to T+40 within T+30..T+50.
    pub bp_about_40_min: Option<BpReading>,
    /// The last BP after dosing and before the end.
    pub bp_before_completion: Option<BpReading>,
    /// Vitals in range before dosing: a BP was taken and no pre-dose flag was raised.
    pub vitals_acceptable_before_dosing: Option<bool>,
    /// Vitals in range before completion: the last readings raised no flag.
    pub vitals_acceptable_before_completion: Option<bool>,
    /// Worst (lowest) MOAA/S after dosing, and its wording.
    pub sedation_worst_moaas: Option<i64>,
    pub sedation_wording: Option<String>,
    /// Highest dissociation rating (0-4).
    pub dissociation_max: Option<i64>,
    pub spo2_min: Option<i64>,
    pub respiratory_rate_min: Option<i64>,
    pub respiratory_rate_max: Option<i64>,
    /// Any SpO2 or respiratory-rate flag raised.
    pub respiratory_flags: i64,
    pub total_monitoring_minutes: Option<i64>,
    pub minutes_until_ready_to_leave: Option<i64>,
    /// Labels of the adverse-event tags recorded.
    pub adverse_events: Vec<String>,
}

fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_minutes()
}

fn elapsed_from(first: Option<DateTime<Utc>>, at: DateTime<Utc>) -> Option<i64> {
    first.map(|f| (at - f).num_milliseconds())
}

impl SessionReport {
    /// Reads the session, its entries and integration notes from the store and computes the
    /// summary. `template` should be the session's protocol template; without it the parts
    /// that need one (minimum observation, which checklist items are required) are `None`.
    pub fn build(store: &Store, template: Option<&Template>, session_id: i64) -> Result<SessionReport> {
        let session = store.session(session_id)?;
        let entries = store.entries(session_id)?;
        let integration_notes = store.integration_notes(session_id)?;
        let mut report = SessionReport::from_parts(session, entries, integration_notes, template);
        report.clinic = store.clinic_profile()?;
        report.billing = store.billing_codes(session_id)?;
        report.billing_problems = report.billing.problems(store.esketamine_mg(session_id)?);
        // What a payer or reviewer would also find missing, listed before signing.
        let billing: Vec<String> = report.billing_problems.iter().map(|p| format!("Billing: {p}")).collect();
        report.summary.open_items.extend(billing);
        report.rems_filing = Some(store.rems_state(session_id, holdspace_core::rems::local_date(store.clock().now()))?);
        if holdspace_core::rems::required(&report.session) && store.rems_filings(session_id)?.is_empty() {
            let due = holdspace_core::rems::due_on(&report.session);
            report.summary.open_items.push(format!("REMS monitoring form not recorded as submitted (due {due})"));
        }
        Ok(report)
    }

    /// The same from data already read.
    pub fn from_parts(
        session: Session,
        entries: Vec<Entry>,
        integration_notes: Vec<IntegrationNote>,
        template: Option<&Template>,
    ) -> SessionReport {
        let summary = summarise(&session, &entries, template);
        let rems = rems_terms(&session, &entries, &summary);
        let timeline = entries
            .into_iter()
            .map(|entry| TimelineItem { t_plus: t_plus(entry.elapsed_ms), text: describe(&entry), entry })
            .collect();
        let (clinic, billing, billing_problems, rems_filing) = Default::default();
        SessionReport { session, template_id: template.map(|t| t.id.clone()), summary, rems, timeline, integration_notes, clinic, billing, billing_problems, rems_filing }
    }

    /// The stored entries, in order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.timeline.iter().map(|t| &t.entry)
    }
}

struct VitalField {
    field: &'static str,
    label: &'static str,
    unit: &'static str,
    get: fn(&Vitals) -> Option<f64>,
}

const VITAL_FIELDS: [VitalField; 10] = [
    VitalField { field: "systolic", label: "Systolic BP", unit: "mmHg", get: |v| v.systolic.map(f64::from) },
    VitalField { field: "diastolic", label: "Diastolic BP", unit: "mmHg", get: |v| v.diastolic.map(f64::from) },
    VitalField { field: "heart_rate", label: "Heart rate", unit: "/min", get: |v| v.heart_rate.map(f64::from) },
    VitalField { field: "spo2", label: "SpO2", unit: "%", get: |v| v.spo2.map(f64::from) },
    VitalField {
        field: "respiratory_rate",
        label: "Respiratory rate",
        unit: "/min",
        get: |v| v.respiratory_rate.map(f64::from),
    },
    VitalField { field: "temperature_c", label: "Temperature", unit: "°C", get: |v| v.temperature_c },
    VitalField { field: "moaas", label: "MOAA/S (sedation)", unit: "0-5", get: |v| v.moaas.map(f64::from) },
    VitalField {
        field: "dissociation",
        label: "Dissociation",
        unit: "0-4",
        get: |v| v.dissociation.map(f64::from),
    },
    VitalField { field: "nausea", label: "Nausea", unit: "0-10", get: |v| v.nausea.map(f64::from) },
    VitalField { field: "distress", label: "Distress", unit: "0-10", get: |v| v.distress.map(f64::from) },
];

fn vital_ranges(entries: &[Entry]) -> Vec<VitalRange> {
    VITAL_FIELDS
        .iter()
        .filter_map(|f| {
            let values: Vec<f64> = entries
                .iter()
                .filter_map(|e| match &e.body {
                    EntryBody::Vitals { reading } => (f.get)(reading),
                    _ => None,
                })
                .collect();
            if values.is_empty() {
                return None;
            }
            Some(VitalRange {
                field: f.field.into(),
                label: f.label.into(),
                unit: f.unit.into(),
                min: values.iter().copied().fold(f64::INFINITY, f64::min),
                max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                count: values.len() as i64,
            })
        })
        .collect()
}

fn flag_lines(entries: &[Entry]) -> Vec<FlagLine> {
    let mut out: Vec<FlagLine> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Flag { flag, .. } => Some(FlagLine {
                seq: e.seq,
                at: e.at,
                t_plus: t_plus(e.elapsed_ms),
                flag_id: flag.id.clone(),
                crossings: flag.crossings.clone(),
                rule_text: flag.rule_text.clone(),
                source: flag.source.clone(),
                acknowledged: false,
                ack_seq: None,
                ack_at: None,
                ack_by: None,
                action_taken: String::new(),
            }),
            _ => None,
        })
        .collect();
    for e in entries {
        if let EntryBody::FlagAck { flag_id, action_taken, .. } = &e.body {
            if let Some(f) = out.iter_mut().find(|f| &f.flag_id == flag_id && !f.acknowledged) {
                f.acknowledged = true;
                f.ack_seq = Some(e.seq);
                f.ack_at = Some(e.at);
                f.ack_by = Some(e.author.clone());
                f.action_taken = action_taken.clone();
            }
        }
    }
    out
}

fn discharge_outcome(entries: &[Entry], template: Option<&Template>) -> DischargeOutcome {
    let mut override_reason = None;
    let mut override_blockers = Vec::new();
    for e in entries {
        if let EntryBody::DischargeOverride { blockers, reason } = &e.body {
            override_reason = Some(reason.clone());
            override_blockers = blockers.clone();
        }
    }
    let status_text = |s: &ItemStatus| match s {
        ItemStatus::Open => "open".to_string(),
        ItemStatus::Ticked => "ticked".to_string(),
        ItemStatus::Observed { seq, .. } => format!("recorded by the app (entry #{seq})"),
        ItemStatus::NotApplicable { reason } => format!("not applicable ({reason})"),
        ItemStatus::Text { value } => value.clone(),
        ItemStatus::Number { value } => holdspace_core::describe::num(*value),
    };
    if let Some(t) = template {
        let events: Vec<ChecklistEvent> = holdspace_core::monitor::checklist_events(entries);
        let state = compute_checklist_state_observed(t, &events, &holdspace_core::monitor::observations(t, entries));
        if let Some(stage) = state.stage(Stage::Discharge) {
            let items = stage
                .items
                .iter()
                .map(|i| DischargeItem {
                    item_id: i.item.id.clone(),
                    label: i.item.label.clone(),
                    required: i.item.required,
                    status: status_text(&i.status),
                    done: !i.is_open(),
                    at: i.at_ms.and_then(DateTime::from_timestamp_millis),
                    author: i.author.clone(),
                })
                .collect();
            return DischargeOutcome {
                items,
                open_required: stage.open_required.clone(),
                complete: Some(stage.complete),
                override_reason,
                override_blockers,
            };
        }
    }
    // Without a template: the last action on every discharge item recorded.
    let mut items: Vec<DischargeItem> = Vec::new();
    for e in entries {
        if let EntryBody::Checklist { item_id, label, action } = &e.body {
            if !item_id.starts_with("discharge") {
                continue;
            }
            let (status, done) = match action {
                ChecklistAction::Clear => ("open".to_string(), false),
                a => (holdspace_core::describe::checklist_action_text(a), true),
            };
            let item = DischargeItem {
                item_id: item_id.clone(),
                label: label.clone(),
                required: false,
                status,
                done,
                at: done.then_some(e.at),
                author: done.then(|| e.author.clone()),
            };
            match items.iter_mut().find(|i| &i.item_id == item_id) {
                Some(existing) => *existing = item,
                None => items.push(item),
            }
        }
    }
    DischargeOutcome { items, open_required: Vec::new(), complete: None, override_reason, override_blockers }
}

/// The "ready to leave at (minutes after the first dose)" value: the number item of the
/// template's discharge list (or the built-in item id when there is no template).
fn ready_minutes_recorded(entries: &[Entry], template: Option<&Template>) -> Option<f64> {
    let number_items: Vec<String> = match template {
        Some(t) => checklist_items(t, Stage::Discharge)
            .into_iter()
            .filter(|i| i.input == InputKind::Number)
            .map(|i| i.id)
            .collect(),
        None => vec![READY_ITEM_ID.to_string()],
    };
    let mut value = None;
    for e in entries {
        if let EntryBody::Checklist { item_id, action, .. } = &e.body {
            if number_items.contains(item_id) {
                match action {
                    ChecklistAction::Number { value: v } => value = Some(*v),
                    ChecklistAction::Clear | ChecklistAction::NotApplicable { .. } => value = None,
                    _ => {}
                }
            }
        }
    }
    value
}

/// The protocol's name: the template's, else the one the session started with, else its id.
fn protocol_name(session: &Session, entries: &[Entry], template: Option<&Template>) -> String {
    if let Some(t) = template {
        return t.name.clone();
    }
    entries
        .iter()
        .find_map(|e| match &e.body {
            EntryBody::SessionStarted { protocol_name, .. } if !protocol_name.trim().is_empty() => Some(protocol_name.clone()),
            _ => None,
        })
        .unwrap_or_else(|| session.protocol.clone())
}

fn summarise(session: &Session, entries: &[Entry], template: Option<&Template>) -> ReportSummary {
    let first = session.first_dose_at;
    let doses: Vec<DoseLine> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Dose(d) => Some(DoseLine {
                seq: e.seq,
                given_at: d.given_at,
                t_plus: t_plus(elapsed_from(first, d.given_at)),
                substance: d.substance.clone(),
                amount: d.amount,
                unit: d.unit.clone(),
                route: d.route,
                lot: d.lot.clone(),
                booster: d.booster,
                text: dose_text(d),
            }),
            _ => None,
        })
        .collect();
    let mut totals: Vec<(String, String, f64)> = Vec::new();
    for d in &doses {
        match totals.iter_mut().find(|(s, u, _)| s == &d.substance && u == &d.unit) {
            Some(t) => t.2 += d.amount,
            None => totals.push((d.substance.clone(), d.unit.clone(), d.amount)),
        }
    }
    let total_dose = totals.iter().map(|(s, u, a)| format!("{s} {} {u}", holdspace_core::describe::num(*a))).collect();
    let ended_entry_at = entries.iter().rev().find_map(|e| match e.body {
        EntryBody::SessionEnded { .. } => Some(e.at),
        _ => None,
    });
    let ended_at = ended_entry_at.or(session.ended_at);
    let monitoring_minutes = match (first, ended_at) {
        (Some(f), Some(end)) => Some(minutes_between(f, end)),
        _ => None,
    };
    let min_observation_min = template.map(|t| i64::from(t.min_observation_min));
    let min_observation_met = match (monitoring_minutes, min_observation_min) {
        (Some(m), Some(need)) => Some(m >= need),
        _ => None,
    };
    let ready_to_leave = match (ready_minutes_recorded(entries, template), first, ended_at) {
        (Some(min), Some(f), _) => ReadyToLeave {
            at: Some(f + chrono::Duration::milliseconds((min * 60_000.0) as i64)),
            minutes_after_first_dose: Some(min.round() as i64),
            source: ReadySource::Checklist,
        },
        (_, f, Some(end)) => ReadyToLeave {
            at: Some(end),
            minutes_after_first_dose: f.map(|f| minutes_between(f, end)),
            source: ReadySource::SessionEnd,
        },
        _ => ReadyToLeave { at: None, minutes_after_first_dose: None, source: ReadySource::Unknown },
    };
    let tags: Vec<TagLine> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Tag { tag_id, label, adverse_event } => Some(TagLine {
                seq: e.seq,
                at: e.at,
                t_plus: t_plus(e.elapsed_ms),
                tag_id: tag_id.clone(),
                label: label.clone(),
                adverse_event: *adverse_event,
            }),
            _ => None,
        })
        .collect();
    let adverse_events = tags.iter().filter(|t| t.adverse_event).cloned().collect();
    let amendments = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Amendment { amends_seq, reason, correction } => {
                let amended = entries.iter().find(|o| o.seq == *amends_seq);
                Some(AmendmentLine {
                    seq: e.seq,
                    at: e.at,
                    author: e.author.clone(),
                    reason: reason.clone(),
                    correction: correction.clone(),
                    amends_seq: *amends_seq,
                    amended_kind: amended.map(|o| o.body.kind().to_string()),
                    amended_text: amended.map(describe),
                })
            }
            _ => None,
        })
        .collect();
    let addenda = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Addendum { text } => {
                Some(AddendumLine { seq: e.seq, at: e.at, author: e.author.clone(), text: text.clone() })
            }
            _ => None,
        })
        .collect();
    let statement = entries.iter().rev().find_map(|e| match &e.body {
        EntryBody::Signed { statement, .. } => Some(statement.clone()),
        _ => None,
    });
    let signature = match (&session.signed_by, session.signed_at) {
        (Some(by), Some(at)) => Some(Signature { signed_by: by.clone(), signed_at: at, statement: statement.unwrap_or_default() }),
        _ => None,
    };
    let flags = flag_lines(entries);
    let music = played_tracks(entries, ended_at);
    let checks = check_lines(session, entries, template, ended_at);
    ReportSummary {
        client_code: session.client_code.clone(),
        therapist: session.therapist.clone(),
        protocol: session.protocol.clone(),
        protocol_name: protocol_name(session, entries, template),
        route: session.route,
        intention: session.intention.clone(),
        state: session.state,
        started_at: session.created_at,
        first_dose_at: first,
        ended_at,
        doses,
        total_dose,
        monitoring_minutes,
        min_observation_min,
        min_observation_met,
        ready_to_leave,
        vitals: vital_ranges(entries),
        open_items: crate::open_items::open_items(entries, template, &flags, &music, &checks),
        pre_dose_checklist: stage_summary(entries, template, Stage::PreDose),
        flags,
        adverse_events,
        tags,
        discharge: discharge_outcome(entries, template),
        amendments,
        addenda,
        signature,
        music,
        checks,
    }
}

/// The schedule as it stood at the end (or the last entry, for a session still open): every
/// check due by then, with how it went. Checks not yet due at the end are left out.
fn check_lines(session: &Session, entries: &[Entry], template: Option<&Template>, ended_at: Option<DateTime<Utc>>) -> Vec<CheckLine> {
    let (Some(t), Some(first)) = (template, session.first_dose_at) else { return Vec::new() };
    let Some(end) = ended_at.or_else(|| entries.last().map(|e| e.at)) else { return Vec::new() };
    let view = holdspace_core::monitor::monitor_view(t, session, entries, end.timestamp_millis());
    let first_ms = first.timestamp_millis();
    let t_plus_of = |ms: i64| t_plus(Some(ms.saturating_sub(first_ms)));
    view.timer
        .checkpoints
        .into_iter()
        .filter(|c| c.status != CheckpointStatus::Upcoming)
        .map(|c| {
            let due_t_plus = if c.kind == CheckpointKind::PreDose { None } else { c.due_ms.and_then(t_plus_of) };
            let outcome = match (c.completed_at_ms, c.late_by_ms) {
                (Some(_), Some(_)) => CheckOutcome::Late,
                (Some(_), None) => CheckOutcome::OnTime,
                (None, _) => CheckOutcome::Missed,
            };
            let satisfied_at = c.completed_at_ms.and_then(DateTime::from_timestamp_millis);
            // A check before dosing is done before the dose, whatever its T-.
            let satisfied_t_plus = if c.kind == CheckpointKind::PreDose { None } else { c.completed_at_ms.and_then(t_plus_of) };
            // Still within its time when the session ended, or past it with nobody saying why.
            let open_at_end = matches!(c.status, CheckpointStatus::Due | CheckpointStatus::Overdue);
            let late_by_min = c.late_by_ms.map(|ms| ms / 60_000);
            let when = due_t_plus.as_deref().map_or_else(|| "before dosing".to_string(), |d| format!("due {d}"));
            let text = match outcome {
                CheckOutcome::OnTime => match &satisfied_t_plus {
                    Some(at) => format!("{} ({when}): done at {at}", c.label),
                    None => format!("{} ({when}): done before the dose", c.label),
                },
                CheckOutcome::Late => format!(
                    "{} ({when}): LATE, done at {}, {} min after its time",
                    c.label,
                    satisfied_t_plus.as_deref().unwrap_or("?"),
                    late_by_min.unwrap_or(0)
                ),
                CheckOutcome::Missed => {
                    let mut s = format!("{} ({when}): MISSED", c.label);
                    if !c.missing.is_empty() {
                        s.push_str(&format!(", a reading lacked {}", MeasurementKind::list(&c.missing)));
                    }
                    match &c.missed_reason {
                        Some(r) => s.push_str(&format!("; reason: {r}")),
                        None if open_at_end && c.kind == CheckpointKind::PreDose => s.push_str("; not done before the dose"),
                        None if open_at_end => s.push_str("; not done before the session ended"),
                        None => s.push_str("; no reason recorded"),
                    }
                    s
                }
            };
            CheckLine {
                occurrence_id: c.occurrence_id,
                label: c.label,
                record: c.record,
                due_t_plus,
                outcome,
                satisfied_at,
                satisfied_t_plus,
                late_by_min,
                missed_reason: c.missed_reason,
                missing: if c.completed_at_ms.is_none() { c.missing } else { Vec::new() },
                text,
            }
        })
        .collect()
}

fn played_tracks(entries: &[Entry], ended_at: Option<DateTime<Utc>>) -> Vec<PlayedTrack> {
    let mut out: Vec<PlayedTrack> = Vec::new();
    let mut playing: Option<usize> = None;
    let close = |out: &mut Vec<PlayedTrack>, idx: usize, at: DateTime<Utc>, how: &str| {
        if let Some(t) = out.get_mut(idx) {
            t.played_seconds = Some((at - t.at).num_seconds().max(0));
            t.ended_by = Some(how.to_string());
        }
    };
    for e in entries {
        match &e.body {
            EntryBody::Music { event } => match event.action {
                MusicAction::TrackStarted => {
                    if let Some(i) = playing.take() {
                        close(&mut out, i, e.at, "next track");
                    }
                    out.push(PlayedTrack {
                        seq: e.seq,
                        at: e.at,
                        t_plus: t_plus(e.elapsed_ms),
                        title: event.title.clone(),
                        artist: event.artist.clone(),
                        phase: event.phase.clone(),
                        path: event.path.clone(),
                        played_seconds: None,
                        ended_by: None,
                    });
                    playing = Some(out.len() - 1);
                }
                MusicAction::Skipped
                | MusicAction::FadedToSilence
                | MusicAction::TrackFailed
                | MusicAction::PlaylistFinished
                | MusicAction::PhaseJumped => {
                    if let Some(i) = playing.take() {
                        close(&mut out, i, e.at, holdspace_core::describe::music_action_text(event.action));
                    }
                }
                _ => {}
            },
            EntryBody::SessionEnded { .. } => {
                if let Some(i) = playing.take() {
                    close(&mut out, i, e.at, "session ended");
                }
            }
            _ => {}
        }
    }
    if let (Some(i), Some(end)) = (playing, ended_at) {
        close(&mut out, i, end, "session ended");
    }
    out
}

fn bp_of(e: &Entry) -> Option<BpReading> {
    match &e.body {
        EntryBody::Vitals { reading } => match (reading.systolic, reading.diastolic) {
            (Some(s), Some(d)) => Some(BpReading {
                seq: e.seq,
                at: e.at,
                t_plus: t_plus(e.elapsed_ms),
                systolic: i64::from(s),
                diastolic: i64::from(d),
            }),
            _ => None,
        },
        _ => None,
    }
}

fn rems_terms(session: &Session, entries: &[Entry], summary: &ReportSummary) -> RemsTerms {
    let first = session.first_dose_at;
    let end = summary.ended_at;
    let bps: Vec<BpReading> = entries.iter().filter_map(bp_of).collect();
    let is_pre = |at: DateTime<Utc>| first.is_none_or(|f| at < f);
    let bp_before_dosing = bps.iter().rev().find(|b| is_pre(b.at)).cloned();
    let bp_about_40_min = first.and_then(|f| {
        bps.iter()
            .filter(|b| b.at >= f)
            .filter_map(|b| {
                let ms = (b.at - f).num_milliseconds();
                let (lo, hi) = BP_40_WINDOW_MIN;
                (ms >= lo * 60_000 && ms <= hi * 60_000).then(|| ((ms - BP_40_TARGET_MIN * 60_000).abs(), b))
            })
            .min_by_key(|(d, _)| *d)
            .map(|(_, b)| b.clone())
    });
    let bp_before_completion = first.and_then(|f| {
        bps.iter().rev().find(|b| b.at >= f && end.is_none_or(|e| b.at <= e)).cloned()
    });
    // Flags by the reading they came from.
    let flagged_reading = |seq: i64| {
        entries.iter().any(|e| matches!(&e.body, EntryBody::Flag { reading_seq, .. } if *reading_seq == seq))
    };
    let vitals_acceptable_before_dosing = bp_before_dosing.as_ref().map(|_| {
        !entries.iter().any(|e| matches!(&e.body, EntryBody::Vitals { .. }) && is_pre(e.at) && flagged_reading(e.seq))
    });
    let vitals_acceptable_before_completion = bp_before_completion.as_ref().map(|b| !flagged_reading(b.seq));
    let after: Vec<&Vitals> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Vitals { reading } if !is_pre(e.at) => Some(reading),
            _ => None,
        })
        .collect();
    let all: Vec<&Vitals> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Vitals { reading } => Some(reading),
            _ => None,
        })
        .collect();
    let sedation_worst_moaas = after.iter().filter_map(|v| v.moaas).min().map(i64::from);
    let spo2_min = all.iter().filter_map(|v| v.spo2).min().map(i64::from);
    let respiratory_rate_min = all.iter().filter_map(|v| v.respiratory_rate).min().map(i64::from);
    let respiratory_rate_max = all.iter().filter_map(|v| v.respiratory_rate).max().map(i64::from);
    let respiratory_flags = summary
        .flags
        .iter()
        .filter(|f| {
            f.crossings.iter().any(|c| {
                matches!(
                    c.rule,
                    FlagRule::Spo2LowOnce | FlagRule::Spo2LowTwice | FlagRule::RespiratoryRateLow | FlagRule::RespiratoryRateHigh
                )
            })
        })
        .count() as i64;
    RemsTerms {
        doses: summary.doses.iter().map(|d| d.text.clone()).collect(),
        bp_before_dosing,
        bp_about_40_min,
        bp_before_completion,
        vitals_acceptable_before_dosing,
        vitals_acceptable_before_completion,
        sedation_worst_moaas,
        sedation_wording: sedation_worst_moaas
            .and_then(|m| i32::try_from(m).ok())
            .and_then(moaas_wording)
            .map(str::to_string),
        dissociation_max: all.iter().filter_map(|v| v.dissociation).max().map(i64::from),
        spo2_min,
        respiratory_rate_min,
        respiratory_rate_max,
        respiratory_flags,
        total_monitoring_minutes: summary.monitoring_minutes,
        minutes_until_ready_to_leave: summary.ready_to_leave.minutes_after_first_dose,
        adverse_events: summary.adverse_events.iter().map(|t| t.label.clone()).collect(),
    }
}

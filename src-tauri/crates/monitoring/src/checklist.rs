//! Checklists (pre-dose, during, discharge): definitions, tick events and replayed state.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::MonitoringError;
use crate::scores::{compute_score, score_items, ScoreState};
use crate::span::Seg;
use crate::template::{ChecklistItemDef, Checklists, DischargeScoring, InputKind, Observable, Template};

/// The three checklist stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    PreDose,
    During,
    Discharge,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::PreDose, Stage::During, Stage::Discharge];
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::PreDose => "pre_dose",
            Stage::During => "during",
            Stage::Discharge => "discharge",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultsFile {
    checklists: Checklists,
}

const DEFAULT_CHECKLISTS: &str = include_str!("../defaults/checklists.toml");

fn defaults() -> &'static Checklists {
    static D: OnceLock<Checklists> = OnceLock::new();
    D.get_or_init(|| toml::from_str::<DefaultsFile>(DEFAULT_CHECKLISTS).map(|d| d.checklists).unwrap_or_default())
}

/// The built-in default items of a stage (as shipped in `defaults/checklists.toml`).
pub fn default_items(stage: Stage) -> Vec<ChecklistItemDef> {
    let d = defaults();
    match stage {
        Stage::PreDose => d.pre_dose.clone(),
        Stage::During => d.during.clone(),
        Stage::Discharge => d.discharge.clone(),
    }
    .unwrap_or_default()
}

fn generated_discharge_items(scoring: DischargeScoring) -> Vec<ChecklistItemDef> {
    let item = |id: &str, label: &str| ChecklistItemDef {
        id: id.into(),
        label: label.into(),
        group: "Return to baseline".into(),
        required: true,
        input: InputKind::Tick,
        options: vec![],
        min: None,
        max: None,
        allow_not_applicable: false,
        help: "Compared with the client before the dose (ketamine emergency-medicine guidance, 2011)".into(),
        levels: vec![],
        observed_by: None,
        blocks_dosing: vec![],
        blocks_dosing_reason: String::new(),
    };
    match scoring {
        DischargeScoring::ReturnToBaseline => vec![
            item("baseline.speech", "Speech back to the pre-treatment level"),
            item("baseline.awareness", "Awareness back to the pre-treatment level"),
            item("baseline.movement", "Purposeful movement back to the pre-treatment level"),
        ],
        s => score_items(s)
            .into_iter()
            .map(|si| ChecklistItemDef {
                id: si.id,
                label: si.label,
                group: crate::scores::score_name(s).into(),
                required: true,
                input: InputKind::Score,
                options: vec![],
                min: Some(0.0),
                max: Some(2.0),
                allow_not_applicable: false,
                help: String::new(),
                levels: si.levels,
                observed_by: None,
                blocks_dosing: vec![],
                blocks_dosing_reason: String::new(),
            })
            .collect(),
    }
}

/// The effective items of a stage for a template: its own list (or the default), and for
/// discharge, followed by the return-to-baseline items or the chosen score's items.
pub fn checklist_items(t: &Template, stage: Stage) -> Vec<ChecklistItemDef> {
    let own = match stage {
        Stage::PreDose => t.checklists.pre_dose.clone(),
        Stage::During => t.checklists.during.clone(),
        Stage::Discharge => t.checklists.discharge.clone(),
    };
    let mut items = own.unwrap_or_else(|| default_items(stage));
    if stage == Stage::PreDose && !t.checklists.pre_dose_extra.is_empty() {
        items.splice(0..0, t.checklists.pre_dose_extra.iter().cloned());
    }
    if stage == Stage::Discharge {
        items.extend(generated_discharge_items(t.discharge_scoring));
    }
    items
}

pub(crate) fn validate_checklists(t: &Template, push: &mut dyn FnMut(&[Seg], String)) {
    use Seg::{Idx, Key};
    let mut seen = std::collections::HashSet::new();
    for stage in Stage::ALL {
        let own = match stage {
            Stage::PreDose => &t.checklists.pre_dose,
            Stage::During => &t.checklists.during,
            Stage::Discharge => &t.checklists.discharge,
        };
        let key = Key(stage.as_str());
        let extra = if stage == Stage::PreDose { t.checklists.pre_dose_extra.len() } else { 0 };
        for (i, it) in checklist_items(t, stage).iter().enumerate() {
            // Only items written in the template get a precise line; others point at the table.
            let from_template = i < extra || own.as_ref().is_some_and(|o| i - extra < o.len());
            let at = |k: &'static str| -> Vec<Seg> {
                if i < extra {
                    vec![Key("checklists"), Key("pre_dose_extra"), Idx(i), Key(k)]
                } else if from_template {
                    vec![Key("checklists"), key.clone(), Idx(i - extra), Key(k)]
                } else {
                    vec![Key("checklists")]
                }
            };
            if it.id.trim().is_empty() || it.id.len() > 64 || it.id.chars().any(|c| c.is_whitespace()) {
                push(&at("id"), format!("checklist item id `{}` must be 1-64 characters without spaces", it.id));
            }
            if !seen.insert(it.id.clone()) {
                push(&at("id"), format!("duplicate checklist item id `{}`", it.id));
            }
            if it.label.trim().is_empty() {
                push(&at("label"), format!("checklist item `{}` needs a label", it.id));
            }
            if from_template && it.input == InputKind::Score {
                push(&at("input"), format!("checklist item `{}`: input = \"score\" is reserved; choose discharge_scoring instead", it.id));
            }
            if it.observed_by.is_some() && it.input != InputKind::Tick {
                push(&at("observed_by"), format!("checklist item `{}`: observed_by only applies to input = \"tick\"", it.id));
            }
            if it.input == InputKind::Choice && it.options.len() < 2 {
                push(&at("options"), format!("checklist item `{}`: a choice needs at least 2 options", it.id));
            }
            if it.input != InputKind::Choice && !it.options.is_empty() {
                push(&at("options"), format!("checklist item `{}`: options only apply to input = \"choice\"", it.id));
            }
            for (k, v) in [("min", it.min), ("max", it.max)] {
                if let Some(v) = v {
                    if !v.is_finite() || v.abs() > 1e9 {
                        push(&at(k), format!("checklist item `{}`: {k} = {v} must be a number from -1e9 to 1e9", it.id));
                    }
                }
            }
            if let (Some(a), Some(b)) = (it.min, it.max) {
                if a > b {
                    push(&at("min"), format!("checklist item `{}`: min ({a}) is above max ({b})", it.id));
                }
            }
            for (k, v) in [("label", &it.label), ("group", &it.group), ("help", &it.help)] {
                if let Some(m) = crate::source::name_problem(&format!("checklist item `{}` {k}", it.id), v) {
                    push(&at(k), m);
                }
            }
            for o in &it.options {
                if let Some(m) = crate::source::name_problem(&format!("checklist item `{}` option", it.id), o) {
                    push(&at("options"), m);
                }
            }
            if !it.blocks_dosing.is_empty() {
                if stage != Stage::PreDose || it.input != InputKind::Choice {
                    push(&at("blocks_dosing"), format!("checklist item `{}`: blocks_dosing only applies to a pre-dose item with input = \"choice\"", it.id));
                }
                for b in it.blocks_dosing.iter().filter(|b| !it.options.contains(b)) {
                    push(&at("blocks_dosing"), format!("checklist item `{}`: blocks_dosing names `{b}`, which is not one of its options", it.id));
                }
                if it.blocks_dosing_reason.trim().is_empty() {
                    push(&at("blocks_dosing"), format!("checklist item `{}`: blocks_dosing needs blocks_dosing_reason (the reason shown when the dose is held back)", it.id));
                }
            }
        }
    }
}

/// The default discharge item where the clinician states when the client was ready to leave.
/// It states the time rather than being a condition of it: the computed ready time leaves it
/// out, and confirming that time fills it.
pub const READY_ITEM_ID: &str = "discharge.ready_minutes";

/// What holds the first dose back: each pre-dose gate item unanswered, or answered with one
/// of its blocking answers (with the template's reason). The clinician can pass it only with
/// a reason, which is logged.
pub fn dose_blockers(state: &ChecklistState) -> Vec<String> {
    let Some(stage) = state.stage(Stage::PreDose) else { return Vec::new() };
    stage
        .items
        .iter()
        .filter(|it| !it.item.blocks_dosing.is_empty())
        .filter_map(|it| match &it.status {
            ItemStatus::Text { value } if it.item.blocks_dosing.contains(value) => {
                Some(format!("{}: {value}. {}", it.item.label, it.item.blocks_dosing_reason.trim()))
            }
            ItemStatus::Text { .. } => None,
            ItemStatus::NotApplicable { reason } => Some(format!("{}: marked not applicable ({reason}). {}", it.item.label, it.item.blocks_dosing_reason.trim())),
            _ => Some(format!("{}: not answered. {}", it.item.label, it.item.blocks_dosing_reason.trim())),
        })
        .collect()
}

/// What was done to an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChecklistAction {
    Tick,
    /// Undo: the item is open again.
    Clear,
    NotApplicable { reason: String },
    Text { value: String },
    Number { value: f64 },
}

/// One checklist timeline entry (the store keeps these and replays them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChecklistEvent {
    pub item_id: String,
    #[ts(type = "number")]
    pub at_ms: i64,
    pub author: String,
    pub action: ChecklistAction,
}

/// An entry the app saw that satisfies the items observed by `what`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Observation {
    pub what: Observable,
    /// The entry that shows it.
    pub seq: i64,
    #[ts(type = "number")]
    pub at_ms: i64,
    /// What the entry says, for the item's line ("Vitals: BP 128/82 ...").
    pub text: String,
}

/// The state of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemStatus {
    Open,
    Ticked,
    /// Satisfied by what the app saw (entry `seq`), not ticked by hand.
    Observed { seq: i64, text: String },
    NotApplicable { reason: String },
    Text { value: String },
    Number { value: f64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ItemState {
    pub item: ChecklistItemDef,
    pub status: ItemStatus,
    #[ts(type = "number | null")]
    pub at_ms: Option<i64>,
    pub author: Option<String>,
}

impl ItemState {
    pub fn is_open(&self) -> bool {
        matches!(self.status, ItemStatus::Open)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageState {
    pub stage: Stage,
    pub items: Vec<ItemState>,
    /// Labels of required items still open.
    pub open_required: Vec<String>,
    pub complete: bool,
}

/// An event that replay skipped, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SkippedEvent {
    pub index: u32,
    pub message: String,
}

/// All checklists of a session, computed from its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ChecklistState {
    pub stages: Vec<StageState>,
    /// The discharge score, when the template uses one.
    pub score: Option<ScoreState>,
    pub skipped: Vec<SkippedEvent>,
}

impl ChecklistState {
    pub fn stage(&self, stage: Stage) -> Option<&StageState> {
        self.stages.iter().find(|s| s.stage == stage)
    }
}

fn find_item(t: &Template, id: &str) -> Option<ChecklistItemDef> {
    Stage::ALL.iter().flat_map(|s| checklist_items(t, *s)).find(|i| i.id == id)
}

fn is_phone(s: &str) -> bool {
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    (6..=20).contains(&digits) && s.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

fn check_action(item: &ChecklistItemDef, action: &ChecklistAction) -> Result<(), MonitoringError> {
    let bad = |m: &str| Err(MonitoringError::InvalidChecklistValue { item: item.id.clone(), message: m.to_string() });
    match action {
        ChecklistAction::Clear => Ok(()),
        ChecklistAction::NotApplicable { reason } => {
            if !item.allow_not_applicable {
                return bad("this item cannot be marked not applicable");
            }
            if reason.trim().is_empty() {
                return Err(MonitoringError::NotApplicableNeedsReason(item.id.clone()));
            }
            if reason.len() > 2000 {
                return bad("reason is longer than 2000 characters");
            }
            Ok(())
        }
        ChecklistAction::Tick => match item.input {
            InputKind::Tick => Ok(()),
            _ => bad("needs a value, not a tick"),
        },
        ChecklistAction::Text { value } => {
            let v = value.trim();
            if v.is_empty() {
                return bad("value is empty");
            }
            if v.len() > 2000 {
                return bad("value is longer than 2000 characters");
            }
            match item.input {
                InputKind::Text => Ok(()),
                InputKind::Phone if is_phone(v) => Ok(()),
                InputKind::Phone => bad("not a phone number (digits, spaces and + - ( ) only, at least 6 digits)"),
                InputKind::Choice if item.options.iter().any(|o| o == v) => Ok(()),
                InputKind::Choice => bad(&format!("choose one of: {}", item.options.join(", "))),
                _ => bad("does not take text"),
            }
        }
        ChecklistAction::Number { value } => {
            if !value.is_finite() {
                return bad("not a number");
            }
            match item.input {
                InputKind::Number | InputKind::Score => {
                    if item.input == InputKind::Score && value.fract() != 0.0 {
                        return bad("a score is a whole number 0, 1 or 2");
                    }
                    if let Some(m) = item.min.filter(|m| value < m) {
                        return bad(&format!("{value} is below the minimum {m}"));
                    }
                    if let Some(m) = item.max.filter(|m| value > m) {
                        return bad(&format!("{value} is above the maximum {m}"));
                    }
                    Ok(())
                }
                _ => bad("does not take a number"),
            }
        }
    }
}

/// Check an event before storing it.
pub fn validate_checklist_event(t: &Template, e: &ChecklistEvent) -> Result<(), MonitoringError> {
    let item = find_item(t, &e.item_id).ok_or_else(|| MonitoringError::UnknownChecklistItem(e.item_id.clone()))?;
    check_action(&item, &e.action)
}

/// Replay checklist events (in stored order; the last event for an item wins).
/// Invalid events are skipped and listed, never fatal.
pub fn compute_checklist_state(t: &Template, events: &[ChecklistEvent]) -> ChecklistState {
    compute_checklist_state_observed(t, events, &[])
}

/// The same, with what the app observed: an item still open after replay (never ticked, or
/// cleared) is satisfied by the first observation of its kind.
pub fn compute_checklist_state_observed(t: &Template, events: &[ChecklistEvent], observed: &[Observation]) -> ChecklistState {
    let mut stages: Vec<StageState> = Stage::ALL
        .iter()
        .map(|s| StageState {
            stage: *s,
            items: checklist_items(t, *s)
                .into_iter()
                .map(|item| ItemState { item, status: ItemStatus::Open, at_ms: None, author: None })
                .collect(),
            open_required: vec![],
            complete: false,
        })
        .collect();
    let mut skipped = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let slot = stages.iter_mut().flat_map(|s| s.items.iter_mut()).find(|it| it.item.id == e.item_id);
        let Some(slot) = slot else {
            skipped.push(SkippedEvent { index: i as u32, message: format!("unknown checklist item `{}`", e.item_id) });
            continue;
        };
        if let Err(err) = check_action(&slot.item, &e.action) {
            skipped.push(SkippedEvent { index: i as u32, message: err.to_string() });
            continue;
        }
        slot.status = match &e.action {
            ChecklistAction::Clear => ItemStatus::Open,
            ChecklistAction::Tick => ItemStatus::Ticked,
            ChecklistAction::NotApplicable { reason } => ItemStatus::NotApplicable { reason: reason.trim().to_string() },
            ChecklistAction::Text { value } => ItemStatus::Text { value: value.trim().to_string() },
            ChecklistAction::Number { value } => ItemStatus::Number { value: *value },
        };
        if matches!(e.action, ChecklistAction::Clear) {
            slot.at_ms = None;
            slot.author = None;
        } else {
            slot.at_ms = Some(e.at_ms);
            slot.author = Some(e.author.clone());
        }
    }
    for it in stages.iter_mut().flat_map(|s| s.items.iter_mut()).filter(|it| it.is_open()) {
        if let Some(o) = it.item.observed_by.and_then(|w| observed.iter().find(|o| o.what == w)) {
            it.status = ItemStatus::Observed { seq: o.seq, text: o.text.clone() };
            it.at_ms = Some(o.at_ms);
            it.author = None;
        }
    }
    for s in &mut stages {
        s.open_required = s.items.iter().filter(|i| i.item.required && i.is_open()).map(|i| i.item.label.clone()).collect();
        s.complete = s.open_required.is_empty();
    }
    let score = match t.discharge_scoring {
        DischargeScoring::ReturnToBaseline => None,
        sc => {
            let values: Vec<(String, i32)> = stages
                .iter()
                .flat_map(|s| s.items.iter())
                .filter(|i| i.item.input == InputKind::Score)
                .filter_map(|i| match i.status {
                    ItemStatus::Number { value } => Some((i.item.id.clone(), value as i32)),
                    _ => None,
                })
                .collect();
            Some(compute_score(sc, t.discharge_ready_score, &values))
        }
    };
    ChecklistState { stages, score, skipped }
}

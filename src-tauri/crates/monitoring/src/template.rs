//! Protocol templates: the data a template declares (route, phases, checkpoints, checklist
//! items, thresholds, quick tags). Parsing and checking are in `parse.rs`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::quick_tags::{default_quick_tags, QuickTag};
use crate::thresholds::Thresholds;

/// Something the app sees for itself, which satisfies a checklist item without a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Observable {
    /// A reading before the first dose holding what the template's pre-dose check asks for
    /// (BP when it has none).
    BaselineVitals,
    /// A track started playing.
    MusicPlaying,
}

/// How an item is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A tick.
    #[default]
    Tick,
    /// Free text (e.g. escort name).
    Text,
    /// A phone number (digits, spaces, `+ - ( )`, at least 6 digits).
    Phone,
    /// A number, optionally within `min`..`max`.
    Number,
    /// One of `options`.
    Choice,
    /// A discharge score item, 0-2 (generated from the template's `discharge_scoring`).
    Score,
}

/// One checklist item as declared in a template (or the defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItemDef {
    pub id: String,
    pub label: String,
    /// Heading to group items under (e.g. "Screening").
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub input: InputKind,
    /// For `choice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// For `number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Whether "not applicable" (with a reason) may be chosen.
    #[serde(default = "yes")]
    pub allow_not_applicable: bool,
    #[serde(default)]
    pub help: String,
    /// For score items: the wording of level 0, 1, 2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    /// An observation that satisfies the item by itself (a tick or "not applicable" still
    /// takes precedence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_by: Option<Observable>,
    /// For a pre-dose `choice`: the answers that hold the dose back (an unanswered item holds
    /// it back too), with the reason shown; passing it takes a logged reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks_dosing: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub blocks_dosing_reason: String,
}

fn yes() -> bool {
    true
}

/// The tags for a session: the template's own list, else the clinic's file, else the defaults.
pub fn effective_quick_tags(template: &Template, clinic: Option<&[QuickTag]>) -> Vec<QuickTag> {
    if let Some(t) = &template.quick_tags {
        return t.clone();
    }
    if let Some(c) = clinic {
        return c.to_vec();
    }
    default_quick_tags()
}

/// How the medicine is given: the one route vocabulary of the app (sessions, doses,
/// templates, reports). Drives the default protocol and the dose form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    Intramuscular,
    Sublingual,
    Intravenous,
    Intranasal,
    Oral,
    Other,
}

impl Route {
    pub const ALL: [Route; 6] =
        [Route::Intramuscular, Route::Sublingual, Route::Intravenous, Route::Intranasal, Route::Oral, Route::Other];

    pub fn parse(s: &str) -> Option<Route> {
        Route::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// What a clinician calls it, for the screen and the chart.
    pub fn label(self) -> &'static str {
        match self {
            Route::Intramuscular => "Intramuscular injection",
            Route::Sublingual => "Sublingual lozenge",
            Route::Intravenous => "IV infusion",
            Route::Intranasal => "Esketamine nasal spray",
            Route::Oral => "Oral",
            Route::Other => "Other route",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Route::Intramuscular => "intramuscular",
            Route::Sublingual => "sublingual",
            Route::Intravenous => "intravenous",
            Route::Intranasal => "intranasal",
            Route::Oral => "oral",
            Route::Other => "other",
        }
    }
}

/// What a checkpoint asks to be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MeasurementKind {
    /// Blood pressure (systolic and diastolic).
    Bp,
    Hr,
    Spo2,
    Rr,
    Temp,
    Moaas,
    Dissociation,
    Nausea,
    Distress,
    Note,
}

impl MeasurementKind {
    pub const ALL: [MeasurementKind; 10] = [
        MeasurementKind::Bp,
        MeasurementKind::Hr,
        MeasurementKind::Spo2,
        MeasurementKind::Rr,
        MeasurementKind::Temp,
        MeasurementKind::Moaas,
        MeasurementKind::Dissociation,
        MeasurementKind::Nausea,
        MeasurementKind::Distress,
        MeasurementKind::Note,
    ];

    /// What a clinician calls it, for the screen and the chart (the UI's words come from here).
    pub fn label(self) -> &'static str {
        match self {
            MeasurementKind::Bp => "BP",
            MeasurementKind::Hr => "heart rate",
            MeasurementKind::Spo2 => "SpO2",
            MeasurementKind::Rr => "respiratory rate",
            MeasurementKind::Temp => "temperature",
            MeasurementKind::Moaas => "MOAA/S",
            MeasurementKind::Dissociation => "dissociation",
            MeasurementKind::Nausea => "nausea",
            MeasurementKind::Distress => "distress",
            MeasurementKind::Note => "a note",
        }
    }

    /// The snake_case name used in templates and the IPC types.
    pub fn as_str(self) -> &'static str {
        match self {
            MeasurementKind::Bp => "bp",
            MeasurementKind::Hr => "hr",
            MeasurementKind::Spo2 => "spo2",
            MeasurementKind::Rr => "rr",
            MeasurementKind::Temp => "temp",
            MeasurementKind::Moaas => "moaas",
            MeasurementKind::Dissociation => "dissociation",
            MeasurementKind::Nausea => "nausea",
            MeasurementKind::Distress => "distress",
            MeasurementKind::Note => "note",
        }
    }

    /// "BP, heart rate and MOAA/S".
    pub fn list(kinds: &[MeasurementKind]) -> String {
        let words: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
        match words.split_last() {
            None => String::new(),
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }
}

/// A phase of the session for the timer display, starting `start_min` after the first dose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub name: String,
    pub start_min: i32,
    #[serde(default)]
    pub description: String,
}

/// When a checkpoint falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckpointKind {
    /// Once, `at_min` after the first dose.
    Once,
    /// Every `every_min` from `from_min` to `until_min` (inclusive) after the first dose.
    Every,
    /// Before the first dose (baseline).
    PreDose,
    /// Before discharge, at `at_min` (default: the minimum observation time minus 10 min).
    BeforeDischarge,
}

/// A scheduled check, relative to the first dose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CheckpointDef {
    pub id: String,
    pub label: String,
    pub kind: CheckpointKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_min: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_min: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_min: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until_min: Option<i32>,
    /// What to record; a vitals entry holding all of these completes the check.
    pub record: Vec<MeasurementKind>,
    /// Overrides the template's `shift_on_booster` for this checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift_on_booster: Option<bool>,
    /// Overrides the template's `overdue_after_min` for this checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_after_min: Option<i32>,
    /// Overrides the template's `late_within_min` for this checkpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_within_min: Option<i32>,
}

/// How readiness for discharge is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DischargeScoring {
    /// Return to pre-treatment speech, awareness and purposeful movement.
    ReturnToBaseline,
    ModifiedAldrete,
    Padss,
}

/// The three checklists. A stage left out uses the built-in default list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Checklists {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_dose: Option<Vec<ChecklistItemDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub during: Option<Vec<ChecklistItemDef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharge: Option<Vec<ChecklistItemDef>>,
    /// Items shown first in the pre-dose list, in front of the template's own list or the
    /// defaults (a protocol's own gate, without repeating the defaults).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pre_dose_extra: Vec<ChecklistItemDef>,
}

fn default_window_before() -> i32 {
    5
}
fn default_overdue_after() -> i32 {
    5
}
fn default_late_within() -> i32 {
    DEFAULT_LATE_WITHIN_MIN
}
fn default_late_within_source() -> String {
    DEFAULT_LATE_WITHIN_SOURCE.to_string()
}

/// How late a reading may come and still satisfy a check, when a template does not say.
pub const DEFAULT_LATE_WITHIN_MIN: i32 = 10;
/// Where that default comes from (no published figure: the schedule's own spacing).
pub const DEFAULT_LATE_WITHIN_SOURCE: &str = "Holdspace default, not a published figure: a reading up to 10 min after a check's time still counts for it, marked late; the clinic sets its own";

fn default_ready_score() -> i32 {
    9
}
fn default_scoring() -> DischargeScoring {
    DischargeScoring::ReturnToBaseline
}

/// A protocol template as written in TOML (see the crate README for every field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub name: String,
    pub route: Route,
    pub description: String,
    /// Minimum minutes from the first dose before discharge without an override.
    pub min_observation_min: i32,
    #[serde(default)]
    pub min_observation_source: String,
    /// Whether checkpoints after a booster dose are re-timed from the booster.
    #[serde(default)]
    pub shift_on_booster: bool,
    /// A recording this many minutes before a checkpoint's time already counts for it.
    #[serde(default = "default_window_before")]
    pub window_before_min: i32,
    /// A checkpoint not done this many minutes after its time is overdue.
    #[serde(default = "default_overdue_after")]
    pub overdue_after_min: i32,
    /// A complete reading up to this many minutes after a checkpoint's time still satisfies it
    /// (late once it is overdue); after that the check is missed. Never less than
    /// `overdue_after_min`.
    #[serde(default = "default_late_within")]
    pub late_within_min: i32,
    /// Where `late_within_min` comes from; shown beside it.
    #[serde(default = "default_late_within_source")]
    pub late_within_source: String,
    #[serde(default = "default_scoring")]
    pub discharge_scoring: DischargeScoring,
    /// Score at or above which Modified Aldrete / PADSS reads "ready".
    #[serde(default = "default_ready_score")]
    pub discharge_ready_score: i32,
    pub phases: Vec<Phase>,
    pub checkpoints: Vec<CheckpointDef>,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub checklists: Checklists,
    /// Replaces the clinic or default quick tags for sessions on this template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_tags: Option<Vec<QuickTag>>,
    /// Effects recorded as observed or not, each with the time it resolved; discharge waits
    /// for each to be settled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<crate::effects::Effect>,
    /// Doses the dose form offers as one key each (e.g. 56 mg as 2 devices); "other" stays.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dose_presets: Vec<DosePreset>,
    /// Whether the dose form asks how many devices (nasal spray devices) were used.
    #[serde(default)]
    pub dose_devices: bool,
}

/// The units a dose is recorded in.
pub const DOSE_UNITS: [&str; 5] = ["mg", "mg/kg", "mcg", "mL", "sprays"];
/// The most devices (e.g. nasal spray devices) one dose entry can count.
pub const MAX_DEVICES: u32 = 10;

/// A dose the form offers ready-made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DosePreset {
    pub label: String,
    pub substance: String,
    pub amount: f64,
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<u32>,
}

impl Template {
    /// One-line summary, e.g. for `holdspace check`.
    pub fn summary(&self) -> String {
        format!(
            "{} \"{}\" ({}): {} phases, {} checkpoints, observe at least {} min, shift on booster {}",
            self.id,
            self.name,
            self.route.label(),
            self.phases.len(),
            self.checkpoints.len(),
            self.min_observation_min,
            if self.shift_on_booster { "yes" } else { "no" }
        )
    }

    pub(crate) fn before_discharge_default_min(&self) -> i32 {
        (self.min_observation_min - 10).max(0)
    }
}


//! Protocol templates: the TOML format, parsing and semantic validation.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::checklist::ChecklistItemDef;
use crate::error::Problem;
use crate::quick_tags::QuickTag;
use crate::span::{line_of, Seg, SpanDoc};
use crate::thresholds::Thresholds;

/// Largest template or quick-tag file we will read.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

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
}

fn default_window_before() -> i32 {
    5
}
fn default_overdue_after() -> i32 {
    5
}
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
}

impl Template {
    /// One-line summary, e.g. for `holdspace check`.
    pub fn summary(&self) -> String {
        format!(
            "{} \"{}\" ({}): {} phases, {} checkpoints, observe at least {} min, shift on booster {}",
            self.id,
            self.name,
            self.route.as_str(),
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

fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.')
}

/// Parse and validate template text. `file` is used in problem messages.
pub fn parse_template(text: &str, file: &str) -> Result<Template, Vec<Problem>> {
    let template: Template = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            return Err(vec![Problem::new(file, line, friendly(e.message()))]);
        }
    };
    let doc = SpanDoc::new(text);
    let mut problems = Vec::new();
    let mut push = |path: &[Seg], msg: String| problems.push(Problem::new(file, doc.line(path), msg));
    validate(&template, &mut push);
    if problems.is_empty() {
        Ok(template)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// serde's wording with Rust type names made readable.
pub(crate) fn friendly(msg: &str) -> String {
    msg.trim()
        .replace('\n', " ")
        .replace("expected i32", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
}

const MAX_MIN: i32 = 24 * 60;

/// Why a name cannot be shown as it is: control characters (NUL, escape sequences that would
/// drive a terminal) and bidirectional overrides (which reorder what is printed).
pub fn name_problem(field: &str, s: &str) -> Option<String> {
    let bad = s.chars().find(|c| {
        (c.is_control() && *c != '\t')
            || matches!(*c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    })?;
    let what = match bad {
        '\0' => "a NUL character".to_string(),
        '\u{1b}' => "an escape character (terminal control sequence)".to_string(),
        c if c.is_control() => format!("a control character (U+{:04X})", c as u32),
        c => format!("a text-direction override (U+{:04X})", c as u32),
    };
    Some(format!("{field} contains {what}; remove it"))
}

fn validate(t: &Template, push: &mut dyn FnMut(&[Seg], String)) {
    use Seg::{Idx, Key};
    if !is_valid_id(&t.id) {
        push(&[Key("id")], format!("id `{}` must be 1-64 characters of a-z, 0-9, `-`, `_` or `.`", t.id));
    }
    if t.name.trim().is_empty() {
        push(&[Key("name")], "name must not be empty".into());
    }
    for (k, v) in [("name", &t.name), ("description", &t.description)] {
        if let Some(m) = name_problem(k, v) {
            push(&[Key(k)], m);
        }
    }
    if !(1..=MAX_MIN).contains(&t.min_observation_min) {
        push(&[Key("min_observation_min")], format!("min_observation_min must be 1 to {MAX_MIN}, got {}", t.min_observation_min));
    }
    if !(0..=120).contains(&t.window_before_min) {
        push(&[Key("window_before_min")], format!("window_before_min must be 0 to 120, got {}", t.window_before_min));
    }
    if !(0..=120).contains(&t.overdue_after_min) {
        push(&[Key("overdue_after_min")], format!("overdue_after_min must be 0 to 120, got {}", t.overdue_after_min));
    }
    let max_score = 10;
    if !(0..=max_score).contains(&t.discharge_ready_score) {
        push(&[Key("discharge_ready_score")], format!("discharge_ready_score must be 0 to {max_score}, got {}", t.discharge_ready_score));
    }
    if t.phases.is_empty() {
        push(&[Key("phases")], "at least one phase is needed".into());
    }
    let mut prev: Option<i32> = None;
    for (i, p) in t.phases.iter().enumerate() {
        if p.name.trim().is_empty() {
            push(&[Key("phases"), Idx(i), Key("name")], "phase name must not be empty".into());
        } else if let Some(m) = name_problem("phase name", &p.name) {
            push(&[Key("phases"), Idx(i), Key("name")], m);
        }
        if p.start_min < 0 || p.start_min > MAX_MIN {
            push(&[Key("phases"), Idx(i), Key("start_min")], format!("phase `{}` starts at {} min; must be 0 to {MAX_MIN}", p.name, p.start_min));
        }
        if let Some(pv) = prev {
            if p.start_min <= pv {
                push(&[Key("phases"), Idx(i), Key("start_min")], format!("phases out of order: `{}` starts at {} min, not after the previous phase ({} min)", p.name, p.start_min, pv));
            }
        }
        prev = Some(p.start_min);
    }
    if t.checkpoints.is_empty() {
        push(&[Key("checkpoints")], "at least one checkpoint is needed".into());
    }
    let mut ids = std::collections::HashSet::new();
    for (i, c) in t.checkpoints.iter().enumerate() {
        let at = |k: &'static str| [Key("checkpoints"), Idx(i), Key(k)];
        if !is_valid_id(&c.id) {
            push(&at("id"), format!("checkpoint id `{}` must be 1-64 characters of a-z, 0-9, `-`, `_` or `.`", c.id));
        }
        if !ids.insert(c.id.clone()) {
            push(&at("id"), format!("duplicate checkpoint id `{}`", c.id));
        }
        if c.label.trim().is_empty() {
            push(&at("label"), format!("checkpoint `{}` needs a label", c.id));
        } else if let Some(m) = name_problem("checkpoint label", &c.label) {
            push(&at("label"), format!("checkpoint `{}`: {m}", c.id));
        }
        // Checks fall within the observation: the one before discharge no later than the
        // minimum observation time, the others no later than twice it.
        let latest = match c.kind {
            CheckpointKind::BeforeDischarge => t.min_observation_min,
            _ => t.min_observation_min.saturating_mul(2),
        };
        for (k, v) in [("at_min", c.at_min), ("from_min", c.from_min), ("until_min", c.until_min)] {
            if let Some(v) = v {
                if (0..=MAX_MIN).contains(&v) && v > latest && (1..=MAX_MIN).contains(&t.min_observation_min) {
                    let rule = if c.kind == CheckpointKind::BeforeDischarge {
                        format!("before min_observation_min ({} min)", t.min_observation_min)
                    } else {
                        format!("within twice min_observation_min (0 to {latest} min)")
                    };
                    push(&at(k), format!("checkpoint `{}`: {k} = {v} must fall {rule}", c.id));
                }
            }
        }
        if c.record.is_empty() {
            push(&at("record"), format!("checkpoint `{}` must say what to record", c.id));
        }
        if let Some(o) = c.overdue_after_min {
            if !(0..=120).contains(&o) {
                push(&at("overdue_after_min"), format!("checkpoint `{}`: overdue_after_min must be 0 to 120, got {o}", c.id));
            }
        }
        for (k, v) in [("at_min", c.at_min), ("every_min", c.every_min), ("from_min", c.from_min), ("until_min", c.until_min)] {
            if let Some(v) = v {
                if v < 0 {
                    push(&at(k), format!("checkpoint `{}` at negative time: {k} = {v} (times are minutes after the first dose; use kind = \"pre_dose\" for before dosing)", c.id));
                } else if v > MAX_MIN {
                    push(&at(k), format!("checkpoint `{}`: {k} = {v} is more than 24 hours", c.id));
                }
            }
        }
        let allowed: &[&str] = match c.kind {
            CheckpointKind::Once => &["at_min"],
            CheckpointKind::Every => &["every_min", "from_min", "until_min"],
            CheckpointKind::PreDose => &[],
            CheckpointKind::BeforeDischarge => &["at_min"],
        };
        for (k, v) in [("at_min", c.at_min.is_some()), ("every_min", c.every_min.is_some()), ("from_min", c.from_min.is_some()), ("until_min", c.until_min.is_some())] {
            if v && !allowed.contains(&k) {
                push(&at(k), format!("checkpoint `{}`: {k} does not apply to kind = \"{}\"", c.id, kind_name(c.kind)));
            }
        }
        match c.kind {
            CheckpointKind::Once => {
                if c.at_min.is_none() {
                    push(&at("kind"), format!("checkpoint `{}`: kind = \"once\" needs at_min", c.id));
                }
            }
            CheckpointKind::Every => match (c.every_min, c.from_min, c.until_min) {
                (Some(e), Some(f), Some(u)) => {
                    if e < 1 {
                        push(&at("every_min"), format!("checkpoint `{}`: every_min must be at least 1", c.id));
                    }
                    if u < f {
                        push(&at("until_min"), format!("checkpoint `{}`: until_min ({u}) is before from_min ({f})", c.id));
                    }
                }
                _ => push(&at("kind"), format!("checkpoint `{}`: kind = \"every\" needs every_min, from_min and until_min", c.id)),
            },
            CheckpointKind::PreDose | CheckpointKind::BeforeDischarge => {}
        }
    }
    crate::thresholds::validate_thresholds(&t.thresholds, push);
    crate::checklist::validate_checklists(t, push);
    if let Some(tags) = &t.quick_tags {
        for (path_idx, msg) in crate::quick_tags::tag_problems(tags) {
            match path_idx {
                Some(i) => push(&[Key("quick_tags"), Idx(i)], msg),
                None => push(&[Key("quick_tags")], msg),
            }
        }
    }
}

fn kind_name(k: CheckpointKind) -> &'static str {
    match k {
        CheckpointKind::Once => "once",
        CheckpointKind::Every => "every",
        CheckpointKind::PreDose => "pre_dose",
        CheckpointKind::BeforeDischarge => "before_discharge",
    }
}

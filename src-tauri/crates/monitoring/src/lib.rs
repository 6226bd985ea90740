//! Holdspace monitoring domain: protocol templates, checkpoint schedules, checklists,
//! vitals range checks, threshold flags, discharge gating and quick tags.
//!
//! Pure logic: no clock, no I/O except reading template files. All times are `i64`
//! milliseconds on one caller-chosen clock. The app flags and reminds; it never decides.
//! See README.md for the template format.

mod checklist;
mod discharge;
mod effects;
mod error;
mod loader;
mod parse;
mod quick_tags;
mod schedule;
mod scores;
mod source;
mod span;
mod template;
mod thresholds;
mod vitals;
mod ack;

pub use ack::{unacknowledged, FlagAck};
pub use checklist::{
    checklist_items, compute_checklist_state, dose_blockers, READY_ITEM_ID, compute_checklist_state_observed, default_items, validate_checklist_event, ChecklistAction, ChecklistEvent,
    ChecklistState, ItemState, ItemStatus, Observation, SkippedEvent, Stage, StageState,
};
pub use effects::{check_effect_event, effect_blockers, effects_unresolved, effect_states, effect_states_of, Effect, EffectEvent, EffectState, EffectStatus};
pub use discharge::{discharge_check, discharge_check_with_schedule, DischargeGate};
pub use error::{MonitoringError, Problem};
pub use span::line_of;
pub use loader::{
    builtin_templates, check_template_file, list_templates, load_templates, LoadedTemplate, TemplateSummary,
    TemplateCatalog, TemplateInfo, TemplateList, TemplateSource, BUILTIN, MAX_CLINIC_FILES,
};
pub use quick_tags::{
    default_quick_tags, load_quick_tags_file, parse_quick_tags, validate_quick_tags, QuickTag,
    RESERVED_KEYS,
};
pub use schedule::{CheckpointState, CheckpointStatus, NextCheckpoint, PhaseView, Recording, Schedule, TimerView};
pub use scores::{compute_score, score_items, score_name, ScoreItem, ScoreState};
pub use parse::parse_template;
pub use source::{name_problem, read_limited, MAX_FILE_BYTES};
pub use template::{
    effective_quick_tags, ChecklistItemDef, DEFAULT_LATE_WITHIN_MIN, DEFAULT_LATE_WITHIN_SOURCE, CheckpointDef, CheckpointKind, Checklists, DischargeScoring, DosePreset, DOSE_UNITS, MAX_DEVICES, InputKind,
    MeasurementKind, Observable, Phase, Route, Template,
};
pub use thresholds::{BpRise, LowHigh, MoaasThreshold, PreDoseBp, SessionBp, Spo2Threshold, Thresholds};
pub use vitals::{
    baseline_bp, dissociation_levels, evaluate_flag, moaas_levels, moaas_wording, session_phase, Crossing, Flag, FlagRule, Reading,
    ScaleLevel, SessionPhase, Vitals, DISSOCIATION_LEVELS, MOAAS_LEVELS, RANGES,
};

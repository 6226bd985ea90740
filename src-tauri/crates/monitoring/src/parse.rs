//! Parsing a template's TOML and checking it makes sense (ranges, ids, checkpoints,
//! checklists, thresholds, quick tags), with `file:line: message` for each problem.

use crate::error::Problem;
use crate::source::{friendly, name_problem};
use crate::span::{line_of, Seg, SpanDoc};
use crate::template::*;

const MAX_MIN: i32 = 24 * 60;
/// A late reading counts for a check at most this many minutes after its time.
const MAX_LATE_MIN: i32 = 240;

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
    if !(0..=MAX_LATE_MIN).contains(&t.late_within_min) {
        push(&[Key("late_within_min")], format!("late_within_min must be 0 to {MAX_LATE_MIN}, got {}", t.late_within_min));
    }
    if let Some(m) = name_problem("late_within_source", &t.late_within_source) {
        push(&[Key("late_within_source")], m);
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
        if let Some(l) = c.late_within_min {
            if !(0..=MAX_LATE_MIN).contains(&l) {
                push(&at("late_within_min"), format!("checkpoint `{}`: late_within_min must be 0 to {MAX_LATE_MIN}, got {l}", c.id));
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
    let mut seen_effects = std::collections::HashSet::new();
    for e in &t.effects {
        if !seen_effects.insert(*e) {
            push(&[Key("effects")], format!("effect `{}` is listed twice", e.label()));
        }
    }
    for (i, p) in t.dose_presets.iter().enumerate() {
        let at = |k: &'static str| [Key("dose_presets"), Idx(i), Key(k)];
        if p.label.trim().is_empty() || p.substance.trim().is_empty() {
            push(&at("label"), format!("dose preset {} needs a label and a substance", i + 1));
        }
        if !p.amount.is_finite() || p.amount <= 0.0 || p.amount > 10_000.0 {
            push(&at("amount"), format!("dose preset `{}`: amount must be above 0 and at most 10000, got {}", p.label, p.amount));
        }
        if !DOSE_UNITS.contains(&p.unit.as_str()) {
            push(&at("unit"), format!("dose preset `{}`: unit `{}` must be one of {}", p.label, p.unit, DOSE_UNITS.join(", ")));
        }
        if p.devices.is_some_and(|d| !(1..=MAX_DEVICES).contains(&d)) {
            push(&at("devices"), format!("dose preset `{}`: devices must be 1 to {MAX_DEVICES}", p.label));
        }
        if p.devices.is_some() && !t.dose_devices {
            push(&at("devices"), format!("dose preset `{}`: devices needs dose_devices = true", p.label));
        }
    }
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

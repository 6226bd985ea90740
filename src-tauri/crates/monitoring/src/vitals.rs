//! Vitals and ratings, their physiological range checks, and threshold flags.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::MonitoringError;
use crate::template::MeasurementKind;
use crate::thresholds::Thresholds;

/// One vitals / ratings entry. Every field is optional; blood pressure needs both halves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Vitals {
    #[serde(default)]
    pub systolic: Option<i32>,
    #[serde(default)]
    pub diastolic: Option<i32>,
    #[serde(default)]
    pub heart_rate: Option<i32>,
    #[serde(default)]
    pub spo2: Option<i32>,
    #[serde(default)]
    pub respiratory_rate: Option<i32>,
    /// Degrees Celsius.
    #[serde(default)]
    pub temperature_c: Option<f64>,
    /// MOAA/S 0-5 (see [`MOAAS_LEVELS`]).
    #[serde(default)]
    pub moaas: Option<i32>,
    /// Global dissociation rating 0-4 with the CADSS item anchors (see [`DISSOCIATION_LEVELS`]).
    #[serde(default)]
    pub dissociation: Option<i32>,
    /// Nausea 0 (none) to 10 (worst imaginable).
    #[serde(default)]
    pub nausea: Option<i32>,
    /// Distress 0 (none) to 10 (worst imaginable).
    #[serde(default)]
    pub distress: Option<i32>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A scale level and its wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScaleLevel {
    pub score: i32,
    pub wording: String,
}

/// MOAA/S levels, from clinical.md.
pub const MOAAS_LEVELS: [(i32, &str); 6] = [
    (5, "Responds readily to name spoken in a normal tone"),
    (4, "Lethargic response to name in a normal tone"),
    (3, "Responds only after name is called loudly and/or repeatedly"),
    (2, "Responds only after mild prodding or shaking"),
    (1, "Responds only after a painful trapezius squeeze"),
    (0, "No response to a painful trapezius squeeze (loss of consciousness)"),
];

/// Dissociation rating 0-4. One global clinician rating using the anchors of a CADSS item
/// (each CADSS item is rated 0-4), so the numbers mean the same as in the trials; the full
/// 23-item (or 6-item) CADSS is too long to give with eyes closed and headphones on.
pub const DISSOCIATION_LEVELS: [(i32, &str); 5] = [
    (0, "Not at all"),
    (1, "Slightly"),
    (2, "Moderately"),
    (3, "Considerably"),
    (4, "Extremely"),
];

fn levels(src: &[(i32, &str)]) -> Vec<ScaleLevel> {
    src.iter().map(|(s, w)| ScaleLevel { score: *s, wording: (*w).to_string() }).collect()
}

pub fn moaas_levels() -> Vec<ScaleLevel> {
    levels(&MOAAS_LEVELS)
}
pub fn dissociation_levels() -> Vec<ScaleLevel> {
    levels(&DISSOCIATION_LEVELS)
}
pub fn moaas_wording(score: i32) -> Option<&'static str> {
    MOAAS_LEVELS.iter().find(|(s, _)| *s == score).map(|(_, w)| *w)
}

/// Physiological ranges: values outside are impossible (typing errors) and refused.
pub const RANGES: [(&str, f64, f64, &str); 10] = [
    ("systolic", 40.0, 300.0, " mmHg"),
    ("diastolic", 20.0, 200.0, " mmHg"),
    ("heart_rate", 20.0, 250.0, " /min"),
    ("spo2", 50.0, 100.0, " %"),
    ("respiratory_rate", 2.0, 60.0, " /min"),
    ("temperature_c", 30.0, 45.0, " C"),
    ("moaas", 0.0, 5.0, ""),
    ("dissociation", 0.0, 4.0, ""),
    ("nausea", 0.0, 10.0, ""),
    ("distress", 0.0, 10.0, ""),
];

fn check(field: &'static str, v: Option<f64>) -> Result<(), MonitoringError> {
    let Some(v) = v else { return Ok(()) };
    let (_, min, max, unit) = RANGES.iter().find(|r| r.0 == field).copied().unwrap_or((field, f64::MIN, f64::MAX, ""));
    if !v.is_finite() || v < min || v > max {
        return Err(MonitoringError::OutOfRange { field, value: v, min, max, unit });
    }
    Ok(())
}

impl Vitals {
    /// Reject physiologically impossible values. Values past flag thresholds are accepted.
    pub fn validate(&self) -> Result<(), MonitoringError> {
        let f = |v: Option<i32>| v.map(f64::from);
        check("systolic", f(self.systolic))?;
        check("diastolic", f(self.diastolic))?;
        match (self.systolic, self.diastolic) {
            (Some(s), Some(d)) if d >= s => {
                return Err(MonitoringError::DiastolicNotBelowSystolic { systolic: s, diastolic: d })
            }
            (Some(_), None) => return Err(MonitoringError::IncompleteBloodPressure { missing: "diastolic" }),
            (None, Some(_)) => return Err(MonitoringError::IncompleteBloodPressure { missing: "systolic" }),
            _ => {}
        }
        check("heart_rate", f(self.heart_rate))?;
        check("spo2", f(self.spo2))?;
        check("respiratory_rate", f(self.respiratory_rate))?;
        check("temperature_c", self.temperature_c)?;
        check("moaas", f(self.moaas))?;
        check("dissociation", f(self.dissociation))?;
        check("nausea", f(self.nausea))?;
        check("distress", f(self.distress))?;
        if self.kinds().is_empty() {
            return Err(MonitoringError::EmptyReading);
        }
        Ok(())
    }

    /// The measurement kinds this entry holds (for completing checkpoints).
    pub fn kinds(&self) -> Vec<MeasurementKind> {
        let mut k = Vec::new();
        if self.systolic.is_some() && self.diastolic.is_some() {
            k.push(MeasurementKind::Bp);
        }
        if self.heart_rate.is_some() {
            k.push(MeasurementKind::Hr);
        }
        if self.spo2.is_some() {
            k.push(MeasurementKind::Spo2);
        }
        if self.respiratory_rate.is_some() {
            k.push(MeasurementKind::Rr);
        }
        if self.temperature_c.is_some() {
            k.push(MeasurementKind::Temp);
        }
        if self.moaas.is_some() {
            k.push(MeasurementKind::Moaas);
        }
        if self.dissociation.is_some() {
            k.push(MeasurementKind::Dissociation);
        }
        if self.nausea.is_some() {
            k.push(MeasurementKind::Nausea);
        }
        if self.distress.is_some() {
            k.push(MeasurementKind::Distress);
        }
        if self.note.as_deref().is_some_and(|n| !n.trim().is_empty()) {
            k.push(MeasurementKind::Note);
        }
        k
    }
}

/// A stored vitals entry: the store's entry id, its time, and the values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Reading {
    pub id: String,
    /// Same clock as the dose times (ms).
    #[ts(type = "number")]
    pub at_ms: i64,
    pub vitals: Vitals,
}

/// Which rule a flag comes from. Serialized as snake_case; part of the flag id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FlagRule {
    PreDoseSystolicHigh,
    PreDoseDiastolicHigh,
    SystolicHigh,
    DiastolicHigh,
    SystolicRise,
    DiastolicRise,
    Spo2LowTwice,
    Spo2LowOnce,
    HeartRateHigh,
    HeartRateLow,
    RespiratoryRateLow,
    RespiratoryRateHigh,
    MoaasLow,
}

impl FlagRule {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagRule::PreDoseSystolicHigh => "pre_dose_systolic_high",
            FlagRule::PreDoseDiastolicHigh => "pre_dose_diastolic_high",
            FlagRule::SystolicHigh => "systolic_high",
            FlagRule::DiastolicHigh => "diastolic_high",
            FlagRule::SystolicRise => "systolic_rise",
            FlagRule::DiastolicRise => "diastolic_rise",
            FlagRule::Spo2LowTwice => "spo2_low_twice",
            FlagRule::Spo2LowOnce => "spo2_low_once",
            FlagRule::HeartRateHigh => "heart_rate_high",
            FlagRule::HeartRateLow => "heart_rate_low",
            FlagRule::RespiratoryRateLow => "respiratory_rate_low",
            FlagRule::RespiratoryRateHigh => "respiratory_rate_high",
            FlagRule::MoaasLow => "moaas_low",
        }
    }
}

/// One threshold a reading crossed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Crossing {
    pub rule: FlagRule,
    /// The field the value comes from (`systolic`, `spo2`, ...).
    pub field: String,
    /// The value that crossed (for rises: the rise over baseline).
    pub value: f64,
    /// The threshold value it is compared with.
    pub threshold: f64,
    /// Comparison used: `>`, `>=`, `<`, `<=`.
    pub comparison: String,
    /// Human wording, e.g. "Systolic 185 is at or above 180".
    pub text: String,
    pub source: String,
}

/// A reading past one or more thresholds: one flag per reading, listing every threshold it
/// crossed, so one reading asks for one acknowledgement. Shown to the clinician, who
/// acknowledges it; never a decision.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Flag {
    /// Stable id: `<reading id>:flag` (flags recorded before one-flag-per-reading are
    /// `<reading id>:<rule>`); an acknowledgement references it.
    pub id: String,
    pub reading_id: String,
    pub crossings: Vec<Crossing>,
    /// Every crossing in one line, e.g. "Systolic 185 is at or above 180 · Diastolic 112 is
    /// at or above 110".
    pub rule_text: String,
    /// Where the thresholds come from (each source once).
    pub source: String,
}

impl Flag {
    pub fn new(reading_id: &str, crossings: Vec<Crossing>) -> Flag {
        let rule_text = crossings.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" · ");
        let mut sources: Vec<&str> = Vec::new();
        for c in &crossings {
            if !sources.contains(&c.source.as_str()) {
                sources.push(&c.source);
            }
        }
        let source = sources.join("; ");
        Flag { id: format!("{reading_id}:flag"), reading_id: reading_id.to_string(), crossings, rule_text, source }
    }

    pub fn rules(&self) -> impl Iterator<Item = FlagRule> + '_ {
        self.crossings.iter().map(|c| c.rule)
    }
}

/// A flag as stored: today's shape, or the one-threshold shape recorded before (kept
/// readable, so an old session's record reads as it was written).
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredFlag {
    PerReading { id: String, reading_id: String, crossings: Vec<Crossing>, rule_text: String, source: String },
    OneThreshold {
        id: String,
        reading_id: String,
        rule: FlagRule,
        field: String,
        value: f64,
        threshold: f64,
        comparison: String,
        rule_text: String,
        source: String,
    },
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match StoredFlag::deserialize(d)? {
            StoredFlag::PerReading { id, reading_id, crossings, rule_text, source } => {
                Flag { id, reading_id, crossings, rule_text, source }
            }
            StoredFlag::OneThreshold { id, reading_id, rule, field, value, threshold, comparison, rule_text, source } => {
                let crossing = Crossing { rule, field, value, threshold, comparison, text: rule_text.clone(), source: source.clone() };
                Flag { id, reading_id, crossings: vec![crossing], rule_text, source }
            }
        })
    }
}

/// Whether a reading was taken before the first dose or after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionPhase {
    PreDose,
    AfterDose,
}

pub fn session_phase(first_dose_ms: Option<i64>, at_ms: i64) -> SessionPhase {
    match first_dose_ms {
        Some(d) if at_ms >= d => SessionPhase::AfterDose,
        _ => SessionPhase::PreDose,
    }
}

/// The baseline blood pressure: the first pre-dose reading with both halves.
pub fn baseline_bp(readings: &[Reading], first_dose_ms: Option<i64>) -> Option<(i32, i32)> {
    readings
        .iter()
        .filter(|r| session_phase(first_dose_ms, r.at_ms) == SessionPhase::PreDose)
        .find_map(|r| match (r.vitals.systolic, r.vitals.diastolic) {
            (Some(s), Some(d)) => Some((s, d)),
            _ => None,
        })
}

/// The flag for `reading`, if it crossed any threshold, given the thresholds, the first dose
/// time (None: not dosed yet) and the readings before it (oldest first; used for the baseline
/// and consecutive SpO2).
///
/// When SpO2 is below `below_once`, only that crossing is listed (not also the "twice" one).
pub fn evaluate_flag(th: &Thresholds, first_dose_ms: Option<i64>, prior: &[Reading], reading: &Reading) -> Option<Flag> {
    let crossings = crossings(th, first_dose_ms, prior, reading);
    (!crossings.is_empty()).then(|| Flag::new(&reading.id, crossings))
}

fn crossings(th: &Thresholds, first_dose_ms: Option<i64>, prior: &[Reading], reading: &Reading) -> Vec<Crossing> {
    let mut out = Vec::new();
    let v = &reading.vitals;
    let phase = session_phase(first_dose_ms, reading.at_ms);
    let mut add = |rule: FlagRule, field: &str, value: f64, threshold: f64, cmp: &str, text: String, source: &str| {
        out.push(Crossing {
            rule,
            field: field.to_string(),
            value,
            threshold,
            comparison: cmp.to_string(),
            text,
            source: source.to_string(),
        })
    };
    let f = f64::from;
    match phase {
        SessionPhase::PreDose => {
            let t = &th.pre_dose_bp;
            if let Some(s) = v.systolic.filter(|s| *s > t.systolic_above) {
                add(FlagRule::PreDoseSystolicHigh, "systolic", f(s), f(t.systolic_above), ">", format!("Pre-dose systolic {s} is above {}", t.systolic_above), &t.source);
            }
            if let Some(d) = v.diastolic.filter(|d| *d > t.diastolic_above) {
                add(FlagRule::PreDoseDiastolicHigh, "diastolic", f(d), f(t.diastolic_above), ">", format!("Pre-dose diastolic {d} is above {}", t.diastolic_above), &t.source);
            }
        }
        SessionPhase::AfterDose => {
            let t = &th.session_bp;
            if let Some(s) = v.systolic.filter(|s| *s >= t.systolic_at_or_above) {
                add(FlagRule::SystolicHigh, "systolic", f(s), f(t.systolic_at_or_above), ">=", format!("Systolic {s} is at or above {}", t.systolic_at_or_above), &t.source);
            }
            if let Some(d) = v.diastolic.filter(|d| *d >= t.diastolic_at_or_above) {
                add(FlagRule::DiastolicHigh, "diastolic", f(d), f(t.diastolic_at_or_above), ">=", format!("Diastolic {d} is at or above {}", t.diastolic_at_or_above), &t.source);
            }
            if let Some((bs, bd)) = baseline_bp(prior, first_dose_ms) {
                let t = &th.bp_rise;
                if let Some(s) = v.systolic {
                    let rise = s.saturating_sub(bs);
                    if rise >= t.systolic_rise_at_or_above {
                        add(FlagRule::SystolicRise, "systolic", f(rise), f(t.systolic_rise_at_or_above), ">=", format!("Systolic {s} is {rise} over the baseline {bs} (flag at a rise of {} or more)", t.systolic_rise_at_or_above), &t.source);
                    }
                }
                if let Some(d) = v.diastolic {
                    let rise = d.saturating_sub(bd);
                    if rise >= t.diastolic_rise_at_or_above {
                        add(FlagRule::DiastolicRise, "diastolic", f(rise), f(t.diastolic_rise_at_or_above), ">=", format!("Diastolic {d} is {rise} over the baseline {bd} (flag at a rise of {} or more)", t.diastolic_rise_at_or_above), &t.source);
                    }
                }
            }
        }
    }
    if let Some(o) = v.spo2 {
        let t = &th.spo2;
        if o < t.below_once {
            add(FlagRule::Spo2LowOnce, "spo2", f(o), f(t.below_once), "<", format!("SpO2 {o}% is below {}%", t.below_once), &t.source);
        } else if o < t.below_twice {
            let previous = prior.iter().rev().find_map(|r| r.vitals.spo2);
            if let Some(p) = previous.filter(|p| *p < t.below_twice) {
                add(FlagRule::Spo2LowTwice, "spo2", f(o), f(t.below_twice), "<", format!("SpO2 {o}% is below {}% on two readings in a row (previous {p}%)", t.below_twice), &t.source);
            }
        }
    }
    if let Some(h) = v.heart_rate {
        let t = &th.heart_rate;
        if h > t.above {
            add(FlagRule::HeartRateHigh, "heart_rate", f(h), f(t.above), ">", format!("Heart rate {h} is above {}", t.above), &t.source);
        }
        if h < t.below {
            add(FlagRule::HeartRateLow, "heart_rate", f(h), f(t.below), "<", format!("Heart rate {h} is below {}", t.below), &t.source);
        }
    }
    if let Some(r) = v.respiratory_rate {
        let t = &th.respiratory_rate;
        if r < t.below {
            add(FlagRule::RespiratoryRateLow, "respiratory_rate", f(r), f(t.below), "<", format!("Respiratory rate {r} is below {}", t.below), &t.source);
        }
        if r > t.above {
            add(FlagRule::RespiratoryRateHigh, "respiratory_rate", f(r), f(t.above), ">", format!("Respiratory rate {r} is above {}", t.above), &t.source);
        }
    }
    if let Some(m) = v.moaas {
        let t = &th.moaas;
        if m <= t.at_or_below {
            let w = moaas_wording(m).unwrap_or("");
            add(FlagRule::MoaasLow, "moaas", f(m), f(t.at_or_below), "<=", format!("MOAA/S {m} ({w}) is at or below {}", t.at_or_below), &t.source);
        }
    }
    out
}

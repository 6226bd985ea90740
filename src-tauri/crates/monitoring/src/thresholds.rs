//! Flag thresholds: clinic-editable defaults, each with the source of its number.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::span::Seg;

pub const SRC_LABEL_GUIDE: &str = "Esketamine (Spravato) label: pre-dose BP above 140/90 is a general guide for weighing a delay";
pub const SRC_SESSION_BP: &str = "Published esketamine series use 180/110";
pub const SRC_BP_RISE: &str = "Esketamine label: 8-19% of patients rose by at least 40 systolic and/or 25 diastolic in the first 1.5 h";
pub const SRC_SPO2: &str = "Esketamine trials (under 93% twice in a row); Aldrete (under 90%)";
pub const SRC_HR: &str = "Clinic protocols (over 120 sustained, under 50)";
pub const SRC_RR: &str = "Emergency ketamine protocols";
pub const SRC_MOAAS: &str = "MOAA/S 1 or less: loss of responsiveness (scale used by the esketamine label)";

fn s(x: &str) -> String {
    x.to_string()
}

/// Pre-dose blood pressure: flag when systolic > `systolic_above` or diastolic > `diastolic_above`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PreDoseBp {
    pub systolic_above: i32,
    pub diastolic_above: i32,
    pub source: String,
}
impl Default for PreDoseBp {
    fn default() -> Self {
        PreDoseBp { systolic_above: 140, diastolic_above: 90, source: s(SRC_LABEL_GUIDE) }
    }
}

/// Blood pressure after dosing: flag at or above these values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SessionBp {
    pub systolic_at_or_above: i32,
    pub diastolic_at_or_above: i32,
    pub source: String,
}
impl Default for SessionBp {
    fn default() -> Self {
        SessionBp { systolic_at_or_above: 180, diastolic_at_or_above: 110, source: s(SRC_SESSION_BP) }
    }
}

/// Rise over the baseline (first pre-dose BP): flag at or above these rises.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BpRise {
    pub systolic_rise_at_or_above: i32,
    pub diastolic_rise_at_or_above: i32,
    pub source: String,
}
impl Default for BpRise {
    fn default() -> Self {
        BpRise { systolic_rise_at_or_above: 40, diastolic_rise_at_or_above: 25, source: s(SRC_BP_RISE) }
    }
}

/// SpO2: flag below `below_twice` on two consecutive readings, or below `below_once` at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Spo2Threshold {
    pub below_twice: i32,
    pub below_once: i32,
    pub source: String,
}
impl Default for Spo2Threshold {
    fn default() -> Self {
        Spo2Threshold { below_twice: 93, below_once: 90, source: s(SRC_SPO2) }
    }
}

/// Flag below `below` or above `above` (heart rate, respiratory rate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct LowHigh {
    pub below: i32,
    pub above: i32,
    pub source: String,
}

/// MOAA/S: flag at or below this score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MoaasThreshold {
    pub at_or_below: i32,
    pub source: String,
}
impl Default for MoaasThreshold {
    fn default() -> Self {
        MoaasThreshold { at_or_below: 1, source: s(SRC_MOAAS) }
    }
}

fn default_hr() -> LowHigh {
    LowHigh { below: 50, above: 120, source: s(SRC_HR) }
}
fn default_rr() -> LowHigh {
    LowHigh { below: 10, above: 30, source: s(SRC_RR) }
}

/// All thresholds of a template. A table left out uses the default shown in the README.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    #[serde(default)]
    pub pre_dose_bp: PreDoseBp,
    #[serde(default)]
    pub session_bp: SessionBp,
    #[serde(default)]
    pub bp_rise: BpRise,
    #[serde(default)]
    pub spo2: Spo2Threshold,
    #[serde(default = "default_hr")]
    pub heart_rate: LowHigh,
    #[serde(default = "default_rr")]
    pub respiratory_rate: LowHigh,
    #[serde(default)]
    pub moaas: MoaasThreshold,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            pre_dose_bp: PreDoseBp::default(),
            session_bp: SessionBp::default(),
            bp_rise: BpRise::default(),
            spo2: Spo2Threshold::default(),
            heart_rate: default_hr(),
            respiratory_rate: default_rr(),
            moaas: MoaasThreshold::default(),
        }
    }
}

pub(crate) fn validate_thresholds(t: &Thresholds, push: &mut dyn FnMut(&[Seg], String)) {
    use Seg::Key;
    let th = Key("thresholds");
    let mut range = |table: &'static str, field: &'static str, v: i32, lo: i32, hi: i32| {
        if v < lo || v > hi {
            push(&[th.clone(), Key(table), Key(field)], format!("thresholds.{table}.{field} = {v} is outside {lo} to {hi}"));
        }
    };
    range("pre_dose_bp", "systolic_above", t.pre_dose_bp.systolic_above, 90, 250);
    range("pre_dose_bp", "diastolic_above", t.pre_dose_bp.diastolic_above, 50, 150);
    range("session_bp", "systolic_at_or_above", t.session_bp.systolic_at_or_above, 90, 260);
    range("session_bp", "diastolic_at_or_above", t.session_bp.diastolic_at_or_above, 50, 160);
    range("bp_rise", "systolic_rise_at_or_above", t.bp_rise.systolic_rise_at_or_above, 5, 100);
    range("bp_rise", "diastolic_rise_at_or_above", t.bp_rise.diastolic_rise_at_or_above, 5, 100);
    range("spo2", "below_twice", t.spo2.below_twice, 70, 99);
    range("spo2", "below_once", t.spo2.below_once, 70, 99);
    range("heart_rate", "below", t.heart_rate.below, 20, 250);
    range("heart_rate", "above", t.heart_rate.above, 20, 250);
    range("respiratory_rate", "below", t.respiratory_rate.below, 2, 60);
    range("respiratory_rate", "above", t.respiratory_rate.above, 2, 60);
    range("moaas", "at_or_below", t.moaas.at_or_below, 0, 5);
    for (table, sys, dia) in [
        ("pre_dose_bp", t.pre_dose_bp.systolic_above, t.pre_dose_bp.diastolic_above),
        ("session_bp", t.session_bp.systolic_at_or_above, t.session_bp.diastolic_at_or_above),
    ] {
        if sys <= dia {
            push(&[th.clone(), Key(table)], format!("thresholds.{table}: the systolic limit ({sys}) must be above the diastolic limit ({dia})"));
        }
    }
    if t.session_bp.systolic_at_or_above <= t.pre_dose_bp.systolic_above {
        push(
            &[th.clone(), Key("session_bp"), Key("systolic_at_or_above")],
            format!(
                "thresholds.session_bp.systolic_at_or_above ({}) must be above thresholds.pre_dose_bp.systolic_above ({})",
                t.session_bp.systolic_at_or_above, t.pre_dose_bp.systolic_above
            ),
        );
    }
    if t.heart_rate.below >= t.heart_rate.above {
        push(&[th.clone(), Key("heart_rate"), Key("below")], format!("thresholds.heart_rate: low ({}) must be below high ({})", t.heart_rate.below, t.heart_rate.above));
    }
    if t.respiratory_rate.below >= t.respiratory_rate.above {
        push(&[th.clone(), Key("respiratory_rate"), Key("below")], format!("thresholds.respiratory_rate: low ({}) must be below high ({})", t.respiratory_rate.below, t.respiratory_rate.above));
    }
    if t.spo2.below_once > t.spo2.below_twice {
        push(&[th.clone(), Key("spo2"), Key("below_once")], format!("thresholds.spo2: below_once ({}) must not be above below_twice ({})", t.spo2.below_once, t.spo2.below_twice));
    }
    for (table, src) in [
        ("pre_dose_bp", &t.pre_dose_bp.source),
        ("session_bp", &t.session_bp.source),
        ("bp_rise", &t.bp_rise.source),
        ("spo2", &t.spo2.source),
        ("heart_rate", &t.heart_rate.source),
        ("respiratory_rate", &t.respiratory_rate.source),
        ("moaas", &t.moaas.source),
    ] {
        if src.trim().is_empty() {
            push(&[th.clone(), Key(table), Key("source")], format!("thresholds.{table}.source must say where the number comes from"));
        }
    }
}

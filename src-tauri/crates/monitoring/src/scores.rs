//! Discharge scores: Modified Aldrete and PADSS, each item 0-2.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::template::DischargeScoring;

/// One scored item with the wording of each level (index = score 0, 1, 2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScoreItem {
    pub id: String,
    pub label: String,
    pub levels: Vec<String>,
}

type Raw = (&'static str, &'static str, [&'static str; 3]);

const ALDRETE: [Raw; 5] = [
    ("aldrete.activity", "Activity", [
        "Unable to move extremities voluntarily or on command",
        "Moves 2 extremities voluntarily or on command",
        "Moves 4 extremities voluntarily or on command",
    ]),
    ("aldrete.respiration", "Respiration", [
        "Apnoeic",
        "Dyspnoea or limited breathing",
        "Able to breathe deeply and cough freely",
    ]),
    ("aldrete.circulation", "Circulation", [
        "BP more than 50% away from the pre-treatment level",
        "BP within 20-50% of the pre-treatment level",
        "BP within 20% of the pre-treatment level",
    ]),
    ("aldrete.consciousness", "Consciousness", [
        "Not responding",
        "Arousable on calling",
        "Fully awake",
    ]),
    ("aldrete.spo2", "Oxygen saturation", [
        "SpO2 below 90% even with supplemental oxygen",
        "Needs supplemental oxygen to keep SpO2 above 90%",
        "SpO2 above 92% on room air",
    ]),
];

const PADSS: [Raw; 5] = [
    ("padss.vital_signs", "Vital signs", [
        "BP and pulse more than 40% away from the pre-treatment level",
        "BP and pulse within 20-40% of the pre-treatment level",
        "BP and pulse within 20% of the pre-treatment level",
    ]),
    ("padss.activity", "Activity and mental status", [
        "Neither oriented nor steady gait",
        "Oriented and able to stand, or steady gait, but not both",
        "Oriented to person, place and time, and steady gait",
    ]),
    ("padss.pain_nausea_vomiting", "Pain, nausea and/or vomiting", [
        "Severe",
        "Moderate",
        "Minimal",
    ]),
    ("padss.bleeding", "Bleeding", [
        "Severe",
        "Moderate",
        "Minimal",
    ]),
    ("padss.intake_output", "Intake and output", [
        "Neither has had fluids nor voided",
        "Has had fluids or voided",
        "Has had fluids and voided",
    ]),
];

/// Items of a discharge score; empty for return-to-baseline.
pub fn score_items(scoring: DischargeScoring) -> Vec<ScoreItem> {
    let raw: &[Raw] = match scoring {
        DischargeScoring::ModifiedAldrete => &ALDRETE,
        DischargeScoring::Padss => &PADSS,
        DischargeScoring::ReturnToBaseline => &[],
    };
    raw.iter()
        .map(|(id, label, lv)| ScoreItem { id: (*id).into(), label: (*label).into(), levels: lv.iter().map(|s| (*s).to_string()).collect() })
        .collect()
}

pub fn score_name(scoring: DischargeScoring) -> &'static str {
    match scoring {
        DischargeScoring::ModifiedAldrete => "Modified Aldrete",
        DischargeScoring::Padss => "PADSS",
        DischargeScoring::ReturnToBaseline => "Return to baseline",
    }
}

/// The total of a score so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScoreState {
    pub scoring: DischargeScoring,
    pub name: String,
    /// Sum of the items scored so far.
    pub total: i32,
    /// Highest possible total.
    pub max: i32,
    /// Items not scored yet (ids).
    pub unscored: Vec<String>,
    /// The template's "ready at" value (default 9).
    pub ready_at: i32,
    /// All items scored and total >= ready_at. A reminder, not a decision.
    pub ready: bool,
}

/// Score a set of `(item id, score)` values. Unknown ids are ignored.
pub fn compute_score(scoring: DischargeScoring, ready_at: i32, values: &[(String, i32)]) -> ScoreState {
    let items = score_items(scoring);
    let mut total = 0;
    let mut unscored = Vec::new();
    for it in &items {
        match values.iter().rev().find(|(id, _)| *id == it.id) {
            Some((_, v)) => total += (*v).clamp(0, 2),
            None => unscored.push(it.id.clone()),
        }
    }
    ScoreState {
        scoring,
        name: score_name(scoring).into(),
        total,
        max: 2 * items.len() as i32,
        ready: unscored.is_empty() && total >= ready_at,
        unscored,
        ready_at,
    }
}

//! The esketamine protocol's REMS parts: the gate before the first dose, the effects that must
//! be recorded and resolved before discharge, the dose presets, and how a template that gets
//! them wrong is refused.

use holdspace_monitoring::*;

const MIN: i64 = 60_000;

fn esketamine() -> Template {
    let (t, p) = builtin_templates();
    assert!(p.is_empty(), "{p:?}");
    t.into_iter().find(|t| t.id == "esketamine-rems").expect("esketamine template")
}

fn esk_text() -> String {
    BUILTIN.iter().find(|(n, _)| *n == "esketamine.toml").map(|(_, t)| t.to_string()).expect("esketamine built-in")
}

fn answer(item: &str, value: &str) -> ChecklistEvent {
    ChecklistEvent { item_id: item.into(), at_ms: 0, author: "AB".into(), action: ChecklistAction::Text { value: value.into() } }
}

fn effect(effect: Effect, status: EffectStatus, min: i64) -> EffectEvent {
    EffectEvent { effect, status, at_ms: min * MIN }
}

#[test]
fn the_gate_comes_first_and_holds_the_dose_until_enrolment_is_answered() {
    let t = esketamine();
    let ids: Vec<String> = checklist_items(&t, Stage::PreDose).into_iter().map(|i| i.id).collect();
    assert_eq!(&ids[..3], ["rems.first_treatment", "rems.enrolled", "rems.prescriber_on_site"]);
    // The default list follows, with the form's medicine questions.
    assert!(ids.contains(&"meds.maois".to_string()) && ids.contains(&"escort.phone".to_string()));

    let blockers = dose_blockers(&compute_checklist_state(&t, &[]));
    assert_eq!(blockers.len(), 1, "{blockers:?}");
    assert!(blockers[0].starts_with("Enrolled in the Spravato REMS: not answered."), "{blockers:?}");

    let not_enrolled = dose_blockers(&compute_checklist_state(&t, &[answer("rems.enrolled", "not enrolled")]));
    assert_eq!(not_enrolled.len(), 1);
    assert!(not_enrolled[0].contains("not enrolled. The Spravato REMS allows treatment only of enrolled patients"), "{not_enrolled:?}");

    let enrolled = [answer("rems.enrolled", "not enrolled"), answer("rems.enrolled", "enrolled")];
    assert!(dose_blockers(&compute_checklist_state(&t, &enrolled)).is_empty());
}

#[test]
fn other_protocols_have_no_gate_and_no_effects() {
    let (all, _) = builtin_templates();
    for t in all.iter().filter(|t| t.id != "esketamine-rems") {
        assert!(dose_blockers(&compute_checklist_state(t, &[])).is_empty(), "{}", t.id);
        assert!(effect_states(t, &[]).is_empty(), "{}", t.id);
        assert!(t.dose_presets.is_empty() && !t.dose_devices, "{}", t.id);
    }
}

#[test]
fn each_effect_must_be_recorded_and_each_observed_one_resolved() {
    let t = esketamine();
    let none = effect_states(&t, &[]);
    assert_eq!(none.iter().map(|s| s.effect).collect::<Vec<_>>(), Effect::ALL);
    assert_eq!(
        effect_blockers(&none),
        [
            "Sedation: not recorded whether it was observed",
            "Dissociation: not recorded whether it was observed",
            "Respiratory depression: not recorded whether it was observed"
        ]
    );

    let events = [
        effect(Effect::Sedation, EffectStatus::Observed, 18),
        effect(Effect::Dissociation, EffectStatus::Observed, 25),
        effect(Effect::RespiratoryDepression, EffectStatus::NotObserved, 30),
        effect(Effect::Dissociation, EffectStatus::Resolved, 70),
    ];
    let states = effect_states(&t, &events);
    assert_eq!(effect_blockers(&states), ["Sedation: observed and not yet marked resolved"]);
    let dissociation = &states[1];
    assert_eq!((dissociation.observed_at_ms, dissociation.resolved_at_ms), (Some(25 * MIN), Some(70 * MIN)));
    assert_eq!(dissociation.settled_at_ms(), Some(70 * MIN));
    assert_eq!(states[2].settled_at_ms(), Some(30 * MIN));

    // Sedation resolves, comes back, and resolves again: the last resolution counts.
    let mut more = events.to_vec();
    more.extend([
        effect(Effect::Sedation, EffectStatus::Resolved, 50),
        effect(Effect::Sedation, EffectStatus::Observed, 80),
    ]);
    assert_eq!(effect_blockers(&effect_states(&t, &more)), ["Sedation: observed and not yet marked resolved"]);
    more.push(effect(Effect::Sedation, EffectStatus::Resolved, 95));
    let settled = effect_states(&t, &more);
    assert!(effect_blockers(&settled).is_empty());
    assert_eq!(settled[0].resolved_at_ms, Some(95 * MIN));
}

#[test]
fn resolved_before_observed_is_refused_with_what_to_do() {
    let t = esketamine();
    let states = effect_states(&t, &[]);
    let msg = check_effect_event(&states[0], EffectStatus::Resolved).expect_err("refused");
    assert!(msg.contains("Sedation is not recorded as observed") && msg.contains("record it as observed first"), "{msg}");
    // Replay passes over such an event rather than failing.
    let states = effect_states(&t, &[effect(Effect::Sedation, EffectStatus::Resolved, 5)]);
    assert_eq!(states[0].status, None);
}

#[test]
fn the_dose_presets_are_56_and_84_mg_as_the_form_asks() {
    let t = esketamine();
    let presets: Vec<(f64, Option<u32>)> = t.dose_presets.iter().map(|p| (p.amount, p.devices)).collect();
    assert_eq!(presets, [(56.0, Some(2)), (84.0, Some(3))]);
    assert!(t.dose_devices);
}

fn errs(text: &str) -> Vec<Problem> {
    parse_template(text, "t.toml").expect_err("should fail")
}

#[test]
fn a_template_that_gets_the_rems_parts_wrong_is_refused_naming_the_line() {
    let base = esk_text();
    let bad_gate = base.replace("blocks_dosing = [\"not enrolled\"]", "blocks_dosing = [\"unenrolled\"]");
    let p = errs(&bad_gate);
    assert!(p.iter().any(|p| p.message.contains("blocks_dosing names `unenrolled`, which is not one of its options")
        && p.line == bad_gate[..bad_gate.find("blocks_dosing = [\"unenrolled\"]").expect("line")].matches('\n').count() as u32 + 1), "{p:?}");

    let no_reason = base.replace("blocks_dosing_reason = ", "help_x = ");
    assert!(!errs(&no_reason).is_empty());

    let twice = base.replace("effects = [\"sedation\",", "effects = [\"sedation\", \"sedation\",");
    assert!(errs(&twice).iter().any(|p| p.message.contains("effect `Sedation` is listed twice")));

    let unit = base.replacen("unit = \"mg\"\ndevices = 2", "unit = \"grams\"\ndevices = 2", 1);
    assert!(errs(&unit).iter().any(|p| p.message.contains("dose preset `56 mg (2 devices)`: unit `grams` must be one of mg")));

    let devices = base.replacen("devices = 3", "devices = 30", 1);
    assert!(errs(&devices).iter().any(|p| p.message.contains("devices must be 1 to 10")));

    let unknown = base.replacen("effects = [\"sedation\",", "effects = [\"drowsiness\",", 1);
    assert!(!errs(&unknown).is_empty());
}

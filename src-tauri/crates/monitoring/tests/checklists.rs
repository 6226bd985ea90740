use holdspace_monitoring::*;

const MIN: i64 = 60_000;

fn get(id: &str) -> Template {
    let (t, p) = builtin_templates();
    assert!(p.is_empty());
    t.into_iter().find(|t| t.id == id).expect("template")
}

fn ev(item: &str, min: i64, action: ChecklistAction) -> ChecklistEvent {
    ChecklistEvent { item_id: item.into(), at_ms: min * MIN, author: "AB".into(), action }
}

/// Events that answer every required item of a stage.
fn answer_all(t: &Template, stage: Stage) -> Vec<ChecklistEvent> {
    checklist_items(t, stage)
        .into_iter()
        .filter(|i| i.required)
        .map(|i| {
            let action = match i.input {
                InputKind::Tick => ChecklistAction::Tick,
                InputKind::Text => ChecklistAction::Text { value: "Sam Doe".into() },
                InputKind::Phone => ChecklistAction::Text { value: "+1 (555) 010-9999".into() },
                InputKind::Choice => ChecklistAction::Text { value: i.options[0].clone() },
                InputKind::Number => ChecklistAction::Number { value: 100.0 },
                InputKind::Score => ChecklistAction::Number { value: 2.0 },
            };
            ev(&i.id, 0, action)
        })
        .collect()
}

#[test]
fn default_pre_dose_checklist_covers_the_brief() {
    let t = get("esketamine-rems");
    let ids: Vec<String> = checklist_items(&t, Stage::PreDose).into_iter().map(|i| i.id).collect();
    for id in [
        "screen.cardiovascular", "screen.psychosis", "screen.mania", "screen.pregnancy", "screen.substance_use", "consent",
        "fasting", "escort.name", "escort.phone", "meds.benzodiazepines", "meds.sedative_hypnotics", "meds.opioids",
        "meds.psychostimulants", "meds.maois", "baseline_vitals", "room.eye_mask", "room.emesis_bag",
        "room.pulse_oximeter", "room.phone_silenced",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id}");
    }
    let d: Vec<String> = checklist_items(&t, Stage::Discharge).into_iter().map(|i| i.id).collect();
    for id in ["discharge.vitals_acceptable", "discharge.escort_present", "discharge.no_driving", "discharge.ready_minutes",
        "baseline.speech", "baseline.awareness", "baseline.movement"] {
        assert!(d.iter().any(|i| i == id), "{id}");
    }
}

#[test]
fn replay_ticks_na_values_and_clear() {
    let t = get("esketamine-rems");
    let mut events = answer_all(&t, Stage::PreDose);
    let st = compute_checklist_state(&t, &events);
    assert!(st.stage(Stage::PreDose).expect("pre").complete);
    assert!(st.skipped.is_empty(), "{:?}", st.skipped);
    // Clearing reopens; the last event wins.
    events.push(ev("consent", 1, ChecklistAction::Clear));
    let st = compute_checklist_state(&t, &events);
    let pre = st.stage(Stage::PreDose).expect("pre");
    assert!(!pre.complete);
    assert_eq!(pre.open_required, vec!["Informed consent signed".to_string()]);
    events.push(ev("consent", 2, ChecklistAction::Tick));
    events.push(ev("screen.pregnancy", 2, ChecklistAction::NotApplicable { reason: "Not of child-bearing potential".into() }));
    let st = compute_checklist_state(&t, &events);
    let pre = st.stage(Stage::PreDose).expect("pre");
    assert!(pre.complete);
    let preg = pre.items.iter().find(|i| i.item.id == "screen.pregnancy").expect("p");
    assert!(matches!(&preg.status, ItemStatus::NotApplicable { reason } if reason.contains("child")));
    assert_eq!(preg.at_ms, Some(2 * MIN));
    assert_eq!(preg.author.as_deref(), Some("AB"));
    // Replaying the stored JSON gives the same state (restart).
    let json = serde_json::to_string(&events).expect("json");
    let back: Vec<ChecklistEvent> = serde_json::from_str(&json).expect("back");
    assert_eq!(compute_checklist_state(&t, &back), st);
    assert!(json.contains(r#""kind":"not_applicable""#), "{json}");
}

#[test]
fn invalid_events_are_refused_and_skipped_on_replay() {
    let t = get("esketamine-rems");
    let bad = [
        (ev("nope", 0, ChecklistAction::Tick), "unknown checklist item"),
        (ev("consent", 0, ChecklistAction::NotApplicable { reason: "x".into() }), "cannot be marked not applicable"),
        (ev("screen.pregnancy", 0, ChecklistAction::NotApplicable { reason: "  ".into() }), "needs a reason"),
        (ev("escort.phone", 0, ChecklistAction::Text { value: "call me".into() }), "not a phone number"),
        (ev("escort.name", 0, ChecklistAction::Tick), "needs a value"),
        (ev("escort.name", 0, ChecklistAction::Text { value: " ".into() }), "empty"),
        (ev("meds.opioids", 0, ChecklistAction::Text { value: "maybe".into() }), "choose one of"),
        (ev("discharge.ready_minutes", 0, ChecklistAction::Number { value: -1.0 }), "below the minimum"),
        (ev("discharge.ready_minutes", 0, ChecklistAction::Number { value: f64::NAN }), "not a number"),
        (ev("consent", 0, ChecklistAction::Number { value: 1.0 }), "does not take a number"),
    ];
    for (e, msg) in &bad {
        let err = validate_checklist_event(&t, e).expect_err(msg);
        assert!(err.to_string().contains(msg), "{err} / {msg}");
    }
    let events: Vec<ChecklistEvent> = bad.iter().map(|(e, _)| e.clone()).collect();
    let st = compute_checklist_state(&t, &events);
    assert_eq!(st.skipped.len(), bad.len());
    assert!(validate_checklist_event(&t, &ev("escort.phone", 0, ChecklistAction::Text { value: "07700 900123".into() })).is_ok());
}

#[test]
fn discharge_gate_time_and_items() {
    let t = get("esketamine-rems");
    let dose = 1_000 * MIN;
    let empty = compute_checklist_state(&t, &[]);
    let g = discharge_check(&t, dose, dose + 60 * MIN, &empty);
    assert!(!g.allowed);
    assert_eq!(g.minutes_remaining, 60);
    assert!(g.blockers[0].contains("60 min remaining"), "{}", g.blockers[0]);
    assert!(g.blockers.iter().any(|b| b.contains("Escort present")));
    let done = compute_checklist_state(&t, &answer_all(&t, Stage::Discharge));
    // One minute short; 30 s short rounds up to 1 min.
    let g = discharge_check(&t, dose, dose + 119 * MIN, &done);
    assert_eq!(g.blockers.len(), 1);
    assert!(g.blockers[0].contains("1 min remaining"));
    let g = discharge_check(&t, dose, dose + 120 * MIN - 30_000, &done);
    assert_eq!(g.minutes_remaining, 1);
    assert!(!g.allowed);
    let g = discharge_check(&t, dose, dose + 120 * MIN, &done);
    assert!(g.allowed, "{:?}", g.blockers);
    assert_eq!(g.minutes_remaining, 0);
    // With the schedule: the before-discharge BP must be recorded.
    let sched = Schedule::compute(&t, &[dose], dose + 120 * MIN, &[]);
    let g = discharge_check_with_schedule(&t, dose, dose + 120 * MIN, &done, &sched);
    assert!(!g.allowed);
    assert!(g.blockers[0].contains("BP before discharge"), "{:?}", g.blockers);
    let rec = Recording::reading(dose + 116 * MIN, vec![MeasurementKind::Bp]);
    let sched = Schedule::compute(&t, &[dose], dose + 120 * MIN, &[rec]);
    assert!(discharge_check_with_schedule(&t, dose, dose + 120 * MIN, &done, &sched).allowed);
}

#[test]
fn aldrete_and_padss_scoring() {
    for (tid, scoring, first) in [("iv-ketamine", DischargeScoring::ModifiedAldrete, "aldrete.activity"), ("esketamine-rems", DischargeScoring::Padss, "padss.vital_signs")] {
        let mut t = get(tid);
        t.discharge_scoring = scoring;
        let items = score_items(scoring);
        assert_eq!(items.len(), 5);
        assert!(items.iter().all(|i| i.levels.len() == 3));
        assert_eq!(items[0].id, first);
        let dose = 0;
        let base: Vec<ChecklistEvent> = answer_all(&t, Stage::Discharge).into_iter().filter(|e| !e.item_id.contains('.') || !items.iter().any(|i| i.id == e.item_id)).collect();
        let with = |scores: [i32; 5]| {
            let mut evs = base.clone();
            for (i, s) in items.iter().zip(scores) {
                evs.push(ev(&i.id, 100, ChecklistAction::Number { value: f64::from(s) }));
            }
            compute_checklist_state(&t, &evs)
        };
        // 9 is ready, 8 is not.
        let st = with([2, 2, 2, 2, 1]);
        let sc = st.score.clone().expect("score");
        assert_eq!((sc.total, sc.max, sc.ready), (9, 10, true));
        assert!(discharge_check(&t, dose, 200 * MIN, &st).allowed);
        let st = with([2, 2, 2, 1, 1]);
        let sc = st.score.clone().expect("score");
        assert_eq!((sc.total, sc.ready), (8, false));
        let g = discharge_check(&t, dose, 200 * MIN, &st);
        assert!(!g.allowed);
        assert!(g.blockers[0].contains("score 8 of 10 (ready at 9 or more)"), "{:?}", g.blockers);
        // Scores outside 0-2 or fractional are refused.
        assert!(validate_checklist_event(&t, &ev(first, 0, ChecklistAction::Number { value: 3.0 })).is_err());
        assert!(validate_checklist_event(&t, &ev(first, 0, ChecklistAction::Number { value: 1.5 })).is_err());
        // An unscored item keeps the gate closed (as an open required item).
        let mut evs = base.clone();
        evs.push(ev(first, 100, ChecklistAction::Number { value: 2.0 }));
        let st = compute_checklist_state(&t, &evs);
        assert_eq!(st.score.as_ref().expect("s").unscored.len(), 4);
        assert!(!discharge_check(&t, dose, 200 * MIN, &st).allowed);
    }
    let sc = compute_score(DischargeScoring::ModifiedAldrete, 9, &[]);
    assert!(!sc.ready);
}

#[test]
fn quick_tags_defaults_and_collisions() {
    let tags = default_quick_tags();
    assert!(tags.len() >= 13);
    assert_eq!(validate_quick_tags(&tags), Ok(()));
    for t in &tags {
        assert!(!RESERVED_KEYS.contains(&t.key.as_str()));
    }
    for id in ["tearful", "laughing", "verbalising", "movement", "eye_mask_off", "nausea", "vomited", "agitation",
        "anxiety_distress", "dizziness", "headache", "hypersalivation", "music_change_requested"] {
        assert!(tags.iter().any(|t| t.id == id), "{id}");
    }
    assert!(tags.iter().find(|t| t.id == "vomited").expect("v").adverse_event);
    assert!(!tags.iter().find(|t| t.id == "laughing").expect("l").adverse_event);
    let tag = |id: &str, key: &str| QuickTag { id: id.into(), label: id.into(), key: key.into(), adverse_event: false };
    let e = validate_quick_tags(&[tag("a", "t"), tag("b", "T")]).expect_err("collision");
    assert!(e[0].contains("already used by `a`"), "{e:?}");
    for k in ["v", "?", "space", "e", " "] {
        let e = validate_quick_tags(&[tag("a", k)]).expect_err("reserved");
        assert!(e[0].contains("reserved"), "{e:?}");
    }
    for k in ["", "ab", "!", "é"] {
        let e = validate_quick_tags(&[tag("a", k)]).expect_err("bad key");
        assert!(e[0].contains("single letter or digit"), "{k}: {e:?}");
    }
    assert!(validate_quick_tags(&[tag("a", "1"), tag("a", "2")]).is_err());
    // File form with line numbers.
    let text = "[[quick_tags]]\nid = \"a\"\nlabel = \"A\"\nkey = \"1\"\n\n[[quick_tags]]\nid = \"b\"\nlabel = \"B\"\nkey = \"1\"\n";
    let p = parse_quick_tags(text, "quick_tags.toml").expect_err("collide");
    assert_eq!(p[0].to_string(), "quick_tags.toml:6: quick tag `b`: key `1` is already used by `a`");
    let p = parse_quick_tags("[[quick_tags]]\nid = \"a\"\nlabel = \"A\"\nkee = \"1\"\n", "q.toml").expect_err("unknown");
    assert_eq!(p[0].line, 4);
    // Precedence: template list, then clinic file, then defaults.
    let dir = tempfile::tempdir().expect("d");
    assert_eq!(load_quick_tags_file(&dir.path().join("quick_tags.toml")), Ok(None));
    std::fs::write(dir.path().join("quick_tags.toml"), "[[quick_tags]]\nid = \"sleepy\"\nlabel = \"Sleepy\"\nkey = \"7\"\n").expect("w");
    let clinic = load_quick_tags_file(&dir.path().join("quick_tags.toml")).expect("ok").expect("some");
    let mut t = get("im-ketamine");
    assert_eq!(effective_quick_tags(&t, None), tags);
    assert_eq!(effective_quick_tags(&t, Some(&clinic))[0].id, "sleepy");
    t.quick_tags = Some(vec![tag("own", "1")]);
    assert_eq!(effective_quick_tags(&t, Some(&clinic))[0].id, "own");
}

#[test]
fn template_quick_tags_are_validated() {
    let text = format!(
        "{}\n[[quick_tags]]\nid = \"a\"\nlabel = \"A\"\nkey = \"v\"\n",
        BUILTIN[0].1
    );
    let p = parse_template(&text, "x.toml").expect_err("reserved");
    assert!(p[0].message.contains("reserved"), "{}", p[0]);
    assert!(p[0].line > 1);
}

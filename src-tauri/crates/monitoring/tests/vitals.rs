use holdspace_monitoring::*;

const MIN: i64 = 60_000;
const T0: i64 = 0;

fn v() -> Vitals {
    Vitals::default()
}

fn bp(s: i32, d: i32) -> Vitals {
    Vitals { systolic: Some(s), diastolic: Some(d), ..v() }
}

fn reading(id: &str, min: i64, vitals: Vitals) -> Reading {
    Reading { id: id.into(), at_ms: T0 + min * MIN, vitals }
}

fn rules(flag: &Option<Flag>) -> Vec<FlagRule> {
    flag.iter().flat_map(|f| f.rules()).collect()
}

fn after_dose(vitals: Vitals) -> Vec<FlagRule> {
    rules(&evaluate_flag(&Thresholds::default(), Some(T0), &[], &reading("r", 10, vitals)))
}

fn pre_dose(vitals: Vitals) -> Vec<FlagRule> {
    rules(&evaluate_flag(&Thresholds::default(), None, &[], &reading("r", -5, vitals)))
}

#[test]
fn range_checks_each_field_at_and_beyond_limits() {
    type Set = fn(&mut Vitals, f64);
    let cases: Vec<(&str, f64, f64, Set)> = vec![
        ("systolic", 40.0, 300.0, |x, n| { x.systolic = Some(n as i32); x.diastolic = Some(if n > 40.0 { 30 } else { 25 }) }),
        ("diastolic", 20.0, 200.0, |x, n| { x.diastolic = Some(n as i32); x.systolic = Some(250) }),
        ("heart_rate", 20.0, 250.0, |x, n| x.heart_rate = Some(n as i32)),
        ("spo2", 50.0, 100.0, |x, n| x.spo2 = Some(n as i32)),
        ("respiratory_rate", 2.0, 60.0, |x, n| x.respiratory_rate = Some(n as i32)),
        ("temperature_c", 30.0, 45.0, |x, n| x.temperature_c = Some(n)),
        ("moaas", 0.0, 5.0, |x, n| x.moaas = Some(n as i32)),
        ("dissociation", 0.0, 4.0, |x, n| x.dissociation = Some(n as i32)),
        ("nausea", 0.0, 10.0, |x, n| x.nausea = Some(n as i32)),
        ("distress", 0.0, 10.0, |x, n| x.distress = Some(n as i32)),
    ];
    for (field, lo, hi, set) in cases {
        let step = if field == "temperature_c" { 0.1 } else { 1.0 };
        for ok in [lo, hi] {
            let mut x = v();
            set(&mut x, ok);
            if field == "diastolic" && ok >= 200.0 {
                x.systolic = Some(250);
            }
            assert_eq!(x.validate(), Ok(()), "{field} {ok}");
        }
        for bad in [lo - step, hi + step] {
            let mut x = v();
            set(&mut x, bad);
            let e = x.validate().expect_err(field);
            let msg = e.to_string();
            assert!(msg.starts_with(field), "{msg}");
            assert!(msg.contains("not a possible value"), "{msg}");
        }
    }
    let mut x = v();
    x.temperature_c = Some(f64::NAN);
    assert!(x.validate().is_err());
}

#[test]
fn blood_pressure_shape() {
    assert_eq!(bp(120, 119).validate(), Ok(()));
    let e = bp(120, 120).validate().expect_err("equal");
    assert_eq!(e.to_string(), "diastolic (120) must be below systolic (120)");
    assert!(bp(100, 130).validate().is_err());
    let e = Vitals { systolic: Some(120), ..v() }.validate().expect_err("half");
    assert!(e.to_string().contains("diastolic is missing"));
    let e = Vitals { diastolic: Some(80), ..v() }.validate().expect_err("half");
    assert!(e.to_string().contains("systolic is missing"));
    assert_eq!(v().validate(), Err(MonitoringError::EmptyReading));
    assert_eq!(Vitals { note: Some("calm".into()), ..v() }.validate(), Ok(()));
    assert_eq!(bp(120, 80).kinds(), vec![MeasurementKind::Bp]);
}

#[test]
fn values_past_thresholds_are_accepted() {
    // Flagged, never refused.
    let x = Vitals { systolic: Some(220), diastolic: Some(130), heart_rate: Some(150), spo2: Some(85), respiratory_rate: Some(6), moaas: Some(0), ..v() };
    assert_eq!(x.validate(), Ok(()));
    assert!(after_dose(x).len() >= 6);
}

#[test]
fn pre_dose_bp_boundaries() {
    assert_eq!(pre_dose(bp(140, 90)), vec![]);
    assert_eq!(pre_dose(bp(141, 90)), vec![FlagRule::PreDoseSystolicHigh]);
    assert_eq!(pre_dose(bp(140, 91)), vec![FlagRule::PreDoseDiastolicHigh]);
    assert_eq!(pre_dose(bp(139, 89)), vec![]);
    // One reading, one flag, listing both halves it crossed, each source once.
    let f = evaluate_flag(&Thresholds::default(), None, &[], &reading("e1", -5, bp(150, 95))).expect("flagged");
    assert_eq!(f.id, "e1:flag");
    assert_eq!(f.crossings.len(), 2);
    assert_eq!(f.crossings[0].value, 150.0);
    assert_eq!(f.crossings[0].threshold, 140.0);
    assert_eq!(f.crossings[0].comparison, ">");
    assert_eq!(f.rule_text, "Pre-dose systolic 150 is above 140 · Pre-dose diastolic 95 is above 90");
    assert!(f.source.contains("label") && !f.source.contains(';'), "one source, once: {}", f.source);
    // After the dose the pre-dose rule no longer applies.
    assert_eq!(after_dose(bp(150, 95)), vec![]);
}

#[test]
fn session_bp_boundaries() {
    assert_eq!(after_dose(bp(179, 109)), vec![]);
    assert_eq!(after_dose(bp(180, 100)), vec![FlagRule::SystolicHigh]);
    assert_eq!(after_dose(bp(181, 100)), vec![FlagRule::SystolicHigh]);
    assert_eq!(after_dose(bp(170, 110)), vec![FlagRule::DiastolicHigh]);
    assert_eq!(after_dose(bp(170, 111)), vec![FlagRule::DiastolicHigh]);
}

#[test]
fn rise_over_baseline() {
    let th = Thresholds::default();
    let prior = vec![reading("b0", -10, bp(120, 80)), reading("b1", -5, bp(150, 100))];
    let f = |s, d| rules(&evaluate_flag(&th, Some(T0), &prior, &reading("r", 40, bp(s, d))));
    assert_eq!(f(159, 104), vec![]);
    assert_eq!(f(160, 104), vec![FlagRule::SystolicRise]);
    assert_eq!(f(161, 104), vec![FlagRule::SystolicRise]);
    assert_eq!(f(159, 105), vec![FlagRule::DiastolicRise]);
    assert_eq!(f(159, 106), vec![FlagRule::DiastolicRise]);
    assert_eq!(f(180, 110), vec![FlagRule::SystolicHigh, FlagRule::DiastolicHigh, FlagRule::SystolicRise, FlagRule::DiastolicRise]);
    let flag = evaluate_flag(&th, Some(T0), &prior, &reading("r", 40, bp(165, 80))).expect("flagged");
    assert_eq!(flag.crossings[0].value, 45.0);
    assert_eq!(flag.crossings[0].threshold, 40.0);
    assert!(flag.rule_text.contains("baseline 120"), "{}", flag.rule_text);
    // 185/112 crosses the session limit and the rise: one flag naming every threshold and
    // both sources.
    let flag = evaluate_flag(&th, Some(T0), &prior, &reading("r", 40, bp(185, 112))).expect("flagged");
    assert_eq!(flag.crossings.len(), 4, "{}", flag.rule_text);
    assert!(flag.rule_text.starts_with("Systolic 185 is at or above 180 · Diastolic 112 is at or above 110"), "{}", flag.rule_text);
    assert_eq!(flag.source.matches("; ").count(), 1, "two sources: {}", flag.source);
    // The baseline is the first pre-dose BP; post-dose readings never become the baseline.
    assert_eq!(baseline_bp(&prior, Some(T0)), Some((120, 80)));
    let only_after = vec![reading("a", 5, bp(100, 60))];
    assert_eq!(baseline_bp(&only_after, Some(T0)), None);
    assert_eq!(rules(&evaluate_flag(&th, Some(T0), &only_after, &reading("r", 40, bp(170, 100)))), vec![]);
}

fn spo2(n: i32) -> Vitals {
    Vitals { spo2: Some(n), ..v() }
}

#[test]
fn spo2_once_and_consecutive() {
    let th = Thresholds::default();
    let f = |prev: Option<i32>, cur: i32| {
        let prior: Vec<Reading> = prev.into_iter().map(|p| reading("p", 20, spo2(p))).collect();
        rules(&evaluate_flag(&th, Some(T0), &prior, &reading("r", 25, spo2(cur))))
    };
    // Below 90 once.
    assert_eq!(f(None, 90), vec![]);
    assert_eq!(f(None, 89), vec![FlagRule::Spo2LowOnce]);
    // Below 93: needs two in a row.
    assert_eq!(f(None, 92), vec![]);
    assert_eq!(f(Some(93), 92), vec![]);
    assert_eq!(f(Some(92), 93), vec![]);
    assert_eq!(f(Some(92), 92), vec![FlagRule::Spo2LowTwice]);
    assert_eq!(f(Some(89), 92), vec![FlagRule::Spo2LowTwice]);
    assert_eq!(f(Some(92), 89), vec![FlagRule::Spo2LowOnce]);
    // Readings without SpO2 in between do not break the run; a normal one does.
    let prior = vec![reading("a", 10, spo2(92)), reading("b", 15, bp(120, 80))];
    assert_eq!(rules(&evaluate_flag(&th, Some(T0), &prior, &reading("r", 20, spo2(91)))), vec![FlagRule::Spo2LowTwice]);
    let prior = vec![reading("a", 10, spo2(92)), reading("b", 15, spo2(97))];
    assert_eq!(rules(&evaluate_flag(&th, Some(T0), &prior, &reading("r", 20, spo2(91)))), vec![]);
    // Applies before the dose too.
    assert_eq!(pre_dose(spo2(88)), vec![FlagRule::Spo2LowOnce]);
}

#[test]
fn heart_rate_respiratory_rate_moaas_boundaries() {
    let hr = |n| after_dose(Vitals { heart_rate: Some(n), ..v() });
    assert_eq!(hr(120), vec![]);
    assert_eq!(hr(121), vec![FlagRule::HeartRateHigh]);
    assert_eq!(hr(119), vec![]);
    assert_eq!(hr(50), vec![]);
    assert_eq!(hr(49), vec![FlagRule::HeartRateLow]);
    assert_eq!(hr(51), vec![]);
    let rr = |n| after_dose(Vitals { respiratory_rate: Some(n), ..v() });
    assert_eq!(rr(10), vec![]);
    assert_eq!(rr(9), vec![FlagRule::RespiratoryRateLow]);
    assert_eq!(rr(11), vec![]);
    assert_eq!(rr(30), vec![]);
    assert_eq!(rr(31), vec![FlagRule::RespiratoryRateHigh]);
    assert_eq!(rr(29), vec![]);
    let m = |n| after_dose(Vitals { moaas: Some(n), ..v() });
    assert_eq!(m(2), vec![]);
    assert_eq!(m(1), vec![FlagRule::MoaasLow]);
    assert_eq!(m(0), vec![FlagRule::MoaasLow]);
    let f = evaluate_flag(&Thresholds::default(), Some(T0), &[], &reading("x", 3, Vitals { moaas: Some(1), ..v() })).expect("flagged");
    assert!(f.rule_text.contains("trapezius"), "{}", f.rule_text);
}

#[test]
fn clinic_thresholds_are_used() {
    let th = Thresholds { heart_rate: LowHigh { below: 45, above: 110, source: "Our clinic".into() }, ..Default::default() };
    let f = evaluate_flag(&th, Some(T0), &[], &reading("x", 3, Vitals { heart_rate: Some(111), ..v() })).expect("flagged");
    assert_eq!(f.crossings[0].threshold, 110.0);
    assert_eq!(f.source, "Our clinic");
    assert!(evaluate_flag(&th, Some(T0), &[], &reading("x", 3, Vitals { heart_rate: Some(47), ..v() })).is_none());
}

#[test]
fn acknowledgements() {
    let flags: Vec<Flag> = [("e1", bp(150, 95)), ("e2", Vitals { heart_rate: Some(130), ..v() })]
        .into_iter()
        .filter_map(|(id, vitals)| evaluate_flag(&Thresholds::default(), None, &[], &reading(id, -5, vitals)))
        .collect();
    let ack = FlagAck { flag_id: "e1:flag".into(), at_ms: -4 * MIN, author: "AB".into(), action_taken: Some("Rechecked after 5 min".into()) };
    let open = unacknowledged(&flags, std::slice::from_ref(&ack));
    assert_eq!(open.len(), 1, "one acknowledgement covers the whole reading");
    assert_eq!(open[0].id, "e2:flag");
    let json = serde_json::to_string(&ack).expect("json");
    assert_eq!(serde_json::from_str::<FlagAck>(&json).expect("back"), ack);
}

#[test]
fn scales_have_wordings() {
    assert_eq!(moaas_levels().len(), 6);
    assert_eq!(moaas_wording(5), Some("Responds readily to name spoken in a normal tone"));
    assert_eq!(moaas_wording(6), None);
    assert_eq!(dissociation_levels().len(), 5);
    let j = serde_json::to_value(Vitals { spo2: Some(97), ..v() }).expect("j");
    assert_eq!(j["spo2"], 97);
    assert!(serde_json::from_str::<Vitals>(r#"{"spo2": 97, "bogus": 1}"#).is_err());
}

#[test]
fn a_flag_recorded_one_threshold_at_a_time_still_reads() {
    // Flags stored before one-flag-per-reading: one threshold each, its own id.
    let old = r#"{"id":"36:systolic_high","reading_id":"36","rule":"systolic_high","field":"systolic","value":185.0,
        "threshold":180.0,"comparison":">=","rule_text":"Systolic 185 is at or above 180","source":"Published esketamine series use 180/110"}"#;
    let f: Flag = serde_json::from_str(old).expect("an old flag reads");
    assert_eq!(f.id, "36:systolic_high");
    assert_eq!(f.rules().collect::<Vec<_>>(), vec![FlagRule::SystolicHigh]);
    assert_eq!(f.rule_text, "Systolic 185 is at or above 180");
    // Today's shape round-trips.
    let now = evaluate_flag(&Thresholds::default(), Some(T0), &[], &reading("r", 10, bp(185, 112))).expect("flagged");
    let back: Flag = serde_json::from_str(&serde_json::to_string(&now).expect("json")).expect("reads back");
    assert_eq!(back, now);
}

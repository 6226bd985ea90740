use holdspace_monitoring::*;

const MIN: i64 = 60_000;
/// First dose on an epoch-like clock.
const T0: i64 = 1_790_000_000_000;

fn templates() -> Vec<Template> {
    let (t, p) = builtin_templates();
    assert!(p.is_empty(), "{p:?}");
    t
}

fn get(id: &str) -> Template {
    templates().into_iter().find(|t| t.id == id).expect("template")
}

fn status_rule(s: &CheckpointState, now: i64, dosed: bool) -> CheckpointStatus {
    if s.completed_at_ms.is_some() {
        return CheckpointStatus::Done;
    }
    if s.kind == CheckpointKind::PreDose {
        return if dosed { CheckpointStatus::Overdue } else { CheckpointStatus::Due };
    }
    if !dosed {
        return CheckpointStatus::Upcoming;
    }
    let due = s.due_ms.expect("due");
    let od = s.overdue_ms.expect("overdue");
    let late = s.late_until_ms.expect("late until");
    assert!(late >= od, "{}: a late reading counts at least until it is overdue", s.occurrence_id);
    if now < due {
        CheckpointStatus::Upcoming
    } else if now < od {
        CheckpointStatus::Due
    } else if now <= late {
        CheckpointStatus::Overdue
    } else {
        CheckpointStatus::Missed
    }
}

/// The facts the store keeps for a session.
#[derive(serde::Serialize, serde::Deserialize, Clone, PartialEq, Debug)]
struct Facts {
    doses: Vec<i64>,
    recordings: Vec<Recording>,
}

/// A whole session, minute by minute from T-10 to T+130, with a booster at T+30, one missed
/// check, and a restart at T+60 (facts through JSON, then recomputed).
fn run_session(t: &Template) {
    let mut facts = Facts { doses: vec![], recordings: vec![] };
    let booster = T0 + 30 * MIN;
    let restart = T0 + 60 * MIN;
    let mut skipped: Option<String> = None;
    let mut now = T0 - 10 * MIN;
    while now <= T0 + 130 * MIN {
        if now == T0 || now == booster {
            facts.doses.push(now);
        }
        if now == restart {
            let json = serde_json::to_string(&facts).expect("ser");
            let before = Schedule::compute(t, &facts.doses, now, &facts.recordings);
            facts = serde_json::from_str(&json).expect("de");
            let after = Schedule::compute(t, &facts.doses, now, &facts.recordings);
            assert_eq!(before, after, "{}: restart changed the state", t.id);
            assert_eq!(
                Schedule::timer_view(t, &facts.doses, now, &facts.recordings),
                Schedule::timer_view(t, &facts.doses, now, &facts.recordings)
            );
        }
        let dosed = !facts.doses.is_empty();
        let states = Schedule::compute(t, &facts.doses, now, &facts.recordings);
        // Occurrence ids are unique.
        let mut ids: Vec<&str> = states.iter().map(|s| s.occurrence_id.as_str()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(n, ids.len(), "{}: duplicate occurrence ids", t.id);
        for s in &states {
            assert_eq!(s.status, status_rule(s, now, dosed), "{} {} at {}", t.id, s.occurrence_id, (now - T0) / MIN);
        }
        // The therapist records what each due check asks, one minute after it falls due,
        // except the first due occurrence after T+45, which is missed on purpose.
        let due: Vec<&CheckpointState> = states
            .iter()
            .filter(|s| s.status == CheckpointStatus::Due && s.due_ms.is_none_or(|d| now - d >= MIN || s.kind == CheckpointKind::PreDose))
            .collect();
        for s in due {
            if skipped.is_none() && now >= T0 + 45 * MIN && s.kind != CheckpointKind::PreDose {
                skipped = Some(s.occurrence_id.clone());
                continue;
            }
            if skipped.as_deref() == Some(s.occurrence_id.as_str()) {
                continue;
            }
            facts.recordings.push(Recording::reading(now, s.record.clone()));
        }
        // The timer always has something sensible to show.
        let view = Schedule::timer_view(t, &facts.doses, now, &facts.recordings);
        if !dosed {
            assert_eq!(view.phase.name, "pre-dose");
        } else {
            assert!(t.phases.iter().any(|p| p.name == view.phase.name), "{}", view.phase.name);
        }
        now += MIN;
    }
    let end = T0 + 130 * MIN;
    let states = Schedule::compute(t, &facts.doses, end, &facts.recordings);
    let skipped = skipped.expect("a check was skipped");
    for s in &states {
        if s.occurrence_id == skipped {
            assert_eq!(s.status, CheckpointStatus::Missed, "{}: a skipped check is missed once its allowance passes", t.id);
        } else if s.due_ms.is_some_and(|d| d + 6 * MIN <= end) || s.kind == CheckpointKind::PreDose {
            assert_eq!(s.status, CheckpointStatus::Done, "{} {} not done", t.id, s.occurrence_id);
        }
    }
    // Booster handling follows the template.
    let any_shifting = t.checkpoints.iter().any(|c| c.shift_on_booster.unwrap_or(t.shift_on_booster));
    let anchored_on_booster = states.iter().any(|s| s.anchor_dose == 1);
    assert_eq!(any_shifting, anchored_on_booster, "{}", t.id);
    for s in states.iter().filter(|s| s.anchor_dose == 0 && s.kind != CheckpointKind::PreDose) {
        let c = t.checkpoints.iter().find(|c| c.id == s.checkpoint_id).expect("cp");
        if c.shift_on_booster.unwrap_or(t.shift_on_booster) {
            assert!(s.due_ms.expect("due") < booster, "{} should have moved after the booster", s.occurrence_id);
        }
    }
    // The restart in the middle gives the same end state as computing from scratch.
    let replay: Facts = serde_json::from_str(&serde_json::to_string(&facts).expect("s")).expect("d");
    assert_eq!(states, Schedule::compute(t, &replay.doses, end, &replay.recordings));
}

#[test]
fn whole_session_every_builtin_template() {
    for t in templates() {
        run_session(&t);
    }
}

#[test]
fn whole_session_every_builtin_template_with_shift_flipped() {
    for mut t in templates() {
        t.shift_on_booster = !t.shift_on_booster;
        for c in &mut t.checkpoints {
            c.shift_on_booster = None;
        }
        run_session(&t);
    }
}

fn due_offsets(states: &[CheckpointState], id: &str) -> Vec<i64> {
    states.iter().filter(|s| s.checkpoint_id == id).map(|s| (s.due_ms.expect("due") - T0) / MIN).collect()
}

#[test]
fn expected_times_per_template() {
    let im = get("im-ketamine");
    let s = Schedule::compute(&im, &[T0], T0, &[]);
    assert_eq!(due_offsets(&s, "vitals-q15"), vec![15, 30, 45, 60, 75, 90, 105, 120]);
    let iv = get("iv-ketamine");
    let s = Schedule::compute(&iv, &[T0], T0, &[]);
    assert_eq!(due_offsets(&s, "infusion-q10"), vec![10, 20, 30, 40]);
    assert_eq!(due_offsets(&s, "after-q15"), vec![55, 70, 85, 100, 115]);
    let esk = get("esketamine-rems");
    let s = Schedule::compute(&esk, &[T0], T0, &[]);
    assert_eq!(due_offsets(&s, "bp-40"), vec![40]);
    assert_eq!(due_offsets(&s, "bp-discharge"), vec![115]);
    assert_eq!(due_offsets(&s, "spo2-q15"), vec![15, 30, 45, 60, 75, 90, 105, 120]);
    let sl = get("sublingual-ketamine");
    let s = Schedule::compute(&sl, &[T0], T0, &[]);
    assert_eq!(due_offsets(&s, "spit-out"), vec![12]);
}

#[test]
fn booster_shifts_later_checks_when_the_template_says_so() {
    let im = get("im-ketamine");
    let b = T0 + 30 * MIN;
    let s = Schedule::compute(&im, &[T0, b], b, &[]);
    // 15 was before the booster; then every 15 from the booster, until 120 after it.
    assert_eq!(due_offsets(&s, "vitals-q15"), vec![15, 45, 60, 75, 90, 105, 120, 135, 150]);
    assert!(s.iter().any(|x| x.occurrence_id == "vitals-q15@1+15"));
    // pre-discharge does not shift (per-checkpoint override).
    assert_eq!(due_offsets(&s, "pre-discharge"), vec![85]);
    // Order of dose entries does not matter.
    assert_eq!(s, Schedule::compute(&im, &[b, T0], b, &[]));
    let esk = get("esketamine-rems");
    let s = Schedule::compute(&esk, &[T0, T0 + 5 * MIN], T0 + 5 * MIN, &[]);
    assert_eq!(due_offsets(&s, "bp-40"), vec![40]);
}

#[test]
fn due_and_overdue_boundaries() {
    let esk = get("esketamine-rems");
    let at = |now: i64| {
        Schedule::compute(&esk, &[T0], now, &[])
            .into_iter()
            .find(|s| s.checkpoint_id == "bp-40")
            .expect("bp-40")
            .status
    };
    assert_eq!(at(T0 + 40 * MIN - 1), CheckpointStatus::Upcoming);
    assert_eq!(at(T0 + 40 * MIN), CheckpointStatus::Due);
    assert_eq!(at(T0 + 45 * MIN - 1), CheckpointStatus::Due);
    assert_eq!(at(T0 + 45 * MIN), CheckpointStatus::Overdue);
}

#[test]
fn recording_completes_only_with_requested_measurements_in_window() {
    let esk = get("esketamine-rems");
    let rec = |min: i64, kinds: Vec<MeasurementKind>| Recording::reading(T0 + min * MIN, kinds);
    let bp40 = |recs: &[Recording]| {
        Schedule::compute(&esk, &[T0], T0 + 50 * MIN, recs).into_iter().find(|s| s.checkpoint_id == "bp-40").expect("x")
    };
    // Too early (before the 5-min window).
    assert_eq!(bp40(&[rec(34, vec![MeasurementKind::Bp])]).status, CheckpointStatus::Overdue);
    // Inside the early window.
    assert_eq!(bp40(&[rec(35, vec![MeasurementKind::Bp])]).status, CheckpointStatus::Done);
    // Missing the BP.
    assert_eq!(bp40(&[rec(41, vec![MeasurementKind::Spo2, MeasurementKind::Hr])]).status, CheckpointStatus::Overdue);
    // Late still counts.
    let s = bp40(&[rec(48, vec![MeasurementKind::Bp, MeasurementKind::Hr])]);
    assert_eq!(s.status, CheckpointStatus::Done);
    assert_eq!(s.completed_at_ms, Some(T0 + 48 * MIN));
    // Explicit occurrence id.
    let r = Recording { occurrence_id: Some("bp-40@0+40".into()), ..Recording::reading(T0 + 42 * MIN, vec![]) };
    assert_eq!(bp40(&[r]).status, CheckpointStatus::Done);
    // A late reading does not reach back past a newer occurrence of the same check: the one
    // it skipped is missed once its allowance (10 min by default) has passed.
    let s = Schedule::compute(&esk, &[T0], T0 + 50 * MIN, &[rec(44, vec![MeasurementKind::Spo2, MeasurementKind::Hr])]);
    let q = |id: &str| s.iter().find(|x| x.occurrence_id == id).expect("occ").status;
    assert_eq!(q("spo2-q15@0+30"), CheckpointStatus::Missed);
    assert_eq!(q("spo2-q15@0+45"), CheckpointStatus::Done);
    // Pre-dose baseline: only before the first dose.
    let s = Schedule::compute(&esk, &[T0], T0 + MIN, &[rec(0, vec![MeasurementKind::Bp, MeasurementKind::Hr, MeasurementKind::Spo2])]);
    assert_eq!(s[0].checkpoint_id, "bp-pre");
    assert_eq!(s[0].status, CheckpointStatus::Overdue);
    let s = Schedule::compute(&esk, &[T0], T0 + MIN, &[rec(-1, vec![MeasurementKind::Bp, MeasurementKind::Hr, MeasurementKind::Spo2])]);
    assert_eq!(s[0].status, CheckpointStatus::Done);
}

#[test]
fn next_checkpoint_and_phase() {
    let esk = get("esketamine-rems");
    // Before dosing: the baseline is what is due.
    let v = Schedule::timer_view(&esk, &[], T0 - 5 * MIN, &[]);
    assert_eq!(v.phase.name, "pre-dose");
    assert_eq!(v.next.as_ref().map(|n| n.occurrence_id.as_str()), Some("bp-pre@pre"));
    assert_eq!(v.due_count, 1);
    let base = Recording::reading(T0 - 5 * MIN, vec![MeasurementKind::Bp, MeasurementKind::Hr, MeasurementKind::Spo2]);
    let v = Schedule::timer_view(&esk, &[T0], T0 + 10 * MIN, std::slice::from_ref(&base));
    assert_eq!(v.phase.name, "onset");
    assert_eq!(v.phase.next_phase.as_deref(), Some("building"));
    assert_eq!(v.phase.next_phase_at_ms, Some(T0 + 15 * MIN));
    let n = v.next.expect("next");
    assert_eq!(n.occurrence_id, "spo2-q15@0+15");
    assert_eq!(n.countdown_ms, Some(5 * MIN));
    assert_eq!(n.status, CheckpointStatus::Upcoming);
    // Overdue comes before due and upcoming.
    let v = Schedule::timer_view(&esk, &[T0], T0 + 22 * MIN, &[base]);
    let n = v.next.expect("next");
    assert_eq!(n.status, CheckpointStatus::Overdue);
    assert_eq!(n.occurrence_id, "spo2-q15@0+15");
    assert_eq!(Schedule::current_phase(&esk, &[T0], T0 + 40 * MIN).name, "peak");
    assert_eq!(Schedule::current_phase(&esk, &[T0], T0 + 200 * MIN).name, "return");
}

#[test]
fn extreme_times_do_not_panic() {
    for t in templates() {
        for (doses, now) in [(vec![i64::MAX], i64::MIN), (vec![i64::MIN, i64::MAX], i64::MAX), (vec![], i64::MAX), (vec![0], i64::MIN)] {
            let recs = [Recording::reading(i64::MAX, vec![MeasurementKind::Bp])];
            let v = Schedule::timer_view(&t, &doses, now, &recs);
            let _ = v.next;
            let st = compute_checklist_state(&t, &[]);
            let _ = discharge_check(&t, doses.first().copied().unwrap_or(0), now, &st);
        }
    }
}

/// The session: IM template (baseline and every check before T+30 done), vitals saved
/// without MOAA/S at T+31.
fn im_at(now_min: i64, recs: &[Recording]) -> TimerView {
    let baseline = [MeasurementKind::Bp, MeasurementKind::Hr, MeasurementKind::Spo2, MeasurementKind::Rr];
    let ratings = [MeasurementKind::Dissociation, MeasurementKind::Nausea, MeasurementKind::Distress];
    let mut all = vec![reading(-5, &baseline), reading(15, &FULL), reading(30, &ratings)];
    all.extend_from_slice(recs);
    Schedule::timer_view(&get("im-ketamine"), &[T0], T0 + now_min * MIN, &all)
}

fn occ<'a>(v: &'a TimerView, id: &str) -> &'a CheckpointState {
    v.checkpoints.iter().find(|c| c.occurrence_id == id).expect("occurrence")
}

const FULL: [MeasurementKind; 4] = [MeasurementKind::Bp, MeasurementKind::Hr, MeasurementKind::Spo2, MeasurementKind::Moaas];

fn reading(min: i64, kinds: &[MeasurementKind]) -> Recording {
    Recording::reading(T0 + min * MIN, kinds.to_vec())
}

#[test]
fn a_reading_without_a_value_says_which_value_the_check_still_needs() {
    let partial = reading(31, &FULL[..3]);
    let v = im_at(36, std::slice::from_ref(&partial));
    let c = occ(&v, "vitals-q15@0+30");
    assert_eq!(c.status, CheckpointStatus::Overdue);
    assert_eq!(c.missing, vec![MeasurementKind::Moaas], "the reading lacked only MOAA/S");
    // The late allowance is the template's (10 min by default), and never before overdue.
    assert_eq!(c.late_until_ms, Some(T0 + 40 * MIN));
}

#[test]
fn a_later_complete_reading_satisfies_an_overdue_check_within_the_allowance() {
    let recs = [reading(31, &FULL[..3]), reading(38, &FULL)];
    let v = im_at(39, &recs);
    let c = occ(&v, "vitals-q15@0+30");
    assert_eq!(c.status, CheckpointStatus::Done);
    assert_eq!(c.completed_at_ms, Some(T0 + 38 * MIN));
    assert_eq!(c.late_by_ms, Some(8 * MIN), "done 8 min after its time, past the 5-min grace: late");
    assert!(c.missing.is_empty());
    assert_eq!(v.overdue_count, 0);
    // Within the grace it is on time, not late.
    let v = im_at(39, &[reading(31, &FULL[..3]), reading(34, &FULL)]);
    assert_eq!(occ(&v, "vitals-q15@0+30").late_by_ms, None);
    // Past the allowance nothing can satisfy it: the reading counts for the next check.
    let v = im_at(46, &[reading(31, &FULL[..3]), reading(45, &FULL)]);
    assert_eq!(occ(&v, "vitals-q15@0+30").status, CheckpointStatus::Missed);
    assert_eq!(occ(&v, "vitals-q15@0+45").status, CheckpointStatus::Done);
    assert_eq!((v.overdue_count, v.missed_unexplained_count), (0, 1), "missed, no longer overdue forever");
    assert_ne!(v.next.as_ref().map(|n| n.occurrence_id.as_str()), Some("vitals-q15@0+30"));
}

#[test]
fn the_clinic_sets_how_late_a_reading_may_come() {
    let mut t = get("im-ketamine");
    t.late_within_min = 20;
    let v = Schedule::timer_view(&t, &[T0], T0 + 50 * MIN, &[reading(31, &FULL[..3]), reading(44, &FULL)]);
    // 44 is within the 30-check's 20 min, and early for the 45 one: the newer check takes it.
    assert_eq!(occ(&v, "vitals-q15@0+45").status, CheckpointStatus::Done);
    assert_eq!(occ(&v, "vitals-q15@0+30").status, CheckpointStatus::Overdue, "still counts until T+50");
    let v = Schedule::timer_view(&t, &[T0], T0 + 51 * MIN, &[reading(31, &FULL[..3]), reading(44, &FULL), reading(49, &FULL)]);
    assert_eq!(occ(&v, "vitals-q15@0+30").late_by_ms, Some(19 * MIN));
    // Per checkpoint, and never shorter than the overdue grace.
    t.checkpoints.iter_mut().for_each(|c| c.late_within_min = Some(0));
    let v = Schedule::timer_view(&t, &[T0], T0 + 36 * MIN, &[]);
    assert_eq!(occ(&v, "vitals-q15@0+30").late_until_ms, Some(T0 + 35 * MIN));
    assert_eq!(occ(&v, "vitals-q15@0+30").status, CheckpointStatus::Missed);
}

#[test]
fn a_check_marked_missed_keeps_its_reason_and_takes_no_later_reading() {
    let recs = [reading(31, &FULL[..3]), Recording::missed(T0 + 36 * MIN, "vitals-q15@0+30", "asleep, not woken"), reading(38, &FULL)];
    let v = im_at(39, &recs);
    let c = occ(&v, "vitals-q15@0+30");
    assert_eq!(c.status, CheckpointStatus::Missed);
    assert_eq!(c.missed_reason.as_deref(), Some("asleep, not woken"));
    assert_eq!(c.missed_at_ms, Some(T0 + 36 * MIN));
    assert_eq!(v.missed_unexplained_count, 0);
    assert_eq!(v.overdue_count, 0);
    // A baseline never taken can be marked missed too, after the dose.
    let t = get("im-ketamine");
    let v = Schedule::timer_view(&t, &[T0], T0 + MIN, &[]);
    assert_eq!(occ(&v, "baseline@pre").status, CheckpointStatus::Overdue);
    let v = Schedule::timer_view(&t, &[T0], T0 + MIN, &[Recording::missed(T0 + MIN, "baseline@pre", "client arrived late")]);
    assert_eq!(occ(&v, "baseline@pre").status, CheckpointStatus::Missed);
}

#[test]
fn a_before_discharge_check_marked_missed_no_longer_holds_discharge() {
    let t = get("esketamine-rems");
    let now = T0 + 130 * MIN;
    let done = compute_checklist_state(&t, &[]);
    let blockers = |recs: &[Recording]| {
        let sched = Schedule::compute(&t, &[T0], now, recs);
        discharge_check_with_schedule(&t, T0, now, &done, &sched).blockers
    };
    assert!(blockers(&[]).iter().any(|b| b.contains("BP before discharge")));
    let marked = Recording::missed(now, "bp-discharge@0+115", "cuff failed; manual BP by the nurse");
    assert!(!blockers(&[marked]).iter().any(|b| b.contains("BP before discharge")));
}

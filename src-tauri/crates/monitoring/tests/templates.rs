use std::io::Write;

use holdspace_monitoring::*;

fn esk() -> String {
    BUILTIN.iter().find(|(n, _)| *n == "esketamine.toml").map(|(_, t)| t.to_string()).expect("esketamine built-in")
}

fn errs(text: &str) -> Vec<Problem> {
    parse_template(text, "t.toml").expect_err("should fail")
}

fn line_of(text: &str, needle: &str) -> u32 {
    let idx = text.find(needle).expect("needle");
    text[..idx].matches('\n').count() as u32 + 1
}

#[test]
fn builtins_parse_and_validate() {
    let (ts, problems) = builtin_templates();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(ts.len(), 4);
    let routes: Vec<Route> = ts.iter().map(|t| t.route).collect();
    for r in [Route::Intramuscular, Route::Sublingual, Route::Intravenous, Route::Intranasal] {
        assert!(routes.contains(&r));
    }
    let e = ts.iter().find(|t| t.route == Route::Intranasal).expect("esk");
    assert_eq!(e.min_observation_min, 120);
    assert!(e.checkpoints.iter().any(|c| c.kind == CheckpointKind::PreDose && c.record.contains(&MeasurementKind::Bp)));
    assert!(e.checkpoints.iter().any(|c| c.at_min == Some(40) && c.record.contains(&MeasurementKind::Bp)));
    assert!(e.checkpoints.iter().any(|c| c.kind == CheckpointKind::BeforeDischarge && c.record.contains(&MeasurementKind::Bp)));
    assert!(e.checkpoints.iter().any(|c| c.kind == CheckpointKind::Every && c.record.contains(&MeasurementKind::Spo2)));
    for t in &ts {
        // Every template round-trips through JSON (the store keeps snapshots as JSON).
        let j = serde_json::to_string(t).expect("json");
        let back: Template = serde_json::from_str(&j).expect("back");
        assert_eq!(&back, t);
        assert!(!t.summary().is_empty());
        for stage in Stage::ALL {
            assert!(!checklist_items(t, stage).is_empty());
        }
    }
}

#[test]
fn bad_toml_gives_file_and_line() {
    let text = "id = \"x\"\nname = \"y\"\nroute = = \"im\"\n";
    let p = errs(text);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].line, 3, "{}", p[0]);
    assert!(p[0].to_string().starts_with("t.toml:3: "), "{}", p[0]);
}

#[test]
fn unknown_field_is_reported_at_its_line() {
    let text = esk().replace("shift_on_booster = false", "shift_on_booster = false\ncolour = \"red\"");
    let p = errs(&text);
    assert_eq!(p[0].line, line_of(&text, "colour"), "{}", p[0]);
    assert!(p[0].message.contains("colour"), "{}", p[0]);
}

#[test]
fn unknown_field_in_checkpoint() {
    let text = esk().replace("at_min = 40\nrecord = [\"bp\"]", "at_min = 40\nrecrod = [\"bp\"]");
    let p = errs(&text);
    assert!(p[0].message.contains("recrod"), "{}", p[0]);
    assert!(p[0].line > 1, "{}", p[0]);
}

#[test]
fn missing_field_is_named() {
    let text = esk().replace("min_observation_min = 120\n", "");
    let p = errs(&text);
    assert!(p[0].message.contains("min_observation_min"), "{}", p[0]);
}

#[test]
fn wrong_type_is_reported_at_its_line() {
    let text = esk().replace("at_min = 40\nrecord = [\"bp\"]", "at_min = \"forty\"\nrecord = [\"bp\"]");
    let p = errs(&text);
    assert_eq!(p[0].line, line_of(&text, "at_min = \"forty\""), "{}", p[0]);
    let text = esk().replace("record = [\"bp\"]", "record = [\"blood\"]");
    let p = errs(&text);
    assert!(p[0].message.contains("blood"), "{}", p[0]);
    let text = esk().replace("route = \"intranasal\"", "route = \"inhaled\"");
    let p = errs(&text);
    assert_eq!(p[0].line, line_of(&text, "route ="), "{}", p[0]);
}

#[test]
fn negative_checkpoint_time() {
    let text = esk().replace("at_min = 60", "at_min = -5");
    let p = errs(&text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].line, line_of(&text, "at_min = -5"), "{}", p[0]);
    assert!(p[0].message.contains("negative"), "{}", p[0]);
}

#[test]
fn phases_out_of_order() {
    let text = esk().replace("start_min = 60", "start_min = 20");
    let p = errs(&text);
    assert_eq!(p[0].line, line_of(&text, "start_min = 20"), "{}", p[0]);
    assert!(p[0].message.contains("out of order"), "{}", p[0]);
}

#[test]
fn threshold_low_above_high() {
    let text = format!("{}\n[thresholds.heart_rate]\nbelow = 130\nabove = 120\nsource = \"x\"\n", esk());
    let p = errs(&text);
    assert_eq!(p[0].line, line_of(&text, "below = 130"), "{}", p[0]);
    assert!(p[0].message.contains("low (130) must be below high (120)"), "{}", p[0]);
    let text = format!("{}\n[thresholds.spo2]\nbelow_twice = 88\nbelow_once = 90\nsource = \"x\"\n", esk());
    assert!(errs(&text)[0].message.contains("below_once"));
    let text = format!("{}\n[thresholds.moaas]\nat_or_below = 1\nsource = \" \"\n", esk());
    assert!(errs(&text)[0].message.contains("source"));
}

#[test]
fn duplicate_ids_inside_a_template() {
    let text = esk().replace("id = \"bp-recheck\"", "id = \"bp-40\"");
    let p = errs(&text);
    assert!(p.iter().any(|p| p.message.contains("duplicate checkpoint id `bp-40`")), "{p:?}");
    let text = format!(
        "{}\n[[checklists.discharge]]\nid = \"a\"\nlabel = \"A\"\n\n[[checklists.discharge]]\nid = \"a\"\nlabel = \"B\"\n",
        esk()
    );
    let p = errs(&text);
    assert!(p.iter().any(|p| p.message.contains("duplicate checklist item id `a`")), "{p:?}");
}

#[test]
fn checkpoint_shape_errors() {
    let text = esk().replace("kind = \"once\"\nat_min = 60", "kind = \"once\"");
    assert!(errs(&text)[0].message.contains("needs at_min"));
    let text = esk().replace("until_min = 120", "until_min = 10");
    assert!(errs(&text)[0].message.contains("before from_min"));
    let text = esk().replace("every_min = 15", "every_min = 0");
    assert!(errs(&text)[0].message.contains("every_min must be at least 1"));
    let text = esk().replace("kind = \"pre_dose\"", "kind = \"pre_dose\"\nat_min = 3");
    assert!(errs(&text)[0].message.contains("does not apply"));
}

#[test]
fn hostile_inputs_never_panic() {
    for text in [
        "",
        "\u{0}\u{1}",
        "[[[[",
        "id = 1",
        "phases = 5\ncheckpoints = 3",
        "a.b.c.d.e.f.g = 1",
        &"[x]\n".repeat(3),
        &format!("id = \"{}\"", "a".repeat(100_000)),
        &"a = [".repeat(5000),
        &"a = {".repeat(5000),
        &format!("a = {}", "[".repeat(900_000)),
        &format!("a = {}", "{b=".repeat(300_000)),
        &"x = 1\n".repeat(100_000),
    ] {
        let r = parse_template(text, "h.toml");
        assert!(r.is_err());
        for p in r.unwrap_err() {
            assert!(!p.message.is_empty());
        }
    }
}

#[test]
fn huge_file_is_refused_by_size_quickly() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("huge.toml");
    {
        let f = std::fs::File::create(&path).expect("create");
        f.set_len(50 * 1024 * 1024).expect("len");
    }
    let start = std::time::Instant::now();
    let p = check_template_file(&path).expect_err("refused");
    assert!(start.elapsed().as_secs() < 2);
    assert!(p[0].message.contains("limit"), "{}", p[0]);
    assert!(p[0].to_string().contains("huge.toml"), "{}", p[0]);
    // And loading a folder with it skips it with the same message.
    let cat = load_templates(Some(dir.path()));
    assert_eq!(cat.templates.len(), 4);
    assert_eq!(cat.problems.len(), 1);
}

#[test]
fn non_utf8_and_missing_files() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("bin.toml");
    std::fs::write(&path, b"id = \"a\"\n\xff\xfe").expect("write");
    let p = check_template_file(&path).expect_err("bad");
    assert!(p[0].message.contains("UTF-8") && p[0].message.contains("byte 1 of line 2 (0xFF)"), "{}", p[0]);
    assert_eq!(p[0].line, 2);
    let p = check_template_file(&dir.path().join("nope.toml")).expect_err("missing");
    assert!(p[0].message.contains("cannot read"));
    #[cfg(unix)]
    {
        // A device that never ends: refused without reading.
        let p = check_template_file(std::path::Path::new("/dev/zero")).expect_err("endless");
        assert!(p[0].message.contains("not a regular file"), "{}", p[0]);
    }
    let p = check_template_file(dir.path()).expect_err("dir");
    assert!(p[0].message.contains("folder"));
}

#[test]
fn check_file_summary_is_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("mine.toml");
    std::fs::write(&path, esk()).expect("write");
    let s = check_template_file(&path).expect("ok");
    assert_eq!(s.id, "esketamine-rems");
    assert!(!s.to_string().contains('\n'));
    assert!(s.to_string().contains("ok"));
}

#[test]
fn clinic_folder_overrides_and_copies() {
    let dir = tempfile::tempdir().expect("dir");
    let over = esk().replace("min_observation_min = 120", "min_observation_min = 150");
    std::fs::write(dir.path().join("a_override.toml"), &over).expect("w");
    let copy = esk().replace("id = \"esketamine-rems\"", "id = \"esketamine-clinic\"");
    std::fs::write(dir.path().join("b_copy.toml"), &copy).expect("w");
    let dup = esk().replace("id = \"esketamine-rems\"", "id = \"esketamine-clinic\"");
    std::fs::write(dir.path().join("c_dup.toml"), &dup).expect("w");
    std::fs::write(dir.path().join("d_bad.toml"), "id = ").expect("w");
    std::fs::write(dir.path().join("notes.txt"), "not a template").expect("w");
    let mut f = std::fs::File::create(dir.path().join("e_unknown.toml")).expect("c");
    writeln!(f, "{}\nextra = 1", esk()).expect("w");
    let list = list_templates(Some(dir.path()));
    assert_eq!(list.templates.len(), 5, "{:?}", list.templates);
    let e = list.templates.iter().find(|t| t.id == "esketamine-rems").expect("e");
    assert!(e.overrides_builtin);
    assert!(matches!(&e.source, TemplateSource::File { path } if path.ends_with("a_override.toml")));
    assert!(list.templates.iter().any(|t| t.id == "esketamine-clinic"));
    assert!(list.templates.iter().filter(|t| matches!(t.source, TemplateSource::BuiltIn { .. })).count() == 3);
    let msgs: Vec<String> = list.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("c_dup.toml:1: duplicate template id")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("d_bad.toml:")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("e_unknown.toml:") && m.contains("extra")), "{msgs:?}");
    let cat = load_templates(Some(dir.path()));
    assert_eq!(cat.get("esketamine-rems").map(|t| t.min_observation_min), Some(150));
    // No folder, or a missing one: just the built-ins.
    assert_eq!(list_templates(None).templates.len(), 4);
    assert!(list_templates(Some(&dir.path().join("none"))).problems.is_empty());
}

#[test]
fn checklist_definition_errors() {
    let text = format!("{}\n[[checklists.pre_dose]]\nid = \"x\"\nlabel = \"X\"\ninput = \"choice\"\noptions = [\"one\"]\n", esk());
    let p = errs(&text);
    assert_eq!(p[0].line, line_of(&text, "options = [\"one\"]"), "{}", p[0]);
    let text = format!("{}\n[[checklists.pre_dose]]\nid = \"x\"\nlabel = \"X\"\ninput = \"score\"\n", esk());
    assert!(errs(&text)[0].message.contains("reserved"));
    let text = format!("{}\n[[checklists.pre_dose]]\nid = \"x\"\nlabel = \"X\"\nrequird = true\n", esk());
    assert!(errs(&text)[0].message.contains("requird"));
}

#[test]
fn impossible_numbers_and_control_characters_are_refused() {
    let base = esk();
    // Inverted pre-dose limits (systolic 41 with diastolic 199).
    let t = format!("{base}\n[thresholds.pre_dose_bp]\nsystolic_above = 141\ndiastolic_above = 199\nsource = \"x\"\n");
    let p = errs(&t);
    assert!(p.iter().any(|p| p.message.contains("thresholds.pre_dose_bp.diastolic_above = 199 is outside 50 to 150")), "{p:?}");
    assert!(p.iter().any(|p| p.message.contains("systolic limit (141) must be above the diastolic limit (199)")), "{p:?}");
    let t = format!("{base}\n[thresholds.pre_dose_bp]\nsystolic_above = 41\ndiastolic_above = 39\nsource = \"x\"\n");
    assert!(errs(&t).iter().any(|p| p.message.contains("systolic_above = 41 is outside 90 to 250")));
    // SpO2 flags at 100 would flag every healthy reading.
    let t = format!("{base}\n[thresholds.spo2]\nbelow_twice = 100\nbelow_once = 100\nsource = \"x\"\n");
    let p = errs(&t);
    assert!(p.iter().any(|p| p.message.contains("thresholds.spo2.below_twice = 100 is outside 70 to 99")), "{p:?}");
    // A before-discharge check at 1,440 min with a 120-min observation.
    let bd = base.find("kind = \"before_discharge\"").expect("before_discharge");
    let at = bd + base[bd..].find("at_min = ").expect("at_min");
    let end = at + base[at..].find('\n').expect("eol");
    let t = format!("{}at_min = 1440{}", &base[..at], &base[end..]);
    let p = errs(&t);
    assert!(p.iter().any(|p| p.line == line_of(&t, "at_min = 1440") && p.message.contains("at_min = 1440 must fall before min_observation_min (120 min)")), "{p:?}");
    // A control character in a name is named, with its line.
    let t = base.replacen("name = \"", "name = \"\\u001b[2J", 1);
    let p = errs(&t);
    assert!(p.iter().any(|p| p.message.contains("escape character")), "{p:?}");
}

#[test]
fn checklist_ranges_must_be_finite_and_ordered() {
    let base = esk();
    let t = format!("{base}\n[[checklists.pre_dose]]\nid = \"weight\"\nlabel = \"Weight\"\ninput = \"number\"\nmin = nan\nmax = inf\n");
    let p = errs(&t);
    assert!(p.iter().any(|p| p.message.contains("min = NaN must be a number from -1e9 to 1e9")), "{p:?}");
    assert!(p.iter().any(|p| p.message.contains("max = inf must be a number")), "{p:?}");
}

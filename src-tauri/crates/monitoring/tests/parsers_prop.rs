//! Property (mutation) tests of the template TOML parser: the built-in templates mutated the
//! way hand edits, bad tools and broken encodings do, 1,000 cases (a few seconds). No input may
//! panic, and every problem names a line of the file.

#[path = "support/mutate.rs"]
mod mutate;

use std::time::Instant;

use holdspace_monitoring::{parse_template, BUILTIN};
use mutate::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const CASES: u32 = 1000;

#[test]
fn template_parser_never_panics_and_every_problem_has_a_line() {
    let seeds: Vec<Vec<u8>> = BUILTIN.iter().map(|(_, t)| t.as_bytes().to_vec()).collect();
    let mut runner = TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("tmp");
    let refused = std::sync::atomic::AtomicU32::new(0);
    let result = runner.run(&(0..seeds.len(), proptest::collection::vec(mutation(), 1..6)), |(seed, muts)| {
        let bytes = apply(&seeds[seed], &muts);
        let max = line_count(&bytes);
        // Through the file (size, UTF-8) and from text.
        let f = dir.path().join("t.toml");
        std::fs::write(&f, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut problems = match holdspace_monitoring::check_template_file(&f) {
            Ok(_) => Vec::new(),
            Err(ps) => ps,
        };
        if let Ok(text) = std::str::from_utf8(&bytes) {
            if let Err(ps) = parse_template(text, "t.toml") {
                if ps.is_empty() {
                    return Err(TestCaseError::fail("an error with no problem in it"));
                }
                problems.extend(ps);
            }
        }
        if !problems.is_empty() {
            refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        for p in problems {
            if p.line < 1 || p.line > max {
                return Err(TestCaseError::fail(format!("problem without a line of the file ({max} lines): {p}")));
            }
        }
        Ok(())
    });
    let refused = refused.into_inner();
    println!("template TOML: {CASES} mutated cases in {:.2} s, {refused} refused with a line", started.elapsed().as_secs_f64());
    assert!(result.is_ok(), "{result:?}");
    assert!(refused > CASES / 4, "the mutations reach the error paths: {refused}");
}

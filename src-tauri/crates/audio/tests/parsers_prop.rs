//! Property (mutation) tests of the playlist TOML and M3U/M3U8 parsers: valid files mutated
//! the way hand edits, bad tools and broken encodings do, 1,000 cases each (a few seconds). No
//! input may panic, and every problem names a line of the file.

mod common;

use std::path::Path;
use std::time::Instant;

use common::mutate::*;
use holdspace_audio::m3u::parse_m3u;
use holdspace_audio::textfile::utf8;
use holdspace_audio::Playlist;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const CASES: u32 = 1000;

fn runner() -> TestRunner {
    TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() })
}

fn check_lines(bytes: &[u8], problems: &[holdspace_audio::Problem]) -> Result<(), TestCaseError> {
    let max = line_count(bytes);
    for p in problems {
        if p.line < 1 || p.line > max {
            return Err(TestCaseError::fail(format!("problem without a line of the file ({} lines): {p}", max)));
        }
    }
    Ok(())
}

#[test]
fn playlist_toml_parser_never_panics_and_every_problem_has_a_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../playlists");
    let seeds: Vec<Vec<u8>> = ["im-60.toml", "sublingual-90.toml", "demo/demo.toml"]
        .iter()
        .map(|n| std::fs::read(dir.join(n)).expect("shipped playlist"))
        .collect();
    let started = Instant::now();
    let mut failed = 0u32;
    let refused = std::sync::atomic::AtomicU32::new(0);
    let result = runner().run(&(0..seeds.len(), proptest::collection::vec(mutation(), 1..6)), |(seed, muts)| {
        let bytes = apply(&seeds[seed], &muts);
        let valid = std::str::from_utf8(&bytes).ok().is_some_and(|t| Playlist::parse(t, "p.toml").is_ok());
        if !valid {
            refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        match utf8(bytes.clone(), "p.toml") {
            Err(p) => check_lines(&bytes, &[p]),
            Ok(text) => match Playlist::parse(&text, "p.toml") {
                Ok(_) => Ok(()),
                Err(ps) => {
                    if ps.is_empty() {
                        return Err(TestCaseError::fail("an error with no problem in it"));
                    }
                    check_lines(&bytes, &ps)
                }
            },
        }
    });
    if result.is_err() {
        failed += 1;
    }
    let refused = refused.into_inner();
    println!("playlist TOML: {CASES} mutated cases in {:.2} s, {refused} refused with a line", started.elapsed().as_secs_f64());
    assert_eq!(failed, 0, "{result:?}");
    // The mutations reach the error paths (a test that never sees an error proves nothing).
    assert!(refused > CASES / 4, "{refused}");
}

#[test]
fn m3u_parser_never_panics_and_every_problem_has_a_line() {
    let seed = "\u{feff}#EXTM3U\r\n#EXTINF:312,Stars of the Lid - Requiem\r\nStars/Requiem 1.flac\r\n\
                # a comment\n#EXTINF:-1,Just A Title\n/abs/Ärger Straße.mp3\n\nno info.ogg\n\
                file:///music/a%20b.flac\nC:\\Music\\x.mp3\n#EXTINF:60 tvg-id=\"x\",A - B\n../up/one.wav\n"
        .as_bytes()
        .to_vec();
    let dir = tempfile::tempdir().expect("tmp");
    let started = Instant::now();
    let result = runner().run(&proptest::collection::vec(mutation(), 1..6), |muts| {
        let bytes = apply(&seed, &muts);
        // Through the file, as `.m3u8` (UTF-8 only) and as legacy `.m3u`.
        for name in ["x.m3u8", "x.m3u"] {
            let f = dir.path().join(name);
            std::fs::write(&f, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            if let Err(ps) = holdspace_audio::read_m3u(&f) {
                check_lines(&bytes, &ps)?;
            }
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let (_, ps) = parse_m3u(text, "x.m3u8", Path::new("/m"));
            check_lines(&bytes, &ps)?;
        }
        Ok(())
    });
    println!("M3U/M3U8: {CASES} mutated cases in {:.2} s", started.elapsed().as_secs_f64());
    assert!(result.is_ok(), "{result:?}");
}

//! Engine tests that capture the real output through the ALSA file plugin and measure it.
//!
//! Each test runs the engine in a child process (`holdspace-audio-harness`) with its own
//! `XDG_CONFIG_HOME`, whose `alsa/asoundrc` routes the default device to a raw S16LE file.
//! The file plugin is not paced, so every measurement is made on sample positions.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::{json, Value};

const THR: i16 = 3;

struct Rig {
    dir: tempfile::TempDir,
    capture: PathBuf,
}

impl Rig {
    fn new() -> Rig {
        let dir = tmp();
        let capture = dir.path().join("capture.raw");
        let alsa = dir.path().join("cfg/alsa");
        std::fs::create_dir_all(&alsa).expect("mkdir");
        std::fs::write(
            alsa.join("asoundrc"),
            format!(
                "pcm.!default {{ type plug; slave {{ pcm \"capfile\"; format S16_LE; rate 44100; channels 2 }} }}\n\
                 pcm.capfile {{ type file; slave.pcm \"null\"; file \"{}\"; format \"raw\" }}\n",
                capture.display()
            ),
        )
        .expect("asoundrc");
        Rig { dir, capture }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, script: Value) -> Vec<Value> {
        self.run_while(script, || {})
    }

    /// Run the harness, calling `during` while it runs.
    fn run_while(&self, script: Value, during: impl FnOnce()) -> Vec<Value> {
        let sp = self.path("script.json");
        std::fs::write(&sp, script.to_string()).expect("script");
        let child = Command::new(env!("CARGO_BIN_EXE_holdspace-audio-harness"))
            .arg(&sp)
            .env("XDG_CONFIG_HOME", self.dir.path().join("cfg"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run harness");
        during();
        let out = child.wait_with_output().expect("harness output");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "harness failed ({:?}):\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
    }

    /// Interleaved S16LE frames: (left, right).
    fn capture(&self) -> (Vec<i16>, Vec<i16>) {
        let bytes = std::fs::read(&self.capture).expect("capture file");
        let mut l = Vec::with_capacity(bytes.len() / 4);
        let mut r = Vec::with_capacity(bytes.len() / 4);
        for c in bytes.chunks_exact(4) {
            l.push(i16::from_le_bytes([c[0], c[1]]));
            r.push(i16::from_le_bytes([c[2], c[3]]));
        }
        (l, r)
    }
}

fn track(path: &Path, title: &str, phase: &str) -> Value {
    json!({"path": path, "title": title, "artist": "Test", "phase": phase, "duration_ms": null, "gain_db": null})
}

fn config(extra: Value) -> Value {
    let mut c = json!({"initial_volume": 1.0, "normalise": false, "pace_unpaced_output": 4.0});
    if let (Some(c), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            c.insert(k.clone(), v.clone());
        }
    }
    c
}

fn play_all(config: Value, crossfade: f64, tracks: Vec<Value>, analyse: Vec<PathBuf>, middle: Vec<Value>) -> Value {
    let mut steps = vec![
        json!({"do": "wait_device", "timeout_ms": 10000}),
        json!({"do": "cmd", "cmd": {"kind": "load", "queue": {"title": "t", "crossfade_seconds": crossfade, "tracks": tracks}}}),
        json!({"do": "cmd", "cmd": {"kind": "play"}}),
    ];
    steps.extend(middle);
    steps.push(json!({"do": "wait_event", "kind": "playlist_finished", "timeout_ms": 60000}));
    steps.push(json!({"do": "sleep", "ms": 300}));
    json!({"config": config, "analyse": analyse, "steps": steps})
}

fn first_loud(x: &[i16]) -> Option<usize> {
    x.iter().position(|v| v.abs() > THR)
}
fn last_loud(x: &[i16]) -> Option<usize> {
    x.iter().rposition(|v| v.abs() > THR)
}
fn peak(x: &[i16]) -> i16 {
    x.iter().map(|v| v.saturating_abs()).max().unwrap_or(0)
}

fn events_of<'a>(out: &'a [Value], kind: &str) -> Vec<&'a Value> {
    out.iter().filter_map(|v| v.get("event")).filter(|e| e["kind"] == kind).collect()
}

#[test]
fn crossfade_lasts_its_length() {
    let rig = Rig::new();
    let (a, b) = (rig.path("a left.wav"), rig.path("b right.wav"));
    // A is a tone on the left only, B on the right only: each channel shows one track's gain.
    let n = 6 * RATE as usize;
    write_wav(&a, n, |i| ((2.0 * std::f64::consts::PI * 441.0 * i as f64 / RATE as f64).sin() as f32 * 0.5, 0.0));
    write_wav(&b, n, |i| (0.0, (2.0 * std::f64::consts::PI * 661.5 * i as f64 / RATE as f64).sin() as f32 * 0.5));
    let crossfade = 3.0;
    let out = rig.run(play_all(config(json!({})), crossfade, vec![track(&a, "A", "settle"), track(&b, "B", "onset")], vec![], vec![]));
    assert_eq!(events_of(&out, "track_started").len(), 2, "{out:?}");
    let (l, r) = rig.capture();
    let b_start = first_loud(&r).expect("B never played");
    let a_end = last_loud(&l).expect("A never played");
    let measured = (a_end as f64 - b_start as f64) / RATE as f64;
    println!("crossfade: configured {crossfade} s, measured {measured:.4} s, error {:.2} ms", (measured - crossfade) * 1000.0);
    assert!((measured - crossfade).abs() < 0.020, "crossfade lasted {measured} s");
    // A is at full level just before B starts, B at full level just after A ends.
    let w = 441;
    assert!(peak(&l[b_start - w..b_start]) > 16000, "A faded early");
    assert!(peak(&r[a_end + 1..a_end + 1 + w]) > 16000, "B not at full level after the fade");
    // Equal power in the middle: both near 0.707 of full.
    let mid = (b_start + a_end) / 2;
    let (pl, pr) = (peak(&l[mid - w..mid + w]) as f64 / 16384.0, peak(&r[mid - w..mid + w]) as f64 / 16384.0);
    assert!((pl - 0.707).abs() < 0.05 && (pr - 0.707).abs() < 0.05, "mid gains {pl} {pr}");
}

#[test]
fn gapless_join_has_no_discontinuity() {
    let rig = Rig::new();
    let f = 441.0;
    let total = 4 * RATE as usize;
    let split = 77_777; // not on a zero crossing
    let sine = |i: usize| (2.0 * std::f64::consts::PI * f * i as f64 / RATE as f64).sin() as f32 * 0.5;
    let a = rig.path("part one.wav");
    let b_wav = rig.path("b.wav");
    let b = rig.path("part twö.flac");
    write_wav(&a, split, |i| (sine(i), sine(i)));
    write_wav(&b_wav, total - split, |i| (sine(i + split), sine(i + split)));
    convert(&b_wav, &b);
    let out = rig.run(play_all(config(json!({})), 0.0, vec![track(&a, "1", "peak"), track(&b, "2", "peak")], vec![], vec![]));
    assert_eq!(events_of(&out, "track_started").len(), 2, "{out:?}");
    let (l, _) = rig.capture();
    let start = first_loud(&l).expect("nothing played");
    let end = last_loud(&l).expect("nothing played");
    let played = (end - start) as f64 / RATE as f64;
    // The sine recurrence x[n] = 2cos(w)x[n-1] - x[n-2] holds across the join unless a sample
    // is missing, repeated or inserted.
    let k = 2.0 * (2.0 * std::f64::consts::PI * f / RATE as f64).cos();
    let mut worst = 0.0f64;
    for n in (start + RATE as usize)..(end - 200) {
        let res = l[n] as f64 - k * l[n - 1] as f64 + l[n - 2] as f64;
        worst = worst.max(res.abs());
    }
    println!("gapless: played {played:.4} s of {:.4} s, worst recurrence residual {worst:.1} LSB", total as f64 / RATE as f64);
    assert!(worst < 12.0, "discontinuity: residual {worst} LSB");
    // No gap was inserted: the sound lasts the length of the two files (the start ramp makes
    // the first few ms fall under the detection threshold).
    let expected = total as f64 / RATE as f64;
    assert!(played <= expected + 0.001 && played > expected - 0.02, "played {played} s");
}

fn db_envelope(x: &[i16], hop: usize, win: usize) -> Vec<f64> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + win <= x.len() {
        let e: f64 = x[i..i + win].iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / win as f64;
        out.push(10.0 * (e.max(1e-9)).log10());
        i += hop;
    }
    out
}

#[test]
fn volume_change_is_ramped() {
    let rig = Rig::new();
    let a = rig.path("tone.wav");
    tone(&a, 6.0, 441.0, 0.5);
    let ramp_ms = 300u64;
    let cfg = config(json!({"initial_volume": 0.2, "volume_ramp_ms": ramp_ms}));
    let middle = vec![
        json!({"do": "wait_position", "ms": 2000, "timeout_ms": 20000}),
        json!({"do": "cmd", "cmd": {"kind": "set_volume", "volume": 1.0}}),
    ];
    let out = rig.run(play_all(cfg, 0.0, vec![track(&a, "T", "build")], vec![], middle));
    let changes = events_of(&out, "volume_changed");
    assert_eq!(changes.len(), 1, "{out:?}");
    let (l, _) = rig.capture();
    let start = first_loud(&l).expect("nothing played") + RATE as usize; // past the start ramp
    let end = last_loud(&l).expect("nothing played") - 500;
    let hop = 100;
    let env = db_envelope(&l[start..end], hop, 400); // 400 samples = 4 periods of 441 Hz
    let low = env[..20].iter().cloned().fold(f64::MAX, f64::min);
    let high = env[env.len() - 20..].iter().cloned().fold(f64::MIN, f64::max);
    let rs = env.iter().position(|v| *v > low + 0.05).expect("no ramp start");
    let re = env.iter().position(|v| *v > high - 0.05).expect("no ramp end");
    let ramp_s = (re - rs) as f64 * hop as f64 / RATE as f64;
    let k = 2205 / hop; // 50 ms
    let mut worst = 0.0f64;
    for i in 0..env.len() - k {
        worst = worst.max((env[i + k] - env[i]).abs());
    }
    println!("volume: {:.1} dB change over {ramp_s:.3} s (configured minimum {ramp_ms} ms), max step {worst:.2} dB per 50 ms", high - low);
    assert!((high - low - 13.98).abs() < 0.5, "level change {} dB", high - low);
    assert!(ramp_s >= ramp_ms as f64 / 1000.0, "ramp took {ramp_s} s");
    assert!(worst <= 3.0, "step of {worst} dB in 50 ms");
}

fn lufs(l: &[i16], r: &[i16]) -> f64 {
    let mut m = ebur128::EbuR128::new(2, RATE, ebur128::Mode::I).expect("meter");
    let mut buf = Vec::with_capacity(l.len() * 2);
    for (a, b) in l.iter().zip(r) {
        buf.push(*a as f32 / 32768.0);
        buf.push(*b as f32 / 32768.0);
    }
    m.add_frames_f32(&buf).expect("add");
    m.loudness_global().expect("loudness")
}

#[test]
fn normalised_tracks_play_at_equal_loudness() {
    let rig = Rig::new();
    let (a, b) = (rig.path("loud.wav"), rig.path("quiet.wav"));
    tone(&a, 5.0, 1000.0, 0.5);
    tone(&b, 5.0, 1000.0, 0.5 * 10f32.powf(-16.0 / 20.0));
    let cfg = config(json!({"normalise": true}));
    let out = rig.run(play_all(cfg, 0.0, vec![track(&a, "loud", "onset"), track(&b, "quiet", "onset")], vec![a.clone(), b.clone()], vec![]));
    let analysed: Vec<f64> = out.iter().filter_map(|v| v.get("loudness")).map(|l| l["integrated_lufs"].as_f64().unwrap_or(0.0)).collect();
    assert_eq!(analysed.len(), 2);
    let (l, r) = rig.capture();
    let s = first_loud(&l).expect("nothing played");
    let sec = RATE as usize;
    let la = lufs(&l[s + sec..s + 4 * sec + sec / 2], &r[s + sec..s + 4 * sec + sec / 2]);
    let lb = lufs(&l[s + 5 * sec + sec / 2..s + 9 * sec + sec / 2], &r[s + 5 * sec + sec / 2..s + 9 * sec + sec / 2]);
    println!(
        "loudness: files {:.2} and {:.2} LUFS ({:.1} LU apart); played {la:.2} and {lb:.2} LUFS, difference {:.2} LU",
        analysed[0], analysed[1], analysed[0] - analysed[1], (la - lb).abs()
    );
    assert!((analysed[0] - analysed[1] - 16.0).abs() < 0.5);
    assert!((la - lb).abs() < 1.0, "{la} vs {lb}");
    assert!((la - -23.0).abs() < 1.0, "not at target: {la}");
}

#[test]
fn corrupt_and_missing_files_are_skipped_quickly() {
    let rig = Rig::new();
    let (a, b) = (rig.path("a.wav"), rig.path("b.wav"));
    tone(&a, 3.0, 441.0, 0.5);
    tone(&b, 3.0, 441.0, 0.5);
    let bad = rig.path("garbage.flac");
    let mut junk = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..100_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        junk.push((x >> 16) as u8);
    }
    std::fs::write(&bad, junk).expect("write junk");
    let empty = rig.path("empty.ogg");
    std::fs::write(&empty, b"").expect("write");
    let missing = rig.path("not here.wav");
    // A WAV whose header promises 3 s but whose data stops after 0.5 s.
    let truncated = rig.path("truncated.wav");
    tone(&truncated, 3.0, 441.0, 0.5);
    let len = 44 + (RATE as u64 / 2) * 4;
    std::fs::OpenOptions::new().write(true).open(&truncated).and_then(|f| f.set_len(len)).expect("truncate");
    let tracks = vec![
        track(&a, "A", "settle"),
        track(&bad, "bad", "settle"),
        track(&empty, "empty", "settle"),
        track(&truncated, "truncated", "settle"),
        track(&missing, "missing", "settle"),
        track(&b, "B", "onset"),
    ];
    let out = rig.run(play_all(config(json!({})), 0.0, tracks, vec![], vec![]));
    let skipped = events_of(&out, "track_skipped");
    assert_eq!(skipped.len(), 3, "{out:?}");
    assert_eq!(skipped[0]["reason"]["kind"], "undecodable");
    assert_eq!(skipped[2]["reason"]["kind"], "missing");
    let started: Vec<_> = events_of(&out, "track_started").iter().map(|e| e["title"].clone()).collect();
    assert_eq!(started, vec![json!("A"), json!("truncated"), json!("B")]);
    let (l, r) = rig.capture();
    let s = first_loud(&l).expect("nothing played");
    let e = last_loud(&l).expect("nothing played");
    let mut longest = 0usize;
    let mut run = 0usize;
    for i in s..e {
        if l[i].abs() <= THR && r[i].abs() <= THR {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let silence = longest as f64 / RATE as f64;
    println!("skip: longest silence between A and B {:.1} ms", silence * 1000.0);
    assert!(silence <= 2.0, "{silence} s of silence");
}

fn sine_file(path: &Path, secs: f64, freq: f64) {
    tone(path, secs, freq, 0.5);
}

#[test]
fn controls_are_ramped_and_logged_in_order() {
    let rig = Rig::new();
    let (a, b, c) = (rig.path("a.wav"), rig.path("b.wav"), rig.path("c.wav"));
    // Frequencies whose periods divide the 400-sample measuring window.
    sine_file(&a, 8.0, 441.0);
    sine_file(&b, 8.0, 551.25);
    sine_file(&c, 8.0, 661.5);
    let cfg = config(json!({"pause_ramp_ms": 500, "skip_ramp_ms": 800, "fade_to_silence_ms": 2000}));
    let wait = |ms: u64| json!({"do": "wait_position", "ms": ms, "timeout_ms": 20000});
    let cmd = |c: Value| json!({"do": "cmd", "cmd": c});
    let sleep = |ms: u64| json!({"do": "sleep", "ms": ms});
    let steps = vec![
        json!({"do": "wait_device", "timeout_ms": 10000}),
        cmd(json!({"kind": "load", "queue": {"title": "t", "crossfade_seconds": 0, "tracks": [track(&a, "A", "settle"), track(&b, "B", "onset"), track(&c, "C", "return")]}})),
        cmd(json!({"kind": "play"})),
        wait(1500),
        cmd(json!({"kind": "pause"})),
        sleep(400),
        cmd(json!({"kind": "resume"})),
        sleep(100),
        wait(3000),
        cmd(json!({"kind": "next"})),
        sleep(100),
        wait(1500),
        cmd(json!({"kind": "jump_to_phase", "phase": "return"})),
        sleep(100),
        wait(1500),
        cmd(json!({"kind": "fade_to_silence", "duration_ms": null})),
        sleep(1200),
        json!({"do": "print_status"}),
    ];
    let out = rig.run(json!({"config": cfg, "steps": steps}));
    let kinds: Vec<String> = out
        .iter()
        .filter_map(|v| v.get("event"))
        .map(|e| match e["kind"].as_str().unwrap_or("") {
            "track_started" => format!("started {}", e["title"].as_str().unwrap_or("")),
            "track_skipped" => format!("skipped {} ({})", e["title"].as_str().unwrap_or(""), e["reason"]["kind"].as_str().unwrap_or("")),
            "phase_jumped" => format!("jumped {}", e["phase"].as_str().unwrap_or("")),
            k => k.to_string(),
        })
        .collect();
    assert_eq!(
        kinds,
        vec!["started A", "paused", "resumed", "skipped A (user)", "started B", "jumped return", "skipped B (user)", "started C", "faded_to_silence"]
    );
    let status = out.iter().filter_map(|v| v.get("status")).next().expect("status");
    assert_eq!(status["state"], "silenced");
    assert_eq!(status["title"], "C");
    assert_eq!(status["phase"], "return");
    assert_eq!(status["track_index"], 2);
    assert!(status["up_next"].is_null());
    // Measure the level in 400-sample windows every 100 samples, relative to full level.
    let (l, _) = rig.capture();
    let start = first_loud(&l).expect("played");
    let end = last_loud(&l).expect("played");
    let full = 0.5 * 32767.0 / 2f64.sqrt();
    let mut lv = Vec::new();
    let mut i = start.saturating_sub(400);
    while i + 400 <= end + 400 && i + 400 <= l.len() {
        let e: f64 = l[i..i + 400].iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / 400.0;
        lv.push(e.sqrt() / full);
        i += 100;
    }
    let k = 441 / 100; // about 10 ms
    let worst = (0..lv.len() - k).map(|i| (lv[i + k] - lv[i]).abs()).fold(0.0, f64::max);
    // The pause left a stretch of silence, and the fade ended in silence.
    let quiet_windows = lv.iter().filter(|v| **v < 0.001).count();
    println!("controls: largest level change in 10 ms = {:.3} of full level; {} ms of pause silence", worst, quiet_windows * 100 * 1000 / 44100);
    assert!(worst < 0.06, "level jumped by {worst} in 10 ms");
    assert!(quiet_windows * 100 > 44100 / 2, "pause was not silent");
}

#[test]
fn seek_moves_with_a_ramp_and_next_on_the_last_track_finishes() {
    let rig = Rig::new();
    // The left channel is a slow ramp (the position in the file), the right a tone.
    let a = rig.path("ramp.wav");
    let n = 10 * RATE as usize;
    write_wav(&a, n, |i| (0.5 * i as f32 / n as f32, 0.5 * (2.0 * std::f64::consts::PI * 441.0 * i as f64 / RATE as f64).sin() as f32));
    let cfg = config(json!({"seek_ramp_ms": 400, "skip_ramp_ms": 500}));
    let steps = vec![
        json!({"do": "wait_device", "timeout_ms": 10000}),
        json!({"do": "cmd", "cmd": {"kind": "load", "queue": {"title": "t", "crossfade_seconds": 0, "tracks": [track(&a, "A", "peak")]}}}),
        json!({"do": "cmd", "cmd": {"kind": "play"}}),
        json!({"do": "wait_position", "ms": 2000, "timeout_ms": 20000}),
        json!({"do": "cmd", "cmd": {"kind": "seek", "position_ms": 7000}}),
        json!({"do": "sleep", "ms": 100}),
        json!({"do": "wait_position", "ms": 8000, "timeout_ms": 20000}),
        json!({"do": "print_status"}),
        json!({"do": "cmd", "cmd": {"kind": "next"}}),
        json!({"do": "wait_event", "kind": "playlist_finished", "timeout_ms": 20000}),
        json!({"do": "sleep", "ms": 400}),
    ];
    let out = rig.run(json!({"config": cfg, "steps": steps}));
    let status = out.iter().filter_map(|v| v.get("status")).next().expect("status");
    let pos = status["position_ms"].as_u64().unwrap_or(0);
    assert!((8000..9500).contains(&pos), "position after seek {pos}");
    assert_eq!(status["duration_ms"], 10000);
    assert_eq!(status["track_left_ms"].as_u64(), Some(10000 - pos));
    assert_eq!(status["phase_left_ms"].as_u64(), Some(10000 - pos));
    assert_eq!(events_of(&out, "track_skipped").len(), 1);
    let (l, r) = rig.capture();
    let s = first_loud(&r).expect("played");
    let e = last_loud(&r).expect("played");
    // Played about 2 s, then from 7 s to about 8 s, then a 0.5 s fade: well under 10 s.
    let played = (e - s) as f64 / RATE as f64;
    // The ramp channel never jumps: the seek is a crossfade between the two positions.
    let worst = l[s..e].windows(2).map(|w| (w[1] as i32 - w[0] as i32).abs()).max().unwrap_or(0);
    let later = l[s..e].iter().map(|v| *v as f64 / 32768.0).fold(0.0, f64::max);
    println!("seek: played {played:.2} s, largest sample step on the position channel {worst} LSB, reached {later:.3} (0.35 = 7 s)");
    assert!(played > 2.5 && played < 5.0, "played {played} s");
    assert!(later > 0.39, "never got past 7.8 s of the file: {later}");
    assert!(worst < 200, "position channel jumped by {worst}");
}

#[test]
fn playback_resumes_when_a_device_appears() {
    let rig = Rig::new();
    let good = std::fs::read_to_string(rig.dir.path().join("cfg/alsa/asoundrc")).expect("asoundrc");
    let asoundrc = rig.dir.path().join("cfg/alsa/asoundrc");
    std::fs::write(&asoundrc, "pcm.!default { type plug; slave.pcm \"holdspace_no_such_pcm\" }\n").expect("asoundrc");
    let a = rig.path("a.wav");
    tone(&a, 3.0, 441.0, 0.5);
    let script = json!({"config": config(json!({"device_poll_ms": 200})), "steps": [
        {"do": "wait_device", "timeout_ms": 10000},
        {"do": "print_status"},
        {"do": "cmd", "cmd": {"kind": "load", "queue": {"title": "t", "crossfade_seconds": 0, "tracks": [track(&a, "A", "settle")]}}},
        {"do": "cmd", "cmd": {"kind": "play"}},
        {"do": "wait_event", "kind": "device_regained", "timeout_ms": 15000},
        {"do": "wait_event", "kind": "playlist_finished", "timeout_ms": 15000},
        {"do": "sleep", "ms": 300},
    ]});
    let out = rig.run_while(script, || {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        std::fs::write(&asoundrc, &good).expect("asoundrc");
    });
    let first = out.iter().filter_map(|v| v.get("status")).next().expect("status");
    assert_eq!(first["device"]["state"], "unavailable");
    assert_eq!(events_of(&out, "device_regained").len(), 1, "{out:?}");
    let (l, _) = rig.capture();
    let s = first_loud(&l).expect("nothing played after the device appeared");
    let e = last_loud(&l).expect("played");
    let secs = (e - s) as f64 / RATE as f64;
    println!("device regained: played {secs:.3} s of a 3 s track");
    assert!(secs > 2.9, "played {secs} s");
}

#[test]
fn no_device_is_reported_and_nothing_panics() {
    let rig = Rig::new();
    std::fs::write(
        rig.dir.path().join("cfg/alsa/asoundrc"),
        "pcm.!default { type plug; slave.pcm \"holdspace_no_such_pcm\" }\n",
    )
    .expect("asoundrc");
    let a = rig.path("a.wav");
    tone(&a, 1.0, 441.0, 0.5);
    let script = json!({"config": config(json!({"device_poll_ms": 300})), "steps": [
        {"do": "wait_device", "timeout_ms": 10000},
        {"do": "print_status"},
        {"do": "cmd", "cmd": {"kind": "load", "queue": {"title": "t", "crossfade_seconds": 0, "tracks": [track(&a, "A", "settle")]}}},
        {"do": "cmd", "cmd": {"kind": "play"}},
        {"do": "cmd", "cmd": {"kind": "set_volume", "volume": 0.5}},
        {"do": "cmd", "cmd": {"kind": "fade_to_silence", "duration_ms": 1000}},
        {"do": "sleep", "ms": 800},
    ]});
    let out = rig.run(script);
    let statuses: Vec<&Value> = out.iter().filter_map(|v| v.get("status")).collect();
    assert!(statuses.len() >= 2);
    for s in &statuses {
        assert_eq!(s["device"]["state"], "unavailable", "{s}");
        // The room is told what it means; the sound library's words are kept apart.
        assert_eq!(s["device"]["message"], holdspace_audio::NO_OUTPUT, "{s}");
        let detail = s["device"]["detail"].as_str().unwrap_or("");
        assert!(!detail.is_empty() && !holdspace_audio::NO_OUTPUT.contains(detail), "{s}");
    }
    let lost = events_of(&out, "device_lost");
    assert_eq!(lost.len(), 1, "{out:?}");
    assert_eq!(lost[0]["message"], holdspace_audio::NO_OUTPUT);
    println!("no device: the library said {:?}", lost[0]["detail"]);
    assert!(!rig.capture.exists());
}

#[test]
fn hostile_commands_do_not_panic() {
    let rig = Rig::new();
    let a = rig.path("a.wav");
    tone(&a, 2.0, 441.0, 0.5);
    let cmd = |c: Value| json!({"do": "cmd", "cmd": c});
    let steps = vec![
        json!({"do": "wait_device", "timeout_ms": 10000}),
        cmd(json!({"kind": "next"})),
        cmd(json!({"kind": "previous"})),
        cmd(json!({"kind": "seek", "position_ms": 1000})),
        cmd(json!({"kind": "play"})),
        cmd(json!({"kind": "load", "queue": {"title": "t", "crossfade_seconds": 1e30, "tracks": [
            track(&rig.path("missing.wav"), "M", "settle"), track(&a, "A", "settle"), track(&a, "A2", "return")]}})),
        cmd(json!({"kind": "set_volume", "volume": 7.5})),
        cmd(json!({"kind": "play_index", "index": 999})),
        cmd(json!({"kind": "play"})),
        cmd(json!({"kind": "seek", "position_ms": u64::MAX})),
        cmd(json!({"kind": "jump_to_phase", "phase": "no such phase"})),
        cmd(json!({"kind": "fade_to_silence", "duration_ms": u64::MAX})),
        cmd(json!({"kind": "resume"})),
        cmd(json!({"kind": "set_device", "name": "no such device"})),
        cmd(json!({"kind": "set_device", "name": null})),
        cmd(json!({"kind": "previous"})),
        cmd(json!({"kind": "next"})),
        cmd(json!({"kind": "next"})),
        cmd(json!({"kind": "next"})),
        cmd(json!({"kind": "stop"})),
        cmd(json!({"kind": "stop"})),
        // Opening devices (set_device) can take longer than a fixed sleep on a loaded machine:
        // wait for the last `next` to finish the playlist, then let the stops through.
        json!({"do": "wait_event", "kind": "playlist_finished", "timeout_ms": 20000}),
        json!({"do": "sleep", "ms": 300}),
        json!({"do": "print_status"}),
    ];
    let out = rig.run(json!({"config": config(json!({"device_poll_ms": u64::MAX, "max_db_per_second": 1e-30})), "steps": steps}));
    let status = out.iter().filter_map(|v| v.get("status")).next().expect("status");
    assert_eq!(status["state"], "stopped", "{status}");
    assert!(status["volume"].as_f64().unwrap_or(9.0) <= 1.0);
    assert_eq!(events_of(&out, "playlist_finished").len(), 1, "{out:?}");
}

/// The end of a session: the music fades to silence over the fade time, then stops for good
/// (resume brings nothing back; the capture stays silent).
#[test]
fn fade_out_ramps_to_silence_over_its_time_and_stays_stopped() {
    let rig = Rig::new();
    let a = rig.path("a.wav");
    sine_file(&a, 20.0, 441.0);
    let cfg = config(json!({"fade_to_silence_ms": 2000}));
    let cmd = |c: Value| json!({"do": "cmd", "cmd": c});
    let steps = vec![
        json!({"do": "wait_device", "timeout_ms": 10000}),
        cmd(json!({"kind": "load", "queue": {"title": "t", "crossfade_seconds": 0, "tracks": [track(&a, "A", "settle")]}})),
        cmd(json!({"kind": "play"})),
        json!({"do": "wait_position", "ms": 1500, "timeout_ms": 20000}),
        cmd(json!({"kind": "fade_out", "duration_ms": null})),
        json!({"do": "sleep", "ms": 100}),
        json!({"do": "print_status"}),
        // 1.5 s here is 6 s of audio at 4x pace: the fade is long over.
        json!({"do": "sleep", "ms": 1500}),
        cmd(json!({"kind": "resume"})),
        json!({"do": "sleep", "ms": 500}),
        json!({"do": "print_status"}),
    ];
    let out = rig.run(json!({"config": cfg, "steps": steps}));
    let statuses: Vec<&Value> = out.iter().filter_map(|v| v.get("status")).collect();
    assert_eq!(statuses[0]["state"], "stopped", "stopped at once: {}", statuses[0]);
    assert_eq!(statuses[0]["fading"], true, "still fading: {}", statuses[0]);
    assert_eq!(statuses.last().map(|s| s["fading"].clone()), Some(json!(false)));
    let last = statuses.last().expect("status");
    assert_eq!(last["state"], "stopped", "resume brings nothing back: {last}");
    assert!(last["track_index"].is_null(), "no track held to resume mid-way: {last}");
    assert_eq!(events_of(&out, "resumed").len(), 0);

    let (l, _) = rig.capture();
    let full = 0.5 * 32767.0 / 2f64.sqrt();
    let level = |i: usize| (l[i..i + 400].iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / 400.0).sqrt() / full;
    let start = first_loud(&l).expect("played");
    let steps: Vec<usize> = (start..l.len().saturating_sub(400)).step_by(100).collect();
    // Past the fade-in at the start (0.7 s).
    let fading = steps.iter().copied().find(|i| *i > start + 44_100 && level(*i) < 0.95).expect("the fade began");
    let silent = steps.iter().copied().find(|i| *i > fading && level(*i) < 0.001).expect("the fade ended in silence");
    let secs = (silent - fading) as f64 / 44_100.0;
    println!("fade out: {secs:.2} s from full level to silence");
    assert!((1.5..=2.3).contains(&secs), "the fade took {secs:.2} s, not about the 2 s fade time");
    let worst = steps.windows(5).map(|w| (level(w[4]) - level(w[0])).abs()).fold(0.0, f64::max);
    assert!(worst < 0.06, "the level jumped by {worst} in 10 ms");
    // The ramp's last -60 to -80 dB take a moment; then nothing at all, resume or not.
    let after = last_loud(&l).expect("played");
    assert!(after < silent + 22_050, "sound after the fade: {} s later", (after - silent) as f64 / 44_100.0);
    assert!(l.len() > silent + 2 * 44_100, "the output kept running (silence captured) after the fade");
}

#[test]
fn the_output_closes_while_nothing_plays_and_music_comes_back_ramped() {
    let rig = Rig::new();
    let a = rig.path("a.wav");
    sine_file(&a, 20.0, 441.0);
    let cfg = config(json!({"idle_close_ms": 800}));
    let cmd = |c: Value| json!({"do": "cmd", "cmd": c});
    let steps = vec![
        json!({"do": "wait_device", "timeout_ms": 10000}),
        cmd(json!({"kind": "load", "queue": {"title": "t", "crossfade_seconds": 0, "tracks": [track(&a, "A", "settle")]}})),
        cmd(json!({"kind": "play"})),
        json!({"do": "wait_position", "ms": 2000, "timeout_ms": 20000}),
        cmd(json!({"kind": "pause"})),
        json!({"do": "sleep", "ms": 300}),
        json!({"do": "print_status"}),
        // The pause ramp (0.7 s of audio) is over, then 0.8 s with nothing to play.
        json!({"do": "sleep", "ms": 2000}),
        json!({"do": "print_status"}),
        cmd(json!({"kind": "resume"})),
        json!({"do": "wait_position", "ms": 6000, "timeout_ms": 20000}),
        json!({"do": "print_status"}),
        cmd(json!({"kind": "stop"})),
        json!({"do": "sleep", "ms": 500}),
    ];
    let out = rig.run(json!({"config": cfg, "steps": steps}));
    let statuses: Vec<&Value> = out.iter().filter_map(|v| v.get("status")).collect();
    assert!(statuses.len() >= 3, "{out:?}");
    assert_eq!(statuses[0]["device"]["standby"], false, "open while the pause ramps: {}", statuses[0]);
    assert_eq!(statuses[1]["device"]["state"], "ok", "{}", statuses[1]);
    assert_eq!(statuses[1]["device"]["standby"], true, "closed with nothing to play: {}", statuses[1]);
    assert_eq!(statuses[2]["device"]["standby"], false, "open again for the music: {}", statuses[2]);
    assert_eq!(statuses[2]["state"], "playing", "{}", statuses[2]);
    // Closing and opening again is not news for the timeline.
    assert!(events_of(&out, "device_lost").is_empty() && events_of(&out, "device_regained").is_empty(), "{out:?}");
    assert_eq!(events_of(&out, "resumed").len(), 1);

    // The capture file is written afresh when the output opens again: it holds what was heard
    // after the resume, from silence, ramped up (no step), where the pause left it.
    let (l, _) = rig.capture();
    let full = 0.5 * 32767.0 / 2f64.sqrt();
    let level = |i: usize| (l[i..i + 400].iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / 400.0).sqrt() / full;
    let start = first_loud(&l).expect("music after the resume");
    assert!(level(start) < 0.1, "the music came back at {:.2} of its level at once", level(start));
    let steps: Vec<usize> = (start..l.len().saturating_sub(400)).step_by(100).collect();
    let worst = steps.windows(5).map(|w| (level(w[4]) - level(w[0])).abs()).fold(0.0, f64::max);
    assert!(worst < 0.06, "the level jumped by {worst} in 10 ms");
    let full_at = steps.iter().copied().find(|i| level(*i) > 0.95).expect("back to full level");
    let secs = (full_at - start) as f64 / 44_100.0;
    println!("resume after the output closed: full level {secs:.2} s after the first sound");
    assert!((0.3..=1.2).contains(&secs), "the resume ramp took {secs:.2} s, not about the 0.7 s pause ramp");
}

#[test]
fn a_device_that_takes_no_float_plays_through_the_mixer() {
    // Only 16-bit integer samples in (ALSA's linear plugin): the engine's own format is
    // refused, so the output falls back to rodio's mixer at a format the device takes.
    let rig = Rig::new();
    std::fs::write(
        rig.dir.path().join("cfg/alsa/asoundrc"),
        format!(
            "pcm.!default {{ type linear; slave {{ pcm \"capfile\"; format S16_LE }} }}\n\
             pcm.capfile {{ type file; slave.pcm \"null\"; file \"{}\"; format \"raw\" }}\n",
            rig.capture.display()
        ),
    )
    .expect("asoundrc");
    let a = rig.path("a.wav");
    sine_file(&a, 2.0, 441.0);
    let out = rig.run(play_all(config(json!({})), 0.0, vec![track(&a, "A", "settle")], vec![], vec![]));
    assert_eq!(events_of(&out, "track_started").len(), 1, "{out:?}");
    assert!(events_of(&out, "device_lost").is_empty(), "{out:?}");
    let (l, r) = rig.capture();
    let (start, end) = (first_loud(&l).expect("nothing was heard"), last_loud(&l).expect("heard"));
    // Whatever rate the device took (44.1 or 48 kHz), about the track's 2 s.
    let frames = (end - start) as f64;
    assert!((1.8 * 44_100.0..=2.1 * 48_000.0).contains(&frames), "{frames} frames of sound for a 2 s track");
    let p = peak(&l[start..end]) as f64 / 32767.0;
    assert!((0.45..=0.55).contains(&p), "the tone came out at {p:.3} of full scale, not 0.5");
    assert_eq!(peak(&l[start..end]), peak(&r[start..end]), "both channels carry the tone");
}

//! A corpus of valid, odd and broken audio files, made here (sox, ffmpeg, hand-written bytes),
//! played by the engine into a captured ALSA output and measured:
//! - every valid file (every promised format at 8 to 96 kHz, mono and stereo) plays its
//!   decoded length, in order, with nothing between;
//! - every unplayable file (unsupported codecs, unidentified bytes, wrong extensions,
//!   truncations to nothing, devices and FIFOs) is one `track_skipped` event and no sound;
//! - no 50 ms window of the capture rises more than 3 dB above the running level, and nothing
//!   goes over -1 dBTP; nothing prints panic text.
//!
//! A second test plays a valid file that holds a full-scale noise burst after silence (what an
//! unidentified format used to turn into) to measure the safety stage through the device.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use holdspace_audio::decode::decode_all;
use holdspace_audio::safety::measure::{largest_jump_db, true_peak_dbtp, window_levels};
use serde_json::{json, Value};

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

    /// Run the harness; returns the JSON lines it printed and its stderr.
    fn run(&self, script: Value) -> (Vec<Value>, String) {
        let sp = self.path("script.json");
        std::fs::write(&sp, script.to_string()).expect("script");
        let out = Command::new(env!("CARGO_BIN_EXE_holdspace-audio-harness"))
            .arg(&sp)
            .env("XDG_CONFIG_HOME", self.dir.path().join("cfg"))
            .output()
            .expect("run harness");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "harness failed ({:?}):\n{stdout}\n{stderr}", out.status);
        (stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect(), stderr)
    }

    /// The capture as interleaved f32 stereo.
    fn capture(&self) -> Vec<f32> {
        let bytes = std::fs::read(&self.capture).expect("capture file");
        bytes.chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]]) as f32 / 32768.0).collect()
    }
}

fn run_tool(tool: &str, args: &[&str]) {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}): `make setup-test` installs it"));
    assert!(out.status.success(), "{tool} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}

/// 0.1 s of silence, then 0.9 s of a 330 Hz tone at about -23 dB (the room's expected level):
/// the onset of the tone marks where each file starts in the capture.
fn source(path: &Path) {
    let n = RATE as usize;
    write_wav(path, n, |i| {
        if i < RATE as usize / 10 {
            (0.0, 0.0)
        } else {
            let v = 0.1 * (2.0 * std::f64::consts::PI * 330.0 * i as f64 / RATE as f64).sin() as f32;
            (v, v)
        }
    });
}

fn noise_bytes(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect()
}

fn track(path: &Path, title: &str) -> Value {
    json!({"path": path, "title": title, "artist": "Corpus", "phase": "settle", "duration_ms": null, "gain_db": null})
}

const THR: f32 = 0.004; // about -48 dBFS: well above codec noise in silence, well under the tone

/// Position (seconds) of the first sample over the threshold after `from` seconds of silence.
fn onsets(x: &[f32], ch: usize, rate: f64) -> Vec<f64> {
    // Onsets are where the signal rises after at least 60 ms under the threshold.
    let frames = x.len() / ch;
    let quiet_needed = (0.06 * rate) as usize;
    let mut out = Vec::new();
    let mut quiet = quiet_needed;
    for f in 0..frames {
        let loud = (0..ch).any(|c| x[f * ch + c].abs() > THR);
        if loud {
            if quiet >= quiet_needed {
                out.push(f as f64 / rate);
            }
            quiet = 0;
        } else {
            quiet += 1;
        }
    }
    out
}

#[test]
fn corpus_plays_valid_files_whole_and_skips_the_rest_once() {
    let rig = Rig::new();
    let src = rig.path("source.wav");
    source(&src);
    let mut tracks: Vec<(PathBuf, bool)> = Vec::new(); // (file, playable)
    // Valid files: every promised format, at the rates and channel counts people have.
    let rates = [8000u32, 22050, 44100, 48000, 96000];
    for rate in rates {
        for ch in [1u32, 2] {
            let (r, c) = (rate.to_string(), ch.to_string());
            for ext in ["wav", "flac", "ogg", "mp3"] {
                if ext == "mp3" && rate > 48000 {
                    continue; // MP3 has no 96 kHz
                }
                let f = rig.path(&format!("valid {rate} {ch}ch.{ext}"));
                run_tool("sox", &[s(&src), "-r", &r, "-c", &c, s(&f)]);
                tracks.push((f, true));
            }
            let m4a = rig.path(&format!("valid {rate} {ch}ch.m4a"));
            run_tool("ffmpeg", &["-loglevel", "error", "-y", "-i", s(&src), "-ar", &r, "-ac", &c, "-c:a", "aac", s(&m4a)]);
            tracks.push((m4a, true));
        }
    }
    // MP3 at the low MPEG-2 / 2.5 rates, and a VBR one with a Xing header.
    for rate in ["11025", "12000", "16000", "24000"] {
        let f = rig.path(&format!("low {rate}.mp3"));
        run_tool("sox", &[s(&src), "-r", rate, "-c", "1", s(&f)]);
        tracks.push((f, true));
    }
    let vbr = rig.path("vbr.mp3");
    run_tool("sox", &[s(&src), "-C", "-4.2", s(&vbr)]);
    tracks.push((vbr, true));
    // Raw AAC (ADTS), and valid files with the wrong extension (identified by content).
    let adts = rig.path("raw.aac");
    run_tool("ffmpeg", &["-loglevel", "error", "-y", "-i", s(&src), "-c:a", "aac", "-f", "adts", s(&adts)]);
    tracks.push((adts, true));
    let ogg_as_mp3 = rig.path("really ogg.mp3");
    run_tool("sox", &[s(&src), "-t", "ogg", s(&ogg_as_mp3)]);
    tracks.push((ogg_as_mp3, true));
    let flac_as_wav = rig.path("really flac.wav");
    run_tool("sox", &[s(&src), "-t", "flac", s(&flac_as_wav)]);
    tracks.push((flac_as_wav, true));
    // A WAV truncated mid-data plays what is there (its header claims more).
    let cut = rig.path("cut.wav");
    run_tool("sox", &[s(&src), s(&cut)]);
    let len = std::fs::metadata(&cut).expect("meta").len();
    std::fs::OpenOptions::new().write(true).open(&cut).and_then(|f| f.set_len(len * 6 / 10)).expect("truncate");
    tracks.push((cut, true));

    // Unplayable files.
    let mut bad = |name: &str, bytes: Vec<u8>| {
        let f = rig.path(name);
        std::fs::write(&f, bytes).expect("write");
        tracks.push((f, false));
    };
    bad("noise raw.mp3", noise_bytes(200_000, 1));
    bad("noise raw.wav", noise_bytes(200_000, 2));
    bad("noise.flac", noise_bytes(200_000, 3));
    bad("zeros.ogg", vec![0; 100_000]);
    bad("empty.m4a", Vec::new());
    let mut tak = b"tBaK".to_vec();
    tak.extend(noise_bytes(200_000, 4));
    bad("fake.tak", tak.clone());
    bad("tak named.flac", tak);
    let mut ofr = b"OFR ".to_vec();
    ofr.extend(noise_bytes(200_000, 5));
    bad("fake.ofr", ofr);
    let mut id3 = b"ID3\x03\x00\x00\x00\x00\x02\x00".to_vec(); // a 256-byte tag, then noise
    id3.extend(vec![0u8; 256]);
    id3.extend(noise_bytes(100_000, 6));
    bad("tag then noise.mp3", id3);
    let mut riff = b"RIFF\x00\x00\x01\x00AVI ".to_vec();
    riff.extend(noise_bytes(50_000, 7));
    bad("video.wav", riff);
    let mut tracks_after = Vec::new();
    // Unsupported codecs made by real encoders.
    for (name, tool, args) in [
        ("wavpack.wv", "sox", vec!["-t", "wv"]),
        ("aiff.aiff", "sox", vec!["-t", "aiff"]),
        ("caf.caf", "sox", vec!["-t", "caf"]),
        ("sun.au", "sox", vec!["-t", "au"]),
        ("wavpack named.mp3", "sox", vec!["-t", "wv"]),
    ] {
        let f = rig.path(name);
        let mut a = vec![s(&src)];
        a.extend(args);
        a.push(s(&f));
        run_tool(tool, &a);
        tracks_after.push((f, false));
    }
    for (name, codec, fmt) in [
        ("opus.ogg", "libopus", "ogg"),
        ("alac.m4a", "alac", "ipod"),
        ("tta.tta", "tta", "tta"),
        ("mp2.mp3", "mp2", "mp2"),
        ("wavpack ff.wv", "wavpack", "wv"),
        ("ulaw.wav", "pcm_mulaw", "wav"),
    ] {
        let f = rig.path(name);
        run_tool("ffmpeg", &["-loglevel", "error", "-y", "-i", s(&src), "-ar", "48000", "-c:a", codec, "-f", fmt, s(&f)]);
        // mu-law WAV is PCM and plays; the rest are refused.
        tracks_after.push((f, codec == "pcm_mulaw"));
    }
    tracks.extend(tracks_after);
    // Truncated to nothing but the header.
    let head_only = rig.path("header only.flac");
    run_tool("sox", &[s(&src), s(&head_only)]);
    std::fs::OpenOptions::new().write(true).open(&head_only).and_then(|f| f.set_len(100)).expect("truncate");
    tracks.push((head_only, false));
    // Not regular files.
    let zero_link = rig.path("zero.mp3");
    std::os::unix::fs::symlink("/dev/zero", &zero_link).expect("symlink");
    tracks.push((zero_link, false));
    let fifo = rig.path("pipe.wav");
    run_tool("mkfifo", &[s(&fifo)]);
    tracks.push((fifo, false));
    let dir_named = rig.path("folder.flac");
    std::fs::create_dir(&dir_named).expect("mkdir");
    tracks.push((dir_named, false));

    // Interleave: bad files between good ones, and two bad ones at the very end of the queue.
    let (good, mut badf): (Vec<_>, Vec<_>) = tracks.into_iter().partition(|t| t.1);
    let last_two = badf.split_off(badf.len() - 2);
    let mut order = Vec::new();
    let mut bi = badf.into_iter();
    for g in good {
        order.push(g);
        if let Some(b) = bi.next() {
            order.push(b);
        }
    }
    order.extend(bi);
    order.extend(last_two);
    // The last good file ends the capture; make sure bad ones follow it.
    assert!(!order.last().expect("tracks").1);

    let queue: Vec<Value> = order.iter().enumerate().map(|(i, (p, _))| track(p, &format!("{i}"))).collect();
    // At 4x real time each 1 s file lasts 250 ms of wall time: enough for the engine to prepare
    // the next one even on a loaded 2-core machine (at 8x, a late preparation showed as a gap).
    let script = json!({
        "config": {"initial_volume": 1.0, "normalise": false, "pace_unpaced_output": 4.0},
        "steps": [
            {"do": "wait_device", "timeout_ms": 10000},
            {"do": "cmd", "cmd": {"kind": "load", "queue": {"title": "corpus", "crossfade_seconds": 0, "tracks": queue}}},
            {"do": "cmd", "cmd": {"kind": "play"}},
            {"do": "wait_event", "kind": "playlist_finished", "timeout_ms": 120000},
            {"do": "sleep", "ms": 300},
        ]
    });
    let (out, stderr) = rig.run(script);
    let events: Vec<&Value> = out.iter().filter_map(|v| v.get("event")).collect();
    let started: Vec<usize> = events
        .iter()
        .filter(|e| e["kind"] == "track_started")
        .filter_map(|e| e["index"].as_u64().map(|i| i as usize))
        .collect();
    let skipped: Vec<(usize, String)> = events
        .iter()
        .filter(|e| e["kind"] == "track_skipped")
        .filter_map(|e| Some((e["index"].as_u64()? as usize, e["reason"]["message"].as_str().unwrap_or("").to_string())))
        .collect();
    let expect_started: Vec<usize> = order.iter().enumerate().filter(|(_, t)| t.1).map(|(i, _)| i).collect();
    let expect_skipped: Vec<usize> = order.iter().enumerate().filter(|(_, t)| !t.1).map(|(i, _)| i).collect();
    for (i, m) in &skipped {
        println!("skipped {}: {m}", order[*i].0.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
    }
    let names = |ix: &[usize]| ix.iter().map(|i| order[*i].0.display().to_string()).collect::<Vec<_>>();
    let not_started: Vec<usize> = expect_started.iter().copied().filter(|i| !started.contains(i)).collect();
    assert!(not_started.is_empty(), "valid files not played: {:?}", names(&not_started));
    assert_eq!(started, expect_started, "played what should not play: {:?}", names(&started));
    let skipped_ix: Vec<usize> = skipped.iter().map(|s| s.0).collect();
    assert_eq!(skipped_ix, expect_skipped, "each unplayable file is one skip, in order");
    assert!(skipped.iter().all(|(_, m)| !m.is_empty()));
    assert!(!stderr.contains("panicked"), "panic text on stderr:\n{stderr}");
    assert_eq!(events.iter().filter(|e| e["kind"] == "playlist_finished").count(), 1);

    // Measure the capture.
    let cap = rig.capture();
    let on = onsets(&cap, 2, RATE as f64);
    // Expected: each file's own decoded length, and where its tone starts and ends in it.
    let mut expect_on = Vec::new();
    let mut spans = Vec::new();
    let mut t = 0.0;
    let mut total = 0.0;
    for i in &expect_started {
        let (x, rate, ch) = decode_all(&order[*i].0).expect("decodes");
        let ch = ch as usize;
        let first = onsets(&x, ch, rate as f64).first().copied().unwrap_or(0.0);
        let last = x.chunks(ch).rposition(|f| f.iter().any(|v| v.abs() > THR)).unwrap_or(0) as f64 / rate as f64;
        let len = x.len() as f64 / ch as f64 / rate as f64;
        expect_on.push(t + first);
        spans.push(last - first);
        t += len;
        total += len;
    }
    assert_eq!(on.len(), expect_on.len(), "one tone per played file: {on:?}");
    let loud_until = |from: f64, to: f64| {
        let (a, b) = ((from * RATE as f64) as usize, ((to * RATE as f64) as usize).min(cap.len() / 2));
        cap[a * 2..b * 2].chunks(2).rposition(|f| f[0].abs() > THR || f[1].abs() > THR).map(|p| (a + p) as f64 / RATE as f64).unwrap_or(from)
    };
    let end = loud_until(0.0, f64::MAX);
    let mut worst_span = 0.0f64;
    let (mut gaps, mut gap_time, mut worst_gap) = (0, 0.0, 0.0f64);
    for k in 0..on.len() {
        // Each file's sound lasts as long in the capture as in the decoded file.
        let next = on.get(k + 1).copied().unwrap_or(f64::MAX);
        let span = loud_until(on[k], next) - on[k];
        let err = (span - spans[k]).abs();
        worst_span = worst_span.max(err);
        let name = order[expect_started[k]].0.display().to_string();
        assert!(err < 0.006, "{name} sounded {:.1} ms in the capture, {:.1} ms decoded", span * 1000.0, spans[k] * 1000.0);
        // And the next one starts where this one's decoded length ends: never early (a file
        // cut short); late only by a gap of silence (a preparation late on a loaded machine).
        if let Some(n) = on.get(k + 1) {
            let late = (n - on[k]) - (expect_on[k + 1] - expect_on[k]);
            assert!(late > -0.006, "{name} ended {:.1} ms early", -late * 1000.0);
            if late > 0.006 {
                gaps += 1;
                gap_time += late;
                worst_gap = worst_gap.max(late);
            }
        }
    }
    assert!(worst_gap <= 2.0, "a gap of {worst_gap} s between files");
    let played = end - on[0] + expect_on[0];
    // The longest silence between the first and last sound (skips cost none).
    let first = (on[0] * RATE as f64) as usize;
    let mut longest = 0usize;
    let mut run = 0usize;
    for f in cap.chunks(2).skip(first).take(((end - on[0]) * RATE as f64) as usize) {
        if f[0].abs() <= THR && f[1].abs() <= THR {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let jump = largest_jump_db(&cap, -23.0);
    let tp = true_peak_dbtp(&cap, RATE);
    println!(
        "corpus: {} files played, {} skipped; {:.2} s of sound played of {:.2} s decoded; each file's sound within {:.2} ms of its decoded length; {gaps} gaps between files ({:.0} ms in all); longest silence {:.0} ms; largest rise {:.2} dB in 50 ms; peak {:.2} dBTP",
        started.len(),
        skipped.len(),
        played,
        total,
        worst_span * 1000.0,
        gap_time * 1000.0,
        longest as f64 * 1000.0 / RATE as f64,
        jump,
        tp
    );
    assert!((played - gap_time - total).abs() < 0.05, "played {played} s (with {gap_time} s of gaps) of {total} s");
    assert!(longest as f64 / RATE as f64 <= 2.0);
    assert!(jump <= 3.0, "a 50 ms window rose {jump} dB above the running level");
    assert!(tp <= -1.0, "peak {tp} dBTP");
}

#[test]
fn a_full_scale_noise_burst_is_caught_by_the_safety_stage() {
    // Silence, then 0.6 s of full-scale white noise, then a quiet tone: what a mis-identified
    // file used to sound like, here in a valid WAV so that it reaches the end of the chain.
    let rig = Rig::new();
    let f = rig.path("burst.wav");
    let mut x = 99u32;
    let sec = RATE as usize;
    write_wav(&f, sec * 3, |i| {
        if i < sec {
            (0.0, 0.0)
        } else if i < sec + sec * 6 / 10 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let a = (x >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0;
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let b = (x >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0;
            (a * 0.999, b * 0.999)
        } else {
            let v = 0.1 * (2.0 * std::f64::consts::PI * 441.0 * i as f64 / RATE as f64).sin() as f32;
            (v, v)
        }
    });
    let a = rig.path("before.wav");
    tone(&a, 2.0, 441.0, 0.1);
    let script = json!({
        "config": {"initial_volume": 1.0, "normalise": false, "pace_unpaced_output": 8.0},
        "steps": [
            {"do": "wait_device", "timeout_ms": 10000},
            {"do": "cmd", "cmd": {"kind": "load", "queue": {"title": "t", "crossfade_seconds": 0, "tracks": [track(&a, "A"), track(&f, "burst")]}}},
            {"do": "cmd", "cmd": {"kind": "play"}},
            {"do": "wait_event", "kind": "playlist_finished", "timeout_ms": 30000},
            {"do": "sleep", "ms": 300},
        ]
    });
    let (out, _) = rig.run(script);
    assert_eq!(out.iter().filter_map(|v| v.get("event")).filter(|e| e["kind"] == "track_started").count(), 2);
    let (input, _, _) = decode_all(&f).expect("decode");
    let cap = rig.capture();
    let (jin, tin) = (largest_jump_db(&input, -23.0), true_peak_dbtp(&input, RATE));
    let (jout, tout) = (largest_jump_db(&cap, -23.0), true_peak_dbtp(&cap, RATE));
    let loud_in = window_levels(&input).into_iter().fold(f64::MIN, f64::max);
    let loud_out = window_levels(&cap).into_iter().fold(f64::MIN, f64::max);
    println!(
        "noise burst: file rises {jin:.1} dB in 50 ms, peak {tin:.2} dBTP, loudest 50 ms {loud_in:.1} dB; \
         captured rises {jout:.2} dB, peak {tout:.2} dBTP, loudest 50 ms {loud_out:.1} dB"
    );
    assert!(jin > 15.0 && tin > -0.5, "the file is the startling case");
    assert!(jout <= 3.0, "rose {jout} dB in 50 ms");
    assert!(tout <= -1.0, "peak {tout} dBTP");
    // Once the burst is over, the quiet tone comes back at its own level.
    let last = cap.chunks(2).rposition(|f| f[0].abs() > THR).unwrap_or(0) * 2;
    let tail = &cap[last.saturating_sub(RATE as usize)..last];
    let lv = window_levels(tail);
    assert!(lv.iter().any(|l| (l - -23.0).abs() < 1.0), "{lv:?}");
}

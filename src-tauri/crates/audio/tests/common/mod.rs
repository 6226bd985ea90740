//! Helpers shared by the integration tests: fixtures and sox.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub const RATE: u32 = 44_100;

/// Write a 16-bit stereo WAV from a per-frame function returning (left, right) in -1..1.
pub fn write_wav(path: &Path, frames: usize, mut f: impl FnMut(usize) -> (f32, f32)) {
    let spec = hound::WavSpec { channels: 2, sample_rate: RATE, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for i in 0..frames {
        let (l, r) = f(i);
        w.write_sample((l * 32767.0).round() as i16).expect("write");
        w.write_sample((r * 32767.0).round() as i16).expect("write");
    }
    w.finalize().expect("finalize");
}

/// A sine tone on both channels.
pub fn tone(path: &Path, secs: f64, freq: f64, amp: f32) {
    let n = (secs * RATE as f64) as usize;
    write_wav(path, n, |i| {
        let v = amp * (2.0 * std::f64::consts::PI * freq * i as f64 / RATE as f64).sin() as f32;
        (v, v)
    });
}

/// Run sox, failing with a clear message when it is not installed.
pub fn sox(args: &[&str]) {
    let out = Command::new("sox").args(args).output().unwrap_or_else(|e| {
        panic!("cannot run sox ({e}): install it with `apt-get install sox libsox-fmt-mp3`")
    });
    assert!(
        out.status.success(),
        "sox {:?} failed: {} (mp3 needs `apt-get install libsox-fmt-mp3`)",
        args,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Convert `wav` to another format by extension.
pub fn convert(wav: &Path, to: &Path) {
    sox(&[wav.to_str().expect("utf8"), to.to_str().expect("utf8")]);
}

pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

pub fn p(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}
// The same file mutations as the template parser's property tests: one copy, kept there.
#[path = "../../../monitoring/tests/support/mutate.rs"]
pub mod mutate;

//! The demo music: calm ambient pads and drones rendered by the project itself, so the demo
//! playlist plays out of the box, needs no download and is lawful to ship.
//!
//! Rendering is deterministic (no randomness): the same files come out on every machine.
//! Voices are soft wavetable pads (a few low harmonics, slightly detuned pairs spread across
//! the stereo field) that change chord with long raised-cosine crossfades over a low drone
//! that breathes slowly. No percussive attack anywhere; each track fades in and out.

use std::f32::consts::PI;
use std::path::{Path, PathBuf};

use crate::{AudioError, Result, SAMPLE_RATE};

/// The artist name written in the demo playlist.
pub const DEMO_ARTIST: &str = "Holdspace demo generator";

/// One generated track.
#[derive(Debug, Clone, Copy)]
pub struct DemoTrack {
    pub file: &'static str,
    pub title: &'static str,
    pub phase: &'static str,
    pub seconds: u32,
    /// Chords as MIDI note numbers, played in a loop.
    pub chords: &'static [[u8; 4]],
    /// Seconds per chord.
    pub chord_seconds: f32,
    /// MIDI note of the drone.
    pub drone: u8,
}

/// The five demo tracks (about 14 minutes).
pub const DEMO_TRACKS: [DemoTrack; 5] = [
    DemoTrack { file: "01-first-light.wav", title: "First Light", phase: "settle", seconds: 150,
        chords: &[[50, 57, 64, 66], [47, 54, 62, 64], [43, 50, 57, 66], [45, 52, 59, 64]], chord_seconds: 24.0, drone: 38 },
    DemoTrack { file: "02-slow-water.wav", title: "Slow Water", phase: "onset", seconds: 165,
        chords: &[[53, 60, 64, 67], [50, 57, 60, 65], [46, 53, 60, 62], [48, 55, 62, 64]], chord_seconds: 28.0, drone: 41 },
    DemoTrack { file: "03-open-field.wav", title: "Open Field", phase: "build", seconds: 180,
        chords: &[[43, 50, 57, 59], [40, 47, 55, 62], [48, 55, 59, 64], [45, 52, 57, 60]], chord_seconds: 26.0, drone: 43 },
    DemoTrack { file: "04-wide-sky.wav", title: "Wide Sky", phase: "peak", seconds: 165,
        chords: &[[48, 55, 62, 64], [44, 51, 58, 63], [41, 48, 55, 60], [43, 50, 55, 62]], chord_seconds: 34.0, drone: 36 },
    DemoTrack { file: "05-homeward.wav", title: "Homeward", phase: "return", seconds: 180,
        chords: &[[50, 57, 62, 66], [45, 52, 57, 61], [47, 54, 59, 62], [43, 50, 57, 62]], chord_seconds: 30.0, drone: 38 },
];

const TABLE: usize = 2048;

fn wavetable(harmonics: &[f32]) -> Vec<f32> {
    let mut t: Vec<f32> = (0..TABLE)
        .map(|i| {
            let x = i as f32 / TABLE as f32 * 2.0 * PI;
            harmonics.iter().enumerate().map(|(h, a)| a * ((h as f32 + 1.0) * x).sin()).sum()
        })
        .collect();
    let peak = t.iter().fold(0.0f32, |m, v| m.max(v.abs())).max(1e-6);
    for v in &mut t {
        *v /= peak;
    }
    t.push(t[0]); // guard for interpolation
    t
}

struct Osc {
    phase: f32,
    inc: f32,
}

impl Osc {
    fn new(freq: f32, phase: f32) -> Self {
        Osc { phase, inc: freq / SAMPLE_RATE as f32 }
    }
    #[inline]
    fn next(&mut self, table: &[f32]) -> f32 {
        let pos = self.phase * TABLE as f32;
        let i = pos as usize;
        let f = pos - i as f32;
        let a = table.get(i).copied().unwrap_or(0.0);
        let b = table.get(i + 1).copied().unwrap_or(0.0);
        self.phase += self.inc;
        if self.phase >= 1.0 {
            self.phase -= 1.0;
        }
        a + (b - a) * f
    }
}

fn midi_hz(n: u8) -> f32 {
    440.0 * 2f32.powf((n as f32 - 69.0) / 12.0)
}

/// Raised-cosine rise from 0 to 1 over `len` seconds starting at `start`.
fn rise(t: f32, start: f32, len: f32) -> f32 {
    if t <= start {
        0.0
    } else if t >= start + len {
        1.0
    } else {
        0.5 - 0.5 * (PI * (t - start) / len).cos()
    }
}

/// Render interleaved stereo f32 samples of one track.
pub fn render_samples(track: &DemoTrack) -> Vec<f32> {
    let rate = SAMPLE_RATE as f32;
    let frames = track.seconds as usize * SAMPLE_RATE as usize;
    let pad = wavetable(&[1.0, 0.32, 0.12, 0.05, 0.02]);
    let drone_table = wavetable(&[1.0, 0.15, 0.04]);
    let overlap = (track.chord_seconds * 0.4).min(10.0);
    let n_chords = ((track.seconds as f32 / track.chord_seconds).ceil() as usize).max(1);
    // Per chord slot: 4 notes x 2 detuned oscillators.
    let mut slots: Vec<Vec<(Osc, f32)>> = (0..n_chords)
        .map(|c| {
            let chord = track.chords[c % track.chords.len().max(1)];
            let mut v = Vec::new();
            for (k, n) in chord.iter().enumerate() {
                let f = midi_hz(*n);
                let pan = 0.2 + 0.6 * (k as f32 / 3.0);
                v.push((Osc::new(f * 0.9993, 0.13 * k as f32), pan));
                v.push((Osc::new(f * 1.0007, 0.57 + 0.11 * k as f32), 1.0 - pan));
            }
            v
        })
        .collect();
    let mut drone = Osc::new(midi_hz(track.drone), 0.0);
    let mut drone_oct = Osc::new(midi_hz(track.drone) * 2.0 * 1.0004, 0.25);
    let mut out = vec![0.0f32; frames * 2];
    let total = track.seconds as f32;
    let block = 256usize;
    let note_amp = 0.055f32;
    let mut start = 0usize;
    while start < frames {
        let end = (start + block).min(frames);
        let t0 = start as f32 / rate;
        let t1 = end as f32 / rate;
        // Master envelope: 6 s fade in, 10 s fade out.
        let master = |t: f32| rise(t, 0.0, 6.0) * (1.0 - rise(t, total - 10.0, 10.0));
        let (m0, m1) = (master(t0), master(t1));
        // Drone breathes with a slow LFO (one cycle every 20 s).
        let lfo = |t: f32| 0.75 + 0.25 * (2.0 * PI * t / 20.0).sin();
        let (d0, d1) = (lfo(t0) * 0.11, lfo(t1) * 0.11);
        let n = (end - start) as f32;
        for (c, voices) in slots.iter_mut().enumerate() {
            let cs = c as f32 * track.chord_seconds;
            let ce = cs + track.chord_seconds + overlap;
            if t1 < cs - overlap || t0 > ce {
                continue;
            }
            let env = |t: f32| rise(t, cs - overlap, overlap) * (1.0 - rise(t, ce - overlap, overlap));
            let (e0, e1) = (env(t0) * note_amp, env(t1) * note_amp);
            for (osc, pan) in voices.iter_mut() {
                for (j, frame) in out[start * 2..end * 2].chunks_exact_mut(2).enumerate() {
                    let g = e0 + (e1 - e0) * (j as f32 / n);
                    let v = osc.next(&pad) * g;
                    frame[0] += v * *pan;
                    frame[1] += v * (1.0 - *pan);
                }
            }
        }
        for (j, frame) in out[start * 2..end * 2].chunks_exact_mut(2).enumerate() {
            let x = j as f32 / n;
            let d = (d0 + (d1 - d0) * x) * (drone.next(&drone_table) + 0.3 * drone_oct.next(&drone_table));
            let m = m0 + (m1 - m0) * x;
            frame[0] = (frame[0] + d) * m;
            frame[1] = (frame[1] + d) * m;
        }
        start = end;
    }
    out
}

/// Render one track to a 44.1 kHz 16-bit stereo WAV.
pub fn render_track(track: &DemoTrack, path: &Path) -> Result<()> {
    let werr = |e: hound::Error| AudioError::Write { path: path.to_path_buf(), message: e.to_string() };
    let samples = render_samples(track);
    let spec = hound::WavSpec { channels: 2, sample_rate: SAMPLE_RATE, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut w = hound::WavWriter::create(path, spec).map_err(werr)?;
    {
        let mut w16 = w.get_i16_writer(samples.len() as u32);
        for s in samples {
            w16.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16);
        }
        w16.flush().map_err(werr)?;
    }
    w.finalize().map_err(werr)
}

/// Render every demo track into `out_dir` (created if needed). A file that already exists
/// with the expected size is kept. Returns the files.
pub fn render_demo(out_dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out_dir).map_err(|e| AudioError::Write { path: out_dir.to_path_buf(), message: e.to_string() })?;
    let jobs: Vec<(DemoTrack, PathBuf)> = DEMO_TRACKS.iter().map(|t| (*t, out_dir.join(t.file))).collect();
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((t, p)) = jobs.get(i) else { break };
                let expected = 44 + t.seconds as u64 * SAMPLE_RATE as u64 * 4;
                if std::fs::metadata(p).map(|m| m.len() == expected).unwrap_or(false) {
                    continue;
                }
                let tmp = out_dir.join(format!(".{}.part", t.file));
                let r = render_track(t, &tmp).and_then(|_| {
                    std::fs::rename(&tmp, p).map_err(|e| AudioError::Write { path: p.clone(), message: e.to_string() })
                });
                if let Err(e) = r {
                    if let Ok(mut f) = failures.lock() {
                        f.push(e);
                    }
                }
            });
        }
    });
    if let Some(e) = failures.into_inner().ok().and_then(|mut f| if f.is_empty() { None } else { Some(f.remove(0)) }) {
        return Err(e);
    }
    let files = jobs.into_iter().map(|(_, p)| p).collect();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHORT: DemoTrack = DemoTrack {
        file: "t.wav", title: "T", phase: "settle", seconds: 24,
        chords: &[[50, 57, 64, 66], [47, 54, 62, 64]], chord_seconds: 8.0, drone: 38,
    };

    #[test]
    fn renders_deterministically_without_transients() {
        let a = render_samples(&SHORT);
        let b = render_samples(&SHORT);
        assert_eq!(a, b);
        assert_eq!(a.len(), 24 * 44100 * 2);
        let peak = a.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(peak > 0.1 && peak < 0.9, "peak {peak}");
        // Soft start and end.
        assert!(a[..2000].iter().all(|v| v.abs() < 0.01));
        assert!(a[a.len() - 2000..].iter().all(|v| v.abs() < 0.01));
        // No clicks: the largest sample-to-sample change stays small for pads this low.
        let worst = a.chunks_exact(2).zip(a.chunks_exact(2).skip(1)).map(|(x, y)| (x[0] - y[0]).abs()).fold(0.0f32, f32::max);
        assert!(worst < 0.05, "step {worst}");
    }

    #[test]
    fn demo_playlist_matches_the_generator() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../playlists/demo/demo.toml");
        let pl = crate::Playlist::load(&path).expect("demo.toml is valid");
        assert_eq!(pl.music_folder.as_deref(), Some("audio"));
        let tracks: Vec<_> = pl.tracks().collect();
        assert_eq!(tracks.len(), DEMO_TRACKS.len());
        for ((phase, t), d) in tracks.iter().zip(DEMO_TRACKS.iter()) {
            assert_eq!(t.path, d.file);
            assert_eq!(t.title, d.title);
            assert_eq!(*phase, d.phase);
            assert_eq!(t.duration_seconds, d.seconds as f64);
        }
    }
}

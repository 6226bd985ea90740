//! The last stage of the output chain: a smooth look-ahead limiter that keeps whatever the
//! decoders produce from startling the room.
//!
//! Two rules, whatever comes in:
//! - **No jump.** The level over any 50 ms may rise at most `jump_db` (3 dB) above the running
//!   level: the loudest 50 ms level of the output in the second before, not counting the last
//!   50 ms. The running level never counts as lower than the room's expected level (the
//!   loudness target, scaled by the current volume), so a track that starts at the
//!   expected level is never touched, and never higher than `max_above_expected_db` above it,
//!   so a long burst cannot climb its way up 3 dB at a time.
//! - **No peak** above `ceiling_dbtp` (-1 dBTP): the true peak is estimated on 4x oversampled
//!   input and the gain is in place before the peak leaves the stage.
//!
//! The gain falls within the look-ahead (about 6 ms, a straight ramp, never a step) and
//! comes back slowly (`release_db_per_s`). The stage is a pure function of its input: it is
//! tested here without any device, and through the captured ALSA output in `tests/`.

use crate::SAMPLE_RATE;

/// Settings of the safety stage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SafetyConfig {
    /// Largest rise of the 50 ms level above the running level, in dB.
    pub jump_db: f32,
    /// True-peak ceiling, in dBTP.
    pub ceiling_dbtp: f32,
    /// The room's expected level at full volume (the loudness target), in dB of mean power.
    pub expected_db: f32,
    /// The running level never counts as more than this far above the expected level.
    pub max_above_expected_db: f32,
    /// How fast the gain returns once the input allows it, in dB per second.
    pub release_db_per_s: f32,
}

impl Default for SafetyConfig {
    fn default() -> Self {
        SafetyConfig {
            jump_db: 3.0,
            ceiling_dbtp: -1.0,
            expected_db: crate::loudness::DEFAULT_TARGET_LUFS as f32,
            max_above_expected_db: 16.0,
            release_db_per_s: 30.0,
        }
    }
}

/// Look-ahead, in frames (about 5.8 ms at 44.1 kHz). As long as the short window, so the gain
/// for every frame already knows the level of the whole short window that will hold it.
const LOOK: usize = 256;
/// The window the gain is computed on (5.8 ms): keeping every short window under the allowed
/// level keeps every 50 ms window under it.
const SHORT: usize = LOOK;
/// The level window: 50 ms.
const WINDOW: usize = (SAMPLE_RATE as usize) / 20;
/// The running level is kept per block of 5 ms, over one second.
const BLOCK: usize = (SAMPLE_RATE as usize) / 200;
const BLOCKS: usize = 200;
/// Blocks of the most recent 50 ms, left out of the running level.
const RECENT: usize = 10;
/// Taps of the true-peak interpolator.
const TAPS: usize = 8;

fn db_to_power(db: f32) -> f64 {
    10f64.powf(db as f64 / 10.0)
}

/// The lowest of `target` and the bounds `req + (1 - req) * k / (LOOK + 1)` (the gain that
/// still reaches `req` with a straight ramp by the time its frame, `k` ahead, leaves). Every
/// slot is visited without a branch: a slot with no requirement (1.0) gives a bound of exactly
/// 1.0, which never lowers a target (never above 1.0), so the result is the one that visiting
/// only the limiting slots gives, bit for bit; and the loop vectorises (it was most of the
/// stage's cost while it limits, visiting 256 slots per frame one by one).
fn lowest_bound(target: f32, reqs: &[f32], ks: &[f32]) -> f32 {
    const LANES: usize = 8;
    let mut low = [target; LANES];
    let mut reqs_chunks = reqs.chunks_exact(LANES);
    let mut ks_chunks = ks.chunks_exact(LANES);
    for (r, k) in (&mut reqs_chunks).zip(&mut ks_chunks) {
        for i in 0..LANES {
            let bound = r[i] + (1.0 - r[i]) * k[i] / (LOOK + 1) as f32;
            low[i] = low[i].min(bound);
        }
    }
    let mut t = low.iter().copied().fold(target, f32::min);
    for (r, k) in reqs_chunks.remainder().iter().zip(ks_chunks.remainder()) {
        t = t.min(r + (1.0 - r) * k / (LOOK + 1) as f32);
    }
    t
}

/// A sliding mean of squares over the last [`WINDOW`] frames.
struct Window {
    ring: Vec<f64>,
    pos: usize,
    sum: f64,
}

impl Window {
    fn new(len: usize) -> Self {
        Window { ring: vec![0.0; len], pos: 0, sum: 0.0 }
    }
    fn push(&mut self, p: f64) {
        let old = std::mem::replace(&mut self.ring[self.pos], p);
        self.sum += p - old;
        self.pos += 1;
        if self.pos == self.ring.len() {
            self.pos = 0;
            // Re-add from scratch now and then so rounding never accumulates.
            self.sum = self.ring.iter().sum();
        }
    }
    fn mean(&self) -> f64 {
        (self.sum / self.ring.len() as f64).max(0.0)
    }
}

/// The safety stage (one per output; stereo, 44.1 kHz).
pub struct SafetyStage {
    delay: Vec<(f32, f32)>,
    reqs: Vec<f32>,
    dpos: usize,
    /// 1.0, 2.0 ... LOOK: how far ahead each slot of the look-ahead is, in frames.
    ks: Vec<f32>,
    /// The last TAPS samples of each channel, each written twice (at `i` and `i + TAPS`), so
    /// that they are always one slice in time order: the interpolator reads them without
    /// wrapping an index per tap (it was most of the stage's cost when nothing is limited).
    hist: [[f32; 2 * TAPS]; 2],
    hpos: usize,
    interp: [[f32; TAPS]; 3],
    /// No interpolated point can exceed the window's largest sample by more than this (the
    /// largest sum of a row's absolute taps, at least 1): below `ceiling / interp_gain`, the
    /// interpolation cannot find a peak over the ceiling and is skipped.
    interp_gain: f32,
    input: Window,
    output: Window,
    blocks: Vec<f64>,
    bpos: usize,
    in_block: usize,
    running: f64,
    /// Requirements under 1.0 now in the look-ahead.
    limiting: usize,
    gain: f32,
    release: f32,
    expected_gain: f32,
    /// The expected level's power at full volume, and the factor of its cap (worked out once:
    /// `powf` on every frame was most of the stage's cost).
    expected_power: f64,
    cap_factor: f64,
    /// The expected level's power at the current volume, and its cap.
    expected: f64,
    cap: f64,
    ceiling: f32,
    /// The hard limit, a hair above the ceiling.
    hard: f32,
    jump: f64,
    /// Lowest gain applied so far (for tests and the log).
    pub min_gain: f32,
}

impl SafetyStage {
    pub fn new(cfg: SafetyConfig) -> Self {
        // Windowed-sinc interpolation at 1/4, 2/4, 3/4 between the 4th and 5th of 8 samples.
        let mut interp = [[0.0f32; TAPS]; 3];
        for (i, row) in interp.iter_mut().enumerate() {
            let frac = (i + 1) as f64 / 4.0;
            let mut total = 0.0;
            for (k, c) in row.iter_mut().enumerate() {
                let x = k as f64 - (TAPS as f64 / 2.0 - 1.0) - frac; // distance from the point
                let sinc = if x.abs() < 1e-9 { 1.0 } else { (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x) };
                let w = 0.5 + 0.5 * (std::f64::consts::PI * x / (TAPS as f64 / 2.0 + 1.0)).cos();
                *c = (sinc * w) as f32;
                total += sinc * w;
            }
            for c in row.iter_mut() {
                *c /= total as f32;
            }
        }
        let interp_gain = interp.iter().map(|row| row.iter().map(|c| c.abs()).sum::<f32>()).fold(1.0, f32::max);
        let jump_db = if cfg.jump_db.is_finite() { cfg.jump_db.clamp(0.5, 12.0) } else { 3.0 };
        let ceiling_db = if cfg.ceiling_dbtp.is_finite() { cfg.ceiling_dbtp.min(0.0) } else { -1.0 };
        let release = if cfg.release_db_per_s.is_finite() && cfg.release_db_per_s > 0.0 { cfg.release_db_per_s } else { 20.0 };
        let mut cfg = cfg;
        cfg.expected_db = if cfg.expected_db.is_finite() { cfg.expected_db.clamp(-70.0, 0.0) } else { -23.0 };
        cfg.max_above_expected_db =
            if cfg.max_above_expected_db.is_finite() { cfg.max_above_expected_db.clamp(0.0, 40.0) } else { 16.0 };
        let expected_power = db_to_power(cfg.expected_db);
        let cap_factor = db_to_power(cfg.max_above_expected_db);
        let ceiling = 10f32.powf((ceiling_db - 0.3) / 20.0);
        SafetyStage {
            expected_power,
            cap_factor,
            expected: expected_power,
            cap: expected_power * cap_factor,
            delay: vec![(0.0, 0.0); LOOK],
            reqs: vec![1.0; LOOK],
            dpos: 0,
            ks: (1..=LOOK).map(|k| k as f32).collect(),
            hist: [[0.0; 2 * TAPS]; 2],
            hpos: 0,
            interp,
            interp_gain,
            input: Window::new(SHORT),
            output: Window::new(WINDOW),
            limiting: 0,
            blocks: vec![0.0; BLOCKS],
            bpos: 0,
            in_block: 0,
            running: 0.0,
            gain: 1.0,
            release: 10f32.powf(release / 20.0 / SAMPLE_RATE as f32),
            expected_gain: 1.0,
            // Aim a little under the ceiling: the 4x estimate can miss a fraction of a dB.
            ceiling,
            hard: ceiling * 10f32.powf(0.3 / 20.0),
            // Aim 1.5 dB under the allowed jump: the gain ramps down within the look-ahead, so the first
            // frames of a sudden rise pass a little above the aim.
            jump: db_to_power(jump_db - 1.5),
            min_gain: 1.0,
        }
    }

    /// The volume the room has set; the expected level follows it.
    pub fn set_expected_gain(&mut self, g: f32) {
        self.expected_gain = if g.is_finite() { g.clamp(0.0, 1.0) } else { 1.0 };
        self.expected = self.expected_power * (self.expected_gain as f64).powi(2);
        self.cap = self.expected * self.cap_factor;
    }

    /// The gain being applied now (1.0 when nothing is limited).
    pub fn gain(&self) -> f32 {
        self.gain
    }

    /// Each channel's last TAPS samples, oldest first (`hpos` is always under TAPS).
    fn recent(&self) -> impl Iterator<Item = &[f32]> {
        self.hist.iter().map(|h| &h[self.hpos..self.hpos + TAPS])
    }

    fn true_peak(&self) -> f32 {
        let mut peak = 0.0f32;
        for w in self.recent() {
            peak = peak.max(w[TAPS / 2 - 1].abs()).max(w[TAPS / 2].abs());
            for row in &self.interp {
                let mut v = 0.0f32;
                for (c, x) in row.iter().zip(w) {
                    v += c * x;
                }
                peak = peak.max(v.abs());
            }
        }
        peak
    }

    /// One stereo frame in, one out (delayed by the look-ahead).
    pub fn process(&mut self, l: f32, r: f32) -> (f32, f32) {
        let l = if l.is_finite() { l.clamp(-1.0, 1.0) } else { 0.0 };
        let r = if r.is_finite() { r.clamp(-1.0, 1.0) } else { 0.0 };
        // Level rule, on the newest input.
        self.input.push(((l as f64).powi(2) + (r as f64).powi(2)) / 2.0);
        let reference = self.running.max(self.expected).min(self.cap);
        let allowed = reference * self.jump;
        let level = self.input.mean();
        let level_req = if level > allowed && level > 0.0 { (allowed / level).sqrt() as f32 } else { 1.0 };
        // True-peak rule: the interpolated peak sits between the 4th and 5th newest samples.
        for (h, x) in self.hist.iter_mut().zip([l, r]) {
            h[self.hpos] = x;
            h[self.hpos + TAPS] = x;
        }
        self.hpos = (self.hpos + 1) % TAPS;
        // Quiet enough that no point between the samples can pass the ceiling (most frames of
        // music at the loudness target): nothing to interpolate.
        let largest = self.recent().flatten().fold(0.0f32, |m, x| m.max(x.abs()));
        let peak_req = if largest * self.interp_gain <= self.ceiling {
            1.0
        } else {
            let tp = self.true_peak();
            if tp > self.ceiling { self.ceiling / tp } else { 1.0 }
        };
        // Out goes the oldest frame; in comes the newest with its requirement.
        let out = self.delay[self.dpos];
        let out_req = self.reqs[self.dpos];
        if out_req < 1.0 {
            self.limiting -= 1;
        }
        self.delay[self.dpos] = (l, r);
        self.reqs[self.dpos] = level_req;
        if level_req < 1.0 {
            self.limiting += 1;
        }
        // The peak belongs to a frame TAPS/2 older than the newest.
        let peak_slot = (self.dpos + LOOK - TAPS / 2) % LOOK;
        if peak_req < 1.0 {
            if self.reqs[peak_slot] >= 1.0 {
                self.limiting += 1;
            }
            self.reqs[peak_slot] = self.reqs[peak_slot].min(peak_req);
        }
        self.dpos = (self.dpos + 1) % LOOK;
        // The gain for this frame: low enough to reach every coming requirement with a
        // straight ramp by the time its frame leaves.
        let mut target = out_req;
        if self.limiting > 0 {
            // The frame k places ahead is at `reqs[(dpos + k - 1) % LOOK]`: the ring's two
            // halves in turn, each against its run of k.
            let ahead = LOOK - self.dpos;
            let (later, sooner) = self.reqs.split_at(self.dpos);
            target = lowest_bound(target, sooner, &self.ks[..ahead]);
            target = lowest_bound(target, later, &self.ks[ahead..]);
        }
        let g = (self.gain * self.release).min(target).min(1.0);
        self.gain = g;
        self.min_gain = self.min_gain.min(g);
        let (mut a, mut b) = (out.0 * g, out.1 * g);
        // Last resort: a hard limit at the ceiling itself (never reached in practice).
        let hard = self.hard;
        a = a.clamp(-hard, hard);
        b = b.clamp(-hard, hard);
        // Running level, from what actually went out.
        self.output.push(((a as f64).powi(2) + (b as f64).powi(2)) / 2.0);
        self.in_block += 1;
        if self.in_block == BLOCK {
            self.in_block = 0;
            self.blocks[self.bpos] = self.output.mean();
            self.bpos = (self.bpos + 1) % BLOCKS;
            // The loudest block of the second before, leaving out the last 50 ms.
            // Ages RECENT.. are the ring but for its newest RECENT blocks (just before bpos).
            let newest = (self.bpos + BLOCKS - RECENT) % BLOCKS;
            let (a, b) = if newest >= self.bpos {
                (&self.blocks[self.bpos..newest], &self.blocks[..0])
            } else {
                (&self.blocks[self.bpos..], &self.blocks[..newest])
            };
            self.running = a.iter().chain(b).copied().fold(0.0, f64::max);
        }
        (a, b)
    }

    /// Process interleaved stereo in place.
    pub fn process_interleaved(&mut self, buf: &mut [f32]) {
        for frame in buf.chunks_exact_mut(2) {
            let (a, b) = self.process(frame[0], frame[1]);
            frame[0] = a;
            frame[1] = b;
        }
    }
}

/// Measurements of a stereo signal used by the tests (and the corpus report): the largest rise
/// of any 50 ms window's level above the running level (as the stage defines it, with the
/// same expected-level floor), and the true peak.
#[doc(hidden)]
pub mod measure {
    use super::*;

    /// Level (dB of mean power) of 50 ms windows every 5 ms, interleaved stereo input.
    pub fn window_levels(stereo: &[f32]) -> Vec<f64> {
        let frames = stereo.len() / 2;
        let mut out = Vec::new();
        let mut start = 0;
        while start + WINDOW <= frames {
            let p: f64 = stereo[start * 2..(start + WINDOW) * 2].iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / (WINDOW * 2) as f64;
            out.push(10.0 * p.max(1e-12).log10());
            start += BLOCK;
        }
        out
    }

    /// Largest rise, in dB, of a 50 ms window above the loudest window of the second before
    /// it (leaving out the last 50 ms), counted from no lower than `expected_db`.
    pub fn largest_jump_db(stereo: &[f32], expected_db: f64) -> f64 {
        let lv = window_levels(stereo);
        let mut worst = f64::MIN;
        for i in 0..lv.len() {
            let from = i.saturating_sub(BLOCKS);
            let to = i.saturating_sub(RECENT);
            let running = lv[from..to].iter().cloned().fold(expected_db, f64::max);
            worst = worst.max(lv[i] - running);
        }
        worst
    }

    /// True peak in dBTP (ebur128, 4x oversampling).
    pub fn true_peak_dbtp(stereo: &[f32], rate: u32) -> f64 {
        let Ok(mut m) = ebur128::EbuR128::new(2, rate, ebur128::Mode::TRUE_PEAK) else { return f64::NAN };
        if m.add_frames_f32(stereo).is_err() {
            return f64::NAN;
        }
        let p = (0..2).filter_map(|c| m.true_peak(c).ok()).fold(0.0, f64::max);
        20.0 * p.max(1e-12).log10()
    }
}

#[cfg(test)]
mod tests {
    use super::measure::*;
    use super::*;

    fn noise(frames: usize, amp: f32, seed: &mut u32) -> Vec<f32> {
        (0..frames * 2)
            .map(|_| {
                *seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((*seed >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0) * amp
            })
            .collect()
    }

    fn sine(frames: usize, freq: f32, amp: f32) -> Vec<f32> {
        (0..frames)
            .flat_map(|i| {
                let v = amp * (2.0 * std::f32::consts::PI * freq * i as f32 / SAMPLE_RATE as f32).sin();
                [v, v]
            })
            .collect()
    }

    fn run(stage: &mut SafetyStage, input: &[f32]) -> Vec<f32> {
        let mut out = input.to_vec();
        out.extend(std::iter::repeat_n(0.0, LOOK * 2)); // flush the look-ahead
        stage.process_interleaved(&mut out);
        out.split_off(LOOK * 2)
    }

    const SEC: usize = SAMPLE_RATE as usize;

    #[test]
    fn full_scale_noise_after_silence_is_held_near_the_expected_level() {
        // The noise case: silence, then 0.6 s of full-scale white noise, then quiet music.
        let mut seed = 7;
        let mut input = vec![0.0; SEC * 2];
        input.extend(noise(SEC * 6 / 10, 1.0, &mut seed));
        input.extend(sine(SEC * 2, 441.0, 0.05));
        let mut stage = SafetyStage::new(SafetyConfig::default());
        let out = run(&mut stage, &input);
        let (jin, jout) = (largest_jump_db(&input, -23.0), largest_jump_db(&out, -23.0));
        let (tin, tout) = (true_peak_dbtp(&input, SAMPLE_RATE), true_peak_dbtp(&out, SAMPLE_RATE));
        let loudest = window_levels(&out).into_iter().fold(f64::MIN, f64::max);
        println!("noise case: in jump {jin:.1} dB peak {tin:.2} dBTP; out jump {jout:.2} dB peak {tout:.2} dBTP, loudest 50 ms {loudest:.1} dB");
        assert!(jin > 15.0, "the input must be the startling case: {jin}");
        assert!(jout <= 3.0, "jump of {jout} dB in 50 ms");
        assert!(tout <= -1.0, "true peak {tout} dBTP");
        // Capped at expected + 16 + 3 dB, never climbing to full scale.
        assert!(loudest <= -23.0 + 16.0 + 3.0, "{loudest}");
    }

    #[test]
    fn the_jump_rule_holds_whatever_the_alignment_of_blocks_and_windows() {
        // The stage's 5 ms blocks fall anywhere relative to the burst: try many offsets.
        let mut worst = f64::MIN;
        for offset in (0..BLOCK).step_by(37) {
            let mut seed = 11 + offset as u32;
            let mut input = vec![0.0; (SEC / 2 + offset) * 2];
            input.extend(noise(SEC / 2, 1.0, &mut seed));
            input.extend(vec![0.0; SEC / 4 * 2]);
            input.extend(noise(SEC / 2, 0.5, &mut seed));
            let mut stage = SafetyStage::new(SafetyConfig::default());
            let out = run(&mut stage, &input);
            worst = worst.max(largest_jump_db(&out, -23.0));
        }
        println!("worst jump over block alignments: {worst:.2} dB");
        assert!(worst <= 3.0, "{worst}");
    }

    #[test]
    fn music_at_the_expected_level_passes_untouched() {
        // A tone at about -23 dB of mean power starting from silence, then a slow rise.
        let mut input = vec![0.0; SEC];
        input.extend(sine(SEC * 3, 441.0, 0.1)); // -23 dB mean power
        let mut stage = SafetyStage::new(SafetyConfig::default());
        let out = run(&mut stage, &input);
        assert_eq!(stage.min_gain, 1.0);
        assert_eq!(out, input, "delayed by the look-ahead and otherwise bit-exact");
    }

    #[test]
    fn a_jump_from_quiet_music_is_caught_and_released_slowly() {
        let mut input = sine(SEC * 2, 441.0, 0.1);
        input.extend(sine(SEC * 2, 441.0, 0.7)); // +17 dB at once, true peak -3 dBTP
        let mut stage = SafetyStage::new(SafetyConfig::default());
        let out = run(&mut stage, &input);
        let j = largest_jump_db(&out, -23.0);
        let lv = window_levels(&out);
        println!("step: out jump {j:.2} dB, min gain {:.3}", stage.min_gain);
        assert!(j <= 3.0, "{j}");
        // It still gets louder: the running level follows at most 3 dB per 50 ms.
        assert!(lv[lv.len() - 10] > lv[150] + 10.0, "{} vs {}", lv[lv.len() - 10], lv[150]);
        // No sample-to-sample step: the gain moves in ramps.
        let step = out.chunks(2).map(|f| f[0]).collect::<Vec<_>>().windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
        assert!(step < 0.1, "step {step}");
    }

    #[test]
    fn peaks_never_pass_the_ceiling() {
        // A loud high-frequency tone with inter-sample peaks, at the expected level's cap.
        let cfg = SafetyConfig { expected_db: 0.0, max_above_expected_db: 0.0, ..SafetyConfig::default() };
        let input: Vec<f32> = (0..SEC * 2)
            .flat_map(|i| {
                let v = (2.0 * std::f32::consts::PI * 11025.0 * i as f32 / SAMPLE_RATE as f32 + 0.785).sin();
                [v, -v]
            })
            .collect();
        let mut stage = SafetyStage::new(cfg);
        let out = run(&mut stage, &input);
        let tin = true_peak_dbtp(&input, SAMPLE_RATE);
        let tout = true_peak_dbtp(&out, SAMPLE_RATE);
        println!("tone at fs/4: in {tin:.2} dBTP, out {tout:.2} dBTP");
        assert!(tin > -0.1);
        assert!(tout <= -1.0, "{tout}");
    }

    #[test]
    fn the_expected_level_follows_the_volume() {
        // At volume 0.1 (-20 dB), noise at the full-volume expected level is a 20 dB jump.
        let mut seed = 3;
        let mut input = vec![0.0; SEC];
        input.extend(noise(SEC, 0.12, &mut seed));
        let mut stage = SafetyStage::new(SafetyConfig::default());
        stage.set_expected_gain(0.1);
        let out = run(&mut stage, &input);
        let j = largest_jump_db(&out, -43.0);
        assert!(j <= 3.0, "{j}");
        assert!(largest_jump_db(&input, -43.0) > 15.0);
    }

    #[test]
    fn the_lowest_bound_is_the_one_the_limiting_slots_give() {
        // Against the plain loop over the slots that limit, for every start of the ring.
        let mut seed = 5u32;
        let mut reqs = vec![1.0f32; LOOK];
        for r in reqs.iter_mut() {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            if seed >> 30 == 0 {
                *r = (seed >> 8) as f32 / (1u32 << 24) as f32;
            }
        }
        let ks: Vec<f32> = (1..=LOOK).map(|k| k as f32).collect();
        for dpos in 0..LOOK {
            for target in [1.0f32, 0.9, 0.3] {
                let mut want = target;
                for k in 1..=LOOK {
                    let req = reqs[(dpos + k - 1) % LOOK];
                    if req < 1.0 {
                        want = want.min(req + (1.0 - req) * k as f32 / (LOOK + 1) as f32);
                    }
                }
                let (later, sooner) = reqs.split_at(dpos);
                let got = lowest_bound(lowest_bound(target, sooner, &ks[..LOOK - dpos]), later, &ks[LOOK - dpos..]);
                assert_eq!(got.to_bits(), want.to_bits(), "dpos {dpos} target {target}");
            }
        }
    }

    #[test]
    fn nan_and_infinity_become_silence() {
        let mut stage = SafetyStage::new(SafetyConfig::default());
        let mut buf = vec![f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 0.5];
        buf.extend(vec![0.0; LOOK * 2 + 10]);
        stage.process_interleaved(&mut buf);
        assert!(buf.iter().all(|v| v.is_finite() && v.abs() <= 0.9));
    }
}

//! Gain curves as pure functions, and a per-frame [`Ramp`] built on them.
//!
//! Every level change in Holdspace goes through one of these curves, so that nothing the
//! client hears ever jumps. All functions take a normalised time `t` in `0.0..=1.0`.

use std::f32::consts::FRAC_PI_2;
use std::time::Duration;

/// Gains below this level are treated as silence by the dB-linear curve.
pub const SILENCE_DB: f32 = -60.0;

/// Convert decibels to a linear amplitude factor.
pub fn db_to_gain(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

/// Convert a linear amplitude factor to decibels (silence maps to -120 dB).
pub fn gain_to_db(gain: f32) -> f32 {
    if gain <= 1e-6 {
        -120.0
    } else {
        20.0 * gain.log10()
    }
}

/// Equal-power crossfade gains at `t`: `(outgoing, incoming)`.
/// The summed power `out² + in²` is 1 for every `t`.
pub fn equal_power(t: f32) -> (f32, f32) {
    let t = t.clamp(0.0, 1.0);
    ((t * FRAC_PI_2).cos(), (t * FRAC_PI_2).sin())
}

/// Raised-cosine S-curve from 0 to 1: zero slope at both ends.
pub fn s_curve(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    0.5 - 0.5 * (t * std::f32::consts::PI).cos()
}

/// dB-linear interpolation between two linear gains: constant dB per second.
/// A gain of 0 is treated as [`SILENCE_DB`]; the end value is returned exactly at `t = 1`.
pub fn db_linear(from: f32, to: f32, t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    if t >= 1.0 {
        return to;
    }
    if t <= 0.0 {
        return from;
    }
    let a = gain_to_db(from).max(SILENCE_DB);
    let b = gain_to_db(to).max(SILENCE_DB);
    let g = db_to_gain(a + (b - a) * t);
    // Below the silence floor, finish linearly towards true zero so there is no final step.
    if to <= db_to_gain(SILENCE_DB) {
        g * (1.0 - t).min(1.0).sqrt().max(0.0) + to * t
    } else if from <= db_to_gain(SILENCE_DB) {
        g * t.sqrt() + from * (1.0 - t)
    } else {
        g
    }
}

/// The shape of a ramp between two gains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Curve {
    /// Straight line in amplitude.
    Linear,
    /// Raised-cosine S-curve in amplitude.
    SCurve,
    /// Constant dB per second (sounds even to the ear).
    DbLinear,
    /// Equal-power fade in: `sin(t·π/2)` scaled between the gains.
    EqualPowerIn,
    /// Equal-power fade out: `cos(t·π/2)` scaled between the gains.
    EqualPowerOut,
}

/// Value of a ramp from `from` to `to` at normalised time `t` with `curve`.
pub fn ramp_value(curve: Curve, from: f32, to: f32, t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    match curve {
        Curve::Linear => from + (to - from) * t,
        Curve::SCurve => from + (to - from) * s_curve(t),
        Curve::DbLinear => db_linear(from, to, t),
        Curve::EqualPowerIn => from + (to - from) * equal_power(t).1,
        Curve::EqualPowerOut => from + (to - from) * (1.0 - equal_power(t).0),
    }
}

/// How long a level change should take: at least `min`, and slow enough that it never moves
/// faster than `max_db_per_second` (counting silence as [`SILENCE_DB`]).
pub fn ramp_duration(from: f32, to: f32, min: Duration, max_db_per_second: f32) -> Duration {
    let a = gain_to_db(from).max(SILENCE_DB);
    let b = gain_to_db(to).max(SILENCE_DB);
    let span = (a - b).abs();
    if max_db_per_second <= 0.0 || !span.is_finite() {
        return min;
    }
    let needed = Duration::try_from_secs_f32(span / max_db_per_second).unwrap_or(Duration::from_secs(3600));
    needed.min(Duration::from_secs(3600)).max(min)
}

/// A ramp evaluated frame by frame on the audio thread.
#[derive(Debug, Clone)]
pub struct Ramp {
    from: f32,
    to: f32,
    len: u64,
    pos: u64,
    curve: Curve,
}

impl Ramp {
    /// A ramp that already sits at `value`.
    pub fn steady(value: f32) -> Self {
        Ramp { from: value, to: value, len: 0, pos: 0, curve: Curve::Linear }
    }

    /// A ramp from `from` to `to` over `frames` frames.
    pub fn new(from: f32, to: f32, frames: u64, curve: Curve) -> Self {
        Ramp { from, to, len: frames, pos: 0, curve }
    }

    /// Re-target from wherever the ramp is now.
    pub fn retarget(&mut self, to: f32, frames: u64, curve: Curve) {
        let now = self.value();
        *self = Ramp::new(now, to, frames, curve);
    }

    /// Current value.
    pub fn value(&self) -> f32 {
        if self.len == 0 || self.pos >= self.len {
            self.to
        } else {
            ramp_value(self.curve, self.from, self.to, self.pos as f32 / self.len as f32)
        }
    }

    /// Value for this frame, then move one frame on.
    pub fn next_value(&mut self) -> f32 {
        let v = self.value();
        if self.pos < self.len {
            self.pos += 1;
        }
        v
    }

    /// True when the ramp has reached its target.
    pub fn done(&self) -> bool {
        self.pos >= self.len
    }

    /// The value the ramp is heading to.
    pub fn target(&self) -> f32 {
        self.to
    }

    /// Frames left until the target is reached.
    pub fn remaining(&self) -> u64 {
        self.len.saturating_sub(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_power_keeps_power_constant() {
        for i in 0..=100 {
            let (a, b) = equal_power(i as f32 / 100.0);
            assert!((a * a + b * b - 1.0).abs() < 1e-5);
        }
        assert_eq!(equal_power(0.0), (1.0, 0.0));
        let (a, b) = equal_power(1.0);
        assert!(a.abs() < 1e-6 && (b - 1.0).abs() < 1e-6);
    }

    #[test]
    fn s_curve_is_monotonic_and_flat_at_ends() {
        let mut last = -1.0;
        for i in 0..=1000 {
            let v = s_curve(i as f32 / 1000.0);
            assert!(v >= last);
            last = v;
        }
        assert!(s_curve(0.001) < 1e-4);
        assert!((s_curve(0.5) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn db_linear_moves_in_even_db_steps() {
        let (from, to) = (0.2f32, 1.0f32);
        let steps = 10;
        let mut prev = gain_to_db(from);
        let expected = (gain_to_db(to) - gain_to_db(from)) / steps as f32;
        for i in 1..=steps {
            let db = gain_to_db(db_linear(from, to, i as f32 / steps as f32));
            assert!(((db - prev) - expected).abs() < 1e-3, "step {i}");
            prev = db;
        }
    }

    #[test]
    fn db_linear_to_silence_ends_at_zero_without_jump() {
        let mut prev = 1.0f32;
        let n = 8 * 44100;
        for i in 1..=n {
            let v = db_linear(1.0, 0.0, i as f32 / n as f32);
            assert!(v <= prev + 1e-7);
            assert!(prev - v < 0.001, "jump at {i}");
            prev = v;
        }
        assert_eq!(prev, 0.0);
    }

    #[test]
    fn ramp_duration_respects_minimum_and_rate() {
        let d = ramp_duration(0.2, 1.0, Duration::from_millis(300), 30.0);
        assert!(d > Duration::from_millis(460) && d < Duration::from_millis(480));
        let d = ramp_duration(0.9, 1.0, Duration::from_millis(300), 30.0);
        assert_eq!(d, Duration::from_millis(300));
    }

    #[test]
    fn ramp_steps_frame_by_frame() {
        let mut r = Ramp::new(0.0, 1.0, 4, Curve::Linear);
        let v: Vec<f32> = (0..6).map(|_| r.next_value()).collect();
        assert_eq!(v, vec![0.0, 0.25, 0.5, 0.75, 1.0, 1.0]);
        assert!(r.done());
        r.retarget(0.5, 2, Curve::Linear);
        assert_eq!(r.next_value(), 1.0);
        assert_eq!(r.next_value(), 0.75);
        assert_eq!(r.next_value(), 0.5);
    }

    #[test]
    fn all_curves_hit_end_points() {
        for c in [Curve::Linear, Curve::SCurve, Curve::DbLinear, Curve::EqualPowerIn, Curve::EqualPowerOut] {
            assert!((ramp_value(c, 0.3, 0.8, 0.0) - 0.3).abs() < 1e-6, "{c:?}");
            assert!((ramp_value(c, 0.3, 0.8, 1.0) - 0.8).abs() < 1e-6, "{c:?}");
        }
    }
}

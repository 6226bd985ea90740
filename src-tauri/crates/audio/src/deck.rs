//! The mixing core that runs inside the output callback.
//!
//! Two lanes (the current track and, during a crossfade or skip, the outgoing one) are mixed
//! with our own per-frame gain ramps, so crossfades, skips, pauses and volume changes are
//! exact in samples whatever the output's pacing. The core lives in an `Arc<Mutex<_>>` owned
//! by the engine thread; the output device only holds a thin [`DeckOutput`] handle, so the
//! core (and the playback position) survives the loss of a device.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::decode::LaneSource;
use crate::ramp::{Curve, Ramp};
use crate::safety::{SafetyConfig, SafetyStage};
use crate::{CHANNELS, SAMPLE_RATE};

/// One playing track.
pub(crate) struct Lane {
    pub src: LaneSource,
    /// Index of the track in the engine's queue.
    pub index: usize,
    /// Where in the track playback started (after a seek), in frames.
    pub start_frame: u64,
    /// Frames played from this lane.
    pub played: u64,
    /// Loudness normalisation gain.
    pub norm: f32,
    /// Transition gain (fade in / fade out).
    pub fade: Ramp,
}

impl Lane {
    pub(crate) fn new(src: LaneSource, index: usize, start_frame: u64, norm: f32) -> Self {
        Lane { src, index, start_frame, played: 0, norm, fade: Ramp::steady(1.0) }
    }
    /// Position in the track, in frames.
    pub fn position(&self) -> u64 {
        self.start_frame + self.played
    }
    /// Frames left before the end of the track, when the length is known.
    pub fn remaining(&self) -> Option<u64> {
        self.src.total_frames.map(|t| t.saturating_sub(self.position()))
    }
}

/// What the core tells the engine thread.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CoreEvent {
    /// A queued track took over naturally (gapless or crossfade).
    Started { index: usize },
    /// The current track ended and nothing was queued.
    Ended { index: usize },
    /// A duck ramp finished with this action.
    DuckDone(AfterDuck),
}

/// What happens when the duck (pause / stop / fade) ramp reaches its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum AfterDuck {
    Pause,
    Stop,
    Silence,
}

/// The mixing state.
pub(crate) struct Core {
    pub current: Option<Lane>,
    pub outgoing: Vec<Lane>,
    pub queued: Option<Lane>,
    /// Crossfade length between tracks, in frames (0 = gapless).
    pub crossfade_frames: u64,
    /// User volume.
    pub volume: Ramp,
    /// Pause / resume / fade-to-silence multiplier.
    pub duck: Ramp,
    pub after_duck: Option<AfterDuck>,
    /// When false, nothing advances and silence is output.
    pub running: bool,
    pub events: Vec<CoreEvent>,
    /// Frames rendered while running.
    pub frames_out: u64,
}

impl Core {
    pub(crate) fn new(volume: f32) -> Self {
        Core {
            current: None,
            outgoing: Vec::new(),
            queued: None,
            crossfade_frames: 0,
            volume: Ramp::steady(volume),
            duck: Ramp::steady(1.0),
            after_duck: None,
            running: false,
            events: Vec::new(),
            frames_out: 0,
        }
    }

    /// Start a user transition (skip, seek, jump): the current lane fades out and `lane`
    /// fades in over `frames`, with equal-power curves.
    pub(crate) fn transition_to(&mut self, mut lane: Lane, frames: u64) {
        if let Some(mut cur) = self.current.take() {
            let from = cur.fade.value();
            cur.fade = Ramp::new(from, 0.0, frames, Curve::EqualPowerOut);
            self.outgoing.push(cur);
        }
        lane.fade = if frames == 0 { Ramp::steady(1.0) } else { Ramp::new(0.0, 1.0, frames, Curve::EqualPowerIn) };
        self.current = Some(lane);
        self.queued = None;
    }

    /// Fade every lane out over `frames` and clear the queue.
    pub(crate) fn fade_out_all(&mut self, frames: u64) {
        if let Some(mut cur) = self.current.take() {
            let from = cur.fade.value();
            cur.fade = Ramp::new(from, 0.0, frames, Curve::EqualPowerOut);
            self.outgoing.push(cur);
        }
        self.queued = None;
    }

    fn render_frame(&mut self) -> (f32, f32) {
        if !self.running {
            return (0.0, 0.0);
        }
        self.frames_out += 1;
        // A natural crossfade starts when the current track has `crossfade_frames` left.
        if self.crossfade_frames > 0 {
            let start = match (&self.current, &self.queued) {
                (Some(cur), Some(_)) => cur.remaining().is_some_and(|r| r <= self.crossfade_frames && r > 0),
                _ => false,
            };
            if start {
                if let (Some(mut cur), Some(mut next)) = (self.current.take(), self.queued.take()) {
                    let len = cur.remaining().unwrap_or(self.crossfade_frames).max(1);
                    let from = cur.fade.value();
                    cur.fade = Ramp::new(from, 0.0, len, Curve::EqualPowerOut);
                    next.fade = Ramp::new(0.0, 1.0, len, Curve::EqualPowerIn);
                    self.events.push(CoreEvent::Started { index: next.index });
                    self.outgoing.push(cur);
                    self.current = Some(next);
                }
            }
        }
        let mut l = 0.0f32;
        let mut r = 0.0f32;
        // Current lane; if it ends, the queued one takes over in the same frame (gapless).
        let mut guard = 0;
        while let Some(cur) = self.current.as_mut() {
            guard += 1;
            match cur.src.next_frame() {
                Some((a, b)) => {
                    let g = cur.norm * cur.fade.next_value();
                    cur.played += 1;
                    l += a * g;
                    r += b * g;
                    break;
                }
                None => {
                    let index = cur.index;
                    match self.queued.take() {
                        Some(mut next) if guard < 4 => {
                            next.fade = Ramp::steady(1.0);
                            self.events.push(CoreEvent::Started { index: next.index });
                            self.current = Some(next);
                        }
                        other => {
                            self.queued = other;
                            self.current = None;
                            self.events.push(CoreEvent::Ended { index });
                        }
                    }
                }
            }
        }
        // Outgoing lanes (crossfade or skip in progress).
        self.outgoing.retain_mut(|lane| {
            if lane.fade.done() && lane.fade.target() <= 0.0 {
                return false;
            }
            match lane.src.next_frame() {
                Some((a, b)) => {
                    let g = lane.norm * lane.fade.next_value();
                    lane.played += 1;
                    l += a * g;
                    r += b * g;
                    true
                }
                None => false,
            }
        });
        let g = self.volume.next_value() * self.duck.next_value();
        if self.duck.done() {
            if let Some(action) = self.after_duck.take() {
                self.running = false;
                if action == AfterDuck::Stop {
                    self.current = None;
                    self.queued = None;
                    self.outgoing.clear();
                }
                self.events.push(CoreEvent::DuckDone(action));
            }
        }
        (l * g, r * g)
    }

    /// Fill `out` (interleaved stereo).
    pub(crate) fn render(&mut self, out: &mut [f32]) {
        for frame in out.chunks_mut(CHANNELS as usize) {
            let (l, r) = self.render_frame();
            if let Some(x) = frame.get_mut(0) {
                *x = l.clamp(-1.0, 1.0);
            }
            if let Some(x) = frame.get_mut(1) {
                *x = r.clamp(-1.0, 1.0);
            }
        }
    }
}

/// Lock the core, ignoring poisoning (a panic elsewhere must never silence the room).
pub(crate) fn lock(core: &Mutex<Core>) -> MutexGuard<'_, Core> {
    core.lock().unwrap_or_else(|e| e.into_inner())
}

/// Frames rendered per lock of the core (about 12 ms).
const BLOCK_FRAMES: usize = 512;

/// The source handed to the output device's mixer: pulls blocks from the shared core.
pub(crate) struct DeckOutput {
    core: Arc<Mutex<Core>>,
    buf: Vec<f32>,
    pos: usize,
    last_pull: Arc<AtomicU64>,
    epoch: Instant,
    /// Optional pacing for outputs that pull faster than real time (test captures).
    pace: Option<f32>,
    started: Instant,
    blocks: u64,
    /// The last stage of the chain: nothing leaves without passing it.
    safety: SafetyStage,
}

impl DeckOutput {
    pub(crate) fn new(core: Arc<Mutex<Core>>, last_pull: Arc<AtomicU64>, epoch: Instant, pace: Option<f32>, safety: SafetyConfig) -> Self {
        DeckOutput {
            core,
            buf: vec![0.0; BLOCK_FRAMES * CHANNELS as usize],
            pos: usize::MAX,
            last_pull,
            epoch,
            pace: pace.filter(|p| p.is_finite() && *p > 0.0),
            started: Instant::now(),
            blocks: 0,
            safety: SafetyStage::new(safety),
        }
    }

    /// Nothing to play: silence (an output opened only to see that it opens).
    pub(crate) fn silent() -> Self {
        let core = Arc::new(Mutex::new(Core::new(0.0)));
        DeckOutput::new(core, Arc::new(AtomicU64::new(0)), Instant::now(), None, SafetyConfig::default())
    }

    /// Fills an output device's buffer, a block at a time (the direct output's callback).
    pub(crate) fn fill(&mut self, out: &mut [f32]) {
        let mut done = 0;
        while done < out.len() {
            if self.pos >= self.buf.len() {
                self.render_block();
            }
            let n = (self.buf.len() - self.pos).min(out.len() - done);
            out[done..done + n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.pos += n;
            done += n;
        }
    }

    fn render_block(&mut self) {
        {
            if let Some(speed) = self.pace {
                let due = self.blocks as f64 * BLOCK_FRAMES as f64 / (SAMPLE_RATE as f64 * speed as f64);
                let now = self.started.elapsed().as_secs_f64();
                if due > now {
                    std::thread::sleep(std::time::Duration::from_secs_f64(due - now));
                }
            }
            self.blocks += 1;
            let mut core = lock(&self.core);
            // A decoder that panics on a corrupt file must not take the output thread down:
            // drop the lane that was playing and carry on with silence until the next track.
            let rendered = crate::quiet_panics::catch(|| core.render(&mut self.buf));
            if rendered.is_err() {
                self.buf.iter_mut().for_each(|x| *x = 0.0);
                core.outgoing.clear();
                if let Some(lane) = core.current.take() {
                    core.events.push(CoreEvent::Ended { index: lane.index });
                }
            }
            // The room expects the loudness target at the current volume (the engine's own
            // pause and fade ramps are not counted: music coming back at that level is expected).
            let expected = core.volume.value();
            drop(core);
            self.safety.set_expected_gain(expected);
            self.safety.process_interleaved(&mut self.buf);
            self.pos = 0;
            self.last_pull.store(self.epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
        }
    }
}

/// Sample by sample, for rodio's mixer (the fallback output).
impl Iterator for DeckOutput {
    type Item = f32;
    fn next(&mut self) -> Option<f32> {
        if self.pos >= self.buf.len() {
            self.render_block();
        }
        let v = self.buf.get(self.pos).copied().unwrap_or(0.0);
        self.pos += 1;
        Some(v)
    }
}

impl rodio::Source for DeckOutput {
    fn current_span_len(&self) -> Option<usize> {
        None
    }
    fn channels(&self) -> rodio::ChannelCount {
        std::num::NonZero::new(CHANNELS).unwrap_or(rodio::ChannelCount::MIN)
    }
    fn sample_rate(&self) -> rodio::SampleRate {
        std::num::NonZero::new(SAMPLE_RATE).unwrap_or(rodio::SampleRate::MIN)
    }
    fn total_duration(&self) -> Option<std::time::Duration> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constant(v: f32, frames: u64) -> LaneSource {
        LaneSource::from_iter(std::iter::repeat_n(v, frames as usize * 2), Some(frames))
    }

    fn running_core() -> Core {
        let mut c = Core::new(1.0);
        c.running = true;
        c
    }

    fn render(core: &mut Core, frames: usize) -> Vec<f32> {
        let mut buf = vec![0.0; frames * 2];
        core.render(&mut buf);
        buf.chunks(2).map(|f| f[0]).collect()
    }

    #[test]
    fn gapless_switch_happens_on_the_next_frame() {
        let mut c = running_core();
        c.current = Some(Lane::new(constant(0.25, 1000), 0, 0, 1.0));
        c.queued = Some(Lane::new(constant(0.5, 1000), 1, 0, 1.0));
        let out = render(&mut c, 1500);
        assert!(out[..1000].iter().all(|v| *v == 0.25));
        assert!(out[1000..].iter().all(|v| *v == 0.5));
        assert_eq!(c.events, vec![CoreEvent::Started { index: 1 }]);
    }

    #[test]
    fn crossfade_starts_exactly_its_length_before_the_end() {
        let mut c = running_core();
        c.crossfade_frames = 300;
        c.current = Some(Lane::new(constant(1.0, 1000), 0, 0, 1.0));
        c.queued = Some(Lane::new(constant(0.0, 2000), 1, 0, 1.0));
        let out = render(&mut c, 1200);
        // A alone until 700 frames are played, then the equal-power fade over 300 frames.
        assert!(out[..700].iter().all(|v| *v == 1.0), "{}", out[699]);
        assert!(out[700] <= 1.0 && out[701] < 1.0);
        assert!((out[850] - std::f32::consts::FRAC_1_SQRT_2).abs() < 0.01, "{}", out[850]);
        assert!(out[999] < 0.01 && out[1000..].iter().all(|v| *v == 0.0));
    }

    #[test]
    fn pause_ramps_down_then_stops_advancing() {
        let mut c = running_core();
        c.current = Some(Lane::new(constant(1.0, 10_000), 0, 0, 1.0));
        c.duck.retarget(0.0, 100, Curve::SCurve);
        c.after_duck = Some(AfterDuck::Pause);
        let out = render(&mut c, 200);
        let steps = out.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0f32, f32::max);
        assert!(steps < 0.02, "step {steps}");
        assert!(out[100..].iter().all(|v| *v == 0.0));
        assert!(!c.running);
        let pos = c.current.as_ref().map(|l| l.position());
        assert_eq!(pos, Some(100));
    }

    #[test]
    fn a_panicking_decoder_is_dropped_and_output_continues() {
        let core = Arc::new(Mutex::new(running_core()));
        let mut n = 0;
        let bad = std::iter::from_fn(move || {
            n += 1;
            if n > 100 {
                panic!("corrupt frame");
            }
            Some(0.5)
        });
        lock(&core).current = Some(Lane::new(LaneSource::from_iter(bad, None), 3, 0, 1.0));
        let mut out = DeckOutput::new(core.clone(), Arc::new(AtomicU64::new(0)), Instant::now(), None, SafetyConfig::default());
        let first: Vec<f32> = (&mut out).take(4096).collect();
        assert_eq!(first.len(), 4096);
        let c = lock(&core);
        assert!(c.current.is_none());
        assert_eq!(c.events, vec![CoreEvent::Ended { index: 3 }]);
    }
}

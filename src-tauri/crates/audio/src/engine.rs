//! The audio engine: one named thread owns the output device and everything that plays.
//!
//! The rest of the app sends [`EngineCommand`]s over a channel, reads a [`Status`] snapshot
//! without ever waiting for the audio thread, receives [`EngineEvent`]s (what played, what
//! was skipped, device lost...) to write to the session timeline, and can be told of every
//! status change ([`StatusUpdate`]): the whole status when something but the playhead moved,
//! the playhead alone every ten seconds while playing (the window counts on between).
//! With nothing to play for `idle_close_ms` the output is closed (it renders silence
//! otherwise) and opened again the moment music is asked for.
//!
//! Every level change is ramped per sample inside the mixing core (`deck.rs`): volume, pause
//! and resume, skip, seek, stop and fade to silence. Tracks crossfade with equal-power curves
//! or, with a crossfade of 0, follow each other gaplessly: the next track is opened and its
//! first frames decoded while the current one plays.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rodio::cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use rodio::{DeviceSinkBuilder, MixerDeviceSink};

use crate::deck::{lock, AfterDuck, Core, CoreEvent, DeckOutput, Lane};
use crate::decode::LaneSource;
use crate::loudness::{gain_for, LoudnessCache, LoudnessKey};
use crate::ramp::{db_to_gain, ramp_duration, Curve};
use crate::{AudioError, Result, SAMPLE_RATE};

/// Timings and defaults of the engine. Every number is editable by the clinic.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct EngineConfig {
    /// Shortest volume change, in ms (default 300).
    #[ts(type = "number")]
    pub volume_ramp_ms: u64,
    /// Volume never moves faster than this (dB per second); long changes take longer.
    pub max_db_per_second: f32,
    /// Pause, resume and stop ramp, in ms.
    #[ts(type = "number")]
    pub pause_ramp_ms: u64,
    /// Skip, previous and phase-jump crossfade, in ms.
    #[ts(type = "number")]
    pub skip_ramp_ms: u64,
    /// Seek ramp, in ms.
    #[ts(type = "number")]
    pub seek_ramp_ms: u64,
    /// Default fade to silence, in ms (default 8000).
    #[ts(type = "number")]
    pub fade_to_silence_ms: u64,
    /// Volume at start, 0.0 to 1.0 (linear amplitude).
    pub initial_volume: f32,
    /// Output device name; `None` uses the system default.
    pub device: Option<String>,
    /// How often to try to reopen a missing device, in ms.
    #[ts(type = "number")]
    pub device_poll_ms: u64,
    /// With nothing to play for this long (ms), the output is closed until music is asked for
    /// again: an open output renders silence all the time, about 1 % of a core. 0 keeps it open.
    #[ts(type = "number")]
    pub idle_close_ms: u64,
    /// Apply loudness normalisation gain.
    pub normalise: bool,
    /// Loudness target in LUFS (default -23).
    pub target_lufs: f64,
    /// True-peak ceiling in dBTP (default -1).
    pub max_true_peak_dbtp: f64,
    /// Test hook: never render faster than this many times real time. Only for outputs that
    /// are not paced by hardware (the ALSA file plugin used by the capture tests); `None` in
    /// the app.
    pub pace_unpaced_output: Option<f32>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            volume_ramp_ms: 300,
            max_db_per_second: 30.0,
            pause_ramp_ms: 700,
            skip_ramp_ms: 1000,
            seek_ramp_ms: 400,
            fade_to_silence_ms: 8000,
            initial_volume: 0.8,
            device: None,
            device_poll_ms: 2000,
            idle_close_ms: 10_000,
            normalise: true,
            target_lufs: crate::loudness::DEFAULT_TARGET_LUFS,
            max_true_peak_dbtp: crate::loudness::DEFAULT_MAX_TRUE_PEAK_DBTP,
            pace_unpaced_output: None,
        }
    }
}

/// One track ready to play (see [`crate::library::resolve`] to build these from a playlist).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct QueueTrack {
    #[ts(type = "string")]
    pub path: PathBuf,
    pub title: String,
    pub artist: String,
    pub phase: String,
    /// Expected length, used for "time left in phase" before the file is opened.
    #[ts(type = "number | null")]
    pub duration_ms: Option<u64>,
    /// Normalisation gain; `None` looks it up in the loudness cache.
    pub gain_db: Option<f32>,
}

/// What the engine plays: an ordered list of tracks and the crossfade between them.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Queue {
    pub title: String,
    /// 0 means gapless.
    pub crossfade_seconds: f32,
    pub tracks: Vec<QueueTrack>,
}

/// Commands sent to the engine thread.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineCommand {
    Load { queue: Queue },
    Play,
    Pause,
    Resume,
    Next,
    Previous,
    Seek { #[ts(type = "number")] position_ms: u64 },
    SetVolume { volume: f32 },
    FadeToSilence { #[ts(type = "number | null")] duration_ms: Option<u64> },
    /// Fade to silence (the fade-to-silence time by default), then stop: nothing resumes, and
    /// play starts again from the first track. For the end of a session.
    FadeOut { #[ts(type = "number | null")] duration_ms: Option<u64> },
    JumpToPhase { phase: String },
    PlayIndex { index: u32 },
    SetDevice { name: Option<String> },
    Stop,
    Shutdown,
}

/// Why a track was skipped.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkipReason {
    /// The therapist skipped it.
    User,
    /// The file is not there.
    Missing { message: String },
    /// The file is there but does not decode (truncated, corrupt, unsupported).
    Undecodable { message: String },
}

/// What the engine did, for the session timeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EngineEvent {
    TrackStarted { index: u32, title: String, artist: String, phase: String, path: String },
    TrackSkipped { index: u32, title: String, path: String, reason: SkipReason },
    Paused,
    Resumed,
    VolumeChanged { from: f32, to: f32 },
    FadedToSilence,
    PhaseJumped { phase: String },
    /// The output device went away (or could not be opened at start): `message` says what it
    /// means for the room, `detail` is the sound library's own words (for the log).
    DeviceLost {
        message: String,
        #[serde(default)]
        detail: String,
    },
    DeviceRegained { name: String },
    PlaylistFinished,
    Stopped,
}

/// Playback state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PlayState {
    Stopped,
    Playing,
    Paused,
    /// Faded to silence (resume brings the music back gently).
    Silenced,
}

/// State of the output device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DeviceState {
    /// First attempt not finished yet.
    Opening,
    Ok,
    /// Could not be opened; retrying every `device_poll_ms`.
    Unavailable,
    /// Was open and went away; retrying every `device_poll_ms`.
    Lost,
}

/// The output device as the room sees it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct DeviceStatus {
    pub state: DeviceState,
    pub name: Option<String>,
    /// What it means for the room, in plain words (never the sound library's).
    pub message: Option<String>,
    /// The sound library's own words for the failure, for the log and the entry's details.
    #[serde(default)]
    pub detail: Option<String>,
    /// `Ok` and closed while nothing plays: it opens again when music is asked for, and a
    /// device that went away meanwhile is found then.
    #[serde(default)]
    pub standby: bool,
}

impl DeviceStatus {
    fn opening() -> Self {
        DeviceStatus { state: DeviceState::Opening, name: None, message: None, detail: None, standby: false }
    }

    fn open(name: String) -> Self {
        DeviceStatus { state: DeviceState::Ok, name: Some(name), message: None, detail: None, standby: false }
    }

    /// Lost or unavailable, with what the room is told and the library's own words.
    fn failed(state: DeviceState, name: Option<String>, e: &OutputError) -> Self {
        DeviceStatus { state, name, message: Some(e.message.clone()), detail: Some(e.detail.clone()), standby: false }
    }
}

/// Why no output opened: what the room is told, and the library's own words.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputError {
    pub message: String,
    pub detail: String,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the room is told when no sound output opens.
pub const NO_OUTPUT: &str = "No sound output found: music cannot play; the timer and record are not affected";

fn no_output(detail: impl Into<String>) -> OutputError {
    OutputError { message: NO_OUTPUT.to_string(), detail: detail.into() }
}

/// The whole chain of an error, outermost first: the library's words, for the log.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        source = inner.source();
    }
    s
}

/// What the room is told when an output that was playing goes away.
fn lost_output(name: &str, detail: String) -> OutputError {
    OutputError {
        message: format!("The sound output ({name}) was lost: music is silent until it is back; the timer and record are not affected"),
        detail,
    }
}

/// The next track.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct UpNext {
    pub index: u32,
    pub title: String,
    pub artist: String,
    pub phase: String,
}

/// A snapshot of the engine, cheap to read at any time.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Status {
    pub state: PlayState,
    pub playlist_title: String,
    pub track_count: u32,
    pub track_index: Option<u32>,
    pub title: Option<String>,
    pub artist: Option<String>,
    pub phase: Option<String>,
    #[ts(type = "number")]
    pub position_ms: u64,
    #[ts(type = "number | null")]
    pub duration_ms: Option<u64>,
    #[ts(type = "number | null")]
    pub track_left_ms: Option<u64>,
    #[ts(type = "number | null")]
    pub phase_left_ms: Option<u64>,
    /// User volume, 0.0 to 1.0 (the target while a ramp runs).
    pub volume: f32,
    /// A fade to silence or fade out is still sounding (the state already says where it ends).
    pub fading: bool,
    pub device: DeviceStatus,
    pub up_next: Option<UpNext>,
    /// Frames the engine has played since it started (a sample clock for tests and logs).
    #[ts(type = "number")]
    pub frames_played: u64,
}

/// Where the playhead is: all that changes while a track plays on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct PlayPosition {
    #[ts(type = "number")]
    pub position_ms: u64,
    #[ts(type = "number | null")]
    pub track_left_ms: Option<u64>,
    #[ts(type = "number | null")]
    pub phase_left_ms: Option<u64>,
}

/// What changed, for whoever shows the status (see [`Engine::take_status_updates`]).
#[derive(Debug, Clone, PartialEq)]
pub enum StatusUpdate {
    /// State, track, volume, device, queue or up next changed.
    Changed(Box<Status>),
    /// Only the playhead moved: every [`POSITION_RESYNC_MS`] of the track, so that a window
    /// counting on by its own clock is put right (an output that fell behind, say).
    Position(PlayPosition),
}

/// Updates waiting for a reader; a reader that stops reading loses updates, never the engine.
const UPDATE_BACKLOG: usize = 256;

/// What the playhead changes between full publications, kept outside the status lock.
#[derive(Default)]
struct Playhead {
    position_ms: AtomicU64,
    frames_played: AtomicU64,
}

/// The published status: everything but the playhead, refreshed only when it changes.
struct Published {
    status: Status,
    /// Length of the tracks after the current one in its phase (None: one has no length).
    phase_rest_ms: Option<u64>,
}

/// What a full publication depends on; compared on every pump without allocating.
#[derive(Debug, Clone, PartialEq)]
struct PublishKey {
    state: PlayState,
    index: Option<usize>,
    queued: Option<usize>,
    volume_bits: u32,
    fading: bool,
    total_frames: Option<u64>,
    queue_generation: u64,
}

fn hold<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn left_ms(duration_ms: Option<u64>, position_ms: u64, phase_rest_ms: Option<u64>) -> (Option<u64>, Option<u64>) {
    let track_left = duration_ms.map(|d| d.saturating_sub(position_ms));
    let phase_left = match (track_left, phase_rest_ms) {
        (Some(a), Some(b)) => Some(a.saturating_add(b)),
        _ => None,
    };
    (track_left, phase_left)
}

impl Status {
    fn initial(volume: f32) -> Self {
        Status {
            state: PlayState::Stopped,
            playlist_title: String::new(),
            track_count: 0,
            track_index: None,
            title: None,
            artist: None,
            phase: None,
            position_ms: 0,
            duration_ms: None,
            track_left_ms: None,
            phase_left_ms: None,
            volume,
            fading: false,
            device: DeviceStatus::opening(),
            up_next: None,
            frames_played: 0,
        }
    }
}

/// Names of the output devices the system offers (for the settings screen).
pub fn list_output_devices() -> Vec<String> {
    let host = rodio::cpal::default_host();
    let mut names = Vec::new();
    if let Ok(devices) = host.output_devices() {
        for d in devices {
            if let Ok(desc) = d.description() {
                names.push(desc.name().to_string());
            }
        }
    }
    names
}

/// An open output, playing what the deck renders until it is dropped.
pub(crate) enum OpenOutput {
    /// Straight to the device in the engine's own format: each block the deck renders is
    /// copied out as it is.
    Direct { _stream: rodio::cpal::Stream },
    /// Through rodio's mixer, which converts to a format the device takes (it costs about a
    /// third of the output thread's work, sample by sample, so it is only the fallback).
    Mixer { _sink: MixerDeviceSink },
}

/// Frames per period of a direct output: about 93 ms (two periods buffered, so a control is
/// heard at most about 0.2 s later, then ramped). Half of rodio's 50 ms default woke the output
/// thread and the ALSA pulse plugin's twice as often: 0.2 % of a core more while playing.
const DIRECT_BUFFER_FRAMES: u32 = 4096;

/// Open an output device (by name, or the default) and play `deck()` on it: at 44.1 kHz
/// stereo, 32-bit float, straight to the device when it takes that (every sound server does),
/// otherwise through rodio's mixer at the device's own format. Returns the device's name.
pub(crate) fn open_output(
    name: Option<&str>,
    lost: Arc<AtomicBool>,
    deck: &dyn Fn() -> DeckOutput,
) -> std::result::Result<(OpenOutput, String), OutputError> {
    let host = rodio::cpal::default_host();
    let device = match name {
        Some(wanted) => host
            .output_devices()
            .map_err(|e| no_output(chain(&e)))?
            .find(|d| d.description().map(|x| x.name() == wanted).unwrap_or(false))
            .ok_or_else(|| OutputError {
                message: format!(
                    "The chosen sound output \u{201c}{wanted}\u{201d} is not connected: music cannot play; the timer and record are not affected"
                ),
                detail: format!("output device \"{wanted}\" not found"),
            })?,
        None => host.default_output_device().ok_or_else(|| no_output("no default output device"))?,
    };
    let dev_name = device
        .description()
        .map(|d| d.name().to_string())
        .unwrap_or_else(|_| "default".to_string());
    let on_error = move |e: rodio::CpalError| {
        use rodio::CpalErrorKind as K;
        match e.kind() {
            K::Xrun | K::DeviceChanged | K::DeviceBusy => {}
            _ => lost.store(true, Ordering::Relaxed),
        }
    };
    let direct = rodio::cpal::StreamConfig {
        channels: crate::CHANNELS,
        sample_rate: SAMPLE_RATE,
        buffer_size: rodio::cpal::BufferSize::Fixed(DIRECT_BUFFER_FRAMES),
    };
    let mut out = deck();
    if let Ok(stream) = device.build_output_stream::<f32, _, _>(direct, move |data, _| out.fill(data), on_error.clone(), None) {
        if stream.play().is_ok() {
            return Ok((OpenOutput::Direct { _stream: stream }, dev_name));
        }
    }
    let builder = DeviceSinkBuilder::from_device(device).map_err(|e| no_output(chain(&e)))?;
    let rate = std::num::NonZero::new(SAMPLE_RATE).ok_or_else(|| no_output("bad rate"))?;
    let ch = std::num::NonZero::new(crate::CHANNELS).ok_or_else(|| no_output("bad channel count"))?;
    let preferred = builder
        .with_sample_rate(rate)
        .with_channels(ch)
        .with_sample_format(rodio::cpal::SampleFormat::F32)
        .with_error_callback(on_error.clone());
    let mut sink = match preferred.open_sink_or_fallback() {
        Ok(s) => s,
        Err(e) => return Err(no_output(chain(&e))),
    };
    sink.log_on_drop(false);
    sink.mixer().add(deck());
    Ok((OpenOutput::Mixer { _sink: sink }, dev_name))
}

/// While playing, how often the playhead is pushed to the reader (between pushes the window
/// counts on from the last one; every change of state, track or place is pushed at once).
pub const POSITION_RESYNC_MS: u64 = 10_000;

/// Handle to the engine thread. Dropping it stops the thread.
pub struct Engine {
    tx: Sender<EngineCommand>,
    status: Arc<Mutex<Published>>,
    playhead: Arc<Playhead>,
    events: Mutex<Option<Receiver<EngineEvent>>>,
    updates: Mutex<Option<Receiver<StatusUpdate>>>,
    thread: Option<JoinHandle<()>>,
}

impl Engine {
    /// Start the engine thread. Never fails: with no sound device the engine runs, reports
    /// [`DeviceState::Unavailable`] and keeps trying to open one.
    pub fn start(config: EngineConfig) -> Engine {
        Engine::start_with_cache(config, None)
    }

    /// Start with a loudness cache, used for tracks whose `gain_db` is `None`.
    pub fn start_with_cache(config: EngineConfig, cache: Option<Arc<dyn LoudnessCache>>) -> Engine {
        let (tx, rx) = mpsc::channel();
        let (etx, erx) = mpsc::channel();
        let (utx, urx) = mpsc::sync_channel(UPDATE_BACKLOG);
        let status =
            Arc::new(Mutex::new(Published { status: Status::initial(config.initial_volume), phase_rest_ms: None }));
        let playhead = Arc::new(Playhead::default());
        let (st, ph) = (status.clone(), playhead.clone());
        let thread = std::thread::Builder::new()
            .name("holdspace-audio".into())
            .spawn(move || {
                let mut w = Worker::new(config, cache, st, etx);
                w.playhead = ph;
                w.updates = Some(utx);
                w.run(rx);
            })
            .ok();
        Engine { tx, status, playhead, events: Mutex::new(Some(erx)), updates: Mutex::new(Some(urx)), thread }
    }

    /// Send a command. Fails only if the engine thread has gone.
    pub fn send(&self, cmd: EngineCommand) -> Result<()> {
        self.tx.send(cmd).map_err(|_| AudioError::EngineGone)
    }

    /// A copy of the current status (a short lock; never waits for audio work).
    pub fn status(&self) -> Status {
        let (mut s, rest) = {
            let p = hold(&self.status);
            (p.status.clone(), p.phase_rest_ms)
        };
        if s.track_index.is_some() {
            s.position_ms = self.playhead.position_ms.load(Ordering::Relaxed);
            (s.track_left_ms, s.phase_left_ms) = left_ms(s.duration_ms, s.position_ms, rest);
        }
        s.frames_played = self.playhead.frames_played.load(Ordering::Relaxed);
        s
    }

    /// Take the status updates (once): a full [`Status`] on every change but the playhead's,
    /// and the playhead while playing every [`POSITION_RESYNC_MS`] of the track.
    pub fn take_status_updates(&self) -> Option<Receiver<StatusUpdate>> {
        self.updates.lock().ok().and_then(|mut u| u.take())
    }

    /// Take the event receiver (once), e.g. to forward events from the shell's own thread.
    pub fn take_events(&self) -> Option<Receiver<EngineEvent>> {
        self.events.lock().ok().and_then(|mut e| e.take())
    }

    pub fn load(&self, queue: Queue) -> Result<()> { self.send(EngineCommand::Load { queue }) }
    pub fn play(&self) -> Result<()> { self.send(EngineCommand::Play) }
    pub fn pause(&self) -> Result<()> { self.send(EngineCommand::Pause) }
    pub fn resume(&self) -> Result<()> { self.send(EngineCommand::Resume) }
    pub fn next(&self) -> Result<()> { self.send(EngineCommand::Next) }
    pub fn previous(&self) -> Result<()> { self.send(EngineCommand::Previous) }
    pub fn seek(&self, position: Duration) -> Result<()> {
        self.send(EngineCommand::Seek { position_ms: position.as_millis() as u64 })
    }
    pub fn set_volume(&self, volume: f32) -> Result<()> { self.send(EngineCommand::SetVolume { volume }) }
    pub fn fade_to_silence(&self, duration: Option<Duration>) -> Result<()> {
        self.send(EngineCommand::FadeToSilence { duration_ms: duration.map(|d| d.as_millis() as u64) })
    }
    /// Fades what plays to silence over `duration` (default: the fade-to-silence time), then
    /// stops for good: the state is `Stopped` at once, and play starts from the first track.
    pub fn fade_out(&self, duration: Option<Duration>) -> Result<()> {
        self.send(EngineCommand::FadeOut { duration_ms: duration.map(|d| d.as_millis() as u64) })
    }
    pub fn jump_to_phase(&self, phase: &str) -> Result<()> {
        self.send(EngineCommand::JumpToPhase { phase: phase.to_string() })
    }
    pub fn set_device(&self, name: Option<String>) -> Result<()> { self.send(EngineCommand::SetDevice { name }) }
    pub fn stop(&self) -> Result<()> { self.send(EngineCommand::Stop) }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.tx.send(EngineCommand::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Output {
    _sink: OpenOutput,
    lost: Arc<AtomicBool>,
    name: String,
    opened_at: Instant,
}

struct Worker {
    cfg: EngineConfig,
    cache: Option<Arc<dyn LoudnessCache>>,
    status: Arc<Mutex<Published>>,
    playhead: Arc<Playhead>,
    updates: Option<SyncSender<StatusUpdate>>,
    /// What the last full publication was made from, and the device it showed.
    published: Option<(PublishKey, DeviceStatus)>,
    /// Which POSITION_RESYNC_MS interval of the track the playhead was last told in, and the
    /// rest of the phase after this track.
    resync_told: Option<u64>,
    phase_rest_ms: Option<u64>,
    duration_ms: Option<u64>,
    /// Counts loads, so a new queue republishes even with the same shape.
    queue_generation: u64,
    events: Sender<EngineEvent>,
    core: Arc<Mutex<Core>>,
    queue: Queue,
    state: PlayState,
    /// Track the playhead is on (or was last on).
    index: Option<usize>,
    /// Track index whose follower has been prepared (or found absent).
    prepared_after: Option<usize>,
    pending_skips: HashMap<usize, Vec<EngineEvent>>,
    /// Skips found while preparing the follower of the track at this index when nothing
    /// playable follows it: sent once, when that track ends.
    end_skips: Option<(usize, Vec<EngineEvent>)>,
    output: Option<Output>,
    device: DeviceStatus,
    was_ok: bool,
    next_poll: Instant,
    last_pull: Arc<AtomicU64>,
    epoch: Instant,
    /// Since when the open output has had nothing to play.
    quiet_since: Option<Instant>,
}

fn frames(ms: u64) -> u64 {
    ms.saturating_mul(SAMPLE_RATE as u64) / 1000
}

/// Milliseconds from user-supplied seconds, for any float (NaN and negatives give 0).
fn secs_to_ms(secs: f32) -> u64 {
    if secs.is_finite() && secs > 0.0 {
        (secs as f64 * 1000.0).min(u64::MAX as f64 / 2.0) as u64
    } else {
        0
    }
}

impl Worker {
    fn new(
        cfg: EngineConfig,
        cache: Option<Arc<dyn LoudnessCache>>,
        status: Arc<Mutex<Published>>,
        events: Sender<EngineEvent>,
    ) -> Self {
        let core = Arc::new(Mutex::new(Core::new(cfg.initial_volume.clamp(0.0, 1.0))));
        let now = Instant::now();
        Worker {
            cfg,
            cache,
            status,
            playhead: Arc::new(Playhead::default()),
            updates: None,
            published: None,
            resync_told: None,
            phase_rest_ms: None,
            duration_ms: None,
            queue_generation: 0,
            events,
            core,
            queue: Queue::default(),
            state: PlayState::Stopped,
            index: None,
            prepared_after: None,
            pending_skips: HashMap::new(),
            end_skips: None,
            output: None,
            device: DeviceStatus::opening(),
            was_ok: false,
            next_poll: now,
            last_pull: Arc::new(AtomicU64::new(0)),
            epoch: now,
            quiet_since: None,
        }
    }

    fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.cfg.device_poll_ms.clamp(100, 60_000))
    }

    /// The therapist skipped track `i` (the timeline records who skipped, and what).
    fn emit_user_skip(&self, i: usize) {
        if let Some(t) = self.queue.tracks.get(i) {
            self.emit(EngineEvent::TrackSkipped {
                index: i as u32,
                title: t.title.clone(),
                path: t.path.display().to_string(),
                reason: SkipReason::User,
            });
        }
    }

    fn emit(&self, e: EngineEvent) {
        let _ = self.events.send(e);
    }

    fn run(&mut self, rx: Receiver<EngineCommand>) {
        loop {
            // Playing, track ends and the next track's preparation need a quick beat (a track
            // that ends with nothing queued is followed at most this late; a queued one follows
            // in the output itself); otherwise commands wake the loop at once and only device
            // checks wait for the beat. Each beat costs a wake-up. With the output closed and
            // nothing playing, only commands matter.
            let beat = if self.state == PlayState::Playing {
                50
            } else if self.device.standby {
                1000
            } else {
                100
            };
            match rx.recv_timeout(Duration::from_millis(beat)) {
                Ok(EngineCommand::Shutdown) => break,
                Ok(cmd) => self.handle(cmd),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            self.pump();
        }
        // Let a stop ramp finish is not possible once the app quits; drop the output quietly.
        self.output = None;
    }

    // ----- devices -----

    fn poll_device(&mut self) {
        let now = Instant::now();
        if let Some(out) = &self.output {
            let last = self.last_pull.load(Ordering::Relaxed);
            let since_open = out.opened_at.elapsed();
            let stalled = since_open > Duration::from_secs(3)
                && (self.epoch.elapsed().as_millis() as u64).saturating_sub(last) > 3000;
            if out.lost.load(Ordering::Relaxed) || stalled {
                let name = out.name.clone();
                self.output = None;
                let detail = if stalled {
                    format!("output \"{name}\" stopped taking audio (nothing pulled for 3 s)")
                } else {
                    format!("output \"{name}\" reported an error and was closed")
                };
                let e = lost_output(&name, detail);
                self.device = DeviceStatus::failed(DeviceState::Lost, Some(name), &e);
                // Nothing is heard now; when a device returns, bring the music back gently.
                lock(&self.core).duck = crate::ramp::Ramp::steady(0.0);
                self.emit(EngineEvent::DeviceLost { message: e.message, detail: e.detail });
                self.next_poll = now + self.poll_interval();
                return;
            }
            self.close_when_quiet(now);
            return;
        }
        if self.device.standby {
            // Closed while nothing played: music is asked for, so open it now, not at the
            // next poll (the ramps are counted in frames: they start when the output does).
            if self.needs_output() {
                self.try_open();
                self.next_poll = now + self.poll_interval();
            }
            return;
        }
        if now < self.next_poll {
            return;
        }
        self.next_poll = now + self.poll_interval();
        self.try_open();
    }

    /// Something is to be heard: playing, or a ramp still running (a pause or fade finishing).
    fn needs_output(&self) -> bool {
        self.state == PlayState::Playing || lock(&self.core).running
    }

    /// Closes the output once it has had nothing to play for `idle_close_ms`.
    fn close_when_quiet(&mut self, now: Instant) {
        if self.cfg.idle_close_ms == 0 || self.needs_output() {
            self.quiet_since = None;
            return;
        }
        let since = *self.quiet_since.get_or_insert(now);
        if now.duration_since(since) >= Duration::from_millis(self.cfg.idle_close_ms) {
            self.output = None;
            self.quiet_since = None;
            self.device.standby = true;
        }
    }

    fn try_open(&mut self) {
        let from_standby = self.device.standby;
        let lost = Arc::new(AtomicBool::new(false));
        let safety = crate::safety::SafetyConfig {
            expected_db: self.cfg.target_lufs as f32,
            ceiling_dbtp: self.cfg.max_true_peak_dbtp as f32,
            ..Default::default()
        };
        let deck = || DeckOutput::new(self.core.clone(), self.last_pull.clone(), self.epoch, self.cfg.pace_unpaced_output, safety);
        match open_output(self.cfg.device.as_deref(), lost.clone(), &deck) {
            Ok((sink, name)) => {
                self.last_pull.store(self.epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
                {
                    let mut core = lock(&self.core);
                    // Bring the music back gently after a loss.
                    if self.state == PlayState::Playing && core.duck.target() <= 0.0 {
                        core.duck.retarget(1.0, frames(self.cfg.pause_ramp_ms), Curve::SCurve);
                    }
                }
                let previously_bad = matches!(self.device.state, DeviceState::Lost | DeviceState::Unavailable);
                self.device = DeviceStatus::open(name.clone());
                // Reopened after standby is not news; back after a loss, or another device, is.
                if previously_bad || (self.was_ok && !from_standby) {
                    self.emit(EngineEvent::DeviceRegained { name: name.clone() });
                }
                self.was_ok = true;
                self.output = Some(Output { _sink: sink, lost, name, opened_at: Instant::now() });
            }
            Err(e) => {
                let state = if self.was_ok { DeviceState::Lost } else { DeviceState::Unavailable };
                if matches!(self.device.state, DeviceState::Opening | DeviceState::Ok) {
                    self.emit(EngineEvent::DeviceLost { message: e.message.clone(), detail: e.detail.clone() });
                }
                self.device = DeviceStatus::failed(state, self.cfg.device.clone(), &e);
            }
        }
    }

    // ----- tracks -----

    fn norm_gain(&self, t: &crate::engine::QueueTrack) -> f32 {
        if !self.cfg.normalise {
            return 1.0;
        }
        let db = t.gain_db.or_else(|| {
            let cache = self.cache.as_ref()?;
            let key = LoudnessKey::for_path(&t.path).ok()?;
            let l = cache.get(&key)?;
            Some(gain_for(&l, self.cfg.target_lufs, self.cfg.max_true_peak_dbtp) as f32)
        });
        db.map(db_to_gain).unwrap_or(1.0)
    }

    /// Open the first playable track at or after `start`; unplayable ones are skipped with an
    /// event that is sent when the playhead reaches the track that replaces them.
    fn open_from(&mut self, start: usize, at: Duration) -> (Option<Lane>, Vec<EngineEvent>) {
        let mut skips = Vec::new();
        let mut i = start;
        while let Some(t) = self.queue.tracks.get(i).cloned() {
            let pos = if i == start { at } else { Duration::ZERO };
            match LaneSource::open(&t.path, pos) {
                Ok(src) => {
                    let start_frame = (pos.as_secs_f64() * SAMPLE_RATE as f64) as u64;
                    let lane = Lane::new(src, i, start_frame, self.norm_gain(&t));
                    return (Some(lane), skips);
                }
                Err(e) => {
                    let reason = match e {
                        AudioError::NotFound { .. } => SkipReason::Missing { message: e.to_string() },
                        _ => SkipReason::Undecodable { message: e.to_string() },
                    };
                    skips.push(EngineEvent::TrackSkipped {
                        index: i as u32,
                        title: t.title.clone(),
                        path: t.path.display().to_string(),
                        reason,
                    });
                }
            }
            i += 1;
        }
        (None, skips)
    }

    fn started_event(&self, index: usize) -> Option<EngineEvent> {
        let t = self.queue.tracks.get(index)?;
        Some(EngineEvent::TrackStarted {
            index: index as u32,
            title: t.title.clone(),
            artist: t.artist.clone(),
            phase: t.phase.clone(),
            path: t.path.display().to_string(),
        })
    }

    fn on_started(&mut self, index: usize) {
        self.index = Some(index);
        if let Some(skips) = self.pending_skips.remove(&index) {
            for s in skips {
                self.emit(s);
            }
        }
        if let Some(e) = self.started_event(index) {
            self.emit(e);
        }
    }

    /// Move the playhead to `target` with a ramped transition (skip, previous, jump, seek).
    fn go_to(&mut self, target: usize, at: Duration, ramp_ms: u64, user_skip: bool) -> bool {
        let (lane, skips) = self.open_from(target, at);
        for s in skips {
            self.emit(s);
        }
        let Some(lane) = lane else { return false };
        let new_index = lane.index;
        if user_skip {
            if let Some(i) = self.index {
                self.emit_user_skip(i);
            }
        }
        let running = self.state == PlayState::Playing;
        {
            let mut core = lock(&self.core);
            core.transition_to(lane, if running { frames(ramp_ms) } else { 0 });
        }
        self.prepared_after = None;
        self.pending_skips.clear();
        self.end_skips = None;
        let same_track = Some(new_index) == self.index && !user_skip;
        self.index = Some(new_index);
        if !same_track {
            if let Some(e) = self.started_event(new_index) {
                self.emit(e);
            }
        }
        true
    }

    fn start_playing(&mut self, from: usize) {
        if from >= self.queue.tracks.len() {
            return; // nothing loaded, or no such track
        }
        let (lane, skips) = self.open_from(from, Duration::ZERO);
        for s in skips {
            self.emit(s);
        }
        match lane {
            Some(lane) => {
                let idx = lane.index;
                {
                    let mut core = lock(&self.core);
                    core.transition_to(lane, 0);
                    core.crossfade_frames = frames(secs_to_ms(self.queue.crossfade_seconds));
                    core.duck = crate::ramp::Ramp::new(0.0, 1.0, frames(self.cfg.pause_ramp_ms), Curve::SCurve);
                    core.after_duck = None;
                    core.running = true;
                }
                self.state = PlayState::Playing;
                self.prepared_after = None;
                self.end_skips = None;
                self.index = Some(idx);
                if let Some(e) = self.started_event(idx) {
                    self.emit(e);
                }
            }
            None => {
                self.state = PlayState::Stopped;
                self.emit(EngineEvent::PlaylistFinished);
            }
        }
    }

    fn handle(&mut self, cmd: EngineCommand) {
        match cmd {
            EngineCommand::Shutdown => {}
            EngineCommand::Load { queue } => {
                {
                    let mut core = lock(&self.core);
                    core.fade_out_all(frames(self.cfg.skip_ramp_ms));
                    core.crossfade_frames = frames(secs_to_ms(queue.crossfade_seconds));
                }
                self.queue = queue;
                self.queue_generation += 1;
                self.index = None;
                self.prepared_after = None;
                self.pending_skips.clear();
                self.end_skips = None;
                if self.state != PlayState::Stopped {
                    self.state = PlayState::Stopped;
                    self.emit(EngineEvent::Stopped);
                }
            }
            EngineCommand::Play => match self.state {
                PlayState::Paused | PlayState::Silenced => self.handle(EngineCommand::Resume),
                PlayState::Playing => {}
                PlayState::Stopped => self.start_playing(self.index.unwrap_or(0)),
            },
            EngineCommand::PlayIndex { index } => {
                if self.state == PlayState::Playing {
                    self.go_to(index as usize, Duration::ZERO, self.cfg.skip_ramp_ms, true);
                } else {
                    self.state = PlayState::Stopped;
                    self.start_playing(index as usize);
                }
            }
            EngineCommand::Pause => {
                if self.state == PlayState::Playing {
                    let mut core = lock(&self.core);
                    core.duck.retarget(0.0, frames(self.cfg.pause_ramp_ms), Curve::SCurve);
                    core.after_duck = Some(AfterDuck::Pause);
                    drop(core);
                    self.state = PlayState::Paused;
                    self.emit(EngineEvent::Paused);
                }
            }
            EngineCommand::Resume => {
                if matches!(self.state, PlayState::Paused | PlayState::Silenced) {
                    let mut core = lock(&self.core);
                    core.running = true;
                    core.after_duck = None;
                    core.duck.retarget(1.0, frames(self.cfg.pause_ramp_ms), Curve::SCurve);
                    drop(core);
                    self.state = PlayState::Playing;
                    self.emit(EngineEvent::Resumed);
                }
            }
            EngineCommand::Stop => {
                let mut core = lock(&self.core);
                if core.running {
                    core.duck.retarget(0.0, frames(self.cfg.pause_ramp_ms), Curve::SCurve);
                    core.after_duck = Some(AfterDuck::Stop);
                } else {
                    core.current = None;
                    core.queued = None;
                    core.outgoing.clear();
                }
                drop(core);
                if self.state != PlayState::Stopped {
                    self.state = PlayState::Stopped;
                    self.emit(EngineEvent::Stopped);
                }
            }
            EngineCommand::Next => {
                let Some(i) = self.index.filter(|_| self.state != PlayState::Stopped) else { return };
                if !self.go_to(i + 1, Duration::ZERO, self.cfg.skip_ramp_ms, true) {
                    // Nothing after this track: fade out and finish.
                    self.emit_user_skip(i);
                    lock(&self.core).fade_out_all(frames(self.cfg.skip_ramp_ms));
                    self.state = PlayState::Stopped;
                    self.emit(EngineEvent::PlaylistFinished);
                }
            }
            EngineCommand::Previous => {
                let Some(i) = self.index.filter(|_| self.state != PlayState::Stopped) else { return };
                // Like other players: past the first few seconds, "previous" restarts the track.
                let pos = lock(&self.core).current.as_ref().map(|l| l.position()).unwrap_or(0);
                let target = if pos > frames(5000) { i } else { i.saturating_sub(1) };
                self.go_to(target, Duration::ZERO, self.cfg.skip_ramp_ms, target != i);
            }
            EngineCommand::Seek { position_ms } => {
                let Some(i) = self.index.filter(|_| self.state != PlayState::Stopped) else { return };
                // Never seek past the last second of the track.
                let total_ms = lock(&self.core)
                    .current
                    .as_ref()
                    .and_then(|l| l.src.total_frames)
                    .map(|f| f.saturating_mul(1000) / SAMPLE_RATE as u64);
                let pos = match total_ms {
                    Some(t) => position_ms.min(t.saturating_sub(1000)),
                    None => position_ms,
                };
                self.go_to(i, Duration::from_millis(pos), self.cfg.seek_ramp_ms, false);
            }
            EngineCommand::SetVolume { volume } => {
                let to = if volume.is_finite() { volume.clamp(0.0, 1.0) } else { return };
                let mut core = lock(&self.core);
                let from = core.volume.target();
                let now = core.volume.value();
                let d = ramp_duration(now, to, Duration::from_millis(self.cfg.volume_ramp_ms), self.cfg.max_db_per_second);
                let n = if core.running { frames(d.as_millis() as u64) } else { 0 };
                core.volume.retarget(to, n, Curve::DbLinear);
                drop(core);
                if (from - to).abs() > f32::EPSILON {
                    self.emit(EngineEvent::VolumeChanged { from, to });
                }
            }
            EngineCommand::FadeToSilence { duration_ms } => {
                if self.state == PlayState::Playing {
                    let ms = duration_ms.unwrap_or(self.cfg.fade_to_silence_ms);
                    let mut core = lock(&self.core);
                    core.duck.retarget(0.0, frames(ms), Curve::DbLinear);
                    core.after_duck = Some(AfterDuck::Silence);
                    drop(core);
                    self.state = PlayState::Silenced;
                    self.emit(EngineEvent::FadedToSilence);
                }
            }
            EngineCommand::FadeOut { duration_ms } => {
                let ms = duration_ms.unwrap_or(self.cfg.fade_to_silence_ms);
                let mut core = lock(&self.core);
                if core.running {
                    // From wherever the level is now (a fade to silence may be under way).
                    core.duck.retarget(0.0, frames(ms), Curve::DbLinear);
                    core.after_duck = Some(AfterDuck::Stop);
                } else {
                    core.current = None;
                    core.queued = None;
                    core.outgoing.clear();
                }
                drop(core);
                self.index = None;
                self.prepared_after = None;
                self.pending_skips.clear();
                self.end_skips = None;
                if self.state != PlayState::Stopped {
                    self.state = PlayState::Stopped;
                    self.emit(EngineEvent::Stopped);
                }
            }
            EngineCommand::JumpToPhase { phase } => {
                let Some(target) = self.queue.tracks.iter().position(|t| t.phase.eq_ignore_ascii_case(&phase)) else {
                    return;
                };
                let name = self.queue.tracks.get(target).map(|t| t.phase.clone()).unwrap_or(phase);
                self.emit(EngineEvent::PhaseJumped { phase: name });
                if self.state == PlayState::Playing {
                    self.go_to(target, Duration::ZERO, self.cfg.skip_ramp_ms, true);
                } else {
                    self.state = PlayState::Stopped;
                    self.start_playing(target);
                }
            }
            EngineCommand::SetDevice { name } => {
                self.cfg.device = name;
                self.output = None;
                self.try_open();
                self.next_poll = Instant::now() + self.poll_interval();
            }
        }
    }

    fn pump(&mut self) {
        self.poll_device();
        let events: Vec<CoreEvent> = std::mem::take(&mut lock(&self.core).events);
        for e in events {
            match e {
                CoreEvent::Started { index } => {
                    self.on_started(index);
                }
                CoreEvent::Ended { index } => {
                    if self.state != PlayState::Playing {
                        continue;
                    }
                    // Nothing playable follows (found while preparing): report those skips once.
                    let (lane, skips) = match self.end_skips.take() {
                        Some((after, skips)) if after == index => (None, skips),
                        // Nothing was queued in time: open the next one now (short silence).
                        _ => self.open_from(index + 1, Duration::ZERO),
                    };
                    for s in skips {
                        self.emit(s);
                    }
                    match lane {
                        Some(lane) => {
                            let idx = lane.index;
                            lock(&self.core).transition_to(lane, 0);
                            self.prepared_after = None;
                            self.on_started(idx);
                        }
                        None => {
                            self.state = PlayState::Stopped;
                            lock(&self.core).running = false;
                            self.emit(EngineEvent::PlaylistFinished);
                        }
                    }
                }
                CoreEvent::DuckDone(_) => {}
            }
        }
        self.prepare_next();
        self.publish();
    }

    /// Open the track after the current one before it is needed (gapless and crossfade).
    fn prepare_next(&mut self) {
        if self.state != PlayState::Playing {
            return;
        }
        let cur = {
            let core = lock(&self.core);
            if core.queued.is_some() {
                return;
            }
            match &core.current {
                Some(l) => l.index,
                None => return,
            }
        };
        if self.prepared_after == Some(cur) {
            return;
        }
        self.prepared_after = Some(cur);
        let (lane, skips) = self.open_from(cur + 1, Duration::ZERO);
        if let Some(lane) = lane {
            let idx = lane.index;
            let mut core = lock(&self.core);
            if core.current.as_ref().map(|l| l.index) == Some(cur) {
                core.queued = Some(lane);
                drop(core);
                if !skips.is_empty() {
                    self.pending_skips.insert(idx, skips);
                }
            }
        } else {
            // Nothing playable follows: the skips are reported when this track ends.
            self.end_skips = Some((cur, skips));
        }
    }

    /// Publishes the status: the playhead on every pump (two atomics), the rest only when it
    /// changed; and tells the reader what changed.
    fn publish(&mut self) {
        let (cur, queued_idx, volume, frames_out, fading) = {
            let core = lock(&self.core);
            let cur = core.current.as_ref().map(|l| (l.index, l.position(), l.src.total_frames));
            let fading = matches!(core.after_duck, Some(AfterDuck::Silence | AfterDuck::Stop));
            (cur, core.queued.as_ref().map(|l| l.index), core.volume.target(), core.frames_out, fading)
        };
        let to_ms = |f: u64| f.saturating_mul(1000) / SAMPLE_RATE as u64;
        let index = cur.map(|c| c.0).or(self.index);
        let position_ms = cur.map_or(0, |c| to_ms(c.1));
        self.playhead.position_ms.store(position_ms, Ordering::Relaxed);
        self.playhead.frames_played.store(frames_out, Ordering::Relaxed);
        let key = PublishKey {
            state: self.state,
            index,
            queued: queued_idx,
            volume_bits: volume.to_bits(),
            fading,
            total_frames: cur.and_then(|c| c.2),
            queue_generation: self.queue_generation,
        };
        let unchanged = self.published.as_ref().is_some_and(|(k, d)| *k == key && *d == self.device);
        if !unchanged {
            let mut s = self.full_status(index, cur, queued_idx, volume, frames_out);
            s.fading = fading;
            self.duration_ms = s.duration_ms;
            *hold(&self.status) = Published { status: s.clone(), phase_rest_ms: self.phase_rest_ms };
            self.published = Some((key, self.device.clone()));
            self.resync_told = None;
            self.tell(StatusUpdate::Changed(Box::new(s)));
            return;
        }
        if self.state != PlayState::Playing || index.is_none() {
            return;
        }
        let (track_left_ms, phase_left_ms) = left_ms(self.duration_ms, position_ms, self.phase_rest_ms);
        // The window moves the playhead on by its own clock from the last status; it is told
        // where the playhead really is every POSITION_RESYNC_MS of the track, not each second
        // (each push costs the window a script run and a redraw).
        let interval = position_ms / POSITION_RESYNC_MS;
        if self.resync_told != Some(interval) {
            self.resync_told = Some(interval);
            self.tell(StatusUpdate::Position(PlayPosition { position_ms, track_left_ms, phase_left_ms }));
        }
    }

    fn tell(&self, u: StatusUpdate) {
        if let Some(tx) = &self.updates {
            // Full when nobody reads: the update is dropped, the status stays readable.
            let _ = tx.try_send(u);
        }
    }

    fn full_status(
        &mut self,
        index: Option<usize>,
        cur: Option<(usize, u64, Option<u64>)>,
        queued_idx: Option<usize>,
        volume: f32,
        frames_out: u64,
    ) -> Status {
        let to_ms = |f: u64| f.saturating_mul(1000) / SAMPLE_RATE as u64;
        let mut s = Status::initial(volume);
        s.state = self.state;
        s.playlist_title = self.queue.title.clone();
        s.track_count = self.queue.tracks.len() as u32;
        s.device = self.device.clone();
        s.frames_played = frames_out;
        self.phase_rest_ms = None;
        if let Some(i) = index {
            if let Some(t) = self.queue.tracks.get(i) {
                s.track_index = Some(i as u32);
                s.title = Some(t.title.clone());
                s.artist = Some(t.artist.clone());
                s.phase = Some(t.phase.clone());
                let (pos, total) = match cur {
                    Some((_, p, tot)) => (to_ms(p), tot.map(to_ms).or(t.duration_ms)),
                    None => (0, t.duration_ms),
                };
                let mut rest = Some(0u64);
                for later in self.queue.tracks.iter().skip(i + 1).take_while(|x| x.phase == t.phase) {
                    rest = match (rest, later.duration_ms) {
                        (Some(a), Some(b)) => Some(a.saturating_add(b)),
                        _ => None,
                    };
                }
                self.phase_rest_ms = rest;
                s.position_ms = pos;
                s.duration_ms = total;
                (s.track_left_ms, s.phase_left_ms) = left_ms(total, pos, rest);
            }
            let next = queued_idx.unwrap_or(i + 1);
            if let Some(t) = self.queue.tracks.get(next) {
                s.up_next = Some(UpNext { index: next as u32, title: t.title.clone(), artist: t.artist.clone(), phase: t.phase.clone() });
            }
        }
        s
    }
}

//! Decoding (wav, flac, ogg/vorbis, mp3, m4a/aac through rodio's symphonia decoders) and
//! probing a file's duration and tags.

use std::fs::File;
use std::path::Path;
use std::time::Duration;

use lofty::prelude::*;
use rodio::{Decoder, Source};

use crate::{AudioError, Result, CHANNELS, SAMPLE_RATE};

/// What [`probe`] learns about one audio file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct TrackInfo {
    /// Length in milliseconds (from the container, or by decoding when it has none).
    #[ts(type = "number")]
    pub duration_ms: u64,
    pub sample_rate: u32,
    pub channels: u16,
    /// Tags, read with lofty; `None` when the file has none.
    pub title: Option<String>,
    pub artist: Option<String>,
}

impl TrackInfo {
    /// Duration as a [`Duration`].
    pub fn duration(&self) -> Duration {
        Duration::from_millis(self.duration_ms)
    }
}

/// Open a file with rodio's decoder.
pub(crate) fn open_decoder(path: &Path) -> Result<Decoder<std::io::BufReader<File>>> {
    let file = File::open(path).map_err(|e| AudioError::io(path, e))?;
    Decoder::try_from(file).map_err(|e| AudioError::Decode {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Read title and artist tags with lofty (never parsed by hand). Missing tags are `None`.
pub fn read_tags(path: &Path) -> (Option<String>, Option<String>) {
    match lofty::read_from_path(path) {
        Ok(tagged) => {
            let tag = tagged.primary_tag().or_else(|| tagged.first_tag());
            match tag {
                Some(t) => (
                    t.title().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
                    t.artist().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
                ),
                None => (None, None),
            }
        }
        Err(_) => (None, None),
    }
}

/// Run decoding work, turning a panic inside a decoder (corrupt input) into an error.
pub(crate) fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(AudioError::Decode { path: path.to_path_buf(), message: "the decoder failed on this file".into() }),
    }
}

/// Probe a file: it must exist and its first frames must decode. Returns its duration,
/// format and tags.
pub fn probe(path: &Path) -> Result<TrackInfo> {
    guarded(path, || probe_inner(path))
}

fn probe_inner(path: &Path) -> Result<TrackInfo> {
    let mut dec = open_decoder(path)?;
    let sample_rate = dec.sample_rate().get();
    let channels = dec.channels().get();
    let total = dec.total_duration();
    // Decode the first frames: a header alone is not proof the audio is there.
    let mut got = 0usize;
    for _ in 0..4096 {
        if dec.next().is_none() {
            break;
        }
        got += 1;
    }
    if got == 0 {
        return Err(AudioError::NoAudio { path: path.to_path_buf() });
    }
    let duration_ms = match total {
        Some(d) => d.as_millis() as u64,
        None => {
            // No length in the container: count the samples.
            let rest = dec.count();
            let frames = (got + rest) as u64 / channels.max(1) as u64;
            frames * 1000 / sample_rate.max(1) as u64
        }
    };
    let (title, artist) = read_tags(path);
    Ok(TrackInfo { duration_ms, sample_rate, channels, title, artist })
}

/// A decoded track converted to the engine's format (44.1 kHz stereo), with its first
/// samples already decoded so that a file that opens but yields nothing is caught early.
pub(crate) struct LaneSource {
    head: std::vec::IntoIter<f32>,
    src: Box<dyn Iterator<Item = f32> + Send>,
    /// Total length in frames at the engine rate, when known.
    pub total_frames: Option<u64>,
}

impl LaneSource {
    /// Open `path`, seek to `start` if non-zero, and decode its first samples.
    pub(crate) fn open(path: &Path, start: Duration) -> Result<Self> {
        guarded(path, || Self::open_inner(path, start))
    }

    fn open_inner(path: &Path, start: Duration) -> Result<Self> {
        let mut dec = open_decoder(path)?;
        let total = dec.total_duration();
        if !start.is_zero() {
            dec.try_seek(start).map_err(|e| AudioError::Seek {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        }
        let rate = std::num::NonZero::new(SAMPLE_RATE).unwrap_or(rodio::SampleRate::MIN);
        let ch = std::num::NonZero::new(CHANNELS).unwrap_or(rodio::ChannelCount::MIN);
        let mut uni = rodio::source::UniformSourceIterator::new(dec, ch, rate);
        let mut head = Vec::with_capacity(8192);
        for _ in 0..8192 {
            match uni.next() {
                Some(s) => head.push(s),
                None => break,
            }
        }
        if head.is_empty() {
            return Err(AudioError::NoAudio { path: path.to_path_buf() });
        }
        let total_frames = total.map(|d| (d.as_secs_f64() * SAMPLE_RATE as f64).round() as u64);
        Ok(LaneSource { head: head.into_iter(), src: Box::new(uni), total_frames })
    }

    /// A lane source from any sample iterator (tests).
    #[cfg(test)]
    pub(crate) fn from_iter(it: impl Iterator<Item = f32> + Send + 'static, total_frames: Option<u64>) -> Self {
        LaneSource { head: Vec::new().into_iter(), src: Box::new(it), total_frames }
    }

    /// Next stereo frame, or `None` at the end of the track.
    pub(crate) fn next_frame(&mut self) -> Option<(f32, f32)> {
        let l = self.head.next().or_else(|| self.src.next())?;
        let r = self.head.next().or_else(|| self.src.next()).unwrap_or(l);
        Some((l, r))
    }
}

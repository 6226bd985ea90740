//! Decoding (wav, flac, ogg/vorbis, mp3, m4a/aac and ADTS aac through symphonia) and probing a
//! file's duration and tags.
//!
//! A file plays only when its container *and* its codec are positively identified:
//! [`identify`] reads the first bytes itself and names the container from its signature at the
//! start of the file (after an ID3v2 tag at most), MP3 and ADTS only when three consecutive
//! frame headers agree. Symphonia's own probe is never used to play a file: it scans up to a
//! megabyte for anything that looks like a frame sync, so a WavPack, TAK or OptimFROG file (or
//! random bytes) can be taken for MP3 and "decoded" into loud noise. The reader for the
//! identified container is then opened directly, and its track's codec must be the one that
//! container is expected to carry.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use lofty::prelude::*;
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{self, CodecType, DecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::units::Time;

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

/// The containers Holdspace plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Wav,
    Flac,
    /// Ogg carrying Vorbis (or FLAC).
    Ogg,
    Mp3,
    /// MP4 / M4A carrying AAC.
    Mp4,
    /// Raw AAC in ADTS frames (`.aac`).
    Adts,
}

impl Container {
    fn name(self) -> &'static str {
        match self {
            Container::Wav => "WAV",
            Container::Flac => "FLAC",
            Container::Ogg => "Ogg",
            Container::Mp3 => "MP3",
            Container::Mp4 => "MP4/M4A",
            Container::Adts => "AAC",
        }
    }

    /// The codecs this container may carry for Holdspace to play it.
    fn accepts(self, codec: CodecType) -> bool {
        match self {
            Container::Wav => is_pcm(codec),
            Container::Flac => codec == codecs::CODEC_TYPE_FLAC,
            Container::Ogg => codec == codecs::CODEC_TYPE_VORBIS || codec == codecs::CODEC_TYPE_FLAC,
            Container::Mp3 => codec == codecs::CODEC_TYPE_MP3,
            Container::Mp4 | Container::Adts => codec == codecs::CODEC_TYPE_AAC,
        }
    }
}

fn is_pcm(codec: CodecType) -> bool {
    use codecs::*;
    [
        CODEC_TYPE_PCM_S32LE, CODEC_TYPE_PCM_S32BE, CODEC_TYPE_PCM_S24LE, CODEC_TYPE_PCM_S24BE,
        CODEC_TYPE_PCM_S16LE, CODEC_TYPE_PCM_S16BE, CODEC_TYPE_PCM_S8, CODEC_TYPE_PCM_U32LE,
        CODEC_TYPE_PCM_U32BE, CODEC_TYPE_PCM_U24LE, CODEC_TYPE_PCM_U24BE, CODEC_TYPE_PCM_U16LE,
        CODEC_TYPE_PCM_U16BE, CODEC_TYPE_PCM_U8, CODEC_TYPE_PCM_F32LE, CODEC_TYPE_PCM_F32BE,
        CODEC_TYPE_PCM_F64LE, CODEC_TYPE_PCM_F64BE, CODEC_TYPE_PCM_ALAW, CODEC_TYPE_PCM_MULAW,
    ]
    .contains(&codec)
}

fn codec_name(codec: CodecType) -> &'static str {
    match codec {
        codecs::CODEC_TYPE_OPUS => "Opus",
        codecs::CODEC_TYPE_SPEEX => "Speex",
        codecs::CODEC_TYPE_ALAC => "Apple Lossless (ALAC)",
        codecs::CODEC_TYPE_MP1 | codecs::CODEC_TYPE_MP2 => "MPEG layer I/II",
        codecs::CODEC_TYPE_WAVPACK => "WavPack",
        codecs::CODEC_TYPE_MONKEYS_AUDIO => "Monkey's Audio",
        codecs::CODEC_TYPE_TTA => "TTA",
        codecs::CODEC_TYPE_EAC3 => "E-AC-3",
        codecs::CODEC_TYPE_WMA => "WMA",
        codecs::CODEC_TYPE_ADPCM_MS | codecs::CODEC_TYPE_ADPCM_IMA_WAV | codecs::CODEC_TYPE_ADPCM_IMA_QT => "ADPCM",
        _ => "an unknown codec",
    }
}

fn unsupported(path: &Path, what: impl Into<String>) -> AudioError {
    AudioError::Unsupported { path: path.to_path_buf(), what: what.into() }
}

/// Bytes read to identify a file.
const SNIFF_BYTES: usize = 8192;

/// Formats Holdspace recognises but does not play, by signature at the start of the file.
const NOT_PLAYED: &[(&[u8], &str)] = &[
    (b"wvpk", "the file is a WavPack file, which Holdspace does not play"),
    (b"tBaK", "the file is a TAK file, which Holdspace does not play"),
    (b"OFR ", "the file is an OptimFROG file, which Holdspace does not play"),
    (b"MAC ", "the file is a Monkey's Audio (APE) file, which Holdspace does not play"),
    (b"MPCK", "the file is a Musepack file, which Holdspace does not play"),
    (b"MP+", "the file is a Musepack file, which Holdspace does not play"),
    (b"TTA1", "the file is a TTA file, which Holdspace does not play"),
    (b"FORM", "the file is an AIFF file, which Holdspace does not play"),
    (b"caff", "the file is a CAF file, which Holdspace does not play"),
    (b".snd", "the file is a Sun/NeXT AU file, which Holdspace does not play"),
    (b"#!AMR", "the file is an AMR file, which Holdspace does not play"),
    (b"\x1a\x45\xdf\xa3", "the file is a Matroska/WebM file, which Holdspace does not play"),
    (b"RF64", "the file is an RF64 file, which Holdspace does not play"),
    (b"riff", "the file is a Wave64 file, which Holdspace does not play"),
];

/// An MPEG audio frame header: (version id, layer, sample rate, frame length in bytes).
fn mpeg_frame(h: &[u8]) -> Option<(u8, u8, u32, usize)> {
    if h.len() < 4 || h[0] != 0xFF || h[1] & 0xE0 != 0xE0 {
        return None;
    }
    let version = (h[1] >> 3) & 3; // 0 = 2.5, 1 = reserved, 2 = 2, 3 = 1
    let layer = (h[1] >> 1) & 3; // 1 = III, 2 = II, 3 = I
    if version == 1 || layer == 0 {
        return None;
    }
    let bitrate_index = (h[2] >> 4) as usize;
    let rate_index = ((h[2] >> 2) & 3) as usize;
    if bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    let padding = ((h[2] >> 1) & 1) as usize;
    let base_rate = [44_100u32, 48_000, 32_000][rate_index];
    let rate = match version {
        3 => base_rate,
        2 => base_rate / 2,
        _ => base_rate / 4,
    };
    const V1_L3: [u32; 15] = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    const V1_L2: [u32; 15] = [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384];
    const V1_L1: [u32; 15] = [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448];
    const V2_L23: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
    const V2_L1: [u32; 15] = [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256];
    let kbps = match (version == 3, layer) {
        (true, 1) => V1_L3[bitrate_index],
        (true, 2) => V1_L2[bitrate_index],
        (true, _) => V1_L1[bitrate_index],
        (false, 3) => V2_L1[bitrate_index],
        (false, _) => V2_L23[bitrate_index],
    } as usize
        * 1000;
    let len = match (layer, version == 3) {
        (3, _) => (12 * kbps / rate as usize + padding) * 4,
        (1, false) => 72 * kbps / rate as usize + padding,
        _ => 144 * kbps / rate as usize + padding,
    };
    if len < 4 {
        return None;
    }
    Some((version, layer, rate, len))
}

/// An ADTS (raw AAC) frame header: (sample rate index, frame length).
fn adts_frame(h: &[u8]) -> Option<(u8, usize)> {
    if h.len() < 7 || h[0] != 0xFF || h[1] & 0xF6 != 0xF0 {
        return None;
    }
    let rate_index = (h[2] >> 2) & 0xF;
    if rate_index > 12 {
        return None;
    }
    let len = (((h[3] & 3) as usize) << 11) | ((h[4] as usize) << 3) | ((h[5] >> 5) as usize);
    if len < 7 {
        return None;
    }
    Some((rate_index, len))
}

/// Three frames in a row whose headers agree: positive identification of a frame stream.
fn frames_agree<K: PartialEq + Copy>(buf: &[u8], at: usize, f: impl Fn(&[u8]) -> Option<(K, usize)>) -> bool {
    let mut pos = at;
    let mut first: Option<K> = None;
    for n in 0..3 {
        let h = buf.get(pos..).unwrap_or(&[]);
        if h.is_empty() {
            return n >= 2; // a tiny file that ends exactly after two frames
        }
        let Some((key, len)) = f(h) else { return false };
        if first.is_some_and(|k| k != key) {
            return false;
        }
        first = Some(key);
        pos += len;
    }
    true
}

/// Identify a file's container from its first bytes (see the module documentation). Returns
/// the container and the offset where it starts (after an ID3v2 tag).
pub fn identify(path: &Path) -> Result<(Container, u64)> {
    let mut file = open_regular(path)?;
    let mut head = vec![0u8; SNIFF_BYTES];
    let n = read_up_to(&mut file, &mut head).map_err(|e| AudioError::io(path, e))?;
    head.truncate(n);
    if head.is_empty() {
        return Err(AudioError::NoAudio { path: path.to_path_buf() });
    }
    let mut offset = 0u64;
    // An ID3v2 tag may precede MP3 (and, rarely, FLAC or AAC) data: skip it.
    if head.len() >= 10 && &head[..3] == b"ID3" && head[6..10].iter().all(|b| b & 0x80 == 0) {
        let size = head[6..10].iter().fold(0u64, |a, b| (a << 7) | *b as u64);
        let footer = if head[5] & 0x10 != 0 { 10 } else { 0 };
        offset = 10 + size + footer;
        file.seek(SeekFrom::Start(offset)).map_err(|e| AudioError::io(path, e))?;
        let mut more = vec![0u8; SNIFF_BYTES];
        let n = read_up_to(&mut file, &mut more).map_err(|e| AudioError::io(path, e))?;
        more.truncate(n);
        head = more;
        if head.is_empty() {
            return Err(unsupported(path, "the file holds only a tag and no audio"));
        }
    }
    let h = head.as_slice();
    let starts = |sig: &[u8]| h.len() >= sig.len() && &h[..sig.len()] == sig;
    if starts(b"fLaC") {
        return Ok((Container::Flac, offset));
    }
    if starts(b"RIFF") {
        if h.len() >= 12 && &h[8..12] == b"WAVE" {
            return Ok((Container::Wav, offset));
        }
        return Err(unsupported(path, "the file is a RIFF file but not WAV audio"));
    }
    if starts(b"OggS") {
        // The first page's first packet names the codec.
        let segs = h.get(26).copied().unwrap_or(0) as usize;
        let body = h.get(27 + segs..).unwrap_or(&[]);
        let is = |sig: &[u8]| body.len() >= sig.len() && &body[..sig.len()] == sig;
        if is(b"\x01vorbis") || is(b"\x7fFLAC") {
            return Ok((Container::Ogg, offset));
        }
        let what = if is(b"OpusHead") {
            "the file is an Ogg Opus file, which Holdspace does not play"
        } else if is(b"Speex") {
            "the file is an Ogg Speex file, which Holdspace does not play"
        } else {
            "the file is an Ogg file with a codec Holdspace does not play"
        };
        return Err(unsupported(path, what));
    }
    if h.len() >= 12 && &h[4..8] == b"ftyp" {
        return Ok((Container::Mp4, offset));
    }
    for (sig, what) in NOT_PLAYED {
        if starts(sig) {
            return Err(unsupported(path, *what));
        }
    }
    if mpeg_frame(h).is_some() {
        if frames_agree(h, 0, |b| mpeg_frame(b).map(|(v, l, r, len)| ((v, l, r), len))) {
            let layer = mpeg_frame(h).map(|f| f.1).unwrap_or(0);
            if layer != 1 {
                return Err(unsupported(path, "the file is MPEG layer I/II audio, which Holdspace does not play"));
            }
            return Ok((Container::Mp3, offset));
        }
    } else if adts_frame(h).is_some() && frames_agree(h, 0, adts_frame) {
        return Ok((Container::Adts, offset));
    }
    if offset > 0 {
        return Err(unsupported(path, "the file has an ID3 tag but no MP3 audio after it"));
    }
    Err(unsupported(path, "the file is not in a format Holdspace recognises (wav, flac, ogg vorbis, mp3, m4a/aac)"))
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Open a path only if it is a regular file (never a device, FIFO or directory).
pub(crate) fn open_regular(path: &Path) -> Result<File> {
    let meta = std::fs::metadata(path).map_err(|e| AudioError::io(path, e))?;
    if !meta.is_file() {
        return Err(AudioError::Io { path: path.to_path_buf(), message: "not a regular file".into() });
    }
    File::open(path).map_err(|e| AudioError::io(path, e))
}

/// Most decode errors in a row before the rest of a file is treated as corrupt.
const MAX_CONSECUTIVE_ERRORS: u32 = 8;

/// A decoded audio stream: interleaved f32 samples at the file's own rate and channel count.
pub(crate) struct Stream {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn codecs::Decoder>,
    track_id: u32,
    pub rate: u32,
    pub channels: u16,
    /// Length the header claims, in frames at the file's rate.
    pub header_frames: Option<u64>,
    buf: Vec<f32>,
    pos: usize,
    /// Frames still to drop after a seek (accurate seeking).
    drop_frames: u64,
    errors_in_row: u32,
    done: bool,
}

impl Stream {
    /// Open and identify a file; the first packets are decoded until one yields audio.
    pub(crate) fn open(path: &Path) -> Result<Stream> {
        let (container, offset) = identify(path)?;
        let file = open_regular(path)?;
        let mut mss = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
        if offset > 0 {
            // Skip the tag through the stream itself, so the reader's byte positions (used to
            // seek) stay those of the file.
            use symphonia::core::io::ReadBytes;
            mss.ignore_bytes(offset).map_err(|e| AudioError::io(path, e))?;
        }
        let opts = FormatOptions { enable_gapless: true, ..Default::default() };
        use symphonia::default::formats as f;
        let made: std::result::Result<Box<dyn FormatReader>, SymError> = match container {
            Container::Wav => f::WavReader::try_new(mss, &opts).map(|r| Box::new(r) as _),
            Container::Flac => f::FlacReader::try_new(mss, &opts).map(|r| Box::new(r) as _),
            Container::Ogg => f::OggReader::try_new(mss, &opts).map(|r| Box::new(r) as _),
            Container::Mp3 => f::MpaReader::try_new(mss, &opts).map(|r| Box::new(r) as _),
            Container::Mp4 => f::IsoMp4Reader::try_new(mss, &opts).map(|r| Box::new(r) as _),
            Container::Adts => f::AdtsReader::try_new(mss, &opts).map(|r| Box::new(r) as _),
        };
        let format = made.map_err(|e| match e {
            SymError::Unsupported(_) => {
                unsupported(path, format!("the {} file uses a codec Holdspace does not play", container.name()))
            }
            e => AudioError::Decode { path: path.to_path_buf(), message: format!("the {} file is damaged ({e})", container.name()) },
        })?;
        let track = format
            .default_track()
            .or_else(|| format.tracks().first())
            .ok_or_else(|| AudioError::NoAudio { path: path.to_path_buf() })?;
        let params = track.codec_params.clone();
        if !container.accepts(params.codec) {
            return Err(unsupported(
                path,
                format!("the {} file holds {} audio, which Holdspace does not play", container.name(), codec_name(params.codec)),
            ));
        }
        let track_id = track.id;
        let decoder = symphonia::default::get_codecs()
            .make(&params, &DecoderOptions::default())
            .map_err(|_| unsupported(path, format!("the {} file holds {} audio, which Holdspace does not play", container.name(), codec_name(params.codec))))?;
        let rate = params.sample_rate.unwrap_or(0);
        let channels = params.channels.map(|c| c.count() as u16).unwrap_or(0);
        let header_frames = params.n_frames.filter(|n| *n > 0);
        let mut s = Stream { format, decoder, track_id, rate, channels, header_frames, buf: Vec::new(), pos: 0, drop_frames: 0, errors_in_row: 0, done: false };
        // Decode until a packet yields audio (the first Vorbis packet and gapless-trimmed MP3
        // frames yield none).
        while s.buf.is_empty() && !s.done {
            s.refill();
        }
        if s.buf.is_empty() || s.rate == 0 || s.channels == 0 {
            return Err(AudioError::NoAudio { path: path.to_path_buf() });
        }
        if !(8_000..=384_000).contains(&s.rate) || s.channels > 8 {
            return Err(unsupported(path, format!("{} Hz with {} channels is outside what Holdspace plays", s.rate, s.channels)));
        }
        Ok(s)
    }

    /// Decode the next packet into `buf`. Sets `done` at the end of the stream.
    fn refill(&mut self) {
        self.buf.clear();
        self.pos = 0;
        loop {
            let packet = match self.format.next_packet() {
                Ok(p) => p,
                Err(_) => {
                    // End of stream, a truncated file or a broken container: the track ends here.
                    self.done = true;
                    return;
                }
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            match self.decoder.decode(&packet) {
                Ok(decoded) => {
                    self.errors_in_row = 0;
                    let spec = *decoded.spec();
                    let ch = spec.channels.count() as u16;
                    if self.rate == 0 {
                        self.rate = spec.rate;
                    }
                    if self.channels == 0 {
                        self.channels = ch;
                    }
                    if spec.rate != self.rate || ch != self.channels {
                        // A stream that changes format midway is not followed (it would play at
                        // the wrong speed or as noise): the track ends here.
                        self.done = true;
                        return;
                    }
                    if decoded.frames() == 0 {
                        continue;
                    }
                    let mut sb = SampleBuffer::<f32>::new(decoded.capacity() as u64, spec);
                    sb.copy_interleaved_ref(decoded);
                    let samples = sb.samples();
                    let chn = ch.max(1) as usize;
                    let mut skip = 0usize;
                    if self.drop_frames > 0 {
                        let frames = (samples.len() / chn) as u64;
                        let d = self.drop_frames.min(frames);
                        self.drop_frames -= d;
                        skip = d as usize * chn;
                    }
                    self.buf.extend(samples[skip..].iter().map(|v| if v.is_finite() { v.clamp(-1.0, 1.0) } else { 0.0 }));
                    if self.buf.is_empty() {
                        continue;
                    }
                    return;
                }
                Err(SymError::DecodeError(_)) => {
                    self.errors_in_row += 1;
                    if self.errors_in_row > MAX_CONSECUTIVE_ERRORS {
                        self.done = true;
                        return;
                    }
                }
                Err(_) => {
                    self.done = true;
                    return;
                }
            }
        }
    }

    /// Seek to `pos` (sample-accurate where the container allows). Returns where the reader
    /// landed and where it was asked to go, in frames.
    pub(crate) fn seek(&mut self, pos: Duration) -> std::result::Result<(u64, u64), String> {
        let time = Time::new(pos.as_secs(), pos.subsec_nanos() as f64 / 1e9);
        let seeked = self
            .format
            .seek(SeekMode::Accurate, SeekTo::Time { time, track_id: Some(self.track_id) })
            .map_err(|e| e.to_string())?;
        self.decoder.reset();
        self.drop_frames = seeked.required_ts.saturating_sub(seeked.actual_ts);
        self.buf.clear();
        self.pos = 0;
        self.done = false;
        Ok((seeked.actual_ts, seeked.required_ts))
    }

    /// Header length as a duration.
    pub(crate) fn header_duration(&self) -> Option<Duration> {
        let frames = self.header_frames?;
        Some(Duration::from_secs_f64(frames as f64 / self.rate.max(1) as f64))
    }
}

impl Iterator for Stream {
    type Item = f32;
    fn next(&mut self) -> Option<f32> {
        while self.pos >= self.buf.len() {
            if self.done {
                return None;
            }
            self.refill();
        }
        let v = self.buf.get(self.pos).copied();
        self.pos += 1;
        v
    }
}

impl rodio::Source for Stream {
    fn current_span_len(&self) -> Option<usize> {
        None // one format for the whole stream (a change of format ends it)
    }
    fn channels(&self) -> rodio::ChannelCount {
        std::num::NonZero::new(self.channels).unwrap_or(rodio::ChannelCount::MIN)
    }
    fn sample_rate(&self) -> rodio::SampleRate {
        std::num::NonZero::new(self.rate).unwrap_or(rodio::SampleRate::MIN)
    }
    fn total_duration(&self) -> Option<Duration> {
        self.header_duration()
    }
}

/// Read title and artist tags with lofty (never parsed by hand). Missing tags are `None`.
pub fn read_tags(path: &Path) -> (Option<String>, Option<String>) {
    if open_regular(path).is_err() {
        return (None, None);
    }
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

/// Run decoding work, turning a panic inside a decoder (corrupt input) into an error. The
/// panic is caught without the default hook printing it (see [`crate::quiet_panics`]).
pub(crate) fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match crate::quiet_panics::catch(f) {
        Ok(r) => r,
        Err(_) => Err(AudioError::Decode { path: path.to_path_buf(), message: "the decoder failed on this file".into() }),
    }
}

/// Probe a file: it must be a positively identified format and its first frames must decode.
/// Returns its duration (from the header, or by decoding when it has none), format and tags.
pub fn probe(path: &Path) -> Result<TrackInfo> {
    guarded(path, || probe_inner(path))
}

fn probe_inner(path: &Path) -> Result<TrackInfo> {
    let mut s = Stream::open(path)?;
    let sample_rate = s.rate;
    let channels = s.channels;
    let duration_ms = match s.header_duration() {
        Some(d) => d.as_millis() as u64,
        None => {
            // No length in the container: count the samples.
            let n = s.by_ref().count() as u64;
            n / channels.max(1) as u64 * 1000 / sample_rate.max(1) as u64
        }
    };
    let (title, artist) = read_tags(path);
    Ok(TrackInfo { duration_ms, sample_rate, channels, title, artist })
}

/// The length a file plays, checked cheaply: a long file whose header length holds up when
/// its last seconds are sought and decoded is taken at that length; anything else (no header
/// length, a short file, a seek that falls short, too little audio at the end) is decoded
/// whole. A damaged stretch in the middle of a long file is only found by [`decoded_length`]
/// (the loudness analysis, whose result the cache keeps).
pub fn checked_length(path: &Path) -> Result<(f64, Option<f64>)> {
    const TAIL: f64 = 5.0;
    let quick = guarded(path, || {
        let mut s = Stream::open(path)?;
        let Some(header) = s.header_duration().map(|d| d.as_secs_f64()) else { return Ok(None) };
        if header < 3.0 * TAIL {
            return Ok(None);
        }
        let Ok((actual, required)) = s.seek(Duration::from_secs_f64(header - TAIL)) else { return Ok(None) };
        let rate = s.rate.max(1) as f64;
        if actual as f64 + rate < required as f64 {
            return Ok(None); // the reader could not get there: the file is shorter than it says
        }
        let ch = s.channels.max(1) as u64;
        let tail = s.by_ref().count() as u64 / ch;
        let decoded = (required + tail) as f64 / rate;
        if tail as f64 / rate < TAIL - 1.0 || (decoded - header).abs() > 1.0 {
            return Ok(None);
        }
        Ok(Some((decoded, Some(header))))
    });
    // Any doubt, including a reader that fails while seeking a damaged file: decode it all.
    match quick {
        Ok(Some(r)) => Ok(r),
        _ => decoded_length(path),
    }
}

/// Decode a whole file and return the length it really plays, in seconds, beside the length its
/// header claims (`None` when it has none).
pub fn decoded_length(path: &Path) -> Result<(f64, Option<f64>)> {
    guarded(path, || {
        let mut s = Stream::open(path)?;
        let header = s.header_duration().map(|d| d.as_secs_f64());
        let n = s.by_ref().count() as u64;
        Ok((n as f64 / s.channels.max(1) as f64 / s.rate.max(1) as f64, header))
    })
}

/// Decode a whole file as the engine does, before conversion: interleaved samples, rate and
/// channel count (for tests and measurements).
#[doc(hidden)]
pub fn decode_all(path: &Path) -> Result<(Vec<f32>, u32, u16)> {
    decode_from(path, Duration::ZERO)
}

/// [`decode_all`] from a position (as the engine seeks).
#[doc(hidden)]
pub fn decode_from(path: &Path, start: Duration) -> Result<(Vec<f32>, u32, u16)> {
    guarded(path, || {
        let mut s = Stream::open(path)?;
        if !start.is_zero() {
            s.seek(start).map_err(|message| AudioError::Seek { path: path.to_path_buf(), message })?;
        }
        let samples: Vec<f32> = s.by_ref().collect();
        Ok((samples, s.rate, s.channels))
    })
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
        let mut s = Stream::open(path)?;
        let total = s.header_duration();
        if !start.is_zero() {
            s.seek(start).map_err(|message| AudioError::Seek { path: path.to_path_buf(), message })?;
        }
        // Already the engine's format (most music: 44.1 kHz stereo): read as it is, without a
        // converter that copies every sample through (about a sixth of the output's work).
        let mut uni: Box<dyn Iterator<Item = f32> + Send> = if s.rate == SAMPLE_RATE && s.channels == CHANNELS {
            Box::new(s)
        } else {
            let rate = std::num::NonZero::new(SAMPLE_RATE).unwrap_or(rodio::SampleRate::MIN);
            let ch = std::num::NonZero::new(CHANNELS).unwrap_or(rodio::ChannelCount::MIN);
            Box::new(rodio::source::UniformSourceIterator::new(s, ch, rate))
        };
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
        Ok(LaneSource { head: head.into_iter(), src: uni, total_frames })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpeg_headers_are_read() {
        // MPEG-1 layer III, 128 kbps, 44.1 kHz, no padding: 417 bytes.
        assert_eq!(mpeg_frame(&[0xFF, 0xFB, 0x90, 0x00]), Some((3, 1, 44_100, 417)));
        // MPEG-2 layer III, 64 kbps, 22.05 kHz: 72 * 64000 / 22050 = 208 bytes.
        assert_eq!(mpeg_frame(&[0xFF, 0xF3, 0x80, 0x00]), Some((2, 1, 22_050, 208)));
        assert_eq!(mpeg_frame(&[0xFF, 0xFB, 0xF0, 0x00]), None, "bad bitrate");
        assert_eq!(mpeg_frame(&[0xFF, 0xFB, 0x0C, 0x00]), None, "free format / bad rate");
    }

    #[test]
    fn one_stray_sync_word_is_not_mp3() {
        let mut buf = vec![0u8; 2000];
        buf[..4].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x00]);
        assert!(!frames_agree(&buf, 0, |b| mpeg_frame(b).map(|(v, l, r, len)| ((v, l, r), len))));
        buf[417..421].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x00]);
        buf[834..838].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x00]);
        assert!(frames_agree(&buf, 0, |b| mpeg_frame(b).map(|(v, l, r, len)| ((v, l, r), len))));
    }
}

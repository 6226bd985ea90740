//! EBU R128 loudness analysis (integrated loudness and true peak) with the `ebur128` crate,
//! the gain that brings a track to the room's target, and the cache interface.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use ebur128::{EbuR128, Mode};
use crate::decode::Stream;
use crate::{AudioError, Result};

/// Default loudness target for a quiet therapy room.
pub const DEFAULT_TARGET_LUFS: f64 = -23.0;
/// Default true-peak ceiling.
pub const DEFAULT_MAX_TRUE_PEAK_DBTP: f64 = -1.0;
/// Largest boost ever applied to a quiet track.
pub const MAX_BOOST_DB: f64 = 12.0;

/// Result of analysing one file.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Loudness {
    /// Integrated loudness in LUFS (`-inf` for digital silence is reported as -70).
    pub integrated_lufs: f64,
    /// Highest true peak over all channels, in dBTP.
    pub true_peak_dbtp: f64,
    /// How long the file really plays, in seconds, measured by decoding all of it (a header
    /// can claim more than a truncated file holds). `None` in caches written before this was
    /// measured.
    #[serde(default)]
    #[ts(skip)]
    pub decoded_seconds: Option<f64>,
}

/// Identifies one version of a file: a changed size or modification time means re-analysis.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct LoudnessKey {
    #[ts(type = "string")]
    pub path: PathBuf,
    #[ts(type = "number")]
    pub size: u64,
    #[ts(type = "number")]
    pub mtime_ms: i64,
}

impl LoudnessKey {
    /// Build the key from the file's metadata.
    pub fn for_path(path: &Path) -> Result<Self> {
        let meta = std::fs::metadata(path).map_err(|e| AudioError::io(path, e))?;
        let mtime_ms = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Ok(LoudnessKey { path: path.to_path_buf(), size: meta.len(), mtime_ms })
    }
}

/// Where analysis results are kept (SQLite in the app; [`MemoryLoudnessCache`] in tests).
pub trait LoudnessCache: Send + Sync {
    fn get(&self, key: &LoudnessKey) -> Option<Loudness>;
    fn put(&self, key: &LoudnessKey, loudness: Loudness);
}

/// An in-memory cache.
#[derive(Debug, Default)]
pub struct MemoryLoudnessCache {
    map: Mutex<HashMap<LoudnessKey, Loudness>>,
}

impl MemoryLoudnessCache {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl LoudnessCache for MemoryLoudnessCache {
    fn get(&self, key: &LoudnessKey) -> Option<Loudness> {
        self.map.lock().ok()?.get(key).copied()
    }
    fn put(&self, key: &LoudnessKey, loudness: Loudness) {
        if let Ok(mut m) = self.map.lock() {
            m.insert(key.clone(), loudness);
        }
    }
}

fn lerr(e: ebur128::Error) -> AudioError {
    AudioError::Loudness(e.to_string())
}

/// Analyse a file. Runs on the caller's thread (call it from a worker): `cancel` is checked
/// often and `progress` gets a fraction from 0.0 to 1.0 (when the length is known).
pub fn analyse(path: &Path, cancel: &AtomicBool, progress: impl FnMut(f32)) -> Result<Loudness> {
    crate::decode::guarded(path, || analyse_inner(path, cancel, progress))
}

fn analyse_inner(path: &Path, cancel: &AtomicBool, mut progress: impl FnMut(f32)) -> Result<Loudness> {
    let dec = Stream::open(path)?;
    let channels = dec.channels as u32;
    let rate = dec.rate;
    let total_samples = dec
        .header_duration()
        .map(|d| (d.as_secs_f64() * rate as f64 * channels as f64) as u64)
        .filter(|n| *n > 0);
    let mut meter = EbuR128::new(channels, rate, Mode::I | Mode::TRUE_PEAK).map_err(lerr)?;
    let chunk = 4096 * channels as usize;
    let mut buf: Vec<f32> = Vec::with_capacity(chunk);
    let mut done: u64 = 0;
    let mut dec = dec;
    progress(0.0);
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err(AudioError::Cancelled);
        }
        buf.clear();
        buf.extend(dec.by_ref().take(chunk));
        let whole = buf.len() - buf.len() % channels as usize;
        if whole > 0 {
            meter.add_frames_f32(&buf[..whole]).map_err(lerr)?;
        }
        done += buf.len() as u64;
        if let Some(t) = total_samples {
            progress((done as f64 / t as f64).min(1.0) as f32);
        }
        if buf.len() < chunk {
            break;
        }
    }
    if done == 0 {
        return Err(AudioError::NoAudio { path: path.to_path_buf() });
    }
    let integrated = meter.loudness_global().map_err(lerr)?;
    let mut peak = 0.0f64;
    for c in 0..channels {
        peak = peak.max(meter.true_peak(c).map_err(lerr)?);
    }
    progress(1.0);
    let integrated_lufs = if integrated.is_finite() { integrated } else { -70.0 };
    let true_peak_dbtp = if peak > 0.0 { 20.0 * peak.log10() } else { -120.0 };
    let decoded_seconds = Some(done as f64 / channels.max(1) as f64 / rate.max(1) as f64);
    Ok(Loudness { integrated_lufs, true_peak_dbtp, decoded_seconds })
}

/// Analyse through a cache: returns the cached value when size and mtime still match.
pub fn analyse_cached(
    path: &Path,
    cache: &dyn LoudnessCache,
    cancel: &AtomicBool,
    progress: impl FnMut(f32),
) -> Result<Loudness> {
    let key = LoudnessKey::for_path(path)?;
    if let Some(l) = cache.get(&key).filter(|l| l.decoded_seconds.is_some()) {
        return Ok(l);
    }
    let l = analyse(path, cancel, progress)?;
    cache.put(&key, l);
    Ok(l)
}

/// Analyse many files through a cache (for the library screen's progress bar), skipping
/// those already cached. `progress(done_files, total_files, fraction_of_current)` is called
/// often; setting `cancel` stops at once with [`AudioError::Cancelled`] for the rest.
pub fn analyse_all(
    paths: &[PathBuf],
    cache: &dyn LoudnessCache,
    cancel: &AtomicBool,
    mut progress: impl FnMut(usize, usize, f32),
) -> Vec<(PathBuf, Result<Loudness>)> {
    let total = paths.len();
    let mut out = Vec::with_capacity(total);
    for (i, p) in paths.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            out.push((p.clone(), Err(AudioError::Cancelled)));
            continue;
        }
        let r = analyse_cached(p, cache, cancel, |f| progress(i, total, f));
        out.push((p.clone(), r));
    }
    progress(total, total, 1.0);
    out
}

/// Gain in dB that brings `loudness` to `target_lufs`, limited so the true peak stays at or
/// under `max_true_peak_dbtp` and a boost never exceeds [`MAX_BOOST_DB`].
pub fn gain_for(loudness: &Loudness, target_lufs: f64, max_true_peak_dbtp: f64) -> f64 {
    let wanted = target_lufs - loudness.integrated_lufs;
    let headroom = max_true_peak_dbtp - loudness.true_peak_dbtp;
    wanted.min(headroom).min(MAX_BOOST_DB)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loud_track_is_turned_down_to_target() {
        let l = Loudness { integrated_lufs: -9.0, true_peak_dbtp: -0.1, decoded_seconds: None };
        assert!((gain_for(&l, -23.0, -1.0) - -14.0).abs() < 1e-9);
    }

    #[test]
    fn quiet_track_boost_is_limited_by_true_peak() {
        let l = Loudness { integrated_lufs: -30.0, true_peak_dbtp: -4.0, decoded_seconds: None };
        // wants +7 dB, only 3 dB of headroom under -1 dBTP
        assert!((gain_for(&l, -23.0, -1.0) - 3.0).abs() < 1e-9);
        let l = Loudness { integrated_lufs: -30.0, true_peak_dbtp: -20.0, decoded_seconds: None };
        assert!((gain_for(&l, -23.0, -1.0) - 7.0).abs() < 1e-9);
    }

    #[test]
    fn boost_never_exceeds_maximum() {
        let l = Loudness { integrated_lufs: -60.0, true_peak_dbtp: -50.0, decoded_seconds: None };
        assert_eq!(gain_for(&l, -23.0, -1.0), MAX_BOOST_DB);
    }

    #[test]
    fn memory_cache_round_trips() {
        let c = MemoryLoudnessCache::new();
        let k = LoudnessKey { path: "/a b/ü.flac".into(), size: 3, mtime_ms: 5 };
        assert!(c.get(&k).is_none());
        let l = Loudness { integrated_lufs: -20.0, true_peak_dbtp: -3.0, decoded_seconds: Some(3.5) };
        c.put(&k, l);
        assert_eq!(c.get(&k), Some(l));
        let k2 = LoudnessKey { mtime_ms: 6, ..k };
        assert!(c.get(&k2).is_none());
    }
}

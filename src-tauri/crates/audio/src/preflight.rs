//! Pre-flight before dosing: every file is there and decodes, the music lasts the planned
//! session, and the output device opens.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::playlist::format_duration;
use crate::decode::{checked_length, probe};
use crate::loudness::{analyse_cached, LoudnessCache};
use crate::deck::DeckOutput;
use crate::engine::{open_output, DeviceState, DeviceStatus};
use crate::library::{Resolution, TrackLocation};

/// One line of the pre-flight checklist.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct PreflightItem {
    pub name: String,
    pub ok: bool,
    /// Why it failed, or a short confirmation, in plain words.
    pub reason: String,
    /// The library's own words for a failure, kept for the log (never shown as the reason).
    #[serde(default)]
    pub detail: String,
}

/// How to check the output device.
#[derive(Debug, Clone)]
pub enum DeviceCheck {
    /// Use what the running engine reports (it holds the device).
    FromEngine(DeviceStatus),
    /// Open the named (or default) device briefly.
    Open(Option<String>),
    /// Leave the device out.
    Skip,
}

/// A header length and a decoded length this far apart name the track as not whole.
fn lengths_differ(header: f64, decoded: f64) -> bool {
    (header - decoded).abs() > (header * 0.02).max(2.0)
}

/// Run the pre-flight checks on a resolved playlist for a session of `planned_minutes`.
///
/// Every track's length is checked by decoding (a truncated file's header can claim minutes it
/// does not hold): without a cache with [`checked_length`] (the last seconds of a long file,
/// or all of a short or doubtful one), so a 14-minute playlist takes about a second. Use
/// [`preflight_with_cache`] to take lengths measured by decoding whole files from the
/// loudness cache (and to fill it).
pub fn preflight(resolution: &Resolution, planned_minutes: f64, device: DeviceCheck) -> Vec<PreflightItem> {
    preflight_with_cache(resolution, planned_minutes, device, None)
}

/// [`preflight`], with decoded lengths read from (and analyses written to) `cache`.
pub fn preflight_with_cache(
    resolution: &Resolution,
    planned_minutes: f64,
    device: DeviceCheck,
    cache: Option<&dyn LoudnessCache>,
) -> Vec<PreflightItem> {
    let mut items = Vec::new();
    // 1. Every file is there.
    let missing: Vec<&str> = resolution
        .tracks
        .iter()
        .filter(|t| t.location == TrackLocation::Missing)
        .map(|t| t.title.as_str())
        .collect();
    items.push(PreflightItem {
        name: "Every track is in the music folder".into(),
        ok: missing.is_empty(),
        detail: String::new(),
        reason: if missing.is_empty() {
            let moved = resolution.moved;
            if moved > 0 {
                format!("{} tracks found ({moved} moved, found again)", resolution.tracks.len())
            } else {
                format!("{} tracks found", resolution.tracks.len())
            }
        } else {
            format!("missing: {}", missing.join(", "))
        },
    });
    // 2. Every file decodes; measure the real length on the way (decoded, not the header's).
    let mut bad = Vec::new();
    let mut short = Vec::new();
    let mut total = 0.0;
    let cancel = AtomicBool::new(false);
    for t in &resolution.tracks {
        if let Some(p) = t.playable_path() {
            let header = match probe(p) {
                Ok(info) => info.duration_ms as f64 / 1000.0,
                Err(e) => {
                    bad.push(format!("{} ({e})", t.title));
                    continue;
                }
            };
            let decoded = match cache {
                Some(c) => analyse_cached(p, c, &cancel, |_| {}).map(|l| l.decoded_seconds),
                None => checked_length(p).map(|(d, _)| Some(d)),
            };
            match decoded {
                Ok(d) => {
                    let d = d.unwrap_or(header);
                    if lengths_differ(header, d) {
                        short.push(format!("{}: header says {}, decodes to {}", t.title, format_duration(header), format_duration(d)));
                    }
                    total += d;
                }
                Err(e) => bad.push(format!("{} ({e})", t.title)),
            }
        }
    }
    items.push(PreflightItem {
        name: "Every track decodes".into(),
        ok: bad.is_empty(),
        detail: String::new(),
        reason: if bad.is_empty() { "all decode".into() } else { format!("cannot play: {}", bad.join("; ")) },
    });
    items.push(PreflightItem {
        name: "Every track plays its full length".into(),
        ok: short.is_empty(),
        detail: String::new(),
        reason: if short.is_empty() { "every length checked by decoding".into() } else { short.join("; ") },
    });
    // 3. Long enough.
    let planned = planned_minutes * 60.0;
    let ok = total + 0.5 >= planned;
    items.push(PreflightItem {
        name: "Music lasts the planned session".into(),
        ok,
        detail: String::new(),
        reason: if ok {
            format!("{} of music for {} planned", format_duration(total), format_duration(planned))
        } else {
            format!(
                "{} of playable music: {} short of the planned {}",
                format_duration(total),
                format_duration(planned - total),
                format_duration(planned)
            )
        },
    });
    // 4. Output device.
    let dev = match device {
        DeviceCheck::Skip => None,
        DeviceCheck::FromEngine(s) => Some(match s.state {
            DeviceState::Ok => (true, format!("playing through {}", s.name.unwrap_or_else(|| "default".into())), String::new()),
            DeviceState::Opening => (false, "the sound output is still opening: run the pre-flight again in a moment".into(), String::new()),
            _ => (false, s.message.unwrap_or_else(|| crate::engine::NO_OUTPUT.into()), s.detail.unwrap_or_default()),
        }),
        // Opened only to see that it opens: silence, until it is dropped at once.
        DeviceCheck::Open(name) => Some(match open_output(name.as_deref(), Arc::new(AtomicBool::new(false)), &DeckOutput::silent) {
            Ok((_sink, n)) => (true, format!("{n} opens"), String::new()),
            Err(e) => (false, e.message, e.detail),
        }),
    };
    if let Some((ok, reason, detail)) = dev {
        items.push(PreflightItem { name: "Output device opens".into(), ok, reason, detail });
    }
    items
}

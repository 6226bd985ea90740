//! What played, as an extended M3U playlist in UTF-8 (M3U8): often given to the client for
//! integration work.

use crate::report::SessionReport;
use holdspace_audio::ExportEntry;
use std::path::PathBuf;

/// `#EXTM3U`, a `#PLAYLIST:` line naming the session, then per track started (in order):
/// `#EXTINF:<secs>,<artist> - <title>` and its path. `<secs>` is how long it played in the
/// session (-1 when unknown). Written by the audio crate's one M3U8 writer.
pub fn m3u8_text(report: &SessionReport) -> String {
    let title = format!(
        "Holdspace session {} ({}) {}",
        report.session.id,
        report.session.client_code,
        report.session.created_at.format("%Y-%m-%d")
    );
    let entries: Vec<ExportEntry> = report
        .summary
        .music
        .iter()
        .map(|t| ExportEntry {
            path: PathBuf::from(&t.path),
            title: t.title.clone(),
            artist: t.artist.clone(),
            duration_seconds: t.played_seconds.map(|s| s as f64),
        })
        .collect();
    holdspace_audio::export_m3u8_titled(Some(&title), &entries, None)
}

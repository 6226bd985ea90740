//! What played, as an extended M3U playlist in UTF-8 (M3U8): often given to the client for
//! integration work.

use crate::report::SessionReport;

fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string()
}

/// `#EXTM3U`, then per track started (in order): `#EXTINF:<secs>,<artist> - <title>` and its
/// path. `<secs>` is how long it played in the session (-1 when unknown).
pub fn m3u8_text(report: &SessionReport) -> String {
    let mut out = String::from("#EXTM3U\n");
    out.push_str(&format!(
        "#PLAYLIST:Holdspace session {} ({}) {}\n",
        report.session.id,
        one_line(&report.session.client_code),
        report.session.created_at.format("%Y-%m-%d")
    ));
    for t in &report.summary.music {
        let name = match (one_line(&t.artist), one_line(&t.title)) {
            (a, ti) if a.is_empty() => ti,
            (a, ti) if ti.is_empty() => a,
            (a, ti) => format!("{a} - {ti}"),
        };
        let path = one_line(&t.path);
        if path.is_empty() {
            // Not playable without a file: kept as a comment so the list stays complete.
            out.push_str(&format!("# played, no file path recorded: {name}\n"));
            continue;
        }
        out.push_str(&format!("#EXTINF:{},{}\n{}\n", t.played_seconds.unwrap_or(-1), name, path));
    }
    out
}

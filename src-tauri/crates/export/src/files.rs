//! Export files: created new (never replacing a file), readable by the user only.

use crate::error::{Error, Result};
use crate::report::SessionReport;
use std::path::{Path, PathBuf};

/// `holdspace-session-12-K-042-2026-01-15`: the session id, its client code (a code, never a
/// name) and the UTC date it was started.
pub(crate) fn file_stem(report: &SessionReport) -> String {
    let code: String = report
        .session
        .client_code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(32)
        .collect();
    format!("holdspace-session-{}-{}-{}", report.session.id, code, report.session.created_at.format("%Y-%m-%d"))
}

/// Writes `bytes` to `dir/stem.ext`, or `stem-2.ext`... if taken: a new file, mode 0600, whole
/// or absent (`holdspace_core::files`).
pub(crate) fn write_new(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf> {
    if !dir.is_dir() {
        return Err(Error::NoFolder(dir.to_path_buf()));
    }
    holdspace_core::files::write_new_in(dir, stem, ext, bytes).map_err(|source| {
        if source.kind() == std::io::ErrorKind::Other && source.to_string().starts_with("too many files") {
            Error::NamesExhausted(dir.join(format!("{stem}.{ext}")))
        } else {
            Error::Write { path: dir.join(format!("{stem}.{ext}")), source }
        }
    })
}

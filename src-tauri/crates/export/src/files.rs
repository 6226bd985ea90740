//! Export files: created new (never replacing a file), readable by the user only.

use crate::error::{Error, Result};
use crate::report::SessionReport;
use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
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

/// Writes `bytes` to `dir/stem.ext`, or `stem-2.ext`, `stem-3.ext`... if taken. The file is
/// created with `create_new` (so an existing file is never opened, even in a race) and mode
/// 0600 on unix. A partly written file is removed.
pub(crate) fn write_new(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf> {
    if !dir.is_dir() {
        return Err(Error::NoFolder(dir.to_path_buf()));
    }
    for n in 1..=9_999u32 {
        let name = if n == 1 { format!("{stem}.{ext}") } else { format!("{stem}-{n}.{ext}") };
        let path = dir.join(name);
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut file = match opts.open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(Error::Write { path, source }),
        };
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        if let Err(source) = written {
            drop(file);
            let _ = std::fs::remove_file(&path);
            return Err(Error::Write { path, source });
        }
        return Ok(path);
    }
    Err(Error::NamesExhausted(dir.join(format!("{stem}.{ext}"))))
}

//! The technical log, `<data folder>/holdspace.log`: what the room is told is in plain words;
//! the library's or the system's own words for a failure (a sound device that will not open, a
//! D-Bus service that is not there) are written here, and to standard error, for whoever
//! diagnoses it. One file (readable by the user only), started afresh past 1 MiB with the last
//! one kept as `holdspace.log.1`. Writing it never fails a caller.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

pub const LOG_FILE: &str = "holdspace.log";
const MAX_BYTES: u64 = 1024 * 1024;

static DIR: OnceLock<PathBuf> = OnceLock::new();
static WRITING: Mutex<()> = Mutex::new(());

/// Where the log goes: the data folder (set once, at start-up).
pub fn init(data_dir: &Path) {
    let _ = DIR.set(data_dir.to_path_buf());
}

/// Records `detail` (the technical words) about `what` (what was being done).
pub fn technical(what: &str, detail: &str) {
    eprintln!("holdspace: {what}: {detail}");
    let Some(dir) = DIR.get() else { return };
    let _guard = WRITING.lock().unwrap_or_else(|p| p.into_inner());
    let path = dir.join(LOG_FILE);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_BYTES) {
        let _ = std::fs::rename(&path, dir.join(format!("{LOG_FILE}.1")));
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let line = format!("{} {what}: {}\n", chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true), detail.replace('\n', " "));
    if let Err(e) = options.open(&path).and_then(|mut f| f.write_all(line.as_bytes())) {
        eprintln!("holdspace: the log file {} could not be written: {e}", path.display());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn technical_words_go_to_the_log_file_in_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        super::init(dir.path());
        super::technical("opening the sound output", "Failed to get the config for the given device");
        let text = std::fs::read_to_string(dir.path().join(super::LOG_FILE)).unwrap();
        assert!(text.contains("opening the sound output: Failed to get the config for the given device"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(super::LOG_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}

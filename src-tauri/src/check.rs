//! `holdspace check FILE...`: validates protocol templates, playlists and M3U files without a
//! window. Valid files print a one-line summary; problems print as `file:line: message`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// What kind of file this is, judged by extension and, for TOML, by its keys.
#[derive(Debug, PartialEq, Eq)]
pub enum FileKind {
    Template,
    Playlist,
    M3u,
}

pub fn kind_of(path: &Path) -> FileKind {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "m3u" || ext == "m3u8" {
        return FileKind::M3u;
    }
    // Templates declare checkpoints and a minimum observation time; playlists declare phases
    // of tracks. Only the first 64 KiB is looked at: a huge file is refused by its checker.
    let head = read_head(path);
    let is_template = head.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("[[checkpoints]]") || l.starts_with("min_observation_min")
    });
    if is_template {
        FileKind::Template
    } else {
        FileKind::Playlist
    }
}

fn read_head(path: &Path) -> String {
    use std::io::Read;
    let mut buf = vec![0u8; 64 * 1024];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut buf)).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// Checks one file: `Ok(summary)` or the problems, each `file:line: message`.
pub fn check_file(path: &Path) -> Result<String, Vec<String>> {
    match kind_of(path) {
        FileKind::Template => holdspace_core::monitoring::check_template_file(path)
            .map(|s| s.to_string())
            .map_err(|ps| ps.iter().map(|p| p.to_string()).collect()),
        FileKind::Playlist | FileKind::M3u => holdspace_audio::check::check_file(path)
            .map(|s| s.to_string())
            .map_err(|ps| ps.iter().map(|p| p.to_string()).collect()),
    }
}

pub fn run(files: &[std::path::PathBuf], out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let mut failed = false;
    for path in files {
        match check_file(path) {
            // Each summary starts with its file name.
            Ok(summary) => {
                let _ = writeln!(out, "{summary}");
            }
            Err(problems) => {
                failed = true;
                for p in problems {
                    let _ = writeln!(err, "{p}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(files: &[std::path::PathBuf]) -> (ExitCode, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(files, &mut out, &mut err);
        (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
    }

    #[test]
    fn built_in_templates_pass_with_a_one_line_summary() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/monitoring/protocols");
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
        let (code, out, err) = run_on(&files);
        assert_eq!(code, ExitCode::SUCCESS, "{err}");
        assert_eq!(out.lines().count(), files.len(), "{out}");
        assert!(out.contains("esketamine-rems") && out.contains("120 min"), "{out}");
    }

    #[test]
    fn a_broken_template_reports_file_and_line() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("clinic.toml");
        std::fs::write(&path, "id = \"clinic\"\nname = \"Clinic\"\nroute = \"intramuscular\"\ndescription = \"\"\nmin_observation_min = \"ninety\"\n").unwrap();
        let (code, out, err) = run_on(std::slice::from_ref(&path));
        assert_eq!(code, ExitCode::FAILURE);
        assert!(out.is_empty());
        let line = err.lines().next().unwrap_or_default();
        assert!(line.starts_with(&format!("{}:5:", path.display())), "{err}");
    }
}

//! `holdspace check FILE...`: validates protocol templates, playlists and M3U files without a
//! window. Valid files print a one-line summary; problems print as `file:line: message`. A
//! playlist's tracks are also found in the music folder and decoded (`--quick`: parse only).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What kind of file this is: by extension for M3U, and by its tables for TOML.
#[derive(Debug, PartialEq, Eq)]
pub enum FileKind {
    Template,
    Playlist,
    M3u,
}

/// How thoroughly to check a playlist.
#[derive(Debug, Clone)]
pub enum Depth {
    /// Parse only (`--quick`).
    Quick,
    /// Also resolve every track against this music folder and decode it.
    Audio { music_folder: PathBuf },
}

/// Decide template or playlist by parsing: templates have `checkpoints` or
/// `min_observation_min`, playlists a `title` or phases holding `tracks`. `None` when the
/// text is not TOML at all (the syntax error is reported as it is).
pub fn kind_of_toml(table: &toml::Table) -> FileKind {
    let template = ["checkpoints", "min_observation_min", "thresholds", "discharge_scoring"].iter().any(|k| table.contains_key(*k));
    let playlist = table.contains_key("title")
        || table.get("phases").and_then(|p| p.as_array()).is_some_and(|a| a.iter().any(|ph| ph.get("tracks").is_some()));
    if template && !playlist {
        FileKind::Template
    } else {
        FileKind::Playlist
    }
}

fn problems(ps: Vec<impl std::fmt::Display>) -> Vec<String> {
    ps.iter().map(|p| p.to_string()).collect()
}

/// Checks one file: `Ok(summary)` or the problems, each `file:line: message`. Every file is
/// opened only if it is a regular file within the one size limit, and read once.
pub fn check_file(path: &Path, depth: &Depth) -> Result<String, Vec<String>> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "m3u" || ext == "m3u8" {
        return holdspace_audio::check::check_file(path).map(|s| s.to_string()).map_err(problems);
    }
    let file = path.display().to_string();
    let text = holdspace_audio::textfile::read_text(path).map_err(|p| vec![p.to_string()])?;
    let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let kind = match body.parse::<toml::Table>() {
        Ok(table) => kind_of_toml(&table),
        Err(e) => {
            let line = e.span().map(|s| body[..s.start.min(body.len())].matches('\n').count() + 1).unwrap_or(1);
            return Err(vec![format!("{file}:{line}: {}", e.message().trim().replace('\n', " "))]);
        }
    };
    match kind {
        FileKind::Template => holdspace_core::monitoring::check_template_file(path).map(|s| s.to_string()).map_err(problems),
        FileKind::Playlist | FileKind::M3u => match depth {
            Depth::Quick => holdspace_audio::Playlist::parse(&text, &file).map(|p| p.summary(&file).to_string()).map_err(problems),
            Depth::Audio { music_folder } => {
                holdspace_audio::check_playlist_audio(path, music_folder).map(|r| r.to_string()).map_err(problems)
            }
        },
    }
}

pub fn run(files: &[std::path::PathBuf], depth: &Depth, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    let mut failed = false;
    for path in files {
        match check_file(path, depth) {
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
        let code = run(files, &Depth::Quick, &mut out, &mut err);
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

    #[test]
    fn a_template_behind_a_long_comment_is_still_a_template() {
        let tmp = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/monitoring/protocols/intramuscular.toml");
        let body = std::fs::read_to_string(&src).unwrap();
        let path = tmp.path().join("clinic.toml");
        std::fs::write(&path, format!("{}{body}", "# a long note\n".repeat(7000))).unwrap(); // ~100 KiB
        let (code, out, err) = run_on(std::slice::from_ref(&path));
        assert_eq!(code, ExitCode::SUCCESS, "{err}");
        assert!(out.contains("im-ketamine"), "{out}");
        // ...and a template can no longer slip past the size limit by looking like a playlist.
        let big = tmp.path().join("big.toml");
        std::fs::write(&big, format!("title = \"x\"\n{}", "#".repeat(2 * 1024 * 1024))).unwrap();
        let (code, _, err) = run_on(std::slice::from_ref(&big));
        assert_eq!(code, ExitCode::FAILURE);
        assert!(err.contains("1 MiB"), "{err}");
    }

    #[test]
    fn one_size_limit_for_every_text_file() {
        assert_eq!(holdspace_audio::textfile::MAX_TEXT_FILE_BYTES, holdspace_core::monitoring::MAX_FILE_BYTES);
    }

    #[test]
    fn devices_and_pipes_are_refused_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let link = tmp.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let fifo = tmp.path().join("pipe.m3u8");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let started = std::time::Instant::now();
        let (code, _, err) = run_on(&[link.clone(), fifo.clone()]);
        assert_eq!(code, ExitCode::FAILURE);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(err.contains(&format!("{}: is not a regular file", link.display())), "{err}");
        assert!(err.contains(&format!("{}: is not a regular file", fifo.display())), "{err}");
    }

    #[test]
    fn a_playlist_check_opens_the_audio_unless_quick() {
        let tmp = tempfile::tempdir().unwrap();
        let music = tmp.path().join("music");
        std::fs::create_dir_all(&music).unwrap();
        // A real WAV (1 s) and a file that only has the name of one.
        let spec = hound::WavSpec { channels: 1, sample_rate: 8000, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
        let mut w = hound::WavWriter::create(music.join("one.wav"), spec).unwrap();
        for i in 0..8000 {
            w.write_sample(((i as f32 * 0.3).sin() * 8000.0) as i16).unwrap();
        }
        w.finalize().unwrap();
        std::fs::write(music.join("noise.wav"), vec![0x5Au8; 40_000]).unwrap();
        let pl = tmp.path().join("list.toml");
        let track = |p: &str, t: &str| format!("\n[[phases.tracks]]\npath = \"{p}\"\ntitle = \"{t}\"\nartist = \"A\"\nduration_seconds = 1\n");
        let text = format!(
            "title = \"L\"\ncrossfade_seconds = 0\n\n[[phases]]\nname = \"settle\"\n{}{}{}",
            track("one.wav", "One"),
            track("noise.wav", "Noise"),
            track("gone.wav", "Gone")
        );
        std::fs::write(&pl, text).unwrap();
        let (code, out, _) = run_on(std::slice::from_ref(&pl));
        assert_eq!(code, ExitCode::SUCCESS, "--quick (run_on) parses only: {out}");
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let code = run(std::slice::from_ref(&pl), &Depth::Audio { music_folder: music.clone() }, &mut o, &mut e);
        let err = String::from_utf8_lossy(&e).into_owned();
        println!("{err}");
        assert_eq!(code, ExitCode::FAILURE);
        let f = pl.display();
        assert!(err.contains(&format!("{f}:13: track 2 \"Noise\": cannot be decoded (the file is not in a format")), "{err}");
        assert!(err.contains(&format!("{f}:19: track 3 \"Gone\": missing")), "{err}");
        assert!(!err.contains("\"One\""), "{err}");
        // A music folder that does not exist is named.
        let (mut o, mut e) = (Vec::new(), Vec::new());
        run(std::slice::from_ref(&pl), &Depth::Audio { music_folder: tmp.path().join("nowhere") }, &mut o, &mut e);
        let err = String::from_utf8_lossy(&e).into_owned();
        assert!(err.contains("music folder") && err.contains("does not exist"), "{err}");
        assert!(err.contains("track 1 \"One\": missing"), "{err}");
    }
}

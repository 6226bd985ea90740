//! Reading the text files the app is given (playlists, templates, M3U/M3U8): only regular
//! files, never more than [`MAX_TEXT_FILE_BYTES`] (checked before reading), and UTF-8 with the
//! line and byte of the first invalid sequence named when it is not.

use std::io::Read;
use std::path::Path;

use holdspace_monitoring::Problem;

/// The one size limit for every text file Holdspace reads (1 MiB; a 1,000-track playlist is
/// about 150 KiB).
pub const MAX_TEXT_FILE_BYTES: u64 = 1024 * 1024;

/// Read the bytes of a regular file of at most [`MAX_TEXT_FILE_BYTES`]. A symlink is followed
/// to what it names, which must itself be a regular file (never a device such as `/dev/zero`,
/// a named pipe or a folder: those are refused at once, nothing is read).
pub fn read_limited_bytes(path: &Path) -> Result<Vec<u8>, Problem> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| Problem::new(&file, 0, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(Problem::new(&file, 0, "is a folder, not a file"));
    }
    if !meta.is_file() {
        return Err(Problem::new(&file, 0, "is not a regular file (a device, pipe or socket); not read"));
    }
    if meta.len() > MAX_TEXT_FILE_BYTES {
        return Err(Problem::new(
            &file,
            0,
            format!("file is {} bytes, larger than the {MAX_TEXT_FILE_BYTES} byte (1 MiB) limit; not read", meta.len()),
        ));
    }
    let f = std::fs::File::open(path).map_err(|e| Problem::new(&file, 0, format!("cannot open: {e}")))?;
    // The file may have changed between the check and the read: never read past the limit.
    let mut buf = Vec::with_capacity(meta.len() as usize);
    f.take(MAX_TEXT_FILE_BYTES + 1).read_to_end(&mut buf).map_err(|e| Problem::new(&file, 0, format!("cannot read: {e}")))?;
    if buf.len() as u64 > MAX_TEXT_FILE_BYTES {
        return Err(Problem::new(&file, 0, format!("file is larger than the {MAX_TEXT_FILE_BYTES} byte (1 MiB) limit; not read")));
    }
    Ok(buf)
}

/// Bytes as UTF-8, or a problem naming the line and the byte (1-based, within the line) of the
/// first invalid sequence.
pub fn utf8(bytes: Vec<u8>, file: &str) -> Result<String, Problem> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before = &bytes[..at];
        let line = before.iter().filter(|b| **b == b'\n').count() as u32 + 1;
        let col = at - before.iter().rposition(|b| *b == b'\n').map(|i| i + 1).unwrap_or(0) + 1;
        let bad = bytes.get(at).copied().unwrap_or(0);
        Problem::new(
            file,
            line,
            format!("not UTF-8 text: byte {col} of line {line} (0x{bad:02X}) is not valid UTF-8; save the file as UTF-8"),
        )
    })
}

/// Read a regular UTF-8 text file of at most [`MAX_TEXT_FILE_BYTES`].
pub fn read_text(path: &Path) -> Result<String, Problem> {
    let bytes = read_limited_bytes(path)?;
    utf8(bytes, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_line_and_byte() {
        let p = utf8(b"title = \"a\"\nname = \"Caf\xe9\"\n".to_vec(), "x.toml").expect_err("latin-1");
        assert_eq!(p.line, 2);
        assert!(p.message.contains("byte 12 of line 2 (0xE9)"), "{}", p.message);
        assert_eq!(utf8("ok ü".as_bytes().to_vec(), "x").ok().as_deref(), Some("ok ü"));
    }

    #[test]
    fn devices_pipes_folders_and_big_files_are_refused_before_reading() {
        let d = tempfile::tempdir().expect("tmp");
        let link = d.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        let started = std::time::Instant::now();
        let e = read_text(&link).expect_err("device");
        assert!(e.message.contains("not a regular file"), "{e}");
        let fifo = d.path().join("pipe.m3u8");
        let ok = std::process::Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
        assert!(ok, "mkfifo");
        assert!(read_text(&fifo).expect_err("fifo").message.contains("not a regular file"));
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "never blocks");
        assert!(read_text(d.path()).expect_err("dir").message.contains("folder"));
        let big = d.path().join("big.toml");
        let f = std::fs::File::create(&big).expect("create");
        f.set_len(MAX_TEXT_FILE_BYTES + 1).expect("grow");
        assert!(read_text(&big).expect_err("big").message.contains("1 MiB"));
    }
}

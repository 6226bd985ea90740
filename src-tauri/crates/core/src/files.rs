//! Files the app writes for people (exports, imported playlists, M3U8 lists): always a new
//! file, never replacing one, readable by the user only, whole or absent.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Reads a small settings-like file: `Ok(None)` when it is missing; refused unread when it is
/// not a regular file (a pipe would block the start) or is larger than `max` bytes.
pub fn read_small(path: &Path, max: u64) -> Result<Option<String>, String> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Ok(m) if !m.is_file() => return Err("not a regular file; not read".into()),
        Ok(m) if m.len() > max => return Err(format!("{} bytes, far more than it needs; not read", m.len())),
        _ => {}
    }
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Writes `bytes` to a new file at `path` (mode 0600 on unix). An existing file is never
/// opened, even in a race (`create_new`); a partly written file is removed.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(())
}

/// Replaces `path` whole or not at all (a journal, the key file): written beside it as
/// `<name>.tmp` (mode 0600 on unix), flushed, renamed over it, and the folder flushed so the
/// rename itself survives a power cut. A failed attempt leaves no temporary file.
pub fn replace_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let result = (|| {
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        sync_dir(path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Flushes the entries of the folder holding `path_in_dir` (a rename or removal in it).
pub fn sync_dir(path_in_dir: &Path) -> std::io::Result<()> {
    let dir = match path_in_dir.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::File::open(dir)?.sync_all()
}

/// Writes `dir/stem.ext`, or `stem-2.ext`, `stem-3.ext`... when taken, and returns the path.
pub fn write_new_in(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    for n in 1..=9_999u32 {
        let name = if n == 1 { format!("{stem}.{ext}") } else { format!("{stem}-{n}.{ext}") };
        let path = dir.join(name);
        match write_new_file(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!("too many files named {stem}.{ext} in {}", dir.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_name_is_found_and_nothing_is_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let a = write_new_in(tmp.path(), "list", "m3u8", b"one").unwrap();
        let b = write_new_in(tmp.path(), "list", "m3u8", b"two").unwrap();
        assert_eq!(b.file_name().unwrap(), "list-2.m3u8");
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&b).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_eq!(write_new_file(&a, b"x").unwrap_err().kind(), ErrorKind::AlreadyExists);
    }
}

/// The size and SHA-256 (hex) of a file, read in pieces: what an audit row or a manifest says
/// of an export or a backup, so a copy found later can be compared.
pub fn size_and_sha256(path: &Path) -> std::io::Result<(u64, String)> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let (mut h, mut buf, mut size) = (Sha256::new(), vec![0u8; 64 * 1024], 0u64);
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((size, crate::chain::to_hex(&h.finalize())))
}

//! The data folder: created private to the user, and held by one writer at a time through an
//! OS file lock (released by the OS even when the process is killed).

use crate::error::{Error, Result};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const DB_FILE: &str = "holdspace.sqlite3";
const LOCK_FILE: &str = "holdspace.lock";

#[derive(Debug)]
pub struct DataDir {
    path: PathBuf,
    _lock: File,
}

impl DataDir {
    /// Creates the folder if needed and takes the writer lock.
    pub fn open(path: &Path) -> Result<DataDir> {
        create_private_dir(path)?;
        let lock_path = path.join(LOCK_FILE);
        let mut lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| data_dir_error(path, &e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = lock.read_to_string(&mut pid);
                let pid = if pid.trim().is_empty() { "unknown".into() } else { pid.trim().to_string() };
                return Err(Error::Locked { path: path.to_path_buf(), pid });
            }
            Err(TryLockError::Error(e)) => return Err(data_dir_error(path, &e)),
        }
        // The pid helps the user (and tests) find the process that holds the folder.
        lock.set_len(0).map_err(|e| data_dir_error(path, &e))?;
        lock.seek(SeekFrom::Start(0)).map_err(|e| data_dir_error(path, &e))?;
        write!(lock, "{}", std::process::id()).map_err(|e| data_dir_error(path, &e))?;
        lock.flush().map_err(|e| data_dir_error(path, &e))?;
        Ok(DataDir { path: path.to_path_buf(), _lock: lock })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn db_path(&self) -> PathBuf {
        self.path.join(DB_FILE)
    }

    /// The process id written by whoever holds `path` (for tests and support).
    pub fn holder_pid(path: &Path) -> Option<u32> {
        fs::read_to_string(path.join(LOCK_FILE)).ok()?.trim().parse().ok()
    }
}

pub fn create_private_dir(path: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(|e| data_dir_error(path, &e))?;
    if !path.is_dir() {
        return Err(Error::DataDir { path: path.to_path_buf(), detail: "it is not a folder".into() });
    }
    Ok(())
}

fn data_dir_error(path: &Path, e: &std::io::Error) -> Error {
    let detail = match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (choose a folder you can write to with --data-dir)".to_string()
        }
        _ => e.to_string(),
    };
    Error::DataDir { path: path.to_path_buf(), detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_and_told_who_holds_the_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let first = DataDir::open(tmp.path()).unwrap();
        let err = DataDir::open(tmp.path()).unwrap_err();
        assert!(matches!(err, Error::Locked { .. }), "{err}");
        assert!(err.to_string().contains(&std::process::id().to_string()), "{err}");
        drop(first);
        assert!(DataDir::open(tmp.path()).is_ok(), "the lock is released with the holder");
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_is_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("holdspace");
        DataDir::open(&dir).unwrap();
        let mode = fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
}

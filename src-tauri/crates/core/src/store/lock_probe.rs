//! For tests in this crate and others: does this process still hold its SQLite lock on a file?
//! A real second process asks, because POSIX locks are per process.

use std::path::Path;
use std::process::Command;

/// Can another process take SQLite's EXCLUSIVE lock (a write lock over the SHARED byte range
/// at 1 GiB + 2) on the file? It can only if this process holds no SHARED lock on it.
pub fn outside_can_lock_exclusively(db: &Path) -> bool {
    let script = r#"
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002, 0)
    print("free")
except OSError:
    print("locked")
"#;
    let out = Command::new("python3").args(["-c", script]).arg(db).output().expect("python3 runs");
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(said == "free" || said == "locked", "probe said {said:?}: {}", String::from_utf8_lossy(&out.stderr));
    said == "free"
}


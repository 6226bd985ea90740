//! Reading the clinic's text files (templates, quick tags) safely, and saying what is wrong
//! with them in plain words: the lowest layer of this crate, used by every parser in it.

use std::io::Read;
use std::path::Path;

use crate::error::Problem;

/// Largest template or quick-tag file we will read.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Read a text file of at most [`MAX_FILE_BYTES`], refusing larger ones without reading them.
pub fn read_limited(path: &Path) -> Result<String, Vec<Problem>> {
    let file = path.display().to_string();
    let err = |m: String| vec![Problem::new(file.clone(), 0, m)];
    let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(err("is a folder, not a file".into()));
    }
    if !meta.is_file() {
        // A device (a link to /dev/zero) or a named pipe: never opened, so nothing blocks.
        return Err(err("is not a regular file (a device, pipe or socket); not read".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(format!(
            "file is {} bytes, larger than the {} byte (1 MiB) limit for template files; not read",
            meta.len(),
            MAX_FILE_BYTES
        )));
    }
    let f = std::fs::File::open(path).map_err(|e| err(format!("cannot open: {e}")))?;
    let mut buf = Vec::new();
    f.take(MAX_FILE_BYTES + 1).read_to_end(&mut buf).map_err(|e| err(format!("cannot read: {e}")))?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(err(format!("file is larger than the {MAX_FILE_BYTES} byte (1 MiB) limit for template files; not read")));
    }
    String::from_utf8(buf).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..at];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let col = at - before.iter().rposition(|b| *b == b'\n').map(|i| i + 1).unwrap_or(0) + 1;
        let bad = e.as_bytes().get(at).copied().unwrap_or(0);
        let message = format!("not UTF-8 text: byte {col} of line {line} (0x{bad:02X}) is not valid UTF-8; save the file as UTF-8");
        vec![Problem::new(file.clone(), line as u32, message)]
    })
}

/// serde's wording with Rust type names made readable.
pub(crate) fn friendly(msg: &str) -> String {
    msg.trim()
        .replace('\n', " ")
        .replace("expected i32", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
}

/// Why a name cannot be shown as it is: control characters (NUL, escape sequences that would
/// drive a terminal) and bidirectional overrides (which reorder what is printed).
pub fn name_problem(field: &str, s: &str) -> Option<String> {
    let bad = s.chars().find(|c| {
        (c.is_control() && *c != '\t')
            || matches!(*c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    })?;
    let what = match bad {
        '\0' => "a NUL character".to_string(),
        '\u{1b}' => "an escape character (terminal control sequence)".to_string(),
        c if c.is_control() => format!("a control character (U+{:04X})", c as u32),
        c => format!("a text-direction override (U+{:04X})", c as u32),
    };
    Some(format!("{field} contains {what}; remove it"))
}


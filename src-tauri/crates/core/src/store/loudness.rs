//! The loudness cache: EBU R128 results per file version, so a track is analysed once.

use super::Store;
use crate::error::Result;
use rusqlite::{params, OptionalExtension};

/// One file version's loudness: integrated LUFS and true peak (dBTP), and the length it
/// decodes to (seconds; `None` for rows written before that was measured).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CachedLoudness {
    pub integrated_lufs: f64,
    pub true_peak_dbtp: f64,
    pub decoded_seconds: Option<f64>,
}

impl Store {
    pub fn loudness_get(&self, path: &str, size: i64, mtime_ms: i64) -> Result<Option<CachedLoudness>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT integrated_lufs, true_peak_dbtp, decoded_seconds FROM loudness_cache
                 WHERE path = ?1 AND size = ?2 AND mtime_ms = ?3",
                params![path, size, mtime_ms],
                |r| Ok(CachedLoudness { integrated_lufs: r.get(0)?, true_peak_dbtp: r.get(1)?, decoded_seconds: r.get(2)? }),
            )
            .optional()?)
    }

    pub fn loudness_put(&self, path: &str, size: i64, mtime_ms: i64, l: CachedLoudness) -> Result<()> {
        let now = self.clock.now().timestamp_millis();
        self.conn().execute(
            "INSERT OR REPLACE INTO loudness_cache (path, size, mtime_ms, integrated_lufs, true_peak_dbtp, analysed_ms, decoded_seconds)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![path, size, mtime_ms, l.integrated_lufs, l.true_peak_dbtp, now, l.decoded_seconds],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FakeClock;
    use std::sync::Arc;

    #[test]
    fn a_changed_file_is_a_cache_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(&tmp.path().join("db.sqlite3"), Arc::new(FakeClock::at_nine())).unwrap();
        let l = CachedLoudness { integrated_lufs: -18.5, true_peak_dbtp: -2.0, decoded_seconds: Some(212.25) };
        store.loudness_put("/music/a.flac", 100, 5, l).unwrap();
        assert_eq!(store.loudness_get("/music/a.flac", 100, 5).unwrap(), Some(l));
        assert_eq!(store.loudness_get("/music/a.flac", 100, 6).unwrap(), None);
        assert_eq!(store.loudness_get("/music/a.flac", 101, 5).unwrap(), None);
        // A row written before the decoded length was measured reads back with none.
        let old = CachedLoudness { decoded_seconds: None, ..l };
        store.loudness_put("/music/b.flac", 100, 5, old).unwrap();
        assert_eq!(store.loudness_get("/music/b.flac", 100, 5).unwrap(), Some(old));
    }
}

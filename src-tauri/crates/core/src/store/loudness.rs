//! The loudness cache: EBU R128 results per file version, so a track is analysed once.

use super::Store;
use crate::error::Result;
use rusqlite::{params, OptionalExtension};

/// One file version's loudness: integrated LUFS and true peak (dBTP).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CachedLoudness {
    pub integrated_lufs: f64,
    pub true_peak_dbtp: f64,
}

impl Store {
    pub fn loudness_get(&self, path: &str, size: i64, mtime_ms: i64) -> Result<Option<CachedLoudness>> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                "SELECT integrated_lufs, true_peak_dbtp FROM loudness_cache
                 WHERE path = ?1 AND size = ?2 AND mtime_ms = ?3",
                params![path, size, mtime_ms],
                |r| Ok(CachedLoudness { integrated_lufs: r.get(0)?, true_peak_dbtp: r.get(1)? }),
            )
            .optional()?)
    }

    pub fn loudness_put(&self, path: &str, size: i64, mtime_ms: i64, l: CachedLoudness) -> Result<()> {
        let now = self.clock.now().timestamp_millis();
        self.conn().execute(
            "INSERT OR REPLACE INTO loudness_cache (path, size, mtime_ms, integrated_lufs, true_peak_dbtp, analysed_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![path, size, mtime_ms, l.integrated_lufs, l.true_peak_dbtp, now],
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
        let l = CachedLoudness { integrated_lufs: -18.5, true_peak_dbtp: -2.0 };
        store.loudness_put("/music/a.flac", 100, 5, l).unwrap();
        assert_eq!(store.loudness_get("/music/a.flac", 100, 5).unwrap(), Some(l));
        assert_eq!(store.loudness_get("/music/a.flac", 100, 6).unwrap(), None);
        assert_eq!(store.loudness_get("/music/a.flac", 101, 5).unwrap(), None);
    }
}

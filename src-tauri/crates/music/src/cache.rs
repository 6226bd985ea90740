//! The loudness cache in the app's SQLite database (`loudness` table, keyed by path, size and
//! modification time).

use holdspace_audio::{LoudnessCache, LoudnessKey};
use holdspace_core::store::CachedLoudness;
use holdspace_core::Store;
use std::sync::Arc;

/// The loudness cache in the app's database, through the app's one connection (a second
/// connection would add no concurrency: see the store's module docs).
pub struct SqliteLoudnessCache {
    store: Arc<Store>,
}

impl SqliteLoudnessCache {
    pub fn shared(store: Arc<Store>) -> Arc<dyn LoudnessCache> {
        Arc::new(SqliteLoudnessCache { store })
    }
}

impl LoudnessCache for SqliteLoudnessCache {
    fn get(&self, key: &LoudnessKey) -> Option<holdspace_audio::Loudness> {
        let path = key.path.to_string_lossy();
        let hit = self.store.loudness_get(&path, key.size as i64, key.mtime_ms).ok()??;
        Some(holdspace_audio::Loudness {
            integrated_lufs: hit.integrated_lufs,
            true_peak_dbtp: hit.true_peak_dbtp,
            decoded_seconds: hit.decoded_seconds,
        })
    }

    fn put(&self, key: &LoudnessKey, l: holdspace_audio::Loudness) {
        let path = key.path.to_string_lossy();
        let value = CachedLoudness {
            integrated_lufs: l.integrated_lufs,
            true_peak_dbtp: l.true_peak_dbtp,
            decoded_seconds: l.decoded_seconds,
        };
        if let Err(e) = self.store.loudness_put(&path, key.size as i64, key.mtime_ms, value) {
            eprintln!("holdspace: loudness cache: {e}");
        }
    }
}


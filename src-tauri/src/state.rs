//! What the app holds while it runs. Opened once at start-up; when the data folder or database
//! cannot be used the window still opens and shows why, instead of crashing.

use crate::error::IpcError;
use holdspace_core::store::DataDir;
use holdspace_core::{Clock, OffsetClock, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Ready {
    pub store: Store,
    pub clock: Arc<OffsetClock>,
    // Held for the life of the app: the single-writer lock on the data folder.
    _data_dir: DataDir,
}

pub struct AppState {
    pub data_dir: PathBuf,
    pub ready: Result<Ready, IpcError>,
}

impl AppState {
    pub fn open(data_dir: &Path) -> AppState {
        let ready = open_ready(data_dir).map_err(IpcError::from);
        if let Err(e) = &ready {
            eprintln!("holdspace: {}", e.message);
        }
        AppState { data_dir: data_dir.to_path_buf(), ready }
    }

    /// The store, or the start-up error that keeps it closed.
    pub fn ready(&self) -> Result<&Ready, IpcError> {
        self.ready.as_ref().map_err(|e| IpcError { kind: e.kind, message: e.message.clone() })
    }

    pub fn startup_error(&self) -> Option<IpcError> {
        self.ready.as_ref().err().cloned()
    }
}

fn open_ready(data_dir: &Path) -> holdspace_core::error::Result<Ready> {
    let dir = DataDir::open(data_dir)?;
    let clock = Arc::new(OffsetClock::new());
    let store = Store::open(&dir.db_path(), clock.clone() as Arc<dyn Clock>)?;
    Ok(Ready { store, clock, _data_dir: dir })
}

impl Ready {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

//! What the app holds while it runs. Opened once at start-up; when the data folder or database
//! cannot be used the window still opens and shows why, instead of crashing.

use crate::awake::Awake;
use crate::error::IpcError;
use crate::music::Music;
use std::sync::OnceLock;
use holdspace_core::store::DataDir;
use holdspace_core::monitoring::{load_quick_tags_file, load_templates, QuickTag, Template, TemplateCatalog};
use holdspace_core::{Clock, Error, OffsetClock, Store};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Ready {
    pub store: Store,
    pub clock: Arc<OffsetClock>,
    /// Built-in protocol templates plus the clinic's, from `<data folder>/protocols/`.
    pub catalog: TemplateCatalog,
    /// The clinic's quick tags (`<data folder>/quick_tags.toml`), when it has its own.
    pub clinic_tags: Option<Vec<QuickTag>>,
    /// Problems in the clinic's files, shown to the user; the app runs on what is valid.
    pub config_problems: Vec<String>,
    // Held for the life of the app: the single-writer lock on the data folder.
    _data_dir: DataDir,
}

pub struct AppState {
    pub data_dir: PathBuf,
    pub ready: Result<Ready, IpcError>,
    /// The sleep and screen-lock inhibitor, held while a session is open.
    pub awake: Awake,
    /// Music: started once the window is set up (a second launch never touches the device).
    pub music: OnceLock<Music>,
}

impl AppState {
    pub fn open(data_dir: &Path) -> AppState {
        let ready = open_ready(data_dir).map_err(IpcError::from);
        if let Err(e) = &ready {
            eprintln!("holdspace: {}", e.message);
        }
        AppState { data_dir: data_dir.to_path_buf(), ready, awake: Awake::default(), music: OnceLock::new() }
    }

    /// The store, or the start-up error that keeps it closed.
    pub fn ready(&self) -> Result<&Ready, IpcError> {
        self.ready.as_ref().map_err(|e| IpcError { kind: e.kind, message: e.message.clone() })
    }

    pub fn startup_error(&self) -> Option<IpcError> {
        self.ready.as_ref().err().cloned()
    }

    /// Holds the inhibitor while a session is open, releases it otherwise.
    pub fn sync_awake(&self) {
        let open = self.ready().ok().and_then(|r| r.store.open_session().ok().flatten()).is_some();
        if open {
            self.awake.hold();
        } else {
            self.awake.release();
        }
    }
}

fn open_ready(data_dir: &Path) -> holdspace_core::error::Result<Ready> {
    let dir = DataDir::open(data_dir)?;
    let clock = Arc::new(OffsetClock::new());
    let store = Store::open(&dir.db_path(), clock.clone() as Arc<dyn Clock>)?;
    let catalog = load_templates(Some(&data_dir.join("protocols")));
    let mut config_problems: Vec<String> = catalog.problems.iter().map(|p| p.to_string()).collect();
    let clinic_tags = match load_quick_tags_file(&data_dir.join("quick_tags.toml")) {
        Ok(tags) => tags,
        Err(problems) => {
            config_problems.extend(problems.iter().map(|p| p.to_string()));
            None
        }
    };
    for p in &config_problems {
        eprintln!("holdspace: {p}");
    }
    Ok(Ready { store, clock, catalog, clinic_tags, config_problems, _data_dir: dir })
}

impl Ready {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The template a session runs on.
    pub fn template(&self, protocol: &str) -> Result<&Template, Error> {
        self.catalog.get(protocol).ok_or_else(|| Error::NotFound {
            what: format!("protocol template {protocol:?} (it may have been removed from the data folder)"),
        })
    }
}

//! What the app holds while it runs. Opened once at start-up; when the data folder or database
//! cannot be used the window still opens and shows why, instead of crashing.

use crate::awake::Awake;
use crate::error::IpcError;
use holdspace_music::Music;
use std::sync::OnceLock;
use holdspace_core::store::DataDir;
use holdspace_core::monitoring::{load_quick_tags_file, load_templates, QuickTag, Template, TemplateCatalog};
use holdspace_core::outbox::{Outbox, OutboxEvent, Submitted};
use holdspace_core::store::{Write, WriteOp};
use holdspace_core::{Clock, Entry, Error, OffsetClock, Store};
use std::path::{Path, PathBuf};
use holdspace_core::preferences::Preferences;
use std::sync::{Arc, Mutex};

/// Set once the window exists, so the outbox can tell it what it saved.
pub static EVENTS: OnceLock<Box<dyn Fn(OutboxEvent) + Send + Sync>> = OnceLock::new();

pub struct Ready {
    /// The app's one connection to the database (see the store's module docs for why one).
    pub store: Arc<Store>,
    /// Every entry is saved through this: kept and retried when storage cannot take it.
    pub outbox: Outbox,
    /// Low disk space at launch, said on the start screen and in the pre-flight.
    pub space_warning: Option<String>,
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
    /// The theme, the session screens' level and the last therapist (`preferences.json`).
    pub preferences: Mutex<Preferences>,
}

impl AppState {
    pub fn open(data_dir: &Path) -> AppState {
        crate::logfile::init(data_dir);
        let ready = open_ready(data_dir).map_err(IpcError::from);
        if let Err(e) = &ready {
            eprintln!("holdspace: {}", e.message);
        }
        let (preferences, problem) = Preferences::load(data_dir);
        if let Some(problem) = problem {
            eprintln!("holdspace: {problem}");
        }
        AppState {
            data_dir: data_dir.to_path_buf(),
            ready,
            awake: Awake::default(),
            music: OnceLock::new(),
            preferences: Mutex::new(preferences),
        }
    }

    /// The preferences as remembered now.
    pub fn preferences(&self) -> Preferences {
        self.preferences.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Changes the preferences and writes them; returns what was written.
    pub fn update_preferences(&self, change: impl FnOnce(&mut Preferences)) -> std::io::Result<Preferences> {
        let mut p = self.preferences.lock().unwrap_or_else(|p| p.into_inner());
        let mut next = p.clone();
        change(&mut next);
        next.save(&self.data_dir)?;
        *p = next.clone();
        Ok(next)
    }

    /// The store, or the start-up error that keeps it closed.
    pub fn ready(&self) -> Result<&Ready, IpcError> {
        self.ready.as_ref().map_err(|e| e.clone())
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
    let store = Arc::new(Store::open(&dir.db_path(), clock.clone() as Arc<dyn Clock>)?);
    crate::error::set_db_path(store.path());
    let outbox = Outbox::start(
        store.clone(),
        data_dir,
        Box::new(|event| {
            if let Some(send) = EVENTS.get() {
                send(event);
            }
        }),
    );
    let space_warning = holdspace_core::store::health::space_warning(data_dir);
    if let Some(w) = &space_warning {
        eprintln!("holdspace: {w}");
    }
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
    Ok(Ready { store, outbox, space_warning, clock, catalog, clinic_tags, config_problems, _data_dir: dir })
}

impl Ready {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Saves an entry through the outbox, stamped now. Saved: the entries as stored. Kept for
    /// later: the error kind `not_saved_yet`, which the window shows as "not saved yet"; the
    /// saved entries arrive later as the `entries-saved` event.
    pub fn save(&self, session_id: i64, key: Option<String>, op: WriteOp) -> Result<Vec<Entry>, Error> {
        let key = key.unwrap_or_else(holdspace_core::outbox::app_key);
        match self.outbox.submit(Write { key, session_id, at: self.now(), op })? {
            Submitted::Saved(entries) => {
                crate::live::FEED.saved(session_id);
                Ok(entries)
            }
            Submitted::NotSavedYet(p) => Err(Error::from(&p)),
        }
    }

    /// As `save`, for writes that make one entry.
    pub fn save_one(&self, session_id: i64, key: Option<String>, op: WriteOp) -> Result<Entry, Error> {
        self.save(session_id, key, op)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound { what: "the saved entry".into() })
    }

    /// The template a session runs on.
    /// The protocol template a session runs on.
    pub fn session_template(&self, session_id: i64) -> Result<&Template, Error> {
        self.template(&self.store.session(session_id)?.protocol)
    }

    pub fn template(&self, protocol: &str) -> Result<&Template, Error> {
        self.catalog.get(protocol).ok_or_else(|| Error::NotFound {
            what: format!("protocol template {protocol:?} (it may have been removed from the data folder)"),
        })
    }
}

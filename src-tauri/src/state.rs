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
    /// The signed-in user: the author of every entry saved through `save`.
    author: Mutex<Option<String>>,
    // Held for the life of the app: the single-writer lock on the data folder.
    _data_dir: DataDir,
}

pub struct AppState {
    pub data_dir: PathBuf,
    /// Why the record cannot be opened at all (data folder unusable, key file missing...).
    startup_error: Option<IpcError>,
    /// The data folder's single-writer lock, taken at start and handed to `Ready` at sign-in.
    data_lock: Mutex<Option<DataDir>>,
    /// Set once, by the first sign-in: the store stays open while the screen is locked, so
    /// music, timer and the record's background work go on.
    ready: OnceLock<Ready>,
    /// Who is signed in, and whether the screen is locked.
    pub access: Mutex<crate::access::Access>,
    /// The sleep and screen-lock inhibitor, held while a session is open.
    pub awake: Awake,
    /// Music: started once the window is set up (a second launch never touches the device).
    pub music: OnceLock<Music>,
    /// The theme, the session screens' level and the last therapist (`preferences.json`).
    pub preferences: Mutex<Preferences>,
    /// Every audited action goes through this (it waits when the record cannot take it).
    pub audit: holdspace_core::audit::AuditTrail,
}

impl AppState {
    pub fn open(data_dir: &Path) -> AppState {
        crate::logfile::init(data_dir);
        let opened = DataDir::open(data_dir)
            .and_then(|dir| holdspace_core::vault::settle(data_dir).map(|folder| (dir, folder)))
            .map_err(IpcError::from);
        let (data_lock, access, startup_error) = match opened {
            Ok((dir, folder)) => (Some(dir), crate::access::Access::new(folder), None),
            Err(e) => {
                eprintln!("holdspace: {}", e.message);
                (None, crate::access::Access::unavailable(), Some(e))
            }
        };
        let (preferences, problem) = Preferences::load(data_dir);
        if let Some(problem) = problem {
            eprintln!("holdspace: {problem}");
        }
        AppState {
            data_dir: data_dir.to_path_buf(),
            startup_error,
            data_lock: Mutex::new(data_lock),
            ready: OnceLock::new(),
            access: Mutex::new(access),
            awake: Awake::default(),
            music: OnceLock::new(),
            preferences: Mutex::new(preferences),
            audit: Default::default(),
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

    /// The store, for a command the signed-in user gave: refused before sign-in and while
    /// the screen is locked.
    pub fn ready(&self) -> Result<&Ready, IpcError> {
        let ready = self.ready_any()?;
        if self.access().locked {
            return Err(IpcError::new(holdspace_core::ErrorKind::NotSignedIn, "The screen is locked: unlock it first."));
        }
        Ok(ready)
    }

    /// The store whether or not the screen is locked: for the app's own background work
    /// (music entries, the monitor, the lock screen's room view), never for reading the record
    /// to the screen while locked.
    pub fn ready_any(&self) -> Result<&Ready, IpcError> {
        if let Some(e) = &self.startup_error {
            return Err(e.clone());
        }
        self.ready
            .get()
            .ok_or_else(|| IpcError::new(holdspace_core::ErrorKind::NotSignedIn, "Sign in first."))
    }

    pub fn startup_error(&self) -> Option<IpcError> {
        self.startup_error.clone()
    }

    pub fn access(&self) -> std::sync::MutexGuard<'_, crate::access::Access> {
        self.access.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes `Ready` from the store a sign-in opened. Only the first call builds it; later
    /// sign-ins (another user, after a lock) find it there. True when it was built now.
    pub fn open_with(&self, store: Store, journal_key: holdspace_core::vault::SealKey) -> Result<bool, IpcError> {
        if self.ready.get().is_some() {
            return Ok(false);
        }
        let dir = self
            .data_lock
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| IpcError::new(holdspace_core::ErrorKind::DataDir, "the data folder is not held"))?;
        let ready = open_ready(&self.data_dir, dir, store, journal_key);
        Ok(self.ready.set(ready).is_ok())
    }

    /// Holds the inhibitor while a session is open, releases it otherwise.
    pub fn sync_awake(&self) {
        let open = self.ready_any().ok().and_then(|r| r.store.open_session().ok().flatten()).is_some();
        if open {
            self.awake.hold();
        } else {
            self.awake.release();
        }
    }
}

/// The one clock of the app: the store opened at sign-in runs on it.
pub fn app_clock() -> Arc<OffsetClock> {
    static CLOCK: OnceLock<Arc<OffsetClock>> = OnceLock::new();
    CLOCK.get_or_init(|| Arc::new(OffsetClock::new())).clone()
}

fn open_ready(data_dir: &Path, dir: DataDir, store: Store, journal_key: holdspace_core::vault::SealKey) -> Ready {
    let clock = app_clock();
    let store = Arc::new(store);
    crate::error::set_db_path(store.path());
    // Entries waiting to be saved are kept sealed: the record is encrypted, so is its journal.
    let outbox = Outbox::start_sealed(
        store.clone(),
        data_dir,
        Some(journal_key),
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
    Ready { store, outbox, space_warning, clock, catalog, clinic_tags, config_problems, author: Mutex::new(None), _data_dir: dir }
}

impl Ready {
    pub fn set_author(&self, name: &str) {
        *self.author.lock().unwrap_or_else(|p| p.into_inner()) = Some(name.to_string());
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Saves an entry through the outbox, stamped now. Saved: the entries as stored. Kept for
    /// later: the error kind `not_saved_yet`, which the window shows as "not saved yet"; the
    /// saved entries arrive later as the `entries-saved` event.
    pub fn save(&self, session_id: i64, key: Option<String>, op: WriteOp) -> Result<Vec<Entry>, Error> {
        let key = key.unwrap_or_else(holdspace_core::outbox::app_key);
        let author = self.author.lock().unwrap_or_else(|p| p.into_inner()).clone();
        match self.outbox.submit(Write { key, session_id, at: self.now(), op, author })? {
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

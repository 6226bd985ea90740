//! The outbox: every entry the app makes goes through it, so none is lost or saved twice when
//! storage misbehaves. A write is tried at once; when the file is busy, full, read-only or
//! failing it is kept in order, shown on screen as "not saved yet", copied to a small journal
//! (the data folder if it can be written, else the runtime folder in memory-backed storage) and
//! retried with backoff until storage works again. Each write carries a key, and the store
//! applies a key once, so a retry after a crash between commit and acknowledgement, or a
//! journal replayed twice, never duplicates an entry.

use crate::entry::Entry;
use crate::error::{Error, Result};
use crate::store::health::{diagnose, StorageCause, StorageProblem};
use crate::store::{Store, Write};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;
use ts_rs::TS;

const JOURNAL_FILE: &str = "pending-entries.json";
/// Retry delays: quick at first (a lock held for a moment), then every few seconds.
const BACKOFF_MS: [u64; 5] = [250, 500, 1_000, 2_000, 4_000];

/// Where the copy of the waiting entries is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Kept {
    /// In the data folder: survives a crash and a power cut.
    DataFolder,
    /// In the runtime folder (memory-backed): survives the app closing, not a power cut.
    RuntimeFolder,
    /// Only in the app's memory: keep it open until they are saved.
    Memory,
}

/// An entry waiting to be saved, as the screen shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PendingEntry {
    pub key: String,
    pub session_id: i64,
    pub at: DateTime<Utc>,
    pub summary: String,
    pub problem: StorageProblem,
    pub tries: u32,
    pub kept: Kept,
}

/// What the outbox tells the window.
#[derive(Debug, Clone)]
pub enum OutboxEvent {
    /// A write that had waited is now on disk.
    Saved { key: String, entries: Vec<Entry> },
    /// The waiting list changed (added, retried, saved).
    Waiting { pending: Vec<PendingEntry> },
    /// A retry was refused for a reason a retry cannot mend (the session ended meanwhile).
    Failed { key: String, session_id: i64, summary: String, message: String },
}

pub enum Submitted {
    Saved(Vec<Entry>),
    NotSavedYet(PendingEntry),
}

type Notify = Box<dyn Fn(OutboxEvent) + Send + Sync>;

struct Item {
    write: Write,
    problem: StorageProblem,
    tries: u32,
}

struct Inner {
    store: Arc<Store>,
    queue: Mutex<VecDeque<Item>>,
    wake: Condvar,
    /// Held while a write is tried, so writes reach the file in the order they were made.
    order: Mutex<()>,
    journal: Journal,
    kept: Mutex<Kept>,
    notify: Notify,
    stop: AtomicBool,
}

#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

impl Outbox {
    /// Starts the retry thread and replays any journal an earlier run left behind.
    pub fn start(store: Arc<Store>, data_dir: &Path, notify: Notify) -> Outbox {
        Self::start_sealed(store, data_dir, None, notify)
    }

    /// As `start`, with the journal sealed by `key` (an encrypted record's waiting entries must
    /// not lie in a plain file beside it). A plain journal from an older version is read too.
    pub fn start_sealed(store: Arc<Store>, data_dir: &Path, key: Option<crate::vault::SealKey>, notify: Notify) -> Outbox {
        let journal = Journal::new(data_dir, key);
        let restored: VecDeque<Item> = journal
            .load()
            .into_iter()
            .map(|write| Item {
                write,
                problem: StorageProblem {
                    cause: StorageCause::Failing,
                    message: "Kept from before the app closed; saving it now".into(),
                    detail: String::new(),
                },
                tries: 0,
            })
            .collect();
        let inner = Arc::new(Inner {
            store,
            queue: Mutex::new(restored),
            wake: Condvar::new(),
            order: Mutex::new(()),
            journal,
            kept: Mutex::new(Kept::DataFolder),
            notify,
            stop: AtomicBool::new(false),
        });
        let worker = inner.clone();
        let spawned = std::thread::Builder::new().name("holdspace-outbox".into()).spawn(move || retry_loop(&worker));
        if let Err(e) = spawned {
            // Without the thread, waiting entries are still retried by the next submit.
            eprintln!("holdspace: the save retry thread did not start: {e}");
        }
        Outbox { inner }
    }

    /// Saves `w` now, or keeps it to save later. Refusals a retry cannot mend (a value out of
    /// range, an ended session) come back as errors and nothing is kept.
    pub fn submit(&self, w: Write) -> Result<Submitted> {
        crate::store::validate_key(&w.key)?;
        w.op.validate()?;
        let inner = &self.inner;
        let _order = lock(&inner.order);
        {
            let mut q = lock(&inner.queue);
            if let Some(pos) = q.iter().position(|i| i.write.key == w.key) {
                // The same write sent again (Enter pressed twice): it is already waiting.
                return Ok(Submitted::NotSavedYet(inner.view(&q[pos])));
            }
            if !q.is_empty() {
                // Keep order: nothing overtakes an entry that is waiting.
                let problem = q[0].problem.clone();
                q.push_back(Item { write: w, problem, tries: 0 });
                let view = inner.view(q.back().expect("just pushed"));
                inner.changed(&q);
                inner.wake.notify_all();
                return Ok(Submitted::NotSavedYet(view));
            }
        }
        match inner.store.apply(&w) {
            Ok(entries) => Ok(Submitted::Saved(entries)),
            Err(e) => match diagnose(inner.store.path(), &e) {
                Some(problem) => {
                    eprintln!("holdspace: not saved yet ({}): {}", problem.message, problem.detail);
                    let mut q = lock(&inner.queue);
                    q.push_back(Item { write: w, problem, tries: 1 });
                    let view = inner.view(q.back().expect("just pushed"));
                    inner.changed(&q);
                    inner.wake.notify_all();
                    Ok(Submitted::NotSavedYet(view))
                }
                None => Err(e),
            },
        }
    }

    /// Everything waiting, oldest first.
    pub fn pending(&self) -> Vec<PendingEntry> {
        let q = lock(&self.inner.queue);
        q.iter().map(|i| self.inner.view(i)).collect()
    }

    pub fn pending_for(&self, session_id: i64) -> usize {
        lock(&self.inner.queue).iter().filter(|i| i.write.session_id == session_id).count()
    }

    /// Stops the retry thread (tests); what is waiting stays in the journal.
    pub fn stop(&self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        self.inner.wake.notify_all();
    }
}

impl Inner {
    fn view(&self, i: &Item) -> PendingEntry {
        PendingEntry {
            key: i.write.key.clone(),
            session_id: i.write.session_id,
            at: i.write.at,
            summary: i.write.op.summary(),
            problem: i.problem.clone(),
            tries: i.tries,
            kept: *lock(&self.kept),
        }
    }

    /// Rewrites the journal and tells the window.
    fn changed(&self, q: &VecDeque<Item>) {
        let writes: Vec<&Write> = q.iter().map(|i| &i.write).collect();
        *lock(&self.kept) = self.journal.save(&writes);
        (self.notify)(OutboxEvent::Waiting { pending: q.iter().map(|i| self.view(i)).collect() });
    }
}

fn retry_loop(inner: &Inner) {
    let mut step = 0usize;
    loop {
        let front = {
            let mut q = lock(&inner.queue);
            while q.is_empty() && !inner.stop.load(Ordering::SeqCst) {
                q = inner.wake.wait(q).unwrap_or_else(|p| p.into_inner());
                step = 0;
            }
            if inner.stop.load(Ordering::SeqCst) {
                return;
            }
            let (guard, _) = inner
                .wake
                .wait_timeout(q, Duration::from_millis(BACKOFF_MS[step.min(BACKOFF_MS.len() - 1)]))
                .unwrap_or_else(|p| p.into_inner());
            q = guard;
            if inner.stop.load(Ordering::SeqCst) {
                return;
            }
            match q.front() {
                Some(i) => i.write.clone(),
                None => continue,
            }
        };
        // Drain in order while storage works; back off on the first failure.
        let mut next = Some(front);
        while let Some(write) = next.take() {
            let result = {
                let _order = lock(&inner.order);
                inner.store.apply(&write)
            };
            let mut q = lock(&inner.queue);
            if q.front().map(|i| &i.write.key) != Some(&write.key) {
                break;
            }
            match result {
                Ok(entries) => {
                    q.pop_front();
                    step = 0;
                    inner.changed(&q);
                    (inner.notify)(OutboxEvent::Saved { key: write.key.clone(), entries });
                    next = q.front().map(|i| i.write.clone());
                }
                Err(e) => match diagnose(inner.store.path(), &e) {
                    Some(problem) => {
                        if let Some(front) = q.front_mut() {
                            front.problem = problem;
                            front.tries += 1;
                        }
                        step += 1;
                        inner.changed(&q);
                    }
                    None => {
                        q.pop_front();
                        inner.changed(&q);
                        eprintln!("holdspace: a kept entry could not be saved: {e}");
                        (inner.notify)(OutboxEvent::Failed {
                            key: write.key.clone(),
                            session_id: write.session_id,
                            summary: write.op.summary(),
                            message: e.to_string(),
                        });
                        next = q.front().map(|i| i.write.clone());
                    }
                },
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A key for an entry the app makes by itself (music, pre-flight): unique across runs.
pub fn app_key() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = Utc::now().timestamp_micros();
    format!("app-{t:x}-{:x}-{n:x}", std::process::id())
}

/// The waiting writes on disk: the data folder first, the runtime folder when the data folder
/// cannot be written. Both are read back at start.
struct Journal {
    primary: PathBuf,
    fallback: Option<PathBuf>,
    key: Option<crate::vault::SealKey>,
}

impl Journal {
    fn new(data_dir: &Path, key: Option<crate::vault::SealKey>) -> Journal {
        Journal { primary: data_dir.join(JOURNAL_FILE), fallback: runtime_dir(data_dir).map(|d| d.join(JOURNAL_FILE)), key }
    }

    /// The journal's JSON: opened when sealed, as it is when written by an older version.
    fn read(&self, path: &Path) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        let bytes = std::fs::read(path).ok()?;
        if !crate::vault::is_sealed(&bytes) {
            return Some(zeroize::Zeroizing::new(bytes));
        }
        let opened = self.key.as_ref().and_then(|k| k.open(&bytes));
        if opened.is_none() {
            eprintln!("holdspace: {} is sealed with another key; it is left as it is", path.display());
        }
        opened
    }

    fn load(&self) -> Vec<Write> {
        let mut out: Vec<Write> = Vec::new();
        for path in std::iter::once(&self.primary).chain(self.fallback.iter()) {
            let Some(text) = self.read(path) else { continue };
            match serde_json::from_slice::<Vec<Write>>(&text) {
                Ok(writes) => {
                    for w in writes {
                        if !out.iter().any(|o| o.key == w.key) {
                            out.push(w);
                        }
                    }
                }
                Err(e) => eprintln!("holdspace: {} cannot be read ({e}); it is left as it is", path.display()),
            }
        }
        out.sort_by_key(|w| w.at);
        out
    }

    fn save(&self, writes: &[&Write]) -> Kept {
        if writes.is_empty() {
            let _ = std::fs::remove_file(&self.primary);
            if let Some(f) = &self.fallback {
                let _ = std::fs::remove_file(f);
            }
            return Kept::DataFolder;
        }
        let Ok(json) = serde_json::to_vec(writes) else { return Kept::Memory };
        let json = zeroize::Zeroizing::new(json);
        let json = match &self.key {
            Some(k) => match k.seal(&json) {
                Ok(sealed) => zeroize::Zeroizing::new(sealed),
                Err(_) => return Kept::Memory,
            },
            None => json,
        };
        if crate::files::replace_durably(&self.primary, &json).is_ok() {
            if let Some(f) = &self.fallback {
                let _ = std::fs::remove_file(f);
            }
            return Kept::DataFolder;
        }
        match &self.fallback {
            Some(f) if crate::files::replace_durably(f, &json).is_ok() => Kept::RuntimeFolder,
            _ => Kept::Memory,
        }
    }
}


/// `$XDG_RUNTIME_DIR/holdspace/<data folder hash>` (memory-backed, private to the user), or a
/// private folder in the system's temporary folder.
fn runtime_dir(data_dir: &Path) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from).filter(|p| p.is_dir());
    let base = base.unwrap_or_else(|| std::env::temp_dir().join(format!("holdspace-{}", uid())));
    let canonical = data_dir.canonicalize().unwrap_or(data_dir.to_path_buf());
    // FNV-1a: a stable short name per data folder.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in canonical.as_os_str().as_encoded_bytes() {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    let dir = base.join("holdspace").join(format!("{h:016x}"));
    crate::store::create_private_dir(&dir).ok()?;
    Some(dir)
}

fn uid() -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(0)
    }
    #[cfg(not(unix))]
    {
        0
    }
}

impl From<&PendingEntry> for Error {
    fn from(p: &PendingEntry) -> Error {
        Error::NotSavedYet { message: p.problem.message.clone(), kept: p.kept }
    }
}

//! Backups while the app is open (`holdspace_core::backup`): after a session ends, after it is
//! signed, and daily. They run on a thread of their own with the app's clock, never on the
//! window's thread and never in the way of a save (the copy is read through a second
//! connection, in WAL mode readers do not block the writer). A failure is kept for the screen
//! and the log; the app goes on as before.

use crate::state::{app_clock, AppState};
use holdspace_core::backup::{self, Source};
use holdspace_core::Clock;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tauri::Manager;

static REQUESTS: OnceLock<Sender<&'static str>> = OnceLock::new();
static LAST: Mutex<Option<Outcome>> = Mutex::new(None);

/// How often the thread looks whether the daily backup is due.
const LOOK_EVERY: Duration = Duration::from_secs(600);
/// After a failed attempt, the daily backup is tried again after this long (not every look).
const RETRY_AFTER: chrono::Duration = chrono::Duration::hours(1);

/// The last attempt: when, why, and what came of it (the file and verification, or the error).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub at: chrono::DateTime<chrono::Utc>,
    pub reason: &'static str,
    pub result: Result<String, String>,
}

pub fn last() -> Option<Outcome> {
    LAST.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// Asks for a backup soon (`reason`: "the session ended", ...). Never waits.
pub fn request(reason: &'static str) {
    if let Some(tx) = REQUESTS.get() {
        let _ = tx.send(reason);
    }
}

/// Starts the backup thread (once, after the first sign-in).
pub fn start(app: &tauri::AppHandle) {
    let (tx, rx) = mpsc::channel::<&'static str>();
    if REQUESTS.set(tx).is_err() {
        return;
    }
    let app = app.clone();
    let spawned = std::thread::Builder::new().name("backup".into()).spawn(move || loop {
        match rx.recv_timeout(LOOK_EVERY) {
            Ok(reason) => run(&app, reason),
            Err(RecvTimeoutError::Timeout) => {
                if daily_due(&app) {
                    run(&app, "the daily backup");
                }
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    });
    if let Err(e) = spawned {
        crate::logfile::technical("the backup thread could not start", &e.to_string());
    }
}

fn daily_due(app: &tauri::AppHandle) -> bool {
    let state = app.state::<AppState>();
    let Some(folder) = state.preferences().backup.folder() else { return false };
    let now = app_clock().now();
    if last().is_some_and(|o| o.result.is_err() && now - o.at < RETRY_AFTER) {
        return false;
    }
    match backup::status(Some(&folder), now).last_good_at {
        Some(at) => now - at > chrono::Duration::hours(24),
        None => true,
    }
}

/// Backs up now, on the calling (worker) thread, and returns what came of it.
pub fn run_now(app: &tauri::AppHandle) -> Option<Outcome> {
    run(app, "asked for in Settings");
    last()
}

fn run(app: &tauri::AppHandle, reason: &'static str) {
    let state = app.state::<AppState>();
    let prefs = state.preferences().backup;
    let now = app_clock().now();
    let Some(folder) = prefs.folder() else {
        keep(now, reason, Err("no backup folder is chosen (Settings, Backups)".into()));
        return;
    };
    // The key is held only for as long as it takes to copy it.
    let (source, user) = {
        let access = state.access();
        let Some(key) = access.key.as_ref() else { return };
        (Source::new(&state.data_dir, key), access.user.as_ref().map(|u| u.name.clone()).unwrap_or_default())
    };
    let result = source.and_then(|s| backup::back_up(&s, &folder, now, prefs.retention()));
    let (detail, result) = match result {
        Ok(w) => {
            let said = format!("{}: {}", w.database.display(), w.manifest.verification);
            (format!("{said} (SHA-256 {}; {reason})", w.manifest.sha256), Ok(said))
        }
        Err(e) => {
            crate::logfile::technical("a backup failed", &e.to_string());
            (format!("failed ({reason}): {e}"), Err(e.to_string()))
        }
    };
    if let Ok(ready) = state.ready_any() {
        if let Err(e) = ready.store.log_access(&user, "backup", None, &detail) {
            crate::logfile::technical("the backup could not be audited", &e.to_string());
        }
    }
    keep(now, reason, result);
}

fn keep(at: chrono::DateTime<chrono::Utc>, reason: &'static str, result: Result<String, String>) {
    *LAST.lock().unwrap_or_else(|p| p.into_inner()) = Some(Outcome { at, reason, result });
}

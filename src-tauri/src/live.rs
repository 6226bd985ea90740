//! The live screen is told, not polled. One thread keeps the open session's monitor state
//! (folded from its entries as they are saved, see `holdspace_core::monitor::LiveMonitor`) and
//! sends `monitor-changed` when a save changes it or when the schedule turns by the clock: it
//! sleeps until the next instant a check falls due, never on a one-second beat.

use crate::events::{name, MonitorChangedPayload};
use crate::state::{AppState, Ready};
use holdspace_core::monitor::{LiveMonitor, MonitorView};
use holdspace_core::store::SLICE_MAX;
use holdspace_core::{EntryBody, Error};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;
use tauri::{Emitter, Manager};

/// The one feed of the app (saves reach it from the outbox and the commands alike).
pub static FEED: Feed = Feed::new();

/// Longest sleep, so a wall-clock step (NTP, a resumed laptop) is noticed within a minute.
const MAX_SLEEP_MS: i64 = 60_000;

#[derive(Default)]
struct Signal {
    saved: Vec<i64>,
    clock_moved: bool,
}

struct Tracked {
    live: LiveMonitor,
    /// The session has ended: nothing is pushed for it any more.
    ended: bool,
}

pub struct Feed {
    signal: Mutex<Signal>,
    wake: Condvar,
    // Apart from `signal`, so a save (possibly made under the store's lock) never waits for
    // the store reads done under this one.
    tracked: Mutex<Option<Tracked>>,
}

fn hold<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

struct Woke {
    saved: Vec<i64>,
    clock_moved: bool,
    due: bool,
}

impl Feed {
    const fn new() -> Feed {
        Feed {
            signal: Mutex::new(Signal { saved: Vec::new(), clock_moved: false }),
            wake: Condvar::new(),
            tracked: Mutex::new(None),
        }
    }

    /// Entries of `session_id` were saved.
    pub fn saved(&self, session_id: i64) {
        let mut s = hold(&self.signal);
        if !s.saved.contains(&session_id) {
            s.saved.push(session_id);
        }
        self.wake.notify_one();
    }

    /// The app clock was moved (test builds): what is due is worked out again at once.
    pub fn clock_moved(&self) {
        hold(&self.signal).clock_moved = true;
        self.wake.notify_one();
    }

    /// The monitor state of `session_id` now: the live screen's first snapshot. Folds only
    /// what was saved since the last call.
    pub fn view(&self, ready: &Ready, session_id: i64) -> Result<MonitorView, Error> {
        let mut tracked = hold(&self.tracked);
        let t = track(&mut tracked, ready, session_id)?;
        catch_up(t, ready)?;
        let view = t.live.view(ready.now().timestamp_millis());
        // The thread may not know this session yet: it works out when to wake for it.
        self.saved(session_id);
        Ok(view)
    }

    fn wait(&self, next: Option<i64>, ready: &Ready) -> Woke {
        let mut s = hold(&self.signal);
        loop {
            let now = ready.now().timestamp_millis();
            let due = next.is_some_and(|n| now >= n);
            if due || !s.saved.is_empty() || s.clock_moved {
                let saved = std::mem::take(&mut s.saved);
                let clock_moved = std::mem::take(&mut s.clock_moved);
                return Woke { saved, clock_moved, due };
            }
            s = match next {
                Some(n) => {
                    let ms = (n - now).clamp(1, MAX_SLEEP_MS) as u64;
                    self.wake.wait_timeout(s, Duration::from_millis(ms)).unwrap_or_else(|p| p.into_inner()).0
                }
                None => self.wake.wait(s).unwrap_or_else(|p| p.into_inner()),
            };
        }
    }

    fn run(&self, app: &tauri::AppHandle) {
        let state = app.state::<AppState>();
        let Ok(ready) = state.ready_any() else { return };
        let mut next: Option<i64> = None;
        let mut last_problem = String::new();
        loop {
            let woke = self.wait(next, ready);
            let mut tracked = hold(&self.tracked);
            // One session is open at a time: a save to another one means it is the live one now.
            let session_id = woke.saved.last().copied().or(tracked.as_ref().map(|t| t.live.session_id()));
            let Some(session_id) = session_id else {
                next = None;
                continue;
            };
            let outcome = update(&mut tracked, ready, session_id, woke.due || woke.clock_moved);
            drop(tracked);
            next = match outcome {
                Ok((Some(view), at)) => {
                    let sent = app.emit(name::MONITOR_CHANGED, MonitorChangedPayload { session_id, view });
                    if let Err(e) = sent {
                        eprintln!("holdspace: could not tell the window the monitor state: {e}");
                    }
                    at
                }
                Ok((None, at)) => at,
                Err(e) => {
                    // The store could not be read (busy, failing): said once, tried again in a while.
                    let problem = e.to_string();
                    if problem != last_problem {
                        eprintln!("holdspace: monitor state not updated: {problem}");
                        last_problem = problem;
                    }
                    Some(ready.now().timestamp_millis() + 5_000)
                }
            };
        }
    }
}

/// Folds what was saved; the view to push (when a save changed it, or the clock turned it)
/// and the next instant to wake at.
fn update(
    tracked: &mut Option<Tracked>,
    ready: &Ready,
    session_id: i64,
    clock_turned: bool,
) -> Result<(Option<MonitorView>, Option<i64>), Error> {
    let t = track(tracked, ready, session_id)?;
    let changed = catch_up(t, ready)?;
    if t.ended {
        return Ok((None, None));
    }
    let now = ready.now().timestamp_millis();
    let view = (changed || clock_turned).then(|| t.live.view(now));
    Ok((view, t.live.next_change(now)))
}

/// Makes `session_id` the tracked session (folding its record from the start when it is new).
fn track<'a>(tracked: &'a mut Option<Tracked>, ready: &Ready, session_id: i64) -> Result<&'a mut Tracked, Error> {
    if tracked.as_ref().is_none_or(|t| t.live.session_id() != session_id) {
        let session = ready.store.session(session_id)?;
        let template = ready.template(&session.protocol)?.clone();
        *tracked = None;
        let t = tracked.insert(Tracked { live: LiveMonitor::new(template, &session), ended: false });
        catch_up(t, ready)?;
    }
    tracked.as_mut().ok_or_else(|| Error::NotFound { what: format!("session {session_id}") })
}

/// Folds the entries saved since the last fold (read from the store by position, so entries
/// saved by several threads at once are folded once each, in written order). True when one can
/// change the view.
fn catch_up(t: &mut Tracked, ready: &Ready) -> Result<bool, Error> {
    let mut changed = false;
    loop {
        let offset = t.live.folded() as i64;
        let slice = ready.store.entries_slice(t.live.session_id(), &[], offset, SLICE_MAX)?;
        for e in &slice.entries {
            changed |= t.live.fold(e);
            t.ended |= matches!(e.body, EntryBody::SessionEnded { .. });
        }
        if (slice.entries.len() as i64) < SLICE_MAX {
            return Ok(changed);
        }
    }
}

/// Starts the feed's thread once the window exists.
pub fn start(app: &tauri::AppHandle) {
    let app = app.clone();
    let spawned = std::thread::Builder::new().name("holdspace-monitor-feed".into()).spawn(move || FEED.run(&app));
    if let Err(e) = spawned {
        eprintln!("holdspace: the live screen will not be told when a check falls due: {e}");
    }
}

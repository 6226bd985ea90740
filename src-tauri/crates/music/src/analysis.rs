//! Loudness analysis of a playlist's files on a worker thread, one at a time, cancellable;
//! progress and the end are reported through callbacks (the shell turns them into events).

use crate::library::{analyse_files, LoudnessFinished, LoudnessProgress};
use holdspace_audio::LoudnessCache;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often progress is reported at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(150);

#[derive(Default)]
pub struct Analysis {
    /// The running analysis' cancel flag, if one runs.
    running: Arc<Mutex<Option<Arc<AtomicBool>>>>,
}

impl Analysis {
    /// Starts analysing `files` of `playlist` and returns how many; `Err` says why not (one
    /// already runs, or the thread could not start). Cached files are not analysed again.
    pub fn start(
        &self,
        playlist: String,
        files: Vec<PathBuf>,
        cache: Arc<dyn LoudnessCache>,
        on_progress: impl Fn(LoudnessProgress) + Send + 'static,
        on_finished: impl FnOnce(LoudnessFinished) + Send + 'static,
    ) -> Result<u32, String> {
        let cancel = {
            let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
            if running.is_some() {
                return Err("an analysis is already running; wait for it or cancel it".into());
            }
            let flag = Arc::new(AtomicBool::new(false));
            *running = Some(flag.clone());
            flag
        };
        let total = files.len() as u32;
        let running = self.running.clone();
        let spawned = std::thread::Builder::new().name("holdspace-loudness".into()).spawn(move || {
            // Another analysis may start once this one ends, however it ends.
            struct Done(Arc<Mutex<Option<Arc<AtomicBool>>>>);
            impl Drop for Done {
                fn drop(&mut self) {
                    *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
                }
            }
            let done = Done(running);
            let tracks = analyse_files(&files, cache.as_ref(), &cancel, PROGRESS_EVERY, |done, total, fraction| {
                on_progress(LoudnessProgress { playlist: playlist.clone(), done, total, fraction });
            });
            let cancelled = cancel.load(Ordering::Relaxed);
            drop(done);
            on_finished(LoudnessFinished { playlist, cancelled, tracks });
        });
        if let Err(e) = spawned {
            *self.running.lock().unwrap_or_else(|p| p.into_inner()) = None;
            return Err(format!("the analysis could not start: {e}"));
        }
        Ok(total)
    }

    /// Asks the running analysis to stop; true when one was running.
    pub fn cancel(&self) -> bool {
        match self.running.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }
}

//! Time is injected: logic asks a `Clock`, never the system directly, so timer and checkpoint
//! tests are exact and end-to-end tests can move time forward in a test build.

use chrono::{DateTime, Duration, Utc};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock of this machine.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to: for unit tests.
#[derive(Debug)]
pub struct FakeClock {
    now: Mutex<DateTime<Utc>>,
}

impl FakeClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self { now: Mutex::new(start) }
    }

    /// A fixed, readable start time for tests: 2026-01-15 09:00:00 UTC.
    pub fn at_nine() -> Self {
        Self::new(DateTime::from_timestamp(1_768_467_600, 0).unwrap_or_default())
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = to;
    }
}

impl Clock for FakeClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The system clock plus an offset that can only grow. The app always runs on this clock with
/// offset zero; only a build with the `e2e` feature exposes a command that advances it, so
/// end-to-end tests can reach T+40 without waiting forty minutes.
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset_ms: AtomicI64,
}

impl OffsetClock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn advance(&self, by: Duration) {
        let ms = by.num_milliseconds().max(0);
        self.offset_ms.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn offset(&self) -> Duration {
        Duration::milliseconds(self.offset_ms.load(Ordering::SeqCst))
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_clock_moves_only_when_told() {
        let clock = FakeClock::at_nine();
        let t0 = clock.now();
        assert_eq!(clock.now(), t0);
        clock.advance(Duration::seconds(90));
        assert_eq!(clock.now() - t0, Duration::seconds(90));
    }

    #[test]
    fn offset_clock_never_goes_backwards() {
        let clock = OffsetClock::new();
        clock.advance(Duration::minutes(40));
        clock.advance(Duration::minutes(-100));
        assert_eq!(clock.offset(), Duration::minutes(40));
        assert!(clock.now() > Utc::now() + Duration::minutes(39));
    }
}

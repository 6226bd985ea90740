//! Wrong passphrases in a row: the first few are free, then each waits longer (up to five
//! minutes), so a passphrase cannot be guessed at the screen. Time comes from the app's clock.

use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Default, Clone)]
pub struct Attempts {
    failures: u32,
    next_allowed: Option<DateTime<Utc>>,
}

impl Attempts {
    /// Tries without any wait.
    pub const FREE: u32 = 5;
    const MAX_WAIT_S: i64 = 300;

    /// `Err(TryLater)` while a wait is running.
    pub fn check(&self, now: DateTime<Utc>) -> Result<()> {
        match self.next_allowed {
            Some(t) if now < t => Err(Error::TryLater { seconds: ((t - now).num_milliseconds() as u64).div_ceil(1000) }),
            _ => Ok(()),
        }
    }

    pub fn failed(&mut self, now: DateTime<Utc>) {
        self.failures = self.failures.saturating_add(1);
        if self.failures >= Self::FREE {
            let wait = 1i64 << (self.failures - Self::FREE).min(16);
            self.next_allowed = Some(now + Duration::seconds(wait.min(Self::MAX_WAIT_S)));
        }
    }

    pub fn succeeded(&mut self) {
        *self = Attempts::default();
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn five_free_tries_then_a_growing_wait_and_a_success_resets() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
        let mut a = Attempts::default();
        for _ in 0..4 {
            a.check(t0).unwrap();
            a.failed(t0);
        }
        a.check(t0).unwrap();
        a.failed(t0); // the fifth
        assert!(matches!(a.check(t0), Err(Error::TryLater { seconds: 1 })));
        a.check(t0 + Duration::seconds(1)).unwrap();
        a.failed(t0 + Duration::seconds(1));
        assert!(matches!(a.check(t0 + Duration::seconds(1)), Err(Error::TryLater { seconds: 2 })));
        for _ in 0..20 {
            a.failed(t0);
        }
        assert!(matches!(a.check(t0), Err(Error::TryLater { seconds: 300 })), "capped at five minutes");
        a.succeeded();
        a.check(t0).unwrap();
        assert_eq!(a.failures(), 0);
    }
}

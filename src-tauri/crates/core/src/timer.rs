//! The session timer is not a counter: it is `now - first_dose_at`, computed from stored times,
//! so a restart or a crash resumes with the right elapsed time.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct TimerReading {
    /// Milliseconds since the first dose, or `None` before it.
    #[ts(type = "number | null")]
    pub since_dose_ms: Option<i64>,
    /// Milliseconds since the session started.
    #[ts(type = "number")]
    pub since_start_ms: i64,
}

pub fn reading(
    started_at: DateTime<Utc>,
    first_dose_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> TimerReading {
    TimerReading {
        since_dose_ms: first_dose_at.map(|d| (now - d).num_milliseconds()),
        since_start_ms: (now - started_at).num_milliseconds().max(0),
    }
}

/// `T+hh:mm:ss` after the dose (or `T-` for an entry logged before a back-dated dose).
pub fn format_elapsed(ms: i64) -> String {
    let sign = if ms < 0 { '-' } else { '+' };
    let total = ms.unsigned_abs() / 1000;
    format!("T{sign}{:02}:{:02}:{:02}", total / 3600, (total / 60) % 60, total % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, FakeClock};
    use chrono::Duration;

    #[test]
    fn elapsed_counts_from_the_first_dose() {
        let clock = FakeClock::at_nine();
        let start = clock.now();
        clock.advance(Duration::minutes(12));
        let dose = clock.now();
        assert_eq!(reading(start, None, clock.now()).since_dose_ms, None);
        clock.advance(Duration::seconds(3_725));
        let r = reading(start, Some(dose), clock.now());
        assert_eq!(r.since_dose_ms, Some(3_725_000));
        assert_eq!(r.since_start_ms, (12 * 60 + 3_725) * 1000);
        assert_eq!(format_elapsed(3_725_000), "T+01:02:05");
    }

    #[test]
    fn formats_long_and_negative_times() {
        assert_eq!(format_elapsed(0), "T+00:00:00");
        assert_eq!(format_elapsed(-61_000), "T-00:01:01");
        assert_eq!(format_elapsed(100 * 3600 * 1000), "T+100:00:00");
    }
}

//! Filing the esketamine REMS Patient Monitoring Form: a setting submits it within 7 days of
//! every esketamine session (clinical.md; the REMS). The app never submits anything (it has no
//! network, by design): it tracks the due date and records when, how and by whom the form was
//! submitted, so the sessions list and the start screen can say what is due.
//!
//! A filing is never edited: a correction is a new record, and the newest one counts.

use crate::error::{Error, Result};
use crate::session::{Route, Session};
use chrono::{DateTime, Days, Local, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Days after the session by which the form is due.
pub const FILING_DAYS: u64 = 7;
/// A form due within this many days is mentioned on the start screen.
pub const NOTICE_DAYS: i64 = 2;
pub const CONFIRMATION_MAX: usize = 100;

/// How the form was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FilingMethod {
    Portal,
    Fax,
}

impl FilingMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            FilingMethod::Portal => "portal",
            FilingMethod::Fax => "fax",
        }
    }
    pub fn parse(s: &str) -> Option<FilingMethod> {
        [FilingMethod::Portal, FilingMethod::Fax].into_iter().find(|m| m.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            FilingMethod::Portal => "REMS portal",
            FilingMethod::Fax => "fax",
        }
    }
}

/// What the review screen sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewFiling {
    /// The date it was submitted, `YYYY-MM-DD`.
    pub submitted_on: String,
    pub method: FilingMethod,
    #[serde(default)]
    pub confirmation: String,
}

/// One recorded submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Filing {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub session_id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub submitted_on: NaiveDate,
    pub method: FilingMethod,
    pub confirmation: String,
}

/// Where a session's form stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FilingState {
    /// Not an esketamine session (or a demo): no form.
    NotRequired,
    Due {
        due_on: NaiveDate,
        #[ts(type = "number")]
        days_left: i64,
    },
    Overdue {
        due_on: NaiveDate,
        #[ts(type = "number")]
        days_over: i64,
    },
    Submitted {
        due_on: NaiveDate,
        submitted_on: NaiveDate,
        by: String,
        method: FilingMethod,
        confirmation: String,
        /// Submitted after the due date.
        late: bool,
    },
}

impl FilingState {
    /// Due within [`NOTICE_DAYS`] or overdue: said on the start screen.
    pub fn needs_notice(&self) -> bool {
        match self {
            FilingState::Due { days_left, .. } => *days_left <= NOTICE_DAYS,
            FilingState::Overdue { .. } => true,
            _ => false,
        }
    }
}

/// The calendar date of a moment on this computer's clock.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Local).date_naive()
}

/// Whether a session needs the form: esketamine (the nasal spray route), not a demo.
pub fn required(session: &Session) -> bool {
    session.route == Route::Intranasal && !session.demo
}

/// The date of the session the deadline counts from: the first dose, else the start.
pub fn session_date(session: &Session) -> NaiveDate {
    local_date(session.first_dose_at.unwrap_or(session.created_at))
}

pub fn due_on(session: &Session) -> NaiveDate {
    let d = session_date(session);
    d.checked_add_days(Days::new(FILING_DAYS)).unwrap_or(d)
}

/// The state from the newest filing (if any) and today's date.
pub fn state(session: &Session, newest: Option<&Filing>, today: NaiveDate) -> FilingState {
    if !required(session) {
        return FilingState::NotRequired;
    }
    let due = due_on(session);
    match newest {
        Some(f) => FilingState::Submitted {
            due_on: due,
            submitted_on: f.submitted_on,
            by: f.recorded_by.clone(),
            method: f.method,
            confirmation: f.confirmation.clone(),
            late: f.submitted_on > due,
        },
        None if today > due => FilingState::Overdue { due_on: due, days_over: (today - due).num_days() },
        None => FilingState::Due { due_on: due, days_left: (due - today).num_days() },
    }
}

/// Checks a submission against its session and today; the error names the field.
pub fn validate(session: &Session, new: &NewFiling, today: NaiveDate) -> Result<(NaiveDate, String)> {
    if !required(session) {
        return Err(Error::invalid(
            "session",
            format!("session {} is not an esketamine session: no REMS monitoring form is due for it", session.id),
        ));
    }
    let typed = new.submitted_on.trim();
    let on = NaiveDate::parse_from_str(typed, "%Y-%m-%d")
        .map_err(|_| Error::invalid("submitted on", format!("\"{typed}\" is not a date: write it as YYYY-MM-DD, e.g. {today}")))?;
    let held = session_date(session);
    if on < held {
        return Err(Error::invalid("submitted on", format!("{on} is before the session ({held}): the form is submitted after it")));
    }
    if on > today {
        return Err(Error::invalid("submitted on", format!("{on} is in the future (today is {today}): record it once it is submitted")));
    }
    let confirmation = new.confirmation.trim().to_string();
    if confirmation.chars().count() > CONFIRMATION_MAX {
        return Err(Error::invalid("confirmation number", format!("at most {CONFIRMATION_MAX} characters")));
    }
    if confirmation.chars().any(char::is_control) {
        return Err(Error::invalid("confirmation number", "letters, digits and punctuation only, on one line"));
    }
    Ok((on, confirmation))
}

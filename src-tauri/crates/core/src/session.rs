//! A dosing session and the rules for starting one.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One route vocabulary for the whole app: the templates' own.
pub use holdspace_monitoring::Route;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Open,
    Ended,
    /// Ended and signed: locked; only addenda can be added.
    Signed,
}

impl SessionState {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Open => "open",
            SessionState::Ended => "ended",
            SessionState::Signed => "signed",
        }
    }
}

/// What the start form sends.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewSession {
    /// A short code, never the client's name (the record travels to the chart).
    pub client_code: String,
    pub therapist: String,
    pub route: Route,
    pub protocol: String,
    #[serde(default)]
    pub intention: String,
}

pub const CLIENT_CODE_MAX: usize = 16;
pub const NAME_MAX: usize = 80;
pub const INTENTION_MAX: usize = 2_000;

impl NewSession {
    /// Trims the fields and checks them; the error names the field.
    pub fn validated(mut self) -> Result<NewSession> {
        self.client_code = self.client_code.trim().to_string();
        self.therapist = self.therapist.trim().to_string();
        self.protocol = self.protocol.trim().to_string();
        self.intention = self.intention.trim().to_string();
        if self.client_code.is_empty() {
            return Err(Error::invalid("client code", "enter the client's code"));
        }
        if self.client_code.chars().count() > CLIENT_CODE_MAX {
            return Err(Error::invalid(
                "client code",
                format!("use a short code of at most {CLIENT_CODE_MAX} characters, not a name"),
            ));
        }
        if !self.client_code.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            return Err(Error::invalid(
                "client code",
                "use letters, digits, '-' or '_' only (a code, not a name)",
            ));
        }
        if self.therapist.is_empty() {
            return Err(Error::invalid("therapist", "enter who is monitoring the session"));
        }
        if self.therapist.chars().count() > NAME_MAX {
            return Err(Error::invalid("therapist", format!("at most {NAME_MAX} characters")));
        }
        if self.protocol.is_empty() {
            return Err(Error::invalid("protocol", "choose a protocol"));
        }
        if self.intention.chars().count() > INTENTION_MAX {
            return Err(Error::invalid("intention", format!("at most {INTENTION_MAX} characters")));
        }
        Ok(self)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Session {
    #[ts(type = "number")]
    pub id: i64,
    pub client_code: String,
    pub therapist: String,
    pub route: Route,
    pub protocol: String,
    pub intention: String,
    pub created_at: DateTime<Utc>,
    pub state: SessionState,
    /// When the first dose was given; the timer counts from here.
    pub first_dose_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    /// An invented example (`holdspace demo`), never a clinical record: labelled DEMO wherever
    /// it is shown and left out of search unless asked for.
    pub demo: bool,
}

/// One row of the sessions list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SessionSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub client_code: String,
    pub protocol: String,
    pub route: Route,
    pub state: SessionState,
    pub first_dose_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// An invented example, not a clinical record.
    pub demo: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(code: &str) -> NewSession {
        NewSession {
            client_code: code.into(),
            therapist: "Dr Rowe".into(),
            route: Route::Intramuscular,
            protocol: "im-ketamine".into(),
            intention: String::new(),
        }
    }

    #[test]
    fn empty_client_code_is_refused_with_the_field_named() {
        let err = new("   ").validated().unwrap_err();
        assert_eq!(err.to_string(), "client code: enter the client's code");
    }

    #[test]
    fn a_full_name_is_refused_as_a_client_code() {
        assert!(new("Jane Margaret Doe-Smithson").validated().is_err());
        assert!(new("Jane Doe").validated().is_err());
        assert_eq!(new(" K-042 ").validated().unwrap().client_code, "K-042");
    }

    #[test]
    fn routes_round_trip_through_their_names() {
        for r in Route::ALL {
            assert_eq!(Route::parse(r.as_str()), Some(r));
        }
        assert_eq!(Route::parse("rectal"), None);
    }
}

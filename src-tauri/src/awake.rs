//! Keeps the computer awake while a session is open: the screen stays on and the system does
//! not sleep or lock. Released when the session ends or the app closes (drop). On Linux this
//! asks the desktop (org.freedesktop.ScreenSaver on the session bus) and logind (system bus)
//! through the keepawake crate; either can be missing, and then the status says so and the
//! pre-flight shows it. Nothing here can stop a session from running.

use serde::Serialize;
use std::sync::Mutex;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AwakeStatus {
    /// True while the app holds an inhibitor.
    pub held: bool,
    /// Screen blanking and lock: "inhibited", "not requested", or why not in plain words.
    pub screen: String,
    /// System sleep: "inhibited", "not requested", or why not in plain words.
    pub sleep: String,
    /// The system's own words when a request failed (D-Bus errors), for the log; never shown
    /// as the reason.
    pub detail: String,
}

const INHIBITED: &str = "inhibited";
/// What the room is told when the desktop or the system does not take the request.
const SCREEN_NOT_KEPT_ON: &str = "may blank or lock: the desktop did not take the request to keep it on";
const SLEEP_NOT_PREVENTED: &str = "may sleep: the system's power service did not take the request to keep it awake";

impl AwakeStatus {
    fn released() -> Self {
        AwakeStatus { held: false, screen: "not requested".into(), sleep: "not requested".into(), detail: String::new() }
    }

    /// Whether anything is actually being kept awake.
    pub fn any_inhibited(&self) -> bool {
        self.screen == INHIBITED || self.sleep == INHIBITED
    }

    /// One line for the pre-flight, in plain words.
    pub fn summary(&self) -> String {
        let words = |s: &str, kept: &str| if s == INHIBITED { kept.to_string() } else { s.to_string() };
        let mut line = format!("the screen {}; the computer {}", words(&self.screen, "is kept on"), words(&self.sleep, "is kept awake"));
        if !self.any_inhibited() {
            line.push_str(". Keep it awake by hand (its power settings); the timer and record are not affected");
        }
        line
    }
}

#[derive(Default)]
struct Held {
    screen: Option<keepawake::KeepAwake>,
    sleep: Option<keepawake::KeepAwake>,
}

pub struct Awake {
    held: Mutex<Held>,
    status: Mutex<AwakeStatus>,
}

impl Default for Awake {
    fn default() -> Self {
        Awake { held: Mutex::new(Held::default()), status: Mutex::new(AwakeStatus::released()) }
    }
}

fn builder() -> keepawake::Builder {
    let mut b = keepawake::Builder::default();
    b.reason("A therapy session is in progress").app_name("Holdspace").app_reverse_domain("org.holdspace.app");
    b
}

impl Awake {
    /// Takes the inhibitors if not already held. Idempotent.
    pub fn hold(&self) -> AwakeStatus {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        // The screen (session bus) and sleep (system bus) are asked for separately, so one
        // missing service does not cost the other.
        let mut details = Vec::new();
        let screen = match &held.screen {
            Some(_) => INHIBITED.to_string(),
            None => match builder().display(true).create() {
                Ok(k) => {
                    held.screen = Some(k);
                    INHIBITED.to_string()
                }
                Err(e) => {
                    details.push(format!("screen: {e}"));
                    SCREEN_NOT_KEPT_ON.to_string()
                }
            },
        };
        let sleep = match &held.sleep {
            Some(_) => INHIBITED.to_string(),
            None => match builder().idle(true).sleep(true).create() {
                Ok(k) => {
                    held.sleep = Some(k);
                    INHIBITED.to_string()
                }
                Err(e) => {
                    details.push(format!("sleep: {e}"));
                    SLEEP_NOT_PREVENTED.to_string()
                }
            },
        };
        let detail = details.join("; ");
        let status = AwakeStatus { held: held.screen.is_some() || held.sleep.is_some(), screen, sleep, detail };
        if !status.detail.is_empty() {
            crate::logfile::technical("keeping the computer awake", &status.detail);
        }
        *self.status.lock().unwrap_or_else(|p| p.into_inner()) = status.clone();
        status
    }

    /// Lets the computer sleep again (dropping the inhibitors releases them).
    pub fn release(&self) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.screen = None;
        held.sleep = None;
        *self.status.lock().unwrap_or_else(|p| p.into_inner()) = AwakeStatus::released();
    }

    pub fn status(&self) -> AwakeStatus {
        self.status.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

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
    /// Screen blanking and lock: "inhibited", or why not.
    pub screen: String,
    /// System sleep: "inhibited", or why not.
    pub sleep: String,
}

impl AwakeStatus {
    fn released() -> Self {
        AwakeStatus { held: false, screen: "not requested".into(), sleep: "not requested".into() }
    }

    /// Whether anything is actually being kept awake.
    pub fn any_inhibited(&self) -> bool {
        self.screen == "inhibited" || self.sleep == "inhibited"
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
        let screen = match &held.screen {
            Some(_) => "inhibited".to_string(),
            None => match builder().display(true).create() {
                Ok(k) => {
                    held.screen = Some(k);
                    "inhibited".to_string()
                }
                Err(e) => format!("not inhibited: {e}"),
            },
        };
        let sleep = match &held.sleep {
            Some(_) => "inhibited".to_string(),
            None => match builder().idle(true).sleep(true).create() {
                Ok(k) => {
                    held.sleep = Some(k);
                    "inhibited".to_string()
                }
                Err(e) => format!("not inhibited: {e}"),
            },
        };
        let status = AwakeStatus { held: held.screen.is_some() || held.sleep.is_some(), screen, sleep };
        if !status.any_inhibited() {
            eprintln!("holdspace: the computer may sleep during the session: {} / {}", status.screen, status.sleep);
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

//! Who may use the window now: the folder's state (new, from before encryption, encrypted),
//! the signed-in user, and whether the screen is locked. The record itself is opened once, by
//! the first sign-in, and stays open through locks (music, the timer and the record go on).

use holdspace_core::store::User;
use holdspace_core::vault::{Attempts, DbKey, Folder, Vault, PIN_TRIES};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FolderState {
    /// No record yet: the first run creates the first user.
    New,
    /// A record from before encryption: creating the first user encrypts it.
    Plaintext,
    /// An encrypted record: a user signs in.
    Encrypted,
    /// The data folder or key file cannot be used (the start-up error says why).
    Unavailable,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct UserChoice {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
}

/// What the window shows: the gate (first run, sign in), the lock, or the app.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AccessStatus {
    pub folder: FolderState,
    pub users: Vec<UserChoice>,
    pub signed_in: Option<User>,
    pub locked: bool,
    /// The signed-in user has a PIN and fewer than `PIN_TRIES` wrong ones since their passphrase.
    pub pin_allowed: bool,
    pub lock_after_min: u32,
    pub passphrase_min_chars: u32,
    pub session_open: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct FirstRun {
    pub user: User,
    /// Shown once: `a3f9-0c1d-...`.
    pub recovery_key: String,
    /// A record from before encryption was encrypted.
    pub encrypted_existing: bool,
}

pub struct Access {
    pub folder: FolderState,
    pub vault: Option<Vault>,
    /// Kept while the app runs, for re-wrapping on a passphrase change and adding users.
    pub key: Option<DbKey>,
    pub user: Option<User>,
    pub locked: bool,
    pub attempts: Attempts,
    pub pin_failures: u32,
}

impl Access {
    pub fn new(folder: Folder) -> Access {
        let (state, vault) = match folder {
            Folder::New => (FolderState::New, None),
            Folder::Plaintext => (FolderState::Plaintext, None),
            Folder::Encrypted(v) => (FolderState::Encrypted, Some(v)),
        };
        Access { folder: state, vault, key: None, user: None, locked: false, attempts: Attempts::default(), pin_failures: 0 }
    }

    pub fn unavailable() -> Access {
        Access {
            folder: FolderState::Unavailable,
            vault: None,
            key: None,
            user: None,
            locked: false,
            attempts: Attempts::default(),
            pin_failures: 0,
        }
    }

    pub fn pin_allowed(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.has_pin) && self.pin_failures < PIN_TRIES
    }

    pub fn status(&self, lock_after_min: u32, session_open: bool) -> AccessStatus {
        AccessStatus {
            folder: self.folder,
            users: self
                .vault
                .as_ref()
                .map(|v| v.users().into_iter().map(|(id, name)| UserChoice { id, name }).collect())
                .unwrap_or_default(),
            signed_in: self.user.clone(),
            locked: self.locked,
            pin_allowed: self.pin_allowed(),
            lock_after_min,
            passphrase_min_chars: holdspace_core::vault::PASSPHRASE_MIN_CHARS as u32,
            session_open,
        }
    }
}

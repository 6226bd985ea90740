//! The access audit: who signed in, locked, read, searched, exported, amended, signed, changed
//! users or passphrases, backed up, restored or verified, and when. Rows live in the store's
//! append-only `access_log`, hash-chained like the timeline (`crate::chain`).
//!
//! The audit never blocks care: `AuditTrail::record` cannot fail. An event that cannot be
//! written (storage busy, full, failing, or not open yet, as for a failed sign-in at the gate) is
//! kept in memory and written with its own time once the store takes writes again; when a write
//! failed, a gap row first says how many events were late, since when and why.

use crate::store::Store;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use ts_rs::TS;

/// What is audited. Stored as its snake_case name; a name this build does not know (from a
/// newer version) is read back as text, never dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    Lock,
    Unlock,
    ReviewOpened,
    Search,
    Export,
    Amendment,
    Addendum,
    Signature,
    UserAdded,
    UserDeactivated,
    PinChanged,
    PassphraseChanged,
    Recovery,
    SettingsChanged,
    Backup,
    Restore,
    Verify,
    /// A REMS monitoring form recorded as submitted.
    RemsFiled,
    AuditExport,
    /// Events that could not be written at the time (written late, after this row).
    AuditGap,
}

impl AuditAction {
    pub const ALL: [AuditAction; 22] = [
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::Lock,
        AuditAction::Unlock,
        AuditAction::ReviewOpened,
        AuditAction::Search,
        AuditAction::Export,
        AuditAction::Amendment,
        AuditAction::Addendum,
        AuditAction::Signature,
        AuditAction::UserAdded,
        AuditAction::UserDeactivated,
        AuditAction::PinChanged,
        AuditAction::PassphraseChanged,
        AuditAction::Recovery,
        AuditAction::SettingsChanged,
        AuditAction::Backup,
        AuditAction::Restore,
        AuditAction::Verify,
        AuditAction::RemsFiled,
        AuditAction::AuditExport,
        AuditAction::AuditGap,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::Lock => "lock",
            AuditAction::Unlock => "unlock",
            AuditAction::ReviewOpened => "review_opened",
            AuditAction::Search => "search",
            AuditAction::Export => "export",
            AuditAction::Amendment => "amendment",
            AuditAction::Addendum => "addendum",
            AuditAction::Signature => "signature",
            AuditAction::UserAdded => "user_added",
            AuditAction::UserDeactivated => "user_deactivated",
            AuditAction::PinChanged => "pin_changed",
            AuditAction::PassphraseChanged => "passphrase_changed",
            AuditAction::Recovery => "recovery",
            AuditAction::SettingsChanged => "settings_changed",
            AuditAction::Backup => "backup",
            AuditAction::Restore => "restore",
            AuditAction::Verify => "verify",
            AuditAction::RemsFiled => "rems_filed",
            AuditAction::AuditExport => "audit_export",
            AuditAction::AuditGap => "audit_gap",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// As the audit screen and its CSV name it.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SignIn => "Signed in",
            AuditAction::SignInFailed => "Sign-in failed",
            AuditAction::Lock => "Locked",
            AuditAction::Unlock => "Unlocked",
            AuditAction::ReviewOpened => "Opened a review",
            AuditAction::Search => "Searched",
            AuditAction::Export => "Exported",
            AuditAction::Amendment => "Amended",
            AuditAction::Addendum => "Added an addendum",
            AuditAction::Signature => "Signed",
            AuditAction::UserAdded => "Added a user",
            AuditAction::UserDeactivated => "Deactivated a user",
            AuditAction::PinChanged => "Changed a PIN",
            AuditAction::PassphraseChanged => "Changed a passphrase",
            AuditAction::Recovery => "Used the recovery key",
            AuditAction::SettingsChanged => "Changed a setting",
            AuditAction::Backup => "Backed up",
            AuditAction::Restore => "Restored",
            AuditAction::Verify => "Verified the record",
            AuditAction::RemsFiled => "Recorded a REMS form as submitted",
            AuditAction::AuditExport => "Exported the audit log",
            AuditAction::AuditGap => "Audit gap",
        }
    }
}

/// One event, with the time it happened (not when it reached the disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: DateTime<Utc>,
    pub user_name: String,
    pub action: AuditAction,
    pub session_id: Option<i64>,
    pub detail: String,
}

impl AuditEvent {
    pub fn new(at: DateTime<Utc>, user_name: &str, action: AuditAction, session_id: Option<i64>, detail: impl Into<String>) -> Self {
        AuditEvent { at, user_name: user_name.to_string(), action, session_id, detail: detail.into() }
    }
}

#[derive(Default)]
struct Waiting {
    events: Vec<AuditEvent>,
    /// The first failed write since the last good one: when, and why.
    failed: Option<(DateTime<Utc>, String)>,
}

/// The app's audit writer (one per app), see the module docs.
#[derive(Default)]
pub struct AuditTrail {
    waiting: Mutex<Waiting>,
}

impl AuditTrail {
    /// Writes the event, after any still waiting; keeps it when the store cannot take it.
    pub fn record(&self, store: Option<&Store>, event: AuditEvent) {
        let mut w = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        w.events.push(event);
        if let Some(store) = store {
            Self::drain(&mut w, store);
        }
    }

    /// Writes whatever waits (called when the record opens).
    pub fn flush(&self, store: &Store) {
        let mut w = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        Self::drain(&mut w, store);
    }

    /// How many events wait to be written.
    pub fn waiting(&self) -> usize {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner()).events.len()
    }

    fn drain(w: &mut Waiting, store: &Store) {
        if w.events.is_empty() {
            return;
        }
        if let Some((since, why)) = w.failed.clone() {
            let now = store.clock().now();
            let gap = AuditEvent::new(
                now,
                "Holdspace",
                AuditAction::AuditGap,
                None,
                format!(
                    "{} audit event(s) could not be written from {} until {} ({why}); they follow, each with its own time",
                    w.events.len(),
                    since.format("%Y-%m-%d %H:%M:%S UTC"),
                    now.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            );
            if let Err(e) = store.audit(&gap) {
                eprintln!("holdspace: audit: {e}");
                return;
            }
            w.failed = None;
        }
        while let Some(first) = w.events.first() {
            match store.audit(first) {
                Ok(()) => {
                    w.events.remove(0);
                }
                Err(e) => {
                    eprintln!("holdspace: audit: {e}");
                    w.failed = Some((first.at, e.to_string()));
                    return;
                }
            }
        }
    }
}

/// Which audit rows to show (all fields optional; newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AuditFilter {
    pub user_name: Option<String>,
    #[ts(type = "number | null")]
    pub session_id: Option<i64>,
    pub action: Option<AuditAction>,
    /// At most this many rows (default and cap `AUDIT_PAGE_MAX`).
    #[ts(type = "number | null")]
    pub limit: Option<i64>,
}

pub const AUDIT_PAGE_MAX: i64 = 5_000;

/// One audit row as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditRow {
    #[ts(type = "number")]
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_name: String,
    /// The stored name (`AuditAction::as_str`), kept as text so a newer build's kinds still show.
    pub action: String,
    pub label: String,
    #[ts(type = "number | null")]
    pub session_id: Option<i64>,
    pub detail: String,
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;

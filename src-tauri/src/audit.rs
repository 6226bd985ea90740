//! The window's side of the audit (`holdspace_core::audit`): each audited action is recorded
//! in the signed-in user's name through the app's one `AuditTrail`, which never fails: an event
//! the record cannot take yet (a failed sign-in at the gate, storage busy or full) waits and is
//! written when it can be.

use crate::state::{app_clock, AppState};
use holdspace_core::audit::{AuditAction, AuditEvent};
use holdspace_core::Clock;

/// Records an action by `user_name`.
pub fn record_by(state: &AppState, user_name: &str, action: AuditAction, session_id: Option<i64>, detail: impl Into<String>) {
    let store = state.ready_any().ok().map(|r| &*r.store);
    state.audit.record(store, AuditEvent::new(app_clock().now(), user_name, action, session_id, detail));
}

/// Records an action by whoever is signed in.
pub fn record(state: &AppState, action: AuditAction, session_id: Option<i64>, detail: impl Into<String>) {
    let name = state.access().user.as_ref().map(|u| u.name.clone()).unwrap_or_else(|| "(nobody signed in)".into());
    record_by(state, &name, action, session_id, detail);
}

/// What an export's audit row says: format, where, size and SHA-256 of the file written.
pub fn file_detail(what: &str, path: &std::path::Path) -> String {
    match holdspace_core::files::size_and_sha256(path) {
        Ok((size, sha)) => format!("{what} to {} ({size} bytes, SHA-256 {sha})", path.display()),
        Err(e) => format!("{what} to {} (the file could not be read back: {e})", path.display()),
    }
}

//! Preparation practices on the timeline: a practice used during a session is logged when it
//! starts and when it ends (the stages it went through as detail).

use crate::error::CmdResult;
use crate::state::AppState;
use holdspace_core::{Entry, EntryBody, Error, PracticeAction};
use tauri::State;

/// Checks what the UI sends and builds the timeline entry's body.
pub fn practice_body(practice: &str, action: PracticeAction, detail: &str) -> Result<EntryBody, Error> {
    let practice = practice.trim();
    if practice.is_empty() || practice.chars().count() > 80 {
        return Err(Error::invalid("practice", "name the practice (at most 80 characters)"));
    }
    if detail.chars().count() > 2000 {
        return Err(Error::invalid("detail", "the detail is longer than 2,000 characters"));
    }
    Ok(EntryBody::Practice { practice: practice.to_string(), action, detail: detail.trim().to_string() })
}

#[tauri::command(async)]
pub fn log_practice(
    state: State<'_, AppState>,
    session_id: i64,
    practice: String,
    action: PracticeAction,
    detail: String,
    key: Option<String>,
) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let body = practice_body(&practice, action, &detail)?;
    Ok(ready.save_one(session_id, key, holdspace_core::store::WriteOp::Append { body })?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use holdspace_core::{NewSession, Route, Store, SystemClock};
    use std::sync::Arc;

    #[test]
    fn practice_entries_are_checked_and_appended() {
        assert!(practice_body("", PracticeAction::Started, "").is_err());
        assert!(serde_json::from_str::<PracticeAction>("\"exploded\"").is_err(), "only started or ended cross IPC");
        assert!(practice_body("Three-Sense Immersion", PracticeAction::Ended, &"x".repeat(2001)).is_err());

        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(&tmp.path().join("h.sqlite3"), Arc::new(SystemClock)).unwrap();
        let (session, _) = store
            .start_session(NewSession {
                client_code: "K-1".into(),
                therapist: "Dr Rowe".into(),
                route: Route::Sublingual,
                protocol: "sublingual-lozenge".into(),
                intention: String::new(),
            })
            .unwrap();
        let body = practice_body(" Three-Sense Immersion ", PracticeAction::Started, "").unwrap();
        let e = store.append(session.id, body).unwrap();
        assert_eq!(
            e.body,
            EntryBody::Practice { practice: "Three-Sense Immersion".into(), action: PracticeAction::Started, detail: String::new() }
        );
        let body = practice_body("Three-Sense Immersion", PracticeAction::Ended, "completed · Breath and body 1:00").unwrap();
        assert_eq!(store.append(session.id, body).unwrap().seq, e.seq + 1);
    }
}

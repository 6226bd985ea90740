use crate::awake::AwakeStatus;
use crate::error::{CmdResult, IpcError};
use holdspace_core::outbox::PendingEntry;
use holdspace_core::store::WriteOp;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use holdspace_core::{DoseInput, Entry, NewSession, Session, SessionSummary};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// A session with its whole timeline, and the app clock's time when it was read.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionView {
    pub session: Session,
    pub entries: Vec<Entry>,
    pub now: DateTime<Utc>,
}

fn view(state: &AppState, id: i64) -> CmdResult<SessionView> {
    let ready = state.ready()?;
    Ok(SessionView {
        session: ready.store.session(id)?,
        entries: ready.store.entries(id)?,
        now: ready.now(),
    })
}

#[tauri::command(async)]
pub fn list_sessions(state: State<'_, AppState>) -> CmdResult<Vec<SessionSummary>> {
    Ok(state.ready()?.store.list_sessions()?)
}

/// The open session, if one is running: how the app resumes after a restart or a crash.
#[tauri::command(async)]
pub fn current_session(state: State<'_, AppState>) -> CmdResult<Option<SessionView>> {
    match state.ready()?.store.open_session()? {
        Some(s) => Ok(Some(view(&state, s.id)?)),
        None => Ok(None),
    }
}

#[tauri::command(async)]
pub fn get_session(state: State<'_, AppState>, session_id: i64) -> CmdResult<SessionView> {
    view(&state, session_id)
}

/// Starts a session. Nothing of the last one's music carries over: no playlist stays loaded
/// and nothing plays (the pre-flight chooses the playlist, and this session's record says which).
#[tauri::command(async)]
pub fn start_session(app: tauri::AppHandle, state: State<'_, AppState>, mut new_session: NewSession) -> CmdResult<SessionView> {
    let ready = state.ready()?;
    // The therapist of the session is whoever is signed in.
    new_session.therapist = crate::commands::access::signed_in(&state)?.name;
    let name = match new_session.protocol.trim() {
        "" => String::new(),
        id => ready.template(id)?.name.clone(),
    };
    let (session, _) = ready.store.start_session_named(new_session, &name)?;
    if let Some(m) = state.music.get() {
        match m.reset_for_new_session() {
            Ok(true) => crate::commands::music::loaded_changed(&app),
            Ok(false) => {}
            Err(e) => crate::logfile::technical("the music could not be reset for the new session", &e.to_string()),
        }
    }
    state.awake.hold();
    // The start form offers this therapist next time. Not being able to remember it is no
    // reason to stop a session that has started: it is only logged.
    if let Err(e) = state.update_preferences(|p| p.remember_therapist(&session.therapist)) {
        eprintln!("holdspace: the therapist could not be remembered: {e}");
    }
    view(&state, session.id)
}

#[tauri::command(async)]
pub fn record_dose(state: State<'_, AppState>, session_id: i64, dose: DoseInput, key: Option<String>) -> CmdResult<Entry> {
    Ok(state.ready()?.save_one(session_id, key, WriteOp::Dose { input: dose })?)
}

/// Saves a note; `theme` marks it as a theme to take into integration work. `key` is the
/// window's name for this note: sent again (Enter pressed twice, a retry), it is saved once.
#[tauri::command(async)]
pub fn add_note(state: State<'_, AppState>, session_id: i64, text: String, theme: bool, key: Option<String>) -> CmdResult<Entry> {
    Ok(state.ready()?.save_one(session_id, key, WriteOp::Note { text, theme })?)
}

/// Entries kept because storage could not take them yet, oldest first.
#[tauri::command(async)]
pub fn pending_writes(state: State<'_, AppState>) -> CmdResult<Vec<PendingEntry>> {
    Ok(state.ready()?.outbox.pending())
}

/// Ends the session through the protocol's discharge gate. With reminders open this fails with
/// kind `discharge_blocked` unless `override_reason` is given; the override is then logged.
#[tauri::command(async)]
pub fn end_session(state: State<'_, AppState>, session_id: i64, override_reason: Option<String>) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let session = ready.store.session(session_id)?;
    let waiting = ready.outbox.pending_for(session_id);
    if waiting > 0 {
        // Ending first would leave them nowhere to go: an ended session takes no live entries.
        return Err(IpcError::new(
            holdspace_core::ErrorKind::NotSavedYet,
            format!(
                "{waiting} {} not saved yet; the session can end once {} saved (it happens by itself when storage works again)",
                if waiting == 1 { "entry is" } else { "entries are" },
                if waiting == 1 { "it is" } else { "they are" }
            ),
        ));
    }
    let reason = override_reason.as_deref();
    // Music playing now fades out with the session, and the record says so before its end.
    let music = state.music.get();
    let closing = music.and_then(|m| m.session_end_entry());
    let ended = match ready.catalog.get(&session.protocol) {
        Some(t) => ready.store.end_session_gated_with(session_id, t, reason, closing)?,
        // A template removed since the start: nothing to gate on; the reason is still kept.
        None => ready.store.end_session_with(session_id, reason.unwrap_or(""), closing, Vec::new())?,
    };
    if let Some(m) = music {
        if let Err(e) = m.fade_out() {
            crate::logfile::technical("the music could not be faded out at the end of the session", &e.to_string());
        }
    }
    state.sync_awake();
    crate::backups::request("the session ended");
    Ok(ended)
}

/// Whether the computer is being kept awake, and why not when it is not.
#[tauri::command]
pub fn keep_awake_status(state: State<'_, AppState>) -> AwakeStatus {
    state.awake.status()
}

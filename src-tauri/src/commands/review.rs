//! After the session: the sessions list, search, the review report, amendments, signing,
//! addenda, integration notes, exports and the demo session. Each command translates its
//! arguments and calls core or the export crate.

use crate::error::{CmdResult, IpcError};
use crate::state::AppState;
use holdspace_core::monitoring::Template;
use holdspace_core::store::{IntegrationNote, NewIntegrationNote, ReviewFilter, ReviewRow, SearchHit};
use holdspace_core::{Entry, ErrorKind, Store};
use holdspace_export::report::TimelineItem;
use holdspace_export::{Format, ReviewView, TimelinePage, TimelineQuery};
use std::path::{Path, PathBuf};
use tauri::State;
use crate::audit::record;
use holdspace_core::audit::{AuditAction, AuditFilter, AuditRow};

/// At most this many search hits are returned.
pub const SEARCH_LIMIT: usize = 200;

/// An export error as `{kind, message}`: export problems the user can fix are `invalid`
/// (format, folder) or `io` (writing), the rest keep their core kind.
pub fn export_error(e: holdspace_export::Error) -> IpcError {
    use holdspace_export::Error as E;
    let kind = match &e {
        E::Core(core) => core.kind(),
        E::UnknownFormat(_) | E::NoFolder(_) | E::NamesExhausted(_) => ErrorKind::Invalid,
        E::Write { .. } | E::Io(_) => ErrorKind::Io,
        _ => ErrorKind::Storage,
    };
    IpcError::new(kind, e.to_string())
}

/// The folder an export goes to: an absolute path to an existing folder.
pub fn export_folder(out_dir: &str) -> CmdResult<PathBuf> {
    let trimmed = out_dir.trim();
    if trimmed.is_empty() {
        return Err(IpcError::new(ErrorKind::Invalid, "choose a folder to export to"));
    }
    let path = PathBuf::from(trimmed);
    if !path.is_absolute() {
        return Err(IpcError::new(
            ErrorKind::Invalid,
            format!("{trimmed} is not a full path: give the whole path of the folder, e.g. /home/you/Documents"),
        ));
    }
    if !path.is_dir() {
        return Err(IpcError::new(
            ErrorKind::Invalid,
            format!("the folder {} does not exist or is not a folder; choose an existing folder", path.display()),
        ));
    }
    Ok(path)
}

/// Writes one export of a session; shared by the command and `holdspace export`.
pub fn export_to(store: &Store, template: Option<&Template>, session_id: i64, format: Format, out_dir: &Path) -> CmdResult<PathBuf> {
    holdspace_export::export(store, template, session_id, format, out_dir).map_err(export_error)
}

#[tauri::command(async)]
pub fn review_list(state: State<'_, AppState>, filter: ReviewFilter) -> CmdResult<Vec<ReviewRow>> {
    Ok(state.ready()?.store.review_list(&filter)?)
}

#[tauri::command(async)]
pub fn search_entries(state: State<'_, AppState>, query: String, include_demo: bool) -> CmdResult<Vec<SearchHit>> {
    let store = &state.ready()?.store;
    // The words searched for are audited: they stay in the encrypted record.
    record(&state, AuditAction::Search, None, format!("{query:?}{}", if include_demo { " (with demo sessions)" } else { "" }));
    // Demo sessions are invented examples: searched only when asked for.
    Ok(if include_demo { store.search_with_demo(&query, SEARCH_LIMIT)? } else { store.search(&query, SEARCH_LIMIT)? })
}

/// The review of a session: summary, chart and the first page of the timeline (around
/// `around_seq` when the review opens at an entry). `opened`: the user opened it (audited),
/// rather than the screen reloading after an amendment.
#[tauri::command(async)]
pub fn get_review(state: State<'_, AppState>, session_id: i64, around_seq: Option<i64>, opened: bool) -> CmdResult<ReviewView> {
    let ready = state.ready()?;
    let session = ready.store.session(session_id)?;
    if opened {
        record(&state, AuditAction::ReviewOpened, Some(session_id), session.client_code.clone());
    }
    let template = ready.catalog.get(&session.protocol);
    ReviewView::build(&ready.store, template, session_id, around_seq).map_err(export_error)
}

/// A further page of a session's timeline: from an offset, or around one entry.
#[tauri::command(async)]
pub fn get_timeline_page(state: State<'_, AppState>, session_id: i64, query: TimelineQuery) -> CmdResult<TimelinePage> {
    holdspace_export::timeline_page(&state.ready()?.store, session_id, &query).map_err(export_error)
}

/// One entry of a session's timeline (`null` when the session has no such entry).
#[tauri::command(async)]
pub fn get_timeline_item(state: State<'_, AppState>, session_id: i64, seq: i64) -> CmdResult<Option<TimelineItem>> {
    holdspace_export::timeline_item(&state.ready()?.store, session_id, seq).map_err(export_error)
}

/// Recomputes one session's hash chain for the review screen: intact (with its head) or the
/// first entry that no longer matches. Async: it runs on a worker thread, never the window's.
#[tauri::command(async)]
pub fn verify_session(state: State<'_, AppState>, session_id: i64) -> CmdResult<holdspace_core::chain::ChainCheck> {
    let mut checks = state.ready()?.store.verify_chains(Some(session_id))?;
    checks.pop().ok_or_else(|| IpcError::new(ErrorKind::NotFound, format!("session {session_id} is not in the record")))
}

#[tauri::command(async)]
pub fn amend_entry(
    state: State<'_, AppState>,
    session_id: i64,
    amends_seq: i64,
    reason: String,
    correction: String,
) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let me = crate::commands::access::signed_in(&state)?;
    let entry = ready.store.amend(session_id, amends_seq, &reason, &correction, &me.name)?;
    record(&state, AuditAction::Amendment, Some(session_id), format!("entry {amends_seq} amended (entry {}): {}", entry.seq, reason.trim()));
    Ok(entry)
}

/// Signs as the signed-in user, who types their passphrase again. What the review lists as
/// open is recorded in the signature; with anything open, `open_reason` is required.
#[tauri::command(async)]
pub fn sign_session(
    state: State<'_, AppState>,
    session_id: i64,
    passphrase: String,
    statement: String,
    open_reason: Option<String>,
) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let session = ready.store.session(session_id)?;
    let report = holdspace_export::SessionReport::build(&ready.store, ready.catalog.get(&session.protocol), session_id).map_err(export_error)?;
    let open = report.summary.open_items;
    if !open.is_empty() && open_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(IpcError::new(ErrorKind::Invalid, format!("reason: {} listed as open: say why you sign with {} open", open.len(), if open.len() == 1 { "it" } else { "them" })));
    }
    let me = crate::commands::access::verify_signer(&state, &passphrase)?;
    let entry = ready.store.sign_with_open_items(session_id, &me.name, &statement, open, open_reason.as_deref())?;
    record(&state, AuditAction::Signature, Some(session_id), format!("signed (entry {})", entry.seq));
    crate::backups::request("the session was signed");
    Ok(entry)
}

#[tauri::command(async)]
pub fn add_addendum(state: State<'_, AppState>, session_id: i64, text: String) -> CmdResult<Entry> {
    let ready = state.ready()?;
    let me = crate::commands::access::signed_in(&state)?;
    let entry = ready.store.add_addendum(session_id, &text, &me.name)?;
    record(&state, AuditAction::Addendum, Some(session_id), format!("entry {}", entry.seq));
    Ok(entry)
}

#[tauri::command(async)]
pub fn add_integration_note(
    state: State<'_, AppState>,
    session_id: i64,
    note: NewIntegrationNote,
) -> CmdResult<IntegrationNote> {
    Ok(state.ready()?.store.add_integration_note(session_id, note)?)
}

/// Writes the export and returns its path. Async, so the PDF is drawn on a worker thread and
/// never on the window's main thread.
#[tauri::command]
pub async fn export_session(
    state: State<'_, AppState>,
    session_id: i64,
    format: Format,
    out_dir: String,
) -> CmdResult<String> {
    let ready = state.ready()?;
    let me = crate::commands::access::signed_in(&state)?;
    let folder = export_folder(&out_dir)?;
    let session = ready.store.session(session_id)?;
    let path = export_to(&ready.store, ready.catalog.get(&session.protocol), session_id, format, &folder)?;
    let detail = crate::audit::file_detail(&format.as_str().to_uppercase(), &path);
    crate::audit::record_by(&state, &me.name, AuditAction::Export, Some(session_id), detail);
    Ok(path.display().to_string())
}

/// The audit log, for a clinical director: newest first, filtered by user, session and kind.
#[tauri::command(async)]
pub fn audit_log(state: State<'_, AppState>, filter: AuditFilter) -> CmdResult<Vec<AuditRow>> {
    crate::commands::access::require_director(&state)?;
    Ok(state.ready()?.store.audit_log(&filter)?)
}

/// Writes the filtered audit log as CSV to a new file in `out_dir` (never overwriting) and
/// returns its path; the export is itself audited.
#[tauri::command(async)]
pub fn export_audit(state: State<'_, AppState>, filter: AuditFilter, out_dir: String) -> CmdResult<String> {
    let me = crate::commands::access::require_director(&state)?;
    let folder = export_folder(&out_dir)?;
    let mut rows = state.ready()?.store.audit_log_all(&filter)?;
    rows.reverse();
    let bytes = holdspace_export::audit_csv_bytes(&rows).map_err(export_error)?;
    let stem = format!("holdspace-audit-{}", holdspace_core::Clock::now(&*crate::state::app_clock()).format("%Y%m%d-%H%M%S"));
    let path = holdspace_core::files::write_new_in(&folder, &stem, "csv", &bytes).map_err(|e| {
        IpcError::new(ErrorKind::Io, format!("The audit log could not be written to {}: {e}", folder.display()))
    })?;
    let detail = crate::audit::file_detail(&format!("CSV of {} rows", rows.len()), &path);
    crate::audit::record_by(&state, &me.name, AuditAction::AuditExport, None, detail);
    Ok(path.display().to_string())
}

/// A folder to suggest for exports: the user's documents folder, else their home folder.
#[tauri::command]
pub fn default_export_folder() -> Option<String> {
    dirs::document_dir().or_else(dirs::home_dir).map(|p| p.display().to_string())
}

/// Opens the system's folder chooser over the window, starting at `start` when that is a
/// folder; returns the chosen folder, or `null` when the user cancels. The chooser runs here,
/// not in the webview, which gets only the path back.
#[tauri::command]
pub async fn choose_export_folder(app: tauri::AppHandle, start: Option<String>) -> CmdResult<Option<String>> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let mut chooser = app.dialog().file().set_title("Export to which folder?");
    if let Some(dir) = start.as_deref().map(str::trim).filter(|s| Path::new(s).is_dir()) {
        chooser = chooser.set_directory(dir);
    }
    if let Some(window) = app.get_webview_window("main") {
        chooser = chooser.set_parent(&window);
    }
    // An async command runs off the main thread, where the blocking call may wait.
    let Some(picked) = chooser.blocking_pick_folder() else { return Ok(None) };
    let path = picked
        .into_path()
        .map_err(|e| IpcError::new(ErrorKind::Invalid, format!("the chosen folder is not a local folder: {e}")))?;
    Ok(Some(path.display().to_string()))
}

/// Adds the demo session (`holdspace demo`) and returns its id.
#[tauri::command]
pub async fn add_demo_session(state: State<'_, AppState>) -> CmdResult<i64> {
    let ready = state.ready()?;
    holdspace_export::add_demo_session_to(&ready.store, holdspace_export::default_demo_start())
        .map_err(export_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_folder_wants_an_existing_absolute_folder() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(export_folder(&format!("  {}  ", tmp.path().display())).unwrap(), tmp.path());
        for bad in ["", "   ", "relative/folder", "/no/such/folder/anywhere"] {
            assert_eq!(export_folder(bad).unwrap_err().kind, ErrorKind::Invalid, "{bad:?}");
        }
        let file = tmp.path().join("a-file");
        std::fs::write(&file, "x").unwrap();
        let err = export_folder(&file.display().to_string()).unwrap_err();
        assert!(err.message.contains("not a folder"), "{}", err.message);
    }

    #[test]
    fn export_errors_keep_a_kind_the_ui_can_switch_on() {
        let store = Store::open_in_memory(std::sync::Arc::new(holdspace_core::SystemClock)).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let unknown_format = export_error("docx".parse::<Format>().unwrap_err());
        assert_eq!(unknown_format.kind, ErrorKind::Invalid);
        assert!(unknown_format.message.contains("pdf, csv, json, m3u8"), "{}", unknown_format.message);
        let unknown_session = export_to(&store, None, 99, Format::Csv, tmp.path()).unwrap_err();
        assert_eq!(unknown_session.kind, ErrorKind::NotFound);
        assert!(unknown_session.message.contains("99"), "{}", unknown_session.message);
    }
}

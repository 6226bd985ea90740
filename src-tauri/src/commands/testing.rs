//! Compiled only with the `e2e` feature: a normal build has no way to move its clock.

use crate::error::CmdResult;
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use tauri::{Emitter, State};

#[tauri::command(async)]
pub fn advance_clock(app: tauri::AppHandle, state: State<'_, AppState>, minutes: u32) -> CmdResult<DateTime<Utc>> {
    let ready = state.ready()?;
    ready.clock.advance(Duration::minutes(i64::from(minutes)));
    // The window keeps its own copy of the clock and the monitor feed sleeps by it: both are told.
    crate::live::FEED.clock_moved();
    let _ = app.emit(crate::events::name::CLOCK_CHANGED, ready.now());
    Ok(ready.now())
}

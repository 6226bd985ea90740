//! Compiled only with the `e2e` feature: a normal build has no way to move its clock.

use crate::error::CmdResult;
use crate::state::AppState;
use chrono::{DateTime, Duration, Utc};
use tauri::State;

#[tauri::command(async)]
pub fn advance_clock(state: State<'_, AppState>, minutes: u32) -> CmdResult<DateTime<Utc>> {
    let ready = state.ready()?;
    ready.clock.advance(Duration::minutes(i64::from(minutes)));
    Ok(ready.now())
}

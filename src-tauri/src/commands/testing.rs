//! Compiled only with the `e2e` feature: a normal build has no way to move its clock.

use crate::error::CmdResult;
use chrono::{DateTime, Duration, Utc};
use holdspace_core::Clock;
use tauri::Emitter;

#[tauri::command(async)]
pub fn advance_clock(app: tauri::AppHandle, minutes: u32) -> CmdResult<DateTime<Utc>> {
    // The app's one clock: it moves before sign-in and while the screen is locked too.
    let clock = crate::state::app_clock();
    clock.advance(Duration::minutes(i64::from(minutes)));
    // The window keeps its own copy of the clock and the monitor feed sleeps by it: both are told.
    crate::live::FEED.clock_moved();
    let _ = app.emit(crate::events::name::CLOCK_CHANGED, clock.now());
    Ok(clock.now())
}

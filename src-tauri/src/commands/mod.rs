//! Tauri commands: each translates its arguments, calls core, and returns what the store
//! returned. One file per domain.

pub mod app;
pub mod monitoring;
pub mod music;
pub mod review;
pub mod session;
#[cfg(feature = "e2e")]
pub mod testing;

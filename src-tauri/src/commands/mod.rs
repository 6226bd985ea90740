//! Tauri commands: each translates its arguments, calls core, and returns what the store
//! returned. One file per domain.

pub mod access;
pub mod app;
pub mod backup;
pub mod billing;
pub mod clinic;
pub mod library;
pub mod monitoring;
pub mod music;
pub mod practice;
pub mod rems;
pub mod review;
pub mod session;
#[cfg(feature = "e2e")]
pub mod testing;

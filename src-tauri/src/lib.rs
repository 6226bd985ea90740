//! The Holdspace desktop app: a thin Tauri shell over `holdspace-core`.

pub mod access;
pub mod app;
pub mod audit;
pub mod awake;
pub mod backups;
pub mod check;
#[cfg(test)]
mod bindings;
#[cfg(test)]
mod command_list;
pub mod cli;
pub mod cli_access;
pub mod cli_backup;
pub mod commands;
pub mod error;
pub mod events;
pub mod live;
pub mod logfile;
pub mod state;

//! End-to-end tests of the real app. Run by `make test` under Xvfb and a D-Bus session.

mod foundation;
mod monitoring;
mod room;
mod review;
mod music;
mod practice;
mod library;
mod network;
mod keyboard;
mod storage;
mod push;
mod soak;
mod whats_open;
mod checks;
mod music_end;
mod plain_errors;
mod screens;
mod access;
mod audit;
mod chain;
mod backup;
mod installed;
mod first_run;

//! Holdspace domain core: sessions, their append-only timelines, the injected clock and the
//! SQLite store. Nothing here knows about Tauri, a window or an audio device, so every rule is
//! tested with plain `cargo test`.

pub mod audit;
pub mod billing;
pub mod chain;
pub mod backup;
pub mod clinic;
pub mod clock;
pub mod describe;
pub mod entry;
pub mod error;
pub mod files;
pub mod monitor;
pub mod outbox;
pub mod risks;
pub mod preferences;
pub mod rems;
pub mod session;
pub mod store;
pub mod vault;

pub use clock::{Clock, FakeClock, OffsetClock, SystemClock};
pub use entry::{DoseInput, Entry, EntryBody, MusicAction, MusicEvent, PracticeAction, PreflightCheck};
pub use holdspace_monitoring as monitoring;
pub use error::{Error, ErrorKind};
pub use session::{NewSession, Route, Session, SessionState, SessionSummary};
pub use store::Store;

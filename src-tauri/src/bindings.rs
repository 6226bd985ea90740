//! The TypeScript types of the IPC seam are generated from these Rust types into
//! `ui/src/lib/bindings/` and committed. This test fails when they are stale; run
//! `make bindings` (UPDATE_BINDINGS=1 cargo test -p holdspace bindings) to regenerate.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ts_rs::TS;

fn export_all(dir: &Path) {
    use crate::commands::{app::AppInfo, monitoring::ProtocolDetails, session::SessionView};
    use holdspace_core::monitor::MonitorView;
    use holdspace_core::monitoring::{ChecklistAction, TemplateInfo, Vitals};
    use holdspace_core::store::{IntegrationNote, NewIntegrationNote, SearchHit};
    use crate::error::IpcError;
    use holdspace_core::{DoseInput, NewSession, SessionSummary};
    // i64 ids and milliseconds stay well inside 2^53: plain numbers, not bigint, in TypeScript.
    let cfg = ts_rs::Config::new().with_large_int("number").with_out_dir(dir);
    macro_rules! export {
        ($($t:ty),* $(,)?) => { $( <$t as TS>::export_all(&cfg).unwrap(); )* };
    }
    export!(AppInfo, SessionView, IpcError, DoseInput, NewSession, SessionSummary);
    export!(ProtocolDetails, MonitorView, ChecklistAction, TemplateInfo, Vitals);
    export!(IntegrationNote, NewIntegrationNote, SearchHit);
    export!(holdspace_export::ReviewView, holdspace_export::TimelineQuery, holdspace_export::TimelinePage, holdspace_core::store::ReviewFilter, holdspace_core::store::ReviewRow);
    export!(crate::awake::AwakeStatus, holdspace_export::Format, holdspace_core::PracticeAction);
    export!(crate::commands::music::MusicControl, crate::commands::music::MusicState, holdspace_music::PlaylistInfo);
    export!(crate::events::MusicEventPayload, crate::events::MonitorChangedPayload, holdspace_music::Settings);
    export!(holdspace_audio::PlayPosition);
    export!(crate::access::AccessStatus, crate::access::FirstRun, holdspace_core::store::User, holdspace_core::store::NewUser);
    // The event names, as one constant object (ts-rs exports types, not values).
    std::fs::write(dir.join("events.ts"), crate::events::name::typescript()).unwrap();
    export!(holdspace_core::clinic::ClinicProfile, crate::commands::billing::BillingView, crate::commands::backup::BackupView);
    export!(crate::commands::rems::RemsView, holdspace_core::rems::NewFiling, holdspace_core::store::FilingDue);
    export!(holdspace_core::audit::AuditFilter, holdspace_core::audit::AuditRow, holdspace_core::audit::AuditAction);
    export!(holdspace_core::chain::ChainCheck, holdspace_core::chain::AccessLogCheck);
    export!(holdspace_core::outbox::PendingEntry, crate::events::EntriesSavedPayload, crate::events::SaveFailedPayload);
    // Numbers the UI must agree with, from the Rust constants themselves.
    let limits = format!(
        "// Generated from Rust by src-tauri/src/bindings.rs. Do not edit.\n\n\
         /** The most timeline entries one page request may ask for (store::SLICE_MAX). */\n\
         export const PAGE_MAX = {};\n",
        holdspace_core::store::SLICE_MAX
    );
    std::fs::write(dir.join("limits.ts"), limits).unwrap();
    std::fs::write(dir.join("labels.ts"), labels_typescript()).unwrap();
    use holdspace_music::library as lib;
    export!(lib::PlaylistDetails, lib::LoudnessProgress, lib::LoudnessFinished, crate::commands::library::LibraryProtocols, lib::ImportResult);
}

/// The words a clinician uses for routes and measurements, from the one place they live in
/// Rust (`Route::label`, `MeasurementKind::label`), so screen, timeline and chart agree.
fn labels_typescript() -> String {
    use holdspace_core::monitoring::{MeasurementKind, Route};
    use holdspace_core::store::Role;
    let map = |pairs: Vec<(&str, &str)>| -> String {
        pairs.iter().map(|(k, v)| format!("  {k}: {},\n", serde_json::Value::from(*v))).collect()
    };
    format!(
        "// Generated from Rust by src-tauri/src/bindings.rs. Do not edit.\n\n\
         import type {{ MeasurementKind }} from './MeasurementKind';\n\
         import type {{ Role }} from './Role';\n\
         import type {{ Route }} from './Route';\n\n\
         /** What a clinician calls each route (Route::label). */\n\
         export const ROUTE_LABELS: Record<Route, string> = {{\n{}}};\n\n\
         /** What a clinician calls each measurement a check asks for (MeasurementKind::label). */\n\
         export const MEASURE_LABELS: Record<MeasurementKind, string> = {{\n{}}};\n\n\
         /** The roles of the clinic's users (Role::label). */\n\
         export const ROLE_LABELS: Record<Role, string> = {{\n{}}};\n",
        map(Route::ALL.iter().map(|r| (r.as_str(), r.label())).collect()),
        map(MeasurementKind::ALL.iter().map(|m| (m.as_str(), m.label())).collect()),
        map(Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect()),
    )
}

fn read_dir(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "ts") {
            out.insert(PathBuf::from(entry.file_name()), std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
    out
}

#[test]
fn bindings_are_fresh() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings");
    let tmp = tempfile::tempdir().unwrap();
    export_all(tmp.path());
    let generated = read_dir(tmp.path());
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
        for (name, text) in &generated {
            std::fs::write(committed.join(name), text).unwrap();
        }
        return;
    }
    let existing = read_dir(&committed);
    let stale: Vec<_> = generated
        .iter()
        .filter(|(name, text)| existing.get(*name) != Some(text))
        .map(|(name, _)| name.display().to_string())
        .chain(existing.keys().filter(|n| !generated.contains_key(*n)).map(|n| format!("{} (no longer generated)", n.display())))
        .collect();
    assert!(stale.is_empty(), "TypeScript bindings are stale: {stale:?}. Run `make bindings` and commit.");
}

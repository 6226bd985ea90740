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
    // The event names, as one constant object (ts-rs exports types, not values).
    std::fs::write(dir.join("events.ts"), crate::events::name::typescript()).unwrap();
    export!(holdspace_core::outbox::PendingEntry, crate::events::EntriesSavedPayload, crate::events::SaveFailedPayload);
    // Numbers the UI must agree with, from the Rust constants themselves.
    let limits = format!(
        "// Generated from Rust by src-tauri/src/bindings.rs. Do not edit.\n\n\
         /** The most timeline entries one page request may ask for (store::SLICE_MAX). */\n\
         export const PAGE_MAX = {};\n",
        holdspace_core::store::SLICE_MAX
    );
    std::fs::write(dir.join("limits.ts"), limits).unwrap();
    // The clinician's word for each measurement, so the window says "MOAA/S" as the record does.
    use holdspace_core::monitoring::MeasurementKind;
    let labels: Vec<String> = MeasurementKind::ALL.iter().map(|k| format!("  {}: {:?},", k.as_str(), k.label())).collect();
    let measurements = format!(
        "// Generated from Rust by src-tauri/src/bindings.rs. Do not edit.\n\n\
         import type {{ MeasurementKind }} from './MeasurementKind';\n\n\
         /** What a clinician calls each measurement (MeasurementKind::label). */\n\
         export const MEASUREMENT_LABELS: Record<MeasurementKind, string> = {{\n{}\n}};\n",
        labels.join("\n")
    );
    std::fs::write(dir.join("measurements.ts"), measurements).unwrap();
    use holdspace_music::library as lib;
    export!(lib::PlaylistDetails, lib::LoudnessProgress, lib::LoudnessFinished, crate::commands::library::LibraryProtocols, lib::ImportResult);
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

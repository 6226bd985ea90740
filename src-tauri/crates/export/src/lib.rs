//! Holdspace after the session: the review report (summary, REMS-form terms, timeline) and the
//! exports a clinic files in the chart: PDF, CSV, JSON and M3U8. Also the demo session and the
//! benchmark database generator. Plain Rust, no Tauri.
//!
//! Export files hold health information: they are created readable by the user only (0600)
//! and never overwrite an existing file.

mod audit_csv;
mod csv_export;
pub mod demo;
mod error;
mod fhir;
mod files;
mod json_export;
mod m3u;
mod open_items;
mod pdf;
mod seal;
pub mod report;
pub mod review;

pub use audit_csv::{audit_csv_bytes, AUDIT_CSV_COLUMNS};
pub use csv_export::{csv_bytes, CSV_COLUMNS};
pub use demo::{add_demo_session, add_demo_session_at, add_demo_session_to, default_demo_start, DEMO_CLIENT_CODE};
pub use holdspace_core::describe::{describe, t_plus};
pub use error::{Error, Result};
pub use fhir::{fhir_bundle, fhir_bytes, CLIENT_CODE_SYSTEM};
pub use json_export::{json_bytes, JsonExport, JSON_FORMAT_VERSION};
pub use m3u::m3u8_text;
pub use pdf::pdf_bytes;
pub use seal::Seal;
pub use report::SessionReport;
pub use review::{timeline_item, timeline_page, ReviewView, TimelinePage, TimelineQuery};

use holdspace_core::Store;
use holdspace_monitoring::Template;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The export formats of `holdspace export --format` and the review screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Pdf,
    Csv,
    Json,
    M3u8,
    /// A FHIR R4 collection Bundle (`.fhir.json`).
    Fhir,
    /// The esketamine REMS Patient Monitoring Form, field by field, as a PDF (`.rems.pdf`).
    Rems,
}

impl Format {
    pub const ALL: [Format; 6] = [Format::Pdf, Format::Csv, Format::Json, Format::M3u8, Format::Fhir, Format::Rems];

    /// The name used on the command line, which is also the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::M3u8 => "m3u8",
            Format::Fhir => "fhir",
            Format::Rems => "rems",
        }
    }

    /// The file extension (`.fhir.json`, so a JSON tool opens it and the name says what it is).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Fhir => "fhir.json",
            Format::Rems => "rems.pdf",
            other => other.as_str(),
        }
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Format> {
        let wanted = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == wanted)
            .ok_or_else(|| Error::UnknownFormat(s.to_string()))
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Exports one session in `format` to a new file in `out_dir` (which must exist) and returns
/// the path written. The file is created with mode 0600; an existing file is never replaced:
/// a numeric suffix is added instead.
pub fn export(
    store: &Store,
    template: Option<&Template>,
    session_id: i64,
    format: Format,
    out_dir: &Path,
) -> Result<PathBuf> {
    let report = SessionReport::build(store, template, session_id)?;
    let seal = Seal::read(store, session_id)?;
    // The store's clock, not the system's: the export's time is the app's time (and a test's).
    export_report(&report, &seal, template, format, out_dir, store.clock().now())
}

/// As [`export`], from a report already built, stamped `exported_at`.
pub fn export_report(
    report: &SessionReport,
    seal: &Seal,
    template: Option<&Template>,
    format: Format,
    out_dir: &Path,
    exported_at: DateTime<Utc>,
) -> Result<PathBuf> {
    let bytes = match format {
        Format::Pdf => pdf_bytes(report, seal, template, exported_at)?,
        Format::Csv => csv_bytes(report, seal)?,
        Format::Json => json_bytes(report, seal, exported_at)?,
        Format::M3u8 => m3u8_text(report).into_bytes(),
        Format::Fhir => fhir_bytes(report, seal, exported_at)?,
        Format::Rems => pdf::rems_form_pdf(report, seal, exported_at)?,
    };
    files::write_new(out_dir, &files::file_stem(report), format.extension(), &bytes)
}

/// The built-in template with this id (e.g. the session's `protocol`), if there is one. The
/// shell should prefer its own catalog, which includes the clinic's templates.
pub fn builtin_template(id: &str) -> Option<Template> {
    holdspace_monitoring::builtin_templates().0.into_iter().find(|t| t.id == id)
}

//! The timeline as CSV (one row per entry), written with the `csv` crate. Columns are
//! documented in the crate README.

use crate::error::{Error, Result};
use crate::report::SessionReport;
use crate::seal::Seal;
use chrono::SecondsFormat;
use holdspace_core::EntryBody;

/// The header row, in order.
pub const CSV_COLUMNS: [&str; 10] =
    ["session_id", "seq", "at_utc", "elapsed_ms", "t_plus", "author", "kind", "text", "amends_seq", "data_json"];

/// The CSV file's bytes: UTF-8, a header row, RFC 4180 quoting (fields with commas, quotes or
/// line breaks are quoted; quotes doubled), `\n` line ends. After the entries, two rows with
/// no `seq`: kind `chain_head` (text: the hex head) and kind `verification` (text: "verified",
/// or "not verified: <what>").
pub fn csv_bytes(report: &SessionReport, seal: &Seal) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(CSV_COLUMNS)?;
    for item in &report.timeline {
        let e = &item.entry;
        let amends = match &e.body {
            EntryBody::Amendment { amends_seq, .. } => amends_seq.to_string(),
            _ => String::new(),
        };
        let data = serde_json::to_string(&e.body)?;
        w.write_record([
            e.session_id.to_string(),
            e.seq.to_string(),
            e.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            e.elapsed_ms.map(|m| m.to_string()).unwrap_or_default(),
            item.t_plus.clone().unwrap_or_default(),
            e.author.clone(),
            e.body.kind().to_string(),
            item.text.clone(),
            amends,
            data,
        ])?;
    }
    let id = report.session.id.to_string();
    for (kind, text) in [("chain_head", &seal.chain_head), ("verification", &seal.verification)] {
        w.write_record([id.as_str(), "", "", "", "", "", kind, text.as_str(), "", ""])?;
    }
    w.into_inner().map_err(|e| Error::Io(e.into_error()))
}

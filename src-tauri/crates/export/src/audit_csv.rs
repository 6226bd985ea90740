//! The audit log as CSV, for the clinical director's export, written with the `csv` crate.

use crate::error::{Error, Result};
use chrono::SecondsFormat;
use holdspace_core::audit::AuditRow;

pub const AUDIT_CSV_COLUMNS: [&str; 7] = ["id", "at_utc", "user", "action", "action_label", "session_id", "detail"];

/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula: such text
/// (a search query, a file name) is written with a leading apostrophe, shown as typed.
fn defused(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// UTF-8, a header row, RFC 4180 quoting, `\n` line ends; oldest first as given.
pub fn audit_csv_bytes(rows: &[AuditRow]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(AUDIT_CSV_COLUMNS)?;
    for r in rows {
        w.write_record([
            r.id.to_string(),
            r.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            defused(&r.user_name),
            r.action.clone(),
            r.label.clone(),
            r.session_id.map(|s| s.to_string()).unwrap_or_default(),
            defused(&r.detail),
        ])?;
    }
    w.into_inner().map_err(|e| Error::Io(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rows_are_quoted_and_formulas_defused() {
        let row = AuditRow {
            id: 3,
            at: chrono::Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap(),
            user_name: "Dr Rowe".into(),
            action: "search".into(),
            label: "Searched".into(),
            session_id: None,
            detail: "=HYPERLINK(\"x\"), grief".into(),
        };
        let text = String::from_utf8(audit_csv_bytes(&[row]).unwrap()).unwrap();
        assert_eq!(
            text,
            "id,at_utc,user,action,action_label,session_id,detail\n3,2026-12-02T09:30:00.000Z,Dr Rowe,search,Searched,,\"'=HYPERLINK(\"\"x\"\"), grief\"\n"
        );
    }
}

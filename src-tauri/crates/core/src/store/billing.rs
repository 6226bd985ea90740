//! A session's billing codes in the store (`crate::billing` has the checks).

use super::rows::load_session;
use super::Store;
use crate::billing::BillingCodes;
use crate::error::{Error, Result};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

impl Store {
    /// Saves the session's codes (checked) as the newest version, in `by`'s name.
    pub fn save_billing_codes(&self, session_id: i64, codes: BillingCodes, by: &str) -> Result<BillingCodes> {
        let codes = codes.validated()?;
        let json = serde_json::to_string(&codes).map_err(|e| Error::invalid("billing codes", e.to_string()))?;
        let now = self.clock.now();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        load_session(&tx, session_id)?;
        tx.execute(
            "INSERT INTO billing_codes (session_id, saved_ms, saved_by, codes) VALUES (?1, ?2, ?3, ?4)",
            params![session_id, now.timestamp_millis(), by, json],
        )?;
        tx.commit()?;
        Ok(codes)
    }

    /// The session's newest codes (empty when none were saved).
    pub fn billing_codes(&self, session_id: i64) -> Result<BillingCodes> {
        let json: Option<String> = self
            .conn()
            .query_row("SELECT codes FROM billing_codes WHERE session_id = ?1 ORDER BY id DESC LIMIT 1", [session_id], |r| r.get(0))
            .optional()?;
        match json {
            None => Ok(BillingCodes::default()),
            Some(j) => serde_json::from_str(&j).map_err(|e| Error::Corrupt { path: self.path.clone(), detail: format!("the saved billing codes cannot be read: {e}") }),
        }
    }

    /// Total esketamine given in a session, in mg (`None` when none was recorded in mg).
    pub fn esketamine_mg(&self, session_id: i64) -> Result<Option<f64>> {
        let total: Option<f64> = self.conn().query_row(
            "SELECT SUM(json_extract(body, '$.amount')) FROM entries
             WHERE session_id = ?1 AND kind = 'dose' AND lower(json_extract(body, '$.substance')) = 'esketamine'
               AND lower(json_extract(body, '$.unit')) = 'mg'",
            [session_id],
            |r| r.get(0),
        )?;
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FakeClock;
    use crate::entry::DoseInput;
    use crate::session::{NewSession, Route};
    use std::sync::Arc;

    #[test]
    fn codes_are_kept_per_session_and_checked_against_the_recorded_dose() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(&tmp.path().join(crate::store::DB_FILE), Arc::new(FakeClock::at_nine())).unwrap();
        let (s, _) = store
            .start_session(NewSession { client_code: "E-4".into(), therapist: "Dr Rowe".into(), route: Route::Intranasal, protocol: "esketamine-rems".into(), intention: String::new() })
            .unwrap();
        for _ in 0..3 {
            store.record_dose(s.id, DoseInput { substance: "esketamine".into(), amount: 28.0, unit: "mg".into(), route: Route::Intranasal, lot: String::new(), minutes_ago: None }).unwrap();
        }
        assert_eq!(store.esketamine_mg(s.id).unwrap(), Some(84.0), "three devices of 28 mg");
        assert_eq!(store.billing_codes(s.id).unwrap(), BillingCodes::default());
        let saved = store.save_billing_codes(s.id, BillingCodes { diagnosis: "f33.2".into(), procedures: vec!["g2082".into()] }, "Dr Rowe").unwrap();
        assert_eq!(saved.problems(store.esketamine_mg(s.id).unwrap()), ["G2082 is for 56 mg of esketamine, but 84 mg is recorded"]);
        store.save_billing_codes(s.id, BillingCodes { diagnosis: "F33.2".into(), procedures: vec!["G2083".into(), "J0013".into()] }, "Dr Rowe").unwrap();
        let now = store.billing_codes(s.id).unwrap();
        assert_eq!(now.procedures, ["G2083", "J0013"]);
        assert!(now.problems(store.esketamine_mg(s.id).unwrap()).is_empty());
        assert!(store.save_billing_codes(99, BillingCodes::default(), "Dr Rowe").is_err());
        assert!(store.conn().execute("DELETE FROM billing_codes", []).is_err());
    }
}

//! The clinic profile in the store (`crate::clinic` has what it holds and its checks).

use super::Store;
use crate::clinic::ClinicProfile;
use crate::error::{Error, Result};
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Saves the profile (checked) as the newest version, in `by`'s name.
    pub fn save_clinic_profile(&self, profile: ClinicProfile, by: &str) -> Result<ClinicProfile> {
        let profile = profile.validated()?;
        let json = serde_json::to_string(&profile).map_err(|e| Error::invalid("clinic profile", e.to_string()))?;
        self.conn().execute(
            "INSERT INTO clinic_profiles (saved_ms, saved_by, profile) VALUES (?1, ?2, ?3)",
            params![self.clock.now().timestamp_millis(), by, json],
        )?;
        Ok(profile)
    }

    /// The newest saved profile; the empty one when none was saved.
    pub fn clinic_profile(&self) -> Result<ClinicProfile> {
        let json: Option<String> = self
            .conn()
            .query_row("SELECT profile FROM clinic_profiles ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
            .optional()?;
        match json {
            None => Ok(ClinicProfile::default()),
            Some(j) => serde_json::from_str(&j).map_err(|e| Error::Corrupt { path: self.path.clone(), detail: format!("the saved clinic profile cannot be read: {e}") }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clinic::ClinicPerson;
    use crate::clock::FakeClock;
    use std::sync::Arc;

    #[test]
    fn the_newest_profile_counts_and_a_bad_one_saves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(&tmp.path().join(crate::store::DB_FILE), Arc::new(FakeClock::at_nine())).unwrap();
        assert!(store.clinic_profile().unwrap().is_empty());
        let first = ClinicProfile { setting_name: "Riverside Clinic".into(), ..ClinicProfile::default() };
        store.save_clinic_profile(first, "Dr Ada Lane").unwrap();
        let bad = ClinicProfile {
            setting_name: "Riverside".into(),
            people: vec![ClinicPerson { name: "Sam".into(), email: "sam".into(), ..ClinicPerson::default() }],
            ..ClinicProfile::default()
        };
        assert!(store.save_clinic_profile(bad, "Dr Ada Lane").is_err());
        assert_eq!(store.clinic_profile().unwrap().setting_name, "Riverside Clinic");
        let second = ClinicProfile { setting_name: "Riverside Clinic".into(), phone: "+1 555 010 2030".into(), ..ClinicProfile::default() };
        store.save_clinic_profile(second.clone(), "Dr Ada Lane").unwrap();
        assert_eq!(store.clinic_profile().unwrap(), second);
        assert!(store.conn().execute("UPDATE clinic_profiles SET saved_by = 'x'", []).is_err());
    }
}

//! The clinic's profile: the setting (name, address, phone) and the prescribers and clinicians
//! with their phone and e-mail, as the REMS monitoring form and the chart ask for them. Edited
//! by a clinical director in Settings, stored in the record, printed in every export.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ClinicRole {
    Prescriber,
    Clinician,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ClinicPerson {
    pub name: String,
    pub role: Option<ClinicRole>,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ClinicProfile {
    pub setting_name: String,
    pub address: String,
    pub phone: String,
    pub people: Vec<ClinicPerson>,
}

const TEXT_MAX: usize = 200;
pub const PEOPLE_MAX: usize = 50;

/// A phone number as people write them: digits with spaces, `+`, `-`, `.`, `(`, `)`, and 7 to
/// 15 digits (E.164's longest), or nothing.
pub fn phone_problem(phone: &str) -> Option<String> {
    let p = phone.trim();
    if p.is_empty() {
        return None;
    }
    if let Some(c) = p.chars().find(|c| !(c.is_ascii_digit() || " +-.()".contains(*c))) {
        return Some(format!("\"{p}\" has \"{c}\": use digits, spaces and + - . ( ) only"));
    }
    let digits = p.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return Some(format!("\"{p}\" has {digits} digits: a phone number has 7 to 15"));
    }
    if p[1..].contains('+') {
        return Some(format!("\"{p}\": a + only goes first"));
    }
    None
}

/// An e-mail address: one `@`, something before it, a domain with a dot after it, no spaces;
/// or nothing. (Deliverability cannot be checked here: the app has no network.)
pub fn email_problem(email: &str) -> Option<String> {
    let e = email.trim();
    if e.is_empty() {
        return None;
    }
    let bad = || Some(format!("\"{e}\" is not an e-mail address (like name@clinic.org)"));
    if e.chars().any(|c| c.is_whitespace() || c.is_control()) || e.matches('@').count() != 1 {
        return bad();
    }
    let (local, domain) = e.split_once('@')?;
    let labels: Vec<&str> = domain.split('.').collect();
    if local.is_empty() || labels.len() < 2 || labels.iter().any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-')) {
        return bad();
    }
    None
}

fn text(field: &'static str, v: &str) -> Result<String> {
    let v = v.trim();
    if v.chars().count() > TEXT_MAX {
        return Err(Error::invalid(field, format!("at most {TEXT_MAX} characters")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(field, "no control characters"));
    }
    Ok(v.to_string())
}

impl ClinicProfile {
    /// Trims every field and checks it; the error names the field (and the person, by place
    /// and name).
    pub fn validated(self) -> Result<ClinicProfile> {
        let mut out = ClinicProfile {
            setting_name: text("setting name", &self.setting_name)?,
            address: text("address", &self.address)?,
            phone: text("phone", &self.phone)?,
            people: Vec::new(),
        };
        if let Some(why) = phone_problem(&out.phone) {
            return Err(Error::invalid("phone", why));
        }
        if self.people.len() > PEOPLE_MAX {
            return Err(Error::invalid("people", format!("at most {PEOPLE_MAX}")));
        }
        for (i, p) in self.people.into_iter().enumerate() {
            let n = i + 1;
            let name = text("name", &p.name)?;
            if name.is_empty() {
                return Err(Error::invalid("name", format!("person {n} has no name")));
            }
            let phone = text("phone", &p.phone)?;
            if let Some(why) = phone_problem(&phone) {
                return Err(Error::invalid("phone", format!("{name} (person {n}): {why}")));
            }
            let email = text("e-mail", &p.email)?;
            if let Some(why) = email_problem(&email) {
                return Err(Error::invalid("e-mail", format!("{name} (person {n}): {why}")));
            }
            out.people.push(ClinicPerson { name, role: p.role, phone, email });
        }
        Ok(out)
    }

    pub fn is_empty(&self) -> bool {
        self.setting_name.is_empty() && self.address.is_empty() && self.phone.is_empty() && self.people.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_emails_as_people_write_them_pass_and_malformed_ones_are_named() {
        for ok in ["+44 20 7946 0958", "(555) 010-2030", "555.010.2030", ""] {
            assert_eq!(phone_problem(ok), None, "{ok}");
        }
        assert_eq!(phone_problem("555-CALL-NOW").as_deref(), Some("\"555-CALL-NOW\" has \"C\": use digits, spaces and + - . ( ) only"));
        assert_eq!(phone_problem("12 34").as_deref(), Some("\"12 34\" has 4 digits: a phone number has 7 to 15"));
        assert_eq!(phone_problem("020+7946 0958").as_deref(), Some("\"020+7946 0958\": a + only goes first"));
        for ok in ["ada@clinic.org", "a.b+rems@mail.clinic.co.uk", ""] {
            assert_eq!(email_problem(ok), None, "{ok}");
        }
        for bad in ["ada", "ada@clinic", "ada@@clinic.org", "@clinic.org", "ada @clinic.org", "ada@-x.org", "ada@clinic..org"] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn a_profile_is_trimmed_and_a_bad_field_is_named_with_the_person() {
        let p = ClinicProfile {
            setting_name: " Riverside Clinic ".into(),
            address: "1 River Rd".into(),
            phone: "+1 555 010 2030".into(),
            people: vec![ClinicPerson { name: " Dr Ada Lane ".into(), role: Some(ClinicRole::Prescriber), phone: String::new(), email: "ada@riverside.org".into() }],
        };
        let v = p.clone().validated().unwrap();
        assert_eq!((v.setting_name.as_str(), v.people[0].name.as_str()), ("Riverside Clinic", "Dr Ada Lane"));
        let mut bad = p.clone();
        bad.people[0].email = "ada@riverside".into();
        assert_eq!(bad.validated().unwrap_err().to_string(), "e-mail: Dr Ada Lane (person 1): \"ada@riverside\" is not an e-mail address (like name@clinic.org)");
        let mut bad = p;
        bad.phone = "call us".into();
        assert!(bad.validated().unwrap_err().to_string().starts_with("phone: \"call us\" has \"c\""));
    }
}

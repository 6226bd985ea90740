//! Billing facts a session's record must carry for the clinic's claim: the diagnosis code and
//! the HCPCS/CPT codes the clinic uses (e.g. G2082 / G2083 for esketamine observation, J0013
//! for the drug from 2026). Data the clinic fills, not advice: the app only checks the codes'
//! shapes and that the esketamine dose matches the observation code chosen.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct BillingCodes {
    /// ICD-10-CM, e.g. F33.2.
    pub diagnosis: String,
    /// HCPCS Level II (letter and four digits, e.g. G2082) or CPT (five characters, e.g. 99215).
    pub procedures: Vec<String>,
}

pub const PROCEDURES_MAX: usize = 12;

/// Esketamine observation codes and the dose each is billed for (mg, the session's total).
pub const ESKETAMINE_CODES: [(&str, f64); 2] = [("G2082", 56.0), ("G2083", 84.0)];

fn icd10_ok(c: &str) -> bool {
    let b = c.as_bytes();
    let head = b.len() >= 3 && b[0].is_ascii_uppercase() && b[1].is_ascii_digit() && (b[2].is_ascii_digit() || b[2].is_ascii_uppercase());
    let tail = match c.get(3..) {
        Some("") => true,
        Some(rest) => rest.starts_with('.') && (2..=5).contains(&rest.len()) && rest[1..].bytes().all(|x| x.is_ascii_digit() || x.is_ascii_uppercase()),
        None => false,
    };
    head && tail
}

fn procedure_ok(c: &str) -> bool {
    let b = c.as_bytes();
    b.len() == 5
        && ((b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit))
            || (b[..4].iter().all(u8::is_ascii_digit) && (b[4].is_ascii_digit() || b[4].is_ascii_uppercase())))
}

impl BillingCodes {
    /// Upper-cased, trimmed, each code's shape checked; the error names the field and code.
    pub fn validated(self) -> Result<BillingCodes> {
        let diagnosis = self.diagnosis.trim().to_ascii_uppercase();
        if !diagnosis.is_empty() && !icd10_ok(&diagnosis) {
            return Err(Error::invalid("diagnosis code", format!("\"{diagnosis}\" is not an ICD-10-CM code (a letter, two characters, then an optional . and up to 4 more, e.g. F33.2)")));
        }
        let mut procedures = Vec::new();
        for c in self.procedures {
            let c = c.trim().to_ascii_uppercase();
            if c.is_empty() || procedures.contains(&c) {
                continue;
            }
            if !procedure_ok(&c) {
                return Err(Error::invalid("procedure codes", format!("\"{c}\" is not a HCPCS code (a letter and 4 digits, e.g. G2082) or a CPT code (5 characters, e.g. 99215)")));
            }
            procedures.push(c);
        }
        if procedures.len() > PROCEDURES_MAX {
            return Err(Error::invalid("procedure codes", format!("at most {PROCEDURES_MAX}")));
        }
        Ok(BillingCodes { diagnosis, procedures })
    }

    /// What does not agree between the codes and the esketamine given (mg in total, `None`
    /// when no esketamine dose was recorded), for the reviewer to see before signing.
    pub fn problems(&self, esketamine_mg: Option<f64>) -> Vec<String> {
        let chosen: Vec<(&str, f64)> = ESKETAMINE_CODES.iter().copied().filter(|(c, _)| self.procedures.iter().any(|p| p == c)).collect();
        let mut out = Vec::new();
        if chosen.len() > 1 {
            out.push("both G2082 (56 mg) and G2083 (84 mg) are chosen: one session is billed with one of them".to_string());
        }
        for (code, mg) in &chosen {
            match esketamine_mg {
                None => out.push(format!("{code} is for {mg} mg of esketamine, but no esketamine dose is recorded")),
                Some(given) if (given - mg).abs() > 0.01 => {
                    out.push(format!("{code} is for {mg} mg of esketamine, but {given} mg is recorded"))
                }
                _ => {}
            }
        }
        if chosen.is_empty() {
            if let Some(given) = esketamine_mg {
                if let Some((code, _)) = ESKETAMINE_CODES.iter().find(|(_, mg)| (given - mg).abs() <= 0.01) {
                    if !self.procedures.is_empty() {
                        out.push(format!("{given} mg of esketamine is recorded: its observation code ({code}) is not among the codes"));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(d: &str, p: &[&str]) -> BillingCodes {
        BillingCodes { diagnosis: d.into(), procedures: p.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn codes_are_normalised_and_malformed_ones_named() {
        let v = codes(" f33.2 ", &["g2082", "J0013", "g2082", ""]).validated().unwrap();
        assert_eq!(v, codes("F33.2", &["G2082", "J0013"]));
        assert!(codes("F32", &["99215"]).validated().is_ok());
        assert_eq!(
            codes("33.2", &[]).validated().unwrap_err().to_string(),
            "diagnosis code: \"33.2\" is not an ICD-10-CM code (a letter, two characters, then an optional . and up to 4 more, e.g. F33.2)"
        );
        assert!(codes("", &["G208"]).validated().unwrap_err().to_string().starts_with("procedure codes: \"G208\""));
    }

    #[test]
    fn the_dose_must_match_the_observation_code() {
        assert!(codes("", &["G2082", "J0013"]).problems(Some(56.0)).is_empty());
        assert!(codes("", &["G2083"]).problems(Some(84.0)).is_empty());
        assert_eq!(codes("", &["G2082"]).problems(Some(84.0)), ["G2082 is for 56 mg of esketamine, but 84 mg is recorded"]);
        assert_eq!(codes("", &["G2083"]).problems(None), ["G2083 is for 84 mg of esketamine, but no esketamine dose is recorded"]);
        assert_eq!(codes("", &["G2082", "G2083"]).problems(Some(56.0)).len(), 2);
        assert_eq!(codes("", &["J0013"]).problems(Some(84.0)), ["84 mg of esketamine is recorded: its observation code (G2083) is not among the codes"]);
        assert!(codes("", &[]).problems(Some(84.0)).is_empty(), "no codes entered yet: nothing to compare");
    }
}

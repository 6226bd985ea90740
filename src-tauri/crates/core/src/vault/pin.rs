//! A short PIN to unlock the screen when the app is already open (the passphrase opens the
//! record; the PIN only lifts the lock). Stored as an Argon2id hash inside the encrypted database.

use crate::error::{Error, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Wrong PINs in a row before only the passphrase unlocks.
pub const PIN_TRIES: u32 = 3;

pub fn validate_pin(pin: &str) -> Result<()> {
    let n = pin.chars().count();
    if !(4..=12).contains(&n) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid("PIN", "use 4 to 12 digits"));
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    // OWASP's minimum for Argon2id (19 MiB, 2 passes): the PIN is only tried while the record
    // is already open, and only a few times.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_pin(pin: &str) -> Result<String> {
    validate_pin(pin)?;
    let mut salt = [0u8; 16];
    super::secret::fill_random(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Unavailable { message: format!("cannot store the PIN ({e})") })?;
    hasher()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Unavailable { message: format!("cannot store the PIN ({e})") })
}

pub fn pin_matches(hash: &str, pin: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => hasher().verify_password(pin.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_digits_and_only_the_same_digits_match() {
        assert!(validate_pin("12a4").is_err());
        assert!(validate_pin("123").is_err());
        let h = hash_pin("4711").unwrap();
        assert!(!h.contains("4711"));
        assert!(pin_matches(&h, "4711"));
        assert!(!pin_matches(&h, "4712"));
        assert!(!pin_matches("not a hash", "4711"));
    }
}

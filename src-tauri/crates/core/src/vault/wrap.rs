//! Wrapping the database key: a key derived from a secret with Argon2id encrypts it with
//! XChaCha20-Poly1305. The associated data binds each wrap to its database and its holder, so a
//! wrap copied from another key file, or moved to another user, does not open.

use super::secret::{fill_random, wipe, DbKey};
use crate::error::{Error, Result};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// Argon2id's cost, stored with every wrap so it can be raised later without breaking old files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// RFC 9106's second recommended setting (64 MiB, 3 passes): 165 ms per unlock on this
    /// 2-core machine in a release build (`holdspace-bench` measures it), and 64 MiB a guess
    /// makes guessing on a GPU expensive.
    pub const DEFAULT: KdfParams = KdfParams { memory_kib: 64 * 1024, iterations: 3, parallelism: 1 };
    /// Refused above these when read from a file: an edited key file must not make unlocking
    /// take hours or all the memory.
    const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    const MAX_ITERATIONS: u32 = 64;

    fn argon2(&self) -> Result<Argon2<'static>> {
        if self.memory_kib > Self::MAX_MEMORY_KIB || self.iterations > Self::MAX_ITERATIONS || self.parallelism > 16 {
            return Err(damaged("its key-derivation settings are outside what Holdspace writes"));
        }
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
            .map_err(|e| damaged(&format!("its key-derivation settings are invalid ({e})")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// One wrapped copy of the database key, as stored in the key file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wrapped {
    pub kdf: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub ciphertext: String,
}

pub(crate) fn wrap(key: &DbKey, secret: &[u8], aad: &str, kdf: KdfParams) -> Result<Wrapped> {
    let mut salt = [0u8; 16];
    fill_random(&mut salt)?;
    let mut nonce = [0u8; 24];
    fill_random(&mut nonce)?;
    let kek = derive(secret, &salt, kdf)?;
    let cipher = XChaCha20Poly1305::new(kek[..].into());
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &key.bytes()[..], aad: aad.as_bytes() })
        .map_err(|_| Error::Unavailable { message: "the database key could not be wrapped".into() })?;
    Ok(Wrapped { kdf, salt: B64.encode(salt), nonce: B64.encode(nonce), ciphertext: B64.encode(ciphertext) })
}

/// `Ok(None)` when the secret is wrong (or the wrap was altered: the two look the same).
pub(crate) fn unwrap(w: &Wrapped, secret: &[u8], aad: &str) -> Result<Option<DbKey>> {
    let salt = decode(&w.salt, "salt")?;
    let nonce = decode(&w.nonce, "nonce")?;
    let ciphertext = decode(&w.ciphertext, "ciphertext")?;
    if nonce.len() != 24 || salt.len() < 8 {
        return Err(damaged("a wrapped key has a salt or nonce of the wrong length"));
    }
    let kek = derive(secret, &salt, w.kdf)?;
    let cipher = XChaCha20Poly1305::new(kek[..].into());
    match cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &ciphertext, aad: aad.as_bytes() }) {
        Ok(plain) => {
            let plain = Zeroizing::new(plain);
            DbKey::from_bytes(&plain).map(Some).ok_or_else(|| damaged("a wrapped key is not 32 bytes"))
        }
        Err(_) => Ok(None),
    }
}

const SEAL_PURPOSE: &[u8] = b"holdspace key-file seal v1";

/// A tag over `text` made with a key derived from the database key: once unlocked, it shows whether
/// anything else in the key file (names, holders, settings) was edited.
pub(crate) fn seal(key: &DbKey, text: &str) -> Result<(String, String)> {
    let mut nonce = [0u8; 24];
    fill_random(&mut nonce)?;
    let cipher = XChaCha20Poly1305::new(key.subkey(SEAL_PURPOSE).bytes().into());
    let tag = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: b"", aad: text.as_bytes() })
        .map_err(|_| Error::Unavailable { message: "the key file could not be sealed".into() })?;
    Ok((B64.encode(nonce), B64.encode(tag)))
}

pub(crate) fn seal_holds(key: &DbKey, text: &str, nonce: &str, tag: &str) -> bool {
    let (Ok(nonce), Ok(tag)) = (B64.decode(nonce), B64.decode(tag)) else { return false };
    if nonce.len() != 24 {
        return false;
    }
    let cipher = XChaCha20Poly1305::new(key.subkey(SEAL_PURPOSE).bytes().into());
    cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &tag, aad: text.as_bytes() }).is_ok()
}

fn derive(secret: &[u8], salt: &[u8], kdf: KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let mut out = Zeroizing::new([0u8; 32]);
    kdf.argon2()?.hash_password_into(secret, salt, &mut out[..]).map_err(|e| {
        wipe(&mut out[..]);
        damaged(&format!("its key-derivation settings are invalid ({e})"))
    })?;
    Ok(out)
}

fn decode(s: &str, what: &str) -> Result<Vec<u8>> {
    B64.decode(s).map_err(|_| damaged(&format!("a wrapped key's {what} is not valid base64")))
}

fn damaged(detail: &str) -> Error {
    Error::KeyFile { detail: detail.to_string() }
}

#[cfg(test)]
pub(crate) const TEST_KDF: KdfParams = KdfParams { memory_kib: 64, iterations: 1, parallelism: 1 };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_right_secret_unwraps_and_a_wrong_secret_or_another_holder_does_not() {
        let key = DbKey::random().unwrap();
        let w = wrap(&key, b"correct horse battery", "db1|user:1", TEST_KDF).unwrap();
        let back = unwrap(&w, b"correct horse battery", "db1|user:1").unwrap().unwrap();
        assert_eq!(back.bytes(), key.bytes());
        assert!(unwrap(&w, b"correct horse batterz", "db1|user:1").unwrap().is_none());
        assert!(unwrap(&w, b"correct horse battery", "db1|user:2").unwrap().is_none());
        assert!(unwrap(&w, b"correct horse battery", "db2|user:1").unwrap().is_none());
    }

    #[test]
    fn an_edited_wrap_is_refused_and_absurd_settings_are_not_run() {
        let key = DbKey::random().unwrap();
        let mut w = wrap(&key, b"pass phrase 1", "a", TEST_KDF).unwrap();
        let mut ct = B64.decode(&w.ciphertext).unwrap();
        ct[3] ^= 1;
        w.ciphertext = B64.encode(ct);
        assert!(unwrap(&w, b"pass phrase 1", "a").unwrap().is_none());
        w.nonce = "!!".into();
        assert!(matches!(unwrap(&w, b"pass phrase 1", "a"), Err(Error::KeyFile { .. })));
        let mut w = wrap(&key, b"pass phrase 1", "a", TEST_KDF).unwrap();
        w.kdf.memory_kib = u32::MAX;
        assert!(matches!(unwrap(&w, b"pass phrase 1", "a"), Err(Error::KeyFile { .. })));
    }

    #[test]
    fn a_seal_shows_an_edit() {
        let key = DbKey::random().unwrap();
        let (n, t) = seal(&key, "users: A").unwrap();
        assert!(seal_holds(&key, "users: A", &n, &t));
        assert!(!seal_holds(&key, "users: B", &n, &t));
        assert!(!seal_holds(&DbKey::random().unwrap(), "users: A", &n, &t));
    }
}

//! Key material: the database key, passphrases and the recovery key. Each wipes its bytes when
//! dropped, never prints itself, and is made only from the OS's randomness or the user's input.

use crate::error::{Error, Result};
use zeroize::{Zeroize, Zeroizing};

/// Shortest passphrase accepted, in characters (NIST SP 800-63B asks at least 8 of a
/// user-chosen secret; a clinic's shared screen deserves a little more).
pub const PASSPHRASE_MIN_CHARS: usize = 10;
/// Longest, in bytes: long enough for any sentence, short enough to hash without surprise.
pub const PASSPHRASE_MAX_BYTES: usize = 4096;

/// The 256-bit key SQLCipher encrypts the database with. Random, never typed.
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    pub fn random() -> Result<DbKey> {
        let mut k = Zeroizing::new([0u8; 32]);
        fill_random(&mut k[..])?;
        Ok(DbKey(k))
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<DbKey> {
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(DbKey(Zeroizing::new(arr)))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A second copy (wiped when dropped too): for work that outlives the sign-in's borrow,
    /// such as a backup on its own thread.
    pub(crate) fn duplicate(&self) -> DbKey {
        DbKey(Zeroizing::new(*self.0))
    }

    /// A key for one purpose, derived from this one (keyed BLAKE2b-256), so the database key
    /// itself is used by SQLCipher only.
    pub fn subkey(&self, purpose: &[u8]) -> SealKey {
        use blake2::digest::{consts::U32, Mac};
        let mut out = Zeroizing::new([0u8; 32]);
        if let Ok(mut mac) = blake2::Blake2bMac::<U32>::new_from_slice(&self.0[..]) {
            mac.update(purpose);
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        SealKey(out)
    }

    /// The SQL that hands the raw key to SQLCipher (no second key derivation: the key is
    /// already random). Wiped when dropped.
    pub(crate) fn pragma(&self, schema: &str) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(96));
        s.push_str("PRAGMA ");
        s.push_str(schema);
        s.push_str(".key = \"x'");
        push_hex(&mut s, &self.0[..]);
        s.push_str("'\";");
        s
    }

    /// The same key in an `ATTACH ... KEY` clause.
    pub(crate) fn attach_literal(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(70));
        s.push_str("\"x'");
        push_hex(&mut s, &self.0[..]);
        s.push_str("'\"");
        s
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(..)")
    }
}

/// A derived key that seals small files (the journal of entries waiting to be saved, the key
/// file's seal) with XChaCha20-Poly1305.
pub struct SealKey(Zeroizing<[u8; 32]>);

/// What a sealed file starts with.
const SEALED_MAGIC: &[u8; 4] = b"HSS1";

impl SealKey {
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// `HSS1`, a random nonce, then the ciphertext of `plain`.
    pub fn seal(&self, plain: &[u8]) -> Result<Vec<u8>> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        let mut nonce = [0u8; 24];
        fill_random(&mut nonce)?;
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(self.0[..].into());
        let ct = cipher
            .encrypt(chacha20poly1305::XNonce::from_slice(&nonce), plain)
            .map_err(|_| Error::Unavailable { message: "a file could not be sealed".into() })?;
        let mut out = Vec::with_capacity(4 + 24 + ct.len());
        out.extend_from_slice(SEALED_MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// The plaintext of a sealed file, or `None` when it was not sealed with this key or was
    /// altered.
    pub fn open(&self, sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        use chacha20poly1305::aead::{Aead, KeyInit};
        if !is_sealed(sealed) || sealed.len() < 4 + 24 + 16 {
            return None;
        }
        let cipher = chacha20poly1305::XChaCha20Poly1305::new(self.0[..].into());
        cipher.decrypt(chacha20poly1305::XNonce::from_slice(&sealed[4..28]), &sealed[28..]).ok().map(Zeroizing::new)
    }
}

/// Whether bytes are a sealed file (rather than plain text from an older version).
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(SEALED_MAGIC)
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(..)")
    }
}

/// What a user typed as their passphrase.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Any passphrase, as typed, for unlocking (a wrong one simply fails).
    pub fn new(text: impl Into<String>) -> Passphrase {
        Passphrase(Zeroizing::new(text.into()))
    }

    /// A passphrase being set: long enough, not absurdly long, not blank.
    pub fn new_checked(text: impl Into<String>) -> Result<Passphrase> {
        Passphrase::new(text).checked()
    }

    /// This passphrase, if it may be set as a new one.
    pub fn checked(self) -> Result<Passphrase> {
        let p = self;
        let chars = p.0.chars().count();
        if p.0.trim().is_empty() || chars < PASSPHRASE_MIN_CHARS {
            return Err(Error::invalid(
                "passphrase",
                format!("use at least {PASSPHRASE_MIN_CHARS} characters (a few words are easier to remember than symbols)"),
            ));
        }
        if p.0.len() > PASSPHRASE_MAX_BYTES {
            return Err(Error::invalid("passphrase", format!("use at most {PASSPHRASE_MAX_BYTES} bytes")));
        }
        Ok(p)
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Reads a passphrase from a file (for scripts and tests: `HOLDSPACE_PASSPHRASE_FILE`). One
    /// trailing newline is not part of it.
    pub fn from_file(path: &std::path::Path) -> Result<Passphrase> {
        let text = crate::files::read_small(path, PASSPHRASE_MAX_BYTES as u64 + 2)
            .map_err(|e| Error::invalid("passphrase file", format!("{}: {e}", path.display())))?
            .ok_or_else(|| Error::invalid("passphrase file", format!("{}: no such file", path.display())))?;
        let mut text = Zeroizing::new(text);
        while text.ends_with('\n') || text.ends_with('\r') {
            text.pop();
        }
        Ok(Passphrase::new(std::mem::take(&mut *text)))
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

/// The recovery key: 128 random bits shown once at the first run as eight groups of four
/// hexadecimal digits, which can unwrap the database key when every passphrase is forgotten.
pub struct RecoveryKey(Zeroizing<[u8; 16]>);

impl RecoveryKey {
    pub fn random() -> Result<RecoveryKey> {
        let mut k = Zeroizing::new([0u8; 16]);
        fill_random(&mut k[..])?;
        Ok(RecoveryKey(k))
    }

    /// Reads what a person typed: case, spaces and dashes do not matter.
    pub fn parse(text: &str) -> Result<RecoveryKey> {
        let digits: Zeroizing<String> =
            Zeroizing::new(text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect());
        let bad = || {
            Error::invalid("recovery key", "a recovery key is 32 letters and digits (0-9, a-f) in eight groups of four")
        };
        if digits.len() != 32 {
            return Err(bad());
        }
        let mut k = Zeroizing::new([0u8; 16]);
        for (i, out) in k.iter_mut().enumerate() {
            *out = u8::from_str_radix(digits.get(i * 2..i * 2 + 2).ok_or_else(bad)?, 16).map_err(|_| bad())?;
        }
        Ok(RecoveryKey(k))
    }

    /// `a3f9-0c1d-...`: for the screen and the printed sheet.
    pub fn display(&self) -> Zeroizing<String> {
        let mut hex = Zeroizing::new(String::with_capacity(32));
        push_hex(&mut hex, &self.0[..]);
        let mut s = Zeroizing::new(String::with_capacity(40));
        for (i, c) in hex.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                s.push('-');
            }
            s.push(c);
        }
        s
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0[..]
    }
}

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(..)")
    }
}

pub(crate) fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| Error::Unavailable { message: format!("the system gave no random numbers ({e})") })
}

fn push_hex(s: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
}

/// Wipes a buffer of derived key bytes (for the wrap code's temporaries).
pub(crate) fn wipe(buf: &mut [u8]) {
    buf.zeroize();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrases_are_checked_when_set_and_any_length_up_to_the_limit_is_kept_whole() {
        assert!(Passphrase::new_checked("short").is_err());
        assert!(Passphrase::new_checked("          ").is_err());
        let long: String = "🌿 quiet room ".repeat(70).chars().take(1000).collect();
        let p = Passphrase::new_checked(long.clone()).unwrap();
        assert_eq!(p.as_bytes(), long.as_bytes());
        assert!(Passphrase::new_checked("x".repeat(PASSPHRASE_MAX_BYTES + 1)).is_err());
        assert_eq!(format!("{p:?}"), "Passphrase(..)");
    }

    #[test]
    fn a_recovery_key_reads_back_as_shown_whatever_the_case_and_spacing() {
        let k = RecoveryKey::random().unwrap();
        let shown = k.display();
        assert_eq!(shown.len(), 39);
        let typed = shown.to_uppercase().replace('-', " ");
        assert_eq!(RecoveryKey::parse(&typed).unwrap().as_bytes(), k.as_bytes());
        assert!(RecoveryKey::parse("1234").is_err());
        assert!(RecoveryKey::parse(&"zz".repeat(16)).is_err());
    }

    #[test]
    fn a_sealed_file_opens_only_with_its_key_and_shows_no_plaintext() {
        let key = DbKey::random().unwrap();
        let j = key.subkey(b"journal");
        let sealed = j.seal(b"client describes warmth").unwrap();
        assert!(is_sealed(&sealed));
        assert!(!sealed.windows(6).any(|w| w == b"warmth"));
        assert_eq!(&j.open(&sealed).unwrap()[..], b"client describes warmth");
        assert!(key.subkey(b"other").open(&sealed).is_none(), "another purpose's key does not open it");
        let mut bent = sealed.clone();
        let last = bent.len() - 1;
        bent[last] ^= 1;
        assert!(j.open(&bent).is_none());
        assert_ne!(key.subkey(b"a").bytes(), key.subkey(b"b").bytes());
    }

    #[test]
    fn the_key_pragma_is_a_raw_hex_key() {
        let k = DbKey::from_bytes(&[0xab; 32]).unwrap();
        let sql = k.pragma("main");
        assert!(sql.starts_with("PRAGMA main.key = \"x'abab"));
        assert!(sql.ends_with("'\";"));
        assert_eq!(format!("{k:?}"), "DbKey(..)");
    }
}

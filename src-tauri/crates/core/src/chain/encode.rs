//! The canonical encoding each hash is taken over: a domain tag, the previous hash, then every
//! field length-prefixed (integers as 8 little-endian bytes, an absent value as its own tag), so
//! no two different rows encode alike.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// The "previous hash" of the first row of a chain.
pub const GENESIS: Hash = [0; 32];

pub struct EntryFields<'a> {
    pub session_id: i64,
    pub seq: i64,
    pub at_ms: i64,
    pub elapsed_ms: Option<i64>,
    pub author: &'a str,
    pub kind: &'a str,
    /// The body exactly as stored (its JSON text).
    pub body: &'a str,
}

pub struct NoteFields<'a> {
    pub id: i64,
    pub session_id: i64,
    pub created_ms: i64,
    pub author: &'a str,
    pub text: &'a str,
    pub themes: &'a str,
    pub linked_seq: Option<i64>,
}

pub struct AccessFields<'a> {
    pub id: i64,
    pub at_ms: i64,
    pub user_name: &'a str,
    pub action: &'a str,
    pub session_id: Option<i64>,
    pub detail: &'a str,
}

struct Encoder(Sha256);

impl Encoder {
    fn new(tag: &[u8], prev: &Hash) -> Encoder {
        let mut h = Sha256::new();
        h.update(tag);
        h.update(prev);
        Encoder(h)
    }
    fn int(&mut self, v: i64) -> &mut Self {
        self.0.update([1u8]);
        self.0.update(v.to_le_bytes());
        self
    }
    fn opt(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.int(v),
            None => {
                self.0.update([0u8]);
                self
            }
        }
    }
    fn text(&mut self, s: &str) -> &mut Self {
        self.0.update([2u8]);
        self.0.update((s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }
    fn finish(&mut self) -> Hash {
        std::mem::take(&mut self.0).finalize().into()
    }
}

pub fn entry_hash(prev: &Hash, f: &EntryFields<'_>) -> Hash {
    Encoder::new(b"holdspace entry v1\0", prev)
        .int(f.session_id)
        .int(f.seq)
        .int(f.at_ms)
        .opt(f.elapsed_ms)
        .text(f.author)
        .text(f.kind)
        .text(f.body)
        .finish()
}

pub fn note_hash(prev: &Hash, f: &NoteFields<'_>) -> Hash {
    Encoder::new(b"holdspace integration note v1\0", prev)
        .int(f.id)
        .int(f.session_id)
        .int(f.created_ms)
        .text(f.author)
        .text(f.text)
        .text(f.themes)
        .opt(f.linked_seq)
        .finish()
}

pub fn access_hash(prev: &Hash, f: &AccessFields<'_>) -> Hash {
    Encoder::new(b"holdspace access v1\0", prev)
        .int(f.id)
        .int(f.at_ms)
        .text(f.user_name)
        .text(f.action)
        .opt(f.session_id)
        .text(f.detail)
        .finish()
}

pub fn to_hex(h: &[u8]) -> String {
    use std::fmt::Write;
    h.iter().fold(String::with_capacity(h.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A stored hash column: exactly 32 bytes, else it is no seal of ours.
pub(crate) fn from_blob(v: Option<Vec<u8>>) -> Option<Hash> {
    v.and_then(|b| b.try_into().ok())
}

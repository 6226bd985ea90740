/// Mutations of a valid file: each step changes bytes, lines or numbers the way hand edits,
/// bad tools and broken encodings do.
#[derive(Debug, Clone)]
pub enum Mutation {
    FlipByte(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    DuplicateLine(usize),
    DropLine(usize),
    SwapLines(usize, usize),
    Number(usize, &'static str),
    Token(usize, &'static str),
    Truncate(usize),
}

pub const NUMBERS: &[&str] = &[
    "0", "-1", "1e308", "-1e308", "1e-300", "nan", "inf", "-inf", "99999999999999999999", "0.0000001", "2147483648",
    "-2147483649", "1_000", "0x10", "1.5e", "\"12\"", "true",
];
pub const TOKENS: &[&str] = &[
    "[[phases]]", "[[phases.tracks]]", "[[checkpoints]]", "[thresholds]", "[[checklists.pre_dose]]", "=", "\"", "'''", "\"\"\"",
    "#EXTINF:", "#EXTINF:-1,", "#EXTM3U", "http://x/y.mp3", "file:///a%20b.flac", "\u{0}", "\u{1b}[2J", "\u{202e}", "\u{feff}",
    "\r", "\n", "\\", "\\u0000", "ü", "🎵", "{", "}", "[", "]", ",", "kind = \"every\"", "title = \"\"", "duration_seconds = ",
];

pub fn apply(text: &[u8], muts: &[Mutation]) -> Vec<u8> {
    let mut b = text.to_vec();
    for m in muts {
        let n = b.len().max(1);
        match m {
            Mutation::FlipByte(i, x) => {
                if !b.is_empty() {
                    let i = i % b.len();
                    b[i] ^= x | 1;
                }
            }
            Mutation::Insert(i, bytes) => {
                let i = i % (b.len() + 1);
                b.splice(i..i, bytes.iter().copied());
            }
            Mutation::Delete(i, len) => {
                let i = i % n;
                let end = (i + len % 64).min(b.len());
                if i < end {
                    b.drain(i..end);
                }
            }
            Mutation::DuplicateLine(i) | Mutation::DropLine(i) => {
                let lines: Vec<&[u8]> = b.split(|c| *c == b'\n').collect();
                let k = i % lines.len().max(1);
                let mut out: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
                if matches!(m, Mutation::DuplicateLine(_)) {
                    let l = out[k].clone();
                    out.insert(k, l);
                } else if out.len() > 1 {
                    out.remove(k);
                }
                b = out.join(&b'\n');
            }
            Mutation::SwapLines(i, j) => {
                let mut out: Vec<Vec<u8>> = b.split(|c| *c == b'\n').map(|l| l.to_vec()).collect();
                let len = out.len().max(1);
                out.swap(i % len, j % len);
                b = out.join(&b'\n');
            }
            Mutation::Number(i, v) => {
                // Replace the next run of digits after a point with a hostile number.
                let start = i % n;
                if let Some(p) = b.iter().skip(start).position(|c| c.is_ascii_digit()) {
                    let p = start + p;
                    let e = p + b[p..].iter().take_while(|c| c.is_ascii_digit() || **c == b'.').count();
                    b.splice(p..e, v.bytes());
                }
            }
            Mutation::Token(i, t) => {
                let i = i % (b.len() + 1);
                b.splice(i..i, t.bytes());
            }
            Mutation::Truncate(i) => {
                let i = i % n;
                b.truncate(i);
            }
        }
    }
    b
}

pub fn mutation() -> impl proptest::strategy::Strategy<Value = Mutation> {
    use proptest::prelude::*;
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, x)| Mutation::FlipByte(i, x)),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, l)| Mutation::Delete(i, l)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::DropLine),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Mutation::SwapLines(i, j)),
        (any::<usize>(), proptest::sample::select(NUMBERS)).prop_map(|(i, v)| Mutation::Number(i, v)),
        (any::<usize>(), proptest::sample::select(TOKENS)).prop_map(|(i, t)| Mutation::Token(i, t)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// Lines in a text (a problem's line must be one of them, or 1 for an empty file).
pub fn line_count(b: &[u8]) -> u32 {
    b.iter().filter(|c| **c == b'\n').count() as u32 + 1
}

//! Mapping TOML paths and byte offsets to line numbers for `file:line: message`.

use toml::de::{DeTable, DeValue};

/// One step into a TOML document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Seg {
    Key(&'static str),
    Idx(usize),
}

/// 1-based line of a byte offset: the one line counter for every file the app reads.
pub fn line_of(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let bytes = &text.as_bytes()[..end];
    (bytes.iter().filter(|b| **b == b'\n').count() + 1) as u32
}

/// A parsed document for span lookups (parse errors were already reported by serde).
pub(crate) struct SpanDoc<'a> {
    text: &'a str,
    root: Option<toml::Spanned<DeTable<'a>>>,
}

impl<'a> SpanDoc<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        SpanDoc { text, root: DeTable::parse(text).ok() }
    }

    /// Line of the value at `path`, or of its nearest existing ancestor; 1 if nothing matches.
    pub(crate) fn line(&self, path: &[Seg]) -> u32 {
        let Some(root) = &self.root else { return 1 };
        let mut best: Option<usize> = None;
        let mut current: Option<&DeValue<'a>> = None;
        for (i, seg) in path.iter().enumerate() {
            let next = match (i, seg, current) {
                (0, Seg::Key(k), _) => root
                    .get_ref()
                    .iter()
                    .find(|(key, _)| key.get_ref().as_ref() == *k)
                    .map(|(key, v)| (key.span().start, v)),
                (_, Seg::Key(k), Some(DeValue::Table(t))) => t
                    .iter()
                    .find(|(key, _)| key.get_ref().as_ref() == *k)
                    .map(|(key, v)| (key.span().start, v)),
                (_, Seg::Idx(n), Some(DeValue::Array(a))) => {
                    a.get(*n).map(|v| (v.span().start, v))
                }
                _ => None,
            };
            match next {
                Some((start, v)) => {
                    best = Some(start);
                    current = Some(v.get_ref());
                }
                None => break,
            }
        }
        best.map(|b| line_of(self.text, b)).unwrap_or(1)
    }
}

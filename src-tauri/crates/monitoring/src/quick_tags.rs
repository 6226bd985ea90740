//! Quick tags: single-key timeline entries for frequent observations and adverse events.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Problem;
use crate::span::{line_of, Seg, SpanDoc};

/// Keys the shell keeps for other shortcuts; a tag may not use them.
/// Keys the app's own shortcuts use (see ui/src/lib/shortcuts.ts); quick tags may not take them.
pub const RESERVED_KEYS: [&str; 16] =
    ["?", "space", "enter", "escape", "v", "c", "r", "f", "m", "n", "d", "e", "y", "s", "j", "p"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct QuickTag {
    pub id: String,
    pub label: String,
    /// One lowercase letter or digit.
    pub key: String,
    #[serde(default)]
    pub adverse_event: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TagsFile {
    quick_tags: Vec<QuickTag>,
}

const DEFAULT_TAGS: &str = include_str!("../defaults/quick_tags.toml");

/// The built-in quick tags.
pub fn default_quick_tags() -> Vec<QuickTag> {
    toml::from_str::<TagsFile>(DEFAULT_TAGS).map(|f| f.quick_tags).unwrap_or_default()
}

/// Problems with a tag list: (index of the tag, message).
pub(crate) fn tag_problems(tags: &[QuickTag]) -> Vec<(Option<usize>, String)> {
    let mut out = Vec::new();
    let mut keys: Vec<(String, usize)> = Vec::new();
    let mut ids = std::collections::HashSet::new();
    if tags.len() > 36 {
        out.push((None, format!("{} quick tags; at most 36 (one per letter or digit)", tags.len())));
    }
    for (i, t) in tags.iter().enumerate() {
        if t.id.trim().is_empty() || t.id.chars().any(char::is_whitespace) {
            out.push((Some(i), format!("quick tag id `{}` must be non-empty without spaces", t.id)));
        }
        if !ids.insert(t.id.clone()) {
            out.push((Some(i), format!("duplicate quick tag id `{}`", t.id)));
        }
        if t.label.trim().is_empty() {
            out.push((Some(i), format!("quick tag `{}` needs a label", t.id)));
        }
        let k = t.key.to_lowercase();
        let ok = k.chars().count() == 1 && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if RESERVED_KEYS.contains(&k.as_str()) || (t.key == " ") {
            out.push((Some(i), format!("quick tag `{}`: key `{}` is reserved for another shortcut (reserved: {})", t.id, t.key, RESERVED_KEYS.join(" "))));
        } else if !ok {
            out.push((Some(i), format!("quick tag `{}`: key `{}` must be a single letter or digit", t.id, t.key)));
        } else if let Some((_, j)) = keys.iter().find(|(kk, _)| *kk == k) {
            out.push((Some(i), format!("quick tag `{}`: key `{}` is already used by `{}`", t.id, t.key, tags[*j].id)));
        } else {
            keys.push((k, i));
        }
    }
    out
}

/// Validate a tag list (key collisions, reserved keys, duplicate ids).
pub fn validate_quick_tags(tags: &[QuickTag]) -> Result<(), Vec<String>> {
    let p: Vec<String> = tag_problems(tags).into_iter().map(|(_, m)| m).collect();
    if p.is_empty() {
        Ok(())
    } else {
        Err(p)
    }
}

/// Parse a `quick_tags.toml` text (`[[quick_tags]]` tables).
pub fn parse_quick_tags(text: &str, file: &str) -> Result<Vec<QuickTag>, Vec<Problem>> {
    let f: TagsFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
        vec![Problem::new(file, line, crate::source::friendly(e.message()))]
    })?;
    let doc = SpanDoc::new(text);
    let probs: Vec<Problem> = tag_problems(&f.quick_tags)
        .into_iter()
        .map(|(i, m)| {
            let line = match i {
                Some(i) => doc.line(&[Seg::Key("quick_tags"), Seg::Idx(i)]),
                None => doc.line(&[Seg::Key("quick_tags")]),
            };
            Problem::new(file, line, m)
        })
        .collect();
    if probs.is_empty() {
        Ok(f.quick_tags)
    } else {
        Err(probs)
    }
}

/// Load the clinic's `quick_tags.toml`; Ok(None) when the file does not exist.
pub fn load_quick_tags_file(path: &Path) -> Result<Option<Vec<QuickTag>>, Vec<Problem>> {
    if !path.exists() {
        return Ok(None);
    }
    let text = crate::source::read_limited(path)?;
    parse_quick_tags(&text, &path.display().to_string()).map(Some)
}


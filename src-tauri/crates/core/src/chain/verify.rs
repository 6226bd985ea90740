//! Recomputing the chains: per session its timeline and its integration notes, and the access
//! log as one chain. The first row that no longer matches is named; what follows it is counted
//! but not judged (once one link is broken, every later one is suspect anyway).

use super::encode::{access_hash, entry_hash, from_blob, note_hash, to_hex, AccessFields, EntryFields, Hash, NoteFields, GENESIS};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

/// Which record of a session a break is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChainPart {
    Timeline,
    IntegrationNotes,
    /// The session's own row (client code, therapist, signature) against its timeline.
    Session,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChainBreak {
    pub part: ChainPart,
    /// The timeline entry (or the integration note's place, 1 for the first) that no longer matches.
    #[ts(type = "number")]
    pub seq: i64,
    /// For the therapist: what does not match.
    pub what: String,
}

/// A session that was already in the file when chaining began: its hashes were computed at the
/// upgrade, so a change made before then cannot be detected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChainedLate {
    #[ts(type = "number")]
    pub from_version: i64,
    pub at: DateTime<Utc>,
    #[ts(type = "number")]
    pub entries: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChainCheck {
    #[ts(type = "number")]
    pub session_id: i64,
    pub client_code: String,
    #[ts(type = "number")]
    pub entries: i64,
    /// The stored hash of the last entry, hex ("" for a session with no entries).
    pub head: String,
    #[ts(type = "number")]
    pub integration_notes: i64,
    pub chained_late: Option<ChainedLate>,
    pub broken: Option<ChainBreak>,
}

impl ChainCheck {
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccessLogCheck {
    #[ts(type = "number")]
    pub rows: i64,
    pub head: String,
    /// The id of the first row that no longer matches, and why.
    #[ts(type = "[number, string] | null")]
    pub broken: Option<(i64, String)>,
}

struct SessionRow {
    client_code: String,
    therapist: String,
    route: String,
    protocol: String,
    signed: bool,
    late: Option<ChainedLate>,
}

/// Walks one session's timeline in order.
struct TimelineWalk {
    prev: Hash,
    next_seq: i64,
    count: i64,
    head: Option<Hash>,
    signed_at: Option<i64>,
    broken: Option<ChainBreak>,
}

impl TimelineWalk {
    fn new() -> Self {
        TimelineWalk { prev: GENESIS, next_seq: 1, count: 0, head: None, signed_at: None, broken: None }
    }

    fn step(&mut self, row: &EntryRow, session: Option<&SessionRow>) {
        self.count += 1;
        let stored = from_blob(row.hash.clone());
        if self.broken.is_none() {
            self.broken = self.judge(row, stored, session).map(|(part, what)| ChainBreak { part, seq: row.seq, what });
        }
        self.head = stored;
        self.prev = stored.unwrap_or(GENESIS);
        self.next_seq = row.seq + 1;
    }

    fn judge(&mut self, row: &EntryRow, stored: Option<Hash>, session: Option<&SessionRow>) -> Option<(ChainPart, String)> {
        self.judge_link(row, stored).map(|what| (ChainPart::Timeline, what)).or_else(|| {
            let start = (row.seq == 1).then(|| session.and_then(|s| start_mismatch(s, &row.kind, &row.body))).flatten();
            start.map(|what| (ChainPart::Session, what))
        })
    }

    fn judge_link(&mut self, row: &EntryRow, stored: Option<Hash>) -> Option<String> {
        let (seq, kind) = (row.seq, row.kind.as_str());
        if seq != self.next_seq {
            return Some(if self.next_seq + 1 == seq {
                format!("entry {} is missing: the timeline goes from entry {} to entry {seq}", self.next_seq, self.next_seq - 1)
            } else {
                format!("entries {} to {} are missing: the timeline goes from entry {} to entry {seq}", self.next_seq, seq - 1, self.next_seq - 1)
            });
        }
        let Some(stored) = stored else {
            return Some(format!("entry {seq} ({}) carries no seal: it was written outside Holdspace", label(kind)));
        };
        let fields = EntryFields {
            session_id: row.session_id,
            seq,
            at_ms: row.at_ms,
            elapsed_ms: row.elapsed_ms,
            author: &row.author,
            kind,
            body: &row.body,
        };
        if entry_hash(&self.prev, &fields) != stored {
            return Some(format!(
                "entry {seq} ({}) no longer matches what was saved: its words, time, author or place in the record were changed, or an entry before it was removed",
                label(kind)
            ));
        }
        if let Some(signed) = self.signed_at {
            if kind != "addendum" {
                return Some(format!("entry {seq} ({}) was added after the signature (entry {signed})", label(kind)));
            }
        }
        if kind == "signed" {
            self.signed_at = Some(seq);
            let sealed = serde_json::from_str::<serde_json::Value>(&row.body)
                .ok()
                .and_then(|v| v.get("chain_head").and_then(|h| h.as_str().map(str::to_owned)));
            if let Some(sealed) = sealed {
                if sealed != to_hex(&self.prev) {
                    return Some(format!(
                        "the signature (entry {seq}) sealed a different record from the entries now before it"
                    ));
                }
            }
        }
        None
    }
}

/// The session row repeats what its first entry recorded; an edit to either shows here.
fn start_mismatch(s: &SessionRow, kind: &str, body: &str) -> Option<String> {
    if kind != "session_started" {
        return Some("entry 1 is not the session's start".into());
    }
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
    for (name, row, started) in [
        ("client code", &s.client_code, field("client_code")),
        ("therapist", &s.therapist, field("therapist")),
        ("route", &s.route, field("route")),
        ("protocol", &s.protocol, field("protocol")),
    ] {
        if *row != started {
            return Some(format!("the session's {name} reads \"{row}\" but the session was started with \"{started}\""));
        }
    }
    None
}

fn label(kind: &str) -> String {
    kind.replace('_', " ")
}

struct EntryRow {
    session_id: i64,
    seq: i64,
    at_ms: i64,
    elapsed_ms: Option<i64>,
    author: String,
    kind: String,
    body: String,
    hash: Option<Vec<u8>>,
}

fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EntryRow> {
    Ok(EntryRow {
        session_id: r.get(0)?,
        seq: r.get(1)?,
        at_ms: r.get(2)?,
        elapsed_ms: r.get(3)?,
        author: r.get(4)?,
        kind: r.get(5)?,
        body: r.get(6)?,
        hash: r.get(7)?,
    })
}

/// Verifies every session (or the one named): one check per session, in id order. Runs in one
/// read transaction, so a write in between cannot make a consistent file look broken.
pub fn verify_connection(conn: &Connection, only: Option<i64>) -> Result<Vec<ChainCheck>> {
    let tx = conn.unchecked_transaction()?;
    let sessions = sessions(&tx, only)?;
    if let Some(id) = only {
        if sessions.is_empty() {
            return Err(Error::NotFound { what: format!("session {id}") });
        }
    }
    let mut walks: BTreeMap<i64, TimelineWalk> = BTreeMap::new();
    {
        let mut stmt = tx.prepare(
            "SELECT session_id, seq, at_ms, elapsed_ms, author, kind, body, hash FROM entries
             WHERE ?1 IS NULL OR session_id = ?1 ORDER BY session_id, seq",
        )?;
        let mut rows = stmt.query(params![only])?;
        while let Some(r) = rows.next()? {
            let row = entry_row(r)?;
            walks.entry(row.session_id).or_insert_with(TimelineWalk::new).step(&row, sessions.get(&row.session_id));
        }
    }
    let notes = notes(&tx, only)?;
    let mut ids: Vec<i64> = sessions.keys().copied().collect();
    // Entries whose session row is gone are a break of their own.
    ids.extend(walks.keys().filter(|id| !sessions.contains_key(id)).copied());
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let walk = walks.remove(&id).unwrap_or_else(TimelineWalk::new);
        let session = sessions.get(&id);
        let (note_count, note_break) = notes.get(&id).cloned().unwrap_or((0, None));
        let broken = walk
            .broken
            .clone()
            .or_else(|| match session {
                None => Some(ChainBreak { part: ChainPart::Session, seq: 0, what: "the session's own record is missing; only its entries remain".into() }),
                Some(s) if s.signed && walk.signed_at.is_none() => Some(ChainBreak {
                    part: ChainPart::Session,
                    seq: 0,
                    what: "the session is marked signed but its signature entry is missing".into(),
                }),
                Some(s) if !s.signed && walk.signed_at.is_some() => Some(ChainBreak {
                    part: ChainPart::Session,
                    seq: walk.signed_at.unwrap_or(0),
                    what: "the session has a signature entry but is no longer marked signed".into(),
                }),
                Some(_) if walk.count == 0 => Some(ChainBreak { part: ChainPart::Timeline, seq: 1, what: "the session has no entries: its start is missing".into() }),
                _ => None,
            })
            .or(note_break);
        out.push(ChainCheck {
            session_id: id,
            client_code: session.map(|s| s.client_code.clone()).unwrap_or_default(),
            entries: walk.count,
            head: walk.head.map(|h| to_hex(&h)).unwrap_or_default(),
            integration_notes: note_count,
            chained_late: session.and_then(|s| s.late.clone()),
            broken,
        });
    }
    Ok(out)
}

fn sessions(conn: &Connection, only: Option<i64>) -> Result<BTreeMap<i64, SessionRow>> {
    let mut stmt = conn.prepare(
        "SELECT s.id, s.client_code, s.therapist, s.route, s.protocol, s.signed_ms IS NOT NULL,
                c.from_version, c.at_ms, c.entries
         FROM sessions s LEFT JOIN chained_late c ON c.session_id = s.id
         WHERE ?1 IS NULL OR s.id = ?1",
    )?;
    let rows = stmt.query_map(params![only], |r| {
        let late = match r.get::<_, Option<i64>>(6)? {
            Some(from_version) => Some(ChainedLate {
                from_version,
                at: DateTime::from_timestamp_millis(r.get(7)?).unwrap_or_default(),
                entries: r.get(8)?,
            }),
            None => None,
        };
        Ok((
            r.get::<_, i64>(0)?,
            SessionRow { client_code: r.get(1)?, therapist: r.get(2)?, route: r.get(3)?, protocol: r.get(4)?, signed: r.get(5)?, late },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<BTreeMap<_, _>>>()?)
}

/// Per session: how many integration notes, and the first that no longer matches.
fn notes(conn: &Connection, only: Option<i64>) -> Result<BTreeMap<i64, (i64, Option<ChainBreak>)>> {
    let mut stmt = conn.prepare(
        "SELECT id, session_id, created_ms, author, text, themes, linked_seq, hash FROM integration_notes
         WHERE ?1 IS NULL OR session_id = ?1 ORDER BY session_id, id",
    )?;
    let mut rows = stmt.query(params![only])?;
    let mut out: BTreeMap<i64, (i64, Option<ChainBreak>, Hash)> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let (id, session_id): (i64, i64) = (r.get(0)?, r.get(1)?);
        let (author, text, themes): (String, String, String) = (r.get(3)?, r.get(4)?, r.get(5)?);
        let stored = from_blob(r.get(7)?);
        let state = out.entry(session_id).or_insert((0, None, GENESIS));
        state.0 += 1;
        let fields = NoteFields { id, session_id, created_ms: r.get(2)?, author: &author, text: &text, themes: &themes, linked_seq: r.get(6)? };
        if state.1.is_none() && stored != Some(note_hash(&state.2, &fields)) {
            state.1 = Some(ChainBreak {
                part: ChainPart::IntegrationNotes,
                seq: state.0,
                what: format!(
                    "integration note {} no longer matches what was saved: its words, time or author were changed, or a note before it was removed",
                    state.0
                ),
            });
        }
        state.2 = stored.unwrap_or(GENESIS);
    }
    Ok(out.into_iter().map(|(k, (n, b, _))| (k, (n, b))).collect())
}

/// The access log's one chain.
pub fn verify_access_log(conn: &Connection) -> Result<AccessLogCheck> {
    let mut stmt = conn.prepare("SELECT id, at_ms, user_name, action, session_id, detail, hash FROM access_log ORDER BY id")?;
    let mut rows = stmt.query([])?;
    let (mut prev, mut count, mut broken, mut head) = (GENESIS, 0i64, None, None);
    while let Some(r) = rows.next()? {
        count += 1;
        let id: i64 = r.get(0)?;
        let (user_name, action, detail): (String, String, String) = (r.get(2)?, r.get(3)?, r.get(5)?);
        let stored = from_blob(r.get(6)?);
        let fields = AccessFields { id, at_ms: r.get(1)?, user_name: &user_name, action: &action, session_id: r.get(4)?, detail: &detail };
        if broken.is_none() && stored != Some(access_hash(&prev, &fields)) {
            broken = Some((id, format!("access log row {id} ({action}) no longer matches what was written, or a row before it was removed")));
        }
        prev = stored.unwrap_or(GENESIS);
        head = stored;
    }
    Ok(AccessLogCheck { rows: count, head: head.map(|h| to_hex(&h)).unwrap_or_default(), broken })
}

/// Computes the hashes of rows written before chaining existed (the upgrade to `from_version`),
/// and marks those sessions as chained late. Runs inside the migration's transaction, with the
/// append-only triggers set aside by the migration script.
pub fn backfill(conn: &Connection, from_version: i64, now_ms: i64) -> Result<()> {
    let mut counts: BTreeMap<i64, (i64, Hash)> = BTreeMap::new();
    {
        let mut read = conn.prepare(
            "SELECT session_id, seq, at_ms, elapsed_ms, author, kind, body, id FROM entries ORDER BY session_id, seq",
        )?;
        let mut write = conn.prepare("UPDATE entries SET hash = ?2 WHERE id = ?1")?;
        let mut rows = read.query([])?;
        while let Some(r) = rows.next()? {
            let (session_id, seq, at_ms, elapsed_ms): (i64, i64, i64, Option<i64>) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let (author, kind, body): (String, String, String) = (r.get(4)?, r.get(5)?, r.get(6)?);
            let state = counts.entry(session_id).or_insert((0, GENESIS));
            let h = entry_hash(&state.1, &EntryFields { session_id, seq, at_ms, elapsed_ms, author: &author, kind: &kind, body: &body });
            write.execute(params![r.get::<_, i64>(7)?, &h[..]])?;
            *state = (state.0 + 1, h);
        }
    }
    let mut mark = conn.prepare("INSERT INTO chained_late (session_id, from_version, at_ms, entries) VALUES (?1, ?2, ?3, ?4)")?;
    let mut ids = conn.prepare("SELECT id FROM sessions")?;
    for id in ids.query_map([], |r| r.get::<_, i64>(0))? {
        let id = id?;
        mark.execute(params![id, from_version, now_ms, counts.get(&id).map_or(0, |c| c.0)])?;
    }
    {
        let mut read = conn.prepare(
            "SELECT id, session_id, created_ms, author, text, themes, linked_seq FROM integration_notes ORDER BY session_id, id",
        )?;
        let mut write = conn.prepare("UPDATE integration_notes SET hash = ?2 WHERE id = ?1")?;
        let mut prev: BTreeMap<i64, Hash> = BTreeMap::new();
        let mut rows = read.query([])?;
        while let Some(r) = rows.next()? {
            let (id, session_id): (i64, i64) = (r.get(0)?, r.get(1)?);
            let (author, text, themes): (String, String, String) = (r.get(3)?, r.get(4)?, r.get(5)?);
            let p = prev.entry(session_id).or_insert(GENESIS);
            let h = note_hash(p, &NoteFields { id, session_id, created_ms: r.get(2)?, author: &author, text: &text, themes: &themes, linked_seq: r.get(6)? });
            write.execute(params![id, &h[..]])?;
            *p = h;
        }
    }
    let mut read = conn.prepare("SELECT id, at_ms, user_name, action, session_id, detail FROM access_log ORDER BY id")?;
    let mut write = conn.prepare("UPDATE access_log SET hash = ?2 WHERE id = ?1")?;
    let mut rows = read.query([])?;
    let mut prev = GENESIS;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let (user_name, action, detail): (String, String, String) = (r.get(2)?, r.get(3)?, r.get(5)?);
        prev = access_hash(&prev, &AccessFields { id, at_ms: r.get(1)?, user_name: &user_name, action: &action, session_id: r.get(4)?, detail: &detail });
        write.execute(params![id, &prev[..]])?;
    }
    Ok(())
}

/// The last hash of a chain, for the next row: (next seq, previous hash) of a session's timeline.
pub(crate) fn timeline_tail(conn: &Connection, session_id: i64) -> Result<(i64, Hash)> {
    let last: Option<(i64, Option<Vec<u8>>)> = conn
        .query_row("SELECT seq, hash FROM entries WHERE session_id = ?1 ORDER BY seq DESC LIMIT 1", [session_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(match last {
        Some((seq, hash)) => (seq + 1, from_blob(hash).unwrap_or(GENESIS)),
        None => (1, GENESIS),
    })
}

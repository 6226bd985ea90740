//! The review performance benchmark (issue 5): generates a database of 2,500 sessions and
//! 1,000,000 entries (one session with 10,000) in the real schema, then measures, through the
//! real Store API, opening the sessions list, opening the large session (the review view the
//! window receives, pages of its timeline, and the whole report the exports use) and a
//! full-text search. Each figure
//! is the median of N runs, also given as a ratio to a trivial query measured in the same run,
//! so the numbers can be compared across machines.
//!
//! Run it in release: `cargo run --release -p holdspace-export --bin holdspace-bench`
//! (`-- --quick` for a smoke run on 100 sessions and 20,000 entries; `--dir DIR` to keep the
//! database; `--runs N`). It is a measurement, never a pass/fail test.

use chrono::{DateTime, Duration, Utc};
use holdspace_core::entry::Dose;
use holdspace_core::{EntryBody, MusicAction, MusicEvent, Route, Store, SystemClock};
use holdspace_export::{timeline_page, ReviewView, SessionReport, TimelineQuery};
use holdspace_monitoring::{ChecklistAction, Vitals};
use rusqlite::{params, Connection};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

struct Config {
    sessions: usize,
    entries: usize,
    big_session: usize,
    runs: usize,
    dir: Option<PathBuf>,
}

fn parse_args() -> Result<Config, String> {
    let mut c = Config { sessions: 2_500, entries: 1_000_000, big_session: 10_000, runs: 21, dir: None };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => {
                c.sessions = 100;
                c.entries = 20_000;
            }
            "--runs" => {
                c.runs = args.next().and_then(|v| v.parse().ok()).filter(|n| *n > 0).ok_or("--runs needs a number")?
            }
            "--dir" => c.dir = Some(PathBuf::from(args.next().ok_or("--dir needs a folder")?)),
            "-h" | "--help" => {
                return Err("usage: holdspace-bench [--quick] [--runs N] [--dir DIR]".into());
            }
            other => return Err(format!("unknown argument {other}; see --help")),
        }
    }
    Ok(c)
}

/// A small deterministic generator (xorshift64*), so every run builds the same database.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + self.below((hi - lo + 1) as u64) as i32
    }
}

const WORDS: [&str; 64] = [
    "breathing", "slow", "even", "hands", "relaxed", "eyes", "closed", "smiled", "quiet", "music", "softer", "warm",
    "cold", "shifted", "position", "sighed", "spoke", "about", "mother", "father", "sister", "childhood", "house",
    "garden", "ocean", "light", "colours", "floating", "heavy", "body", "chest", "tight", "open", "space", "felt",
    "safe", "scared", "briefly", "settled", "again", "asked", "water", "blanket", "tearful", "laughed", "movement",
    "fingers", "still", "oriented", "talking", "images", "forest", "path", "walking", "voice", "distant", "near",
    "returned", "gently", "grateful", "tired", "peaceful", "waves", "sky",
];

fn sentence(rng: &mut Rng) -> String {
    let n = 6 + rng.below(14) as usize;
    let mut words: Vec<&str> = (0..n).map(|_| WORDS[rng.below(WORDS.len() as u64) as usize]).collect();
    // A rare word for the search measurement: about 1 note in 200.
    if rng.below(200) == 0 {
        words.push("grandfather");
    }
    // A common word: about 1 note in 10.
    if rng.below(10) == 0 {
        words.push("calm");
    }
    let mut s = words.join(" ");
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s.push('.');
    s
}

fn vitals(rng: &mut Rng) -> Vitals {
    Vitals {
        systolic: Some(rng.range(110, 170)),
        diastolic: Some(rng.range(65, 95)),
        heart_rate: Some(rng.range(60, 100)),
        spo2: Some(rng.range(94, 100)),
        moaas: Some(rng.range(3, 5)),
        ..Vitals::default()
    }
}

fn body(rng: &mut Rng, i: usize) -> EntryBody {
    match rng.below(100) {
        0..=39 => EntryBody::Note { text: sentence(rng), theme: rng.below(20) == 0 },
        40..=69 => EntryBody::Vitals { reading: vitals(rng) },
        70..=79 => EntryBody::Tag { tag_id: "tearful".into(), label: "Tearful".into(), adverse_event: false },
        80..=89 => EntryBody::Music {
            event: MusicEvent {
                action: MusicAction::TrackStarted,
                title: format!("Track {}", i % 40),
                artist: "Bench".into(),
                phase: "peak".into(),
                path: format!("music/track-{}.flac", i % 40),
                detail: String::new(),
                technical_detail: String::new(),
            },
        },
        _ => EntryBody::Checklist {
            item_id: "room.eye_mask".into(),
            label: "Eye mask offered".into(),
            action: ChecklistAction::Tick,
        },
    }
}

struct Generated {
    db: PathBuf,
    big_id: i64,
    notes: i64,
    seconds: f64,
}

fn generate(dir: &Path, c: &Config) -> Result<Generated, Box<dyn std::error::Error>> {
    let db = dir.join("bench.db");
    if db.exists() {
        return Err(format!("{} exists; choose an empty folder", db.display()).into());
    }
    // The real schema, migrations and pragmas.
    drop(Store::open(&db, Arc::new(SystemClock))?);
    let t0 = Instant::now();
    let mut conn = Connection::open(&db)?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // The other sessions share the rest; the first `extra` of them take one more each.
    let others = c.sessions.saturating_sub(1).max(1);
    let per_session = c.entries.saturating_sub(c.big_session) / others;
    let extra = c.entries.saturating_sub(c.big_session) % others;
    let big_index = c.sessions / 2;
    let base = Utc::now() - Duration::days(c.sessions as i64);
    let mut big_id = 0;
    let mut notes = 0i64;
    for s in 0..c.sessions {
        let other_index = if s > big_index { s - 1 } else { s };
        let n = if s == big_index { c.big_session } else { per_session + usize::from(other_index < extra) };
        let created: DateTime<Utc> = base + Duration::days(s as i64) + Duration::hours(9);
        let first_dose = created + Duration::minutes(10);
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO sessions (client_code, therapist, route, protocol, intention, created_ms, state, first_dose_ms)
             VALUES (?1, ?2, 'intramuscular', 'im-ketamine', ?3, ?4, 'open', ?5)",
            params![
                format!("K-{:04}", s % 700),
                "Dr Bench",
                "Benchmark data",
                created.timestamp_millis(),
                first_dose.timestamp_millis()
            ],
        )?;
        let id = tx.last_insert_rowid();
        if s == big_index {
            big_id = id;
        }
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO entries (session_id, seq, at_ms, elapsed_ms, author, kind, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            // Spread the entries over about two hours.
            let step_ms = (7_200_000 / n.max(1)) as i64;
            for i in 0..n {
                let b = match i {
                    0 => EntryBody::SessionStarted {
                        client_code: format!("K-{:04}", s % 700),
                        therapist: "Dr Bench".into(),
                        route: Route::Intramuscular,
                        protocol: "im-ketamine".into(),
                        protocol_name: "Intramuscular ketamine".into(),
                        intention: "Benchmark data".into(),
                    },
                    1 => EntryBody::Dose(Dose {
                        given_at: first_dose,
                        substance: "ketamine".into(),
                        amount: 50.0,
                        unit: "mg".into(),
                        route: Route::Intramuscular,
                        lot: "B-1".into(),
                        booster: false,
                    }),
                    _ if i + 1 == n => EntryBody::SessionEnded { reason: String::new(), open_at_end: Vec::new() },
                    _ => body(&mut rng, i),
                };
                if matches!(b, EntryBody::Note { .. }) {
                    notes += 1;
                }
                let at = created + Duration::milliseconds(step_ms * i as i64);
                let elapsed = (i >= 1).then(|| (at - first_dose).num_milliseconds());
                ins.execute(params![
                    id,
                    i as i64 + 1,
                    at.timestamp_millis(),
                    elapsed,
                    "Dr Bench",
                    b.kind(),
                    serde_json::to_string(&b)?
                ])?;
            }
        }
        let end = created + Duration::hours(2);
        tx.execute("UPDATE sessions SET state = 'ended', ended_ms = ?2 WHERE id = ?1", params![id, end.timestamp_millis()])?;
        tx.commit()?;
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(Generated { db, big_id, notes, seconds: t0.elapsed().as_secs_f64() })
}

/// Median wall time of `runs` calls, in milliseconds (after one warm-up call).
fn median_ms<T>(runs: usize, mut f: impl FnMut() -> T) -> f64 {
    std::hint::black_box(f());
    let mut v: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if let Err(e) = run() {
        eprintln!("holdspace-bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let c = parse_args()?;
    let temp;
    let dir = match &c.dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => {
            temp = tempfile::tempdir()?;
            temp.path().to_path_buf()
        }
    };
    println!(
        "Generating {} sessions, {} entries (one session of {}) in {} ...",
        c.sessions,
        c.entries,
        c.big_session,
        dir.display()
    );
    let g = generate(&dir, &c)?;
    // The generator writes rows as a database from before the chain holds them (no hashes):
    // the upgrade's backfill is timed on them first, which leaves every session chained.
    let backfill_s = backfill(&g.db)?;
    let size = std::fs::metadata(&g.db)?.len();
    let wal = std::fs::metadata(g.db.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0);

    let store = Store::open(&g.db, Arc::new(SystemClock))?;
    let raw = Connection::open(&g.db)?;
    let total: i64 = raw.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))?;
    let sessions: i64 = raw.query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))?;
    let big_n = store.entries(g.big_id)?.len();
    let rare = store.search("grandfather", 50)?.len();
    let common = store.search("calm", 50)?.len();
    let rare_all: i64 = raw.query_row("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'grandfather'", [], |r| r.get(0))?;
    let common_all: i64 = raw.query_row("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'calm'", [], |r| r.get(0))?;
    let template = holdspace_export::builtin_template("im-ketamine");

    let n = c.runs;
    let baseline = median_ms(n, || raw.query_row("SELECT count(*) FROM sessions", [], |r| r.get::<_, i64>(0)).ok());
    let one_row = median_ms(n, || {
        raw.query_row("SELECT body FROM entries WHERE id = ?1", [total / 2], |r| r.get::<_, String>(0)).ok()
    });
    let list = median_ms(n, || store.list_sessions().map(|v| v.len()).ok());
    let entries = median_ms(n, || store.entries(g.big_id).map(|v| v.len()).ok());
    let report = median_ms(n, || SessionReport::build(&store, template.as_ref(), g.big_id).map(|r| r.timeline.len()).ok());
    // What the review window receives: the view (summary, chart, first page) as JSON, and
    // later pages, filtered and around an entry near the end.
    let view = median_ms(n, || {
        ReviewView::build(&store, template.as_ref(), g.big_id, None).ok().and_then(|v| serde_json::to_vec(&v).ok()).map(|b| b.len())
    });
    let view_bytes = ReviewView::build(&store, template.as_ref(), g.big_id, None)
        .ok()
        .and_then(|v| serde_json::to_vec(&v).ok())
        .map_or(0, |b| b.len());
    let report_bytes = SessionReport::build(&store, template.as_ref(), g.big_id)
        .ok()
        .and_then(|r| serde_json::to_vec(&r).ok())
        .map_or(0, |b| b.len());
    let deep = TimelineQuery { hidden: vec!["vitals".into()], offset: big_n as i64 / 2, limit: 200, around_seq: None };
    let page_deep = median_ms(n, || timeline_page(&store, g.big_id, &deep).map(|p| p.items.len()).ok());
    let near_end = TimelineQuery { around_seq: Some(big_n as i64 - 5), limit: 200, ..TimelineQuery::default() };
    let page_around = median_ms(n, || timeline_page(&store, g.big_id, &near_end).map(|p| p.items.len()).ok());
    let search_rare = median_ms(n, || store.search("grandfather", 50).map(|v| v.len()).ok());
    let search_common = median_ms(n, || store.search("calm", 50).map(|v| v.len()).ok());

    println!();
    println!(
        "Database: {sessions} sessions, {total} entries ({} notes), generated in {:.1} s; file {:.1} MiB (+ WAL {:.1} MiB)",
        g.notes,
        g.seconds,
        size as f64 / 1_048_576.0,
        wal as f64 / 1_048_576.0
    );
    println!("Median of {n} runs after one warm-up; ratio = time / baseline (SELECT count(*) FROM sessions).");
    println!();
    println!("| measurement                                          | median ms | x baseline | goal     | within |");
    println!("|------------------------------------------------------|----------:|-----------:|----------|--------|");
    let row = |name: &str, ms: f64, goal: Option<f64>| {
        let within = match goal {
            Some(g) if ms <= g => "yes",
            Some(_) => "NO",
            None => "",
        };
        println!(
            "| {name:<52} | {ms:>9.3} | {:>10.1} | {:<8} | {within:<6} |",
            ms / baseline.max(1e-6),
            goal.map(|g| format!("{g} ms")).unwrap_or_default()
        );
    };
    row("baseline: SELECT count(*) FROM sessions", baseline, None);
    row("baseline: read one entry row by id", one_row, None);
    row(&format!("Store::list_sessions ({sessions} rows)"), list, Some(50.0));
    row(&format!("Store::entries, large session ({big_n} entries)"), entries, None);
    row("  + SessionReport::build (timeline rendered as text)", report, None);
    row("ReviewView::build + JSON (the review window's data)", view, Some(200.0));
    row("timeline_page: 200 from the middle, vitals hidden", page_deep, None);
    row("timeline_page: 200 around an entry near the end", page_around, None);
    row(&format!("Store::search \"grandfather\" ({rare_all} hits, {rare} shown)"), search_rare, Some(50.0));
    row(&format!("Store::search \"calm\" ({common_all} hits, {common} shown)"), search_common, Some(50.0));
    println!();
    println!("SessionReport::build includes Store::session, Store::entries and Store::integration_notes.");
    println!(
        "The review window gets {:.0} KiB as JSON for the large session, {:.1}% of the whole report ({:.0} KiB, which the exports use).",
        view_bytes as f64 / 1024.0,
        100.0 * view_bytes as f64 / report_bytes.max(1) as f64,
        report_bytes as f64 / 1024.0
    );
    println!("To rendered in the real window: the ignored e2e test review_timings (README, Review and export).");
    drop(store);
    drop(raw);
    chain_figures(&g, total, backfill_s, n)?;
    encrypted_against_plain(&g, template.as_ref(), big_n, n)
}

/// The migration's backfill (`chain::backfill`, what migration 0009 runs at the upgrade over
/// the rows already there, with the append-only update triggers set aside as its script
/// does), in one transaction on the generated database; in seconds.
fn backfill(db: &Path) -> Result<f64, Box<dyn std::error::Error>> {
    let mut conn = Connection::open(db)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let t0 = Instant::now();
    let tx = conn.transaction()?;
    tx.execute_batch(
        "DROP TRIGGER entries_append_only; DROP TRIGGER integration_notes_append_only; DROP TRIGGER access_log_is_append_only_update;",
    )?;
    holdspace_core::chain::backfill(&tx, 9, Utc::now().timestamp_millis())?;
    tx.execute_batch(
        "CREATE TRIGGER entries_append_only BEFORE UPDATE ON entries
         BEGIN SELECT RAISE(ABORT, 'timeline entries are append-only: record an amendment instead'); END;
         CREATE TRIGGER integration_notes_append_only BEFORE UPDATE ON integration_notes
         BEGIN SELECT RAISE(ABORT, 'integration notes are append-only: add another note'); END;
         CREATE TRIGGER access_log_is_append_only_update BEFORE UPDATE ON access_log
         BEGIN SELECT RAISE(ABORT, 'the access log cannot be changed'); END;",
    )?;
    tx.commit()?;
    let s = t0.elapsed().as_secs_f64();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(s)
}

/// Tamper evidence (issue 15): the cost of the chain on appends, verification of the whole
/// database against one plain read of the entries, and the upgrade's backfill.
fn chain_figures(g: &Generated, total: i64, backfill_s: f64, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let store = Store::open(&g.db, Arc::new(SystemClock))?;
    // (b) verify every session, against one plain full read of the entries table.
    let runs = n.clamp(1, 5);
    let mut checks = Vec::new();
    let verify = median_ms(runs, || {
        checks = store.verify_chains(None).unwrap_or_default();
        checks.len()
    });
    let intact = checks.iter().filter(|c| c.intact()).count();
    let raw = Connection::open(&g.db)?;
    let read = median_ms(runs, || -> Option<usize> {
        let mut stmt = raw
            .prepare_cached("SELECT session_id, seq, at_ms, elapsed_ms, author, kind, body, hash FROM entries ORDER BY session_id, seq")
            .ok()?;
        let mut rows = stmt.query([]).ok()?;
        let mut bytes = 0usize;
        while let Ok(Some(r)) = rows.next() {
            bytes += r.get_ref(6).ok()?.as_str().ok()?.len() + r.get_ref(7).ok()?.as_blob_or_null().ok()?.map_or(0, <[u8]>::len);
        }
        Some(bytes)
    });
    let log = median_ms(runs, || store.verify_access_log().map(|l| l.rows).ok());

    // (a) durable appends: through the Store (hash computed over the entry and the one before
    // it), against a raw INSERT of an identical row with no hash through a connection with the
    // same pragmas (WAL, synchronous=FULL, foreign keys), alternating so both meet the same disk.
    let open_session = |code: &str| -> Result<i64, Box<dyn std::error::Error>> {
        Ok(store
            .start_session(holdspace_core::NewSession {
                client_code: code.into(),
                therapist: "Dr Bench".into(),
                route: Route::Intramuscular,
                protocol: "im-ketamine".into(),
                intention: String::new(),
            })?
            .0
            .id)
    };
    let chained = open_session("K-CHAIN")?;
    raw.pragma_update(None, "foreign_keys", true)?;
    raw.pragma_update(None, "synchronous", "FULL")?;
    // The app keeps one session open at a time: the raw rows go into the same session, each
    // after the Store's (they carry no hash, so this bench session no longer verifies).
    let plain = chained;
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for i in 0..(n * 10).max(50) {
        let text = format!("bench note {i}: breathing slow and even");
        let t = Instant::now();
        let e = store.add_note(chained, &text)?;
        ta.push(t.elapsed().as_secs_f64() * 1000.0);
        let body = serde_json::to_string(&e.body)?;
        let next_seq = e.seq + 1;
        let t = Instant::now();
        raw.execute(
            "INSERT INTO entries (session_id, seq, at_ms, elapsed_ms, author, kind, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![plain, next_seq, e.at.timestamp_millis(), e.elapsed_ms, e.author, e.body.kind(), body],
        )?;
        tb.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    store.end_session(chained, "")?;
    ta.sort_by(f64::total_cmp);
    tb.sort_by(f64::total_cmp);
    let (a, b) = (ta[ta.len() / 2], tb[tb.len() / 2]);
    println!();
    println!("Tamper evidence (hash chain), same database, this run:");
    println!();
    println!("| measurement                                                        | ms        | against                         | ratio |");
    println!("|--------------------------------------------------------------------|----------:|---------------------------------|------:|");
    println!(
        "| durable note append, Store::add_note (chained), median of {:<4}     | {a:>9.3} | raw INSERT, no hash: {b:>8.3} ms | {:>5.2} |",
        ta.len(),
        a / b.max(1e-6)
    );
    println!(
        "| Store::verify_chains, every session ({} sessions, {total} entries) | {verify:>9.1} | one plain read of entries: {read:>6.1} ms | {:>5.2} |",
        checks.len(),
        verify / read.max(1e-6)
    );
    println!("| Store::verify_access_log                                           | {log:>9.3} |                                 |       |");
    println!(
        "| migration 0009's backfill (chain::backfill), {total} entries          | {:>9.0} |                                 |       |",
        backfill_s * 1000.0
    );
    println!();
    println!("{intact} of {} sessions intact (every one should be: they were chained by the backfill above).", checks.len());
    Ok(())
}

/// The same figures on an encrypted copy of the same database (SQLCipher, a random raw key),
/// each measured on the plain file and then the encrypted one, as a ratio encrypted / plain.
fn encrypted_against_plain(
    g: &Generated,
    template: Option<&holdspace_monitoring::Template>,
    big_n: usize,
    n: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    use holdspace_core::vault::{encrypt_copy, DbKey};
    let enc_path = g.db.with_file_name("bench-encrypted.db");
    let key = DbKey::random()?;
    let t0 = Instant::now();
    encrypt_copy(&g.db, &enc_path, &key)?;
    let copy_s = t0.elapsed().as_secs_f64();
    let plain = Store::open(&g.db, Arc::new(SystemClock))?;
    let enc = Store::open_encrypted(&enc_path, &key, Arc::new(SystemClock))?;
    let open_plain = median_ms(n.min(9), || Store::open(&g.db, Arc::new(SystemClock)).is_ok());
    let open_enc = median_ms(n.min(9), || Store::open_encrypted(&enc_path, &key, Arc::new(SystemClock)).is_ok());
    println!();
    println!(
        "Encrypted copy (SQLCipher 4, AES-256, raw 256-bit key) made and verified row by row in {copy_s:.1} s; \
         each figure measured on the plain file, then on the encrypted one, in this run."
    );
    println!();
    println!("| measurement                                          | plain ms | encrypted ms | ratio | goal  |");
    println!("|------------------------------------------------------|---------:|-------------:|------:|-------|");
    let row = |name: &str, a: f64, b: f64, goal: &str| {
        println!("| {name:<52} | {a:>8.3} | {b:>12.3} | {:>5.2} | {goal:<5} |", b / a.max(1e-6));
    };
    let both = |f: &dyn Fn(&Store) -> Option<usize>| (median_ms(n, || f(&plain)), median_ms(n, || f(&enc)));
    let (a, b) = both(&|s| s.list_sessions().map(|v| v.len()).ok());
    row("Store::list_sessions", a, b, "1.3x");
    let (a, b) = both(&|s| ReviewView::build(s, template, g.big_id, None).ok().and_then(|v| serde_json::to_vec(&v).ok()).map(|v| v.len()));
    row("ReviewView::build + JSON (large session)", a, b, "1.3x");
    let deep = TimelineQuery { hidden: vec!["vitals".into()], offset: big_n as i64 / 2, limit: 200, around_seq: None };
    let (a, b) = both(&|s| timeline_page(s, g.big_id, &deep).map(|p| p.items.len()).ok());
    row("timeline_page: 200 from the middle, vitals hidden", a, b, "1.3x");
    let (a, b) = both(&|s| s.search("grandfather", 50).map(|v| v.len()).ok());
    row("Store::search \"grandfather\"", a, b, "1.3x");
    let (a, b) = both(&|s| s.search("calm", 50).map(|v| v.len()).ok());
    row("Store::search \"calm\"", a, b, "1.3x");
    let (a, b) = (median_ms(3, || plain.verify_chains(None).map(|v| v.len()).ok()), median_ms(3, || enc.verify_chains(None).map(|v| v.len()).ok()));
    row("Store::verify_chains, every session (median of 3)", a, b, "");
    // A durable note append (WAL, synchronous=FULL: fsynced before it returns), into an open
    // session of each file, alternating so both meet the same disk.
    let open_session = |s: &Store| -> Result<i64, Box<dyn std::error::Error>> {
        Ok(s.start_session(holdspace_core::NewSession {
            client_code: "K-BENCH".into(),
            therapist: "Dr Bench".into(),
            route: Route::Intramuscular,
            protocol: "im-ketamine".into(),
            intention: String::new(),
        })?
        .0
        .id)
    };
    let (sa, sb) = (open_session(&plain)?, open_session(&enc)?);
    let mut ta = Vec::new();
    let mut tb = Vec::new();
    for i in 0..(n * 5) {
        let t = Instant::now();
        plain.add_note(sa, &format!("bench note {i}: breathing slow and even"))?;
        ta.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        enc.add_note(sb, &format!("bench note {i}: breathing slow and even"))?;
        tb.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ta.sort_by(f64::total_cmp);
    tb.sort_by(f64::total_cmp);
    row("durable note append (Store::add_note, fsynced)", ta[ta.len() / 2], tb[tb.len() / 2], "1.5x");
    row("open the store (migrations checked)", open_plain, open_enc, "");
    // Unlocking: Argon2id at the app's settings, measured once per run (a third of a second
    // is the aim); the database opens after it.
    let kdf = holdspace_core::vault::KdfParams::DEFAULT;
    let unlock = median_ms(5, || holdspace_core::vault::measure_kdf(kdf).ok());
    println!();
    println!(
        "Unlock: Argon2id ({} MiB, {} passes) takes {unlock:.0} ms here, once per sign-in, then the store opens in {open_enc:.1} ms.",
        kdf.memory_kib / 1024,
        kdf.iterations
    );
    drop(plain);
    backup_against_copy(&enc, &enc_path, &key)
}

/// A backup of the encrypted database (online backup API, then integrity check, every chain
/// recomputed and the SHA-256 of the copy) against a plain file copy of the same file with an
/// fsync, in the same run.
fn backup_against_copy(enc: &Store, enc_path: &Path, key: &holdspace_core::vault::DbKey) -> Result<(), Box<dyn std::error::Error>> {
    use holdspace_core::backup::{back_up, Retention, Source};
    enc.checkpoint()?;
    let keys = enc_path.with_file_name("bench.keys");
    std::fs::write(&keys, b"bench key file")?;
    let out = enc_path.with_file_name("bench-backups");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir(&out)?;
    let t = Instant::now();
    let copied = out.join("plain-copy.db");
    std::fs::copy(enc_path, &copied)?;
    std::fs::File::open(&copied)?.sync_all()?;
    let copy_s = t.elapsed().as_secs_f64();
    std::fs::remove_file(&copied)?;
    let t = Instant::now();
    let w = back_up(&Source::from_paths(enc_path, &keys, key), &out, chrono::Utc::now(), Retention::default())?;
    let backup_s = t.elapsed().as_secs_f64();
    println!();
    println!(
        "Backup of the encrypted database ({:.0} MB, {} entries): {backup_s:.1} s, {} (copy, integrity check, every chain \
         recomputed, SHA-256); a plain file copy of the same file with fsync: {copy_s:.1} s; ratio {:.1}x.",
        w.manifest.size as f64 / 1e6,
        w.manifest.total_entries(),
        w.manifest.verification,
        backup_s / copy_s.max(1e-6)
    );
    let _ = std::fs::remove_dir_all(&out);
    Ok(())
}

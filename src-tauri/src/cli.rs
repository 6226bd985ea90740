//! The command line on the same binary: `holdspace` opens the window; subcommands work on the
//! same data folder with no display.

use clap::{Parser, Subcommand};
use holdspace_core::Store;
use std::path::{Path, PathBuf};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "holdspace", version, about = "The session-room companion for ketamine-assisted psychotherapy")]
pub struct Cli {
    /// Folder holding the database [default: the platform data folder, e.g. ~/.local/share/holdspace]
    #[arg(long, global = true, env = "HOLDSPACE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List sessions: id, start time, client code, protocol, state
    Sessions,
    /// List the protocol templates: built in, and the clinic's in <data folder>/protocols
    Protocols,
    /// Validate protocol templates (.toml with [[checkpoints]]), playlists (.toml) and M3U files;
    /// a playlist's tracks are found in the music folder and decoded
    Check {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Only parse the files (do not open the audio)
        #[arg(long)]
        quick: bool,
    },
    /// Export one session to a new file in DIR (readable by you only: it holds health information)
    Export {
        /// The session's id (see `holdspace sessions`)
        #[arg(value_name = "SESSION_ID")]
        session_id: i64,
        /// pdf, csv, json, m3u8, fhir or rems
        #[arg(long, value_name = "FORMAT")]
        format: String,
        /// An existing folder
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Add one finished demo session (client code DEMO-1, clearly labelled) and print its id
    Demo,
    /// Recompute the hash chains: per session "intact" or the first entry that no longer
    /// matches, then the access log; exit 1 when anything is broken
    Verify {
        /// Only this session (see `holdspace sessions`) [default: every session]
        #[arg(value_name = "SESSION_ID")]
        session_id: Option<i64>,
    },
    /// List the users who can open the record; `users init` creates the first one
    Users {
        #[command(subcommand)]
        action: Option<UsersCommand>,
    },
    /// Change your passphrase (HOLDSPACE_USER, HOLDSPACE_PASSPHRASE_FILE, HOLDSPACE_NEW_PASSPHRASE_FILE for scripts)
    Passwd,
    /// Give a user a new passphrase with the recovery key shown at the first run
    Recover,
    /// Back up the record now (an encrypted copy, verified) to DIR or the folder chosen in Settings
    Backup {
        /// The backup folder [default: the one chosen in Settings, Backups]
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
    /// List the backups in a folder and whether each is verified, not verified or failed
    Backups {
        /// The backup folder [default: the one chosen in Settings, Backups]
        #[arg(long = "in", value_name = "DIR")]
        in_dir: Option<PathBuf>,
    },
    /// Restore a backup into a new, empty data folder (never over a record), then verify it
    Restore {
        /// The backup's holdspace-YYYYMMDD-HHMMSS.sqlite3 (its manifest and key file beside it)
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// A new folder (or an empty one) for the restored record
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
    },
    /// Import an M3U/M3U8 file as a playlist, or export a playlist as M3U8
    Playlist {
        #[command(subcommand)]
        action: PlaylistCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create the first user of a folder with no record yet (or one from before encryption),
    /// and print the recovery key once
    Init {
        #[arg(long)]
        name: String,
        /// therapist, prescriber or clinical_director
        #[arg(long, default_value = "clinical_director")]
        role: String,
    },
}

pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("holdspace"))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(data_dir) = cli.data_dir.clone().or_else(default_data_dir) else {
        eprintln!("holdspace: no data folder: set --data-dir or HOLDSPACE_DATA_DIR");
        return ExitCode::from(2);
    };
    match cli.command {
        None => match crate::app::run(data_dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("holdspace: {e}");
                ExitCode::FAILURE
            }
        },
        Some(Command::Sessions) => report(sessions(&data_dir, &mut std::io::stdout())),
        Some(Command::Protocols) => report(protocols(&data_dir, &mut std::io::stdout())),
        Some(Command::Check { files, quick }) => {
            let depth = if quick {
                crate::check::Depth::Quick
            } else {
                crate::check::Depth::Audio { music_folder: holdspace_music::Settings::load(&data_dir).0.music_folder() }
            };
            crate::check::run(&files, &depth, &mut std::io::stdout(), &mut std::io::stderr())
        }
        Some(Command::Export { session_id, format, out }) => {
            report(export(&data_dir, session_id, &format, &out, &mut std::io::stdout()))
        }
        Some(Command::Demo) => report(demo(&data_dir, &mut std::io::stdout())),
        Some(Command::Verify { session_id }) => match verify(&data_dir, session_id, &mut std::io::stdout()) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(e) => report(Err(e)),
        },
        Some(Command::Users { action: None }) => report(crate::cli_access::users(&data_dir, &mut std::io::stdout())),
        Some(Command::Users { action: Some(UsersCommand::Init { name, role }) }) => {
            report(crate::cli_access::init(&data_dir, &name, &role, &mut std::io::stdout()))
        }
        Some(Command::Passwd) => report(crate::cli_access::passwd(&data_dir, &mut std::io::stdout())),
        Some(Command::Recover) => report(crate::cli_access::recover(&data_dir, &mut std::io::stdout())),
        Some(Command::Backup { to }) => report(crate::cli_backup::backup(&data_dir, to.as_deref(), &mut std::io::stdout())),
        Some(Command::Backups { in_dir }) => report(crate::cli_backup::backups(&data_dir, in_dir.as_deref(), &mut std::io::stdout())),
        Some(Command::Restore { file, into }) => report(crate::cli_backup::restore(&data_dir, &file, &into, &mut std::io::stdout())),
        Some(Command::Playlist { action }) => {
            playlist_cli(&action, &data_dir, &mut std::io::stdout(), &mut std::io::stderr())
        }
    }
}

fn report(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("holdspace: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the record for a subcommand, signing in; reading never creates one.
fn open_existing(data_dir: &Path) -> Result<Option<Store>, String> {
    Ok(crate::cli_access::open_existing(data_dir)?.map(|(store, _)| store))
}

pub fn sessions(data_dir: &Path, out: &mut dyn std::io::Write) -> Result<(), String> {
    let Some(store) = open_existing(data_dir)? else {
        writeln!(out, "No sessions yet (no database in {}).", data_dir.display()).map_err(|e| e.to_string())?;
        return Ok(());
    };
    let rows = store.list_sessions().map_err(|e| e.to_string())?;
    let mut text = format!("{:>5}  {:<16}  {:<16}  {:<24}  {}\n", "ID", "STARTED", "CLIENT", "PROTOCOL", "STATE");
    for s in &rows {
        let started = s.created_at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M");
        text += &format!(
            "{:>5}  {:<16}  {:<16}  {:<24}  {}\n",
            s.id,
            started,
            s.client_code,
            s.protocol,
            s.state.as_str()
        );
    }
    if rows.is_empty() {
        text = "No sessions yet.\n".into();
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

/// `holdspace export`: writes the file and prints its path.
pub fn export(data_dir: &Path, session_id: i64, format: &str, out_dir: &Path, out: &mut dyn std::io::Write) -> Result<(), String> {
    // The format is checked first, so a typo is named even without a database.
    let format: holdspace_export::Format = format.parse().map_err(|e: holdspace_export::Error| e.to_string())?;
    let Some((store, user)) = crate::cli_access::open_existing(data_dir)? else {
        return Err(format!("no database in {}: there is no session {session_id} to export", data_dir.display()));
    };
    if !out_dir.is_dir() {
        return Err(format!(
            "the folder {} does not exist or is not a folder; choose an existing folder",
            out_dir.display()
        ));
    }
    let session = store.session(session_id).map_err(|e| e.to_string())?;
    let catalog = holdspace_core::monitoring::load_templates(Some(&data_dir.join("protocols")));
    let path = crate::commands::review::export_to(&store, catalog.get(&session.protocol), session_id, format, out_dir)
        .map_err(|e| e.message)?;
    let detail = crate::audit::file_detail(&format.as_str().to_uppercase(), &path);
    crate::cli_access::audit(&store, &user.name, holdspace_core::audit::AuditAction::Export, Some(session_id), detail);
    writeln!(out, "{}", path.display()).map_err(|e| e.to_string())
}

/// `holdspace demo`: adds the demo session to the record and prints its id. Works while the
/// app runs: SQLite (WAL) serialises the writes.
pub fn demo(data_dir: &Path, out: &mut dyn std::io::Write) -> Result<(), String> {
    let Some(store) = open_existing(data_dir)? else {
        return Err(format!(
            "no record yet in {}: open the Holdspace window to create the first user (or `holdspace users init`)",
            data_dir.display()
        ));
    };
    let id = holdspace_export::add_demo_session_to(&store, holdspace_export::default_demo_start()).map_err(|e| e.to_string())?;
    writeln!(out, "{id}").map_err(|e| e.to_string())
}

/// One session's line of `holdspace verify`.
pub fn verify_line(c: &holdspace_core::chain::ChainCheck) -> String {
    let name = format!("session {} ({})", c.session_id, if c.client_code.is_empty() { "no client code" } else { &c.client_code });
    match &c.broken {
        Some(b) => {
            let at = match b.part {
                holdspace_core::chain::ChainPart::IntegrationNotes => format!("integration note {}", b.seq),
                _ if b.seq > 0 => format!("entry {}", b.seq),
                _ => "the session's record".to_string(),
            };
            format!("{name}: BROKEN at {at}: {}", b.what)
        }
        None => {
            let head: String = c.head.chars().take(16).collect();
            let mut line = format!("{name}: intact, {} entries, head {head}", c.entries);
            if let Some(late) = &c.chained_late {
                let at = late.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M");
                line += &format!(" (chained from version {} on, {at}: changes before then cannot be detected)", late.from_version);
            }
            line
        }
    }
}

/// `holdspace verify [SESSION_ID]`: one line per session and one for the access log;
/// `Ok(false)` when anything is broken.
pub fn verify(data_dir: &Path, only: Option<i64>, out: &mut dyn std::io::Write) -> Result<bool, String> {
    let Some((store, user)) = crate::cli_access::open_existing(data_dir)? else {
        return Err(format!("no database in {}: there is nothing to verify", data_dir.display()));
    };
    let checks = store.verify_chains(only).map_err(|e| match e {
        holdspace_core::Error::NotFound { .. } => {
            format!("there is no session {} in {} (see `holdspace sessions`)", only.unwrap_or_default(), data_dir.display())
        }
        e => e.to_string(),
    })?;
    let log = store.verify_access_log().map_err(|e| e.to_string())?;
    let mut text = String::new();
    for c in &checks {
        text += &verify_line(c);
        text.push('\n');
    }
    if checks.is_empty() {
        text += "no sessions yet\n";
    }
    let head: String = log.head.chars().take(16).collect();
    text += &match &log.broken {
        None => format!("access log: intact, {} rows, head {head}\n", log.rows),
        Some((id, what)) => format!("access log: BROKEN at row {id}: {what}\n"),
    };
    let broken = checks.iter().filter(|c| !c.intact()).count() + usize::from(log.broken.is_some());
    let intact = broken == 0;
    // audit: verify
    let detail = match only {
        Some(id) => format!("session {id}: {}", if intact { "intact" } else { "broken" }),
        None => format!("{} sessions: {}", checks.len(), if intact { "all intact".to_string() } else { format!("{broken} broken") }),
    };
    if let Err(e) = store.log_access(&user.name, "verify", only, &detail) {
        crate::logfile::technical("a verify run could not be written to the access log", &e.to_string());
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(intact)
}

pub fn protocols(data_dir: &Path, out: &mut dyn std::io::Write) -> Result<(), String> {
    let list = holdspace_core::monitoring::list_templates(Some(&data_dir.join("protocols")));
    let mut text = format!("{:<24}  {:<14}  {:<44}  {}\n", "ID", "ROUTE", "NAME", "SOURCE");
    for t in &list.templates {
        let source = match &t.source {
            holdspace_core::monitoring::TemplateSource::BuiltIn { .. } => "built in".to_string(),
            holdspace_core::monitoring::TemplateSource::File { path } => path.clone(),
        };
        let over = if t.overrides_builtin { " (overrides built in)" } else { "" };
        text += &format!("{:<24}  {:<14}  {:<44}  {source}{over}\n", t.id, t.route.as_str(), t.name);
    }
    for p in &list.problems {
        text += &format!("problem: {p}\n");
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use holdspace_core::store::DB_FILE;
    use holdspace_core::{NewSession, Route, SystemClock};
    use std::sync::Arc;

    /// Every test here signs in with the same passphrase, from one file (the environment is
    /// the process's, shared by the tests).
    fn passphrase_env() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let path = std::env::temp_dir().join(format!("holdspace-cli-test-{}.pass", std::process::id()));
            std::fs::write(&path, "quiet river stone\n").unwrap();
            std::env::set_var(crate::cli_access::PASSPHRASE_FILE_ENV, &path);
            std::env::remove_var(crate::cli_access::USER_ENV);
        });
    }

    /// A new encrypted record with one director, as the first run makes it.
    fn record(dir: &Path) -> Store {
        passphrase_env();
        holdspace_core::store::create_private_dir(dir).unwrap();
        let user = holdspace_core::store::NewUser { name: "Dr Rowe".into(), role: holdspace_core::store::Role::ClinicalDirector };
        let pass = holdspace_core::vault::Passphrase::new("quiet river stone");
        holdspace_core::vault::create(dir, &user, &pass, Arc::new(SystemClock), holdspace_core::vault::KdfParams::DEFAULT)
            .unwrap()
            .store
    }

    /// `holdspace --version` prints the workspace version from Cargo.toml (the package's version
    /// comes from the same place), and exits before opening any data folder.
    #[test]
    fn version_flag_prints_the_cargo_version() {
        use clap::Parser;
        let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml")).unwrap();
        let manifest: toml::Table = manifest.parse().unwrap();
        let version = manifest["workspace"]["package"]["version"].as_str().unwrap();
        let err = Cli::try_parse_from(["holdspace", "--version"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayVersion);
        assert_eq!(err.to_string().trim(), format!("holdspace {version}"));
        let err = Cli::try_parse_from(["holdspace", "-V"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayVersion);
    }

    #[test]
    fn sessions_lists_what_the_store_holds() {
        let tmp = tempfile::tempdir().unwrap();
        let mut out = Vec::new();
        sessions(tmp.path(), &mut out).unwrap();
        assert!(String::from_utf8_lossy(&out).starts_with("No sessions yet"));
        assert!(!tmp.path().join(DB_FILE).exists(), "listing must not create a database");

        let store = record(tmp.path());
        store
            .start_session(NewSession {
                client_code: "K-042".into(),
                therapist: "Dr Rowe".into(),
                route: Route::Sublingual,
                protocol: "sublingual-lozenge".into(),
                intention: String::new(),
            })
            .unwrap();
        drop(store);
        let mut out = Vec::new();
        sessions(tmp.path(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert!(line.contains("K-042") && line.contains("sublingual-lozenge") && line.ends_with("open"), "{text}");
    }

    #[test]
    fn demo_then_export_every_format() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let err = demo(&data, &mut Vec::new()).unwrap_err();
        assert!(err.contains("no record yet"), "{err}");
        drop(record(&data));
        let mut out = Vec::new();
        demo(&data, &mut out).unwrap();
        let id: i64 = String::from_utf8(out).unwrap().trim().parse().expect("demo prints the new id");
        let dir = tmp.path().join("out");
        std::fs::create_dir(&dir).unwrap();
        for format in ["pdf", "csv", "json", "m3u8", "fhir", "rems"] {
            let mut out = Vec::new();
            export(&data, id, format, &dir, &mut out).unwrap();
            let path = PathBuf::from(String::from_utf8(out).unwrap().trim());
            let ext = match format { "fhir" => "fhir.json", "rems" => "rems.pdf", other => other };
            assert!(path.starts_with(&dir) && path.to_string_lossy().ends_with(&format!(".{ext}")), "{}", path.display());
            let bytes = std::fs::read(&path).unwrap();
            assert!(!bytes.is_empty());
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "{format}");
            }
        }
        // Each export is logged as an access, in the signed-in user's name, with where it went.
        let (store, _) = crate::cli_access::open_existing(&data).unwrap().unwrap();
        let log: Vec<_> = store.accesses(id).unwrap().into_iter().filter(|a| a.action == "export").collect();
        assert_eq!(log.len(), 6, "{log:?}");
        // Where it went, and the file's size and SHA-256, so a copy found later can be compared.
        for a in &log {
            assert_eq!(a.user_name, "Dr Rowe");
            let path = a.detail.split(" to ").nth(1).and_then(|r| r.split(" (").next()).unwrap();
            let (size, sha) = holdspace_core::files::size_and_sha256(std::path::Path::new(path)).unwrap();
            assert!(a.detail.ends_with(&format!("({size} bytes, SHA-256 {sha})")), "{}", a.detail);
        }
        drop(store);
        // A second demo while the first is in the database is another session.
        let mut out = Vec::new();
        demo(&data, &mut out).unwrap();
        let second: i64 = String::from_utf8(out).unwrap().trim().parse().unwrap();
        assert_ne!(second, id);
    }

    /// `passwd` and `recover` on one record (they alone read the new-passphrase and
    /// recovery-key files, so no other test sees these variables).
    #[test]
    fn passwd_and_recover_give_a_new_passphrase_and_the_old_one_stops_working() {
        use holdspace_core::vault::{self, Folder, KdfParams, Passphrase};
        passphrase_env();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        holdspace_core::store::create_private_dir(dir).unwrap();
        let user = holdspace_core::store::NewUser { name: "Dr Rowe".into(), role: holdspace_core::store::Role::ClinicalDirector };
        let created = vault::create(dir, &user, &Passphrase::new("quiet river stone"), Arc::new(SystemClock), KdfParams::DEFAULT).unwrap();
        let recovery = created.recovery.display().to_string();
        drop(created);
        let new_file = dir.join("new.pass");
        std::fs::write(&new_file, "evening tide comes in\n").unwrap();
        let rec_file = dir.join("recovery.txt");
        std::fs::write(&rec_file, recovery.to_uppercase()).unwrap();
        std::env::set_var(crate::cli_access::NEW_PASSPHRASE_FILE_ENV, &new_file);
        std::env::set_var(crate::cli_access::RECOVERY_KEY_FILE_ENV, &rec_file);
        let unlocks = |p: &str| {
            let Folder::Encrypted(v) = vault::settle(dir).unwrap() else { panic!() };
            v.unlock(1, &Passphrase::new(p)).is_ok()
        };
        let mut out = Vec::new();
        crate::cli_access::passwd(dir, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("was changed"));
        assert!(unlocks("evening tide comes in") && !unlocks("quiet river stone"));
        // Forgotten: the recovery key sets another one.
        std::fs::write(&new_file, "morning light on water").unwrap();
        crate::cli_access::recover(dir, &mut Vec::new()).unwrap();
        assert!(unlocks("morning light on water") && !unlocks("evening tide comes in"));
        // A short new passphrase is refused and changes nothing.
        std::fs::write(&rec_file, &recovery).unwrap();
        std::fs::write(&new_file, "short").unwrap();
        let err = crate::cli_access::recover(dir, &mut Vec::new()).unwrap_err();
        assert!(err.contains("at least 10 characters"), "{err}");
        assert!(unlocks("morning light on water"));
        std::env::remove_var(crate::cli_access::NEW_PASSPHRASE_FILE_ENV);
        std::env::remove_var(crate::cli_access::RECOVERY_KEY_FILE_ENV);
    }

    /// `holdspace verify` on an encrypted record: intact, then a note rewritten behind the app
    /// (triggers dropped, as anyone holding the key could), then an unknown session.
    #[test]
    fn verify_says_intact_then_names_the_rewritten_entry() {
        use holdspace_core::vault::{self, Folder, Passphrase};
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        drop(record(dir));
        demo(dir, &mut Vec::new()).unwrap();
        let mut out = Vec::new();
        assert!(verify(dir, None, &mut out).unwrap(), "{}", String::from_utf8_lossy(&out));
        let text = String::from_utf8(out).unwrap();
        let first = text.lines().next().unwrap();
        assert!(first.starts_with("session 1 (DEMO-1): intact, ") && first.contains(" entries, head "), "{text}");
        assert_eq!(first.rsplit(' ').next().unwrap().len(), 16, "{text}");
        assert!(text.lines().last().unwrap().starts_with("access log: intact, "), "{text}");

        let Folder::Encrypted(v) = vault::settle(dir).unwrap() else { panic!() };
        let key = v.unlock(1, &Passphrase::new("quiet river stone")).unwrap();
        let conn = vault::open_raw(&v.db_path(), &key).unwrap();
        let seq: i64 = conn.query_row("SELECT seq FROM entries WHERE session_id = 1 AND kind = 'note' ORDER BY seq LIMIT 1", [], |r| r.get(0)).unwrap();
        conn.execute_batch(&format!(
            "DROP TRIGGER entries_append_only;
             UPDATE entries SET body = json_set(body, '$.text', 'consented to continue') WHERE session_id = 1 AND seq = {seq};"
        ))
        .unwrap();
        drop(conn);
        let mut out = Vec::new();
        assert!(!verify(dir, Some(1), &mut out).unwrap());
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(&format!("session 1 (DEMO-1): BROKEN at entry {seq}: entry {seq} (note) no longer matches")), "{text}");
        let err = verify(dir, Some(99), &mut Vec::new()).unwrap_err();
        assert!(err.contains("no session 99"), "{err}");
        // Each run is in the access log.
        let (store, _) = crate::cli_access::open_existing(dir).unwrap().unwrap();
        let runs = store.audit_log(&holdspace_core::audit::AuditFilter::default()).unwrap();
        assert_eq!(runs.iter().filter(|r| r.action == "verify").count(), 2, "{runs:?}");
    }

    #[test]
    fn export_errors_are_clear() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let err = export(dir, 1, "docx", dir, &mut Vec::new()).unwrap_err();
        assert!(err.contains("unknown export format") && err.contains("pdf, csv, json, m3u8, fhir, rems"), "{err}");
        let err = export(dir, 1, "pdf", dir, &mut Vec::new()).unwrap_err();
        assert!(err.contains("no database"), "{err}");
        drop(record(dir));
        demo(dir, &mut Vec::new()).unwrap();
        let err = export(dir, 999, "pdf", dir, &mut Vec::new()).unwrap_err();
        assert!(err.contains("session 999"), "{err}");
        let err = export(dir, 1, "csv", &dir.join("missing"), &mut Vec::new()).unwrap_err();
        assert!(err.contains("does not exist"), "{err}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let ro = dir.join("read-only");
            std::fs::create_dir(&ro).unwrap();
            std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).unwrap();
            // Root writes anywhere; the check only means something for a normal user.
            if std::fs::write(ro.join("probe"), "x").is_err() {
                let err = export(dir, 1, "csv", &ro, &mut Vec::new()).unwrap_err();
                assert!(err.contains("cannot write"), "{err}");
            }
        }
    }
}

/// `holdspace playlist ...` on the command line.
#[derive(Debug, clap::Subcommand)]
pub enum PlaylistCommand {
    /// Convert an M3U/M3U8 file into a playlist TOML (a new file; never overwrites)
    Import {
        #[arg(value_name = "FILE.m3u8")]
        file: PathBuf,
        /// The playlist file to write
        #[arg(long, value_name = "PLAYLIST.toml")]
        out: PathBuf,
        /// The playlist's title [default: the M3U file's name]
        #[arg(long)]
        title: Option<String>,
    },
    /// Write a playlist's tracks as an M3U8 file (a new file; never overwrites)
    Export {
        #[arg(value_name = "PLAYLIST.toml")]
        playlist: PathBuf,
        /// The M3U8 file to write
        #[arg(long, value_name = "FILE.m3u8")]
        out: PathBuf,
    },
}

/// Prints the summary line, or each problem (`file:line: message`) on stderr and exit code 1.
pub fn playlist_cli(cmd: &PlaylistCommand, data_dir: &Path, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    use holdspace_music::library::{export_to_file, import_to_file};
    let music = holdspace_music::Settings::load(data_dir).0.music_folder();
    let result = match cmd {
        PlaylistCommand::Import { file, out, title } => import_to_file(file, out, title.as_deref(), &music),
        PlaylistCommand::Export { playlist, out } => export_to_file(playlist, out, &music),
    };
    match result {
        Ok(line) => {
            let _ = writeln!(out, "{line}");
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in problems {
                let _ = writeln!(err, "{p}");
            }
            ExitCode::FAILURE
        }
    }
}

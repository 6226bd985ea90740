//! The command line on the same binary: `holdspace` opens the window; subcommands work on the
//! same data folder with no display.

use clap::{Parser, Subcommand};
use holdspace_core::store::DB_FILE;
use holdspace_core::{Store, SystemClock};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

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
    /// Validate protocol templates (.toml with [[checkpoints]]), playlists (.toml) and M3U files
    Check {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
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
        Some(Command::Check { files }) => crate::check::run(&files, &mut std::io::stdout(), &mut std::io::stderr()),
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

/// Opens an existing database for a subcommand; reading never creates one.
fn open_existing(data_dir: &Path) -> Result<Option<Store>, String> {
    let path = data_dir.join(DB_FILE);
    if !path.exists() {
        return Ok(None);
    }
    Store::open(&path, Arc::new(SystemClock)).map(Some).map_err(|e| e.to_string())
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
    use holdspace_core::{NewSession, Route};

    #[test]
    fn sessions_lists_what_the_store_holds() {
        let tmp = tempfile::tempdir().unwrap();
        let mut out = Vec::new();
        sessions(tmp.path(), &mut out).unwrap();
        assert!(String::from_utf8_lossy(&out).starts_with("No sessions yet"));
        assert!(!tmp.path().join(DB_FILE).exists(), "listing must not create a database");

        let store = Store::open(&tmp.path().join(DB_FILE), Arc::new(SystemClock)).unwrap();
        store
            .start_session(NewSession {
                client_code: "K-042".into(),
                therapist: "Dr Rowe".into(),
                route: Route::Sublingual,
                protocol: "sublingual-lozenge".into(),
                intention: String::new(),
            })
            .unwrap();
        let mut out = Vec::new();
        sessions(tmp.path(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert!(line.contains("K-042") && line.contains("sublingual-lozenge") && line.ends_with("open"), "{text}");
    }
}

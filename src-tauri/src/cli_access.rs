//! Signing in on the command line: the user from `HOLDSPACE_USER` (or the only one), the
//! passphrase from the file `HOLDSPACE_PASSPHRASE_FILE` or asked on the terminal without echo.
//! A passphrase is never taken from an argument (it would show in `ps` and the shell history).

use holdspace_core::audit::{AuditAction, AuditEvent};
use holdspace_core::store::{DataDir, NewUser, Role, Store, User};
use holdspace_core::vault::{self, DbKey, Folder, KdfParams, Passphrase, RecoveryKey, Vault};
use holdspace_core::SystemClock;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

pub const USER_ENV: &str = "HOLDSPACE_USER";
pub const PASSPHRASE_FILE_ENV: &str = "HOLDSPACE_PASSPHRASE_FILE";
/// For `passwd`, `recover` and `users add` in scripts: the new passphrase.
pub const NEW_PASSPHRASE_FILE_ENV: &str = "HOLDSPACE_NEW_PASSPHRASE_FILE";
pub const RECOVERY_KEY_FILE_ENV: &str = "HOLDSPACE_RECOVERY_KEY_FILE";

/// The folder's state. When the window is not running, an interrupted first run is settled;
/// when it is, nothing is moved (it owns the folder) and a first run under way is waited for.
pub fn folder(data_dir: &Path) -> Result<(Folder, Option<DataDir>), String> {
    match DataDir::open(data_dir) {
        Ok(lock) => Ok((vault::settle(data_dir).map_err(|e| e.to_string())?, Some(lock))),
        Err(holdspace_core::Error::Locked { .. }) => Ok((vault::settle_read_only(data_dir).map_err(|e| e.to_string())?, None)),
        Err(e) => Err(e.to_string()),
    }
}

/// Opens the record for a subcommand: `Ok(None)` when there is none yet.
pub fn open_existing(data_dir: &Path) -> Result<Option<(Store, User)>, String> {
    let (folder, _lock) = folder(data_dir)?;
    match folder {
        Folder::New => Ok(None),
        Folder::Plaintext => Err(format!(
            "the record in {} is from before encryption: open the Holdspace window once and create the first user, \
             which encrypts it",
            data_dir.display()
        )),
        Folder::Encrypted(vault) => sign_in(&vault).map(Some),
    }
}

fn sign_in(vault: &Vault) -> Result<(Store, User), String> {
    sign_in_with_key(vault).map(|(store, user, _)| (store, user))
}

/// As `open_existing`, keeping the database key (a backup copies the record with it).
pub fn open_existing_with_key(data_dir: &Path) -> Result<Option<(Store, User, DbKey)>, String> {
    let (folder, _lock) = folder(data_dir)?;
    match folder {
        Folder::New => Ok(None),
        Folder::Plaintext => Err(format!(
            "the record in {} is from before encryption: open the Holdspace window once and create the first user, \
             which encrypts it",
            data_dir.display()
        )),
        Folder::Encrypted(vault) => sign_in_with_key(&vault).map(Some),
    }
}

fn sign_in_with_key(vault: &Vault) -> Result<(Store, User, DbKey), String> {
    let (id, key) = unlock(vault)?;
    let store = vault.open(&key, Arc::new(SystemClock)).map_err(|e| e.to_string())?;
    let user = store.user(id).map_err(|e| e.to_string())?;
    audit(&store, &user.name, AuditAction::SignIn, None, "on the command line");
    Ok((store, user, key))
}

/// The user's id and the database key, signing in against `vault` (the live record's key
/// file, or a backup's copy of it).
pub fn unlock(vault: &Vault) -> Result<(i64, DbKey), String> {
    let (id, name) = choose_user(vault)?;
    let pass = passphrase(PASSPHRASE_FILE_ENV, &format!("Passphrase for {name}: "))?;
    let key = vault.unlock(id, &pass).map_err(|e| e.to_string())?;
    Ok((id, key))
}

/// Audits a command-line action; a row that cannot be written is said, and the command goes on.
pub fn audit(store: &Store, user: &str, action: AuditAction, session_id: Option<i64>, detail: impl Into<String>) {
    let event = AuditEvent::new(holdspace_core::Clock::now(&SystemClock), user, action, session_id, detail);
    if let Err(e) = store.audit(&event) {
        eprintln!("holdspace: this action could not be written to the audit log: {e}");
    }
}

fn choose_user(vault: &Vault) -> Result<(i64, String), String> {
    let users = vault.users();
    let wanted = std::env::var(USER_ENV).ok().filter(|s| !s.trim().is_empty());
    match wanted {
        Some(w) => users
            .into_iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(w.trim()))
            .ok_or_else(|| format!("no user named {w:?} can sign in here (see `holdspace users`)")),
        None if users.len() == 1 => Ok(users[0].clone()),
        None => {
            let names: Vec<String> = users.iter().map(|(_, n)| n.clone()).collect();
            let typed = ask(&format!("User ({}): ", names.join(", ")))?;
            users
                .into_iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(typed.trim()))
                .ok_or_else(|| format!("no user named {typed:?} can sign in here"))
        }
    }
}

fn passphrase(env: &str, prompt: &str) -> Result<Passphrase, String> {
    if let Some(path) = std::env::var_os(env) {
        return Passphrase::from_file(Path::new(&path)).map_err(|e| e.to_string());
    }
    rpassword::prompt_password(prompt)
        .map(Passphrase::new)
        .map_err(|e| format!("cannot ask for the passphrase ({e}); set {env} to a file that holds it"))
}

/// A new passphrase: from the file, or typed twice.
fn new_passphrase(prompt: &str) -> Result<Passphrase, String> {
    if let Some(path) = std::env::var_os(NEW_PASSPHRASE_FILE_ENV) {
        let p = Passphrase::from_file(Path::new(&path)).map_err(|e| e.to_string())?;
        return check_new(p);
    }
    let first = rpassword::prompt_password(prompt).map_err(|e| format!("cannot ask for the passphrase ({e})"))?;
    let again = rpassword::prompt_password("The same again: ").map_err(|e| format!("cannot ask for the passphrase ({e})"))?;
    if first != again {
        return Err("the two passphrases differ; nothing was changed".into());
    }
    check_new(Passphrase::new(first))
}

fn check_new(p: Passphrase) -> Result<Passphrase, String> {
    p.checked().map_err(|e| e.to_string())
}

fn ask(prompt: &str) -> Result<String, String> {
    let mut err = std::io::stderr();
    let _ = write!(err, "{prompt}");
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| e.to_string())?;
    Ok(line.trim().to_string())
}

/// `holdspace users`: who can use the record.
pub fn users(data_dir: &Path, out: &mut dyn Write) -> Result<(), String> {
    let Some((store, _)) = open_existing(data_dir)? else {
        return Err(format!("no record yet in {}: open the Holdspace window to create the first user", data_dir.display()));
    };
    let mut text = format!("{:>4}  {:<32}  {:<18}  {:<10}  {}\n", "ID", "NAME", "ROLE", "STATE", "PIN");
    for u in store.users().map_err(|e| e.to_string())? {
        text += &format!(
            "{:>4}  {:<32}  {:<18}  {:<10}  {}\n",
            u.id,
            u.name,
            u.role.label(),
            if u.active { "active" } else { "deactivated" },
            if u.has_pin { "set" } else { "-" }
        );
    }
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

/// `holdspace users init`: the first user of a new (or pre-encryption) record, for scripts;
/// prints the recovery key once.
pub fn init(data_dir: &Path, name: &str, role: &str, out: &mut dyn Write) -> Result<(), String> {
    let role = Role::parse(role).ok_or_else(|| format!("--role {role:?}: use therapist, prescriber or clinical_director"))?;
    holdspace_core::store::create_private_dir(data_dir).map_err(|e| e.to_string())?;
    let _lock = DataDir::open(data_dir).map_err(|e| e.to_string())?;
    let pass = new_passphrase(&format!("New passphrase for {name}: "))?;
    let created = vault::create(data_dir, &NewUser { name: name.into(), role }, &pass, Arc::new(SystemClock), KdfParams::DEFAULT)
        .map_err(|e| e.to_string())?;
    audit(&created.store, &created.user.name, AuditAction::UserAdded, None, format!("first user {} ({}), on the command line", created.user.name, created.user.role.as_str()));
    writeln!(
        out,
        "{} ({}) can sign in.\nRecovery key (shown once; keep it apart from this computer):\n\n    {}\n\n\
         Without a passphrase or this recovery key the record cannot be recovered by anyone.",
        created.user.name,
        created.user.role.label(),
        created.recovery.display().as_str()
    )
    .map_err(|e| e.to_string())
}

/// `holdspace passwd`: the signed-in user's new passphrase.
pub fn passwd(data_dir: &Path, out: &mut dyn Write) -> Result<(), String> {
    let (folder, _lock) = folder(data_dir)?;
    let Folder::Encrypted(mut vault) = folder else {
        return Err(format!("no encrypted record in {}", data_dir.display()));
    };
    let (id, name) = choose_user(&vault)?;
    let current = passphrase(PASSPHRASE_FILE_ENV, &format!("Current passphrase for {name}: "))?;
    let key = vault.unlock(id, &current).map_err(|e| e.to_string())?;
    let store = vault.open(&key, Arc::new(SystemClock)).map_err(|e| e.to_string())?;
    let user = store.user(id).map_err(|e| e.to_string())?;
    let next = new_passphrase(&format!("New passphrase for {name}: "))?;
    vault.set_passphrase(&key, &user, &next).map_err(|e| e.to_string())?;
    audit(&store, &name, AuditAction::PassphraseChanged, None, "own passphrase, on the command line");
    writeln!(out, "The passphrase of {name} was changed.").map_err(|e| e.to_string())
}

/// `holdspace recover`: with the recovery key, a user gets a new passphrase.
pub fn recover(data_dir: &Path, out: &mut dyn Write) -> Result<(), String> {
    let (folder, _lock) = folder(data_dir)?;
    let Folder::Encrypted(mut vault) = folder else {
        return Err(format!("no encrypted record in {}", data_dir.display()));
    };
    let typed = match std::env::var_os(RECOVERY_KEY_FILE_ENV) {
        Some(p) => holdspace_core::files::read_small(Path::new(&p), 1024)
            .map_err(|e| format!("{}: {e}", Path::new(&p).display()))?
            .unwrap_or_default(),
        None => rpassword::prompt_password("Recovery key: ").map_err(|e| format!("cannot ask for the recovery key ({e})"))?,
    };
    let recovery = RecoveryKey::parse(&typed).map_err(|e| e.to_string())?;
    let key = vault.recover(&recovery).map_err(|e| e.to_string())?;
    let store = vault.open(&key, Arc::new(SystemClock)).map_err(|e| e.to_string())?;
    let (id, name) = choose_user(&vault)?;
    let user = store.user(id).map_err(|e| e.to_string())?;
    let next = new_passphrase(&format!("New passphrase for {name}: "))?;
    vault.set_passphrase(&key, &user, &next).map_err(|e| e.to_string())?;
    audit(&store, &name, AuditAction::Recovery, None, "new passphrase given with the recovery key, on the command line");
    writeln!(out, "{name} can sign in with the new passphrase.").map_err(|e| e.to_string())
}

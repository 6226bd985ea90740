//! Signing in, locking and users: the window's side of the vault (`holdspace_core::vault`).

use crate::access::{AccessStatus, FirstRun, FolderState};
use crate::error::{CmdResult, IpcError};
use crate::state::{app_clock, AppState};
use holdspace_core::store::{NewUser, Role, User};
use holdspace_core::vault::{self, KdfParams, Passphrase};
use holdspace_core::audit::AuditAction;
use holdspace_core::{Clock, Error, ErrorKind};
use crate::audit::{record, record_by};
use tauri::{Emitter, Manager, State};

fn status_of(state: &AppState) -> AccessStatus {
    let lock_after = state.preferences().lock_after_min();
    let session_open = state.ready_any().ok().and_then(|r| r.store.open_session().ok().flatten()).is_some();
    state.access().status(lock_after, session_open)
}

/// Tells every screen who is signed in and whether the screen is locked.
pub fn access_changed(app: &tauri::AppHandle) -> AccessStatus {
    let status = status_of(&app.state::<AppState>());
    let _ = app.emit(crate::events::name::ACCESS_CHANGED, status.clone());
    status
}

/// The signed-in user, for commands that act in their name.
pub fn signed_in(state: &AppState) -> CmdResult<User> {
    state.access().user.clone().ok_or_else(|| IpcError::new(ErrorKind::NotSignedIn, "Sign in first."))
}

pub fn require_director(state: &AppState) -> CmdResult<User> {
    let me = signed_in(state)?;
    if me.role != Role::ClinicalDirector {
        return Err(IpcError::new(ErrorKind::Invalid, "Only a clinical director can change the clinic's users and settings."));
    }
    Ok(me)
}

/// Checks `passphrase` against `user_id`'s wrap, counting wrong tries (the growing wait).
fn check_passphrase(state: &AppState, user_id: i64, passphrase: &str) -> CmdResult<holdspace_core::vault::DbKey> {
    let now = app_clock().now();
    let mut access = state.access();
    access.attempts.check(now)?;
    let vault = access.vault.as_ref().ok_or_else(|| IpcError::new(ErrorKind::NotSignedIn, "There is no record to sign in to yet."))?;
    match vault.unlock(user_id, &Passphrase::new(passphrase)) {
        Ok(key) => {
            access.attempts.succeeded();
            Ok(key)
        }
        Err(e @ Error::WrongSecret { .. }) => {
            let name = vault.users().into_iter().find(|(id, _)| *id == user_id).map(|(_, n)| n).unwrap_or_else(|| format!("user {user_id}"));
            access.attempts.failed(now);
            drop(access);
            record_by(state, &name, AuditAction::SignInFailed, None, "wrong passphrase");
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// After a sign-in or unlock: the record open, entries written in this user's name, the
/// app's background work started once.
fn signed_in_as(app: &tauri::AppHandle, state: &AppState, user: User, key: holdspace_core::vault::DbKey) -> CmdResult<()> {
    if let Ok(ready) = state.ready_any() {
        ready.set_author(&user.name);
    }
    {
        let mut access = state.access();
        access.key = Some(key);
        access.user = Some(user);
        access.locked = false;
        access.pin_failures = 0;
    }
    crate::app::after_sign_in(app);
    Ok(())
}

#[tauri::command(async)]
pub fn access_status(state: State<'_, AppState>) -> AccessStatus {
    status_of(&state)
}

/// The first run: the clinic's first user, the encrypted record (a record from before
/// encryption is encrypted now), and the recovery key to show once.
#[tauri::command(async)]
pub fn create_first_user(app: tauri::AppHandle, state: State<'_, AppState>, name: String, role: Role, passphrase: String) -> CmdResult<FirstRun> {
    let folder = state.access().folder;
    if !matches!(folder, FolderState::New | FolderState::Plaintext) {
        return Err(IpcError::new(ErrorKind::Invalid, "This record already has users: sign in instead."));
    }
    let passphrase = Passphrase::new_checked(passphrase)?;
    let created = vault::create(&state.data_dir, &NewUser { name, role }, &passphrase, app_clock(), KdfParams::DEFAULT)?;
    let recovery_key = created.recovery.display().to_string();
    let user = created.user.clone();
    {
        let mut access = state.access();
        access.folder = FolderState::Encrypted;
        access.vault = Some(created.vault);
    }
    state.open_with(created.store, created.key.subkey(vault::JOURNAL_PURPOSE))?;
    signed_in_as(&app, &state, user.clone(), created.key)?;
    let how = if folder == FolderState::Plaintext { "; the existing record was encrypted" } else { "" };
    record_by(&state, &user.name, AuditAction::UserAdded, None, format!("first user {} ({}){how}", user.name, user.role.as_str()));
    record_by(&state, &user.name, AuditAction::SignIn, None, "in the window, at the first run");
    access_changed(&app);
    Ok(FirstRun { user, recovery_key, encrypted_existing: folder == FolderState::Plaintext })
}

#[tauri::command(async)]
pub fn sign_in(app: tauri::AppHandle, state: State<'_, AppState>, user_id: i64, passphrase: String) -> CmdResult<AccessStatus> {
    let was_locked = {
        let access = state.access();
        access.locked && access.user.is_some()
    };
    let key = check_passphrase(&state, user_id, &passphrase)?;
    if state.ready_any().is_err() {
        let store = {
            let access = state.access();
            let vault = access.vault.as_ref().ok_or_else(|| IpcError::new(ErrorKind::NotSignedIn, "There is no record yet."))?;
            vault.open(&key, app_clock())?
        };
        state.open_with(store, key.subkey(vault::JOURNAL_PURPOSE))?;
    }
    let user = state.ready_any()?.store.user(user_id)?;
    if !user.active {
        return Err(IpcError::new(ErrorKind::NotSignedIn, format!("{} is deactivated and cannot sign in.", user.name)));
    }
    let name = user.name.clone();
    signed_in_as(&app, &state, user, key)?;
    if was_locked {
        record_by(&state, &name, AuditAction::Unlock, None, "passphrase");
    } else {
        record_by(&state, &name, AuditAction::SignIn, None, "in the window");
    }
    Ok(access_changed(&app))
}

/// Locks the screen (Alt+L, or the idle time). Music and the timer go on.
#[tauri::command(async)]
pub fn lock_screen(app: tauri::AppHandle, state: State<'_, AppState>) -> AccessStatus {
    {
        let mut access = state.access();
        if access.user.is_some() && !access.locked {
            access.locked = true;
            drop(access);
            record(&state, AuditAction::Lock, None, "");
        }
    }
    access_changed(&app)
}

#[tauri::command(async)]
pub fn unlock_with_passphrase(app: tauri::AppHandle, state: State<'_, AppState>, user_id: i64, passphrase: String) -> CmdResult<AccessStatus> {
    sign_in(app, state, user_id, passphrase)
}

/// The PIN lifts the lock for the user who was signed in, a few wrong tries at most.
#[tauri::command(async)]
pub fn unlock_with_pin(app: tauri::AppHandle, state: State<'_, AppState>, user_id: i64, pin: String) -> CmdResult<AccessStatus> {
    let ready = state.ready_any()?;
    {
        let mut access = state.access();
        let same = access.user.as_ref().is_some_and(|u| u.id == user_id);
        if !same || !access.pin_allowed() {
            return Err(IpcError::new(ErrorKind::NotSignedIn, "Unlock with the passphrase."));
        }
        let hash = ready.store.pin_hash(user_id)?.unwrap_or_default();
        if !vault::pin_matches(&hash, &pin) {
            access.pin_failures += 1;
            let left = vault::PIN_TRIES.saturating_sub(access.pin_failures);
            let name = access.user.as_ref().map(|u| u.name.clone()).unwrap_or_default();
            drop(access);
            record_by(&state, &name, AuditAction::SignInFailed, None, "wrong PIN at the lock screen");
            access_changed(&app);
            let message = if left == 0 {
                "That PIN does not open the record. Unlock with the passphrase now.".to_string()
            } else {
                format!("That PIN does not open the record ({left} more {} before the passphrase is needed).", if left == 1 { "try" } else { "tries" })
            };
            return Err(IpcError::new(ErrorKind::WrongSecret, message));
        }
        access.locked = false;
        access.pin_failures = 0;
    }
    record(&state, AuditAction::Unlock, None, "PIN");
    Ok(access_changed(&app))
}

#[tauri::command(async)]
pub fn set_pin(app: tauri::AppHandle, state: State<'_, AppState>, pin: Option<String>) -> CmdResult<AccessStatus> {
    let me = signed_in(&state)?;
    let ready = state.ready()?;
    let hash = match pin.as_deref() {
        Some(p) => Some(vault::hash_pin(p)?),
        None => None,
    };
    ready.store.set_pin_hash(me.id, hash.as_deref())?;
    let user = ready.store.user(me.id)?;
    {
        let mut access = state.access();
        access.user = Some(user);
        access.pin_failures = 0;
    }
    record(&state, AuditAction::PinChanged, None, if pin.is_some() { "PIN set" } else { "PIN removed" });
    Ok(access_changed(&app))
}

#[tauri::command(async)]
pub fn list_users(state: State<'_, AppState>) -> CmdResult<Vec<User>> {
    Ok(state.ready()?.store.users()?)
}

/// A director adds a user with their first passphrase.
#[tauri::command(async)]
pub fn add_user(app: tauri::AppHandle, state: State<'_, AppState>, name: String, role: Role, passphrase: String) -> CmdResult<User> {
    let me = require_director(&state)?;
    let passphrase = Passphrase::new_checked(passphrase)?;
    let ready = state.ready()?;
    let user = ready.store.add_user(&NewUser { name, role }, Some(me.id))?;
    {
        let mut access = state.access();
        let access = &mut *access;
        let (Some(vault), Some(key)) = (access.vault.as_mut(), access.key.as_ref()) else {
            return Err(IpcError::new(ErrorKind::NotSignedIn, "Sign in first."));
        };
        vault.set_passphrase(key, &user, &passphrase)?;
    }
    record_by(&state, &me.name, AuditAction::UserAdded, None, format!("{} ({})", user.name, user.role.as_str()));
    access_changed(&app);
    Ok(user)
}

/// A director deactivates a user: they can no longer sign in; their entries keep their name.
#[tauri::command(async)]
pub fn deactivate_user(app: tauri::AppHandle, state: State<'_, AppState>, user_id: i64) -> CmdResult<User> {
    let me = require_director(&state)?;
    if me.id == user_id {
        return Err(IpcError::new(ErrorKind::Invalid, "You cannot deactivate yourself; another director can."));
    }
    let user = state.ready()?.store.deactivate_user(user_id, me.id)?;
    {
        let mut access = state.access();
        let access = &mut *access;
        if let (Some(vault), Some(key)) = (access.vault.as_mut(), access.key.as_ref()) {
            vault.remove_user(key, user_id)?;
        }
    }
    record_by(&state, &me.name, AuditAction::UserDeactivated, None, user.name.clone());
    access_changed(&app);
    Ok(user)
}

#[tauri::command(async)]
pub fn change_passphrase(state: State<'_, AppState>, current: String, next: String) -> CmdResult<()> {
    let me = signed_in(&state)?;
    state.ready()?;
    let next = Passphrase::new_checked(next)?;
    let key = check_passphrase(&state, me.id, &current)?;
    let mut access = state.access();
    let vault = access.vault.as_mut().ok_or_else(|| IpcError::new(ErrorKind::NotSignedIn, "Sign in first."))?;
    vault.set_passphrase(&key, &me, &next)?;
    drop(access);
    record_by(&state, &me.name, AuditAction::PassphraseChanged, None, "own passphrase, in the window");
    Ok(())
}

#[tauri::command(async)]
pub fn set_lock_after(app: tauri::AppHandle, state: State<'_, AppState>, minutes: u32) -> CmdResult<AccessStatus> {
    let me = require_director(&state)?;
    state.ready()?;
    if !holdspace_core::preferences::LOCK_AFTER_MIN_RANGE.contains(&minutes) {
        return Err(IpcError::new(ErrorKind::Invalid, "Lock after: choose 1 to 60 minutes."));
    }
    state.update_preferences(|p| p.lock_after_min = Some(minutes)).map_err(|e| {
        eprintln!("holdspace: writing {}: {e}", holdspace_core::preferences::FILE);
        IpcError::new(ErrorKind::Io, format!("The setting could not be saved in the data folder ({}).", state.data_dir.display()))
    })?;
    record_by(&state, &me.name, AuditAction::SettingsChanged, None, format!("screen locks after {minutes} min without input"));
    Ok(access_changed(&app))
}

/// A signature: the signed-in user's identity plus their passphrase typed again, recorded
/// with its meaning (21 CFR Part 11).
pub fn verify_signer(state: &AppState, passphrase: &str) -> CmdResult<User> {
    let me = signed_in(state)?;
    check_passphrase(state, me.id, passphrase).map_err(|e| {
        if e.kind == ErrorKind::WrongSecret {
            IpcError::new(ErrorKind::WrongSecret, "That passphrase is not yours: the session was not signed. Type your passphrase again.")
        } else {
            e
        }
    })?;
    Ok(me)
}

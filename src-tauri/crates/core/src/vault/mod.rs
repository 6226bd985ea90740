//! Encryption at rest. The database is an SQLCipher file keyed by a random 256-bit key that is
//! never typed; the key file beside it holds that key wrapped by each user's passphrase and by
//! a recovery key shown once at the first run. Without a passphrase or the recovery key the
//! record cannot be read, by anyone, on purpose.
//!
//! Files in the data folder: `holdspace.sqlite3` (encrypted), `holdspace.keys` (the wraps). A
//! new or upgraded database is built as `holdspace.sqlite3.encrypting` beside the old one with
//! `holdspace.keys.pending`, and both are moved into place by renames, so a crash at any point
//! leaves either the old state or the new one (`settle` finishes or discards the rest).

mod attempts;
mod keyfile;
mod migrate;
mod pin;
mod secret;
mod wrap;

pub use attempts::Attempts;
pub use keyfile::{KeyFile, UserWrap, KEY_FILE};
pub use pin::{hash_pin, pin_matches, validate_pin, PIN_TRIES};
pub use secret::{is_sealed, DbKey, Passphrase, RecoveryKey, SealKey, PASSPHRASE_MIN_CHARS};

/// The purpose the journal of waiting entries is sealed for (`DbKey::subkey`).
pub const JOURNAL_PURPOSE: &[u8] = b"holdspace pending-entries journal v1";
pub use wrap::KdfParams;
#[cfg(test)]
pub(crate) use wrap::TEST_KDF;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::{NewUser, Store, User, DB_FILE};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const BUILDING: &str = "holdspace.sqlite3.encrypting";
const PENDING_KEYS: &str = "holdspace.keys.pending";
/// What every plain SQLite file starts with; an SQLCipher file starts with random bytes.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// What the data folder holds, after any interrupted first run or upgrade was settled.
#[derive(Debug)]
pub enum Folder {
    /// No database yet: the first run creates the first user.
    New,
    /// A database from before encryption: creating the first user encrypts it.
    Plaintext,
    /// An encrypted database and its key file: a user signs in.
    Encrypted(Vault),
}

/// The key file of an encrypted database, read but not yet unlocked.
#[derive(Debug)]
pub struct Vault {
    dir: PathBuf,
    file: KeyFile,
    kdf: KdfParams,
}

/// What the first run gives back: the open store, the user, and the recovery key to show once.
pub struct Created {
    pub vault: Vault,
    pub key: DbKey,
    pub store: Store,
    pub user: User,
    pub recovery: RecoveryKey,
}

/// Finishes or discards an interrupted first run or upgrade, then says what the folder holds.
/// Nothing that holds the record is ever removed here: only a half-built copy beside it.
pub fn settle(dir: &Path) -> Result<Folder> {
    settle_with(dir, true)
}

/// What the folder holds, moving nothing: for another process while the app holds the folder
/// (a first run under way there is not ours to finish or discard).
pub fn settle_read_only(dir: &Path) -> Result<Folder> {
    settle_with(dir, false)
}

fn settle_with(dir: &Path, repair: bool) -> Result<Folder> {
    let db = dir.join(DB_FILE);
    let keys = dir.join(KEY_FILE);
    let pending = dir.join(PENDING_KEYS);
    let db_kind = file_kind(&db)?;
    if !repair && (pending.exists() || dir.join(BUILDING).exists()) {
        return Err(Error::Unavailable { message: "Holdspace is setting up the record right now; try again in a minute".into() });
    }
    if pending.exists() {
        if db_kind == FileKind::Encrypted {
            // The database was moved into place; only the key file's rename was left.
            std::fs::rename(&pending, &keys).map_err(|e| dir_error(dir, "cannot finish moving the key file", e))?;
            crate::files::sync_dir(&keys).map_err(|e| dir_error(dir, "cannot flush the data folder", e))?;
        } else {
            remove_building(dir)?;
        }
    } else if dir.join(BUILDING).exists() {
        remove_building(dir)?;
    }
    let key_file = KeyFile::read(&keys)?;
    match (db_kind, key_file) {
        (FileKind::Missing, None) => Ok(Folder::New),
        (FileKind::Plaintext, None) => Ok(Folder::Plaintext),
        (FileKind::Encrypted, Some(file)) => Ok(Folder::Encrypted(Vault { dir: dir.to_path_buf(), file, kdf: KdfParams::DEFAULT })),
        // Ciphertext and a damaged file look alike: say both.
        (FileKind::Encrypted, None) => Err(Error::Corrupt {
            path: db,
            detail: format!(
                "it is not a plain SQLite file and there is no key file ({}) beside it. If it is an \
                 encrypted Holdspace record, put its key file back from a backup; otherwise the file is damaged",
                keys.display()
            ),
        }),
        (FileKind::Missing, Some(_)) => Err(Error::KeyFile {
            detail: format!(
                "{} is there but the database {} is missing. Put the database back from a backup, or move \
                 the key file away to start a new, empty record",
                keys.display(),
                db.display()
            ),
        }),
        (FileKind::Plaintext, Some(_)) => Err(Error::KeyFile {
            detail: format!(
                "{} belongs to an encrypted database, but {} is not encrypted (an older copy put back?). \
                 Move one of them away",
                keys.display(),
                db.display()
            ),
        }),
    }
}

/// The first run: a new encrypted database (or the encrypted copy of a plaintext one, verified
/// row by row), its first user, and the key file. The plaintext file, if any, is replaced only
/// once the encrypted copy is complete and verified.
pub fn create(dir: &Path, first: &NewUser, passphrase: &Passphrase, clock: Arc<dyn Clock>, kdf: KdfParams) -> Result<Created> {
    let first = first.validated()?;
    let folder = settle(dir)?;
    let plaintext = match folder {
        Folder::New => false,
        Folder::Plaintext => true,
        Folder::Encrypted(_) => {
            return Err(Error::invalid("user", "this record already has users; sign in instead"));
        }
    };
    let key = DbKey::random()?;
    let recovery = RecoveryKey::random()?;
    let database_id = random_id()?;
    let building = dir.join(BUILDING);
    remove_building(dir)?;
    if plaintext {
        migrate::export_verified(&dir.join(DB_FILE), &building, &key)?;
        crash_point("exported");
    }
    let user = {
        let store = Store::open_encrypted(&building, &key, clock.clone())?;
        store.set_database_id(&database_id)?;
        let user = store.add_user(&first, None)?;
        store.checkpoint()?;
        user
    };
    crash_point("built");
    let recovery_wrap = wrap::wrap(&key, recovery.as_bytes(), &format!("holdspace-key/1|{database_id}|recovery"), kdf)?;
    let mut file = KeyFile::new(database_id, recovery_wrap);
    let aad = file.aad_user(user.id);
    file.users.push(UserWrap { user_id: user.id, name: user.name.clone(), key: wrap::wrap(&key, passphrase.as_bytes(), &aad, kdf)? });
    let mut vault = Vault { dir: dir.to_path_buf(), file, kdf };
    vault.seal(&key)?;
    vault.file.write(&dir.join(PENDING_KEYS))?;
    crash_point("keys-written");
    migrate::swap_into_place(&building, &dir.join(DB_FILE), plaintext)?;
    crash_point("swapped");
    std::fs::rename(dir.join(PENDING_KEYS), dir.join(KEY_FILE))
        .map_err(|e| dir_error(dir, "cannot move the key file into place", e))?;
    crate::files::sync_dir(&dir.join(KEY_FILE)).map_err(|e| dir_error(dir, "cannot flush the data folder", e))?;
    let store = Store::open_encrypted(&dir.join(DB_FILE), &key, clock)?;
    Ok(Created { vault, key, store, user, recovery })
}

/// A plain SQLite connection to an encrypted database, keyed: for tools and tests that act as
/// another SQLite program on the file (a backup, a reader, a lock holder).
pub fn open_raw(path: &Path, key: &DbKey) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&key.pragma("main"))?;
    Ok(conn)
}

/// Derives one key with `kdf` (for the benchmark: what a sign-in costs).
pub fn measure_kdf(kdf: KdfParams) -> Result<()> {
    wrap::wrap(&DbKey::random()?, b"a passphrase of typical length", "bench", kdf).map(drop)
}

/// An encrypted, verified copy of a plaintext Holdspace database at `dest` (a new file), for
/// the benchmark's comparison and for copies made from a plaintext file.
pub fn encrypt_copy(plain: &Path, dest: &Path, key: &DbKey) -> Result<()> {
    migrate::export_verified(plain, dest, key)
}

impl Vault {
    /// Who can sign in (their names are not health data; nothing else is shown before unlock).
    pub fn users(&self) -> Vec<(i64, String)> {
        self.file.users.iter().map(|u| (u.user_id, u.name.clone())).collect()
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.join(DB_FILE)
    }

    /// The database key, if `passphrase` is this user's.
    pub fn unlock(&self, user_id: i64, passphrase: &Passphrase) -> Result<DbKey> {
        let wrap = self
            .file
            .users
            .iter()
            .find(|u| u.user_id == user_id)
            .ok_or_else(|| Error::NotSignedIn("that user cannot sign in here (deactivated or unknown)".into()))?;
        let key = wrap::unwrap(&wrap.key, passphrase.as_bytes(), &self.file.aad_user(user_id))?
            .ok_or(Error::WrongSecret { what: "That passphrase" })?;
        self.check_seal(&key)?;
        Ok(key)
    }

    /// The database key from the recovery key, when every passphrase is forgotten.
    pub fn recover(&self, recovery: &RecoveryKey) -> Result<DbKey> {
        let key = wrap::unwrap(&self.file.recovery, recovery.as_bytes(), &self.file.aad_recovery())?
            .ok_or(Error::WrongSecret { what: "That recovery key" })?;
        self.check_seal(&key)?;
        Ok(key)
    }

    /// Opens the database with an unlocked key, checking that key file and database belong
    /// together.
    pub fn open(&self, key: &DbKey, clock: Arc<dyn Clock>) -> Result<Store> {
        let store = Store::open_encrypted(&self.db_path(), key, clock)?;
        if store.database_id()?.as_deref() != Some(self.file.database_id.as_str()) {
            return Err(Error::WrongKey { path: self.db_path() });
        }
        Ok(store)
    }

    /// Sets (or replaces) a user's passphrase: the same database key, wrapped anew. Written
    /// whole or not at all.
    pub fn set_passphrase(&mut self, key: &DbKey, user: &User, passphrase: &Passphrase) -> Result<()> {
        if !user.active {
            return Err(Error::invalid("user", format!("{} is deactivated", user.name)));
        }
        let aad = self.file.aad_user(user.id);
        let wrapped = wrap::wrap(key, passphrase.as_bytes(), &aad, self.kdf)?;
        let mut next = self.file.clone();
        next.users.retain(|u| u.user_id != user.id);
        next.users.push(UserWrap { user_id: user.id, name: user.name.clone(), key: wrapped });
        next.users.sort_by_key(|u| u.user_id);
        self.commit(key, next)
    }

    /// Removes a deactivated user's wrap: they can no longer unlock the database.
    pub fn remove_user(&mut self, key: &DbKey, user_id: i64) -> Result<()> {
        let mut next = self.file.clone();
        next.users.retain(|u| u.user_id != user_id);
        if next.users.is_empty() {
            return Err(Error::invalid("user", "at least one person must be able to sign in"));
        }
        self.commit(key, next)
    }

    /// A fresh recovery key (the old one stops working); shown once.
    pub fn new_recovery_key(&mut self, key: &DbKey) -> Result<RecoveryKey> {
        let recovery = RecoveryKey::random()?;
        let mut next = self.file.clone();
        next.recovery = wrap::wrap(key, recovery.as_bytes(), &next.aad_recovery(), self.kdf)?;
        self.commit(key, next)?;
        Ok(recovery)
    }

    /// Lowers the key-derivation cost for fast tests of code built on the vault.
    pub fn with_kdf(mut self, kdf: KdfParams) -> Vault {
        self.kdf = kdf;
        self
    }

    fn commit(&mut self, key: &DbKey, next: KeyFile) -> Result<()> {
        let previous = std::mem::replace(&mut self.file, next);
        let written = self.seal(key).and_then(|()| self.file.write(&self.dir.join(KEY_FILE)));
        if written.is_err() {
            self.file = previous;
        }
        written
    }

    fn seal(&mut self, key: &DbKey) -> Result<()> {
        let (nonce, tag) = wrap::seal(key, &self.file.sealed_text())?;
        self.file.seal_nonce = nonce;
        self.file.seal = tag;
        Ok(())
    }

    fn check_seal(&self, key: &DbKey) -> Result<()> {
        if wrap::seal_holds(key, &self.file.sealed_text(), &self.file.seal_nonce, &self.file.seal) {
            Ok(())
        } else {
            Err(Error::KeyFile {
                detail: format!("{} was edited outside Holdspace (its seal does not match)", self.dir.join(KEY_FILE).display()),
            })
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Missing,
    Plaintext,
    Encrypted,
}

/// Reads the first 16 bytes. Only called while this process has no connection to the file:
/// closing another descriptor of an open SQLite file would drop its locks (see `store`).
fn file_kind(path: &Path) -> Result<FileKind> {
    use std::io::Read;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Missing),
        Err(e) => return Err(Error::DataDir { path: path.to_path_buf(), detail: e.to_string() }),
    };
    if !meta.is_file() {
        return Err(Error::DataDir { path: path.to_path_buf(), detail: "it is not a regular file".into() });
    }
    if meta.len() == 0 {
        return Ok(FileKind::Plaintext);
    }
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path).map_err(|e| Error::DataDir { path: path.to_path_buf(), detail: e.to_string() })?;
    let n = f.read(&mut head).map_err(|e| Error::DataDir { path: path.to_path_buf(), detail: e.to_string() })?;
    Ok(if n == 16 && &head == SQLITE_MAGIC { FileKind::Plaintext } else { FileKind::Encrypted })
}

fn remove_building(dir: &Path) -> Result<()> {
    for name in [BUILDING.to_string(), format!("{BUILDING}-wal"), format!("{BUILDING}-shm"), PENDING_KEYS.to_string()] {
        match std::fs::remove_file(dir.join(&name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(dir_error(dir, &format!("cannot remove the unfinished {name}"), e)),
        }
    }
    Ok(())
}

fn random_id() -> Result<String> {
    let mut b = [0u8; 16];
    secret::fill_random(&mut b)?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn dir_error(dir: &Path, what: &str, e: std::io::Error) -> Error {
    Error::DataDir { path: dir.to_path_buf(), detail: format!("{what}: {e}") }
}

/// Tests of a crash during the first run stop the process at a named point
/// (`HOLDSPACE_TEST_CRASH_AT`); compiled into tests only.
#[cfg(test)]
fn crash_point(name: &str) {
    if std::env::var("HOLDSPACE_TEST_CRASH_AT").as_deref() == Ok(name) {
        std::process::abort();
    }
}
#[cfg(not(test))]
fn crash_point(_: &str) {}

#[cfg(test)]
mod tests;

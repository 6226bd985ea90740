//! The clinic's users: who may open the record, in which role. Added and deactivated by a
//! clinical director; never deleted, so every entry keeps its author.

use super::rows::ms_to_time;
use super::Store;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Therapist,
    Prescriber,
    ClinicalDirector,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Therapist, Role::Prescriber, Role::ClinicalDirector];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Therapist => "therapist",
            Role::Prescriber => "prescriber",
            Role::ClinicalDirector => "clinical_director",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Therapist => "Therapist",
            Role::Prescriber => "Prescriber",
            Role::ClinicalDirector => "Clinical director",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct User {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub active: bool,
    pub has_pin: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
}

impl NewUser {
    pub fn validated(&self) -> Result<NewUser> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(Error::invalid("name", "type the person's name as it should appear on the record"));
        }
        if name.chars().count() > 80 {
            return Err(Error::invalid("name", "use at most 80 characters"));
        }
        if let Some(p) = holdspace_monitoring::name_problem("name", name) {
            return Err(Error::invalid("name", p));
        }
        Ok(NewUser { name: name.to_string(), role: self.role })
    }
}

const COLUMNS: &str = "id, name, role, created_at_ms, deactivated_at_ms IS NULL, pin_hash IS NOT NULL";

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(2)?;
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Therapist),
        created_at: ms_to_time(r.get(3)?),
        active: r.get(4)?,
        has_pin: r.get(5)?,
    })
}

impl Store {
    /// Adds a user; `by` is the director adding them (`None` only for the first user).
    pub fn add_user(&self, new: &NewUser, by: Option<i64>) -> Result<User> {
        let new = new.validated()?;
        let now = self.clock.now().timestamp_millis();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let taken: Option<i64> =
            tx.query_row("SELECT id FROM users WHERE name = ?1", [&new.name], |r| r.get(0)).optional()?;
        if taken.is_some() {
            return Err(Error::invalid("name", format!("{} already has an account; use another form of the name", new.name)));
        }
        tx.execute(
            "INSERT INTO users (name, role, created_at_ms, created_by) VALUES (?1, ?2, ?3, ?4)",
            params![new.name, new.role.as_str(), now, by],
        )?;
        let id = tx.last_insert_rowid();
        let user = tx.query_row(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), [id], user_from_row)?;
        tx.commit()?;
        Ok(user)
    }

    pub fn users(&self) -> Result<Vec<User>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM users ORDER BY id"))?;
        let rows = stmt.query_map([], user_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn user(&self, id: i64) -> Result<User> {
        self.conn()
            .query_row(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), [id], user_from_row)
            .optional()?
            .ok_or_else(|| Error::NotFound { what: format!("user {id}") })
    }

    /// Marks a user inactive; their entries keep their name. The last active director stays.
    pub fn deactivate_user(&self, id: i64, by: i64) -> Result<User> {
        let now = self.clock.now().timestamp_millis();
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let role: Option<String> = tx
            .query_row("SELECT role FROM users WHERE id = ?1 AND deactivated_at_ms IS NULL", [id], |r| r.get(0))
            .optional()?;
        let Some(role) = role else { return Err(Error::NotFound { what: format!("active user {id}") }) };
        if role == Role::ClinicalDirector.as_str() {
            let directors: i64 = tx.query_row(
                "SELECT count(*) FROM users WHERE role = 'clinical_director' AND deactivated_at_ms IS NULL",
                [],
                |r| r.get(0),
            )?;
            if directors <= 1 {
                return Err(Error::invalid("user", "this is the only active clinical director; add another one first"));
            }
        }
        tx.execute(
            "UPDATE users SET deactivated_at_ms = ?2, deactivated_by = ?3, pin_hash = NULL WHERE id = ?1",
            params![id, now, by],
        )?;
        let user = tx.query_row(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), [id], user_from_row)?;
        tx.commit()?;
        Ok(user)
    }

    pub fn set_pin_hash(&self, id: i64, hash: Option<&str>) -> Result<()> {
        let n = self.conn().execute("UPDATE users SET pin_hash = ?2 WHERE id = ?1 AND deactivated_at_ms IS NULL", params![id, hash])?;
        if n == 0 {
            return Err(Error::NotFound { what: format!("active user {id}") });
        }
        Ok(())
    }

    pub fn pin_hash(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT pin_hash FROM users WHERE id = ?1 AND deactivated_at_ms IS NULL", [id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// The id the key file names, or `None` for a database made before encryption.
    pub fn database_id(&self) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT database_id FROM database_identity WHERE only_row = 1", [], |r| r.get(0))
            .optional()?)
    }

    pub(crate) fn set_database_id(&self, id: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO database_identity (only_row, database_id) VALUES (1, ?1)
             ON CONFLICT(only_row) DO UPDATE SET database_id = excluded.database_id",
            [id],
        )?;
        Ok(())
    }
}

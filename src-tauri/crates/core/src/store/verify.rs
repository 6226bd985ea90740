//! Verification of the hash chains through the app's connection (`crate::chain`).

use super::Store;
use crate::chain::{AccessLogCheck, ChainCheck};
use crate::error::Result;

impl Store {
    /// Recomputes the chain of every session (or the one named; an unknown id is `NotFound`).
    pub fn verify_chains(&self, only: Option<i64>) -> Result<Vec<ChainCheck>> {
        crate::chain::verify_connection(&self.conn(), only)
    }

    /// Recomputes the access log's chain.
    pub fn verify_access_log(&self) -> Result<AccessLogCheck> {
        crate::chain::verify_access_log(&self.conn())
    }
}

//! Audio engine: see README.

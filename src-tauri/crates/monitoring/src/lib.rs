//! Monitoring domain: see README.

//! attest: document integrity and provenance for public statements.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod archive;
pub mod audit;
pub mod canon;
pub mod diff;
pub mod digest;
pub mod fsutil;
pub mod input;
pub mod keys;
pub mod manifest;
pub mod report;
pub mod sign;
pub mod verify;

pub use sign::{sign, Destination, SignError, SignRequest, SignWarning, Signed};

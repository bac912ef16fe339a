//! attest: document integrity and provenance for public statements.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod canon;
pub mod digest;
pub mod input;

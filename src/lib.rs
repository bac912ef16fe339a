//! attest: document integrity and provenance for public statements.
//!
//! The library is the product; the `attest` command is a thin shell around it. The three jobs are
//! library calls that take typed inputs and return typed reports, and never print:
//!
//! - [`verify()`]: look a received copy up in an [`Archive`] and judge it against a [`TrustStore`],
//!   giving a [`VerifyReport`] with a [`Verdict`];
//! - [`audit()`]: check every manifest of an archive and each issuer's chain, giving an
//!   [`AuditReport`];
//! - signing a statement into an archive (module `sign`).
//!
//! Formats are specified in `docs/SPEC.md`; the layers are described in the project's
//! architecture notes (digests and files, canonical text, input decoding, keys, manifests, the
//! archive, trust, the jobs, reports).
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
pub mod verify;

pub use archive::{Archive, ArchiveError, DirArchive, MemoryArchive};
pub use audit::{audit, Options as AuditOptions};
pub use keys::{IssuerKey, KeyId, SecretKey, TrustStore};
pub use manifest::{Manifest, ManifestError};
pub use report::{AuditReport, ProblemKind, Verdict, VerifyReport, WarningKind};
pub use verify::{verify, Options as VerifyOptions, ReceivedCopy};

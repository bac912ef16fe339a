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
//! ```
//! use attest::manifest::{sign_statement, NewStatement};
//! use attest::{MemoryArchive, ReceivedCopy, SecretKey, TrustStore, Verdict, VerifyOptions};
//!
//! // The issuer signs a statement (here into an archive held in memory).
//! let key = SecretKey::generate("Lantern Coast Legal Aid Collective")?;
//! let text = "We call for the release of the detained lawyers.\n";
//! let canonical = attest::canon::canonicalize(text);
//! let statement = NewStatement {
//!     bytes: text.as_bytes(),
//!     canonical: &canonical,
//!     title: "Release the lawyers".into(),
//!     date: "2026-03-08".into(),
//!     languages: vec!["en".into()],
//!     file_name: "statement.txt".into(),
//! };
//! let manifest = sign_statement(&key, &statement, 1, None)?;
//! let mut archive = MemoryArchive::new("example");
//! archive.insert("lantern/000001.json", manifest.to_json());
//!
//! // A verifier who trusts the issuer's public key checks a re-wrapped copy.
//! let mut trust = TrustStore::default();
//! trust.add(key.public(), "lantern.pub".into())?;
//! let copy = ReceivedCopy::from_bytes(
//!     "copy.txt",
//!     b"We call for the release\r\nof the detained lawyers.\r\n",
//! )?;
//! let report = attest::verify(&copy, &archive, &trust, &VerifyOptions::default())?;
//! assert_eq!(report.verdict, Verdict::Reformatted);
//! assert_eq!(report.issuer.as_deref(), Some("Lantern Coast Legal Aid Collective"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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
pub mod sign;
pub mod trust;
pub mod verify;
pub mod wire;

pub use archive::{Archive, ArchiveError, DirArchive, MemoryArchive};
pub use audit::{audit, Options as AuditOptions};
pub use keys::{IssuerKey, KeyId, SecretKey, TrustStore};
pub use manifest::{Manifest, ManifestError};
pub use report::{AuditReport, ProblemKind, Verdict, VerifyReport, WarningKind};
pub use sign::{
    cosign, sign, sign_joint, CosignError, Cosigned, Destination, SignError, SignRequest,
    SignWarning, Signed,
};
pub use verify::{verify, Options as VerifyOptions, ReceivedCopy};

//! Finding the head of an issuer's chain without parsing the whole archive.
//!
//! `sign` needs only a few fields of each manifest: its issuer, its sequence number, the ids of the
//! keys that claim to have signed it, and the digest of the exact bytes it signed (for the "already
//! signed" warning). [`read_headers`] reads just those, in parallel, with a minimal serde struct that
//! skips everything else. A header is a hint, never a verdict: [`chain_head`] then reads and checks
//! in full only the head candidates, the manifests of the issuer with the highest sequence number that
//! name a key the caller accepts, and counts one only when the caller's test (a valid signature by an
//! accepted key) holds for the checked manifest. A candidate that fails the full check does not count,
//! and the next best takes its place.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::digest::Digest;
use crate::manifest::{Manifest, ManifestError};

use super::MAX_MANIFEST_BYTES;

/// The fields of a manifest that `sign` needs to find a chain head, read without checking anything
/// else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The manifest file.
    pub path: PathBuf,
    /// The issuer it names.
    pub issuer: String,
    /// Its sequence number.
    pub seq: u64,
    /// The key ids of its signatures, as written (unchecked).
    pub key_ids: Vec<String>,
    /// The digest of the exact bytes it claims to sign.
    pub exact_digest: Digest,
    /// The co-signers a joint manifest names (docs/SPEC.md §3.5), as written (unchecked): their
    /// chains hold it too.
    pub cosigners: Vec<CosignerHeader>,
}

/// A co-signer named by a joint manifest, as its header gives it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct CosignerHeader {
    /// The co-signing issuer.
    pub issuer: String,
    /// The manifest's position in its chain.
    pub seq: u64,
    /// The key named to co-sign.
    pub key_id: String,
}

impl Header {
    /// The header as `issuer`'s chain sees it: itself for its own issuer; for a co-signer it
    /// names, a header at the co-signer's position naming the co-signer's key (a hint: the full
    /// check, [`read_counted`], decides).
    pub fn as_link_of(&self, issuer: &str) -> Option<Header> {
        if self.issuer == issuer {
            return Some(self.clone());
        }
        let c = self.cosigners.iter().find(|c| c.issuer == issuer)?;
        Some(Header {
            path: self.path.clone(),
            issuer: issuer.to_string(),
            seq: c.seq,
            key_ids: vec![c.key_id.clone()],
            exact_digest: self.exact_digest,
            cosigners: Vec::new(),
        })
    }
}

/// The header fields on the wire. serde skips every other field (as `serde::de::IgnoredAny`) without
/// building it, which is what makes the scan light.
#[derive(serde::Deserialize)]
struct HeaderWire {
    /// Any JSON value: only whether it is this attest's manifest format matters here.
    #[serde(default)]
    format: Option<serde_json::Value>,
    issuer: String,
    seq: u64,
    statement: StatementHeaderWire,
    signatures: Vec<SignatureHeaderWire>,
    #[serde(default)]
    cosigners: Option<Vec<CosignerHeader>>,
}

#[derive(serde::Deserialize)]
struct StatementHeaderWire {
    exact_digest: Digest,
}

#[derive(serde::Deserialize)]
struct SignatureHeaderWire {
    key_id: String,
}

/// Why a manifest's header could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HeaderError {
    /// The file could not be read.
    #[error("cannot read it")]
    Read(#[source] std::io::Error),
    /// The file is larger than any manifest.
    #[error("it is larger than {limit} bytes; this is not a manifest")]
    TooLarge {
        /// [`MAX_MANIFEST_BYTES`].
        limit: u64,
    },
    /// The JSON is not an object (serde would otherwise read an array's items as the fields in
    /// order).
    #[error("it is not a JSON object; a manifest is one JSON object")]
    NotAnObject,
    /// Not JSON, or the header fields are missing or of the wrong type.
    #[error("it is not a manifest")]
    Json(#[source] serde_json::Error),
    /// A manifest in a format (or canonical text version) this attest does not read: perhaps written
    /// by a newer attest.
    #[error("it is a manifest in a format this attest does not read (upgrade attest)")]
    UnknownFormat,
    /// A JSON object whose `format` is not a manifest's (or that has none): some other file.
    #[error("it is JSON, but not a manifest (its format member does not name one)")]
    OtherFormat,
}

impl HeaderError {
    /// Why a file whose header fails so is left out of the search for a chain head.
    pub fn skip_reason(&self) -> SkipReason {
        match self {
            HeaderError::Read(_) => SkipReason::Unreadable,
            HeaderError::TooLarge { .. } => SkipReason::TooLarge,
            HeaderError::NotAnObject => SkipReason::NotAnObject,
            HeaderError::Json(_) => SkipReason::NotAManifest,
            HeaderError::OtherFormat => SkipReason::OtherFormat,
            HeaderError::UnknownFormat => SkipReason::UnknownFormat,
        }
    }
}

/// Refuse JSON that is not an object: its first byte after JSON white space must be `{`.
fn check_object(json: &[u8]) -> Result<(), HeaderError> {
    let first = json
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    match first {
        Some(b'{') => Ok(()),
        _ => Err(HeaderError::NotAnObject),
    }
}

/// Parse the header fields of manifest JSON. Anything but a JSON object is refused.
pub fn parse_header(json: &[u8], path: &Path) -> Result<Header, HeaderError> {
    check_object(json)?;
    let parsed: Result<HeaderWire, _> = serde_json::from_slice(json);
    let kind = || match super::sniff_bytes(json) {
        super::Sniffed::OtherJson => Some(HeaderError::OtherFormat),
        super::Sniffed::Manifest if !current_format(json) => Some(HeaderError::UnknownFormat),
        _ => None,
    };
    let wire = match parsed {
        Ok(wire) => wire,
        Err(e) => return Err(kind().unwrap_or(HeaderError::Json(e))),
    };
    let current = wire.format.as_ref().and_then(serde_json::Value::as_str)
        == Some(crate::manifest::MANIFEST_FORMAT);
    if !current {
        return Err(kind().unwrap_or(HeaderError::OtherFormat));
    }
    Ok(Header {
        path: path.to_path_buf(),
        issuer: wire.issuer,
        seq: wire.seq,
        key_ids: wire.signatures.into_iter().map(|s| s.key_id).collect(),
        exact_digest: wire.statement.exact_digest,
        cosigners: wire.cosigners.unwrap_or_default(),
    })
}

/// Whether manifest JSON names the format this attest reads (`format` exactly
/// [`crate::manifest::MANIFEST_FORMAT`]).
fn current_format(json: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct FormatOnly {
        format: Option<serde_json::Value>,
    }
    crate::wire::from_slice::<FormatOnly>(json).is_ok_and(|f| {
        f.format.as_ref().and_then(|v| v.as_str()) == Some(crate::manifest::MANIFEST_FORMAT)
    })
}

/// Read a file of at most [`MAX_MANIFEST_BYTES`] bytes.
fn read_limited(path: &Path) -> Result<Vec<u8>, HeaderError> {
    let file = std::fs::File::open(path).map_err(HeaderError::Read)?;
    // Sized from the file's length (when it is plausible), so that a manifest takes one read.
    let len = file.metadata().map_or(0, |m| m.len());
    let mut bytes = Vec::with_capacity(len.min(MAX_MANIFEST_BYTES) as usize + 1);
    file.take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(HeaderError::Read)?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(HeaderError::TooLarge {
            limit: MAX_MANIFEST_BYTES,
        });
    }
    Ok(bytes)
}

/// Read the header of one manifest file.
pub fn read_header(path: &Path) -> Result<Header, HeaderError> {
    parse_header(&read_limited(path)?, path)
}

/// Why a file was left out of the search for a chain head. Stable snake_case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Listing the archive met something it could not use (an unreadable directory, a symbolic
    /// link).
    ArchiveWalk,
    /// The file could not be read.
    Unreadable,
    /// The file is larger than any manifest.
    TooLarge,
    /// The file is JSON, but not a JSON object.
    NotAnObject,
    /// The file is not JSON, or lacks a manifest's fields.
    NotAManifest,
    /// The file is a JSON object of another format (a statement kept as JSON, a key file).
    OtherFormat,
    /// A manifest in a format (or canonical text version) this attest does not read.
    UnknownFormat,
    /// A hidden directory, not entered.
    HiddenDirectory,
    /// A head candidate that failed the full check of its form.
    InvalidManifest,
    /// A head candidate without a valid signature by a key accepted for the issuer.
    NotValidlySigned,
}

/// A file left out, with why.
#[derive(Debug)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// Why, as a kind.
    pub reason: SkipReason,
    /// Why, for people (without the path).
    pub detail: String,
}

impl Skipped {
    fn header(path: PathBuf, err: HeaderError) -> Skipped {
        Skipped {
            path,
            reason: err.skip_reason(),
            detail: error_chain(&err),
        }
    }
}

/// An error and its causes on one line.
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Read the headers of `files` in parallel and keep those that `keep` accepts (so that only the few
/// headers the caller needs stay in memory), with the files whose header could not be read.
pub fn read_headers(
    files: &[PathBuf],
    keep: impl Fn(&Header) -> bool + Sync,
) -> (Vec<Header>, Vec<Skipped>) {
    let results: Vec<Result<Header, Skipped>> = files
        .par_iter()
        .filter_map(|path| match read_header(path) {
            Ok(h) => keep(&h).then_some(Ok(h)),
            Err(e) => Some(Err(Skipped::header(path.clone(), e))),
        })
        .collect();
    let mut headers = Vec::new();
    let mut skipped = Vec::new();
    for r in results {
        match r {
            Ok(h) => headers.push(h),
            Err(s) => skipped.push(s),
        }
    }
    (headers, skipped)
}

/// Read and check in full the manifest a header came from, and apply `counts` to it. The manifest
/// must still be the issuer's manifest at the header's position.
pub fn read_counted(
    header: &Header,
    counts: impl Fn(&Manifest) -> bool,
) -> Result<Manifest, Skipped> {
    let skipped = |reason, detail| Skipped {
        path: header.path.clone(),
        reason,
        detail,
    };
    let bytes = read_limited(&header.path)
        .and_then(|b| check_object(&b).map(|()| b))
        .map_err(|e| Skipped::header(header.path.clone(), e))?;
    let manifest = Manifest::parse(&bytes).map_err(|e: ManifestError| {
        let reason = match e.kind() {
            "unknown_format" | "unknown_canon_version" => SkipReason::UnknownFormat,
            _ => SkipReason::InvalidManifest,
        };
        skipped(reason, error_chain(&e))
    })?;
    if manifest.position_of(&header.issuer).map(|p| p.0) != Some(header.seq) {
        return Err(skipped(
            SkipReason::InvalidManifest,
            "it changed while it was being read".into(),
        ));
    }
    if !counts(&manifest) {
        return Err(skipped(
            SkipReason::NotValidlySigned,
            format!(
                "it names a key of {:?} but has no valid signature by a key accepted for that issuer",
                header.issuer
            ),
        ));
    }
    Ok(manifest)
}

/// The head of an issuer's chain in an archive, as `sign` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainHead {
    /// No manifest of this issuer yet.
    Empty,
    /// The latest manifest.
    Head {
        /// Its sequence number.
        seq: u64,
        /// Its digest.
        digest: Digest,
        /// Its file.
        path: PathBuf,
    },
    /// Two different manifests share the highest sequence number.
    Fork {
        /// The contested sequence number.
        seq: u64,
        /// The files.
        paths: Vec<PathBuf>,
    },
}

/// Find the head of a chain among `candidates`, the headers of the issuer's manifests that name an
/// accepted key: the manifest with the highest `seq` among those that pass the full check and that
/// `counts` accepts. The signer passes "signed by my key, or by a key my trust store trusts for me",
/// so an impostor's manifest can never move or block the chain. Only the candidates at the highest
/// sequence number are read in full; when none of them counts, the next lower sequence number is
/// tried. Returns the head and the candidates that did not count.
pub fn chain_head(
    candidates: &[Header],
    counts: impl Fn(&Manifest) -> bool,
) -> (ChainHead, Vec<Skipped>) {
    let mut by_seq: Vec<&Header> = candidates.iter().collect();
    by_seq.sort_by(|a, b| b.seq.cmp(&a.seq).then_with(|| a.path.cmp(&b.path)));
    let mut skipped = Vec::new();
    for group in by_seq.chunk_by(|a, b| a.seq == b.seq) {
        let mut heads: Vec<(Digest, PathBuf)> = Vec::new();
        for header in group {
            match read_counted(header, &counts) {
                Ok(m) => {
                    if heads.iter().all(|(d, _)| *d != m.digest()) {
                        heads.push((m.digest(), header.path.clone()));
                    }
                }
                Err(s) => skipped.push(s),
            }
        }
        let seq = group[0].seq;
        match heads.len() {
            0 => continue,
            1 => {
                let (digest, path) = heads.remove(0);
                return (ChainHead::Head { seq, digest, path }, skipped);
            }
            _ => {
                let paths = heads.into_iter().map(|(_, p)| p).collect();
                return (ChainHead::Fork { seq, paths }, skipped);
            }
        }
    }
    (ChainHead::Empty, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canon;
    use crate::keys::SecretKey;
    use crate::manifest::{sign_statement, NewStatement};

    const ISSUER: &str = "Harbour Rights Lawyers Network";

    fn manifest(key: &SecretKey, text: &str, seq: u64, prev: Option<Digest>) -> Manifest {
        let c = canon::canonicalize(text);
        let st = NewStatement {
            bytes: text.as_bytes(),
            canonical: &c,
            title: "Open letter".into(),
            date: "2026-03-08".into(),
            languages: vec!["en".into()],
            file_name: "letter.txt".into(),
        };
        sign_statement(key, &st, seq, prev).unwrap()
    }

    fn write(dir: &Path, name: &str, m: &Manifest) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, m.to_json()).unwrap();
        p
    }

    #[test]
    fn header_reads_issuer_seq_key_ids_and_exact_digest_only() {
        let key = SecretKey::generate(ISSUER).unwrap();
        let text = "We call for the release of the detained lawyers.\n";
        let m = manifest(&key, text, 1, None);
        let h = parse_header(m.to_json().as_bytes(), Path::new("a.json")).unwrap();
        assert_eq!(h.issuer, ISSUER);
        assert_eq!(h.seq, 1);
        assert_eq!(h.key_ids, vec![key.key_id().to_string()]);
        assert_eq!(h.exact_digest, Digest::of(text.as_bytes()));
        assert_eq!(h.path, Path::new("a.json"));
    }

    #[test]
    fn joint_manifest_header_is_a_link_of_each_named_cosigner_at_its_position() {
        let json = br#"{"format": "attest-manifest/2", "issuer": "Lantern Group", "seq": 4,
            "statement": {"exact_digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000"},
            "cosigners": [{"issuer": "Riverside Committee", "key_id": "k9", "seq": 2, "prev": null}],
            "signatures": [{"key_id": "k1"}, {"key_id": "k9"}]}"#;
        let h = parse_header(json, Path::new("j.json")).unwrap();
        assert_eq!(h.as_link_of("Lantern Group"), Some(h.clone()));
        let r = h.as_link_of("Riverside Committee").unwrap();
        assert_eq!((r.issuer.as_str(), r.seq), ("Riverside Committee", 2));
        assert_eq!(r.key_ids, vec!["k9"]);
        assert_eq!(h.as_link_of("Someone Else"), None);
    }

    #[test]
    fn header_ignores_fields_it_does_not_need_even_malformed_ones() {
        let json = br#"{"format": "attest-manifest/2", "issuer": "Lantern Group", "seq": 4, "prev": [1, 2],
            "statement": {"exact_digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000", "title": null},
            "canonical": {"paragraphs": {"nested": [true]}},
            "signatures": [{"key_id": "k1", "signature": 5}, {"key_id": "k2"}]}"#;
        let h = parse_header(json, Path::new("x.json")).unwrap();
        assert_eq!((h.issuer.as_str(), h.seq), ("Lantern Group", 4));
        assert_eq!(h.key_ids, vec!["k1", "k2"]);
    }

    #[test]
    fn manifest_written_as_json_array_is_not_a_header() {
        let key = SecretKey::generate(ISSUER).unwrap();
        let m = manifest(&key, "A statement.\n", 1, None);
        // The same fields in order, as an array: serde's derived struct reader accepts this form,
        // so the header reader must refuse it explicitly.
        let v: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
        let fields: Vec<serde_json::Value> = ["format", "issuer", "seq", "statement", "signatures"]
            .iter()
            .map(|f| v[f].clone())
            .collect();
        let array = serde_json::to_vec(&fields).unwrap();
        assert!(serde_json::from_slice::<HeaderWire>(&array).is_ok());
        let err = parse_header(&array, Path::new("a.json")).unwrap_err();
        assert!(matches!(err, HeaderError::NotAnObject), "{err:?}");
        let mut spaced = b" \n\t".to_vec();
        spaced.extend_from_slice(&array);
        assert!(matches!(
            parse_header(&spaced, Path::new("a.json")),
            Err(HeaderError::NotAnObject)
        ));
        assert!(matches!(
            parse_header(b"\"text\"", Path::new("a.json")),
            Err(HeaderError::NotAnObject)
        ));
    }

    #[test]
    fn header_without_a_needed_field_is_not_a_manifest() {
        let err = parse_header(
            br#"{"format": "attest-manifest/2", "issuer": "A", "seq": 1}"#,
            Path::new("a.json"),
        )
        .unwrap_err();
        assert!(matches!(err, HeaderError::Json(_)), "{err:?}");
        // Without a manifest's format it is some other JSON file, not a damaged manifest.
        let err = parse_header(br#"{"issuer": "A", "seq": 1}"#, Path::new("a.json")).unwrap_err();
        assert!(matches!(err, HeaderError::OtherFormat), "{err:?}");
        let err = parse_header(b"{not json", Path::new("a.json")).unwrap_err();
        assert!(matches!(err, HeaderError::Json(_)), "{err:?}");
    }

    #[test]
    fn read_headers_keeps_what_is_asked_and_reports_the_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate(ISSUER).unwrap();
        let other = SecretKey::generate("Lantern Lawyers Group").unwrap();
        let a = write(dir.path(), "a.json", &manifest(&key, "One.\n", 1, None));
        let b = write(dir.path(), "b.json", &manifest(&other, "Two.\n", 1, None));
        let c = dir.path().join("c.json");
        std::fs::write(&c, "[]").unwrap();
        let missing = dir.path().join("gone.json");
        let files = vec![a.clone(), b, c.clone(), missing.clone()];
        let (headers, skipped) = read_headers(&files, |h| h.issuer == ISSUER);
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[0].path, a);
        let mut reasons: Vec<(PathBuf, SkipReason)> =
            skipped.into_iter().map(|s| (s.path, s.reason)).collect();
        reasons.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            reasons,
            vec![
                (c, SkipReason::NotAnObject),
                (missing, SkipReason::Unreadable)
            ]
        );
    }

    #[test]
    fn chain_head_is_the_highest_counted_seq_and_impostors_do_not_count() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate(ISSUER).unwrap();
        let impostor = SecretKey::generate(ISSUER).unwrap();
        let m1 = manifest(&key, "One.\n", 1, None);
        let m2 = manifest(&key, "Two.\n", 2, Some(m1.digest()));
        let fake = manifest(&impostor, "Withdrawn.\n", 9, Some(m2.digest()));
        let p1 = write(dir.path(), "1.json", &m1);
        let p2 = write(dir.path(), "2.json", &m2);
        let pf = write(dir.path(), "9.json", &fake);
        let own = key.public().key;
        // The impostor's header names its own key id; even offered as a candidate (say, by a
        // careless caller), its manifest does not count.
        let (headers, _) = read_headers(&[p1, p2.clone(), pf.clone()], |_| true);
        let (head, skipped) = chain_head(&headers, |m| m.signed_by(&own));
        assert_eq!(
            head,
            ChainHead::Head {
                seq: 2,
                digest: m2.digest(),
                path: p2
            }
        );
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].path, pf);
        assert_eq!(skipped[0].reason, SkipReason::NotValidlySigned);
    }

    #[test]
    fn broken_head_candidate_falls_back_to_the_next_best() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate(ISSUER).unwrap();
        let m1 = manifest(&key, "One.\n", 1, None);
        let m2 = manifest(&key, "Two.\n", 2, Some(m1.digest()));
        let p1 = write(dir.path(), "1.json", &m1);
        // seq 2's title is altered after signing: the header still reads, the full check refuses.
        let tampered = m2.to_json().replace("Open letter", "Closed letter");
        let p2 = dir.path().join("2.json");
        std::fs::write(&p2, tampered).unwrap();
        let own = key.public().key;
        let (headers, _) = read_headers(&[p1.clone(), p2.clone()], |_| true);
        let (head, skipped) = chain_head(&headers, |m| m.signed_by(&own));
        assert_eq!(
            head,
            ChainHead::Head {
                seq: 1,
                digest: m1.digest(),
                path: p1
            }
        );
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].reason, SkipReason::NotValidlySigned);
    }

    #[test]
    fn two_different_manifests_at_the_head_are_a_fork_but_one_copied_twice_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate(ISSUER).unwrap();
        let m1 = manifest(&key, "One.\n", 1, None);
        let a = manifest(&key, "Two.\n", 2, Some(m1.digest()));
        let b = manifest(&key, "Another two.\n", 2, Some(m1.digest()));
        let p1 = write(dir.path(), "1.json", &m1);
        let pa = write(dir.path(), "2a.json", &a);
        let pa_copy = write(dir.path(), "2a-copy.json", &a);
        let own = key.public().key;
        let (headers, _) = read_headers(&[p1.clone(), pa.clone(), pa_copy], |_| true);
        let (head, _) = chain_head(&headers, |m| m.signed_by(&own));
        assert!(matches!(head, ChainHead::Head { seq: 2, .. }), "{head:?}");
        let pb = write(dir.path(), "2b.json", &b);
        let (headers, _) = read_headers(&[p1, pa, pb], |_| true);
        let (head, _) = chain_head(&headers, |m| m.signed_by(&own));
        let ChainHead::Fork { seq, paths } = head else {
            panic!("{head:?}")
        };
        assert_eq!(seq, 2);
        assert_eq!(paths.len(), 2);
    }

    #[test]
    fn no_candidates_is_an_empty_chain() {
        let (head, skipped) = chain_head(&[], |_| true);
        assert_eq!(head, ChainHead::Empty);
        assert!(skipped.is_empty());
    }
}

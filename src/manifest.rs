//! Manifests: the signed record of one released statement (docs/SPEC.md §3).
//!
//! [`ManifestWire`] is the JSON on disk; [`Manifest`] is the checked form that the verifier and
//! auditor accept (parse, don't validate). Signatures are over a domain-separated, canonical encoding
//! of the manifest without its signatures: `attest/v1 manifest` || 0x00 || JCS(body) (RFC 8785).

use std::path::Path;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canon::{self, Layout, CANON_VERSION};
use crate::digest::Digest;
use crate::keys::{self, KeyId, SecretKey, TrustStore};

/// Format tag of a manifest.
pub const MANIFEST_FORMAT: &str = "attest-manifest/1";
/// Domain-separation label for manifest signatures. A signature made for any other purpose (another
/// label) never verifies as a manifest signature.
pub const MANIFEST_SIGNING_CONTEXT: &str = "attest/v1 manifest";
/// Largest sequence number: JSON integers above 2^53 - 1 are not portable (RFC 8785 §3.2.2.3).
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// A manifest as stored on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestWire {
    /// Always [`MANIFEST_FORMAT`].
    pub format: String,
    /// The issuer whose chain this manifest belongs to.
    pub issuer: String,
    /// Position in the issuer's chain, from 1.
    pub seq: u64,
    /// Digest of the issuer's previous manifest (null for seq 1). Required, even when null.
    #[serde(deserialize_with = "required_nullable")]
    pub prev: Option<Digest>,
    /// What was signed.
    pub statement: StatementWire,
    /// The canonical text and its digests.
    pub canonical: CanonicalWire,
    /// One or more signatures over the body.
    pub signatures: Vec<SignatureWire>,
}

/// Statement metadata and the digest of its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementWire {
    /// Title.
    pub title: String,
    /// Date of the statement, `YYYY-MM-DD` (as asserted by the issuer).
    pub date: String,
    /// Languages (BCP 47 tags such as `en`, `zh`), where known.
    pub languages: Vec<String>,
    /// The statement's file name when signed (a bare name, no directories).
    pub file_name: String,
    /// SHA-256 of the exact bytes signed.
    pub exact_digest: Digest,
    /// Length of the exact bytes.
    pub exact_size: u64,
}

/// The canonical text, its digest, per-paragraph digests and the original's layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanonicalWire {
    /// Always [`CANON_VERSION`].
    pub version: String,
    /// Canonical digest (SHA-256 of the canonical stream).
    pub digest: Digest,
    /// SHA-256 of each paragraph.
    pub paragraph_digests: Vec<Digest>,
    /// The canonical paragraphs (the canonical text is these joined by a blank line).
    pub paragraphs: Vec<String>,
    /// Layout fingerprints of the signed bytes, so a verifier can name what a copy changed.
    pub layout: Layout,
}

/// One signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureWire {
    /// Key id of the signing key.
    pub key_id: String,
    /// The signing public key (base64), so that signatures by unknown keys can still be reported.
    pub public_key: String,
    /// Ed25519 signature (base64, 64 bytes).
    pub signature: String,
}

/// Why a manifest was rejected before any signature was checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// Not JSON, wrong types, unknown fields.
    #[error("not a valid manifest: {0}")]
    Json(String),
    /// A field has an invalid value.
    #[error("invalid manifest: {0}")]
    Invalid(String),
    /// A format version this attest does not know.
    #[error(
        "unsupported manifest format {0:?} (this attest reads {MANIFEST_FORMAT}); upgrade attest"
    )]
    UnknownFormat(String),
}

/// A checked signature entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureEntry {
    /// Key id (matches `public_key`).
    pub key_id: KeyId,
    /// The claimed signing key.
    pub public_key: VerifyingKey,
    /// The signature.
    pub signature: Signature,
}

/// A manifest whose fields have all been checked for form (not yet for signatures or content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    wire: ManifestWire,
    signatures: Vec<SignatureEntry>,
    digest: Digest,
    /// The signing payload, kept so that checking signatures does not encode it again.
    payload: Vec<u8>,
}

impl TryFrom<ManifestWire> for Manifest {
    type Error = ManifestError;

    fn try_from(wire: ManifestWire) -> Result<Self, Self::Error> {
        let invalid = |s: String| ManifestError::Invalid(s);
        if wire.format != MANIFEST_FORMAT {
            return Err(ManifestError::UnknownFormat(wire.format));
        }
        keys::check_issuer(&wire.issuer).map_err(|e| invalid(e.to_string()))?;
        if wire.seq == 0 || wire.seq > MAX_SEQ {
            return Err(invalid(format!("seq must be between 1 and {MAX_SEQ}")));
        }
        match (wire.seq, &wire.prev) {
            (1, Some(_)) => return Err(invalid("seq 1 must have prev null".into())),
            (s, None) if s > 1 => {
                return Err(invalid(format!("seq {s} must name its prev manifest")))
            }
            _ => {}
        }
        check_date(&wire.statement.date).map_err(invalid)?;
        check_file_name(&wire.statement.file_name).map_err(invalid)?;
        check_title(&wire.statement.title).map_err(invalid)?;
        for lang in &wire.statement.languages {
            check_language(lang).map_err(invalid)?;
        }
        if wire.canonical.version != CANON_VERSION {
            return Err(invalid(format!(
                "unsupported canonicalization {:?} (this attest implements {CANON_VERSION})",
                wire.canonical.version
            )));
        }
        if wire.canonical.paragraphs.is_empty() {
            return Err(invalid("the canonical text has no paragraphs".into()));
        }
        if wire
            .canonical
            .paragraphs
            .iter()
            .any(|p| p.is_empty() || p.contains("\n\n"))
        {
            return Err(invalid(
                "a canonical paragraph is empty or contains a blank line".into(),
            ));
        }
        if wire.canonical.paragraph_digests.len() != wire.canonical.paragraphs.len() {
            return Err(invalid(
                "paragraph_digests and paragraphs differ in length".into(),
            ));
        }
        if wire.signatures.is_empty() {
            return Err(invalid("the manifest has no signatures".into()));
        }
        let mut signatures = Vec::with_capacity(wire.signatures.len());
        for (i, s) in wire.signatures.iter().enumerate() {
            let n = i + 1;
            let public_key = keys::parse_verifying_key(&s.public_key)
                .map_err(|e| invalid(format!("signature {n}: {e}")))?;
            let key_id: KeyId = s
                .key_id
                .parse()
                .map_err(|e| invalid(format!("signature {n}: {e}")))?;
            if key_id != KeyId::of(&public_key) {
                return Err(invalid(format!(
                    "signature {n}: the key id does not match the key"
                )));
            }
            let bytes: [u8; 64] = BASE64
                .decode(&s.signature)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| invalid(format!("signature {n}: not 64 bytes of base64")))?;
            signatures.push(SignatureEntry {
                key_id,
                public_key,
                signature: Signature::from_bytes(&bytes),
            });
        }
        let payload = signing_payload(&wire)?;
        let digest = Digest::of(&payload);
        Ok(Manifest {
            wire,
            signatures,
            digest,
            payload,
        })
    }
}

impl Manifest {
    /// Parse manifest JSON.
    pub fn parse(json: &[u8]) -> Result<Manifest, ManifestError> {
        let wire: ManifestWire =
            serde_json::from_slice(json).map_err(|e| ManifestError::Json(e.to_string()))?;
        Manifest::try_from(wire)
    }

    /// The wire form.
    pub fn wire(&self) -> &ManifestWire {
        &self.wire
    }

    /// The issuer whose chain this is.
    pub fn issuer(&self) -> &str {
        &self.wire.issuer
    }

    /// Sequence number.
    pub fn seq(&self) -> u64 {
        self.wire.seq
    }

    /// Previous manifest's digest.
    pub fn prev(&self) -> Option<Digest> {
        self.wire.prev
    }

    /// The manifest digest: SHA-256 of its signing payload. The next manifest's `prev` names it.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// The checked signatures.
    pub fn signatures(&self) -> &[SignatureEntry] {
        &self.signatures
    }

    /// The canonical text (paragraphs joined by a blank line).
    pub fn canonical_text(&self) -> String {
        self.wire.canonical.paragraphs.join("\n\n")
    }

    /// Pretty JSON for the archive (ends with a newline).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.wire).expect("manifest serializes");
        s.push('\n');
        s
    }

    /// Check the canonical text against the digests it claims. Returns a description of each mismatch.
    pub fn content_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let c = &self.wire.canonical;
        let text = self.canonical_text();
        let recanonical = canon::canonicalize(&text);
        if recanonical.text != text {
            problems.push("the stored canonical text is not in canonical form".to_string());
        }
        if canon::stream_digest(&text) != c.digest {
            problems.push("the canonical text does not match the canonical digest".to_string());
        }
        for (i, (p, d)) in c.paragraphs.iter().zip(&c.paragraph_digests).enumerate() {
            if Digest::of(p.as_bytes()) != *d {
                problems.push(format!("paragraph {} does not match its digest", i + 1));
            }
        }
        problems
    }

    /// Whether `key` made a valid signature on this manifest.
    pub fn signed_by(&self, key: &VerifyingKey) -> bool {
        let payload = &self.payload;
        self.signatures
            .iter()
            .any(|s| s.public_key == *key && key.verify_strict(payload, &s.signature).is_ok())
    }

    /// Whether a signature names a key that the trust store holds for this manifest's issuer (without
    /// checking the signature: a cheap test for sorting candidates, never a verdict).
    pub fn names_trusted_key(&self, trust: &TrustStore) -> bool {
        self.signatures.iter().any(|s| {
            trust
                .get(&s.key_id)
                .is_some_and(|t| t.key.issuer == self.issuer() && t.key.key == s.public_key)
        })
    }

    /// Check every signature against the trust store.
    pub fn check_signatures(&self, trust: &TrustStore) -> Vec<SignatureCheck> {
        let payload = &self.payload;
        self.signatures
            .iter()
            .map(|s| {
                let valid = s.public_key.verify_strict(payload, &s.signature).is_ok();
                let status = match (valid, trust.get(&s.key_id)) {
                    (false, _) => SignatureStatus::Invalid,
                    (true, Some(t)) if t.key.key == s.public_key => SignatureStatus::Trusted {
                        issuer: t.key.issuer.clone(),
                    },
                    (true, _) => SignatureStatus::UnknownKey,
                };
                SignatureCheck {
                    key_id: s.key_id,
                    status,
                }
            })
            .collect()
    }
}

/// The outcome of checking one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// The key that claims to have signed.
    pub key_id: KeyId,
    /// What we found.
    pub status: SignatureStatus,
}

/// Whether a signature verifies, and whether its key is trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureStatus {
    /// Valid, by a key in the trust store, trusted for `issuer`.
    Trusted {
        /// The issuer the key is trusted for.
        issuer: String,
    },
    /// Valid, but the key is not in the trust store.
    UnknownKey,
    /// Does not verify.
    Invalid,
}

/// The trust verdict on one manifest: who validly signed it, and whether its own issuer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAssessment {
    /// Issuers with a valid signature by a key trusted for them (the manifest's issuer first).
    pub signers: Vec<String>,
    /// Whether the manifest's own issuer is among them.
    pub issuer_signed: bool,
    /// Why it is not trusted, when it is not.
    pub problems: Vec<String>,
}

impl Manifest {
    /// Assess trust: the manifest is trusted when its issuer has a valid signature by a key trusted for
    /// that issuer. Co-signers are listed too.
    pub fn assess(&self, trust: &TrustStore) -> TrustAssessment {
        self.assess_checks(self.check_signatures(trust))
    }

    /// [`Manifest::assess`] from signature checks already made (each signature is verified once).
    pub fn assess_checks(&self, checks: Vec<SignatureCheck>) -> TrustAssessment {
        let mut signers: Vec<String> = Vec::new();
        let mut problems = Vec::new();
        for check in checks {
            match check.status {
                SignatureStatus::Trusted { issuer } => {
                    if !signers.contains(&issuer) {
                        signers.push(issuer);
                    }
                }
                SignatureStatus::UnknownKey => problems.push(format!(
                    "signed by key {} which is not in the trust store",
                    check.key_id
                )),
                SignatureStatus::Invalid => problems.push(format!(
                    "the signature by key {} does not verify",
                    check.key_id
                )),
            }
        }
        let issuer_signed = signers.iter().any(|s| s == self.issuer());
        if !issuer_signed {
            let others = signers
                .iter()
                .filter(|s| *s != self.issuer())
                .collect::<Vec<_>>();
            if !others.is_empty() {
                problems.push(format!(
                    "no trusted key of {:?} signed it (trusted signers: {})",
                    self.issuer(),
                    others
                        .iter()
                        .map(|s| format!("{s:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            } else if problems.is_empty() {
                problems.push(format!("no trusted key of {:?} signed it", self.issuer()));
            }
        }
        signers.sort_by_key(|s| s != self.issuer());
        TrustAssessment {
            signers,
            issuer_signed,
            problems,
        }
    }
}

/// What `sign` needs to build a manifest.
#[derive(Debug, Clone)]
pub struct NewStatement<'a> {
    /// Exact bytes of the statement (UTF-8).
    pub bytes: &'a [u8],
    /// Its canonical form.
    pub canonical: &'a canon::Canonical,
    /// Title.
    pub title: String,
    /// Date, `YYYY-MM-DD`.
    pub date: String,
    /// Languages.
    pub languages: Vec<String>,
    /// Bare file name.
    pub file_name: String,
}

/// Build and sign a manifest at position `seq` after `prev`.
pub fn sign_statement(
    key: &SecretKey,
    statement: &NewStatement<'_>,
    seq: u64,
    prev: Option<Digest>,
) -> Result<Manifest, ManifestError> {
    let c = statement.canonical;
    let mut wire = ManifestWire {
        format: MANIFEST_FORMAT.into(),
        issuer: key.issuer().to_string(),
        seq,
        prev,
        statement: StatementWire {
            title: statement.title.clone(),
            date: statement.date.clone(),
            languages: statement.languages.clone(),
            file_name: statement.file_name.clone(),
            exact_digest: Digest::of(statement.bytes),
            exact_size: statement.bytes.len() as u64,
        },
        canonical: CanonicalWire {
            version: CANON_VERSION.into(),
            digest: c.digest,
            paragraph_digests: c.paragraph_digests(),
            paragraphs: c.paragraphs().map(str::to_string).collect(),
            layout: c.layout.clone(),
        },
        signatures: Vec::new(),
    };
    let payload = signing_payload(&wire)?;
    let public = key.public();
    wire.signatures.push(SignatureWire {
        key_id: public.key_id.to_string(),
        public_key: BASE64.encode(public.key.as_bytes()),
        signature: BASE64.encode(key.sign(&payload).to_bytes()),
    });
    Manifest::try_from(wire)
}

/// The bytes that are signed: `attest/v1 manifest` || 0x00 || JCS(manifest without `signatures`).
pub fn signing_payload(wire: &ManifestWire) -> Result<Vec<u8>, ManifestError> {
    let mut value = serde_json::to_value(wire).map_err(|e| ManifestError::Json(e.to_string()))?;
    if let Value::Object(map) = &mut value {
        map.remove("signatures");
    }
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(MANIFEST_SIGNING_CONTEXT.as_bytes());
    out.push(0);
    jcs(&value, &mut out)?;
    Ok(out)
}

/// RFC 8785 canonical JSON for the values manifests contain: objects with members sorted by UTF-16
/// code units, arrays, strings, booleans, null and integers (no floats occur; they are rejected).
pub fn jcs(value: &Value, out: &mut Vec<u8>) -> Result<(), ManifestError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => {
            let i = n
                .as_u64()
                .map(i128::from)
                .or_else(|| n.as_i64().map(i128::from));
            match i {
                Some(i) if i.unsigned_abs() <= u128::from(MAX_SEQ) => {
                    out.extend_from_slice(i.to_string().as_bytes())
                }
                _ => {
                    return Err(ManifestError::Invalid(format!(
                        "number {n} cannot be encoded"
                    )))
                }
            }
        }
        // serde_json escapes exactly as RFC 8785 requires: `"` `\` and controls, short forms for
        // \b \t \n \f \r, lowercase \u00xx otherwise, everything else literal UTF-8.
        Value::String(s) => out.extend_from_slice(
            serde_json::to_string(s)
                .expect("strings serialize")
                .as_bytes(),
        ),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                jcs(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push(b'{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(
                    serde_json::to_string(k)
                        .expect("strings serialize")
                        .as_bytes(),
                );
                out.push(b':');
                jcs(v, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

/// Deserialize a member that must be present but may be `null` (serde would otherwise treat a
/// missing `Option` member as null, and parsing would be lenient where the spec is strict).
pub fn required_nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

/// Longest title accepted, in characters.
pub const MAX_TITLE_LEN: usize = 500;

/// A title: not empty, at most 500 characters, one line, and no control, bidirectional or invisible
/// characters (a title is shown to people verifying copies and must display as what it is).
pub fn check_title(title: &str) -> Result<(), String> {
    if title.trim().is_empty() {
        return Err("the title is empty".into());
    }
    if title.chars().count() > MAX_TITLE_LEN {
        return Err(format!(
            "the title is longer than {MAX_TITLE_LEN} characters"
        ));
    }
    if title
        .chars()
        .any(|c| c.is_control() || canon::is_ignorable(c) || canon::suspicious_kind(c).is_some())
    {
        return Err(
            "the title contains line breaks, control, bidirectional or invisible characters".into(),
        );
    }
    Ok(())
}

/// A language tag: 1 to 35 ASCII letters, digits and hyphens (BCP 47 shape, e.g. `en`, `zh-Hant`).
pub fn check_language(tag: &str) -> Result<(), String> {
    if tag.is_empty()
        || tag.len() > 35
        || !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(format!(
            "language {tag:?} is not a language tag such as en or zh-Hant"
        ));
    }
    Ok(())
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn check_date(date: &str) -> Result<(), String> {
    let bad = || format!("date {date:?} is not a calendar date in the form YYYY-MM-DD");
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| {
        date.get(r)
            .filter(|s| s.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|s| s.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(bad());
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok(())
}

/// A bare file name: no directory parts, so a manifest can never point outside its directory.
pub fn check_file_name(name: &str) -> Result<(), String> {
    let path = Path::new(name);
    let bare = path.file_name().is_some_and(|f| f == path.as_os_str());
    if name.is_empty()
        || !bare
        || name.contains(['/', '\\'])
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c.is_control() || canon::suspicious_kind(c).is_some())
    {
        return Err(format!(
            "file_name {name:?} must be a bare file name with no directories"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(key: &SecretKey, text: &str) -> Manifest {
        let c = canon::canonicalize(text);
        let st = NewStatement {
            bytes: text.as_bytes(),
            canonical: &c,
            title: "Open letter".into(),
            date: "2026-03-08".into(),
            languages: vec!["en".into()],
            file_name: "letter.txt".into(),
        };
        sign_statement(key, &st, 1, None).unwrap()
    }

    fn store_with(key: &SecretKey) -> TrustStore {
        let mut t = TrustStore::default();
        t.add(key.public(), "k.pub".into()).unwrap();
        t
    }

    #[test]
    fn signed_manifest_round_trips_and_verifies() {
        let key = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        let m = sample(&key, "We call for the release of the detained lawyers.\n");
        let back = Manifest::parse(m.to_json().as_bytes()).unwrap();
        assert_eq!(back, m);
        let a = back.assess(&store_with(&key));
        assert!(a.issuer_signed, "{a:?}");
        assert!(back.content_problems().is_empty());
    }

    #[test]
    fn tampered_field_breaks_signature() {
        let key = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        let m = sample(&key, "Call +852 5550 0123 for details.\n");
        let json = m.to_json().replace("2026-03-08", "2026-03-09");
        let back = Manifest::parse(json.as_bytes()).unwrap();
        let checks = back.check_signatures(&store_with(&key));
        assert_eq!(checks[0].status, SignatureStatus::Invalid);
    }

    #[test]
    fn signature_is_domain_separated() {
        let key = SecretKey::generate("A").unwrap();
        let m = sample(&key, "Text.\n");
        let payload = signing_payload(m.wire()).unwrap();
        assert!(payload.starts_with(b"attest/v1 manifest\0{"));
        // The same body signed without the context label does not verify.
        let body = &payload[MANIFEST_SIGNING_CONTEXT.len() + 1..];
        let sig = key.sign(body);
        assert!(key.public().key.verify_strict(&payload, &sig).is_err());
    }

    #[test]
    fn jcs_sorts_members_and_escapes_like_rfc8785() {
        let v: Value =
            serde_json::json!({"b": [1, "x\u{1}\n\"é"], "a": null, "\u{e9}": true, "Z": false});
        let mut out = Vec::new();
        jcs(&v, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"Z\":false,\"a\":null,\"b\":[1,\"x\\u0001\\n\\\"é\"],\"é\":true}"
        );
    }

    proptest::proptest! {
        /// Any mutation of a valid manifest (a byte changed, or the file cut short) parses to an
        /// error or to a manifest whose checks run without panicking; it never panics.
        #[test]
        fn mutated_manifests_never_panic(
            at in proptest::prelude::any::<proptest::sample::Index>(),
            byte in proptest::prelude::any::<u8>(),
            cut in proptest::prelude::any::<bool>(),
        ) {
            let key = SecretKey::generate("A").unwrap();
            let mut json = sample(&key, "Call +852 5550 0123.\n\n律师。\n").to_json().into_bytes();
            let i = at.index(json.len());
            if cut { json.truncate(i) } else { json[i] = byte }
            if let Ok(m) = Manifest::parse(&json) {
                let _ = m.content_problems();
                let _ = m.assess(&store_with(&key));
            }
        }

        /// Arbitrary bytes never panic the parser.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = Manifest::parse(&bytes);
        }
    }

    #[test]
    fn rejects_bad_forms() {
        assert!(check_date("2026-02-29").is_err());
        assert!(check_date("2024-02-29").is_ok());
        assert!(check_date("2026-3-8").is_err());
        assert!(check_file_name("../etc/passwd").is_err());
        assert!(check_file_name("a/b.txt").is_err());
        assert!(check_file_name("letter.txt").is_ok());
        assert!(matches!(
            Manifest::parse(b"{}"),
            Err(ManifestError::Json(_))
        ));
        assert!(matches!(
            Manifest::parse(b"[1,2"),
            Err(ManifestError::Json(_))
        ));
    }
}

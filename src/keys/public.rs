//! Public keys and public key files (docs/SPEC.md §4.2).

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::{check_issuer, KeyError, KeyFileKind, KeyId, ONE_LINE_TAG, PUBLIC_KEY_FORMAT};
use crate::wire::JsonProblem;

/// Why a base64 Ed25519 public key is unusable (docs/SPEC.md §3.1, `public_key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PublicKeyError {
    /// Not strict base64.
    #[error("the public key is not valid base64")]
    Base64,
    /// Decodes to the wrong number of bytes.
    #[error("the public key is {len} bytes long, not 32")]
    Length {
        /// The decoded length.
        len: usize,
    },
    /// 32 bytes that are not the encoding of a curve point.
    #[error("the public key is not a valid Ed25519 point")]
    NotAPoint,
    /// A small-order point, which would let one signature verify for many messages.
    #[error("the public key is a weak (small-order) Ed25519 point, which attest never accepts")]
    Weak,
}

impl PublicKeyError {
    /// A stable snake_case name, used by test vectors.
    pub fn kind(&self) -> &'static str {
        match self {
            PublicKeyError::Base64 => "public_key_base64",
            PublicKeyError::Length { .. } => "public_key_length",
            PublicKeyError::NotAPoint => "public_key_not_a_point",
            PublicKeyError::Weak => "weak_public_key",
        }
    }
}

/// Decoded public keys by their base64 text. An archive holds thousands of manifests signed by a
/// handful of keys, and decompressing a point costs as much as half a signature check. Bounded, so
/// a hostile archive of distinct keys cannot grow it without limit.
const KEY_CACHE_LIMIT: usize = 1024;

thread_local! {
    static KEY_CACHE: std::cell::RefCell<HashMap<String, Result<VerifyingKey, PublicKeyError>>> =
        std::cell::RefCell::new(HashMap::new());
}

/// Decode a base64 Ed25519 public key, rejecting invalid and small-order (weak) points.
pub fn parse_verifying_key(b64: &str) -> Result<VerifyingKey, PublicKeyError> {
    if let Some(hit) = KEY_CACHE.with(|c| c.borrow().get(b64).copied()) {
        return hit;
    }
    let parsed = parse_verifying_key_uncached(b64);
    KEY_CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= KEY_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(b64.to_string(), parsed);
    });
    parsed
}

fn parse_verifying_key_uncached(b64: &str) -> Result<VerifyingKey, PublicKeyError> {
    let bytes = BASE64.decode(b64).map_err(|_| PublicKeyError::Base64)?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|b: Vec<u8>| PublicKeyError::Length { len: b.len() })?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| PublicKeyError::NotAPoint)?;
    if key.is_weak() {
        return Err(PublicKeyError::Weak);
    }
    Ok(key)
}

/// A public key and the issuer it belongs to: the content of a `.pub` file.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuerKey {
    /// The issuer named in the key file.
    pub issuer: String,
    /// The Ed25519 public key.
    pub key: VerifyingKey,
    /// Its key id.
    pub key_id: KeyId,
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IssuerKey({} {:?})", self.key_id, self.issuer)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicKeyWire {
    format: String,
    issuer: String,
    key_id: String,
    public_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

/// Check the comment of a public key file (docs/SPEC.md §4.2): not empty after trimming
/// White_Space, at most [`super::MAX_KEY_COMMENT_CHARS`] characters, and no character an issuer
/// name refuses (line breaks, tabs, controls, invisible characters), so that it displays as one line
/// that is what it says. `path` names the file (or option) in the error.
pub fn check_key_comment(comment: &str, path: &str) -> Result<(), KeyError> {
    let bad = comment.trim().is_empty()
        || comment.chars().count() > super::MAX_KEY_COMMENT_CHARS
        || comment.chars().any(crate::canon::is_hidden_in_name);
    if bad {
        return Err(KeyError::KeyComment { path: path.into() });
    }
    Ok(())
}

/// The `Json` error for a key file, keeping only serde's position (its message could quote a value).
pub(super) fn json_error(path: &str, file: KeyFileKind, e: &serde_json::Error) -> KeyError {
    KeyError::Json {
        path: path.into(),
        file,
        problem: JsonProblem::of(e),
        line: e.line(),
        column: e.column(),
    }
}

/// Check the members that public and secret key files share: issuer (§4.3), public key (§3.1) and
/// key id (§4.1), in that order.
pub(super) fn check_public_members(
    path: &str,
    issuer: &str,
    key_id: &str,
    public_key: &str,
) -> Result<(VerifyingKey, KeyId), KeyError> {
    check_issuer(issuer).map_err(|source| KeyError::IssuerInFile {
        path: path.into(),
        source,
    })?;
    let key = parse_verifying_key(public_key).map_err(|source| KeyError::PublicKey {
        path: path.into(),
        source,
    })?;
    let key_id: KeyId = key_id.parse().map_err(|source| KeyError::KeyIdSyntax {
        path: path.into(),
        source,
    })?;
    if key_id != KeyId::of(&key) {
        return Err(KeyError::KeyIdMismatch { path: path.into() });
    }
    Ok((key, key_id))
}

impl IssuerKey {
    /// Pair a key with an issuer name.
    pub fn new(issuer: String, key: VerifyingKey) -> IssuerKey {
        IssuerKey {
            issuer,
            key_id: KeyId::of(&key),
            key,
        }
    }

    /// The public key file content (JSON, ending in a newline).
    pub fn to_file_string(&self) -> String {
        self.to_file_string_with_comment(None)
    }

    /// The public key file content with an optional `comment` member (docs/SPEC.md §4.2; the
    /// caller checks it with [`check_key_comment`]).
    pub fn to_file_string_with_comment(&self, comment: Option<&str>) -> String {
        let wire = PublicKeyWire {
            format: PUBLIC_KEY_FORMAT.into(),
            issuer: self.issuer.clone(),
            key_id: self.key_id.to_string(),
            public_key: BASE64.encode(self.key.as_bytes()),
            comment: comment.map(str::to_string),
        };
        let mut s = serde_json::to_string_pretty(&wire).expect("plain struct serializes");
        s.push('\n');
        s
    }

    /// The one-line form to publish: `attest-ed25519 <key id> <base64 key> <issuer>`.
    pub fn to_line(&self) -> String {
        format!(
            "{ONE_LINE_TAG} {} {} {}",
            self.key_id,
            BASE64.encode(self.key.as_bytes()),
            self.issuer
        )
    }

    /// Parse a public key file: either the JSON form or the one-line form (docs/SPEC.md §4.2).
    /// `path` names it in errors.
    pub fn parse(content: &str, path: &str) -> Result<IssuerKey, KeyError> {
        Ok(IssuerKey::parse_with_comment(content, path)?.0)
    }

    /// Parse a public key file and return its comment too: the JSON form's `comment` member, or
    /// the one-line form's `#` lines (without the `#`, trimmed, joined with `; `).
    pub fn parse_with_comment(
        content: &str,
        path: &str,
    ) -> Result<(IssuerKey, Option<String>), KeyError> {
        let trimmed = content.trim();
        let mut comment = None;
        let (issuer, key_id, key) = if trimmed.starts_with('{') {
            let wire: PublicKeyWire = crate::wire::from_slice(trimmed.as_bytes())
                .map_err(|e| json_error(path, KeyFileKind::Public, &e))?;
            if wire.format != PUBLIC_KEY_FORMAT {
                return Err(KeyError::UnknownFormat {
                    path: path.into(),
                    found: wire.format,
                    expected: PUBLIC_KEY_FORMAT,
                });
            }
            if let Some(text) = &wire.comment {
                check_key_comment(text, path)?;
            }
            comment = wire.comment;
            (wire.issuer, wire.key_id, wire.public_key)
        } else if let Some(line) = one_line(trimmed) {
            let shape = || KeyError::OneLineShape { path: path.into() };
            let line = line.map_err(|()| shape())?;
            let rest = line.strip_prefix(ONE_LINE_TAG).ok_or_else(shape)?;
            let mut parts = rest.trim_start().splitn(3, ' ');
            let (Some(id), Some(key), Some(issuer)) = (parts.next(), parts.next(), parts.next())
            else {
                return Err(shape());
            };
            // `… Harbour Rights # from website` must not become the issuer "Harbour Rights # from
            // website": a word starting with `#` reads like a comment, so it is refused.
            if issuer.split_whitespace().any(|w| w.starts_with('#')) {
                return Err(KeyError::OneLineComment { path: path.into() });
            }
            let lines: Vec<&str> = trimmed
                .lines()
                .map(str::trim)
                .filter_map(|l| l.strip_prefix('#'))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            if !lines.is_empty() {
                comment = Some(lines.join("; "));
            }
            (issuer.to_string(), id.to_string(), key.to_string())
        } else {
            return Err(KeyError::UnknownForm { path: path.into() });
        };
        let (key, key_id) = check_public_members(path, &issuer, &key_id, &key)?;
        Ok((
            IssuerKey {
                issuer,
                key,
                key_id,
            },
            comment,
        ))
    }

    /// Read and parse a public key file: a regular file (links followed) of at most
    /// [`super::MAX_PUBLIC_KEY_FILE_BYTES`] bytes.
    pub fn read(path: &Path) -> Result<IssuerKey, KeyError> {
        Ok(IssuerKey::read_with_comment(path)?.0)
    }

    /// [`IssuerKey::read`], keeping the file's comment ([`IssuerKey::parse_with_comment`]).
    pub fn read_with_comment(path: &Path) -> Result<(IssuerKey, Option<String>), KeyError> {
        use std::io::Read as _;
        let shown = path.display().to_string();
        let read_error = |source| KeyError::Read {
            path: shown.clone(),
            source,
        };
        // Checked before opening: opening a FIFO would wait for a writer.
        let meta = std::fs::metadata(path).map_err(read_error)?;
        if !meta.is_file() {
            return Err(KeyError::UnusableKeyFile {
                path: shown,
                why: not_a_file(&meta),
            });
        }
        let file = std::fs::File::open(path).map_err(read_error)?;
        let limit = super::MAX_PUBLIC_KEY_FILE_BYTES;
        let mut bytes = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(read_error)?;
        if bytes.len() as u64 > limit {
            return Err(KeyError::KeyFileTooLarge { path: shown, limit });
        }
        let content = String::from_utf8(bytes).map_err(|_| {
            read_error(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "it is not UTF-8 text",
            ))
        })?;
        IssuerKey::parse_with_comment(&content, &shown)
    }
}

/// Why an entry (links followed) is not a regular file, for people.
pub(super) fn not_a_file(meta: &std::fs::Metadata) -> String {
    if meta.is_dir() {
        "it is a directory".into()
    } else {
        "it is not a regular file (a FIFO, a socket or a device)".into()
    }
}

/// The one key line of the one-line form, when `content` is in that form: lines that are empty or
/// start with `#` (after White_Space) are comments; exactly one other line, starting with
/// `attest-ed25519`, must remain (`Err` when there are several). `None` when the first such line
/// does not start with the tag (not the one-line form).
fn one_line(content: &str) -> Option<Result<&str, ()>> {
    let mut lines = content
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let first = lines.next()?;
    if !first.starts_with(ONE_LINE_TAG) {
        return None;
    }
    Some(if lines.next().is_some() {
        Err(())
    } else {
        Ok(first)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{ParseKeyIdError, SecretKey};

    #[test]
    fn public_key_round_trips_in_both_forms() {
        let sk = SecretKey::generate("Harbour Rights Lawyers Network").unwrap();
        let public = sk.public();
        assert_eq!(
            IssuerKey::parse(&public.to_file_string(), "k.pub").unwrap(),
            public
        );
        assert_eq!(
            IssuerKey::parse(&public.to_line(), "k.pub").unwrap(),
            public
        );
    }

    #[test]
    fn key_id_must_match_key() {
        let a = SecretKey::generate("A").unwrap().public();
        let b = SecretKey::generate("A").unwrap().public();
        let forged = a
            .to_line()
            .replace(&a.key_id.to_string(), &b.key_id.to_string());
        assert!(matches!(
            IssuerKey::parse(&forged, "k.pub"),
            Err(KeyError::KeyIdMismatch { .. })
        ));
    }

    #[test]
    fn weak_and_malformed_public_keys_are_rejected() {
        // The identity point (y = 1) is of small order.
        let identity = {
            let mut b = [0u8; 32];
            b[0] = 1;
            BASE64.encode(b)
        };
        assert_eq!(parse_verifying_key(&identity), Err(PublicKeyError::Weak));
        assert_eq!(
            parse_verifying_key("AAAA"),
            Err(PublicKeyError::Length { len: 3 })
        );
        assert_eq!(
            parse_verifying_key("not base64!"),
            Err(PublicKeyError::Base64)
        );
        assert_eq!("0123".parse::<KeyId>(), Err(ParseKeyIdError));
        assert_eq!("0123456789ABCDEF".parse::<KeyId>(), Err(ParseKeyIdError));
    }
}

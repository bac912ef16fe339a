//! Key ids (docs/SPEC.md §4.1).

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::VerifyingKey;

use super::KEY_ID_CONTEXT;
use crate::digest::Digest;

/// A key id was not 16 lowercase hex digits (docs/SPEC.md §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a key id is 16 lowercase hex digits, such as 25172914932e6aa1")]
pub struct ParseKeyIdError;

/// A key id: the first 8 bytes of SHA-256(`attest/v1 key-id` || 0x00 || public key), shown as 16 hex
/// digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; 8]);

impl KeyId {
    /// Derive the key id of a public key.
    pub fn of(key: &VerifyingKey) -> KeyId {
        let mut input = Vec::with_capacity(KEY_ID_CONTEXT.len() + 33);
        input.extend_from_slice(KEY_ID_CONTEXT.as_bytes());
        input.push(0);
        input.extend_from_slice(key.as_bytes());
        let digest = Digest::of(&input);
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest.as_bytes()[..8]);
        KeyId(id)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl FromStr for KeyId {
    type Err = ParseKeyIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 16 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ParseKeyIdError);
        }
        let mut id = [0u8; 8];
        hex::decode_to_slice(s, &mut id).map_err(|_| ParseKeyIdError)?;
        Ok(KeyId(id))
    }
}

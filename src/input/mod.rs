//! Reading and decoding received copies: text encodings (UTF-8, UTF-16, GB18030, Big5, Shift_JIS,
//! windows-1252), with a documented detection rule (docs/SPEC.md §1).

use std::path::Path;

/// The largest input attest reads, in bytes. Statements are letters, not archives; anything larger is
/// almost certainly the wrong file.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// A decoded input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without any byte order mark.
    pub text: String,
    /// The encoding's name as encoding_rs spells it (`UTF-8`, `UTF-16LE`, `gb18030`, `Big5`, ...).
    pub encoding: &'static str,
    /// Whether the input began with a byte order mark.
    pub bom: bool,
}

/// Why an input could not be read or decoded.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Reading failed.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file (or `standard input`).
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("{path} is larger than {limit} bytes; attest reads statements, not archives")]
    TooLarge {
        /// The file.
        path: String,
        /// The limit.
        limit: u64,
    },
    /// The input looks like a binary file, not text.
    #[error("{path} looks like a binary file, not text (NUL byte at offset {offset})")]
    Binary {
        /// The file.
        path: String,
        /// Where the first NUL byte is.
        offset: usize,
    },
    /// The input is not valid in any encoding attest accepts.
    #[error("{path} is not valid text in {encoding} (first bad byte at offset {offset})")]
    Undecodable {
        /// The file.
        path: String,
        /// The encoding that was tried.
        encoding: &'static str,
        /// Offset of the first malformed byte.
        offset: usize,
    },
    /// `sign` requires UTF-8 and got something else.
    #[error("{path} is not UTF-8 (it looks like {detected}); attest signs UTF-8 text only")]
    NotUtf8 {
        /// The file.
        path: String,
        /// What detection guessed.
        detected: &'static str,
    },
}

/// Read a whole file, or standard input for `-`, refusing inputs over [`MAX_INPUT_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, InputError> {
    let _ = path;
    todo!("implemented by the input module")
}

/// Decode a received copy, detecting its encoding (docs/SPEC.md §1). `name` is used in errors.
pub fn decode(bytes: &[u8], name: &str) -> Result<Decoded, InputError> {
    let _ = (bytes, name);
    todo!("implemented by the input module")
}

/// Decode a statement to be signed: UTF-8 only (a UTF-8 BOM is allowed and reported).
pub fn decode_utf8(bytes: &[u8], name: &str) -> Result<Decoded, InputError> {
    let _ = (bytes, name);
    todo!("implemented by the input module")
}

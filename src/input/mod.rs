//! Reading and decoding received copies: text encodings (UTF-8, UTF-16, GB18030, Big5, Shift_JIS,
//! windows-1252, ...), with a documented, deterministic detection rule (docs/SPEC.md §1).
//!
//! Two entry points decode bytes into text:
//!
//! - [`decode`] is for *received copies*, which may arrive in any common encoding. It follows the
//!   detection rule of docs/SPEC.md §1 (summarized in the [`decode`] docs) and decodes strictly: it
//!   never substitutes U+FFFD for a malformed byte, it reports the offset of the first bad byte.
//! - [`decode_utf8`] is for statements about to be *signed*, which must be UTF-8. When the input is not
//!   UTF-8 it says what the input looks like instead, so the user knows what to convert from.
//!
//! [`read_bytes`] reads a file or standard input with a size limit.
//!
//! [`read_copy`] is how `verify` reads a received copy: it finds the copy's *kind* ([`InputKind`]:
//! plain text, an HTML page, an email message) in one documented order (docs/SPEC.md §1.1), decodes
//! it and extracts the text a reader sees ([`html`], the MIME reader in `mime`), which then goes
//! through the normal canonicalization.

mod detect;
pub mod email;
pub mod html;
mod mime;

#[cfg(test)]
mod tests;

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The largest input attest reads, in bytes (64 MiB). Statements are letters, not archives; anything
/// larger is almost certainly the wrong file.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The name used in errors for standard input (the path `-`).
pub const STDIN_NAME: &str = "standard input";

/// A decoded input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without any byte order mark. It never contains U+0000.
    pub text: String,
    /// The encoding's name as encoding_rs spells it (`UTF-8`, `UTF-16LE`, `UTF-16BE`, `gb18030`,
    /// `Big5`, `Shift_JIS`, `EUC-KR`, `windows-1252`, ...). GBK is always reported as `gb18030`, its
    /// superset.
    pub encoding: &'static str,
    /// Whether the input began with a byte order mark.
    pub bom: bool,
}

/// A decoded input that borrows its text from the input's bytes when they are already UTF-8
/// without a byte order mark ([`decode_ref`]): the same as [`Decoded`], without copying the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedRef<'a> {
    /// The text, without any byte order mark. It never contains U+0000.
    pub text: std::borrow::Cow<'a, str>,
    /// As [`Decoded::encoding`].
    pub encoding: &'static str,
    /// Whether the input began with a byte order mark.
    pub bom: bool,
}

impl DecodedRef<'_> {
    /// The owned form.
    pub fn into_owned(self) -> Decoded {
        Decoded {
            text: self.text.into_owned(),
            encoding: self.encoding,
            bom: self.bom,
        }
    }
}

impl From<Decoded> for DecodedRef<'_> {
    fn from(d: Decoded) -> Self {
        DecodedRef {
            text: std::borrow::Cow::Owned(d.text),
            encoding: d.encoding,
            bom: d.bom,
        }
    }
}

impl Decoded {
    /// Canonicalize the text, recording in its layout how it was decoded (encoding, and a byte
    /// order mark the decoder removed), so layouts of differently encoded copies can be compared.
    pub fn canonicalize(&self) -> crate::canon::Canonical {
        let mut c = crate::canon::canonicalize(&self.text);
        c.layout.encoding = self.encoding.to_string();
        c.layout.bom |= self.bom;
        c
    }
}

/// What kind of document a received copy is (docs/SPEC.md §1.1). JSON names: `text`, `html`,
/// `email`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    /// Plain text: compared as decoded.
    #[default]
    Text,
    /// An HTML page: its visible text is compared ([`html`]).
    Html,
    /// An email message (`.eml`, or an mbox): its body text is compared, never its headers.
    Email,
}

impl InputKind {
    /// The kind's name, as in JSON and in `--as`.
    pub fn name(self) -> &'static str {
        match self {
            InputKind::Text => "text",
            InputKind::Html => "html",
            InputKind::Email => "email",
        }
    }
}

impl std::str::FromStr for InputKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(InputKind::Text),
            "html" => Ok(InputKind::Html),
            "email" => Ok(InputKind::Email),
            other => Err(format!(
                "unknown input kind {other:?}: use text, html or email"
            )),
        }
    }
}

impl std::fmt::Display for InputKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of a [`Note`]: stable snake_case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Hidden elements of an HTML page (the `hidden` attribute, an inline `display: none`, ...)
    /// held text that was not extracted, as a browser does not show it.
    HiddenContent,
    /// Ruby annotations (`<rt>`) were not extracted; only the base text was.
    RubyAnnotations,
    /// The page has style sheets, which are not applied: text they hide was extracted.
    StyleSheet,
    /// A rule of the page's style sheet may hide text that was extracted (and compared): the page
    /// may show less than was compared.
    StyleHidden,
    /// The page's styles add text (CSS `content`) that extraction cannot show.
    GeneratedContent,
    /// The message had no plain-text body; its HTML body was read.
    HtmlBody,
    /// The message carries a forwarded message as an attachment (`message/rfc822`), whose body
    /// was read after the message's own.
    AttachedMessage,
    /// The message has text attachments (`text/plain`, `text/html`), read after its body.
    TextAttachment,
    /// The message has attachments that are not text; they were not read.
    Attachments,
    /// A part of the message could not be decoded cleanly (a malformed transfer encoding or
    /// charset); what could not be decoded shows as U+FFFD.
    DecodingProblem,
}

/// Something the reader of a report should know about how a copy's text was extracted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// A stable machine-readable kind.
    pub kind: NoteKind,
    /// A sentence for people.
    pub message: String,
}

impl Note {
    pub(crate) fn new(kind: NoteKind, message: impl Into<String>) -> Note {
        Note {
            kind,
            message: message.into(),
        }
    }
}

/// A received copy's text, as a reader sees it, with how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The text (the visible text of a page, the body of a message), and the encoding it was
    /// decoded from.
    pub decoded: Decoded,
    /// The kind of document it was.
    pub kind: InputKind,
    /// What was not extracted, and why.
    pub notes: Vec<Note>,
}

/// Read a received copy (docs/SPEC.md §1.1): find its kind unless `kind` says it, decode it, and
/// extract its text. `name` is used in errors.
pub fn read_copy(
    bytes: &[u8],
    name: &str,
    kind: Option<InputKind>,
) -> Result<Extracted, InputError> {
    detect::decode_copy(bytes, kind).map_err(|failure| failure.into_error(name))
}

/// Why an input could not be read or decoded. Every message names the input, says what went wrong and
/// what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Reading failed.
    #[error("cannot read {path}: {cause}; check that it exists, is a file and is readable")]
    Read {
        /// The file (or `standard input`).
        path: String,
        /// The I/O error.
        cause: io::Error,
    },
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error(
        "{path} is larger than {limit} bytes, the most attest reads; attest reads single statements, \
         not archives: check that this is the right file"
    )]
    TooLarge {
        /// The file (or `standard input`).
        path: String,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The input looks like a binary file, not text: it contains a NUL byte (or, in UTF-16, a U+0000
    /// character) and is not UTF-16 text.
    #[error(
        "{path} looks like a binary file, not text (NUL byte at offset {offset}); check that this is \
         the right file, or if it is text, save it as UTF-8 (or UTF-16 with a byte order mark)"
    )]
    Binary {
        /// The file.
        path: String,
        /// Byte offset of the first NUL byte (of the first U+0000 code unit in UTF-16).
        offset: usize,
    },
    /// The input is not valid text in the encoding that its byte order mark names or that detection
    /// chose.
    #[error(
        "{path} is not valid {encoding} text (first bad byte at offset {offset}); the file may be \
         damaged, truncated or in another encoding: save it as UTF-8 and try again"
    )]
    Undecodable {
        /// The file.
        path: String,
        /// The encoding that was tried, as in [`Decoded::encoding`].
        encoding: &'static str,
        /// Byte offset of the first malformed byte, counted from the start of the input (the byte order
        /// mark included).
        offset: usize,
    },
    /// The input is neither UTF-8 nor UTF-16, and its encoding is not one that detection accepts.
    #[error(
        "{path} is not UTF-8 (first non-UTF-8 byte at offset {offset}), and attest cannot tell its \
         encoding reliably (it detects UTF-16, gb18030, Big5, Shift_JIS, EUC-JP, EUC-KR and \
         windows-1252; the best guess is {guess}): convert it to UTF-8, for example with \
         `iconv -f ENCODING -t UTF-8`, and try again"
    )]
    UnknownEncoding {
        /// The file.
        path: String,
        /// The encoding chardetng guessed, which detection does not accept.
        guess: &'static str,
        /// Byte offset of the first byte that is not valid UTF-8.
        offset: usize,
    },
    /// The input starts with the byte order mark of an encoding attest does not read (UTF-32).
    #[error(
        "{path} is {encoding} text (it starts with a {encoding} byte order mark), which attest does not \
         read; convert it to UTF-8 (for example with `iconv -f {encoding} -t UTF-8`) and try again"
    )]
    Unsupported {
        /// The file.
        path: String,
        /// The encoding its byte order mark names: `UTF-32LE` or `UTF-32BE`.
        encoding: &'static str,
    },
    /// The input was to be read as an email message (`--as email`, or it starts with message
    /// headers) but has no body text that attest can read.
    #[error(
        "{path} is an email message without a text body that attest can read (no text/plain or \
         text/html part); save the message's text as a file and verify that, or use --as text to \
         compare the whole file as text"
    )]
    NoMessageText {
        /// The file.
        path: String,
    },
    /// An HTML page nested so deeply that parsing it would take too long (docs/SPEC.md §1.3).
    #[error(
        "{path} is an HTML page whose elements are nested too deeply for attest to read it in \
         bounded time (browsers cap the nesting too); if it is a genuine page, copy its text from \
         a browser into a file and verify that, or use --as text"
    )]
    TooDeeplyNested {
        /// The file.
        path: String,
    },
    /// `sign` requires UTF-8 and got something else.
    #[error(
        "{path} is not UTF-8 (it looks like {detected}); attest signs UTF-8 text only: convert it \
         (for example with `iconv -f {detected} -t UTF-8`) and sign the converted file"
    )]
    NotUtf8 {
        /// The file.
        path: String,
        /// What [`decode`]'s detection found, as in [`Decoded::encoding`].
        detected: &'static str,
    },
}

/// Read a whole file, or standard input for `-`, refusing inputs over [`MAX_INPUT_BYTES`].
///
/// A regular file's size is checked before reading, so an oversized file is refused without reading
/// it. Standard input and other streams (pipes, devices) are read up to one byte past the limit, so
/// at most `MAX_INPUT_BYTES + 1` bytes are ever held in memory.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, InputError> {
    if path.as_os_str() == "-" {
        return read_limited(io::stdin().lock(), STDIN_NAME, 0);
    }
    let name = path.display().to_string();
    let read_error = |source| InputError::Read {
        path: name.clone(),
        cause: source,
    };
    let file = File::open(path).map_err(read_error)?;
    let metadata = file.metadata().map_err(read_error)?;
    if metadata.is_dir() {
        return Err(read_error(io::Error::other("it is a directory")));
    }
    let size_hint = if metadata.is_file() {
        if metadata.len() > MAX_INPUT_BYTES {
            return Err(InputError::TooLarge {
                path: name,
                limit: MAX_INPUT_BYTES,
            });
        }
        metadata.len()
    } else {
        0
    };
    // Read with the limit even for regular files: a file can grow between `metadata` and `read`.
    read_limited(file, &name, size_hint)
}

/// Read `reader` to its end, failing with `TooLarge` once it yields more than [`MAX_INPUT_BYTES`].
fn read_limited(reader: impl Read, name: &str, size_hint: u64) -> Result<Vec<u8>, InputError> {
    // The hint is at most MAX_INPUT_BYTES (64 MiB), which fits in usize on every supported target.
    let capacity = usize::try_from(size_hint.min(MAX_INPUT_BYTES)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| InputError::Read {
            path: name.to_owned(),
            cause: source,
        })?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            path: name.to_owned(),
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(bytes)
}

/// Decode a received copy, detecting its encoding. `name` is used in errors.
///
/// The rule (docs/SPEC.md §1), applied in this order; the first step that applies decides:
///
/// 1. **Byte order mark.** `FF FE 00 00` / `00 00 FE FF` (UTF-32) → [`InputError::Unsupported`].
///    `EF BB BF` → UTF-8, `FF FE` → UTF-16LE, `FE FF` → UTF-16BE; the rest is decoded strictly.
/// 2. **UTF-16 without a BOM**, when the length is even and at least 4, one byte parity holds NUL
///    bytes in at least 5% of the code units and the other parity at most half as many, and the
///    strict UTF-16 decoding contains no control character other than TAB, LF, VT, FF, CR.
/// 3. **Binary**: any NUL byte → [`InputError::Binary`].
/// 4. **UTF-8**, if the input is valid UTF-8. If it is valid UTF-8 with at least one non-ASCII
///    character except for an incomplete sequence at the very end, it is truncated UTF-8 →
///    [`InputError::Undecodable`].
/// 5. **Legacy encodings**: chardetng's guess, GBK read as gb18030. Only gb18030, Big5, Shift_JIS,
///    EUC-JP, EUC-KR and windows-1252 are accepted (anything else → [`InputError::UnknownEncoding`]);
///    the input is decoded strictly and may contain no control character other than TAB, LF, VT,
///    FF, CR.
///
/// Decoding is strict everywhere: a malformed byte is an error with its offset, never U+FFFD. The
/// decoded text never contains U+0000 ([`InputError::Binary`]).
pub fn decode(bytes: &[u8], name: &str) -> Result<Decoded, InputError> {
    detect::decode(bytes).map_err(|failure| failure.into_error(name))
}

/// [`decode`] without copying the input: the text borrows `bytes` when they are UTF-8 without a
/// byte order mark, and is decoded into a new string otherwise. The same rule and errors.
pub fn decode_ref<'a>(bytes: &'a [u8], name: &str) -> Result<DecodedRef<'a>, InputError> {
    detect::decode_ref(bytes).map_err(|failure| failure.into_error(name))
}

/// Decode a statement to be signed: UTF-8 only. A UTF-8 BOM is allowed, stripped and reported.
///
/// Anything else fails: with [`InputError::NotUtf8`] naming what [`decode`] would have detected
/// (`UTF-16LE`, `gb18030`, `Big5`, ...), with [`InputError::Binary`] for NUL bytes that are not
/// UTF-16 text, with [`InputError::Undecodable`] (encoding `UTF-8`) for bytes that are neither UTF-8
/// nor valid in the encoding detection guessed, and otherwise with the error [`decode`] gives
/// ([`InputError::UnknownEncoding`], [`InputError::Unsupported`]).
pub fn decode_utf8(bytes: &[u8], name: &str) -> Result<Decoded, InputError> {
    detect::decode_utf8(bytes).map_err(|failure| failure.into_error(name))
}

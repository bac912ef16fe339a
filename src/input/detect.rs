//! The encoding detection rule of docs/SPEC.md §1, and strict decoding.
//!
//! Everything here is pure: bytes in, text or a [`Failure`] out. The input's name is attached by the
//! public wrappers in the parent module.

use chardetng::EncodingDetector;
use encoding_rs::{
    DecoderResult, Encoding, BIG5, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS, UTF_16BE, UTF_16LE,
    UTF_8, WINDOWS_1252,
};

use std::borrow::Cow;

use super::{html, mime, Decoded, DecodedRef, Extracted, InputError, InputKind};

/// SPEC §1 step 1: the UTF-32 little-endian byte order mark (checked before UTF-16LE's, its prefix).
const UTF32LE_BOM: &[u8] = &[0xFF, 0xFE, 0x00, 0x00];
/// SPEC §1 step 1: the UTF-32 big-endian byte order mark.
const UTF32BE_BOM: &[u8] = &[0x00, 0x00, 0xFE, 0xFF];
/// SPEC §1 step 1: the UTF-8 byte order mark.
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
/// SPEC §1 step 1: the UTF-16 little-endian byte order mark.
const UTF16LE_BOM: &[u8] = &[0xFF, 0xFE];
/// SPEC §1 step 1: the UTF-16 big-endian byte order mark.
const UTF16BE_BOM: &[u8] = &[0xFE, 0xFF];

/// SPEC §1 step 2: UTF-16 without a BOM needs at least this many bytes (two code units).
const UTF16_MIN_BYTES: usize = 4;
/// SPEC §1 step 2: "the dominant parity holds a NUL byte in at least one code unit in 20 (5%)".
const UTF16_UNITS_PER_NUL: usize = 20;
/// SPEC §1 step 2: "the other parity holds at most half as many NUL bytes".
const UTF16_OTHER_PARITY_FACTOR: usize = 2;

/// SPEC §1 step 5: chardetng is fed at most this many bytes (1 MiB) of a legacy-encoded input. Its
/// statistics settle long before that, and feeding it all of a 64 MiB input took ten seconds.
const DETECTION_PREFIX_BYTES: usize = 1024 * 1024;

/// Why decoding failed, before the input's name is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Failure {
    /// See [`InputError::Binary`].
    Binary { offset: usize },
    /// See [`InputError::Undecodable`].
    Undecodable {
        encoding: &'static str,
        offset: usize,
    },
    /// See [`InputError::UnknownEncoding`].
    UnknownEncoding { guess: &'static str, offset: usize },
    /// See [`InputError::Unsupported`].
    Unsupported { encoding: &'static str },
    /// See [`InputError::NotUtf8`].
    NotUtf8 { detected: &'static str },
    /// See [`InputError::NoMessageText`].
    NoMessageText,
    /// See [`InputError::TooDeeplyNested`].
    TooDeeplyNested,
}

impl Failure {
    /// The public error, naming the input.
    pub(super) fn into_error(self, name: &str) -> InputError {
        let path = name.to_owned();
        match self {
            Failure::Binary { offset } => InputError::Binary { path, offset },
            Failure::Undecodable { encoding, offset } => InputError::Undecodable {
                path,
                encoding,
                offset,
            },
            Failure::UnknownEncoding { guess, offset } => InputError::UnknownEncoding {
                path,
                guess,
                offset,
            },
            Failure::Unsupported { encoding } => InputError::Unsupported { path, encoding },
            Failure::NotUtf8 { detected } => InputError::NotUtf8 { path, detected },
            Failure::NoMessageText => InputError::NoMessageText { path },
            Failure::TooDeeplyNested => InputError::TooDeeplyNested { path },
        }
    }
}

/// SPEC §1: detect the encoding of a received copy and decode it strictly.
pub(super) fn decode(bytes: &[u8]) -> Result<Decoded, Failure> {
    decode_ref(bytes).map(DecodedRef::into_owned)
}

/// [`decode`], borrowing the text from `bytes` when they are UTF-8 without a byte order mark (the
/// usual case): no copy of the input.
pub(super) fn decode_ref(bytes: &[u8]) -> Result<DecodedRef<'_>, Failure> {
    // Step 1: a byte order mark decides.
    if let Some(result) = decode_with_bom(bytes) {
        return result.map(DecodedRef::from);
    }
    // Steps 2 and 3 only concern inputs with a NUL byte: UTF-16 without a BOM has at least one
    // (in the high byte of every Latin character), and binary input is input with one.
    if let Some(offset) = memchr::memchr(0, bytes) {
        // Step 2: UTF-16 without a BOM.
        if let Some(decoded) = decode_utf16_without_bom(bytes) {
            return Ok(decoded.into());
        }
        // Step 3: any other input with a NUL byte is binary.
        return Err(Failure::Binary { offset });
    }
    // Step 4: UTF-8, or UTF-8 cut off in the middle of a character.
    match from_utf8(bytes) {
        Ok(text) => {
            return Ok(DecodedRef {
                text: Cow::Borrowed(text),
                encoding: UTF_8.name(),
                bom: false,
            })
        }
        Err(error) if is_truncated_utf8(bytes, error) => {
            return Err(Failure::Undecodable {
                encoding: UTF_8.name(),
                offset: error.valid_up_to(),
            })
        }
        Err(_) => {}
    }
    // Step 5: a legacy encoding.
    decode_legacy(bytes).map(DecodedRef::from)
}

/// UTF-8 validation: SIMD-accelerated (simdutf8) for valid input, std's for the error's details.
fn from_utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(_) => std::str::from_utf8(bytes),
    }
}

/// SPEC §1.1: find a received copy's kind (unless `forced` says it), decode it and extract its
/// text. The order: byte order mark and UTF-16 (their text can only be plain text or HTML), binary,
/// email headers, HTML, then the text encodings (UTF-8, legacy).
pub(super) fn decode_copy(bytes: &[u8], forced: Option<InputKind>) -> Result<Extracted, Failure> {
    let kind = match forced {
        Some(kind) => kind,
        None => detect_kind(bytes),
    };
    match kind {
        InputKind::Text => Ok(Extracted {
            decoded: decode(bytes)?,
            kind,
            notes: Vec::new(),
        }),
        InputKind::Html => {
            let decoded = decode_html(bytes)?;
            let cost = html::nesting_cost(&decoded.text);
            if cost > html::MAX_NESTING_COST {
                return Err(Failure::TooDeeplyNested);
            }
            let (text, notes) = html::extract(&decoded.text);
            Ok(Extracted {
                decoded: Decoded { text, ..decoded },
                kind,
                notes,
            })
        }
        InputKind::Email => {
            let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
            let (text, encoding, notes) = mime::extract(body).ok_or(Failure::NoMessageText)?;
            // Decoded text never contains U+0000 (SPEC §1); a base64 body can hold one. The
            // offset is that of a NUL byte in the input, if it has one, else 0.
            if text.contains('\0') {
                let offset = memchr::memchr(0, body).unwrap_or(0);
                return Err(Failure::Binary { offset });
            }
            Ok(Extracted {
                decoded: Decoded {
                    text,
                    encoding,
                    bom: body.len() != bytes.len(),
                },
                kind,
                notes,
            })
        }
    }
}

/// SPEC §1.1, the kind of a copy: an input with a UTF-16 byte order mark or detected as UTF-16 is
/// HTML if its text looks like a page, else text; an input with a NUL byte is text (and decoding
/// refuses it as binary); an input that starts with email headers is an email; one that looks like
/// a page is HTML; anything else is text.
fn detect_kind(bytes: &[u8]) -> InputKind {
    let utf16 = if bytes.starts_with(UTF16LE_BOM) || bytes.starts_with(UTF16BE_BOM) {
        decode_with_bom(bytes).and_then(Result::ok)
    } else {
        decode_utf16_without_bom(bytes)
    };
    if let Some(decoded) = utf16 {
        return if html::looks_like_html(decoded.text.as_bytes()) {
            InputKind::Html
        } else {
            InputKind::Text
        };
    }
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if body.contains(&0) {
        InputKind::Text
    } else if mime::looks_like_message(body) {
        InputKind::Email
    } else if html::looks_like_html(body) {
        InputKind::Html
    } else {
        InputKind::Text
    }
}

/// SPEC §1.1, an HTML page's encoding: a byte order mark or UTF-16 decides; then UTF-8 if the page
/// is valid UTF-8; then the encoding its `<meta charset>` names, decoded strictly; then the legacy
/// detection of step 5.
fn decode_html(bytes: &[u8]) -> Result<Decoded, Failure> {
    if let Some(result) = decode_with_bom(bytes) {
        return result;
    }
    if let Some(decoded) = decode_utf16_without_bom(bytes) {
        return Ok(decoded);
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(Failure::Binary { offset });
    }
    if std::str::from_utf8(bytes).is_ok() {
        return decode(bytes);
    }
    match html::meta_charset(bytes) {
        Some(encoding) if encoding != UTF_8 => {
            let encoding = if encoding == GBK { GB18030 } else { encoding };
            let text = decode_strict(encoding, bytes, 0)?;
            Ok(Decoded {
                text,
                encoding: encoding.name(),
                bom: false,
            })
        }
        _ => decode(bytes),
    }
}

/// SPEC §1, for `sign`: UTF-8 (with or without a BOM) only; otherwise say what detection found.
pub(super) fn decode_utf8(bytes: &[u8]) -> Result<Decoded, Failure> {
    let bom = bytes.starts_with(UTF8_BOM);
    let bom_len = if bom { UTF8_BOM.len() } else { 0 };
    let body = &bytes[bom_len..];
    if let Ok(text) = from_utf8(body) {
        if memchr::memchr(0, body).is_none() {
            return Ok(Decoded {
                text: text.to_owned(),
                encoding: UTF_8.name(),
                bom,
            });
        }
    }
    // Not signable. Run the full detection so that the error says what the input looks like; in
    // particular UTF-16 (which contains NUL bytes) is named as such rather than called binary.
    match decode(bytes) {
        // Unreachable (detection agrees with the check above), but UTF-8 is what `sign` wants.
        Ok(decoded) if decoded.encoding == UTF_8.name() => Ok(decoded),
        Ok(decoded) => Err(Failure::NotUtf8 {
            detected: decoded.encoding,
        }),
        // A UTF-16 BOM followed by malformed UTF-16 still says "UTF-16".
        Err(Failure::Undecodable { encoding, .. })
            if encoding == UTF_16LE.name() || encoding == UTF_16BE.name() =>
        {
            Err(Failure::NotUtf8 { detected: encoding })
        }
        // Neither UTF-8 nor valid in the encoding detection guessed (or a damaged UTF-8 file):
        // point at the first byte that is not UTF-8.
        Err(Failure::Undecodable { .. }) => Err(Failure::Undecodable {
            encoding: UTF_8.name(),
            offset: bom_len + utf8_error_offset(body),
        }),
        Err(failure) => Err(failure),
    }
}

/// SPEC §1 step 1. `None` if the input has no byte order mark.
fn decode_with_bom(bytes: &[u8]) -> Option<Result<Decoded, Failure>> {
    // UTF-32 first: its little-endian BOM begins with the UTF-16LE one.
    if bytes.starts_with(UTF32LE_BOM) {
        return Some(Err(Failure::Unsupported {
            encoding: "UTF-32LE",
        }));
    }
    if bytes.starts_with(UTF32BE_BOM) {
        return Some(Err(Failure::Unsupported {
            encoding: "UTF-32BE",
        }));
    }
    let (encoding, bom_len) = if bytes.starts_with(UTF8_BOM) {
        (UTF_8, UTF8_BOM.len())
    } else if bytes.starts_with(UTF16LE_BOM) {
        (UTF_16LE, UTF16LE_BOM.len())
    } else if bytes.starts_with(UTF16BE_BOM) {
        (UTF_16BE, UTF16BE_BOM.len())
    } else {
        return None;
    };
    let body = &bytes[bom_len..];
    Some(
        decode_strict(encoding, body, bom_len).and_then(|text| match nul_offset(encoding, body) {
            Some(offset) => Err(Failure::Binary {
                offset: bom_len + offset,
            }),
            None => Ok(Decoded {
                text,
                encoding: encoding.name(),
                bom: true,
            }),
        }),
    )
}

/// The byte offset of the first U+0000 in `body`, which `encoding` (UTF-8 or UTF-16) decodes cleanly.
fn nul_offset(encoding: &'static Encoding, body: &[u8]) -> Option<usize> {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        body.chunks_exact(2)
            .position(|unit| unit == [0, 0])
            .map(|index| 2 * index)
    } else {
        memchr::memchr(0, body)
    }
}

/// SPEC §1 step 2: UTF-16 without a BOM. `None` if the input does not qualify.
///
/// In UTF-16 text, the characters U+0001 to U+00FF (Latin letters, digits, spaces, line breaks) put a
/// NUL byte in the high byte of their code unit: at odd offsets in UTF-16LE, at even offsets in
/// UTF-16BE. Chinese text has fewer of them, and some Chinese characters (U+4E00 一) put a NUL in the
/// low byte instead, hence the modest thresholds; the strict decoding and the control-character check
/// keep binary files out.
fn decode_utf16_without_bom(bytes: &[u8]) -> Option<Decoded> {
    if bytes.len() < UTF16_MIN_BYTES || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.len() / 2;
    let (mut even_nuls, mut odd_nuls) = (0usize, 0usize);
    for unit in bytes.chunks_exact(2) {
        even_nuls += usize::from(unit[0] == 0);
        odd_nuls += usize::from(unit[1] == 0);
    }
    let encoding = if parity_suggests_utf16(odd_nuls, even_nuls, units) {
        UTF_16LE
    } else if parity_suggests_utf16(even_nuls, odd_nuls, units) {
        UTF_16BE
    } else {
        return None;
    };
    let text = decode_strict(encoding, bytes, 0).ok()?;
    if text.chars().any(is_disallowed_control) {
        return None;
    }
    Some(Decoded {
        text,
        encoding: encoding.name(),
        bom: false,
    })
}

/// SPEC §1 step 2: NUL bytes in the high-byte position of at least 5% of the code units, and at most
/// half as many in the low-byte position. The two orientations exclude each other.
fn parity_suggests_utf16(high_nuls: usize, low_nuls: usize, units: usize) -> bool {
    high_nuls.saturating_mul(UTF16_UNITS_PER_NUL) >= units
        && low_nuls.saturating_mul(UTF16_OTHER_PARITY_FACTOR) <= high_nuls
}

/// SPEC §1 step 4: valid UTF-8 containing at least one non-ASCII character, except for an incomplete
/// sequence at the very end: a UTF-8 file cut off in the middle of a character.
fn is_truncated_utf8(bytes: &[u8], error: std::str::Utf8Error) -> bool {
    error.error_len().is_none() && !bytes[..error.valid_up_to()].is_ascii()
}

/// SPEC §1 step 5: the chardetng guesses that are accepted, GBK already replaced by gb18030.
///
/// The CJK multi-byte encodings, whose byte structure strict decoding checks, and windows-1252, the
/// Western legacy encoding (curly quotes at 0x91-0x94). chardetng can also guess single-byte
/// encodings for other scripts (windows-1250, windows-1251, KOI8-U, IBM866, ISO-8859-x, ...), but
/// every byte sequence is valid in them, so nothing checks the guess, and a wrong one turns a few
/// letters of an otherwise intact text into others: a copy that `verify` would report as `modified`.
/// Detection refuses those guesses rather than risk a false accusation of tampering.
fn is_accepted_legacy_encoding(encoding: &'static Encoding) -> bool {
    [GB18030, BIG5, SHIFT_JIS, EUC_JP, EUC_KR, WINDOWS_1252].contains(&encoding)
}

/// SPEC §1 step 5: input that is neither UTF-16 nor UTF-8 and has no NUL bytes.
fn decode_legacy(bytes: &[u8]) -> Result<Decoded, Failure> {
    let mut detector = EncodingDetector::new();
    // SPEC §1 step 5: the detector sees at most the first DETECTION_PREFIX_BYTES, as the prefix of
    // a longer stream (`last = false`), so detection costs the same for any larger input.
    if bytes.len() <= DETECTION_PREFIX_BYTES {
        detector.feed(bytes, true);
    } else {
        detector.feed(&bytes[..DETECTION_PREFIX_BYTES], false);
    }
    let guess = detector.guess(None, true);
    // GBK is a subset of gb18030, and encoding_rs decodes both the same way: report the superset.
    let encoding = if guess == GBK { GB18030 } else { guess };
    if !is_accepted_legacy_encoding(encoding) {
        // Also covers guesses chardetng 0.1 cannot make here: UTF-8 (excluded by step 4) and
        // ISO-2022-JP (only guessed for ASCII input, which is UTF-8).
        return Err(Failure::UnknownEncoding {
            guess: encoding.name(),
            offset: utf8_error_offset(bytes),
        });
    }
    let text = decode_strict(encoding, bytes, 0)?;
    if text.chars().any(is_disallowed_control) {
        return Err(Failure::Undecodable {
            encoding: encoding.name(),
            offset: locate_disallowed_control(encoding, bytes),
        });
    }
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        bom: false,
    })
}

/// The offset of the first byte of `bytes` that is not valid UTF-8 (0 if there is none).
fn utf8_error_offset(bytes: &[u8]) -> usize {
    std::str::from_utf8(bytes)
        .err()
        .map_or(0, |error| error.valid_up_to())
}

/// SPEC §1: the control characters (general category Cc: U+0000-U+001F, U+007F-U+009F) that text
/// decoded by detection may not contain. TAB, LF, VT, FF and CR are allowed.
fn is_disallowed_control(c: char) -> bool {
    c.is_control() && !('\u{9}'..='\u{D}').contains(&c)
}

/// Decode `body` strictly with `encoding`, without BOM handling. A malformed sequence fails with the
/// offset of its first byte; `base` is added to offsets (the length of a BOM before `body`).
fn decode_strict(encoding: &'static Encoding, body: &[u8], base: usize) -> Result<String, Failure> {
    let malformed_at = |offset: usize| Failure::Undecodable {
        encoding: encoding.name(),
        offset: base + offset,
    };
    if encoding == UTF_8 {
        return from_utf8(body)
            .map(str::to_owned)
            .map_err(|error| malformed_at(error.valid_up_to()));
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    // Room for the usual case (at most 3 UTF-8 bytes per 2 input bytes); grown on `OutputFull`.
    let mut text =
        String::with_capacity(body.len().saturating_add(body.len() / 2).saturating_add(16));
    let mut read = 0;
    loop {
        let (result, n) =
            decoder.decode_to_string_without_replacement(&body[read..], &mut text, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => return Ok(text),
            DecoderResult::OutputFull => {
                let needed = decoder
                    .max_utf8_buffer_length_without_replacement(body.len() - read)
                    .unwrap_or(0);
                text.reserve(needed.max(16));
            }
            DecoderResult::Malformed(bad, after) => {
                // `bad` malformed bytes ended `after` bytes before the decoder stopped reading.
                let end = read.saturating_sub(usize::from(after));
                return Err(malformed_at(end.saturating_sub(usize::from(bad))));
            }
        }
    }
}

/// The byte offset where the first disallowed control character in `bytes` (which `encoding` decodes
/// cleanly) begins. Only called on the error path: it feeds the decoder one byte at a time.
fn locate_disallowed_control(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::new();
    // Where the character being decoded began: just after the last byte that produced output.
    let mut start = 0;
    for (index, byte) in bytes.iter().enumerate() {
        out.clear();
        out.reserve(
            decoder
                .max_utf8_buffer_length_without_replacement(1)
                .unwrap_or(16),
        );
        let last = index + 1 == bytes.len();
        let (_result, _read) = decoder.decode_to_string_without_replacement(
            std::slice::from_ref(byte),
            &mut out,
            last,
        );
        if out.chars().any(is_disallowed_control) {
            return start;
        }
        if !out.is_empty() {
            start = index + 1;
        }
    }
    0
}

//! The reference canonicalizer: `docs/SPEC.md` §2 written out literally, as the oracle for the fast
//! path and the full algorithm.
//!
//! Every function here follows one sentence or table of the specification, character by character,
//! on whole strings, with no shortcut: no byte tricks, no single-pass fusion of the steps, no
//! skipped normalization. It shares no code with the rest of `canon`: it has its own copies of the
//! character classes of §2.2 and §2.6, written from the spec's tables (the duplication is the
//! point: a slip in one copy shows up as a disagreement), its own step 3, its own layout records
//! and fingerprints. It uses only the output types ([`Canonical`], [`Layout`], [`Suspicious`],
//! [`SuspiciousCounts`]),
//! `unicode-normalization` for NFC and canonical combining classes, `unicode-properties` for
//! general categories, `char::is_whitespace` for White_Space, and [`Digest`] for SHA-256.
//!
//! It is slow (it builds every intermediate string) and is not used by `sign`, `verify` or `audit`.
//! The property tests, the known-answer vectors and the `canonicalize` fuzz target check that
//! [`super::canonicalize`] and [`super::summarize`] give exactly what [`canonicalize`] gives: the
//! canonical text, the digest, the paragraphs, the suspicious characters and every field of the
//! layout. §2.7 defines every field precisely enough to be derived here, given two sentences the
//! spec gained when this module was written (the code already behaved so): line numbers (§2.6)
//! skip ignorables between CR and LF, as `line_endings` does; and when *Y* has no token, its
//! whitespace is one run, the run before the first token (position 0).

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

use super::{Canonical, Layout, Suspicious, SuspiciousCounts, SuspiciousKind};
use crate::digest::Digest;

// ---------------------------------------------------------------------------------------------
// §2.2 Character classes
// ---------------------------------------------------------------------------------------------

/// **ignorable** (deleted): U+00AD, U+200B, U+2060, U+FEFF.
fn ignorable(c: char) -> bool {
    matches!(c as u32, 0x00AD | 0x200B | 0x2060 | 0xFEFF)
}

/// **line break**: U+000A LF, U+000B VT, U+000C FF, U+000D CR, U+0085 NEL, U+2028 LS, U+2029 PS.
fn line_break(c: char) -> bool {
    matches!(
        c as u32,
        0x000A | 0x000B | 0x000C | 0x000D | 0x0085 | 0x2028 | 0x2029
    )
}

/// **whitespace**: the characters with the Unicode White_Space property (`char::is_whitespace`),
/// except U+1680 OGHAM SPACE MARK.
fn whitespace(c: char) -> bool {
    c.is_whitespace() && c as u32 != 0x1680
}

/// **horizontal space**: whitespace that is not a line break.
fn horizontal_space(c: char) -> bool {
    whitespace(c) && !line_break(c)
}

/// **starter**: canonical combining class 0.
fn starter(c: char) -> bool {
    canonical_combining_class(c) == 0
}

/// Quote folding (step 1), listed character by character as the spec's table lists them (U+201A
/// and U+201E are not in it: they are kept).
#[allow(clippy::manual_range_patterns)]
fn folded_quote(c: char) -> Option<char> {
    match c as u32 {
        0x2018 | 0x2019 | 0x201B => Some('\''),
        0x201C | 0x201D | 0x201F => Some('"'),
        _ => None,
    }
}

/// **Unspaced** characters.
fn unspaced(c: char) -> bool {
    matches!(
        c as u32,
        0x2E80..=0x2FDF
            | 0x2FF0..=0x2FFF
            | 0x3000..=0x303F
            | 0x3040..=0x30FF
            | 0x3100..=0x312F
            | 0x3190..=0x31FF
            | 0x3200..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFFEF
            | 0x20000..=0x3FFFF
    )
}

/// **join**(*b*, *a*): `" "` if *a* is not a starter; otherwise `""` if *a* or *b* is unspaced;
/// otherwise `" "`.
fn join(b: char, a: char) -> &'static str {
    if !starter(a) {
        " "
    } else if unspaced(a) || unspaced(b) {
        ""
    } else {
        " "
    }
}

// ---------------------------------------------------------------------------------------------
// §2.6 Suspicious characters
// ---------------------------------------------------------------------------------------------

/// Default_Ignorable_Code_Point, entry by entry as the UCD's `DerivedCoreProperties.txt` lists it.
const DEFAULT_IGNORABLE_CODE_POINT: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),   // Cf SOFT HYPHEN
    (0x034F, 0x034F),   // Mn COMBINING GRAPHEME JOINER
    (0x061C, 0x061C),   // Cf ARABIC LETTER MARK
    (0x115F, 0x1160),   // Lo HANGUL CHOSEONG FILLER..HANGUL JUNGSEONG FILLER
    (0x17B4, 0x17B5),   // Mn KHMER VOWEL INHERENT AQ..KHMER VOWEL INHERENT AA
    (0x180B, 0x180D),   // Mn MONGOLIAN FREE VARIATION SELECTOR ONE..THREE
    (0x180E, 0x180E),   // Cf MONGOLIAN VOWEL SEPARATOR
    (0x180F, 0x180F),   // Mn MONGOLIAN FREE VARIATION SELECTOR FOUR
    (0x200B, 0x200F),   // Cf ZERO WIDTH SPACE..RIGHT-TO-LEFT MARK
    (0x202A, 0x202E),   // Cf LEFT-TO-RIGHT EMBEDDING..RIGHT-TO-LEFT OVERRIDE
    (0x2060, 0x2064),   // Cf WORD JOINER..INVISIBLE PLUS
    (0x2065, 0x2065),   // Cn <reserved-2065>
    (0x2066, 0x206F),   // Cf LEFT-TO-RIGHT ISOLATE..NOMINAL DIGIT SHAPES
    (0x3164, 0x3164),   // Lo HANGUL FILLER
    (0xFE00, 0xFE0F),   // Mn VARIATION SELECTOR-1..VARIATION SELECTOR-16
    (0xFEFF, 0xFEFF),   // Cf ZERO WIDTH NO-BREAK SPACE
    (0xFFA0, 0xFFA0),   // Lo HALFWIDTH HANGUL FILLER
    (0xFFF0, 0xFFF8),   // Cn <reserved-FFF0>..<reserved-FFF8>
    (0x1BCA0, 0x1BCA3), // Cf SHORTHAND FORMAT LETTER OVERLAP..SHORTHAND FORMAT UP STEP
    (0x1D173, 0x1D17A), // Cf MUSICAL SYMBOL BEGIN BEAM..MUSICAL SYMBOL END PHRASE
    (0xE0000, 0xE0000), // Cn <reserved-E0000>
    (0xE0001, 0xE0001), // Cf LANGUAGE TAG
    (0xE0002, 0xE001F), // Cn <reserved-E0002>..<reserved-E001F>
    (0xE0020, 0xE007F), // Cf TAG SPACE..CANCEL TAG
    (0xE0080, 0xE00FF), // Cn <reserved-E0080>..<reserved-E00FF>
    (0xE0100, 0xE01EF), // Mn VARIATION SELECTOR-17..VARIATION SELECTOR-256
    (0xE01F0, 0xE0FFF), // Cn <reserved-E01F0>..<reserved-E0FFF>
];

/// The Default_Ignorable_Code_Point property.
fn default_ignorable(c: char) -> bool {
    DEFAULT_IGNORABLE_CODE_POINT
        .iter()
        .any(|&(first, last)| first <= c as u32 && c as u32 <= last)
}

/// The general category of `c`, by its two-letter abbreviation (only those §2.6 names).
fn general_category(c: char) -> &'static str {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    match c.general_category() {
        GeneralCategory::Control => "Cc",
        GeneralCategory::Format => "Cf",
        GeneralCategory::LineSeparator => "Zl",
        GeneralCategory::ParagraphSeparator => "Zp",
        _ => "other",
    }
}

/// **blank**: U+2800 BRAILLE PATTERN BLANK, U+1D159 MUSICAL SYMBOL NULL NOTEHEAD.
fn blank(c: char) -> bool {
    matches!(c as u32, 0x2800 | 0x1D159)
}

/// "A character of *X* is suspicious if it is neither whitespace nor ignorable and is
/// Default_Ignorable_Code_Point, of general category Cc, Cf, Zl or Zp, or blank." Its kind and
/// reported name are those of the first row of §2.6's table that contains it.
fn suspicious(c: char) -> Option<(SuspiciousKind, &'static str)> {
    use SuspiciousKind::{Bidi, Control, Invisible, Tag};
    let category = general_category(c);
    let is_suspicious = !whitespace(c)
        && !ignorable(c)
        && (default_ignorable(c) || matches!(category, "Cc" | "Cf" | "Zl" | "Zp") || blank(c));
    if !is_suspicious {
        return None;
    }
    Some(match c as u32 {
        0x061C => (Bidi, "ARABIC LETTER MARK"),
        0x200E => (Bidi, "LEFT-TO-RIGHT MARK"),
        0x200F => (Bidi, "RIGHT-TO-LEFT MARK"),
        0x202A => (Bidi, "LEFT-TO-RIGHT EMBEDDING"),
        0x202B => (Bidi, "RIGHT-TO-LEFT EMBEDDING"),
        0x202C => (Bidi, "POP DIRECTIONAL FORMATTING"),
        0x202D => (Bidi, "LEFT-TO-RIGHT OVERRIDE"),
        0x202E => (Bidi, "RIGHT-TO-LEFT OVERRIDE"),
        0x2066 => (Bidi, "LEFT-TO-RIGHT ISOLATE"),
        0x2067 => (Bidi, "RIGHT-TO-LEFT ISOLATE"),
        0x2068 => (Bidi, "FIRST STRONG ISOLATE"),
        0x2069 => (Bidi, "POP DIRECTIONAL ISOLATE"),
        0xE0000..=0xE007F => (Tag, "TAG CHARACTER"),
        0x200C => (Invisible, "ZERO WIDTH NON-JOINER"),
        0x200D => (Invisible, "ZERO WIDTH JOINER"),
        0x034F => (Invisible, "COMBINING GRAPHEME JOINER"),
        0x115F | 0x1160 | 0x3164 | 0xFFA0 => (Invisible, "HANGUL FILLER"),
        0x180E => (Invisible, "MONGOLIAN VOWEL SEPARATOR"),
        0x2061..=0x2064 => (Invisible, "INVISIBLE OPERATOR"),
        0x206A..=0x206F => (Invisible, "DEPRECATED FORMAT CHARACTER"),
        0x180B..=0x180D | 0x180F | 0xFE00..=0xFE0F | 0xE0100..=0xE01EF => {
            (Invisible, "VARIATION SELECTOR")
        }
        0xFFF9..=0xFFFB => (Invisible, "INTERLINEAR ANNOTATION CHARACTER"),
        0x2800 => (Invisible, "BRAILLE PATTERN BLANK"),
        0x1D159 => (Invisible, "MUSICAL SYMBOL NULL NOTEHEAD"),
        _ if category == "Cc" => (Control, "CONTROL CHARACTER"),
        _ if matches!(category, "Cf" | "Zl" | "Zp") => (Invisible, "FORMAT CHARACTER"),
        _ => (Invisible, "DEFAULT IGNORABLE CHARACTER"),
    })
}

/// "At most the first 32 suspicious characters are listed; every one is counted by its kind."
const LISTED_SUSPICIOUS: usize = 32;

/// The suspicious characters of *X* as §2.6 reports them: the first [`LISTED_SUSPICIOUS`] of the
/// list of all of them, and the number of each kind in that whole list.
fn suspicious_report(x: &[char]) -> (Vec<Suspicious>, SuspiciousCounts) {
    let all = suspicious_characters(x);
    let count = |kind: SuspiciousKind| all.iter().filter(|s| s.kind == kind).count() as u64;
    let counts = SuspiciousCounts {
        bidi: count(SuspiciousKind::Bidi),
        tag: count(SuspiciousKind::Tag),
        invisible: count(SuspiciousKind::Invisible),
        control: count(SuspiciousKind::Control),
    };
    (all.into_iter().take(LISTED_SUSPICIOUS).collect(), counts)
}

/// The suspicious characters of *X*, in order, each with its 1-based line: the line number
/// increases at each LF not preceded by CR (ignorables between them skipped), and at each CR, VT,
/// FF, NEL, LS and PS.
fn suspicious_characters(x: &[char]) -> Vec<Suspicious> {
    let mut found = Vec::new();
    let mut line = 1;
    for (i, &c) in x.iter().enumerate() {
        let lf_after_cr = c == '\n' && x[..i].iter().rev().find(|&&p| !ignorable(p)) == Some(&'\r');
        if line_break(c) && !lf_after_cr {
            line += 1;
        }
        if let Some((kind, name)) = suspicious(c) {
            found.push(Suspicious {
                codepoint: format!("U+{:04X}", c as u32),
                name: name.to_string(),
                kind,
                line,
            });
        }
    }
    found
}

// ---------------------------------------------------------------------------------------------
// §2.3 Algorithm
// ---------------------------------------------------------------------------------------------

/// Step 1, **map**: whitespace kept (U+2000 as U+2002, U+2001 as U+2003), ignorables deleted,
/// quotes folded, anything else kept.
fn map(x: &[char]) -> String {
    let mut out = String::new();
    for &c in x {
        if whitespace(c) {
            out.push(match c as u32 {
                0x2000 => '\u{2002}',
                0x2001 => '\u{2003}',
                _ => c,
            });
        } else if ignorable(c) {
            // deleted
        } else if let Some(q) = folded_quote(c) {
            out.push(q);
        } else {
            out.push(c);
        }
    }
    out
}

/// A piece of *Y*: a token (maximal non-empty sequence of non-whitespace characters) or a run
/// (maximal non-empty sequence of whitespace).
#[derive(Debug)]
enum Piece {
    Token(Vec<char>),
    Run(Vec<char>),
}

/// Split *Y* into tokens and runs.
fn pieces(y: &str) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    for c in y.chars() {
        match (pieces.last_mut(), whitespace(c)) {
            (Some(Piece::Run(run)), true) => run.push(c),
            (Some(Piece::Token(token)), false) => token.push(c),
            (_, true) => pieces.push(Piece::Run(vec![c])),
            (_, false) => pieces.push(Piece::Token(vec![c])),
        }
    }
    pieces
}

/// The **line breaks** of a run: CR immediately followed by LF counts 1, PS counts 2, every other
/// line-break character counts 1, horizontal spaces count 0.
fn line_breaks(run: &[char]) -> u64 {
    let mut count = 0;
    for (i, &c) in run.iter().enumerate() {
        if c == '\n' && i > 0 && run[i - 1] == '\r' {
            // the LF of a CR LF: the CR counted it
        } else if c == '\u{2029}' {
            count += 2;
        } else if line_break(c) {
            count += 1;
        }
    }
    count
}

/// Step 3, **fold whitespace**: the runs before the first token and after the last are removed;
/// every other run becomes `"\n\n"` if it has two or more line breaks, else the join of the
/// characters around it. No token, empty result.
fn fold_whitespace(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Token(token) => out.extend(token),
            Piece::Run(run) => {
                let (Some(Piece::Token(before)), Some(Piece::Token(after))) =
                    (i.checked_sub(1).map(|j| &pieces[j]), pieces.get(i + 1))
                else {
                    continue; // before the first token or after the last
                };
                if line_breaks(run) >= 2 {
                    out.push_str("\n\n");
                } else {
                    let b = *before.last().expect("tokens are not empty");
                    let a = first_char(after);
                    out.push_str(join(b, a));
                }
            }
        }
    }
    out
}

fn first_char(token: &[char]) -> char {
    *token.first().expect("tokens are not empty")
}

/// Canonicalize `input` exactly as `docs/SPEC.md` §2 says: the same [`Canonical`] that
/// [`super::canonicalize`] must return.
pub fn canonicalize(input: &str) -> Canonical {
    let x: Vec<char> = input.chars().collect();
    let mapped = map(&x);
    let y: String = mapped.nfc().collect();
    let pieces = pieces(&y);
    let folded = fold_whitespace(&pieces);
    let text: String = folded.nfc().collect();
    let normalization = y != mapped || text != folded;
    let (suspicious, suspicious_counts) = suspicious_report(&x);
    Canonical {
        digest: digest(&text),
        layout: layout(&x, &pieces, normalization),
        suspicious,
        suspicious_counts,
        text,
    }
}

// ---------------------------------------------------------------------------------------------
// §2.4 Paragraphs and digests
// ---------------------------------------------------------------------------------------------

/// The **paragraphs** of a canonical text: its pieces split at `"\n\n"` (none for the empty text).
pub fn paragraphs(canonical: &str) -> Vec<&str> {
    if canonical.is_empty() {
        return Vec::new();
    }
    canonical.split("\n\n").collect()
}

/// The **canonical stream**: the canonical text with each paragraph break replaced by the join of
/// the last character of the paragraph before and the first character of the paragraph after.
pub fn stream(canonical: &str) -> String {
    let paragraphs = paragraphs(canonical);
    let mut out = String::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            let b = paragraphs[i - 1]
                .chars()
                .last()
                .expect("paragraphs are not empty");
            let a = p.chars().next().expect("paragraphs are not empty");
            out.push_str(join(b, a));
        }
        out.push_str(p);
    }
    out
}

/// The **canonical digest**: SHA-256 of the stream's UTF-8 bytes.
pub fn digest(canonical: &str) -> Digest {
    Digest::of(stream(canonical).as_bytes())
}

// ---------------------------------------------------------------------------------------------
// §2.7 Layout
// ---------------------------------------------------------------------------------------------

/// The position of a run after the last token: 2^64 − 1.
const AFTER_LAST: u64 = u64::MAX;

/// A *token character*: neither whitespace nor ignorable, and a starter.
fn token_character(c: char) -> bool {
    !whitespace(c) && !ignorable(c) && starter(c)
}

/// Unsigned LEB128: 7 bits per byte, least significant group first, high bit set on all but the
/// last byte.
fn leb128(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let low = (v % 128) as u8;
        v /= 128;
        if v == 0 {
            out.push(low);
            return;
        }
        out.push(low + 128);
    }
}

/// One fingerprint's records.
#[derive(Default)]
struct Records(Option<Vec<u8>>);

impl Records {
    /// A numeric record: `LEB128(position) || LEB128(value)`.
    fn number(&mut self, position: u64, value: u64) {
        let out = self.0.get_or_insert_with(Vec::new);
        leb128(position, out);
        leb128(value, out);
    }

    /// A string record: `LEB128(position) || LEB128(byte length) || UTF-8 bytes`.
    fn string(&mut self, position: u64, value: &str) {
        let out = self.0.get_or_insert_with(Vec::new);
        leb128(position, out);
        leb128(value.len() as u64, out);
        out.extend_from_slice(value.as_bytes());
    }

    /// The first 16 hex digits of SHA-256 of the records, or `none` when there is none.
    fn fingerprint(self) -> String {
        match self.0 {
            None => "none".to_string(),
            Some(records) => Digest::of(&records).hex()[..16].to_string(),
        }
    }
}

/// `line_endings`: the kinds of line ending seen in *X*, ignorables between CR and LF skipped.
fn line_endings(x: &[char]) -> String {
    let seen: Vec<char> = x.iter().copied().filter(|&c| !ignorable(c)).collect();
    let mut kinds: Vec<&str> = Vec::new();
    for (i, &c) in seen.iter().enumerate() {
        let kind = match c {
            '\n' if i > 0 && seen[i - 1] == '\r' => continue, // counted as crlf at the CR
            '\n' => "lf",
            '\r' if seen.get(i + 1) == Some(&'\n') => "crlf",
            '\r' => "cr",
            c if line_break(c) => "other",
            _ => continue,
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    match kinds.as_slice() {
        [] => "none".to_string(),
        [one] => one.to_string(),
        _ => "mixed".to_string(),
    }
}

/// The layout of *X*, given the pieces of *Y* and whether NFC changed the text.
fn layout(x: &[char], pieces: &[Piece], normalization: bool) -> Layout {
    let mut quotes = Records::default();
    let mut invisibles = Records::default();
    // Quote and invisible records: positions count token characters before the character in X.
    let mut position = 0;
    for (i, &c) in x.iter().enumerate() {
        if folded_quote(c).is_some() {
            quotes.number(position, u64::from(c));
        }
        if ignorable(c) && !(i == 0 && c == '\u{FEFF}') {
            invisibles.number(position, u64::from(c));
        }
        if token_character(c) {
            position += 1;
        }
    }

    let mut wrapping = Records::default();
    let mut paragraph_breaks = Records::default();
    let mut blank_lines = Records::default();
    let mut spacing = Records::default();
    // Run records: positions count token characters before the run in Y.
    let first_token = pieces.iter().position(|p| matches!(p, Piece::Token(_)));
    let last_token = pieces.iter().rposition(|p| matches!(p, Piece::Token(_)));
    let mut position = 0;
    for (i, piece) in pieces.iter().enumerate() {
        let run = match piece {
            Piece::Token(token) => {
                position += token.iter().filter(|&&c| token_character(c)).count() as u64;
                continue;
            }
            Piece::Run(run) => run,
        };
        let n = line_breaks(run);
        let spaces: String = run.iter().filter(|&&c| horizontal_space(c)).collect();
        let inner = first_token.is_some_and(|f| f < i) && last_token.is_some_and(|l| i < l);
        if inner {
            if n == 1 {
                wrapping.number(position, 1);
            }
            if n >= 2 {
                paragraph_breaks.number(position, 2);
            }
            if n > 2 {
                blank_lines.number(position, n);
            }
            let (Piece::Token(before), Piece::Token(after)) = (&pieces[i - 1], &pieces[i + 1])
            else {
                unreachable!("an inner run lies between two tokens");
            };
            let joined_by_space =
                n < 2 && join(*before.last().expect("not empty"), first_char(after)) == " ";
            let single_space = n == 0 && joined_by_space && spaces == " ";
            if !spaces.is_empty() && !single_space {
                spacing.string(position, &spaces);
            }
        } else {
            // An edge run: before the first token (or the only run of a text with no token), or
            // after the last.
            let edge = if last_token.is_some_and(|l| l < i) {
                AFTER_LAST
            } else {
                0
            };
            if n > 0 {
                blank_lines.number(edge, n);
            }
            if !spaces.is_empty() {
                spacing.string(edge, &spaces);
            }
        }
    }

    Layout {
        encoding: "UTF-8".to_string(),
        bom: x.first() == Some(&'\u{FEFF}'),
        line_endings: line_endings(x),
        wrapping: wrapping.fingerprint(),
        paragraphs: paragraph_breaks.fingerprint(),
        blank_lines: blank_lines.fingerprint(),
        spacing: spacing.fingerprint(),
        quotes: quotes.fingerprint(),
        invisibles: invisibles.fingerprint(),
        normalization,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// §2.9's worked examples, as the reference computes them.
    #[test]
    fn worked_examples_of_the_spec() {
        let cases = [
            (
                "One two\nthree.\n\n\nFour.",
                "One two three.\n\nFour.",
                "One two three. Four.",
                "accbd8aa1ac9d06961ce83c5dce1e7a62d8078b1c90167403d917b9fef834677",
            ),
            (
                "\u{201C}我们 要求\n立即释放\u{201D}\n\n律师 Zhang",
                "\"我们要求立即释放\"\n\n律师Zhang",
                "\"我们要求立即释放\"律师Zhang",
                "575bdc7149efc57a93b0a3661b5fc4fe56aefd944f0a0e693d8790c21c991162",
            ),
            (
                "Cafe\u{301} \u{201C}free\u{201D}\u{A0}them\u{200B}\r\n\r\nNext",
                "Café \"free\" them\n\nNext",
                "Café \"free\" them Next",
                "81489e7f8f9c35a876b069c48a8998e28804358d5bd5c981bce47f6d027cebba",
            ),
            (
                "A\u{2029}B",
                "A\n\nB",
                "A B",
                "fea4c5ce720c1d6a1cbc47c1607cc4ea172a69de8948e76d67910120597950fc",
            ),
            (
                "か\n\u{3099}",
                "か \u{3099}",
                "か \u{3099}",
                "cdf546fc141604811202e1ee2b8c2823afe4900d2c1a591803cb6a216a1c3dc8",
            ),
            (
                "か\n\n\u{3099}",
                "か\n\n\u{3099}",
                "か \u{3099}",
                "cdf546fc141604811202e1ee2b8c2823afe4900d2c1a591803cb6a216a1c3dc8",
            ),
            (
                "pay \u{202E}0001\u{202C} now",
                "pay \u{202E}0001\u{202C} now",
                "pay \u{202E}0001\u{202C} now",
                "2881c16dcea5601812c82339c64ebc50af2c0694c758ac411dd955c613172d8c",
            ),
        ];
        for (input, text, stream_text, hex) in cases {
            let c = canonicalize(input);
            assert_eq!(c.text, text, "{input:?}");
            assert_eq!(stream(&c.text), stream_text, "{input:?}");
            assert_eq!(c.digest.hex(), hex, "{input:?}");
        }
    }

    /// §2.7's worked example of the layout fingerprints.
    #[test]
    fn worked_layout_example_of_the_spec() {
        let layout = canonicalize("One two\nthree.\n\n\nFour.").layout;
        assert_eq!(layout.wrapping, "2347f5a2b07e8617");
        assert_eq!(layout.paragraphs, "988af319139bfea1");
        assert_eq!(layout.blank_lines, "3ff9292ba5f21031");
        for none in [&layout.spacing, &layout.quotes, &layout.invisibles] {
            assert_eq!(none, "none");
        }
        assert_eq!(layout.line_endings, "lf");
        assert!(!layout.bom && !layout.normalization);
    }

    /// The reference's Default_Ignorable_Code_Point table is the UCD property, as `regex-syntax`
    /// has it, at every code point.
    #[test]
    fn default_ignorable_table_is_the_ucd_property() {
        use regex_syntax::hir::{Class, HirKind};
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(r"\p{Default_Ignorable_Code_Point}")
            .unwrap();
        let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
            panic!("not a class");
        };
        for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
            let in_ucd = class
                .ranges()
                .iter()
                .any(|r| r.start() <= c && c <= r.end());
            assert_eq!(default_ignorable(c), in_ucd, "U+{:04X}", c as u32);
        }
    }

    /// Issue 6, item 3: low quotes are kept, U+1680 is a visible character, and U+180B, U+2800
    /// and U+1D173 are reported.
    #[test]
    fn look_alike_marks_are_kept_and_invisibles_reported() {
        assert_eq!(canonicalize("\u{201A}a\u{201E}").text, "\u{201A}a\u{201E}");
        assert_eq!(canonicalize("\u{201B}a\u{201F}").text, "'a\"");
        assert_eq!(canonicalize("a\u{1680}b").text, "a\u{1680}b");
        let c = canonicalize("a\u{180B}b\u{2800}c\u{1D173}d");
        let names: Vec<&str> = c.suspicious.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "VARIATION SELECTOR",
                "BRAILLE PATTERN BLANK",
                "FORMAT CHARACTER"
            ]
        );
        assert_eq!(c.suspicious_counts.invisible, 3);
    }

    #[test]
    fn leb128_matches_the_spec_definition() {
        let mut out = Vec::new();
        for v in [0, 1, 127, 128, 300, u64::MAX] {
            leb128(v, &mut out);
        }
        let mut expected = vec![0x00, 0x01, 0x7F, 0x80, 0x01, 0xAC, 0x02];
        expected.extend([0xFF; 9]);
        expected.push(0x01);
        assert_eq!(out, expected);
    }
}

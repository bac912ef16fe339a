//! The canonical text, version 1 (`attest-canon/1`): what counts as "the same words".
//!
//! This module is pure (no I/O). It implements `docs/SPEC.md` §2 exactly; the steps are:
//!
//! 1. **Map**: delete ignorable characters (soft hyphen, zero-width space, word joiner, BOM) and fold
//!    curly quotes to straight ones.
//! 2. **NFC**.
//! 3. **Fold whitespace**: split into tokens separated by runs of whitespace and line breaks. A run with
//!    two or more line breaks is a paragraph break (`"\n\n"`); any other run becomes one space, or
//!    nothing when the character on either side is *unspaced* (CJK). A token that starts with a
//!    combining mark always keeps its space, so folding never moves a mark onto another base.
//! 4. **NFC** again. With the rule above this changes nothing in practice; it is kept so that the
//!    output is NFC by construction.
//!
//! The canonical *digest* is SHA-256 of the canonical *stream*: the canonical text with each paragraph
//! break replaced by the same join as a word gap, so that merging or splitting paragraphs never changes
//! it.
//!
//! Most text is already NFC and uses only a few kinds of whitespace, so [`summarize`] and
//! [`canonicalize`] first try a fast path that hashes spans of the input directly; it falls back to the
//! full algorithm when it meets any character that normalization could affect.

use std::ops::Range;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::digest::{Digest, Hasher};

/// The name and version of this canonicalization, recorded in every manifest.
pub const CANON_VERSION: &str = "attest-canon/1";

/// A fingerprint value meaning "no such layout feature occurred".
const NO_FEATURE: &str = "none";

/// The canonical form of a text, with everything the verifier needs to explain a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// Paragraphs separated by `"\n\n"`; within a paragraph, tokens joined by single spaces or nothing.
    pub text: String,
    /// SHA-256 of the canonical stream (see module docs).
    pub digest: Digest,
    /// Fingerprints of the tolerated differences this input had.
    pub layout: Layout,
    /// Characters a reader cannot see that can change what a reader sees.
    pub suspicious: Vec<Suspicious>,
}

impl Canonical {
    /// The paragraphs of the canonical text (none for an empty text).
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        paragraphs_of(&self.text)
    }

    /// SHA-256 of each paragraph's UTF-8 text, in order.
    pub fn paragraph_digests(&self) -> Vec<Digest> {
        self.paragraphs()
            .map(|p| Digest::of(p.as_bytes()))
            .collect()
    }
}

/// The digest and counts of a canonical text, computed without keeping the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// SHA-256 of the canonical stream.
    pub digest: Digest,
    /// Number of canonical paragraphs.
    pub paragraph_count: usize,
    /// Fingerprints of the tolerated differences this input had.
    pub layout: Layout,
    /// Suspicious invisible characters found.
    pub suspicious: Vec<Suspicious>,
}

/// The paragraphs of an already-canonical text.
pub fn paragraphs_of(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n\n").filter(|p| !p.is_empty())
}

/// Fingerprints of the layout of one input: each field changes when, and only when, the corresponding
/// tolerated difference changes. Comparing two layouts names what differs between two copies of the
/// same canonical text ("line endings, wrapping and quote style differ").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// The character encoding the input was decoded from (`UTF-8` for anything signed).
    pub encoding: String,
    /// Whether the input began with a byte order mark.
    pub bom: bool,
    /// `none`, `lf`, `crlf`, `cr`, `other` (NEL, LS, PS, VT, FF) or `mixed`.
    pub line_endings: String,
    /// Where single line breaks fall inside paragraphs.
    pub wrapping: String,
    /// Where paragraph breaks fall.
    pub paragraphs: String,
    /// Extra blank lines between paragraphs and at either end.
    pub blank_lines: String,
    /// Whitespace other than single spaces: runs, tabs, no-break and ideographic spaces, indentation,
    /// trailing spaces, and spaces next to CJK characters.
    pub spacing: String,
    /// Where curly quotes and apostrophes were.
    pub quotes: String,
    /// Where zero-width spaces, soft hyphens, word joiners and stray BOMs were.
    pub invisibles: String,
    /// Whether Unicode normalization (NFC) changed the text.
    pub normalization: bool,
}

/// One kind of tolerated difference between two layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LayoutDifference {
    /// Different character encodings.
    Encoding,
    /// A byte order mark present in one and not the other.
    ByteOrderMark,
    /// CR, LF, CRLF or Unicode line separators.
    LineEndings,
    /// Lines wrapped at different places.
    Wrapping,
    /// Paragraphs merged or split.
    ParagraphBreaks,
    /// Different numbers of blank lines.
    BlankLines,
    /// Runs of spaces, tabs, no-break or ideographic spaces, trailing spaces.
    Spacing,
    /// Curly versus straight quotes and apostrophes.
    Quotes,
    /// Zero-width spaces, soft hyphens and similar invisible characters.
    InvisibleCharacters,
    /// Composed versus decomposed accents (Unicode normalization).
    UnicodeNormalization,
    /// Email reply markers (`> `) before the lines (found by `verify`, not by canonicalization).
    EmailQuoting,
}

impl LayoutDifference {
    /// A short phrase for human output.
    pub fn describe(self) -> &'static str {
        match self {
            LayoutDifference::Encoding => "text encoding",
            LayoutDifference::ByteOrderMark => "byte order mark",
            LayoutDifference::LineEndings => "line endings",
            LayoutDifference::Wrapping => "line wrapping",
            LayoutDifference::ParagraphBreaks => "paragraph breaks",
            LayoutDifference::BlankLines => "blank lines",
            LayoutDifference::Spacing => "spacing",
            LayoutDifference::Quotes => "quote style",
            LayoutDifference::InvisibleCharacters => "invisible characters",
            LayoutDifference::UnicodeNormalization => "Unicode normalization",
            LayoutDifference::EmailQuoting => "email quoting",
        }
    }
}

impl Layout {
    /// The tolerated differences between two layouts, in a fixed order.
    pub fn differences(&self, other: &Layout) -> Vec<LayoutDifference> {
        use LayoutDifference as D;
        let pairs = [
            (self.encoding != other.encoding, D::Encoding),
            (self.bom != other.bom, D::ByteOrderMark),
            (self.line_endings != other.line_endings, D::LineEndings),
            (self.wrapping != other.wrapping, D::Wrapping),
            (self.paragraphs != other.paragraphs, D::ParagraphBreaks),
            (self.blank_lines != other.blank_lines, D::BlankLines),
            (self.spacing != other.spacing, D::Spacing),
            (self.quotes != other.quotes, D::Quotes),
            (self.invisibles != other.invisibles, D::InvisibleCharacters),
            (
                self.normalization != other.normalization,
                D::UnicodeNormalization,
            ),
        ];
        pairs
            .into_iter()
            .filter(|(differs, _)| *differs)
            .map(|(_, d)| d)
            .collect()
    }
}

/// Why a character is suspicious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspiciousKind {
    /// A bidirectional control: displayed text can differ from stored text.
    Bidi,
    /// A Unicode tag character (U+E0000–U+E007F): invisible, can smuggle text.
    Tag,
    /// Another invisible format character.
    Invisible,
    /// A control character.
    Control,
}

/// A suspicious character found in the input. Such characters are kept in the canonical text, so a
/// copy that contains one and an original that doesn't never compare equal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Suspicious {
    /// The code point, as `U+XXXX`.
    pub codepoint: String,
    /// Its Unicode name (or a description).
    pub name: String,
    /// Why it matters.
    pub kind: SuspiciousKind,
    /// 1-based line of the input where it occurs.
    pub line: usize,
}

/// Canonicalize a decoded text.
pub fn canonicalize(input: &str) -> Canonical {
    let mut rec = Recorder::default();
    let mut sink = TextSink::default();
    if fold(input, &mut sink, &mut rec, Mode::Raw).is_ok() {
        let layout = rec.finish(false);
        let digest = stream_digest(&sink.text);
        return Canonical {
            text: sink.text,
            digest,
            layout,
            suspicious: Vec::new(),
        };
    }
    slow_canonicalize(input)
}

/// Compute the canonical digest, paragraph count and layout of a decoded text without building the
/// canonical text when the fast path applies.
pub fn summarize(input: &str) -> Summary {
    let mut rec = Recorder::default();
    let mut sink = HashSink::default();
    if fold(input, &mut sink, &mut rec, Mode::Raw).is_ok() {
        let (digest, paragraph_count) = sink.finish();
        return Summary {
            digest,
            paragraph_count,
            layout: rec.finish(false),
            suspicious: Vec::new(),
        };
    }
    let c = slow_canonicalize(input);
    Summary {
        paragraph_count: c.paragraphs().count(),
        digest: c.digest,
        layout: c.layout,
        suspicious: c.suspicious,
    }
}

/// The canonical digest of an already-canonical text: SHA-256 of the text with each paragraph break
/// (`"\n\n"`) replaced by the join a word gap would get.
pub fn stream_digest(canonical_text: &str) -> Digest {
    let mut hasher = Hasher::new();
    let mut prev: Option<&str> = None;
    for para in paragraphs_of(canonical_text) {
        if let Some(prev) = prev {
            let before = prev.chars().next_back();
            let after = para.chars().next();
            hasher.update(join_between(before, after).as_bytes());
        }
        hasher.update(para.as_bytes());
        prev = Some(para);
    }
    hasher.finish()
}

/// The full algorithm: map, NFC, fold whitespace, NFC.
fn slow_canonicalize(input: &str) -> Canonical {
    let mut rec = Recorder::default();
    let mut suspicious = Vec::new();
    let mapped = map_characters(input, &mut rec, &mut suspicious);
    let (normalized, changed_before) = nfc(mapped);
    let mut sink = TextSink::default();
    fold(&normalized, &mut sink, &mut rec, Mode::Mapped)
        .expect("fold never bails out on already-mapped input");
    let (text, changed_after) = nfc(sink.text);
    let digest = stream_digest(&text);
    Canonical {
        text,
        digest,
        layout: rec.finish(changed_before || changed_after),
        suspicious,
    }
}

/// NFC-normalize, reporting whether anything changed.
fn nfc(s: String) -> (String, bool) {
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return (s, false);
    }
    let normalized: String = s.nfc().collect();
    let changed = normalized != s;
    (normalized, changed)
}

// ---------------------------------------------------------------------------------------------
// Character classes (docs/SPEC.md §2.2)
// ---------------------------------------------------------------------------------------------

/// Deleted in step 1: soft hyphen, zero-width space, word joiner, zero-width no-break space (BOM).
pub fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Step 1's quote folding: curly single quotes and apostrophes to `'`, curly double quotes to `"`.
pub fn fold_quote(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' => Some('"'),
        _ => None,
    }
}

/// Horizontal whitespace: tab, space, no-break spaces, the U+2000 spaces, ideographic space.
pub fn is_horizontal_space(c: char) -> bool {
    matches!(
        c,
        '\t' | ' ' | '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Line-break characters: LF, VT, FF, CR (CRLF counts once), NEL, LS, and PS (which counts twice).
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{000B}' | '\u{000C}' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}'
    )
}

/// U+2000 EN QUAD and U+2001 EM QUAD are the only whitespace characters NFC changes (to U+2002
/// and U+2003). Layout records use the NFC form, so the fast path (which skips NFC) and the full
/// algorithm record the same spacing.
fn nfc_space(c: char) -> char {
    match c {
        '\u{2000}' => '\u{2002}',
        '\u{2001}' => '\u{2003}',
        other => other,
    }
}

fn is_whitespace(c: char) -> bool {
    is_horizontal_space(c) || is_line_break(c)
}

/// Unspaced characters: scripts written without spaces between words (Han, kana, bopomofo) and CJK
/// punctuation and full-width forms. Whitespace next to one of these is not significant.
pub fn is_unspaced(c: char) -> bool {
    let c = c as u32;
    if c < 0x2E80 {
        return false;
    }
    matches!(c,
        0x2E80..=0x2FDF   // CJK radicals, Kangxi radicals
        | 0x2FF0..=0x2FFF // ideographic description characters
        | 0x3000..=0x303F // CJK symbols and punctuation
        | 0x3040..=0x30FF // hiragana, katakana
        | 0x3100..=0x312F // bopomofo
        | 0x3190..=0x31FF // kanbun, bopomofo extended, CJK strokes, katakana extensions
        | 0x3200..=0x33FF // enclosed CJK letters, CJK compatibility
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFE30..=0xFE4F // CJK compatibility forms
        | 0xFF00..=0xFFEF // half-width and full-width forms
        | 0x20000..=0x3FFFF // supplementary and tertiary ideographic planes
    )
}

/// Characters for which the fast path may skip normalization: NFC_Quick_Check=Yes and canonical
/// combining class 0, and not control, format or other special characters. A text made only of these
/// (plus whitespace, ignorables and quotes) is its own NFC. A unit test checks this table against the
/// normalization tables.
fn is_nfc_safe(c: char) -> bool {
    matches!(c as u32,
        0x20..=0x7E
        | 0xA0..=0x2FF
        | 0x2010..=0x2027
        | 0x2030..=0x205E
        | 0x3000..=0x3029
        | 0x3030..=0x303F
        | 0x3041..=0x3096
        | 0x30A1..=0x30FA
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xFF01..=0xFF60
    ) && c != '\u{00AD}'
}

/// Classify a character the reader cannot see but which changes what they see or what is stored:
/// its kind and Unicode name, or `None` for ordinary characters.
pub fn suspicious_kind(c: char) -> Option<(SuspiciousKind, &'static str)> {
    use SuspiciousKind::*;
    let found = match c {
        '\u{061C}' => (Bidi, "ARABIC LETTER MARK"),
        '\u{200E}' => (Bidi, "LEFT-TO-RIGHT MARK"),
        '\u{200F}' => (Bidi, "RIGHT-TO-LEFT MARK"),
        '\u{202A}' => (Bidi, "LEFT-TO-RIGHT EMBEDDING"),
        '\u{202B}' => (Bidi, "RIGHT-TO-LEFT EMBEDDING"),
        '\u{202C}' => (Bidi, "POP DIRECTIONAL FORMATTING"),
        '\u{202D}' => (Bidi, "LEFT-TO-RIGHT OVERRIDE"),
        '\u{202E}' => (Bidi, "RIGHT-TO-LEFT OVERRIDE"),
        '\u{2066}' => (Bidi, "LEFT-TO-RIGHT ISOLATE"),
        '\u{2067}' => (Bidi, "RIGHT-TO-LEFT ISOLATE"),
        '\u{2068}' => (Bidi, "FIRST STRONG ISOLATE"),
        '\u{2069}' => (Bidi, "POP DIRECTIONAL ISOLATE"),
        '\u{E0000}'..='\u{E007F}' => (Tag, "TAG CHARACTER"),
        '\u{200C}' => (Invisible, "ZERO WIDTH NON-JOINER"),
        '\u{200D}' => (Invisible, "ZERO WIDTH JOINER"),
        '\u{034F}' => (Invisible, "COMBINING GRAPHEME JOINER"),
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => (Invisible, "HANGUL FILLER"),
        '\u{180E}' => (Invisible, "MONGOLIAN VOWEL SEPARATOR"),
        '\u{2061}'..='\u{2064}' => (Invisible, "INVISIBLE OPERATOR"),
        '\u{206A}'..='\u{206F}' => (Invisible, "DEPRECATED FORMAT CHARACTER"),
        '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => (Invisible, "VARIATION SELECTOR"),
        '\u{FFF9}'..='\u{FFFB}' => (Invisible, "INTERLINEAR ANNOTATION CHARACTER"),
        '\u{0000}'..='\u{001F}' | '\u{007F}'..='\u{009F}' => (Control, "CONTROL CHARACTER"),
        _ => return None,
    };
    Some(found)
}

/// The join between two tokens: nothing if either side is unspaced, except that a token starting
/// with a combining mark (a non-starter) always keeps its space, so a mark is never moved onto
/// another base character by whitespace folding (which would make canonicalization not idempotent).
fn join_between(before: Option<char>, after: Option<char>) -> &'static str {
    match after {
        Some(a) if !is_starter(a) => " ",
        Some(a) if is_unspaced(a) => "",
        _ if before.is_some_and(is_unspaced) => "",
        _ => " ",
    }
}

// ---------------------------------------------------------------------------------------------
// Step 1 for the full algorithm
// ---------------------------------------------------------------------------------------------

/// Delete ignorables, fold quotes and collect suspicious characters, recording their positions in the
/// same coordinates (count of token characters before them) that [`fold`] uses, so both paths give identical layouts.
fn map_characters(input: &str, rec: &mut Recorder, suspicious: &mut Vec<Suspicious>) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pos: u64 = 0;
    let mut line = 1;
    let mut prev_cr = false;
    for (offset, c) in input.char_indices() {
        let is_newline = c == '\n' && !prev_cr || (is_line_break(c) && c != '\n');
        // Ignorables are deleted before line breaks are counted, so CR ZWSP LF is one CRLF.
        if !is_ignorable(c) {
            prev_cr = c == '\r';
        }
        if is_newline {
            line += 1;
        }
        if is_whitespace(c) {
            out.push(nfc_space(c));
            continue;
        }
        if is_ignorable(c) {
            if offset == 0 && c == '\u{FEFF}' {
                rec.bom = true;
            } else {
                rec.invisible(pos, c);
            }
            continue;
        }
        if let Some(q) = fold_quote(c) {
            rec.quote(pos, c);
            out.push(q);
            pos += 1;
            continue;
        }
        if let Some((kind, name)) = suspicious_kind(c) {
            suspicious.push(Suspicious {
                codepoint: format!("U+{:04X}", c as u32),
                name: name.to_string(),
                kind,
                line,
            });
        }
        pos += u64::from(is_starter(c));
        out.push(c);
    }
    out
}

/// Whether `c` has canonical combining class 0. Layout positions count starters because NFC
/// (almost) never changes their number, so composed and decomposed copies agree on positions.
/// NFC-safe characters are starters (a unit test checks the table), which spares the table lookup
/// for most characters, CJK included.
fn is_starter(c: char) -> bool {
    c.is_ascii() || is_nfc_safe(c) || unicode_normalization::char::canonical_combining_class(c) == 0
}

/// The number of token characters (starters) that start in `input[from..to]` (the bounds need not
/// be character boundaries). The range holds only token characters and, in raw mode, single ASCII
/// spaces. In raw mode every character is NFC-safe and so a starter, and counting is by bytes.
fn count_starters(input: &str, from: usize, to: usize, raw: bool) -> u64 {
    if !raw {
        return (from..to)
            .filter(|&j| input.is_char_boundary(j))
            .map(|j| char_at(input, j))
            .filter(|&c| !is_whitespace(c) && is_starter(c))
            .count() as u64;
    }
    // Every byte that is neither a UTF-8 continuation byte nor a space starts a token character.
    let bytes = &input.as_bytes()[from..to];
    let mut chunks = bytes.chunks_exact(8);
    let mut count = 0u64;
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let continuation = x & !(x << 1) & HI_BITS;
        let s = x ^ (LO_BYTES * 0x20);
        let spaces = !(((s & !HI_BITS) + !HI_BITS) | s) & HI_BITS;
        count += 8 - u64::from(marked_bytes(continuation) + marked_bytes(spaces));
    }
    count
        + chunks
            .remainder()
            .iter()
            .filter(|&&b| (b as i8) >= -0x40 && b != b' ')
            .count() as u64
}

// ---------------------------------------------------------------------------------------------
// Step 3, shared by the fast path and the full algorithm
// ---------------------------------------------------------------------------------------------

/// What [`fold`] is given.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Raw decoded input: fold quotes and ignorables here, and bail out on anything that is not
    /// NFC-safe.
    Raw,
    /// Output of step 1 and 2: only whitespace needs folding.
    Mapped,
}

/// The fast path met a character that needs the full algorithm.
#[derive(Debug)]
struct NeedsFullAlgorithm;

/// Where canonical output goes.
trait Sink {
    /// Bytes of canonical output.
    fn span(&mut self, s: &str);
    /// A gap between two tokens: a paragraph break, or a word gap joined by `join`.
    fn gap(&mut self, join: &'static str, paragraph: bool);
}

#[derive(Default)]
struct TextSink {
    text: String,
}

impl Sink for TextSink {
    fn span(&mut self, s: &str) {
        self.text.push_str(s);
    }
    fn gap(&mut self, join: &'static str, paragraph: bool) {
        self.text.push_str(if paragraph { "\n\n" } else { join });
    }
}

/// Hashes canonical output. Spans between line breaks are short, so they are staged in a buffer and
/// hashed in large blocks rather than one small update each.
#[derive(Default)]
struct HashSink {
    hasher: Hasher,
    staged: Vec<u8>,
    paragraph_breaks: usize,
    any_output: bool,
}

const HASH_STAGING_BYTES: usize = 16 * 1024;

impl HashSink {
    fn finish(mut self) -> (Digest, usize) {
        self.hasher.update(&self.staged);
        let count = self.paragraph_count();
        (self.hasher.finish(), count)
    }

    #[inline]
    fn stage(&mut self, bytes: &[u8]) {
        if self.staged.len() + bytes.len() <= self.staged.capacity() {
            self.staged.extend_from_slice(bytes);
            return;
        }
        self.stage_slow(bytes);
    }

    /// [`HashSink::stage`] when the buffer is full or not yet allocated.
    fn stage_slow(&mut self, bytes: &[u8]) {
        if self.staged.len() + bytes.len() > HASH_STAGING_BYTES {
            self.hasher.update(&self.staged);
            self.staged.clear();
            if bytes.len() >= HASH_STAGING_BYTES {
                self.hasher.update(bytes);
                return;
            }
        }
        if self.staged.capacity() == 0 {
            self.staged.reserve(HASH_STAGING_BYTES);
        }
        self.staged.extend_from_slice(bytes);
    }

    fn paragraph_count(&self) -> usize {
        if self.any_output {
            self.paragraph_breaks + 1
        } else {
            0
        }
    }
}

impl Sink for HashSink {
    #[inline]
    fn span(&mut self, s: &str) {
        if !s.is_empty() {
            self.any_output = true;
            self.stage(s.as_bytes());
        }
    }
    #[inline]
    fn gap(&mut self, join: &'static str, paragraph: bool) {
        self.paragraph_breaks += usize::from(paragraph);
        self.stage(join.as_bytes());
    }
}

const LO_BYTES: u64 = 0x0101_0101_0101_0101;
const HI_BITS: u64 = 0x8080_8080_8080_8080;

/// The number of bytes marked in a mask that has at most the high bit of each byte set. One
/// multiply: baseline x86-64 has no POPCNT instruction, and `count_ones` becomes a long sequence.
fn marked_bytes(mask: u64) -> u32 {
    ((mask >> 7).wrapping_mul(LO_BYTES) >> 56) as u32
}

/// How many leading bytes of an eight-byte chunk (little-endian in `x`) are canonical ASCII
/// (printable, with every space single and between printable characters), and how many token
/// characters those bytes hold. `before` and `after` are the bytes around the chunk (0 at the ends).
fn ascii_prefix(x: u64, before: u8, after: u8) -> (u32, u32) {
    let (bad, spaces) = ascii_marks(x, before, after);
    let len = bad.trailing_zeros() / 8;
    let below = if len == 8 {
        u64::MAX
    } else {
        (1u64 << (len * 8)) - 1
    };
    (len, len - marked_bytes(spaces & below))
}

/// The marks behind [`ascii_prefix`]: bytes that are not canonical ASCII (exact up to and including
/// the first), and the spaces.
fn ascii_marks(x: u64, before: u8, after: u8) -> (u64, u64) {
    // Masks with the high bit of each byte set where the byte is >= 0x80, < 0x20, 0x7F or a space.
    // The borrow tricks may mark bytes above the first marked one, never below: the first marked
    // byte, which is all we use, is exact.
    let high = x & HI_BITS;
    let control = x.wrapping_sub(LO_BYTES * 0x20) & !x & HI_BITS;
    let del = x ^ (LO_BYTES * 0x7F);
    let del = del.wrapping_sub(LO_BYTES) & !del & HI_BITS;
    let s = x ^ (LO_BYTES * 0x20);
    let spaces = !(((s & !HI_BITS) + !HI_BITS) | s) & HI_BITS;
    let not_printable = high | control | del;
    let graphic = !(not_printable | spaces) & HI_BITS;
    let prev_graphic = (graphic << 8) | if is_ascii_graphic(before) { 0x80 } else { 0 };
    let next_graphic = (graphic >> 8)
        | if is_ascii_graphic(after) {
            0x80 << 56
        } else {
            0
        };
    (
        not_printable | (spaces & !(prev_graphic & next_graphic)),
        spaces,
    )
}

/// If all 32 bytes of `block` are canonical ASCII, how many token characters they hold.
///
/// Most blocks pass, so this only answers "is any byte bad?", which is much cheaper than finding
/// which one ([`ascii_prefix`] does that, on the rare block that fails). A block passes when every
/// byte is printable (0x20..=0x7E) and no space follows a space (or a non-printable `before`), or
/// precedes a non-printable `after`: inside a printable block a space's neighbours are then graphic.
/// The four words are checked independently, so the processor overlaps them.
fn ascii_block(block: &[u8; 32], before: u8, after: u8) -> Option<u32> {
    let word = |k: usize| u64::from_le_bytes(block[k * 8..k * 8 + 8].try_into().expect("8 bytes"));
    let words = [word(0), word(1), word(2), word(3)];
    let unprintable = words.iter().fold(0, |acc, &x| acc | any_unprintable(x));
    let s = words.map(space_marks);
    // Each space mark shifted one byte up marks the byte after a space; across words the top
    // byte of the previous word carries over. Outside the block only `before` and `after` matter.
    let after_space = [
        (s[0] << 8) | if is_ascii_graphic(before) { 0 } else { 0x80 },
        (s[1] << 8) | (s[0] >> 56),
        (s[2] << 8) | (s[1] >> 56),
        (s[3] << 8) | (s[2] >> 56),
    ];
    let space_before_end = if is_ascii_graphic(after) {
        0
    } else {
        0x80 << 56
    };
    let bad_spaces = (s[0] & after_space[0])
        | (s[1] & after_space[1])
        | (s[2] & after_space[2])
        | (s[3] & (after_space[3] | space_before_end));
    if unprintable | bad_spaces != 0 {
        return None;
    }
    // Per-byte sums of at most 4 cannot carry, so one multiply counts the spaces of all four words.
    let spaces = (s[0] >> 7) + (s[1] >> 7) + (s[2] >> 7) + (s[3] >> 7);
    Some(32 - (spaces.wrapping_mul(LO_BYTES) >> 56) as u32)
}

/// Nonzero if and only if some byte of `x` is outside 0x20..=0x7E. (Carries and borrows may set
/// bits above a byte that is outside, never when none is, so the test is exact as a yes/no.)
fn any_unprintable(x: u64) -> u64 {
    let at_least_7f = x.wrapping_add(LO_BYTES) | x;
    let below_20 = x.wrapping_sub(LO_BYTES * 0x20) & !x;
    (at_least_7f | below_20) & HI_BITS
}

/// The high bit of each byte of `x` that is a space, exactly (no carries between bytes).
fn space_marks(x: u64) -> u64 {
    let s = x ^ (LO_BYTES * 0x20);
    !(((s & !HI_BITS) + !HI_BITS) | s) & HI_BITS
}

/// Whether `b` is the lead byte of a CJK ideograph from U+4000..=U+9FFF (E4..E9).
fn is_ideograph_lead(b: u8) -> bool {
    b.wrapping_sub(0xE4) < 6
}

/// Skip CJK ideographs (lead bytes E4..E9: U+4000..U+9FFF) and safe CJK punctuation from the
/// character boundary `i`. All of them are NFC-safe starters emitted unchanged, so a stretch of
/// them needs no work but counting. Ideographs are tested four at a time with one branch: in valid
/// UTF-8 a lead byte is always followed by its two continuation bytes, so only lead bytes matter.
fn skip_cjk(bytes: &[u8], mut i: usize) -> usize {
    loop {
        while i + 12 <= bytes.len()
            && is_ideograph_lead(bytes[i])
                & is_ideograph_lead(bytes[i + 3])
                & is_ideograph_lead(bytes[i + 6])
                & is_ideograph_lead(bytes[i + 9])
        {
            i += 12;
        }
        if i + 3 > bytes.len() {
            return i;
        }
        let b = bytes[i];
        if !(is_ideograph_lead(b) || is_safe_cjk_punctuation(b, bytes[i + 1], bytes[i + 2])) {
            return i;
        }
        i += 3;
    }
}

/// The UTF-8 bytes of U+3001..=U+3029 (E3 80 81..A9) or U+FF01..=U+FF60 (EF BC 81..BF, EF BD 80..A0).
fn is_safe_cjk_punctuation(b0: u8, b1: u8, b2: u8) -> bool {
    match (b0, b1) {
        (0xE3, 0x80) => (0x81..=0xA9).contains(&b2),
        (0xEF, 0xBC) => (0x81..=0xBF).contains(&b2),
        (0xEF, 0xBD) => (0x80..=0xA0).contains(&b2),
        _ => false,
    }
}

/// Whether the byte before a lone LF ends a token character. (A whitespace character before it
/// would have started a run that swallowed the LF, so any printable ASCII or the last byte of a
/// multi-byte character qualifies.)
fn ends_token(b: u8) -> bool {
    is_ascii_graphic(b) || (0x80..=0xBF).contains(&b)
}

/// Whether byte `j` starts a token character that needs no closer look: printable ASCII, a CJK
/// ideograph (lead bytes E4..E9), safe CJK punctuation or a curly quote. All are NFC-safe, not
/// ignorable and not whitespace.
fn starts_simple_token(bytes: &[u8], j: usize) -> bool {
    let b = bytes[j];
    if is_ascii_graphic(b) || (0xE4..=0xE9).contains(&b) {
        return true;
    }
    j + 2 < bytes.len()
        && (is_safe_cjk_punctuation(b, bytes[j + 1], bytes[j + 2])
            || curly_quote(b, bytes[j + 1], bytes[j + 2]).is_some())
}

/// The curly quote U+2018..=U+201F encoded as `b0 b1 b2` (E2 80 98..9F), if it is one.
fn curly_quote(b0: u8, b1: u8, b2: u8) -> Option<char> {
    if b0 == 0xE2 && b1 == 0x80 && (0x98..=0x9F).contains(&b2) {
        char::from_u32(0x2000 | u32::from(b2 & 0x3F))
    } else {
        None
    }
}

/// The join for a run from `start` to `end` between two token characters, the one after being one
/// that [`starts_simple_token`] accepts (so a starter). Between two printable ASCII characters
/// (most gaps in English) it is a space, with no decoding or table lookups.
fn simple_join(s: &str, start: usize, end: usize) -> &'static str {
    let bytes = s.as_bytes();
    if is_ascii_graphic(bytes[start - 1]) && is_ascii_graphic(bytes[end]) {
        return " ";
    }
    // Lead bytes E5..E9 encode U+5000..U+9FFF, all CJK unified ideographs, so unspaced. `start` is
    // a character boundary, so a lead byte at `start - 3` begins the character before the run.
    let ideograph = |b: u8| (0xE5..=0xE9).contains(&b);
    if ideograph(bytes[end]) || (start >= 3 && ideograph(bytes[start - 3])) {
        return "";
    }
    join_between(token_char_before(s, start), Some(token_char_at(s, end)))
}

/// The whitespace runs common enough to deserve a shortcut: one space, or one or two LF or CRLF.
/// Returns the run's byte length, its line breaks and its kind of line ending.
fn simple_run(bytes: &[u8], i: usize) -> Option<(usize, u32, u8)> {
    let rest = &bytes[i..];
    if rest.starts_with(b"\n\n") {
        Some((2, 2, LE_LF))
    } else if rest.starts_with(b"\r\n\r\n") {
        Some((4, 2, LE_CRLF))
    } else if rest.starts_with(b"\r\n") {
        Some((2, 1, LE_CRLF))
    } else {
        match rest.first() {
            Some(b'\n') => Some((1, 1, LE_LF)),
            Some(b' ') => Some((1, 0, 0)),
            _ => None,
        }
    }
}

fn is_ascii_graphic(b: u8) -> bool {
    (0x21..=0x7E).contains(&b)
}

/// The character starting at byte `i` (which must be a char boundary).
fn char_at(s: &str, i: usize) -> char {
    s[i..].chars().next().expect("index is inside the string")
}

/// The character of the token starting at byte `i`, as it appears in canonical output (quotes
/// folded).
fn token_char_at(s: &str, i: usize) -> char {
    match s.as_bytes()[i] {
        b if b < 0x80 => char::from(b),
        _ => {
            let c = char_at(s, i);
            fold_quote(c).unwrap_or(c)
        }
    }
}

/// [`last_token_char`], without a backwards search when the token ends in ASCII or in a
/// three-byte character (CJK, curly quotes) that is neither ignorable nor whitespace.
fn token_char_before(s: &str, end: usize) -> Option<char> {
    let bytes = s.as_bytes();
    let b = bytes[end - 1];
    if is_ascii_graphic(b) {
        return Some(char::from(b));
    }
    // `end` is a character boundary, so a three-byte lead byte at `end - 3` starts the last
    // character.
    if end >= 3 && bytes[end - 3] & 0xF0 == 0xE0 {
        let code = (u32::from(bytes[end - 3] & 0x0F) << 12)
            | (u32::from(bytes[end - 2] & 0x3F) << 6)
            | u32::from(b & 0x3F);
        if let Some(c) = char::from_u32(code) {
            if !is_ignorable(c) && !is_whitespace(c) {
                return Some(fold_quote(c).unwrap_or(c));
            }
        }
    }
    last_token_char(s, end)
}

/// The last character of the token that ends at byte `end`, as it appears in canonical output
/// (ignorables skipped, quotes folded).
fn last_token_char(s: &str, end: usize) -> Option<char> {
    s[..end]
        .chars()
        .rev()
        .find(|&c| !is_ignorable(c))
        .filter(|&c| !is_whitespace(c))
        .map(|c| fold_quote(c).unwrap_or(c))
}

/// Step 3: emit tokens and gaps to `sink`, recording layout. In [`Mode::Raw`] it also does step 1's
/// quote and ignorable handling, and gives up on the first character that is not NFC-safe.
fn fold<S: Sink>(
    input: &str,
    sink: &mut S,
    rec: &mut Recorder,
    mode: Mode,
) -> Result<(), NeedsFullAlgorithm> {
    let bytes = input.as_bytes();
    let n = bytes.len();
    let raw = mode == Mode::Raw;
    let mut i = 0;

    if raw && input.starts_with('\u{FEFF}') {
        rec.bom = true;
        i = 3;
    }
    // Leading run.
    let leading = scan_run(input, i, 0, rec, raw);
    rec.edge_run(0, &leading);
    i = leading.end;
    if i >= n {
        return Ok(());
    }
    let mut span_start = i;
    // Layout position: token characters before `counted_to`.
    let mut pos: u64 = 0;
    let mut counted_to = i;

    while i < n {
        // Skip 32 bytes at a time, then up to eight, through canonical ASCII, then through CJK
        // ideographs and punctuation, counting token characters as we go so that layout positions
        // need no second pass.
        // A block can only pass if it starts with a printable byte: skip the attempt at line ends.
        let printable_here = i < n && (0x20..=0x7E).contains(&bytes[i]);
        while printable_here && i + 32 <= n {
            let block: &[u8; 32] = bytes[i..i + 32].try_into().expect("32 bytes");
            let before = if i > 0 { bytes[i - 1] } else { 0 };
            let after = bytes.get(i + 32).copied().unwrap_or(0);
            let Some(count) = ascii_block(block, before, after) else {
                break;
            };
            if counted_to < i {
                pos += count_starters(input, counted_to, i, raw);
            }
            pos += u64::from(count);
            i += 32;
            counted_to = i;
        }
        while printable_here && i + 8 <= n {
            let chunk: [u8; 8] = bytes[i..i + 8].try_into().expect("eight bytes");
            let before = if i > 0 { bytes[i - 1] } else { 0 };
            let after = bytes.get(i + 8).copied().unwrap_or(0);
            let (len, count) = ascii_prefix(u64::from_le_bytes(chunk), before, after);
            if len == 0 {
                break;
            }
            if counted_to < i {
                pos += count_starters(input, counted_to, i, raw);
            }
            pos += u64::from(count);
            i += len as usize;
            counted_to = i;
            if len < 8 {
                break;
            }
        }
        if i < n && bytes[i] >= 0x80 {
            let end = skip_cjk(bytes, i);
            if end > i {
                if counted_to < i {
                    pos += count_starters(input, counted_to, i, raw);
                }
                pos += ((end - i) / 3) as u64;
                i = end;
                counted_to = i;
                continue;
            }
        }
        if i >= n {
            break;
        }
        let b = bytes[i];
        // A single space between two printable ASCII characters is already canonical.
        if b == b' '
            && i + 1 < n
            && is_ascii_graphic(bytes[i + 1])
            && is_ascii_graphic(bytes[i - 1])
        {
            i += 1;
            continue;
        }
        // The commonest runs (one space, one or two LF or CRLF) between two token characters that
        // need no closer look. Same result as the general run handling below.
        if i > 0 && ends_token(bytes[i - 1]) {
            if let Some((len, line_breaks, line_ending)) = simple_run(bytes, i) {
                if i + len < n && starts_simple_token(bytes, i + len) {
                    let join = simple_join(input, i, i + len);
                    // A single space that stays a single space (next to a curly quote, say) is
                    // already canonical and records nothing: keep it in the current span.
                    if line_breaks == 0 && join == " " {
                        i += 1;
                        continue;
                    }
                    sink.span(&input[span_start..i]);
                    sink.gap(join, line_breaks >= 2);
                    if counted_to < i {
                        pos += count_starters(input, counted_to, i, raw);
                    }
                    rec.line_endings |= line_ending;
                    let spaces = if line_breaks == 0 { " " } else { "" };
                    rec.inner_run(pos, line_breaks, spaces, join);
                    i += len;
                    span_start = i;
                    counted_to = i;
                    continue;
                }
            }
        }
        // Curly quotes, folded to ASCII (step 1). They are all encoded E2 80 98..9F.
        if raw && i + 2 < n {
            if let Some(c) = curly_quote(b, bytes[i + 1], bytes[i + 2]) {
                sink.span(&input[span_start..i]);
                sink.span(if fold_quote(c) == Some('"') {
                    "\""
                } else {
                    "'"
                });
                if counted_to < i {
                    pos += count_starters(input, counted_to, i, raw);
                }
                counted_to = i;
                rec.quote(pos, c);
                i += 3;
                span_start = i;
                continue;
            }
        }
        let c = char_at(input, i);
        if is_whitespace(c) {
            sink.span(&input[span_start..i]);
            let before = token_char_before(input, i);
            pos += count_starters(input, counted_to, i, raw);
            let run = scan_run(input, i, pos, rec, raw);
            counted_to = run.end;
            if run.end >= n {
                rec.edge_run(u64::MAX, &run);
                return Ok(());
            }
            let next = char_at(input, run.end);
            let next = fold_quote(next).unwrap_or(next);
            if raw && !is_nfc_safe(next) && !is_ignorable(next) {
                return Err(NeedsFullAlgorithm);
            }
            let join = join_between(before, Some(next));
            let paragraph = run.line_breaks >= 2;
            sink.gap(join, paragraph);
            rec.inner_run(pos, run.line_breaks, &run.spaces, join);
            i = run.end;
            span_start = i;
            continue;
        }
        let len = c.len_utf8();
        if raw {
            if is_ignorable(c) {
                sink.span(&input[span_start..i]);
                pos += count_starters(input, counted_to, i, raw);
                rec.invisible(pos, c);
                i += len;
                span_start = i;
                counted_to = i;
                continue;
            }
            if !is_nfc_safe(c) {
                return Err(NeedsFullAlgorithm);
            }
        }
        i += len;
    }
    sink.span(&input[span_start..n]);
    Ok(())
}

/// A run of whitespace and line breaks (ignorables inside it are skipped).
struct Run {
    /// Byte offset just past the run.
    end: usize,
    /// Line breaks in the run (CRLF counts once, PS twice).
    line_breaks: u32,
    /// The horizontal whitespace characters of the run, in order.
    spaces: String,
}

fn scan_run(input: &str, start: usize, pos: u64, rec: &mut Recorder, raw: bool) -> Run {
    let mut run = Run {
        end: start,
        line_breaks: 0,
        spaces: String::new(),
    };
    // The most common run by far: one line break between two tokens.
    let bytes = input.as_bytes();
    let simple = |len: usize| {
        bytes
            .get(start + len)
            .is_some_and(|&b| is_ascii_graphic(b) || (0xE4..=0xE9).contains(&b))
    };
    if bytes.get(start) == Some(&b'\n') && simple(1) {
        rec.line_endings |= LE_LF;
        return Run {
            end: start + 1,
            line_breaks: 1,
            spaces: String::new(),
        };
    }
    if bytes.get(start) == Some(&b'\r') && bytes.get(start + 1) == Some(&b'\n') && simple(2) {
        rec.line_endings |= LE_CRLF;
        return Run {
            end: start + 2,
            line_breaks: 1,
            spaces: String::new(),
        };
    }
    // A CR not yet known to be CR or the first half of CRLF (ignorables between them are deleted
    // in step 1, so "\r\u{200B}\n" is one CRLF).
    let mut pending_cr = false;
    for (off, c) in input[start..].char_indices() {
        if raw && is_ignorable(c) {
            rec.invisible(pos, c);
        } else if c == '\n' && pending_cr {
            rec.line_endings |= LE_CRLF;
            pending_cr = false;
        } else if is_whitespace(c) {
            if pending_cr {
                rec.line_endings |= LE_CR;
                pending_cr = false;
            }
            match c {
                '\r' => {
                    pending_cr = true;
                    run.line_breaks += 1;
                }
                '\n' => {
                    rec.line_endings |= LE_LF;
                    run.line_breaks += 1;
                }
                '\u{2029}' => {
                    rec.line_endings |= LE_OTHER;
                    run.line_breaks += 2;
                }
                c if is_line_break(c) => {
                    rec.line_endings |= LE_OTHER;
                    run.line_breaks += 1;
                }
                c => run.spaces.push(nfc_space(c)),
            }
        } else {
            break;
        }
        run.end = start + off + c.len_utf8();
    }
    if pending_cr {
        rec.line_endings |= LE_CR;
    }
    run
}

// ---------------------------------------------------------------------------------------------
// Layout recording
// ---------------------------------------------------------------------------------------------

const LE_LF: u8 = 1;
const LE_CRLF: u8 = 2;
const LE_CR: u8 = 4;
const LE_OTHER: u8 = 8;

/// Accumulates layout fingerprints. Positions count the token characters (starters) before an
/// event: the same whichever path produced them, and unchanged by every tolerated difference.
#[derive(Default)]
struct Recorder {
    bom: bool,
    line_endings: u8,
    wrapping: Fingerprint,
    paragraphs: Fingerprint,
    blank_lines: Fingerprint,
    spacing: Fingerprint,
    quotes: Fingerprint,
    invisibles: Fingerprint,
}

/// The records of one layout feature, hashed once at the end. Each record is its fields as LEB128
/// unsigned integers, byte strings being prefixed by their length.
#[derive(Default)]
struct Fingerprint {
    records: Vec<u8>,
    any: bool,
}

impl Fingerprint {
    fn leb128(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7F) as u8;
            v >>= 7;
            if v == 0 {
                self.records.push(byte);
                return;
            }
            self.records.push(byte | 0x80);
        }
    }

    /// A record of a position and one number. Records are frequent (every line break and quote),
    /// so both numbers are encoded on the stack and appended at once.
    #[inline]
    fn record(&mut self, pos: u64, value: u64) {
        self.any = true;
        let mut buf = [0u8; 20];
        let mut len = 0;
        for mut v in [pos, value] {
            loop {
                let byte = (v & 0x7F) as u8;
                v >>= 7;
                if v == 0 {
                    buf[len] = byte;
                    len += 1;
                    break;
                }
                buf[len] = byte | 0x80;
                len += 1;
            }
        }
        self.records.extend_from_slice(&buf[..len]);
    }

    /// A record of a position and a string.
    fn record_str(&mut self, pos: u64, text: &str) {
        self.any = true;
        self.leb128(pos);
        self.leb128(text.len() as u64);
        self.records.extend_from_slice(text.as_bytes());
    }

    fn finish(self) -> String {
        if !self.any {
            return NO_FEATURE.to_string();
        }
        Digest::of(&self.records).hex()[..16].to_string()
    }
}

impl Recorder {
    fn quote(&mut self, pos: u64, c: char) {
        self.quotes.record(pos, u64::from(c));
    }

    fn invisible(&mut self, pos: u64, c: char) {
        self.invisibles.record(pos, u64::from(c));
    }

    /// A run between two tokens, after `pos` token characters.
    #[inline]
    fn inner_run(&mut self, pos: u64, line_breaks: u32, spaces: &str, join: &str) {
        match line_breaks {
            0 => {}
            1 => self.wrapping.record(pos, 1),
            n => {
                self.paragraphs.record(pos, 2);
                if n > 2 {
                    self.blank_lines.record(pos, u64::from(n));
                }
            }
        }
        let canonical_spacing =
            spaces.is_empty() || (line_breaks == 0 && join == " " && spaces == " ");
        if !canonical_spacing {
            self.spacing.record_str(pos, spaces);
        }
    }

    /// A run before the first token (`pos` 0) or after the last (`pos` u64::MAX).
    fn edge_run(&mut self, pos: u64, run: &Run) {
        if run.line_breaks > 0 {
            self.blank_lines.record(pos, u64::from(run.line_breaks));
        }
        if !run.spaces.is_empty() {
            self.spacing.record_str(pos, &run.spaces);
        }
    }

    fn finish(self, normalization: bool) -> Layout {
        let line_endings = match self.line_endings {
            0 => NO_FEATURE,
            LE_LF => "lf",
            LE_CRLF => "crlf",
            LE_CR => "cr",
            LE_OTHER => "other",
            _ => "mixed",
        };
        Layout {
            encoding: "UTF-8".to_string(),
            bom: self.bom,
            line_endings: line_endings.to_string(),
            wrapping: self.wrapping.finish(),
            paragraphs: self.paragraphs.finish(),
            blank_lines: self.blank_lines.finish(),
            spacing: self.spacing.finish(),
            quotes: self.quotes.finish(),
            invisibles: self.invisibles.finish(),
            normalization,
        }
    }
}

/// Byte ranges of the paragraphs of a canonical text, for callers that need positions.
pub fn paragraph_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices("\n\n") {
        if i > start {
            out.push(start..i);
        }
        start = i + 2;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonicalize(s).text
    }

    #[test]
    fn nfc_safe_table_matches_normalization_tables() {
        use unicode_normalization::char::canonical_combining_class;
        for cp in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if is_nfc_safe(c) {
                assert_eq!(
                    canonical_combining_class(c),
                    0,
                    "U+{cp:04X} has a combining class"
                );
                assert_eq!(
                    is_nfc_quick(std::iter::once(c)),
                    IsNormalized::Yes,
                    "U+{cp:04X}"
                );
                let composed: String = format!("{c}").nfc().collect();
                assert_eq!(composed, c.to_string(), "U+{cp:04X} is not its own NFC");
            }
        }
    }

    #[test]
    fn plain_table_only_skips_safe_unspaced_lead_bytes() {
        for cp in 0x4000..=0x9FFFu32 {
            let c = char::from_u32(cp).unwrap();
            assert!(
                is_nfc_safe(c) || (0x4DC0..=0x4DFF).contains(&cp),
                "U+{cp:04X}"
            );
        }
    }

    #[test]
    fn fast_and_full_paths_agree() {
        let samples = [
            "Hello,  world.\r\n\r\nSecond \u{201C}para\u{201D}\u{200B}.",
            "中文\n文本。 English text\n\n\n第二段",
            "\u{FEFF}  leading and trailing  \n\n",
            "tab\tseparated\u{00A0}words\u{3000}here",
        ];
        for s in samples {
            let fast = canonicalize(s);
            let full = slow_canonicalize(s);
            assert_eq!(fast, full, "{s:?}");
            let summary = summarize(s);
            assert_eq!(summary.digest, full.digest);
            assert_eq!(summary.layout, full.layout);
            assert_eq!(summary.paragraph_count, full.paragraphs().count());
        }
    }

    /// The fast path (`canonicalize`, `summarize`) gives exactly what the full algorithm gives.
    fn paths_agree(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let full = slow_canonicalize(text);
        proptest::prop_assert_eq!(&canonicalize(text), &full);
        let summary = summarize(text);
        proptest::prop_assert_eq!(summary.digest, full.digest);
        proptest::prop_assert_eq!(summary.paragraph_count, full.paragraphs().count());
        proptest::prop_assert_eq!(&summary.layout, &full.layout);
        Ok(())
    }

    /// The byte-by-byte rule that `ascii_block` implements word-at-a-time: for a 34-byte window
    /// (the block and its two neighbours), the block's token count if every byte is printable ASCII
    /// and every space sits between two printable non-space characters.
    fn ascii_block_by_bytes(window: &[u8]) -> Option<u32> {
        let graphic = |b: u8| (0x21..=0x7E).contains(&b);
        let ok = |j: usize| {
            (0x20..=0x7E).contains(&window[j])
                && (window[j] != b' ' || (graphic(window[j - 1]) && graphic(window[j + 1])))
        };
        (1..33)
            .all(ok)
            .then(|| window[1..33].iter().filter(|&&b| b != b' ').count() as u32)
    }

    proptest::proptest! {
        /// The eight-byte shortcut accepts exactly the chunks the byte-by-byte rule would pass
        /// through unchanged (printable ASCII, single spaces strictly inside the chunk).
        #[test]
        fn ascii_prefix_matches_byte_rule(
            window in proptest::array::uniform10(proptest::sample::select(vec![
                b'a', b'Z', b'0', b' ', b'~', 0x7F, b'\t', b'\n', 0x1F, 0x80, 0xE4, 0xFF, b'!',
            ]))
        ) {
            let graphic = |b: u8| (0x21..=0x7E).contains(&b);
            let ok = |j: usize| {
                (0x20..=0x7E).contains(&window[j])
                    && (window[j] != b' ' || (graphic(window[j - 1]) && graphic(window[j + 1])))
            };
            let len = (1..9).take_while(|&j| ok(j)).count();
            let count = window[1..1 + len].iter().filter(|&&b| b != b' ').count();
            let chunk: [u8; 8] = window[1..9].try_into().unwrap();
            let got = ascii_prefix(u64::from_le_bytes(chunk), window[0], window[9]);
            proptest::prop_assert_eq!(got, (len as u32, count as u32));
        }

        /// The 32-byte test passes exactly the blocks the byte-by-byte rule passes whole, and
        /// counts their token characters.
        #[test]
        fn ascii_block_matches_byte_rule(
            window in proptest::collection::vec(proptest::sample::select(vec![
                b'a', b'Z', b'0', b' ', b' ', b' ', b'~', 0x7F, b'\t', b'\n', 0x1F, 0x20, 0x80,
                0xE4, 0xFF, b'!', 0x00, 0x7E,
            ]), 34)
        ) {
            let block: [u8; 32] = window[1..33].try_into().unwrap();
            proptest::prop_assert_eq!(ascii_block(&block, window[0], window[33]), ascii_block_by_bytes(&window));
        }

        /// Mostly-passing blocks, so that the count is exercised as well as the rejection.
        #[test]
        fn ascii_block_counts_spaces(
            window in proptest::collection::vec(proptest::sample::select(vec![
                b'a', b'.', b' ', b'~', b'!',
            ]), 34)
        ) {
            let block: [u8; 32] = window[1..33].try_into().unwrap();
            proptest::prop_assert_eq!(ascii_block(&block, window[0], window[33]), ascii_block_by_bytes(&window));
        }

        /// The four-at-a-time CJK skip stops exactly where the one-at-a-time rule stops.
        #[test]
        fn skip_cjk_matches_char_rule(s in "[律师。，（）\u{4DC0}\u{3041}a \u{201C}\u{FF60}\u{3029}\u{302A}]{0,40}") {
            let bytes = s.as_bytes();
            let mut expected = 0;
            while expected + 3 <= bytes.len()
                && ((0xE4..=0xE9).contains(&bytes[expected])
                    || is_safe_cjk_punctuation(
                        bytes[expected],
                        bytes[expected + 1],
                        bytes[expected + 2],
                    ))
            {
                expected += 3;
            }
            proptest::prop_assert_eq!(skip_cjk(bytes, 0), expected);
        }

        #[test]
        fn raw_starter_count_matches_char_count(s in "[a-z 律师。，é]{0,40}") {
            let expected = s.chars().filter(|&c| c != ' ').count() as u64;
            proptest::prop_assert_eq!(count_starters(&s, 0, s.len(), true), expected);
            proptest::prop_assert_eq!(count_starters(&s, 0, s.len(), false), expected);
        }

        /// The fast path is only an optimization: wherever it applies, it must agree with the full
        /// algorithm on text, digest and layout.
        #[test]
        fn fast_path_agrees_with_full_algorithm(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "word", "Zhang", "0117", "律师", "。", "，", "\u{201C}", "\u{2019}", "\u{200B}",
                "\u{AD}", " ", "  ", "\t", "\n", "\r\n", "\n\n", "\r", "\u{A0}", "\u{3000}",
                "\u{2000}", "\u{2028}", "\u{2029}", "\u{FEFF}", "é", "(", "-",
            ]), 0..40)
        ) {
            paths_agree(&pieces.concat())?;
        }
    }

    proptest::proptest! {
        /// The CJK skip and the shortcuts for simple runs (one space, one or two LF or CRLF) and
        /// curly quotes must agree with the full algorithm, including next to characters they do
        /// not cover (kana, U+4DC0 which is NFC-safe but not unspaced, the ideographic space,
        /// three line breaks, a CR alone).
        #[test]
        fn shortcuts_agree_with_full_algorithm(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "ab", "Z", "7", "律", "师", "\u{4DC0}", "\u{3041}", "。", "\u{3001}", "〇", "（",
                "）", "：", "\u{FF60}", "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}",
                "\u{201A}", "\u{201F}", "\u{2014}", "\u{200B}", " ", "  ", "\n", "\n\n",
                "\n\n\n", "\r\n", "\r\n\r\n", "\r", "\u{3000}", "\u{A0}", "é", "\u{2029}",
            ]), 0..60)
        ) {
            paths_agree(&pieces.concat())?;
        }
    }

    proptest::proptest! {
        /// The event shortcuts of the fast path: a single space kept inside the current span
        /// (next to curly quotes), the join found from raw bytes (printable ASCII on both sides,
        /// ideograph lead bytes E5..E9 on either side) and the last character before a run decoded
        /// from three bytes (ideographs, quotes, and the ignorables it must not take as tokens).
        #[test]
        fn event_shortcuts_agree_with_full_algorithm(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Zz", ".", "\u{4E00}", "\u{4E5D}", "\u{9FA5}", "\u{5000}", "\u{4DFF}",
                "\u{4DC0}", "\u{3002}", "\u{FF0C}", "\u{201C}", "\u{201D}", "\u{2019}",
                "\u{200B}", "\u{2060}", "\u{AD}", " ", " ", " ", "\n", "\r\n", "\n\n",
                "\u{3000}", "\u{2014}", "\u{E9}", "\u{301}",
            ]), 0..60)
        ) {
            paths_agree(&pieces.concat())?;
        }
    }

    #[test]
    fn whitespace_next_to_cjk_does_not_count() {
        assert_eq!(canon("我们 要求\n立即释放"), "我们要求立即释放");
        assert_eq!(canon("律师 Zhang"), "律师Zhang");
    }

    #[test]
    fn paragraphs_and_stream() {
        let c = canonicalize("One two\nthree.\n\n\nFour.");
        assert_eq!(c.text, "One two three.\n\nFour.");
        assert_eq!(c.digest, Digest::of(b"One two three. Four."));
        assert_eq!(canonicalize("One two three. Four.").digest, c.digest);
        let c = canonicalize("第一段。\n\n第二段。");
        assert_eq!(c.digest, Digest::of("第一段。第二段。".as_bytes()));
    }

    #[test]
    fn decomposed_accents_compose() {
        assert_eq!(canon("cafe\u{0301}"), "café");
        assert!(canonicalize("cafe\u{0301}").layout.normalization);
        assert!(!canonicalize("café").layout.normalization);
    }

    #[test]
    fn bidi_controls_are_kept_and_reported() {
        let c = canonicalize("pay \u{202E}0001\u{202C} now");
        assert!(c.text.contains('\u{202E}'));
        assert_eq!(c.suspicious.len(), 2);
        assert_eq!(c.suspicious[0].codepoint, "U+202E");
        assert_eq!(c.suspicious[0].kind, SuspiciousKind::Bidi);
    }

    #[test]
    fn layout_names_differences() {
        let a = canonicalize("\u{201C}Free them,\u{201D} we said.\nAgain.").layout;
        let b = canonicalize("\"Free them,\" we said.\r\nAgain.").layout;
        let d = a.differences(&b);
        assert_eq!(
            d,
            vec![LayoutDifference::LineEndings, LayoutDifference::Quotes]
        );
    }
}

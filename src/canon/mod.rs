//! The canonical text, version 2 (`attest-canon/2`): what counts as "the same words".
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
//!
//! # Modules
//!
//! - `classes`: the character classes (a leaf);
//! - `bytes`: byte-level tests on UTF-8 for the scanner (a leaf);
//! - `event`: the layout events a scan reports ([`Layout`] is built from them);
//! - `scan`: step 3, and the fast path (steps 1–4 in one pass over NFC-safe text);
//! - `sink`: where the scanner's output goes (text, or the digest directly);
//! - `layout`: the layout fingerprints;
//! - `full`: the full algorithm the fast path falls back to;
//! - [`separators`](mod@separators): hard and soft separators (§2.10), a separate pass that
//!   `sign` and a canonical match in `verify` need;
//! - [`reference`](mod@reference): `docs/SPEC.md` §2 written out literally, sharing no code with the others: the
//!   oracle the tests compare the fast path and the full algorithm with.

use std::ops::Range;

use crate::digest::{Digest, Hasher};

mod bytes;
mod classes;
mod event;
mod full;
mod layout;
pub mod reference;
mod scan;
pub mod separators;
mod sink;

pub use classes::{is_hidden_in_name, is_ignorable, is_unspaced, suspicious_kind, SuspiciousKind};
pub use layout::{Layout, LayoutDifference};
pub use separators::{separators, Gap, Separators};

use classes::join_between;
use layout::Recorder;
use scan::{fold, Mode};
use sink::{HashSink, TextSink};

/// The name and version of this canonicalization, recorded in every manifest.
pub const CANON_VERSION: &str = "attest-canon/2";

/// The canonical form of a text, with everything the verifier needs to explain a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// Paragraphs separated by `"\n\n"`; within a paragraph, tokens joined by single spaces or nothing.
    pub text: String,
    /// SHA-256 of the canonical stream (see module docs).
    pub digest: Digest,
    /// Fingerprints of the tolerated differences this input had.
    pub layout: Layout,
    /// Characters a reader cannot see that can change what a reader sees: the first
    /// [`MAX_LISTED_SUSPICIOUS`] of them, in order.
    pub suspicious: Vec<Suspicious>,
    /// How many suspicious characters of each kind the input holds, listed or not.
    pub suspicious_counts: SuspiciousCounts,
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
    /// Suspicious invisible characters found: the first [`MAX_LISTED_SUSPICIOUS`], in order.
    pub suspicious: Vec<Suspicious>,
    /// How many suspicious characters of each kind the input holds, listed or not.
    pub suspicious_counts: SuspiciousCounts,
}

/// The paragraphs of an already-canonical text.
pub fn paragraphs_of(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n\n").filter(|p| !p.is_empty())
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

/// At most this many suspicious characters are listed one by one (`docs/SPEC.md` §2.6); the
/// others are only counted, by kind, so that a copy made of millions of them costs a few lines.
pub const MAX_LISTED_SUSPICIOUS: usize = 32;

/// How many suspicious characters of each kind an input holds (`docs/SPEC.md` §2.6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SuspiciousCounts {
    /// Bidirectional controls.
    pub bidi: u64,
    /// Tag characters.
    pub tag: u64,
    /// Other invisible format characters.
    pub invisible: u64,
    /// Control characters.
    pub control: u64,
}

impl SuspiciousCounts {
    /// Count one more character of `kind`.
    pub fn add(&mut self, kind: SuspiciousKind) {
        match kind {
            SuspiciousKind::Bidi => self.bidi += 1,
            SuspiciousKind::Tag => self.tag += 1,
            SuspiciousKind::Invisible => self.invisible += 1,
            SuspiciousKind::Control => self.control += 1,
        }
    }

    /// How many of `kind`.
    pub fn of(&self, kind: SuspiciousKind) -> u64 {
        match kind {
            SuspiciousKind::Bidi => self.bidi,
            SuspiciousKind::Tag => self.tag,
            SuspiciousKind::Invisible => self.invisible,
            SuspiciousKind::Control => self.control,
        }
    }

    /// How many in all.
    pub fn total(&self) -> u64 {
        self.bidi + self.tag + self.invisible + self.control
    }
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
            suspicious_counts: SuspiciousCounts::default(),
        };
    }
    full::canonicalize(input)
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
            suspicious_counts: SuspiciousCounts::default(),
        };
    }
    let c = full::canonicalize(input);
    Summary {
        paragraph_count: c.paragraphs().count(),
        digest: c.digest,
        layout: c.layout,
        suspicious: c.suspicious,
        suspicious_counts: c.suspicious_counts,
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
mod layers {
    /// Every `super::NAME` and `crate::NAME` a module's code (tests and comments aside) refers to.
    fn imports(source: &str) -> Vec<String> {
        let code: String = source
            .split("#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut names = Vec::new();
        for prefix in ["super::", "crate::"] {
            for (at, _) in code.match_indices(prefix) {
                let rest = &code[at + prefix.len()..];
                let group = match rest.strip_prefix('{') {
                    Some(inner) => &inner[..inner.find('}').expect("closed group")],
                    None => rest
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or_default(),
                };
                for name in group.split(',') {
                    let first = name.trim().split("::").next().unwrap_or_default();
                    names.push(format!("{prefix}{first}"));
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// The layers of `canon` (docs: ARCHITECTURE.md): `classes` and `bytes` are leaves, the scanner
    /// and the layout recorder meet only through `event`, and the reference shares no code with the
    /// rest: it may name only the output types, and the digest.
    #[test]
    fn canon_modules_import_only_from_the_layers_below() {
        let modules: [(&str, &str, &[&str]); 9] = [
            ("classes", include_str!("classes.rs"), &[]),
            ("bytes", include_str!("bytes.rs"), &[]),
            ("event", include_str!("event.rs"), &[]),
            ("sink", include_str!("sink.rs"), &["crate::digest"]),
            (
                "layout",
                include_str!("layout.rs"),
                &["crate::digest", "super::event"],
            ),
            (
                "scan",
                include_str!("scan.rs"),
                &[
                    "super::bytes",
                    "super::classes",
                    "super::event",
                    "super::sink",
                ],
            ),
            (
                "separators",
                include_str!("separators.rs"),
                &["super::classes"],
            ),
            (
                "full",
                include_str!("full.rs"),
                &[
                    "super::classes",
                    "super::event",
                    "super::layout",
                    "super::scan",
                    "super::sink",
                    "super::stream_digest",
                    "super::Canonical",
                    "super::Suspicious",
                    "super::SuspiciousCounts",
                    "super::MAX_LISTED_SUSPICIOUS",
                ],
            ),
            (
                "reference",
                include_str!("reference.rs"),
                &[
                    "crate::digest",
                    "super::Canonical",
                    "super::Layout",
                    "super::Suspicious",
                    "super::SuspiciousCounts",
                    "super::SuspiciousKind",
                ],
            ),
        ];
        for (name, source, allowed) in modules {
            for import in imports(source) {
                assert!(
                    allowed.contains(&import.as_str()),
                    "canon::{name} uses {import}, which its layer does not allow"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonicalize(s).text
    }

    #[test]
    fn fast_and_full_paths_agree_with_the_reference() {
        let samples = [
            "Hello,  world.\r\n\r\nSecond \u{201C}para\u{201D}\u{200B}.",
            "中文\n文本。 English text\n\n\n第二段",
            "\u{FEFF}  leading and trailing  \n\n",
            "tab\tseparated\u{00A0}words\u{3000}here",
        ];
        for s in samples {
            let expected = reference::canonicalize(s);
            assert_eq!(canonicalize(s), expected, "{s:?}");
            assert_eq!(full::canonicalize(s), expected, "{s:?}");
            let summary = summarize(s);
            assert_eq!(summary.digest, expected.digest);
            assert_eq!(summary.layout, expected.layout);
            assert_eq!(summary.paragraph_count, expected.paragraphs().count());
        }
    }

    /// The fast path (`canonicalize`, `summarize`) and the full algorithm it falls back to each
    /// give exactly what the reference gives. (The full algorithm is checked on its own too, since
    /// through `canonicalize` it only sees the texts the fast path gives up on.)
    fn paths_agree(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let expected = reference::canonicalize(text);
        proptest::prop_assert_eq!(&canonicalize(text), &expected);
        proptest::prop_assert_eq!(&full::canonicalize(text), &expected);
        let summary = summarize(text);
        proptest::prop_assert_eq!(summary.digest, expected.digest);
        proptest::prop_assert_eq!(
            summary.paragraph_count,
            reference::paragraphs(&expected.text).len()
        );
        proptest::prop_assert_eq!(&summary.layout, &expected.layout);
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn raw_starter_count_matches_char_count(s in "[a-z 律师。，é]{0,40}") {
            let expected = s.chars().filter(|&c| c != ' ').count() as u64;
            proptest::prop_assert_eq!(scan::count_starters(&s, 0, s.len(), true), expected);
            proptest::prop_assert_eq!(scan::count_starters(&s, 0, s.len(), false), expected);
        }

        /// The fast path is only an optimization: wherever it applies, it must agree with the full
        /// algorithm and the reference on text, digest and layout.
        #[test]
        fn fast_path_agrees_with_the_reference(
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
        /// curly quotes must agree with the reference, including next to characters they do
        /// not cover (kana, U+4DC0 which is NFC-safe but not unspaced, the ideographic space,
        /// three line breaks, a CR alone).
        #[test]
        fn shortcuts_agree_with_the_reference(
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
        /// from three bytes (ideographs, quotes, and the ignorables it must not take as tokens):
        /// all checked against the reference.
        #[test]
        fn event_shortcuts_agree_with_the_reference(
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

    /// Pieces for [`block_boundaries_agree_with_the_reference`]: stretches the scanner skips in
    /// blocks (ASCII with single spaces, long enough to cross 8-, 16- and 64-byte blocks and the
    /// 256-byte staging limit; CJK text with safe punctuation) and every event that stops a skip.
    fn skip_and_event_piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let events = proptest::sample::select(vec![
            "\n",
            "\r",
            "\r\n",
            "\n\n",
            "\r\n\r\n",
            "\u{85}",
            "\u{2028}",
            "\u{2029}",
            "\u{B}",
            "\u{C}",
            " ",
            "  ",
            "\t",
            "\u{A0}",
            "\u{2000}",
            "\u{202F}",
            "\u{3000}",
            "'",
            "\"",
            "\u{2018}",
            "\u{2019}",
            "\u{201A}",
            "\u{201B}",
            "\u{201C}",
            "\u{201D}",
            "\u{201E}",
            "\u{201F}",
            "\u{200B}",
            "\u{AD}",
            "\u{2060}",
            "\u{FEFF}",
            "\u{301}",
            "\u{3099}",
            "e\u{301}",
            "\u{E9}",
            "\u{7F}",
            "\u{1}",
            "\u{202E}",
            "\u{1680}",
            "\u{4DC0}",
            "\u{3041}",
            "\u{FF60}",
            "\u{FF61}",
            "\u{10000}",
            "\u{20000}",
        ])
        .prop_map(str::to_string);
        prop_oneof![
            3 => "[a-zA-Z0-9.,!~]{1,70}",
            3 => "([a-z]{1,9} ){1,12}[a-z]{1,5}",
            1 => "[a-z]{200,300}",
            1 => "([a-z]{1,9} ){30,40}",
            2 => "[律师我们网络主席二〇。，、（）：]{1,40}",
            4 => events,
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// The block skips (64, 16 and 8 bytes of ASCII, CJK four characters at a time), the
        /// staging of spans and the events that stop them, at every offset: random texts of long
        /// skippable stretches and the characters that end them, against the reference.
        #[test]
        fn block_boundaries_agree_with_the_reference(
            pieces in proptest::collection::vec(skip_and_event_piece(), 0..30)
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
        assert_eq!(c.suspicious_counts.bidi, 2);
    }

    /// A copy made of thousands of control characters lists only the first few, and counts them
    /// all, in both paths and in the reference.
    #[test]
    fn thousands_of_suspicious_characters_are_listed_up_to_the_bound_and_counted() {
        let text = format!("a{}\n\u{202E}b\u{E0041}", "\u{1}".repeat(5000));
        let c = canonicalize(&text);
        assert_eq!(c.suspicious.len(), MAX_LISTED_SUSPICIOUS);
        assert!(c
            .suspicious
            .iter()
            .all(|s| s.kind == SuspiciousKind::Control));
        let expected = SuspiciousCounts {
            bidi: 1,
            tag: 1,
            invisible: 0,
            control: 5000,
        };
        assert_eq!(c.suspicious_counts, expected);
        assert_eq!(c.suspicious_counts.total(), 5002);
        assert_eq!(c, reference::canonicalize(&text));
        assert_eq!(summarize(&text).suspicious_counts, expected);
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

//! The layout fingerprint (`docs/SPEC.md` §2.7): which tolerated differences one input had, so that
//! a verifier can name how a `reformatted` copy differs from the original.
//!
//! [`Recorder`] turns the [`LayoutEvents`] of a scan into a [`Layout`]. It does not know who scans.

use crate::digest::Digest;

use super::event::{LayoutEvents, LineEnding, Run, LE_CR, LE_CRLF, LE_LF, LE_OTHER};

/// A fingerprint value meaning "no such layout feature occurred".
const NO_FEATURE: &str = "none";

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
    /// Line breaks inside words, as PDF extractors and text dumpers insert them at a UAX #14
    /// opportunity (`docs/SPEC.md` §6.2). Never recorded in a layout: only the reading of §6.2
    /// names it.
    BrokenWords,
    /// Ligatures, U+2010/U+2011 hyphens and Kangxi radicals, as PDF fonts write letters, hyphens
    /// and ideographs (`docs/SPEC.md` §6.2). Never recorded in a layout, like `BrokenWords`.
    TypographicForms,
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
            LayoutDifference::BrokenWords => "line breaks inside words",
            LayoutDifference::TypographicForms => {
                "typographic forms (ligatures, hyphens, radicals)"
            }
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

/// Accumulates layout fingerprints. Positions count the token characters (starters) before an
/// event: the same whichever path produced them, and unchanged by every tolerated difference.
#[derive(Default)]
pub(crate) struct Recorder {
    bom: bool,
    line_endings: LineEnding,
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
    /// so the bytes are pushed one by one into reserved space: no call to `memcpy` for a few bytes.
    #[inline]
    fn record(&mut self, pos: u64, value: u64) {
        self.any = true;
        // Two LEB128 integers of at most ten bytes each.
        self.records.reserve(20);
        for mut v in [pos, value] {
            loop {
                let byte = (v & 0x7F) as u8;
                v >>= 7;
                if v == 0 {
                    self.records.push(byte);
                    break;
                }
                self.records.push(byte | 0x80);
            }
        }
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

impl LayoutEvents for Recorder {
    fn bom(&mut self) {
        self.bom = true;
    }

    #[inline]
    fn line_ending(&mut self, kind: LineEnding) {
        self.line_endings |= kind;
    }

    fn quote(&mut self, pos: u64, c: char) {
        self.quotes.record(pos, u64::from(c));
    }

    fn invisible(&mut self, pos: u64, c: char) {
        self.invisibles.record(pos, u64::from(c));
    }

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

    fn edge_run(&mut self, pos: u64, run: &Run) {
        if run.line_breaks > 0 {
            self.blank_lines.record(pos, u64::from(run.line_breaks));
        }
        if !run.spaces.is_empty() {
            self.spacing.record_str(pos, &run.spaces);
        }
    }
}

impl Recorder {
    /// The layout, given whether normalization changed the text.
    pub(crate) fn finish(self, normalization: bool) -> Layout {
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

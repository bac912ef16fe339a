//! What a scan of the text reports about its layout: the meeting point of the scanner
//! ([`super::scan`]) and the layout recorder ([`super::layout`]), which know nothing of each other.
//!
//! Positions are counts of token characters (starters that are neither whitespace nor ignorable)
//! before the event, as `docs/SPEC.md` §2.7 defines them.

/// A kind of line ending, as a bit so that the kinds seen can be collected in one byte.
pub(crate) type LineEnding = u8;
/// LF not after CR.
pub(crate) const LE_LF: LineEnding = 1;
/// CR LF (ignorables between them skipped).
pub(crate) const LE_CRLF: LineEnding = 2;
/// CR not before LF.
pub(crate) const LE_CR: LineEnding = 4;
/// VT, FF, NEL, LS or PS.
pub(crate) const LE_OTHER: LineEnding = 8;

/// A run of whitespace and line breaks (ignorables inside it are skipped).
pub(crate) struct Run {
    /// Byte offset just past the run.
    pub(crate) end: usize,
    /// Line breaks in the run (CRLF counts once, PS twice).
    pub(crate) line_breaks: u32,
    /// The horizontal whitespace characters of the run, in order (U+2000 and U+2001 as their NFC
    /// forms U+2002 and U+2003).
    pub(crate) spaces: String,
}

/// Receives the layout events of one text, in input order.
pub(crate) trait LayoutEvents {
    /// The text starts with U+FEFF.
    fn bom(&mut self);
    /// A line ending of this kind was seen.
    fn line_ending(&mut self, kind: LineEnding);
    /// A curly quote `c`, folded to ASCII.
    fn quote(&mut self, pos: u64, c: char);
    /// An ignorable `c`, deleted.
    fn invisible(&mut self, pos: u64, c: char);
    /// A run between two tokens, with `line_breaks` line breaks and horizontal `spaces`, replaced
    /// by `join` unless it is a paragraph break.
    fn inner_run(&mut self, pos: u64, line_breaks: u32, spaces: &str, join: &str);
    /// A run before the first token (`pos` 0) or after the last (`pos` `u64::MAX`).
    fn edge_run(&mut self, pos: u64, run: &Run);
}

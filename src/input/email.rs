//! Email quoting: a statement forwarded in a reply often has `> ` before every line. Those markers
//! are not words of the statement, but a `>` (or `|`, or anything else) that *could* be content is
//! never taken for markup: `>100 people detained` may mean "more than 100". This is a separate,
//! named lenient path (docs/SPEC.md §6.1): `verify` tries it only when the copy as received is not
//! authentic, compares the quotation *alone*, uses that only when the copy's own words outside the
//! quotation do not correspond to any statement, and a statement found this way is at best
//! `embedded` (quoted in a reply), never authentic.
//!
//! The rule: a *marker* is one or more `>`, each followed by exactly one space (`> `, `> > `) or
//! written together (`>> `), the whole marker followed by one space. A line *carries* a marker when
//! it begins with it, or is the marker without its final space (an empty quoted line). A *quoted
//! block* is a run of consecutive lines that carry the same marker, with at least
//! [`MIN_QUOTED_LINES`] lines holding more than the marker. The marker of the largest block is
//! *the* marker of the copy; the *quotation* is every line that carries it (in every block), plus
//! the blank lines lying between two such lines, with exactly the marker removed (`> > x` carries
//! `> `, leaving `> x`). Every other line (the reply's own words, `>> x` in a `> ` quotation,
//! `>100`) is *outside* the quotation, and stays as it is. `verify` does not use a quotation that
//! other words interrupt ([`Quotation::interrupted`]). Only the marker is removed from each line;
//! every other character stays, so a change inside the quotation is still a change.

/// Fewest lines holding more than the marker that make a quoted block: a single `> ` line is more
/// likely content than a quotation.
pub const MIN_QUOTED_LINES: usize = 2;

/// A copy split into its email quotation and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotation {
    /// The quoted lines without their marker, each ending in `\n`.
    pub quoted: String,
    /// The other lines, unchanged, each ending in `\n`.
    pub outside: String,
    /// The marker, e.g. `"> "`.
    pub marker: String,
    /// 1-based first and last line of the quotation in the copy.
    pub lines: (usize, usize),
    /// Whether non-blank lines outside the quotation lie between its first and last line (a reply
    /// written into the quotation, or a sentence inserted between two quoted blocks).
    pub interrupted: bool,
}

impl Quotation {
    /// Whether the copy has non-blank lines outside the quotation (a reply's own words).
    pub fn has_outside_material(&self) -> bool {
        !self.outside.trim().is_empty()
    }
}

/// The marker a line begins with (`> `, `>> `, `> > `), if it begins with one.
fn marker_of(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() && bytes[i] == b'>' {
        i += 1;
        // `> >` style: one space between markers.
        if i + 1 < bytes.len() && bytes[i] == b' ' && bytes[i + 1] == b'>' {
            i += 1;
        }
    }
    (i > 0 && bytes.get(i) == Some(&b' ')).then(|| &line[..=i])
}

/// The line without `marker`, if it carries it: the marker and its space, or the marker alone with
/// nothing but spaces after it (an empty quoted line).
fn strip<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    if let Some(rest) = line.strip_prefix(marker) {
        return Some(rest);
    }
    (line.trim_end() == marker.trim_end()).then_some("")
}

/// The lines of `text`: split at LF, a CR before the LF removed, and no empty last line after a
/// final LF. An iterator, never a list: a copy of 64 MiB of line breaks must not cost a gigabyte.
fn lines(text: &str) -> impl Iterator<Item = &str> + Clone {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let empty = text.is_empty();
    body.split('\n')
        .filter(move |_| !empty)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// The marker of the largest quoted block, if any block has enough quoted lines.
fn block_marker<'a>(lines: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    // The block being read: its marker, length and lines holding text.
    let mut current: Option<(&str, usize, usize)> = None;
    let close = |block: Option<(&'a str, usize, usize)>, best: &mut Option<(usize, &'a str)>| {
        if let Some((marker, len, with_text)) = block {
            if with_text >= MIN_QUOTED_LINES && best.is_none_or(|(n, _)| len > n) {
                *best = Some((len, marker));
            }
        }
    };
    for line in lines {
        if let Some((marker, len, with_text)) = current.as_mut() {
            if let Some(rest) = strip(line, marker) {
                *len += 1;
                if !rest.trim().is_empty() {
                    *with_text += 1;
                }
                continue;
            }
        }
        close(current.take(), &mut best);
        current = marker_of(line).map(|marker| {
            let rest = &line[marker.len()..];
            (marker, 1, usize::from(!rest.trim().is_empty()))
        });
    }
    close(current, &mut best);
    best.map(|(_, marker)| marker)
}

/// The copy's email quotation and the rest (see the module docs), or `None` when no run of lines is
/// an unambiguous quotation.
pub fn quotation(text: &str) -> Option<Quotation> {
    let marker = block_marker(lines(text))?;
    let marked = |line: &str| strip(line, marker).is_some();
    let first = lines(text).position(marked)?;
    let last = first
        + lines(text)
            .skip(first)
            .enumerate()
            .filter(|(_, l)| marked(l))
            .last()?
            .0;
    let mut quoted = String::new();
    let mut outside = String::new();
    let mut interrupted = false;
    for (i, line) in lines(text).enumerate() {
        let inside = i > first && i < last;
        let blank_inside = line.trim().is_empty() && inside;
        interrupted |= inside && !line.trim().is_empty() && !marked(line);
        match strip(line, marker) {
            Some(rest) => {
                quoted.push_str(rest);
                quoted.push('\n');
            }
            None if blank_inside => quoted.push('\n'),
            None => {
                outside.push_str(line);
                outside.push('\n');
            }
        }
    }
    Some(Quotation {
        quoted,
        outside,
        marker: marker.to_string(),
        lines: (first + 1, last + 1),
        interrupted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consistent_marker_block_is_the_quotation_and_the_reply_is_outside() {
        let text = "Hi, see below.\n\n> We call for the release\n> of the three lawyers.\n>\n> Contact +852 5550 0117\n";
        let q = quotation(text).unwrap();
        assert_eq!(
            q.quoted,
            "We call for the release\nof the three lawyers.\n\nContact +852 5550 0117\n"
        );
        assert_eq!(q.outside, "Hi, see below.\n\n");
        assert_eq!(q.marker, "> ");
        assert_eq!(q.lines, (3, 6));
        assert!(q.has_outside_material());
    }

    #[test]
    fn markers_without_their_space_are_content_not_quoting() {
        // ">100 people detained" may mean "more than 100".
        assert_eq!(
            quotation("Figures:\n>100 people detained\n>12 people released\n"),
            None
        );
    }

    #[test]
    fn a_line_at_another_depth_stays_outside_as_content() {
        let text = "> We call for the release\n> of the three lawyers\n>> and their families.\n";
        let q = quotation(text).unwrap();
        assert_eq!(q.quoted, "We call for the release\nof the three lawyers\n");
        assert_eq!(q.outside, ">> and their families.\n");
    }

    #[test]
    fn nested_markers_are_one_marker() {
        let q = quotation("> > First line\n> > second line\n").unwrap();
        assert_eq!(q.marker, "> > ");
        assert_eq!(q.quoted, "First line\nsecond line\n");
        assert!(!q.has_outside_material());
        assert_eq!(
            quotation(">> First line\n>> second line\n").unwrap().marker,
            ">> "
        );
    }

    #[test]
    fn a_single_quoted_line_is_not_an_email_quotation() {
        assert_eq!(
            quotation("Prices rose > 5% this year.\n> one line\nplain\nplain\nplain\n"),
            None
        );
        assert_eq!(quotation("No quoting here.\n"), None);
    }

    #[test]
    fn only_the_marker_is_removed_never_more_spaces_or_characters() {
        let q = quotation(">   indented\n> >not a marker here\n").unwrap();
        assert_eq!(q.quoted, "  indented\n>not a marker here\n");
    }

    /// Mail programs often leave the blank lines of a quotation without a marker: they belong to
    /// the quotation, so a quoted statement is whole (and a change in it is shown as a change).
    #[test]
    fn unmarked_blank_lines_between_quoted_lines_belong_to_the_quotation() {
        let q = quotation("> First paragraph.\n> Still first.\n\n> Second paragraph.\n").unwrap();
        assert_eq!(
            q.quoted,
            "First paragraph.\nStill first.\n\nSecond paragraph.\n"
        );
        assert_eq!(q.outside, "");
    }

    /// A huge copy of line breaks is scanned without a list of its lines.
    #[test]
    fn many_lines_are_scanned_without_collecting_them() {
        let text = "\n".repeat(1 << 20) + "> a b\n> c d\n";
        let q = quotation(&text).unwrap();
        assert_eq!(q.quoted, "a b\nc d\n");
        assert_eq!(q.lines, ((1 << 20) + 1, (1 << 20) + 2));
    }

    #[test]
    fn every_block_with_the_marker_is_quoted_and_the_reply_between_is_outside() {
        let text = "> a b\n> c d\n\nmy reply\n\n> e f\n";
        let q = quotation(text).unwrap();
        assert_eq!(q.quoted, "a b\nc d\n\n\ne f\n");
        assert_eq!(q.outside, "my reply\n");
        assert_eq!(q.lines, (1, 6));
        assert!(q.interrupted);
        assert!(!quotation("intro\n> a b\n> c d\n").unwrap().interrupted);
    }
}

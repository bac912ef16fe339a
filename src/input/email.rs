//! Email quoting: a statement forwarded in a reply often has `> ` before every line. Those markers
//! are not words of the statement, but a `>` (or `|`, or anything else) that *could* be content is
//! never taken for markup: `>100 people detained` may mean "more than 100". This is a separate,
//! named lenient path (docs/SPEC.md §6.1): `verify` tries it only when the copy as received is not
//! authentic, compares the quoted block *alone*, and a statement found only this way is at best
//! `embedded` (quoted in a reply), never authentic.
//!
//! The rule: a *quoted block* is a run of at least [`MIN_QUOTED_LINES`] consecutive lines that all
//! begin with the same *marker*: one or more `>`, each followed by exactly one space (`> `, `> > `)
//! or written together (`>> `), the whole marker followed by one space. A line that is the marker
//! without its final space (`>`, `> >`) is an empty quoted line. A line that starts with `>` but not
//! with the block's marker and a space (`>100`, `>> x` inside a `> ` block) ends the block. Only the
//! marker is removed from each line; every other character stays, so a change inside the
//! quotation is still a change.

/// Fewest consecutive lines, with at least this many non-empty ones, that make a quoted block: a
/// single `> ` line is more likely content than a quotation.
pub const MIN_QUOTED_LINES: usize = 2;

/// The largest quoted block of a copy, with its markers removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotedBlock {
    /// The block's lines without their markers, each ending in `\n`.
    pub text: String,
    /// The marker, e.g. `"> "`.
    pub marker: String,
    /// 1-based first and last line of the block in the copy.
    pub lines: (usize, usize),
    /// Whether the copy has other non-blank lines outside the block (a reply's own words).
    pub has_outside_material: bool,
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

/// Whether `line` (without its line break) belongs to a block quoted with `marker`; returns the
/// line without the marker.
fn strip<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    if let Some(rest) = line.strip_prefix(marker) {
        return Some(rest);
    }
    // An empty quoted line: the marker without its final space, and nothing else but spaces.
    (line.trim_end() == marker.trim_end()).then_some("")
}

/// The lines of `text` (split at LF, a CR before the LF removed), without collecting them: a copy
/// of 64 MiB of line breaks has 64 million lines, and a list of them would take a gigabyte.
fn lines_of(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// The largest quoted block of `text` (see the module docs), or `None` when no run of lines is an
/// unambiguous quotation. Two passes over the lines, in memory the size of the block.
pub fn quoted_block(text: &str) -> Option<QuotedBlock> {
    // (start, end exclusive, marker) of the largest block so far, and the block being read:
    // (start, marker, non-empty lines).
    let mut best: Option<(usize, usize, &str)> = None;
    let mut current: Option<(usize, &str, usize)> = None;
    let mut consider = |start: usize, end: usize, marker, non_empty: usize| {
        // A block ends at its last quoted line, not at trailing empty quoted lines' absence.
        if non_empty >= MIN_QUOTED_LINES && best.is_none_or(|(s, e, _)| end - start > e - s) {
            best = Some((start, end, marker));
        }
    };
    let mut count = 0;
    for (i, line) in lines_of(text).enumerate() {
        count = i + 1;
        if let Some((start, marker, non_empty)) = current {
            if let Some(rest) = strip(line, marker) {
                let non_empty = non_empty + usize::from(!rest.trim().is_empty());
                current = Some((start, marker, non_empty));
                continue;
            }
            // The line that ends a block may begin the next one.
            consider(start, i, marker, non_empty);
            current = None;
        }
        if let Some(marker) = marker_of(line) {
            let rest = strip(line, marker).unwrap_or_default();
            current = Some((i, marker, usize::from(!rest.trim().is_empty())));
        }
    }
    if let Some((start, marker, non_empty)) = current {
        consider(start, count, marker, non_empty);
    }
    let (start, end, marker) = best?;
    let mut block = String::new();
    let mut has_outside_material = false;
    for (i, line) in lines_of(text).enumerate() {
        if (start..end).contains(&i) {
            block.push_str(strip(line, marker).unwrap_or_default());
            block.push('\n');
        } else if !has_outside_material && !line.trim().is_empty() {
            has_outside_material = true;
        }
    }
    Some(QuotedBlock {
        text: block,
        marker: marker.to_string(),
        lines: (start + 1, end),
        has_outside_material,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consistent_marker_block_is_unquoted_and_the_reply_is_outside_material() {
        let text = "Hi, see below.\n\n> We call for the release\n> of the three lawyers.\n>\n> Contact +852 5550 0117\n";
        let block = quoted_block(text).unwrap();
        assert_eq!(
            block.text,
            "We call for the release\nof the three lawyers.\n\nContact +852 5550 0117\n"
        );
        assert_eq!(block.marker, "> ");
        assert_eq!(block.lines, (3, 6));
        assert!(block.has_outside_material);
    }

    #[test]
    fn markers_without_their_space_are_content_not_quoting() {
        // ">100 people detained" may mean "more than 100".
        assert_eq!(
            quoted_block("Figures:\n>100 people detained\n>12 people released\n"),
            None
        );
    }

    #[test]
    fn a_changed_marker_ends_the_block_and_is_kept_as_content() {
        let text = "> We call for the release\n> of the three lawyers\n>> and their families.\n";
        let block = quoted_block(text).unwrap();
        assert_eq!(
            block.text,
            "We call for the release\nof the three lawyers\n"
        );
        assert!(block.has_outside_material);
    }

    #[test]
    fn nested_markers_are_one_marker() {
        let block = quoted_block("> > First line\n> > second line\n").unwrap();
        assert_eq!(block.marker, "> > ");
        assert_eq!(block.text, "First line\nsecond line\n");
        assert!(!block.has_outside_material);
        let block = quoted_block(">> First line\n>> second line\n").unwrap();
        assert_eq!(block.marker, ">> ");
    }

    #[test]
    fn a_single_quoted_line_is_not_an_email_quotation() {
        assert_eq!(
            quoted_block("Prices rose > 5% this year.\n> one line\nplain\nplain\nplain\n"),
            None
        );
        assert_eq!(quoted_block("No quoting here.\n"), None);
    }

    #[test]
    fn only_the_marker_is_removed_never_more_spaces_or_characters() {
        let block = quoted_block(">   indented\n> >not a marker here\n").unwrap();
        assert_eq!(block.text, "  indented\n>not a marker here\n");
    }

    #[test]
    fn the_line_that_ends_a_block_may_begin_the_next() {
        let text = "> a\n> b\n>> c\n>> d\n>> e\n";
        let block = quoted_block(text).unwrap();
        assert_eq!(block.marker, ">> ");
        assert_eq!(block.text, "c\nd\ne\n");
        assert_eq!(block.lines, (3, 5));
        assert!(block.has_outside_material);
    }

    /// 64 MiB of line breaks once made a list of 64 million lines (a gigabyte); the scan keeps
    /// nothing per line. Here, a smaller copy of many lines still gives the right block.
    #[test]
    fn many_empty_lines_around_a_block_are_scanned_without_a_list_of_lines() {
        let text = format!(
            "{}> a\n> b\n{}",
            "\n".repeat(100_000),
            "\r\n".repeat(100_000)
        );
        let block = quoted_block(&text).unwrap();
        assert_eq!(block.lines, (100_001, 100_002));
        assert!(!block.has_outside_material);
    }

    #[test]
    fn the_largest_block_wins() {
        let text = "> a\n> b\n\nreply\n\n> c\n> d\n> e\n";
        let block = quoted_block(text).unwrap();
        assert_eq!(block.text, "c\nd\ne\n");
        assert_eq!(block.lines, (6, 8));
    }
}

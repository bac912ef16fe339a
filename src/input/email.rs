//! Email quoting: a statement forwarded in a reply often has `> ` before every line. Those markers
//! are not words of the statement, but a `>` (or `|`, or anything else) that *could* be content is
//! never taken for markup: `>100 people detained` may mean "more than 100". This is a separate,
//! named lenient path (docs/SPEC.md §6.1): `verify` tries it only when the copy as received is not
//! authentic, compares the quotation *alone*, uses that only when the copy's own words outside the
//! quotation do not correspond to any statement, and a statement found this way is at best
//! `embedded` (quoted in a reply), never authentic.
//!
//! The rule: a *marker* is one or more `>`, each followed by exactly one space (`> `, `> > `) or
//! written together (`>> `), the whole marker followed by one space. A *quoted block* is a run of
//! consecutive lines that all begin with the same marker, or are that marker without its final
//! space (an empty quoted line), with at least [`MIN_QUOTED_LINES`] lines holding more than the
//! marker. The marker of the largest block is *the* marker of the copy; the *quotation* is every
//! line that carries it (in every block), plus the blank lines lying between two such lines, with
//! exactly the marker removed. Every other line (the reply's own words, a line quoted at another
//! depth, `>100`) is *outside* the quotation, and stays as it is. Only the marker is removed from
//! each line; every other character stays, so a change inside the quotation is still a change.

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

/// The marker of the largest quoted block of `lines`, if any block has enough quoted lines.
fn block_marker<'a>(lines: &[&'a str]) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    let mut i = 0;
    while i < lines.len() {
        let Some(marker) = marker_of(lines[i]) else {
            i += 1;
            continue;
        };
        let mut end = i;
        let mut with_text = 0;
        while let Some(rest) = lines.get(end).and_then(|l| strip(l, marker)) {
            if !rest.trim().is_empty() {
                with_text += 1;
            }
            end += 1;
        }
        if with_text >= MIN_QUOTED_LINES && best.is_none_or(|(n, _)| end - i > n) {
            best = Some((end - i, marker));
        }
        i = end.max(i + 1);
    }
    best.map(|(_, marker)| marker)
}

/// The copy's email quotation and the rest (see the module docs), or `None` when no run of lines is
/// an unambiguous quotation.
pub fn quotation(text: &str) -> Option<Quotation> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let marker = block_marker(&lines)?;
    let marked: Vec<bool> = lines.iter().map(|l| strip(l, marker).is_some()).collect();
    let first = marked.iter().position(|&m| m)?;
    let last = marked.iter().rposition(|&m| m)?;
    let mut quoted = String::new();
    let mut outside = String::new();
    for (i, line) in lines.iter().enumerate() {
        // The text ends with a line break: its last, empty "line" is not a line.
        if i + 1 == lines.len() && line.is_empty() {
            break;
        }
        let blank_inside = line.trim().is_empty() && i > first && i < last;
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

    #[test]
    fn every_block_with_the_marker_is_quoted_and_the_reply_between_is_outside() {
        let text = "> a b\n> c d\n\nmy reply\n\n> e f\n";
        let q = quotation(text).unwrap();
        assert_eq!(q.quoted, "a b\nc d\n\n\ne f\n");
        assert_eq!(q.outside, "my reply\n");
        assert_eq!(q.lines, (1, 6));
    }
}

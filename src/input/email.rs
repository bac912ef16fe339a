//! Email quoting: a statement forwarded in a reply often has `> ` (or `>> `, `> > `) before every
//! line. Those markers are not words of the statement. This is a separate, named lenient path:
//! `verify` tries it only when the copy as received is not authentic, and reports that it did.

/// The share of non-blank lines that must carry a quote marker before a text counts as quoted.
const MIN_QUOTED_SHARE: f64 = 0.3;

/// The text with email quote markers removed from the start of each line, or `None` when too few
/// lines are quoted for this to be an email quotation (fewer than 2, or under 30% of the non-blank
/// lines). A marker is any run of `>` characters, each optionally followed by spaces or tabs, after
/// optional leading spaces.
pub fn strip_quote_markers(text: &str) -> Option<String> {
    let mut quoted = 0usize;
    let mut non_blank = 0usize;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            non_blank += 1;
        }
        let rest = line.trim_start_matches([' ', '\t']);
        if rest.starts_with('>') {
            quoted += 1;
            let mut rest = rest;
            while let Some(after) = rest.strip_prefix('>') {
                rest = after.trim_start_matches([' ', '\t']);
            }
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
    }
    let enough = quoted >= 2 && quoted as f64 >= MIN_QUOTED_SHARE * non_blank as f64;
    enough.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_of_any_depth_are_removed() {
        let text = "Hi, see below.\n\n> We call for the release\n>> of the three lawyers.\n> > Contact +852 5550 0117\n";
        let stripped = strip_quote_markers(text).unwrap();
        assert_eq!(
            stripped,
            "Hi, see below.\n\nWe call for the release\nof the three lawyers.\nContact +852 5550 0117\n"
        );
    }

    #[test]
    fn a_single_quoted_line_is_not_an_email_quotation() {
        assert_eq!(
            strip_quote_markers("Prices rose > 5% this year.\n> one line\nplain\nplain\nplain\n"),
            None
        );
        assert_eq!(strip_quote_markers("No quoting here.\n"), None);
    }
}

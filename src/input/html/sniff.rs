//! Recognising a page before parsing it (docs/SPEC.md §1.1, §1.3): does the input start like a
//! page, which encoding does its `<meta charset>` name, and is it nested too deeply to parse in
//! bounded time. All of it works on bytes or text, without a parser.

/// The most work [`nesting_cost`] allows: the sum, over the page's start tags, of how deeply
/// nested each one is. The HTML parser checks the open elements for most tags, so a page nested
/// thousands deep costs the square of its size; browsers cap the depth (Blink at 512), html5ever
/// does not. A real page of 64 MiB nested 30 deep costs about 10^8.
pub const MAX_NESTING_COST: u64 = 200_000_000;

/// Elements that have no end tag, or whose end tag is usually left out: they do not nest.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "option", "tr", "td", "th", "rt", "rp",
];

/// SPEC §1.3: an estimate of the parser's work on a page, from its tags alone: each start tag
/// (other than the elements of `NOT_NESTING` and self-closing ones) adds one to a depth and each end tag takes
/// one away; the cost is the sum of the depths at the start tags. Linear in the page's length.
pub fn nesting_cost(document: &str) -> u64 {
    let bytes = document.as_bytes();
    let (mut depth, mut cost, mut i) = (0u64, 0u64, 0usize);
    while let Some(at) = bytes[i..].iter().position(|&b| b == b'<') {
        i += at + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = i + usize::from(closing);
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if len == 0 || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = document[start..start + len].to_ascii_lowercase();
        if NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        let self_closing = bytes[start + len..]
            .iter()
            .position(|&b| b == b'>')
            .is_some_and(|end| end > 0 && bytes[start + len + end - 1] == b'/');
        if !self_closing {
            depth += 1;
            cost = cost.saturating_add(depth);
        }
    }
    cost
}

/// Tags that, first in a document, make it an HTML page (SPEC §1.1): the document elements, the
/// elements of `<head>`, and the block elements that start an HTML fragment (pandoc without `-s`).
const STARTING_TAGS: &[&str] = &[
    "html",
    "head",
    "body",
    "meta",
    "title",
    "link",
    "style",
    "base",
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "article",
    "section",
    "main",
    "header",
    "nav",
    "blockquote",
    "pre",
];

/// SPEC §1.1: whether a document is an HTML page. After ASCII whitespace, any number of comments
/// (`<!-- ... -->`) and an XML declaration (`<?xml ... ?>`), it starts with `<!DOCTYPE html` or with
/// the start tag of an element of [`STARTING_TAGS`] (`<name` then whitespace, `>` or `/`), case
/// insensitively. Only the start counts: a text that mentions `<b>` or `<p>` later is text. Works on
/// bytes, so it finds pages in any ASCII-compatible encoding.
pub(in crate::input) fn looks_like_html(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    loop {
        rest = trim_ascii_start(rest);
        if let Some(comment) = rest.strip_prefix(b"<!--") {
            match find(comment, b"-->") {
                Some(end) => rest = &comment[end + 3..],
                None => return false,
            }
        } else if let Some(declaration) = rest.strip_prefix(b"<?") {
            match find(declaration, b"?>") {
                Some(end) => rest = &declaration[end + 2..],
                None => return false,
            }
        } else {
            break;
        }
    }
    let Some(tag) = rest.strip_prefix(b"<") else {
        return false;
    };
    if starts_with_ignore_case(tag, b"!doctype") {
        return starts_with_ignore_case(trim_ascii_start(&tag[8..]), b"html");
    }
    let name_len = tag.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
    let after = tag.get(name_len).copied();
    let name = String::from_utf8_lossy(&tag[..name_len]).to_ascii_lowercase();
    STARTING_TAGS.contains(&name.as_str())
        && matches!(
            after,
            Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
        )
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C'))
        .count();
    &bytes[n..]
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Only this many bytes at the start of a page are searched for a `<meta charset>`, as in the HTML
/// standard's prescan.
const META_PRESCAN_BYTES: usize = 1024;

/// SPEC §1.1: the encoding a page's `<meta charset="...">` or `<meta http-equiv="Content-Type"
/// content="...; charset=...">` names in its first 1024 bytes, if encoding_rs knows the label. A
/// UTF-16 label means UTF-8, as in the HTML standard (the bytes are ASCII-compatible).
pub(in crate::input) fn meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(META_PRESCAN_BYTES)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"<meta") {
        let start = from + at;
        let end = find(&lower[start..], b">").map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let value = trim_ascii_start(&tag[c + 7..]);
            if let Some(value) = value.strip_prefix(b"=") {
                let value = trim_ascii_start(value);
                let value = value
                    .strip_prefix(b"\"")
                    .or(value.strip_prefix(b"'"))
                    .unwrap_or(value);
                let len = value
                    .iter()
                    .take_while(|b| !matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .count();
                let encoding = encoding_rs::Encoding::for_label(&value[..len])?;
                return Some(
                    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                        encoding_rs::UTF_8
                    } else {
                        encoding
                    },
                );
            }
        }
        from = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_needs_a_page_start_not_a_mention_of_a_tag() {
        assert!(looks_like_html(b"<!DOCTYPE html><p>x"));
        assert!(looks_like_html(b"  <!-- saved --><HTML lang=en>"));
        assert!(looks_like_html(b"<?xml version=\"1.0\"?>\n<html>"));
        assert!(looks_like_html(b"<p>We call</p>"));
        assert!(!looks_like_html(b"We use <b> for bold.\n<p>"));
        assert!(!looks_like_html(b"<b>Bold</b> statement"));
        assert!(!looks_like_html(b"<paragraph> text"));
        assert!(!looks_like_html(b"<!-- never closed <html>"));
    }

    #[test]
    fn nesting_cost_is_the_sum_of_depths_and_ignores_unclosed_paragraphs() {
        assert_eq!(nesting_cost("<div><div></div><div/></div>"), 3);
        assert_eq!(nesting_cost("<p>a<p>b<li>c<br>d"), 0);
        let deep = "<div>".repeat(30_000);
        assert!(nesting_cost(&deep) > MAX_NESTING_COST);
        let wide = "<div><b>bold</b> text</div>\n".repeat(1_000_000);
        assert!(nesting_cost(&wide) < MAX_NESTING_COST);
    }

    #[test]
    fn meta_charset_names_the_encoding() {
        assert_eq!(
            meta_charset(b"<html><head><meta charset=\"gb2312\">"),
            Some(encoding_rs::GBK)
        );
        assert_eq!(
            meta_charset(b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Big5\">"),
            Some(encoding_rs::BIG5)
        );
        assert_eq!(
            meta_charset(b"<meta charset=\"utf-16\">"),
            Some(encoding_rs::UTF_8)
        );
        assert_eq!(meta_charset(b"<p>charset=big5</p>"), None);
    }
}

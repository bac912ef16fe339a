//! What a page's style sheets do that extraction does not apply: the rules of its `<style>`
//! elements that hide text or add it (docs/SPEC.md §1.3), and inline style declarations.

use scraper::{Html, Node};

use super::sniff::find;

/// At most this many hiding rules are matched against a page ([`style_hidden_elements`]): each
/// costs a pass over the page. Past them, every element counts as one a rule may hide.
const MAX_HIDING_RULES: usize = 256;

/// What the page's `<style>` elements do that extraction does not: the elements a rule may hide
/// ([`style_hidden_elements`]), and whether a rule adds text (a CSS `content` declaration).
pub(super) fn style_sheet_effects(
    html: &Html,
) -> (std::collections::HashSet<ego_tree::NodeId>, bool) {
    let mut generated = false;
    for css in style_sheets(html) {
        generated |= css_rules(&css)
            .iter()
            .any(|(_, body)| declarations(body).any(|(p, v)| adds_content(&p, &v)));
    }
    (style_hidden_elements(html), generated)
}

/// Whether a declaration adds text: `content` with a value other than `none`, `normal` or an
/// empty string.
pub(super) fn adds_content(property: &str, value: &str) -> bool {
    property == "content" && !matches!(value, "none" | "normal" | "\"\"" | "''")
}

/// The text of each `<style>` element.
fn style_sheets(html: &Html) -> Vec<String> {
    html.tree
        .root()
        .descendants()
        .filter(|n| matches!(n.value(), Node::Element(e) if e.name() == "style"))
        .map(|n| {
            n.children()
                .filter_map(|c| match c.value() {
                    Node::Text(t) => Some(&**t),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The elements that a rule of the page's `<style>` elements hides (with a declaration that
/// [`hiding`] recognises, in any `@media` block too), whatever the rule's conditions: candidates
/// for [`NoteKind::StyleHidden`](crate::input::NoteKind::StyleHidden). Selectors are matched by
/// `scraper`; one it cannot parse is skipped.
fn style_hidden_elements(html: &Html) -> std::collections::HashSet<ego_tree::NodeId> {
    let mut hidden = std::collections::HashSet::new();
    let mut rules = 0;
    for css in style_sheets(html) {
        for (selectors, body) in css_rules(&css) {
            if !declarations(&body).any(|(p, v)| hiding(&p, &v)) {
                continue;
            }
            rules += 1;
            if rules > MAX_HIDING_RULES {
                return html.tree.nodes().map(|n| n.id()).collect();
            }
            let Ok(selector) = scraper::Selector::parse(&selectors) else {
                continue;
            };
            hidden.extend(html.select(&selector).map(|e| e.id()));
        }
    }
    hidden
}

/// The `(selectors, declarations)` of a style sheet's rules, those inside `@media`, `@supports`
/// and other grouping rules included; other at-rules (`@font-face`, `@keyframes`, ...) are skipped.
fn css_rules(css: &str) -> Vec<(String, String)> {
    // Comments are replaced by spaces of the same length, so offsets stay valid.
    let mut clean = css.as_bytes().to_vec();
    let mut i = 0;
    while let Some(at) = find(&clean[i..], b"/*") {
        let start = i + at;
        let end = find(&clean[start + 2..], b"*/").map_or(clean.len(), |e| start + 2 + e + 2);
        clean[start..end].fill(b' ');
        i = end;
    }
    // Whole comments, which begin and end with ASCII, became ASCII spaces: still UTF-8.
    let css = String::from_utf8(clean).unwrap_or_default();
    let clean = css.as_bytes();
    let mut rules = Vec::new();
    let (mut start, mut pos) = (0, 0);
    while pos < clean.len() {
        match clean[pos] {
            b'{' => {
                let prelude = css[start..pos].trim();
                let grouping = ["@media", "@supports", "@layer", "@container", "@document"]
                    .iter()
                    .any(|g| prelude.starts_with(g));
                if grouping {
                    start = pos + 1;
                    pos += 1;
                    continue;
                }
                // Find the block's end, counting nested braces.
                let mut depth = 0usize;
                let mut end = pos;
                while end < clean.len() {
                    match clean[end] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    end += 1;
                }
                if !prelude.starts_with('@') && css.is_char_boundary(end) {
                    rules.push((
                        prelude.to_string(),
                        css[pos + 1..end.min(css.len())].to_string(),
                    ));
                }
                pos = end + 1;
                start = pos;
            }
            b'}' | b';' => {
                pos += 1;
                start = pos;
            }
            _ => pos += 1,
        }
    }
    rules
}

/// Whether a declaration hides an element's text: `display: none`, `visibility: hidden`,
/// `content-visibility: hidden`, a zero `font-size`, `opacity: 0`, `color: transparent`.
pub(super) fn hiding(property: &str, value: &str) -> bool {
    match property {
        "display" => value == "none",
        "visibility" => value == "hidden" || value == "collapse",
        "content-visibility" => value == "hidden",
        "font-size" => is_zero_length(value),
        "opacity" => value.parse::<f64>().is_ok_and(|o| o <= 0.0),
        "color" => value == "transparent",
        _ => false,
    }
}

/// The `property: value` declarations of an inline style, lower-cased, `!important` removed.
pub(super) fn declarations(style: &str) -> impl Iterator<Item = (String, String)> + '_ {
    style.split(';').filter_map(|d| {
        let (p, v) = d.split_once(':')?;
        let v = v.trim().to_ascii_lowercase();
        let v = v
            .strip_suffix("!important")
            .unwrap_or(&v)
            .trim()
            .to_string();
        Some((p.trim().to_ascii_lowercase(), v))
    })
}

/// `0`, `0px`, `0em`, `0%`, ... (a length that shows nothing).
fn is_zero_length(v: &str) -> bool {
    let digits = v.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%');
    digits.parse::<f64>().is_ok_and(|n| n == 0.0)
}

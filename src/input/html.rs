//! HTML copies: the visible text of a page, with its line and paragraph structure (docs/SPEC.md
//! §1.3). The page is parsed by html5ever (through `scraper`), the parser of the HTML standard that
//! browsers implement, so markup that hides content from a browser (an unclosed comment, text in
//! `<title>`) hides it here too.
//!
//! What a browser shows, and so what is extracted:
//!
//! - text outside `<head>`, `<title>`, `<script>`, `<style>`, `<template>`, `<noscript>` (a browser
//!   with scripting on, the usual case, does not show it), `<iframe>`, `<audio>`, `<video>`,
//!   `<canvas>`, `<datalist>`, `<select>`'s unselected options are not special-cased;
//! - without elements that are hidden by the `hidden` attribute or by an inline style
//!   `display: none`, `visibility: hidden` (a descendant may set `visibility: visible` again),
//!   `font-size: 0`, `opacity: 0` or `color: transparent`;
//! - with `aria-hidden` elements: that attribute hides from screen readers only, the text is shown;
//! - ruby: the base text only. `<rt>` (the annotation, shown small above the base) and `<rp>` are not
//!   extracted, and a [`NoteKind::RubyAnnotations`] note says so;
//! - `<wbr>` is nothing (a line break opportunity); a soft hyphen (U+00AD, `&shy;`) is kept, and the
//!   canonical text deletes it, as a browser hides it;
//! - `<br>` is a line break; a block element (`<div>`, `<li>`, `<tr>`, ...) starts a new line; a block
//!   with vertical margins in the default style (`<p>`, headings, lists, `<blockquote>`, `<pre>`,
//!   `<table>`, `<hr>`, ...) is a paragraph (a blank line before and after);
//! - an ordered list item starts with its number as the browser shows it (`1.`, `a.`, `iv.`), an
//!   unordered one with `- ` (a browser draws a bullet; `- ` is the plain-text convention);
//! - `<q>` adds the quotation marks a browser shows (“ ”);
//! - whitespace outside `<pre>`, `<textarea>`, `<listing>`, `<xmp>` and `<plaintext>` is collapsed as
//!   a browser collapses it; inside them it is kept.
//!
//! Style sheets are not applied. Text that a `<style>` element or an external style sheet hides is
//! extracted as if it were shown, and text it adds (CSS `::before`/`::after` `content`) is not seen;
//! the notes [`NoteKind::StyleSheet`] and [`NoteKind::GeneratedContent`] say when a page has either.

use ego_tree::iter::Edge;
use scraper::node::Element;
use scraper::{Html, Node};

use super::{Note, NoteKind};

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
/// (other than [`NOT_NESTING`] and self-closing ones) adds one to a depth and each end tag takes
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

/// The visible text of an HTML document, and notes about what was not extracted. The caller
/// checks [`nesting_cost`] first: this parses any page, however long it takes.
pub fn extract(document: &str) -> (String, Vec<Note>) {
    let html = Html::parse_document(document);
    let (style_hidden_elements, generated) = style_sheet_effects(&html);
    let mut walker = Walker {
        style_hidden_elements,
        generated,
        ..Walker::default()
    };
    walker.walk(&html);
    walker.finish()
}

/// The elements that a rule of the page's `<style>` elements hides (with a declaration that
/// [`hiding`] recognises, in any `@media` block too), whatever the rule's conditions: candidates
/// for [`NoteKind::StyleHidden`]. Selectors are matched by `scraper`; one it cannot parse is
/// skipped.
/// At most this many hiding rules are matched against a page ([`style_hidden_elements`]): each
/// costs a pass over the page. Past them, every element counts as one a rule may hide.
const MAX_HIDING_RULES: usize = 256;

/// What the page's `<style>` elements do that extraction does not: the elements a rule may hide
/// ([`style_hidden_elements`]), and whether a rule adds text (a CSS `content` declaration).
fn style_sheet_effects(html: &Html) -> (std::collections::HashSet<ego_tree::NodeId>, bool) {
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
fn adds_content(property: &str, value: &str) -> bool {
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
fn hiding(property: &str, value: &str) -> bool {
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

/// The break level a block element asks for around itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    None = 0,
    Line = 1,
    Paragraph = 2,
}

/// Elements whose content a browser never shows.
const NEVER_SHOWN: &[&str] = &[
    "head", "title", "script", "style", "template", "noscript", "iframe", "audio", "video",
    "canvas", "datalist", "rt", "rp", "meta", "link", "base", "param", "source", "track", "desc",
];

/// Elements with block margins in the default style sheet: a paragraph break before and after.
const PARAGRAPH_BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "listing",
    "xmp",
    "plaintext",
    "figure",
    "hr",
    "table",
    "dl",
    "fieldset",
    "menu",
    "dir",
];

/// Other block elements: a line break before and after.
const LINE_BLOCKS: &[&str] = &[
    "html",
    "body",
    "div",
    "li",
    "dt",
    "dd",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "address",
    "form",
    "center",
    "details",
    "summary",
    "figcaption",
    "caption",
    "legend",
    "thead",
    "tbody",
    "tfoot",
    "hgroup",
    "search",
    "dialog",
    "textarea",
    "option",
];

/// Elements whose whitespace is kept.
const PREFORMATTED: &[&str] = &["pre", "listing", "xmp", "plaintext", "textarea"];

/// The marker style of an ordered list (the `type` attribute).
#[derive(Debug, Clone, Copy)]
enum Numbering {
    Decimal,
    LowerAlpha,
    UpperAlpha,
    LowerRoman,
    UpperRoman,
}

/// An open `<ul>` or `<ol>`.
#[derive(Debug, Clone, Copy)]
struct List {
    numbering: Option<Numbering>,
    next: i64,
    step: i64,
    markers: bool,
}

/// An open element and what it changed.
#[derive(Debug)]
struct Frame {
    id: ego_tree::NodeId,
    block: Break,
    preformatted: bool,
    list: bool,
    list_container: bool,
    style_hidden: bool,
    visible: bool,
    close_quote: bool,
}

#[derive(Debug, Default)]
struct Walker {
    out: String,
    /// Line breaks owed before the next text (0, 1 or 2).
    pending: u8,
    /// A collapsible space is owed before the next text on this line.
    space: bool,
    frames: Vec<Frame>,
    lists: Vec<List>,
    /// Open `<li>` elements (a counter, so that deep nesting costs no scan of the open elements).
    open_items: usize,
    preformatted: usize,
    quote_depth: usize,
    /// Hidden elements with text that were not extracted.
    hidden: usize,
    ruby: bool,
    style_sheet: bool,
    generated: bool,
    /// Elements a style sheet rule hides ([`style_hidden_elements`]).
    style_hidden_elements: std::collections::HashSet<ego_tree::NodeId>,
    /// Open elements of `style_hidden_elements`.
    style_hidden_open: usize,
    /// Text was extracted inside one of them.
    style_hidden_text: bool,
}

impl Walker {
    fn walk(&mut self, html: &Html) {
        // The subtree being skipped (never shown, or hidden), and whether it held text.
        let mut skipping: Option<(ego_tree::NodeId, bool, bool)> = None;
        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(node) => {
                    if let Some((_, counts, held_text)) = skipping.as_mut() {
                        match node.value() {
                            Node::Text(t) if *counts && !t.trim().is_empty() => *held_text = true,
                            Node::Element(e) => self.scan_style(e),
                            _ => {}
                        }
                        continue;
                    }
                    match node.value() {
                        Node::Text(t) => self.text(t),
                        Node::Element(e) => {
                            self.scan_style(e);
                            if let Some(hidden) = self.skipped(e) {
                                skipping = Some((node.id(), hidden, false));
                                continue;
                            }
                            self.open(node.id(), e, node);
                        }
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if let Some((id, _, held_text)) = skipping {
                        if id == node.id() {
                            self.hidden += usize::from(held_text);
                            skipping = None;
                        }
                        continue;
                    }
                    if self.frames.last().is_some_and(|f| f.id == node.id()) {
                        self.close();
                    }
                }
            }
        }
    }

    /// Notes a style sheet or CSS generated content, wherever it is (in `<head>` too).
    fn scan_style(&mut self, e: &Element) {
        match e.name() {
            "style" => self.style_sheet = true,
            "link"
                if e.attr("rel").is_some_and(|r| {
                    r.split_ascii_whitespace()
                        .any(|t| t.eq_ignore_ascii_case("stylesheet"))
                }) =>
            {
                self.style_sheet = true
            }
            _ => {}
        }
        if let Some(style) = e.attr("style") {
            if declarations(style).any(|(p, v)| adds_content(&p, &v)) {
                self.generated = true;
            }
        }
    }

    /// `Some(counts)` when the element and its content are not extracted: `counts` says whether it
    /// is hidden (reported when it holds text) rather than never shown.
    fn skipped(&mut self, e: &Element) -> Option<bool> {
        let name = e.name();
        if NEVER_SHOWN.contains(&name) {
            if matches!(name, "rt" | "rp") {
                self.ruby = true;
            }
            return Some(false);
        }
        if e.attr("hidden").is_some() {
            return Some(true);
        }
        if let Some(style) = e.attr("style") {
            // `visibility` is inherited and can be undone by a descendant: handled in `open`.
            let hides = declarations(style).any(|(p, v)| p != "visibility" && hiding(&p, &v));
            if hides {
                return Some(true);
            }
        }
        None
    }

    fn open(&mut self, id: ego_tree::NodeId, e: &Element, node: ego_tree::NodeRef<'_, Node>) {
        let name = e.name();
        let parent_visible = self.frames.last().is_none_or(|f| f.visible);
        let visible = match e.attr("style").and_then(|s| {
            declarations(s)
                .filter(|(p, _)| p == "visibility")
                .last()
                .map(|(_, v)| v)
        }) {
            Some(v) if v == "hidden" || v == "collapse" => false,
            Some(v) if v == "visible" => true,
            _ => parent_visible,
        };
        let in_list_item = self.open_items > 0;
        let mut block = if PARAGRAPH_BLOCKS.contains(&name) {
            Break::Paragraph
        } else if LINE_BLOCKS.contains(&name) {
            Break::Line
        } else {
            Break::None
        };
        let is_list = matches!(name, "ul" | "ol");
        if is_list {
            block = if in_list_item {
                Break::Line
            } else {
                Break::Paragraph
            };
        }
        if name == "br" {
            self.pending = (self.pending + 1).min(2);
            self.space = false;
        }
        if matches!(name, "td" | "th") {
            self.space = true;
        }
        self.block(block);
        let preformatted = PREFORMATTED.contains(&name);
        self.preformatted += usize::from(preformatted);
        if is_list {
            self.lists.push(list_of(e, node));
        }
        let mut close_quote = false;
        if name == "q" && visible {
            let mark = if self.quote_depth.is_multiple_of(2) {
                "\u{201C}"
            } else {
                "\u{2018}"
            };
            self.quote_depth += 1;
            self.write(mark);
            close_quote = true;
        }
        self.open_items += usize::from(name == "li");
        let style_hidden = self.style_hidden_elements.contains(&id);
        self.style_hidden_open += usize::from(style_hidden);
        self.frames.push(Frame {
            id,
            block,
            preformatted,
            list: name == "li",
            list_container: is_list,
            style_hidden,
            visible,
            close_quote,
        });
        if name == "li" && visible {
            self.list_marker(e);
        }
    }

    fn close(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        if frame.close_quote {
            self.quote_depth -= 1;
            let mark = if self.quote_depth.is_multiple_of(2) {
                "\u{201D}"
            } else {
                "\u{2019}"
            };
            self.write(mark);
        }
        self.preformatted -= usize::from(frame.preformatted);
        self.open_items -= usize::from(frame.list);
        self.style_hidden_open -= usize::from(frame.style_hidden);
        if frame.block != Break::None {
            self.block(frame.block);
        }
        if frame.list_container {
            self.lists.pop();
        }
    }

    /// The number or bullet of a list item, followed by a space.
    fn list_marker(&mut self, e: &Element) {
        let Some(list) = self.lists.last_mut() else {
            self.write("-");
            self.space = true;
            return;
        };
        if !list.markers {
            return;
        }
        if let Some(v) = e.attr("value").and_then(|v| v.trim().parse::<i64>().ok()) {
            list.next = v;
        }
        let marker = match list.numbering {
            None => "-".to_string(),
            Some(n) => format!("{}.", number(list.next, n)),
        };
        list.next = list.next.saturating_add(list.step);
        self.write(&marker);
        self.space = true;
    }

    fn block(&mut self, level: Break) {
        if level != Break::None {
            self.pending = self.pending.max(level as u8);
            self.space = false;
        }
    }

    fn visible(&self) -> bool {
        self.frames.last().is_none_or(|f| f.visible)
    }

    fn text(&mut self, t: &str) {
        if !self.visible() {
            return;
        }
        if self.style_hidden_open > 0 && !t.trim().is_empty() {
            self.style_hidden_text = true;
        }
        if self.preformatted > 0 {
            for piece in t.split_inclusive('\n') {
                let (line, newline) = match piece.strip_suffix('\n') {
                    Some(line) => (line.strip_suffix('\r').unwrap_or(line), true),
                    None => (piece, false),
                };
                if !line.is_empty() {
                    self.write(line);
                }
                if newline {
                    if self.out.is_empty() {
                        continue;
                    }
                    self.pending = (self.pending + 1).min(2);
                }
            }
            return;
        }
        for word in t.split(is_html_space) {
            if word.is_empty() {
                self.space = true;
                continue;
            }
            self.write(word);
            self.space = true;
        }
        // `split` yields a final piece after the last separator: the space after the text is only
        // owed if the text ended in whitespace.
        if !t.ends_with(is_html_space) {
            self.space = false;
        }
    }

    /// Append visible characters, first any owed line breaks or space.
    fn write(&mut self, s: &str) {
        if self.out.is_empty() {
            self.pending = 0;
            self.space = false;
        }
        if self.pending > 0 {
            for _ in 0..self.pending {
                self.out.push('\n');
            }
            self.pending = 0;
            self.space = false;
        }
        if self.space && !self.out.ends_with('\n') {
            self.out.push(' ');
        }
        self.space = false;
        self.out.push_str(s);
    }

    fn finish(mut self) -> (String, Vec<Note>) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        let mut notes = Vec::new();
        if self.hidden > 0 {
            notes.push(Note::new(
                NoteKind::HiddenContent,
                format!(
                    "{} hidden element(s) with text (the `hidden` attribute, or an inline style such as `display: none`) were not compared, as a browser does not show them",
                    self.hidden
                ),
            ));
        }
        if self.ruby {
            notes.push(Note::new(
                NoteKind::RubyAnnotations,
                "ruby annotations (`<rt>`, shown small above the text) were not compared; only the base text was",
            ));
        }
        if self.style_sheet {
            notes.push(Note::new(
                NoteKind::StyleSheet,
                "the page has style sheets, which attest does not apply: text they hide was compared as if shown",
            ));
        }
        if self.style_hidden_text {
            notes.push(Note::new(
                NoteKind::StyleHidden,
                "a rule of the page's style sheet may hide some of its text (under conditions attest does not evaluate); that text was compared as if shown, so the page may show less than was compared: check what a browser shows",
            ));
        }
        if self.generated {
            notes.push(Note::new(
                NoteKind::GeneratedContent,
                "the page's styles add text of their own (CSS `content`), which attest cannot show: check what a browser shows",
            ));
        }
        (self.out, notes)
    }
}

/// ASCII whitespace, which HTML collapses (U+00A0 and other spaces are text).
fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{C}')
}

/// The `property: value` declarations of an inline style, lower-cased, `!important` removed.
fn declarations(style: &str) -> impl Iterator<Item = (String, String)> + '_ {
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

/// The list an `<ul>`/`<ol>` opens.
fn list_of(e: &Element, node: ego_tree::NodeRef<'_, Node>) -> List {
    let markers = !e.attr("style").is_some_and(|s| {
        declarations(s).any(|(p, v)| {
            (p == "list-style-type" || p == "list-style")
                && v.split_whitespace().any(|w| w == "none")
        })
    });
    if e.name() == "ul" {
        return List {
            numbering: None,
            next: 1,
            step: 1,
            markers,
        };
    }
    let numbering = match e.attr("type").map(str::trim) {
        Some("a") => Numbering::LowerAlpha,
        Some("A") => Numbering::UpperAlpha,
        Some("i") => Numbering::LowerRoman,
        Some("I") => Numbering::UpperRoman,
        _ => Numbering::Decimal,
    };
    let reversed = e.attr("reversed").is_some();
    let items = node
        .children()
        .filter(|c| matches!(c.value(), Node::Element(x) if x.name() == "li"))
        .count() as i64;
    let start = e
        .attr("start")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or(if reversed { items } else { 1 });
    List {
        numbering: Some(numbering),
        next: start,
        step: if reversed { -1 } else { 1 },
        markers,
    }
}

/// A list item's number in `numbering`, as a browser's default counter styles write it.
fn number(n: i64, numbering: Numbering) -> String {
    match numbering {
        Numbering::Decimal => n.to_string(),
        Numbering::LowerAlpha | Numbering::UpperAlpha if n >= 1 => {
            let mut n = n;
            let mut s = Vec::new();
            while n > 0 {
                n -= 1;
                s.push(b'a' + (n % 26) as u8);
                n /= 26;
            }
            s.reverse();
            let s = String::from_utf8(s).unwrap_or_default();
            if matches!(numbering, Numbering::UpperAlpha) {
                s.to_ascii_uppercase()
            } else {
                s
            }
        }
        Numbering::LowerRoman | Numbering::UpperRoman if (1..4000).contains(&n) => {
            let s = roman(n);
            if matches!(numbering, Numbering::LowerRoman) {
                s.to_ascii_lowercase()
            } else {
                s
            }
        }
        _ => n.to_string(),
    }
}

fn roman(mut n: i64) -> String {
    const TABLE: &[(i64, &str)] = &[
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for &(value, letters) in TABLE {
        while n >= value {
            s.push_str(letters);
            n -= value;
        }
    }
    s
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
pub(super) fn looks_like_html(bytes: &[u8]) -> bool {
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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Only this many bytes at the start of a page are searched for a `<meta charset>`, as in the HTML
/// standard's prescan.
const META_PRESCAN_BYTES: usize = 1024;

/// SPEC §1.1: the encoding a page's `<meta charset="...">` or `<meta http-equiv="Content-Type"
/// content="...; charset=...">` names in its first 1024 bytes, if encoding_rs knows the label. A
/// UTF-16 label means UTF-8, as in the HTML standard (the bytes are ASCII-compatible).
pub(super) fn meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
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

    fn text(html: &str) -> String {
        extract(html).0
    }

    fn kinds(html: &str) -> Vec<NoteKind> {
        extract(html).1.into_iter().map(|n| n.kind).collect()
    }

    #[test]
    fn br_is_a_line_break_and_p_a_paragraph() {
        assert_eq!(
            text("<p>Evelyn Fung, Convenor<br>Tobias Ng, Secretary</p><p>Next</p>"),
            "Evelyn Fung, Convenor\nTobias Ng, Secretary\n\nNext\n"
        );
        assert_eq!(text("<div>a</div><div>b</div>"), "a\nb\n");
        assert_eq!(text("a<br><br>b"), "a\n\nb\n");
    }

    #[test]
    fn list_items_start_lines_with_the_marker_a_browser_shows() {
        assert_eq!(text("<ul><li>one</li><li>two</li></ul>"), "- one\n- two\n");
        assert_eq!(
            text("<ol start=\"3\"><li>c</li><li>d</li></ol>"),
            "3. c\n4. d\n"
        );
        assert_eq!(
            text("<ol type=\"i\" reversed><li>a</li><li>b</li></ol>"),
            "ii. a\ni. b\n"
        );
        assert_eq!(
            text("<ol style=\"list-style-type: none\"><li>a</li></ol>"),
            "a\n"
        );
    }

    #[test]
    fn list_numbers_at_the_edge_of_the_integers_do_not_overflow() {
        assert_eq!(
            text("<ol><li value=\"9223372036854775807\">a</li><li>b</li></ol>"),
            "9223372036854775807. a\n9223372036854775807. b\n"
        );
    }

    #[test]
    fn whitespace_collapses_outside_pre_and_is_kept_inside() {
        assert_eq!(text("<p>  a \n\t b  </p>"), "a b\n");
        assert_eq!(text("<pre>a\n  b</pre>"), "a\n  b\n");
    }

    #[test]
    fn entities_are_decoded_including_look_alikes() {
        assert_eq!(
            text("<p>&ldquo;a&rdquo; &amp; &#1072;&nbsp;b</p>"),
            "“a” & а\u{a0}b\n"
        );
    }

    #[test]
    fn script_style_template_noscript_title_and_head_are_not_text() {
        let page = "<html><head><title>Title</title><script>x()</script></head><body>\
                    <style>p{}</style><template><p>t</p></template><noscript>n</noscript>\
                    <p>shown</p></body></html>";
        assert_eq!(text(page), "shown\n");
    }

    #[test]
    fn hidden_elements_are_dropped_and_reported() {
        let page = "<p>+852 5550 01<span hidden>9</span>17<span style=\"display:none\">x</span>\
                    <span style=\"font-size: 0px\">y</span><span style=\"opacity:0\">z</span></p>";
        assert_eq!(text(page), "+852 5550 0117\n");
        assert_eq!(kinds(page), [NoteKind::HiddenContent]);
    }

    #[test]
    fn visibility_hidden_hides_text_but_a_visible_descendant_shows() {
        assert_eq!(
            text("<p style=\"visibility:hidden\">a <b style=\"visibility: visible\">b</b></p>"),
            "b\n"
        );
    }

    #[test]
    fn aria_hidden_text_is_shown_on_screen_and_kept() {
        assert_eq!(
            text("<p>a <span aria-hidden=\"true\">b</span></p>"),
            "a b\n"
        );
    }

    #[test]
    fn ruby_keeps_the_base_text_and_notes_the_annotation() {
        let page = "<p><ruby>律<rp>(</rp><rt>lǜ</rt><rp>)</rp>师</ruby></p>";
        assert_eq!(text(page), "律师\n");
        assert_eq!(kinds(page), [NoteKind::RubyAnnotations]);
    }

    #[test]
    fn wbr_is_nothing_and_a_soft_hyphen_is_kept_for_canonicalization_to_delete() {
        assert_eq!(
            text("<p>land-<wbr>expro&shy;priation</p>"),
            "land-expro\u{ad}priation\n"
        );
    }

    #[test]
    fn an_unclosed_comment_eats_the_rest_as_it_does_in_a_browser() {
        assert_eq!(text("<p>kept</p><!-- open <p>eaten</p>"), "kept\n");
    }

    #[test]
    fn css_generated_content_and_style_sheets_are_noted_not_honoured() {
        let page =
            "<style>.x::before{content:\"9\"}</style><p class=\"x\" style=\"content: 'a'\">b</p>";
        assert_eq!(text(page), "b\n");
        assert_eq!(
            kinds(page),
            [NoteKind::StyleSheet, NoteKind::GeneratedContent]
        );
    }

    #[test]
    fn text_a_style_sheet_rule_hides_is_compared_and_noted() {
        let page =
            "<style>/* x */ @media screen { .x, #y { font-size: 0 } } p { color: red }</style>\
                    <p>pay 1<span class=\"x\">00</span> dollars</p>";
        assert_eq!(text(page), "pay 100 dollars\n");
        assert_eq!(kinds(page), [NoteKind::StyleSheet, NoteKind::StyleHidden]);
        let harmless = "<style>.x { color: red }</style><p>pay <span class=\"x\">100</span></p>";
        assert_eq!(kinds(harmless), [NoteKind::StyleSheet]);
    }

    #[test]
    fn q_adds_the_quotation_marks_a_browser_shows() {
        assert_eq!(text("<p><q>a <q>b</q></q></p>"), "“a ‘b’”\n");
    }

    #[test]
    fn table_cells_are_spaced_and_rows_are_lines() {
        assert_eq!(
            text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"),
            "a b\nc\n"
        );
    }

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

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Text without markup is extracted word for word: nothing invented, nothing dropped.
        #[test]
        fn plain_text_in_a_paragraph_keeps_every_word(t in "[^<&\r\0]{0,200}") {
            let (got, _) = extract(&format!("<p>{t}</p>"));
            let words = |s: &str| s.split(is_html_space).filter(|w| !w.is_empty()).map(str::to_string).collect::<Vec<_>>();
            prop_assert_eq!(words(&got), words(&t));
        }

        /// Random markup never makes words appear that the page does not have, and never panics.
        #[test]
        fn markup_never_invents_words(parts in prop::collection::vec(prop_oneof![
            Just("<p>"), Just("</p>"), Just("<br>"), Just("<li>"), Just("<ol>"), Just("</ol>"),
            Just("<ul>"), Just("</ul>"), Just("<q>"), Just("</q>"), Just("<pre>"), Just("</pre>"),
            Just("<span hidden>"), Just("</span>"), Just("<style>"), Just("</style>"),
            Just("<ruby>"), Just("<rt>"), Just("<!--"), Just("-->"), Just("word"), Just(" "),
            Just("\n"), Just("&shy;"), Just("<table><tr><td>"), Just("<ol reversed type=i>"),
            Just("<li value=-5>"), Just("<div style='visibility:hidden'>"), Just("</div>"),
        ], 0..60)) {
            let page = parts.concat();
            let (got, _) = extract(&page);
            prop_assert!(got.matches("word").count() <= page.matches("word").count());
        }

        /// Any input is extracted without a panic, into text without NUL.
        #[test]
        fn any_markup_extracts_without_panic(t in ".{0,300}") {
            let (got, _) = extract(&t);
            prop_assert!(!got.contains('\0'));
        }
    }
}

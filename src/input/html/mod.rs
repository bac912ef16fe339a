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

mod css;
mod sniff;
#[cfg(test)]
mod tests;

pub(in crate::input) use sniff::{looks_like_html, meta_charset};
pub use sniff::{nesting_cost, MAX_NESTING_COST};

use super::{Note, NoteKind};
use css::{adds_content, declarations, hiding, style_sheet_effects};

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
                // An external style sheet is not read: any of the page's text may be hidden by
                // it, as far as attest can tell (docs/SPEC.md §1.3).
                self.style_sheet = true;
                self.style_hidden_text = true;
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

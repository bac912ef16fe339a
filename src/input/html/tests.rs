//! Unit tests of HTML extraction (docs/SPEC.md §1.3).

use super::*;
use crate::input::NoteKind;

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
    let page = "<style>/* x */ @media screen { .x, #y { font-size: 0 } } p { color: red }</style>\
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

mod properties {
    use super::super::*;
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

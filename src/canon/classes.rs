//! Character classes of `docs/SPEC.md` §2.2 and §2.6, as the fast path and the full algorithm use
//! them.
//!
//! A leaf: it imports nothing from the rest of `canon`. (The reference canonicalizer,
//! [`super::reference`], has its own copies written from the spec, so that it checks these.)

use unicode_normalization::char::canonical_combining_class;

/// Why a character is suspicious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspiciousKind {
    /// A bidirectional control: displayed text can differ from stored text.
    Bidi,
    /// A Unicode tag character (U+E0000–U+E007F): invisible, can smuggle text.
    Tag,
    /// Another invisible or blank character: default-ignorable, a format character (Cf), or a
    /// blank character (docs/SPEC.md §2.6).
    Invisible,
    /// A control character (Cc) that is not whitespace.
    Control,
}

/// Deleted in step 1: soft hyphen, zero-width space, word joiner, zero-width no-break space (BOM).
///
/// A policy choice, not a class: four Default_Ignorable format characters (general category Cf)
/// that layout tools insert and remove without changing what is read (a unit test checks that
/// each is both). Every other default-ignorable character is kept and reported (§2.6).
pub fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Step 1's quote folding: the quotation marks of U+2018–U+201F drawn high, as `'` and `"` are
/// (general category Pi or Pf), to `'` and `"`. The low marks U+201A and U+201E (category Ps) look
/// like a comma and two commas, so they are not folded: they stay as themselves. A unit test checks
/// the table against the general categories.
pub(crate) fn fold_quote(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201F}' => Some('"'),
        _ => None,
    }
}

/// U+1680 OGHAM SPACE MARK: White_Space, but drawn as a dash (Ogham is written along a stem line),
/// so it is not blank and is kept as a visible character.
const OGHAM_SPACE_MARK: char = '\u{1680}';

/// Whitespace: the Unicode White_Space property (which `char::is_whitespace` implements) except
/// U+1680 OGHAM SPACE MARK, the one White_Space character that is not visibly blank. Its horizontal
/// spaces are the ones that are not line breaks: tab and the space separators (Zs) but U+1680.
pub(crate) fn is_whitespace(c: char) -> bool {
    c.is_whitespace() && c != OGHAM_SPACE_MARK
}

/// Line-break characters: LF, VT, FF, CR (CRLF counts once), NEL, LS, and PS (which counts twice).
/// They are the White_Space characters of the mandatory-break classes BK, CR, LF and NL of UAX #14;
/// equivalently, the whitespace of general category Cc, Zl or Zp except tab (a unit test checks it).
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{000B}' | '\u{000C}' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}'
    )
}

/// U+2000 EN QUAD and U+2001 EM QUAD are the only whitespace characters NFC changes (to U+2002
/// and U+2003). Layout records use the NFC form, so the fast path (which skips NFC) and the full
/// algorithm record the same spacing.
pub(crate) fn nfc_space(c: char) -> char {
    match c {
        '\u{2000}' => '\u{2002}',
        '\u{2001}' => '\u{2003}',
        other => other,
    }
}

/// Unspaced characters: scripts written without spaces between words (Han, kana, bopomofo) and CJK
/// punctuation and full-width forms. Whitespace next to one of these is not significant.
pub fn is_unspaced(c: char) -> bool {
    let c = c as u32;
    if c < 0x2E80 {
        return false;
    }
    matches!(c,
        0x2E80..=0x2FDF   // CJK radicals, Kangxi radicals
        | 0x2FF0..=0x2FFF // ideographic description characters
        | 0x3000..=0x303F // CJK symbols and punctuation
        | 0x3040..=0x30FF // hiragana, katakana
        | 0x3100..=0x312F // bopomofo
        | 0x3190..=0x31FF // kanbun, bopomofo extended, CJK strokes, katakana extensions
        | 0x3200..=0x33FF // enclosed CJK letters, CJK compatibility
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFE30..=0xFE4F // CJK compatibility forms
        | 0xFF00..=0xFFEF // half-width and full-width forms
        | 0x20000..=0x3FFFF // supplementary and tertiary ideographic planes
    )
}

/// Characters for which the fast path may skip normalization: NFC_Quick_Check=Yes and canonical
/// combining class 0, and not control, format or other special characters. A text made only of these
/// (plus whitespace, ignorables and quotes) is its own NFC. A unit test checks this table against the
/// normalization tables.
pub(crate) fn is_nfc_safe(c: char) -> bool {
    matches!(c as u32,
        0x20..=0x7E
        | 0xA0..=0x2FF
        | 0x2010..=0x2027
        | 0x2030..=0x205E
        | 0x3000..=0x3029
        | 0x3030..=0x303F
        | 0x3041..=0x3096
        | 0x30A1..=0x30FA
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xFF01..=0xFF60
    ) && c != '\u{00AD}'
}

/// Default_Ignorable_Code_Point (UCD `DerivedCoreProperties.txt`), as sorted, merged ranges:
/// characters that are invisible unless a renderer supports them. Generated from the UCD data of
/// `regex-syntax` (`cargo test print_generated_tables -- --ignored --nocapture`); a unit test
/// checks it against that data for every code point.
const DEFAULT_IGNORABLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF0}', '\u{FFF8}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

/// General category Cf (format characters), as sorted, merged ranges. Generated from the UCD data
/// of `regex-syntax`, as [`DEFAULT_IGNORABLE`] is; a unit test checks it at every code point against that data and against the
/// general categories of `unicode-properties` (a table lookup here is several times faster than
/// the general-category search, and every character outside the fast path meets it).
const FORMAT: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Whether `c` is in a sorted table of disjoint ranges.
fn in_ranges(c: char, ranges: &[(char, char)]) -> bool {
    ranges
        .binary_search_by(|&(first, last)| {
            if last < c {
                std::cmp::Ordering::Less
            } else if first > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The Default_Ignorable_Code_Point property.
fn is_default_ignorable(c: char) -> bool {
    c >= '\u{00AD}' && in_ranges(c, DEFAULT_IGNORABLE)
}

/// General category Cf.
fn is_format(c: char) -> bool {
    c >= '\u{00AD}' && in_ranges(c, FORMAT)
}

/// The Bidi_Control property, with the characters' Unicode names (a unit test checks the list
/// against the property).
const BIDI_CONTROLS: &[(char, &str)] = &[
    ('\u{061C}', "ARABIC LETTER MARK"),
    ('\u{200E}', "LEFT-TO-RIGHT MARK"),
    ('\u{200F}', "RIGHT-TO-LEFT MARK"),
    ('\u{202A}', "LEFT-TO-RIGHT EMBEDDING"),
    ('\u{202B}', "RIGHT-TO-LEFT EMBEDDING"),
    ('\u{202C}', "POP DIRECTIONAL FORMATTING"),
    ('\u{202D}', "LEFT-TO-RIGHT OVERRIDE"),
    ('\u{202E}', "RIGHT-TO-LEFT OVERRIDE"),
    ('\u{2066}', "LEFT-TO-RIGHT ISOLATE"),
    ('\u{2067}', "RIGHT-TO-LEFT ISOLATE"),
    ('\u{2068}', "FIRST STRONG ISOLATE"),
    ('\u{2069}', "POP DIRECTIONAL ISOLATE"),
];

/// The Variation_Selector property: the Mongolian free variation selectors, VS1–VS16 and
/// VS17–VS256 (a unit test checks the ranges against the property).
const VARIATION_SELECTORS: &[(char, char)] = &[
    ('\u{180B}', '\u{180D}'),
    ('\u{180F}', '\u{180F}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{E0100}', '\u{E01EF}'),
];

/// Blank characters: drawn as empty space, yet not whitespace, and with none of the properties
/// above (they are visible symbols as far as the UCD is concerned), so they are listed one by one,
/// each for its reason.
const BLANKS: &[(char, &str)] = &[
    // A braille cell with no dots (So): an empty glyph the width of a letter, widely used to fake
    // an empty name or line where spaces are stripped.
    ('\u{2800}', "BRAILLE PATTERN BLANK"),
    // A notehead with no ink (So): most fonts draw nothing.
    ('\u{1D159}', "MUSICAL SYMBOL NULL NOTEHEAD"),
];

/// Default-ignorable and format characters that have a well-known name, reported under it.
fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{034F}' => "COMBINING GRAPHEME JOINER",
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => "HANGUL FILLER",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{2061}'..='\u{2064}' => "INVISIBLE OPERATOR",
        '\u{206A}'..='\u{206F}' => "DEPRECATED FORMAT CHARACTER",
        '\u{FFF9}'..='\u{FFFB}' => "INTERLINEAR ANNOTATION CHARACTER",
        c if in_ranges(c, VARIATION_SELECTORS) => "VARIATION SELECTOR",
        _ => return None,
    })
}

/// Classify a character the reader cannot see but which changes what they see or what is stored:
/// its kind and the name reported, or `None` for ordinary characters (docs/SPEC.md §2.6).
///
/// Suspicious are the characters that are neither whitespace nor ignorable and are
/// Default_Ignorable_Code_Point, of general category Cc, Cf, Zl or Zp, or blank (U+2800 BRAILLE
/// PATTERN BLANK, U+1D159 MUSICAL SYMBOL NULL NOTEHEAD).
pub fn suspicious_kind(c: char) -> Option<(SuspiciousKind, &'static str)> {
    // NFC-safe characters are never suspicious (a unit test checks it), and they are most text.
    if is_nfc_safe(c) {
        return None;
    }
    classify(c)
}

/// [`suspicious_kind`] without the shortcut for NFC-safe characters. (General categories Zl and
/// Zp hold only U+2028 and U+2029, which are whitespace.)
fn classify(c: char) -> Option<(SuspiciousKind, &'static str)> {
    use SuspiciousKind::*;
    if is_whitespace(c) || is_ignorable(c) {
        return None;
    }
    // General category Cc, which `char::is_control` tests without a table.
    if c.is_control() {
        return Some((Control, "CONTROL CHARACTER"));
    }
    if ('\u{E0000}'..='\u{E007F}').contains(&c) {
        return Some((Tag, "TAG CHARACTER"));
    }
    let format = is_format(c);
    if format {
        // Every Bidi_Control character is a format character.
        if let Some(&(_, name)) = BIDI_CONTROLS.iter().find(|&&(b, _)| b == c) {
            return Some((Bidi, name));
        }
    } else if !is_default_ignorable(c) {
        return BLANKS
            .iter()
            .find(|&&(b, _)| b == c)
            .map(|&(_, name)| (Invisible, name));
    }
    Some((
        Invisible,
        invisible_name(c).unwrap_or(if format {
            "FORMAT CHARACTER"
        } else {
            "DEFAULT IGNORABLE CHARACTER"
        }),
    ))
}

/// Whether `c` may not appear in an issuer name (§4.3) or a title (§3.1): a name must display as
/// exactly what it is, so it holds no character that is suspicious (§2.6) or ignorable (§2.2), and
/// no whitespace but U+0020 SPACE: no line or paragraph separator, no tab, no no-break, wide or
/// narrow space, and not U+1680 (White_Space, and so trimmed by many tools, though drawn as a dash).
pub fn is_hidden_in_name(c: char) -> bool {
    c != ' ' && (c.is_whitespace() || is_ignorable(c) || suspicious_kind(c).is_some())
}

/// The join between two tokens: nothing if either side is unspaced, except that a token starting
/// with a combining mark (a non-starter) always keeps its space, so a mark is never moved onto
/// another base character by whitespace folding (which would make canonicalization not idempotent).
pub(crate) fn join_between(before: Option<char>, after: Option<char>) -> &'static str {
    match after {
        Some(a) if !is_starter(a) => " ",
        Some(a) if is_unspaced(a) => "",
        _ if before.is_some_and(is_unspaced) => "",
        _ => " ",
    }
}

/// Whether `c` has canonical combining class 0. Layout positions count starters because NFC
/// (almost) never changes their number, so composed and decomposed copies agree on positions.
/// NFC-safe characters are starters (a unit test checks the table), which spares the table lookup
/// for most characters, CJK included.
pub(crate) fn is_starter(c: char) -> bool {
    c.is_ascii() || is_nfc_safe(c) || canonical_combining_class(c) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

    #[test]
    fn nfc_safe_table_matches_normalization_tables() {
        for cp in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if is_nfc_safe(c) {
                assert_eq!(
                    canonical_combining_class(c),
                    0,
                    "U+{cp:04X} has a combining class"
                );
                assert_eq!(
                    is_nfc_quick(std::iter::once(c)),
                    IsNormalized::Yes,
                    "U+{cp:04X}"
                );
                let composed: String = format!("{c}").nfc().collect();
                assert_eq!(composed, c.to_string(), "U+{cp:04X} is not its own NFC");
            }
        }
    }

    /// The code points of a Unicode property, from the UCD tables of `regex-syntax` (an
    /// implementation independent of `unicode-properties` and of the tables in this module).
    fn ucd(property: &str) -> Vec<bool> {
        use regex_syntax::hir::{Class, HirKind};
        let hir = regex_syntax::ParserBuilder::new()
            .build()
            .parse(&format!(r"\p{{{property}}}"))
            .expect("a property regex-syntax knows");
        let mut set = vec![false; 0x11_0000];
        match hir.kind() {
            HirKind::Class(Class::Unicode(class)) => {
                for range in class.ranges() {
                    for cp in u32::from(range.start())..=u32::from(range.end()) {
                        set[cp as usize] = true;
                    }
                }
            }
            // A property of one character (Zl, Zp) is parsed as that character.
            HirKind::Literal(literal) => {
                let text = std::str::from_utf8(&literal.0).expect("UTF-8");
                for c in text.chars() {
                    set[c as usize] = true;
                }
            }
            other => panic!("\\p{{{property}}} parsed as {other:?}"),
        }
        set
    }

    /// Prints [`DEFAULT_IGNORABLE`] and [`FORMAT`] as source, from the UCD data, to regenerate them
    /// for a new Unicode version.
    #[test]
    #[ignore = "a generator, not a check"]
    fn print_generated_tables() {
        for (name, property) in [
            ("DEFAULT_IGNORABLE", "Default_Ignorable_Code_Point"),
            ("FORMAT", "Cf"),
        ] {
            println!("const {name}: &[(char, char)] = &[");
            let set = ucd(property);
            let mut cp = 0;
            while cp < set.len() {
                if set[cp] {
                    let first = cp;
                    while cp + 1 < set.len() && set[cp + 1] {
                        cp += 1;
                    }
                    println!("    ('\\u{{{first:04X}}}', '\\u{{{cp:04X}}}'),");
                }
                cp += 1;
            }
            println!("];");
        }
    }

    fn chars() -> impl Iterator<Item = char> {
        (0..=0x10_FFFFu32).filter_map(char::from_u32)
    }

    #[test]
    fn default_ignorable_table_is_the_ucd_property() {
        let di = ucd("Default_Ignorable_Code_Point");
        for c in chars() {
            assert_eq!(
                is_default_ignorable(c),
                di[c as usize],
                "U+{:04X}",
                c as u32
            );
        }
    }

    /// Two sources of general categories, `regex-syntax` (UCD 16.0) and `unicode-properties`
    /// (UCD 18.0), agree with the Cf table, and with each other on Cc, Zl and Zp and `char`'s
    /// `is_control`.
    #[test]
    fn format_table_is_general_category_cf() {
        use unicode_properties::{GeneralCategory as Gc, UnicodeGeneralCategory};
        let (cf, cc, zl, zp) = (ucd("Cf"), ucd("Cc"), ucd("Zl"), ucd("Zp"));
        for c in chars() {
            let (i, category) = (c as usize, c.general_category());
            assert_eq!(is_format(c), cf[i], "U+{i:04X}");
            assert_eq!(is_format(c), category == Gc::Format, "U+{i:04X}");
            assert_eq!(c.is_control(), cc[i], "U+{i:04X}");
            assert_eq!(category == Gc::Control, cc[i], "U+{i:04X}");
            assert_eq!(category == Gc::LineSeparator, zl[i], "U+{i:04X}");
            assert_eq!(category == Gc::ParagraphSeparator, zp[i], "U+{i:04X}");
        }
    }

    #[test]
    fn bidi_controls_and_variation_selectors_are_the_ucd_properties() {
        let bidi = ucd("Bidi_Control");
        let vs = ucd("Variation_Selector");
        for c in chars() {
            let listed = BIDI_CONTROLS.iter().any(|&(b, _)| b == c);
            assert_eq!(listed, bidi[c as usize], "U+{:04X}", c as u32);
            assert_eq!(
                in_ranges(c, VARIATION_SELECTORS),
                vs[c as usize],
                "U+{:04X}",
                c as u32
            );
        }
    }

    /// Whitespace is White_Space but U+1680; line breaks are its Cc, Zl and Zp characters but tab.
    #[test]
    fn whitespace_is_white_space_except_the_ogham_space_mark() {
        let white_space = ucd("White_Space");
        let (cc, zl, zp) = (ucd("Cc"), ucd("Zl"), ucd("Zp"));
        for c in chars() {
            let i = c as usize;
            assert_eq!(
                is_whitespace(c),
                white_space[i] && c != '\u{1680}',
                "U+{i:04X}"
            );
            let breaking = is_whitespace(c) && (cc[i] || zl[i] || zp[i]) && c != '\t';
            assert_eq!(is_line_break(c), breaking, "U+{i:04X}");
        }
        assert!(!is_whitespace('\u{1680}'), "drawn as a dash, never a space");
    }

    /// Folded are the quotation marks of U+2018–U+201F drawn high (Pi, Pf); the low ones (Ps),
    /// which look like commas, and every other character are kept.
    #[test]
    fn only_high_curly_quotation_marks_are_folded() {
        use unicode_properties::{GeneralCategory as Gc, UnicodeGeneralCategory};
        let quotation_mark = ucd("Quotation_Mark");
        for c in chars() {
            let high = ('\u{2018}'..='\u{201F}').contains(&c)
                && quotation_mark[c as usize]
                && matches!(
                    c.general_category(),
                    Gc::InitialPunctuation | Gc::FinalPunctuation
                );
            assert_eq!(fold_quote(c).is_some(), high, "U+{:04X}", c as u32);
        }
        assert_eq!(
            fold_quote('\u{201A}'),
            None,
            "low single quote looks like a comma"
        );
        assert_eq!(
            fold_quote('\u{201E}'),
            None,
            "low double quote looks like two commas"
        );
        assert_eq!(fold_quote('\u{201B}'), Some('\''));
        assert_eq!(fold_quote('\u{201F}'), Some('"'));
    }

    /// The ignorables deleted in step 1 are default-ignorable format characters.
    #[test]
    fn ignorables_are_default_ignorable_format_characters() {
        let (di, cf) = (ucd("Default_Ignorable_Code_Point"), ucd("Cf"));
        for c in chars().filter(|&c| is_ignorable(c)) {
            assert!(di[c as usize] && cf[c as usize], "U+{:04X}", c as u32);
        }
    }

    /// §2.6: suspicious are exactly the characters, other than whitespace and ignorables, that are
    /// Default_Ignorable_Code_Point, Cc, Cf, Zl, Zp or blank; NFC-safe characters are none of them
    /// (so the fast path never meets one), and the shortcut for them changes nothing.
    #[test]
    fn suspicious_characters_are_the_ucd_classes_and_never_nfc_safe() {
        let di = ucd("Default_Ignorable_Code_Point");
        let classes = [ucd("Cc"), ucd("Cf"), ucd("Zl"), ucd("Zp")];
        for c in chars() {
            let i = c as usize;
            let blank = BLANKS.iter().any(|&(b, _)| b == c);
            let expected = !is_whitespace(c)
                && !is_ignorable(c)
                && (di[i] || classes.iter().any(|class| class[i]) || blank);
            assert_eq!(classify(c).is_some(), expected, "U+{i:04X}");
            assert_eq!(suspicious_kind(c), classify(c), "U+{i:04X}");
            if is_nfc_safe(c) {
                assert_eq!(classify(c), None, "U+{i:04X} is NFC-safe");
            }
        }
    }

    /// Blank characters have no property that would catch them otherwise, and the specific names
    /// are given only to characters the classes contain.
    #[test]
    fn blank_characters_and_names_are_listed_for_a_reason() {
        let (di, cf) = (ucd("Default_Ignorable_Code_Point"), ucd("Cf"));
        for &(c, _) in BLANKS {
            assert!(!di[c as usize] && !cf[c as usize] && !c.is_whitespace());
        }
        for c in chars().filter(|&c| invisible_name(c).is_some()) {
            assert!(di[c as usize] || cf[c as usize], "U+{:04X}", c as u32);
        }
    }

    /// The characters that slipped through before (issue 6, item 3), each with its report.
    #[test]
    fn look_alike_blanks_and_invisibles_are_reported() {
        use SuspiciousKind::*;
        let cases = [
            ('\u{180B}', Invisible, "VARIATION SELECTOR"),
            ('\u{180C}', Invisible, "VARIATION SELECTOR"),
            ('\u{180F}', Invisible, "VARIATION SELECTOR"),
            ('\u{2800}', Invisible, "BRAILLE PATTERN BLANK"),
            ('\u{1D173}', Invisible, "FORMAT CHARACTER"),
            ('\u{17B4}', Invisible, "DEFAULT IGNORABLE CHARACTER"),
            ('\u{2065}', Invisible, "DEFAULT IGNORABLE CHARACTER"),
            ('\u{0600}', Invisible, "FORMAT CHARACTER"),
            ('\u{2062}', Invisible, "INVISIBLE OPERATOR"),
            ('\u{115F}', Invisible, "HANGUL FILLER"),
            ('\u{E0001}', Tag, "TAG CHARACTER"),
            ('\u{202E}', Bidi, "RIGHT-TO-LEFT OVERRIDE"),
            ('\u{0001}', Control, "CONTROL CHARACTER"),
        ];
        for (c, kind, name) in cases {
            assert_eq!(suspicious_kind(c), Some((kind, name)), "U+{:04X}", c as u32);
        }
        for ordinary in [
            'a', '\u{1680}', '\u{201A}', '\u{201E}', '长', '\n', '\u{2028}',
        ] {
            assert_eq!(suspicious_kind(ordinary), None, "{ordinary:?}");
        }
    }

    /// §3.1 and §4.3: names hold no hidden character and no whitespace but U+0020.
    #[test]
    fn names_refuse_hidden_characters_and_unusual_whitespace() {
        for hidden in [
            '\u{180B}',
            '\u{2800}',
            '\u{1D173}',
            '\u{2028}',
            '\u{2029}',
            '\u{00A0}',
            '\u{3000}',
            '\u{1680}',
            '\t',
            '\u{200B}',
            '\u{FEFF}',
            '\u{E0041}',
            '\u{3164}',
        ] {
            assert!(is_hidden_in_name(hidden), "U+{:04X}", hidden as u32);
        }
        for shown in [' ', 'a', '长', '\u{201A}', '-', '\u{00E9}'] {
            assert!(!is_hidden_in_name(shown), "{shown:?}");
        }
    }

    #[test]
    fn plain_table_only_skips_safe_unspaced_lead_bytes() {
        for cp in 0x4000..=0x9FFFu32 {
            let c = char::from_u32(cp).unwrap();
            assert!(
                is_nfc_safe(c) || (0x4DC0..=0x4DFF).contains(&cp),
                "U+{cp:04X}"
            );
        }
    }
}

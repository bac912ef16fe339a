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
    /// Another invisible format character.
    Invisible,
    /// A control character.
    Control,
}

/// Deleted in step 1: soft hyphen, zero-width space, word joiner, zero-width no-break space (BOM).
pub fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Step 1's quote folding: curly single quotes and apostrophes to `'`, curly double quotes to `"`.
pub(crate) fn fold_quote(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' => Some('"'),
        _ => None,
    }
}

/// Horizontal whitespace: tab, space, no-break spaces, the U+2000 spaces, ideographic space.
pub(crate) fn is_horizontal_space(c: char) -> bool {
    matches!(
        c,
        '\t' | ' ' | '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Line-break characters: LF, VT, FF, CR (CRLF counts once), NEL, LS, and PS (which counts twice).
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

/// Horizontal space or line break: exactly the Unicode White_Space property.
pub(crate) fn is_whitespace(c: char) -> bool {
    is_horizontal_space(c) || is_line_break(c)
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

/// Classify a character the reader cannot see but which changes what they see or what is stored:
/// its kind and Unicode name, or `None` for ordinary characters.
pub fn suspicious_kind(c: char) -> Option<(SuspiciousKind, &'static str)> {
    use SuspiciousKind::*;
    let found = match c {
        '\u{061C}' => (Bidi, "ARABIC LETTER MARK"),
        '\u{200E}' => (Bidi, "LEFT-TO-RIGHT MARK"),
        '\u{200F}' => (Bidi, "RIGHT-TO-LEFT MARK"),
        '\u{202A}' => (Bidi, "LEFT-TO-RIGHT EMBEDDING"),
        '\u{202B}' => (Bidi, "RIGHT-TO-LEFT EMBEDDING"),
        '\u{202C}' => (Bidi, "POP DIRECTIONAL FORMATTING"),
        '\u{202D}' => (Bidi, "LEFT-TO-RIGHT OVERRIDE"),
        '\u{202E}' => (Bidi, "RIGHT-TO-LEFT OVERRIDE"),
        '\u{2066}' => (Bidi, "LEFT-TO-RIGHT ISOLATE"),
        '\u{2067}' => (Bidi, "RIGHT-TO-LEFT ISOLATE"),
        '\u{2068}' => (Bidi, "FIRST STRONG ISOLATE"),
        '\u{2069}' => (Bidi, "POP DIRECTIONAL ISOLATE"),
        '\u{E0000}'..='\u{E007F}' => (Tag, "TAG CHARACTER"),
        '\u{200C}' => (Invisible, "ZERO WIDTH NON-JOINER"),
        '\u{200D}' => (Invisible, "ZERO WIDTH JOINER"),
        '\u{034F}' => (Invisible, "COMBINING GRAPHEME JOINER"),
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => (Invisible, "HANGUL FILLER"),
        '\u{180E}' => (Invisible, "MONGOLIAN VOWEL SEPARATOR"),
        '\u{2061}'..='\u{2064}' => (Invisible, "INVISIBLE OPERATOR"),
        '\u{206A}'..='\u{206F}' => (Invisible, "DEPRECATED FORMAT CHARACTER"),
        '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => (Invisible, "VARIATION SELECTOR"),
        '\u{FFF9}'..='\u{FFFB}' => (Invisible, "INTERLINEAR ANNOTATION CHARACTER"),
        '\u{0000}'..='\u{001F}' | '\u{007F}'..='\u{009F}' => (Control, "CONTROL CHARACTER"),
        _ => return None,
    };
    Some(found)
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

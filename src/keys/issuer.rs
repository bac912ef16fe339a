//! Issuer names (docs/SPEC.md §4.3).

use super::MAX_ISSUER_LEN;

/// Which issuer name rule a name breaks (docs/SPEC.md §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IssuerError {
    /// The name is empty.
    #[error("the issuer name is empty; give the group's name as readers know it")]
    Empty,
    /// The name is too long.
    #[error("the issuer name is longer than {MAX_ISSUER_LEN} characters; use a shorter form")]
    TooLong,
    /// The name holds a control, format, bidirectional, default-ignorable or blank character (the
    /// first one given), so it might not display as what it is.
    #[error(
        "the issuer name contains U+{:04X}, an invisible, blank, control or bidirectional character, so it would not display as what it is; retype the name without it",
        u32::from(*.0)
    )]
    HiddenCharacters(char),
    /// The name holds whitespace other than U+0020 SPACE (the first one given): a line or
    /// paragraph separator, a tab, a no-break, wide or narrow space, U+1680.
    #[error(
        "the issuer name contains U+{:04X}, whitespace other than the ordinary space; use ordinary spaces (U+0020) between words",
        u32::from(*.0)
    )]
    OtherWhitespace(char),
    /// The name starts or ends with whitespace.
    #[error("the issuer name has leading or trailing whitespace; remove it")]
    SurroundingWhitespace,
}

/// Check an issuer name (docs/SPEC.md §4.3): 1 to 200 characters; no control, format,
/// bidirectional, default-ignorable or blank characters; no whitespace but U+0020 SPACE, and none
/// at either end.
pub fn check_issuer(name: &str) -> Result<(), IssuerError> {
    if name.is_empty() {
        return Err(IssuerError::Empty);
    }
    if name.chars().count() > MAX_ISSUER_LEN {
        return Err(IssuerError::TooLong);
    }
    if let Some(c) = name.chars().find(|&c| crate::canon::is_hidden_in_name(c)) {
        return Err(if c.is_whitespace() {
            IssuerError::OtherWhitespace(c)
        } else {
            IssuerError::HiddenCharacters(c)
        });
    }
    if name.trim() != name {
        return Err(IssuerError::SurroundingWhitespace);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyError, SecretKey};

    #[test]
    fn issuer_names_are_checked() {
        assert_eq!(check_issuer(""), Err(IssuerError::Empty));
        assert_eq!(check_issuer(&"长".repeat(201)), Err(IssuerError::TooLong));
        assert!(check_issuer(&"长".repeat(200)).is_ok());
        assert_eq!(
            check_issuer(" padded"),
            Err(IssuerError::SurroundingWhitespace)
        );
        assert_eq!(
            check_issuer("padded "),
            Err(IssuerError::SurroundingWhitespace)
        );
        assert_eq!(
            check_issuer("bad\u{200B}name"),
            Err(IssuerError::HiddenCharacters('\u{200B}'))
        );
        assert_eq!(
            check_issuer("Harbour \u{202E}krowteN"),
            Err(IssuerError::HiddenCharacters('\u{202E}'))
        );
        assert!(check_issuer("海港维权律师网络").is_ok());
        assert!(check_issuer("Harbour Rights Lawyers Network").is_ok());
        assert!(matches!(
            SecretKey::generate("Line\nbreak"),
            Err(KeyError::Issuer(IssuerError::OtherWhitespace('\n')))
        ));
    }

    /// Issue 6, item 3: these slipped into issuer names, where a name that looks like the group's
    /// is a different issuer (names are compared exactly). Each is refused, naming the character.
    #[test]
    fn invisible_and_blank_characters_in_names_are_refused() {
        for c in [
            '\u{180B}',  // Mongolian free variation selector one
            '\u{180C}',  // Mongolian free variation selector two
            '\u{180D}',  // Mongolian free variation selector three
            '\u{180F}',  // Mongolian free variation selector four
            '\u{2800}',  // braille pattern blank
            '\u{1D159}', // musical symbol null notehead
            '\u{1D173}', // musical symbol begin beam (format)
            '\u{115F}',  // Hangul choseong filler
            '\u{3164}',  // Hangul filler
            '\u{FFA0}',  // halfwidth Hangul filler
            '\u{2062}',  // invisible times
            '\u{E0001}', // language tag
            '\u{FE0F}',  // variation selector 16
            '\u{17B4}',  // Khmer vowel inherent AQ (default ignorable)
            '\u{0600}',  // Arabic number sign (format)
            '\u{0007}',  // bell
        ] {
            let name = format!("Harbour{c}Network");
            assert_eq!(
                check_issuer(&name),
                Err(IssuerError::HiddenCharacters(c)),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    /// Only U+0020 separates words: a line separator would break the name over two lines, and a
    /// no-break, ideographic or Ogham space makes a second issuer that looks like the first.
    #[test]
    fn whitespace_other_than_space_in_names_is_refused() {
        for c in [
            '\u{2028}', '\u{2029}', '\u{0085}', '\t', '\u{00A0}', '\u{2002}', '\u{202F}',
            '\u{205F}', '\u{3000}', '\u{1680}',
        ] {
            let name = format!("Harbour{c}Network");
            assert_eq!(
                check_issuer(&name),
                Err(IssuerError::OtherWhitespace(c)),
                "U+{:04X}",
                u32::from(c)
            );
        }
        assert_eq!(
            check_issuer("Harbour Network\u{2028}"),
            Err(IssuerError::OtherWhitespace('\u{2028}')),
            "the character is named before the ends are checked"
        );
    }
}

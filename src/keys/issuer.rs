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
    /// The name holds a control, bidirectional or invisible character, so it might not display as
    /// what it is.
    #[error(
        "the issuer name contains control, bidirectional or invisible characters; retype it without them"
    )]
    HiddenCharacters,
    /// The name starts or ends with whitespace.
    #[error("the issuer name has leading or trailing whitespace; remove it")]
    SurroundingWhitespace,
}

/// Check an issuer name (docs/SPEC.md §4.3): 1 to 200 characters, no control, bidirectional or
/// invisible characters, no leading or trailing whitespace.
pub fn check_issuer(name: &str) -> Result<(), IssuerError> {
    if name.is_empty() {
        return Err(IssuerError::Empty);
    }
    if name.chars().count() > MAX_ISSUER_LEN {
        return Err(IssuerError::TooLong);
    }
    if name.chars().any(|c| {
        c.is_control()
            || crate::canon::is_ignorable(c)
            || crate::canon::suspicious_kind(c).is_some()
    }) {
        return Err(IssuerError::HiddenCharacters);
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
            check_issuer("bad\u{200B}name"),
            Err(IssuerError::HiddenCharacters)
        );
        assert_eq!(
            check_issuer("Harbour \u{202E}krowteN"),
            Err(IssuerError::HiddenCharacters)
        );
        assert!(check_issuer("海港维权律师网络").is_ok());
        assert!(matches!(
            SecretKey::generate("Line\nbreak"),
            Err(KeyError::Issuer(IssuerError::HiddenCharacters))
        ));
    }
}

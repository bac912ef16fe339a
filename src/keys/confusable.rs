//! Issuer names that look alike: the same name in two Unicode normalization forms, or two names with
//! the same UTS #39 confusable skeleton (`Harbour` with a Cyrillic `а`). Issuer names are compared by
//! exact equality (docs/SPEC.md §4.3), so such a pair is two issuers; one of them may be an
//! impostor's, and attest says so instead of letting the look-alike pass unseen.

use unicode_normalization::UnicodeNormalization;
use unicode_security::confusable_detection::skeleton;

/// Every pair of distinct names among `names` that are equal after NFC normalization, or that share
/// a UTS #39 skeleton, each pair once (in the order the names come, sorted by the caller).
pub fn confusable_pairs<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    let names: Vec<&str> = names.into_iter().collect();
    let keys: Vec<(String, String)> = names
        .iter()
        .map(|n| (n.nfc().collect(), skeleton(n).collect()))
        .collect();
    let mut pairs = Vec::new();
    for i in 0..names.len() {
        for j in i + 1..names.len() {
            if names[i] != names[j] && (keys[i].0 == keys[j].0 || keys[i].1 == keys[j].1) {
                pairs.push((names[i].to_string(), names[j].to_string()));
            }
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_twins_and_look_alike_letters_are_pairs_other_names_are_not() {
        let nfc = "Caf\u{e9} Lawyers";
        let nfd = "Cafe\u{301} Lawyers";
        let cyrillic = "H\u{430}rbour Rights";
        let pairs = confusable_pairs([nfc, nfd, "Harbour Rights", cyrillic, "Lantern Group"]);
        assert!(pairs.contains(&(nfc.into(), nfd.into())), "{pairs:?}");
        assert!(
            pairs.contains(&("Harbour Rights".into(), cyrillic.into())),
            "{pairs:?}"
        );
        assert_eq!(pairs.len(), 2, "{pairs:?}");
    }
}

//! What attest says on standard error: one message per error, warnings and notes.
//!
//! An error prints as one line, `attest: error: <what happened>. <What to do>`: the cause first,
//! naming the file or flag, and the advice after it. It is built from the error's chain (anyhow
//! contexts, library errors and their sources), outermost first:
//!
//! - A context (any link with a cause below it) reads `<what failed>; <what to do>`, or just
//!   `<what failed>`. The part before the last `; ` joins the message, followed by a colon and its
//!   cause; the part after it is advice, printed after the whole cause. So
//!   `.with_context(|| format!("cannot read {key}; pass --key PREFIX.key"))` over a missing file
//!   prints `cannot read k.key: No such file or directory (os error 2). Pass --key PREFIX.key`.
//! - The innermost error (a library error, `bail!`, an I/O error) is printed as it is: it already
//!   says what happened and what to do.
//! - A link whose text the message already holds is not repeated (a library error that prints its
//!   cause and also exposes it as its `source`).
//!
//! Writing to standard error never fails a command and never panics (unlike `eprintln!`).

use std::io::Write;

/// Print `err` on standard error as one message: see the [module docs](self).
pub fn error(err: &anyhow::Error) {
    // File names and texts in a message may come from an attacker: escape what a terminal would
    // act on.
    let _ = writeln!(
        std::io::stderr(),
        "attest: error: {}",
        super::output::safe(&message(err))
    );
}

/// Print a usage error as clap renders it (`error: ...`, then the usage), with attest's prefix.
pub fn usage_error(rendered: &str) {
    let _ = write!(std::io::stderr(), "attest: {rendered}");
}

/// Print a warning on standard error.
pub fn warning(text: &str) {
    let _ = writeln!(std::io::stderr(), "attest: warning: {text}");
}

/// Print a note (something attest decided for the user) on standard error.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "attest: note: {text}");
}

/// The separator between what failed and what to do, in a context.
const HINT: &str = "; ";

/// The text of an error message, without the `attest: error: ` prefix.
pub fn message(err: &anyhow::Error) -> String {
    let links: Vec<String> = err.chain().map(|cause| cause.to_string()).collect();
    let mut what = String::new();
    let mut hints = Vec::new();
    for (i, link) in links.iter().enumerate() {
        let innermost = i + 1 == links.len();
        let (cause, hint) = match link.rsplit_once(HINT) {
            Some((cause, hint)) if !innermost => (cause, Some(hint)),
            _ => (link.as_str(), None),
        };
        let cause = cause.trim();
        if !cause.is_empty() && !what.contains(cause) {
            if !what.is_empty() {
                what.push_str(": ");
            }
            what.push_str(cause);
        }
        if let Some(hint) = hint.map(str::trim).filter(|h| !h.is_empty()) {
            hints.push(hint);
        }
    }
    // Advice closest to the cause first.
    for hint in hints.into_iter().rev() {
        if !what.ends_with('.') {
            what.push('.');
        }
        what.push(' ');
        what.push_str(&capitalize(hint));
    }
    what
}

/// `hint` as the start of a sentence: a first word of plain lower-case letters (`pass`, `check`)
/// gets a capital; a first word that is a path, flag or command (`k.key`, `--out`) is left as it is.
fn capitalize(hint: &str) -> String {
    let first_word = hint.split(' ').next().unwrap_or_default();
    if !first_word.chars().all(|c| c.is_ascii_lowercase()) {
        return hint.to_string();
    }
    let mut chars = hint.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::anyhow;

    fn not_found() -> std::io::Error {
        std::io::Error::from(std::io::ErrorKind::NotFound)
    }

    #[test]
    fn context_advice_comes_after_the_cause() {
        let err = anyhow::Error::new(not_found())
            .context("cannot read the secret key k.key; pass --key PREFIX.key");
        let io = not_found().to_string();
        assert_eq!(
            message(&err),
            format!("cannot read the secret key k.key: {io}. Pass --key PREFIX.key")
        );
    }

    #[test]
    fn innermost_error_is_printed_whole_even_with_a_semicolon() {
        let err =
            anyhow!("k.key already exists; attest never overwrites keys. Choose another --out");
        assert_eq!(message(&err), err.to_string());
    }

    #[test]
    fn contexts_without_advice_lead_to_the_cause() {
        let err = anyhow!("inner failure")
            .context("middle step")
            .context("outer step");
        assert_eq!(message(&err), "outer step: middle step: inner failure");
    }

    #[test]
    fn advice_from_several_contexts_is_printed_innermost_first() {
        let err = anyhow!("no passphrase")
            .context("cannot decrypt k.key; set ATTEST_PASSPHRASE")
            .context("cannot sign; or pass --unencrypted keys");
        assert_eq!(
            message(&err),
            "cannot sign: cannot decrypt k.key: no passphrase. Set ATTEST_PASSPHRASE. Or pass --unencrypted keys"
        );
    }

    #[test]
    fn advice_starting_with_a_path_or_flag_keeps_its_case() {
        let err = anyhow!("disk full").context("cannot report; k.key was written");
        assert_eq!(message(&err), "cannot report: disk full. k.key was written");
        let err = anyhow!("bad prefix").context("cannot use it; --out takes a prefix");
        assert_eq!(
            message(&err),
            "cannot use it: bad prefix. --out takes a prefix"
        );
    }

    /// A library error that prints its cause and also exposes it as its source.
    #[derive(Debug, thiserror::Error)]
    #[error("cannot read {path}: {cause}; check that it exists")]
    struct ReadError {
        path: String,
        #[source]
        cause: std::io::Error,
    }

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let err = anyhow::Error::new(ReadError {
            path: "copy.txt".into(),
            cause: not_found(),
        });
        let io = not_found().to_string();
        assert_eq!(
            message(&err),
            format!("cannot read copy.txt: {io}. Check that it exists")
        );
        assert_eq!(message(&err).matches(&io).count(), 1);
    }
}

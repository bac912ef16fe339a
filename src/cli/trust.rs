//! `attest trust add FILE.pub [--keys DIR]` and `attest trust list [--keys DIR]`: the verifier's
//! own trust store. A key in it is trusted for the issuer its file names, and no other. Its default
//! location is the user's (`$ATTEST_KEYS`, else the XDG config directory), never the current
//! directory: a bundle that ships its own `keys/` must not vouch for itself.

use std::path::PathBuf;

use attest::keys::{self, Fingerprint, IssuerKey, TrustStore};

use super::{diagnostics, output, EXIT_OK};

/// The `--keys` option shared by verify, audit and trust.
pub const KEYS_HELP: &str = "The trust store: a directory of issuers' .pub files [default: $ATTEST_KEYS, else \
                             $XDG_CONFIG_HOME/attest/keys, else ~/.config/attest/keys; never ./keys]";

/// The trust store directory: `--keys DIR`, else the user's own (docs/SPEC.md §4.5).
pub fn store_dir(keys: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match keys {
        Some(dir) => Ok(dir),
        None => Ok(keys::user_trust_store_dir(|name| std::env::var_os(name))?),
    }
}

/// Load the trust store at `dir` and warn about every entry it skipped (docs/SPEC.md §4.5): a
/// malformed `.pub` file is named, and does not block verification with the other keys.
pub fn load_store(dir: &std::path::Path) -> anyhow::Result<TrustStore> {
    let store = TrustStore::load(dir)?;
    warn_skipped(&store);
    Ok(store)
}

/// One warning per entry the trust store skipped, naming it.
pub fn warn_skipped(store: &TrustStore) {
    for error in store.skipped() {
        diagnostics::warning(&format!(
            "trust store entry skipped: {error}. The other keys are still used; fix or remove the entry"
        ));
    }
}

/// Subcommands of `attest trust`.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Trust a public key for the issuer it names: copy it into the trust store as <key id>.pub.
    /// Prints its fingerprint: compare it with the issuer's, read aloud, before relying on it.
    Add {
        /// The public key file (PREFIX.pub, or the one-line form in a file).
        file: PathBuf,
        /// Record where and when the key was obtained, e.g. "from the website, 2026-11-30" (one
        /// line). Without it, the file's own comment, if any, is kept.
        #[arg(long, value_name = "TEXT")]
        comment: Option<String>,
        #[arg(long, value_name = "DIR", help = KEYS_HELP)]
        keys: Option<PathBuf>,
    },
    /// List the trusted keys: key id, issuer, file, fingerprint and comment.
    List {
        #[arg(long, value_name = "DIR", help = KEYS_HELP)]
        keys: Option<PathBuf>,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<u8> {
    match cmd {
        Command::Add {
            file,
            keys,
            comment,
        } => {
            let dir = store_dir(keys)?;
            let (key, file_comment) = IssuerKey::read_with_comment(&file)?;
            let comment = match comment {
                Some(text) => {
                    keys::check_key_comment(&text, "--comment")?;
                    Some(text)
                }
                None => file_comment.filter(|text| {
                    let usable =
                        keys::check_key_comment(text, &file.display().to_string()).is_ok();
                    if !usable {
                        diagnostics::note(&format!(
                            "the comment of {} is not one plain line of at most 500 characters, so it is not copied; pass --comment TEXT to record one",
                            file.display()
                        ));
                    }
                    usable
                }),
            };
            let existing = TrustStore::load(&dir).ok();
            if let Some(store) = &existing {
                warn_skipped(store);
            }
            let others: Vec<String> = existing
                .iter()
                .flat_map(|store| store.keys())
                .filter(|k| k.key.issuer == key.issuer && k.key.key_id != key.key_id)
                .map(|k| k.key.key_id.to_string())
                .collect();
            let trusted_names: std::collections::BTreeSet<String> = existing
                .iter()
                .flat_map(|store| store.keys())
                .map(|k| k.key.issuer.clone())
                .collect();
            let look_alikes: Vec<String> = keys::confusable_pairs(
                trusted_names
                    .iter()
                    .map(String::as_str)
                    .chain([key.issuer.as_str()]),
            )
            .into_iter()
            .filter_map(|(a, b)| {
                if a == key.issuer {
                    Some(b)
                } else if b == key.issuer {
                    Some(a)
                } else {
                    None
                }
            })
            .collect();
            let fingerprint = Fingerprint::of(&key.key);
            match TrustStore::install_with_comment(&dir, &key, &file, comment.as_deref())? {
                Some(path) => output::print_text(&format!(
                    "trusted key {} for {:?}: {}\nfingerprint: {fingerprint} (compare it with the issuer's, read aloud)\n",
                    key.key_id,
                    output::safe(&key.issuer),
                    path.display()
                ))?,
                None => output::print_text(&format!(
                    "key {} is already trusted for {:?} in {}\nfingerprint: {fingerprint}\n",
                    key.key_id,
                    output::safe(&key.issuer),
                    dir.display()
                ))?,
            }
            if !others.is_empty() {
                diagnostics::warning(&format!(
                    "{:?} already had trusted key {}; a second key claiming the name is more likely an impostor than a new key. Keep {} only if the issuer confirmed it to you, outside attest, as theirs; otherwise remove it from the trust store",
                    output::safe(&key.issuer),
                    others.join(", "),
                    key.key_id
                ));
            }
            for other in look_alikes {
                diagnostics::warning(&format!(
                    "{:?} looks like the trusted issuer {:?} but is a different name; one of them may be an impostor. Check key {} with its issuer, outside attest",
                    output::safe(&key.issuer),
                    output::safe(&other),
                    key.key_id
                ));
            }
            Ok(EXIT_OK)
        }
        Command::List { keys } => {
            let dir = store_dir(keys)?;
            let store = load_store(&dir)?;
            let mut text = format!("trust store {}:\n", dir.display());
            for k in store.keys() {
                text.push_str(&format!(
                    "  {}  {}  {}\n      fingerprint: {}\n",
                    k.key.key_id,
                    output::safe(&k.key.issuer),
                    k.path.display(),
                    Fingerprint::of(&k.key.key)
                ));
                if let Some(comment) = &k.comment {
                    text.push_str(&format!("      comment: {}\n", output::safe(comment)));
                }
            }
            output::print_text(&text)?;
            Ok(EXIT_OK)
        }
    }
}

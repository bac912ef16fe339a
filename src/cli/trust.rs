//! `attest trust add FILE.pub [--keys DIR]` and `attest trust list [--keys DIR]`: the verifier's
//! own trust store. A key in it is trusted for the issuer its file names, and no other. Its default
//! location is the user's (`$ATTEST_KEYS`, else the XDG config directory), never the current
//! directory: a bundle that ships its own `keys/` must not vouch for itself.

use std::path::PathBuf;

use attest::keys::{self, IssuerKey, TrustStore};

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

/// Subcommands of `attest trust`.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Trust a public key for the issuer it names: copy it into the trust store as <key id>.pub.
    Add {
        /// The public key file (PREFIX.pub, or the one-line form in a file).
        file: PathBuf,
        #[arg(long, value_name = "DIR", help = KEYS_HELP)]
        keys: Option<PathBuf>,
    },
    /// List the trusted keys: key id, issuer, file.
    List {
        #[arg(long, value_name = "DIR", help = KEYS_HELP)]
        keys: Option<PathBuf>,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<u8> {
    match cmd {
        Command::Add { file, keys } => {
            let dir = store_dir(keys)?;
            let key = IssuerKey::read(&file)?;
            let existing = TrustStore::load(&dir).ok();
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
            match TrustStore::install(&dir, &key, &file)? {
                Some(path) => output::print_text(&format!(
                    "trusted key {} for {:?}: {}\n",
                    key.key_id,
                    output::safe(&key.issuer),
                    path.display()
                ))?,
                None => output::print_text(&format!(
                    "key {} is already trusted for {:?} in {}\n",
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
            let store = TrustStore::load(&dir)?;
            let mut text = format!("trust store {}:\n", dir.display());
            for k in store.keys() {
                text.push_str(&format!(
                    "  {}  {}  {}\n",
                    k.key.key_id,
                    output::safe(&k.key.issuer),
                    k.path.display()
                ));
            }
            output::print_text(&text)?;
            Ok(EXIT_OK)
        }
    }
}

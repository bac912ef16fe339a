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
            let others: Vec<String> = TrustStore::load(&dir)
                .map(|store| {
                    store
                        .keys()
                        .filter(|k| k.key.issuer == key.issuer && k.key.key_id != key.key_id)
                        .map(|k| k.key.key_id.to_string())
                        .collect()
                })
                .unwrap_or_default();
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
                diagnostics::note(&format!(
                    "{:?} now has {} trusted keys ({} and {}); check with the issuer, outside attest, that each is theirs",
                    output::safe(&key.issuer),
                    others.len() + 1,
                    others.join(", "),
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

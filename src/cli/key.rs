//! `attest key show FILE.pub`: the one-line form of a public key, fit to publish on a web site.
//! `attest key passwd FILE.key`: change how a secret key is protected, in place and atomically.
//! `attest key pub FILE.key [--out FILE.pub]`: the public key of a secret key file.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use zeroize::Zeroizing;

use attest::keys::{check_secret_file_private, Fingerprint, IssuerKey, SecretKey};

use super::{diagnostics, output, passphrase, EXIT_OK};

/// The environment variable holding the new passphrase for `key passwd` in scripts (the old one
/// comes from `ATTEST_PASSPHRASE`).
pub const NEW_PASSPHRASE_ENV: &str = "ATTEST_NEW_PASSPHRASE";

/// Subcommands of `attest key`.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Print a public key file in its one-line form, its key id, and its fingerprint: 8 groups of 5
    /// digits to read aloud and compare over the phone.
    Show {
        /// The public key file (PREFIX.pub).
        file: PathBuf,
        /// Print JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Change the passphrase of a secret key file, in place and atomically. The old passphrase
    /// comes from --passphrase-file, --passphrase-fd, ATTEST_PASSPHRASE or a prompt; the new one
    /// from --new-passphrase-file, --new-passphrase-fd, ATTEST_NEW_PASSPHRASE or a prompt (asked
    /// twice). An unencrypted key becomes encrypted.
    Passwd {
        /// The secret key file (PREFIX.key).
        file: PathBuf,
        /// Store the key unencrypted instead. For tests and demos only.
        #[arg(long)]
        unencrypted: bool,
        /// Accept a new passphrase shorter than 8 characters.
        #[arg(long)]
        weak_passphrase: bool,
        #[command(flatten)]
        passphrase: passphrase::Source,
        #[command(flatten)]
        new_passphrase: passphrase::NewSource,
    },
    /// Print the public key of a secret key file in its one-line form, or write it as a public key
    /// file. An encrypted key is checked against its secret when a passphrase is at hand
    /// (ATTEST_PASSPHRASE or a prompt); without one, the public key is read from the file's clear
    /// part, and a note says it was not checked.
    Pub {
        /// The secret key file (PREFIX.key).
        file: PathBuf,
        /// Write the public key file here (never over an existing file) instead of printing it.
        #[arg(long, value_name = "PREFIX.pub")]
        out: Option<PathBuf>,
        #[command(flatten)]
        passphrase: passphrase::Source,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<u8> {
    match cmd {
        Command::Show { file, json } => {
            let key = IssuerKey::read(&file)?;
            let fingerprint = Fingerprint::of(&key.key);
            if json {
                output::print_json(&serde_json::json!({
                    "issuer": key.issuer,
                    "key_id": key.key_id.to_string(),
                    "fingerprint": fingerprint.to_string(),
                    "line": key.to_line(),
                }))?;
            } else {
                output::print_text(&format!(
                    "{}\nkey id:      {}\nfingerprint: {}\n",
                    key.to_line(),
                    key.key_id,
                    fingerprint
                ))?;
            }
            Ok(EXIT_OK)
        }
        Command::Passwd {
            file,
            unencrypted,
            weak_passphrase,
            passphrase: source,
            new_passphrase,
        } => {
            passphrase::use_source(&source);
            passwd(&file, unencrypted, &new_passphrase, weak_passphrase)
        }
        Command::Pub {
            file,
            out,
            passphrase: source,
        } => {
            passphrase::use_source(&source);
            public(&file, out.as_deref())
        }
    }
}

fn read_secret_file(path: &Path) -> anyhow::Result<Zeroizing<String>> {
    Ok(Zeroizing::new(std::fs::read_to_string(path).with_context(
        || {
            format!(
                "cannot read the secret key {}; pass a PREFIX.key made by `attest keygen`",
                path.display()
            )
        },
    )?))
}

/// `key passwd`: read the key (old passphrase), then rewrite the file under the new protection.
fn passwd(
    path: &Path,
    unencrypted: bool,
    new_source: &passphrase::NewSource,
    weak: bool,
) -> anyhow::Result<u8> {
    let shown = path.display().to_string();
    check_secret_file_private(path)?;
    let content = read_secret_file(path)?;
    let was_encrypted = SecretKey::file_is_encrypted(&content, &shown)?;
    let key = if was_encrypted {
        let old = passphrase::for_existing_key(&shown)?;
        SecretKey::parse(&content, &shown, Some(&old))?
    } else {
        SecretKey::parse(&content, &shown, None)?
    };
    let new = if unencrypted {
        if !was_encrypted {
            bail!("{shown} is already unencrypted; nothing was changed");
        }
        diagnostics::warning(&format!(
            "{shown} will NOT be encrypted. Anyone who can read it can sign as {:?}. Use this for tests and demos only.",
            key.issuer()
        ));
        None
    } else {
        Some(passphrase::for_changed_key(
            &shown,
            new_source,
            NEW_PASSPHRASE_ENV,
            weak,
        )?)
    };
    key.rewrite_file(path, new.as_ref().map(|p| p.as_str()))?;
    let what = match (was_encrypted, unencrypted) {
        (true, false) => "passphrase changed",
        (false, _) => "now encrypted with the new passphrase",
        (true, true) => "now unencrypted",
    };
    output::print_text(&format!(
        "{shown}: {what} (key id {}). Copies and backups of the old file still open with the old passphrase.\n",
        key.key_id()
    ))?;
    Ok(EXIT_OK)
}

/// `key pub`: the public key of a secret key file, checked against the secret when it can be.
fn public(path: &Path, out: Option<&Path>) -> anyhow::Result<u8> {
    let shown = path.display().to_string();
    if let Some(out) = out {
        if out.extension().is_none_or(|e| e != "pub") {
            bail!(
                "--out {} does not end in .pub; trust stores read only .pub files. Pass a name such as {}",
                out.display(),
                out.with_extension("pub").display()
            );
        }
    }
    let content = read_secret_file(path)?;
    let key = if !SecretKey::file_is_encrypted(&content, &shown)? {
        SecretKey::parse(&content, &shown, None)?.public()
    } else {
        let pass = if passphrase::given_without_prompt() {
            Some(passphrase::for_existing_key(&shown)?)
        } else {
            passphrase::for_existing_key(&shown).ok()
        };
        match pass {
            Some(pass) => SecretKey::parse(&content, &shown, Some(&pass))?.public(),
            None => {
                diagnostics::note(&format!(
                    "the public key was read from {shown} without decrypting it, so it is not checked against the secret key; pass --passphrase-file or --passphrase-fd, set {}, or run attest in a terminal to check it",
                    passphrase::PASSPHRASE_ENV
                ));
                SecretKey::public_of_file(&content, &shown)?
            }
        }
    };
    match out {
        Some(out) => {
            attest::fsutil::write_new(out, key.to_file_string().as_bytes(), 0o644)?;
            output::print_text(&format!(
                "wrote {} (public: put it in verifiers' trust stores)\nkey id: {}\npublish: {}\n",
                out.display(),
                key.key_id,
                key.to_line()
            ))?;
        }
        None => output::print_text(&format!("{}\n", key.to_line()))?,
    }
    Ok(EXIT_OK)
}

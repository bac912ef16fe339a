//! Where passphrases come from: `ATTEST_PASSPHRASE`, or a prompt on a terminal. Never echoed, never
//! printed, zeroized after use.

use std::io::IsTerminal;

use anyhow::{bail, Context};
use zeroize::Zeroizing;

/// The environment variable holding the passphrase for non-interactive use.
pub const PASSPHRASE_ENV: &str = "ATTEST_PASSPHRASE";

/// The passphrase from the environment: none when unset or empty; an error (never quoting it) when
/// it is not UTF-8, rather than falling back to a prompt as if it were unset.
fn from_env() -> anyhow::Result<Option<Zeroizing<String>>> {
    match std::env::var(PASSPHRASE_ENV) {
        Ok(p) if !p.is_empty() => Ok(Some(Zeroizing::new(p))),
        Err(std::env::VarError::NotUnicode(_)) => bail!(
            "{PASSPHRASE_ENV} is not valid UTF-8 text; set it to the passphrase as UTF-8 (passphrases are UTF-8 text), or unset it to be asked on a terminal"
        ),
        _ => Ok(None),
    }
}

fn can_prompt() -> bool {
    std::io::stdin().is_terminal()
}

/// Says what needs a passphrase, then how to give one (`alternatives` are further ways out).
fn no_passphrase_error(what: &str, alternatives: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "{what} needs a passphrase, and there is no terminal to ask on. Set {PASSPHRASE_ENV}{alternatives}"
    )
}

/// A passphrase for the new secret key `key_file`, asked twice on a terminal.
pub fn for_new_key(key_file: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Some(p) = from_env()? {
        return Ok(p);
    }
    if !can_prompt() {
        return Err(no_passphrase_error(
            &format!("encrypting {key_file}"),
            ", run attest in a terminal, or pass --unencrypted for a throwaway test key",
        ));
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("Passphrase for {key_file}: "))
            .context("cannot read the passphrase")?,
    );
    if first.is_empty() {
        bail!("the passphrase is empty; choose a long passphrase (several words)");
    }
    let second = Zeroizing::new(
        rpassword::prompt_password("Repeat the passphrase: ")
            .context("cannot read the passphrase")?,
    );
    if *first != *second {
        bail!("the passphrases do not match; nothing was written. Run keygen again");
    }
    Ok(first)
}

/// The passphrase of an existing secret key.
pub fn for_existing_key(path: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Some(p) = from_env()? {
        return Ok(p);
    }
    if !can_prompt() {
        return Err(no_passphrase_error(
            &format!("decrypting {path}"),
            ", or run attest in a terminal",
        ));
    }
    Ok(Zeroizing::new(
        rpassword::prompt_password(format!("Passphrase for {path}: "))
            .context("cannot read the passphrase")?,
    ))
}

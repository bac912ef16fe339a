//! Where passphrases come from: `ATTEST_PASSPHRASE`, or a prompt on a terminal. Never echoed, never
//! printed, zeroized after use.

use std::io::IsTerminal;

use anyhow::{bail, Context};
use zeroize::Zeroizing;

/// The environment variable holding the passphrase for non-interactive use.
pub const PASSPHRASE_ENV: &str = "ATTEST_PASSPHRASE";

fn from_env() -> Option<Zeroizing<String>> {
    std::env::var(PASSPHRASE_ENV)
        .ok()
        .filter(|p| !p.is_empty())
        .map(Zeroizing::new)
}

fn can_prompt() -> bool {
    std::io::stdin().is_terminal()
}

fn no_passphrase_error(what: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "{what} needs a passphrase, and there is no terminal to ask on. Set {PASSPHRASE_ENV}, or run attest in a terminal"
    )
}

/// A passphrase for a new secret key, asked twice on a terminal.
pub fn for_new_key(prefix: &str) -> anyhow::Result<Zeroizing<String>> {
    if let Some(p) = from_env() {
        return Ok(p);
    }
    if !can_prompt() {
        return Err(no_passphrase_error(&format!("encrypting {prefix}.key"))
            .context("or pass --unencrypted for a throwaway test key"));
    }
    let first = Zeroizing::new(
        rpassword::prompt_password(format!("Passphrase for {prefix}.key: "))
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
    if let Some(p) = from_env() {
        return Ok(p);
    }
    if !can_prompt() {
        return Err(no_passphrase_error(&format!("decrypting {path}")));
    }
    Ok(Zeroizing::new(
        rpassword::prompt_password(format!("Passphrase for {path}: "))
            .context("cannot read the passphrase")?,
    ))
}

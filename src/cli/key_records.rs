//! `attest key revoke` and `attest key rotate`, added beside the other `attest key` subcommands
//! (defined in `key.rs`) without changing them.

use std::path::Path;

use anyhow::Context;

use attest::keys::SecretKey;

use super::{diagnostics, key, passphrase, revoke, rotate};

/// Subcommands of `attest key`: the key records, then the ones of `key.rs`.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Revoke a key from a point of its issuer's chain on: write a signed revocation record.
    Revoke(revoke::Args),
    /// Hand an issuer over to a new key from a point of its chain on: write a key-change record
    /// signed by the old key.
    Rotate(rotate::Args),
    #[command(flatten)]
    Other(key::Command),
}

pub fn run(cmd: Command) -> anyhow::Result<u8> {
    match cmd {
        Command::Revoke(args) => revoke::run(args),
        Command::Rotate(args) => rotate::run(args),
        Command::Other(cmd) => key::run(cmd),
    }
}

/// Read a secret key file, asking for its passphrase if it is encrypted.
pub fn load_secret_key(path: &Path) -> anyhow::Result<SecretKey> {
    let shown = path.display().to_string();
    let content = zeroize::Zeroizing::new(std::fs::read_to_string(path).with_context(|| {
        format!("cannot read the secret key {shown}; pass a PREFIX.key made by `attest keygen`")
    })?);
    let key = if SecretKey::file_is_encrypted(&content, &shown)? {
        let pass = passphrase::for_existing_key(&shown)?;
        SecretKey::parse(&content, &shown, Some(&pass))?
    } else {
        diagnostics::warning(&format!("{shown} is not encrypted"));
        SecretKey::parse(&content, &shown, None)?
    };
    Ok(key)
}

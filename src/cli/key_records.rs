//! `attest key revoke` and `attest key rotate`, added beside the other `attest key` subcommands
//! (defined in `key.rs`) without changing them.

use super::{key, revoke, rotate};

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

/// Load a secret key as `sign` does: refused if others can read the file, the passphrase asked
/// when it is encrypted (one loader, so revoke and rotate get every check sign has).
pub(super) use super::sign::load_secret_key;

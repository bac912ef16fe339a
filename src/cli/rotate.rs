//! `attest key rotate --old OLD.key --new NEW.pub --from-seq N [--archive DIR]`

use std::path::PathBuf;

use anyhow::bail;

use attest::keys::IssuerKey;
use attest::trust::{write_record, KeyChange, KeyRecord};

use super::key_records::load_secret_key;
use super::{output, EXIT_OK};

/// Arguments of `attest key rotate`.
#[derive(clap::Args)]
pub struct Args {
    /// The old secret key: it signs the key-change record.
    #[arg(long, value_name = "OLD.key")]
    old: PathBuf,
    /// The new public key, of the same issuer (made with `attest keygen`).
    #[arg(long, value_name = "NEW.pub")]
    new: PathBuf,
    /// The first sequence number of the issuer's chain signed with the new key.
    #[arg(long, value_name = "N")]
    from_seq: u64,
    /// The archive: the record is written into the issuer's `keys/` folder there.
    #[arg(long, value_name = "DIR", default_value = "manifests")]
    archive: PathBuf,
    #[command(flatten)]
    passphrase: super::passphrase::Source,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    super::passphrase::use_source(&args.passphrase);
    let new = IssuerKey::read(&args.new)?;
    let old = load_secret_key(&args.old)?;
    if old.issuer() != new.issuer {
        bail!(
            "the old key speaks for {:?}, but the new key for {:?}; a key change stays within one issuer",
            old.issuer(),
            new.issuer
        );
    }
    let record = KeyChange::sign(&old, &new, args.from_seq)?;
    let path = write_record(&args.archive, &KeyRecord::KeyChange(record))?;
    output::print_text(&format!("{}\n", path.display()))?;
    Ok(EXIT_OK)
}

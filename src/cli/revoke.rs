//! `attest key revoke --key K.key|--pub K.pub --last-valid SEQ [--reason TEXT]
//! [--signing-key OTHER.key] [--archive DIR]`

use std::path::PathBuf;

use anyhow::bail;

use attest::archive::{Archive as _, DirArchive};
use attest::keys::{IssuerKey, KeyId};
use attest::trust::{write_record, KeyRecord, Revocation};

use super::key_records::load_secret_key;
use super::{diagnostics, output, EXIT_OK};

/// Arguments of `attest key revoke`.
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("revoked").required(true).args(["key", "public"])))]
pub struct Args {
    /// The secret key to revoke; it signs its own revocation unless --signing-key is given.
    #[arg(long, value_name = "K.key")]
    key: Option<PathBuf>,
    /// The public key to revoke (when its secret key is lost or seized); needs --signing-key.
    #[arg(long = "pub", value_name = "K.pub", requires = "signing_key")]
    public: Option<PathBuf>,
    /// The last sequence number of the issuer's chain that the key still vouches for (0: none).
    /// Statements after it signed with this key are untrusted.
    #[arg(long, value_name = "SEQ")]
    last_valid: u64,
    /// Why, in one line (for example "laptop seized on 2026-03-08").
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// Another secret key of the same issuer that signs the revocation.
    #[arg(long, value_name = "OTHER.key")]
    signing_key: Option<PathBuf>,
    /// The archive: the record is written into the issuer's `keys/` folder there.
    #[arg(long, value_name = "DIR", default_value = "manifests")]
    archive: PathBuf,
    #[command(flatten)]
    passphrase: super::passphrase::Source,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    super::passphrase::use_source(&args.passphrase);
    let own = args.key.as_deref().map(load_secret_key).transpose()?;
    let revoked: IssuerKey = match (&own, &args.public) {
        (Some(k), _) => k.public(),
        (None, Some(p)) => IssuerKey::read(p)?,
        (None, None) => bail!("name the key to revoke with --key K.key or --pub K.pub"),
    };
    let signer = match (&args.signing_key, own) {
        (Some(path), _) => load_secret_key(path)?,
        (None, Some(k)) => k,
        (None, None) => bail!(
            "a revocation of --pub must be signed by another key of {:?}: pass --signing-key OTHER.key",
            revoked.issuer
        ),
    };
    if signer.issuer() != revoked.issuer {
        bail!(
            "the signing key speaks for {:?}, but the revoked key for {:?}; sign with a key of the same issuer",
            signer.issuer(),
            revoked.issuer
        );
    }
    // A revocation not signed by a key the revoked key handed over to also ends that key
    // (docs/SPEC.md §3.4.3): say so before it happens by mistake.
    for successor in successors(&args.archive, &revoked) {
        if successor != signer.key_id() {
            diagnostics::warning(&format!(
                "the archive holds a key change from {} to {successor}; a revocation not signed by {successor} ends that key too at seq {}. To keep it, sign with --signing-key set to that key's secret key file",
                revoked.key_id, args.last_valid
            ));
        }
    }
    let record = Revocation::sign(&signer, &revoked, args.last_valid, args.reason)?;
    let path = write_record(&args.archive, &KeyRecord::Revocation(record))?;
    output::print_text(&format!("{}\n", path.display()))?;
    Ok(EXIT_OK)
}

/// The keys that valid-looking key changes in the archive hand `key` over to (their signatures are
/// checked; whether the old key is trusted is the verifier's business).
fn successors(archive: &std::path::Path, key: &IssuerKey) -> Vec<KeyId> {
    let archive = DirArchive::new(archive);
    let mut found: Vec<KeyId> = archive
        .key_record_files()
        .into_iter()
        .filter_map(|path| KeyRecord::parse(&archive.read(&path).ok()?).ok())
        .filter_map(|record| match record {
            KeyRecord::KeyChange(c)
                if c.old_id() == key.key_id
                    && c.issuer() == key.issuer
                    && c.signed_by_old_key() =>
            {
                Some(c.new_id())
            }
            _ => None,
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

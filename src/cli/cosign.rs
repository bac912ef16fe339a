//! `attest cosign MANIFEST --key PREFIX.key [--archive DIR] [--keys DIR]`: add a co-signature to a
//! joint statement (docs/SPEC.md §3.5).

use std::path::PathBuf;

use attest::archive::state;
use attest::sign::SignOptions;

use super::{diagnostics, output, EXIT_OK};

/// Arguments of `attest cosign`.
#[derive(clap::Args)]
pub struct Args {
    /// The joint statement's manifest, made by `attest sign --cosigner`. It is replaced in place
    /// (atomically); its manifest digest does not change.
    manifest: PathBuf,
    /// The co-signer's secret key file: the key the manifest names for its issuer.
    #[arg(long, value_name = "PREFIX.key")]
    key: PathBuf,
    /// The archive holding the co-signer's chain: the statement must take the next position in it.
    #[arg(long, value_name = "DIR", default_value = "manifests")]
    archive: PathBuf,
    /// Co-sign without checking the co-signer's chain in an archive (for a manifest passed around
    /// before it is archived). `attest audit` still checks the chain later.
    #[arg(long, conflicts_with = "archive")]
    no_archive: bool,
    /// Trust store used to recognise the co-signer's manifests signed with its other keys
    /// [default: your trust store, if it exists].
    #[arg(long, value_name = "DIR")]
    keys: Option<PathBuf>,
    /// Co-sign even though this key remembers signing a position the archive does not show.
    #[arg(long)]
    fork_from_archive: bool,
    #[command(flatten)]
    passphrase: super::passphrase::Source,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    super::passphrase::use_source(&args.passphrase);
    let key = super::sign::load_secret_key(&args.key)?;
    let trust = super::sign::signing_trust_store(args.keys.as_deref())?;
    let options = SignOptions {
        new_archive: false,
        state_dir: Some(state::user_state_dir(|name| std::env::var_os(name))?),
        fork_from_archive: args.fork_from_archive,
    };
    let archive = (!args.no_archive).then_some(args.archive.as_path());
    let done = attest::cosign(&args.manifest, &key, archive, trust.as_ref(), &options)?;
    for warning in &done.warnings {
        diagnostics::warning(&output::safe(&warning.to_string()));
    }
    output::print_text(&format!("{}\n", done.path.display()))?;
    Ok(EXIT_OK)
}

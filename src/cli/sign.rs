//! `attest sign FILE --key PREFIX.key [--archive DIR] [--title T] [--date YYYY-MM-DD] [--out MANIFEST|-]`

use std::path::{Path, PathBuf};

use anyhow::Context;

use attest::archive::state;
use attest::input;
use attest::keys::{IssuerKey, SecretKey, TrustStore};
use attest::sign::{Destination, SignOptions, SignRequest};

use super::{diagnostics, output, passphrase, EXIT_OK};

/// Arguments of `attest sign`.
#[derive(clap::Args)]
pub struct Args {
    /// The statement to sign: UTF-8 text (`-` for standard input).
    file: PathBuf,
    /// The issuer's secret key file.
    #[arg(long, value_name = "PREFIX.key")]
    key: PathBuf,
    /// The archive of manifests: the new manifest links to the issuer's latest one there and is
    /// written into it.
    #[arg(long, value_name = "DIR", default_value = "manifests")]
    archive: PathBuf,
    /// The statement's title (default: the file name without extension).
    #[arg(long)]
    title: Option<String>,
    /// The statement's date, YYYY-MM-DD (default: today, UTC).
    #[arg(long)]
    date: Option<String>,
    /// Languages of the statement, e.g. `--lang en --lang zh` (default: guessed from the scripts used).
    #[arg(long = "lang", value_name = "TAG")]
    languages: Vec<String>,
    /// Trust store used to recognise the issuer's earlier manifests signed with its other keys
    /// (after a key change) [default: your trust store, as for verify, if it exists]. Manifests
    /// signed with --key always count.
    #[arg(long, value_name = "DIR")]
    keys: Option<PathBuf>,
    /// Write the manifest here instead of into the archive (`-` for standard output). It still
    /// links to the issuer's latest manifest in the archive.
    #[arg(long, value_name = "MANIFEST")]
    out: Option<PathBuf>,
    /// Sign even though the statement contains bidirectional controls or other invisible characters.
    #[arg(long)]
    allow_suspicious: bool,
    /// The file name to record in the manifest (default: FILE's name). Required when FILE is `-`.
    #[arg(long, value_name = "NAME")]
    file_name: Option<String>,
    /// Start a new archive: --archive DIR does not exist yet. Without it a missing archive is an
    /// error, so that a mistyped path never restarts the chain at seq 1.
    #[arg(long)]
    new_archive: bool,
    /// Sign at the head the archive shows even though this key remembers signing a later (or
    /// another) manifest, which the archive does not hold. The new manifest may fork the chain: only
    /// for a remembered manifest that was never published.
    #[arg(long)]
    fork_from_archive: bool,
    /// Make a joint statement: name this issuer's public key as a co-signer (repeatable). Each
    /// co-signer then adds its signature with `attest cosign`.
    #[arg(long = "cosigner", value_name = "OTHER.pub")]
    cosigners: Vec<PathBuf>,
    #[command(flatten)]
    passphrase: super::passphrase::Source,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    super::passphrase::use_source(&args.passphrase);
    if args.file.as_os_str() == "-" && args.passphrase.passphrase_fd == Some(0) {
        anyhow::bail!(
            "--passphrase-fd 0 is standard input, which carries the statement (`-`); give the passphrase on another descriptor, e.g. --passphrase-fd 3 3<passphrase.txt"
        );
    }
    let key = load_secret_key(&args.key)?;
    let stdin = args.file.as_os_str() == "-";
    let name = if stdin {
        input::STDIN_NAME.to_string()
    } else {
        args.file.display().to_string()
    };
    let bytes = input::read_bytes(&args.file)?;
    let trust = signing_trust_store(args.keys.as_deref())?;
    let cosigners = args
        .cosigners
        .iter()
        .map(|p| IssuerKey::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let destination = match args.out {
        None => Destination::Archive,
        Some(p) if p.as_os_str() == "-" => Destination::Nowhere,
        Some(p) => Destination::File(p),
    };
    let file_name = match args.file_name {
        Some(n) => Some(n),
        None => args
            .file
            .file_name()
            .and_then(|f| f.to_str())
            .filter(|_| !stdin)
            .map(str::to_string),
    };
    let request = SignRequest {
        bytes: &bytes,
        name: &name,
        file_name,
        title: args.title,
        date: args.date,
        languages: args.languages,
        allow_suspicious: args.allow_suspicious,
        destination,
    };
    let options = SignOptions {
        new_archive: args.new_archive,
        state_dir: Some(state::user_state_dir(|name| std::env::var_os(name))?),
        fork_from_archive: args.fork_from_archive,
    };
    let signed = attest::sign::sign_joint(
        &key,
        &request,
        &cosigners,
        &args.archive,
        trust.as_ref(),
        &options,
    )?;
    for warning in &signed.warnings {
        diagnostics::warning(&output::safe(&warning.to_string()));
    }
    match &signed.path {
        Some(path) => output::print_text(&format!("{}\n", path.display()))?,
        None => output::print_text(&signed.manifest.to_json())?,
    }
    Ok(EXIT_OK)
}

/// The trust store `sign` and `cosign` use to recognise an issuer's other keys. An explicit --keys
/// must exist (a typo would silently make the chain ignore the issuer's other keys); the default
/// store is used only when it exists and holds a key.
pub(super) fn signing_trust_store(keys: Option<&Path>) -> anyhow::Result<Option<TrustStore>> {
    Ok(match keys {
        Some(dir) => Some(super::trust::load_store(dir)?),
        None => match super::trust::store_dir(None).ok().filter(|d| d.is_dir()) {
            Some(dir) => match TrustStore::load(&dir) {
                Ok(store) => {
                    super::trust::warn_skipped(&store);
                    Some(store)
                }
                Err(attest::keys::KeyError::TrustStoreEmpty { .. }) => None,
                Err(other) => return Err(other.into()),
            },
            None => None,
        },
    })
}

pub(super) fn load_secret_key(path: &Path) -> anyhow::Result<SecretKey> {
    let shown = path.display().to_string();
    attest::keys::check_secret_file_private(path)?;
    let content = zeroize::Zeroizing::new(std::fs::read_to_string(path).with_context(|| {
        format!("cannot read the secret key {shown}; pass --key PREFIX.key made by `attest keygen`")
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

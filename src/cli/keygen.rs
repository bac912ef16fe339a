//! `attest keygen --issuer NAME --out PREFIX [--unencrypted]`

use std::path::PathBuf;

use anyhow::{bail, Context};

use attest::fsutil::write_new;
use attest::keys::SecretKey;

use super::{passphrase, EXIT_OK};

/// Arguments of `attest keygen`.
#[derive(clap::Args)]
pub struct Args {
    /// The issuer (group) name this key signs for, exactly as verifiers will see it.
    #[arg(long)]
    issuer: String,
    /// Output prefix: writes PREFIX.key and PREFIX.pub.
    #[arg(long, value_name = "PREFIX")]
    out: PathBuf,
    /// Store the secret key unencrypted. For tests and demos only.
    #[arg(long)]
    unencrypted: bool,
}

fn with_ext(prefix: &std::path::Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let key_path = with_ext(&args.out, "key");
    let pub_path = with_ext(&args.out, "pub");
    for p in [&key_path, &pub_path] {
        if p.exists() {
            bail!(
                "{} already exists; attest never overwrites keys. Choose another --out prefix",
                p.display()
            );
        }
    }
    if let Some(dir) = key_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            bail!(
                "the directory {} does not exist; create it first",
                dir.display()
            );
        }
    }
    let key = SecretKey::generate(&args.issuer)?;
    let prefix = args.out.display().to_string();
    let secret_file = zeroize::Zeroizing::new(if args.unencrypted {
        eprintln!(
            "attest: WARNING: {} will NOT be encrypted. Anyone who can read it can sign as {:?}. Use this for tests and demos only.",
            key_path.display(),
            args.issuer
        );
        key.to_file_string(None)?
    } else {
        let pass = passphrase::for_new_key(&prefix)?;
        key.to_file_string(Some(&pass))?
    });
    write_new(&key_path, secret_file.as_bytes(), 0o600)?;
    let public = key.public();
    write_new(&pub_path, public.to_file_string().as_bytes(), 0o644).with_context(|| {
        format!(
            "the secret key was written to {}, but the public key was not",
            key_path.display()
        )
    })?;
    println!(
        "wrote {} (secret: keep it safe, mode 0600)",
        key_path.display()
    );
    println!(
        "wrote {} (public: put it in verifiers' trust stores)",
        pub_path.display()
    );
    println!("key id: {}", public.key_id);
    println!("publish: {}", public.to_line());
    Ok(EXIT_OK)
}

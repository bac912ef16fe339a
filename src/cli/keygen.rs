//! `attest keygen --issuer NAME --out PREFIX [--unencrypted]`

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use attest::keys::SecretKey;

use super::{diagnostics, output, passphrase, EXIT_OK};

/// Arguments of `attest keygen`.
#[derive(clap::Args)]
pub struct Args {
    /// The issuer (group) name this key signs for, exactly as verifiers will see it.
    #[arg(long)]
    issuer: String,
    /// Output prefix: writes PREFIX.key and PREFIX.pub (`--out x.key` or `--out x.pub` also means
    /// the prefix `x`).
    #[arg(long, value_name = "PREFIX")]
    out: PathBuf,
    /// Store the secret key unencrypted. For tests and demos only.
    #[arg(long)]
    unencrypted: bool,
    /// Accept a passphrase shorter than 8 characters.
    #[arg(long)]
    weak_passphrase: bool,
    #[command(flatten)]
    passphrase: passphrase::Source,
}

/// The two files a key pair is written to.
#[derive(Debug, PartialEq, Eq)]
struct KeyFiles {
    secret: PathBuf,
    public: PathBuf,
    /// `--out` named one of the files rather than their prefix.
    named_a_file: bool,
}

/// Where `--out` puts the key pair. `x` gives `x.key` and `x.pub`. So do `x.key` and `x.pub`: the
/// user named one of the two files, and `x.key.key` is never what they meant. A path ending in a
/// separator is not a prefix (it would give the hidden files `dir/.key` and `dir/.pub`).
fn key_files(out: &Path) -> anyhow::Result<KeyFiles> {
    let shown = out.display();
    let ends_in_separator = out
        .as_os_str()
        .to_string_lossy()
        .ends_with(std::path::is_separator);
    let last = out
        .components()
        .next_back()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let dot_ended = out.as_os_str().to_string_lossy().ends_with('.');
    if ends_in_separator || out.file_name().is_none() || dot_ended || out.is_dir() {
        bail!(
            "--out {shown} is a directory, not a prefix; pass a prefix in it such as {}, which writes group.key and group.pub there",
            out.join("group").display()
        );
    }
    // `--out keys/.pub` would write the hidden files keys/.pub.key and keys/.pub.pub.
    if last.starts_with('.') {
        bail!(
            "--out {shown} would make hidden key files; pass a prefix that does not start with a dot, such as {}",
            out.with_file_name("group").display()
        );
    }
    let ext = out.extension().and_then(OsStr::to_str);
    let named_a_file = matches!(ext, Some("key" | "pub"));
    let prefix = if named_a_file {
        out.with_extension("")
    } else {
        out.to_path_buf()
    };
    Ok(KeyFiles {
        secret: with_ext(&prefix, "key"),
        public: with_ext(&prefix, "pub"),
        named_a_file,
    })
}

fn with_ext(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let files = key_files(&args.out)?;
    let (key_path, pub_path) = (&files.secret, &files.public);
    for p in [key_path, pub_path] {
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
    if files.named_a_file {
        diagnostics::note(&format!(
            "--out {} names a key file; writing {} and {}",
            args.out.display(),
            key_path.display(),
            pub_path.display()
        ));
    }
    let key = SecretKey::generate(&args.issuer)?;
    let passphrase = if args.unencrypted {
        diagnostics::warning(&format!(
            "{} will NOT be encrypted. Anyone who can read it can sign as {:?}. Use this for tests and demos only.",
            key_path.display(),
            args.issuer
        ));
        None
    } else {
        Some(passphrase::for_new_key(
            &key_path.display().to_string(),
            &args.passphrase,
            args.weak_passphrase,
        )?)
    };
    key.write_pair(key_path, pub_path, passphrase.as_ref().map(|p| p.as_str()))?;
    let public = key.public();
    let report = format!(
        "wrote {} (secret: keep it safe, mode 0600)\n\
         wrote {} (public: put it in verifiers' trust stores)\n\
         key id: {}\n\
         publish: {}\n",
        key_path.display(),
        pub_path.display(),
        public.key_id,
        public.to_line()
    );
    output::print_text(&report).with_context(|| {
        format!(
            "cannot report the new key pair; {} and {} were written, and `attest key show {}` prints its key id and the line to publish",
            key_path.display(),
            pub_path.display(),
            pub_path.display()
        )
    })?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(out: &str) -> KeyFiles {
        key_files(Path::new(out)).unwrap()
    }

    #[test]
    fn a_plain_prefix_gets_both_extensions() {
        let f = files("keys/harbour");
        assert_eq!(f.secret, Path::new("keys/harbour.key"));
        assert_eq!(f.public, Path::new("keys/harbour.pub"));
        assert!(!f.named_a_file);
    }

    #[test]
    fn naming_either_key_file_means_its_prefix_never_x_key_key() {
        for out in ["harbour.key", "harbour.pub"] {
            let f = files(out);
            assert_eq!(f.secret, Path::new("harbour.key"), "{out}");
            assert_eq!(f.public, Path::new("harbour.pub"), "{out}");
            assert!(f.named_a_file);
        }
    }

    #[test]
    fn other_dots_in_a_prefix_are_kept() {
        let f = files("harbour.2026");
        assert_eq!(f.secret, Path::new("harbour.2026.key"));
        let f = files("harbour.2026.key");
        assert_eq!(f.public, Path::new("harbour.2026.pub"));
    }

    #[test]
    fn a_directory_is_not_a_prefix() {
        assert!(key_files(Path::new("keys/")).is_err());
        assert!(key_files(Path::new("..")).is_err());
        assert!(key_files(Path::new("keys/.")).is_err());
        assert!(key_files(Path::new("keys/.pub")).is_err());
        assert!(key_files(Path::new("keys/.hidden")).is_err());
        let dir = tempfile::tempdir().unwrap();
        assert!(key_files(dir.path()).is_err());
    }
}

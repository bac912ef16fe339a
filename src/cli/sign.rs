//! `attest sign FILE --key PREFIX.key [--archive DIR] [--title T] [--date YYYY-MM-DD] [--out MANIFEST]`

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use attest::archive::{self, ChainHead};
use attest::fsutil::write_new;
use attest::input;
use attest::keys::{SecretKey, TrustStore};
use attest::manifest::{self, Manifest, NewStatement};

use super::{output, passphrase, EXIT_OK};

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
    /// (after a key change). Manifests signed with --key always count; if DIR does not exist, only
    /// those do.
    #[arg(long, value_name = "DIR", default_value = "keys")]
    keys: PathBuf,
    /// Write the manifest here instead of into the archive.
    #[arg(long, value_name = "MANIFEST")]
    out: Option<PathBuf>,
    /// Sign even though the statement contains bidirectional controls or other invisible characters.
    #[arg(long)]
    allow_suspicious: bool,
}

pub fn run(args: Args) -> anyhow::Result<u8> {
    let key = load_secret_key(&args.key)?;
    let name = args.file.display().to_string();
    let bytes = input::read_bytes(&args.file)?;
    let decoded = input::decode_utf8(&bytes, &name)?;
    // Record how the signed bytes were encoded, as verify does for copies.
    let canonical = decoded.canonicalize();
    if canonical.text.is_empty() {
        bail!("{name} has no text to sign");
    }
    if !canonical.suspicious.is_empty() && !args.allow_suspicious {
        let first = &canonical.suspicious[0];
        bail!(
            "{name} contains {} {} at line {} ({} suspicious characters in all); readers cannot see it. Remove it, or pass --allow-suspicious if it is intended",
            first.codepoint,
            first.name,
            first.line,
            canonical.suspicious.len()
        );
    }
    let date = match args.date {
        Some(d) => {
            manifest::check_date(&d)
                .map_err(anyhow::Error::msg)
                .context("check --date")?;
            d
        }
        None => today_utc(),
    };
    let file_name = match args.file.file_name().and_then(|f| f.to_str()) {
        Some(f) if args.file.as_os_str() != "-" => f.to_string(),
        _ => "statement.txt".to_string(),
    };
    manifest::check_file_name(&file_name).map_err(anyhow::Error::msg)?;
    let title = match args.title {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        Some(_) => bail!("--title is empty"),
        None => Path::new(&file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or(file_name.clone()),
    };
    manifest::check_title(&title)
        .map_err(anyhow::Error::msg)
        .context("check --title")?;
    for lang in &args.languages {
        manifest::check_language(lang)
            .map_err(anyhow::Error::msg)
            .context("check --lang")?;
    }
    let languages = if args.languages.is_empty() {
        guess_languages(&canonical.text)
    } else {
        args.languages
    };

    let (entries, problems) = if args.archive.is_dir() {
        archive::load(&archive::DirArchive::new(&args.archive))?
    } else {
        (Vec::new(), Vec::new())
    };
    for p in &problems {
        eprintln!(
            "attest: warning: skipped {}: {}",
            p.path.display(),
            p.problem
        );
    }
    let trust = if args.keys.is_dir() {
        Some(TrustStore::load(&args.keys).context("cannot load the trust store (--keys)")?)
    } else {
        None
    };
    let own_key = key.public().key;
    let counts = |m: &Manifest| {
        m.signed_by(&own_key) || trust.as_ref().is_some_and(|t| m.assess(t).issuer_signed)
    };
    let (seq, prev) = match archive::chain_head(&entries, key.issuer(), counts) {
        ChainHead::Empty => (1, None),
        ChainHead::Head { seq, .. } if seq >= manifest::MAX_SEQ => {
            bail!("{:?} has reached the largest sequence number; start a new archive", key.issuer())
        }
        ChainHead::Head { seq, digest } => (seq + 1, Some(digest)),
        ChainHead::Fork { seq, paths } => bail!(
            "the archive {} has {} different manifests of {:?} with seq {seq} ({}); resolve the fork before signing (run `attest audit`)",
            args.archive.display(),
            paths.len(),
            key.issuer(),
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    };
    let exact = attest::digest::Digest::of(&bytes);
    if let Some(earlier) = entries.iter().find(|e| {
        e.manifest.issuer() == key.issuer() && e.manifest.wire().statement.exact_digest == exact
    }) {
        eprintln!(
            "attest: warning: {:?} already signed these exact bytes in {} (seq {}); signing them again adds a new statement to the chain",
            key.issuer(),
            earlier.path.display(),
            earlier.manifest.seq()
        );
    }
    let statement = NewStatement {
        bytes: &bytes,
        canonical: &canonical,
        title,
        date,
        languages,
        file_name,
    };
    let manifest = manifest::sign_statement(&key, &statement, seq, prev)?;
    let path = match args.out {
        Some(p) => p,
        None => archive::manifest_path(
            &args.archive,
            key.issuer(),
            seq,
            &statement.date,
            &statement.title,
        ),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    }
    write_new(&path, manifest.to_json().as_bytes(), 0o644)?;
    output::print_text(&format!("{}\n", path.display()))?;
    Ok(EXIT_OK)
}

fn load_secret_key(path: &Path) -> anyhow::Result<SecretKey> {
    let shown = path.display().to_string();
    let content = zeroize::Zeroizing::new(std::fs::read_to_string(path).with_context(|| {
        format!("cannot read the secret key {shown}; pass --key PREFIX.key made by `attest keygen`")
    })?);
    let key = if SecretKey::file_is_encrypted(&content, &shown)? {
        let pass = passphrase::for_existing_key(&shown)?;
        SecretKey::parse(&content, &shown, Some(&pass))?
    } else {
        eprintln!("attest: warning: {shown} is not encrypted");
        SecretKey::parse(&content, &shown, None)?
    };
    Ok(key)
}

/// Languages guessed from scripts: Han without kana is `zh`, kana `ja`, Hangul `ko`, Latin letters
/// `en`. A guess only; `--lang` overrides it.
fn guess_languages(text: &str) -> Vec<String> {
    let (mut han, mut kana, mut hangul, mut latin) = (false, false, false, false);
    for c in text.chars() {
        match c as u32 {
            0x3040..=0x30FF => kana = true,
            0x3400..=0x4DBF | 0x4E00..=0x9FFF => han = true,
            0xAC00..=0xD7AF => hangul = true,
            _ if c.is_ascii_alphabetic() => latin = true,
            _ => {}
        }
    }
    let mut out = Vec::new();
    if latin {
        out.push("en".to_string());
    }
    if kana {
        out.push("ja".to_string());
    } else if han {
        out.push("zh".to_string());
    }
    if hangul {
        out.push("ko".to_string());
    }
    out
}

/// Today's date in UTC as YYYY-MM-DD (civil-from-days, proleptic Gregorian).
fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_a_valid_date() {
        assert!(manifest::check_date(&today_utc()).is_ok());
    }

    #[test]
    fn languages_are_guessed_from_scripts() {
        assert_eq!(guess_languages("Open letter 公开信"), vec!["en", "zh"]);
        assert_eq!(guess_languages("声明"), vec!["zh"]);
    }
}

//! Shared output helpers: colour (only on a terminal, honouring NO_COLOR), JSON, broken pipes.

use std::io::{IsTerminal, Write};

/// Whether to colour output written to standard output.
pub fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether standard error is a terminal (for progress display).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// ANSI colours used in human output.
#[derive(Clone, Copy)]
pub enum Tone {
    /// Authentic.
    Good,
    /// Needs attention.
    Caution,
    /// Not authentic.
    Bad,
}

/// Paint `text` in `tone` when `color` is on, bold.
pub fn paint(text: &str, tone: Tone, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let code = match tone {
        Tone::Good => "32",
        Tone::Caution => "33",
        Tone::Bad => "31",
    };
    format!("\x1b[1;{code}m{text}\x1b[0m")
}

/// Make text from a manifest or a copy safe to print on a terminal: control characters (which
/// include terminal escape sequences), bidirectional controls and other invisible characters are
/// shown as `\u{…}`, and line breaks as `⏎`, so nothing in signed or received material can
/// rewrite or hide what attest prints.
pub fn safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\n' {
            out.push('⏎');
        } else if c.is_control()
            || attest::canon::suspicious_kind(c).is_some()
            || attest::canon::is_ignorable(c)
        {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Print a value as one JSON object on standard output. A closed pipe (`attest … | head`) is
/// not an error: the command's exit code still reports the verdict.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    print_text(&text)
}

/// Print text on standard output; a closed pipe is not an error (see [`print_json`]).
pub fn print_text(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// A closed pipe on standard output (e.g. `attest audit | head`) is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

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

/// Print a value as one JSON object on standard output.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Print text on standard output.
pub fn print_text(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
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

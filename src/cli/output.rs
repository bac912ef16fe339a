//! Shared output helpers: the one writer for standard output, colour (only on a terminal, honouring
//! NO_COLOR), JSON, and text made safe for a terminal.
//!
//! Every byte attest writes to standard output goes through [`stdout`] (or [`print_text`],
//! [`print_bytes`] and [`print_json`], which use it):
//!
//! - When the reader of a pipe has gone (`attest audit | head`), writing stops quietly and the
//!   command carries on to its own exit code: a verdict of `modified` is still exit 1.
//! - Any other failure (a full disk, an I/O error) is an error whose message names standard output;
//!   the command stops and attest exits 2.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once the reader of standard output has gone; from then on output is discarded.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Standard output, as every command writes it: see the [module docs](self).
pub fn stdout() -> Guarded<'static, io::Stdout> {
    Guarded {
        inner: io::stdout(),
        closed: &STDOUT_CLOSED,
    }
}

/// A writer to standard output that treats a closed pipe as the end of the output and names
/// standard output in every other error. Once `closed` is set, writes are discarded and succeed.
pub struct Guarded<'a, W> {
    inner: W,
    closed: &'a AtomicBool,
}

impl<W: Write> Guarded<'_, W> {
    fn check<T>(&self, result: io::Result<T>, done: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed.store(true, Ordering::Relaxed);
                Ok(done)
            }
            Err(e) => Err(io::Error::new(e.kind(), WriteFailed { cause: e })),
            ok => ok,
        }
    }
}

impl<W: Write> Write for Guarded<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.check(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed.load(Ordering::Relaxed) {
            return Ok(());
        }
        let result = self.inner.flush();
        self.check(result, ())
    }
}

/// A write to standard output failed for a reason other than a closed pipe. The I/O error is its
/// source (and the [`io::Error`] wrapping it keeps its [`io::ErrorKind`]).
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output")]
struct WriteFailed {
    #[source]
    cause: io::Error,
}

/// Whether to colour output written to standard output.
pub fn color_stdout() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether to colour messages written to standard error.
pub fn color_stderr() -> bool {
    stderr_is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether standard error is a terminal (for progress display).
pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
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

/// Print a value as one JSON object on standard output (see the [module docs](self) for closed
/// pipes and write errors).
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    print_text(&text)
}

/// Print text on standard output (see the [module docs](self)).
pub fn print_text(text: &str) -> anyhow::Result<()> {
    print_bytes(text.as_bytes())
}

/// Print bytes on standard output (see the [module docs](self)).
pub fn print_bytes(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = stdout();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails every call with one kind of error, counting the calls.
    struct Failing {
        kind: io::ErrorKind,
        calls: usize,
    }

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            self.calls += 1;
            Err(io::Error::from(self.kind))
        }
        fn flush(&mut self) -> io::Result<()> {
            self.calls += 1;
            Err(io::Error::from(self.kind))
        }
    }

    fn guarded(kind: io::ErrorKind, closed: &AtomicBool) -> Guarded<'_, Failing> {
        Guarded {
            inner: Failing { kind, calls: 0 },
            closed,
        }
    }

    #[test]
    fn closed_pipe_ends_the_output_quietly_and_stops_writing() {
        let closed = AtomicBool::new(false);
        let mut out = guarded(io::ErrorKind::BrokenPipe, &closed);
        out.write_all(b"first line\n").unwrap();
        assert!(closed.load(Ordering::Relaxed));
        writeln!(out, "second line").unwrap();
        out.flush().unwrap();
        // Only the first write reached the closed pipe.
        assert_eq!(out.inner.calls, 1);
    }

    #[test]
    fn full_disk_is_an_error_that_names_standard_output_and_keeps_its_kind() {
        let closed = AtomicBool::new(false);
        let mut out = guarded(io::ErrorKind::StorageFull, &closed);
        let err = out.write_all(b"report\n").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::StorageFull);
        assert!(!closed.load(Ordering::Relaxed));
        let failed = err.get_ref().and_then(|e| e.downcast_ref::<WriteFailed>());
        assert!(failed.is_some_and(|f| f.cause.kind() == io::ErrorKind::StorageFull));
        let err = anyhow::Error::new(err);
        let full = io::Error::from(io::ErrorKind::StorageFull);
        assert_eq!(
            super::super::diagnostics::message(&err),
            format!("cannot write to standard output: {full}")
        );
    }
}

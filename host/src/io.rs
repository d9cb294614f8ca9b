//! What the `writ` command reads and writes, and how it fails: every failure
//! is one coded line on stderr (`writ: error[io.not_found]: …`) and a
//! documented exit status, never a panic — not even when stdout is a full disk
//! or a closed pipe.

use std::fmt;
use std::io::{self, BufRead, Read, Write};
use std::path::Path;
use std::process::ExitCode;

/// Exit status: a single check denied, or an assignment refused.
pub(crate) const EXIT_DENIED: u8 = 1;
/// Exit status: usage or input error (a file, a snapshot, a request, a key).
pub(crate) const EXIT_INPUT: u8 = 2;
/// Exit status: the output could not be written (a full disk, a closed pipe).
pub(crate) const EXIT_OUTPUT: u8 = 3;

/// A failure of the command: a stable code, one line of words, an exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CliError {
    pub code: &'static str,
    pub message: String,
    pub exit: u8,
}

impl CliError {
    /// An input error (exit 2).
    pub(crate) fn input(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            exit: EXIT_INPUT,
        }
    }

    /// An input error with a code known only at run time (the guest's).
    pub(crate) fn input_owned(code: String, message: String) -> Self {
        // Codes are few and stable; leaking one per failing process is fine.
        Self::input(Box::leak(code.into_boxed_str()), message)
    }

    /// A file that could not be read: `io.not_found` or `io.unreadable`.
    pub(crate) fn read(what: &str, error: &io::Error) -> Self {
        let code = match error.kind() {
            io::ErrorKind::NotFound => "io.not_found",
            _ => "io.unreadable",
        };
        Self::input(code, format!("cannot read {what}: {}", reason(error)))
    }

    /// Output that could not be written (exit 3).
    pub(crate) fn write(what: &str, error: &io::Error) -> Self {
        Self {
            code: "io.write_failed",
            message: format!("cannot write {what}: {}", reason(error)),
            exit: EXIT_OUTPUT,
        }
    }

    /// Prints `writ: error[code]: message` to stderr (ignoring a stderr that
    /// cannot be written either) and gives the exit status.
    pub(crate) fn report(&self) -> ExitCode {
        let _ = writeln!(io::stderr().lock(), "writ: {self}");
        ExitCode::from(self.exit)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)
    }
}

impl From<writ_core::SnapshotError> for CliError {
    fn from(error: writ_core::SnapshotError) -> Self {
        Self::input(error.code(), error.to_string())
    }
}

/// An I/O error in words, without Rust's `(os error 2)` noise for the usual ones.
fn reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "it is a directory".into(),
        io::ErrorKind::BrokenPipe => "the reader closed the pipe".into(),
        io::ErrorKind::StorageFull => "no space left on the device".into(),
        _ => error.to_string(),
    }
}

/// Reads a file (`-`: stdin) of at most `limit` bytes; past that,
/// `too_large(bytes read)` — without reading the rest (`/dev/zero` stops).
pub(crate) fn read_bounded(
    path: &Path,
    what: &str,
    limit: usize,
    too_large: impl FnOnce(usize) -> CliError,
) -> Result<Vec<u8>, CliError> {
    let described = format!("{what} `{}`", path.display());
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        let file = std::fs::File::open(path).map_err(|error| CliError::read(&described, &error))?;
        if file.metadata().is_ok_and(|meta| meta.is_dir()) {
            return Err(CliError::input(
                "io.unreadable",
                format!("cannot read {described}: it is a directory"),
            ));
        }
        file.take(cap).read_to_end(&mut bytes)
    };
    read.map_err(|error| CliError::read(&described, &error))?;
    if bytes.len() > limit {
        return Err(too_large(bytes.len()));
    }
    Ok(bytes)
}

/// Reads a text file of at most `limit` bytes (`-`: stdin); past the limit
/// `io.unreadable`, not UTF-8 `invalid_utf8` (a code for what the text is).
pub(crate) fn read_utf8(
    path: &Path,
    what: &str,
    limit: usize,
    invalid_utf8: &'static str,
) -> Result<String, CliError> {
    let bytes = read_bounded(path, what, limit, |_| {
        CliError::input(
            "io.unreadable",
            format!("{what} `{}` is larger than {limit} bytes", path.display()),
        )
    })?;
    String::from_utf8(bytes).map_err(|error| {
        CliError::input(
            invalid_utf8,
            format!(
                "{what} `{}` is not UTF-8 text (invalid at byte {})",
                path.display(),
                error.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Writes a file, or reports `io.write_failed`.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes)
        .map_err(|error| CliError::write(&format!("`{}`", path.display()), &error))
}

/// Standard output, buffered, every failure an `io.write_failed`.
pub(crate) struct Output {
    out: io::BufWriter<io::StdoutLock<'static>>,
}

impl Output {
    pub(crate) fn new() -> Self {
        Self {
            out: io::BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
        }
    }

    /// Writes `text` and a newline.
    pub(crate) fn line(&mut self, text: &str) -> Result<(), CliError> {
        self.out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(|error| CliError::write("standard output", &error))
    }

    /// Writes `text` as it is.
    pub(crate) fn text(&mut self, text: &str) -> Result<(), CliError> {
        self.out
            .write_all(text.as_bytes())
            .map_err(|error| CliError::write("standard output", &error))
    }

    pub(crate) fn flush(&mut self) -> Result<(), CliError> {
        self.out
            .flush()
            .map_err(|error| CliError::write("standard output", &error))
    }
}

/// One line of a request stream: its bytes (without the newline), or how
/// long it was when it went past `limit` (the rest of it is skipped, never
/// kept).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line {
    Text(Vec<u8>),
    TooLong(usize),
}

/// Reads the next line of at most `limit` bytes; `None` at the end of input.
pub(crate) fn next_line(
    input: &mut impl BufRead,
    limit: usize,
    line: &mut Vec<u8>,
) -> io::Result<Option<Line>> {
    line.clear();
    let mut length = 0usize;
    let mut any = false;
    loop {
        let buffer = match input.fill_buf() {
            Ok(buffer) => buffer,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if buffer.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match buffer.iter().position(|&byte| byte == b'\n') {
            Some(end) => (buffer.get(..end).unwrap_or(buffer), Some(end + 1)),
            None => (buffer, None),
        };
        length = length.saturating_add(chunk.len());
        if length <= limit {
            line.extend_from_slice(chunk);
        }
        let consumed = done.unwrap_or(chunk.len());
        input.consume(consumed);
        if done.is_some() {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if length > limit {
        line.clear();
        return Ok(Some(Line::TooLong(length)));
    }
    Ok(Some(Line::Text(std::mem::take(line))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_past_the_limit_are_measured_not_kept() {
        let text = b"short\n0123456789abcdef\n\nlast";
        let mut input = io::BufReader::with_capacity(4, &text[..]);
        let mut scratch = Vec::new();
        let mut lines = Vec::new();
        while let Some(line) = next_line(&mut input, 10, &mut scratch).expect("read") {
            lines.push(line);
        }
        assert_eq!(
            lines,
            [
                Line::Text(b"short".to_vec()),
                Line::TooLong(16),
                Line::Text(Vec::new()),
                Line::Text(b"last".to_vec()),
            ]
        );
    }
}

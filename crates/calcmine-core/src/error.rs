//! Errors as values, each carrying the context a user needs to find the problem:
//! the file, and where it applies the record and line.

use std::fmt;
use std::path::PathBuf;

/// Where in the input something happened. Line numbers are 1-based, as editors show them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: Option<u64>,
    pub record: Option<u64>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(rec) = self.record {
            write!(f, " (record {rec})")?;
        }
        Ok(())
    }
}

#[derive(Debug)]
pub enum Error {
    /// An I/O failure on a named path.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A lexicon file that does not parse or does not validate.
    Lexicon {
        file: String,
        line: usize,
        message: String,
    },
    /// Input that could not be read as the format it claims to be.
    Input { at: Location, message: String },
    /// A command-line usage problem that clap cannot see (e.g. a column that does not exist).
    Usage(String),
    /// Writing output failed.
    Output { path: String, message: String },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub fn lexicon(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Error::Lexicon {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
    pub fn input(at: Location, message: impl Into<String>) -> Self {
        Error::Input {
            at,
            message: message.into(),
        }
    }
    pub fn output(path: impl Into<String>, message: impl fmt::Display) -> Self {
        Error::Output {
            path: path.into(),
            message: message.to_string(),
        }
    }
    /// True when the error is a closed pipe on stdout, which a pipeline tool must treat as a
    /// normal end (`calcmine extract big.csv | head`).
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Io { source, .. } => source.kind() == std::io::ErrorKind::BrokenPipe,
            Error::Output { message, .. } => message.contains("Broken pipe"),
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::Lexicon {
                file,
                line,
                message,
            } => write!(f, "{file}:{line}: {message}"),
            Error::Input { at, message } => write!(f, "{at}: {message}"),
            Error::Usage(m) => write!(f, "{m}"),
            Error::Output { path, message } => write!(f, "{path}: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

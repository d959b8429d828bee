//! Readers for benchmark file formats.

pub mod curtois;

/// A malformed input file: names the section and the 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{section}, line {line}: {message}")]
pub struct FormatError {
    pub section: String,
    /// 1-based line number (0 when the problem is not tied to a line).
    pub line: usize,
    pub message: String,
}

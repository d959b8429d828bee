//! Readers for benchmark file formats.

pub mod curtois;
pub mod inrc2;

/// A malformed input file: names the file (when known), the section and the 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// File name or path; empty when the text did not come from a named file.
    pub file: String,
    pub section: String,
    /// 1-based line number (0 when the problem is not tied to a line).
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.file.is_empty() {
            write!(f, "{}: ", self.file)?;
        }
        write!(f, "{}, line {}: {}", self.section, self.line, self.message)
    }
}

impl std::error::Error for FormatError {}

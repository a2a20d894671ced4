//! The one error context of lowering, in the manner of serde_derive's `Ctxt`: every pass and
//! every check pushes its diagnostics here, each located by its YAML path (file, line and
//! column come from `SpecFiles`), and lowering hands back all of them at once. No pass stops at
//! the first problem: a reviewer sees the whole list in one run.

use crate::diagnostics::Diagnostic;
use crate::files::SpecFiles;

/// Every diagnostic found so far, and the files they point into.
pub(super) struct Ctxt<'a> {
    files: &'a SpecFiles,
    errors: Vec<Diagnostic>,
}

impl<'a> Ctxt<'a> {
    pub(super) fn new(files: &'a SpecFiles) -> Self {
        Ctxt {
            files,
            errors: Vec::new(),
        }
    }

    /// A problem with the value at `path`.
    pub(super) fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(self.files.at_value(path, message));
    }

    /// A problem with the key at `path` (a name defined twice, an entry that must go).
    pub(super) fn key_error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(self.files.at_key(path, message));
    }

    /// Where `path` is, as a diagnostic names it (`file:line:column`).
    pub(super) fn place(&self, path: &str) -> String {
        self.files.place(path)
    }

    /// The spec as preambles name it.
    pub(super) fn shown(&self) -> &str {
        &self.files.shown
    }

    /// `value` when nothing was reported, or else every diagnostic.
    pub(super) fn finish<T>(self, value: T) -> Result<T, Vec<Diagnostic>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

//! Writing the generated crate, or checking that it is current, in the manner of
//! rust-analyzer's `ensure_file_contents`: a file is rewritten only when its bytes differ, and
//! files the generator no longer produces are removed.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What `sync` found or did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Files whose contents differ (or were rewritten).
    pub changed: Vec<PathBuf>,
    /// Files that should not exist (or were removed).
    pub removed: Vec<PathBuf>,
}

impl Report {
    /// Whether the output was already current.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Brings `dir` in line with `files` (paths relative to `dir`). With `check`, writes nothing and
/// only reports. Every file below `managed` subdirectories that is not in `files` is stale.
pub fn sync(
    dir: &Path,
    files: &BTreeMap<String, String>,
    managed: &[&str],
    check: bool,
) -> io::Result<Report> {
    let mut report = Report::default();
    for (rel, contents) in files {
        let path = dir.join(rel);
        let current = fs::read(&path).ok();
        if current.as_deref() != Some(contents.as_bytes()) {
            if !check {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&path, contents)?;
            }
            report.changed.push(path);
        }
    }
    for sub in managed {
        let mut existing = Vec::new();
        walk(&dir.join(sub), &mut existing)?;
        for path in existing {
            let rel = path
                .strip_prefix(dir)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            if !files.contains_key(&rel) {
                if !check {
                    fs::remove_file(&path)?;
                }
                report.removed.push(path);
            }
        }
    }
    if !check {
        for sub in managed {
            remove_empty_dirs(&dir.join(sub))?;
        }
    }
    report.changed.sort();
    report.removed.sort();
    Ok(report)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn remove_empty_dirs(dir: &Path) -> io::Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if fs::read_dir(&path)?.next().is_none() {
                fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_checks_and_removes_stale_files() {
        let dir = std::env::temp_dir().join(format!("clientgen-write-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src/old")).unwrap();
        fs::write(dir.join("src/old/gone.rs"), "x").unwrap();
        let files: BTreeMap<String, String> = [("src/lib.rs".to_owned(), "a".to_owned())]
            .into_iter()
            .collect();

        let check = sync(&dir, &files, &["src"], true).unwrap();
        assert_eq!(check.changed, vec![dir.join("src/lib.rs")]);
        assert_eq!(check.removed, vec![dir.join("src/old/gone.rs")]);
        assert!(
            dir.join("src/old/gone.rs").exists(),
            "check mode must not write"
        );

        sync(&dir, &files, &["src"], false).unwrap();
        assert!(!dir.join("src/old").exists());
        assert!(sync(&dir, &files, &["src"], true).unwrap().is_clean());

        fs::write(dir.join("src/lib.rs"), "b").unwrap();
        assert_eq!(sync(&dir, &files, &["src"], true).unwrap().changed.len(), 1);
        let _ = fs::remove_dir_all(&dir);
    }
}

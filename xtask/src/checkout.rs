//! Which checkout a run of `cargo xtask` works on, found when it runs.
//!
//! Nothing about the checkout is compiled in (no `env!("CARGO_MANIFEST_DIR")`): clones that
//! share one `CARGO_TARGET_DIR` share one xtask binary, and a path baked into it would make one
//! clone regenerate another's tree. `cargo` itself finds the workspace by walking up from the
//! current directory, so the same walk finds the checkout `cargo xtask` was invoked in; the
//! binary run by hand finds it the same way.

use std::path::{Path, PathBuf};

/// Whether `dir` is the root of a checkout: its `Cargo.toml` declares the workspace, and
/// `specs/` and `xtask/` stand beside it. A member crate's manifest (`tests/Cargo.toml`) and a
/// crate outside the workspace with a `[workspace]` of its own (`fuzz/`) are passed over.
pub fn is_root(dir: &Path) -> bool {
    let declares_workspace = std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|text| {
        text.lines()
            .any(|line| line.split('#').next().unwrap_or("").trim() == "[workspace]")
    });
    declares_workspace && dir.join("specs").is_dir() && dir.join("xtask").is_dir()
}

/// The checkout that holds `start`: `start` itself or its nearest ancestor that is a root.
pub fn find(start: &Path) -> Result<PathBuf, String> {
    start
        .ancestors()
        .find(|dir| is_root(dir))
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "cannot find the checkout: neither {} nor a directory above it has a \
                 `Cargo.toml` with `[workspace]` beside `specs/` and `xtask/`; run `cargo \
                 xtask` inside a clone of the project",
                start.display()
            )
        })
}

/// The checkout that holds the current directory.
pub fn current() -> Result<PathBuf, String> {
    let cwd = std::env::current_dir()
        .map_err(|e| format!("cannot find the checkout: no current directory ({e})"))?;
    find(&cwd)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch directory of its own for one test, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("xtask-checkout-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        fn file(&self, rel: &str, text: &str) {
            let path = self.0.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }

        fn dir(&self, rel: &str) -> PathBuf {
            let path = self.0.join(rel);
            std::fs::create_dir_all(&path).unwrap();
            path
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A checkout's shape: workspace manifest, `specs/`, `xtask/`, and member crates.
    fn checkout(s: &Scratch) {
        s.file(
            "Cargo.toml",
            "[workspace] # all crates\nmembers = [\"tests\", \"xtask\"]\n",
        );
        s.file("tests/Cargo.toml", "[package]\nname = \"t\"\n");
        s.dir("specs/teamleader_v2");
        s.dir("xtask/src");
    }

    #[test]
    fn found_from_the_root_and_from_any_directory_below_it() {
        let s = Scratch::new("below");
        checkout(&s);
        assert_eq!(find(&s.0).unwrap(), s.0);
        // The member crate `tests/` has a manifest of its own, which is passed over.
        for below in ["tests", "specs/teamleader_v2", "xtask/src"] {
            assert_eq!(find(&s.0.join(below)).unwrap(), s.0, "from {below}");
        }
    }

    #[test]
    fn a_nested_workspace_without_specs_is_passed_over() {
        let s = Scratch::new("nested");
        checkout(&s);
        // `fuzz/` is a workspace of its own, outside the project's.
        s.file(
            "fuzz/Cargo.toml",
            "[package]\nname = \"f\"\n\n[workspace]\n",
        );
        s.dir("fuzz/specs");
        assert_eq!(find(&s.dir("fuzz/fuzz_targets")).unwrap(), s.0);
    }

    #[test]
    fn a_clone_inside_a_clone_is_its_own_checkout() {
        let s = Scratch::new("inner");
        checkout(&s);
        let inner = Scratch(s.dir("work/clone"));
        checkout(&inner);
        assert_eq!(find(&inner.0.join("specs")).unwrap(), inner.0);
    }

    #[test]
    fn outside_a_checkout_is_a_clear_error() {
        let s = Scratch::new("outside");
        // Near misses: a workspace without `specs/`, and `specs/` beside a member manifest.
        s.file("a/Cargo.toml", "[workspace]\n");
        s.dir("a/xtask");
        s.file("b/Cargo.toml", "[package]\nname = \"b\"\n# [workspace]\n");
        s.dir("b/specs");
        s.dir("b/xtask");
        for start in [s.0.clone(), s.0.join("a"), s.0.join("b")] {
            let err = find(&start).unwrap_err();
            assert!(err.starts_with("cannot find the checkout"), "{err}");
            assert!(err.contains(&start.display().to_string()), "{err}");
            assert!(err.contains("`[workspace]`"), "{err}");
        }
    }
}

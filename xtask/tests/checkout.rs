//! The xtask binary works on the checkout it is run in, found at run time: run inside another
//! tree that has the shape of a checkout, it writes there and nowhere else; run outside any
//! checkout, it fails saying so.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A scratch directory of its own for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("xtask-run-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the xtask binary in `dir`, with nothing in its environment that names a checkout.
fn xtask(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(dir)
        .args(args)
        .env_remove("CARGO_MANIFEST_DIR")
        .env_remove("CARGO_WORKSPACE_DIR")
        .output()
        .unwrap()
}

#[test]
fn writes_into_the_checkout_it_runs_in() {
    let s = Scratch::new("other");
    std::fs::write(s.0.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    std::fs::create_dir_all(s.0.join("specs/part")).unwrap();
    std::fs::create_dir_all(s.0.join("xtask")).unwrap();
    // From a directory below the root, as `cargo xtask` is often run.
    let out = xtask(&s.0.join("specs/part"), &["schema"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(s.0.join(clientgen::schema::SCHEMA_PATH)).unwrap();
    assert_eq!(written, clientgen::schema::spec_schema_text());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("wrote {}\n", clientgen::schema::SCHEMA_PATH)
    );
    // And the same tree is what `--check` then reads.
    let out = xtask(&s.0, &["schema", "--check"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("is up to date\n"));
}

#[test]
fn outside_a_checkout_it_fails_saying_so() {
    let s = Scratch::new("outside");
    let out = xtask(&s.0, &["gen", "--check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("cannot find the checkout"), "{err}");
    assert!(err.contains(&s.0.display().to_string()), "{err}");
    assert!(out.stdout.is_empty());
    assert!(!s.0.join("generated").exists() && !s.0.join("specs").exists());
}

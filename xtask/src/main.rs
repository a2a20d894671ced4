//! Project automation. `cargo xtask gen` regenerates everything derived from `specs/`: the
//! client crate `generated/`, the fixture modules and the OpenAPI documents `openapi/`.
//! `cargo xtask openapi` does only the last. With `--check` either writes nothing and fails when
//! its output is stale. One command for a spec author to remember; a narrower one for CI steps
//! and for whoever works on the export alone.
//!
//! The checkout to work on is found when the command runs, never baked in at build time: two
//! clones sharing one `CARGO_TARGET_DIR` share one xtask binary, and a path compiled into it
//! would make one clone regenerate the other's tree.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The workspace root this run belongs to: `cargo run` sets `CARGO_MANIFEST_DIR` to the xtask
/// package of the checkout it was invoked in (its parent is the root); run directly, the
/// nearest ancestor of the current directory that holds the workspace manifest and `specs/`.
fn checkout() -> Option<PathBuf> {
    let is_root = |dir: &Path| dir.join("Cargo.toml").is_file() && dir.join("specs").is_dir();
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        let root = Path::new(&dir).parent().map(Path::to_path_buf)?;
        return is_root(&root).then_some(root);
    }
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors().find(|d| is_root(d)).map(Path::to_path_buf)
}

/// What a run does.
#[derive(Clone, Copy)]
enum Task {
    /// `generated/`, the fixture modules and `openapi/`.
    Gen,
    /// `openapi/` only.
    OpenApi,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, mode) = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen"] => (Task::Gen, clientgen::Mode::Write),
        ["gen", "--check"] => (Task::Gen, clientgen::Mode::Check),
        ["openapi"] => (Task::OpenApi, clientgen::Mode::Write),
        ["openapi", "--check"] => (Task::OpenApi, clientgen::Mode::Check),
        _ => {
            eprintln!("usage: cargo xtask gen [--check] | cargo xtask openapi [--check]");
            return ExitCode::from(2);
        }
    };
    let Some(root) = checkout() else {
        eprintln!(
            "cannot find the checkout: run `cargo xtask` inside it (a directory with \
             `Cargo.toml` and `specs/`)"
        );
        return ExitCode::FAILURE;
    };
    let mut failed = false;
    if let Task::Gen = task {
        match clientgen::run(&root, mode) {
            Ok(report) => print_report(&root, &report, "generated/"),
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    match clientgen::openapi::run(&root, mode) {
        Ok(report) => print_report(&root, &report, "openapi/"),
        Err(e) => {
            eprintln!("{e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_report(root: &Path, report: &clientgen::write::Report, what: &str) {
    for p in &report.changed {
        println!("wrote {}", p.strip_prefix(root).unwrap_or(p).display());
    }
    for p in &report.removed {
        println!("removed {}", p.strip_prefix(root).unwrap_or(p).display());
    }
    if report.is_clean() {
        println!("{what} is up to date");
    }
}

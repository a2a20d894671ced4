//! Project automation. `cargo xtask gen` regenerates `generated/` from `specs/`;
//! `cargo xtask gen --check` writes nothing and fails when `generated/` is stale.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen"] => clientgen::Mode::Write,
        ["gen", "--check"] => clientgen::Mode::Check,
        _ => {
            eprintln!("usage: cargo xtask gen [--check]");
            return ExitCode::from(2);
        }
    };
    // xtask lives one level below the workspace root.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    match clientgen::run(&root, mode) {
        Ok(report) => {
            for p in &report.changed {
                println!("wrote {}", p.strip_prefix(&root).unwrap_or(p).display());
            }
            for p in &report.removed {
                println!("removed {}", p.strip_prefix(&root).unwrap_or(p).display());
            }
            if report.is_clean() {
                println!("generated/ is up to date");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

//! Accepted implies compiles: generates `CLIENTGEN_ACCEPTED_CASES` random specs from
//! `CLIENTGEN_ACCEPTED_SEED` (`specgen.rs`), loads each with the real loader, and writes the
//! output of every accepted one into `OUT_DIR/cases.rs` as an inline module `case_<n>`, which
//! `src/lib.rs` includes. The workspace's own `cargo test`, `cargo clippy -D warnings` and
//! `cargo doc -D warnings` then check the generated code; no nested cargo, no second copy of
//! the dependencies.
//!
//! This script fails the build itself when the loader panics, when a refusal has a diagnostic
//! without a file, YAML path, line and column, or when an accepted spec does not emit Rust.
//! Each case's spec is written to `OUT_DIR/case_<n>.yaml`, and its module starts with a
//! comment naming that file, so a compiler error inside `case_<n>` leads to its spec; the seed
//! and the case number reproduce it exactly.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "specgen.rs"]
mod specgen;

/// The batch `.ci/run` checks: fixed, so that CI is deterministic.
const DEFAULT_SEED: u64 = 1;
/// Enough cases to reach every construct of the generator, few enough for CI (README,
/// "Testing").
const DEFAULT_CASES: u64 = 40;

fn env_u64(name: &str, default: u64) -> u64 {
    println!("cargo:rerun-if-env-changed={name}");
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not an unsigned integer")),
        Err(_) => default,
    }
}

/// Puts the files of one generated module into one inline module: each `mod x;` line of
/// `mod.rs` becomes `mod x { <x.rs> }`.
fn inline(module: &str, files: &std::collections::BTreeMap<String, String>) -> String {
    let root = &files[&format!("{module}/mod.rs")];
    let mut out = String::new();
    for line in root.lines() {
        let decl = line.strip_suffix(';').and_then(|l| {
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))
        });
        match decl.and_then(|name| files.get(&format!("{module}/{name}.rs")).map(|f| (name, f))) {
            Some((name, text)) => {
                let vis = if line.starts_with("pub ") { "pub " } else { "" };
                let _ = writeln!(out, "{vis}mod {name} {{\n{text}\n}}");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=specgen.rs");
    let seed = env_u64("CLIENTGEN_ACCEPTED_SEED", DEFAULT_SEED);
    let cases = env_u64("CLIENTGEN_ACCEPTED_CASES", DEFAULT_CASES);
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut modules = String::new();
    let mut refused = String::new();
    let mut accepted = Vec::new();
    let mut problems = Vec::new();
    for case in 0..cases {
        let text = specgen::spec(seed, case);
        let name = format!("case_{case}.yaml");
        let yaml = out_dir.join(&name);
        std::fs::write(&yaml, &text).expect("OUT_DIR is writable");
        let file = Path::new(&name);
        let loaded =
            std::panic::catch_unwind(|| clientgen::load_str(file, &text)).map_err(|panic| {
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            });
        match loaded {
            Err(panic) => {
                problems.push(format!("{}: the loader panicked: {panic}", yaml.display()))
            }
            Ok(Err(diagnostics)) => {
                let _ = writeln!(refused, "== case {case} ({})", yaml.display());
                for d in &diagnostics.0 {
                    let _ = writeln!(refused, "{d}");
                    if d.file != file || d.path.is_empty() || d.position.is_none() {
                        problems.push(format!(
                            "{}: a diagnostic without file, path, line and column: {d:?}",
                            yaml.display()
                        ));
                    }
                }
            }
            Ok(Ok(api)) => {
                let module = api.module.clone();
                match clientgen::api_sources(&api, &name) {
                    Err(e) => problems.push(format!("{}: emit failed: {e}", yaml.display())),
                    Ok(files) => {
                        let _ = writeln!(
                            modules,
                            "// The spec of this case: {} (seed {seed}, case {case}).\n\
                             #[rustfmt::skip]\npub mod case_{case} {{\n{}\n}}\n",
                            yaml.display(),
                            inline(&module, &files)
                        );
                        accepted.push(case);
                    }
                }
            }
        }
    }
    std::fs::write(out_dir.join("refused.txt"), &refused).expect("OUT_DIR is writable");
    let _ = writeln!(
        modules,
        "/// The seed of this batch.\npub const SEED: u64 = {seed};\n\
         /// How many specs were generated.\npub const CASES: u64 = {cases};\n\
         /// The cases the loader accepted, whose modules are above.\n\
         pub const ACCEPTED: &[u64] = &{accepted:?};\n\
         /// What the loader said about the refused cases.\n\
         pub const REFUSED: &str = include_str!({:?});",
        out_dir.join("refused.txt").display().to_string()
    );
    std::fs::write(out_dir.join("cases.rs"), modules).expect("OUT_DIR is writable");
    if !problems.is_empty() {
        for p in &problems {
            println!("cargo:warning={p}");
        }
        panic!(
            "{} of {cases} random specs (seed {seed}) broke the loader's promise:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

//! Project automation. `cargo xtask gen` regenerates everything derived from the specs and the
//! spec language: the client crate `generated/`, the fixture modules, the OpenAPI documents
//! `openapi/` and the editor schema `specs/schema.json`; with `--check` it writes nothing and
//! fails, naming each stale file, when any of them is stale. `cargo xtask openapi [--check]` and
//! `cargo xtask schema [--check]` do one part alone. One command for a spec author to remember,
//! narrower ones for whoever works on one output.
//! `cargo xtask diff [<git-rev>] [--deny breaking]` prints what the spec changes since `rev`
//! (default: the merge base with `main`) do to callers and to deployed clients, as Markdown.
//!
//! The checkout to work on is found when the command runs, never baked in at build time: two
//! clones sharing one `CARGO_TARGET_DIR` share one xtask binary, and a path compiled into it
//! would make one clone regenerate the other's tree (see `checkout`).

mod checkout;

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask gen [--check]\n       cargo xtask openapi [--check]\n       cargo xtask schema [--check]\n       cargo xtask diff [<git-rev>] [--deny breaking]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = match checkout::current() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match args.as_slice() {
        ["gen"] => generate(&root, clientgen::Mode::Write),
        ["gen", "--check"] => generate(&root, clientgen::Mode::Check),
        ["openapi"] => exit(openapi(&root, clientgen::Mode::Write)),
        ["openapi", "--check"] => exit(openapi(&root, clientgen::Mode::Check)),
        ["diff", rest @ ..] => diff(&root, rest),
        ["schema"] => exit(schema(&root, false)),
        ["schema", "--check"] => exit(schema(&root, true)),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Exit status of `diff --deny breaking` when something breaks, distinct from a failure (1)
/// and a usage error (2).
const BREAKING: u8 = 3;

fn diff(root: &Path, args: &[&str]) -> ExitCode {
    let mut rev = None;
    let mut deny = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--deny" => match rest.next() {
                Some(&"breaking") => deny = true,
                _ => {
                    eprintln!("`--deny` takes `breaking`\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            a if a.starts_with('-') || rev.is_some() => {
                eprintln!("unexpected `{a}`\n{USAGE}");
                return ExitCode::from(2);
            }
            a => rev = Some(a.to_owned()),
        }
    }
    let rev = match rev {
        Some(rev) => rev,
        None => match clientgen::diff::merge_base(root) {
            Some(base) => base,
            None => {
                println!(
                    "No merge base with `main` (no such branch, or no common history): \
                     nothing to compare. Give a revision: `cargo xtask diff <git-rev>`."
                );
                return ExitCode::SUCCESS;
            }
        },
    };
    match clientgen::diff::run(root, &rev) {
        Ok(report) => {
            print!("{}", report.markdown());
            let breaking = report.breaking();
            if deny && breaking > 0 {
                eprintln!(
                    "{breaking} breaking change{} to the Rust API (--deny breaking)",
                    if breaking == 1 { "" } else { "s" }
                );
                return ExitCode::from(BREAKING);
            }
            if deny && report.incomplete() {
                eprintln!("some specs could not be compared, so none may break (--deny breaking)");
                return ExitCode::from(BREAKING);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Writes or checks `specs/schema.json`; `false` when it failed or is stale.
fn schema(root: &Path, check: bool) -> bool {
    let path = root.join(clientgen::schema::SCHEMA_PATH);
    let text = clientgen::schema::spec_schema_text();
    let current = std::fs::read_to_string(&path).ok();
    if current.as_deref() == Some(text.as_str()) {
        println!("{} is up to date", clientgen::schema::SCHEMA_PATH);
        return true;
    }
    if check {
        eprintln!(
            "{} is out of date with codegen/src/spec.rs: run `cargo xtask gen` and commit the \
             result",
            clientgen::schema::SCHEMA_PATH
        );
        return false;
    }
    match std::fs::write(&path, text) {
        Ok(()) => {
            println!("wrote {}", clientgen::schema::SCHEMA_PATH);
            true
        }
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            false
        }
    }
}

/// Writes or checks `openapi/`; `false` when it failed or is stale.
fn openapi(root: &Path, mode: clientgen::Mode) -> bool {
    match clientgen::openapi::run(root, mode) {
        Ok(report) => {
            print_report(root, &report, "openapi/");
            true
        }
        Err(e) => {
            eprintln!("{e}");
            false
        }
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `generated/`, the fixture modules, `openapi/` and the schema: every part is tried, so one run
/// reports everything that is stale.
fn generate(root: &Path, mode: clientgen::Mode) -> ExitCode {
    let crate_ok = match clientgen::run(root, mode) {
        Ok(report) => {
            print_report(root, &report, "generated/");
            true
        }
        Err(e) => {
            eprintln!("{e}");
            false
        }
    };
    let openapi_ok = openapi(root, mode);
    let schema_ok = schema(root, matches!(mode, clientgen::Mode::Check));
    exit(crate_ok && openapi_ok && schema_ok)
}

/// Prints what a run wrote or removed (in check mode a stale tree is an error, not a report).
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

//! The generator: load the YAML specs, validate them, lower them to one intermediate model with
//! resolved Rust names, emit tokens with `quote`, format with `prettyplease`, and write (or
//! check) the generated crate.
//!
//! `cargo xtask gen` calls [`run`]; the snapshot tests call the smaller steps.

pub mod diagnostics;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod facts;
pub mod files;
pub mod ir;
pub mod lower;
pub mod naming;
pub mod openapi;
pub mod recursion;
pub mod render;
pub mod schema;
pub mod spec;
pub mod summary;
pub mod typeexpr;
pub mod write;
pub mod yaml;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use diagnostics::{Diagnostic, Diagnostics};
pub use render::COMMAND;

/// Parses and lowers one spec file. `file` is the name diagnostics use.
pub fn load_str(file: &Path, text: &str) -> Result<ir::Api, Diagnostics> {
    let (spec, map) = yaml::parse::<spec::Spec>(file, text).map_err(|d| Diagnostics(d).sorted())?;
    let files = files::SpecFiles::single(file, &spec, map);
    lower::lower(&files, &spec).map_err(|d| Diagnostics(d).sorted())
}

/// Parses and lowers a spec folder given as `(name as diagnostics show it, text)` per file:
/// `api.yaml` first, then the other files in name order. `folder` names the spec as a whole.
pub fn load_texts(folder: &Path, texts: &[(PathBuf, String)]) -> Result<ir::Api, Diagnostics> {
    let (spec, files) = files::merge(folder, texts).map_err(|d| Diagnostics(d).sorted())?;
    lower::lower(&files, &spec).map_err(|d| Diagnostics(d).sorted())
}

/// The specs in `dir`: every `*.yaml` file and every folder, in name order.
pub fn spec_paths(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::Io(dir.to_owned(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Loads the spec at `root/rel`, a file or a folder; diagnostics name files below `rel`.
pub fn load_spec(root: &Path, rel: &Path) -> Result<ir::Api, Error> {
    let path = root.join(rel);
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| Error::Io(p.to_owned(), e));
    if !path.is_dir() {
        return load_str(rel, &read(&path)?).map_err(Error::Specs);
    }
    let mut parts: Vec<PathBuf> = std::fs::read_dir(&path)
        .map_err(|e| Error::Io(path.clone(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml"))
        .filter(|p| p.file_name().is_some_and(|n| n != files::API_FILE))
        .collect();
    parts.sort();
    let api_file = path.join(files::API_FILE);
    let mut texts = Vec::new();
    if api_file.is_file() {
        texts.push((rel.join(files::API_FILE), read(&api_file)?));
    }
    for p in parts {
        texts.push((rel.join(p.file_name().unwrap_or_default()), read(&p)?));
    }
    // A folder without `api.yaml` (parts alone, or no YAML at all) has no top level.
    if !texts
        .first()
        .is_some_and(|(name, _)| name.ends_with(files::API_FILE))
    {
        return Err(Error::Specs(Diagnostics(vec![Diagnostic {
            file: rel.to_owned(),
            path: String::new(),
            position: None,
            message: format!(
                "a spec folder needs an `{}` with the top-level keys",
                files::API_FILE
            ),
        }])));
    }
    load_texts(rel, &texts).map_err(Error::Specs)
}

/// Loads every spec in `root/dir` (see [`spec_paths`]), reporting the problems of all of them
/// together. Diagnostics name files as `dir/<name>`.
pub fn load_dir(root: &Path, dir: &str) -> Result<Vec<ir::Api>, Error> {
    let mut apis = Vec::new();
    let mut problems = Vec::new();
    for path in spec_paths(&root.join(dir))? {
        let rel = Path::new(dir).join(path.file_name().unwrap_or_default());
        match load_spec(root, &rel) {
            Ok(api) => apis.push(api),
            Err(Error::Specs(d)) => problems.extend(d.0),
            Err(e) => return Err(e),
        }
    }
    let mut seen = BTreeMap::new();
    for api in &apis {
        if let Some(first) = seen.insert(api.module.clone(), api.source.clone()) {
            // The later spec is the one to rename; a folder's `api` key is in its `api.yaml`.
            let file = match api.source.strip_suffix('/') {
                Some(folder) => Path::new(folder).join(files::API_FILE),
                None => PathBuf::from(&api.source),
            };
            problems.push(Diagnostic {
                file,
                path: "api".to_owned(),
                position: None,
                message: format!(
                    "`api: {}` is declared by {first} too: every spec needs its own module name",
                    api.module
                ),
            });
        }
    }
    if problems.is_empty() {
        Ok(apis)
    } else {
        Err(Error::Specs(Diagnostics(problems).sorted()))
    }
}

/// The Rust files of one API module, formatted, by path below `src/`. `source` names the spec
/// in each file's preamble.
pub fn api_sources(api: &ir::Api, source: &str) -> Result<BTreeMap<String, String>, Error> {
    emit::api_files(api)
        .iter()
        .map(|f| {
            Ok((
                f.path.clone(),
                render::rust(f, source).map_err(Error::Emit)?,
            ))
        })
        .collect()
}

/// Every file of the generated crate, by path relative to `generated/`.
pub fn crate_files(apis: &[ir::Api]) -> Result<BTreeMap<String, String>, Error> {
    let mut files = BTreeMap::new();
    for api in apis {
        for (path, text) in api_sources(api, &api.source)? {
            files.insert(format!("src/{path}"), text);
        }
    }
    let lib = emit::lib_file(apis);
    files.insert(
        "src/lib.rs".to_owned(),
        render::rust(&lib, "specs/*.yaml").map_err(Error::Emit)?,
    );
    files.insert("Cargo.toml".to_owned(), manifest(apis));
    Ok(files)
}

/// The generated crate's manifest: one feature per API, all on by default, and `redis`, off.
fn manifest(apis: &[ir::Api]) -> String {
    let features: Vec<&str> = apis.iter().map(|a| a.module.as_str()).collect();
    let quoted: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
    let mut out = format!(
        "# {}\n\n[package]\nname = \"saas-clients\"\nversion = \"0.1.0\"\n\
         description = \"Typed async clients generated from reviewed YAML specs.\"\n\
         edition.workspace = true\nrust-version.workspace = true\nlicense.workspace = true\n\
         publish.workspace = true\n\n[features]\ndefault = [{}]\n",
        render::preamble("specs/*.yaml"),
        quoted.join(", ")
    );
    for f in &features {
        out.push_str(&format!("{f} = []\n"));
    }
    // Off by default: the shared rate limit and OAuth2 session on Redis (README, "Several
    // processes, one key").
    out.push_str("redis = [\"clientgen-runtime/redis\"]\n");
    // Off by default: a `mock` module per API, a local server for the user's own tests.
    out.push_str("mock = [\"clientgen-runtime/mock\"]\n");
    out.push_str(
        "\n[dependencies]\nclientgen-runtime = { workspace = true }\nserde = { workspace = true }\n\
         serde_json = { workspace = true }\nchrono = { workspace = true }\n\n[lints]\nworkspace = true\n",
    );
    out
}

/// What `run` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write `generated/`.
    Write,
    /// Write nothing; fail if `generated/` is not what the specs produce.
    Check,
}

/// Failures of the generator.
#[derive(Debug)]
pub enum Error {
    /// The specs have problems.
    Specs(Diagnostics),
    /// A file could not be read or written.
    Io(PathBuf, std::io::Error),
    /// An emitter produced tokens that are not Rust (a generator bug).
    Emit(String),
    /// `--check` found files that differ from what the specs produce.
    Stale(write::Report),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Specs(d) => write!(f, "{d}"),
            Error::Io(path, e) => write!(f, "{}: {e}", path.display()),
            Error::Emit(msg) => write!(f, "{msg}"),
            Error::Stale(report) => {
                writeln!(f, "generated/ is out of date with specs/:")?;
                for p in &report.changed {
                    writeln!(f, "  differs: {}", p.display())?;
                }
                for p in &report.removed {
                    writeln!(f, "  no longer generated: {}", p.display())?;
                }
                write!(f, "run `{COMMAND}` and commit the result")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Where the adversarial fixture specs live, and where their output is written so that the
/// tests crate compiles (and clippy checks) it.
pub const FIXTURE_SPECS: &str = "tests/fixtures/specs";
/// Output directory of the fixture specs.
pub const FIXTURE_OUTPUT: &str = "tests/fixtures/generated";

/// Generates `generated/` from `specs/` and the fixture modules from the fixture specs, or
/// checks that both are current.
pub fn run(root: &Path, mode: Mode) -> Result<write::Report, Error> {
    let check = mode == Mode::Check;
    let apis = load_dir(root, "specs")?;
    let fixtures = load_dir(root, FIXTURE_SPECS)?;
    let files = crate_files(&apis)?;
    let mut fixture_files = BTreeMap::new();
    for api in &fixtures {
        for (path, text) in api_sources(api, &api.source)? {
            fixture_files.insert(path, text);
        }
    }
    let out = root.join("generated");
    let mut report =
        write::sync(&out, &files, &["src"], check).map_err(|e| Error::Io(out.clone(), e))?;
    let fixture_out = root.join(FIXTURE_OUTPUT);
    let more = write::sync(&fixture_out, &fixture_files, &[""], check)
        .map_err(|e| Error::Io(fixture_out.clone(), e))?;
    report.changed.extend(more.changed);
    report.removed.extend(more.removed);
    if check && !report.is_clean() {
        return Err(Error::Stale(report));
    }
    Ok(report)
}

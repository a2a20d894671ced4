//! insta snapshots of what the generator produces: the generated code of each fixture spec (one
//! construct each), a readable summary of each real spec for pull-request review, and the
//! diagnostics for each broken spec.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
}

/// The specs of a directory (`*.yaml` files and spec folders), in name order.
fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let files = clientgen::spec_paths(&root().join(dir)).unwrap();
    assert!(!files.is_empty(), "no specs in {dir}");
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn load(path: &Path) -> Result<clientgen::ir::Api, clientgen::Diagnostics> {
    let shown = path.strip_prefix(root()).unwrap();
    match clientgen::load_spec(root(), shown) {
        Ok(api) => Ok(api),
        Err(clientgen::Error::Specs(d)) => Err(d),
        Err(e) => panic!("{e}"),
    }
}

/// The generated module of every fixture spec, all files concatenated in path order.
#[test]
fn fixture_output() {
    for path in yaml_files(clientgen::FIXTURE_SPECS) {
        let api = load(&path).unwrap_or_else(|d| panic!("{d}"));
        let sources = clientgen::api_sources(&api, "snapshot").unwrap();
        let text: String = sources
            .iter()
            .map(|(file, code)| format!("===== {file}\n{code}\n"))
            .collect();
        insta::assert_snapshot!(format!("fixture_{}", stem(&path)), text);
    }
}

/// The operations and types of every real spec, in a few readable lines.
#[test]
fn spec_summaries() {
    for path in yaml_files("specs") {
        let api = load(&path).unwrap_or_else(|d| panic!("{d}"));
        insta::assert_snapshot!(
            format!("summary_{}", stem(&path)),
            clientgen::summary::summary(&api)
        );
    }
}

/// Every broken spec fails with diagnostics naming file, YAML path, line and column; none
/// panics, and none is accepted.
#[test]
fn broken_spec_diagnostics() {
    for path in yaml_files("tests/fixtures/broken") {
        let outcome = std::panic::catch_unwind(|| load(&path));
        let diagnostics = match outcome {
            Ok(Err(d)) => d,
            Ok(Ok(_)) => panic!("{} was accepted", path.display()),
            Err(_) => panic!("{} made the generator panic", path.display()),
        };
        let shown = path.strip_prefix(root()).unwrap();
        for d in &diagnostics.0 {
            assert!(d.position.is_some(), "no line and column in: {d}");
            // A spec folder's diagnostics name the file of the folder the item came from.
            let right_file = if path.is_dir() {
                d.file.parent() == Some(shown) && d.file.extension().is_some_and(|x| x == "yaml")
            } else {
                d.file == shown
            };
            assert!(right_file, "wrong file in: {d}");
        }
        insta::assert_snapshot!(format!("broken_{}", stem(&path)), diagnostics.to_string());
    }
}

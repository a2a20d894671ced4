//! The editor schema (`specs/schema.json`): it is what `codegen/src/spec.rs` produces, every
//! spec file names it on its first line, and every spec validates against it, while a spec with
//! a misspelt key does not. An editor therefore reports what the loader would refuse.

use std::path::{Path, PathBuf};

use clientgen::schema;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
}

/// Every `*.yaml` of a spec directory, spec folders' files included, relative to `dir`.
fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for spec in clientgen::spec_paths(dir).unwrap() {
        if spec.is_dir() {
            let mut parts: Vec<PathBuf> = std::fs::read_dir(&spec)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .collect();
            parts.sort();
            out.extend(parts);
        } else {
            out.push(spec);
        }
    }
    out.iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_owned())
        .collect()
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join(schema::SCHEMA_PATH)).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::new(&value).expect("the schema is valid draft 7")
}

/// The problems the schema finds in one YAML file, each as `path: message`.
fn problems(validator: &jsonschema::Validator, file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    // serde_yaml reads mapping keys such as `200:` as strings here, as JSON needs them.
    let value: serde_json::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: not YAML: {e}", file.display()));
    validator
        .iter_errors(&value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_committed_schema_is_current() {
    let committed = std::fs::read_to_string(root().join(schema::SCHEMA_PATH)).unwrap_or_default();
    assert!(
        committed == schema::spec_schema_text(),
        "{} is out of date with codegen/src/spec.rs: run `cargo xtask schema` and commit the \
         result",
        schema::SCHEMA_PATH
    );
}

#[test]
fn every_spec_file_names_the_schema_on_its_first_line() {
    let dir = root().join("specs");
    let files = spec_files(&dir);
    assert!(files.len() >= 5, "{files:?}");
    for rel in files {
        let shown = rel.display().to_string().replace('\\', "/");
        let text = std::fs::read_to_string(dir.join(&rel)).unwrap();
        let first = text.lines().next().unwrap_or("");
        let expected = schema::modeline_for(&shown);
        assert_eq!(first, expected, "first line of specs/{shown}");
        // The relative path resolves to the committed schema from where the file is.
        let target = dir
            .join(&rel)
            .parent()
            .unwrap()
            .join(expected.split("$schema=").nth(1).unwrap());
        assert!(
            target.is_file(),
            "specs/{shown}: {} does not exist",
            target.display()
        );
    }
}

#[test]
fn every_spec_validates_against_the_schema() {
    let validator = validator();
    for dir in ["specs", clientgen::FIXTURE_SPECS] {
        let dir = root().join(dir);
        for rel in spec_files(&dir) {
            let found = problems(&validator, &dir.join(&rel));
            assert!(found.is_empty(), "{}:\n{}", rel.display(), found.join("\n"));
        }
    }
}

#[test]
fn the_schema_refuses_what_the_loader_refuses() {
    let validator = validator();
    let broken = root().join("tests/fixtures/broken");
    for file in ["unknown_key.yaml", "folder_forbidden_key/group.yaml"] {
        assert!(
            !problems(&validator, &broken.join(file)).is_empty(),
            "{file} validates"
        );
    }
    // Against the definition of a whole spec alone, the error names the misspelt key.
    let text = std::fs::read_to_string(root().join(schema::SCHEMA_PATH)).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let definitions = value["definitions"].take();
    let spec_only = serde_json::json!({"$ref": "#/definitions/Spec", "definitions": definitions});
    let spec_validator = jsonschema::draft7::new(&spec_only).unwrap();
    let found = problems(&spec_validator, &broken.join("unknown_key.yaml"));
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("/operations/ping:") && p.contains("methd")),
        "{found:?}"
    );
}

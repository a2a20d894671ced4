//! `specs/README.md` documents every key of the spec language. The keys are read from
//! `specs/schema.json`, which schemars derives from `codegen/src/spec.rs` (and whose freshness
//! `tests/schema.rs` checks), so a key added to the spec model without documentation fails
//! here, naming the key and the README section it belongs in.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
}

/// The README section that documents each object of the spec model, by its schema definition
/// name. A section runs from its heading to the next heading of the same or a higher level, so
/// it includes its subsections.
const SECTIONS: &[(&str, &str)] = &[
    ("Spec", "Top level"),
    ("Part", "One API, several files"),
    ("Source", "Sources and citations"),
    ("Citation", "Sources and citations"),
    ("ClientParam", "`base_url` and `client_params`"),
    ("AuthScheme", "`auth`"),
    ("ErrorSpec", "`errors`"),
    ("RateLimit", "`rate_limit`"),
    ("RateLimitHeaders", "`rate_limit`"),
    ("Retry", "`retry`"),
    ("Note", "`notes`"),
    ("TypeDef", "Types"),
    ("Field", "Objects"),
    ("EnumValue", "Enums"),
    ("Variant", "Unions"),
    ("Operation", "Operations"),
    ("Pagination", "Pagination"),
    ("Param", "Params"),
    ("Body", "Body"),
    ("Response", "Responses"),
    ("FailureIf", "Responses"),
    ("Example", "Examples"),
];

/// The text of the section under the heading `title` (without its `#`s), or `None`.
fn section<'a>(readme: &'a str, title: &str) -> Option<&'a str> {
    let level = |line: &str| line.chars().take_while(|&c| c == '#').count();
    let mut start = None;
    let mut offset = 0;
    let mut in_code = false;
    for line in readme.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        let heading = !in_code && level(line) > 0 && line[level(line)..].starts_with(' ');
        if heading {
            match start {
                Some((from, lvl)) if level(line) <= lvl => return Some(&readme[from..offset]),
                None if line[level(line)..].trim() == title => start = Some((offset, level(line))),
                _ => {}
            }
        }
        offset += line.len();
    }
    start.map(|(from, _)| &readme[from..])
}

/// Whether `section` documents `key`: it names it in backticks (a table row, a sentence), or a
/// YAML example in it sets the key on a line with a comment that explains it.
fn documents(section: &str, key: &str) -> bool {
    if section.contains(&format!("`{key}`")) {
        return true;
    }
    let mut in_code = false;
    section.lines().any(|line| {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            return false;
        }
        let entry = line.trim_start().trim_start_matches("- ");
        in_code && entry.starts_with(&format!("{key}:")) && entry.contains(" # ")
    })
}

/// The schema's object definitions and their keys, in the schema's order.
fn model() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(root().join("specs/schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let definitions = schema["definitions"]
        .as_object()
        .expect("specs/schema.json has definitions");
    definitions
        .iter()
        .filter_map(|(name, def)| {
            let keys = def
                .get("properties")?
                .as_object()?
                .keys()
                .cloned()
                .collect();
            Some((name.clone(), keys))
        })
        .collect()
}

#[test]
fn every_key_of_the_spec_model_is_documented() {
    let readme = std::fs::read_to_string(root().join("specs/README.md")).unwrap();
    let model = model();
    // Not vacuous: the model has its objects and the keys everybody uses.
    let keys: usize = model.iter().map(|(_, k)| k.len()).sum();
    assert!(
        model.len() >= 20 && keys >= 100,
        "specs/schema.json has only {} objects with {keys} keys",
        model.len()
    );
    for (object, key) in [
        ("Spec", "operations"),
        ("Operation", "path"),
        ("Field", "type"),
    ] {
        assert!(
            model
                .iter()
                .any(|(o, k)| o == object && k.iter().any(|k| k == key)),
            "`{object}.{key}` is missing from specs/schema.json"
        );
    }
    let mut missing = Vec::new();
    for (object, keys) in &model {
        let Some((_, title)) = SECTIONS.iter().find(|(o, _)| o == object) else {
            missing.push(format!(
                "`{object}` (a new object of the spec model): document it in specs/README.md \
                 and add its section to SECTIONS in tests/spec_readme.rs"
            ));
            continue;
        };
        let Some(text) = section(&readme, title) else {
            missing.push(format!(
                "no section \"{title}\" in specs/README.md for `{object}`"
            ));
            continue;
        };
        for key in keys {
            if !documents(text, key) {
                missing.push(format!(
                    "`{object}.{key}` is not documented under \"{title}\""
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "specs/README.md does not document every key of codegen/src/spec.rs:\n  {}",
        missing.join("\n  ")
    );
}

/// The section reader and the key test see what a reader sees.
#[test]
fn sections_and_keys_are_read_as_written() {
    let readme = "# A\nintro\n## B\n`x` in B\n```yaml\n# not a heading\ny: 1   # why y\nz: 2\n```\n\
                  ### C\n`w` in C\n## D\n`v` in D\n";
    let b = section(readme, "B").unwrap();
    assert!(b.starts_with("## B") && b.contains("`w` in C") && !b.contains("`v`"));
    assert_eq!(section(readme, "C").unwrap(), "### C\n`w` in C\n");
    assert!(section(readme, "not a heading").is_none());
    assert!(section(readme, "E").is_none());
    assert!(documents(b, "x") && documents(b, "w") && documents(b, "y"));
    // A key only set in an example, with nothing said about it, is not documented.
    assert!(!documents(b, "z"));
    assert!(!documents(b, "v"));
}

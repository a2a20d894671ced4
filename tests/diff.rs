//! `cargo xtask diff`: one before/after pair of tiny specs per rule (`tests/fixtures/diff/`,
//! written by its `make_fixtures.py`), each with the strongest effect it must be given and its
//! report snapshotted; and runs over this repository's own history.

use std::path::{Path, PathBuf};
use std::process::Command;

use clientgen::diff::{self, RustImpact as R, SpecInput, WireImpact as W};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives in the workspace root")
}

fn input(rule: &str, side: &str) -> SpecInput {
    let rel = PathBuf::from(format!("tests/fixtures/diff/{rule}/{side}.yaml"));
    let text = std::fs::read_to_string(root().join(&rel)).unwrap();
    SpecInput {
        shown: "fx_diff.yaml".to_owned(),
        folder: false,
        files: vec![(rel, text)],
    }
}

/// Every rule, with the strongest Rust and wire effect among its changes.
const RULES: &[(&str, R, W)] = &[
    ("request_field_required_added", R::Breaking, W::Breaking),
    ("request_field_optional_added", R::Additive, W::None),
    ("response_field_removed", R::Breaking, W::Breaking),
    ("field_type_changed", R::Breaking, W::Breaking),
    ("field_required_to_optional", R::Breaking, W::Breaking),
    ("field_becomes_nullable", R::Breaking, W::Breaking),
    ("request_field_no_longer_nullable", R::None, W::Breaking),
    ("field_renamed_in_rust", R::Breaking, W::None),
    ("form_name_changed", R::None, W::Breaking),
    ("field_deprecated", R::None, W::None),
    ("field_becomes_read_only", R::None, W::Compatible),
    ("enum_value_added", R::Additive, W::Compatible),
    ("enum_value_removed", R::Breaking, W::Compatible),
    ("union_variant_added", R::Breaking, W::Breaking),
    ("union_variants_reordered", R::None, W::Compatible),
    ("type_added", R::Additive, W::None),
    ("type_renamed_in_rust", R::Breaking, W::None),
    ("operation_added", R::Additive, W::None),
    ("operation_removed", R::Breaking, W::Breaking),
    ("operation_method_and_path_changed", R::None, W::Breaking),
    ("operation_no_longer_idempotent", R::None, W::Breaking),
    ("param_required_added", R::Breaking, W::Breaking),
    ("param_optional_added", R::Additive, W::None),
    ("param_becomes_required", R::Breaking, W::Breaking),
    ("param_array_style_changed", R::None, W::Breaking),
    ("arguments_reordered", R::Breaking, W::None),
    ("status_added", R::None, W::None),
    ("envelope_changed", R::None, W::Breaking),
    ("response_type_changed", R::Breaking, W::Breaking),
    ("body_encoding_changed", R::None, W::Breaking),
    ("pagination_added", R::Additive, W::None),
    ("auth_header_changed", R::None, W::Breaking),
    ("auth_scheme_added", R::Breaking, W::Breaking),
    ("client_params_reordered", R::Breaking, W::None),
    ("base_url_changed", R::None, W::Breaking),
    ("failure_status_added", R::None, W::Breaking),
    ("retry_not_processed_dropped", R::None, W::Breaking),
    ("retry_attempts_changed", R::None, W::Compatible),
    ("rate_limit_tightened", R::None, W::Compatible),
    ("rate_limit_headers_added", R::None, W::Compatible),
    ("citation_moved", R::None, W::None),
    ("note_changed", R::None, W::None),
    ("docs_changed", R::None, W::None),
];

fn compare(old: &[SpecInput], new: &[SpecInput]) -> diff::Report {
    diff::compare(old, new, "`before`", "`after`", "0.1.0").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_rule_is_classified_and_reported() {
    let on_disk: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/diff"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        on_disk.len(),
        RULES.len(),
        "a fixture without a rule, or a rule without one"
    );
    let mut wrong = Vec::new();
    for (rule, rust, wire) in RULES {
        let report = compare(&[input(rule, "before")], &[input(rule, "after")]);
        let markdown = report.markdown();
        let changes = report.changes();
        let strongest_rust = changes.iter().map(|c| c.rust).max().unwrap_or(R::None);
        let strongest_wire = changes.iter().map(|c| c.wire).max().unwrap_or(W::None);
        if (strongest_rust, strongest_wire) != (*rust, *wire) {
            wrong.push(format!(
                "{rule}: expected {:?}, got {:?}:\n{markdown}",
                (rust, wire),
                (strongest_rust, strongest_wire)
            ));
            continue;
        }
        assert_eq!(report.breaking() > 0, *rust == R::Breaking, "{rule}");
        let documented =
            markdown.contains("**Citations and notes**") || markdown.contains("**Documentation**");
        assert!(
            !changes.is_empty() || documented,
            "{rule}: nothing reported:\n{markdown}"
        );
        insta::assert_snapshot!(format!("diff_{rule}"), markdown);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn the_bump_follows_the_pre_1_0_rule() {
    assert_eq!(diff::semver_bump("0.1.0", R::Breaking, true).0, "0.2.0");
    assert_eq!(diff::semver_bump("0.1.3", R::Additive, true).0, "0.1.4");
    assert_eq!(diff::semver_bump("0.1.3", R::None, true).0, "0.1.4");
    assert_eq!(diff::semver_bump("0.1.3", R::None, false).0, "0.1.3");
    assert_eq!(diff::semver_bump("1.2.3", R::Breaking, true).0, "2.0.0");
    assert_eq!(diff::semver_bump("1.2.3", R::Additive, true).0, "1.3.0");
    assert_eq!(diff::semver_bump("0.0.3", R::Additive, true).0, "0.0.4");
}

#[test]
fn an_added_and_a_removed_api() {
    let spec = input("type_added", "before");
    let added = compare(&[], std::slice::from_ref(&spec));
    assert_eq!(added.breaking(), 0);
    assert!(added.markdown().contains("New API"), "{}", added.markdown());
    let removed = compare(std::slice::from_ref(&spec), &[]);
    assert_eq!(removed.breaking(), 1);
    assert!(
        removed.markdown().contains("0.1.0 → 0.2.0"),
        "{}",
        removed.markdown()
    );
}

#[test]
fn an_old_spec_that_no_longer_loads_is_reported_not_compared() {
    let mut old = input("type_added", "before");
    old.files[0].1 = old.files[0].1.replace("method: GET", "methd: GET");
    let report = compare(&[old], &[input("type_added", "after")]);
    assert!(report.incomplete());
    let markdown = report.markdown();
    assert!(markdown.contains("Not compared"), "{markdown}");
    assert!(markdown.contains("methd"), "{markdown}");
    // A working tree whose specs do not load is an error, not a report.
    let mut new = input("type_added", "after");
    new.files[0].1.push_str("bogus: 1\n");
    let err =
        diff::compare(&[input("type_added", "before")], &[new], "a", "b", "0.1.0").unwrap_err();
    assert!(err.contains("bogus"), "{err}");
}

/// Whether the repository's history is there (a shallow clone may lack old commits).
fn has_commit(rev: &str) -> bool {
    diff::resolve(root(), rev).is_ok()
}

/// The commit that added `path`, found by content rather than by id, so that the test
/// survives the commit being rebased or merged.
fn commit_adding(path: &str) -> Option<String> {
    let out = Command::new("git")
        .current_dir(root())
        .args(["log", "--diff-filter=A", "--format=%H", "--", path])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().last().map(str::to_owned)
}

/// Real history. `8229a21` (on `main`) overrode Teamup's `NewEvent.remote_id` as not nullable
/// after the wire tests showed `create_event` sending `remote_id: null`: between two fixed
/// commits, so the snapshot does not move with today's specs. The commit that moved the
/// Teamleader v2 spec into a folder must change nothing but the spec's place.
#[test]
fn this_repository_s_history() {
    assert!(
        has_commit("8229a21"),
        "commit 8229a21 is missing: this test needs the repository's full history \
         (`git fetch --unshallow`)"
    );
    let fix = diff::run_revisions(root(), "8229a21^", "8229a21").unwrap();
    let text = fix.markdown();
    assert!(text.contains("`NewEvent.remote_id`"), "{text}");
    assert!(text.contains("old clients send `null`"), "{text}");
    assert_eq!(fix.breaking(), 0, "{text}");
    assert_eq!(fix.wire_breaking(), 1, "{text}");
    insta::assert_snapshot!("diff_history_teamup_remote_id", text);

    let moved = commit_adding("specs/teamleader_v2/api.yaml").expect("the folder's first commit");
    let report = diff::run_revisions(root(), &format!("{moved}^"), &moved).unwrap();
    let text = report.markdown();
    let v2 = report
        .apis
        .iter()
        .find(|a| a.module == "teamleader_v2")
        .expect("teamleader_v2 on both sides");
    assert_eq!(
        v2.source,
        (
            Some("specs/teamleader_v2.yaml".to_owned()),
            Some("specs/teamleader_v2/".to_owned())
        )
    );
    match &v2.diff {
        diff::ApiDiff::Compared {
            changes,
            citations,
            docs,
        } => assert!(
            changes.is_empty() && citations.is_empty() && docs.is_empty(),
            "{text}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        text.contains("The spec moved from `specs/teamleader_v2.yaml` to `specs/teamleader_v2/`"),
        "{text}"
    );
}

/// The command itself, against the working tree: an earlier revision against today's specs
/// makes a report, and `--deny breaking` decides the exit status. Not snapshotted, since
/// today's specs keep changing.
#[test]
fn the_command_against_the_working_tree() {
    assert!(has_commit("8229a21"), "needs the repository's history");
    let report = diff::run(root(), "8229a21^").unwrap();
    assert!(
        report.markdown().starts_with("## Spec changes: `8229a21^`"),
        "{}",
        report.markdown()
    );
    let xtask = Command::new(env!("CARGO"))
        .current_dir(root())
        .args([
            "run", "--quiet", "-p", "xtask", "--", "diff", "8229a21^", "--deny", "breaking",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&xtask.stdout);
    let expected = if report.breaking() > 0 { 3 } else { 0 };
    assert_eq!(
        xtask.status.code(),
        Some(expected),
        "{stdout}\n{}",
        String::from_utf8_lossy(&xtask.stderr)
    );
    assert_eq!(stdout, report.markdown());
}

/// Types refer to each other by their place in a table sorted by name, so a type added in
/// front moves every other type's id: the report still shows the one addition, because the two
/// models are compared by name, never by id.
#[test]
fn a_type_added_in_front_of_the_others_changes_nothing_else() {
    let before = input("type_added", "before");
    let mut after = input("type_added", "after");
    // `Aardvark` sorts before every other type; `Tag` sorted after them.
    after.files[0].1 = after.files[0].1.replace("  Tag:", "  Aardvark:");
    assert!(after.files[0].1.contains("Aardvark"));
    let report = compare(&[before], &[after]);
    let changes = report.changes();
    assert_eq!(changes.len(), 1, "{}", report.markdown());
    assert_eq!((changes[0].rust, changes[0].wire), (R::Additive, W::None));
    assert!(
        changes[0].item.contains("Aardvark"),
        "{}",
        report.markdown()
    );
}

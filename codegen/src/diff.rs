//! `cargo xtask diff <rev>`: what a spec change does to the callers of `saas-clients` and to
//! clients already deployed, as a Markdown report for a pull request.
//!
//! A text diff of the YAML cannot say whether a change breaks anyone; the lowered model can,
//! because it holds the facts the generated code is made of. So both sides, the specs at a git
//! revision and the specs in the working tree, go through the normal loader, and the two
//! models of each API are compared item by item (the private `model` module holds the rules).
//! Citations, notes and documentation do not change the model; they are compared on the parsed
//! spec and listed on their own, so that "a fact moved to another source" is visible too.
//!
//! The revision is read with `git ls-tree` and `git cat-file`, never by checking it out, so the
//! working tree (and any uncommitted edit in it) is left alone.

mod model;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::files::API_FILE;
use crate::ir::Api;

/// The files of one spec: a single file, or a folder (`api.yaml` first, then the parts).
#[derive(Debug, Clone)]
pub struct SpecInput {
    /// The spec as preambles name it, relative to the root: `specs/x.yaml` or `specs/x/`.
    pub shown: String,
    /// Whether the spec is a folder.
    pub folder: bool,
    /// `(path relative to the root, text)` of every file.
    pub files: Vec<(PathBuf, String)>,
}

/// A failure to read one side of the comparison.
#[derive(Debug)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReadError {}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, ReadError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| ReadError(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(ReadError(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

/// The full commit id `rev` names in the repository at `root`.
pub fn resolve(root: &Path, rev: &str) -> Result<String, ReadError> {
    let spec = format!("{rev}^{{commit}}");
    let out = git(root, &["rev-parse", "--verify", "--quiet", &spec])
        .map_err(|_| ReadError(format!("`{rev}` does not name a commit")))?;
    Ok(String::from_utf8_lossy(&out).trim().to_owned())
}

/// `git merge-base HEAD main`, or `None` when there is no such branch or no common commit.
pub fn merge_base(root: &Path) -> Option<String> {
    let out = git(root, &["merge-base", "HEAD", "main"]).ok()?;
    let id = String::from_utf8_lossy(&out).trim().to_owned();
    (!id.is_empty()).then_some(id)
}

/// One entry of `git ls-tree -z`: (is a tree, object id, name relative to the root).
fn ls_tree(root: &Path, rev: &str, dir: &str) -> Result<Vec<(bool, String, String)>, ReadError> {
    let out = git(root, &["ls-tree", "-z", rev, "--", &format!("{dir}/")])?;
    let mut entries = Vec::new();
    for record in out.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        let Some((meta, name)) = record.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split(' ');
        let (_mode, kind, id) = (parts.next(), parts.next(), parts.next());
        if let (Some(kind), Some(id)) = (kind, id) {
            entries.push((kind == "tree", id.to_owned(), name.to_owned()));
        }
    }
    entries.sort_by(|a, b| a.2.cmp(&b.2));
    Ok(entries)
}

fn blob(root: &Path, id: &str, name: &str) -> Result<String, ReadError> {
    let bytes = git(root, &["cat-file", "blob", id])?;
    String::from_utf8(bytes).map_err(|_| ReadError(format!("{name} is not UTF-8")))
}

/// Orders a folder's files as the loader reads them: `api.yaml` first, then by name.
fn folder_order(files: &mut [(PathBuf, String)]) {
    files.sort_by_key(|(p, _)| {
        let is_api = p.file_name().is_some_and(|n| n == API_FILE);
        (!is_api, p.clone())
    });
}

/// The specs of `dir` (relative to the root) at commit `rev`, read the way [`crate::spec_paths`]
/// reads a directory: every `*.yaml` file and every folder's `*.yaml` files.
pub fn read_revision(root: &Path, rev: &str, dir: &str) -> Result<Vec<SpecInput>, ReadError> {
    let mut specs = Vec::new();
    for (tree, id, name) in ls_tree(root, rev, dir)? {
        if tree {
            let mut files = Vec::new();
            for (sub_tree, sub_id, sub_name) in ls_tree(root, rev, &name)? {
                if !sub_tree && sub_name.ends_with(".yaml") {
                    files.push((PathBuf::from(&sub_name), blob(root, &sub_id, &sub_name)?));
                }
            }
            folder_order(&mut files);
            specs.push(SpecInput {
                shown: format!("{name}/"),
                folder: true,
                files,
            });
        } else if name.ends_with(".yaml") {
            specs.push(SpecInput {
                shown: name.clone(),
                folder: false,
                files: vec![(PathBuf::from(&name), blob(root, &id, &name)?)],
            });
        }
    }
    Ok(specs)
}

/// The specs of `dir` (relative to `root`) in the working tree.
pub fn read_worktree(root: &Path, dir: &str) -> Result<Vec<SpecInput>, ReadError> {
    let paths = crate::spec_paths(&root.join(dir)).map_err(|e| ReadError(e.to_string()))?;
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| ReadError(format!("{}: {e}", p.display())))
    };
    let mut specs = Vec::new();
    for path in paths {
        let name = Path::new(dir).join(path.file_name().unwrap_or_default());
        let shown = name.display().to_string().replace('\\', "/");
        if path.is_dir() {
            let mut files = Vec::new();
            let entries = std::fs::read_dir(&path)
                .map_err(|e| ReadError(format!("{}: {e}", path.display())))?;
            for entry in entries.filter_map(Result::ok) {
                let p = entry.path();
                if p.is_file() && p.extension().is_some_and(|x| x == "yaml") {
                    files.push((name.join(entry.file_name()), read(&p)?));
                }
            }
            folder_order(&mut files);
            specs.push(SpecInput {
                shown: format!("{shown}/"),
                folder: true,
                files,
            });
        } else {
            specs.push(SpecInput {
                shown,
                folder: false,
                files: vec![(name, read(&path)?)],
            });
        }
    }
    Ok(specs)
}

/// A spec as the comparison needs it: its lowered model, and the parsed spec as JSON (for
/// citations, notes and documentation, which the model folds into doc text).
struct Loaded {
    api: Api,
    spec: serde_json::Value,
}

fn load(input: &SpecInput) -> Result<Loaded, String> {
    let shown = Path::new(input.shown.trim_end_matches('/'));
    let (api, spec) = if input.folder {
        let has_api_file = input
            .files
            .first()
            .is_some_and(|(p, _)| p.file_name().is_some_and(|n| n == API_FILE));
        if !has_api_file {
            return Err(format!(
                "{}: a spec folder needs an `{API_FILE}`",
                input.shown
            ));
        }
        let api = crate::load_texts(shown, &input.files).map_err(|d| d.to_string())?;
        let (spec, _) = crate::files::merge(shown, &input.files)
            .map_err(|d| crate::Diagnostics(d).to_string())?;
        (api, serde_json::to_value(&spec))
    } else {
        let (path, text) = &input.files[0];
        let api = crate::load_str(path, text).map_err(|d| d.to_string())?;
        let (spec, _) = crate::yaml::parse::<crate::spec::Spec>(path, text)
            .map_err(|d| crate::Diagnostics(d).to_string())?;
        (api, serde_json::to_value(&spec))
    };
    Ok(Loaded {
        api,
        spec: spec.map_err(|e| e.to_string())?,
    })
}

/// What a change does to code that calls the generated API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RustImpact {
    /// Nothing a caller can notice at compile time.
    None,
    /// New items; existing callers compile as before.
    Additive,
    /// Existing callers may no longer compile, or compile and mean something else.
    Breaking,
}

/// What a change means for a client generated from the old spec and already deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WireImpact {
    /// It sends and decodes as the new spec says.
    None,
    /// It behaves differently from a new client but keeps working.
    Compatible,
    /// It sends what the API no longer accepts, or fails to decode what the API now sends.
    Breaking,
}

/// One change of the lowered model.
#[derive(Debug, Clone)]
pub struct Change {
    /// The item, as Markdown: `` `NewEvent.remote_id` ``.
    pub item: String,
    /// What changed.
    pub what: String,
    /// The effect on callers.
    pub rust: RustImpact,
    /// Why, when it is not obvious.
    pub rust_why: String,
    /// The effect on deployed clients.
    pub wire: WireImpact,
    /// Why.
    pub wire_why: String,
}

/// A change of a citation, a note or documentation.
#[derive(Debug, Clone)]
pub struct DocChange {
    /// The item, as a YAML path of the spec (`operations.get_event`).
    pub item: String,
    /// The key that changed (`cite`, `note`, `docs`, ...).
    pub key: String,
    /// The value before, as text; `None` when added.
    pub before: Option<String>,
    /// The value after; `None` when removed.
    pub after: Option<String>,
}

/// The comparison of one API.
#[derive(Debug, Clone)]
pub enum ApiDiff {
    /// Present only in the new specs.
    Added {
        /// Operations and types it brings.
        operations: usize,
        /// Types it brings.
        types: usize,
    },
    /// Present only in the old specs.
    Removed,
    /// Present in both.
    Compared {
        /// Model changes.
        changes: Vec<Change>,
        /// Citation and note changes.
        citations: Vec<DocChange>,
        /// Documentation changes.
        docs: Vec<DocChange>,
    },
    /// One side does not load with today's loader.
    Unreadable {
        /// Which side and why.
        problem: String,
    },
}

/// One API's section of the report.
#[derive(Debug, Clone)]
pub struct ApiReport {
    /// Module name (or the spec path, when it did not load).
    pub module: String,
    /// Where the spec was, and is.
    pub source: (Option<String>, Option<String>),
    /// The comparison.
    pub diff: ApiDiff,
}

/// The whole comparison.
#[derive(Debug, Clone)]
pub struct Report {
    /// What the old side is (`` `main` (`1a2b3c4`) ``).
    pub old_label: String,
    /// What the new side is.
    pub new_label: String,
    /// Per API, by module name.
    pub apis: Vec<ApiReport>,
    /// The version of `saas-clients` the bump starts from.
    pub version: String,
}

/// Compares two sets of specs. A spec that does not load on the new side is an error (fix it
/// first); one that does not load on the old side is reported as not comparable.
pub fn compare(
    old: &[SpecInput],
    new: &[SpecInput],
    old_label: &str,
    new_label: &str,
    version: &str,
) -> Result<Report, String> {
    let mut old_apis: BTreeMap<String, (String, Loaded)> = BTreeMap::new();
    let mut old_broken: Vec<(String, String)> = Vec::new();
    for input in old {
        match load(input) {
            Ok(l) => {
                old_apis.insert(l.api.module.clone(), (input.shown.clone(), l));
            }
            Err(e) => old_broken.push((input.shown.clone(), e)),
        }
    }
    let mut new_apis: BTreeMap<String, (String, Loaded)> = BTreeMap::new();
    let mut problems = String::new();
    for input in new {
        match load(input) {
            Ok(l) => {
                new_apis.insert(l.api.module.clone(), (input.shown.clone(), l));
            }
            Err(e) => {
                let _ = writeln!(problems, "{e}");
            }
        }
    }
    if !problems.is_empty() {
        return Err(format!("the specs of {new_label} do not load:\n{problems}"));
    }
    let mut apis = Vec::new();
    let modules: BTreeSet<&String> = old_apis.keys().chain(new_apis.keys()).collect();
    for module in modules {
        let report = match (old_apis.get(module), new_apis.get(module)) {
            (Some((os, o)), Some((ns, n))) => ApiReport {
                module: module.clone(),
                source: (Some(os.clone()), Some(ns.clone())),
                diff: ApiDiff::Compared {
                    changes: model::compare(&o.api, &n.api),
                    citations: doc_changes(&o.spec, &n.spec, true),
                    docs: doc_changes(&o.spec, &n.spec, false),
                },
            },
            (None, Some((ns, n))) => {
                // A spec that existed but did not load: not comparable, rather than "added".
                if let Some((_, e)) = old_broken.iter().find(|(s, _)| {
                    s.trim_end_matches('/').trim_end_matches(".yaml")
                        == ns.trim_end_matches('/').trim_end_matches(".yaml")
                }) {
                    ApiReport {
                        module: module.clone(),
                        source: (None, Some(ns.clone())),
                        diff: ApiDiff::Unreadable {
                            problem: format!(
                                "the spec at {old_label} does not load with today's \
                                 generator:\n{e}"
                            ),
                        },
                    }
                } else {
                    ApiReport {
                        module: module.clone(),
                        source: (None, Some(ns.clone())),
                        diff: ApiDiff::Added {
                            operations: n.api.operations.len(),
                            types: n.api.types.len(),
                        },
                    }
                }
            }
            (Some((os, _)), None) => ApiReport {
                module: module.clone(),
                source: (Some(os.clone()), None),
                diff: ApiDiff::Removed,
            },
            (None, None) => continue,
        };
        apis.push(report);
    }
    for (shown, e) in &old_broken {
        let stem = shown.trim_end_matches('/').trim_end_matches(".yaml");
        let matched = apis.iter().any(|a| {
            a.source
                .1
                .as_deref()
                .is_some_and(|s| s.trim_end_matches('/').trim_end_matches(".yaml") == stem)
        });
        if !matched {
            apis.push(ApiReport {
                module: shown.clone(),
                source: (Some(shown.clone()), None),
                diff: ApiDiff::Unreadable {
                    problem: format!(
                        "the spec at {old_label} does not load with today's generator, and \
                         the working tree has no spec of that name:\n{e}"
                    ),
                },
            });
        }
    }
    Ok(Report {
        old_label: old_label.to_owned(),
        new_label: new_label.to_owned(),
        apis,
        version: version.to_owned(),
    })
}

/// Keys that hold citations and notes, and keys that hold documentation only: neither
/// changes the lowered model's behaviour, so they are compared here, on the parsed spec.
const CITATION_KEYS: &[&str] = &["cite", "note", "notes", "sources"];
const DOC_KEYS: &[&str] = &[
    "docs", "summary", "title", "default", "headers", "examples", "text",
];

/// The keys whose maps are keyed by names the spec chooses (a field called `title`), not by
/// keys of the spec language.
const NAMED_MAPS: &[&str] = &[
    "types",
    "fields",
    "operations",
    "params",
    "variants",
    "responses",
    "client_params",
    "auth",
    "global_params",
];

/// Flattens the documentation leaves of a parsed spec: `(item path, key) -> value`. Lists of
/// objects are keyed by their `id`, `name` or `value` so that reordering is not a change.
/// `named`: the keys of this object are names, not spec keys.
fn doc_leaves(
    value: &serde_json::Value,
    path: &str,
    named: bool,
    out: &mut BTreeMap<(String, String), String>,
) {
    use serde_json::Value;
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match value {
        Value::Object(map) => {
            let top = path.is_empty();
            for (k, v) in map {
                if named {
                    doc_leaves(v, &join(k), false, out);
                    continue;
                }
                if k == "notes" && top {
                    for n in v.as_array().into_iter().flatten() {
                        let id = n["id"].as_str().unwrap_or("?");
                        let item = format!("notes.{id}");
                        out.insert((item.clone(), "text".into()), text(&n["text"]));
                        out.insert((item, "cite".into()), text(&n["cite"]));
                    }
                    continue;
                }
                if k == "sources" && top {
                    for (key, s) in v.as_object().into_iter().flatten() {
                        out.insert((format!("sources.{key}"), "source".into()), text(s));
                    }
                    continue;
                }
                if CITATION_KEYS.contains(&k.as_str()) || DOC_KEYS.contains(&k.as_str()) {
                    if !v.is_null() && v != &Value::Array(Vec::new()) {
                        out.insert((path.to_owned(), k.clone()), text(v));
                    }
                    continue;
                }
                doc_leaves(v, &join(k), NAMED_MAPS.contains(&k.as_str()), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let key = ["id", "name", "value"]
                    .iter()
                    .find_map(|k| item.get(*k).map(text))
                    .unwrap_or_else(|| i.to_string());
                doc_leaves(item, &format!("{path}[{key}]"), false, out);
            }
        }
        _ => {}
    }
}

/// A value as the report shows it: a string as itself, a citation as `doc § section`.
fn text(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Object(m) if m.contains_key("doc") && m.contains_key("section") => format!(
            "`{}` § \"{}\"",
            m["doc"].as_str().unwrap_or(""),
            m["section"].as_str().unwrap_or("")
        ),
        Value::Object(m) if m.contains_key("file") => format!(
            "`{}` ({}){}",
            m["file"].as_str().unwrap_or(""),
            m["title"].as_str().unwrap_or(""),
            if m["secondary"] == Value::Bool(true) {
                ", secondary"
            } else {
                ""
            }
        ),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

fn doc_changes(
    old: &serde_json::Value,
    new: &serde_json::Value,
    citations: bool,
) -> Vec<DocChange> {
    let (mut o, mut n) = (BTreeMap::new(), BTreeMap::new());
    doc_leaves(old, "", false, &mut o);
    doc_leaves(new, "", false, &mut n);
    let is_citation = |item: &str, key: &str| {
        CITATION_KEYS.contains(&key) || key == "source" || item.starts_with("notes.")
    };
    let keys: BTreeSet<&(String, String)> = o.keys().chain(n.keys()).collect();
    keys.into_iter()
        .filter(|(item, key)| is_citation(item, key) == citations)
        .filter(|k| o.get(*k) != n.get(*k))
        .map(|k| DocChange {
            item: k.0.clone(),
            key: k.1.clone(),
            before: o.get(k).cloned(),
            after: n.get(k).cloned(),
        })
        .collect()
}

/// The bump a change set implies, with the rule applied.
pub fn semver_bump(version: &str, level: RustImpact, changed: bool) -> (String, String) {
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .chain(std::iter::repeat(0))
        .take(3)
        .collect();
    let (major, minor, patch) = (parts[0], parts[1], parts[2]);
    if !changed {
        return (
            version.to_owned(),
            "no change to the specs' meaning: no release needed".into(),
        );
    }
    match (major, minor, level) {
        (0, 0, _) => (
            format!("0.0.{}", patch + 1),
            "0.0.x: Cargo treats every 0.0.x release as incompatible, so any change bumps the \
             patch"
                .into(),
        ),
        (0, _, RustImpact::Breaking) => (
            format!("0.{}.0", minor + 1),
            "pre-1.0 (Cargo's rule: the first non-zero number is the major): a breaking change \
             bumps the minor version"
                .into(),
        ),
        (0, _, _) => (
            format!("0.{minor}.{}", patch + 1),
            "pre-1.0: additions and fixes bump the patch version (Cargo treats 0.x.y and \
             0.x.z as compatible)"
                .into(),
        ),
        (_, _, RustImpact::Breaking) => (
            format!("{}.0.0", major + 1),
            "a breaking change bumps the major version".into(),
        ),
        (_, _, RustImpact::Additive) => (
            format!("{major}.{}.0", minor + 1),
            "an addition bumps the minor version".into(),
        ),
        (_, _, RustImpact::None) => (
            format!("{major}.{minor}.{}", patch + 1),
            "a fix bumps the patch version".into(),
        ),
    }
}

impl Report {
    /// Every model change, over all APIs.
    pub fn changes(&self) -> Vec<&Change> {
        self.apis
            .iter()
            .flat_map(|a| match &a.diff {
                ApiDiff::Compared { changes, .. } => changes.as_slice(),
                _ => &[],
            })
            .collect()
    }

    /// How many changes break the Rust API (a removed API counts as one).
    pub fn breaking(&self) -> usize {
        self.changes()
            .iter()
            .filter(|c| c.rust == RustImpact::Breaking)
            .count()
            + self
                .apis
                .iter()
                .filter(|a| matches!(a.diff, ApiDiff::Removed))
                .count()
    }

    /// How many changes break deployed clients on the wire.
    pub fn wire_breaking(&self) -> usize {
        self.changes()
            .iter()
            .filter(|c| c.wire == WireImpact::Breaking)
            .count()
    }

    /// Whether some API could not be compared.
    pub fn incomplete(&self) -> bool {
        self.apis
            .iter()
            .any(|a| matches!(a.diff, ApiDiff::Unreadable { .. }))
    }

    fn level(&self) -> (RustImpact, bool) {
        let mut level = RustImpact::None;
        let mut changed = false;
        for a in &self.apis {
            match &a.diff {
                ApiDiff::Added { .. } => {
                    level = level.max(RustImpact::Additive);
                    changed = true;
                }
                ApiDiff::Removed => {
                    level = RustImpact::Breaking;
                    changed = true;
                }
                ApiDiff::Compared {
                    changes,
                    citations,
                    docs,
                } => {
                    changed |= !changes.is_empty() || !citations.is_empty() || !docs.is_empty();
                    for c in changes {
                        level = level.max(c.rust);
                    }
                }
                ApiDiff::Unreadable { .. } => changed = true,
            }
        }
        (level, changed)
    }

    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## Spec changes: {} → {}\n",
            self.old_label, self.new_label
        );
        let (level, changed) = self.level();
        let (next, rule) = semver_bump(&self.version, level, changed);
        let what = match level {
            RustImpact::Breaking => format!(
                "{} breaking change{} to the Rust API",
                self.breaking(),
                plural(self.breaking())
            ),
            RustImpact::Additive => "additions to the Rust API, nothing breaking".to_owned(),
            RustImpact::None if changed => "no change to the Rust API".to_owned(),
            RustImpact::None => "nothing changed".to_owned(),
        };
        if next == self.version {
            let _ = writeln!(out, "**saas-clients {}**: {what}; {rule}.", self.version);
        } else {
            let _ = writeln!(
                out,
                "**saas-clients {} → {next}**: {what}. Rule: {rule}.",
                self.version
            );
        }
        let wire = self.wire_breaking();
        if wire > 0 {
            let _ = writeln!(
                out,
                "\n**Wire**: {wire} change{} that deployed clients built from the old specs get \
                 wrong (they send what the API no longer takes, or fail to decode what it now \
                 sends).",
                plural(wire)
            );
        }
        if self.incomplete() {
            let _ = writeln!(
                out,
                "\n**Incomplete**: some specs could not be compared (see below); the bump \
                 above does not cover them."
            );
        }
        let unchanged: Vec<&str> = self
            .apis
            .iter()
            .filter(|a| {
                matches!(&a.diff, ApiDiff::Compared { changes, citations, docs }
                    if changes.is_empty() && citations.is_empty() && docs.is_empty())
                    && a.source.0 == a.source.1
            })
            .map(|a| a.module.as_str())
            .collect();
        for a in &self.apis {
            if unchanged.contains(&a.module.as_str()) {
                continue;
            }
            a.markdown(&mut out);
        }
        if !unchanged.is_empty() {
            let _ = writeln!(
                out,
                "\nUnchanged: {}.",
                unchanged
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(
            out,
            "\n<sub>Rust API: **breaking** (existing callers may not compile, or compile and mean \
             something else), additive, none. Wire: what a client generated from the old spec \
             does now: **breaking** (sends what the API no longer takes or fails to decode what \
             it sends), compatible (behaves differently, keeps working), none. Enums are open \
             (`Unknown`), so a new value counts as additive; a `match` that lists every variant \
             without a wildcard arm still stops compiling, since the generated enums are not \
             `#[non_exhaustive]`. Likewise new `Option` fields count as additive for callers \
             that build values with `new(..)` or `Default`, not with struct literals. \
             Generated by `cargo xtask diff`.</sub>"
        );
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn cell_rust(c: &Change) -> String {
    let label = match c.rust {
        RustImpact::Breaking => "**breaking**",
        RustImpact::Additive => "additive",
        RustImpact::None => "none",
    };
    with_why(label, &c.rust_why)
}

fn cell_wire(c: &Change) -> String {
    let label = match c.wire {
        WireImpact::Breaking => "**breaking**",
        WireImpact::Compatible => "compatible",
        WireImpact::None => "none",
    };
    with_why(label, &c.wire_why)
}

fn with_why(label: &str, why: &str) -> String {
    if why.is_empty() {
        label.to_owned()
    } else {
        format!("{label}: {}", escape(why))
    }
}

/// Text safe inside a Markdown table cell.
fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn shorten(s: &str) -> String {
    let one_line = escape(s);
    if one_line.chars().count() > 160 {
        let cut: String = one_line.chars().take(157).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}

impl ApiReport {
    fn markdown(&self, out: &mut String) {
        let source = match &self.source {
            (Some(a), Some(b)) if a != b => format!(" (`{a}` → `{b}`)"),
            (_, Some(b)) => format!(" (`{b}`)"),
            (Some(a), None) => format!(" (`{a}`)"),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "\n### `{}`{source}\n", self.module);
        match &self.diff {
            ApiDiff::Added { operations, types } => {
                let _ = writeln!(
                    out,
                    "New API: {operations} operation{}, {types} type{}. Rust API: additive (a \
                     new module and feature). Wire: none.",
                    plural(*operations),
                    plural(*types)
                );
            }
            ApiDiff::Removed => {
                let _ = writeln!(
                    out,
                    "API removed. Rust API: **breaking** (the module and its feature are gone)."
                );
            }
            ApiDiff::Unreadable { problem } => {
                let _ = writeln!(out, "Not compared: {problem}");
            }
            ApiDiff::Compared {
                changes,
                citations,
                docs,
            } => {
                if let (Some(a), Some(b)) = &self.source {
                    if a != b {
                        let _ = writeln!(out, "The spec moved from `{a}` to `{b}`.\n");
                    }
                }
                if changes.is_empty() {
                    let _ = writeln!(out, "The lowered model is unchanged.");
                } else {
                    let _ = writeln!(
                        out,
                        "| item | change | Rust API | wire (deployed old clients) |\n|---|---|---|---|"
                    );
                    for c in changes {
                        let _ = writeln!(
                            out,
                            "| {} | {} | {} | {} |",
                            c.item,
                            escape(&c.what),
                            cell_rust(c),
                            cell_wire(c)
                        );
                    }
                }
                if !citations.is_empty() {
                    let _ = writeln!(out, "\n**Citations and notes**\n");
                    for c in citations {
                        doc_line(out, c, true);
                    }
                }
                if !docs.is_empty() {
                    let _ = writeln!(out, "\n**Documentation**\n");
                    for c in docs {
                        doc_line(out, c, false);
                    }
                }
            }
        }
    }
}

fn doc_line(out: &mut String, c: &DocChange, full: bool) {
    let item = if c.item.is_empty() {
        "top level".to_owned()
    } else {
        format!("`{}`", c.item)
    };
    let key = if c.key == "text" && c.item.starts_with("notes.") {
        "note".to_owned()
    } else {
        format!("`{}`", c.key)
    };
    let show = |s: &str| if full { escape(s) } else { shorten(s) };
    let _ = match (&c.before, &c.after) {
        (None, Some(a)) => writeln!(out, "- {item}: {key} added: {}", show(a)),
        (Some(b), None) => writeln!(out, "- {item}: {key} removed (was: {})", show(b)),
        (Some(b), Some(a)) => writeln!(
            out,
            "- {item}: {key} changed\n  - before: {}\n  - after: {}",
            show(b),
            show(a)
        ),
        (None, None) => Ok(()),
    };
}

/// The version in a manifest's `[package]` table (`version = "0.1.0"`).
pub fn manifest_version(manifest: &str) -> Option<String> {
    manifest
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .map(str::to_owned)
}

/// `cargo xtask diff`: the specs at `rev` against the working tree under `root`.
pub fn run(root: &Path, rev: &str) -> Result<Report, String> {
    let id = resolve(root, rev).map_err(|e| e.to_string())?;
    let old = read_revision(root, &id, "specs").map_err(|e| e.to_string())?;
    let new = read_worktree(root, "specs").map_err(|e| e.to_string())?;
    let version = std::fs::read_to_string(root.join("generated/Cargo.toml"))
        .ok()
        .and_then(|m| manifest_version(&m))
        .unwrap_or_else(|| "0.1.0".to_owned());
    let short: String = id.chars().take(10).collect();
    let old_label = if short.starts_with(rev) || rev.len() >= 40 {
        format!("`{short}`")
    } else {
        format!("`{rev}` (`{short}`)")
    };
    compare(&old, &new, &old_label, "the working tree", &version)
}

/// Two revisions against each other (for tests and for reviewing history).
pub fn run_revisions(root: &Path, old_rev: &str, new_rev: &str) -> Result<Report, String> {
    let read = |rev: &str| -> Result<(Vec<SpecInput>, String), String> {
        let id = resolve(root, rev).map_err(|e| e.to_string())?;
        let specs = read_revision(root, &id, "specs").map_err(|e| e.to_string())?;
        Ok((
            specs,
            format!("`{}`", id.chars().take(10).collect::<String>()),
        ))
    };
    let (old, old_label) = read(old_rev)?;
    let (new, new_label) = read(new_rev)?;
    let new_id = resolve(root, new_rev).map_err(|e| e.to_string())?;
    let version = git(root, &["show", &format!("{new_id}:generated/Cargo.toml")])
        .ok()
        .and_then(|b| manifest_version(&String::from_utf8_lossy(&b)))
        .unwrap_or_else(|| "0.1.0".to_owned());
    compare(&old, &new, &old_label, &new_label, &version)
}

//! One API, one or several files: a spec is `specs/<api>.yaml`, or a folder `specs/<api>/`
//! whose `api.yaml` holds the top-level keys and whose other `*.yaml` files (read in name
//! order) each add types, operations and notes of one resource group.
//!
//! The files are merged into one [`Spec`] before lowering, so that references (type names,
//! `from`, note ids) resolve across files and lowering needs no notion of files at all. What
//! the merge must not lose is where each item came from: [`SpecFiles`] keeps every file's
//! line/column map and, for every type, operation and note, the file that defined it, and
//! turns a YAML path of the merged spec back into that file, its own YAML path, line and
//! column. An item defined in two files is refused here, naming both places.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Position};
use crate::spec::{PART_KEYS, Part, Spec};
use crate::yaml::{self, SourceMap};

/// The name of the file of a spec folder that holds the top-level keys.
pub const API_FILE: &str = "api.yaml";

/// The files of one spec and where each merged item came from.
#[derive(Debug)]
pub struct SpecFiles {
    /// The spec as a whole, as preambles name it: the file, or the folder with a trailing `/`.
    pub shown: String,
    /// Each file's name (as diagnostics show it) and positions; the first holds the top level.
    files: Vec<(PathBuf, SourceMap)>,
    /// Defining file of each type, by spec name.
    types: HashMap<String, usize>,
    /// Defining file of each operation, by id.
    operations: HashMap<String, usize>,
    /// For each note of the merged list: its file and its index within that file.
    notes: Vec<(usize, usize)>,
}

impl SpecFiles {
    /// A spec that is one file.
    pub fn single(file: &Path, spec: &Spec, map: SourceMap) -> Self {
        let mut files = SpecFiles {
            shown: file.display().to_string().replace('\\', "/"),
            files: vec![(file.to_owned(), map)],
            types: HashMap::new(),
            operations: HashMap::new(),
            notes: Vec::new(),
        };
        files.types = spec.types.keys().map(|k| (k.clone(), 0)).collect();
        files.operations = spec.operations.keys().map(|k| (k.clone(), 0)).collect();
        files.notes = (0..spec.notes.len()).map(|i| (0, i)).collect();
        files
    }

    /// A problem at `path` of the merged spec, placed at the value that stands there.
    pub fn at_value(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        let (file, local) = self.locate(path);
        let (name, map) = &self.files[file];
        Diagnostic {
            file: name.clone(),
            position: map.value(&local),
            path: local,
            message: message.into(),
        }
    }

    /// A problem at `path` of the merged spec, placed at the key that holds it.
    pub fn at_key(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        let (file, local) = self.locate(path);
        let (name, map) = &self.files[file];
        Diagnostic {
            file: name.clone(),
            position: map.key(&local),
            path: local,
            message: message.into(),
        }
    }

    /// `file:line:column` of the key at `path` of the merged spec, to name a first definition.
    pub fn place(&self, path: &str) -> String {
        let d = self.at_key(path, "");
        match d.position {
            Some(Position { line, column }) => format!("{}:{line}:{column}", d.file.display()),
            None => d.file.display().to_string(),
        }
    }

    /// The file that holds `path` of the merged spec, and the path within that file.
    fn locate(&self, path: &str) -> (usize, String) {
        let item = |table: &HashMap<String, usize>, rest: &str| {
            // Ids may contain dots (`contacts.list`), so try the longest prefix that is an id.
            let mut best = None;
            for (i, c) in rest.char_indices().chain([(rest.len(), '.')]) {
                if c == '.' {
                    if let Some(file) = table.get(&rest[..i]) {
                        best = Some(*file);
                    }
                }
            }
            best
        };
        let found = if let Some(rest) = path.strip_prefix("types.") {
            item(&self.types, rest)
        } else if let Some(rest) = path.strip_prefix("operations.") {
            item(&self.operations, rest)
        } else if let Some(rest) = path.strip_prefix("notes[") {
            let (index, tail) = rest.split_once(']').unwrap_or((rest, ""));
            if let Some(&(file, local)) =
                index.parse::<usize>().ok().and_then(|i| self.notes.get(i))
            {
                return (file, format!("notes[{local}]{tail}"));
            }
            None
        } else {
            None
        };
        (found.unwrap_or(0), path.to_owned())
    }
}

/// Reads a spec folder: `files` are `(name as diagnostics show it, text)`, `api.yaml` first,
/// then the parts in name order. Returns the merged spec, or every problem of every file.
pub fn merge(
    shown: &Path,
    files: &[(PathBuf, String)],
) -> Result<(Spec, SpecFiles), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let Some(((api_name, api_text), parts)) = files.split_first() else {
        return Err(vec![Diagnostic {
            file: shown.to_owned(),
            path: String::new(),
            position: None,
            message: format!("a spec folder needs an `{API_FILE}` with the top-level keys"),
        }]);
    };
    let head = yaml::parse::<Spec>(api_name, api_text);
    let mut parsed_parts = Vec::new();
    for (name, text) in parts {
        match yaml::parse_checked::<Part>(name, text, |map| forbidden_keys(name, map)) {
            Ok(part) => parsed_parts.push((name, part)),
            Err(d) => problems.extend(d),
        }
    }
    let (mut spec, api_map) = match head {
        Ok(head) => head,
        Err(d) => {
            problems.extend(d);
            return Err(problems);
        }
    };
    let mut out = SpecFiles::single(api_name, &spec, api_map);
    out.shown = format!("{}/", shown.display().to_string().replace('\\', "/"));
    for (name, (part, map)) in parsed_parts {
        let file = out.files.len();
        for (id, t) in part.types {
            match out.types.get(&id) {
                Some(&first) => problems.push(twice(&out, "type", "types", &id, first, name, &map)),
                None => {
                    out.types.insert(id.clone(), file);
                    spec.types.insert(id, t);
                }
            }
        }
        for (id, op) in part.operations {
            match out.operations.get(&id) {
                Some(&first) => problems.push(twice(
                    &out,
                    "operation",
                    "operations",
                    &id,
                    first,
                    name,
                    &map,
                )),
                None => {
                    out.operations.insert(id.clone(), file);
                    spec.operations.insert(id, op);
                }
            }
        }
        out.files.push((name.clone(), map));
        for (i, note) in part.notes.into_iter().enumerate() {
            let merged = spec.notes.len();
            out.notes.push((file, i));
            if let Some(first) = spec.notes.iter().position(|n| n.id == note.id) {
                let place = out.place(&format!("notes[{first}].id"));
                problems.push(out.at_key(
                    &format!("notes[{merged}].id"),
                    format!("note `{}` is defined twice: first in {place}", note.id),
                ));
            }
            spec.notes.push(note);
        }
    }
    if problems.is_empty() {
        Ok((spec, out))
    } else {
        Err(problems)
    }
}

/// A part may hold only [`PART_KEYS`]; the rest belongs in `api.yaml`.
fn forbidden_keys(name: &Path, map: &SourceMap) -> Vec<Diagnostic> {
    map.top_level_keys()
        .iter()
        .filter(|(key, _)| !PART_KEYS.contains(&key.as_str()))
        .map(|(key, pos)| Diagnostic {
            file: name.to_owned(),
            path: key.clone(),
            position: Some(*pos),
            message: format!(
                "`{key}` belongs in `{API_FILE}`: the other files of a spec folder hold only \
                 `types`, `operations` and `notes`"
            ),
        })
        .collect()
}

/// An item of a part that an earlier file already defines.
fn twice(
    out: &SpecFiles,
    what: &str,
    section: &str,
    id: &str,
    first: usize,
    name: &Path,
    map: &SourceMap,
) -> Diagnostic {
    let path = format!("{section}.{id}");
    let (first_name, first_map) = &out.files[first];
    let mut message = format!(
        "{what} `{id}` is defined twice: first in {}",
        first_name.display()
    );
    if let Some(Position { line, column }) = first_map.key(&path) {
        message.push_str(&format!(":{line}:{column}"));
    }
    Diagnostic {
        file: name.to_owned(),
        position: map.key(&path),
        path,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(files: &[(&str, &str)]) -> Vec<(PathBuf, String)> {
        files
            .iter()
            .map(|(n, t)| (PathBuf::from(n), (*t).to_owned()))
            .collect()
    }

    const API: &str = "api: x\ntitle: X\nsources: {d: {file: f, title: F}}\n\
                       cite: {doc: d, section: s}\nbase_url: https://x.example\n";

    #[test]
    fn paths_are_placed_in_the_file_of_their_item() {
        let part = "notes:\n  - {id: n, text: t}\ntypes:\n  A.b:\n    kind: enum\n    docs: d\n\
                    \x20   cite: {doc: d, section: s}\n";
        let (spec, files) = merge(
            Path::new("x"),
            &texts(&[("x/api.yaml", API), ("x/a.yaml", part)]),
        )
        .unwrap();
        assert!(spec.types.contains_key("A.b"));
        // A dotted id is found by its longest prefix.
        let d = files.at_value("types.A.b.docs", "m");
        assert_eq!(d.file, Path::new("x/a.yaml"));
        assert_eq!(d.path, "types.A.b.docs");
        assert_eq!(
            d.position,
            Some(Position {
                line: 6,
                column: 11
            })
        );
        // The merged list's note 0 is the part's note 0.
        let d = files.at_key("notes[0].id", "m");
        assert_eq!(d.file, Path::new("x/a.yaml"));
        assert_eq!(d.position, Some(Position { line: 2, column: 6 }));
        // Everything else is in api.yaml.
        let d = files.at_value("base_url", "m");
        assert_eq!(d.file, Path::new("x/api.yaml"));
        assert_eq!(
            d.position,
            Some(Position {
                line: 5,
                column: 11
            })
        );
        assert_eq!(files.place("types.A.b"), "x/a.yaml:4:3");
    }

    #[test]
    fn a_folder_without_parts_is_its_api_file() {
        let (spec, files) = merge(Path::new("x"), &texts(&[("x/api.yaml", API)])).unwrap();
        assert_eq!(files.shown, "x/");
        assert!(spec.types.is_empty());
    }

    #[test]
    fn no_files_is_an_error() {
        let err = merge(Path::new("x"), &[]).unwrap_err();
        assert!(err[0].message.contains("api.yaml"), "{err:?}");
    }
}

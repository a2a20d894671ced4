//! Reading YAML: the only module that calls `serde_yaml`.
//!
//! `serde_yaml` is deprecated upstream; keeping every call to it here means a replacement
//! touches one file. It turns the text into `spec::Spec` and reports syntax and shape errors with
//! their location. Because serde keeps no positions for values that decoded fine, a second pass
//! with `yaml-rust2`'s event parser records the line and column of every node by YAML path, so
//! that later checks (an unknown type, a duplicate key) can point at the line too.

use std::collections::HashMap;
use std::path::Path;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Position};

/// Line and column of every node of one YAML document, by dotted path.
#[derive(Debug, Default)]
pub struct SourceMap {
    values: HashMap<String, Position>,
    keys: HashMap<String, Position>,
    top_keys: Vec<(String, Position)>,
}

impl SourceMap {
    /// Where the value at `path` starts; falls back to the nearest ancestor that exists.
    pub fn value(&self, path: &str) -> Option<Position> {
        self.lookup(&self.values, path)
    }

    /// Where the key that holds `path` stands; falls back like [`SourceMap::value`].
    pub fn key(&self, path: &str) -> Option<Position> {
        self.lookup(&self.keys, path)
    }

    /// The keys of the document's top-level mapping, in order, with where each stands.
    pub fn top_level_keys(&self) -> &[(String, Position)] {
        &self.top_keys
    }

    fn lookup(&self, table: &HashMap<String, Position>, path: &str) -> Option<Position> {
        let mut p = path;
        loop {
            if let Some(pos) = table.get(p).or_else(|| self.values.get(p)) {
                return Some(*pos);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }
}

/// Parses one spec file (a whole [`crate::spec::Spec`], or a [`crate::spec::Part`] of a spec
/// folder). On failure returns every problem found, each with its location.
pub fn parse<T: DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<(T, SourceMap), Vec<Diagnostic>> {
    parse_checked(file, text, |_| Vec::new())
}

/// Like [`parse`], but first runs `precheck` on the positions of the text; problems it reports
/// replace serde's (which would name only the first).
pub fn parse_checked<T: DeserializeOwned>(
    file: &Path,
    text: &str,
    precheck: impl FnOnce(&SourceMap) -> Vec<Diagnostic>,
) -> Result<(T, SourceMap), Vec<Diagnostic>> {
    let (map, duplicates) = index_positions(text);
    let early = precheck(&map);
    if !early.is_empty() {
        return Err(early);
    }
    let de = serde_yaml::Deserializer::from_str(text);
    let spec: T = match serde_path_to_error::deserialize(de) {
        Ok(spec) => spec,
        Err(err) => return Err(vec![shape_error(file, err)]),
    };
    if duplicates.is_empty() {
        Ok((spec, map))
    } else {
        Err(duplicates
            .into_iter()
            .map(|(path, pos, first)| Diagnostic {
                file: file.to_owned(),
                message: format!(
                    "duplicate key `{}` (first defined at line {} column {})",
                    last_segment(&path),
                    first.line,
                    first.column
                ),
                path,
                position: Some(pos),
            })
            .collect())
    }
}

fn shape_error(file: &Path, err: serde_path_to_error::Error<serde_yaml::Error>) -> Diagnostic {
    // serde_path_to_error writes `?` for a key it had not read yet when the parser failed.
    let path = match err.path().to_string() {
        p if p == "." => String::new(),
        p => p.trim_end_matches(".?").to_owned(),
    };
    let inner = err.into_inner();
    let position = inner.location().map(|l| Position {
        line: l.line(),
        column: l.column(),
    });
    // serde_yaml's message repeats the path and the location; keep only what is wrong.
    let mut message = inner.to_string();
    if let Some(cut) = message.rfind(" at line ") {
        message.truncate(cut);
    }
    // serde_yaml prefixes its own idea of the path (the parent of an unknown key, say).
    if let Some((head, rest)) = message.split_once(": ") {
        let path_like = !head.is_empty()
            && head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-[]".contains(c));
        if path_like {
            message = rest.to_owned();
        }
    }
    Diagnostic {
        file: file.to_owned(),
        path,
        position,
        message,
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Walks the YAML events and records where each node starts. Also finds duplicate mapping keys,
/// which serde would otherwise resolve silently by keeping the last one.
fn index_positions(text: &str) -> (SourceMap, Vec<(String, Position, Position)>) {
    let mut indexer = Indexer::default();
    // A scan error here means the two parsers disagree about the text; serde_yaml accepted it,
    // so the positions gathered so far are still worth having.
    let _ = Parser::new_from_str(text).load(&mut indexer, false);
    (indexer.map, indexer.duplicates)
}

enum Frame {
    Map {
        path: String,
        key: Option<String>,
        seen: HashMap<String, Position>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

#[derive(Default)]
struct Indexer {
    stack: Vec<Frame>,
    map: SourceMap,
    duplicates: Vec<(String, Position, Position)>,
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

impl Indexer {
    /// The path of a value that starts now, advancing the parent past it.
    fn enter_value(&mut self) -> String {
        match self.stack.last_mut() {
            None => String::new(),
            Some(Frame::Map { path, key, .. }) => join(path, &key.take().unwrap_or_default()),
            Some(Frame::Seq { path, next }) => {
                let p = format!("{path}[{next}]");
                *next += 1;
                p
            }
        }
    }
}

impl MarkedEventReceiver for Indexer {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = Position {
            line: mark.line(),
            column: mark.col() + 1,
        };
        let depth = self.stack.len();
        if let (Event::Scalar(text, ..), Some(Frame::Map { path, key, seen })) =
            (&ev, self.stack.last_mut())
        {
            if key.is_none() {
                let full = join(path, text);
                if let Some(first) = seen.get(text) {
                    self.duplicates.push((full.clone(), pos, *first));
                } else {
                    seen.insert(text.clone(), pos);
                }
                if depth == 1 {
                    self.map.top_keys.push((text.clone(), pos));
                }
                self.map.keys.insert(full, pos);
                *key = Some(text.clone());
                return;
            }
        }
        match ev {
            Event::Scalar(..) | Event::Alias(..) => {
                let path = self.enter_value();
                self.map.values.entry(path).or_insert(pos);
            }
            Event::MappingStart(..) => {
                let path = self.enter_value();
                self.map.values.entry(path.clone()).or_insert(pos);
                self.stack.push(Frame::Map {
                    path,
                    key: None,
                    seen: HashMap::new(),
                });
            }
            Event::SequenceStart(..) => {
                let path = self.enter_value();
                self.map.values.entry(path.clone()).or_insert(pos);
                self.stack.push(Frame::Seq { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_paths() {
        let (map, dups) = index_positions("a:\n  b: 1\n  c:\n    - x\n    - y: 2\n");
        assert!(dups.is_empty());
        assert_eq!(map.value("a.b"), Some(Position { line: 2, column: 6 }));
        assert_eq!(map.key("a.c"), Some(Position { line: 3, column: 3 }));
        assert_eq!(
            map.value("a.c[1].y"),
            Some(Position {
                line: 5,
                column: 10
            })
        );
        // An absent path falls back to its nearest ancestor.
        assert_eq!(map.value("a.c[1].z"), map.value("a.c[1]"));
    }

    #[test]
    fn duplicate_keys_are_found() {
        let (_, dups) = index_positions("a: 1\nb: 2\na: 3\n");
        assert_eq!(
            dups,
            vec![(
                "a".to_owned(),
                Position { line: 3, column: 1 },
                Position { line: 1, column: 1 }
            )]
        );
    }
}

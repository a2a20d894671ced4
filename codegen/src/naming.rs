//! Every naming decision: how spec names become Rust identifiers.
//!
//! The policy, in order:
//! 1. A `rust_name` in the spec wins and is used as written (it must be a valid identifier).
//! 2. Otherwise the wire name is split into words by `heck` (any character that is not an ASCII
//!    letter or digit separates words) and cased: `snake_case` for fields, parameters and
//!    methods, `PascalCase` for types and variants.
//! 3. A name that starts with a digit gets a prefix: `_` for snake case, `V` for Pascal case.
//! 4. A Rust keyword, or a name the generated code itself uses in that namespace, gets a
//!    trailing underscore: `type` becomes `type_`, a type `Self` becomes `Self_`.
//! 5. Collisions within one namespace (`startDate` and `start_date` both give `start_date`):
//!    a name whose wire spelling already equals its Rust spelling keeps it; every other claimant,
//!    in the order of the spec, gets the first free numeric suffix (`start_date_2`, `Event2`).
//!    An explicit `rust_name` that collides is an error, reported by `lower`.
//!
//! Nothing here depends on iteration order of a hash map, so the same spec always gives the same
//! names.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToSnakeCase};

/// Words Rust reserves in every edition we support, strict and reserved alike.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Which namespace a name lives in; each has its own reserved words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// Types in an API's `types` module. Prelude names are reserved because the generated code
    /// refers to them unqualified.
    Type,
    /// Fields of one struct. `extra` holds the fields the spec does not know.
    Field,
    /// Variants of one enum. `Unknown` holds values the spec does not know.
    Variant,
    /// Methods of the generated client. The builder and accessors are reserved.
    Method,
    /// Setters of one operation builder. `send` runs the request, `timeout` overrides the
    /// client's timeout.
    Setter,
    /// Request builder structs, which share the API module with the client and the names
    /// `operations.rs` imports.
    Builder,
}

impl Namespace {
    fn reserved(self) -> &'static [&'static str] {
        match self {
            Namespace::Type => &[
                "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err",
            ],
            Namespace::Field => &["extra"],
            Namespace::Variant => &["Unknown"],
            Namespace::Method => &["builder", "new", "clone", "config", "transport"],
            Namespace::Setter => &[
                "send",
                "into_future",
                "client",
                "body",
                "timeout",
                "max_body",
            ],
            Namespace::Builder => &[
                "Client",
                "ClientBuilder",
                "Error",
                "Method",
                "Request",
                "ResponseValue",
                "Future",
                "IntoFuture",
                "Pin",
                "Duration",
                "Option",
                "Result",
                "String",
                "Vec",
                "Box",
                "Some",
                "None",
                "Ok",
                "Err",
            ],
        }
    }

    fn pascal(self) -> bool {
        matches!(
            self,
            Namespace::Type | Namespace::Variant | Namespace::Builder
        )
    }
}

/// Derives the identifier for one wire name, before collisions are resolved.
pub fn derive(ns: Namespace, wire: &str) -> String {
    let words: String = wire
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut name = if ns.pascal() {
        words.to_pascal_case()
    } else {
        words.to_snake_case()
    };
    if name.is_empty() {
        name = if ns.pascal() { "Empty" } else { "empty" }.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, if ns.pascal() { "V" } else { "_" });
    }
    if KEYWORDS.contains(&name.as_str()) || ns.reserved().contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Whether `name` may be used as written (for `rust_name` overrides).
pub fn is_valid_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
        && !KEYWORDS.contains(&name)
}

/// Assigns identifiers to the names of one namespace, applying the collision rule.
///
/// `entries` are `(wire name, explicit rust_name)` in spec order; the result is in the same
/// order. Returns the names of explicit overrides that collide, as an error.
pub fn assign(ns: Namespace, entries: &[(&str, Option<&str>)]) -> Result<Vec<String>, Vec<String>> {
    let derived: Vec<String> = entries
        .iter()
        .map(|(wire, explicit)| explicit.map_or_else(|| derive(ns, wire), str::to_owned))
        .collect();
    let mut taken = BTreeSet::new();
    let mut clashes = Vec::new();
    let mut result = vec![None; entries.len()];
    // First pass: explicit names, then names whose wire spelling is already the Rust spelling.
    for pass in 0..2 {
        for (i, ((wire, explicit), name)) in entries.iter().zip(&derived).enumerate() {
            let claims = match pass {
                0 => explicit.is_some(),
                _ => explicit.is_none() && wire == name,
            };
            if !claims {
                continue;
            }
            if taken.insert(name.clone()) {
                result[i] = Some(name.clone());
            } else if explicit.is_some() {
                clashes.push(name.clone());
            }
        }
    }
    // Second pass: everything else, suffixed when taken.
    for (i, name) in derived.iter().enumerate() {
        if result[i].is_some() || (entries[i].1.is_some()) {
            continue;
        }
        let mut candidate = name.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = if ns.pascal() {
                format!("{name}{n}")
            } else {
                format!("{name}_{n}")
            };
            n += 1;
        }
        taken.insert(candidate.clone());
        result[i] = Some(candidate);
    }
    if clashes.is_empty() {
        Ok(result.into_iter().map(Option::unwrap_or_default).collect())
    } else {
        Err(clashes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_names() {
        assert_eq!(derive(Namespace::Field, "startDate"), "start_date");
        assert_eq!(derive(Namespace::Field, "type"), "type_");
        assert_eq!(derive(Namespace::Field, "format[]"), "format");
        assert_eq!(derive(Namespace::Field, "extra"), "extra_");
        assert_eq!(derive(Namespace::Type, "self"), "Self_");
        assert_eq!(derive(Namespace::Type, "option"), "Option_");
        assert_eq!(derive(Namespace::Variant, "3months"), "V3months");
        assert_eq!(derive(Namespace::Variant, "unknown"), "Unknown_");
        assert_eq!(derive(Namespace::Variant, ""), "Empty");
        assert_eq!(derive(Namespace::Field, "2fa"), "_2fa");
        assert_eq!(derive(Namespace::Method, "contacts.list"), "contacts_list");
    }

    #[test]
    fn exact_spelling_keeps_its_name() {
        let names = assign(
            Namespace::Field,
            &[
                ("startDate", None),
                ("start_date", None),
                ("START-DATE", None),
            ],
        )
        .unwrap();
        assert_eq!(names, ["start_date_2", "start_date", "start_date_3"]);
    }

    #[test]
    fn explicit_names_win_and_may_not_collide() {
        let names = assign(Namespace::Field, &[("a", None), ("b", Some("a"))]).unwrap();
        assert_eq!(names, ["a_2", "a"]);
        assert_eq!(
            assign(Namespace::Field, &[("x", Some("a")), ("y", Some("a"))]),
            Err(vec!["a".to_owned()])
        );
    }
}

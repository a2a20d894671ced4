//! Every naming decision: how spec names become Rust identifiers.
//!
//! The policy, in order:
//! 1. A `rust_name` in the spec wins and is used as written (it must be a valid identifier).
//! 2. Otherwise the wire name is split into words by `heck` (any character that is not an ASCII
//!    letter or digit separates words) and cased: `snake_case` for fields, parameters and
//!    methods, `PascalCase` for types and variants.
//! 3. A name that starts with a digit gets a prefix: `_` for snake case (`v` when it holds
//!    nothing but digits, since `_1` says nothing), `V` for Pascal case.
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

/// Names the generated `types` module refers to unqualified, or that would shadow something it
/// needs: the prelude's traits, types and variants (`impl From<&str>`, `Option<T>`, `Vec<T>`,
/// `Box<T>`), the derives' traits, the auto traits, and the crates and modules it names by
/// path (`serde::Serialize`, `chrono::NaiveDate`).
const TYPE_SCOPE: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Deserialize",
    "Deserializer",
    "Display",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Hash",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Serialize",
    "Serializer",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
    "alloc",
    "chrono",
    "clientgen_runtime",
    "core",
    "serde",
    "serde_json",
    "std",
];

/// The items of an API's `mod.rs` and the names `operations.rs` imports, which request
/// builder structs share a module with.
const MODULE_SCOPE: &[&str] = &[
    "Answer",
    "BASE_URL",
    "Box",
    "Call",
    "Client",
    "ClientBuilder",
    "Duration",
    "Err",
    "Error",
    "Future",
    "IntoFuture",
    "Method",
    "None",
    "Ok",
    "Option",
    "Pin",
    "RawResponse",
    "Request",
    "ResponseValue",
    "Result",
    "Send",
    "Some",
    "String",
    "Sync",
    "Vec",
    "examples",
    "operations",
    "types",
];

/// Methods and fields of every request builder that are not parameters: `send` runs it,
/// `stream` pages (paginated operations), `timeout` overrides the client's, `into_future`
/// (`IntoFuture`) and `clone` (derived, and called by `stream`) come from traits, and the
/// struct's own fields `client` and `body`.
const REQUEST_BUILDER_SCOPE: &[&str] = &[
    "body",
    "client",
    "clone",
    "into_future",
    "max_body",
    "send",
    "stream",
    "timeout",
];

/// Methods and fields of the client builder that are not client parameters, credentials or
/// global parameters, plus the client's own `transport` field.
const CLIENT_BUILDER_SCOPE: &[&str] = &["base_url", "build", "default_transport", "transport"];

/// Which scope of the generated code a name lives in; each has its own reserved names, listed
/// next to what fills the scope (and in `specs/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// Types in an API's `types` module (`TYPE_SCOPE` is reserved).
    Type,
    /// Fields of one struct. `extra` holds the fields the spec does not know.
    Field,
    /// Variants of one enum. `Unknown` holds values the spec does not know.
    Variant,
    /// Methods of the generated client (`impl Client`): `builder` starts one, `clone` is
    /// derived, `transport` is its field.
    Method,
    /// The client builder: client parameters, credentials and global parameters together.
    /// Global parameters are also fields and setters of every request builder, so the request
    /// builder's reserved names apply too.
    ClientBuilder,
    /// Parameters of one operation, which become fields and setters of its request builder
    /// beside the global parameters (`REQUEST_BUILDER_SCOPE` is reserved).
    Setter,
    /// Request builder structs, which share the API module with the client and the names
    /// `operations.rs` imports (`MODULE_SCOPE` is reserved).
    Builder,
    /// The example tests of one API, in its `examples` module beside the `types` import.
    Test,
}

impl Namespace {
    /// The names the generated code itself uses in this scope.
    pub fn reserved(self) -> Vec<&'static str> {
        match self {
            Namespace::Type => TYPE_SCOPE.to_vec(),
            Namespace::Field => vec!["extra"],
            Namespace::Variant => vec!["Unknown"],
            Namespace::Method => vec![
                "builder",
                "clone",
                "config",
                "new",
                "raw_request",
                "transport",
            ],
            Namespace::ClientBuilder => CLIENT_BUILDER_SCOPE
                .iter()
                .chain(REQUEST_BUILDER_SCOPE)
                .copied()
                .collect(),
            Namespace::Setter => REQUEST_BUILDER_SCOPE.to_vec(),
            // The API module also names the prelude's traits unqualified (`impl Into<String>`
            // in the client builder, `FnOnce` in `transport`), and the mock module declares
            // each builder's expectation type beside `MockServer` and `kit`.
            Namespace::Builder => MODULE_SCOPE
                .iter()
                .chain(
                    TYPE_SCOPE
                        .iter()
                        .filter(|n| n.starts_with(char::is_uppercase)),
                )
                .chain(&["MockServer", "kit"])
                .copied()
                .collect(),
            Namespace::Test => vec!["types"],
        }
    }

    fn pascal(self) -> bool {
        matches!(
            self,
            Namespace::Type | Namespace::Variant | Namespace::Builder
        )
    }

    /// Every scope, for documentation and tests.
    pub const ALL: [Namespace; 8] = [
        Namespace::Type,
        Namespace::Field,
        Namespace::Variant,
        Namespace::Method,
        Namespace::ClientBuilder,
        Namespace::Setter,
        Namespace::Builder,
        Namespace::Test,
    ];
}

/// Why an explicit `rust_name` cannot be used in `ns`, if it cannot: not an identifier, a
/// keyword, reserved in the scope, or cased so that rustc's naming lints would warn.
pub fn check_explicit(ns: Namespace, name: &str) -> Option<String> {
    if !is_valid_ident(name) {
        return Some(format!("`{name}` is not a valid Rust identifier"));
    }
    if ns.reserved().contains(&name) {
        return Some(format!(
            "`{name}` is reserved in this scope: the generated code uses it (reserved: {})",
            ns.reserved().join(", ")
        ));
    }
    let inner = name.trim_matches('_');
    let cased = if ns.pascal() {
        inner.starts_with(|c: char| c.is_ascii_uppercase()) && !inner.contains('_')
    } else {
        !inner.chars().any(|c| c.is_ascii_uppercase())
    };
    if !cased {
        let want = if ns.pascal() {
            "UpperCamelCase"
        } else {
            "snake_case"
        };
        return Some(format!("`{name}` must be {want} here"));
    }
    None
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
        // `_1` would say nothing (clippy's `just_underscores_and_digits`): digits alone get a
        // letter, as in Pascal case.
        let digits_only = name.chars().all(|c| c.is_ascii_digit() || c == '_');
        let prefix = match (ns.pascal(), digits_only) {
            (true, _) => "V",
            (false, true) => "v",
            (false, false) => "_",
        };
        name.insert_str(0, prefix);
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
    assign_beside(ns, &BTreeSet::new(), entries)
}

/// Like [`assign`], in a scope where `taken` are already in use (the global parameters, in a
/// request builder): no entry gets one of them, and an explicit name that is one is a clash.
pub fn assign_beside(
    ns: Namespace,
    taken: &BTreeSet<String>,
    entries: &[(&str, Option<&str>)],
) -> Result<Vec<String>, Vec<String>> {
    let derived: Vec<String> = entries
        .iter()
        .map(|(wire, explicit)| explicit.map_or_else(|| derive(ns, wire), str::to_owned))
        .collect();
    let mut taken = taken.clone();
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
        // `type_` and `Unknown_` are suffixed as `type_2` and `Unknown2`: a doubled or inner
        // underscore would trip rustc's naming lints.
        let stem = name.trim_end_matches('_');
        while taken.contains(&candidate) {
            candidate = if ns.pascal() {
                format!("{stem}{n}")
            } else {
                format!("{stem}_{n}")
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

/// The module function that builds an OAuth2 scheme's configuration, `<scheme>_config`, for a
/// scheme with Rust name `rust`: a keyword's `_` suffix is not needed before `_config` (`fn_`
/// gives `fn_config`, not `fn__config`, which is not snake case).
pub fn config_fn(rust: &str) -> String {
    format!("{}_config", rust.trim_end_matches('_'))
}

/// Methods of a mock expectation that are not parameter matchers (`emit/mock.rs`).
const MATCHER_SCOPE: &[&str] = &["with_body"];

/// The names of the `with_<param>` matchers of one mock expectation, for parameters with Rust
/// names `params` (unique in their request builder): `with_type` for `type_`, `with_42` for
/// `_42` (the `_` a keyword suffix or digit prefix needed is not needed after `with_`). A
/// parameter whose short form is taken, by the expectation's own `with_body` or by another
/// parameter's (`foo` and `foo_`), keeps its full name after `with_` (`with_body_`).
pub fn matcher_names(params: &[&str]) -> Vec<String> {
    let short = |rust: &str| format!("with_{}", rust.trim_matches('_'));
    params
        .iter()
        .map(|rust| {
            let name = short(rust);
            let clash = MATCHER_SCOPE.contains(&name.as_str())
                || params
                    .iter()
                    .any(|other| other != rust && short(other) == name);
            if clash {
                format!("with_{}", rust.trim_start_matches('_'))
            } else {
                name
            }
        })
        .collect()
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
    fn names_beside_taken_ones_are_suffixed() {
        let taken: BTreeSet<String> = ["tz".to_owned()].into();
        let names =
            assign_beside(Namespace::Setter, &taken, &[("TZ", None), ("tz", None)]).unwrap();
        assert_eq!(names, ["tz_2", "tz_3"]);
        assert_eq!(
            assign_beside(Namespace::Setter, &taken, &[("x", Some("tz"))]),
            Err(vec!["tz".to_owned()])
        );
    }

    #[test]
    fn every_scope_reserves_what_its_emitter_uses() {
        assert_eq!(derive(Namespace::Type, "from"), "From_");
        assert_eq!(derive(Namespace::Type, "send"), "Send_");
        assert_eq!(derive(Namespace::Setter, "stream"), "stream_");
        assert_eq!(derive(Namespace::Setter, "clone"), "clone_");
        assert_eq!(derive(Namespace::ClientBuilder, "build"), "build_");
        assert_eq!(derive(Namespace::ClientBuilder, "send"), "send_");
        assert_eq!(derive(Namespace::Builder, "error"), "Error_");
        assert_eq!(derive(Namespace::Test, "types"), "types_");
        assert_eq!(derive(Namespace::Variant, "UNKNOWN"), "Unknown_");
        let variants = assign(
            Namespace::Variant,
            &[("unknown", None), ("UNKNOWN", None), ("Unknown_", None)],
        );
        assert_eq!(variants.unwrap(), ["Unknown2", "Unknown3", "Unknown_"]);
        let fields = assign(Namespace::Field, &[("type", None), ("TYPE", None)]);
        assert_eq!(fields.unwrap(), ["type_", "type_2"]);
        for ns in Namespace::ALL {
            for name in ns.reserved() {
                assert!(check_explicit(ns, name).is_some(), "{ns:?} {name}");
            }
        }
    }

    #[test]
    fn explicit_names_are_checked_for_their_scope() {
        assert_eq!(check_explicit(Namespace::Type, "Event"), None);
        assert_eq!(check_explicit(Namespace::Type, "Self_"), None);
        assert!(check_explicit(Namespace::Type, "event").is_some());
        assert!(check_explicit(Namespace::Type, "My_Event").is_some());
        assert!(check_explicit(Namespace::Field, "startDate").is_some());
        assert!(check_explicit(Namespace::Variant, "Unknown").is_some());
        assert!(check_explicit(Namespace::Field, "self").is_some());
        assert_eq!(check_explicit(Namespace::Field, "_3d"), None);
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

    #[test]
    fn matcher_names_drop_affixes_unless_they_would_collide() {
        assert_eq!(
            matcher_names(&["type_", "_42", "body_", "foo", "foo_", "plain"]),
            [
                "with_type",
                "with_42",
                "with_body_",
                "with_foo",
                "with_foo_",
                "with_plain"
            ]
        );
    }

    #[test]
    fn config_functions_are_snake_case() {
        assert_eq!(config_fn("oauth"), "oauth_config");
        assert_eq!(config_fn("fn_"), "fn_config");
    }
}

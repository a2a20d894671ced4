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

/// The diagnostics of every broken spec of `tests/fixtures/broken` (a file, or a folder of
/// files), in name order. None may panic or be accepted.
fn broken_fixtures() -> Vec<(PathBuf, clientgen::Diagnostics)> {
    yaml_files("tests/fixtures/broken")
        .into_iter()
        .map(|path| {
            let outcome = std::panic::catch_unwind(|| load(&path));
            match outcome {
                Ok(Err(d)) => (path, d),
                Ok(Ok(_)) => panic!("{} was accepted", path.display()),
                Err(_) => panic!("{} made the generator panic", path.display()),
            }
        })
        .collect()
}

/// The diagnostics of every set of specs in `tests/fixtures/broken_sets/<name>/`: specs that
/// load one by one but not together (`cargo xtask gen` loads `specs/` as one set).
fn broken_sets() -> Vec<(PathBuf, clientgen::Diagnostics)> {
    let dir = root().join("tests/fixtures/broken_sets");
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    sets.sort();
    assert!(!sets.is_empty(), "no spec sets in {}", dir.display());
    sets.into_iter()
        .map(|set| {
            let rel = set
                .strip_prefix(root())
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned();
            for spec in clientgen::spec_paths(&set).unwrap() {
                let shown = spec.strip_prefix(root()).unwrap();
                if let Err(e) = clientgen::load_spec(root(), shown) {
                    panic!("{} should load on its own: {e}", shown.display());
                }
            }
            match clientgen::load_dir(root(), &rel) {
                Err(clientgen::Error::Specs(d)) => (set, d),
                Err(e) => panic!("{rel}: {e}"),
                Ok(_) => panic!("{rel} was accepted"),
            }
        })
        .collect()
}

/// Every broken spec fails with diagnostics naming file, YAML path, line and column; none
/// panics, and none is accepted. A folder-level problem (no `api.yaml`) names the folder and
/// has no line.
#[test]
fn broken_spec_diagnostics() {
    for (path, diagnostics) in broken_fixtures() {
        let shown = path.strip_prefix(root()).unwrap();
        for d in &diagnostics.0 {
            let folder_level = path.is_dir() && d.file == shown && d.path.is_empty();
            assert!(
                d.position.is_some() || folder_level,
                "no line and column in: {d}"
            );
            // A spec folder's diagnostics name the file of the folder the item came from.
            let right_file = if folder_level {
                true
            } else if path.is_dir() {
                d.file.parent() == Some(shown) && d.file.extension().is_some_and(|x| x == "yaml")
            } else {
                d.file == shown
            };
            assert!(right_file, "wrong file in: {d}");
        }
        insta::assert_snapshot!(format!("broken_{}", stem(&path)), diagnostics.to_string());
    }
}

/// Every broken set of specs fails naming the spec file that clashes.
#[test]
fn broken_set_diagnostics() {
    for (set, diagnostics) in broken_sets() {
        let shown = set.strip_prefix(root()).unwrap();
        for d in &diagnostics.0 {
            assert!(d.file.starts_with(shown), "wrong file in: {d}");
            assert!(root().join(&d.file).is_file(), "not a file in: {d}");
        }
        insta::assert_snapshot!(
            format!("broken_set_{}", stem(&set)),
            diagnostics.to_string()
        );
    }
}

/// Every diagnostic message the generator's sources can produce is produced by at least one
/// broken fixture, so each has a snapshot a reviewer has read. A new message without a
/// fixture fails here, naming the message.
///
/// The messages are read from the sources with `syn` (see [`messages`]): the message argument
/// of each `error`, `key_error`, `at_value` and `at_key` call, the `message` of each
/// `Diagnostic { .. }`, and the `Err(..)`/`Some(..)` of functions that return a message
/// (`Result<_, String>`, `Option<String>`), which their callers report. A `format!` message
/// matches a diagnostic with any text in place of its placeholders; a plain one matches
/// exactly.
#[test]
fn every_diagnostic_has_a_fixture() {
    let produced: Vec<String> = broken_fixtures()
        .into_iter()
        .chain(broken_sets())
        .flat_map(|(_, d)| d.0.into_iter().map(|d| d.message))
        .collect();
    let templates = messages::in_generator(&root().join("codegen/src"));
    // Not vacuous: the scan finds the messages of every stage (91 when this test was written;
    // a refactoring that hides messages from the scan fails here).
    assert!(
        templates.len() >= 85,
        "only {} messages found in codegen/src: does the scan still see the diagnostic \
         calls?\n{templates:#?}",
        templates.len()
    );
    for stage in ["lower", "typeexpr", "naming", "files", "yaml", "lib"] {
        assert!(
            templates.iter().any(|t| t.file.starts_with(stage)),
            "no message found in codegen/src/{stage}*"
        );
    }
    let missing: Vec<String> = templates
        .iter()
        .filter(|t| !produced.iter().any(|m| t.matches(m)))
        .map(|t| format!("  codegen/src/{}: {:?}", t.file, t.text))
        .collect();
    assert!(
        missing.is_empty(),
        "{} diagnostic message(s) produced by no fixture: add a tiny broken spec for each to \
         tests/fixtures/broken/ (or a set to tests/fixtures/broken_sets/) and accept its \
         snapshot:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// The matcher is strict where it must be: literal text must match, placeholders stand for
/// any text.
#[test]
fn message_templates_match_as_globs() {
    let t = |text: &str, formatted| messages::Template {
        file: String::new(),
        text: text.to_owned(),
        formatted,
    };
    let f = t("type `{name}` is not defined in `types`{hint}", true);
    assert!(f.matches("type `User` is not defined in `types`"));
    assert!(f.matches("type `event` is not defined in `types`; did you mean `Event`?"));
    assert!(!f.matches("type `User` is defined in `types`"));
    assert!(!f.matches("the type `User` is not defined in `types`"));
    let braces = t("unclosed `{{` in `{template}`", true);
    assert!(braces.matches("unclosed `{` in `/a/{id`"));
    assert!(!braces.matches("unclosed `{{` in `/a/{id`"));
    let plain = t("a GET request has no body", false);
    assert!(plain.matches("a GET request has no body"));
    assert!(!plain.matches("a GET request has no body at all"));
    let both_ends = t("{a} and {b}", true);
    assert!(both_ends.matches("x and y"));
    assert!(!both_ends.matches("x or y"));
    let overlap = t("ab{x}ba", true);
    assert!(!overlap.matches("aba"));
    assert!(overlap.matches("abba"));
}

/// Reading the generator's diagnostic messages out of its sources.
mod messages {
    use std::path::Path;
    use syn::punctuated::Punctuated;
    use syn::visit::{self, Visit};

    /// Modules that do not check specs: their errors (a git failure of `diff`, an emitter's
    /// bug) are not spec diagnostics.
    const NOT_CHECKS: &[&str] = &[
        "diff", "emit", "openapi", "render", "schema", "summary", "write",
    ];

    /// One message as a source writes it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Template {
        /// The file below `codegen/src/`.
        pub file: String,
        /// The string literal: a `format!` string or the message itself.
        pub text: String,
        /// Whether `text` is a `format!` string, whose placeholders match any text.
        pub formatted: bool,
    }

    impl Template {
        /// Whether `message` is what this template produces.
        pub fn matches(&self, message: &str) -> bool {
            if !self.formatted {
                return message == self.text;
            }
            let pieces = literal_pieces(&self.text);
            let (first, rest) = pieces
                .split_first()
                .expect("split gives one piece at least");
            let Some(mut tail) = message.strip_prefix(first.as_str()) else {
                return false;
            };
            let Some((last, middle)) = rest.split_last() else {
                return tail.is_empty();
            };
            for piece in middle {
                match tail.find(piece.as_str()) {
                    Some(at) => tail = &tail[at + piece.len()..],
                    None => return false,
                }
            }
            tail.ends_with(last.as_str())
        }
    }

    /// The literal text between the placeholders of a `format!` string, `{{` and `}}`
    /// unescaped: `n + 1` pieces for `n` placeholders.
    fn literal_pieces(format: &str) -> Vec<String> {
        let mut pieces = vec![String::new()];
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    pieces.last_mut().unwrap().push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    pieces.last_mut().unwrap().push('}');
                }
                '{' => {
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                    }
                    pieces.push(String::new());
                }
                c => pieces.last_mut().unwrap().push(c),
            }
        }
        pieces
    }

    /// Every message of the spec-checking modules below `src`, each once.
    pub fn in_generator(src: &Path) -> Vec<Template> {
        let mut files = Vec::new();
        collect_rs(src, &mut files);
        files.sort();
        let mut out: Vec<Template> = Vec::new();
        for file in files {
            let rel = file
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if NOT_CHECKS
                .iter()
                .any(|m| rel == format!("{m}.rs") || rel.starts_with(&format!("{m}/")))
            {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let mut sites = Sites {
                file: rel,
                returns_message: false,
                out: Vec::new(),
            };
            sites.visit_file(&ast);
            for t in sites.out {
                if !out
                    .iter()
                    .any(|o| o.text == t.text && o.formatted == t.formatted)
                {
                    out.push(t);
                }
            }
        }
        out
    }

    fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_rs(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }

    /// `#[cfg(test)]` or `#[test]`: not the generator.
    fn is_test(attrs: &[syn::Attribute]) -> bool {
        attrs.iter().any(|a| {
            a.path().is_ident("test")
                || (a.path().is_ident("cfg")
                    && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string() == "test"))
        })
    }

    /// `Result<_, String>` or `Option<String>`: a function whose failure is a message.
    fn returns_message(output: &syn::ReturnType) -> bool {
        let syn::ReturnType::Type(_, ty) = output else {
            return false;
        };
        let syn::Type::Path(p) = ty.as_ref() else {
            return false;
        };
        let Some(last) = p.path.segments.last() else {
            return false;
        };
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return false;
        };
        let types: Vec<&syn::Type> = args
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect();
        let is_string =
            |t: &syn::Type| matches!(t, syn::Type::Path(p) if p.path.is_ident("String"));
        match (last.ident.to_string().as_str(), types.as_slice()) {
            ("Result", [_, err]) => is_string(err),
            ("Option", [inner]) => is_string(inner),
            _ => false,
        }
    }

    struct Sites {
        file: String,
        returns_message: bool,
        out: Vec<Template>,
    }

    impl Sites {
        /// Records the message an expression builds, if it is written there (a literal, a
        /// `format!`, or a method called on one); a message passed on from a variable was
        /// recorded where it was built.
        fn message(&mut self, expr: &syn::Expr) {
            match expr {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => self.push(s.value(), false),
                syn::Expr::Macro(m) if m.mac.path.is_ident("format") => {
                    let args = m
                        .mac
                        .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
                        .unwrap_or_else(|e| panic!("{}: format! arguments: {e}", self.file));
                    match args.first() {
                        Some(syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        })) => self.push(s.value(), true),
                        _ => panic!("{}: a format! without a literal format string", self.file),
                    }
                }
                syn::Expr::MethodCall(c) => self.message(&c.receiver),
                syn::Expr::Reference(r) => self.message(&r.expr),
                syn::Expr::Paren(p) => self.message(&p.expr),
                syn::Expr::Closure(c) => self.message(&c.body),
                _ => {}
            }
        }

        fn push(&mut self, text: String, formatted: bool) {
            // `SpecFiles::place` asks for a position with an empty message: not a diagnostic.
            if !text.is_empty() {
                self.out.push(Template {
                    file: self.file.clone(),
                    text,
                    formatted,
                });
            }
        }
    }

    impl<'ast> Visit<'ast> for Sites {
        /// `vec![Diagnostic { .. }]` and the like: syn leaves a macro's arguments as tokens, so
        /// those that are expressions are read here.
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            if let Ok(args) =
                m.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            {
                for arg in &args {
                    self.visit_expr(arg);
                }
            }
            visit::visit_macro(self, m);
        }

        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            if !is_test(&m.attrs) {
                visit::visit_item_mod(self, m);
            }
        }

        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            if is_test(&f.attrs) {
                return;
            }
            let outer =
                std::mem::replace(&mut self.returns_message, returns_message(&f.sig.output));
            visit::visit_item_fn(self, f);
            self.returns_message = outer;
        }

        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            if is_test(&f.attrs) {
                return;
            }
            let outer =
                std::mem::replace(&mut self.returns_message, returns_message(&f.sig.output));
            visit::visit_impl_item_fn(self, f);
            self.returns_message = outer;
        }

        fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
            let method = c.method.to_string();
            let reports = ["error", "key_error", "at_value", "at_key"].contains(&method.as_str());
            if reports && c.args.len() == 2 {
                self.message(&c.args[1]);
            }
            if method == "ok_or_else" && self.returns_message {
                if let Some(arg) = c.args.first() {
                    self.message(arg);
                }
            }
            visit::visit_expr_method_call(self, c);
        }

        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            let wraps_message = matches!(c.func.as_ref(), syn::Expr::Path(p)
                if p.path.is_ident("Err") || p.path.is_ident("Some"));
            if self.returns_message && wraps_message && c.args.len() == 1 {
                self.message(&c.args[0]);
            }
            visit::visit_expr_call(self, c);
        }

        fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
            if s.path
                .segments
                .last()
                .is_some_and(|l| l.ident == "Diagnostic")
            {
                for field in &s.fields {
                    if matches!(&field.member, syn::Member::Named(n) if n == "message") {
                        self.message(&field.expr);
                    }
                }
            }
            visit::visit_expr_struct(self, s);
        }
    }
}

//! Validation and lowering: a parsed spec becomes the intermediate model, or a list of every
//! problem found, each pointing at its YAML path, line and column.
//!
//! Lowering is a list of small passes over one spec, each in its own module, run in the order
//! `Lowerer::api` spells out, because each needs what the ones before it resolved:
//!
//! 1. `names`: every Rust name, scope by scope (`naming` holds the policy), and the type
//!    table: type names resolved and sorted, then an [`ir::TypeId`] per place, so that the
//!    table is in output order by construction and every type expression resolves to an id.
//! 2. `client`: client parameters, credentials, base URL and global parameters (named
//!    together in the client builder); later, rate limit and retry.
//! 3. `types`: type expressions and the named types, in table order; then `recursion` boxes
//!    the fields on a cycle.
//! 4. `pagination` (with the error model): dotted value paths through the lowered types.
//! 5. `operations`: parameters, body, responses; `path` splits path templates; pagination.
//! 6. `facts` (outside this module): what the emitters would otherwise derive by searching
//!    the types, computed once on the finished types.
//!
//! Rules that relate several parts of a spec (a placeholder and a client parameter, a form
//! body and its nested types and the credentials) are in `check`, one function per rule. Every
//! pass and check reports into one context (`ctxt`), so all problems are found in one run.

mod check;
mod client;
mod ctxt;
mod names;
mod operations;
mod pagination;
mod path;
mod types;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::Diagnostic;
use crate::docs;
use crate::files::SpecFiles;
use crate::ir::{self, TypeId, TypeSpace};
use crate::spec::{self, Citation};

use ctxt::Ctxt;

/// Validates `spec` and lowers it. All problems are reported together.
pub fn lower(files: &SpecFiles, spec: &spec::Spec) -> Result<ir::Api, Vec<Diagnostic>> {
    let mut lx = Lowerer {
        spec,
        cx: Ctxt::new(files),
        type_names: BTreeMap::new(),
        type_ids: BTreeMap::new(),
        by_id: Vec::new(),
        lowered: Vec::new(),
        global_names: BTreeSet::new(),
        form_credentials: Vec::new(),
        one_of_required: BTreeMap::new(),
    };
    check::no_blank_docs(&mut lx.cx, spec);
    let api = lx.api();
    lx.cx.finish(api)
}

/// The state the passes share: the spec, the error context, and what earlier passes resolved.
struct Lowerer<'a> {
    spec: &'a spec::Spec,
    cx: Ctxt<'a>,
    /// Spec type name to Rust type name.
    type_names: BTreeMap<String, String>,
    /// Spec type name to id: its place in the table sorted by Rust name.
    type_ids: BTreeMap<String, TypeId>,
    /// Spec type names, by id.
    by_id: Vec<String>,
    /// The lowered types, once they are done.
    lowered: Vec<ir::TypeModel>,
    /// Rust names of the global parameters, taken in every request builder.
    global_names: BTreeSet<String>,
    /// Form fields the credentials add to every form body.
    form_credentials: Vec<String>,
    /// Object type to its `one_of_required` alternatives, resolved.
    one_of_required: BTreeMap<TypeId, Vec<Vec<ir::SetField>>>,
}

fn join(path: &str, key: impl std::fmt::Display) -> String {
    format!("{path}.{key}")
}

impl Lowerer<'_> {
    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.cx.error(path, message);
    }

    fn key_error(&mut self, path: &str, message: impl Into<String>) {
        self.cx.key_error(path, message);
    }

    /// The types lowered so far, for queries across them.
    fn space(&self) -> TypeSpace<'_> {
        TypeSpace::new(&self.lowered)
    }

    fn cite(&mut self, path: &str, c: &Citation) -> ir::Cite {
        match self.spec.sources.get(&c.doc) {
            Some(src) => ir::Cite {
                file: src.file.clone(),
                section: c.section.clone(),
                secondary: src.secondary,
            },
            None => {
                let known: Vec<_> = self.spec.sources.keys().map(String::as_str).collect();
                self.error(
                    &join(path, "doc"),
                    format!(
                        "`{}` is not a key of `sources` (known: {})",
                        c.doc,
                        known.join(", ")
                    ),
                );
                ir::Cite {
                    file: c.doc.clone(),
                    section: c.section.clone(),
                    secondary: false,
                }
            }
        }
    }

    /// The passes, in order.
    fn api(&mut self) -> ir::Api {
        let spec = self.spec;
        self.api_name();
        // Type names first: every type expression below resolves against them.
        self.type_table();
        let cite = self.cite("cite", &spec.cite);
        let sources = spec
            .sources
            .values()
            .map(|s| ir::Cite {
                file: s.file.clone(),
                section: String::new(),
                secondary: s.secondary,
            })
            .collect();
        let notes = self.notes();
        let (client_params, auth, global_params) = self.client();
        let mut types = self.types();
        self.lowered = types.clone();
        let mut error = spec.errors.as_ref().map(|e| self.error_model(e));
        let rate_limit = self.rate_limit();
        let rate_limit_headers = spec
            .rate_limit
            .as_ref()
            .and_then(|r| r.headers.as_ref())
            .map(|h| self.rate_limit_headers(h));
        let retry = self.retry();
        let mut operations = self.operations(&client_params, &global_params);
        names::name_example_tests(&mut operations, error.as_mut());
        crate::facts::derive(&mut types, &operations);

        ir::Api {
            module: spec.api.clone(),
            source: self.cx.shown().to_owned(),
            title: docs::one_line(&spec.title),
            docs: docs::sanitize(spec.docs.as_deref().unwrap_or("")),
            cite,
            sources,
            notes,
            base_url: spec.base_url.clone(),
            client_params,
            auth,
            global_params,
            error,
            rate_limit,
            rate_limit_headers,
            retry,
            types,
            operations,
        }
    }

    /// The reviewers' notes, each id once, their citations resolved.
    fn notes(&mut self) -> Vec<(String, String)> {
        let spec = self.spec;
        check::note_ids(&mut self.cx, &spec.notes);
        let mut notes = Vec::new();
        for (i, note) in spec.notes.iter().enumerate() {
            for (j, c) in note.cite.iter().enumerate() {
                self.cite(&format!("notes[{i}].cite[{j}]"), c);
            }
            notes.push((note.id.clone(), docs::sanitize(&note.text)));
        }
        notes
    }
}

fn examples(list: &[spec::Example]) -> Vec<ir::Example> {
    list.iter()
        .map(|e| ir::Example {
            name: e.name.clone(),
            test_name: String::new(),
            body: e.body.clone(),
            fixed: e.fixed.as_deref().map(docs::sanitize),
        })
        .collect()
}

/// Joins documentation with the server default and a reviewer's note, sanitised for rustdoc.
fn fold_docs(text: &str, default: Option<&str>, note: Option<&str>) -> String {
    let mut out = text.trim().to_owned();
    if let Some(d) = default {
        out.push_str(&format!("\n\nServer default: {}.", docs::code(d)));
    }
    if let Some(n) = note {
        out.push_str(&format!("\n\n{}", docs::labelled("Spec note:", n)));
    }
    docs::sanitize(&out)
}

/// Helpers for the passes' unit tests: a tiny valid spec, and lowering with the diagnostics
/// as `path: message` lines.
#[cfg(test)]
mod tests {
    use std::path::Path;

    /// One API with one operation; a test appends operations (indented two spaces) or
    /// top-level keys.
    pub(super) const SPEC: &str = "api: demo
title: Demo
sources:
  d: {file: doc.md, title: Doc}
cite: {doc: d, section: s}
base_url: https://api.example.com
operations:
  getThing:
    summary: Get.
    cite: {doc: d, section: s}
    method: GET
    path: /thing
    responses:
      204: {docs: Done.}
";

    pub(super) fn lower_ok(text: &str) -> crate::ir::Api {
        match crate::load_str(Path::new("t.yaml"), text) {
            Ok(api) => api,
            Err(d) => panic!("{d}"),
        }
    }

    pub(super) fn lower_err(text: &str) -> Vec<String> {
        match crate::load_str(Path::new("t.yaml"), text) {
            Ok(_) => panic!("the spec is accepted"),
            Err(d) => {
                d.0.iter()
                    .map(|d| format!("{}: {}", d.path, d.message))
                    .collect()
            }
        }
    }

    #[test]
    fn the_tiny_spec_lowers() {
        let api = lower_ok(SPEC);
        assert_eq!(api.module, "demo");
        assert_eq!(api.source, "t.yaml");
        assert_eq!(api.operations.len(), 1);
    }
}

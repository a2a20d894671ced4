//! The names pass: every Rust name the spec asks for, resolved per scope by `naming` (which
//! holds the written collision policy), with explicit `rust_name`s that are invalid or clash
//! reported where they are written; and the type table, whose order (by Rust name) gives
//! every type its [`TypeId`].

use std::collections::BTreeSet;

use super::{Lowerer, join};
use crate::ir::{self, TypeId};
use crate::naming::{self, Namespace};

impl Lowerer<'_> {
    /// Names for one namespace, reporting explicit `rust_name`s that collide or are invalid.
    /// Each entry's `rust_name` is at `base.<wire>.rust_name`.
    pub(super) fn names(
        &mut self,
        ns: Namespace,
        base: &str,
        entries: &[(&str, Option<&str>)],
    ) -> Vec<String> {
        let paths: Vec<String> = entries.iter().map(|(w, _)| join(base, w)).collect();
        self.names_at(ns, &BTreeSet::new(), entries, &paths)
    }

    /// Like [`Lowerer::names`], with each entry's own YAML path, in a scope where `taken` are
    /// already used.
    pub(super) fn names_at(
        &mut self,
        ns: Namespace,
        taken: &BTreeSet<String>,
        entries: &[(&str, Option<&str>)],
        paths: &[String],
    ) -> Vec<String> {
        let mut valid = true;
        for ((_, explicit), path) in entries.iter().zip(paths) {
            if let Some(problem) = explicit.and_then(|name| naming::check_explicit(ns, name)) {
                self.error(&join(path, "rust_name"), problem);
                valid = false;
            }
        }
        match naming::assign_beside(ns, taken, entries) {
            Ok(names) if valid => names,
            Ok(_) => entries.iter().map(|(w, _)| naming::derive(ns, w)).collect(),
            Err(clashes) => {
                for clash in clashes {
                    let claimants: Vec<usize> = (0..entries.len())
                        .filter(|&i| entries[i].1 == Some(clash.as_str()))
                        .collect();
                    let culprit = if taken.contains(&clash) {
                        claimants.first()
                    } else {
                        claimants.get(1)
                    };
                    let path = culprit.map_or("", |&i| paths[i].as_str());
                    self.error(
                        &join(path, "rust_name"),
                        format!("`rust_name: {clash}` is used twice in the same scope"),
                    );
                }
                entries.iter().map(|(w, _)| naming::derive(ns, w)).collect()
            }
        }
    }

    /// The `api` key is the module and feature name: a snake_case identifier.
    pub(super) fn api_name(&mut self) {
        let api = &self.spec.api;
        if !naming::is_valid_ident(api) || *api != naming::derive(Namespace::Field, api) {
            self.error(
                "api",
                format!("`{api}` must be a snake_case Rust identifier"),
            );
        }
    }

    /// Names the types and lays out the table: ids follow the Rust names' order (ties, which
    /// only clashing names have, keep the spec's order), so the table is sorted by
    /// construction and every later pass resolves type expressions to ids against it.
    pub(super) fn type_table(&mut self) {
        let spec = self.spec;
        let entries: Vec<_> = spec
            .types
            .iter()
            .map(|(n, t)| (n.as_str(), t.rust_name.as_deref()))
            .collect();
        let names = self.names(Namespace::Type, "types", &entries);
        self.type_names = spec.types.keys().cloned().zip(names).collect();
        let mut sorted: Vec<(&String, &String)> = spec
            .types
            .keys()
            .map(|n| (&self.type_names[n], n))
            .collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        self.by_id = sorted.into_iter().map(|(_, n)| n.clone()).collect();
        self.type_ids = self
            .by_id
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), TypeId::new(i)))
            .collect();
    }

    /// Client parameters, credentials and global parameters are all named in the client
    /// builder (the global ones are then taken in every request builder): their names, in
    /// that order.
    pub(super) fn client_builder_names(&mut self) -> (Vec<String>, Vec<String>, Vec<String>) {
        let spec = self.spec;
        let entries: Vec<_> = spec
            .client_params
            .iter()
            .map(|(n, p)| (n.as_str(), p.rust_name.as_deref()))
            .chain(
                spec.auth
                    .iter()
                    .map(|(n, a)| (n.as_str(), a.rust_name.as_deref())),
            )
            .chain(
                spec.global_params
                    .iter()
                    .map(|(n, p)| (n.as_str(), p.rust_name.as_deref())),
            )
            .collect();
        let paths: Vec<String> = spec
            .client_params
            .keys()
            .map(|n| format!("client_params.{n}"))
            .chain(spec.auth.keys().map(|n| format!("auth.{n}")))
            .chain(
                spec.global_params
                    .keys()
                    .map(|n| format!("global_params.{n}")),
            )
            .collect();
        let mut builder_names =
            self.names_at(Namespace::ClientBuilder, &BTreeSet::new(), &entries, &paths);
        let global_names = builder_names.split_off(spec.client_params.len() + spec.auth.len());
        let auth_names = builder_names.split_off(spec.client_params.len());
        (builder_names, auth_names, global_names)
    }

    /// The client method and the request builder of each operation, in spec order.
    pub(super) fn operation_names(&mut self) -> (Vec<String>, Vec<String>) {
        let spec = self.spec;
        let entries: Vec<_> = spec
            .operations
            .iter()
            .map(|(n, o)| (n.as_str(), o.rust_name.as_deref()))
            .collect();
        let methods = self.names(Namespace::Method, "operations", &entries);
        let builder_entries: Vec<_> = methods.iter().map(|m| (m.as_str(), None)).collect();
        let builders = self.names(Namespace::Builder, "operations", &builder_entries);
        (methods, builders)
    }
}

/// Names the example tests of one API together (they share the `examples` module): the
/// operation's method name, `request` or the status, and the example's name; `error_` and the
/// name for error bodies. Names that come out alike (`a-b`, `a_b`) get the usual suffixes.
pub(super) fn name_example_tests(
    operations: &mut [ir::Operation],
    error: Option<&mut ir::ErrorModel>,
) {
    let mut slots: Vec<(String, &mut ir::Example)> = Vec::new();
    for op in operations.iter_mut() {
        let method = op.method_name.clone();
        if let Some(body) = &mut op.body {
            for ex in &mut body.examples {
                slots.push((format!("{method}_request_{}", ex.name), ex));
            }
        }
        for r in &mut op.success {
            if matches!(r.decode, ir::Decode::Json { .. }) {
                for ex in &mut r.examples {
                    slots.push((format!("{method}_{}_{}", r.status, ex.name), ex));
                }
            }
        }
    }
    if let Some(error) = error {
        for ex in &mut error.examples {
            slots.push((format!("error_{}", ex.name), ex));
        }
    }
    let entries: Vec<(&str, Option<&str>)> =
        slots.iter().map(|(n, _)| (n.as_str(), None)).collect();
    // No explicit names, so nothing can clash.
    let names = naming::assign(Namespace::Test, &entries).unwrap_or_default();
    for ((_, ex), name) in slots.into_iter().zip(names) {
        ex.test_name = name;
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SPEC, lower_err, lower_ok};

    #[test]
    fn type_ids_follow_rust_names_not_spec_order() {
        // `zebra` is written first and `Apple` last; `rust_name` renames `mango` to `Aardvark`.
        let api = lower_ok(&format!(
            "{SPEC}types:
  zebra:
    kind: object
    docs: x
    cite: {{doc: d, section: s}}
    fields:
      fruit: {{type: Apple, docs: x}}
  mango:
    kind: object
    docs: x
    rust_name: Aardvark
    cite: {{doc: d, section: s}}
    fields:
      z: {{type: zebra, docs: x}}
  Apple:
    kind: enum
    docs: x
    type: string
    cite: {{doc: d, section: s}}
    values: [{{value: a, docs: x}}]
"
        ));
        let names: Vec<&str> = api.types.iter().map(|t| t.rust.as_str()).collect();
        assert_eq!(names, ["Aardvark", "Apple", "Zebra"]);
        let spec_names: Vec<&str> = api.types.iter().map(|t| t.spec_name.as_str()).collect();
        assert_eq!(spec_names, ["mango", "Apple", "zebra"]);
        // Each reference is the id of the type it names.
        let field_ty = |t: usize| api.types[t].fields().unwrap()[0].ty.clone();
        let crate::ir::Ty::Named(apple) = field_ty(2) else {
            panic!("zebra.fruit is a named type");
        };
        assert_eq!(api.type_name(apple), "Apple");
        assert!(api.ty(apple).is_enum());
        let crate::ir::Ty::Named(zebra) = field_ty(0) else {
            panic!("mango.z is a named type");
        };
        assert_eq!(zebra.index(), 2);
    }

    #[test]
    fn names_are_resolved_per_scope_and_clashes_reported_where_written() {
        let api = lower_ok(&format!(
            "{SPEC}global_params:
  TZ: {{in: query, type: string, docs: Zone.}}
"
        ));
        assert_eq!(api.global_params[0].rust, "tz");
        assert_eq!(api.operations[0].method_name, "get_thing");
        assert_eq!(api.operations[0].builder, "GetThing");

        let errors = lower_err(&format!(
            "{SPEC}types:
  a:
    kind: object
    docs: x
    rust_name: Same
    cite: {{doc: d, section: s}}
  b:
    kind: object
    docs: x
    rust_name: Same
    cite: {{doc: d, section: s}}
"
        ));
        assert_eq!(
            errors,
            ["types.b.rust_name: `rust_name: Same` is used twice in the same scope"]
        );
        let errors = lower_err(&SPEC.replace("api: demo", "api: Demo"));
        assert_eq!(errors, ["api: `Demo` must be a snake_case Rust identifier"]);
    }
}

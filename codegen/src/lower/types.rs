//! The types pass: type expressions resolve to [`Ty`] against the type table (unknown names are
//! reported, with a hint when only the case differs), and each named type is lowered in table
//! order: object fields (copied `from` another type when asked), enum values, union variants.
//! `recursion` then boxes what lies on a cycle, and `check` refuses a type that contains itself
//! through required fields only.

use std::collections::BTreeSet;

use super::{Lowerer, check, docs, fold_docs, join};
use crate::ir::{self, Ty, TypeId};
use crate::naming::Namespace;
use crate::spec::{self, TypeKind};
use crate::typeexpr::TypeExpr;

impl Lowerer<'_> {
    /// Resolves a type expression; unknown names are reported and replaced by `Json`.
    pub(super) fn ty(&mut self, path: &str, text: &str) -> Ty {
        match TypeExpr::parse(text) {
            Ok(expr) => self.resolve(path, &expr),
            Err(msg) => {
                self.error(path, msg);
                Ty::Json
            }
        }
    }

    pub(super) fn resolve(&mut self, path: &str, expr: &TypeExpr) -> Ty {
        match expr {
            TypeExpr::String => Ty::String,
            TypeExpr::Integer => Ty::Integer,
            TypeExpr::Number => Ty::Number,
            TypeExpr::Boolean => Ty::Boolean,
            TypeExpr::Date => Ty::Date,
            TypeExpr::DateTime => Ty::DateTime,
            TypeExpr::UnixTime => Ty::UnixTime,
            TypeExpr::Decimal => Ty::Decimal,
            TypeExpr::DecimalNumber => Ty::DecimalNumber,
            TypeExpr::Json => Ty::Json,
            TypeExpr::TemporaryUrl => Ty::TemporaryUrl,
            TypeExpr::Array(t) => Ty::Array(Box::new(self.resolve(path, t))),
            TypeExpr::Map(t) => Ty::Map(Box::new(self.resolve(path, t))),
            TypeExpr::Named(name) => match self.type_ids.get(name) {
                Some(id) => Ty::Named(*id),
                None => {
                    let hint = self
                        .type_names
                        .keys()
                        .find(|k| k.eq_ignore_ascii_case(name))
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    self.error(
                        path,
                        format!("type `{name}` is not defined in `types`{hint}"),
                    );
                    Ty::Json
                }
            },
        }
    }

    /// The spec kind of a type of the table.
    pub(super) fn kind_of(&self, id: TypeId) -> Option<TypeKind> {
        let spec_name = self.by_id.get(id.index())?;
        self.spec.types.get(spec_name).map(|t| t.kind)
    }

    /// Every named type, in table order, with the fields on a cycle boxed.
    pub(super) fn types(&mut self) -> Vec<ir::TypeModel> {
        let spec = self.spec;
        let order = self.by_id.clone();
        let mut types: Vec<_> = order
            .iter()
            .enumerate()
            .map(|(i, name)| self.type_def(TypeId::new(i), name, &spec.types[name]))
            .collect();
        let unbuildable = crate::recursion::box_cycles(&mut types);
        check::finite_types(&mut self.cx, &unbuildable);
        types
    }

    /// One named type: the keys its kind does not use are refused, then its body.
    pub(super) fn type_def(&mut self, id: TypeId, name: &str, t: &spec::TypeDef) -> ir::TypeModel {
        let path = format!("types.{name}");
        let cite = self.cite(&join(&path, "cite"), &t.cite);
        let rust = self.type_names[name].clone();
        let misplaced = |cx: &mut Self, key: &str, present: bool| {
            if present {
                cx.error(
                    &join(&path, key),
                    format!("`{key}` does not apply to a type of kind `{:?}`", t.kind)
                        .to_lowercase(),
                );
            }
        };
        let body = match t.kind {
            TypeKind::Object => {
                misplaced(self, "values", !t.values.is_empty());
                misplaced(self, "variants", !t.variants.is_empty());
                misplaced(self, "type", t.repr.is_some());
                let fields = self.object_fields(&path, t);
                let alternatives = self.one_of_required(&path, t, &fields);
                if !alternatives.is_empty() {
                    self.one_of_required.insert(id, alternatives);
                }
                ir::TypeBody::Object {
                    fields,
                    keep_unknown: t.keep_unknown_fields,
                }
            }
            TypeKind::Enum => {
                misplaced(self, "fields", !t.fields.is_empty());
                misplaced(self, "one_of_required", !t.one_of_required.is_empty());
                misplaced(self, "variants", !t.variants.is_empty());
                misplaced(self, "from", t.from.is_some());
                self.enum_body(&path, t)
            }
            TypeKind::Union => {
                misplaced(self, "fields", !t.fields.is_empty());
                misplaced(self, "one_of_required", !t.one_of_required.is_empty());
                misplaced(self, "values", !t.values.is_empty());
                misplaced(self, "from", t.from.is_some());
                self.union_body(&path, t)
            }
        };
        ir::TypeModel {
            spec_name: name.to_owned(),
            rust,
            docs: fold_docs(&t.docs, None, t.note.as_deref()),
            cite,
            body,
            form: false,
            holds_read_only: false,
        }
    }

    /// An open enum: its representation, and its values, each once, named as variants.
    fn enum_body(&mut self, path: &str, t: &spec::TypeDef) -> ir::TypeBody {
        let integer = match t.repr.as_deref() {
            Some("string") => false,
            Some("integer") => true,
            Some(other) => {
                self.error(
                    &join(path, "type"),
                    format!("an enum needs `type: string` or `type: integer`, found `{other}`"),
                );
                false
            }
            None => {
                self.error(path, "an enum needs `type: string` or `type: integer`");
                false
            }
        };
        if t.values.is_empty() {
            self.error(path, "an enum needs at least one value");
        }
        let entries: Vec<_> = t
            .values
            .iter()
            .map(|v| match &v.value {
                spec::EnumLiteral::Str(s) => (s.clone(), v.rust_name.as_deref()),
                spec::EnumLiteral::Int(i) => (i.to_string(), v.rust_name.as_deref()),
            })
            .collect();
        let borrowed: Vec<_> = entries.iter().map(|(w, r)| (w.as_str(), *r)).collect();
        // A value's `rust_name` is at `values[i].rust_name`: the list is indexed, not
        // keyed by the value.
        let vpaths: Vec<String> = (0..t.values.len())
            .map(|i| format!("{path}.values[{i}]"))
            .collect();
        let names = self.names_at(Namespace::Variant, &BTreeSet::new(), &borrowed, &vpaths);
        let mut seen = BTreeSet::new();
        let mut values = Vec::new();
        for (i, (v, rust)) in t.values.iter().zip(names).enumerate() {
            let vpath = format!("{path}.values[{i}].value");
            if !seen.insert(v.value.clone()) {
                self.error(&vpath, "this value is listed twice");
            }
            match (&v.value, integer) {
                (spec::EnumLiteral::Int(_), false) => {
                    self.error(&vpath, "a string enum needs string values (quote it)")
                }
                (spec::EnumLiteral::Str(_), true) => {
                    self.error(&vpath, "an integer enum needs integer values")
                }
                _ => {}
            }
            values.push(ir::EnumValue {
                value: v.value.clone(),
                rust,
                docs: docs::sanitize(&v.docs),
            });
        }
        ir::TypeBody::Enum { integer, values }
    }

    /// An untagged union: at least two variants, tried in spec order.
    fn union_body(&mut self, path: &str, t: &spec::TypeDef) -> ir::TypeBody {
        if t.variants.len() < 2 {
            self.error(path, "a union needs at least two variants");
        }
        let entries: Vec<_> = t.variants.keys().map(|k| (k.as_str(), None)).collect();
        let names = self.names(Namespace::Variant, &join(path, "variants"), &entries);
        let variants = t
            .variants
            .iter()
            .zip(names)
            .map(|((vname, v), rust)| ir::Variant {
                rust,
                ty: self.ty(&format!("{path}.variants.{vname}.type"), &v.ty),
                docs: docs::sanitize(&v.docs),
                boxed: false,
            })
            .collect();
        ir::TypeBody::Union { variants }
    }

    /// Resolves `one_of_required`: at least two alternatives, each naming fields of the object
    /// that are sent (not read-only), can be unset (not required unless they are lists or
    /// maps, which count as unset when empty) and are not three-state `Patch` fields.
    pub(super) fn one_of_required(
        &mut self,
        path: &str,
        t: &spec::TypeDef,
        fields: &[ir::FieldModel],
    ) -> Vec<Vec<ir::SetField>> {
        if t.one_of_required.is_empty() {
            return Vec::new();
        }
        let opath = join(path, "one_of_required");
        if t.one_of_required.len() < 2 {
            self.error(&opath, "`one_of_required` needs at least two alternatives");
        }
        let mut out = Vec::new();
        for (i, alternative) in t.one_of_required.iter().enumerate() {
            let apath = format!("{opath}[{i}]");
            if alternative.fields().is_empty() {
                self.error(&apath, "an alternative names at least one field");
            }
            let mut set = Vec::new();
            for wire in alternative.fields() {
                let Some(f) = fields.iter().find(|f| &f.wire == wire) else {
                    self.error(&apath, format!("`{wire}` is not a field of this object"));
                    continue;
                };
                let collection = matches!(f.ty, Ty::Array(_) | Ty::Map(_));
                let optional = f.optional();
                // Each message is written whole at its call, so that the test that every
                // diagnostic has a fixture (tests/snapshots.rs) can find it.
                if f.read_only {
                    self.error(
                        &apath,
                        format!("`{wire}` is read-only, so it is never sent"),
                    );
                    continue;
                }
                if f.clearable {
                    self.error(
                        &apath,
                        format!(
                            "`{wire}` is `clearable`; a three-state field cannot be an alternative"
                        ),
                    );
                    continue;
                }
                if !optional && !collection {
                    self.error(&apath, format!("`{wire}` is required, so it is always set"));
                    continue;
                }
                set.push(ir::SetField {
                    wire: wire.clone(),
                    rust: f.rust.clone(),
                    optional,
                    collection,
                });
            }
            out.push(set);
        }
        out
    }

    /// The fields of an object, copying them from `from` when given.
    pub(super) fn object_fields(&mut self, path: &str, t: &spec::TypeDef) -> Vec<ir::FieldModel> {
        let mut fields: Vec<(String, String, &spec::Field)> = Vec::new();
        if let Some(from) = &t.from {
            match self.spec.types.get(from) {
                Some(src) if src.kind == TypeKind::Object && src.from.is_none() => {
                    for omitted in &t.omit {
                        if !src.fields.contains_key(omitted) {
                            self.error(
                                &join(path, "omit"),
                                format!("`{from}` has no field `{omitted}`"),
                            );
                        }
                    }
                    for (wire, f) in &src.fields {
                        // A type derived for sending drops what is never sent.
                        if !t.omit.contains(wire) && !f.read_only {
                            fields.push((wire.clone(), format!("types.{from}.fields.{wire}"), f));
                        }
                    }
                }
                Some(_) => self.error(
                    &join(path, "from"),
                    format!("`{from}` must be an object type that is not itself derived"),
                ),
                None => self.error(
                    &join(path, "from"),
                    format!("type `{from}` is not defined in `types`"),
                ),
            }
        } else if !t.omit.is_empty() {
            self.error(&join(path, "omit"), "`omit` needs `from`");
        }
        for (wire, f) in &t.fields {
            if let Some(slot) = fields.iter_mut().find(|(w, _, _)| w == wire) {
                // A derived type may redefine a field (to make it required for sending, say).
                *slot = (wire.clone(), format!("{path}.fields.{wire}"), f);
            } else {
                fields.push((wire.clone(), format!("{path}.fields.{wire}"), f));
            }
        }
        let entries: Vec<_> = fields
            .iter()
            .map(|(w, _, f)| (w.as_str(), f.rust_name.as_deref()))
            .collect();
        // A copied field's `rust_name` is where the field is written: in the source type.
        let fpaths: Vec<String> = fields.iter().map(|(_, p, _)| p.clone()).collect();
        let names = self.names_at(Namespace::Field, &BTreeSet::new(), &entries, &fpaths);
        fields
            .iter()
            .zip(names)
            .map(|((wire, fpath, f), rust)| {
                if f.read_only && f.write_only {
                    self.error(fpath, "a field cannot be both `read_only` and `write_only`");
                }
                let cpath = join(fpath, "clearable");
                if f.clearable && f.required {
                    self.error(
                        &cpath,
                        "`clearable` cannot be combined with `required`: a required field is \
                         always sent",
                    );
                } else if f.clearable && f.nullable {
                    self.error(
                        &cpath,
                        "`clearable` cannot be combined with `nullable`: a nullable field is \
                         already sent as `null` when unset",
                    );
                } else if f.clearable && f.read_only {
                    self.error(
                        &cpath,
                        "`clearable` cannot be combined with `read_only`: a read-only field is \
                         never sent",
                    );
                }
                ir::FieldModel {
                    wire: wire.clone(),
                    rust,
                    ty: self.ty(&join(fpath, "type"), &f.ty),
                    required: f.required,
                    nullable: f.nullable,
                    clearable: f.clearable && !f.required && !f.nullable && !f.read_only,
                    boxed: false,
                    read_only: f.read_only,
                    write_only: f.write_only,
                    deprecated: f.deprecated.as_deref().map(docs::sanitize),
                    form_name: f.form_name.clone(),
                    docs: fold_docs(&f.docs, f.default.as_deref(), f.note.as_deref()),
                    walk: false,
                    object: false,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    /// A deprecation message is shown by rustdoc as Markdown, like any doc text.
    #[test]
    fn deprecation_messages_are_sanitised_like_docs() {
        let spec = r#"
api: fx
title: T
sources: {fx: {file: f, title: F}}
cite: {doc: fx, section: s}
base_url: https://api.example.com
types:
  Thing:
    kind: object
    docs: A thing.
    cite: {doc: fx, section: s}
    fields:
      old: {type: string, docs: Old., deprecated: "use [new] or <other>, see https://example.com"}
operations:
  ping: {summary: Ping., cite: {doc: fx, section: s}, method: GET, path: /p, responses: {204: {docs: Done.}}}
"#;
        let api = crate::load_str(std::path::Path::new("fx.yaml"), spec).unwrap();
        let crate::ir::TypeBody::Object { fields, .. } = &api.types[0].body else {
            panic!("an object");
        };
        assert_eq!(
            fields[0].deprecated.as_deref(),
            Some("use \\[new] or \\<other\\>, see <https://example.com>")
        );
    }

    use super::super::tests::{SPEC, lower_err, lower_ok};
    use crate::ir::{Ty, TypeBody};

    #[test]
    fn type_expressions_resolve_to_ids_and_fields_keep_spec_order() {
        let api = lower_ok(&format!(
            "{SPEC}types:
  Item:
    kind: object
    docs: x
    cite: {{doc: d, section: s}}
    fields:
      tags: {{type: 'array<string>', required: true, docs: x}}
      children: {{type: 'array<Item>', docs: x}}
      by_key: {{type: 'map<Colour>', docs: x}}
      id: {{type: integer, read_only: true, docs: x}}
  Colour:
    kind: enum
    docs: x
    type: string
    cite: {{doc: d, section: s}}
    values: [{{value: red, docs: x}}, {{value: dark-blue, docs: x}}]
"
        ));
        let colour = crate::ir::TypeId::new(0);
        assert_eq!(api.type_name(colour), "Colour");
        let TypeBody::Enum { values, integer } = &api.ty(colour).body else {
            panic!("Colour is an enum");
        };
        assert!(!integer);
        let variants: Vec<&str> = values.iter().map(|v| v.rust.as_str()).collect();
        assert_eq!(variants, ["Red", "DarkBlue"]);

        let item = api.types[1].fields().unwrap();
        let wires: Vec<&str> = item.iter().map(|f| f.wire.as_str()).collect();
        assert_eq!(wires, ["tags", "children", "by_key", "id"]);
        let item_id = crate::ir::TypeId::new(1);
        assert_eq!(item[0].ty, Ty::Array(Box::new(Ty::String)));
        assert_eq!(item[1].ty, Ty::Array(Box::new(Ty::Named(item_id))));
        assert_eq!(item[2].ty, Ty::Map(Box::new(Ty::Named(colour))));
        assert!(item[0].required && !item[0].optional());
        assert!(item[3].read_only && item[3].optional());
        // A list of itself needs no box; the map of an open enum can hold unknown values.
        assert!(!item[1].boxed);
        assert!(item[2].walk && !item[0].walk);
        assert!(api.types[1].has_required_fields());
        assert!(api.types[1].holds_read_only);
    }

    #[test]
    fn unknown_type_names_are_reported_with_a_hint() {
        let errors = lower_err(&format!(
            "{SPEC}types:
  Item:
    kind: object
    docs: x
    cite: {{doc: d, section: s}}
    fields:
      colour: {{type: colour, docs: x}}
      size: {{type: Size, docs: x}}
  Colour:
    kind: enum
    docs: x
    type: string
    cite: {{doc: d, section: s}}
    values: [{{value: red, docs: x}}]
"
        ));
        assert_eq!(
            errors,
            [
                "types.Item.fields.colour.type: type `colour` is not defined in `types`; did \
                 you mean `Colour`?",
                "types.Item.fields.size.type: type `Size` is not defined in `types`",
            ]
        );
    }

    #[test]
    fn a_type_that_contains_itself_is_boxed_or_refused() {
        let api = lower_ok(&format!(
            "{SPEC}types:
  Node:
    kind: object
    docs: x
    cite: {{doc: d, section: s}}
    fields:
      parent: {{type: Node, docs: x}}
"
        ));
        assert!(api.types[0].fields().unwrap()[0].boxed);
        let errors = lower_err(&format!(
            "{SPEC}types:
  Node:
    kind: object
    docs: x
    cite: {{doc: d, section: s}}
    fields:
      parent: {{type: Node, required: true, docs: x}}
"
        ));
        assert_eq!(
            errors,
            [
                "types.Node: `Node` contains itself through required fields only (Node.parent), \
                 so no finite value has this shape: make one of them optional or nullable"
            ]
        );
    }
}

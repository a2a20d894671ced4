//! Facts derived from the lowered types, computed once so that emitters only read them.
//!
//! - **Can hold something undescribed** (`FieldModel::walk`): an object that keeps unknown
//!   fields, an open enum, or anything containing one. `UnknownFields` searches only such
//!   fields; a string or a closed object of numbers can never report anything, and searching
//!   it would cost a path string per field on every call.
//! - **Holds an object** (`FieldModel::object`): a form writes such a field's fields in place.
//! - **Written as a form** (`TypeModel::form`): the body type of a form-encoded operation, and
//!   every object nested in one (flattened into the same form); such types get `write_form`.
//!
//! Both are fixpoints over the type graph, which may be cyclic (see `recursion`), so they are
//! computed by iterating to a fixed point rather than by recursion.

use std::collections::BTreeSet;

use crate::ir::{BodyEncoding, Operation, Ty, TypeBody, TypeId, TypeModel};

/// Sets `walk` and `object` on every field and `form` on every type.
pub fn derive(types: &mut [TypeModel], operations: &[Operation]) {
    let holds = holds_unknown(types);
    let form = form_types(types, operations);
    let objects: Vec<bool> = types.iter().map(TypeModel::is_object).collect();
    for (i, t) in types.iter_mut().enumerate() {
        t.form = form.contains(&TypeId::new(i));
        if let TypeBody::Object { fields, .. } = &mut t.body {
            for f in fields {
                f.walk = ty_holds(&f.ty, &holds);
                f.object = matches!(&f.ty, Ty::Named(n) if objects[n.index()]);
            }
        }
    }
}

fn ty_holds(ty: &Ty, holds: &BTreeSet<TypeId>) -> bool {
    match ty {
        Ty::Array(inner) | Ty::Map(inner) => ty_holds(inner, holds),
        Ty::Named(name) => holds.contains(name),
        _ => false,
    }
}

/// The types that can hold something their spec does not describe.
fn holds_unknown(types: &[TypeModel]) -> BTreeSet<TypeId> {
    let mut holds = BTreeSet::new();
    loop {
        let before = holds.len();
        for (i, t) in types.iter().enumerate() {
            let yes = match &t.body {
                TypeBody::Enum { .. } => true,
                TypeBody::Object {
                    keep_unknown: true, ..
                } => true,
                TypeBody::Object { fields, .. } => fields.iter().any(|f| ty_holds(&f.ty, &holds)),
                TypeBody::Union { variants } => variants.iter().any(|v| ty_holds(&v.ty, &holds)),
            };
            if yes {
                holds.insert(TypeId::new(i));
            }
        }
        if holds.len() == before {
            return holds;
        }
    }
}

/// Object types written as form bodies, and the objects nested in their sent fields.
fn form_types(types: &[TypeModel], operations: &[Operation]) -> BTreeSet<TypeId> {
    let mut pending: Vec<TypeId> = operations
        .iter()
        .filter_map(|op| op.body.as_ref())
        .filter(|b| b.encoding == BodyEncoding::Form)
        .filter_map(|b| match &b.ty {
            Ty::Named(n) => Some(*n),
            _ => None,
        })
        .collect();
    let mut out = BTreeSet::new();
    while let Some(id) = pending.pop() {
        let Some(fields) = types[id.index()].fields() else {
            continue;
        };
        if !out.insert(id) {
            continue;
        }
        for f in fields.iter().filter(|f| !f.read_only) {
            if let Ty::Named(n) = &f.ty {
                pending.push(*n);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Cite, EnumLiteral, EnumValue, FieldModel};

    fn field(wire: &str, ty: Ty) -> FieldModel {
        FieldModel {
            wire: wire.to_owned(),
            rust: wire.to_owned(),
            ty,
            required: false,
            nullable: false,
            clearable: false,
            boxed: false,
            read_only: false,
            write_only: false,
            deprecated: None,
            form_name: None,
            docs: String::new(),
            walk: false,
            object: false,
        }
    }

    fn ty(name: &str, body: TypeBody) -> TypeModel {
        TypeModel {
            spec_name: name.to_owned(),
            rust: name.to_owned(),
            docs: String::new(),
            cite: Cite {
                file: String::new(),
                section: String::new(),
                secondary: false,
            },
            body,
            form: false,
        }
    }

    fn object(name: &str, keep_unknown: bool, fields: Vec<FieldModel>) -> TypeModel {
        ty(
            name,
            TypeBody::Object {
                fields,
                keep_unknown,
            },
        )
    }

    /// The type named `name` in `table`, by its place there.
    fn named(table: &[&str], name: &str) -> Ty {
        let i = table.iter().position(|t| *t == name);
        Ty::Named(TypeId::new(i.unwrap_or(usize::MAX)))
    }

    fn walks(types: &[TypeModel], name: &str) -> Vec<bool> {
        let t = types.iter().find(|t| t.rust == name).unwrap();
        match &t.body {
            TypeBody::Object { fields, .. } => fields.iter().map(|f| f.walk).collect(),
            _ => panic!("{name} is not an object"),
        }
    }

    #[test]
    fn only_fields_that_can_report_something_are_walked() {
        let colour = ty(
            "Colour",
            TypeBody::Enum {
                integer: false,
                values: vec![EnumValue {
                    value: EnumLiteral::Str("red".into()),
                    rust: "Red".into(),
                    docs: String::new(),
                }],
            },
        );
        let table = ["Colour", "Closed", "Open", "Outer"];
        let n = |name| named(&table, name);
        let mut types = vec![
            colour,
            object("Closed", false, vec![field("n", Ty::Integer)]),
            object("Open", true, vec![field("s", Ty::String)]),
            // Closed, but holds an enum two levels down, through a list and a map.
            object(
                "Outer",
                false,
                vec![
                    field("plain", n("Closed")),
                    field("open", n("Open")),
                    field("deep", Ty::Array(Box::new(Ty::Map(Box::new(n("Colour")))))),
                    field("json", Ty::Json),
                ],
            ),
        ];
        derive(&mut types, &[]);
        assert_eq!(walks(&types, "Outer"), [false, true, true, false]);
        let TypeBody::Object { fields, .. } = &types[3].body else {
            panic!("Outer is an object");
        };
        let objects: Vec<bool> = fields.iter().map(|f| f.object).collect();
        assert_eq!(
            objects,
            [true, true, false, false],
            "only named objects, not lists of them"
        );
        assert_eq!(walks(&types, "Closed"), [false]);
    }

    #[test]
    fn a_cycle_holds_unknown_when_any_member_does() {
        // A → B → A, and only B holds an enum: both hold something undescribed.
        let table = ["A", "B", "C", "X", "Y"];
        let n = |name| named(&table, name);
        let mut types = vec![
            object("A", false, vec![field("b", n("B"))]),
            object("B", false, vec![field("a", n("A")), field("c", n("C"))]),
            ty(
                "C",
                TypeBody::Enum {
                    integer: true,
                    values: Vec::new(),
                },
            ),
            // A closed cycle with nothing open in it holds nothing.
            object("X", false, vec![field("y", n("Y"))]),
            object("Y", false, vec![field("x", n("X"))]),
        ];
        derive(&mut types, &[]);
        assert_eq!(walks(&types, "A"), [true]);
        assert_eq!(walks(&types, "B"), [true, true]);
        assert_eq!(walks(&types, "X"), [false]);
    }
}

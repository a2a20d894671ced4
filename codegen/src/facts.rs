//! Facts derived from the lowered types, computed once so that emitters only read them.
//!
//! - **Can hold something undescribed** (`FieldModel::walk`): an object that keeps unknown
//!   fields, an open enum, or anything containing one. `UnknownFields` searches only such
//!   fields; a string or a closed object of numbers can never report anything, and searching
//!   it would cost a path string per field on every call.
//! - **Holds a read-only field** (`TypeModel::holds_read_only`): such a type's serde output
//!   leaves out what a response carries, so the mock kit writes those fields back.
//! - **Holds an object** (`FieldModel::object`): a form writes such a field's fields in place.
//! - **Written as a form** (`TypeModel::form`): the body type of a form-encoded operation, and
//!   every object nested in one (flattened into the same form); such types get `write_form`.
//! - **A form's flattened fields** (`Body::form_fields`): the names a form body sends, nested
//!   objects written in place, so that the uniqueness check and the OpenAPI export read one
//!   list instead of each flattening the types again.
//!
//! The facts about types are fixpoints over the type graph, which may be cyclic (see
//! `recursion`), so they are computed by iterating to a fixed point rather than by recursion;
//! a form's flattening stops at an object it is already inside.

use std::collections::BTreeSet;

use crate::ir::{BodyEncoding, FormField, Operation, Ty, TypeBody, TypeId, TypeModel, TypeSpace};

/// Sets `walk` and `object` on every field, and `form` and `holds_read_only` on every type.
pub fn derive(types: &mut [TypeModel], operations: &[Operation]) {
    let holds = holds_unknown(types);
    let read_only = holds_read_only(types);
    let form = form_types(types, operations);
    let objects: Vec<bool> = types.iter().map(TypeModel::is_object).collect();
    for (i, t) in types.iter_mut().enumerate() {
        t.form = form.contains(&TypeId::new(i));
        t.holds_read_only = read_only.contains(&TypeId::new(i));
        if let TypeBody::Object { fields, .. } = &mut t.body {
            for f in fields {
                f.walk = ty_holds(&f.ty, &holds);
                f.object = matches!(&f.ty, Ty::Named(n) if objects[n.index()]);
            }
        }
    }
}

/// The fields a form body of type `ty` sends, in order: every sent (not read-only) field of the
/// object, a field that holds an object (not a list of them) replaced by that object's fields.
/// An object met again inside itself is not flattened a second time (lowering refuses it).
pub fn form_fields(space: TypeSpace<'_>, ty: &Ty) -> Vec<FormField> {
    let mut out = Vec::new();
    if let Ty::Named(id) = ty {
        flatten(space, *id, &[], true, &mut BTreeSet::new(), &mut out);
    }
    out
}

fn flatten(
    space: TypeSpace<'_>,
    id: TypeId,
    prefix: &[String],
    required_here: bool,
    seen: &mut BTreeSet<TypeId>,
    out: &mut Vec<FormField>,
) {
    let Some(fields) = space.get(id).fields() else {
        return;
    };
    if !seen.insert(id) {
        return;
    }
    for (index, f) in fields.iter().enumerate().filter(|(_, f)| !f.read_only) {
        let mut json_path = prefix.to_vec();
        json_path.push(f.wire.clone());
        match &f.ty {
            Ty::Named(inner) if space.get(*inner).is_object() => flatten(
                space,
                *inner,
                &json_path,
                required_here && f.required && !f.nullable,
                seen,
                out,
            ),
            _ => out.push(FormField {
                name: f.form_name.clone().unwrap_or_else(|| f.wire.clone()),
                json_path,
                owner: id,
                index,
                required: required_here && f.required,
            }),
        }
    }
    seen.remove(&id);
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

/// The types a value of which holds a read-only field (clearable fields aside), through lists,
/// maps, options and boxes.
fn holds_read_only(types: &[TypeModel]) -> BTreeSet<TypeId> {
    let mut set = BTreeSet::new();
    loop {
        let before = set.len();
        for (i, t) in types.iter().enumerate() {
            let yes = match &t.body {
                TypeBody::Object { fields, .. } => fields
                    .iter()
                    .any(|f| !f.clearable && (f.read_only || ty_holds(&f.ty, &set))),
                TypeBody::Union { variants } => variants.iter().any(|v| ty_holds(&v.ty, &set)),
                TypeBody::Enum { .. } => false,
            };
            if yes {
                set.insert(TypeId::new(i));
            }
        }
        if set.len() == before {
            return set;
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
            holds_read_only: false,
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

    #[test]
    fn a_form_is_flattened_once_with_its_names_and_paths() {
        let table = ["Address", "Lead"];
        let n = |name| named(&table, name);
        let mut city = field("city", Ty::String);
        city.required = true;
        let mut address = field("address", n("Address"));
        address.required = true;
        let mut name = field("name", Ty::String);
        name.required = true;
        name.form_name = Some("lead_name".into());
        let mut id = field("id", Ty::Integer);
        id.read_only = true;
        let types = vec![
            object("Address", false, vec![city, field("zip", Ty::String)]),
            object(
                "Lead",
                false,
                vec![
                    id,
                    name,
                    address,
                    // A list of objects is one form field, not flattened.
                    field("others", Ty::Array(Box::new(n("Address")))),
                ],
            ),
        ];
        let flat = form_fields(TypeSpace::new(&types), &n("Lead"));
        let got: Vec<(&str, String, bool)> = flat
            .iter()
            .map(|f| (f.name.as_str(), f.json_path.join("."), f.required))
            .collect();
        assert_eq!(
            got,
            [
                ("lead_name", "name".to_owned(), true),
                ("city", "address.city".to_owned(), true),
                ("zip", "address.zip".to_owned(), false),
                ("others", "others".to_owned(), false),
            ],
            "read-only fields left out, nested objects in place, form names used"
        );
        let space = TypeSpace::new(&types);
        assert_eq!(
            space.form_field(&flat[1]).map(|f| f.wire.as_str()),
            Some("city")
        );
        assert!(form_fields(space, &Ty::String).is_empty());
    }

    #[test]
    fn read_only_fields_are_found_through_lists_and_unions() {
        let table = ["Holder", "Plain", "Shape", "Thing"];
        let n = |name| named(&table, name);
        let mut id = field("id", Ty::Integer);
        id.read_only = true;
        let mut types = vec![
            object(
                "Holder",
                false,
                vec![field("things", Ty::Array(Box::new(n("Thing"))))],
            ),
            object("Plain", false, vec![field("n", Ty::Integer)]),
            ty(
                "Shape",
                TypeBody::Union {
                    variants: vec![crate::ir::Variant {
                        rust: "Holder".into(),
                        ty: n("Holder"),
                        docs: String::new(),
                        boxed: false,
                    }],
                },
            ),
            object("Thing", false, vec![id]),
        ];
        derive(&mut types, &[]);
        let found: Vec<bool> = types.iter().map(|t| t.holds_read_only).collect();
        assert_eq!(found, [true, false, true, true]);
    }
}

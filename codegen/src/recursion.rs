//! Recursive types: a pass over the lowered types that boxes every field and union variant
//! through which a type contains itself, and refuses a type that contains itself through
//! required fields only (no finite JSON value has that shape) or through union variants only
//! (a union decodes by trying its variants on the same value, so a value that matches none of
//! the others would be tried against the union again, without end).
//!
//! A Rust struct that holds itself, directly or through other types, by value or in an
//! `Option`, has infinite size and does not compile; a `Vec` or a map already holds its items
//! on the heap, so only direct and optional containment counts. Boxing every edge inside a
//! cycle (rather than a minimal set) keeps the rule simple to state and the output stable when
//! a spec adds a type elsewhere.

use std::collections::BTreeSet;

use crate::ir::{Ty, TypeBody, TypeId, TypeModel};

/// One way a type holds another by value: a field of an object or a variant of a union.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edge {
    from: TypeId,
    to: TypeId,
    /// Index of the field or variant in its type.
    slot: usize,
    /// A field that every value must have (required, not nullable).
    mandatory: bool,
    /// A variant of a union: the same JSON value, not one nested inside it.
    variant: bool,
}

fn edges(types: &[TypeModel]) -> Vec<Edge> {
    let mut out = Vec::new();
    for (i, t) in types.iter().enumerate() {
        let from = TypeId::new(i);
        match &t.body {
            TypeBody::Object { fields, .. } => {
                for (slot, f) in fields.iter().enumerate() {
                    if let Ty::Named(to) = &f.ty {
                        out.push(Edge {
                            from,
                            to: *to,
                            slot,
                            mandatory: f.required && !f.nullable,
                            variant: false,
                        });
                    }
                }
            }
            TypeBody::Union { variants } => {
                for (slot, v) in variants.iter().enumerate() {
                    if let Ty::Named(to) = &v.ty {
                        out.push(Edge {
                            from,
                            to: *to,
                            slot,
                            mandatory: false,
                            variant: true,
                        });
                    }
                }
            }
            TypeBody::Enum { .. } => {}
        }
    }
    out
}

/// Whether `goal` can be reached from `start` along `edges`.
fn reaches(edges: &[&Edge], start: TypeId, goal: TypeId) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start];
    while let Some(t) = stack.pop() {
        if t == goal {
            return true;
        }
        if seen.insert(t) {
            stack.extend(edges.iter().filter(|e| e.from == t).map(|e| e.to));
        }
    }
    false
}

/// A type that contains itself through required fields only, or through union variants only:
/// its spec name and the cycle, as `Type.field` (or `Union.Variant`) steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unbuildable {
    /// Spec name of the type.
    pub spec_name: String,
    /// The cycle, one `Type.field` per step.
    pub cycle: Vec<String>,
    /// Which kind of cycle it is.
    pub through: Through,
}

/// What a refused cycle goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Through {
    /// Required, non-nullable fields: no finite value has the shape.
    RequiredFields,
    /// Union variants: decoding would try the union on the same value again.
    UnionVariants,
}

/// Boxes every field and variant that lies on a cycle; returns the types that can hold no
/// finite value. `types` is the whole table: a type's id is its index in it.
pub fn box_cycles(types: &mut [TypeModel]) -> Vec<Unbuildable> {
    let all = edges(types);
    let refs: Vec<&Edge> = all.iter().collect();
    let on_cycle: Vec<&Edge> = all
        .iter()
        .filter(|e| reaches(&refs, e.to, e.from))
        .collect();
    let mandatory: Vec<&Edge> = all.iter().filter(|e| e.mandatory).collect();
    let variants: Vec<&Edge> = all.iter().filter(|e| e.variant).collect();
    let mut unbuildable = Vec::new();
    let slot_name = |types: &[TypeModel], e: &Edge| -> String {
        let t = &types[e.from.index()];
        let field = match &t.body {
            TypeBody::Object { fields, .. } => fields[e.slot].wire.clone(),
            TypeBody::Union { variants } => variants[e.slot].rust.clone(),
            TypeBody::Enum { .. } => String::new(),
        };
        format!("{}.{field}", t.rust)
    };
    for (i, t) in types.iter().enumerate() {
        let id = TypeId::new(i);
        let found = [
            (Through::RequiredFields, &mandatory),
            (Through::UnionVariants, &variants),
        ]
        .into_iter()
        .find_map(|(through, edges)| Some((through, shortest_cycle(edges, id)?)));
        if let Some((through, cycle)) = found {
            unbuildable.push(Unbuildable {
                spec_name: t.spec_name.clone(),
                cycle: cycle.iter().map(|e| slot_name(types, e)).collect(),
                through,
            });
        }
    }
    let to_box: Vec<(TypeId, usize)> = on_cycle.iter().map(|e| (e.from, e.slot)).collect();
    for (i, t) in types.iter_mut().enumerate() {
        for (_, slot) in to_box.iter().filter(|(from, _)| from.index() == i) {
            match &mut t.body {
                TypeBody::Object { fields, .. } => fields[*slot].boxed = true,
                TypeBody::Union { variants } => variants[*slot].boxed = true,
                TypeBody::Enum { .. } => {}
            }
        }
    }
    unbuildable
}

/// The shortest cycle of `edges` from `start` back to it, if any.
fn shortest_cycle<'a>(edges: &[&'a Edge], start: TypeId) -> Option<Vec<&'a Edge>> {
    // Breadth first, so the reported cycle is the shortest.
    let mut paths: Vec<Vec<&Edge>> = edges
        .iter()
        .filter(|e| e.from == start)
        .map(|e| vec![*e])
        .collect();
    let mut seen = BTreeSet::new();
    while !paths.is_empty() {
        let mut next = Vec::new();
        for path in paths {
            let Some(end) = path.last().map(|e| e.to) else {
                continue;
            };
            if end == start {
                return Some(path);
            }
            if !seen.insert(end) {
                continue;
            }
            for e in edges.iter().filter(|e| e.from == end) {
                let mut longer = path.clone();
                longer.push(e);
                next.push(longer);
            }
        }
        paths = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Cite, FieldModel, Variant};

    fn field(wire: &str, ty: Ty, required: bool) -> FieldModel {
        FieldModel {
            wire: wire.into(),
            rust: wire.into(),
            ty,
            required,
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

    fn object(name: &str, fields: Vec<FieldModel>) -> TypeModel {
        TypeModel {
            spec_name: name.into(),
            rust: name.into(),
            docs: String::new(),
            cite: Cite {
                file: String::new(),
                section: String::new(),
                secondary: false,
            },
            body: TypeBody::Object {
                fields,
                keep_unknown: false,
            },
            form: false,
            holds_read_only: false,
        }
    }

    fn boxed(t: &TypeModel) -> Vec<bool> {
        match &t.body {
            TypeBody::Object { fields, .. } => fields.iter().map(|f| f.boxed).collect(),
            TypeBody::Union { variants } => variants.iter().map(|v| v.boxed).collect(),
            TypeBody::Enum { .. } => Vec::new(),
        }
    }

    #[test]
    fn direct_and_indirect_cycles_are_boxed_lists_are_not() {
        let table = ["Node", "Person", "Leaf", "Tree", "Branch"];
        let named = |n: &str| named_in(&table, n);
        let mut types = vec![
            object(
                "Node",
                vec![
                    field("parent", named("Node"), false),
                    field("children", Ty::Array(Box::new(named("Node"))), false),
                    field("owner", named("Person"), false),
                ],
            ),
            object("Person", vec![field("home", named("Node"), false)]),
            object("Leaf", vec![field("node", named("Node"), true)]),
            union(&table, "Tree", &["Branch"]),
            object("Branch", vec![field("tree", named("Tree"), true)]),
        ];
        assert!(box_cycles(&mut types).is_empty());
        assert_eq!(boxed(&types[0]), [true, false, true]);
        assert_eq!(boxed(&types[1]), [true]);
        assert_eq!(boxed(&types[2]), [false], "Leaf is outside the cycle");
        assert_eq!(
            boxed(&types[3]),
            [true],
            "a union holding itself through an object"
        );
        assert_eq!(boxed(&types[4]), [true]);
    }

    /// The named type `n` of `table`, by its place there (as lowering assigns ids).
    fn named_in(table: &[&str], n: &str) -> Ty {
        let i = table
            .iter()
            .position(|t| *t == n)
            .expect("a type of the table");
        Ty::Named(TypeId::new(i))
    }

    fn union(table: &[&str], name: &str, variants: &[&str]) -> TypeModel {
        TypeModel {
            body: TypeBody::Union {
                variants: variants
                    .iter()
                    .map(|v| Variant {
                        rust: (*v).into(),
                        ty: named_in(table, v),
                        docs: String::new(),
                        boxed: false,
                    })
                    .collect(),
            },
            ..object(name, Vec::new())
        }
    }

    #[test]
    fn a_cycle_of_union_variants_alone_is_refused() {
        let table = ["A", "B", "C", "D"];
        let mut types = vec![
            union(&table, "A", &["B"]),
            union(&table, "B", &["A", "C"]),
            object("C", Vec::new()),
            union(&table, "D", &["D"]),
        ];
        let found = box_cycles(&mut types);
        let cycles: Vec<(&str, Vec<&str>, Through)> = found
            .iter()
            .map(|u| {
                let steps = u.cycle.iter().map(String::as_str).collect();
                (u.spec_name.as_str(), steps, u.through)
            })
            .collect();
        assert_eq!(
            cycles,
            [
                ("A", vec!["A.B", "B.A"], Through::UnionVariants),
                ("B", vec!["B.A", "A.B"], Through::UnionVariants),
                ("D", vec!["D.D"], Through::UnionVariants),
            ]
        );
    }

    #[test]
    fn a_cycle_of_required_fields_is_unbuildable() {
        let named = |n: &str| named_in(&["A", "B"], n);
        let mut types = vec![
            object("A", vec![field("b", named("B"), true)]),
            object("B", vec![field("a", named("A"), true)]),
        ];
        let found = box_cycles(&mut types);
        assert_eq!(
            found,
            [
                Unbuildable {
                    spec_name: "A".into(),
                    cycle: vec!["A.b".into(), "B.a".into()],
                    through: Through::RequiredFields,
                },
                Unbuildable {
                    spec_name: "B".into(),
                    cycle: vec!["B.a".into(), "A.b".into()],
                    through: Through::RequiredFields,
                }
            ]
        );
    }
}

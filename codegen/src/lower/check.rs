//! Cross-cutting rules: the checks that relate several parts of a spec, one function per rule
//! (in the manner of serde_derive's `check.rs`), each reporting into the one error context.
//! Rules about one entry alone stay in the pass that lowers it.

use std::collections::{BTreeMap, BTreeSet};

use super::ctxt::Ctxt;
use super::path::placeholders;
use crate::ir::{self, FormField, Ty, TypeId, TypeSpace};
use crate::recursion::{Through, Unbuildable};
use crate::spec;

/// The base URL is an https URL whose placeholders are exactly the client parameters with
/// `in: base_url`.
pub(super) fn base_url(cx: &mut Ctxt<'_>, base_url: &str, params: &[ir::ClientParam]) {
    let placeholders = match placeholders(base_url) {
        Ok(p) => p,
        Err(msg) => {
            cx.error("base_url", msg);
            return;
        }
    };
    for name in &placeholders {
        if !params
            .iter()
            .any(|p| &p.wire == name && p.location == ir::ClientParamLocation::BaseUrl)
        {
            cx.error(
                "base_url",
                format!("placeholder `{{{name}}}` needs a client parameter with `in: base_url`"),
            );
        }
    }
    for p in params {
        if p.location == ir::ClientParamLocation::BaseUrl && !placeholders.contains(&p.wire) {
            cx.error(
                &format!("client_params.{}", p.wire),
                format!("`base_url` has no placeholder `{{{}}}`", p.wire),
            );
        }
    }
    if !base_url.starts_with("https://") {
        cx.error("base_url", "a base URL must use https");
    }
}

/// A client parameter with `in: path` is used by some operation's path: the client would
/// otherwise hold a value it never sends.
pub(super) fn client_path_params_used(
    cx: &mut Ctxt<'_>,
    params: &[ir::ClientParam],
    paths: &[&str],
) {
    if paths.is_empty() {
        return;
    }
    for p in params {
        let used = paths
            .iter()
            .any(|path| placeholders(path).is_ok_and(|names| names.contains(&p.wire)));
        if p.location == ir::ClientParamLocation::Path && !used {
            cx.error(
                &format!("client_params.{}", p.wire),
                format!("no operation's `path` has the placeholder `{{{}}}`", p.wire),
            );
        }
    }
}

/// Every `docs`, `title` and `summary` of the spec says something: a blank one leaves the
/// generated item undocumented (`missing_docs`) or a sentence with a hole in it ("Operations
/// of the :"). The spec is walked as its serialized tree, so no text is forgotten when the
/// spec language grows.
pub(super) fn no_blank_docs(cx: &mut Ctxt<'_>, spec: &spec::Spec) {
    if let Ok(tree) = serde_json::to_value(spec) {
        for (path, key) in blank_docs(&tree, "") {
            cx.error(
                &path,
                format!("`{key}` is empty: say what this is (a blank text documents nothing)"),
            );
        }
    }
}

fn blank_docs(value: &serde_json::Value, path: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match v {
                    serde_json::Value::String(text) if text.trim().is_empty() => {
                        let keys = ["docs", "title", "summary"];
                        if let Some(k) = keys.into_iter().find(|k| k == key) {
                            out.push((here, k));
                        }
                    }
                    _ => out.extend(blank_docs(v, &here)),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                out.extend(blank_docs(v, &format!("{path}[{i}]")));
            }
        }
        _ => {}
    }
    out
}

/// A parameter is written as text (`ToParam`): a scalar other than `json`, or an enum; in
/// the query also a list of those (written in its `style`). Anything else would be accepted
/// and fail to compile in the generated request builder. `kind` is what the named type in
/// `ty` (or in its list) is, if there is one.
pub(super) fn param_type(
    cx: &mut Ctxt<'_>,
    path: &str,
    location: ir::ParamLocation,
    ty: &Ty,
    kind: Option<spec::TypeKind>,
) {
    let (element, array) = match ty {
        Ty::Array(inner) => (&**inner, true),
        other => (other, false),
    };
    match element {
        Ty::Named(_) if kind == Some(spec::TypeKind::Object) => {
            cx.error(path, "a parameter cannot be an object");
        }
        Ty::Named(_) if kind == Some(spec::TypeKind::Union) => {
            cx.error(path, "a parameter cannot be a union: it has no text form");
        }
        Ty::Json | Ty::Map(_) | Ty::Array(_) => {
            cx.error(
                path,
                "a parameter must be a scalar other than `json`, or an enum (in the query, also \
                 an array of those)",
            );
        }
        _ if array && location != ir::ParamLocation::Query => {
            cx.error(path, "only a query parameter can be an array");
        }
        _ => {}
    }
}

/// A header name (of a parameter, a credential, a rate-limit header) is an HTTP token.
pub(super) fn header_name(cx: &mut Ctxt<'_>, path: &str, name: &str) {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        cx.error(path, format!("`{name}` is not a valid HTTP header name"));
    }
}

/// Every name a flattened form holds (`flat`, see `facts::form_fields`) is unique, the
/// credentials' form fields included.
pub(super) fn form_names(
    cx: &mut Ctxt<'_>,
    path: &str,
    credentials: &[String],
    space: TypeSpace<'_>,
    flat: &[FormField],
) {
    let mut names = BTreeMap::new();
    for f in credentials {
        names.insert(f.clone(), format!("the credential field `{f}`"));
    }
    for ff in flat {
        // A clearable field is refused by `form_shape`; it claims no name.
        let Some(f) = space.form_field(ff).filter(|f| !f.clearable) else {
            continue;
        };
        let this = format!("field `{}` of `{}`", f.wire, space.get(ff.owner).rust);
        let form_name = &ff.name;
        if let Some(first) = names.get(form_name) {
            cx.error(
                path,
                format!(
                    "the form sends `{form_name}` twice once nested objects are \
                     flattened: {this} and {first}"
                ),
            );
        } else {
            names.insert(form_name.clone(), this);
        }
    }
}

/// A form body carries scalars, enums, arrays of those, and raw JSON, plus nested objects
/// whose fields are flattened into the same form (so none may contain itself).
pub(super) fn form_shape(
    cx: &mut Ctxt<'_>,
    path: &str,
    space: TypeSpace<'_>,
    ty: &Ty,
    seen: &mut BTreeSet<TypeId>,
) {
    let Ty::Named(id) = ty else { return };
    let id = *id;
    let name = &space.get(id).rust;
    // `seen` holds the objects being flattened around this one: meeting one again would
    // flatten it into itself without end.
    if !seen.insert(id) {
        cx.error(
            path,
            format!("`{name}` contains itself, so it cannot be flattened into a form"),
        );
        return;
    }
    let Some(fields) = space.fields(ty) else {
        return;
    };
    for f in fields.iter().filter(|f| !f.read_only) {
        if f.clearable {
            cx.error(
                path,
                format!(
                    "field `{}` of `{name}` is `clearable`, but a form has no `null` to \
                     clear it with: use a JSON body",
                    f.wire
                ),
            );
            continue;
        }
        let element = match &f.ty {
            Ty::Array(inner) => inner.as_ref(),
            other => other,
        };
        let ok = match element {
            Ty::Map(_) | Ty::Array(_) => false,
            // A `json` field is written as JSON text; a list of them has no form encoding.
            Ty::Json => !f.ty.is_array(),
            Ty::Named(n) if space.get(*n).is_enum() => true,
            Ty::Named(n) if space.get(*n).is_object() && !f.ty.is_array() => {
                form_shape(cx, path, space, &f.ty, seen);
                true
            }
            Ty::Named(_) => false,
            _ => true,
        };
        if !ok {
            cx.error(
                path,
                format!(
                    "field `{}` of `{name}` cannot be written as a form field",
                    f.wire
                ),
            );
        }
    }
    seen.remove(&id);
}

/// No type contains itself through required fields only, or through union variants only
/// (`recursion` found those).
pub(super) fn finite_types(cx: &mut Ctxt<'_>, unbuildable: &[Unbuildable]) {
    for t in unbuildable {
        let message = match t.through {
            Through::RequiredFields => format!(
                "`{}` contains itself through required fields only ({}), so no finite value \
                 has this shape: make one of them optional or nullable",
                t.spec_name,
                t.cycle.join(" → ")
            ),
            Through::UnionVariants => format!(
                "`{}` contains itself through union variants only ({}), so decoding a value \
                 that matches no other variant would try the same union again without end: \
                 put an object or a list between them",
                t.spec_name,
                t.cycle.join(" → ")
            ),
        };
        cx.key_error(&format!("types.{}", t.spec_name), message);
    }
}

/// Every note id is defined once; a second definition names the first's place.
pub(super) fn note_ids(cx: &mut Ctxt<'_>, notes: &[spec::Note]) {
    let mut note_ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, note) in notes.iter().enumerate() {
        if let Some(&first) = note_ids.get(note.id.as_str()) {
            let place = cx.place(&format!("notes[{first}].id"));
            cx.key_error(
                &format!("notes[{i}].id"),
                format!("note `{}` is defined twice: first in {place}", note.id),
            );
        } else {
            note_ids.insert(&note.id, i);
        }
    }
}

/// Global parameters go in the query or a header: a path value is set once, on the client.
pub(super) fn globals_not_in_path(cx: &mut Ctxt<'_>, globals: &[ir::Param]) {
    for p in globals {
        if p.location == ir::ParamLocation::Path {
            cx.error(
                &format!("global_params.{}.in", p.wire),
                "global parameters go in the query or a header; path values are `client_params`",
            );
        }
    }
}

/// An operation does not declare a parameter that every operation already takes.
pub(super) fn not_already_global(
    cx: &mut Ctxt<'_>,
    path: &str,
    params: &[ir::Param],
    globals: &[ir::Param],
) {
    for p in params {
        if globals.iter().any(|g| g.wire == p.wire) {
            cx.key_error(
                &format!("{path}.params.{}", p.wire),
                "this parameter is already a global parameter",
            );
        }
    }
}

/// Every path parameter of an operation appears in its path template.
pub(super) fn path_params_appear(
    cx: &mut Ctxt<'_>,
    path: &str,
    params: &[ir::Param],
    parts: &[ir::PathPart],
) {
    for p in params {
        if p.location == ir::ParamLocation::Path
            && !parts.contains(&ir::PathPart::Param(p.rust.clone()))
        {
            cx.key_error(
                &format!("{path}.params.{}", p.wire),
                format!("path parameter `{}` does not appear in `path`", p.wire),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SPEC, lower_err, lower_ok};

    /// A form body whose nested object is flattened beside the outer fields; `{name}` is the
    /// form name of the outer field.
    fn form_spec(name: &str) -> String {
        format!(
            "{SPEC}  send:
    summary: Send.
    cite: {{doc: d, section: s}}
    method: POST
    path: /send
    body: {{type: Outer, encoding: form}}
    responses:
      204: {{docs: Done.}}
types:
  Outer:
    kind: object
    docs: x
    cite: {{doc: d, section: s}}
    fields:
      name: {{type: string, form_name: {name}, docs: x}}
      inner: {{type: Inner, required: true, docs: x}}
  Inner:
    kind: object
    docs: x
    cite: {{doc: d, section: s}}
    fields:
      n: {{type: string, required: true, docs: x}}
"
        )
    }

    #[test]
    fn a_form_is_flattened_once_and_its_names_are_unique() {
        let api = lower_ok(&form_spec("full_name"));
        let body = api.operations[1].body.as_ref().expect("send has a body");
        let flat: Vec<(&str, String, bool)> = body
            .form_fields
            .iter()
            .map(|f| (f.name.as_str(), f.json_path.join("."), f.required))
            .collect();
        assert_eq!(
            flat,
            [
                ("full_name", "name".to_owned(), false),
                ("n", "inner.n".to_owned(), true)
            ]
        );
        assert!(
            api.types.iter().all(|t| t.form),
            "both are written as forms"
        );

        let errors = lower_err(&form_spec("n"));
        assert_eq!(
            errors,
            [
                "operations.send.body.type: the form sends `n` twice once nested objects are \
                 flattened: field `n` of `Inner` and field `name` of `Outer`"
            ]
        );
    }

    #[test]
    fn base_url_placeholders_and_client_parameters_match() {
        let spec = SPEC.replace(
            "base_url: https://api.example.com",
            "base_url: http://{host}.example.com
client_params:
  region: {in: base_url, docs: x, cite: {doc: d, section: s}}",
        );
        assert_eq!(
            lower_err(&spec),
            [
                "base_url: a base URL must use https",
                "base_url: placeholder `{host}` needs a client parameter with `in: base_url`",
                "client_params.region: `base_url` has no placeholder `{region}`",
            ]
        );
    }
}

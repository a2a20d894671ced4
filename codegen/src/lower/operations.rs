//! The operations pass: each operation's parameters (named in its request builder, beside the
//! global ones), path template (`path`), request body, success responses and pagination
//! (`pagination`). Operations come out sorted by method name.

use indexmap::IndexMap;
use std::collections::BTreeSet;

use super::{Lowerer, check, docs, examples, fold_docs, join};
use crate::ir::{self, Ty};
use crate::naming::Namespace;
use crate::spec::{self, ResponseEncoding, TypeKind};

impl Lowerer<'_> {
    pub(super) fn operations(
        &mut self,
        client_params: &[ir::ClientParam],
        global_params: &[ir::Param],
    ) -> Vec<ir::Operation> {
        let spec = self.spec;
        if spec.operations.is_empty() {
            self.key_error(
                "api",
                "an API needs at least one operation under `operations`",
            );
        }
        let (methods, builders) = self.operation_names();
        let mut ops: Vec<_> = spec
            .operations
            .iter()
            .zip(methods.into_iter().zip(builders))
            .map(|((id, op), (method_name, builder))| {
                self.operation(id, op, method_name, builder, client_params, global_params)
            })
            .collect();
        ops.sort_by(|a, b| a.method_name.cmp(&b.method_name));
        ops
    }

    pub(super) fn operation(
        &mut self,
        id: &str,
        op: &spec::Operation,
        method_name: String,
        builder: String,
        client_params: &[ir::ClientParam],
        global_params: &[ir::Param],
    ) -> ir::Operation {
        let path = format!("operations.{id}");
        let cite = self.cite(&join(&path, "cite"), &op.cite);
        let globals = self.global_names.clone();
        let params = self.params(&join(&path, "params"), &op.params, None, &globals);
        check::not_already_global(&mut self.cx, &path, &params, global_params);
        let parts = self.path_template(&path, &op.path, &params, client_params);
        // A path that does not parse has already been reported; its parameters are not missing.
        if let Some(parts) = &parts {
            check::path_params_appear(&mut self.cx, &path, &params, parts);
        }
        let body = op.body.as_ref().map(|b| self.body(&path, op.method, b));
        let success = self.responses(&path, op);
        let pagination = op.pagination.as_ref().and_then(|p| {
            self.pagination(
                &join(&path, "pagination"),
                p,
                &params,
                body.as_ref(),
                &success[0].decode,
            )
        });
        let idempotent = op.idempotent.unwrap_or(matches!(
            op.method,
            ir::Method::GET | ir::Method::PUT | ir::Method::DELETE
        ));
        ir::Operation {
            id: id.to_owned(),
            method_name,
            builder,
            summary: docs::one_line(&op.summary),
            docs: fold_docs(op.docs.as_deref().unwrap_or(""), None, op.note.as_deref()),
            cite,
            method: op.method,
            path_template: op.path.clone(),
            path: parts.unwrap_or_default(),
            params,
            body,
            success,
            idempotent,
            pagination,
        }
    }

    /// Lowers parameters. Global ones come with their names (resolved in the client builder);
    /// an operation's are named in its request builder, beside the global ones (`taken`).
    pub(super) fn params(
        &mut self,
        base: &str,
        params: &IndexMap<String, spec::Param>,
        names: Option<Vec<String>>,
        taken: &BTreeSet<String>,
    ) -> Vec<ir::Param> {
        let names = match names {
            Some(names) => names,
            None => {
                let entries: Vec<_> = params
                    .iter()
                    .map(|(n, p)| (n.as_str(), p.rust_name.as_deref()))
                    .collect();
                let paths: Vec<String> = params.keys().map(|n| join(base, n)).collect();
                self.names_at(Namespace::Setter, taken, &entries, &paths)
            }
        };
        params
            .iter()
            .zip(names)
            .map(|((wire, p), rust)| {
                let path = join(base, wire);
                let ty = self.ty(&join(&path, "type"), &p.ty);
                if p.location == ir::ParamLocation::Header {
                    check::header_name(&mut self.cx, &path, wire);
                }
                if p.location == ir::ParamLocation::Path && !p.required {
                    self.error(
                        &join(&path, "required"),
                        "path parameters are always required: add `required: true`",
                    );
                }
                if p.style != ir::ArrayStyle::Repeat && !ty.is_array() {
                    self.error(
                        &join(&path, "style"),
                        "`style` applies to array parameters only",
                    );
                }
                let named = match &ty {
                    Ty::Array(inner) => inner.as_ref(),
                    other => other,
                };
                let kind = match named {
                    Ty::Named(id) => self.kind_of(*id),
                    _ => None,
                };
                check::param_type(&mut self.cx, &join(&path, "type"), p.location, &ty, kind);
                ir::Param {
                    wire: wire.clone(),
                    rust,
                    location: p.location,
                    ty,
                    required: p.required,
                    style: p.style,
                    docs: fold_docs(&p.docs, p.default.as_deref(), p.note.as_deref()),
                }
            })
            .collect()
    }

    /// A request body: an object type; a form's flattened fields are derived here, once, and
    /// checked against each other and the credentials.
    fn body(&mut self, path: &str, method: ir::Method, b: &spec::Body) -> ir::Body {
        let bpath = join(path, "body");
        let ty = self.ty(&join(&bpath, "type"), &b.ty);
        match &ty {
            Ty::Named(n) if self.kind_of(*n) == Some(TypeKind::Object) => {}
            _ => self.error(
                &join(&bpath, "type"),
                "a request body must be an object type",
            ),
        }
        let form_fields = match b.encoding {
            ir::BodyEncoding::Form => crate::facts::form_fields(self.space(), &ty),
            ir::BodyEncoding::Json => Vec::new(),
        };
        if b.encoding == ir::BodyEncoding::Form {
            let at = join(&bpath, "type");
            let space = ir::TypeSpace::new(&self.lowered);
            check::form_names(
                &mut self.cx,
                &at,
                &self.form_credentials,
                space,
                &form_fields,
            );
            check::form_shape(&mut self.cx, &at, space, &ty, &mut BTreeSet::new());
        }
        if b.encoding == ir::BodyEncoding::Json && b.style != ir::ArrayStyle::Repeat {
            self.error(
                &join(&bpath, "style"),
                "`style` applies to form bodies only",
            );
        }
        if method == ir::Method::GET {
            self.error(&bpath, "a GET request has no body");
        }
        let one_of_required = match &ty {
            Ty::Named(n) => self.one_of_required.get(n).cloned().unwrap_or_default(),
            _ => Vec::new(),
        };
        ir::Body {
            ty,
            encoding: b.encoding,
            style: b.style,
            docs: docs::sanitize(b.docs.as_deref().unwrap_or("")),
            examples: examples(&b.examples),
            one_of_required,
            form_fields,
        }
    }

    /// The success responses in status order; at least one (a placeholder `200` after an
    /// error, so that later passes have an output to look at).
    fn responses(&mut self, path: &str, op: &spec::Operation) -> Vec<ir::Response> {
        let mut success = Vec::new();
        for (status, r) in &op.responses {
            let rpath = format!("{path}.responses.{status}");
            if !(200..300).contains(status) {
                self.key_error(
                    &rpath,
                    "list only success (2xx) responses here; failures decode through `errors`",
                );
                continue;
            }
            let decode = match (&r.ty, r.encoding) {
                (None, _) => {
                    if r.envelope.is_some() {
                        self.error(&join(&rpath, "envelope"), "an envelope needs a `type`");
                    }
                    ir::Decode::Empty
                }
                (Some(t), ResponseEncoding::Json) => ir::Decode::Json {
                    ty: self.ty(&join(&rpath, "type"), t),
                    envelope: r.envelope.clone(),
                },
                (Some(t), ResponseEncoding::Text) => {
                    let ty = self.ty(&join(&rpath, "type"), t);
                    if !matches!(ty, Ty::String | Ty::Integer) {
                        self.error(
                            &join(&rpath, "type"),
                            "a text response is a `string` or an `integer`",
                        );
                    }
                    if r.envelope.is_some() {
                        self.error(&join(&rpath, "envelope"), "a text response has no envelope");
                    }
                    ir::Decode::Text(ty)
                }
            };
            if *status == 204 && decode != ir::Decode::Empty {
                self.error(&rpath, "a 204 response has no body: drop `type`");
            }
            let failure_key = r.failure_if.as_ref().and_then(|f| {
                let fpath = join(&rpath, "failure_if");
                if !matches!(decode, ir::Decode::Json { .. }) {
                    self.error(&fpath, "`failure_if` needs a JSON response with a `type`");
                    return None;
                }
                if f.key.is_empty() {
                    self.error(&join(&fpath, "key"), "the key is empty");
                    return None;
                }
                Some(f.key.clone())
            });
            success.push(ir::Response {
                status: *status,
                decode,
                headers: r.headers.clone(),
                docs: docs::sanitize(r.docs.as_deref().unwrap_or("")),
                examples: examples(&r.examples),
                failure_key,
            });
        }
        success.sort_by_key(|r| r.status);
        if success.is_empty() {
            self.error(
                &join(path, "responses"),
                "an operation needs at least one success (2xx) response",
            );
            success.push(ir::Response {
                status: 200,
                decode: ir::Decode::Empty,
                headers: Vec::new(),
                docs: String::new(),
                examples: Vec::new(),
                failure_key: None,
            });
        } else if success.iter().any(|r| r.decode != success[0].decode) {
            self.error(
                &join(path, "responses"),
                "every success response must decode into the same type",
            );
        }
        success
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SPEC, lower_err, lower_ok};
    use crate::ir::{BodyEncoding, Decode, PathPart, Ty};

    const OPS: &str = "  updateThing:
    summary: Update.
    cite: {doc: d, section: s}
    method: PUT
    path: /things/{thingId}
    params:
      thingId: {in: path, type: integer, required: true, docs: x}
    body: {type: Thing, encoding: json}
    responses:
      200: {docs: Updated., type: Thing}
  addThing:
    summary: Add.
    cite: {doc: d, section: s}
    method: POST
    path: /things
    responses:
      201: {docs: Added., type: Thing}
types:
  Thing:
    kind: object
    docs: x
    cite: {doc: d, section: s}
    fields:
      name: {type: string, docs: x}
";

    #[test]
    fn operations_are_sorted_with_their_path_body_and_output() {
        let api = lower_ok(&format!("{SPEC}{OPS}"));
        let names: Vec<&str> = api
            .operations
            .iter()
            .map(|o| o.method_name.as_str())
            .collect();
        assert_eq!(names, ["add_thing", "get_thing", "update_thing"]);
        let update = &api.operations[2];
        assert_eq!(
            update.path,
            [
                PathPart::Literal("/things/".into()),
                PathPart::Param("thing_id".into())
            ]
        );
        assert!(
            update.idempotent,
            "PUT is idempotent unless the spec says otherwise"
        );
        assert!(!api.operations[0].idempotent, "POST is not");
        let body = update.body.as_ref().expect("updateThing has a body");
        assert_eq!(body.encoding, BodyEncoding::Json);
        assert!(body.form_fields.is_empty(), "only a form is flattened");
        let thing = Ty::Named(crate::ir::TypeId::new(0));
        assert_eq!(body.ty, thing);
        assert_eq!(
            update.output(),
            &Decode::Json {
                ty: thing,
                envelope: None
            }
        );
        assert_eq!(api.operations[1].output(), &Decode::Empty);
    }

    #[test]
    fn operation_problems_are_all_reported() {
        let broken = OPS
            .replace("path: /things/{thingId}", "path: /things")
            .replace(
                "method: POST",
                "method: GET\n    body: {type: Thing, encoding: json}",
            );
        assert_eq!(
            lower_err(&format!("{SPEC}{broken}")),
            [
                "operations.updateThing.params.thingId: path parameter `thingId` does not appear \
                 in `path`",
                "operations.addThing.body: a GET request has no body",
            ]
        );
    }
}

//! Value paths and what is built on them: pagination (where the page number and size travel,
//! the items, the last page) and the error model (the path from the error body to its code).
//! A value path is a dotted list of wire names through object fields, resolved against the
//! lowered types.

use super::{Lowerer, examples, join};
use crate::ir::{self, Ty};
use crate::spec::{self, TypeKind};

impl Lowerer<'_> {
    pub(super) fn error_model(&mut self, e: &spec::ErrorSpec) -> ir::ErrorModel {
        self.cite("errors.cite", &e.cite);
        let ty = self.ty("errors.type", &e.ty);
        // The code is a dotted path through object fields that ends at an enum.
        let mut code_path = Vec::new();
        let mut code_ty = None;
        if let Some((steps, end)) = e
            .code
            .as_ref()
            .and_then(|code| self.value_path("errors.code", &ty, code))
        {
            match &end {
                Ty::Named(n) if self.kind_of(*n) == Some(TypeKind::Enum) => {
                    code_path = steps;
                    code_ty = Some(*n);
                }
                _ => self.error("errors.code", "the code must lead to an enum type"),
            }
        }
        for status in &e.failure_statuses {
            if !(200..300).contains(status) {
                self.error(
                    "errors.failure_statuses",
                    format!("{status} is not a 2xx status; failures decode as errors anyway"),
                );
            }
        }
        ir::ErrorModel {
            ty,
            code_path,
            code_ty,
            examples: examples(&e.examples),
            failure_statuses: e.failure_statuses.clone(),
        }
    }

    pub(super) fn pagination(
        &mut self,
        path: &str,
        p: &spec::Pagination,
        params: &[ir::Param],
        body: Option<&ir::Body>,
        output: &ir::Decode,
    ) -> Option<ir::Pagination> {
        let page_param = self.page_field(&join(path, "page_param"), &p.page_param, params, body);
        let size_param = match &p.size_param {
            Some(wire) => Some(self.page_field(&join(path, "size_param"), wire, params, body)?),
            None => None,
        };
        let ir::Decode::Json { ty, .. } = output else {
            self.error(path, "pagination needs a JSON response");
            return None;
        };
        let (items, items_ty) = self.value_path(&join(path, "items"), ty, &p.items)?;
        let Ty::Array(item_ty) = items_ty else {
            self.error(&join(path, "items"), "`items` must lead to an array");
            return None;
        };
        let last_page = match &p.last_page {
            Some(text) => {
                let (steps, ty) = self.value_path(&join(path, "last_page"), ty, text)?;
                if ty != Ty::Integer {
                    self.error(
                        &join(path, "last_page"),
                        "`last_page` must lead to an integer",
                    );
                }
                Some(steps)
            }
            None => None,
        };
        Some(ir::Pagination {
            page_param: page_param?,
            first_page: p.first_page,
            items,
            item_ty: *item_ty,
            last_page,
            size_param,
        })
    }

    /// A page number or size: an integer query parameter of the operation, or else a dotted
    /// path to an integer in the request body whose optional parents can be created empty (they
    /// have no required fields). Either may be required (Teamleader v1 marks `amount` and
    /// `pageno` required): the stream then reads the size from the required value, and sets the
    /// page on each page, starting from the value the caller gave.
    pub(super) fn page_field(
        &mut self,
        path: &str,
        name: &str,
        params: &[ir::Param],
        body: Option<&ir::Body>,
    ) -> Option<ir::PageField> {
        if let Some(q) = params.iter().find(|q| q.wire == name) {
            if q.location == ir::ParamLocation::Query && q.ty == Ty::Integer {
                return Some(ir::PageField::Query(q.rust.clone()));
            }
            self.error(path, format!("`{name}` must be an integer query parameter"));
            return None;
        }
        let Some(body) = body else {
            self.error(
                path,
                format!("`{name}` is neither a query parameter nor a field of a request body"),
            );
            return None;
        };
        let (steps, ty) = self.value_path(path, &body.ty, name)?;
        // Optional parents on the way are created empty, which needs `Default`: no required
        // fields.
        let mut parent = body.ty.clone();
        for (i, step) in steps.iter().enumerate() {
            let field_ty = self
                .space()
                .field(&parent, &step.field)
                .map_or(Ty::Json, |f| f.ty.clone());
            if let (true, true, Ty::Named(n)) = (i + 1 < steps.len(), step.optional, &field_ty) {
                let t = self.space().get(*n);
                if t.has_required_fields() {
                    let n = t.rust.clone();
                    self.error(
                        path,
                        format!("`{n}` has required fields, so it cannot be created empty"),
                    );
                }
            }
            parent = field_ty;
        }
        if ty != Ty::Integer {
            self.error(
                path,
                format!("`{name}` must lead to an integer field of the body"),
            );
            return None;
        }
        Some(ir::PageField::Body(steps))
    }

    /// Resolves a dotted path through object fields, starting at `ty`.
    pub(super) fn value_path(
        &mut self,
        path: &str,
        ty: &Ty,
        text: &str,
    ) -> Option<(Vec<ir::Step>, Ty)> {
        let mut steps = Vec::new();
        let mut current = ty.clone();
        for segment in text.split('.').filter(|s| !s.is_empty()) {
            let found = self.space().field_by_wire(&current, segment).cloned();
            let Some(f) = found else {
                self.error(
                    path,
                    format!("`{segment}` is not a field of the object at this point"),
                );
                return None;
            };
            if f.clearable {
                self.error(
                    path,
                    format!("`{segment}` is `clearable`, which a value path cannot go through"),
                );
                return None;
            }
            steps.push(ir::Step {
                field: f.rust.clone(),
                optional: f.optional(),
            });
            current = f.ty.clone();
        }
        Some((steps, current))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SPEC, lower_err, lower_ok};
    use crate::ir::{PageField, Step};

    fn step(field: &str, optional: bool) -> Step {
        Step {
            field: field.to_owned(),
            optional,
        }
    }

    const PAGED: &str = "  listThings:
    summary: List.
    cite: {doc: d, section: s}
    method: GET
    path: /things
    params:
      page: {in: query, type: integer, docs: Page.}
    pagination:
      page_param: page
      items: data.items
    responses:
      200: {docs: Listed., type: Page}
types:
  Page:
    kind: object
    docs: x
    cite: {doc: d, section: s}
    fields:
      data: {type: Data, required: true, docs: x}
  Data:
    kind: object
    docs: x
    cite: {doc: d, section: s}
    fields:
      items: {type: 'array<string>', docs: x}
";

    #[test]
    fn value_paths_resolve_through_object_fields() {
        let api = lower_ok(&format!("{SPEC}{PAGED}"));
        let op = &api.operations[1];
        let p = op.pagination.as_ref().expect("listThings pages");
        assert_eq!(p.page_param, PageField::Query("page".into()));
        assert_eq!(p.items, [step("data", false), step("items", true)]);
        assert_eq!(p.item_ty, crate::ir::Ty::String);
        let output = match op.output() {
            crate::ir::Decode::Json { ty, .. } => ty.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(api.space().wire_path(&output, &p.items), ["data", "items"]);
    }

    #[test]
    fn a_value_path_that_leaves_the_objects_is_reported() {
        let errors = lower_err(&format!(
            "{SPEC}{}",
            PAGED.replace("data.items", "data.nope")
        ));
        assert_eq!(
            errors,
            [
                "operations.listThings.pagination.items: `nope` is not a field of the object at \
              this point"
            ]
        );
    }
}

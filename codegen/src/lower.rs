//! Validation and lowering: a parsed spec becomes the intermediate model, or a list of every
//! problem found, each pointing at its YAML path, line and column.

use indexmap::IndexMap;
use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::Diagnostic;
use crate::docs;
use crate::files::SpecFiles;
use crate::ir::{self, Ty};
use crate::naming::{self, Namespace};
use crate::spec::{self, Citation, ResponseEncoding, TypeKind};
use crate::typeexpr::TypeExpr;

/// Validates `spec` and lowers it. All problems are reported together.
pub fn lower(files: &SpecFiles, spec: &spec::Spec) -> Result<ir::Api, Vec<Diagnostic>> {
    let mut cx = Lowerer {
        files,
        spec,
        errors: Vec::new(),
        type_names: BTreeMap::new(),
        lowered: Vec::new(),
        global_names: BTreeSet::new(),
        form_credentials: Vec::new(),
        one_of_required: BTreeMap::new(),
    };
    if let Ok(tree) = serde_json::to_value(spec) {
        for (path, key) in blank_docs(&tree, "") {
            cx.error(
                &path,
                format!("`{key}` is empty: say what this is (a blank text documents nothing)"),
            );
        }
    }
    let api = cx.api();
    if cx.errors.is_empty() {
        Ok(api)
    } else {
        Err(cx.errors)
    }
}

/// The paths (and keys) of every `docs`, `title` or `summary` text of the spec that is empty or
/// blank: the generated item would have no documentation (`missing_docs`), or a sentence with
/// a hole in it ("Operations of the :").
fn blank_docs(value: &serde_json::Value, path: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    join(path, key)
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

/// Unions that are, through variants that are unions themselves, one of their own variants:
/// `(union, its variant on the cycle, the unions on the cycle)`. An untagged union tries its
/// variants on the same value, so such a variant recurses without consuming input (a list or an
/// object in between consumes a level of nesting, and is fine).
fn union_self_variants(spec: &spec::Spec) -> Vec<(String, String, Vec<String>)> {
    let union_variants = |name: &str| -> Vec<(String, String)> {
        match spec.types.get(name) {
            Some(t) if t.kind == TypeKind::Union => t
                .variants
                .iter()
                .filter_map(|(v, var)| match TypeExpr::parse(&var.ty) {
                    Ok(TypeExpr::Named(n)) => Some((v.clone(), n)),
                    _ => None,
                })
                .filter(|(_, n)| spec.types.get(n).is_some_and(|t| t.kind == TypeKind::Union))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut out = Vec::new();
    for name in spec.types.keys() {
        for (variant, first) in union_variants(name) {
            // Search from the variant's union back to `name`, each union once.
            let mut seen = BTreeSet::new();
            let mut stack = vec![vec![name.clone(), first]];
            while let Some(path) = stack.pop() {
                let last = path.last().cloned().unwrap_or_default();
                if last == *name {
                    out.push((name.clone(), variant.clone(), path));
                    break;
                }
                if !seen.insert(last.clone()) {
                    continue;
                }
                for (_, next) in union_variants(&last) {
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push(longer);
                }
            }
        }
    }
    out
}

struct Lowerer<'a> {
    files: &'a SpecFiles,
    spec: &'a spec::Spec,
    errors: Vec<Diagnostic>,
    /// Spec type name to Rust type name.
    type_names: BTreeMap<String, String>,
    /// The lowered types, once they are done.
    lowered: Vec<ir::TypeModel>,
    /// Rust names of the global parameters, taken in every request builder.
    global_names: BTreeSet<String>,
    /// Form fields the credentials add to every form body.
    form_credentials: Vec<String>,
    /// Rust type name to its `one_of_required` alternatives, resolved.
    one_of_required: BTreeMap<String, Vec<Vec<ir::SetField>>>,
}

fn join(path: &str, key: impl std::fmt::Display) -> String {
    format!("{path}.{key}")
}

impl Lowerer<'_> {
    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(self.files.at_value(path, message));
    }

    fn key_error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(self.files.at_key(path, message));
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

    /// Resolves a type expression; unknown names are reported and replaced by `Json`.
    fn ty(&mut self, path: &str, text: &str) -> Ty {
        match TypeExpr::parse(text) {
            Ok(expr) => self.resolve(path, &expr),
            Err(msg) => {
                self.error(path, msg);
                Ty::Json
            }
        }
    }

    fn resolve(&mut self, path: &str, expr: &TypeExpr) -> Ty {
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
            TypeExpr::Named(name) => match self.type_names.get(name) {
                Some(rust) => Ty::Named(rust.clone()),
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

    fn kind_of(&self, rust: &str) -> Option<TypeKind> {
        let spec_name = self.type_names.iter().find(|(_, r)| *r == rust)?.0;
        self.spec.types.get(spec_name).map(|t| t.kind)
    }

    /// Names for one namespace, reporting explicit `rust_name`s that collide or are invalid.
    /// Each entry's `rust_name` is at `base.<wire>.rust_name`.
    fn names(
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
    fn names_at(
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

    fn api(&mut self) -> ir::Api {
        let spec = self.spec;
        if !naming::is_valid_ident(&spec.api)
            || spec.api != naming::derive(Namespace::Field, &spec.api)
        {
            self.error(
                "api",
                format!("`{}` must be a snake_case Rust identifier", spec.api),
            );
        }

        // Type names first: every type expression below resolves against them.
        let entries: Vec<_> = spec
            .types
            .iter()
            .map(|(n, t)| (n.as_str(), t.rust_name.as_deref()))
            .collect();
        let names = self.names(Namespace::Type, "types", &entries);
        self.type_names = spec.types.keys().cloned().zip(names).collect();

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
        let mut notes = Vec::new();
        let mut note_ids: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, note) in spec.notes.iter().enumerate() {
            if let Some(&first) = note_ids.get(note.id.as_str()) {
                let place = self.files.place(&format!("notes[{first}].id"));
                self.key_error(
                    &format!("notes[{i}].id"),
                    format!("note `{}` is defined twice: first in {place}", note.id),
                );
            } else {
                note_ids.insert(&note.id, i);
            }
            for (j, c) in note.cite.iter().enumerate() {
                self.cite(&format!("notes[{i}].cite[{j}]"), c);
            }
            notes.push((note.id.clone(), docs::sanitize(&note.text)));
        }

        // Client parameters, credentials and global parameters are all named in the client
        // builder; the global ones are then taken in every request builder.
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
        let client_params = self.client_params(builder_names);
        self.check_base_url(&client_params);
        let auth = self.auth(auth_names);
        for a in &auth {
            if let ir::AuthKind::FormFields(fields) = &a.kind {
                self.form_credentials.extend(fields.iter().cloned());
            }
        }
        let global_params: Vec<_> = self.params(
            "global_params",
            &spec.global_params,
            Some(global_names),
            &BTreeSet::new(),
        );
        for p in &global_params {
            if p.location == ir::ParamLocation::Path {
                self.error(
                    &format!("global_params.{}.in", p.wire),
                    "global parameters go in the query or a header; path values are `client_params`",
                );
            }
        }
        self.global_names = global_params.iter().map(|p| p.rust.clone()).collect();
        let mut types: Vec<_> = spec
            .types
            .iter()
            .map(|(name, t)| self.type_def(name, t))
            .collect();
        types.sort_by(|a, b| a.rust.cmp(&b.rust));
        for (name, variant, cycle) in union_self_variants(spec) {
            self.error(
                &format!("types.{name}.variants.{variant}.type"),
                format!(
                    "`{name}` is one of its own variants ({}), so decoding would try it without \
                     end: put it in a list or an object",
                    cycle.join(" → ")
                ),
            );
        }
        for t in crate::recursion::box_cycles(&mut types) {
            self.key_error(
                &format!("types.{}", t.spec_name),
                format!(
                    "`{}` contains itself through required fields only ({}), so no finite value \
                     has this shape: make one of them optional or nullable",
                    t.spec_name,
                    t.cycle.join(" → ")
                ),
            );
        }
        self.lowered = types.clone();
        let error = spec.errors.as_ref().map(|e| self.error_model(e));
        let rate_limit = spec.rate_limit.as_ref().map(|r| {
            self.cite("rate_limit.cite", &r.cite);
            if r.calls == 0 || r.per_seconds == 0 {
                self.error("rate_limit", "`calls` and `per_seconds` must be positive");
            }
            (r.calls, r.per_seconds)
        });
        let rate_limit_headers = spec
            .rate_limit
            .as_ref()
            .and_then(|r| r.headers.as_ref())
            .map(|h| self.rate_limit_headers(h));
        let retry = spec.retry.as_ref().map(|r| {
            if r.max_attempts == 0 {
                self.error("retry.max_attempts", "at least one attempt is needed");
            }
            if r.initial_backoff_ms > r.max_backoff_ms {
                self.error(
                    "retry.initial_backoff_ms",
                    "is larger than `max_backoff_ms`",
                );
            }
            ir::RetryModel {
                max_attempts: r.max_attempts,
                initial_backoff_ms: r.initial_backoff_ms,
                max_backoff_ms: r.max_backoff_ms,
                retry_statuses: r.retry_statuses.clone(),
                not_processed_statuses: r.not_processed_statuses.clone(),
                docs: docs::sanitize(&r.docs),
            }
        });
        if spec.operations.is_empty() {
            self.key_error(
                "api",
                "an API needs at least one operation under `operations`",
            );
        }
        let mut operations = self.operations(&client_params, &global_params);
        let mut error = error;
        name_example_tests(&mut operations, error.as_mut());
        crate::facts::derive(&mut types, &operations);

        ir::Api {
            module: spec.api.clone(),
            source: self.files.shown.clone(),
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

    fn client_params(&mut self, names: Vec<String>) -> Vec<ir::ClientParam> {
        let spec = self.spec;
        spec.client_params
            .iter()
            .zip(names)
            .map(|((wire, p), rust)| {
                self.cite(&format!("client_params.{wire}.cite"), &p.cite);
                ir::ClientParam {
                    wire: wire.clone(),
                    rust,
                    location: p.location,
                    docs: fold_docs(&p.docs, None, p.note.as_deref()),
                }
            })
            .collect()
    }

    fn check_base_url(&mut self, params: &[ir::ClientParam]) {
        let placeholders = match placeholders(&self.spec.base_url) {
            Ok(p) => p,
            Err(msg) => {
                self.error("base_url", msg);
                return;
            }
        };
        for name in &placeholders {
            if !params
                .iter()
                .any(|p| &p.wire == name && p.location == ir::ClientParamLocation::BaseUrl)
            {
                self.error(
                    "base_url",
                    format!(
                        "placeholder `{{{name}}}` needs a client parameter with `in: base_url`"
                    ),
                );
            }
        }
        for p in params {
            if p.location == ir::ClientParamLocation::BaseUrl && !placeholders.contains(&p.wire) {
                self.error(
                    &format!("client_params.{}", p.wire),
                    format!("`base_url` has no placeholder `{{{}}}`", p.wire),
                );
            }
        }
        if !self.spec.base_url.starts_with("https://") {
            self.error("base_url", "a base URL must use https");
        }
        // A path value the client asks for must go somewhere: the client would hold it unread.
        for p in params {
            let used =
                self.spec.operations.values().any(|op| {
                    self::placeholders(&op.path).is_ok_and(|names| names.contains(&p.wire))
                });
            if p.location == ir::ClientParamLocation::Path
                && !used
                && !self.spec.operations.is_empty()
            {
                self.error(
                    &format!("client_params.{}", p.wire),
                    format!("no operation's `path` has the placeholder `{{{}}}`", p.wire),
                );
            }
        }
    }

    fn auth(&mut self, names: Vec<String>) -> Vec<ir::Auth> {
        let spec = self.spec;
        spec.auth
            .iter()
            .zip(names)
            .map(|((name, a), rust)| {
                let path = format!("auth.{name}");
                self.cite(&join(&path, "cite"), &a.cite);
                let misplaced = |cx: &mut Self, key: &str, present: bool| {
                    if present {
                        cx.error(
                            &join(&path, key),
                            format!("`{key}` does not apply to `kind: {:?}`", a.kind)
                                .to_lowercase(),
                        );
                    }
                };
                let k = a.kind;
                misplaced(
                    self,
                    "header",
                    a.header.is_some() && k != spec::AuthKind::Header,
                );
                misplaced(
                    self,
                    "fields",
                    !a.fields.is_empty() && k != spec::AuthKind::FormFields,
                );
                misplaced(
                    self,
                    "authorize_url",
                    a.authorize_url.is_some() && k != spec::AuthKind::Oauth2,
                );
                misplaced(
                    self,
                    "token_url",
                    a.token_url.is_some() && k != spec::AuthKind::Oauth2,
                );
                let kind = match k {
                    spec::AuthKind::Header => {
                        let header = a.header.clone().unwrap_or_default();
                        if a.header.is_none() {
                            self.error(&path, "`kind: header` needs `header: <name>`");
                        } else {
                            self.check_header_name(&join(&path, "header"), &header);
                        }
                        ir::AuthKind::Header(header)
                    }
                    spec::AuthKind::Bearer => ir::AuthKind::Bearer,
                    spec::AuthKind::FormFields => {
                        if a.fields.is_empty() {
                            self.error(&path, "`kind: form_fields` needs `fields: [..]`");
                        }
                        ir::AuthKind::FormFields(a.fields.clone())
                    }
                    spec::AuthKind::Oauth2 => {
                        for (key, url) in [
                            ("authorize_url", &a.authorize_url),
                            ("token_url", &a.token_url),
                        ] {
                            match url {
                                Some(u) if u.starts_with("https://") => {}
                                Some(_) => self
                                    .error(&join(&path, key), "an OAuth2 endpoint must use https"),
                                None => self.error(&path, format!("`kind: oauth2` needs `{key}`")),
                            }
                        }
                        ir::AuthKind::Oauth2 {
                            authorize_url: a.authorize_url.clone().unwrap_or_default(),
                            token_url: a.token_url.clone().unwrap_or_default(),
                        }
                    }
                };
                ir::Auth {
                    rust,
                    kind,
                    required: a.required,
                    docs: fold_docs(&a.docs, None, a.note.as_deref()),
                }
            })
            .collect()
    }

    /// Checks `rate_limit.headers`: valid header names, all different, and none of the headers
    /// the runtime reads for itself (`Retry-After`, `Date`), whose meaning is fixed by HTTP.
    fn rate_limit_headers(&mut self, h: &spec::RateLimitHeaders) -> ir::RateLimitHeadersModel {
        let path = "rate_limit.headers";
        let cite = self.cite(&join(path, "cite"), &h.cite);
        let mut seen: Vec<(&str, String)> = Vec::new();
        let named = [
            ("limit", h.limit.as_ref()),
            ("remaining", Some(&h.remaining)),
            ("reset", Some(&h.reset)),
        ];
        for (key, name) in named {
            let Some(name) = name else { continue };
            let at = join(path, key);
            self.check_header_name(&at, name);
            let lower = name.to_ascii_lowercase();
            if let Some((other, _)) = seen.iter().find(|(_, n)| *n == lower) {
                self.error(&at, format!("`{name}` is already the `{other}` header"));
            }
            if ["retry-after", "date"].contains(&lower.as_str()) {
                self.error(
                    &at,
                    format!(
                        "`{name}` is read by the runtime on its own; name the API's own header"
                    ),
                );
            }
            seen.push((key, lower));
        }
        ir::RateLimitHeadersModel {
            limit: h.limit.as_ref().map(|n| n.to_ascii_lowercase()),
            remaining: h.remaining.to_ascii_lowercase(),
            reset: h.reset.to_ascii_lowercase(),
            reset_format: h.reset_format,
            cite,
        }
    }

    fn check_header_name(&mut self, path: &str, name: &str) {
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) {
            self.error(path, format!("`{name}` is not a valid HTTP header name"));
        }
    }

    /// A parameter is written as text (`ToParam`): a scalar other than `json`, or an enum; in
    /// the query also a list of those (written in its `style`). Anything else would be
    /// accepted here and fail to compile in the generated request builder.
    fn check_param_type(&mut self, path: &str, location: ir::ParamLocation, ty: &Ty) {
        let (element, array) = match ty {
            Ty::Array(inner) => (&**inner, true),
            other => (other, false),
        };
        match element {
            Ty::Named(n) if self.kind_of(n) == Some(TypeKind::Object) => {
                self.error(path, "a parameter cannot be an object");
            }
            Ty::Named(n) if self.kind_of(n) == Some(TypeKind::Union) => {
                self.error(path, "a parameter cannot be a union: it has no text form");
            }
            Ty::Json | Ty::Map(_) | Ty::Array(_) => {
                self.error(
                    path,
                    "a parameter must be a scalar other than `json`, or an enum (in the query, \
                     also an array of those)",
                );
            }
            _ if array && location != ir::ParamLocation::Query => {
                self.error(path, "only a query parameter can be an array");
            }
            _ => {}
        }
    }

    /// Lowers parameters. Global ones come with their names (resolved in the client builder);
    /// an operation's are named in its request builder, beside the global ones (`taken`).
    fn params(
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
                    self.check_header_name(&path, wire);
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
                self.check_param_type(&join(&path, "type"), p.location, &ty);
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

    fn type_def(&mut self, name: &str, t: &spec::TypeDef) -> ir::TypeModel {
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
                    self.one_of_required.insert(rust.clone(), alternatives);
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
                let integer = match t.repr.as_deref() {
                    Some("string") => false,
                    Some("integer") => true,
                    Some(other) => {
                        self.error(
                            &join(&path, "type"),
                            format!(
                                "an enum needs `type: string` or `type: integer`, found `{other}`"
                            ),
                        );
                        false
                    }
                    None => {
                        self.error(&path, "an enum needs `type: string` or `type: integer`");
                        false
                    }
                };
                if t.values.is_empty() {
                    self.error(&path, "an enum needs at least one value");
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
            TypeKind::Union => {
                misplaced(self, "fields", !t.fields.is_empty());
                misplaced(self, "one_of_required", !t.one_of_required.is_empty());
                misplaced(self, "values", !t.values.is_empty());
                misplaced(self, "from", t.from.is_some());
                if t.variants.len() < 2 {
                    self.error(&path, "a union needs at least two variants");
                }
                let entries: Vec<_> = t.variants.keys().map(|k| (k.as_str(), None)).collect();
                let names = self.names(Namespace::Variant, &join(&path, "variants"), &entries);
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
        };
        ir::TypeModel {
            spec_name: name.to_owned(),
            rust,
            docs: fold_docs(&t.docs, None, t.note.as_deref()),
            cite,
            body,
            form: false,
        }
    }

    /// Resolves `one_of_required`: at least two alternatives, each naming fields of the object
    /// that are sent (not read-only), can be unset (not required unless they are lists or
    /// maps, which count as unset when empty) and are not three-state `Patch` fields.
    fn one_of_required(
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
                let optional = !f.required || f.nullable;
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
    fn object_fields(&mut self, path: &str, t: &spec::TypeDef) -> Vec<ir::FieldModel> {
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

    fn error_model(&mut self, e: &spec::ErrorSpec) -> ir::ErrorModel {
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
                Ty::Named(n) if self.kind_of(n) == Some(TypeKind::Enum) => {
                    code_path = steps;
                    code_ty = Some(n.clone());
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

    /// A form body carries scalars, enums, arrays of those, and raw JSON, plus nested objects
    /// whose fields are flattened into the same form.
    /// Every name the flattened form holds is unique, the credentials' form fields included.
    fn check_form_fields(&mut self, path: &str, ty: &Ty) {
        let mut seen = BTreeSet::new();
        let mut names = BTreeMap::new();
        for f in &self.form_credentials {
            names.insert(f.clone(), format!("the credential field `{f}`"));
        }
        self.check_form_type(path, ty, &mut seen, &mut names);
    }

    fn check_form_type(
        &mut self,
        path: &str,
        ty: &Ty,
        seen: &mut BTreeSet<String>,
        names: &mut BTreeMap<String, String>,
    ) {
        let Ty::Named(name) = ty else { return };
        // `seen` holds the objects being flattened around this one: meeting one again would
        // flatten it into itself without end.
        if !seen.insert(name.clone()) {
            self.error(
                path,
                format!("`{name}` contains itself, so it cannot be flattened into a form"),
            );
            return;
        }
        let Some(ir::TypeBody::Object { fields, .. }) = self
            .lowered
            .iter()
            .find(|t| &t.rust == name)
            .map(|t| t.body.clone())
        else {
            return;
        };
        for f in fields.iter().filter(|f| !f.read_only) {
            if f.clearable {
                self.error(
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
            let nested = matches!(element, Ty::Named(n) if self.kind_of(n) == Some(TypeKind::Object))
                && !f.ty.is_array();
            if !nested {
                let form_name = f.form_name.clone().unwrap_or_else(|| f.wire.clone());
                let this = format!("field `{}` of `{name}`", f.wire);
                if let Some(first) = names.get(&form_name) {
                    let first = first.clone();
                    self.error(
                        path,
                        format!(
                            "the form sends `{form_name}` twice once nested objects are \
                             flattened: {this} and {first}"
                        ),
                    );
                } else {
                    names.insert(form_name, this);
                }
            }
            let ok = match element {
                Ty::Map(_) | Ty::Array(_) => false,
                // A `json` field is written as JSON text; a list of them has no form encoding.
                Ty::Json => !f.ty.is_array(),
                Ty::Named(n) => match self.kind_of(n) {
                    Some(TypeKind::Enum) => true,
                    Some(TypeKind::Object) if !f.ty.is_array() => {
                        self.check_form_type(path, &f.ty, seen, names);
                        true
                    }
                    _ => false,
                },
                _ => true,
            };
            if !ok {
                self.error(
                    path,
                    format!(
                        "field `{}` of `{name}` cannot be written as a form field",
                        f.wire
                    ),
                );
            }
        }
        seen.remove(name);
    }

    fn operations(
        &mut self,
        client_params: &[ir::ClientParam],
        global_params: &[ir::Param],
    ) -> Vec<ir::Operation> {
        let spec = self.spec;
        let entries: Vec<_> = spec
            .operations
            .iter()
            .map(|(n, o)| (n.as_str(), o.rust_name.as_deref()))
            .collect();
        let methods = self.names(Namespace::Method, "operations", &entries);
        let builder_entries: Vec<_> = methods.iter().map(|m| (m.as_str(), None)).collect();
        let builders = self.names(Namespace::Builder, "operations", &builder_entries);
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

    fn operation(
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
        for p in &params {
            if global_params.iter().any(|g| g.wire == p.wire) {
                self.key_error(
                    &format!("{path}.params.{}", p.wire),
                    "this parameter is already a global parameter",
                );
            }
        }

        // Path template: every placeholder is an operation or client parameter, and every path
        // parameter appears.
        let mut parts = Vec::new();
        let parsed = match split_path(&op.path) {
            Err(msg) => {
                self.error(&join(&path, "path"), msg);
                false
            }
            Ok(split) => {
                if !op.path.starts_with('/') {
                    self.error(&join(&path, "path"), "a path starts with `/`");
                }
                for part in split {
                    match part {
                        Ok(lit) => parts.push(ir::PathPart::Literal(lit)),
                        Err(name) => {
                            if let Some(p) = params
                                .iter()
                                .find(|p| p.wire == name && p.location == ir::ParamLocation::Path)
                            {
                                parts.push(ir::PathPart::Param(p.rust.clone()));
                            } else if let Some(c) = client_params.iter().find(|c| {
                                c.wire == name && c.location == ir::ClientParamLocation::Path
                            }) {
                                parts.push(ir::PathPart::Client(c.rust.clone()));
                            } else {
                                self.error(
                                    &join(&path, "path"),
                                    format!("placeholder `{{{name}}}` is neither a path parameter nor a client parameter"),
                                );
                            }
                        }
                    }
                }
                true
            }
        };
        // A path that does not parse has already been reported; its parameters are not missing.
        for p in &params {
            if parsed
                && p.location == ir::ParamLocation::Path
                && !parts.contains(&ir::PathPart::Param(p.rust.clone()))
            {
                self.key_error(
                    &format!("{path}.params.{}", p.wire),
                    format!("path parameter `{}` does not appear in `path`", p.wire),
                );
            }
        }

        let body = op.body.as_ref().map(|b| {
            let bpath = join(&path, "body");
            let ty = self.ty(&join(&bpath, "type"), &b.ty);
            match &ty {
                Ty::Named(n) if self.kind_of(n) == Some(TypeKind::Object) => {}
                _ => self.error(
                    &join(&bpath, "type"),
                    "a request body must be an object type",
                ),
            }
            if b.encoding == ir::BodyEncoding::Form {
                self.check_form_fields(&join(&bpath, "type"), &ty);
            }
            if b.encoding == ir::BodyEncoding::Json && b.style != ir::ArrayStyle::Repeat {
                self.error(
                    &join(&bpath, "style"),
                    "`style` applies to form bodies only",
                );
            }
            if op.method == ir::Method::GET {
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
            }
        });

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
                &join(&path, "responses"),
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
                &join(&path, "responses"),
                "every success response must decode into the same type",
            );
        }

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
            path: parts,
            params,
            body,
            success,
            idempotent,
            pagination,
        }
    }

    fn pagination(
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
    fn page_field(
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
            let field_ty = self.field_type(&parent, &step.field);
            if let (true, true, Ty::Named(n)) = (i + 1 < steps.len(), step.optional, &field_ty) {
                if self.has_required_fields(n) {
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

    /// The type of the field with Rust name `field` of object type `parent`.
    fn field_type(&self, parent: &Ty, field: &str) -> Ty {
        let Ty::Named(n) = parent else {
            return Ty::Json;
        };
        self.lowered
            .iter()
            .find(|t| &t.rust == n)
            .and_then(|t| match &t.body {
                ir::TypeBody::Object { fields, .. } => fields.iter().find(|f| f.rust == field),
                _ => None,
            })
            .map_or(Ty::Json, |f| f.ty.clone())
    }

    fn has_required_fields(&self, type_name: &str) -> bool {
        self.lowered.iter().any(|t| {
            t.rust == type_name
                && matches!(&t.body, ir::TypeBody::Object { fields, .. } if fields.iter().any(|f| f.required))
        })
    }

    /// Resolves a dotted path through object fields, starting at `ty`.
    fn value_path(&mut self, path: &str, ty: &Ty, text: &str) -> Option<(Vec<ir::Step>, Ty)> {
        let mut steps = Vec::new();
        let mut current = ty.clone();
        for segment in text.split('.').filter(|s| !s.is_empty()) {
            let found = match &current {
                Ty::Named(n) => {
                    self.lowered
                        .iter()
                        .find(|t| &t.rust == n)
                        .and_then(|t| match &t.body {
                            ir::TypeBody::Object { fields, .. } => {
                                fields.iter().find(|f| f.wire == segment).cloned()
                            }
                            _ => None,
                        })
                }
                _ => None,
            };
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
                optional: !f.required || f.nullable,
            });
            current = f.ty.clone();
        }
        Some((steps, current))
    }
}

/// Names the example tests of one API together (they share the `examples` module): the
/// operation's method name, `request` or the status, and the example's name; `error_` and the
/// name for error bodies. Names that come out alike (`a-b`, `a_b`) get the usual suffixes.
fn name_example_tests(operations: &mut [ir::Operation], error: Option<&mut ir::ErrorModel>) {
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

/// The `{names}` in a template.
fn placeholders(template: &str) -> Result<Vec<String>, String> {
    Ok(split_path(template)?
        .into_iter()
        .filter_map(Result::err)
        .collect())
}

/// Splits a template into literal text (`Ok`) and placeholder names (`Err`).
fn split_path(template: &str) -> Result<Vec<Result<String, String>>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if rest[..open].contains('}') {
            return Err(format!("unmatched `}}` in `{template}`"));
        }
        if open > 0 {
            out.push(Ok(rest[..open].to_owned()));
        }
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in `{template}`"))?;
        let name = &rest[open + 1..open + close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("malformed placeholder in `{template}`"));
        }
        out.push(Err(name.to_owned()));
        rest = &rest[open + close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("unmatched `}}` in `{template}`"));
    }
    if !rest.is_empty() {
        out.push(Ok(rest.to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{placeholders, split_path};

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

    fn lit(s: &str) -> Result<String, String> {
        Ok(s.to_owned())
    }

    fn param(s: &str) -> Result<String, String> {
        Err(s.to_owned())
    }

    #[test]
    fn splits_literals_and_placeholders() {
        assert_eq!(
            split_path("/events/{id}").unwrap(),
            [lit("/events/"), param("id")]
        );
        assert_eq!(
            split_path("/{calendarKey}/events/{eventId}/history").unwrap(),
            [
                lit("/"),
                param("calendarKey"),
                lit("/events/"),
                param("eventId"),
                lit("/history")
            ]
        );
        // Adjacent placeholders, and one that is the whole template.
        assert_eq!(
            split_path("/{a}{b}.json").unwrap(),
            [lit("/"), param("a"), param("b"), lit(".json")]
        );
        assert_eq!(split_path("{host}").unwrap(), [param("host")]);
        // A template without placeholders is one literal; an empty one is nothing.
        assert_eq!(split_path("/ping").unwrap(), [lit("/ping")]);
        assert_eq!(split_path("").unwrap(), []);
        // Names are taken as written: dots, dashes and non-ASCII text are the spec's business.
        assert_eq!(
            split_path("/files/{file.id}/{é-x}").unwrap(),
            [lit("/files/"), param("file.id"), lit("/"), param("é-x")]
        );
    }

    #[test]
    fn base_urls_have_placeholders_too() {
        assert_eq!(
            placeholders("https://{subdomain}.example.com/{version}/").unwrap(),
            ["subdomain", "version"]
        );
        assert_eq!(
            placeholders("https://api.example.com").unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn refuses_malformed_templates_saying_what_is_wrong() {
        let cases = [
            ("/events/{id", "unclosed `{` in `/events/{id`"),
            ("/events/{", "unclosed `{` in `/events/{`"),
            ("/events/{}", "malformed placeholder in `/events/{}`"),
            ("/events/{a{b}", "malformed placeholder in `/events/{a{b}`"),
            ("/events/id}", "unmatched `}` in `/events/id}`"),
            ("/events/{id}}", "unmatched `}` in `/events/{id}}`"),
            ("}", "unmatched `}` in `}`"),
            // A stray `}` before a placeholder is found too, not taken as literal text.
            ("/a}/{b}", "unmatched `}` in `/a}/{b}`"),
        ];
        for (template, message) in cases {
            assert_eq!(split_path(template), Err(message.to_owned()), "{template}");
            assert_eq!(
                placeholders(template),
                Err(message.to_owned()),
                "{template}"
            );
        }
    }
}

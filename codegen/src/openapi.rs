//! The OpenAPI export: every lowered spec written as an OpenAPI document, so the transcriptions
//! serve ecosystems that cannot read our YAML (other generators, API explorers, contract
//! testers, diff tools).
//!
//! It reads the same model (`ir`) the emitters read, never the YAML, so the document says what
//! the Rust client does. What OpenAPI has no word for is kept as documented `x-clientgen-*`
//! extensions instead of being dropped: credentials carried in the form body, the retry and
//! rate-limit policy, open enums, citations and the spec's notes.
//!
//! Two variants are written: `openapi/<api>.json` is OpenAPI 3.1 (JSON Schema 2020-12), the
//! primary one; `openapi/3.0/<api>.json` is OpenAPI 3.0.3 for tools whose parser reads only 3.0
//! (progenitor among them). They differ only where the versions do: how `null` is allowed and
//! whether a `$ref` may carry sibling keywords.
//!
//! The output is a JSON tree with ordered objects, built here and printed here: key order is the
//! model's where it has one (fields in wire order, parameters in spec order) and sorted where it
//! has none (paths, schemas), so a spec change shows as a small diff and nothing depends on the
//! machine.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::ir::{
    Api, ArrayStyle, Auth, AuthKind, Body, BodyEncoding, Cite, ClientParamLocation, Decode,
    EnumLiteral, Example, FieldModel, Method, Operation, PageField, Param, ParamLocation, PathPart,
    Response, Step, Ty, TypeBody, TypeModel,
};
use crate::write;

/// The command that rewrites the exported documents.
pub const COMMAND: &str = "cargo xtask openapi";

/// The folder, below the checkout, that holds the exported documents.
pub const OUTPUT: &str = "openapi";

/// Which OpenAPI version a document follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.1.0: `null` is a JSON Schema type, `$ref` may have siblings.
    V3_1,
    /// OpenAPI 3.0.3: `nullable: true`, a `$ref` with siblings is wrapped in `allOf`.
    V3_0,
}

impl Version {
    /// The `openapi` field of the document.
    pub fn number(self) -> &'static str {
        match self {
            Version::V3_1 => "3.1.0",
            Version::V3_0 => "3.0.3",
        }
    }

    /// Where the document of `module` goes, relative to [`OUTPUT`].
    pub fn file(self, module: &str) -> String {
        match self {
            Version::V3_1 => format!("{module}.json"),
            Version::V3_0 => format!("3.0/{module}.json"),
        }
    }
}

/// Failures of the export.
#[derive(Debug)]
pub enum Error {
    /// The specs could not be loaded.
    Load(crate::Error),
    /// The model holds something an OpenAPI document cannot say (named API and what).
    Unrepresentable {
        /// The API's module name.
        api: String,
        /// What is wrong.
        message: String,
    },
    /// A file could not be read or written.
    Io(PathBuf, std::io::Error),
    /// `--check` found documents that differ from what the specs produce.
    Stale(write::Report),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(e) => write!(f, "{e}"),
            Error::Unrepresentable { api, message } => {
                write!(f, "{api}: cannot export as OpenAPI: {message}")
            }
            Error::Io(path, e) => write!(f, "{}: {e}", path.display()),
            Error::Stale(report) => {
                writeln!(f, "{OUTPUT}/ is out of date with specs/:")?;
                for p in &report.changed {
                    writeln!(f, "  differs: {}", p.display())?;
                }
                for p in &report.removed {
                    writeln!(f, "  no longer generated: {}", p.display())?;
                }
                write!(f, "run `{COMMAND}` and commit the result")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Exports `specs/` to `openapi/`, or (with [`crate::Mode::Check`]) writes nothing and fails
/// naming every stale file.
pub fn run(root: &Path, mode: crate::Mode) -> Result<write::Report, Error> {
    let check = mode == crate::Mode::Check;
    let apis = crate::load_dir(root, "specs").map_err(Error::Load)?;
    let files = files(&apis)?;
    let out = root.join(OUTPUT);
    let report = write::sync(&out, &files, &[""], check).map_err(|e| Error::Io(out.clone(), e))?;
    if check && !report.is_clean() {
        return Err(Error::Stale(report));
    }
    Ok(report)
}

/// Both documents of every API, by path relative to [`OUTPUT`].
pub fn files(apis: &[Api]) -> Result<BTreeMap<String, String>, Error> {
    let mut files = BTreeMap::new();
    for api in apis {
        for version in [Version::V3_1, Version::V3_0] {
            files.insert(version.file(&api.module), document(api, version)?);
        }
    }
    Ok(files)
}

/// One API as an OpenAPI document, printed as JSON with a trailing newline.
pub fn document(api: &Api, version: Version) -> Result<String, Error> {
    let mut out = Exporter { api, version }.document()?.pretty();
    out.push('\n');
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// A JSON tree whose objects keep the order they were built in.

#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    /// A number, as its JSON text.
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Obj),
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Obj(Vec<(String, Json)>);

impl Obj {
    fn new() -> Self {
        Obj::default()
    }

    /// Sets `key`, replacing an earlier value in place.
    fn set(&mut self, key: &str, value: impl Into<Json>) -> &mut Self {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_owned(), value)),
        }
        self
    }

    /// Sets `key` to a non-empty text; an empty one is left out.
    fn text(&mut self, key: &str, value: &str) -> &mut Self {
        if !value.trim().is_empty() {
            self.set(key, value.trim());
        }
        self
    }

    fn with(mut self, key: &str, value: impl Into<Json>) -> Self {
        self.set(key, value);
        self
    }

    fn get(&self, key: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn remove(&mut self, key: &str) -> Option<Json> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Obj> for Json {
    fn from(o: Obj) -> Self {
        Json::Obj(o)
    }
}
impl From<&str> for Json {
    fn from(s: &str) -> Self {
        Json::Str(s.to_owned())
    }
}
impl From<String> for Json {
    fn from(s: String) -> Self {
        Json::Str(s)
    }
}
impl From<bool> for Json {
    fn from(b: bool) -> Self {
        Json::Bool(b)
    }
}
impl From<Vec<Json>> for Json {
    fn from(v: Vec<Json>) -> Self {
        Json::Arr(v)
    }
}
impl From<i64> for Json {
    fn from(n: i64) -> Self {
        Json::Num(n.to_string())
    }
}
impl From<u64> for Json {
    fn from(n: u64) -> Self {
        Json::Num(n.to_string())
    }
}
impl From<u32> for Json {
    fn from(n: u32) -> Self {
        Json::Num(n.to_string())
    }
}
impl From<u16> for Json {
    fn from(n: u16) -> Self {
        Json::Num(n.to_string())
    }
}

impl From<&serde_json::Value> for Json {
    fn from(v: &serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(*b),
            serde_json::Value::Number(n) => Json::Num(n.to_string()),
            serde_json::Value::String(s) => Json::Str(s.clone()),
            serde_json::Value::Array(a) => Json::Arr(a.iter().map(Json::from).collect()),
            serde_json::Value::Object(o) => {
                Json::Obj(Obj(o.iter().map(|(k, v)| (k.clone(), v.into())).collect()))
            }
        }
    }
}

fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Json {
    Json::Arr(items.into_iter().map(|s| Json::from(s.as_ref())).collect())
}

impl Json {
    /// Printed with two-space indentation, one member per line.
    fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        let indent = |out: &mut String, d: usize| {
            out.push('\n');
            out.extend(std::iter::repeat_n("  ", d));
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => quote_into(out, s),
            Json::Arr(items) if items.is_empty() => out.push_str("[]"),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    indent(out, depth + 1);
                    item.write(out, depth + 1);
                }
                indent(out, depth);
                out.push(']');
            }
            Json::Obj(o) if o.is_empty() => out.push_str("{}"),
            Json::Obj(o) => {
                out.push('{');
                for (i, (k, v)) in o.0.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    indent(out, depth + 1);
                    quote_into(out, k);
                    out.push_str(": ");
                    v.write(out, depth + 1);
                }
                indent(out, depth);
                out.push('}');
            }
        }
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
fn quote_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

// ---------------------------------------------------------------------------------------------
// The document.

/// The prefix of every extension this export defines; each is documented in the README.
const X: &str = "x-clientgen-";

fn x(name: &str) -> String {
    format!("{X}{name}")
}

struct Exporter<'a> {
    api: &'a Api,
    version: Version,
}

impl Exporter<'_> {
    fn fail(&self, message: String) -> Error {
        Error::Unrepresentable {
            api: self.api.module.clone(),
            message,
        }
    }

    fn document(&self) -> Result<Json, Error> {
        let api = self.api;
        let mut doc = Obj::new();
        doc.set("openapi", self.version.number());
        let mut info = Obj::new();
        info.set("title", api.title.as_str());
        info.text("description", &api.docs);
        // The model has no API version; the document is versioned by the spec it comes from.
        info.set("version", "transcribed");
        info.set(&x("spec"), api.source.as_str());
        doc.set("info", info);
        doc.set("servers", vec![self.server()]);
        doc.set("paths", self.paths()?);
        doc.set("components", self.components());
        let security = self.security();
        if !security.is_empty() {
            doc.set("security", security);
        }
        if let Some(form) = self.form_credentials() {
            doc.set(&x("form-credentials"), form);
        }
        if let Some((calls, per)) = api.rate_limit {
            let mut limit = Obj::new().with("calls", calls).with("perSeconds", per);
            if let Some(h) = &api.rate_limit_headers {
                let mut headers = Obj::new();
                if let Some(name) = &h.limit {
                    headers.set("limit", name.as_str());
                }
                headers
                    .set("remaining", h.remaining.as_str())
                    .set("reset", h.reset.as_str())
                    .set("resetFormat", h.reset_format.as_str())
                    .set("cite", cite(&h.cite));
                limit.set("headers", headers);
            }
            doc.set(&x("rate-limit"), limit);
        }
        if let Some(r) = &api.retry {
            let mut retry = Obj::new();
            retry
                .set("maxAttempts", r.max_attempts)
                .set("initialBackoffMs", r.initial_backoff_ms)
                .set("maxBackoffMs", r.max_backoff_ms)
                .set(
                    "retryStatuses",
                    Json::Arr(r.retry_statuses.iter().map(|s| (*s).into()).collect()),
                )
                .set(
                    "notProcessedStatuses",
                    Json::Arr(
                        r.not_processed_statuses
                            .iter()
                            .map(|s| (*s).into())
                            .collect(),
                    ),
                )
                .text("description", &r.docs);
            doc.set(&x("retry"), retry);
        }
        doc.set(&x("cite"), cite(&api.cite));
        doc.set(
            &x("sources"),
            Json::Arr(api.sources.iter().map(cite).collect()),
        );
        if !api.notes.is_empty() {
            let notes = api
                .notes
                .iter()
                .map(|(id, text)| {
                    Obj::new()
                        .with("id", id.as_str())
                        .with("text", text.trim())
                        .into()
                })
                .collect::<Vec<Json>>();
            doc.set(&x("notes"), notes);
        }
        Ok(doc.into())
    }

    /// The base URL; its placeholders become server variables.
    fn server(&self) -> Json {
        let mut server = Obj::new().with("url", self.api.base_url.as_str());
        let mut vars = Obj::new();
        for p in &self.api.client_params {
            if p.location == ClientParamLocation::BaseUrl {
                let mut v = Obj::new();
                // OpenAPI requires a default; the model has none, so the name stands in for it.
                v.set("default", p.wire.as_str());
                v.text("description", &p.docs);
                vars.set(&p.wire, v);
            }
        }
        if !vars.is_empty() {
            server.set("variables", vars);
        }
        server.into()
    }

    fn paths(&self) -> Result<Json, Error> {
        let mut paths: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
        for op in &self.api.operations {
            paths.entry(op.path_template.as_str()).or_default().push(op);
        }
        let mut out = Obj::new();
        for (path, mut ops) in paths {
            ops.sort_by_key(|op| method_rank(op.method));
            let mut item = Obj::new();
            for pair in ops.windows(2) {
                if pair[0].method == pair[1].method {
                    return Err(self.fail(format!(
                        "operations `{}` and `{}` are both {} {path}",
                        pair[0].id,
                        pair[1].id,
                        method_name(pair[0].method).to_uppercase()
                    )));
                }
            }
            for op in ops {
                item.set(method_name(op.method), self.operation(op)?);
            }
            out.set(path, item);
        }
        Ok(out.into())
    }

    fn operation(&self, op: &Operation) -> Result<Json, Error> {
        let mut o = Obj::new();
        o.set("operationId", op.id.as_str());
        o.text("summary", &op.summary);
        o.text("description", &op.docs);
        let mut params = Vec::new();
        for part in &op.path {
            if let PathPart::Client(rust) = part {
                let Some(p) = self.api.client_params.iter().find(|p| &p.rust == rust) else {
                    return Err(self.fail(format!(
                        "operation `{}`: no client parameter `{rust}`",
                        op.id
                    )));
                };
                let mut param = Obj::new();
                param
                    .set("name", p.wire.as_str())
                    .set("in", "path")
                    .set("required", true);
                param.text("description", &p.docs);
                param.set("schema", Obj::new().with("type", "string"));
                param.set(&x("client-param"), true);
                params.push(param.into());
            }
        }
        for p in &op.params {
            params.push(self.parameter(p, false));
        }
        for p in &self.api.global_params {
            params.push(self.parameter(p, true));
        }
        if !params.is_empty() {
            o.set("parameters", params);
        }
        if let Some(body) = &op.body {
            o.set("requestBody", self.request_body(body));
        }
        o.set("responses", self.responses(op));
        o.set(&x("rust-method"), op.method_name.as_str());
        o.set(&x("idempotent"), op.idempotent);
        if let Some(p) = &op.pagination {
            o.set(&x("pagination"), self.pagination(op, p));
        }
        o.set(&x("cite"), cite(&op.cite));
        Ok(o.into())
    }

    fn parameter(&self, p: &Param, global: bool) -> Json {
        let mut o = Obj::new();
        let mut name = p.wire.clone();
        let location = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        if p.ty.is_array()
            && p.location == ParamLocation::Query
            && matches!(
                p.style,
                ArrayStyle::Brackets | ArrayStyle::BracketsUnlessSingle
            )
        {
            // PHP style: the brackets are part of the name on the wire. OpenAPI cannot say that
            // a single value goes out without them; `x-clientgen-array-style` does.
            name.push_str("[]");
        }
        o.set("name", name).set("in", location);
        o.set("required", p.required || p.location == ParamLocation::Path);
        o.text("description", &p.docs);
        if p.ty.is_array() {
            match p.location {
                ParamLocation::Query => {
                    o.set("style", "form");
                    o.set("explode", p.style != ArrayStyle::Comma);
                }
                ParamLocation::Path | ParamLocation::Header => {
                    o.set("style", "simple");
                }
            }
            o.set(&x("array-style"), style_name(p.style));
        }
        o.set("schema", self.schema(&p.ty));
        if global {
            o.set(&x("global"), true);
        }
        o.into()
    }

    fn request_body(&self, body: &Body) -> Json {
        let mut media = Obj::new();
        let content_type = match body.encoding {
            BodyEncoding::Json => {
                media.set("schema", self.schema(&body.ty));
                "application/json"
            }
            BodyEncoding::Form => {
                let (schema, encoding) = self.form_schema(body);
                media.set("schema", schema);
                if !encoding.is_empty() {
                    media.set("encoding", encoding);
                }
                "application/x-www-form-urlencoded"
            }
        };
        if let Some(ex) = examples(&body.examples) {
            media.set("examples", ex);
        }
        let mut o = Obj::new();
        o.text("description", &body.docs);
        if !body.one_of_required.is_empty() {
            // Which fields a body must set, as alternatives: the Rust client refuses a body that
            // sets none (an empty list counts as unset), which a schema `anyOf` cannot say for
            // a form.
            let alternatives: Vec<Json> = body
                .one_of_required
                .iter()
                .map(|a| {
                    Json::from(
                        a.iter()
                            .map(|f| Json::from(f.wire.as_str()))
                            .collect::<Vec<_>>(),
                    )
                })
                .collect();
            o.set(&x("one-of-required"), alternatives);
        }
        o.set("content", Obj::new().with(content_type, media));
        o.set("required", true);
        o.into()
    }

    /// A form body's fields as they go over the wire (`Body::form_fields`: form names, nested
    /// objects flattened into the same form, read-only fields left out), with PHP-style array
    /// names with their brackets. The result is its own schema, because the type's JSON schema
    /// uses the JSON names.
    fn form_schema(&self, body: &Body) -> (Json, Obj) {
        let mut props = Obj::new();
        let mut required = Vec::new();
        let mut encoding = Obj::new();
        let Ty::Named(id) = &body.ty else {
            return (self.schema(&body.ty), encoding);
        };
        let style = body.style;
        for form_field in &body.form_fields {
            let Some(f) = self.api.space().form_field(form_field) else {
                continue;
            };
            let mut key = form_field.name.clone();
            if f.ty.is_array()
                && matches!(
                    style,
                    ArrayStyle::Brackets | ArrayStyle::BracketsUnlessSingle
                )
            {
                key.push_str("[]");
            }
            let mut schema = self.field_schema(f);
            let json_path = form_field.json_path.join(".");
            if let Json::Obj(o) = &mut schema {
                o.remove(&x("form-name"));
                if json_path != key {
                    o.set(&x("json-name"), json_path);
                }
            }
            if f.ty.is_array() {
                encoding.set(
                    &key,
                    Obj::new()
                        .with("style", "form")
                        .with("explode", style != ArrayStyle::Comma)
                        .with(&x("array-style"), style_name(style)),
                );
            } else if f.ty == Ty::Json {
                encoding.set(&key, Obj::new().with("contentType", "application/json"));
            }
            if form_field.required {
                required.push(key.clone());
            }
            props.set(&key, schema);
        }
        let mut schema = Obj::new().with("type", "object");
        schema.set("properties", props);
        if !required.is_empty() {
            schema.set("required", strings(&required));
        }
        schema.set(&x("form-of"), self.reference(self.api.type_name(*id)));
        (schema.into(), encoding)
    }

    fn responses(&self, op: &Operation) -> Json {
        let mut out = Obj::new();
        for r in &op.success {
            out.set(&r.status.to_string(), self.response(r));
        }
        if let Some(err) = &self.api.error {
            for status in &err.failure_statuses {
                let key = status.to_string();
                if out.get(&key).is_none() {
                    let mut failure = self.error_response(&format!(
                        "A {status} that means the call did not complete: the Rust client \
                         returns it as an error."
                    ));
                    if let Json::Obj(o) = &mut failure {
                        o.set(&x("failure"), true);
                    }
                    out.set(&key, failure);
                }
            }
            out.set(
                "4XX",
                Obj::new().with("$ref", "#/components/responses/Error"),
            );
            out.set(
                "5XX",
                Obj::new().with("$ref", "#/components/responses/Error"),
            );
        } else {
            out.set(
                "default",
                Obj::new().with(
                    "description",
                    "Any other status: the spec documents no error body.",
                ),
            );
        }
        out.into()
    }

    fn response(&self, r: &Response) -> Json {
        let mut o = Obj::new();
        let description = if r.docs.trim().is_empty() {
            format!("Status {}.", r.status)
        } else {
            r.docs.trim().to_owned()
        };
        o.set("description", description);
        if let Some(key) = &r.failure_key {
            // OpenAPI cannot say that a 2xx body reports failure; the extension keeps the fact.
            o.set(&x("failure-if-key"), key.as_str());
        }
        if !r.headers.is_empty() {
            let mut headers = Obj::new();
            for h in &r.headers {
                headers.set(
                    h,
                    Obj::new().with("schema", Obj::new().with("type", "string")),
                );
            }
            o.set("headers", headers);
        }
        let mut media = Obj::new();
        let content_type = match &r.decode {
            Decode::Empty => None,
            Decode::Json { ty, envelope } => {
                let schema = match envelope {
                    None => self.schema(ty),
                    Some(key) => {
                        // The payload is wrapped in an object; the client unwraps it and keeps
                        // the envelope's other keys, so they are allowed here.
                        let mut env = Obj::new().with("type", "object");
                        env.set("properties", Obj::new().with(key, self.schema(ty)));
                        env.set("required", strings([key]));
                        env.set(&x("envelope"), key.as_str());
                        env.into()
                    }
                };
                media.set("schema", schema);
                Some("application/json")
            }
            Decode::Text(ty) => {
                media.set("schema", self.schema(ty));
                Some("text/plain")
            }
        };
        if let Some(ct) = content_type {
            if let Some(ex) = examples(&r.examples) {
                media.set("examples", ex);
            }
            o.set("content", Obj::new().with(ct, media));
        }
        o.into()
    }

    /// The shared error response: the API's error body for any status the call does not document
    /// as a success.
    fn error_response(&self, description: &str) -> Json {
        let mut o = Obj::new().with("description", description);
        if let Some(err) = &self.api.error {
            let mut media = Obj::new().with("schema", self.schema(&err.ty));
            if let Some(ex) = examples(&err.examples) {
                media.set("examples", ex);
            }
            o.set("content", Obj::new().with("application/json", media));
            if let (Some(code_ty), Ty::Named(_)) = (err.code_ty, &err.ty) {
                o.set(
                    &x("error-code"),
                    Obj::new()
                        .with("path", self.wire_path(&err.ty, &err.code_path).join("."))
                        .with("schema", self.reference(self.api.type_name(code_ty))),
                );
            }
        }
        o.into()
    }

    fn pagination(&self, op: &Operation, p: &crate::ir::Pagination) -> Json {
        let mut o = Obj::new();
        let field = |f: &PageField| -> Json {
            match f {
                PageField::Query(rust) => {
                    let wire = op
                        .params
                        .iter()
                        .find(|p| &p.rust == rust)
                        .map_or(rust.as_str(), |p| p.wire.as_str());
                    Obj::new().with("in", "query").with("name", wire).into()
                }
                PageField::Body(steps) => {
                    let path = match op.body.as_ref().map(|b| &b.ty) {
                        Some(ty @ Ty::Named(_)) => self.wire_path(ty, steps),
                        _ => steps.iter().map(|s| s.field.clone()).collect(),
                    };
                    Obj::new()
                        .with("in", "body")
                        .with("path", path.join("."))
                        .into()
                }
            }
        };
        o.set("page", field(&p.page_param));
        o.set("firstPage", p.first_page);
        if let Some(size) = &p.size_param {
            o.set("size", field(size));
        }
        let output = match op.output() {
            Decode::Json {
                ty: ty @ Ty::Named(_),
                ..
            } => Some(ty),
            _ => None,
        };
        let path = |steps: &[Step]| match output {
            Some(n) => self.wire_path(n, steps).join("."),
            None => steps
                .iter()
                .map(|s| s.field.as_str())
                .collect::<Vec<_>>()
                .join("."),
        };
        o.set("items", path(&p.items));
        if let Some(last) = &p.last_page {
            o.set("lastPage", path(last));
        }
        o.into()
    }

    /// Rust field names from the type `start` on, as wire names.
    fn wire_path(&self, start: &Ty, steps: &[Step]) -> Vec<String> {
        self.api.space().wire_path(start, steps)
    }

    fn components(&self) -> Json {
        let mut c = Obj::new();
        let mut schemas = Obj::new();
        // The table is sorted by Rust name by construction (see `ir::TypeId`).
        for t in &self.api.types {
            schemas.set(&t.rust, self.type_schema(t));
        }
        c.set("schemas", schemas);
        if self.api.error.is_some() {
            c.set(
                "responses",
                Obj::new().with(
                    "Error",
                    self.error_response(
                        "The API's error body, sent with any status the operation does not \
                         document as a success.",
                    ),
                ),
            );
        }
        let mut schemes = Obj::new();
        for a in &self.api.auth {
            if let Some(s) = self.security_scheme(a) {
                schemes.set(&a.rust, s);
            }
        }
        if !schemes.is_empty() {
            c.set("securitySchemes", schemes);
        }
        c.into()
    }

    fn security_scheme(&self, a: &Auth) -> Option<Json> {
        let mut s = Obj::new();
        match &a.kind {
            AuthKind::Header(name) => {
                s.set("type", "apiKey")
                    .set("in", "header")
                    .set("name", name.as_str());
            }
            AuthKind::Bearer => {
                s.set("type", "http").set("scheme", "bearer");
            }
            AuthKind::Oauth2 {
                authorize_url,
                token_url,
            } => {
                let flow = Obj::new()
                    .with("authorizationUrl", authorize_url.as_str())
                    .with("tokenUrl", token_url.as_str())
                    .with("refreshUrl", token_url.as_str())
                    .with("scopes", Obj::new());
                s.set("type", "oauth2")
                    .set("flows", Obj::new().with("authorizationCode", flow));
            }
            AuthKind::FormFields(_) => return None,
        }
        s.text("description", &a.docs);
        s.set(&x("required"), a.required);
        Some(s.into())
    }

    /// Every combination the client accepts: the required schemes together, with or without
    /// each optional one. Credentials carried in the form body are not an OpenAPI scheme; where
    /// they can stand in for the others, an empty requirement says the schemes are optional and
    /// `x-clientgen-form-credentials` says what replaces them.
    fn security(&self) -> Vec<Json> {
        let schemes: Vec<&Auth> = self
            .api
            .auth
            .iter()
            .filter(|a| !matches!(a.kind, AuthKind::FormFields(_)))
            .collect();
        if schemes.is_empty() {
            return Vec::new();
        }
        let required: Vec<&str> = schemes
            .iter()
            .filter(|a| a.required)
            .map(|a| a.rust.as_str())
            .collect();
        let requirement = |names: &[&str]| -> Json {
            let mut o = Obj::new();
            for n in names {
                o.set(n, Json::Arr(Vec::new()));
            }
            o.into()
        };
        let mut out = Vec::new();
        for a in schemes.iter().filter(|a| !a.required) {
            let mut names = required.clone();
            names.push(&a.rust);
            out.push(requirement(&names));
        }
        let form_alternative = self
            .api
            .auth
            .iter()
            .any(|a| matches!(a.kind, AuthKind::FormFields(_)));
        if !required.is_empty() || form_alternative || out.is_empty() {
            out.push(requirement(&required));
        }
        out
    }

    fn form_credentials(&self) -> Option<Json> {
        let list: Vec<Json> = self
            .api
            .auth
            .iter()
            .filter_map(|a| match &a.kind {
                AuthKind::FormFields(fields) => {
                    let mut o = Obj::new().with("name", a.rust.as_str());
                    o.set("fields", strings(fields));
                    o.set("required", a.required);
                    o.text("description", &a.docs);
                    Some(o.into())
                }
                _ => None,
            })
            .collect();
        (!list.is_empty()).then_some(Json::Arr(list))
    }

    // -----------------------------------------------------------------------------------------
    // Schemas.

    fn reference(&self, rust: &str) -> Json {
        Obj::new()
            .with("$ref", format!("#/components/schemas/{rust}"))
            .into()
    }

    /// The schema of a value of type `ty`.
    fn schema(&self, ty: &Ty) -> Json {
        let scalar = |t: &str| Obj::new().with("type", t);
        match ty {
            Ty::String => scalar("string").into(),
            Ty::Integer => scalar("integer").with("format", "int64").into(),
            Ty::Number => scalar("number").with("format", "double").into(),
            Ty::Boolean => scalar("boolean").into(),
            Ty::Date => scalar("string").with("format", "date").into(),
            // Not `format: date-time`: the vendors write offsets without a colon
            // (`2015-06-17T06:00:00-0400`) or no offset at all, which RFC 3339 does not allow.
            Ty::DateTime => scalar("string").with(&x("format"), "date-time").into(),
            Ty::UnixTime => scalar("integer")
                .with("format", "int64")
                .with(&x("format"), "unix-time")
                .into(),
            // A JSON number whose digits matter: OpenAPI's format registry defines `decimal`
            // for `number` as well as `string`.
            Ty::DecimalNumber => scalar("number").with("format", "decimal").into(),
            Ty::Decimal => {
                let s = scalar("string").with("format", "decimal");
                self.one_of(vec![s.into(), scalar("number").into()])
            }
            // A link on another host, fetched or sent to without the API's credentials.
            Ty::TemporaryUrl => scalar("string")
                .with("format", "uri")
                .with(&x("format"), "temporary-url")
                .into(),
            Ty::Json => Obj::new().into(),
            Ty::Array(item) => scalar("array").with("items", self.schema(item)).into(),
            Ty::Map(value) => scalar("object")
                .with("additionalProperties", self.schema(value))
                .into(),
            Ty::Named(id) => self.reference(self.api.type_name(*id)),
        }
    }

    fn one_of(&self, variants: Vec<Json>) -> Json {
        Obj::new().with("oneOf", variants).into()
    }

    /// `schema`, also allowing `null`.
    fn nullable(&self, schema: Json) -> Json {
        let Json::Obj(mut o) = schema else {
            return schema;
        };
        if o.is_empty() {
            return o.into(); // any value, null included
        }
        match self.version {
            Version::V3_1 => {
                if o.get("$ref").is_none() {
                    if let Some(Json::Str(t)) = o.get("type").cloned() {
                        o.set("type", strings([t.as_str(), "null"]));
                        return o.into();
                    }
                }
                if let Some(Json::Arr(mut variants)) = o.remove("oneOf") {
                    if o.is_empty() {
                        variants.push(Obj::new().with("type", "null").into());
                        return self.one_of(variants);
                    }
                    o.set("oneOf", variants);
                }
                self.one_of(vec![o.into(), Obj::new().with("type", "null").into()])
            }
            Version::V3_0 => {
                if o.get("$ref").is_some() {
                    o = Obj::new().with("allOf", vec![o.into()]);
                }
                o.set("nullable", true);
                o.into()
            }
        }
    }

    /// Adds keywords beside a schema; in 3.0 a `$ref` ignores its siblings, so it is wrapped.
    fn annotate(&self, schema: Json, extra: Obj) -> Json {
        if extra.is_empty() {
            return schema;
        }
        let Json::Obj(mut o) = schema else {
            return schema;
        };
        if self.version == Version::V3_0 && o.get("$ref").is_some() {
            o = Obj::new().with("allOf", vec![o.into()]);
        }
        for (k, v) in extra.0 {
            o.set(&k, v);
        }
        o.into()
    }

    fn field_schema(&self, f: &FieldModel) -> Json {
        let mut schema = self.schema(&f.ty);
        if f.nullable {
            schema = self.nullable(schema);
        }
        let mut extra = Obj::new();
        extra.text("description", &f.docs);
        if f.read_only {
            extra.set("readOnly", true);
        }
        if f.write_only {
            extra.set("writeOnly", true);
        }
        if let Some(note) = &f.deprecated {
            extra.set("deprecated", true);
            extra.text(&x("deprecated"), note);
        }
        if let Some(form) = &f.form_name {
            extra.set(&x("form-name"), form.as_str());
        }
        self.annotate(schema, extra)
    }

    fn type_schema(&self, t: &TypeModel) -> Json {
        let mut o = match &t.body {
            TypeBody::Object {
                fields,
                keep_unknown,
            } => {
                let mut o = Obj::new().with("type", "object");
                o.text("description", &t.docs);
                let mut props = Obj::new();
                for f in fields {
                    props.set(&f.wire, self.field_schema(f));
                }
                o.set("properties", props);
                let required: Vec<&str> = fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| f.wire.as_str())
                    .collect();
                if !required.is_empty() {
                    o.set("required", strings(required));
                }
                o.set(&x("keep-unknown"), *keep_unknown);
                o
            }
            TypeBody::Enum { integer, values } => {
                // Enums are open: the Rust client keeps a value it does not know. A JSON Schema
                // `enum` would call such a value invalid, so the documented values go in
                // `x-extensible-enum` (the convention for open enums) with their names and
                // documentation beside them.
                let mut o = Obj::new().with("type", if *integer { "integer" } else { "string" });
                let listed = "Open enum: the documented values are listed in \
                              `x-extensible-enum`; others may appear and are kept.";
                let docs = if t.docs.trim().is_empty() {
                    listed.to_owned()
                } else {
                    format!("{}\n\n{listed}", t.docs.trim())
                };
                o.set("description", docs);
                let literal = |v: &EnumLiteral| -> Json {
                    match v {
                        EnumLiteral::Int(i) => (*i).into(),
                        EnumLiteral::Str(s) => s.as_str().into(),
                    }
                };
                o.set(
                    "x-extensible-enum",
                    Json::Arr(values.iter().map(|v| literal(&v.value)).collect()),
                );
                o.set("x-enum-varnames", strings(values.iter().map(|v| &v.rust)));
                o.set(
                    "x-enum-descriptions",
                    strings(values.iter().map(|v| v.docs.trim())),
                );
                o
            }
            TypeBody::Union { variants } => {
                let list = variants
                    .iter()
                    .map(|v| {
                        let mut extra = Obj::new().with("title", v.rust.as_str());
                        extra.text("description", &v.docs);
                        self.annotate(self.schema(&v.ty), extra)
                    })
                    .collect();
                let mut o = Obj::new().with("oneOf", Json::Arr(list));
                o.text("description", &t.docs);
                o.set(
                    &x("untagged"),
                    "variants are tried in the order listed; the first that decodes wins",
                );
                o
            }
        };
        if t.spec_name != t.rust {
            o.set(&x("spec-name"), t.spec_name.as_str());
        }
        o.set(&x("cite"), cite(&t.cite));
        o.into()
    }
}

fn cite(c: &Cite) -> Json {
    let mut o = Obj::new().with("file", c.file.as_str());
    o.text("section", &c.section);
    if c.secondary {
        o.set("secondary", true);
    }
    o.into()
}

/// Documented bodies as a media type's `examples`; a body that is not JSON is kept as text.
fn examples(list: &[Example]) -> Option<Json> {
    if list.is_empty() {
        return None;
    }
    let mut out = Obj::new();
    for e in list {
        let value = match serde_json::from_str::<serde_json::Value>(&e.body) {
            Ok(v) => Json::from(&v),
            Err(_) => Json::Str(e.body.clone()),
        };
        let mut ex = Obj::new().with("value", value);
        if let Some(fixed) = &e.fixed {
            ex.text(
                "description",
                &format!("Fixed from the document: {}", fixed.trim()),
            );
        }
        out.set(&e.name, ex);
    }
    Some(out.into())
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::GET => "get",
        Method::PUT => "put",
        Method::POST => "post",
        Method::DELETE => "delete",
        Method::PATCH => "patch",
    }
}

/// The order OpenAPI lists a path item's operations in.
fn method_rank(m: Method) -> u8 {
    match m {
        Method::GET => 0,
        Method::PUT => 1,
        Method::POST => 2,
        Method::DELETE => 3,
        Method::PATCH => 4,
    }
}

fn style_name(s: ArrayStyle) -> &'static str {
    match s {
        ArrayStyle::Repeat => "repeat",
        ArrayStyle::Brackets => "brackets",
        ArrayStyle::Comma => "comma",
        ArrayStyle::BracketsUnlessSingle => "brackets_unless_single",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_and_objects_keep_their_order() {
        let mut o = Obj::new();
        o.set("b", "q\"\\\n\u{1}é").set("a", Json::Arr(vec![]));
        o.set("b", "again");
        assert_eq!(
            Json::from(o).pretty(),
            "{\n  \"b\": \"again\",\n  \"a\": []\n}"
        );
        let mut s = String::new();
        quote_into(&mut s, "q\"\\\n\u{1}é");
        assert_eq!(s, "\"q\\\"\\\\\\n\\u0001é\"");
        let back: String = serde_json::from_str(&s).unwrap();
        assert_eq!(back, "q\"\\\n\u{1}é");
    }
}

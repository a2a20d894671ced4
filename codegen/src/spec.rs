//! The spec language: what a `specs/*.yaml` file may say, as serde types.
//!
//! These types mirror the YAML one to one and carry no resolved names; `lower` turns them into
//! the intermediate model. Every struct denies unknown keys, so a typo is an error and not a
//! silently ignored line. `specs/README.md` documents each key for reviewers; keep the two in
//! step.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One API, as transcribed from its vendor's documents.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Module and cargo feature name, in snake_case.
    pub api: String,
    /// Human name of the API.
    pub title: String,
    /// Module documentation.
    #[serde(default)]
    pub docs: Option<String>,
    /// The documents this spec is transcribed from, by the key that citations use.
    pub sources: IndexMap<String, Source>,
    /// Where the API-level facts (base URL, auth) come from.
    pub cite: Citation,
    /// Base URL; `{name}` placeholders name client parameters with `in: base_url`.
    pub base_url: String,
    /// Values set once on the client and used by every call (a calendar key, a domain).
    #[serde(default)]
    pub client_params: IndexMap<String, ClientParam>,
    /// How requests are authenticated.
    #[serde(default)]
    pub auth: IndexMap<String, AuthScheme>,
    /// Parameters every operation accepts, settable per client and per call.
    #[serde(default)]
    pub global_params: IndexMap<String, Param>,
    /// The error body the API returns with a failure status.
    #[serde(default)]
    pub errors: Option<ErrorSpec>,
    /// Client-side rate limit the API documents.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// Retry policy.
    #[serde(default)]
    pub retry: Option<Retry>,
    /// Decisions a reviewer should read: contradictions between documents and how they are settled.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Named types.
    #[serde(default)]
    pub types: IndexMap<String, TypeDef>,
    /// Operations, by id. Required (at least one, counting the parts of a spec folder).
    #[serde(default)]
    pub operations: IndexMap<String, Operation>,
}

/// One more file of a spec folder (`specs/<api>/<group>.yaml`, every `*.yaml` but `api.yaml`):
/// types, operations and notes of one resource group. Its items join those of `api.yaml`;
/// an id defined twice, in any two files, is an error.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// Decisions for reviewers, as in [`Spec::notes`].
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Named types, as in [`Spec::types`].
    #[serde(default)]
    pub types: IndexMap<String, TypeDef>,
    /// Operations, as in [`Spec::operations`].
    #[serde(default)]
    pub operations: IndexMap<String, Operation>,
}

/// The top-level keys a [`Part`] may hold.
pub const PART_KEYS: &[&str] = &["notes", "types", "operations"];

/// A document the spec cites.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Path below `shared/sources/`.
    pub file: String,
    /// What the document is.
    pub title: String,
    /// Third-party material rather than the vendor's own documentation.
    #[serde(default)]
    pub secondary: bool,
}

/// Where a fact comes from: a key of `sources` and a section heading in that document.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// Key into `sources`.
    pub doc: String,
    /// Section heading, as the document spells it.
    pub section: String,
}

/// A decision recorded for reviewers.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// Short stable identifier.
    pub id: String,
    /// What the documents say and what the spec decided.
    pub text: String,
    /// Where the contradiction is.
    #[serde(default)]
    pub cite: Vec<Citation>,
}

/// Where a client parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientParamLocation {
    /// Into the base URL placeholder of the same name.
    BaseUrl,
    /// Into every path placeholder of the same name.
    Path,
}

/// A value given once when the client is built.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientParam {
    /// Where the value goes.
    #[serde(rename = "in")]
    pub location: ClientParamLocation,
    /// Documentation.
    pub docs: String,
    /// Decision a reviewer should read.
    #[serde(default)]
    pub note: Option<String>,
    /// Where the spec takes this from.
    pub cite: Citation,
    /// Override of the derived Rust name.
    #[serde(default)]
    pub rust_name: Option<String>,
}

/// An authentication scheme.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthScheme {
    /// How the credential travels.
    pub kind: AuthKind,
    /// `header`: the header name.
    #[serde(default)]
    pub header: Option<String>,
    /// `form_fields`: the field names, each filled from its own secret.
    #[serde(default)]
    pub fields: Vec<String>,
    /// `oauth2`: where the user authorizes the integration.
    #[serde(default)]
    pub authorize_url: Option<String>,
    /// `oauth2`: where codes and refresh tokens are exchanged.
    #[serde(default)]
    pub token_url: Option<String>,
    /// Whether every client must supply it. Optional schemes are set when needed.
    #[serde(default = "yes")]
    pub required: bool,
    /// Documentation.
    pub docs: String,
    /// Decision a reviewer should read.
    #[serde(default)]
    pub note: Option<String>,
    /// Where the spec takes this from.
    pub cite: Citation,
    /// Override of the derived Rust name.
    #[serde(default)]
    pub rust_name: Option<String>,
}

fn yes() -> bool {
    true
}

/// The ways a credential is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// A secret in the request header named by `header`.
    Header,
    /// `Authorization: Bearer <secret>`.
    Bearer,
    /// Secrets added as form fields (named by `fields`) to every request body, like Teamleader
    /// v1's `api_group`/`api_secret`.
    FormFields,
    /// OAuth2 authorization-code flow with refresh tokens (`authorize_url`, `token_url`).
    Oauth2,
}

/// Where an operation parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// A `{placeholder}` in the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// How an array parameter is written in a query string or form body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArrayStyle {
    /// `name=a&name=b`.
    #[default]
    Repeat,
    /// PHP style: `name[]=a&name[]=b`.
    Brackets,
    /// `name=a,b`.
    Comma,
    /// A single value as a plain parameter, `name=a`; several PHP style, `name[]=a&name[]=b`
    /// (Teamup's `format`, a string that takes the `format[]=` syntax for both values).
    BracketsUnlessSingle,
}

/// An operation parameter.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// Where the parameter goes.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// Type expression (see `specs/README.md`).
    #[serde(rename = "type")]
    pub ty: String,
    /// Must be given on every call. Path parameters are always required.
    #[serde(default)]
    pub required: bool,
    /// How arrays are written.
    #[serde(default)]
    pub style: ArrayStyle,
    /// The server's default when the parameter is left out (documentation only).
    #[serde(default)]
    pub default: Option<String>,
    /// Documentation.
    pub docs: String,
    /// Decision a reviewer should read.
    #[serde(default)]
    pub note: Option<String>,
    /// Override of the derived Rust name.
    #[serde(default)]
    pub rust_name: Option<String>,
}

/// The error body of an API.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The type the body decodes into.
    #[serde(rename = "type")]
    pub ty: String,
    /// Dotted path to the string enum field that identifies the error, if the API has one.
    #[serde(default)]
    pub code: Option<String>,
    /// Where the spec takes this from.
    pub cite: Citation,
    /// Documented error bodies, each of which must decode.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Success (2xx) statuses that mean the call did not complete (Teamfluence's 202): they
    /// decode through the error body, so they never look like success to the caller.
    #[serde(default)]
    pub failure_statuses: Vec<u16>,
}

/// A documented rate limit: at most `calls` requests in any `per_seconds` window.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Calls allowed in one window.
    pub calls: u32,
    /// Window length in seconds.
    pub per_seconds: u32,
    /// Where the spec takes this from.
    pub cite: Citation,
    /// The headers in which the server reports its own count on every answer.
    #[serde(default)]
    pub headers: Option<RateLimitHeaders>,
}

/// Rate-limit headers an API sends on its answers: how many calls are left in the server's
/// window and when it frees a slot. The runtime holds calls after `remaining: 0` and waits for
/// `reset` after a 429.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitHeaders {
    /// The header with the calls allowed per window (documentation only).
    #[serde(default)]
    pub limit: Option<String>,
    /// The header with the calls left in the window.
    pub remaining: String,
    /// The header with the moment the window frees a slot.
    pub reset: String,
    /// How `reset` is written.
    pub reset_format: ResetFormat,
    /// Where the spec takes the headers from.
    pub cite: Citation,
}

/// How a rate-limit reset header is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResetFormat {
    /// An ISO 8601 date-time with an offset (`2021-06-15T10:51:23.035+0100`).
    Iso8601,
    /// Seconds from now (`30`, `1.5`).
    Seconds,
    /// A Unix time in seconds (`1623750683`).
    UnixSeconds,
}

/// Retry policy of an API.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// Total attempts, the first included.
    pub max_attempts: u32,
    /// First backoff delay in milliseconds.
    pub initial_backoff_ms: u64,
    /// Largest backoff delay in milliseconds.
    pub max_backoff_ms: u64,
    /// Statuses worth retrying for idempotent operations.
    pub retry_statuses: Vec<u16>,
    /// Statuses that prove the request was not carried out: retried for every operation.
    #[serde(default)]
    pub not_processed_statuses: Vec<u16>,
    /// Why the policy is what it is.
    pub docs: String,
}

/// What kind of type a named type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    /// A JSON object with named fields.
    Object,
    /// A closed set of string or integer values, open to values not yet documented.
    Enum,
    /// One of several shapes, told apart by trying each in order.
    Union,
}

/// A named type.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// What kind of type this is.
    pub kind: TypeKind,
    /// Documentation.
    pub docs: String,
    /// Where the spec takes this from.
    pub cite: Citation,
    /// Decision a reviewer should read.
    #[serde(default)]
    pub note: Option<String>,
    /// Override of the derived Rust name.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// Object: the fields, in wire order.
    #[serde(default)]
    pub fields: IndexMap<String, Field>,
    /// Object: copy the fields of another object type (then drop `omit`).
    #[serde(default)]
    pub from: Option<String>,
    /// Object with `from`: fields of the source type that this type leaves out.
    #[serde(default)]
    pub omit: Vec<String>,
    /// Object: keep fields the spec does not name, so that read-modify-write loses nothing.
    #[serde(default = "yes")]
    pub keep_unknown_fields: bool,
    /// Object sent as a request body: the alternatives of which a request must set at least
    /// one, each a field name or a list of field names that must all be set; a body that sets
    /// none is refused before sending. An empty list or map counts as unset.
    #[serde(default)]
    pub one_of_required: Vec<Alternative>,
    /// Enum: `string` or `integer`.
    #[serde(default, rename = "type")]
    pub repr: Option<String>,
    /// Enum: the documented values.
    #[serde(default)]
    pub values: Vec<EnumValue>,
    /// Union: the variants, tried in this order.
    #[serde(default)]
    pub variants: IndexMap<String, Variant>,
}

/// One alternative of `one_of_required`: a field, or fields that must all be set together.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Alternative {
    /// One field.
    Field(String),
    /// Fields set together.
    Fields(Vec<String>),
}

impl Alternative {
    /// The field names of this alternative.
    pub fn fields(&self) -> &[String] {
        match self {
            Alternative::Field(name) => std::slice::from_ref(name),
            Alternative::Fields(names) => names,
        }
    }
}

/// An object field.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Type expression.
    #[serde(rename = "type")]
    pub ty: String,
    /// Always present in responses and always sent.
    #[serde(default)]
    pub required: bool,
    /// May be JSON `null`. A nullable field is sent as `null` when unset.
    #[serde(default)]
    pub nullable: bool,
    /// A partial update's field: left out when unset, sent as `null` to clear the stored
    /// value. Generated as `clientgen_runtime::Patch<T>`. Only for optional fields that are
    /// not `nullable`, `read_only` or part of a form body.
    #[serde(default)]
    pub clearable: bool,
    /// Returned by the server, never sent.
    #[serde(default)]
    pub read_only: bool,
    /// Sent to the server, never returned.
    #[serde(default)]
    pub write_only: bool,
    /// Deprecation message: what to use instead.
    #[serde(default)]
    pub deprecated: Option<String>,
    /// The server's default (documentation only; the client never fills it in).
    #[serde(default)]
    pub default: Option<String>,
    /// Documentation.
    pub docs: String,
    /// Decision a reviewer should read.
    #[serde(default)]
    pub note: Option<String>,
    /// Override of the derived Rust name.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// Name of this field in a form body, when it differs from the JSON name (Grow CRM returns
    /// `title` but takes `lead_title`). Fields of nested objects are flattened into the form.
    #[serde(default)]
    pub form_name: Option<String>,
}

/// A value of an enum: a string or an integer.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(untagged)]
pub enum EnumLiteral {
    /// An integer value.
    Int(i64),
    /// A string value.
    Str(String),
}

/// One documented enum value.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The value on the wire.
    pub value: EnumLiteral,
    /// What it means.
    pub docs: String,
    /// Override of the derived Rust name.
    #[serde(default)]
    pub rust_name: Option<String>,
}

/// One variant of a union.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Type expression.
    #[serde(rename = "type")]
    pub ty: String,
    /// Documentation.
    pub docs: String,
}

/// HTTP methods the spec language knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Method {
    /// GET
    GET,
    /// POST
    POST,
    /// PUT
    PUT,
    /// PATCH
    PATCH,
    /// DELETE
    DELETE,
}

/// An operation.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// One line: what the operation does.
    pub summary: String,
    /// More documentation.
    #[serde(default)]
    pub docs: Option<String>,
    /// Where the spec takes this from.
    pub cite: Citation,
    /// Decision a reviewer should read.
    #[serde(default)]
    pub note: Option<String>,
    /// Override of the derived Rust name.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// HTTP method.
    pub method: Method,
    /// Path template below the base URL, with `{placeholders}`.
    pub path: String,
    /// Path, query and header parameters, by wire name.
    #[serde(default)]
    pub params: IndexMap<String, Param>,
    /// Request body.
    #[serde(default)]
    pub body: Option<Body>,
    /// Responses by status.
    pub responses: IndexMap<u16, Response>,
    /// Retry even though the method is not idempotent (or never, with `false`).
    #[serde(default)]
    pub idempotent: Option<bool>,
    /// How the operation pages through a collection; gives the builder a lazy `stream()`.
    #[serde(default)]
    pub pagination: Option<Pagination>,
}

/// Page-numbered pagination: the client asks for page `first_page`, then the next, until the
/// last page is reached.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// The query parameter that carries the page number (an integer parameter of the operation).
    pub page_param: String,
    /// Number of the first page (1, or 0 for APIs that count from zero).
    #[serde(default = "one")]
    pub first_page: i64,
    /// Dotted path, in the decoded response, to the array of items (`data`); empty when the
    /// response is the array itself.
    #[serde(default)]
    pub items: String,
    /// Dotted path to the number of the last page (`meta.last_page`), if the response has one.
    #[serde(default)]
    pub last_page: Option<String>,
    /// The query parameter that sets the page size, if any: a page shorter than the size asked
    /// for is the last one.
    #[serde(default)]
    pub size_param: Option<String>,
}

fn one() -> i64 {
    1
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BodyEncoding {
    /// `application/json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
}

/// A request body.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// Type expression; an object type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Encoding.
    pub encoding: BodyEncoding,
    /// How arrays are written in a form body.
    #[serde(default)]
    pub style: ArrayStyle,
    /// Documentation.
    #[serde(default)]
    pub docs: Option<String>,
    /// Documented request bodies, each of which must decode into `ty`.
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// How a response body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseEncoding {
    /// JSON, decoded into `type`.
    #[default]
    Json,
    /// Plain text, parsed into `type` (a string or an integer).
    Text,
}

/// A documented response.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Type expression of the (unwrapped) body; absent when there is no body.
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    /// Object key the payload is wrapped in (`{"event": {...}}`); the other keys stay reachable.
    #[serde(default)]
    pub envelope: Option<String>,
    /// How the body is read.
    #[serde(default)]
    pub encoding: ResponseEncoding,
    /// Documented response headers.
    #[serde(default)]
    pub headers: Vec<String>,
    /// Documentation.
    #[serde(default)]
    pub docs: Option<String>,
    /// Documented bodies, each of which must decode.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Which bodies of this success status report a failure (Teamleader v1's "success or
    /// failure" answers): such a body is returned as an error, never as the value.
    #[serde(default)]
    pub failure_if: Option<FailureIf>,
}

/// A test on a success body that says the call failed.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FailureIf {
    /// A JSON object holding this key (with any value) reports a failure.
    pub key: String,
}

/// A documented example body.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Short name, unique within its list.
    pub name: String,
    /// The body, as the document shows it (after any fix named in `fixed`).
    pub body: String,
    /// What was changed from the document to make the example valid, if anything.
    #[serde(default)]
    pub fixed: Option<String>,
}

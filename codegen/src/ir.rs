//! The intermediate model: one API with every name resolved and every reference checked.
//!
//! `lower` builds it from a validated spec, pass by pass; the emitters read only this, never
//! the YAML. Lists that have no meaningful order of their own (types, operations) are sorted,
//! so the output does not depend on how the spec happens to be ordered; lists whose order is
//! meaningful (fields on the wire, variants tried in turn) keep the spec's order.
//!
//! Types live in one table, [`Api::types`], sorted by Rust name, and are referred to by
//! [`TypeId`], their place in it (as in typify's `TypeSpace`): a reference cannot name a type
//! that is not there, and following one is an index, not a search. What is derived from the
//! types (whether a field can hold an unknown value, whether a type is written as a form, a
//! form's flattened fields, whether a type holds a read-only field) is computed once, by
//! `facts`, and stored here; what is read across types (the field at a path, the wire names of
//! a path) is a query on [`TypeSpace`]. Emitters ask; they do not walk the table themselves.

pub use crate::spec::{
    ArrayStyle, BodyEncoding, ClientParamLocation, EnumLiteral, Method, ParamLocation, ResetFormat,
};

/// A named type of one API: its index in [`Api::types`], which is sorted by Rust name.
///
/// Ids are assigned once the names are resolved and sorted, so the table's order (and with it
/// the output's) follows from the names alone. An id means something only in the API whose
/// lowering made it: compare types of two APIs (as `diff` does) by name, never by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(usize);

impl TypeId {
    /// The id of the type at `index` of [`Api::types`]. Only lowering (and the crate's own
    /// tests) make ids, so every id indexes the table of the API it came from.
    pub(crate) fn new(index: usize) -> Self {
        TypeId(index)
    }

    /// The index in [`Api::types`].
    pub fn index(self) -> usize {
        self.0
    }
}

/// A resolved type: what a field, parameter or body holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `String`
    String,
    /// `i64`
    Integer,
    /// `f64`
    Number,
    /// `bool`
    Boolean,
    /// `chrono::NaiveDate`
    Date,
    /// The runtime's `DateTime`.
    DateTime,
    /// The runtime's `UnixTime`.
    UnixTime,
    /// The runtime's `Decimal`.
    Decimal,
    /// The runtime's `DecimalNumber`.
    DecimalNumber,
    /// `serde_json::Value`
    Json,
    /// The runtime's `transfer::TemporaryUrl`.
    TemporaryUrl,
    /// `Vec<T>`
    Array(Box<Ty>),
    /// `BTreeMap<String, T>`
    Map(Box<Ty>),
    /// A type of this API, by its id.
    Named(TypeId),
}

impl Ty {
    /// Whether the type is a list (which changes how parameters are written).
    pub fn is_array(&self) -> bool {
        matches!(self, Ty::Array(_))
    }
}

/// A citation, resolved to the document's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cite {
    /// File below `shared/sources/`.
    pub file: String,
    /// Section heading.
    pub section: String,
    /// Whether the document is third-party material.
    pub secondary: bool,
}

/// One API.
#[derive(Debug, Clone)]
pub struct Api {
    /// Module and feature name.
    pub module: String,
    /// The spec it comes from, as preambles name it: a file, or a folder with a trailing `/`.
    pub source: String,
    /// Human name.
    pub title: String,
    /// Module documentation.
    pub docs: String,
    /// Where the API-level facts come from.
    pub cite: Cite,
    /// The documents, in spec order.
    pub sources: Vec<Cite>,
    /// Decisions recorded in the spec.
    pub notes: Vec<(String, String)>,
    /// Base URL template.
    pub base_url: String,
    /// Values given once to the client.
    pub client_params: Vec<ClientParam>,
    /// Authentication schemes.
    pub auth: Vec<Auth>,
    /// Parameters every operation accepts.
    pub global_params: Vec<Param>,
    /// The error body.
    pub error: Option<ErrorModel>,
    /// At most `.0` calls in any `.1` seconds.
    pub rate_limit: Option<(u32, u32)>,
    /// The server's rate-limit headers, when the spec declares them.
    pub rate_limit_headers: Option<RateLimitHeadersModel>,
    /// Retry policy.
    pub retry: Option<RetryModel>,
    /// Types, sorted by Rust name.
    pub types: Vec<TypeModel>,
    /// Operations, sorted by Rust method name.
    pub operations: Vec<Operation>,
}

impl Api {
    /// The type table, for queries that follow types through one another.
    pub fn space(&self) -> TypeSpace<'_> {
        TypeSpace::new(&self.types)
    }

    /// The type with this id.
    pub fn ty(&self, id: TypeId) -> &TypeModel {
        self.space().get(id)
    }

    /// The Rust name of the type with this id.
    pub fn type_name(&self, id: TypeId) -> &str {
        &self.ty(id).rust
    }
}

/// The types of one API, indexed by [`TypeId`], with the queries that look from one type into
/// another. Lowering asks them of the table it is building; emitters ask them through
/// [`Api::space`]. Nothing else searches the type list.
#[derive(Debug, Clone, Copy)]
pub struct TypeSpace<'a>(&'a [TypeModel]);

impl<'a> TypeSpace<'a> {
    /// Queries on `types`, whose positions are their ids.
    pub fn new(types: &'a [TypeModel]) -> Self {
        TypeSpace(types)
    }

    /// The type with this id. Ids come from the lowering that built the table, so every id
    /// indexes it.
    pub fn get(self, id: TypeId) -> &'a TypeModel {
        &self.0[id.0]
    }

    /// Every type with its id, in table (Rust name) order.
    pub fn iter(self) -> impl Iterator<Item = (TypeId, &'a TypeModel)> {
        self.0.iter().enumerate().map(|(i, t)| (TypeId(i), t))
    }

    /// The fields of `ty` when it is a named object type.
    pub fn fields(self, ty: &Ty) -> Option<&'a [FieldModel]> {
        match ty {
            Ty::Named(id) => self.get(*id).fields(),
            _ => None,
        }
    }

    /// The field with Rust name `rust` of object type `ty`.
    pub fn field(self, ty: &Ty, rust: &str) -> Option<&'a FieldModel> {
        self.fields(ty)?.iter().find(|f| f.rust == rust)
    }

    /// The field a flattened form field stands for.
    pub fn form_field(self, f: &FormField) -> Option<&'a FieldModel> {
        self.get(f.owner).fields()?.get(f.index)
    }

    /// The field with wire name `wire` of object type `ty`.
    pub fn field_by_wire(self, ty: &Ty, wire: &str) -> Option<&'a FieldModel> {
        self.fields(ty)?.iter().find(|f| f.wire == wire)
    }

    /// Whether `ty` is a named object type.
    pub fn is_object(self, ty: &Ty) -> bool {
        matches!(ty, Ty::Named(id) if self.get(*id).is_object())
    }

    /// Whether `ty` is a named enum type.
    pub fn is_enum(self, ty: &Ty) -> bool {
        matches!(ty, Ty::Named(id) if self.get(*id).is_enum())
    }

    /// The wire names along `steps` (Rust field names) from `start`; a step that is not a
    /// field of the value it starts from is given as written.
    pub fn wire_path(self, start: &Ty, steps: &[Step]) -> Vec<String> {
        let mut ty = Some(start);
        let mut out = Vec::new();
        for step in steps {
            match ty.and_then(|t| self.field(t, &step.field)) {
                Some(f) => {
                    out.push(f.wire.clone());
                    ty = Some(&f.ty);
                }
                None => {
                    out.push(step.field.clone());
                    ty = None;
                }
            }
        }
        out
    }
}

/// A value given once to the client.
#[derive(Debug, Clone)]
pub struct ClientParam {
    /// Placeholder name.
    pub wire: String,
    /// Rust name of the builder argument and field.
    pub rust: String,
    /// Where it goes.
    pub location: ClientParamLocation,
    /// Documentation.
    pub docs: String,
}

/// How a credential travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// A named header.
    Header(String),
    /// `Authorization: Bearer`.
    Bearer,
    /// Form fields added to every body.
    FormFields(Vec<String>),
    /// OAuth2 authorization code flow.
    Oauth2 {
        /// Authorization endpoint.
        authorize_url: String,
        /// Token endpoint.
        token_url: String,
    },
}

/// An authentication scheme.
#[derive(Debug, Clone)]
pub struct Auth {
    /// Rust name of the builder argument or setter.
    pub rust: String,
    /// How it travels.
    pub kind: AuthKind,
    /// Whether the client needs it.
    pub required: bool,
    /// Documentation.
    pub docs: String,
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name on the wire.
    pub wire: String,
    /// Rust name.
    pub rust: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: Ty,
    /// Whether every call must give it.
    pub required: bool,
    /// How arrays are written.
    pub style: ArrayStyle,
    /// Documentation, with the server default and any note folded in.
    pub docs: String,
}

/// The error body and how to read its code.
#[derive(Debug, Clone)]
pub struct ErrorModel {
    /// The body type.
    pub ty: Ty,
    /// Rust field names from the body to the code, when the API has codes.
    pub code_path: Vec<Step>,
    /// The code's enum type.
    pub code_ty: Option<TypeId>,
    /// Documented bodies.
    pub examples: Vec<Example>,
    /// 2xx statuses that mean the call did not complete.
    pub failure_statuses: Vec<u16>,
}

/// The rate-limit headers of an API, names lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitHeadersModel {
    /// Calls allowed per window (documentation only).
    pub limit: Option<String>,
    /// Calls left in the window.
    pub remaining: String,
    /// When the window frees a slot.
    pub reset: String,
    /// How `reset` is written.
    pub reset_format: ResetFormat,
    /// Where the spec takes the headers from.
    pub cite: Cite,
}

impl ResetFormat {
    /// The spec's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ResetFormat::Iso8601 => "iso8601",
            ResetFormat::Seconds => "seconds",
            ResetFormat::UnixSeconds => "unix_seconds",
        }
    }
}

/// Retry policy.
#[derive(Debug, Clone)]
pub struct RetryModel {
    /// Attempts, the first included.
    pub max_attempts: u32,
    /// First delay.
    pub initial_backoff_ms: u64,
    /// Largest delay.
    pub max_backoff_ms: u64,
    /// Statuses retried for idempotent operations.
    pub retry_statuses: Vec<u16>,
    /// Statuses retried for every operation.
    pub not_processed_statuses: Vec<u16>,
    /// Why the policy is what it is.
    pub docs: String,
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeModel {
    /// Name in the spec.
    pub spec_name: String,
    /// Rust name.
    pub rust: String,
    /// Documentation.
    pub docs: String,
    /// Source.
    pub cite: Cite,
    /// What it is.
    pub body: TypeBody,
    /// Written as a form body, or nested in one (derived by `facts`).
    pub form: bool,
    /// A value holds a read-only field (not a clearable one), itself or in a type it holds:
    /// its `Serialize`, made for requests, leaves something out that a response carries
    /// (derived by `facts`).
    pub holds_read_only: bool,
}

impl TypeModel {
    /// The fields, when the type is an object.
    pub fn fields(&self) -> Option<&[FieldModel]> {
        match &self.body {
            TypeBody::Object { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// Whether the type is an object.
    pub fn is_object(&self) -> bool {
        matches!(self.body, TypeBody::Object { .. })
    }

    /// Whether the type is an enum.
    pub fn is_enum(&self) -> bool {
        matches!(self.body, TypeBody::Enum { .. })
    }

    /// Whether the type is an object with a required field, which the caller must give: such
    /// a type has no `Default` and cannot be created empty.
    pub fn has_required_fields(&self) -> bool {
        self.fields().is_some_and(|f| f.iter().any(|f| f.required))
    }
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeBody {
    /// A struct.
    Object {
        /// Fields in wire order.
        fields: Vec<FieldModel>,
        /// Whether unknown fields are kept in `extra`.
        keep_unknown: bool,
    },
    /// An open enum.
    Enum {
        /// Whether values are integers rather than strings.
        integer: bool,
        /// Documented values.
        values: Vec<EnumValue>,
    },
    /// An untagged union.
    Union {
        /// Variants in the order they are tried.
        variants: Vec<Variant>,
    },
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct FieldModel {
    /// Wire name.
    pub wire: String,
    /// Rust name.
    pub rust: String,
    /// Type of the value (without `Option`).
    pub ty: Ty,
    /// Present in every response and always sent.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// Three states (`Patch<T>`): left out when unset, `null` to clear.
    pub clearable: bool,
    /// Held in a `Box`: the type contains itself through this field.
    pub boxed: bool,
    /// Never sent.
    pub read_only: bool,
    /// Never returned.
    pub write_only: bool,
    /// Deprecation note.
    pub deprecated: Option<String>,
    /// Name in a form body, when it differs from `wire`.
    pub form_name: Option<String>,
    /// Documentation, with default and note folded in.
    pub docs: String,
    /// The value can hold something the spec does not describe, so `UnknownFields` searches
    /// it (derived by `facts`).
    pub walk: bool,
    /// The value is an object of this API, so a form writes its fields in place (derived by
    /// `facts`).
    pub object: bool,
}

impl FieldModel {
    /// Whether the Rust field is an `Option`: it may be absent, or `null`.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// An enum value.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// Wire value.
    pub value: EnumLiteral,
    /// Variant name.
    pub rust: String,
    /// Documentation.
    pub docs: String,
}

/// A union variant.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Variant name.
    pub rust: String,
    /// Payload type.
    pub ty: Ty,
    /// Documentation.
    pub docs: String,
    /// Held in a `Box`: the union contains itself through this variant.
    pub boxed: bool,
}

/// A part of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as written.
    Literal(String),
    /// A value from the client, by Rust field name.
    Client(String),
    /// A value from the operation's parameters, by Rust name.
    Param(String),
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Type of the body.
    pub ty: Ty,
    /// Encoding.
    pub encoding: BodyEncoding,
    /// How arrays are written in a form.
    pub style: ArrayStyle,
    /// Documentation.
    pub docs: String,
    /// Documented bodies.
    pub examples: Vec<Example>,
    /// The body type's `one_of_required`: a body that sets no alternative completely is
    /// refused before sending. Empty when the type has none.
    pub one_of_required: Vec<Vec<SetField>>,
    /// A form body's fields as they go over the wire, nested objects flattened in place, in
    /// the order they are written (derived by `facts`; lowering refuses a form whose names are
    /// not unique). Empty for a JSON body.
    pub form_fields: Vec<FormField>,
}

/// One field of a form body once nested objects are flattened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    /// Name in the form (the field's `form_name`, or else its wire name).
    pub name: String,
    /// Wire names from the body down to the field, nested objects first.
    pub json_path: Vec<String>,
    /// The object type that declares the field.
    pub owner: TypeId,
    /// The field's index in its owner's fields.
    pub index: usize,
    /// Every form carries it: the field is required, and so is every object around it.
    pub required: bool,
}

/// A field of a `one_of_required` alternative, and how to tell that it is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetField {
    /// Wire name.
    pub wire: String,
    /// Rust field name.
    pub rust: String,
    /// Whether the field is an `Option` (set when `Some`).
    pub optional: bool,
    /// Whether the value is a list or a map (set only when not empty).
    pub collection: bool,
}

/// How a response body becomes a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decode {
    /// No body: `()`.
    Empty,
    /// JSON, optionally unwrapped from an envelope key.
    Json {
        /// The value's type.
        ty: Ty,
        /// The envelope key.
        envelope: Option<String>,
    },
    /// Plain text parsed into the type.
    Text(Ty),
}

/// A documented response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status.
    pub status: u16,
    /// How the body is read.
    pub decode: Decode,
    /// Documented headers.
    pub headers: Vec<String>,
    /// Documentation.
    pub docs: String,
    /// Documented bodies.
    pub examples: Vec<Example>,
    /// A body that is a JSON object holding this key reports a failure: it is an error.
    pub failure_key: Option<String>,
}

/// A documented example.
#[derive(Debug, Clone)]
pub struct Example {
    /// Name.
    pub name: String,
    /// Name of the generated test that decodes it, unique in the API's `examples` module.
    pub test_name: String,
    /// Body text.
    pub body: String,
    /// What was fixed from the document.
    pub fixed: Option<String>,
}

/// An operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Id in the spec.
    pub id: String,
    /// Client method name.
    pub method_name: String,
    /// Builder struct name.
    pub builder: String,
    /// One-line summary.
    pub summary: String,
    /// Documentation.
    pub docs: String,
    /// Source.
    pub cite: Cite,
    /// HTTP method.
    pub method: Method,
    /// Path template as written in the spec.
    pub path_template: String,
    /// Path template, split.
    pub path: Vec<PathPart>,
    /// Parameters in spec order (path, query, header).
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// Successful responses (2xx) in status order; the first decides the output type.
    pub success: Vec<Response>,
    /// Whether a retry is safe.
    pub idempotent: bool,
    /// How the operation pages, if it does.
    pub pagination: Option<Pagination>,
}

/// One step of a path into a decoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Rust field name.
    pub field: String,
    /// Whether the field is an `Option`.
    pub optional: bool,
}

/// Where a page number or page size travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageField {
    /// An optional query parameter, by its Rust name.
    Query(String),
    /// A field of the request body, by its path from the body.
    Body(Vec<Step>),
}

/// Page-numbered pagination, resolved.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Where the page number goes.
    pub page_param: PageField,
    /// First page number.
    pub first_page: i64,
    /// Path from the response value to the items.
    pub items: Vec<Step>,
    /// Type of one item.
    pub item_ty: Ty,
    /// Path to the last page number.
    pub last_page: Option<Vec<Step>>,
    /// Where the page size is read from.
    pub size_param: Option<PageField>,
}

impl Operation {
    /// The output type: what the first success response decodes into.
    pub fn output(&self) -> &Decode {
        &self.success[0].decode
    }
}

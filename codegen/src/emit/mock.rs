//! An API's `mock.rs` (cargo feature `mock`): a test kit for the user's own tests, a local
//! server that answers as the API would.
//!
//! The module stays a table and one short block per operation: the routing table
//! (method, path template, documented example), one expectation method on `MockServer` and one
//! expectation type (declared by the runtime's `mock_expectation!`) with a typed matcher per
//! scalar path, query and header parameter. The server, the matching, the recording and the
//! verification are `clientgen_runtime::mock`.
//!
//! One thing the runtime cannot do generically: a type's `Serialize` is made for requests and
//! leaves out read-only fields, yet a response carries them. For each type that has read-only
//! fields, or holds such a type, an `impl Wire` writes them back on top of the serde output;
//! every other value is answered as serde writes it.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, error_body, ident, inner_doc, output_type, rust_type};
use crate::ir::{
    Api, AuthKind, BodyEncoding, ClientParamLocation, Decode, Operation, Param, ParamLocation, Ty,
    TypeBody, TypeId,
};

/// Named types whose wire form is not their serde form: objects with a read-only field, and
/// objects and unions that hold such a type (`TypeModel::holds_read_only`).
fn wire_types(api: &Api) -> BTreeSet<TypeId> {
    api.space()
        .iter()
        .filter(|(_, t)| t.holds_read_only)
        .map(|(id, _)| id)
        .collect()
}

fn mentions(ty: &Ty, set: &BTreeSet<TypeId>) -> bool {
    match ty {
        Ty::Named(n) => set.contains(n),
        Ty::Array(inner) | Ty::Map(inner) => mentions(inner, set),
        _ => false,
    }
}

/// `Wire` impls for the types of [`wire_types`].
fn wire_impls(api: &Api, set: &BTreeSet<TypeId>) -> Vec<TokenStream> {
    let encode = |ty: &Ty, value: TokenStream| {
        if mentions(ty, set) {
            quote!(kit::Wire::wire(#value)?)
        } else {
            quote!(kit::serde_wire(#value)?)
        }
    };
    api.space()
        .iter()
        .filter(|(id, _)| set.contains(id))
        .map(|(_, t)| {
            let name = ident(&t.rust);
            let body = match &t.body {
                TypeBody::Object { fields, .. } => {
                    let puts = fields
                        .iter()
                        .filter(|f| !f.clearable && (f.read_only || mentions(&f.ty, set)))
                        .map(|f| {
                            let n = ident(&f.rust);
                            let wire = &f.wire;
                            let optional = f.optional();
                            let value = if optional {
                                let x = encode(&f.ty, quote!(x));
                                let absent = if f.nullable {
                                    quote!(Some(serde_json::Value::Null))
                                } else {
                                    quote!(None)
                                };
                                quote!(match &v.#n { Some(x) => Some(#x), None => #absent })
                            } else {
                                let x = encode(&f.ty, quote!(&v.#n));
                                quote!(Some(#x))
                            };
                            quote!(kit::put(&mut out, #wire, #value);)
                        });
                    quote! {
                        let v = self;
                        let mut out = kit::serde_wire(v)?;
                        #(#puts)*
                        Ok(out)
                    }
                }
                TypeBody::Union { variants } => {
                    let arms = variants.iter().map(|var| {
                        let vn = ident(&var.rust);
                        let x = encode(&var.ty, quote!(x));
                        quote!(Self::#vn(x) => Ok(#x),)
                    });
                    quote!(match self { #(#arms)* })
                }
                TypeBody::Enum { .. } => quote!(kit::serde_wire(self)),
            };
            quote! {
                #[allow(deprecated)]
                impl kit::Wire for super::types::#name {
                    fn wire(&self) -> Result<serde_json::Value, String> {
                        #body
                    }
                }
            }
        })
        .collect()
}

/// Whether `with_<param>` can match `p`: a value with one text form (no list, map or JSON).
fn matchable(api: &Api, p: &Param) -> bool {
    match &p.ty {
        Ty::Array(_) | Ty::Map(_) | Ty::Json | Ty::TemporaryUrl => false,
        Ty::Named(n) => api.ty(*n).is_enum(),
        _ => true,
    }
}

fn param_matcher(api: &Api, p: &Param, setter: &str) -> TokenStream {
    let setter = ident(setter);
    let wire = &p.wire;
    let (kind, place) = match p.location {
        ParamLocation::Path => (quote!(path_param), "path"),
        ParamLocation::Query => (quote!(query_param), "query"),
        ParamLocation::Header => (quote!(header), "header"),
    };
    let docs = doc(&format!(
        "Matches only calls whose {place} parameter `{wire}` is `value`."
    ));
    let (arg, conv) = if p.ty == Ty::String {
        (quote!(impl Into<String>), quote!(value.into()))
    } else {
        let ty = rust_type(api, &p.ty, &quote!(super::types::));
        (ty, quote!(clientgen_runtime::ToParam::to_param(&value)))
    };
    quote! {
        #docs
        pub fn #setter(self, value: #arg) -> Self {
            Self(self.0.#kind(#wire, #conv))
        }
    }
}

/// Methods of `MockServer` (its own and, through `Deref`, the runtime server's) that an
/// operation's expectation method must not take or hide.
const SERVER_METHODS: &[&str] = &[
    "addr",
    "base_url",
    "calls",
    "clear_calls",
    "client",
    "client_builder",
    "deref",
    "expect",
    "oauth_session",
    "start",
    "try_start",
    "unmet",
    "verify",
];

/// The expectation method of each operation, in order: its client method's name, with a `_`
/// appended while that is a [`SERVER_METHODS`] name or taken by another operation.
fn method_names(api: &Api) -> Vec<String> {
    let taken: BTreeSet<&str> = api
        .operations
        .iter()
        .map(|o| o.method_name.as_str())
        .collect();
    let mut used = BTreeSet::new();
    api.operations
        .iter()
        .map(|op| {
            let mut name = op.method_name.clone();
            if SERVER_METHODS.contains(&name.as_str()) {
                name.push('_');
                while taken.contains(name.as_str()) || used.contains(&name) {
                    name.push('_');
                }
            }
            used.insert(name.clone());
            name
        })
        .collect()
}

fn operation(
    api: &Api,
    op: &Operation,
    method: &str,
    set: &BTreeSet<TypeId>,
) -> (TokenStream, TokenStream) {
    let types = quote!(super::types::);
    let method_id = ident(method);
    let name = ident(&op.builder);
    let op_id = &op.method_name;
    let line = format!("`{:?} {}`", op.method, op.path_template);
    let value = output_type(api, op.output(), &types);
    let error = error_body(api, &types);
    let wire = match op.output() {
        Decode::Json { ty, .. } if mentions(ty, set) => {
            quote!(<#value as kit::Wire>::wire)
        }
        _ => quote!(kit::serde_wire::<#value>),
    };
    let method_doc = doc(&format!(
        "Sets what {line} ([`Client::{op_id}`](super::Client::{op_id})) answers; nothing is \
         set until [`{}::respond`], [`{}::fails`] or [`{}::reply`].",
        op.builder, op.builder, op.builder
    ));
    let expect_method = quote! {
        #method_doc
        pub fn #method_id(&self) -> #name<'_> {
            #name(self.0.expect(#op_id, #wire))
        }
    };
    let type_doc = doc(&format!(
        "An expectation of {line} ([`Client::{op_id}`](super::Client::{op_id})), from \
         [`MockServer::{method}`]."
    ));
    let matched: Vec<&Param> = op.params.iter().filter(|p| matchable(api, p)).collect();
    let rusts: Vec<&str> = matched.iter().map(|p| p.rust.as_str()).collect();
    let mut setters: Vec<TokenStream> = matched
        .iter()
        .zip(crate::naming::matcher_names(&rusts))
        .map(|(p, setter)| param_matcher(api, p, &setter))
        .collect();
    if let Some(body) = op
        .body
        .as_ref()
        .filter(|b| b.encoding == BodyEncoding::Json)
    {
        let ty = rust_type(api, &body.ty, &types);
        setters.push(quote! {
            /// Matches only calls whose JSON body decodes and passes `accept`.
            pub fn with_body(
                self,
                accept: impl Fn(&#ty) -> bool + Send + Sync + 'static,
            ) -> Self {
                Self(self.0.json_body(accept))
            }
        });
    }
    let setters = (!setters.is_empty()).then(|| {
        quote! {
            impl #name<'_> {
                #(#setters)*
            }
        }
    });
    let item = quote! {
        clientgen_runtime::mock_expectation! {
            #type_doc
            #name: #value, #error
        }
        #setters
    };
    (expect_method, item)
}

/// The route table entry of `op`, with its documented answer: the first success response with
/// an example, or the first success status alone when it has no body.
fn route(op: &Operation) -> TokenStream {
    let op_id = &op.method_name;
    let method = format!("{:?}", op.method);
    let path = &op.path_template;
    let status = op.success[0].status;
    let encoding = match op.output() {
        Decode::Empty => quote!(kit::Encoding::Empty),
        Decode::Text(_) => quote!(kit::Encoding::Text),
        Decode::Json { envelope, .. } => {
            let envelope = match envelope {
                Some(key) => quote!(Some(#key)),
                None => quote!(None),
            };
            quote!(kit::Encoding::Json { envelope: #envelope })
        }
    };
    let example = op
        .success
        .iter()
        .find_map(|r| {
            let text = matches!(r.decode, Decode::Text(_));
            r.examples.first().map(|e| {
                let body = if text {
                    e.body.clone()
                } else {
                    compact_json(&e.body)
                };
                (r.status, body)
            })
        })
        .or_else(|| (*op.output() == Decode::Empty).then(|| (status, String::new())));
    let example = match example {
        Some((status, body)) => {
            let body = super::examples::raw_literal(&body);
            quote!(Some(kit::Example { status: #status, body: #body }))
        }
        None => quote!(None),
    };
    quote! {
        kit::Route {
            operation: #op_id,
            method: #method,
            path: #path,
            status: #status,
            encoding: #encoding,
            example: #example,
        },
    }
}

/// `text` without the whitespace between JSON tokens (strings are kept as written), so that
/// a documented example takes one line of the route table; the test of each example
/// (`examples.rs`) keeps its layout.
fn compact_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if !c.is_whitespace() {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// What `client_builder()` passes for the builder's arguments and the one credential it sets.
fn client_builder(api: &Api) -> TokenStream {
    let mut args = Vec::new();
    // A base-URL parameter (Grow CRM's domain) is a setter the server's URL makes unnecessary.
    for p in &api.client_params {
        if p.location == ClientParamLocation::Path {
            let value = format!("mock-{}", p.wire);
            args.push(quote!(#value));
        }
    }
    let credential = |kind: &AuthKind, rust: &str| match kind {
        AuthKind::Oauth2 { .. } => {
            let config = super::ident(&crate::naming::config_fn(rust));
            quote!(self.0.oauth_session(super::#config(
                "mock-client-id",
                "mock-client-secret",
                "http://127.0.0.1/callback",
            )))
        }
        AuthKind::FormFields(_) => quote!(std::array::from_fn(|_| "mock-secret")),
        _ => {
            let value = format!("mock-{rust}");
            quote!(#value)
        }
    };
    let mut setters = Vec::new();
    for a in api.auth.iter().filter(|a| a.required) {
        args.push(credential(&a.kind, &a.rust));
    }
    // Schemes that are all optional are alternatives: give the first.
    if !api.auth.is_empty() && api.auth.iter().all(|a| !a.required) {
        let a = &api.auth[0];
        let setter = ident(&a.rust);
        let value = credential(&a.kind, &a.rust);
        setters.push(quote!(.#setter(#value)));
    }
    quote! {
        super::Client::builder(#(#args),*)
            #(#setters)*
            .transport(|t| t.base_url(url).allow_http(true))
    }
}

pub(super) fn module(api: &Api) -> TokenStream {
    let set = wire_types(api);
    let title = &api.title;
    let module = &api.module;
    let header = inner_doc(&format!(
        "A test kit for code that calls the {title} (cargo feature `mock`): a local server on \
         127.0.0.1 that answers every operation with its documented example, or with what an \
         expectation sets.\n\n\
         ```rust,ignore\n\
         let mock = {module}::mock::MockServer::start().await;\n\
         let client = mock.client(); // or `mock.client_builder()`, or `mock.base_url()`\n\
         // mock.<operation>().with_<param>(..).times(1).respond(value) or .fails(status, &body)\n\
         // ... run the code under test with `client` ...\n\
         let calls = mock.calls(); // what crossed the wire\n\
         // dropping `mock` panics if an expectation was not met\n\
         ```\n\n\
         An expectation matches calls of its operation (and, with `with_<param>`, `with_body` \
         or `matching`, only some of them); the first one set that matches answers. A call no \
         expectation matches gets the operation's documented example; an operation without one \
         answers 501 with a body that says so. The machinery is \
         `clientgen_runtime::mock`."
    ));
    let routes = api.operations.iter().map(route);
    let (methods, items): (Vec<_>, Vec<_>) = api
        .operations
        .iter()
        .zip(method_names(api))
        .map(|(op, method)| operation(api, op, &method, &set))
        .unzip();
    let wire = wire_impls(api, &set);
    let builder = client_builder(api);
    let api_name = &api.module;
    let server_doc = doc(&format!(
        "A local {title} server on 127.0.0.1 for tests. Dropping it stops it and panics if an \
         expectation was not met (see `clientgen_runtime::mock::MockServer`, reachable with \
         `Deref`: `calls()`, `unmet()`, `verify()`, `clear_calls()`)."
    ));
    quote! {
        #header
        use clientgen_runtime::mock as kit;

        static ROUTES: &[kit::Route] = &[#(#routes)*];

        #server_doc
        #[derive(Debug)]
        pub struct MockServer(clientgen_runtime::mock::MockServer);

        impl std::ops::Deref for MockServer {
            type Target = clientgen_runtime::mock::MockServer;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl MockServer {
            /// Starts a server on a free port of 127.0.0.1, inside the current tokio runtime.
            ///
            /// # Panics
            ///
            /// When no port can be bound: use [`MockServer::try_start`] to handle that.
            pub async fn start() -> Self {
                match Self::try_start().await {
                    Ok(server) => server,
                    Err(e) => panic!("the {} mock server could not listen on 127.0.0.1: {e}", #api_name),
                }
            }

            /// Starts a server on a free port of 127.0.0.1, inside the current tokio runtime.
            pub async fn try_start() -> std::io::Result<Self> {
                clientgen_runtime::mock::MockServer::start(#api_name, ROUTES).await.map(Self)
            }

            /// A client builder pointed at this server, with placeholder credentials.
            pub fn client_builder(&self) -> super::ClientBuilder {
                let url = self.0.base_url();
                #builder
            }

            /// A client of this server, with placeholder credentials.
            ///
            /// # Panics
            ///
            /// When the client does not build (a generator bug).
            pub fn client(&self) -> super::Client {
                match self.client_builder().build() {
                    Ok(client) => client,
                    Err(e) => panic!("the {} mock client does not build: {e}", #api_name),
                }
            }

            #(#methods)*
        }

        #(#items)*

        #(#wire)*
    }
}

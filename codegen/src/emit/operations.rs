//! An API's `operations.rs`: one client method and one request builder per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, inner_doc, output_type, rust_type, source_line};
use crate::ir::{
    Api, ArrayStyle, BodyEncoding, Decode, Method, Operation, Param, ParamLocation, PathPart, Ty,
};

pub(super) fn module(api: &Api) -> TokenStream {
    let header = inner_doc(&format!(
        "Operations of the {}: a method on [`Client`](super::Client) per operation, \
         returning a builder that is sent with `.send()` or `.await`.",
        api.title
    ));
    let uses_types = api.operations.iter().any(|op| {
        let named = |ty: &Ty| ty_mentions_named(ty);
        op.params
            .iter()
            .chain(&api.global_params)
            .any(|p| named(&p.ty))
            || op.body.as_ref().is_some_and(|b| named(&b.ty))
            || matches!(op.output(), Decode::Json { ty, .. } if named(ty))
    });
    let types_import = if uses_types {
        quote!(
            use super::{types, Client, Error};
        )
    } else {
        quote!(
            use super::{Client, Error};
        )
    };
    let methods = api.operations.iter().map(|op| method(api, op));
    let builders = api.operations.iter().map(|op| builder(api, op));
    quote! {
        #header
        use std::time::Duration;

        use clientgen_runtime::{Call, Method, RawResponse, Request, ResponseValue};

        #types_import

        /// What a call answers: the decoded body with the response's status and headers, or
        /// the error.
        pub type Answer<T> = Result<ResponseValue<T>, Error>;

        impl Client {
            #(#methods)*
        }

        #(#builders)*
    }
}

fn ty_mentions_named(ty: &Ty) -> bool {
    match ty {
        Ty::Named(_) => true,
        Ty::Array(inner) | Ty::Map(inner) => ty_mentions_named(inner),
        _ => false,
    }
}

fn http_method(m: Method) -> TokenStream {
    match m {
        Method::GET => quote!(Method::GET),
        Method::POST => quote!(Method::POST),
        Method::PUT => quote!(Method::PUT),
        Method::PATCH => quote!(Method::PATCH),
        Method::DELETE => quote!(Method::DELETE),
    }
}

fn method_text(m: Method) -> &'static str {
    match m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
    }
}

fn signature_line(op: &Operation) -> String {
    format!("`{} {}`", method_text(op.method), op.path_template)
}

/// Required parameters become method arguments; the rest are setters.
fn is_argument(p: &Param) -> bool {
    p.required || p.location == ParamLocation::Path
}

fn arg_type(api: &Api, ty: &Ty) -> (TokenStream, TokenStream) {
    let types = quote!(types::);
    match ty {
        Ty::String => (quote!(impl Into<String>), quote!(.into())),
        other => (rust_type(api, other, &types), TokenStream::new()),
    }
}

fn method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let builder = ident(&op.builder);
    let mut text = format!("{}\n\n{}", op.summary.trim(), signature_line(op));
    if !op.docs.is_empty() {
        text.push_str(&format!("\n\n{}", op.docs));
    }
    text.push_str(&format!("\n\n{}", source_line(&op.cite)));
    let docs = doc(&text);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in &op.params {
        let n = ident(&p.rust);
        if is_argument(p) {
            let (ty, conv) = arg_type(api, &p.ty);
            args.push(quote!(#n: #ty));
            inits.push(if conv.is_empty() {
                quote!(#n,)
            } else {
                quote!(#n: #n #conv,)
            });
        } else {
            inits.push(quote!(#n: None,));
        }
    }
    if let Some(body) = &op.body {
        let ty = rust_type(api, &body.ty, &quote!(types::));
        args.push(quote!(body: &'a #ty));
        inits.push(quote!(body,));
    }
    for g in &api.global_params {
        let n = ident(&g.rust);
        inits.push(quote!(#n: None,));
    }
    let lifetime = op.body.as_ref().map(|_| quote!(<'a>));
    let self_ref = if op.body.is_some() {
        quote!(&'a self)
    } else {
        quote!(&self)
    };
    let ret_lt = if op.body.is_some() {
        quote!(<'a>)
    } else {
        quote!(<'_>)
    };
    quote! {
        #docs
        pub fn #name #lifetime(#self_ref, #(#args),*) -> #builder #ret_lt {
            #builder {
                client: self,
                #(#inits)*
                timeout: None,
                max_body: None,
            }
        }
    }
}

fn builder(api: &Api, op: &Operation) -> TokenStream {
    let types = quote!(types::);
    let name = ident(&op.builder);
    let method_name = &op.method_name;
    let bdoc = doc(&format!(
        "Request builder for [`Client::{method_name}`]: {}.",
        signature_line(op)
    ));
    let all_params: Vec<&Param> = op.params.iter().chain(&api.global_params).collect();
    let fields = all_params.iter().map(|p| {
        let n = ident(&p.rust);
        let ty = rust_type(api, &p.ty, &types);
        if is_argument(p) && !api.global_params.iter().any(|g| g.rust == p.rust) {
            quote!(#n: #ty,)
        } else {
            quote!(#n: Option<#ty>,)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let ty = rust_type(api, &b.ty, &types);
        quote!(body: &'a #ty,)
    });
    let setters = all_params
        .iter()
        .filter(|p| !is_argument(p) || api.global_params.iter().any(|g| g.rust == p.rust))
        .map(|p| {
            let n = ident(&p.rust);
            let is_global = api.global_params.iter().any(|g| g.rust == p.rust);
            // The parameter is documented once, on the client builder.
            let text = if is_global {
                format!(
                    "Overrides the client's [`{}`](super::ClientBuilder::{}) for this call.",
                    p.wire, p.rust
                )
            } else {
                p.docs.clone()
            };
            let sdoc = doc(&text);
            let (ty, conv) = arg_type(api, &p.ty);
            quote! {
                #sdoc
                pub fn #n(mut self, value: #ty) -> Self {
                    self.#n = Some(value #conv);
                    self
                }
            }
        });

    let op_id = &op.id;
    let template = &op.path_template;
    let http = http_method(op.method);
    let idempotent = op.idempotent;
    let path = op.path.iter().map(|part| match part {
        PathPart::Literal(text) => quote!(req.path(#text);),
        PathPart::Client(field) => {
            let f = ident(field);
            let wire = client_wire(api, field);
            quote!(req.path_param(#wire, &self.client.#f);)
        }
        PathPart::Param(field) => {
            let f = ident(field);
            let wire = op
                .params
                .iter()
                .find(|p| &p.rust == field)
                .map_or("", |p| p.wire.as_str());
            quote!(req.path_param(#wire, &self.#f);)
        }
    });
    let params = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(|p| param_push(p, false));
    let globals = api.global_params.iter().map(|p| param_push(p, true));
    let body = op.body.as_ref().map(|b| match b.encoding {
        BodyEncoding::Json => quote!(req.json_body(self.body);),
        BodyEncoding::Form => {
            let style = style_tokens(b.style);
            quote! {
                let mut form = clientgen_runtime::Pairs::default();
                match self.body.write_form(&mut form, #style) {
                    Ok(()) => req.form_body(form),
                    Err(reason) => req.refuse(reason),
                }
            }
        }
    });
    let one_of = op.body.as_ref().and_then(one_of_required);
    let output = output_type(api, op.output(), &types);
    let decode = match op.output() {
        Decode::Empty => quote!(resp.empty()),
        Decode::Json {
            envelope: Some(key),
            ..
        } => quote!(resp.json(Some(#key))),
        Decode::Json { envelope: None, .. } => quote!(resp.json(None)),
        Decode::Text(_) => quote!(resp.text()),
    };
    let (lt_decl, lt_use) = (quote!(<'a>), quote!(<'a>));
    let failures: Vec<_> = api
        .error
        .iter()
        .flat_map(|e| &e.failure_statuses)
        .map(|s| proc_macro2::Literal::u16_unsuffixed(*s))
        .collect();
    // A 2xx that the API uses to say "not done" must not look like success.
    let not_failure =
        (!failures.is_empty()).then(|| quote!(&&!matches!(resp.status(), #(#failures)|*)));
    // A success status whose body reports failure (`failure_if`) must not look like success
    // either.
    let not_reported = op.success.iter().filter_map(|r| {
        let key = r.failure_key.as_ref()?;
        let status = proc_macro2::Literal::u16_unsuffixed(r.status);
        Some(quote!(&& !(resp.status() == #status && resp.json_object_has_key(#key))))
    });
    let stream = op.pagination.as_ref().map(|p| stream_method(api, op, p));
    quote! {
        #bdoc
        #[must_use = "a request does nothing until it is sent or awaited"]
        #[derive(Debug, Clone)]
        pub struct #name #lt_decl {
            client: &'a Client,
            #(#fields)*
            #body_field
            timeout: Option<Duration>,
            max_body: Option<u64>,
        }

        impl #lt_decl #name #lt_use {
            #(#setters)*

            #stream

            /// Sends the request and decodes the response. The request is assembled now and
            /// sent when the returned future is awaited.
            pub fn send(self) -> Call<'a, Answer<#output>> {
                let mut req = Request::new(#op_id, #http, #template, #idempotent);
                #(#path)*
                #(#params)*
                #(#globals)*
                #body
                #one_of
                req.timeout(self.timeout);
                req.max_body(self.max_body);
                fn decode(resp: RawResponse) -> Answer<#output> {
                    if resp.is_success() #not_failure #(#not_reported)* {
                        #decode
                    } else {
                        Err(resp.error())
                    }
                }
                self.client.transport.call(req, decode)
            }
        }

        // `timeout`, `max_body`, and `IntoFuture` (awaiting the builder sends it).
        clientgen_runtime::request_builder!(#name => Answer<#output>);
    }
}

/// The check of the body type's `one_of_required`: a body that sets no alternative completely
/// is refused before anything is sent. An empty list or map counts as unset.
fn one_of_required(body: &crate::ir::Body) -> Option<TokenStream> {
    if body.one_of_required.is_empty() {
        return None;
    }
    let alternatives = body.one_of_required.iter().map(|fields| {
        let tests = fields.iter().map(|f| {
            let n = ident(&f.rust);
            match (f.optional, f.collection) {
                (true, true) => quote!(self.body.#n.as_ref().is_some_and(|v| !v.is_empty())),
                (true, false) => quote!(self.body.#n.is_some()),
                (false, _) => quote!(!self.body.#n.is_empty()),
            }
        });
        let tests: Vec<TokenStream> = tests.collect();
        if tests.len() == 1 {
            tests[0].clone()
        } else {
            quote!((#(#tests)&&*))
        }
    });
    let text: Vec<String> = body
        .one_of_required
        .iter()
        .map(|fields| {
            fields
                .iter()
                .map(|f| format!("`{}`", f.wire))
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    let empty = if body.one_of_required.iter().flatten().any(|f| f.collection) {
        " (an empty list counts as unset)"
    } else {
        ""
    };
    let reason = format!("the body must set {}{empty}", text.join(", or "));
    Some(quote! {
        // A deprecated field may be one of the alternatives.
        #[allow(deprecated)]
        let complete = #(#alternatives)||*;
        if !complete {
            req.refuse(#reason);
        }
    })
}

fn client_wire<'a>(api: &'a Api, field: &str) -> &'a str {
    api.client_params
        .iter()
        .find(|c| c.rust == field)
        .map_or("", |c| c.wire.as_str())
}

fn style_tokens(style: ArrayStyle) -> TokenStream {
    match style {
        ArrayStyle::Repeat => quote!(clientgen_runtime::ArrayStyle::Repeat),
        ArrayStyle::Brackets => quote!(clientgen_runtime::ArrayStyle::Brackets),
        ArrayStyle::Comma => quote!(clientgen_runtime::ArrayStyle::Comma),
        ArrayStyle::BracketsUnlessSingle => {
            quote!(clientgen_runtime::ArrayStyle::BracketsUnlessSingle)
        }
    }
}

/// Writes one query or header parameter; a global one falls back to the client's value.
fn param_push(p: &Param, global: bool) -> TokenStream {
    let n = ident(&p.rust);
    let wire = &p.wire;
    let required = is_argument(p) && !global;
    let value = if global {
        quote!(self.#n.as_ref().or(self.client.#n.as_ref()))
    } else {
        quote!(self.#n.as_ref())
    };
    match (p.location, p.ty.is_array(), required) {
        (ParamLocation::Header, _, true) => {
            let lower = wire.to_ascii_lowercase();
            quote!(req.header(#lower, &self.#n);)
        }
        (ParamLocation::Header, _, false) => {
            let lower = wire.to_ascii_lowercase();
            quote!(if let Some(v) = #value { req.header(#lower, v); })
        }
        (_, true, true) => {
            let style = style_tokens(p.style);
            quote!(req.query().push_array(#wire, &self.#n, #style);)
        }
        (_, true, false) => {
            let style = style_tokens(p.style);
            quote!(if let Some(v) = #value { req.query().push_array(#wire, v, #style); })
        }
        (_, false, true) => quote!(req.query().push(#wire, &self.#n);),
        (_, false, false) => quote!(req.query().push_opt(#wire, #value);),
    }
}

/// An expression that reads `steps` out of `value`, and whether it is an `Option`. By value it
/// moves the final field out; by reference it copies it (page numbers are integers). Optional
/// steps are `and_then`ed.
fn read_path(value: TokenStream, steps: &[crate::ir::Step], by_ref: bool) -> (TokenStream, bool) {
    if steps.iter().all(|s| !s.optional) {
        let fields = steps.iter().map(|s| ident(&s.field));
        return (quote!(#value #(.#fields)*), false);
    }
    let start = if by_ref {
        quote!(Some(&#value))
    } else {
        quote!(Some(#value))
    };
    let last = steps.len() - 1;
    let links = steps.iter().enumerate().map(|(i, s)| {
        let f = ident(&s.field);
        match (s.optional, by_ref && i < last) {
            (true, true) => quote!(.and_then(|v| v.#f.as_ref())),
            (false, true) => quote!(.map(|v| &v.#f)),
            (true, false) => quote!(.and_then(|v| v.#f)),
            (false, false) => quote!(.map(|v| v.#f)),
        }
    });
    (quote!(#start #(#links)*), true)
}

/// `stream()`: every item across pages, fetched lazily, one page held at a time.
fn stream_method(api: &Api, op: &Operation, p: &crate::ir::Pagination) -> TokenStream {
    use crate::ir::PageField;
    let item = rust_type(api, &p.item_ty, &quote!(types::));
    let first = proc_macro2::Literal::i64_unsuffixed(p.first_page);
    let builder = ident(&op.builder);
    // The page number: a query setter, or a field of a copy of the body made for each page.
    // `outside` runs in the page closure; `inside` in the future it returns, which owns the copy.
    // A required page number (a method argument, or a required body field) is not an `Option`:
    // the caller's value is the first page, and each page replaces it.
    let required_query = |rust: &str| op.params.iter().any(|q| q.rust == rust && is_argument(q));
    let (setup, start, outside, inside) = match &p.page_param {
        PageField::Query(param) => {
            let required = required_query(param);
            let param = ident(param);
            let (start, value) = if required {
                (quote!(self.#param), quote!(number))
            } else {
                (quote!(self.#param.unwrap_or(#first)), quote!(Some(number)))
            };
            (
                TokenStream::new(),
                start,
                quote! {
                    let mut request = self.clone();
                    request.#param = #value;
                },
                TokenStream::new(),
            )
        }
        PageField::Body(steps) => {
            let read = match read_path(quote!(base), steps, true) {
                (chain, true) => quote!(#chain.unwrap_or(#first)),
                (field, false) => field,
            };
            let value = if steps.last().is_some_and(|s| s.optional) {
                quote!(Some(number))
            } else {
                quote!(number)
            };
            let last = steps.len() - 1;
            let place = steps.iter().enumerate().map(|(i, s)| {
                let f = ident(&s.field);
                if i < last && s.optional {
                    quote!(.#f.get_or_insert_with(Default::default))
                } else {
                    quote!(.#f)
                }
            });
            (
                quote!(let base = self.body.clone();),
                read,
                quote! {
                    let mut body = base.clone();
                    body #(#place)* = #value;
                    let builder = self.clone();
                },
                quote!(let request = #builder { body: &body, ..builder };),
            )
        }
    };
    let size = match &p.size_param {
        Some(PageField::Query(s)) if required_query(s) => {
            let s = ident(s);
            quote!(Some(self.#s))
        }
        Some(PageField::Query(s)) => {
            let s = ident(s);
            quote!(self.#s)
        }
        Some(PageField::Body(steps)) => match read_path(quote!(base), steps, true) {
            (chain, true) => chain,
            (field, false) => quote!(Some(#field)),
        },
        None => quote!(None),
    };
    let last_page = match &p.last_page {
        Some(steps) => match read_path(quote!(value), steps, true) {
            (chain, true) => chain,
            (field, false) => quote!(Some(#field)),
        },
        None => quote!(None),
    };
    let items = match read_path(quote!(value), &p.items, false) {
        (chain, true) => quote!(#chain.unwrap_or_default()),
        (field, false) => field,
    };
    let page_name = match &p.page_param {
        PageField::Query(rust) => op
            .params
            .iter()
            .find(|q| &q.rust == rust)
            .map_or(String::new(), |q| format!("`{}`", q.wire)),
        PageField::Body(steps) => format!(
            "The body's `{}`",
            steps
                .iter()
                .map(|s| s.field.as_str())
                .collect::<Vec<_>>()
                .join(".")
        ),
    };
    let page_required = match &p.page_param {
        PageField::Query(rust) => required_query(rust),
        PageField::Body(steps) => !steps.last().is_some_and(|s| s.optional),
    };
    let (from, given) = if page_required {
        (
            format!("from the page given (pages count from {})", p.first_page),
            "the value given is the first page to read",
        )
    } else {
        (
            format!("page {} first", p.first_page),
            "a value given beforehand is the first page to read",
        )
    };
    let docs = doc(&format!(
        "Every item of every page, as a stream: {from}, each next page fetched only when \
         the items of the one before have been read, until the last page. An error ends the \
         stream. Other settings of this builder apply to every page.\n\n{page_name} is set by \
         the stream; {given}."
    ));
    quote! {
        #docs
        pub fn stream(self) -> clientgen_runtime::paginate::ItemStream<'a, #item, Error> {
            #setup
            let first = #start;
            let size = #size;
            clientgen_runtime::paginate::pages(first, size, move |number| {
                #outside
                async move {
                    #inside
                    let value = request.send().await?.into_inner();
                    let last_page = #last_page;
                    let items = #items;
                    Ok(clientgen_runtime::paginate::Page { items, last_page })
                }
            })
        }
    }
}

//! An API's `mod.rs`: module documentation, the client, its builder and the error type.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, error_body, ident, inner_doc, rust_type, source_line};
use crate::ir::{Api, AuthKind, ClientParamLocation, Ty};

fn module_doc(api: &Api) -> TokenStream {
    let mut text = format!("{}\n", api.title);
    if !api.docs.trim().is_empty() {
        text.push_str(&format!("\n{}\n", api.docs.trim()));
    }
    text.push_str(&format!("\nBase URL: `{}`.\n", api.base_url));
    if let Some((calls, secs)) = api.rate_limit {
        text.push_str(&format!(
            "\nDocumented rate limit: {calls} calls in any {secs} seconds.\n"
        ));
    }
    if let Some(h) = &api.rate_limit_headers {
        text.push_str(&format!(
            "\nThe server reports its own count in `{}` (calls left) and `{}` (when its window \
             frees a slot, {}): after an answer with no calls left, every clone of the client \
             holds its next call until then, and a 429 is retried then.\n",
            h.remaining,
            h.reset,
            match h.reset_format {
                crate::ir::ResetFormat::Iso8601 => "an ISO 8601 time",
                crate::ir::ResetFormat::Seconds => "seconds from now",
                crate::ir::ResetFormat::UnixSeconds => "a Unix time",
            }
        ));
    }
    text.push_str("\n# Sources\n");
    for s in &api.sources {
        let tag = if s.secondary {
            " (secondary material)"
        } else {
            ""
        };
        text.push_str(&format!("\n- `{}`{tag}", s.file));
    }
    text.push('\n');
    if !api.notes.is_empty() {
        text.push_str("\n# Spec notes\n");
        for (id, note) in &api.notes {
            let label = format!("**{id}**:");
            text.push_str(&format!("\n{}\n", crate::docs::labelled(&label, note)));
        }
    }
    inner_doc(&text)
}

/// Type of a global parameter's stored value and how setters take it.
fn setter_arg(api: &Api, ty: &Ty, types: &TokenStream) -> (TokenStream, TokenStream, TokenStream) {
    let stored = rust_type(api, ty, types);
    if *ty == Ty::String {
        (stored, quote!(impl Into<String>), quote!(value.into()))
    } else {
        (stored.clone(), stored, quote!(value))
    }
}

pub(super) fn module(api: &Api) -> TokenStream {
    let header = module_doc(api);
    let types = quote!(types::);
    let module = &api.module;
    let base_url = &api.base_url;
    let body = error_body(api, &types);
    let error_doc = doc(&format!(
        "Error of every call to the {}: the shared runtime error with this API's error body.",
        api.title
    ));
    let examples_mod = super::examples::module(api).is_some().then(|| {
        quote!(
            #[cfg(test)]
            mod examples;
        )
    });

    // Builder arguments: client parameters and required credentials, in spec order.
    let mut args = Vec::new();
    let mut builder_fields = Vec::new();
    let mut builder_inits = Vec::new();
    let mut setters = Vec::new();
    let mut client_fields = Vec::new();
    let mut client_inits = Vec::new();
    let mut credentials = Vec::new();
    let mut url_checks = Vec::new();

    for p in &api.client_params {
        let n = ident(&p.rust);
        match p.location {
            ClientParamLocation::Path => {
                args.push(quote!(#n: impl Into<String>));
                builder_fields.push(quote!(#n: String,));
                builder_inits.push(quote!(#n: #n.into(),));
                let pdoc = doc(&p.docs);
                client_fields.push(quote!(#pdoc pub(crate) #n: String,));
                client_inits.push(quote!(#n: self.#n,));
            }
            // A base URL part is a setter, not an argument: a whole base URL given with
            // `.base_url(..)` makes it unnecessary, and `build` names both when neither is given.
            ClientParamLocation::BaseUrl => {
                builder_fields.push(quote!(#n: Option<String>,));
                builder_inits.push(quote!(#n: None,));
                let wire = &p.wire;
                let pdoc = doc(&format!(
                    "{}\n\nFills `{{{wire}}}` in the base URL [`BASE_URL`]; not needed when \
                     [`ClientBuilder::base_url`] gives a whole base URL, required otherwise \
                     (`build` fails with `BuildError::Missing`).",
                    p.docs.trim()
                ));
                setters.push(quote! {
                    #pdoc
                    pub fn #n(mut self, value: impl Into<String>) -> Self {
                        self.#n = Some(value.into());
                        self
                    }
                });
                url_checks.push(quote!(
                    transport = transport.fill_base_url(#wire, self.#n.as_deref())?;
                ));
            }
        }
    }
    for a in &api.auth {
        let n = ident(&a.rust);
        let adoc = doc(&a.docs);
        let (stored, arg, conv) = match &a.kind {
            AuthKind::Oauth2 { .. } => (
                quote!(std::sync::Arc<clientgen_runtime::oauth::OAuthSession>),
                quote!(std::sync::Arc<clientgen_runtime::oauth::OAuthSession>),
                quote!(#n),
            ),
            AuthKind::FormFields(fields) => {
                let n_fields = fields.len();
                (
                    quote!([clientgen_runtime::SecretString; #n_fields]),
                    quote!([impl Into<clientgen_runtime::SecretString>; #n_fields]),
                    quote!(#n.map(Into::into)),
                )
            }
            _ => (
                quote!(clientgen_runtime::SecretString),
                quote!(impl Into<clientgen_runtime::SecretString>),
                quote!(#n.into()),
            ),
        };
        let credential = |value: TokenStream| match &a.kind {
            AuthKind::Header(name) => {
                let lower = name.to_ascii_lowercase();
                quote!(clientgen_runtime::Credential::Header {
                    name: clientgen_runtime::transport::header_name(#lower),
                    value: #value,
                })
            }
            AuthKind::Bearer => quote!(clientgen_runtime::Credential::Bearer(#value)),
            AuthKind::FormFields(fields) => {
                let vars: Vec<_> = (0..fields.len())
                    .map(|i| quote::format_ident!("field{}", i))
                    .collect();
                quote!(clientgen_runtime::Credential::FormFields({
                    let [#(#vars),*] = #value;
                    vec![#((#fields.to_owned(), #vars)),*]
                }))
            }
            AuthKind::Oauth2 { .. } => quote!(clientgen_runtime::Credential::OAuth(#value)),
        };
        if a.required {
            args.push(quote!(#n: #arg));
            builder_fields.push(quote!(#n: #stored,));
            builder_inits.push(if matches!(a.kind, AuthKind::Oauth2 { .. }) {
                quote!(#n,)
            } else {
                quote!(#n: #conv,)
            });
            let c = credential(quote!(self.#n));
            credentials.push(quote!(transport = transport.credential(#c);));
        } else {
            builder_fields.push(quote!(#n: Option<#stored>,));
            builder_inits.push(quote!(#n: None,));
            let value_conv = match a.kind {
                AuthKind::Oauth2 { .. } => quote!(value),
                AuthKind::FormFields(_) => quote!(value.map(Into::into)),
                _ => quote!(value.into()),
            };
            setters.push(quote! {
                #adoc
                pub fn #n(mut self, value: #arg) -> Self {
                    self.#n = Some(#value_conv);
                    self
                }
            });
            let c = credential(quote!(secret));
            credentials.push(quote! {
                if let Some(secret) = self.#n {
                    transport = transport.credential(#c);
                }
            });
        }
    }
    for g in &api.global_params {
        let n = ident(&g.rust);
        let (stored, arg, conv) = setter_arg(api, &g.ty, &types);
        let gdoc = doc(&format!(
            "Default `{}` for every call; a call may override it.\n\n{}",
            g.wire, g.docs
        ));
        builder_fields.push(quote!(#n: Option<#stored>,));
        builder_inits.push(quote!(#n: None,));
        client_fields.push(quote!(pub(crate) #n: Option<#stored>,));
        client_inits.push(quote!(#n: self.#n,));
        setters.push(quote! {
            #gdoc
            pub fn #n(mut self, value: #arg) -> Self {
                self.#n = Some(#conv);
                self
            }
        });
    }
    // Schemes that are all optional are alternatives: one of them must be given.
    if !api.auth.is_empty() && api.auth.iter().all(|a| !a.required) {
        credentials.push(quote!(transport = transport.require_credential();));
    }
    let oauth_fns = api.auth.iter().filter_map(oauth_config_fn);
    let rate_limit = api.rate_limit.map(|(calls, secs)| {
        let secs = u64::from(secs);
        let (calls, secs) = (
            proc_macro2::Literal::u32_unsuffixed(calls),
            proc_macro2::Literal::u64_unsuffixed(secs),
        );
        quote!(.rate_limit(#calls, std::time::Duration::from_secs(#secs)))
    });
    let rate_limit_headers = api.rate_limit_headers.as_ref().map(|h| {
        let (remaining, reset) = (&h.remaining, &h.reset);
        let limit = match &h.limit {
            Some(name) => quote!(Some(clientgen_runtime::transport::header_name(#name))),
            None => quote!(None),
        };
        let format = match h.reset_format {
            crate::ir::ResetFormat::Iso8601 => quote!(Iso8601),
            crate::ir::ResetFormat::Seconds => quote!(Seconds),
            crate::ir::ResetFormat::UnixSeconds => quote!(UnixSeconds),
        };
        quote! {
            .rate_limit_headers(Some(clientgen_runtime::RateLimitHeaders {
                limit: #limit,
                remaining: clientgen_runtime::transport::header_name(#remaining),
                reset: clientgen_runtime::transport::header_name(#reset),
                reset_format: clientgen_runtime::ResetFormat::#format,
            }))
        }
    });
    let retry_fn = retry_policy_fn(api);
    let mutability = (!credentials.is_empty() || !url_checks.is_empty()).then(|| quote!(mut));
    let base_url_doc = doc(&format!(
        "Sends every call to `url` instead of [`BASE_URL`] (`{base_url}`): a sandbox, a proxy, \
         a test server. Paths are appended to it as they are to the documented one, so keep \
         its path part (`/api`, `/v1`) if the API has one. `https` only, unless \
         `.transport(|t| t.allow_http(true))`; a URL with user info is refused. The same as \
         `.transport(|t| t.base_url(url))`."
    ));
    let raw_doc = doc(&format!(
        "A call the spec does not describe, sent through this client's transport with its \
         credentials, rate limit, retry policy, timeouts and body cap. `path` is relative to the \
         base URL (`{base_url}`); a scheme, host, query or `..` segment is refused before \
         anything is sent. The answer is JSON (`.send()`) or bytes (`.bytes()`); failure \
         statuses are this API's [`Error`]. Global parameters of the client builder are not \
         added."
    ));
    let client_doc = doc(&format!(
        "A client of the {}. Cheap to clone: clones share one connection pool.",
        api.title
    ));
    let builder_doc = doc(&format!(
        "Starts a client of the {}.\n\n{}",
        api.title,
        source_line(&api.cite)
    ));

    quote! {
        #header

        mod operations;
        pub mod types;
        #examples_mod
        #[cfg(feature = "mock")]
        pub mod mock;

        pub use operations::*;

        /// The documented base URL.
        pub const BASE_URL: &str = #base_url;

        #retry_fn

        #(#oauth_fns)*

        #error_doc
        pub type Error = clientgen_runtime::Error<#body>;

        #client_doc
        #[derive(Clone)]
        pub struct Client {
            pub(crate) transport: clientgen_runtime::Transport,
            #(#client_fields)*
        }

        impl std::fmt::Debug for Client {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Client")
                    .field("transport", &self.transport)
                    .finish_non_exhaustive()
            }
        }

        impl Client {
            #raw_doc
            pub fn raw_request(
                &self,
                method: clientgen_runtime::Method,
                path: &str,
            ) -> clientgen_runtime::raw::RawRequest<'_, #body> {
                clientgen_runtime::raw::RawRequest::new(&self.transport, method, path)
            }

            #builder_doc
            pub fn builder(#(#args),*) -> ClientBuilder {
                ClientBuilder {
                    transport: None,
                    #(#builder_inits)*
                }
            }
        }

        /// Settings of a [`Client`]; finish with [`ClientBuilder::build`].
        pub struct ClientBuilder {
            transport: Option<clientgen_runtime::TransportBuilder>,
            #(#builder_fields)*
        }

        impl ClientBuilder {
            #(#setters)*

            #base_url_doc
            pub fn base_url(self, url: impl Into<String>) -> Self {
                self.transport(|t| t.base_url(url))
            }

            /// Adjusts the transport: base URL, timeouts, plain HTTP for tests.
            pub fn transport(
                mut self,
                adjust: impl FnOnce(clientgen_runtime::TransportBuilder) -> clientgen_runtime::TransportBuilder,
            ) -> Self {
                let current = self.transport.take().unwrap_or_else(|| self.default_transport());
                self.transport = Some(adjust(current));
                self
            }

            fn default_transport(&self) -> clientgen_runtime::TransportBuilder {
                clientgen_runtime::TransportBuilder::new(#module, BASE_URL)
                    .retry(retry_policy())
                    #rate_limit
                    #rate_limit_headers
            }

            /// Builds the client.
            pub fn build(mut self) -> Result<Client, clientgen_runtime::BuildError> {
                let #mutability transport = self.transport.take().unwrap_or_else(|| self.default_transport());
                #(#url_checks)*
                #(#credentials)*
                Ok(Client {
                    transport: transport.build()?,
                    #(#client_inits)*
                })
            }
        }
    }
}

fn statuses(list: &[u16]) -> String {
    if list.is_empty() {
        return "no status".to_owned();
    }
    list.iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `retry_policy()`: the spec's policy, or the runtime default when the spec has none.
fn retry_policy_fn(api: &Api) -> TokenStream {
    let Some(r) = &api.retry else {
        return quote! {
            /// The retry policy: this spec declares none, so it is the runtime's default.
            pub fn retry_policy() -> clientgen_runtime::RetryPolicy {
                clientgen_runtime::RetryPolicy::default()
            }
        };
    };
    let others = match r.not_processed_statuses.len() {
        0 => "other calls are not retried".to_owned(),
        1 => format!(
            "every call retries on {}, a status that proves the request was not carried out",
            statuses(&r.not_processed_statuses)
        ),
        _ => format!(
            "every call retries on {}, statuses that prove the request was not carried out",
            statuses(&r.not_processed_statuses)
        ),
    };
    let docs = doc(&format!(
        "The retry policy the spec declares: up to {} attempts; idempotent calls retry on {}; \
         {others}.\n\n{}",
        r.max_attempts,
        statuses(&r.retry_statuses),
        r.docs
    ));
    use proc_macro2::Literal;
    let attempts = Literal::u32_unsuffixed(r.max_attempts);
    let initial = Literal::u64_unsuffixed(r.initial_backoff_ms);
    let max = Literal::u64_unsuffixed(r.max_backoff_ms);
    let retry = r.retry_statuses.iter().map(|s| Literal::u16_unsuffixed(*s));
    let not_processed = r
        .not_processed_statuses
        .iter()
        .map(|s| Literal::u16_unsuffixed(*s));
    quote! {
        #docs
        pub fn retry_policy() -> clientgen_runtime::RetryPolicy {
            clientgen_runtime::RetryPolicy {
                max_attempts: #attempts,
                initial_backoff: std::time::Duration::from_millis(#initial),
                max_backoff: std::time::Duration::from_millis(#max),
                retry_statuses: vec![#(#retry),*],
                not_processed_statuses: vec![#(#not_processed),*],
            }
        }
    }
}

/// `<scheme>_config(..)`: the integration's OAuth2 registration with the spec's endpoints.
fn oauth_config_fn(a: &crate::ir::Auth) -> Option<TokenStream> {
    let AuthKind::Oauth2 {
        authorize_url,
        token_url,
    } = &a.kind
    else {
        return None;
    };
    let name = super::ident(&crate::naming::config_fn(&a.rust));
    let docs = doc(&format!(
        "The OAuth2 settings of an integration: the documented endpoints (`{authorize_url}`, \
         `{token_url}`) with the integration's own client id, secret and redirect URI. Build \
         the authorize URL with it, exchange the code, then start a session with \
         `OAuthSession::new(config, pair, store)`, or from a stored refresh token alone with \
         `OAuthSession::from_refresh_token(config, refresh_token, store)` (both in \
         `saas_clients::prelude`). `.with_token_url(url)` sends the token requests elsewhere \
         (a test server); a plain-HTTP one needs the client's \
         `.transport(|t| t.allow_http(true))`.\n\n{}",
        a.docs
    ));
    Some(quote! {
        #docs
        pub fn #name(
            client_id: impl Into<String>,
            client_secret: impl Into<clientgen_runtime::SecretString>,
            redirect_uri: impl Into<String>,
        ) -> clientgen_runtime::oauth::OAuthConfig {
            clientgen_runtime::oauth::OAuthConfig::new(
                #authorize_url,
                #token_url,
                client_id,
                client_secret,
                redirect_uri,
            )
        }
    })
}

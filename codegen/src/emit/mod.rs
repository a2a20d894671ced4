//! Emitters: the intermediate model becomes token streams, one per generated file.
//!
//! Emitters read only `ir`; every name they print was resolved by `lower`.

mod client;
mod examples;
mod mock;
mod operations;
mod types;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{self, Api, Ty};

/// One generated Rust file, before formatting.
pub struct RustFile {
    /// Path below the generated crate's `src/`.
    pub path: String,
    /// Inner doc comment and items.
    pub tokens: TokenStream,
}

/// The files of one API module.
pub fn api_files(api: &Api) -> Vec<RustFile> {
    let dir = &api.module;
    let mut files = vec![
        RustFile {
            path: format!("{dir}/mod.rs"),
            tokens: client::module(api),
        },
        RustFile {
            path: format!("{dir}/types.rs"),
            tokens: types::module(api),
        },
        RustFile {
            path: format!("{dir}/operations.rs"),
            tokens: operations::module(api),
        },
        RustFile {
            path: format!("{dir}/mock.rs"),
            tokens: mock::module(api),
        },
    ];
    if let Some(tokens) = examples::module(api) {
        files.push(RustFile {
            path: format!("{dir}/examples.rs"),
            tokens,
        });
    }
    files
}

/// The crate root: one feature-gated module per API.
pub fn lib_file(apis: &[Api]) -> RustFile {
    let mods = apis.iter().map(|api| {
        let name = ident(&api.module);
        let feature = &api.module;
        let doc = doc(&format!("{} client.", api.title));
        // prettyplease, not rustfmt, formats generated code; `cargo fmt` must leave it alone.
        quote! {
            #doc
            #[cfg(feature = #feature)]
            #[rustfmt::skip]
            pub mod #name;
        }
    });
    let list: String = apis
        .iter()
        .map(|a| format!("\n- `{}`: {}", a.module, a.title))
        .collect();
    let crate_doc = inner_doc(&format!(
        "Typed async clients for SaaS APIs whose vendors publish only prose documentation.\n\n\
         Each API is a module behind a cargo feature of the same name:\n{list}\n\n\
         Everything here is generated from `specs/*.yaml` by `cargo xtask gen`."
    ));
    RustFile {
        path: "lib.rs".to_owned(),
        tokens: quote! {
            #crate_doc
            /// The hand-written runtime every client runs on: transport, errors, OAuth2
            /// sessions, rate limits, date-times. Its most used items are in [`prelude`].
            ///
            /// A module with a glob re-export, not `pub use clientgen_runtime as runtime`:
            /// rustc names a renamed crate root by its own name, so its "import this trait"
            /// suggestions pointed at `saas_clients::clientgen_runtime::…`, which does not exist.
            pub mod runtime {
                #[doc(inline)]
                pub use clientgen_runtime::*;
            }
            pub use clientgen_runtime::prelude;
            /// The chrono the clients' date-times use (`saas_clients::chrono::NaiveDate`).
            pub use clientgen_runtime::chrono;
            /// The futures the streams use (`saas_clients::futures::StreamExt`, also in
            /// [`prelude`]).
            pub use clientgen_runtime::futures;
            /// The serde_json of raw values (`Extra::value`, `raw_request`).
            pub use clientgen_runtime::serde_json;
            #(#mods)*
        },
    }
}

pub(crate) fn ident(name: &str) -> Ident {
    format_ident!("{}", name)
}

/// The doc-attribute strings for `text`, laid out by [`crate::docs::lines`]: each non-blank
/// line gets the space a `///` comment has after its slashes.
fn doc_lines(text: &str) -> Vec<String> {
    crate::docs::lines(text)
        .into_iter()
        .map(|l| if l.is_empty() { l } else { format!(" {l}") })
        .collect()
}

/// `///` lines for `text`.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #(#[doc = #lines])* }
}

/// `//!` lines for `text`.
pub(crate) fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #(#![doc = #lines])* }
}

/// "Source: `file`, section `heading`" for doc comments; the heading is quoted as code, as
/// the document spells it, so that nothing in it is read as Markdown.
pub(crate) fn source_line(cite: &ir::Cite) -> String {
    let secondary = if cite.secondary {
        " (secondary material, not the vendor's own documentation)"
    } else {
        ""
    };
    format!(
        "Source: `{}`, section {}{secondary}.",
        cite.file,
        crate::docs::code(&cite.section)
    )
}

/// The Rust type of `ty`; named types of `api` are reached through `types_path`.
pub(crate) fn rust_type(api: &Api, ty: &Ty, types_path: &TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Integer => quote!(i64),
        Ty::Number => quote!(f64),
        Ty::Boolean => quote!(bool),
        Ty::Date => quote!(chrono::NaiveDate),
        Ty::DateTime => quote!(clientgen_runtime::DateTime),
        Ty::UnixTime => quote!(clientgen_runtime::UnixTime),
        Ty::Decimal => quote!(clientgen_runtime::Decimal),
        Ty::DecimalNumber => quote!(clientgen_runtime::DecimalNumber),
        Ty::Json => quote!(serde_json::Value),
        Ty::TemporaryUrl => quote!(clientgen_runtime::transfer::TemporaryUrl),
        Ty::Array(inner) => {
            let inner = rust_type(api, inner, types_path);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = rust_type(api, inner, types_path);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Named(id) => {
            let name = ident(api.type_name(*id));
            quote!(#types_path #name)
        }
    }
}

/// The error body type of an API, for `Error<E>`.
pub(crate) fn error_body(api: &Api, types_path: &TokenStream) -> TokenStream {
    match &api.error {
        Some(e) => rust_type(api, &e.ty, types_path),
        None => quote!(serde_json::Value),
    }
}

/// The value type an operation returns.
pub(crate) fn output_type(api: &Api, decode: &ir::Decode, types_path: &TokenStream) -> TokenStream {
    match decode {
        ir::Decode::Empty => quote!(()),
        ir::Decode::Json { ty, .. } | ir::Decode::Text(ty) => rust_type(api, ty, types_path),
    }
}

//! An API's `examples.rs`: tests that every documented example decodes with the generated types
//! and holds no field or enum value that the types do not describe.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc, ident, inner_doc, output_type, rust_type};
use crate::ir::{Api, Decode, Example, Ty};

/// A raw string literal holding `text`, so that the generated test shows the example as written.
pub(super) fn raw_literal(text: &str) -> Literal {
    // A raw string cannot escape what rustc refuses to see in a literal.
    if text.chars().any(crate::docs::is_direction_mark) {
        return Literal::string(text);
    }
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| Literal::string(text))
}

fn test(ty: TokenStream, envelope: Option<&str>, example: &Example) -> TokenStream {
    let fn_name = ident(&example.test_name);
    let body = raw_literal(&example.body);
    let envelope = match envelope {
        Some(key) => quote!(Some(#key)),
        None => quote!(None),
    };
    let fixed = example
        .fixed
        .as_ref()
        .map(|f| crate::docs::labelled("Fixed from the document:", f));
    let fixed = fixed.map(|f| doc(&f));
    quote! {
        #[test]
        #fixed
        fn #fn_name() {
            let body = #body;
            let undescribed = clientgen_runtime::unknown::check_example::<#ty>(body, #envelope);
            assert_eq!(undescribed, Ok(Vec::new()));
        }
    }
}

pub(super) fn module(api: &Api) -> Option<TokenStream> {
    let types = quote!(types::);
    let mut tests = Vec::new();
    // Whether a test names a type of the API, so that the `types` import is used.
    let mut named = false;
    for op in &api.operations {
        if let Some(body) = &op.body {
            let ty = rust_type(api, &body.ty, &types);
            named |= !body.examples.is_empty() && names_a_type(&body.ty);
            for ex in &body.examples {
                tests.push(test(ty.clone(), None, ex));
            }
        }
        for r in &op.success {
            let (ty, envelope) = match &r.decode {
                Decode::Json { envelope, ty } => {
                    named |= !r.examples.is_empty() && names_a_type(ty);
                    (output_type(api, &r.decode, &types), envelope.as_deref())
                }
                Decode::Empty | Decode::Text(_) => continue,
            };
            for ex in &r.examples {
                tests.push(test(ty.clone(), envelope, ex));
            }
        }
    }
    if let Some(error) = &api.error {
        let ty = rust_type(api, &error.ty, &types);
        named |= !error.examples.is_empty() && names_a_type(&error.ty);
        for ex in &error.examples {
            tests.push(test(ty.clone(), None, ex));
        }
    }
    if tests.is_empty() {
        return None;
    }
    let header = inner_doc(
        "Every documented example decodes with the generated types and holds nothing they do not \
         describe.",
    );
    let import = named.then(|| {
        quote!(
            use super::types;
        )
    });
    Some(quote! {
        #header
        #import

        #(#tests)*
    })
}

/// Whether `ty` is, or holds, a type of the API's `types` module.
fn names_a_type(ty: &Ty) -> bool {
    match ty {
        Ty::Named(_) => true,
        Ty::Array(inner) | Ty::Map(inner) => names_a_type(inner),
        _ => false,
    }
}

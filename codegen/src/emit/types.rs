//! The `types` module of an API: structs, open enums and untagged unions.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc, ident, inner_doc, rust_type, source_line};
use crate::ir::{Api, EnumLiteral, FieldModel, Ty, TypeBody, TypeModel};

pub(super) fn module(api: &Api) -> TokenStream {
    let header = inner_doc(&format!(
        "Types of the {}, as its spec declares them.",
        api.title
    ));
    let items = api.types.iter().map(|t| {
        let item = match &t.body {
            TypeBody::Object {
                fields,
                keep_unknown,
            } => object(api, t, fields, *keep_unknown),
            TypeBody::Enum { integer, values } => open_enum(t, *integer, values),
            TypeBody::Union { variants } => union(api, t, variants),
        };
        quote! { #item }
    });
    let error_impl = error_body_impl(api);
    quote! {
        #header
        #(#items)*
        #error_impl
    }
}

fn type_doc(t: &TypeModel) -> TokenStream {
    doc(&format!("{}\n\n{}", t.docs, source_line(&t.cite)))
}

fn field_doc(f: &FieldModel) -> String {
    let mut text = f.docs.clone();
    let flag = match (f.read_only, f.write_only) {
        (true, _) => Some("Read-only: returned by the server, never sent."),
        (_, true) => Some("Update-only: sent to the server, never returned."),
        _ => None,
    };
    if let Some(flag) = flag {
        text.push_str("\n\n");
        text.push_str(flag);
    }
    if f.clearable {
        text.push_str(
            "\n\nLeft out while `Patch::Unset` (the server keeps its value); \
             `Patch::Clear` sends `null`, which clears it.",
        );
    }
    text
}

/// How a field is declared: its Rust type and serde attributes.
fn field_decl(api: &Api, f: &FieldModel) -> (TokenStream, Vec<TokenStream>) {
    let mut base = rust_type(api, &f.ty, &TokenStream::new());
    if f.boxed {
        base = quote!(Box<#base>);
    }
    if f.clearable {
        // Left out when unset, `null` when cleared: see `clientgen_runtime::Patch`.
        let mut serde = Vec::new();
        if f.wire != f.rust {
            let wire = &f.wire;
            serde.push(quote!(rename = #wire));
        }
        serde.push(quote!(default));
        serde.push(quote!(
            skip_serializing_if = "clientgen_runtime::Patch::is_unset"
        ));
        return (quote!(clientgen_runtime::Patch<#base>), serde);
    }
    let optional = f.optional();
    let ty = if optional {
        quote!(Option<#base>)
    } else {
        base
    };
    let mut serde = Vec::new();
    if f.wire != f.rust {
        let wire = &f.wire;
        serde.push(quote!(rename = #wire));
    }
    if f.read_only {
        serde.push(quote!(skip_serializing));
    }
    if optional {
        serde.push(quote!(default));
        // A nullable field is sent as `null` when unset; others are left out.
        if !f.nullable && !f.read_only {
            serde.push(quote!(skip_serializing_if = "Option::is_none"));
        }
    }
    (ty, serde)
}

fn object(api: &Api, t: &TypeModel, fields: &[FieldModel], keep_unknown: bool) -> TokenStream {
    let name = ident(&t.rust);
    let tdoc = type_doc(t);
    let any_deprecated = fields.iter().any(|f| f.deprecated.is_some());
    let decls = fields.iter().map(|f| {
        let fname = ident(&f.rust);
        let fdoc = doc(&field_doc(f));
        let (ty, serde) = field_decl(api, f);
        let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
        let deprecated = f
            .deprecated
            .as_ref()
            .map(|note| quote!(#[deprecated(note = #note)]));
        quote! {
            #fdoc
            #deprecated
            #serde
            pub #fname: #ty,
        }
    });
    let extra = keep_unknown.then(|| {
        quote! {
            /// Fields the spec does not describe, kept as the exact JSON text received so that
            /// sending this value back loses nothing.
            #[serde(flatten)]
            pub extra: clientgen_runtime::Extra,
        }
    });
    // Required fields, nullable ones included, are always sent, so the caller decides each of
    // them: they are constructor arguments, and such a type has no `Default`.
    let required: Vec<&FieldModel> = fields
        .iter()
        .filter(|f| f.required && !f.read_only)
        .collect();
    let has_required = fields.iter().any(|f| f.required);
    let default_derive = (!has_required).then(|| quote!(Default,));
    let constructor =
        (has_required && fields.iter().all(|f| !f.read_only || !f.required)).then(|| {
            let args = required.iter().map(|f| {
                let n = ident(&f.rust);
                let ty = field_decl(api, f).0;
                quote!(#n: #ty)
            });
            let inits = fields.iter().map(|f| {
                let n = ident(&f.rust);
                if required.iter().any(|r| r.rust == f.rust) {
                    quote!(#n)
                } else if f.clearable {
                    quote!(#n: clientgen_runtime::Patch::Unset)
                } else {
                    quote!(#n: None)
                }
            });
            let extra_init = keep_unknown.then(|| quote!(extra: clientgen_runtime::Extra::new(),));
            let allow = allow(
                any_deprecated,
                // clippy's `too_many_arguments` counts more than seven.
                required.len() > 7,
            );
            quote! {
                impl #name {
                    /// A value with every required field given and every optional field unset.
                    #allow
                    pub fn new(#(#args),*) -> Self {
                        #name { #(#inits,)* #extra_init }
                    }
                }
            }
        });
    let form_impl = t
        .form
        .then(|| form_encoder(&name, fields, keep_unknown, any_deprecated));
    // With unknown fields kept, `Deserialize` comes from the runtime's `open_object!` (one pass
    // over the keys); `flatten` stays on `extra` for `Serialize` only.
    let (derive_de, impls) = if keep_unknown {
        let lines = fields.iter().map(|f| {
            let n = ident(&f.rust);
            let wire = &f.wire;
            let required = (f.required && !f.nullable).then(|| quote!(required));
            let walk = f.walk.then(|| quote!(walk));
            quote!(#n: #wire #required #walk,)
        });
        (
            None,
            quote!(clientgen_runtime::open_object!(#name { #(#lines)* });),
        )
    } else {
        let lines = fields.iter().filter(|f| f.walk).map(|f| {
            let n = ident(&f.rust);
            let wire = &f.wire;
            quote!(#n: #wire walk,)
        });
        (
            Some(quote!(serde::Deserialize)),
            quote!(clientgen_runtime::unknown_fields!(#name { #(#lines)* });),
        )
    };
    quote! {
        #tdoc
        #[derive(Debug, Clone, PartialEq, #default_derive serde::Serialize, #derive_de)]
        pub struct #name {
            #(#decls)*
            #extra
        }

        #constructor

        #impls

        #form_impl
    }
}

/// `write_form`: the fields of a form body in wire order, nested objects flattened into the
/// same form, then the undescribed extras (custom fields).
fn form_encoder(
    name: &proc_macro2::Ident,
    fields: &[FieldModel],
    keep_unknown: bool,
    any_deprecated: bool,
) -> TokenStream {
    let pushes = fields.iter().filter(|f| !f.read_only).map(|f| {
        let n = ident(&f.rust);
        let form_name = f.form_name.as_deref().unwrap_or(&f.wire);
        let push = |value: TokenStream| match &f.ty {
            _ if f.object => quote!(#value.write_form(form, style)?;),
            Ty::Array(_) => quote!(form.push_array(#form_name, #value, style);),
            Ty::Json => quote!(form.push_json(#form_name, #value, style)?;),
            _ => quote!(form.push(#form_name, #value);),
        };
        match (f.required, f.nullable) {
            (true, false) if f.object => push(quote!(self.#n)),
            (true, false) => push(quote!(&self.#n)),
            // Always sent: an unset value is sent empty, which clears it.
            (true, true) if matches!(f.ty, Ty::Array(_) | Ty::Json) => {
                let p = push(quote!(v));
                quote! {
                    match &self.#n {
                        Some(v) => { #p }
                        None => form.push_empty(#form_name),
                    }
                }
            }
            (true, true) if !f.object => {
                quote!(form.push_or_empty(#form_name, self.#n.as_ref());)
            }
            _ if !matches!(f.ty, Ty::Array(_) | Ty::Json) && !f.object => {
                quote!(form.push_opt(#form_name, self.#n.as_ref());)
            }
            _ => {
                let p = push(quote!(v));
                quote!(if let Some(v) = &self.#n { #p })
            }
        }
    });
    let extras = keep_unknown.then(|| {
        quote! {
            for (name, value) in self.extra.iter() {
                form.push_extra(name, value, style);
            }
        }
    });
    // Only arrays, raw JSON, nested objects and extras need the array style.
    let uses_style = keep_unknown
        || fields
            .iter()
            .any(|f| !f.read_only && (f.ty.is_array() || f.ty == Ty::Json || f.object));
    // An object with no field to send (all read-only, or none) and no extras writes nothing.
    let writes = keep_unknown || fields.iter().any(|f| !f.read_only);
    let unused_style = match (uses_style, writes) {
        (false, false) => Some(quote!(let _ = (form, style);)),
        (false, true) => Some(quote!(let _ = style;)),
        (true, _) => None,
    };
    let allow = allow(any_deprecated, false);
    quote! {
        impl #name {
            /// Writes this value as form fields (`application/x-www-form-urlencoded`).
            #allow
            pub fn write_form(
                &self,
                form: &mut clientgen_runtime::Pairs,
                style: clientgen_runtime::ArrayStyle,
            ) -> Result<(), String> {
                #unused_style
                #(#pushes)*
                #extras
                Ok(())
            }
        }
    }
}

/// `#[allow(..)]` for a function that reads deprecated fields or has many arguments, and
/// nothing when it does neither.
fn allow(deprecated: bool, many_arguments: bool) -> Option<TokenStream> {
    let mut lints = Vec::new();
    if deprecated {
        lints.push(quote!(deprecated));
    }
    if many_arguments {
        lints.push(quote!(clippy::too_many_arguments));
    }
    (!lints.is_empty()).then(|| quote!(#[allow(#(#lints),*)]))
}

fn open_enum(t: &TypeModel, integer: bool, values: &[crate::ir::EnumValue]) -> TokenStream {
    let name = ident(&t.rust);
    let tdoc = type_doc(t);
    let variants = values.iter().map(|v| {
        let vn = ident(&v.rust);
        let vdoc = doc(&v.docs);
        quote!(#vdoc #vn,)
    });
    let payload = if integer { quote!(i64) } else { quote!(String) };
    let lines = values.iter().map(|v| {
        let vn = ident(&v.rust);
        let lit = literal(&v.value);
        quote!(#vn = #lit,)
    });
    let impls = if integer {
        quote!(clientgen_runtime::open_int_enum!(#name { #(#lines)* });)
    } else {
        quote!(clientgen_runtime::open_str_enum!(#name { #(#lines)* });)
    };
    let unknown_doc = " A value the spec does not document (yet), kept as received.";
    quote! {
        #tdoc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown(#payload),
        }

        #impls
    }
}

fn literal(value: &EnumLiteral) -> Literal {
    match value {
        EnumLiteral::Int(i) => Literal::i64_unsuffixed(*i),
        EnumLiteral::Str(s) => Literal::string(s),
    }
}

fn union(api: &Api, t: &TypeModel, variants: &[crate::ir::Variant]) -> TokenStream {
    let name = ident(&t.rust);
    let tdoc = type_doc(t);
    let decls = variants.iter().map(|v| {
        let vn = ident(&v.rust);
        let vdoc = doc(&v.docs);
        let mut ty = rust_type(api, &v.ty, &TokenStream::new());
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        quote!(#vdoc #vn(#ty),)
    });
    let lines = variants.iter().map(|v| {
        let vn = ident(&v.rust);
        quote!(#vn,)
    });
    quote! {
        #tdoc
        // A variant holds the decoded value itself, for the caller to match on; boxing the
        // large ones would change the types the caller sees to save the size of one answer.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#decls)*
        }

        clientgen_runtime::untagged_union!(#name { #(#lines)* });
    }
}

/// `ErrorBody` for the API's error type, with the path to its code.
fn error_body_impl(api: &Api) -> Option<TokenStream> {
    let error = api.error.as_ref()?;
    let Ty::Named(body) = &error.ty else {
        return None;
    };
    let body_ident = ident(api.type_name(*body));
    let (code_ty, code_expr) = match &error.code_ty {
        Some(code) => {
            // Follow the path, stepping through optional fields with `?`; an optional last
            // field is already the `Option<&Code>` to return.
            let mut expr = quote!(self);
            let last = error.code_path.len().saturating_sub(1);
            let mut wrapped = false;
            for (i, step) in error.code_path.iter().enumerate() {
                let field = ident(&step.field);
                expr = match (step.optional, i == last) {
                    (true, true) => {
                        wrapped = true;
                        quote!(#expr.#field.as_ref())
                    }
                    (true, false) => quote!(#expr.#field.as_ref()?),
                    (false, _) => quote!(#expr.#field),
                };
            }
            let code = ident(api.type_name(*code));
            let expr = if wrapped { expr } else { quote!(Some(&#expr)) };
            (quote!(#code), expr)
        }
        None => (quote!(std::convert::Infallible), quote!(None)),
    };
    Some(quote! {
        impl clientgen_runtime::ErrorBody for #body_ident {
            type Code = #code_ty;

            fn code(&self) -> Option<&#code_ty> {
                #code_expr
            }
        }
    })
}

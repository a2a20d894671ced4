//! The `types` module of an API: structs, open enums and untagged unions.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc, ident, inner_doc, rust_type, source_line};
use crate::ir::{Api, BodyEncoding, EnumLiteral, FieldModel, Ty, TypeBody, TypeModel};

/// Object types written as form bodies, and the objects nested in them (flattened into the
/// same form).
fn form_types(api: &Api) -> BTreeSet<&str> {
    let mut pending: Vec<&str> = api
        .operations
        .iter()
        .filter_map(|op| op.body.as_ref())
        .filter(|b| b.encoding == BodyEncoding::Form)
        .filter_map(|b| match &b.ty {
            Ty::Named(n) => Some(n.as_str()),
            _ => None,
        })
        .collect();
    let mut out = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !out.insert(name) {
            continue;
        }
        let Some(TypeBody::Object { fields, .. }) =
            api.types.iter().find(|t| t.rust == name).map(|t| &t.body)
        else {
            continue;
        };
        for f in fields.iter().filter(|f| !f.read_only) {
            if let Ty::Named(n) = &f.ty {
                if api
                    .types
                    .iter()
                    .any(|t| &t.rust == n && matches!(t.body, TypeBody::Object { .. }))
                {
                    pending.push(n);
                }
            }
        }
    }
    out
}

pub(super) fn module(api: &Api) -> TokenStream {
    let header = inner_doc(&format!(
        "Types of the {}, as its spec declares them.",
        api.title
    ));
    let form_types = form_types(api);
    let items = api.types.iter().map(|t| {
        let item = match &t.body {
            TypeBody::Object {
                fields,
                keep_unknown,
            } => object(
                api,
                t,
                fields,
                *keep_unknown,
                form_types.contains(t.rust.as_str()),
            ),
            TypeBody::Enum { integer, values } => open_enum(t, *integer, values),
            TypeBody::Union { variants } => union(t, variants),
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
fn field_decl(f: &FieldModel) -> (TokenStream, Vec<TokenStream>) {
    let mut base = rust_type(&f.ty, &TokenStream::new());
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
    let optional = !f.required || f.nullable;
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

fn object(
    api: &Api,
    t: &TypeModel,
    fields: &[FieldModel],
    keep_unknown: bool,
    form: bool,
) -> TokenStream {
    let name = ident(&t.rust);
    let tdoc = type_doc(t);
    let decls = fields.iter().map(|f| {
        let fname = ident(&f.rust);
        let fdoc = doc(&field_doc(f));
        let (ty, serde) = field_decl(f);
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
                let ty = field_decl(f).0;
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
            quote! {
                impl #name {
                    /// A value with every required field given and every optional field unset.
                    #[allow(deprecated, clippy::too_many_arguments)]
                    pub fn new(#(#args),*) -> Self {
                        #name { #(#inits,)* #extra_init }
                    }
                }
            }
        });
    let unknown_parts = fields.iter().map(|f| {
        let n = ident(&f.rust);
        let wire = &f.wire;
        let at = quote!(&clientgen_runtime::unknown::field_path(path, #wire));
        // A box reaches the value's own impl by auto-deref, which `Option` and `Patch` of a box
        // do not: unwrap them first.
        match (f.boxed, f.clearable, !f.required || f.nullable) {
            (true, true, _) => quote! {
                if let Some(v) = self.#n.get() { v.collect_unknown(#at, out); }
            },
            (true, false, true) => quote! {
                if let Some(v) = &self.#n { v.collect_unknown(#at, out); }
            },
            _ => quote!(self.#n.collect_unknown(#at, out);),
        }
    });
    let unused = (fields.is_empty() && !keep_unknown).then(|| quote!(let _ = (path, out);));
    let extra_unknown = keep_unknown.then(|| quote!(self.extra.collect_unknown(path, out);));
    let form_impl = form.then(|| form_encoder(api, &name, fields, keep_unknown));
    // With unknown fields kept, `Deserialize` is written out (see `deserialize_impl`); `flatten`
    // stays on `extra` for `Serialize` only.
    let (derive_de, de_impl) = if keep_unknown {
        (None, Some(deserialize_impl(&name, fields)))
    } else {
        (Some(quote!(serde::Deserialize)), None)
    };
    quote! {
        #tdoc
        #[derive(Debug, Clone, PartialEq, #default_derive serde::Serialize, #derive_de)]
        pub struct #name {
            #(#decls)*
            #extra
        }

        #constructor

        impl clientgen_runtime::UnknownFields for #name {
            #[allow(deprecated)]
            fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
                #unused
                #(#unknown_parts)*
                #extra_unknown
            }
        }

        #de_impl

        #form_impl
    }
}

/// `Deserialize` for an object that keeps unknown fields, in one pass over its keys: each
/// documented wire name decodes into its field, every other key into `extra`.
///
/// `#[serde(flatten)]` would buffer the whole object into serde's `Content` first (a second
/// decode of every field, and numbers squeezed through serde's number types). The errors are
/// the ones serde's derive gives: `missing field`, `duplicate field`, `expected struct ..`.
fn deserialize_impl(name: &proc_macro2::Ident, fields: &[FieldModel]) -> TokenStream {
    // Slots are numbered, so no field name can collide with the locals (`map`, `key`, `extra`).
    let slot = |i: usize| quote::format_ident!("slot_{i}");
    let slots = fields.iter().enumerate().map(|(i, f)| {
        let n = slot(i);
        let ty = field_decl(f).0;
        quote!(let mut #n: Option<#ty> = None;)
    });
    let arms = fields.iter().enumerate().map(|(i, f)| {
        let n = slot(i);
        let wire = &f.wire;
        quote! {
            #wire => {
                if #n.is_some() {
                    return Err(serde::de::Error::duplicate_field(#wire));
                }
                #n = Some(map.next_value()?);
            }
        }
    });
    let inits = fields.iter().enumerate().map(|(i, f)| {
        let n = ident(&f.rust);
        let s = slot(i);
        let wire = &f.wire;
        if !f.required || f.nullable {
            quote!(#n: #s.unwrap_or_default(),)
        } else {
            quote!(#n: #s.ok_or_else(|| serde::de::Error::missing_field(#wire))?,)
        }
    });
    let expecting = format!("struct {name}");
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Fields;
                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = #name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    // An object with no documented fields matches nothing but `_`.
                    #[allow(deprecated, clippy::match_single_binding)]
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        #(#slots)*
                        let mut extra = clientgen_runtime::Extra::new();
                        while let Some(key) = map.next_key::<clientgen_runtime::de::Key<'de>>()? {
                            match key.as_str() {
                                #(#arms)*
                                _ => {
                                    extra.insert_unknown(key.into_owned(), map.next_value()?);
                                }
                            }
                        }
                        Ok(#name {
                            #(#inits)*
                            extra,
                        })
                    }
                }
                deserializer.deserialize_map(Fields)
            }
        }
    }
}

/// `write_form`: the fields of a form body in wire order, nested objects flattened into the
/// same form, then the undescribed extras (custom fields).
fn form_encoder(
    api: &Api,
    name: &proc_macro2::Ident,
    fields: &[FieldModel],
    keep_unknown: bool,
) -> TokenStream {
    let is_object = |ty: &Ty| match ty {
        Ty::Named(n) => api
            .types
            .iter()
            .any(|t| &t.rust == n && matches!(t.body, TypeBody::Object { .. })),
        _ => false,
    };
    let pushes = fields.iter().filter(|f| !f.read_only).map(|f| {
        let n = ident(&f.rust);
        let form_name = f.form_name.as_deref().unwrap_or(&f.wire);
        let push = |value: TokenStream| match &f.ty {
            ty if is_object(ty) => quote!(#value.write_form(form, style)?;),
            Ty::Array(_) => quote!(form.push_array(#form_name, #value, style);),
            Ty::Json => quote!(form.push_json(#form_name, #value, style)?;),
            _ => quote!(form.push(#form_name, #value);),
        };
        match (f.required, f.nullable) {
            (true, false) if is_object(&f.ty) => push(quote!(self.#n)),
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
            (true, true) if !is_object(&f.ty) => {
                quote!(form.push_or_empty(#form_name, self.#n.as_ref());)
            }
            _ if !matches!(f.ty, Ty::Array(_) | Ty::Json) && !is_object(&f.ty) => {
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
                form.push_extra(name, &value.to_value(), style);
            }
        }
    });
    // Only arrays, raw JSON, nested objects and extras need the array style.
    let uses_style = keep_unknown
        || fields
            .iter()
            .any(|f| !f.read_only && (f.ty.is_array() || f.ty == Ty::Json || is_object(&f.ty)));
    let unused_style = (!uses_style).then(|| quote!(let _ = style;));
    quote! {
        impl #name {
            /// Writes this value as form fields (`application/x-www-form-urlencoded`).
            #[allow(deprecated)]
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

fn open_enum(t: &TypeModel, integer: bool, values: &[crate::ir::EnumValue]) -> TokenStream {
    let name = ident(&t.rust);
    let tdoc = type_doc(t);
    let variants = values.iter().map(|v| {
        let vn = ident(&v.rust);
        let vdoc = doc(&v.docs);
        quote!(#vdoc #vn,)
    });
    let payload = if integer { quote!(i64) } else { quote!(String) };
    let to_wire = values.iter().map(|v| {
        let vn = ident(&v.rust);
        let lit = literal(&v.value);
        quote!(#name::#vn => #lit,)
    });
    let from_wire = values.iter().map(|v| {
        let vn = ident(&v.rust);
        let lit = literal(&v.value);
        quote!(#lit => #name::#vn,)
    });
    let unknown_doc = " A value the spec does not document (yet), kept as received.";
    let body = if integer {
        quote! {
            impl #name {
                /// The value on the wire.
                pub fn as_i64(&self) -> i64 {
                    match self {
                        #(#to_wire)*
                        #name::Unknown(v) => *v,
                    }
                }
            }
            impl From<i64> for #name {
                fn from(value: i64) -> Self {
                    match value {
                        #(#from_wire)*
                        other => #name::Unknown(other),
                    }
                }
            }
            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    write!(f, "{}", self.as_i64())
                }
            }
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_i64(self.as_i64())
                }
            }
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    i64::deserialize(deserializer).map(#name::from)
                }
            }
        }
    } else {
        quote! {
            impl #name {
                /// The value on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#to_wire)*
                        #name::Unknown(v) => v,
                    }
                }
            }
            impl From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #(#from_wire)*
                        other => #name::Unknown(other.to_owned()),
                    }
                }
            }
            impl From<String> for #name {
                fn from(value: String) -> Self {
                    match #name::from(value.as_str()) {
                        #name::Unknown(_) => #name::Unknown(value),
                        known => known,
                    }
                }
            }
            impl std::fmt::Display for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    String::deserialize(deserializer).map(#name::from)
                }
            }
        }
    };
    let param_value = if integer {
        quote!(self.as_i64().to_string())
    } else {
        quote!(self.as_str().to_owned())
    };
    quote! {
        #tdoc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown(#payload),
        }

        #body

        impl clientgen_runtime::ToParam for #name {
            fn to_param(&self) -> String {
                #param_value
            }
        }

        impl clientgen_runtime::UnknownFields for #name {
            fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
                if let #name::Unknown(v) = self {
                    out.push(format!("{path} = {v}"));
                }
            }
        }
    }
}

fn literal(value: &EnumLiteral) -> Literal {
    match value {
        EnumLiteral::Int(i) => Literal::i64_unsuffixed(*i),
        EnumLiteral::Str(s) => Literal::string(s),
    }
}

fn union(t: &TypeModel, variants: &[crate::ir::Variant]) -> TokenStream {
    let name = ident(&t.rust);
    let tdoc = type_doc(t);
    let decls = variants.iter().map(|v| {
        let vn = ident(&v.rust);
        let vdoc = doc(&v.docs);
        let mut ty = rust_type(&v.ty, &TokenStream::new());
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        quote!(#vdoc #vn(#ty),)
    });
    let arms = variants.iter().map(|v| {
        let vn = ident(&v.rust);
        quote!(#name::#vn(v) => v.collect_unknown(path, out),)
    });
    quote! {
        #tdoc
        // A variant holds the decoded value itself, for the caller to match on; boxing the
        // large ones would change the types the caller sees to save the size of one answer.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#decls)*
        }

        impl clientgen_runtime::UnknownFields for #name {
            fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// `ErrorBody` for the API's error type, with the path to its code.
fn error_body_impl(api: &Api) -> Option<TokenStream> {
    let error = api.error.as_ref()?;
    let Ty::Named(body) = &error.ty else {
        return None;
    };
    let body_ident = ident(body);
    let (code_ty, code_expr) = match &error.code_ty {
        Some(code) => {
            // Follow the path, stepping through optional fields with `?`.
            let mut expr = quote!(self);
            for step in &error.code_path {
                let field = ident(&step.field);
                expr = if step.optional {
                    quote!(#expr.#field.as_ref()?)
                } else {
                    quote!(#expr.#field)
                };
            }
            let code = ident(code);
            (quote!(#code), quote!(Some(&#expr)))
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

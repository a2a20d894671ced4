//! A short plain-text summary of one API (operations and types), for pull-request review: a
//! change to a spec shows up here as a few readable lines before anyone opens generated code.

use std::fmt::Write as _;

use crate::ir::{Api, AuthKind, Decode, Ty, TypeBody};

fn ty_text(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Array(t) => format!("[{}]", ty_text(api, t)),
        Ty::Map(t) => format!("{{string: {}}}", ty_text(api, t)),
        Ty::Named(id) => api.type_name(*id).to_owned(),
        Ty::String => "string".into(),
        Ty::Integer => "integer".into(),
        Ty::Number => "number".into(),
        Ty::Boolean => "boolean".into(),
        Ty::Date => "date".into(),
        Ty::DateTime => "datetime".into(),
        Ty::UnixTime => "unix_time".into(),
        Ty::Decimal => "decimal".into(),
        Ty::DecimalNumber => "decimal_number".into(),
        Ty::Json => "json".into(),
        Ty::TemporaryUrl => "temporary_url".into(),
    }
}

/// The summary text.
pub fn summary(api: &Api) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", api.title, api.module);
    let _ = writeln!(out, "base url: {}", api.base_url);
    for a in &api.auth {
        let kind = match &a.kind {
            AuthKind::Header(h) => format!("header {h}"),
            AuthKind::Bearer => "bearer".to_owned(),
            AuthKind::FormFields(f) => format!("form fields {}", f.join(", ")),
            AuthKind::Oauth2 { .. } => "oauth2".to_owned(),
        };
        let req = if a.required { "required" } else { "optional" };
        let _ = writeln!(out, "auth: {} ({kind}, {req})", a.rust);
    }
    for p in &api.client_params {
        let _ = writeln!(out, "client param: {} -> {}", p.wire, p.rust);
    }
    for g in &api.global_params {
        let _ = writeln!(
            out,
            "global param: {} -> {}: {}",
            g.wire,
            g.rust,
            ty_text(api, &g.ty)
        );
    }
    if let Some(e) = &api.error {
        if !e.failure_statuses.is_empty() {
            let list: Vec<String> = e.failure_statuses.iter().map(u16::to_string).collect();
            let _ = writeln!(out, "2xx statuses decoded as errors: {}", list.join(", "));
        }
    }
    if let Some((calls, secs)) = api.rate_limit {
        let _ = writeln!(out, "rate limit: {calls} per {secs}s");
    }
    if let Some(h) = &api.rate_limit_headers {
        let limit = h
            .limit
            .as_deref()
            .map(|l| format!(", limit {l}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "rate-limit headers: remaining {}, reset {} ({}){limit}",
            h.remaining,
            h.reset,
            h.reset_format.as_str()
        );
    }
    let _ = writeln!(out, "\noperations:");
    for op in &api.operations {
        let params: Vec<String> = op
            .params
            .iter()
            .map(|p| {
                let opt = if p.required { "" } else { "?" };
                let style = match p.style {
                    crate::ir::ArrayStyle::Repeat => "",
                    crate::ir::ArrayStyle::Brackets => " as brackets",
                    crate::ir::ArrayStyle::Comma => " as comma",
                    crate::ir::ArrayStyle::BracketsUnlessSingle => " as brackets_unless_single",
                };
                format!("{}{opt}: {}{style}", p.rust, ty_text(api, &p.ty))
            })
            .collect();
        let body = op
            .body
            .as_ref()
            .map(|b| {
                let encoding = match b.encoding {
                    crate::ir::BodyEncoding::Json => "json",
                    crate::ir::BodyEncoding::Form => "form",
                };
                let one_of = if b.one_of_required.is_empty() {
                    String::new()
                } else {
                    let alternatives: Vec<String> = b
                        .one_of_required
                        .iter()
                        .map(|a| {
                            a.iter()
                                .map(|f| f.wire.as_str())
                                .collect::<Vec<_>>()
                                .join("+")
                        })
                        .collect();
                    format!(", one of {}", alternatives.join(" | "))
                };
                format!(" body {} ({encoding}{one_of})", ty_text(api, &b.ty))
            })
            .unwrap_or_default();
        let statuses: Vec<String> = op
            .success
            .iter()
            .map(|r| match &r.failure_key {
                Some(key) => format!("{} (an object with `{key}` is an error)", r.status),
                None => r.status.to_string(),
            })
            .collect();
        let output = match op.output() {
            Decode::Empty => "()".to_owned(),
            Decode::Json {
                ty,
                envelope: Some(k),
            } => format!("{{{k}: {}}}", ty_text(api, ty)),
            Decode::Json { ty, envelope: None } => ty_text(api, ty),
            Decode::Text(ty) => format!("text {}", ty_text(api, ty)),
        };
        let stream = op
            .pagination
            .as_ref()
            .map(|p| format!(" + stream() from page {}", p.first_page))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}: {:?} {}{}{} -> {} {output}{stream}",
            op.method_name,
            op.method,
            op.path_template,
            if params.is_empty() {
                String::new()
            } else {
                format!(" ({})", params.join(", "))
            },
            body,
            statuses.join("|"),
        );
    }
    let _ = writeln!(out, "\ntypes:");
    for t in &api.types {
        match &t.body {
            TypeBody::Object { fields, .. } => {
                let _ = writeln!(out, "  {} (object)", t.rust);
                for f in fields {
                    let mut flags = Vec::new();
                    if f.required {
                        flags.push("required".to_owned());
                    }
                    if f.nullable {
                        flags.push("nullable".to_owned());
                    }
                    if f.clearable {
                        flags.push("clearable".to_owned());
                    }
                    if f.read_only {
                        flags.push("read-only".to_owned());
                    }
                    if f.write_only {
                        flags.push("write-only".to_owned());
                    }
                    if f.deprecated.is_some() {
                        flags.push("deprecated".to_owned());
                    }
                    if let Some(name) = &f.form_name {
                        flags.push(format!("form {name}"));
                    }
                    let flags = if flags.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", flags.join(", "))
                    };
                    let _ = writeln!(out, "    {}: {}{flags}", f.wire, ty_text(api, &f.ty));
                }
            }
            TypeBody::Enum { integer, values } => {
                let vals: Vec<String> = values
                    .iter()
                    .map(|v| match &v.value {
                        crate::ir::EnumLiteral::Str(s) => s.clone(),
                        crate::ir::EnumLiteral::Int(i) => i.to_string(),
                    })
                    .collect();
                let kind = if *integer {
                    "integer enum"
                } else {
                    "string enum"
                };
                let _ = writeln!(out, "  {} ({kind}): {}", t.rust, vals.join(", "));
            }
            TypeBody::Union { variants } => {
                let vs: Vec<String> = variants
                    .iter()
                    .map(|v| format!("{}({})", v.rust, ty_text(api, &v.ty)))
                    .collect();
                let _ = writeln!(out, "  {} (union): {}", t.rust, vs.join(" | "));
            }
        }
    }
    out
}

//! The rules: how one change of the lowered model affects the generated Rust API and what a
//! client generated from the old spec, already deployed, does on the wire under the new one.
//!
//! The rules read the same facts the emitters read ([`crate::ir`]), so that "breaking" means
//! what the generated code makes it mean: a required field is an argument of `new(..)` and
//! takes `Default` away, a required parameter is a positional method argument, every 2xx is
//! decoded the way the first documented response is, a nullable field is sent as `null`.
//! Items are matched by their wire identity (type by spec name, field and parameter by wire
//! name, operation by id, enum value by value), so a Rust rename shows as a rename.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, RustImpact, WireImpact};
use crate::ir::{
    Api, Auth, AuthKind, BodyEncoding, Decode, FieldModel, Operation, Param, ParamLocation, Ty,
    TypeBody, TypeModel,
};

/// What the old and the new model know about where types travel.
struct Side<'a> {
    api: &'a Api,
    /// Types (Rust names) that are sent: request bodies, parameters, and what they contain.
    sent: BTreeSet<String>,
    /// Types that are decoded from responses and error bodies.
    received: BTreeSet<String>,
    /// Object types written as form bodies (and the objects flattened into them).
    form: BTreeSet<String>,
}

impl<'a> Side<'a> {
    fn new(api: &'a Api) -> Self {
        let mut sent_roots = Vec::new();
        let mut received_roots = Vec::new();
        let mut form_roots = Vec::new();
        for op in &api.operations {
            for p in op.params.iter().chain(&api.global_params) {
                sent_roots.push(&p.ty);
            }
            if let Some(b) = &op.body {
                sent_roots.push(&b.ty);
                if b.encoding == BodyEncoding::Form {
                    form_roots.push(&b.ty);
                }
            }
            for r in &op.success {
                if let Decode::Json { ty, .. } | Decode::Text(ty) = &r.decode {
                    received_roots.push(ty);
                }
            }
        }
        if let Some(e) = &api.error {
            received_roots.push(&e.ty);
        }
        Side {
            api,
            sent: reach(api, sent_roots, true),
            received: reach(api, received_roots, false),
            form: reach(api, form_roots, true),
        }
    }

    /// The type with every named type written by its spec name: equal on both sides when
    /// only a Rust name changed.
    fn wire_ty(&self, ty: &Ty) -> String {
        match ty {
            Ty::Named(id) => self.api.ty(*id).spec_name.clone(),
            Ty::Array(t) => format!("array<{}>", self.wire_ty(t)),
            Ty::Map(t) => format!("map<{}>", self.wire_ty(t)),
            // The same JSON number as `number`: a deployed client reading it as an f64 still
            // decodes it, and sends what it read as a number.
            Ty::DecimalNumber => "number".into(),
            other => ty_text(self.api, other),
        }
    }

    /// The type as the spec writes it, named types by their Rust name: what a Rust user sees,
    /// and what two sides are compared by (ids mean nothing across two models).
    fn text(&self, ty: &Ty) -> String {
        ty_text(self.api, ty)
    }

    /// What a decode is, comparable across the two sides.
    fn decode_key(&self, decode: &Decode) -> (u8, String, Option<String>) {
        match decode {
            Decode::Empty => (0, String::new(), None),
            Decode::Json { ty, envelope } => (1, self.text(ty), envelope.clone()),
            Decode::Text(ty) => (2, self.text(ty), None),
        }
    }
}

/// Every type reachable from `roots`; `sending` skips read-only fields, which are never sent.
fn reach(api: &Api, roots: Vec<&Ty>, sending: bool) -> BTreeSet<String> {
    let mut pending: Vec<&Ty> = roots;
    let mut out = BTreeSet::new();
    while let Some(ty) = pending.pop() {
        match ty {
            Ty::Array(t) | Ty::Map(t) => pending.push(t),
            Ty::Named(id) => {
                let t = api.ty(*id);
                if !out.insert(t.rust.clone()) {
                    continue;
                }
                match &t.body {
                    TypeBody::Object { fields, .. } => pending.extend(
                        fields
                            .iter()
                            .filter(|f| !(sending && f.read_only))
                            .map(|f| &f.ty),
                    ),
                    TypeBody::Union { variants } => pending.extend(variants.iter().map(|v| &v.ty)),
                    TypeBody::Enum { .. } => {}
                }
            }
            _ => {}
        }
    }
    out
}

/// A type expression as the spec writes it (named types by their Rust name).
pub(super) fn ty_text(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Array(t) => format!("array<{}>", ty_text(api, t)),
        Ty::Map(t) => format!("map<{}>", ty_text(api, t)),
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

/// Collects the changes of one API.
struct Diff<'a> {
    old: Side<'a>,
    new: Side<'a>,
    out: Vec<Change>,
}

impl Diff<'_> {
    fn push(
        &mut self,
        item: impl Into<String>,
        what: impl Into<String>,
        rust: (RustImpact, &str),
        wire: (WireImpact, &str),
    ) {
        self.out.push(Change {
            item: item.into(),
            what: what.into(),
            rust: rust.0,
            rust_why: rust.1.to_owned(),
            wire: wire.0,
            wire_why: wire.1.to_owned(),
        });
    }
}

const NONE: (RustImpact, &str) = (RustImpact::None, "");
const NO_WIRE: (WireImpact, &str) = (WireImpact::None, "");

/// The changes between two lowered models of one API, API-level first, then operations by
/// id, then types by spec name.
pub(super) fn compare(old: &Api, new: &Api) -> Vec<Change> {
    let mut d = Diff {
        old: Side::new(old),
        new: Side::new(new),
        out: Vec::new(),
    };
    api_level(&mut d);
    let old_ops: BTreeMap<&str, &Operation> =
        old.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    let new_ops: BTreeMap<&str, &Operation> =
        new.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    for (id, pair) in pairs(&old_ops, &new_ops) {
        let item = format!("`{id}`");
        match pair {
            (None, Some(n)) => d.push(
                item,
                format!("operation added: `{} {}`", method_text(n), n.path_template),
                (
                    RustImpact::Additive,
                    &format!("new method `{}()`", n.method_name),
                ),
                NO_WIRE,
            ),
            (Some(o), None) => d.push(
                item,
                format!(
                    "operation removed: `{} {}`",
                    method_text(o),
                    o.path_template
                ),
                (
                    RustImpact::Breaking,
                    &format!("method `{}()` is gone", o.method_name),
                ),
                (
                    WireImpact::Breaking,
                    "old clients still call it; the spec no longer says it exists",
                ),
            ),
            (Some(o), Some(n)) => operation(&mut d, o, n),
            (None, None) => {}
        }
    }
    let old_types: BTreeMap<&str, &TypeModel> = old
        .types
        .iter()
        .map(|t| (t.spec_name.as_str(), t))
        .collect();
    let new_types: BTreeMap<&str, &TypeModel> = new
        .types
        .iter()
        .map(|t| (t.spec_name.as_str(), t))
        .collect();
    for (name, pair) in pairs(&old_types, &new_types) {
        let item = format!("`{name}`");
        match pair {
            (None, Some(n)) => d.push(
                item,
                format!("type added ({})", kind(n)),
                (RustImpact::Additive, &format!("new type `{}`", n.rust)),
                NO_WIRE,
            ),
            (Some(o), None) => d.push(
                item,
                format!("type removed ({})", kind(o)),
                (RustImpact::Breaking, &format!("type `{}` is gone", o.rust)),
                NO_WIRE,
            ),
            (Some(o), Some(n)) => type_model(&mut d, o, n),
            (None, None) => {}
        }
    }
    d.out
}

/// An item on the old side, the new side, or both.
type Pair<V> = (Option<V>, Option<V>);

/// Both maps' keys in order, with the value of each side.
fn pairs<'m, K: Ord + Copy, V: Copy>(
    old: &'m BTreeMap<K, V>,
    new: &'m BTreeMap<K, V>,
) -> Vec<(K, Pair<V>)> {
    let keys: BTreeSet<K> = old.keys().chain(new.keys()).copied().collect();
    keys.into_iter()
        .map(|k| (k, (old.get(&k).copied(), new.get(&k).copied())))
        .collect()
}

fn kind(t: &TypeModel) -> &'static str {
    match t.body {
        TypeBody::Object { .. } => "object",
        TypeBody::Enum { .. } => "enum",
        TypeBody::Union { .. } => "union",
    }
}

fn method_text(op: &Operation) -> String {
    format!("{:?}", op.method)
}

fn statuses(list: &[u16]) -> String {
    let v: Vec<String> = list.iter().map(u16::to_string).collect();
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.join(", ")
    }
}

fn api_level(d: &mut Diff<'_>) {
    let (old, new) = (d.old.api, d.new.api);
    if old.base_url != new.base_url {
        d.push(
            "base URL",
            format!("`{}` → `{}`", old.base_url, new.base_url),
            NONE,
            (WireImpact::Breaking, "old clients call the old base URL"),
        );
    }
    // Client parameters: `Client::builder` arguments, in spec order.
    let old_cp: BTreeMap<&str, _> = old
        .client_params
        .iter()
        .map(|p| (p.wire.as_str(), p))
        .collect();
    let new_cp: BTreeMap<&str, _> = new
        .client_params
        .iter()
        .map(|p| (p.wire.as_str(), p))
        .collect();
    for (wire, pair) in pairs(&old_cp, &new_cp) {
        let item = format!("client parameter `{wire}`");
        match pair {
            (None, Some(_)) => d.push(
                item,
                "added",
                (
                    RustImpact::Breaking,
                    "`Client::builder` takes one more argument",
                ),
                NO_WIRE,
            ),
            (Some(_), None) => d.push(
                item,
                "removed",
                (
                    RustImpact::Breaking,
                    "`Client::builder` takes one argument less",
                ),
                NO_WIRE,
            ),
            (Some(o), Some(n)) if o.location != n.location => d.push(
                item,
                format!("moves from {:?} to {:?}", o.location, n.location),
                NONE,
                (
                    WireImpact::Breaking,
                    "old clients put the value in the old place",
                ),
            ),
            _ => {}
        }
    }
    let order = |api: &Api| -> Vec<String> {
        api.client_params
            .iter()
            .map(|p| p.wire.clone())
            .chain(
                api.auth
                    .iter()
                    .filter(|a| a.required)
                    .map(|a| format!("auth {}", a.rust)),
            )
            .collect()
    };
    reordered(
        d,
        "`Client::builder`",
        "arguments",
        &order(old),
        &order(new),
    );
    let old_auth: BTreeMap<&str, &Auth> = old.auth.iter().map(|a| (a.rust.as_str(), a)).collect();
    let new_auth: BTreeMap<&str, &Auth> = new.auth.iter().map(|a| (a.rust.as_str(), a)).collect();
    for (name, pair) in pairs(&old_auth, &new_auth) {
        let item = format!("auth `{name}`");
        match pair {
            (None, Some(n)) => d.push(
                item,
                format!("added ({}, {})", auth_text(&n.kind), required(n.required)),
                if n.required {
                    (
                        RustImpact::Breaking,
                        "`Client::builder` takes one more argument",
                    )
                } else {
                    (RustImpact::Additive, "a new builder setter")
                },
                if n.required {
                    (
                        WireImpact::Breaking,
                        "old clients do not send this credential",
                    )
                } else {
                    NO_WIRE
                },
            ),
            (Some(o), None) => d.push(
                item,
                format!("removed ({})", auth_text(&o.kind)),
                (
                    RustImpact::Breaking,
                    "its builder argument or setter is gone",
                ),
                (WireImpact::Compatible, "old clients still send it"),
            ),
            (Some(o), Some(n)) => auth(d, item, o, n),
            (None, None) => {}
        }
    }
    let old_g: BTreeMap<&str, &Param> = old
        .global_params
        .iter()
        .map(|p| (p.wire.as_str(), p))
        .collect();
    let new_g: BTreeMap<&str, &Param> = new
        .global_params
        .iter()
        .map(|p| (p.wire.as_str(), p))
        .collect();
    for (wire, pair) in pairs(&old_g, &new_g) {
        let item = format!("global parameter `{wire}`");
        match pair {
            (None, Some(n)) => d.push(
                item,
                format!("added: `{}`", d.new.text(&n.ty)),
                (
                    RustImpact::Additive,
                    "new setters on the client and every call",
                ),
                NO_WIRE,
            ),
            (Some(_), None) => d.push(
                item,
                "removed",
                (RustImpact::Breaking, "its setters are gone"),
                (WireImpact::Compatible, "old clients still send it when set"),
            ),
            (Some(o), Some(n)) => param(d, &item, o, n, true),
            (None, None) => {}
        }
    }
    error_model(d);
    match (old.rate_limit, new.rate_limit) {
        (None, Some((c, s))) => d.push(
            "rate limit",
            format!("added: {c} calls per {s} s"),
            NONE,
            (
                WireImpact::Compatible,
                "old clients do not hold back and may be answered 429",
            ),
        ),
        (Some((c, s)), None) => d.push(
            "rate limit",
            format!("removed (was {c} calls per {s} s)"),
            NONE,
            (WireImpact::None, "old clients wait where they need not"),
        ),
        (Some((oc, os)), Some((nc, ns))) if (oc, os) != (nc, ns) => {
            // Compare the rates oc/os and nc/ns without division.
            let tighter = u64::from(nc) * u64::from(os) < u64::from(oc) * u64::from(ns);
            d.push(
                "rate limit",
                format!("{oc} calls per {os} s → {nc} calls per {ns} s"),
                NONE,
                if tighter {
                    (
                        WireImpact::Compatible,
                        "tighter: old clients may exceed it and be answered 429",
                    )
                } else {
                    (
                        WireImpact::None,
                        "looser: old clients are slower than needed",
                    )
                },
            );
        }
        _ => {}
    }
    rate_limit_headers(d);
    retry(d);
}

fn rate_limit_headers(d: &mut Diff<'_>) {
    let text = |h: &Option<crate::ir::RateLimitHeadersModel>| {
        h.as_ref().map(|h| {
            let limit = h
                .limit
                .as_deref()
                .map(|l| format!(", limit `{l}`"))
                .unwrap_or_default();
            format!(
                "remaining `{}`, reset `{}` ({}){limit}",
                h.remaining,
                h.reset,
                h.reset_format.as_str()
            )
        })
    };
    match (
        text(&d.old.api.rate_limit_headers),
        text(&d.new.api.rate_limit_headers),
    ) {
        (None, Some(n)) => d.push(
            "rate-limit headers",
            format!("added: {n}"),
            NONE,
            (
                WireImpact::Compatible,
                "old clients do not wait for the server's reset and may be answered 429",
            ),
        ),
        (Some(o), None) => d.push(
            "rate-limit headers",
            format!("removed (were {o})"),
            NONE,
            (
                WireImpact::None,
                "old clients wait only where an answer carries the old headers",
            ),
        ),
        (Some(o), Some(n)) if o != n => d.push(
            "rate-limit headers",
            format!("{o} → {n}"),
            NONE,
            (
                WireImpact::Compatible,
                "old clients read the old headers: they ignore what no longer parses and may be \
                 answered 429",
            ),
        ),
        _ => {}
    }
}

fn required(r: bool) -> &'static str {
    if r { "required" } else { "optional" }
}

fn auth_text(kind: &AuthKind) -> String {
    match kind {
        AuthKind::Header(h) => format!("header `{h}`"),
        AuthKind::Bearer => "bearer".to_owned(),
        AuthKind::FormFields(f) => format!("form fields `{}`", f.join("`, `")),
        AuthKind::Oauth2 { .. } => "oauth2".to_owned(),
    }
}

/// The Rust type a scheme's builder argument or setter takes.
fn auth_arg(kind: &AuthKind) -> String {
    match kind {
        AuthKind::Header(_) | AuthKind::Bearer => "secret".to_owned(),
        AuthKind::FormFields(f) => format!("[secret; {}]", f.len()),
        AuthKind::Oauth2 { .. } => "session".to_owned(),
    }
}

fn auth(d: &mut Diff<'_>, item: String, o: &Auth, n: &Auth) {
    if o.kind != n.kind {
        let rust = if auth_arg(&o.kind) != auth_arg(&n.kind) {
            (
                RustImpact::Breaking,
                "its builder argument takes another type",
            )
        } else {
            NONE
        };
        let wire = match (&o.kind, &n.kind) {
            (
                AuthKind::Oauth2 {
                    authorize_url: oa,
                    token_url: ot,
                },
                AuthKind::Oauth2 {
                    authorize_url: na,
                    token_url: nt,
                },
            ) => format!(
                "OAuth2 endpoints `{oa}`, `{ot}` → `{na}`, `{nt}`: old clients' `oauth_config` \
                 uses the old ones"
            ),
            _ => "old clients send the credential the old way".to_owned(),
        };
        d.push(
            item.clone(),
            format!("{} → {}", auth_text(&o.kind), auth_text(&n.kind)),
            rust,
            (WireImpact::Breaking, &wire),
        );
    }
    if o.required != n.required {
        d.push(
            item,
            format!("{} → {}", required(o.required), required(n.required)),
            (
                RustImpact::Breaking,
                if n.required {
                    "a setter becomes a `Client::builder` argument"
                } else {
                    "a `Client::builder` argument becomes a setter"
                },
            ),
            NO_WIRE,
        );
    }
}

fn error_model(d: &mut Diff<'_>) {
    let (Some(o), Some(n)) = (&d.old.api.error, &d.new.api.error) else {
        match (&d.old.api.error, &d.new.api.error) {
            (None, Some(n)) => d.push(
                "error body",
                format!("added: `{}`", d.new.text(&n.ty)),
                (RustImpact::Breaking, "the API's `Error` type changes"),
                NO_WIRE,
            ),
            (Some(o), None) => d.push(
                "error body",
                format!("removed (was `{}`)", d.old.text(&o.ty)),
                (RustImpact::Breaking, "the API's `Error` type changes"),
                NO_WIRE,
            ),
            _ => {}
        }
        return;
    };
    let (ow, nw) = (d.old.wire_ty(&o.ty), d.new.wire_ty(&n.ty));
    let (ot, nt) = (d.old.text(&o.ty), d.new.text(&n.ty));
    if ot != nt {
        d.push(
            "error body",
            format!("`{ot}` → `{nt}`"),
            (RustImpact::Breaking, "the API's `Error` type changes"),
            if ow != nw {
                (
                    WireImpact::Breaking,
                    "old clients decode error bodies as the old type",
                )
            } else {
                NO_WIRE
            },
        );
    }
    let path = |steps: &[crate::ir::Step]| {
        steps
            .iter()
            .map(|s| s.field.as_str())
            .collect::<Vec<_>>()
            .join(".")
    };
    let oc = o.code_ty.map_or("none", |c| d.old.api.type_name(c));
    let nc = n.code_ty.map_or("none", |c| d.new.api.type_name(c));
    if oc != nc {
        d.push(
            "error code",
            format!("type `{oc}` → `{nc}`"),
            (RustImpact::Breaking, "`err.code()` returns another type"),
            NO_WIRE,
        );
    }
    if path(&o.code_path) != path(&n.code_path) {
        d.push(
            "error code",
            format!(
                "read from `{}` → `{}`",
                path(&o.code_path),
                path(&n.code_path)
            ),
            NONE,
            (
                WireImpact::Breaking,
                "old clients look for the code in the old place: `err.code()` gives `None`",
            ),
        );
    }
    if o.failure_statuses != n.failure_statuses {
        let added: Vec<u16> = n
            .failure_statuses
            .iter()
            .filter(|s| !o.failure_statuses.contains(s))
            .copied()
            .collect();
        let why = if added.is_empty() {
            "old clients turn a success into an error".to_owned()
        } else {
            format!("old clients take {} for success", statuses(&added))
        };
        d.push(
            "2xx statuses decoded as errors",
            format!(
                "{} → {}",
                statuses(&o.failure_statuses),
                statuses(&n.failure_statuses)
            ),
            NONE,
            (WireImpact::Breaking, &why),
        );
    }
}

fn retry(d: &mut Diff<'_>) {
    let (old, new) = (&d.old.api.retry, &d.new.api.retry);
    let text = |r: &Option<crate::ir::RetryModel>| match r {
        None => "runtime default".to_owned(),
        Some(r) => format!(
            "{} attempts, {}–{} ms, retry {}, not processed {}",
            r.max_attempts,
            r.initial_backoff_ms,
            r.max_backoff_ms,
            statuses(&r.retry_statuses),
            statuses(&r.not_processed_statuses)
        ),
    };
    let (ot, nt) = (text(old), text(new));
    if ot == nt {
        return;
    }
    // The runtime default treats 429 as "not processed" and retries 500, 502, 503, 504.
    let not_processed = |r: &Option<crate::ir::RetryModel>| -> Vec<u16> {
        r.as_ref()
            .map_or(vec![429], |r| r.not_processed_statuses.clone())
    };
    let dropped: Vec<u16> = not_processed(old)
        .into_iter()
        .filter(|s| !not_processed(new).contains(s))
        .collect();
    let wire = if dropped.is_empty() {
        (
            WireImpact::Compatible,
            "old clients retry by the old policy".to_owned(),
        )
    } else {
        (
            WireImpact::Breaking,
            format!(
                "old clients still repeat non-idempotent calls after {}, which no longer proves \
                 nothing was done",
                statuses(&dropped)
            ),
        )
    };
    d.push(
        "retry policy",
        format!("{ot} → {nt}"),
        NONE,
        (wire.0, &wire.1),
    );
}

/// A change in the order of positional arguments (those present on both sides).
fn reordered(d: &mut Diff<'_>, item: &str, what: &str, old: &[String], new: &[String]) {
    let old_kept: Vec<&String> = old.iter().filter(|a| new.contains(a)).collect();
    let new_kept: Vec<&String> = new.iter().filter(|a| old.contains(a)).collect();
    if old_kept != new_kept {
        d.push(
            item,
            format!(
                "{what} reordered: ({}) → ({})",
                old_kept
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                new_kept
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (
                RustImpact::Breaking,
                "positional arguments move; where two have the same type, old calls still \
                 compile and pass each value to the other",
            ),
            NO_WIRE,
        );
    }
}

fn is_argument(p: &Param) -> bool {
    p.required || p.location == ParamLocation::Path
}

fn operation(d: &mut Diff<'_>, o: &Operation, n: &Operation) {
    let item = format!("`{}`", n.id);
    if o.method_name != n.method_name || o.builder != n.builder {
        d.push(
            item.clone(),
            format!(
                "renamed in Rust: `{}()` → `{}()` (builder `{}` → `{}`)",
                o.method_name, n.method_name, o.builder, n.builder
            ),
            (RustImpact::Breaking, "the old names are gone"),
            NO_WIRE,
        );
    }
    if o.method != n.method {
        d.push(
            item.clone(),
            format!("HTTP method {:?} → {:?}", o.method, n.method),
            NONE,
            (WireImpact::Breaking, "old clients send the old method"),
        );
    }
    let shape = |t: &str| {
        let mut out = String::new();
        let mut inside = false;
        for c in t.chars() {
            match c {
                '{' => {
                    inside = true;
                    out.push_str("{}");
                }
                '}' => inside = false,
                _ if !inside => out.push(c),
                _ => {}
            }
        }
        out
    };
    if shape(&o.path_template) != shape(&n.path_template) {
        d.push(
            item.clone(),
            format!("path `{}` → `{}`", o.path_template, n.path_template),
            NONE,
            (WireImpact::Breaking, "old clients call the old path"),
        );
    }
    if o.idempotent != n.idempotent {
        d.push(
            item.clone(),
            if n.idempotent {
                "now idempotent (retried on the policy's statuses)"
            } else {
                "no longer idempotent (never repeated after it may have been carried out)"
            },
            NONE,
            if n.idempotent {
                (WireImpact::None, "old clients do not retry it")
            } else {
                (
                    WireImpact::Breaking,
                    "old clients may repeat it after a 5xx or a dropped connection",
                )
            },
        );
    }
    // Parameters, by wire name.
    let old_p: BTreeMap<&str, &Param> = o.params.iter().map(|p| (p.wire.as_str(), p)).collect();
    let new_p: BTreeMap<&str, &Param> = n.params.iter().map(|p| (p.wire.as_str(), p)).collect();
    for (wire, pair) in pairs(&old_p, &new_p) {
        let pitem = format!("`{}({wire})`", n.id);
        match pair {
            (None, Some(p)) => {
                let what = format!(
                    "parameter added: {} {:?} `{}`",
                    required(is_argument(p)),
                    p.location,
                    d.new.text(&p.ty)
                );
                if is_argument(p) {
                    d.push(
                        pitem,
                        what,
                        (
                            RustImpact::Breaking,
                            &format!("`{}()` takes one more argument", n.method_name),
                        ),
                        (WireImpact::Breaking, "old clients do not send it"),
                    );
                } else {
                    d.push(
                        pitem,
                        what,
                        (RustImpact::Additive, &format!("new setter `.{}()`", p.rust)),
                        NO_WIRE,
                    );
                }
            }
            (Some(p), None) => d.push(
                pitem,
                "parameter removed",
                (
                    RustImpact::Breaking,
                    if is_argument(p) {
                        "the method takes one argument less"
                    } else {
                        "its setter is gone"
                    },
                ),
                (WireImpact::Compatible, "old clients still send it"),
            ),
            (Some(op), Some(np)) => param(d, &pitem, op, np, false),
            (None, None) => {}
        }
    }
    let args = |op: &Operation| -> Vec<String> {
        op.params
            .iter()
            .filter(|p| is_argument(p))
            .map(|p| p.wire.clone())
            .chain(op.body.as_ref().map(|_| "body".to_owned()))
            .collect()
    };
    reordered(
        d,
        &format!("`{}()`", n.method_name),
        "arguments",
        &args(o),
        &args(n),
    );
    body(d, &item, o, n);
    responses(d, &item, o, n);
    pagination(d, &item, o, n);
}

fn param(d: &mut Diff<'_>, item: &str, o: &Param, n: &Param, global: bool) {
    let (oa, na) = (!global && is_argument(o), !global && is_argument(n));
    if o.rust != n.rust && !(oa && na) {
        d.push(
            item,
            format!("renamed in Rust: `{}` → `{}`", o.rust, n.rust),
            (RustImpact::Breaking, "its setter has the new name"),
            NO_WIRE,
        );
    }
    if o.location != n.location {
        d.push(
            item,
            format!("moves from {:?} to {:?}", o.location, n.location),
            NONE,
            (WireImpact::Breaking, "old clients send it in the old place"),
        );
    }
    let (ow, nw) = (d.old.wire_ty(&o.ty), d.new.wire_ty(&n.ty));
    let (ot, nt) = (d.old.text(&o.ty), d.new.text(&n.ty));
    if ot != nt {
        d.push(
            item,
            format!("type `{ot}` → `{nt}`"),
            (RustImpact::Breaking, "it takes another type"),
            if ow != nw {
                (WireImpact::Breaking, "old clients send the old type")
            } else {
                NO_WIRE
            },
        );
    }
    if oa != na {
        d.push(
            item,
            format!("{} → {}", required(oa), required(na)),
            (
                RustImpact::Breaking,
                if na {
                    "a setter becomes a method argument"
                } else {
                    "a method argument becomes a setter"
                },
            ),
            if na {
                (WireImpact::Breaking, "old clients may leave it out")
            } else {
                NO_WIRE
            },
        );
    }
    if o.style != n.style && (o.ty.is_array() || n.ty.is_array()) {
        d.push(
            item,
            format!("array style {:?} → {:?}", o.style, n.style),
            NONE,
            (
                WireImpact::Breaking,
                "old clients write the array the old way",
            ),
        );
    }
}

fn body(d: &mut Diff<'_>, item: &str, o: &Operation, n: &Operation) {
    match (&o.body, &n.body) {
        (None, Some(b)) => d.push(
            item,
            format!("body added: `{}` ({:?})", d.new.text(&b.ty), b.encoding),
            (
                RustImpact::Breaking,
                &format!("`{}()` takes the body as an argument", n.method_name),
            ),
            (WireImpact::Breaking, "old clients send no body"),
        ),
        (Some(_), None) => d.push(
            item,
            "body removed",
            (
                RustImpact::Breaking,
                &format!("`{}()` no longer takes a body", n.method_name),
            ),
            (WireImpact::Compatible, "old clients still send one"),
        ),
        (Some(ob), Some(nb)) => {
            let (ow, nw) = (d.old.wire_ty(&ob.ty), d.new.wire_ty(&nb.ty));
            let (ot, nt) = (d.old.text(&ob.ty), d.new.text(&nb.ty));
            if ot != nt {
                d.push(
                    item,
                    format!("body `{ot}` → `{nt}`"),
                    (RustImpact::Breaking, "the body argument takes another type"),
                    if ow != nw {
                        (WireImpact::Breaking, "old clients send the old type")
                    } else {
                        NO_WIRE
                    },
                );
            }
            if ob.encoding != nb.encoding {
                d.push(
                    item,
                    format!("body encoding {:?} → {:?}", ob.encoding, nb.encoding),
                    NONE,
                    (
                        WireImpact::Breaking,
                        "old clients encode the body the old way",
                    ),
                );
            } else if ob.encoding == BodyEncoding::Form && ob.style != nb.style {
                d.push(
                    item,
                    format!("form array style {:?} → {:?}", ob.style, nb.style),
                    NONE,
                    (WireImpact::Breaking, "old clients write arrays the old way"),
                );
            }
            if ob.one_of_required != nb.one_of_required {
                let text = |b: &crate::ir::Body| {
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
                    if alternatives.is_empty() {
                        "none".to_owned()
                    } else {
                        alternatives.join(" | ")
                    }
                };
                d.push(
                    item,
                    format!("body one_of_required {} → {}", text(ob), text(nb)),
                    NONE,
                    (
                        WireImpact::Compatible,
                        "old clients send bodies this one refuses, or refuse ones it sends",
                    ),
                );
            }
        }
        (None, None) => {}
    }
}

fn decode_text(side: &Side<'_>, decode: &Decode) -> String {
    match decode {
        Decode::Empty => "no body".to_owned(),
        Decode::Json { ty, envelope: None } => format!("`{}`", side.text(ty)),
        Decode::Json {
            ty,
            envelope: Some(k),
        } => format!("`{}` in envelope `{k}`", side.text(ty)),
        Decode::Text(ty) => format!("text `{}`", side.text(ty)),
    }
}

/// The Rust output type of a decode.
fn output_ty(decode: &Decode) -> Option<&Ty> {
    match decode {
        Decode::Empty => None,
        Decode::Json { ty, .. } | Decode::Text(ty) => Some(ty),
    }
}

fn responses(d: &mut Diff<'_>, item: &str, o: &Operation, n: &Operation) {
    // Every 2xx is decoded the way the first documented response says.
    let (od, nd) = (o.output(), n.output());
    if d.old.decode_key(od) != d.new.decode_key(nd) {
        let rust = if output_ty(od).map(|t| d.old.text(t)) != output_ty(nd).map(|t| d.new.text(t)) {
            (RustImpact::Breaking, "the call returns another type")
        } else {
            NONE
        };
        let wire_of = |side: &Side<'_>, dec: &Decode| match dec {
            Decode::Empty => "empty".to_owned(),
            Decode::Json { ty, envelope } => format!("json {} {envelope:?}", side.wire_ty(ty)),
            Decode::Text(ty) => format!("text {}", side.wire_ty(ty)),
        };
        let wire = if wire_of(&d.old, od) != wire_of(&d.new, nd) {
            (
                WireImpact::Breaking,
                "old clients decode the response the old way",
            )
        } else {
            NO_WIRE
        };
        d.push(
            item,
            format!(
                "response {} → {}",
                decode_text(&d.old, od),
                decode_text(&d.new, nd)
            ),
            rust,
            wire,
        );
    }
    let old_s: Vec<u16> = o.success.iter().map(|r| r.status).collect();
    let new_s: Vec<u16> = n.success.iter().map(|r| r.status).collect();
    for r in &n.success {
        if !old_s.contains(&r.status) {
            let wire = if d.new.decode_key(&r.decode) == d.old.decode_key(od) {
                (
                    WireImpact::None,
                    "old clients read it as they read the others",
                )
            } else {
                (
                    WireImpact::Breaking,
                    "old clients decode it as the old first response and may fail",
                )
            };
            d.push(
                item,
                format!(
                    "status {} added ({})",
                    r.status,
                    decode_text(&d.new, &r.decode)
                ),
                NONE,
                wire,
            );
        }
    }
    for s in &old_s {
        if !new_s.contains(s) {
            d.push(item, format!("status {s} removed"), NONE, NO_WIRE);
        }
    }
    for r in &n.success {
        let Some(old) = o.success.iter().find(|x| x.status == r.status) else {
            continue;
        };
        if old.failure_key != r.failure_key {
            let text = |k: &Option<String>| {
                k.as_ref()
                    .map_or("none".to_owned(), |k| format!("an object with `{k}`"))
            };
            d.push(
                item,
                format!(
                    "status {} failure test {} → {}",
                    r.status,
                    text(&old.failure_key),
                    text(&r.failure_key)
                ),
                NONE,
                (
                    WireImpact::Breaking,
                    "old clients and this one disagree on which bodies are failures",
                ),
            );
        }
    }
}

fn pagination(d: &mut Diff<'_>, item: &str, o: &Operation, n: &Operation) {
    let text = |p: &crate::ir::Pagination| {
        let path = |steps: &[crate::ir::Step]| {
            steps
                .iter()
                .map(|s| s.field.as_str())
                .collect::<Vec<_>>()
                .join(".")
        };
        let field = |f: &crate::ir::PageField| match f {
            crate::ir::PageField::Query(q) => format!("query {q}"),
            crate::ir::PageField::Body(steps) => format!("body {}", path(steps)),
        };
        let items = match path(&p.items) {
            empty if empty.is_empty() => "the items are the body".to_owned(),
            items => format!("items at `{items}`"),
        };
        format!(
            "page in {} from {}, {items}{}{}",
            field(&p.page_param),
            p.first_page,
            p.last_page
                .as_ref()
                .map(|l| format!(", last page at `{}`", path(l)))
                .unwrap_or_default(),
            p.size_param
                .as_ref()
                .map(|s| format!(", size in {}", field(s)))
                .unwrap_or_default(),
        )
    };
    match (&o.pagination, &n.pagination) {
        (None, Some(p)) => d.push(
            item,
            format!("pagination added: {}", text(p)),
            (RustImpact::Additive, "the builder gains `stream()`"),
            NO_WIRE,
        ),
        (Some(_), None) => d.push(
            item,
            "pagination removed",
            (RustImpact::Breaking, "the builder loses `stream()`"),
            NO_WIRE,
        ),
        (Some(op), Some(np))
            if text(op) != text(np) || d.old.text(&op.item_ty) != d.new.text(&np.item_ty) =>
        {
            let item_changed = d.old.text(&op.item_ty) != d.new.text(&np.item_ty);
            d.push(
                item,
                format!("pagination {} → {}", text(op), text(np)),
                if item_changed {
                    (RustImpact::Breaking, "`stream()` yields another type")
                } else {
                    NONE
                },
                (
                    WireImpact::Breaking,
                    "old clients' `stream()` pages the old way and may skip, repeat or stop early",
                ),
            )
        }
        _ => {}
    }
}

/// How values of an object type are built: derived `Default`, `new(..)` with these arguments,
/// or neither (as the emitter decides).
fn construction(t: &TypeModel) -> String {
    let TypeBody::Object { fields, .. } = &t.body else {
        return String::new();
    };
    if !fields.iter().any(|f| f.required) {
        return "`Default`".to_owned();
    }
    if fields.iter().any(|f| f.read_only && f.required) {
        return "no constructor".to_owned();
    }
    let args: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.rust.as_str())
        .collect();
    format!("`new({})`", args.join(", "))
}

fn type_model(d: &mut Diff<'_>, o: &TypeModel, n: &TypeModel) {
    let item = format!("`{}`", n.spec_name);
    if o.rust != n.rust {
        d.push(
            item.clone(),
            format!("renamed in Rust: `{}` → `{}`", o.rust, n.rust),
            (RustImpact::Breaking, "the old name is gone"),
            NO_WIRE,
        );
    }
    let sent = d.old.sent.contains(&o.rust) || d.new.sent.contains(&n.rust);
    let received = d.old.received.contains(&o.rust) || d.new.received.contains(&n.rust);
    match (&o.body, &n.body) {
        (
            TypeBody::Object {
                fields: of,
                keep_unknown: ok,
            },
            TypeBody::Object {
                fields: nf,
                keep_unknown: nk,
            },
        ) => {
            let form = d.old.form.contains(&o.rust) || d.new.form.contains(&n.rust);
            let (oc, nc) = (construction(o), construction(n));
            let ctor = (oc != nc).then(|| format!("built with {oc} → {nc}"));
            let old_f: BTreeMap<&str, &FieldModel> =
                of.iter().map(|f| (f.wire.as_str(), f)).collect();
            let new_f: BTreeMap<&str, &FieldModel> =
                nf.iter().map(|f| (f.wire.as_str(), f)).collect();
            let dir = Direction {
                sent,
                received,
                form,
            };
            for (wire, pair) in pairs(&old_f, &new_f) {
                let fitem = format!("`{}.{wire}`", n.spec_name);
                field(d, &fitem, pair, dir, ctor.as_deref());
            }
            if ok != nk {
                d.push(
                    item.clone(),
                    if *nk {
                        "keeps unknown fields"
                    } else {
                        "drops unknown fields"
                    },
                    if *nk {
                        (RustImpact::Additive, "gains the `extra` field")
                    } else {
                        (RustImpact::Breaking, "loses the `extra` field")
                    },
                    NO_WIRE,
                );
            }
        }
        (
            TypeBody::Enum {
                integer: oi,
                values: ov,
            },
            TypeBody::Enum {
                integer: ni,
                values: nv,
            },
        ) => {
            if oi != ni {
                d.push(
                    item.clone(),
                    if *ni {
                        "string enum → integer enum"
                    } else {
                        "integer enum → string enum"
                    },
                    (RustImpact::Breaking, "`Unknown` holds another type"),
                    (
                        WireImpact::Breaking,
                        "old clients send and expect the old kind",
                    ),
                );
            }
            let key = |v: &crate::ir::EnumValue| match &v.value {
                crate::ir::EnumLiteral::Int(i) => i.to_string(),
                crate::ir::EnumLiteral::Str(s) => format!("\"{s}\""),
            };
            let old_v: BTreeMap<String, _> = ov.iter().map(|v| (key(v), v)).collect();
            let new_v: BTreeMap<String, _> = nv.iter().map(|v| (key(v), v)).collect();
            let keys: BTreeSet<&String> = old_v.keys().chain(new_v.keys()).collect();
            for k in keys {
                let vitem = format!("`{}` value `{}`", n.spec_name, k.trim_matches('"'));
                match (old_v.get(k), new_v.get(k)) {
                    (None, Some(v)) => {
                        let unknown =
                            format!("old clients decode it as `{}::Unknown({k})`", o.rust);
                        d.push(
                            vitem,
                            "enum value added",
                            (
                                RustImpact::Additive,
                                &format!("new variant `{}::{}` (the enum is open)", n.rust, v.rust),
                            ),
                            if received {
                                (WireImpact::Compatible, &unknown)
                            } else {
                                NO_WIRE
                            },
                        );
                    }
                    (Some(v), None) => d.push(
                        vitem,
                        "enum value removed",
                        (
                            RustImpact::Breaking,
                            &format!(
                                "variant `{}::{}` is gone: a `match` naming it no longer \
                                 compiles",
                                o.rust, v.rust
                            ),
                        ),
                        if sent {
                            (WireImpact::Compatible, "old clients may still send it")
                        } else {
                            NO_WIRE
                        },
                    ),
                    (Some(a), Some(b)) if a.rust != b.rust => d.push(
                        vitem,
                        format!("variant renamed in Rust: `{}` → `{}`", a.rust, b.rust),
                        (RustImpact::Breaking, "the old variant name is gone"),
                        NO_WIRE,
                    ),
                    _ => {}
                }
            }
        }
        (TypeBody::Union { variants: ov }, TypeBody::Union { variants: nv }) => {
            let old_v: BTreeMap<&str, _> = ov.iter().map(|v| (v.rust.as_str(), v)).collect();
            let new_v: BTreeMap<&str, _> = nv.iter().map(|v| (v.rust.as_str(), v)).collect();
            for (name, pair) in pairs(&old_v, &new_v) {
                let vitem = format!("`{}::{name}`", n.spec_name);
                match pair {
                    (None, Some(v)) => d.push(
                        vitem,
                        format!("union variant added: `{}`", d.new.text(&v.ty)),
                        (
                            RustImpact::Breaking,
                            "a new variant: a `match` without a wildcard no longer compiles \
                             (unions have no `Unknown`)",
                        ),
                        if received {
                            (
                                WireImpact::Breaking,
                                "old clients fail to decode a value of the new shape",
                            )
                        } else {
                            NO_WIRE
                        },
                    ),
                    (Some(_), None) => d.push(
                        vitem,
                        "union variant removed",
                        (RustImpact::Breaking, "the variant is gone"),
                        if sent {
                            (
                                WireImpact::Compatible,
                                "old clients may still send that shape",
                            )
                        } else {
                            NO_WIRE
                        },
                    ),
                    (Some(a), Some(b)) => {
                        let (aw, bw) = (d.old.wire_ty(&a.ty), d.new.wire_ty(&b.ty));
                        let (at, bt) = (d.old.text(&a.ty), d.new.text(&b.ty));
                        if at != bt {
                            d.push(
                                vitem,
                                format!("variant type `{at}` → `{bt}`"),
                                (RustImpact::Breaking, "the variant holds another type"),
                                if aw != bw {
                                    (
                                        WireImpact::Breaking,
                                        "old clients send and expect the old shape",
                                    )
                                } else {
                                    NO_WIRE
                                },
                            );
                        }
                    }
                    (None, None) => {}
                }
            }
            let order = |vs: &[crate::ir::Variant]| -> Vec<String> {
                vs.iter().map(|v| v.rust.clone()).collect()
            };
            let (oo, no) = (order(ov), order(nv));
            let kept_old: Vec<&String> = oo.iter().filter(|v| no.contains(v)).collect();
            let kept_new: Vec<&String> = no.iter().filter(|v| oo.contains(v)).collect();
            if kept_old != kept_new {
                d.push(
                    item.clone(),
                    format!(
                        "variants tried in another order: {} → {}",
                        oo.join(", "),
                        no.join(", ")
                    ),
                    NONE,
                    (
                        WireImpact::Compatible,
                        "old clients try the old order: a value that fits two variants may \
                         decode as the other one",
                    ),
                );
            }
        }
        _ => d.push(
            item,
            format!("{} → {}", kind(o), kind(n)),
            (RustImpact::Breaking, "another kind of type"),
            (
                WireImpact::Breaking,
                "old clients send and expect the old shape",
            ),
        ),
    }
}

/// Where the values of an object type travel.
#[derive(Clone, Copy)]
struct Direction {
    sent: bool,
    received: bool,
    form: bool,
}

fn field_text(side: &Side<'_>, f: &FieldModel) -> String {
    let mut flags = vec![required(f.required)];
    if f.nullable {
        flags.push("nullable");
    }
    if f.read_only {
        flags.push("read-only");
    }
    if f.write_only {
        flags.push("write-only");
    }
    format!("{} `{}`", flags.join(" "), side.text(&f.ty))
}

fn field(
    d: &mut Diff<'_>,
    item: &str,
    pair: (Option<&FieldModel>, Option<&FieldModel>),
    dir: Direction,
    ctor: Option<&str>,
) {
    let ctor_why = |generic: &str| match ctor {
        Some(c) => format!("{generic}; {c}"),
        None => generic.to_owned(),
    };
    match pair {
        (None, Some(f)) => {
            let rust = if f.required {
                (RustImpact::Breaking, ctor_why("a required field"))
            } else {
                (RustImpact::Additive, "an `Option` field".to_owned())
            };
            let wire = if dir.sent && f.required && !f.read_only {
                (
                    WireImpact::Breaking,
                    "old clients do not send it, and it is required",
                )
            } else if dir.received && !dir.sent {
                (
                    WireImpact::None,
                    "old clients keep it with the unknown fields or skip it",
                )
            } else {
                (WireImpact::None, "old clients leave it out")
            };
            d.push(
                item,
                format!("field added: {}", field_text(&d.new, f)),
                (rust.0, &rust.1),
                wire,
            );
        }
        (Some(f), None) => {
            let wire = if dir.received && f.required && !f.nullable {
                (
                    WireImpact::Breaking,
                    "old clients fail to decode a response without it",
                )
            } else if dir.sent && !f.read_only {
                (WireImpact::Compatible, "old clients still send it")
            } else {
                NO_WIRE
            };
            d.push(
                item,
                format!("field removed (was {})", field_text(&d.old, f)),
                (RustImpact::Breaking, &ctor_why("the field is gone")),
                wire,
            );
        }
        (Some(o), Some(n)) => field_changed(d, item, o, n, dir, &ctor_why),
        (None, None) => {}
    }
}

fn field_changed(
    d: &mut Diff<'_>,
    item: &str,
    o: &FieldModel,
    n: &FieldModel,
    dir: Direction,
    ctor_why: &dyn Fn(&str) -> String,
) {
    if o.rust != n.rust {
        d.push(
            item,
            format!("renamed in Rust: `{}` → `{}`", o.rust, n.rust),
            (RustImpact::Breaking, "the old field name is gone"),
            NO_WIRE,
        );
    }
    let (ow, nw) = (d.old.wire_ty(&o.ty), d.new.wire_ty(&n.ty));
    let (ot, nt) = (d.old.text(&o.ty), d.new.text(&n.ty));
    if ot != nt {
        let wire = if ow == nw {
            NO_WIRE
        } else if dir.received && ow != "json" {
            (
                WireImpact::Breaking,
                "old clients expect the old type and fail to decode the new one",
            )
        } else if dir.sent && !o.read_only {
            (WireImpact::Breaking, "old clients send the old type")
        } else {
            NO_WIRE
        };
        d.push(
            item,
            format!("type `{ot}` → `{nt}`"),
            (RustImpact::Breaking, "the field holds another type"),
            wire,
        );
    }
    let option = FieldModel::optional;
    if o.required != n.required || o.nullable != n.nullable {
        let what = format!(
            "{} → {}",
            flags(o.required, o.nullable),
            flags(n.required, n.nullable)
        );
        let rust = if option(o) != option(n) {
            (
                RustImpact::Breaking,
                ctor_why(if option(n) {
                    "the field becomes an `Option`"
                } else {
                    "the field is no longer an `Option`"
                }),
            )
        } else if o.required != n.required && !n.read_only {
            (
                RustImpact::Breaking,
                ctor_why("the constructor's arguments change"),
            )
        } else {
            (RustImpact::None, String::new())
        };
        let mut wire = (WireImpact::None, String::new());
        let sent = dir.sent && !n.read_only;
        if dir.received && o.required && !n.required {
            wire = (
                WireImpact::Breaking,
                "old clients fail to decode a response that leaves it out".to_owned(),
            );
        } else if dir.received && o.required && !o.nullable && n.nullable {
            wire = (
                WireImpact::Breaking,
                "old clients fail to decode `null`".to_owned(),
            );
        } else if sent && !o.required && n.required {
            wire = (
                WireImpact::Breaking,
                "old clients may leave it out, and it is required".to_owned(),
            );
        } else if sent && o.nullable && !n.nullable {
            wire = (
                WireImpact::Breaking,
                "old clients send `null` when it is unset".to_owned(),
            );
        }
        d.push(item, what, (rust.0, &rust.1), (wire.0, &wire.1));
    }
    if o.read_only != n.read_only {
        let rust = if o.required || n.required {
            (RustImpact::Breaking, ctor_why("the constructor changes"))
        } else {
            (RustImpact::None, String::new())
        };
        let wire = if n.read_only && dir.sent {
            (
                WireImpact::Compatible,
                "old clients still send it; the server ignores or refuses it",
            )
        } else if !n.read_only && n.required && dir.sent {
            (
                WireImpact::Breaking,
                "old clients never send it, and it is required",
            )
        } else {
            NO_WIRE
        };
        d.push(
            item,
            if n.read_only {
                "becomes read-only (never sent)"
            } else {
                "no longer read-only (sent)"
            },
            (rust.0, &rust.1),
            wire,
        );
    }
    if o.write_only != n.write_only {
        d.push(
            item,
            if n.write_only {
                "becomes write-only (never returned)"
            } else {
                "no longer write-only"
            },
            NONE,
            NO_WIRE,
        );
    }
    if o.deprecated != n.deprecated {
        d.push(
            item,
            match &n.deprecated {
                Some(m) => format!("deprecated: {m}"),
                None => "no longer deprecated".to_owned(),
            },
            (
                RustImpact::None,
                if n.deprecated.is_some() {
                    "callers get a deprecation warning"
                } else {
                    ""
                },
            ),
            NO_WIRE,
        );
    }
    if o.form_name != n.form_name {
        d.push(
            item,
            format!(
                "form name `{}` → `{}`",
                o.form_name.as_deref().unwrap_or(&o.wire),
                n.form_name.as_deref().unwrap_or(&n.wire)
            ),
            NONE,
            if dir.form {
                (
                    WireImpact::Breaking,
                    "old clients send it under the old name",
                )
            } else {
                NO_WIRE
            },
        );
    }
}

fn flags(required: bool, nullable: bool) -> &'static str {
    match (required, nullable) {
        (true, true) => "required nullable",
        (true, false) => "required",
        (false, true) => "optional nullable",
        (false, false) => "optional",
    }
}

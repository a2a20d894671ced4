//! The client pass: what is set once on the client (client parameters, credentials, the base
//! URL's placeholders, global parameters) and how it paces and retries calls (rate limit, its
//! headers, retry policy).

use std::collections::BTreeSet;

use super::{Lowerer, check, docs, fold_docs, join};
use crate::ir;
use crate::spec;

impl Lowerer<'_> {
    /// Client parameters, credentials and global parameters, named together in the client
    /// builder.
    pub(super) fn client(&mut self) -> (Vec<ir::ClientParam>, Vec<ir::Auth>, Vec<ir::Param>) {
        let spec = self.spec;
        let (builder_names, auth_names, global_names) = self.client_builder_names();
        let client_params = self.client_params(builder_names);
        check::base_url(&mut self.cx, &spec.base_url, &client_params);
        let paths: Vec<&str> = spec
            .operations
            .values()
            .map(|op| op.path.as_str())
            .collect();
        check::client_path_params_used(&mut self.cx, &client_params, &paths);
        let auth = self.auth(auth_names);
        for a in &auth {
            if let ir::AuthKind::FormFields(fields) = &a.kind {
                self.form_credentials.extend(fields.iter().cloned());
            }
        }
        let global_params: Vec<_> = self.params(
            "global_params",
            &spec.global_params,
            Some(global_names),
            &BTreeSet::new(),
        );
        check::globals_not_in_path(&mut self.cx, &global_params);
        self.global_names = global_params.iter().map(|p| p.rust.clone()).collect();
        (client_params, auth, global_params)
    }

    pub(super) fn client_params(&mut self, names: Vec<String>) -> Vec<ir::ClientParam> {
        let spec = self.spec;
        spec.client_params
            .iter()
            .zip(names)
            .map(|((wire, p), rust)| {
                self.cite(&format!("client_params.{wire}.cite"), &p.cite);
                ir::ClientParam {
                    wire: wire.clone(),
                    rust,
                    location: p.location,
                    docs: fold_docs(&p.docs, None, p.note.as_deref()),
                }
            })
            .collect()
    }

    pub(super) fn auth(&mut self, names: Vec<String>) -> Vec<ir::Auth> {
        let spec = self.spec;
        spec.auth
            .iter()
            .zip(names)
            .map(|((name, a), rust)| {
                let path = format!("auth.{name}");
                self.cite(&join(&path, "cite"), &a.cite);
                let misplaced = |cx: &mut Self, key: &str, present: bool| {
                    if present {
                        cx.error(
                            &join(&path, key),
                            format!("`{key}` does not apply to `kind: {:?}`", a.kind)
                                .to_lowercase(),
                        );
                    }
                };
                let k = a.kind;
                misplaced(
                    self,
                    "header",
                    a.header.is_some() && k != spec::AuthKind::Header,
                );
                misplaced(
                    self,
                    "fields",
                    !a.fields.is_empty() && k != spec::AuthKind::FormFields,
                );
                misplaced(
                    self,
                    "authorize_url",
                    a.authorize_url.is_some() && k != spec::AuthKind::Oauth2,
                );
                misplaced(
                    self,
                    "token_url",
                    a.token_url.is_some() && k != spec::AuthKind::Oauth2,
                );
                let kind = match k {
                    spec::AuthKind::Header => {
                        let header = a.header.clone().unwrap_or_default();
                        if a.header.is_none() {
                            self.error(&path, "`kind: header` needs `header: <name>`");
                        } else {
                            check::header_name(&mut self.cx, &join(&path, "header"), &header);
                        }
                        ir::AuthKind::Header(header)
                    }
                    spec::AuthKind::Bearer => ir::AuthKind::Bearer,
                    spec::AuthKind::FormFields => {
                        if a.fields.is_empty() {
                            self.error(&path, "`kind: form_fields` needs `fields: [..]`");
                        }
                        ir::AuthKind::FormFields(a.fields.clone())
                    }
                    spec::AuthKind::Oauth2 => {
                        for (key, url) in [
                            ("authorize_url", &a.authorize_url),
                            ("token_url", &a.token_url),
                        ] {
                            match url {
                                Some(u) if u.starts_with("https://") => {}
                                Some(_) => self
                                    .error(&join(&path, key), "an OAuth2 endpoint must use https"),
                                None => self.error(&path, format!("`kind: oauth2` needs `{key}`")),
                            }
                        }
                        ir::AuthKind::Oauth2 {
                            authorize_url: a.authorize_url.clone().unwrap_or_default(),
                            token_url: a.token_url.clone().unwrap_or_default(),
                        }
                    }
                };
                ir::Auth {
                    rust,
                    kind,
                    required: a.required,
                    docs: fold_docs(&a.docs, None, a.note.as_deref()),
                }
            })
            .collect()
    }

    /// At most `calls` calls in any `per_seconds` seconds.
    pub(super) fn rate_limit(&mut self) -> Option<(u32, u32)> {
        let r = self.spec.rate_limit.as_ref()?;
        self.cite("rate_limit.cite", &r.cite);
        if r.calls == 0 || r.per_seconds == 0 {
            self.error("rate_limit", "`calls` and `per_seconds` must be positive");
        }
        Some((r.calls, r.per_seconds))
    }

    /// Checks `rate_limit.headers`: valid header names, all different, and none of the headers
    /// the runtime reads for itself (`Retry-After`, `Date`), whose meaning is fixed by HTTP.
    pub(super) fn rate_limit_headers(
        &mut self,
        h: &spec::RateLimitHeaders,
    ) -> ir::RateLimitHeadersModel {
        let path = "rate_limit.headers";
        let cite = self.cite(&join(path, "cite"), &h.cite);
        let mut seen: Vec<(&str, String)> = Vec::new();
        let named = [
            ("limit", h.limit.as_ref()),
            ("remaining", Some(&h.remaining)),
            ("reset", Some(&h.reset)),
        ];
        for (key, name) in named {
            let Some(name) = name else { continue };
            let at = join(path, key);
            check::header_name(&mut self.cx, &at, name);
            let lower = name.to_ascii_lowercase();
            if let Some((other, _)) = seen.iter().find(|(_, n)| *n == lower) {
                self.error(&at, format!("`{name}` is already the `{other}` header"));
            }
            if ["retry-after", "date"].contains(&lower.as_str()) {
                self.error(
                    &at,
                    format!(
                        "`{name}` is read by the runtime on its own; name the API's own header"
                    ),
                );
            }
            seen.push((key, lower));
        }
        ir::RateLimitHeadersModel {
            limit: h.limit.as_ref().map(|n| n.to_ascii_lowercase()),
            remaining: h.remaining.to_ascii_lowercase(),
            reset: h.reset.to_ascii_lowercase(),
            reset_format: h.reset_format,
            cite,
        }
    }

    pub(super) fn retry(&mut self) -> Option<ir::RetryModel> {
        let r = self.spec.retry.as_ref()?;
        if r.max_attempts == 0 {
            self.error("retry.max_attempts", "at least one attempt is needed");
        }
        if r.initial_backoff_ms > r.max_backoff_ms {
            self.error(
                "retry.initial_backoff_ms",
                "is larger than `max_backoff_ms`",
            );
        }
        Some(ir::RetryModel {
            max_attempts: r.max_attempts,
            initial_backoff_ms: r.initial_backoff_ms,
            max_backoff_ms: r.max_backoff_ms,
            retry_statuses: r.retry_statuses.clone(),
            not_processed_statuses: r.not_processed_statuses.clone(),
            docs: docs::sanitize(&r.docs),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{SPEC, lower_err, lower_ok};
    use crate::ir::{AuthKind, ClientParamLocation, ParamLocation, Ty};

    const CLIENT: &str = "client_params:
  calendarKey: {in: path, docs: x, cite: {doc: d, section: s}}
auth:
  token: {kind: header, header: X-Token, required: true, docs: x, cite: {doc: d, section: s}}
global_params:
  tz: {in: query, type: string, docs: x}
rate_limit: {calls: 10, per_seconds: 2, cite: {doc: d, section: s}}
";

    #[test]
    fn the_client_holds_its_parameters_credentials_and_limits() {
        let spec = format!(
            "{CLIENT}{}",
            SPEC.replace("path: /thing", "path: /{calendarKey}/t")
        );
        let api = lower_ok(&spec);
        let c = &api.client_params[0];
        assert_eq!(
            (c.wire.as_str(), c.rust.as_str(), c.location),
            ("calendarKey", "calendar_key", ClientParamLocation::Path)
        );
        assert_eq!(api.auth[0].rust, "token");
        assert_eq!(api.auth[0].kind, AuthKind::Header("X-Token".into()));
        let g = &api.global_params[0];
        assert_eq!((g.rust.as_str(), g.location), ("tz", ParamLocation::Query));
        assert_eq!(g.ty, Ty::String);
        assert_eq!(api.rate_limit, Some((10, 2)));
        assert!(api.retry.is_none());
    }

    #[test]
    fn client_problems_are_all_reported() {
        let spec = format!(
            "{}{SPEC}",
            CLIENT
                .replace("header: X-Token", "header: X Token")
                .replace("calls: 10", "calls: 0")
                .replace("in: query", "in: path, required: true")
        );
        assert_eq!(
            lower_err(&spec),
            [
                "client_params.calendarKey: no operation's `path` has the placeholder \
                 `{calendarKey}`",
                "auth.token.header: `X Token` is not a valid HTTP header name",
                "global_params.tz.in: global parameters go in the query or a header; path values \
                 are `client_params`",
                "rate_limit: `calls` and `per_seconds` must be positive",
            ]
        );
    }
}

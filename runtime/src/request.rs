//! A request as the generated code describes it, before the transport adds auth and sends it.

use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use serde::Serialize;

use crate::encode::{Pairs, ToParam, push_path_segment};

/// The body of a request.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    None,
    /// Shared, so that each attempt of a retried call sends it without a copy.
    Json(bytes::Bytes),
    Form(Pairs),
}

/// One call, assembled by generated code. Problems found while assembling (a bad path value, a
/// header with a line break) are kept and reported by the transport before anything is sent.
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) template: &'static str,
    pub(crate) path: String,
    pub(crate) query: Pairs,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Body,
    pub(crate) idempotent: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_body: Option<u64>,
    pub(crate) invalid: Option<String>,
}

impl Request {
    /// Starts a request for `operation`; `template` is the documented path, used in logs and
    /// errors instead of the real path, which may hold keys.
    pub fn new(
        operation: &'static str,
        method: Method,
        template: &'static str,
        idempotent: bool,
    ) -> Self {
        Request {
            operation,
            method,
            template,
            // The template's length is the path's, give or take its parameters' values.
            path: String::with_capacity(template.len() + 16),
            query: Pairs::default(),
            headers: Vec::new(),
            body: Body::None,
            idempotent,
            timeout: None,
            max_body: None,
            invalid: None,
        }
    }

    /// Marks the request as invalid; the transport reports the first reason and sends nothing.
    pub fn refuse(&mut self, reason: impl Into<String>) {
        self.invalid.get_or_insert(reason.into());
    }

    /// Appends literal path text.
    pub fn path(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// Appends one escaped path segment.
    pub fn path_param(&mut self, name: &str, value: &impl ToParam) {
        if let Err(e) = push_path_segment(&mut self.path, name, &value.param_text()) {
            self.refuse(e.to_string());
        }
    }

    /// The query string being built.
    pub fn query(&mut self) -> &mut Pairs {
        &mut self.query
    }

    /// Adds a header. Values with a line break are refused (header injection).
    pub fn header(&mut self, name: &'static str, value: &impl ToParam) {
        let text = value.to_param();
        match HeaderValue::from_str(&text) {
            Ok(v) => self.headers.push((HeaderName::from_static(name), v)),
            Err(_) => self.refuse(format!(
                "header `{name}` holds a line break or another character a header cannot carry"
            )),
        }
    }

    /// Sets a JSON body.
    pub fn json_body<T: Serialize>(&mut self, body: &T) {
        self.set_json(serde_json::to_vec(body));
    }

    /// The part of [`Request::json_body`] that does not depend on the body's type, compiled
    /// once rather than once per body type.
    #[inline(never)]
    fn set_json(&mut self, encoded: serde_json::Result<Vec<u8>>) {
        match encoded {
            Ok(bytes) => self.body = Body::Json(bytes.into()),
            Err(e) => self.refuse(format!("the body does not serialize: {e}")),
        }
    }

    /// Sets a form body.
    pub fn form_body(&mut self, pairs: Pairs) {
        self.body = Body::Form(pairs);
    }

    /// Overrides the client's response body cap (in bytes) for this call.
    pub fn max_body(&mut self, limit: Option<u64>) {
        if limit.is_some() {
            self.max_body = limit;
        }
    }

    /// Overrides the client's total timeout for this call: one deadline for the whole call,
    /// waits and retries included.
    pub fn timeout(&mut self, timeout: Option<Duration>) {
        if timeout.is_some() {
            self.timeout = timeout;
        }
    }
}

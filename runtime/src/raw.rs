//! A raw escape hatch: a call to an endpoint the spec does not describe (Teamleader v1's
//! `helloWorld.php`), made through the client's own transport.
//!
//! Going through the transport rather than a second HTTP client is the point: the call shares
//! the client's credentials, rate limit (a second client would get its own 25 calls per 5 s and
//! break the vendor's limit), retry policy, timeouts and deadline, body cap and redaction. The
//! only thing the spec would add is the types, so the answer is a `serde_json::Value` or the
//! body's bytes.
//!
//! The path is checked before anything is sent: it is relative to the base URL, so it carries
//! no scheme, host or query, and no `.`/`..` segment (literal or percent-encoded) that would
//! move the credentials to another part of the server.

use std::marker::PhantomData;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method};
use serde::Serialize;

use crate::encode::{Pairs, ToParam};
use crate::error::{Error, ErrorBody};
use crate::request::Request;
use crate::response::ResponseValue;
use crate::transport::Transport;

/// The operation name raw calls carry in logs, spans and errors. The real path is never
/// logged: it may hold keys (Teamup's calendar key).
pub const RAW_OPERATION: &str = "raw_request";

/// A call to a path the spec does not describe; made by a generated client's
/// `raw_request(method, path)`. Add query pairs, headers and a JSON or form body, then
/// [`RawRequest::send`] (JSON) or [`RawRequest::bytes`] (any body).
///
/// Idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) are retried as the client's
/// policy allows for them; POST and PATCH only on the statuses that prove nothing was done,
/// like generated operations. [`RawRequest::idempotent`] overrides that for a POST the API
/// documents as safe to repeat.
#[must_use = "a request does nothing until it is sent"]
#[derive(Debug)]
pub struct RawRequest<'a, E> {
    transport: &'a Transport,
    request: Request,
    error: PhantomData<fn() -> E>,
}

/// Why a raw path cannot be sent, or `None` when it can.
fn path_problem(path: &str) -> Option<String> {
    if path.contains("://") || path.starts_with("//") {
        return Some(format!(
            "the path `{path}` names a scheme or host; it must be relative to the client's base URL"
        ));
    }
    if let Some(c) = path.chars().find(|c| matches!(c, '?' | '#')) {
        return Some(format!(
            "the path holds `{c}`; add query pairs with `.query(name, value)`"
        ));
    }
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '/' | '-'
                    | '.'
                    | '_'
                    | '~'
                    | '%'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | ':'
                    | '@'
            )
    };
    if let Some(c) = path.chars().find(|&c| !allowed(c)) {
        return Some(format!(
            "the path holds {c:?}, which a URL path cannot carry unescaped; percent-encode it"
        ));
    }
    for segment in path.split('/') {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        if decoded == "." || decoded == ".." {
            return Some(format!(
                "the path holds a `{segment}` segment, which would leave the base URL's path"
            ));
        }
        if decoded.contains('/') || decoded.contains('\\') {
            return Some(format!(
                "the segment `{segment}` holds an encoded slash, which servers may read as a separator"
            ));
        }
    }
    None
}

/// Whether repeating a call with `method` is harmless (RFC 9110 §9.2.2).
fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

impl<'a, E: ErrorBody> RawRequest<'a, E> {
    /// A call of `method` to `path` (relative to the base URL, with or without a leading `/`).
    pub fn new(transport: &'a Transport, method: Method, path: &str) -> Self {
        let mut request = Request::new(RAW_OPERATION, method.clone(), "(raw path)", false);
        request.idempotent = idempotent(&method);
        match path_problem(path) {
            Some(reason) => request.refuse(reason),
            None => {
                if !path.starts_with('/') {
                    request.path("/");
                }
                request.path(path);
            }
        }
        RawRequest {
            transport,
            request,
            error: PhantomData,
        }
    }

    /// Adds a query pair (percent-encoded).
    pub fn query(mut self, name: &str, value: impl ToParam) -> Self {
        self.request.query().push(name, &value);
        self
    }

    /// Adds a header. A name or value a header cannot carry (a line break) refuses the call
    /// before anything is sent.
    pub fn header(mut self, name: &str, value: impl ToParam) -> Self {
        let text = value.to_param();
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&text),
        ) {
            (Ok(name), Ok(value)) => self.request.headers.push((name, value)),
            (Err(_), _) => self
                .request
                .refuse(format!("`{name}` is not a header name")),
            (_, Err(_)) => self.request.refuse(format!(
                "header `{name}` holds a line break or another character a header cannot carry"
            )),
        }
        self
    }

    /// Sends `body` as JSON. (An API whose credentials are form fields, Teamleader v1, gets
    /// them only with a form body or none.)
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.request.json_body(&body);
        self
    }

    /// Adds one form field to the body (`application/x-www-form-urlencoded`); form
    /// credentials are added after it.
    pub fn form(mut self, name: &str, value: impl ToParam) -> Self {
        let mut pairs = match std::mem::replace(&mut self.request.body, crate::request::Body::None)
        {
            crate::request::Body::Form(pairs) => pairs,
            _ => Pairs::default(),
        };
        pairs.push(name, &value);
        self.request.form_body(pairs);
        self
    }

    /// Overrides whether the call may be repeated after a failure that does not prove it was
    /// not carried out (by default: whether the method is idempotent).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.request.idempotent = idempotent;
        self
    }

    /// Overrides the client's total timeout for this call: one deadline for the whole call,
    /// waits and retries included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.request.timeout(Some(timeout));
        self
    }

    /// Overrides the client's response body cap, in bytes, for this call.
    pub fn max_body(mut self, bytes: u64) -> Self {
        self.request.max_body(Some(bytes));
        self
    }

    /// Sends the call and returns the body as it came. A failure status is an `Err` holding the
    /// API's error body when it decodes, the raw response otherwise.
    pub async fn bytes(self) -> Result<ResponseValue<Bytes>, Error<E>> {
        let response = self.transport.execute(self.request).await?;
        if response.is_success() {
            Ok(response.into_bytes())
        } else {
            Err(response.error())
        }
    }

    /// Sends the call and decodes the body as JSON; an empty body is `Value::Null`. A failure
    /// status is an `Err` as for [`RawRequest::bytes`]; a body that is not JSON is
    /// `Error::Decode`, which keeps it.
    pub async fn send(self) -> Result<ResponseValue<serde_json::Value>, Error<E>> {
        let response = self.transport.execute(self.request).await?;
        if !response.is_success() {
            return Err(response.error());
        }
        if response.body_is_blank() {
            return Ok(response.into_bytes().map(|_| serde_json::Value::Null));
        }
        response.json(None)
    }
}

#[cfg(test)]
mod tests {
    use super::path_problem;

    #[test]
    fn paths_stay_under_the_base_url() {
        for ok in [
            "helloWorld.php",
            "/helloWorld.php",
            "/a/b;c=d/e:f@g",
            "/items/%20x",
            "/v1.2/x..y",
        ] {
            assert_eq!(path_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("https://evil.example/x", "scheme or host"),
            ("//evil.example/x", "scheme or host"),
            ("/../admin", "`..` segment"),
            ("/a/./b", "`.` segment"),
            ("/a/%2e%2E/b", "`%2e%2E` segment"),
            ("/a/%2F/b", "encoded slash"),
            ("/x?y=1", "`?`"),
            ("/x#y", "`#`"),
            ("/a b", "' '"),
            ("/a\r\nHost: x", "'\\r'"),
            ("/é", "'é'"),
        ] {
            let problem = path_problem(bad).unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(problem.contains(why), "{bad}: {problem}");
        }
    }
}

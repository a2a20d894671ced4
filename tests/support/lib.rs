//! Shared helpers of the wire tests.
//!
//! A wire test points a generated client at a real HTTP server on 127.0.0.1 (a
//! [`wiremock::MockServer`] that answers every request the same way), makes one call, and then
//! inspects what crossed the wire: the method, the raw path and query, the headers and the body
//! bytes, exactly as the server received them. The documented examples the server answers with
//! are read from the spec at test time, so the tests and the spec cannot drift apart.
//!
//! - [`serve`], [`serve_with`]: start a server with a catch-all answer.
//! - [`received`], [`single_request`]: what the server received.
//! - [`header_values`], [`assert_header`]: one header of a received request.
//! - [`load_spec`], [`operation`], [`response_example`], [`request_example`],
//!   [`error_example`]: the spec and its documented examples.
//! - [`teamup_builder`], [`teamup_client`]: a Teamup client for a server.
//! - [`next_head`]: one request head, for servers written by hand over a socket.

use std::path::Path;

use clientgen::ir;
use tokio::io::{AsyncRead, AsyncReadExt};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Reads from `stream` into `buffer` until it holds a whole request head (through the blank
/// line), and returns that head, taken out of `buffer`; `None` if the stream ends or fails
/// first. What follows the head stays in `buffer` for the next call.
pub async fn next_head<S: AsyncRead + Unpin>(
    stream: &mut S,
    buffer: &mut Vec<u8>,
) -> Option<Vec<u8>> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(buffer.drain(..end + 4).collect());
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Starts a server that answers every request with `status` and `body` as `application/json`
/// (no body at all when `body` is empty).
pub async fn serve(status: u16, body: &str) -> MockServer {
    let mut template = ResponseTemplate::new(status);
    if !body.is_empty() {
        template = template.set_body_raw(body.as_bytes().to_vec(), "application/json");
    }
    serve_with(template).await
}

/// Starts a server that answers every request with `template`.
pub async fn serve_with(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// Every request the server received, in order.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on by default")
}

/// The one request the server received; fails if it received none or several.
pub async fn single_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got {requests:?}"
    );
    requests.remove(0)
}

/// Every value of header `name` in `request`, as text.
pub fn header_values<'a>(request: &'a Request, name: &str) -> Vec<&'a str> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("printable header value"))
        .collect()
}

/// Asserts that header `name` was sent exactly once with `expected`, or not at all when
/// `expected` is `None`.
#[track_caller]
pub fn assert_header(request: &Request, name: &str, expected: Option<&str>) {
    let values = header_values(request, name);
    let expected: Vec<&str> = expected.into_iter().collect();
    assert_eq!(
        values, expected,
        "header `{name}` of {} {}",
        request.method, request.url
    );
}

/// Loads and lowers the spec of `api` in the workspace: `specs/<api>.yaml` or the folder
/// `specs/<api>/`.
pub fn load_spec(api: &str) -> ir::Api {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let file = Path::new("specs").join(format!("{api}.yaml"));
    let rel = if root.join(&file).is_file() {
        file
    } else {
        Path::new("specs").join(api)
    };
    clientgen::load_spec(&root, &rel).unwrap_or_else(|e| panic!("{}:\n{e}", rel.display()))
}

/// The operation with spec id `id`.
pub fn operation<'a>(api: &'a ir::Api, id: &str) -> &'a ir::Operation {
    api.operations
        .iter()
        .find(|op| op.id == id)
        .unwrap_or_else(|| panic!("no operation `{id}` in the spec"))
}

fn named<'a>(examples: &'a [ir::Example], name: &str, what: &str) -> &'a str {
    examples
        .iter()
        .find(|e| e.name == name)
        .map(|e| e.body.as_str())
        .unwrap_or_else(|| panic!("no example `{name}` of {what}"))
}

/// The text of response example `name` of operation `op` with `status`.
pub fn response_example<'a>(api: &'a ir::Api, op: &str, status: u16, name: &str) -> &'a str {
    let response = operation(api, op)
        .success
        .iter()
        .find(|r| r.status == status)
        .unwrap_or_else(|| panic!("operation `{op}` documents no {status} response"));
    named(&response.examples, name, &format!("`{op}` {status}"))
}

/// The text of request-body example `name` of operation `op`.
pub fn request_example<'a>(api: &'a ir::Api, op: &str, name: &str) -> &'a str {
    let body = operation(api, op)
        .body
        .as_ref()
        .unwrap_or_else(|| panic!("operation `{op}` has no body"));
    named(&body.examples, name, &format!("the `{op}` body"))
}

/// The text of error-body example `name`.
pub fn error_example<'a>(api: &'a ir::Api, name: &str) -> &'a str {
    let error = api
        .error
        .as_ref()
        .expect("the spec documents an error body");
    named(&error.examples, name, "the error body")
}

/// The calendar key of the vendor document's examples.
pub const TEAMUP_CALENDAR_KEY: &str = "ks73ad7816e7a61b3a";

/// The API key the Teamup helpers send.
pub const TEAMUP_API_KEY: &str = "API_KEY";

/// A Teamup client builder for `server`, with [`TEAMUP_CALENDAR_KEY`] and [`TEAMUP_API_KEY`].
pub fn teamup_builder(server: &MockServer) -> saas_clients::teamup::ClientBuilder {
    saas_clients::teamup::Client::builder(TEAMUP_CALENDAR_KEY, TEAMUP_API_KEY)
        .transport(|t| t.base_url(server.uri()).allow_http(true))
}

/// A Teamup client for `server`, without password, `tz` or `lang`.
pub fn teamup_client(server: &MockServer) -> saas_clients::teamup::Client {
    teamup_builder(server).build().expect("client builds")
}

/// What a request should carry as its body.
#[derive(Debug, Clone, Copy)]
pub enum Sent<'a> {
    /// No body and no `Content-Type`.
    Nothing,
    /// This exact `application/x-www-form-urlencoded` body.
    Form(&'a str),
    /// This exact `application/json` body.
    Json(&'a str),
}

/// The body of a received request as text.
pub fn body_text(req: &Request) -> &str {
    std::str::from_utf8(&req.body).expect("UTF-8 body")
}

/// Checks what crossed the wire, byte for byte: the method, the raw path and query, `Accept`,
/// and the body with its `Content-Type`. Credentials are the caller's to check, per API.
#[track_caller]
pub fn assert_request(
    req: &Request,
    method: &str,
    path: &str,
    query: Option<&str>,
    sent: Sent<'_>,
) {
    assert_eq!(req.method.as_str(), method, "method of {}", req.url);
    assert_eq!(req.url.path(), path, "raw path");
    assert_eq!(req.url.query(), query, "raw query of {}", req.url);
    assert_header(req, "accept", Some("application/json"));
    let (content_type, body) = match sent {
        Sent::Nothing => (None, ""),
        Sent::Form(body) => (Some("application/x-www-form-urlencoded"), body),
        Sent::Json(body) => (Some("application/json"), body),
    };
    assert_header(req, "content-type", content_type);
    assert_eq!(body_text(req), body, "body bytes of {method} {path}");
}

/// A token store that records every pair it is given, in order, as `(access, refresh)`; set
/// `fail` to make it refuse.
#[derive(Default)]
pub struct RecordingStore {
    /// Pairs saved so far.
    pub saved: std::sync::Mutex<Vec<(String, String)>>,
    /// Whether saving fails.
    pub fail: std::sync::Mutex<bool>,
}

impl clientgen_runtime::oauth::TokenStore for RecordingStore {
    fn save<'a>(
        &'a self,
        pair: &'a clientgen_runtime::oauth::TokenPair,
    ) -> clientgen_runtime::oauth::StoreFuture<'a> {
        Box::pin(async move {
            if *self.fail.lock().unwrap() {
                return Err("the database is down".to_owned());
            }
            // The accessors, as a user's store would read them: no `secrecy` needed.
            self.saved.lock().unwrap().push((
                pair.access_token_str().to_owned(),
                pair.refresh_token_str().to_owned(),
            ));
            Ok(())
        })
    }
}

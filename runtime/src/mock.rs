//! A local stand-in for an API, for the tests a user writes of their own code (feature `mock`).
//!
//! Each generated API module has a thin `mock` module: a table of its operations (method, path
//! template, documented example) and one typed expectation per operation. Everything that does
//! work lives here, once: the HTTP server on 127.0.0.1, routing a request to its operation,
//! choosing the answer, recording what was received and verifying the expectations when the
//! server is dropped.
//!
//! Why a real server rather than a fake client: the user's code keeps its real
//! [`Transport`](crate::Transport) (auth, retries, rate limit, decoding, error mapping), so a test
//! written with the kit exercises what production runs, and a test can still look at the bytes
//! that crossed the wire ([`MockServer::calls`]).
//!
//! Failures of the user's test are reported by panicking in the user's thread (an unmet
//! expectation on drop, a value that cannot be encoded): that is what a test assertion does. The
//! server task itself never panics: a user's matcher that panics is caught, counted as a
//! non-match and reported on drop; a poisoned lock is recovered; a body over [`MAX_BODY`] is
//! answered 413 without being read further; the record of calls keeps at most [`MAX_CALLS`].

use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use crate::oauth::{OAuthConfig, OAuthSession, StoreFuture, TokenPair, TokenStore};

/// The largest request body the server reads; a larger one is answered 413.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// The most calls [`MockServer::calls`] keeps; later ones are answered but not recorded (the
/// verification on drop says how many were left out).
pub const MAX_CALLS: usize = 10_000;

/// One operation of an API as the server routes it. Generated; one per operation.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// The operation's id (the client method's name).
    pub operation: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template below the base URL, with `{placeholders}`.
    pub path: &'static str,
    /// The status of the documented success response, which [`Expect::respond`] answers with.
    pub status: u16,
    /// How its body is written.
    pub encoding: Encoding,
    /// The answer when no expectation matches: the first documented success example, or the
    /// documented status alone for an operation without a body. `None`: nothing documented.
    pub example: Option<Example>,
}

/// A documented answer: status and body text (empty for no body), of the route's encoding.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// HTTP status.
    pub status: u16,
    /// The body as the spec writes it (JSON without the whitespace between tokens).
    pub body: &'static str,
}

/// How an operation's success value goes on the wire. Generated; one per operation.
#[derive(Debug, Clone, Copy)]
pub enum Encoding {
    /// JSON, wrapped in `{"<envelope>": ...}` when there is one.
    Json {
        /// The envelope key.
        envelope: Option<&'static str>,
    },
    /// Plain text (a string or an integer).
    Text,
    /// No body.
    Empty,
}

/// Which answer a received call got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// An expectation's, by its description.
    Expectation(String),
    /// The operation's documented example.
    Example,
    /// 501: the operation has no expectation that matched and no documented example.
    NoExample,
    /// 404: no operation of the API has this method and path.
    NoOperation,
    /// 413: the body was larger than [`MAX_BODY`].
    TooLarge,
}

/// A request the server received, as it arrived.
#[derive(Debug, Clone)]
pub struct Call {
    /// The operation it was routed to, if any.
    pub operation: Option<&'static str>,
    /// HTTP method.
    pub method: Method,
    /// The path as sent, still percent-encoded.
    pub path: String,
    /// The query string as sent, without `?`; `None` when there was none.
    pub query: Option<String>,
    /// The headers.
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Bytes,
    /// The answer it got.
    pub answer: Answer,
    path_params: PathParams,
}

impl Call {
    /// The value of a path placeholder (by its name in the path template), percent-decoded.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every query pair, decoded, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let query = self.query.as_deref().unwrap_or("");
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The first value of the query parameter `name`, decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The first value of the header `name`, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body decoded as JSON into `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The body decoded as `application/x-www-form-urlencoded` pairs, in order.
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        match self.operation {
            Some(op) => write!(f, " ({op})"),
            None => write!(f, " (no operation)"),
        }
    }
}

const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";

type Matcher = Box<dyn Fn(&Call) -> bool + Send + Sync>;

/// An answer: status, `Content-Type` and body.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    content_type: Option<&'static str>,
    body: Bytes,
}

struct Expectation {
    operation: &'static str,
    description: String,
    matchers: Vec<Matcher>,
    times: Option<usize>,
    hits: usize,
    reply: Reply,
}

#[derive(Default)]
struct State {
    expectations: Vec<Expectation>,
    calls: Vec<Call>,
    unrecorded: usize,
    problems: Vec<String>,
}

struct Shared {
    api: &'static str,
    routes: &'static [Route],
    state: Mutex<State>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held (none is expected: matchers run under catch_unwind)
        // must not turn every later call into a second panic.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A local HTTP server on 127.0.0.1 that answers as one API would. Each generated `mock`
/// module wraps one; use that (`saas_clients::teamup::mock::MockServer`).
///
/// Dropping it stops the server and verifies the expectations set on it: an expectation with
/// [`Expect::times`] must have matched exactly that many calls, one without at least once;
/// otherwise the drop panics with a message naming each unmet expectation and every call
/// received (unless the thread is already panicking).
pub struct MockServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("api", &self.shared.api)
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server for `api` that routes to `routes`, on a free port of 127.0.0.1. Must be
    /// called inside a tokio runtime.
    pub async fn start(api: &'static str, routes: &'static [Route]) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            api,
            routes,
            state: Mutex::new(State::default()),
        });
        let task = tokio::spawn(serve(listener, Arc::clone(&shared)));
        Ok(MockServer { shared, addr, task })
    }

    /// `http://127.0.0.1:<port>`: the base URL to give a client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every call received so far, in order (at most [`MAX_CALLS`]).
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// Forgets the calls received so far; expectations keep their counts.
    pub fn clear_calls(&self) {
        let mut state = self.shared.lock();
        state.calls.clear();
        state.unrecorded = 0;
    }

    /// What [`Drop`] would report: one line per unmet expectation or problem; empty when all
    /// is well.
    pub fn unmet(&self) -> Vec<String> {
        let state = self.shared.lock();
        let mut lines: Vec<String> = state
            .expectations
            .iter()
            .filter_map(|e| match e.times {
                Some(n) if e.hits != n => Some(format!(
                    "{}: expected {n} call{}, got {}",
                    e.description,
                    if n == 1 { "" } else { "s" },
                    e.hits
                )),
                None if e.hits == 0 => Some(format!("{}: never called", e.description)),
                _ => None,
            })
            .collect();
        lines.extend(state.problems.iter().cloned());
        lines
    }

    /// Panics with the report of [`MockServer::unmet`] when it is not empty, as the drop does.
    #[track_caller]
    pub fn verify(&self) {
        let unmet = self.unmet();
        if !unmet.is_empty() {
            panic!("{}", self.report(&unmet));
        }
    }

    fn report(&self, unmet: &[String]) -> String {
        let state = self.shared.lock();
        let mut text = format!("{} mock server: expectations not met:\n", self.shared.api);
        for line in unmet {
            text.push_str(&format!("  - {line}\n"));
        }
        if state.calls.is_empty() {
            text.push_str("no calls were received");
        } else {
            text.push_str("calls received:");
            for call in &state.calls {
                text.push_str(&format!("\n  - {call}"));
            }
        }
        if state.unrecorded > 0 {
            text.push_str(&format!(
                "\n  ({} later calls not recorded)",
                state.unrecorded
            ));
        }
        text
    }

    /// Starts an expectation of `operation`, whose values `wire` encodes. Called by the
    /// generated expectation methods.
    pub fn expect<T, E>(
        &self,
        operation: &'static str,
        wire: fn(&T) -> Result<serde_json::Value, String>,
    ) -> Expect<'_, T, E> {
        // Generated code names only operations of its own table; JSON with status 200 keeps an
        // unknown name harmless.
        let (status, encoding) = self
            .shared
            .routes
            .iter()
            .find(|r| r.operation == operation)
            .map_or((200, Encoding::Json { envelope: None }), |r| {
                (r.status, r.encoding)
            });
        Expect {
            server: self,
            operation,
            status,
            encoding,
            wire,
            matchers: Vec::new(),
            conditions: Vec::new(),
            times: None,
            _types: PhantomData,
        }
    }

    /// An OAuth2 session for a client of this server: a pair that stays valid for a year
    /// (no refresh is made), saved nowhere, with `config`'s token endpoint moved to this server.
    pub fn oauth_session(&self, config: OAuthConfig) -> Arc<OAuthSession> {
        let config = config.with_token_url(format!("{}/oauth2/access_token", self.base_url()));
        // This server is plain HTTP on 127.0.0.1.
        config.allow_http();
        let pair = TokenPair {
            access_token: "mock-access-token".into(),
            refresh_token: "mock-refresh-token".into(),
            expires_at: SystemTime::now() + Duration::from_secs(365 * 24 * 3600),
        };
        OAuthSession::new(config, pair, Arc::new(NoStore))
    }

    fn add(&self, expectation: Expectation) {
        self.shared.lock().expectations.push(expectation);
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
        if std::thread::panicking() {
            return;
        }
        let unmet = self.unmet();
        if !unmet.is_empty() {
            panic!("{}", self.report(&unmet));
        }
    }
}

/// A [`TokenStore`] that keeps nothing, for [`MockServer::oauth_session`].
struct NoStore;

impl TokenStore for NoStore {
    fn save<'a>(&'a self, _pair: &'a TokenPair) -> StoreFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

/// An expectation being set up: which calls of one operation it matches, how often, and what
/// they are answered. Nothing is set until [`Expect::respond`], [`Expect::fails`] or
/// [`Expect::reply`]. The generated expectation types wrap one, adding typed parameter matchers.
#[must_use = "an expectation is set only by `respond`, `fails` or `reply`"]
pub struct Expect<'m, T, E> {
    server: &'m MockServer,
    operation: &'static str,
    status: u16,
    encoding: Encoding,
    wire: fn(&T) -> Result<serde_json::Value, String>,
    matchers: Vec<Matcher>,
    conditions: Vec<String>,
    times: Option<usize>,
    _types: PhantomData<fn(T, E)>,
}

impl<T, E> fmt::Debug for Expect<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expect")
            .field("operation", &self.operation)
            .field("conditions", &self.conditions)
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl<'m, T, E: Serialize> Expect<'m, T, E> {
    /// Matches only calls whose path placeholder `name` (as the template spells it) is `value`.
    pub fn path_param(self, name: &'static str, value: String) -> Self {
        let condition = format!("{name} = {value:?}");
        self.matcher(condition, move |call| call.path_param(name) == Some(&value))
    }

    /// Matches only calls whose query parameter `name` is `value` (its first value, decoded).
    pub fn query_param(self, name: &'static str, value: String) -> Self {
        let condition = format!("{name} = {value:?}");
        self.matcher(condition, move |call| {
            call.query_param(name).as_deref() == Some(&value)
        })
    }

    /// Matches only calls whose header `name` is `value`.
    pub fn header(self, name: &'static str, value: String) -> Self {
        let condition = format!("header {name} = {value:?}");
        self.matcher(condition, move |call| call.header(name) == Some(&value))
    }

    /// Matches only calls whose JSON body decodes into `B` and passes `accept`.
    pub fn json_body<B: DeserializeOwned>(
        self,
        accept: impl Fn(&B) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.matcher("a body check".to_owned(), move |call| {
            call.json::<B>().is_ok_and(|b| accept(&b))
        })
    }

    /// Matches only calls for which `accept` returns `true`.
    pub fn matching(self, accept: impl Fn(&Call) -> bool + Send + Sync + 'static) -> Self {
        self.matcher("a request check".to_owned(), accept)
    }

    fn matcher(
        mut self,
        condition: String,
        accept: impl Fn(&Call) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.conditions.push(condition);
        self.matchers.push(Box::new(accept));
        self
    }

    /// Expects exactly `n` matching calls (checked on drop); without it, at least one.
    pub fn times(mut self, n: usize) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers matching calls with `value`, encoded as the operation's documented success
    /// response (status, envelope, JSON or text), read-only fields included.
    ///
    /// # Panics
    ///
    /// When `value` cannot be encoded (a map with keys that are not strings): a failure of the
    /// test that sets it up.
    #[track_caller]
    pub fn respond(self, value: T) {
        let status = self.status;
        let reply = match self.encoding {
            Encoding::Empty => Reply {
                status,
                content_type: None,
                body: Bytes::new(),
            },
            Encoding::Text => {
                let value = (self.wire)(&value).unwrap_or_else(|e| self.bad_value(&e));
                let text = match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                Reply {
                    status,
                    content_type: Some(TEXT),
                    body: Bytes::from(text),
                }
            }
            Encoding::Json { envelope } => {
                let mut value = (self.wire)(&value).unwrap_or_else(|e| self.bad_value(&e));
                if let Some(key) = envelope {
                    value = serde_json::json!({ key: value });
                }
                Reply {
                    status,
                    content_type: Some(JSON),
                    body: Bytes::from(value.to_string()),
                }
            }
        };
        self.set(reply);
    }

    /// Answers matching calls with `status` and `body` as the API's error response, so the
    /// client returns its typed `Error` (`Error::Api` for a documented failure status).
    ///
    /// # Panics
    ///
    /// When `body` cannot be encoded as JSON.
    #[track_caller]
    pub fn fails(self, status: u16, body: &E) {
        let body = serde_json::to_vec(body).unwrap_or_else(|e| self.bad_value(&e.to_string()));
        self.set(Reply {
            status,
            content_type: Some(JSON),
            body: Bytes::from(body),
        });
    }

    /// Answers matching calls with `status` and the `body` bytes as they are (as JSON when
    /// they are not empty): for answers no type describes.
    pub fn reply(self, status: u16, body: impl Into<Vec<u8>>) {
        let body = Bytes::from(body.into());
        self.set(Reply {
            status,
            content_type: (!body.is_empty()).then_some(JSON),
            body,
        });
    }

    #[track_caller]
    fn bad_value(&self, error: &str) -> ! {
        panic!(
            "{} mock: the value for `{}` cannot be encoded: {error}",
            self.server.shared.api, self.operation
        )
    }

    fn set(self, reply: Reply) {
        let mut description = format!("`{}`", self.operation);
        if !self.conditions.is_empty() {
            description.push_str(" where ");
            description.push_str(&self.conditions.join(", "));
        }
        self.server.add(Expectation {
            operation: self.operation,
            description,
            matchers: self.matchers,
            times: self.times,
            hits: 0,
            reply,
        });
    }
}

/// [`Expect`]'s encoder for a value whose serde form is its wire form.
pub fn serde_wire<T: Serialize>(value: &T) -> Result<serde_json::Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

/// Sets `key` of the JSON object `object` to `value`, or removes it for `None`: how generated
/// encoders put back the read-only fields that a type's `Serialize` (made for requests) leaves
/// out.
pub fn put(object: &mut serde_json::Value, key: &str, value: Option<serde_json::Value>) {
    if let serde_json::Value::Object(map) = object {
        match value {
            Some(v) => {
                map.insert(key.to_owned(), v);
            }
            None => {
                map.remove(key);
            }
        }
    }
}

/// A value's form in a response, where it differs from its `Serialize` (which is made for
/// requests and leaves out read-only fields). Generated for the types that have read-only
/// fields or hold such a type; [`serde_wire`] serves every other value.
pub trait Wire {
    /// The value as a response carries it.
    fn wire(&self) -> Result<serde_json::Value, String>;
}

impl<T: Wire> Wire for Vec<T> {
    fn wire(&self) -> Result<serde_json::Value, String> {
        self.iter()
            .map(Wire::wire)
            .collect::<Result<_, _>>()
            .map(serde_json::Value::Array)
    }
}

impl<T: Wire> Wire for Box<T> {
    fn wire(&self) -> Result<serde_json::Value, String> {
        (**self).wire()
    }
}

impl<T: Wire> Wire for Option<T> {
    fn wire(&self) -> Result<serde_json::Value, String> {
        match self {
            Some(v) => v.wire(),
            None => Ok(serde_json::Value::Null),
        }
    }
}

impl<T: Wire> Wire for std::collections::BTreeMap<String, T> {
    fn wire(&self) -> Result<serde_json::Value, String> {
        self.iter()
            .map(|(k, v)| Ok((k.clone(), v.wire()?)))
            .collect::<Result<_, String>>()
            .map(serde_json::Value::Object)
    }
}

/// Declares the expectation type of one operation: a wrapper of [`Expect`] with its answers
/// typed by the operation's value `$value` and the API's error body `$error`. Used by the
/// generated `mock` modules, which add the operation's parameter matchers.
#[macro_export]
macro_rules! mock_expectation {
    ($(#[$attr:meta])* $name:ident: $value:ty, $error:ty) => {
        $(#[$attr])*
        #[must_use = "an expectation is set only by `respond`, `fails` or `reply`"]
        #[derive(Debug)]
        pub struct $name<'m>(pub $crate::mock::Expect<'m, $value, $error>);

        impl $name<'_> {
            /// Answers matching calls with `value` as the documented success response
            /// (status, envelope, read-only fields included); `()` when it has no body.
            ///
            /// # Panics
            ///
            /// When `value` cannot be encoded (a failure of the test that sets it).
            #[track_caller]
            pub fn respond(self, value: $value) {
                self.0.respond(value)
            }

            /// Answers matching calls with `status` and `body` as the API's error response:
            /// the client returns its typed `Error`.
            ///
            /// # Panics
            ///
            /// When `body` cannot be encoded (a failure of the test that sets it).
            #[track_caller]
            pub fn fails(self, status: u16, body: &$error) {
                self.0.fails(status, body)
            }

            /// Answers matching calls with `status` and these body bytes, as they are: for an
            /// answer no type describes.
            pub fn reply(self, status: u16, body: impl Into<Vec<u8>>) {
                self.0.reply(status, body)
            }

            /// Expects exactly `n` matching calls, checked when the server is dropped; without
            /// it, at least one.
            pub fn times(self, n: usize) -> Self {
                Self(self.0.times(n))
            }

            /// Matches only calls for which `accept` returns `true`.
            pub fn matching(
                self,
                accept: impl Fn(&$crate::mock::Call) -> bool + Send + Sync + 'static,
            ) -> Self {
                Self(self.0.matching(accept))
            }
        }
    };
}

/// Whether every matcher of `e` accepts `call`; a matcher that panics does not, and the panic
/// is kept for the report.
fn matches(e: &Expectation, call: &Call, problems: &mut Vec<String>) -> bool {
    for m in &e.matchers {
        match catch_unwind(AssertUnwindSafe(|| m(call))) {
            Ok(true) => {}
            Ok(false) => return false,
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".to_owned());
                problems.push(format!(
                    "{}: a matcher panicked on {call}: {what}",
                    e.description
                ));
                return false;
            }
        }
    }
    true
}

fn hit(e: &mut Expectation, call: &mut Call) -> Reply {
    e.hits += 1;
    call.answer = Answer::Expectation(e.description.clone());
    e.reply.clone()
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    // Dropped, and so aborted, with this task: no connection outlives the server.
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, say: wait instead of spinning.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let shared = Arc::clone(&shared);
        connections.spawn(async move {
            let service = service_fn(move |request| answer(Arc::clone(&shared), request));
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The values of a route's path placeholders, by name.
type PathParams = Vec<(&'static str, String)>;

/// The route of `method path`: among the operations whose template matches, the one with the
/// most literal segments, and the values of its placeholders.
fn route(
    routes: &'static [Route],
    method: &Method,
    path: &str,
) -> Option<(&'static Route, PathParams)> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut best: Option<(usize, &'static Route, PathParams)> = None;
    for r in routes.iter().filter(|r| r.method == method.as_str()) {
        let template: Vec<&'static str> = r.path.trim_start_matches('/').split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let mut literals = 0;
        let matched = template.iter().zip(&segments).all(|(t, s)| {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) => {
                    let value = percent_encoding::percent_decode_str(s).decode_utf8_lossy();
                    params.push((name, value.into_owned()));
                    !s.is_empty()
                }
                None => {
                    literals += 1;
                    t == s
                }
            }
        });
        if matched && best.as_ref().is_none_or(|(l, _, _)| literals > *l) {
            best = Some((literals, r, params));
        }
    }
    best.map(|(_, r, p)| (r, p))
}

fn response(reply: &Reply) -> http::Response<Full<Bytes>> {
    let mut response = http::Response::new(Full::new(reply.body.clone()));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Some(ct) = reply.content_type {
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static(ct),
        );
    }
    response
}

fn message(status: u16, text: String) -> Reply {
    Reply {
        status,
        content_type: Some(JSON),
        body: Bytes::from(serde_json::json!({ "mock_error": text }).to_string()),
    }
}

async fn answer(
    shared: Arc<Shared>,
    request: http::Request<Incoming>,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let found = route(shared.routes, &parts.method, parts.uri.path());
    let mut call = Call {
        operation: found.as_ref().map(|(r, _)| r.operation),
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body: Bytes::new(),
        answer: Answer::NoOperation,
        path_params: found.as_ref().map(|(_, p)| p.clone()).unwrap_or_default(),
    };
    let reply = match Limited::new(body, MAX_BODY).collect().await {
        Err(_) => {
            call.answer = Answer::TooLarge;
            message(
                413,
                format!("the body is larger than {MAX_BODY} bytes, or was cut off"),
            )
        }
        Ok(collected) => {
            call.body = collected.to_bytes();
            match &found {
                None => message(
                    404,
                    format!(
                        "no operation of the {} mock has {} {}",
                        shared.api, call.method, call.path
                    ),
                ),
                Some((r, _)) => choose(&shared, r, &mut call),
            }
        }
    };
    let mut state = shared.lock();
    if state.calls.len() < MAX_CALLS {
        state.calls.push(call);
    } else {
        state.unrecorded += 1;
    }
    drop(state);
    Ok(response(&reply))
}

/// The answer to `call` of `route`: the first expectation set on the operation that matches
/// and has not had all the calls it expects (else the first matching one that has: the extra
/// call is counted and reported on drop), else the documented example, else a 501 that says
/// neither exists.
fn choose(shared: &Shared, route: &Route, call: &mut Call) -> Reply {
    let mut state = shared.lock();
    let State {
        expectations,
        problems,
        ..
    } = &mut *state;
    let (mut fresh, mut spent) = (None, None);
    for (i, e) in expectations.iter().enumerate() {
        if e.operation != route.operation {
            continue;
        }
        let exhausted = e.times.is_some_and(|n| e.hits >= n);
        if exhausted && spent.is_some() {
            continue;
        }
        if matches(e, call, problems) {
            if !exhausted {
                fresh = Some(i);
                break;
            }
            spent = Some(i);
        }
    }
    if let Some(e) = fresh.or(spent).and_then(|i| expectations.get_mut(i)) {
        return hit(e, call);
    }
    match &route.example {
        Some(example) => {
            call.answer = Answer::Example;
            let content_type = match route.encoding {
                _ if example.body.is_empty() => None,
                Encoding::Text => Some(TEXT),
                Encoding::Json { .. } | Encoding::Empty => Some(JSON),
            };
            Reply {
                status: example.status,
                content_type,
                body: Bytes::from_static(example.body.as_bytes()),
            }
        }
        None => {
            call.answer = Answer::NoExample;
            message(
                501,
                format!(
                    "no expectation was set for `{}` ({} {}) that matches this call, and the spec has no example for it",
                    route.operation, route.method, route.path
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ROUTES: &[Route] = &[
        Route {
            operation: "get_item",
            method: "GET",
            path: "/{key}/items/{id}",
            status: 200,
            encoding: Encoding::Empty,
            example: None,
        },
        Route {
            operation: "search",
            method: "GET",
            path: "/{key}/items/search",
            status: 200,
            encoding: Encoding::Empty,
            example: None,
        },
    ];

    #[test]
    fn literal_segments_win_and_placeholders_are_decoded() {
        let (r, params) = route(ROUTES, &Method::GET, "/k/items/search").expect("routes");
        assert_eq!(r.operation, "search");
        assert_eq!(params, vec![("key", "k".to_owned())]);
        let (r, params) = route(ROUTES, &Method::GET, "/k/items/a%20b").expect("routes");
        assert_eq!(r.operation, "get_item");
        assert_eq!(params[1], ("id", "a b".to_owned()));
        assert!(route(ROUTES, &Method::POST, "/k/items/1").is_none());
        assert!(route(ROUTES, &Method::GET, "/k/items").is_none());
        assert!(route(ROUTES, &Method::GET, "/k/items/").is_none());
    }
}

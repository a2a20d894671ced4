//! The transport: one per generated client, shared by its clones, which adds credentials,
//! applies timeouts and the redirect policy, and sends requests, over the connections of
//! `conn` (or through reqwest when the environment names a proxy for the base URL).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST, USER_AGENT};
use http::{HeaderName, HeaderValue};
use reqwest::redirect;
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use crate::body::{DEFAULT_MAX_BODY, ERROR_BODY_EXCERPT, ReadError, read_capped, read_excerpt};
use crate::conn::{Failure, Outgoing, Pool};
use crate::encode::Pairs;
use crate::error::{BodyTooLarge, DeadlineExceeded, ResponseParts, TransportErrorKind};
use crate::error::{InvalidRequest, TransportError};
use crate::limit::{LimitBackend, LimitError, RateLimit, ServerWindow};
use crate::oauth::{OAuthError, OAuthSession};
use crate::request::{Body, Request};
use crate::response::RawResponse;
use crate::retry::{Backoff, MAX_RETRY_AFTER, RateLimitHeaders, RetryPolicy, Sleeper, retry_after};

/// Total time one call may take unless the client or the call says otherwise: one deadline
/// for the rate-limit wait, the access token, every attempt and every wait between attempts.
/// Neither hyper nor reqwest sets one.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Time to establish a connection unless the client says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A credential, held as a secret: it never appears in `Debug` output, errors or logs.
#[derive(Clone)]
pub enum Credential {
    /// A secret in a named header, sent marked sensitive.
    Header {
        /// Header name.
        name: HeaderName,
        /// Secret value.
        value: SecretString,
    },
    /// `Authorization: Bearer <token>`.
    Bearer(SecretString),
    /// Form fields added to every request body.
    FormFields(Vec<(String, SecretString)>),
    /// An OAuth2 session: `Authorization: Bearer` with its current access token, refreshed as
    /// needed.
    OAuth(Arc<OAuthSession>),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Header { name, .. } => write!(f, "Header({name}: [REDACTED])"),
            Credential::Bearer(_) => f.write_str("Bearer([REDACTED])"),
            Credential::FormFields(fields) => {
                let names: Vec<_> = fields.iter().map(|(n, _)| n.as_str()).collect();
                write!(f, "FormFields({names:?}: [REDACTED])")
            }
            Credential::OAuth(_) => f.write_str("OAuth([REDACTED])"),
        }
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The base URL does not parse.
    #[error("invalid base URL `{url}`: {reason}")]
    BaseUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// A credential value cannot be sent in a header.
    #[error("credential `{0}` holds a character a header cannot carry")]
    Credential(String),
    /// reqwest refused its configuration.
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    /// TLS could not be set up (no crypto provider, or no certificate verifier on this
    /// platform).
    #[error("TLS set-up: {0}")]
    Tls(String),
    /// The API needs one of its credentials and none was given.
    #[error("no credential was given; this API needs one")]
    NoCredential,
    /// A setting the client cannot do without was not given (Grow CRM's `domain`, when the
    /// base URL is not replaced as a whole).
    #[error("missing setting `{setting}`: {reason}")]
    Missing {
        /// Which setting.
        setting: &'static str,
        /// What to give instead.
        reason: String,
    },
    /// A setting cannot be used (a zero timeout, zero attempts, a rate limit that would wait
    /// for ages).
    #[error("invalid setting `{setting}`: {reason}")]
    Setting {
        /// Which setting.
        setting: &'static str,
        /// Why.
        reason: String,
    },
}

/// The URL as it may be shown: any user info replaced, so a password never reaches `Debug`
/// output or an error message.
fn redacted(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}[REDACTED]@{}", &url[..scheme_end + 3], &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// Checks a value that goes into a base URL placeholder (Grow CRM's `{domain}`): it may only
/// name a host (letters, digits, `-`, `.`, and a `:port`), so that it cannot move the credentials
/// to another host or path (`evil.example/`, `user@evil.example`).
pub fn check_url_part(name: &str, value: &str) -> Result<(), BuildError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':');
    if value.is_empty() || !value.chars().all(allowed) || value.starts_with(['.', '-', ':']) {
        return Err(BuildError::BaseUrl {
            url: format!("{{{name}}} = {value:?}"),
            reason: "a base URL value may only name a host (letters, digits, `-`, `.`, `:port`)"
                .to_owned(),
        });
    }
    Ok(())
}

/// A header name from generated code, which `lower` has checked and lower-cased.
pub fn header_name(name: &'static str) -> HeaderName {
    HeaderName::from_static(name)
}

/// Settings common to every generated client.
#[derive(Clone)]
pub struct TransportBuilder {
    api: &'static str,
    base_url: String,
    allow_http: bool,
    timeout: Duration,
    attempt_timeout: Option<Duration>,
    connect_timeout: Duration,
    root_certificates: Vec<Vec<u8>>,
    max_body: u64,
    credentials: Vec<Credential>,
    user_agent: String,
    retry: RetryPolicy,
    rate_limit: Option<(u32, Duration)>,
    rate_limit_headers: Option<RateLimitHeaders>,
    limit_backend: Option<Arc<dyn LimitBackend>>,
    shared: Option<SharedConnections>,
    sleeper: Sleeper,
    require_credential: bool,
}

impl std::fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransportBuilder")
            .field("api", &self.api)
            .field("base_url", &redacted(&self.base_url))
            .field("allow_http", &self.allow_http)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("root_certificates", &self.root_certificates.len())
            .field("max_body", &self.max_body)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("rate_limit_headers", &self.rate_limit_headers)
            .finish_non_exhaustive()
    }
}

impl TransportBuilder {
    /// Starts a transport for `api` at `base_url`.
    pub fn new(api: &'static str, base_url: impl Into<String>) -> Self {
        TransportBuilder {
            api,
            base_url: base_url.into(),
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            attempt_timeout: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            root_certificates: Vec::new(),
            max_body: DEFAULT_MAX_BODY,
            credentials: Vec::new(),
            user_agent: format!("saas-clients/{} ({api})", env!("CARGO_PKG_VERSION")),
            retry: RetryPolicy::default(),
            rate_limit: None,
            rate_limit_headers: None,
            limit_backend: None,
            shared: None,
            sleeper: Sleeper::tokio(),
            require_credential: false,
        }
    }

    /// Makes `build` fail unless at least one credential was given (for APIs whose schemes are
    /// alternatives, none of them required on its own).
    pub fn require_credential(mut self) -> Self {
        self.require_credential = true;
        self
    }

    /// Replaces the retry policy (`RetryPolicy::none()` turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Counts the rate limit's slots in `backend` (a [`crate::limit::redis::RedisLimiter`]
    /// shared by every process using the same API key) instead of in this client alone. No
    /// effect on an API without a rate limit.
    pub fn limit_backend(mut self, backend: Arc<dyn LimitBackend>) -> Self {
        self.limit_backend = Some(backend);
        self
    }

    /// Sends at most `calls` requests in any window of `per`, across every clone of the client
    /// and every task using it; calls wait for a slot (within their deadline). `calls == 0`
    /// removes the limit. `build` refuses a zero `per` and a spacing `per / calls` over a day.
    pub fn rate_limit(mut self, calls: u32, per: Duration) -> Self {
        self.rate_limit = (calls > 0).then_some((calls, per));
        self
    }

    /// Reads the server's rate-limit headers on every answer (`None`: ignores them). After an
    /// answer whose `remaining` is `0`, every clone of the client holds its next call until the
    /// `reset` the answer names; a retried 429 waits until its `reset` instead of the backoff or
    /// `Retry-After`. Either wait counts against the call's deadline (a wait that would end
    /// after it fails the call at once with `Error::Deadline`); a reset in the past means no
    /// wait, one that does not parse is ignored, and one more than [`MAX_RETRY_AFTER`] away is
    /// not waited for (a 429 is then returned as it is). The generated clients set the headers
    /// their spec declares.
    pub fn rate_limit_headers(mut self, headers: Option<RateLimitHeaders>) -> Self {
        self.rate_limit_headers = headers;
        self
    }

    /// The most bytes a response body may have (default [`DEFAULT_MAX_BODY`], 32 MiB); a larger
    /// one fails the call with `Error::BodyTooLarge`, checked against `Content-Length` before
    /// reading and while reading. Calls may set their own. The body of a failing response is
    /// kept only up to [`ERROR_BODY_EXCERPT`] (16 KiB) whatever this says.
    pub fn max_body(mut self, bytes: u64) -> Self {
        self.max_body = bytes;
        self
    }

    /// Bounds each attempt on its own as well (off by default): a hung attempt then leaves the
    /// rest of the call's timeout to a retry.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Replaces how the transport waits between attempts (tests record instead of sleeping).
    pub fn sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// Replaces the base URL (a proxy, a test server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Fills the base URL's `{name}` placeholder (Grow CRM's `{domain}`) with `value`, checked
    /// by [`check_url_part`]. A base URL without the placeholder was replaced (`base_url(..)`)
    /// and needs no value; one that still has it and no value fails with
    /// [`BuildError::Missing`], which names both ways out.
    pub fn fill_base_url(
        mut self,
        name: &'static str,
        value: Option<&str>,
    ) -> Result<Self, BuildError> {
        let placeholder = format!("{{{name}}}");
        if let Some(value) = value {
            check_url_part(name, value)?;
            self.base_url = self.base_url.replace(&placeholder, value);
        } else if self.base_url.contains(&placeholder) {
            return Err(BuildError::Missing {
                setting: name,
                reason: format!(
                    "the base URL `{}` needs `.{name}(..)`, or give a whole base URL with `.base_url(..)`",
                    redacted(&self.base_url)
                ),
            });
        }
        Ok(self)
    }

    /// Allows a plain-HTTP base URL. Off by default: credentials would travel in clear text.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Total time one call may take, everything included: the rate-limit wait, the access
    /// token, every attempt, and every backoff and `Retry-After` wait. A wait that would end
    /// after it is refused at once (`Error::Deadline`). `Duration::MAX` means no deadline.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Also trusts this root certificate (DER) for the API's own host, besides the
    /// platform's: for a self-hosted server or a test server with its own CA. The token
    /// endpoint and temporary download URLs are checked against the platform's roots only.
    pub fn add_root_certificate(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(der.into());
        self
    }

    /// Adds a credential sent with every request.
    pub fn credential(mut self, credential: Credential) -> Self {
        self.credentials.push(credential);
        self
    }

    /// Takes this client's connections from `shared`, with every other client built with it
    /// that calls the same origin with the same connect timeout and root certificates: one
    /// Teamup client per calendar key, say, then keeps one set of connections to
    /// `api.teamup.com` instead of one per calendar, and one TLS set-up. Calls that go through a
    /// proxy (when the environment names one for the base URL) do not use it.
    pub fn share_connections(mut self, shared: &SharedConnections) -> Self {
        self.shared = Some(shared.clone());
        self
    }

    /// Replaces the `User-Agent`.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Checks the settings that could make a call misbehave instead of failing clearly.
    fn check_settings(&self) -> Result<(), BuildError> {
        let setting = |setting, reason: &str| {
            Err(BuildError::Setting {
                setting,
                reason: reason.to_owned(),
            })
        };
        if self.timeout.is_zero() {
            return setting(
                "timeout",
                "a zero timeout fails every call before it is sent",
            );
        }
        if self.connect_timeout.is_zero() {
            return setting("connect_timeout", "a zero timeout fails every connection");
        }
        if self.attempt_timeout.is_some_and(|t| t.is_zero()) {
            return setting("attempt_timeout", "a zero timeout fails every attempt");
        }
        if let Some(reason) = self.retry.problem() {
            return setting("retry", &reason);
        }
        if let Some((calls, per)) = self.rate_limit {
            if per.is_zero() {
                return setting("rate_limit", "the window `per` is zero");
            }
            if per / calls < Duration::from_nanos(1) {
                return setting(
                    "rate_limit",
                    &format!(
                        "{calls} calls per {per:?} spaces calls under 1 ns apart; set no limit instead"
                    ),
                );
            }
            if RateLimit::new(calls, per).is_none() {
                return setting(
                    "rate_limit",
                    &format!(
                        "{calls} calls per {per:?} spaces calls more than {:?} apart",
                        crate::limit::MAX_SPACING
                    ),
                );
            }
        }
        Ok(())
    }

    /// Builds the transport.
    pub fn build(self) -> Result<Transport, BuildError> {
        self.check_settings()?;
        let bad = |reason: &str| BuildError::BaseUrl {
            url: redacted(&self.base_url),
            reason: reason.to_owned(),
        };
        let base = url::Url::parse(&self.base_url).map_err(|e| bad(&e.to_string()))?;
        if !base.username().is_empty() || base.password().is_some() {
            return Err(bad(
                "a base URL carries no user info: credentials go in the client's credential \
                 settings, which keep them secret",
            ));
        }
        match base.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => return Err(bad("plain HTTP needs `allow_http(true)`")),
            _ => return Err(bad("the scheme must be https")),
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(bad("a base URL has no query or fragment"));
        }
        if self.require_credential && self.credentials.is_empty() {
            return Err(BuildError::NoCredential);
        }
        let mut sensitive = Vec::new();
        for c in &self.credentials {
            let (name, value) = match c {
                Credential::Header { name, value } => {
                    (name.clone(), value.expose_secret().to_owned())
                }
                Credential::Bearer(token) => {
                    (AUTHORIZATION, format!("Bearer {}", token.expose_secret()))
                }
                Credential::FormFields(_) | Credential::OAuth(_) => continue,
            };
            let mut value = HeaderValue::from_str(&value)
                .map_err(|_| BuildError::Credential(name.to_string()))?;
            value.set_sensitive(true);
            sensitive.push((name, value));
        }
        let user_agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::Setting {
                setting: "user_agent",
                reason: "it holds a character a header cannot carry".to_owned(),
            })?;
        let origin = base.origin().ascii_serialization();
        let authority = base[url::Position::BeforeHost..url::Position::AfterPort].to_owned();
        let authority = HeaderValue::from_str(&authority)
            .map_err(|_| bad("the host cannot be sent in a `Host` header"))?;
        let base_path = base.path().trim_end_matches('/').to_owned();
        let http = if proxied(&base) {
            let mut client = reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(same_origin_redirects());
            for der in &self.root_certificates {
                client = client.add_root_certificate(reqwest::Certificate::from_der(der)?);
            }
            Http::Proxied(client.build()?)
        } else {
            let pool = |base: &url::Url| {
                Pool::new(base, self.connect_timeout, &self.root_certificates).map(Arc::new)
            };
            Http::Direct(match &self.shared {
                Some(shared) => {
                    shared.pool(&base, self.connect_timeout, &self.root_certificates, pool)?
                }
                None => pool(&base)?,
            })
        };
        let oauth = self.credentials.iter().find_map(|c| match c {
            Credential::OAuth(session) => Some(session.clone()),
            _ => None,
        });
        // One `allow_http` for the API and its token endpoint.
        if let Some(config) = oauth.as_ref().map(|s| s.config()) {
            if config.token_url_is_http() {
                if !self.allow_http {
                    return Err(BuildError::BaseUrl {
                        url: redacted(config.token_url()),
                        reason: "a plain-HTTP token URL needs `allow_http(true)`".to_owned(),
                    });
                }
                config.allow_http();
            }
        }
        Ok(Transport {
            inner: Arc::new(Inner {
                api: self.api,
                http,
                origin,
                base_path,
                authority,
                user_agent,
                timeout: self.timeout,
                attempt_timeout: self.attempt_timeout,
                max_body: self.max_body,
                headers: sensitive,
                form_fields: self
                    .credentials
                    .into_iter()
                    .filter_map(|c| match c {
                        Credential::FormFields(f) => Some(f),
                        _ => None,
                    })
                    .flatten()
                    .collect(),
                oauth,
                retry: self.retry,
                rate_limit: self
                    .rate_limit
                    .and_then(|(calls, per)| RateLimit::new(calls, per))
                    .map(|limit| match self.limit_backend {
                        Some(backend) => limit.with_backend(self.api, backend),
                        None => limit,
                    }),
                rate_limit_headers: self.rate_limit_headers,
                window: ServerWindow::default(),
                sleeper: self.sleeper,
            }),
        })
    }
}

/// Redirects are followed only within the origin they started from. Custom credential headers
/// (`Teamup-Token`) would otherwise travel to whatever host a redirect names: reqwest strips
/// `Authorization` across hosts but not headers it does not know. A redirect elsewhere is
/// returned to the caller as the 3xx response it is. This is the policy for calls through a
/// proxy; `conn` follows the same rule for the others.
fn same_origin_redirects() -> redirect::Policy {
    redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.stop();
        };
        let target = attempt.url();
        let same = first.scheme() == target.scheme()
            && first.host_str() == target.host_str()
            && first.port_or_known_default() == target.port_or_known_default();
        if !same || attempt.previous().len() > 5 {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// How a client's calls travel.
enum Http {
    /// Straight to the origin, over the connections `conn` keeps (this client's own, or
    /// shared).
    Direct(Arc<Pool>),
    /// Through the proxy the environment names for the base URL, by reqwest, which reads it.
    Proxied(reqwest::Client),
}

/// Connection pools that several clients share (`TransportBuilder::share_connections`), one
/// per origin, connect timeout and set of extra root certificates. Cheap to clone: clones are
/// the same set.
#[derive(Clone, Default)]
pub struct SharedConnections {
    pools: Arc<std::sync::Mutex<Pools>>,
}

/// The pools made so far, with what each was made for; a handful at most, so a list.
type Pools = Vec<(PoolKey, Arc<Pool>)>;

/// What a shared pool must have in common with the client that uses it.
#[derive(PartialEq, Eq)]
struct PoolKey {
    origin: String,
    connect_timeout: Duration,
    root_certificates: Vec<Vec<u8>>,
}

impl SharedConnections {
    /// An empty set.
    pub fn new() -> Self {
        SharedConnections::default()
    }

    /// The pool for `base` and these settings, made by `make` the first time.
    fn pool(
        &self,
        base: &url::Url,
        connect_timeout: Duration,
        root_certificates: &[Vec<u8>],
        make: impl FnOnce(&url::Url) -> Result<Arc<Pool>, BuildError>,
    ) -> Result<Arc<Pool>, BuildError> {
        let key = PoolKey {
            origin: base.origin().ascii_serialization(),
            connect_timeout,
            root_certificates: root_certificates.to_vec(),
        };
        let mut pools = self
            .pools
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, pool)) = pools.iter().find(|(k, _)| *k == key) {
            return Ok(pool.clone());
        }
        let pool = make(base)?;
        pools.push((key, pool.clone()));
        Ok(pool)
    }
}

impl std::fmt::Debug for SharedConnections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pools = self
            .pools
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f.debug_list()
            .entries(pools.iter().map(|(key, _)| &key.origin))
            .finish()
    }
}

/// Whether the environment sends requests for `base` through a proxy (`HTTPS_PROXY` and
/// the others, read as reqwest reads them).
fn proxied(base: &url::Url) -> bool {
    http::Uri::try_from(base.as_str()).is_ok_and(|uri| {
        hyper_util::client::proxy::matcher::Matcher::from_system()
            .intercept(&uri)
            .is_some()
    })
}

struct Inner {
    api: &'static str,
    http: Http,
    /// `https://host:port` of the base URL.
    origin: String,
    /// The base URL's path, without a final `/`: what every call's path goes under.
    base_path: String,
    /// The `Host` header: the base URL's host, and its port unless it is the default.
    authority: HeaderValue,
    user_agent: HeaderValue,
    timeout: Duration,
    attempt_timeout: Option<Duration>,
    max_body: u64,
    headers: Vec<(HeaderName, HeaderValue)>,
    form_fields: Vec<(String, SecretString)>,
    oauth: Option<Arc<OAuthSession>>,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    rate_limit_headers: Option<RateLimitHeaders>,
    /// Where an answer's `remaining: 0` holds the next calls of every clone.
    window: ServerWindow,
    sleeper: Sleeper,
}

/// An attempt that failed, and may be worth repeating.
enum Attempt {
    /// A reply whose status the policy retries; returned to the caller if retries run out.
    Status(RawResponse),
    /// No complete reply.
    Transport(TransportError),
    /// No access token could be had.
    Auth(OAuthError),
    /// The body was over the cap.
    TooLarge(BodyTooLarge),
    /// The deadline ran out before or during the attempt.
    Deadline(Box<DeadlineExceeded>),
    /// The shared rate limit could not be asked; nothing was sent.
    Limit(LimitError),
}

impl Attempt {
    /// The wait the reply asks for, and what asked: a 429's rate-limit reset, when the API
    /// declares one and the reply carries one that parses, else a `Retry-After`.
    fn asked_wait(&self, rate: Option<&RateLimitHeaders>) -> Option<(Duration, &'static str)> {
        let Attempt::Status(r) = self else {
            return None;
        };
        let now = SystemTime::now();
        let reset = rate
            .filter(|_| r.parts.status == http::StatusCode::TOO_MANY_REQUESTS)
            .and_then(|h| h.reset_wait(&r.parts.headers, now));
        if let Some(wait) = reset {
            return Some((wait, "rate-limit reset"));
        }
        retry_after(&r.parts.headers, now).map(|wait| (wait, "Retry-After"))
    }

    /// A status in the policy is retried (the policy already weighed idempotency). A transport
    /// failure is retried when the request cannot have reached the server (no connection), or
    /// when repeating it is harmless.
    fn retryable(&self, idempotent: bool) -> bool {
        match self {
            Attempt::Status(_) => true,
            Attempt::Transport(e) => idempotent || e.kind == TransportErrorKind::Connect,
            Attempt::Auth(_) | Attempt::TooLarge(_) | Attempt::Deadline(_) | Attempt::Limit(_) => {
                false
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Attempt::Status(r) => format!("HTTP {}", r.parts.status.as_u16()),
            Attempt::Transport(e) => format!("{:?} error", e.kind),
            Attempt::Auth(_) => "authorization".to_owned(),
            Attempt::TooLarge(_) => "body too large".to_owned(),
            Attempt::Deadline(_) => "deadline".to_owned(),
            Attempt::Limit(_) => "rate limit".to_owned(),
        }
    }

    fn finish(self) -> Result<RawResponse, SendError> {
        match self {
            Attempt::Status(response) => Ok(response),
            Attempt::Transport(e) => Err(e.into()),
            Attempt::Auth(e) => Err(e.into()),
            Attempt::TooLarge(e) => Err(e.into()),
            Attempt::Deadline(e) => Err(SendError::Deadline(e)),
            Attempt::Limit(e) => Err(SendError::RateLimit(e)),
        }
    }
}

/// When a call must be over, and how to say it is.
#[derive(Clone, Copy)]
struct Deadline {
    operation: &'static str,
    timeout: Duration,
    /// `None`: the timeout is too large to have an end (`Duration::MAX`).
    at: Option<Instant>,
}

impl Deadline {
    fn exceeded(
        &self,
        during: String,
        last: Option<&Attempt>,
        response: Option<ResponseParts>,
    ) -> Box<DeadlineExceeded> {
        Box::new(DeadlineExceeded {
            operation: self.operation,
            timeout: self.timeout,
            during,
            last_failure: last.map(Attempt::describe),
            response,
        })
    }

    /// Time left, `None` for no deadline.
    fn remaining(&self) -> Option<Duration> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether a wait of `wait` from now ends after the deadline.
    fn refuses(&self, wait: Duration) -> bool {
        self.at
            .is_some_and(|at| Instant::now().checked_add(wait).is_none_or(|end| end > at))
    }

    /// Runs `work` until the deadline.
    async fn bound<T>(
        &self,
        during: &str,
        work: impl std::future::Future<Output = T>,
    ) -> Result<T, Box<DeadlineExceeded>> {
        match self.at {
            None => Ok(work.await),
            Some(at) => tokio::time::timeout_at(at.into(), work)
                .await
                .map_err(|_| self.exceeded(format!("while {during}"), None, None)),
        }
    }
}

/// Sends requests for one client. Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("api", &self.inner.api)
            .field(
                "base_url",
                &format!("{}{}", self.inner.origin, self.inner.base_path),
            )
            .field("timeout", &self.inner.timeout)
            .field("max_body", &self.inner.max_body)
            .finish_non_exhaustive()
    }
}

/// A call that produced no response.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Refused before sending.
    #[error(transparent)]
    Invalid(#[from] InvalidRequest),
    /// No complete response arrived.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// No access token could be had.
    #[error(transparent)]
    Auth(#[from] OAuthError),
    /// The body was over the cap.
    #[error(transparent)]
    BodyTooLarge(#[from] BodyTooLarge),
    /// The call's deadline ran out.
    #[error("{0}")]
    Deadline(Box<DeadlineExceeded>),
    /// The shared rate limit could not be reached; nothing was sent.
    #[error(transparent)]
    RateLimit(LimitError),
}

impl<E: crate::error::ErrorBody> From<SendError> for crate::error::Error<E> {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Invalid(e) => crate::error::Error::InvalidRequest(e),
            SendError::Transport(e) => crate::error::Error::Transport(e),
            SendError::Auth(e) => crate::error::Error::Auth(e),
            SendError::BodyTooLarge(e) => crate::error::Error::BodyTooLarge(e),
            SendError::Deadline(e) => crate::error::Error::Deadline(e),
            SendError::RateLimit(e) => crate::error::Error::RateLimit(e),
        }
    }
}

impl Transport {
    /// Sends `request`, retrying as the policy allows, and reads the whole response (up to the
    /// body cap), whatever its status, all within the call's one deadline.
    pub async fn execute(&self, request: Request) -> Result<RawResponse, SendError> {
        if let Some(reason) = request.invalid.clone() {
            return Err(InvalidRequest {
                operation: request.operation,
                reason,
            }
            .into());
        }
        let timeout = request.timeout.unwrap_or(self.inner.timeout);
        let deadline = Deadline {
            operation: request.operation,
            timeout,
            at: Instant::now().checked_add(timeout),
        };
        if timeout.is_zero() {
            return Err(SendError::Deadline(deadline.exceeded(
                "a zero timeout leaves no time to send".to_owned(),
                None,
                None,
            )));
        }
        let span = tracing::debug_span!(
            "http",
            api = self.inner.api,
            operation = request.operation,
            method = %request.method,
            path = request.template,
            idempotent = request.idempotent,
        );
        // `instrument`, not `span.enter()`: a guard held across `.await` would leave the span on
        // whatever else the runtime polls on this thread.
        self.with_refresh(&request, &deadline)
            .instrument(span)
            .await
    }

    /// A 401 with an OAuth2 token refreshes the token once and sends the call again: the
    /// server refused it unauthenticated, so it was not carried out.
    async fn with_refresh(
        &self,
        request: &Request,
        deadline: &Deadline,
    ) -> Result<RawResponse, SendError> {
        let mut used_token = None;
        let mut refreshed = false;
        loop {
            let response = self
                .with_retries(request, &mut used_token, deadline)
                .await?;
            match (&self.inner.oauth, used_token.take()) {
                (Some(session), Some(token))
                    if response.parts.status == http::StatusCode::UNAUTHORIZED && !refreshed =>
                {
                    tracing::debug!("401: refreshing the access token and sending again");
                    deadline
                        .bound(
                            "refreshing the access token",
                            session.after_unauthorized(&token),
                        )
                        .await
                        .map_err(SendError::Deadline)??;
                    refreshed = true;
                }
                _ => return Ok(response),
            }
        }
    }

    /// The first attempt goes out directly; the retry machinery starts only after it failed.
    async fn with_retries(
        &self,
        request: &Request,
        used_token: &mut Option<SecretString>,
        deadline: &Deadline,
    ) -> Result<RawResponse, SendError> {
        let mut failed = match self.attempt(request, 1, used_token, deadline).await {
            Ok(response) => return Ok(response),
            Err(failed) => failed,
        };
        let policy = &self.inner.retry;
        let mut backoff = Backoff::new(policy);
        let mut number = 1;
        loop {
            if number >= policy.max_attempts || !failed.retryable(request.idempotent) {
                return failed.finish();
            }
            let computed = backoff.next_delay();
            let (delay, what) = match failed.asked_wait(self.inner.rate_limit_headers.as_ref()) {
                // A server's wait only replaces the delay of a retry the policy allows anyway.
                Some((asked, what)) if asked > MAX_RETRY_AFTER => {
                    tracing::warn!(
                        asked_ms = u64::try_from(asked.as_millis()).unwrap_or(u64::MAX),
                        what,
                        "the server asks for a longer wait than the client takes; returning its answer"
                    );
                    return failed.finish();
                }
                Some(asked) => asked,
                None => (computed, "backoff"),
            };
            if deadline.refuses(delay) {
                let during = format!(
                    "a {what} wait of {delay:?} after {} would end after it ({:?} left)",
                    failed.describe(),
                    deadline.remaining().unwrap_or_default()
                );
                tracing::warn!(%during, "not waiting past the deadline");
                let response = match &failed {
                    Attempt::Status(r) => Some(r.parts.clone()),
                    _ => None,
                };
                return Err(SendError::Deadline(deadline.exceeded(
                    during,
                    Some(&failed),
                    response,
                )));
            }
            tracing::warn!(
                reason = %failed.describe(),
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            (self.inner.sleeper.0)(delay).await;
            number += 1;
            match self.attempt(request, number, used_token, deadline).await {
                Ok(response) => return Ok(response),
                Err(again) => failed = again,
            }
        }
    }

    /// After an answer that says no calls are left, holds the next calls until its reset.
    fn note_window(&self, rate: &RateLimitHeaders, headers: &http::HeaderMap) {
        if rate.remaining(headers) != Some(0) {
            return;
        }
        match rate.reset_wait(headers, SystemTime::now()) {
            Some(wait) if wait.is_zero() => {}
            Some(wait) if wait > MAX_RETRY_AFTER => tracing::warn!(
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "no calls left, but the rate-limit reset is further away than the client waits; \
                 not holding the next calls"
            ),
            Some(wait) => {
                tracing::debug!(
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "no calls left: holding the next calls until the rate-limit reset"
                );
                self.inner.window.hold_for(wait);
            }
            None => tracing::debug!(
                "no calls left, and no rate-limit reset that parses; the next call is not held"
            ),
        }
    }

    /// Reads a response's body: the whole of a success's, up to the cap, and an excerpt of a
    /// failure's. Notes the server's rate-limit window first. The flag says whether the body
    /// was read to its end, so that the connection can carry another call.
    async fn read<B>(
        &self,
        request: &Request,
        status: http::StatusCode,
        headers: &http::HeaderMap,
        body: B,
        failed: impl Fn(B::Error) -> TransportError,
    ) -> Result<(Bytes, bool), Attempt>
    where
        B: http_body::Body<Data = Bytes> + Unpin,
    {
        let inner = &self.inner;
        if let Some(rate) = &inner.rate_limit_headers {
            self.note_window(rate, headers);
        }
        let limit = request.max_body.unwrap_or(inner.max_body);
        if !status.is_success() {
            return read_excerpt(body, limit.min(ERROR_BODY_EXCERPT))
                .await
                .map_err(|e| Attempt::Transport(failed(e)));
        }
        match read_capped(body, limit).await {
            Ok(body) => Ok((body, true)),
            Err(ReadError::Transport(e)) => Err(Attempt::Transport(failed(e))),
            Err(ReadError::TooLarge { limit, declared }) => {
                tracing::warn!(limit, ?declared, "response body over the cap; not read");
                Err(Attempt::TooLarge(BodyTooLarge {
                    operation: request.operation,
                    status,
                    limit,
                    declared,
                }))
            }
        }
    }

    async fn attempt(
        &self,
        request: &Request,
        number: u32,
        used_token: &mut Option<SecretString>,
        deadline: &Deadline,
    ) -> Result<RawResponse, Attempt> {
        let inner = &self.inner;
        if let Some(wait) = inner.window.wait() {
            if deadline.refuses(wait) {
                return Err(Attempt::Deadline(deadline.exceeded(
                    format!(
                        "the server's rate-limit reset, {wait:?} away after an answer with no \
                         calls left, would come after it"
                    ),
                    None,
                    None,
                )));
            }
            tracing::info!(
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "the server said no calls are left: waiting for its rate-limit reset"
            );
            (inner.sleeper.0)(wait).await;
        }
        if let Some(limit) = &inner.rate_limit {
            match limit.acquire_before(deadline.at).await {
                Ok(()) => {}
                Err(LimitError::TooLate(wait)) => {
                    return Err(Attempt::Deadline(deadline.exceeded(
                        format!("the rate limit's wait of {wait:?} would end after it"),
                        None,
                        None,
                    )));
                }
                Err(e) => return Err(Attempt::Limit(e)),
            }
        }
        let bearer = match &inner.oauth {
            Some(session) => {
                let token = deadline
                    .bound("getting an access token", session.access_token())
                    .await
                    .map_err(Attempt::Deadline)?
                    .map_err(Attempt::Auth)?;
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                    .map_err(|_| {
                        Attempt::Auth(OAuthError::Decode(
                            "the access token cannot be sent in a header".to_owned(),
                        ))
                    })?;
                value.set_sensitive(true);
                *used_token = Some(token);
                Some(value)
            }
            None => None,
        };
        let mut target = format!("{}{}", inner.base_path, request.path);
        if !request.query.is_empty() {
            target.push('?');
            target.push_str(&request.query.encode());
        }
        // The attempt gets what is left of the call, or its own bound if that is shorter.
        let left = match (deadline.remaining(), inner.attempt_timeout) {
            (Some(left), Some(own)) => Some(left.min(own)),
            (left, own) => left.or(own),
        };
        if left.is_some_and(|left| left.is_zero()) {
            return Err(Attempt::Deadline(deadline.exceeded(
                "before the attempt was sent".to_owned(),
                None,
                None,
            )));
        }
        let mut headers = http::HeaderMap::with_capacity(8);
        // First, as RFC 9112 asks of a client.
        headers.insert(HOST, inner.authority.clone());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, inner.user_agent.clone());
        for (name, value) in inner.headers.iter().chain(&request.headers) {
            headers.append(name, value.clone());
        }
        if let Some(bearer) = bearer {
            headers.insert(AUTHORIZATION, bearer);
        }
        let body = match &request.body {
            Body::None if inner.form_fields.is_empty() => Bytes::new(),
            Body::None | Body::Form(_) => {
                let mut form = match &request.body {
                    Body::Form(pairs) => pairs.clone(),
                    _ => Pairs::default(),
                };
                for (name, secret) in &inner.form_fields {
                    form.push(name, &secret.expose_secret());
                }
                headers.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                Bytes::from(form.encode())
            }
            Body::Json(bytes) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                bytes.clone()
            }
        };
        let outgoing = Outgoing {
            method: request.method.clone(),
            target,
            headers,
            body,
        };

        let started = Instant::now();
        tracing::debug!(attempt = number, "sending");
        // The attempt's bound is one tokio timer around the exchange (sending, and reading the
        // body), not reqwest's `RequestBuilder::timeout`, which costs more: in the transport
        // section of `benches/request_path.rs`, reqwest with a 30 s timeout took 15-18 µs
        // longer per `get_event` than reqwest without one, and the same call inside
        // `tokio::time::timeout` no longer than without.
        let exchange = async {
            match &inner.http {
                Http::Direct(pool) => {
                    let received = pool.exchange(outgoing).await.map_err(|f| {
                        Attempt::Transport(TransportError::from_failure(request.operation, f))
                    })?;
                    let (head, body) = received.response.into_parts();
                    let (body, complete) = self
                        .read(request, head.status, &head.headers, body, |e| {
                            TransportError::from_failure(
                                request.operation,
                                Failure {
                                    kind: TransportErrorKind::Body,
                                    source: Box::new(e),
                                },
                            )
                        })
                        .await?;
                    if complete {
                        received.lease.release();
                    }
                    Ok((head.status, head.headers, body))
                }
                Http::Proxied(client) => {
                    let fail = |e| Attempt::Transport(TransportError::new(request.operation, e));
                    let url = format!("{}{}", inner.origin, outgoing.target);
                    let mut proxied = client.request(outgoing.method, url);
                    if !outgoing.body.is_empty() {
                        proxied = proxied.body(outgoing.body);
                    }
                    let response = proxied
                        .headers(outgoing.headers)
                        .send()
                        .await
                        .map_err(fail)?;
                    let (head, body) = http::Response::from(response).into_parts();
                    let (body, _) = self
                        .read(request, head.status, &head.headers, body, |e| {
                            TransportError::new(request.operation, e)
                        })
                        .await?;
                    Ok((head.status, head.headers, body))
                }
            }
        };
        let end = left.and_then(|left| Some((left, started.checked_add(left)?)));
        let (status, headers, body) = match end {
            None => exchange.await?,
            Some((left, end)) => tokio::time::timeout_at(end.into(), exchange)
                .await
                .map_err(|_| {
                    Attempt::Transport(TransportError::timed_out(request.operation, left))
                })??,
        };
        tracing::debug!(
            attempt = number,
            status = status.as_u16(),
            bytes = body.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "received"
        );
        let raw = RawResponse {
            parts: ResponseParts::new(request.operation, status, headers, body),
        };
        if inner
            .retry
            .retries_status(status.as_u16(), request.idempotent)
        {
            Err(Attempt::Status(raw))
        } else {
            Ok(raw)
        }
    }
}

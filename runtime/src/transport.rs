//! The transport: one reqwest client per generated client, shared by its clones, which adds
//! credentials, applies timeouts and the redirect policy, and sends requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use backon::{ExponentialBuilder, Retryable};

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderName, HeaderValue};
use reqwest::redirect;
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use crate::encode::Pairs;
use crate::error::ResponseParts;
use crate::error::TransportErrorKind;
use crate::error::{InvalidRequest, TransportError};
use crate::limit::RateLimit;
use crate::oauth::{OAuthError, OAuthSession};
use crate::request::{Body, Request};
use crate::response::RawResponse;
use crate::retry::{MAX_RETRY_AFTER, RetryPolicy, Sleeper, retry_after};

/// Total time one call may take unless the client or the call says otherwise. reqwest sets none.
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
    /// The API needs one of its credentials and none was given.
    #[error("no credential was given; this API needs one")]
    NoCredential,
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
#[derive(Debug, Clone)]
pub struct TransportBuilder {
    api: &'static str,
    base_url: String,
    allow_http: bool,
    timeout: Duration,
    connect_timeout: Duration,
    credentials: Vec<Credential>,
    user_agent: String,
    retry: RetryPolicy,
    rate_limit: Option<(u32, Duration)>,
    sleeper: Sleeper,
    require_credential: bool,
}

impl TransportBuilder {
    /// Starts a transport for `api` at `base_url`.
    pub fn new(api: &'static str, base_url: impl Into<String>) -> Self {
        TransportBuilder {
            api,
            base_url: base_url.into(),
            allow_http: false,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            credentials: Vec::new(),
            user_agent: format!("saas-clients/{} ({api})", env!("CARGO_PKG_VERSION")),
            retry: RetryPolicy::default(),
            rate_limit: None,
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

    /// Sends at most `calls` requests in any window of `per`, across every clone of the client
    /// and every task using it; calls wait for a slot. `calls == 0` removes the limit.
    pub fn rate_limit(mut self, calls: u32, per: Duration) -> Self {
        self.rate_limit = (calls > 0).then_some((calls, per));
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

    /// Allows a plain-HTTP base URL. Off by default: credentials would travel in clear text.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Total time one call may take, from sending to the last byte of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Adds a credential sent with every request.
    pub fn credential(mut self, credential: Credential) -> Self {
        self.credentials.push(credential);
        self
    }

    /// Replaces the `User-Agent`.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Builds the transport.
    pub fn build(self) -> Result<Transport, BuildError> {
        let bad = |reason: &str| BuildError::BaseUrl {
            url: self.base_url.clone(),
            reason: reason.to_owned(),
        };
        let base = url::Url::parse(&self.base_url).map_err(|e| bad(&e.to_string()))?;
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
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .redirect(same_origin_redirects())
            .build()?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let oauth = self.credentials.iter().find_map(|c| match c {
            Credential::OAuth(session) => Some(session.clone()),
            _ => None,
        });
        Ok(Transport {
            inner: Arc::new(Inner {
                api: self.api,
                http,
                base_url,
                timeout: self.timeout,
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
                    .and_then(|(calls, per)| RateLimit::new(calls, per)),
                sleeper: self.sleeper,
            }),
        })
    }
}

/// Redirects are followed only within the origin they started from. Custom credential headers
/// (`Teamup-Token`) would otherwise travel to whatever host a redirect names: reqwest strips
/// `Authorization` across hosts but not headers it does not know. A redirect elsewhere is
/// returned to the caller as the 3xx response it is.
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

struct Inner {
    api: &'static str,
    http: reqwest::Client,
    base_url: String,
    timeout: Duration,
    headers: Vec<(HeaderName, HeaderValue)>,
    form_fields: Vec<(String, SecretString)>,
    oauth: Option<Arc<OAuthSession>>,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    sleeper: Sleeper,
}

/// An attempt that may be worth repeating.
enum Attempt {
    /// A reply whose status the policy retries; returned to the caller if retries run out.
    Status(RawResponse),
    /// No complete reply.
    Transport(TransportError),
    /// No access token could be had.
    Auth(OAuthError),
}

impl Attempt {
    fn retry_after(&self) -> Option<Duration> {
        match self {
            Attempt::Status(r) => retry_after(&r.parts.headers, SystemTime::now()),
            Attempt::Transport(_) | Attempt::Auth(_) => None,
        }
    }

    /// A status in the policy is retried (the policy already weighed idempotency). A transport
    /// failure is retried when the request cannot have reached the server (no connection), or
    /// when repeating it is harmless.
    fn retryable(&self, idempotent: bool) -> bool {
        match self {
            Attempt::Status(_) => true,
            Attempt::Transport(e) => idempotent || e.kind == TransportErrorKind::Connect,
            Attempt::Auth(_) => false,
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
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
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
}

impl<E: crate::error::ErrorBody> From<SendError> for crate::error::Error<E> {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Invalid(e) => crate::error::Error::InvalidRequest(e),
            SendError::Transport(e) => crate::error::Error::Transport(e),
            SendError::Auth(e) => crate::error::Error::Auth(e),
        }
    }
}

impl Transport {
    /// Sends `request`, retrying as the policy allows, and reads the whole response, whatever
    /// its status.
    pub async fn execute(&self, request: Request) -> Result<RawResponse, SendError> {
        if let Some(reason) = request.invalid.clone() {
            return Err(InvalidRequest {
                operation: request.operation,
                reason,
            }
            .into());
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
        self.with_refresh(&request).instrument(span).await
    }

    /// A 401 with an OAuth2 token refreshes the token once and sends the call again: the
    /// server refused it unauthenticated, so it was not carried out.
    async fn with_refresh(&self, request: &Request) -> Result<RawResponse, SendError> {
        let used_token = std::sync::Mutex::new(None);
        let mut refreshed = false;
        loop {
            let response = self.with_retries(request, &used_token).await?;
            let stale = used_token.lock().map(|mut t| t.take()).unwrap_or(None);
            match (&self.inner.oauth, stale) {
                (Some(session), Some(token))
                    if response.parts.status == http::StatusCode::UNAUTHORIZED && !refreshed =>
                {
                    tracing::debug!("401: refreshing the access token and sending again");
                    session.after_unauthorized(&token).await?;
                    refreshed = true;
                }
                _ => return Ok(response),
            }
        }
    }

    async fn with_retries(
        &self,
        request: &Request,
        used_token: &std::sync::Mutex<Option<SecretString>>,
    ) -> Result<RawResponse, SendError> {
        let inner = &self.inner;
        let policy = &inner.retry;
        let backoff = ExponentialBuilder::default()
            .with_min_delay(policy.initial_backoff)
            .with_max_delay(policy.max_backoff)
            .with_max_times(policy.max_attempts.saturating_sub(1) as usize)
            .with_jitter();
        let attempts = AtomicU32::new(0);
        let outcome = (|| {
            self.attempt(
                request,
                attempts.fetch_add(1, Ordering::Relaxed) + 1,
                used_token,
            )
        })
        .retry(backoff)
        .sleep(inner.sleeper.clone())
        .when(|a: &Attempt| a.retryable(request.idempotent))
        // `computed` is `None` once the attempts are used up; a `Retry-After` only replaces
        // the delay of a retry that the policy allows anyway.
        .adjust(|a: &Attempt, computed| match (computed, a.retry_after()) {
            (None, _) => None,
            (Some(_), Some(asked)) if asked > MAX_RETRY_AFTER => None,
            (Some(_), Some(asked)) => Some(asked),
            (Some(delay), None) => Some(delay),
        })
        .notify(|a: &Attempt, delay| {
            let reason = match a {
                Attempt::Status(r) => format!("HTTP {}", r.parts.status.as_u16()),
                Attempt::Transport(e) => format!("{:?} error", e.kind),
                Attempt::Auth(_) => "authorization".to_owned(),
            };
            tracing::warn!(%reason, delay_ms = delay.as_millis() as u64, "retrying");
        })
        .await;
        match outcome {
            Ok(response) | Err(Attempt::Status(response)) => Ok(response),
            Err(Attempt::Transport(e)) => Err(e.into()),
            Err(Attempt::Auth(e)) => Err(e.into()),
        }
    }

    async fn attempt(
        &self,
        request: &Request,
        number: u32,
        used_token: &std::sync::Mutex<Option<SecretString>>,
    ) -> Result<RawResponse, Attempt> {
        let inner = &self.inner;
        if let Some(limit) = &inner.rate_limit {
            limit.acquire().await;
        }
        let bearer = match &inner.oauth {
            Some(session) => {
                let token = session.access_token().await.map_err(Attempt::Auth)?;
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                    .map_err(|_| {
                        Attempt::Auth(OAuthError::Decode(
                            "the access token cannot be sent in a header".to_owned(),
                        ))
                    })?;
                value.set_sensitive(true);
                if let Ok(mut slot) = used_token.lock() {
                    *slot = Some(token);
                }
                Some(value)
            }
            None => None,
        };
        let mut url = format!("{}{}", inner.base_url, request.path);
        if !request.query.is_empty() {
            url.push('?');
            url.push_str(&request.query.encode());
        }
        let mut builder = inner
            .http
            .request(request.method.clone(), &url)
            .timeout(request.timeout.unwrap_or(inner.timeout))
            .header(ACCEPT, "application/json");
        for (name, value) in inner.headers.iter().chain(&request.headers) {
            builder = builder.header(name, value);
        }
        if let Some(bearer) = bearer {
            builder = builder.header(AUTHORIZATION, bearer);
        }
        builder = match &request.body {
            Body::None if inner.form_fields.is_empty() => builder,
            Body::None | Body::Form(_) => {
                let mut form = match &request.body {
                    Body::Form(pairs) => pairs.clone(),
                    _ => Pairs::default(),
                };
                for (name, secret) in &inner.form_fields {
                    form.push(name, &secret.expose_secret());
                }
                builder
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form.encode())
            }
            Body::Json(bytes) => builder
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
        };

        let started = Instant::now();
        tracing::debug!(attempt = number, "sending");
        let fail = |e| Attempt::Transport(TransportError::new(request.operation, e));
        let response = builder.send().await.map_err(fail)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(fail)?;
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

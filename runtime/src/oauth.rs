//! OAuth2 authorization-code flow with single-use refresh tokens (Teamleader Focus).
//!
//! Setting up: an API module's `oauth_config(client_id, secret, redirect_uri)` gives the
//! [`OAuthConfig`] with the documented endpoints ([`OAuthConfig::with_token_url`] redirects the
//! token requests, e.g. to a test server); it builds the authorize URL and exchanges the code
//! for the first [`TokenPair`]. A session starts from that pair ([`OAuthSession::new`]) or from
//! a stored refresh token alone ([`OAuthSession::from_refresh_token`]: the first call
//! refreshes). A plain-HTTP token URL is allowed by the same `allow_http(true)` as the API's
//! base URL, on the transport of a client that takes the session. Users reach all of this as
//! `saas_clients::prelude::*` or `saas_clients::runtime::oauth`.
//!
//! A refresh token works once, and each refresh returns a new pair. Lose the new pair and the
//! integration is locked out until a person authorizes it again; send a spent refresh token and
//! a server that detects reuse may revoke the whole grant. So a session guarantees:
//!
//! - **One refresh at a time, owned by the session.** The refresh and the save of its result run
//!   in a task the session spawns, not in the caller's future. Every call that needs a token
//!   waits on that one task; a caller that gives up (a timeout, a `select!`, a dropped web
//!   handler) stops waiting, and the task still receives the new pair, keeps it and saves it.
//! - **A refresh token is sent once.** A token endpoint that answers 200 with something that is
//!   not a token pair (an HTML page, garbage, a body over the cap) may have rotated the pair
//!   already, so the session marks the grant *possibly spent*: every call then fails with
//!   [`OAuthError::PossiblySpent`] and the refresh token is never sent again automatically.
//!   [`OAuthSession::replace_pair`] (after the user authorizes again, or with a pair read back
//!   from the store) resumes. A 5xx is tried once more, after [`SessionOptions::retry_backoff`],
//!   for all waiting calls together. A 4xx (`invalid_grant`) and a network failure are reported
//!   to the waiting calls; a later call may try again.
//! - **Answers as RFC 6749 §6 allows them.** A 200 without `refresh_token` keeps the old one and
//!   uses the new access token; an `expires_in` of any size, a negative one, a string or none at
//!   all never panics (a huge value saturates, a missing one means "until a 401 says otherwise").
//!   An answer over [`TOKEN_BODY_LIMIT`] is not read.
//! - **The store is bounded.** Every new pair goes to the caller's [`TokenStore`] before any
//!   request uses it. A `save` that fails, panics, or does not finish within
//!   [`SessionOptions::store_timeout`] leaves the pair in memory, marked unsaved
//!   ([`OAuthSession::is_unsaved`]); the calls waiting for it fail with [`OAuthError::Store`],
//!   and the next call saves it again before using it (one save at a time). When the store is
//!   down, calls therefore fail after at most the store timeout instead of hanging, and the only
//!   copy of the refresh token stays in the session for as long as the process lives.
//! - **Refresh ahead of expiry, never on every call.** A token is refreshed
//!   [`SessionOptions::refresh_margin`] before it expires, but never earlier than half its
//!   lifetime, so a token that lives 30 s is not refreshed before every call. After a 401 it is
//!   refreshed once.
//! - **One refresh across processes, with feature `redis`.** [`shared::RedisGrant`] adds a
//!   token store and a refresh lock on Redis shared by every process using the same grant; see
//!   [`shared`].

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::body::{ReadError, TOKEN_BODY_LIMIT, read_capped};

#[cfg(feature = "redis")]
pub mod shared;

/// Refresh this long before the access token expires (unless that is more than half its
/// lifetime), so no request goes out with a token that expires on the way.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The longest lifetime a token answer is taken to promise; larger `expires_in` values saturate.
const MAX_LIFETIME: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// An access token with the refresh token that replaces it.
///
/// A [`TokenStore`] reads the tokens it is given with [`TokenPair::access_token_str`] and
/// [`TokenPair::refresh_token_str`] (or with `ExposeSecret`, re-exported as
/// `saas_clients::prelude::ExposeSecret`), and builds the pair it read back with
/// [`TokenPair::new`]; it needs no `secrecy` dependency of its own.
#[derive(Clone)]
pub struct TokenPair {
    /// Sent as `Authorization: Bearer`.
    pub access_token: SecretString,
    /// Exchanged, once, for the next pair.
    pub refresh_token: SecretString,
    /// When the access token stops working.
    pub expires_at: SystemTime,
}

impl std::fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenPair")
            .field("access_token", &"[REDACTED]")
            .field("refresh_token", &"[REDACTED]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl TokenPair {
    /// A pair as read back from storage: the tokens as text (or `SecretString`s) and when the
    /// access token expires.
    pub fn new(
        access_token: impl Into<SecretString>,
        refresh_token: impl Into<SecretString>,
        expires_at: SystemTime,
    ) -> Self {
        TokenPair {
            access_token: access_token.into(),
            refresh_token: refresh_token.into(),
            expires_at,
        }
    }

    /// A pair holding only a stored refresh token, for [`OAuthSession::with_options`] and
    /// `OAuthSession::shared` ([`OAuthSession::from_refresh_token`] uses it): it has no access
    /// token, so the session refreshes before the first call is sent.
    pub fn refresh_only(refresh_token: impl Into<SecretString>) -> Self {
        TokenPair {
            access_token: SecretString::from(""),
            refresh_token: refresh_token.into(),
            expires_at: SystemTime::UNIX_EPOCH,
        }
    }

    /// The access token as text, to store it. Keep it out of logs.
    pub fn access_token_str(&self) -> &str {
        self.access_token.expose_secret()
    }

    /// The refresh token as text, to store it. Keep it out of logs.
    pub fn refresh_token_str(&self) -> &str {
        self.refresh_token.expose_secret()
    }
}

/// A boxed future, so that [`TokenStore`] can be used as a trait object.
pub type StoreFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Where new token pairs are kept (a database row, a secrets manager). Called with every new
/// pair before the pair is used, from a task of the session (never from a caller's future), and
/// bounded by [`SessionOptions::store_timeout`].
pub trait TokenStore: Send + Sync + 'static {
    /// Persists `pair`; an `Err` says why it could not.
    fn save<'a>(&'a self, pair: &'a TokenPair) -> StoreFuture<'a>;
}

/// What went wrong with authorization. Cloneable: one refresh answers every waiting call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OAuthError {
    /// The token endpoint could not be reached or read.
    #[error("token endpoint: {0}")]
    Transport(#[source] Arc<reqwest::Error>),
    /// The token endpoint refused (an expired or already used refresh token, a bad code).
    #[error("token endpoint answered HTTP {status}: {body}")]
    Refused {
        /// Status.
        status: u16,
        /// The start of the body, which says why (it holds no tokens: it is an error).
        body: String,
    },
    /// The token endpoint answered something that is not a token pair.
    #[error("token endpoint answered an unreadable body: {0}")]
    Decode(String),
    /// A refresh was answered 200 with something that is not a token pair: the server may have
    /// spent the refresh token already, so it is not sent again. Authorize again, or give the
    /// session a pair with [`OAuthSession::replace_pair`].
    #[error(
        "the refresh token may have been spent (the token endpoint answered 200 with no readable pair: {0}); it is not sent again: authorize again or call `OAuthSession::replace_pair`"
    )]
    PossiblySpent(String),
    /// The new pair could not be saved. It is kept in memory and saved again on the next call.
    #[error(
        "the new token pair could not be saved (it is kept in memory and saved again on the next call): {0}"
    )]
    Store(String),
    /// The configuration is unusable.
    #[error("OAuth2 configuration: {0}")]
    Config(String),
    /// The pair store and refresh lock shared with other processes (Redis) could not be used;
    /// no refresh token was sent.
    #[error("shared OAuth2 session: {0}")]
    Shared(String),
}

/// The integration's registration: what the authorize and token endpoints need.
///
/// Built by the API module (`teamleader_v2::oauth_config(client_id, secret, redirect_uri)`)
/// with the documented endpoints; [`OAuthConfig::with_token_url`] points the token requests
/// elsewhere (a test server, a proxy). A plain-HTTP token URL is used only once a client
/// whose transport allows plain HTTP (`.transport(|t| t.allow_http(true))`) takes a session
/// made from this configuration (or a clone of it): the same one setting as for the API's
/// base URL, not a second one.
#[derive(Clone)]
pub struct OAuthConfig {
    authorize_url: String,
    token_url: String,
    client_id: String,
    client_secret: SecretString,
    redirect_uri: String,
    /// Set by a transport built with `allow_http(true)` that uses a session of this config;
    /// shared by clones.
    http_allowed: Arc<AtomicBool>,
}

impl std::fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// A token answer as read: the refresh token and the lifetime may be missing.
struct Answer {
    access_token: SecretString,
    refresh_token: Option<SecretString>,
    lifetime: Option<Duration>,
}

/// `expires_in` in whatever form it came: a number of any size (saturated), a negative one
/// (already expired), or digits in a string.
fn lifetime(value: &serde_json::Value) -> Option<Duration> {
    let seconds = match value {
        serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(s), _, _) => s,
            (None, Some(_), _) => 0,
            (None, None, Some(f)) if f.is_nan() || f <= 0.0 => 0,
            (None, None, Some(f)) if f >= u64::MAX as f64 => u64::MAX,
            (None, None, Some(f)) => f as u64,
            (None, None, None) => u64::MAX,
        },
        serde_json::Value::String(s) => {
            let s = s.trim();
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse::<u64>().unwrap_or(u64::MAX)
        }
        _ => return None,
    };
    Some(Duration::from_secs(seconds).min(MAX_LIFETIME))
}

/// `at + d`, saturated instead of overflowing.
fn later(at: SystemTime, d: Duration) -> SystemTime {
    at.checked_add(d)
        .or_else(|| at.checked_add(MAX_LIFETIME))
        .unwrap_or(at)
}

impl OAuthConfig {
    /// A registration with these endpoints. The API modules' `oauth_config` functions fill in
    /// the documented endpoints; use this for an API the spec does not describe.
    pub fn new(
        authorize_url: impl Into<String>,
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<SecretString>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        OAuthConfig {
            authorize_url: authorize_url.into(),
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: redirect_uri.into(),
            http_allowed: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Sends code exchanges and refreshes to `url` instead of the documented token endpoint (a
    /// test server, a proxy). It must use https, unless the client that takes the session
    /// allows plain HTTP (see [`OAuthConfig`]).
    pub fn with_token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// Sends the user to `url` instead of the documented authorize endpoint.
    pub fn with_authorize_url(mut self, url: impl Into<String>) -> Self {
        self.authorize_url = url.into();
        self
    }

    /// Where codes and refresh tokens are exchanged.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// Where the user authorizes the integration (without the query [`OAuthConfig::authorize_url`]
    /// adds).
    pub fn authorize_endpoint(&self) -> &str {
        &self.authorize_url
    }

    /// The integration's client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Where the user is sent back with the code.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Whether the token URL is plain HTTP.
    pub(crate) fn token_url_is_http(&self) -> bool {
        self.token_url.starts_with("http://")
    }

    /// Called by a transport built with `allow_http(true)` that uses a session of this config.
    pub(crate) fn allow_http(&self) {
        self.http_allowed.store(true, Ordering::Relaxed);
    }

    /// The URL to send the user to; `state` comes back with the code and must be checked by the
    /// caller against the one it sent (it protects against cross-site request forgery).
    pub fn authorize_url(&self, state: &str) -> String {
        let mut q = crate::encode::Pairs::default();
        q.push("client_id", &self.client_id);
        q.push("response_type", &"code");
        q.push("redirect_uri", &self.redirect_uri);
        q.push("state", &state);
        let sep = if self.authorize_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!("{}{sep}{}", self.authorize_url, q.encode())
    }

    fn http(&self, timeout: Duration) -> Result<reqwest::Client, OAuthError> {
        let plain_allowed = self.token_url_is_http() && self.http_allowed.load(Ordering::Relaxed);
        if !(self.token_url.starts_with("https://") || plain_allowed) {
            return Err(OAuthError::Config(format!(
                "the token URL `{}` must use https (plain HTTP only once a client built with \
                 `.transport(|t| t.allow_http(true))` takes a session of this configuration)",
                self.token_url
            )));
        }
        reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OAuthError::Transport(Arc::new(e)))
    }

    async fn token_request(
        &self,
        http: &reqwest::Client,
        grant: &[(&str, &str)],
    ) -> Result<Answer, OAuthError> {
        let mut form = crate::encode::Pairs::default();
        form.push("client_id", &self.client_id);
        form.push("client_secret", &self.client_secret.expose_secret());
        for (name, value) in grant {
            form.push(name, value);
        }
        let transport = |e: reqwest::Error| OAuthError::Transport(Arc::new(e.without_url()));
        let response = http
            .post(&self.token_url)
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(http::header::ACCEPT, "application/json")
            .body(form.encode())
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            let (body, _) = crate::body::read_excerpt(crate::body::reqwest_body(response), 2048)
                .await
                .map_err(transport)?;
            return Err(OAuthError::Refused {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).chars().take(500).collect(),
            });
        }
        let body = match read_capped(crate::body::reqwest_body(response), TOKEN_BODY_LIMIT).await {
            Ok(body) => body,
            Err(ReadError::Transport(e)) => return Err(transport(e)),
            Err(ReadError::TooLarge { limit, .. }) => {
                return Err(OAuthError::Decode(format!(
                    "the answer is larger than {limit} bytes"
                )));
            }
        };
        let t: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            let start: String = String::from_utf8_lossy(&body).chars().take(80).collect();
            OAuthError::Decode(format!("{e}; body starts `{start}`"))
        })?;
        if t.access_token.is_empty() {
            return Err(OAuthError::Decode(
                "the answer's access_token is empty".to_owned(),
            ));
        }
        Ok(Answer {
            access_token: t.access_token.into(),
            refresh_token: t.refresh_token.map(SecretString::from),
            lifetime: t.expires_in.as_ref().and_then(lifetime),
        })
    }

    /// Exchanges the code from the redirect for the first token pair.
    pub async fn exchange_code(&self, code: &str) -> Result<TokenPair, OAuthError> {
        let http = self.http(SessionOptions::default().token_timeout)?;
        let answer = self
            .token_request(
                &http,
                &[
                    ("code", code),
                    ("grant_type", "authorization_code"),
                    ("redirect_uri", &self.redirect_uri),
                ],
            )
            .await?;
        let Some(refresh_token) = answer.refresh_token else {
            return Err(OAuthError::Decode(
                "the answer to the code exchange holds no refresh_token".to_owned(),
            ));
        };
        Ok(TokenPair {
            access_token: answer.access_token,
            refresh_token,
            expires_at: later(SystemTime::now(), answer.lifetime.unwrap_or(MAX_LIFETIME)),
        })
    }
}

/// How a session refreshes and saves. `Default` gives the documented values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOptions {
    /// Refresh this long before expiry, but never earlier than half the token's lifetime.
    /// Default [`REFRESH_MARGIN`] (60 s).
    pub refresh_margin: Duration,
    /// The longest a [`TokenStore::save`] may take; after it, the pair stays in memory, marked
    /// unsaved. Default 10 s.
    pub store_timeout: Duration,
    /// The longest one request to the token endpoint may take. Default 30 s.
    pub token_timeout: Duration,
    /// Wait before the one retry of a token request answered 5xx. Default 1 s.
    pub retry_backoff: Duration,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            refresh_margin: REFRESH_MARGIN,
            store_timeout: Duration::from_secs(10),
            token_timeout: Duration::from_secs(30),
            retry_backoff: Duration::from_secs(1),
        }
    }
}

/// A refresh or a save in flight, awaited by every call that needs its result.
type Job = Shared<BoxFuture<'static, Result<(), OAuthError>>>;

struct State {
    pair: TokenPair,
    /// How long the current access token was issued for (for the initial pair: what was left
    /// of it when the session started); `None` when the server did not say.
    lifetime: Option<Duration>,
    /// The pair in memory has not reached the store yet.
    unsaved: bool,
    /// Bumped on every new pair, so a save of an older pair does not mark a newer one saved.
    generation: u64,
    /// Why the refresh token may be spent; while set, it is never sent.
    spent: Option<String>,
    /// The refresh or save in flight.
    job: Option<Job>,
}

impl State {
    fn needs_refresh(&self, margin: Duration, now: SystemTime) -> bool {
        let margin = match self.lifetime {
            Some(lifetime) => margin.min(lifetime / 2),
            None => margin,
        };
        now.checked_add(margin)
            .is_some_and(|t| self.pair.expires_at <= t)
    }
}

struct Inner {
    config: OAuthConfig,
    store: Arc<dyn TokenStore>,
    options: SessionOptions,
    state: Mutex<State>,
    #[cfg(feature = "redis")]
    shared: Option<shared::RedisGrant>,
}

/// A live authorization: the current pair, refreshed as needed and saved on every change.
/// Share one session (in an `Arc`) between every client that uses the same authorization. See
/// the [module documentation](self) for what it guarantees.
pub struct OAuthSession {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for OAuthSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthSession")
            .field("config", &self.inner.config)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

/// What a spawned job does.
#[derive(Clone, Copy)]
enum Work {
    /// Refresh, then save the new pair.
    Refresh,
    /// Save the pair in memory.
    Save,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is only ever replaced whole under the lock, so a poisoned lock still holds
        // a consistent pair; keep going rather than lose it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn run(self: &Arc<Self>, work: Work) -> Result<(), OAuthError> {
        if let Work::Refresh = work {
            self.refresh().await?;
        }
        self.save().await
    }

    async fn refresh(&self) -> Result<(), OAuthError> {
        #[cfg(feature = "redis")]
        if let Some(grant) = &self.shared {
            return grant.refresh(self).await;
        }
        let old = self.lock().pair.refresh_token.clone();
        let (pair, lifetime) = self.exchange(old).await?;
        self.install(pair, lifetime);
        Ok(())
    }

    /// Sends `old` to the token endpoint (once more after a 5xx) and returns the new pair with
    /// its lifetime. An unreadable 200 marks the grant possibly spent.
    async fn exchange(
        &self,
        old: SecretString,
    ) -> Result<(TokenPair, Option<Duration>), OAuthError> {
        tracing::debug!("refreshing the OAuth2 access token");
        let http = self.config.http(self.options.token_timeout)?;
        let grant = [
            ("refresh_token", old.expose_secret()),
            ("grant_type", "refresh_token"),
        ];
        let mut answer = self.config.token_request(&http, &grant).await;
        if matches!(&answer, Err(OAuthError::Refused { status, .. }) if *status >= 500) {
            tracing::warn!("token endpoint answered 5xx; trying once more");
            tokio::time::sleep(self.options.retry_backoff).await;
            answer = self.config.token_request(&http, &grant).await;
        }
        let answer = match answer {
            Ok(answer) => answer,
            Err(OAuthError::Decode(why)) => {
                tracing::error!(%why, "token endpoint answered 200 without a pair; the refresh token may be spent");
                self.lock().spent = Some(why.clone());
                return Err(OAuthError::PossiblySpent(why));
            }
            Err(e) => return Err(e),
        };
        // The old refresh token is spent: from here on the new pair is the only one.
        let pair = TokenPair {
            access_token: answer.access_token,
            refresh_token: answer.refresh_token.unwrap_or(old),
            expires_at: later(SystemTime::now(), answer.lifetime.unwrap_or(MAX_LIFETIME)),
        };
        Ok((pair, answer.lifetime))
    }

    /// Makes `pair` the current one, to be saved before it is used.
    fn install(&self, pair: TokenPair, lifetime: Option<Duration>) {
        let mut state = self.lock();
        state.pair = pair;
        state.lifetime = lifetime;
        state.unsaved = true;
        state.generation += 1;
    }

    async fn save(&self) -> Result<(), OAuthError> {
        let (pair, generation) = {
            let state = self.lock();
            if !state.unsaved {
                return Ok(());
            }
            (state.pair.clone(), state.generation)
        };
        let store = Arc::clone(&self.store);
        let saving = AssertUnwindSafe(async move { store.save(&pair).await }).catch_unwind();
        let failure = match tokio::time::timeout(self.options.store_timeout, saving).await {
            Ok(Ok(Ok(()))) => {
                let mut state = self.lock();
                if state.generation == generation {
                    state.unsaved = false;
                }
                return Ok(());
            }
            Ok(Ok(Err(e))) => e,
            Ok(Err(panic)) => format!("the token store panicked: {}", panic_text(&*panic)),
            Err(_) => format!(
                "the token store did not finish within {:?}",
                self.options.store_timeout
            ),
        };
        tracing::error!(error = %failure, "could not save the new OAuth2 token pair; kept in memory");
        Err(OAuthError::Store(failure))
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_owned()
    }
}

impl OAuthSession {
    /// A session that starts from `pair` (as last saved) and saves new pairs to `store`, with
    /// the default [`SessionOptions`].
    pub fn new(config: OAuthConfig, pair: TokenPair, store: Arc<dyn TokenStore>) -> Arc<Self> {
        Self::with_options(config, pair, store, SessionOptions::default())
    }

    /// A session that starts from a stored refresh token alone: the first call that needs an
    /// access token refreshes (and saves the new pair to `store`) before anything is sent.
    pub fn from_refresh_token(
        config: OAuthConfig,
        refresh_token: impl Into<SecretString>,
        store: Arc<dyn TokenStore>,
    ) -> Arc<Self> {
        Self::with_options(
            config,
            TokenPair::refresh_only(refresh_token),
            store,
            SessionOptions::default(),
        )
    }

    /// Like [`OAuthSession::new`], with other refresh and store settings.
    pub fn with_options(
        config: OAuthConfig,
        pair: TokenPair,
        store: Arc<dyn TokenStore>,
        options: SessionOptions,
    ) -> Arc<Self> {
        Self::build(config, pair, store, options, |inner| inner)
    }

    fn build(
        config: OAuthConfig,
        pair: TokenPair,
        store: Arc<dyn TokenStore>,
        options: SessionOptions,
        finish: impl FnOnce(Inner) -> Inner,
    ) -> Arc<Self> {
        let lifetime = pair.expires_at.duration_since(SystemTime::now()).ok();
        Arc::new(OAuthSession {
            inner: Arc::new(finish(Inner {
                config,
                store,
                options,
                #[cfg(feature = "redis")]
                shared: None,
                state: Mutex::new(State {
                    pair,
                    lifetime: Some(lifetime.unwrap_or(Duration::ZERO)),
                    unsaved: false,
                    generation: 0,
                    spent: None,
                    job: None,
                }),
            })),
        })
    }

    /// Starts `work` in a task of its own, so that it finishes whatever happens to the caller.
    fn start(&self, state: &mut State, work: Work) -> Result<Job, OAuthError> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| OAuthError::Config("a session needs a tokio runtime".to_owned()))?;
        let inner = Arc::clone(&self.inner);
        // The state lock is held by the caller, so the task cannot clear `job` before it is set.
        let task = runtime.spawn(async move {
            let outcome = AssertUnwindSafe(inner.run(work)).catch_unwind().await;
            inner.lock().job = None;
            outcome.unwrap_or_else(|panic| {
                Err(OAuthError::Store(format!(
                    "the refresh panicked: {}",
                    panic_text(&*panic)
                )))
            })
        });
        let job = async move {
            task.await.unwrap_or_else(|e| {
                Err(OAuthError::Config(format!(
                    "the refresh task ended early: {e}"
                )))
            })
        }
        .boxed()
        .shared();
        state.job = Some(job.clone());
        Ok(job)
    }

    /// What to wait for before the current token may be used, if anything; `refresh` forces a
    /// refresh when no job is in flight (a 401 to the current token); without `may_refresh`
    /// only an unsaved pair starts a job.
    fn next_job(
        &self,
        refresh: bool,
        may_refresh: bool,
    ) -> Result<Result<SecretString, Job>, OAuthError> {
        let mut state = self.inner.lock();
        if let Some(job) = &state.job {
            return Ok(Err(job.clone()));
        }
        if let Some(why) = &state.spent {
            return Err(OAuthError::PossiblySpent(why.clone()));
        }
        // A pair without an access token (`TokenPair::refresh_only`) is never sent as it is.
        let stale = refresh
            || (may_refresh
                && (state.pair.access_token.expose_secret().is_empty()
                    || state.needs_refresh(self.inner.options.refresh_margin, SystemTime::now())));
        if stale {
            return self.start(&mut state, Work::Refresh).map(Err);
        }
        if state.unsaved {
            return self.start(&mut state, Work::Save).map(Err);
        }
        Ok(Ok(state.pair.access_token.clone()))
    }

    async fn token_after(&self, refresh: bool) -> Result<SecretString, OAuthError> {
        match self.next_job(refresh, true)? {
            Ok(token) => return Ok(token),
            Err(job) => job.await?,
        }
        // A job ran (this call's or another's). Use its pair; only a pair left unsaved by it
        // waits for one more save. Never refresh again here: a server answering
        // `expires_in: 0` must not cause two refreshes per call.
        match self.next_job(false, false)? {
            Ok(token) => Ok(token),
            Err(job) => {
                job.await?;
                Ok(self.inner.lock().pair.access_token.clone())
            }
        }
    }

    /// An access token that is valid for at least the refresh margin, refreshing first if
    /// needed.
    pub async fn access_token(&self) -> Result<SecretString, OAuthError> {
        self.token_after(false).await
    }

    /// After a 401 to a request sent with `used`: refreshes, unless another task already
    /// replaced that token, and returns the token to retry with.
    pub async fn after_unauthorized(
        &self,
        used: &SecretString,
    ) -> Result<SecretString, OAuthError> {
        let current = {
            let state = self.inner.lock();
            state.pair.access_token.expose_secret() == used.expose_secret()
        };
        self.token_after(current).await
    }

    /// Replaces the pair (after the user authorized again, or with the pair read back from the
    /// store), which also lifts a [`OAuthError::PossiblySpent`] state. The pair is taken as
    /// saved. Waits for a refresh or save in flight to finish first.
    pub async fn replace_pair(&self, pair: TokenPair) {
        loop {
            let job = {
                let mut state = self.inner.lock();
                match &state.job {
                    Some(job) => job.clone(),
                    None => {
                        state.lifetime = pair.expires_at.duration_since(SystemTime::now()).ok();
                        state.pair = pair;
                        state.unsaved = false;
                        state.spent = None;
                        state.generation += 1;
                        return;
                    }
                }
            };
            let _ = job.await;
        }
    }

    /// Whether the pair in memory has not reached the store yet (the last save failed or timed
    /// out). Such a pair is saved again before the next call uses it.
    pub fn is_unsaved(&self) -> bool {
        self.inner.lock().unsaved
    }

    /// The options.
    pub fn options(&self) -> &SessionOptions {
        &self.inner.options
    }

    /// The configuration.
    pub fn config(&self) -> &OAuthConfig {
        &self.inner.config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_of_any_form_never_panics() {
        use serde_json::json;
        let secs = Duration::from_secs;
        assert_eq!(lifetime(&json!(3600)), Some(secs(3600)));
        assert_eq!(lifetime(&json!(-5)), Some(Duration::ZERO));
        assert_eq!(lifetime(&json!(1e300)), Some(MAX_LIFETIME));
        assert_eq!(lifetime(&json!(u64::MAX)), Some(MAX_LIFETIME));
        assert_eq!(lifetime(&json!("900")), Some(secs(900)));
        assert_eq!(
            lifetime(&json!("99999999999999999999999999")),
            Some(MAX_LIFETIME)
        );
        assert_eq!(lifetime(&json!("soon")), None);
        assert_eq!(lifetime(&json!(null)), None);
        let far = later(SystemTime::now(), Duration::MAX);
        assert!(far > SystemTime::now());
    }

    #[test]
    fn the_margin_is_at_most_half_the_lifetime() {
        let now = SystemTime::now();
        let state = |lifetime: u64, left: u64| State {
            pair: TokenPair {
                access_token: "a".into(),
                refresh_token: "r".into(),
                expires_at: now + Duration::from_secs(left),
            },
            lifetime: Some(Duration::from_secs(lifetime)),
            unsaved: false,
            generation: 0,
            spent: None,
            job: None,
        };
        let margin = Duration::from_secs(60);
        assert!(!state(30, 20).needs_refresh(margin, now), "20 s of 30 left");
        assert!(state(30, 14).needs_refresh(margin, now), "under half left");
        assert!(state(3600, 59).needs_refresh(margin, now));
        assert!(!state(3600, 61).needs_refresh(margin, now));
        assert!(
            state(3600, 61).needs_refresh(Duration::MAX, now),
            "a huge margin is cut to half the lifetime, without overflow"
        );
    }
}

//! OAuth2 authorization-code flow with single-use refresh tokens (Teamleader Focus).
//!
//! A refresh token works once, and each refresh returns a new pair. Lose the new pair and the
//! integration is locked out until a person authorizes it again. So a session:
//! - hands every new pair to the caller's [`TokenStore`] before any request uses it;
//! - keeps the pair in memory even if saving fails, reports the failure, and saves again on the
//!   next call, so the only copy of a refresh token is never dropped;
//! - refreshes ahead of expiry, and once after a 401;
//! - never runs two refreshes at once: the refresh happens under a lock, and a task that was
//!   waiting for it finds the new token instead of spending the refresh token a second time.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;

/// Refresh this long before the access token expires, so no request goes out with a token that
/// expires on the way.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// An access token with the refresh token that replaces it.
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

/// A boxed future, so that [`TokenStore`] can be used as a trait object.
pub type StoreFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Where new token pairs are kept (a database row, a secrets manager). Called with every new
/// pair before the pair is used.
pub trait TokenStore: Send + Sync + 'static {
    /// Persists `pair`; an `Err` says why it could not.
    fn save<'a>(&'a self, pair: &'a TokenPair) -> StoreFuture<'a>;
}

/// What went wrong with authorization.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The token endpoint could not be reached or read.
    #[error("token endpoint: {0}")]
    Transport(#[source] reqwest::Error),
    /// The token endpoint refused (an expired or already used refresh token, a bad code).
    #[error("token endpoint answered HTTP {status}: {body}")]
    Refused {
        /// Status.
        status: u16,
        /// The body, which says why (it holds no tokens: it is an error).
        body: String,
    },
    /// The token endpoint answered something that is not a token pair.
    #[error("token endpoint answered an unreadable body: {0}")]
    Decode(String),
    /// The new pair could not be saved. It is kept in memory and saved again on the next call.
    #[error(
        "the new token pair could not be saved (it is kept in memory and saved again on the next call): {0}"
    )]
    Store(String),
    /// The configuration is unusable.
    #[error("OAuth2 configuration: {0}")]
    Config(String),
}

/// The integration's registration: what the authorize and token endpoints need.
#[derive(Clone)]
pub struct OAuthConfig {
    /// Where the user authorizes the integration.
    pub authorize_url: String,
    /// Where codes and refresh tokens are exchanged.
    pub token_url: String,
    /// The integration's client id.
    pub client_id: String,
    /// The integration's client secret.
    pub client_secret: SecretString,
    /// Where the user is sent back with the code.
    pub redirect_uri: String,
    /// Accept a plain-HTTP token URL (tests on 127.0.0.1 only).
    pub allow_http: bool,
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
    refresh_token: String,
    expires_in: u64,
}

impl OAuthConfig {
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

    fn http(&self) -> Result<reqwest::Client, OAuthError> {
        let plain_allowed = self.allow_http && self.token_url.starts_with("http://");
        if !(self.token_url.starts_with("https://") || plain_allowed) {
            return Err(OAuthError::Config(format!(
                "the token URL `{}` must use https",
                self.token_url
            )));
        }
        reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(OAuthError::Transport)
    }

    async fn token_request(&self, grant: &[(&str, &str)]) -> Result<TokenPair, OAuthError> {
        let mut form = crate::encode::Pairs::default();
        form.push("client_id", &self.client_id);
        form.push("client_secret", &self.client_secret.expose_secret());
        for (name, value) in grant {
            form.push(name, value);
        }
        let response = self
            .http()?
            .post(&self.token_url)
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(http::header::ACCEPT, "application/json")
            .body(form.encode())
            .send()
            .await
            .map_err(|e| OAuthError::Transport(e.without_url()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| OAuthError::Transport(e.without_url()))?;
        if !status.is_success() {
            return Err(OAuthError::Refused {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).chars().take(500).collect(),
            });
        }
        let t: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| OAuthError::Decode(e.to_string()))?;
        Ok(TokenPair {
            access_token: t.access_token.into(),
            refresh_token: t.refresh_token.into(),
            expires_at: SystemTime::now() + Duration::from_secs(t.expires_in),
        })
    }

    /// Exchanges the code from the redirect for the first token pair.
    pub async fn exchange_code(&self, code: &str) -> Result<TokenPair, OAuthError> {
        self.token_request(&[
            ("code", code),
            ("grant_type", "authorization_code"),
            ("redirect_uri", &self.redirect_uri),
        ])
        .await
    }
}

struct Current {
    pair: TokenPair,
    /// The pair in memory has not reached the store yet.
    unsaved: bool,
}

/// A live authorization: the current pair, refreshed as needed and saved on every change.
/// Share one session (in an `Arc`) between every client that uses the same authorization.
pub struct OAuthSession {
    config: OAuthConfig,
    store: Arc<dyn TokenStore>,
    current: Mutex<Current>,
}

impl std::fmt::Debug for OAuthSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthSession")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl OAuthSession {
    /// A session that starts from `pair` (as last saved) and saves new pairs to `store`.
    pub fn new(config: OAuthConfig, pair: TokenPair, store: Arc<dyn TokenStore>) -> Arc<Self> {
        Arc::new(OAuthSession {
            config,
            store,
            current: Mutex::new(Current {
                pair,
                unsaved: false,
            }),
        })
    }

    async fn save(&self, current: &mut Current) -> Result<(), OAuthError> {
        match self.store.save(&current.pair).await {
            Ok(()) => {
                current.unsaved = false;
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "could not save the new OAuth2 token pair; kept in memory");
                Err(OAuthError::Store(e))
            }
        }
    }

    async fn refresh(&self, current: &mut Current) -> Result<(), OAuthError> {
        tracing::debug!("refreshing the OAuth2 access token");
        let old = current.pair.refresh_token.expose_secret().to_owned();
        let pair = self
            .config
            .token_request(&[("refresh_token", &old), ("grant_type", "refresh_token")])
            .await?;
        // The old refresh token is spent: from here on the new pair is the only one.
        current.pair = pair;
        current.unsaved = true;
        self.save(current).await
    }

    /// An access token that is valid for at least [`REFRESH_MARGIN`], refreshing first if
    /// needed.
    pub async fn access_token(&self) -> Result<SecretString, OAuthError> {
        let mut current = self.current.lock().await;
        if current.unsaved {
            self.save(&mut current).await?;
        }
        if current.pair.expires_at <= SystemTime::now() + REFRESH_MARGIN {
            self.refresh(&mut current).await?;
        }
        Ok(current.pair.access_token.clone())
    }

    /// After a 401 to a request sent with `used`: refreshes, unless another task already
    /// replaced that token, and returns the token to retry with.
    pub async fn after_unauthorized(
        &self,
        used: &SecretString,
    ) -> Result<SecretString, OAuthError> {
        let mut current = self.current.lock().await;
        if current.pair.access_token.expose_secret() == used.expose_secret() {
            self.refresh(&mut current).await?;
        } else if current.unsaved {
            self.save(&mut current).await?;
        }
        Ok(current.pair.access_token.clone())
    }

    /// The configuration.
    pub fn config(&self) -> &OAuthConfig {
        &self.config
    }
}

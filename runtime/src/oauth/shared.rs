//! One OAuth2 grant shared by several processes, through Redis.
//!
//! A session already refreshes once per process; two processes that refresh at once still
//! spend the same single-use refresh token twice, and one of them, or (where the vendor revokes
//! the grant on reuse) all of them, is locked out. A [`RedisGrant`] gives the sessions of every
//! process one place for the current pair and one refresh lock:
//!
//! - **One refresh across processes.** A session that needs a new token first looks at the
//!   pair in Redis: if another process already replaced the one it has and the stored one is
//!   fresh, it takes that pair and sends nothing. Otherwise it takes the refresh lock (`SET NX`
//!   with a lease, its value a *fencing token* from a counter that only grows), reads the pair
//!   again under the lock, and only if nobody replaced it, sends the stored refresh token. The
//!   other processes wait (polling every [`SharedOptions::poll`]) until the pair changes, and
//!   take it.
//! - **Written before it is used.** The new pair is written to Redis (and then handed to the
//!   process's own [`TokenStore`]) before any request uses it.
//! - **Fencing.** The write is one script that succeeds only while the lock still holds this
//!   session's fencing token and the stored pair is the one it read. A process that stalled
//!   past its lease (a pause, a slow network) therefore cannot overwrite a newer pair: it
//!   drops its answer, takes whatever Redis holds, and reports [`OAuthError::Shared`].
//! - **A holder that dies.** Its lease expires ([`SharedOptions::lease`]) and the next process
//!   takes the lock and refreshes with the stored refresh token. If the dead process's request
//!   had already been carried out by the token endpoint, that second use is refused
//!   (`invalid_grant`) or, where the vendor allows a grace period, answered; either way it is
//!   reported, never retried in a loop. The lease must outlast a whole refresh (two token
//!   requests and the backoff between them), which [`OAuthSession::shared`] checks.
//! - **A refresh token is sent once, here too.** When the token endpoint answers 200 with no
//!   readable pair, the grant is marked *possibly spent* in Redis as well, and every process
//!   then fails with [`OAuthError::PossiblySpent`] instead of sending that refresh token; after
//!   the user authorizes again, delete `<prefix>:pair` and start the sessions from the new pair.
//! - **Redis unreachable.** No refresh token is sent without the lock: a refresh fails with
//!   [`OAuthError::Shared`] within [`SharedOptions::redis_timeout`], and calls whose access
//!   token is still valid go on (they do not need Redis). There is no fallback to a
//!   process-local refresh, which would be exactly the double spend this prevents. If Redis
//!   goes away between the token endpoint's answer and the write, the new pair is kept and
//!   used in this process (and saved to its `TokenStore`), and written to Redis on this
//!   session's next refresh, before anything else is sent.
//!
//! Redis holds the tokens in clear, under `<prefix>:pair` (a hash), `<prefix>:lock` and
//! `<prefix>:fence`: use a Redis that only the integration's processes reach (a password in the
//! URL, ACLs).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use redis::Script;
use redis::aio::ConnectionManager;
use secrecy::{ExposeSecret, SecretString};

use super::{Inner, OAuthConfig, OAuthError, OAuthSession, SessionOptions, TokenPair, TokenStore};

/// Takes the lock unless it is held. KEYS: lock, fence; ARGV: lease in ms. Answers the new
/// fencing token, or 0.
const LOCK: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return fence
";

/// Writes the pair if the lock still holds this fencing token and the stored version is the
/// one read. KEYS: lock, pair; ARGV: fence, version read, access, refresh, expires (ms since
/// the epoch), lifetime (ms, or empty). Answers the new version, -1 (lock lost) or -2 (pair
/// replaced).
const PUBLISH: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local version = tonumber(redis.call('HGET', KEYS[2], 'version') or '0') or 0
if version ~= tonumber(ARGV[2]) then return -2 end
redis.call('HSET', KEYS[2], 'access', ARGV[3], 'refresh', ARGV[4], 'expires_ms', ARGV[5],
  'lifetime_ms', ARGV[6], 'version', version + 1)
return version + 1
";

/// Marks the stored grant possibly spent, while holding the lock. KEYS: lock, pair; ARGV:
/// fence, why.
const SPENT: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('HSET', KEYS[2], 'spent', ARGV[2])
return 1
";

/// Releases the lock if it still holds this fencing token. KEYS: lock; ARGV: fence.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// How the shared grant uses Redis. `Default` gives the documented values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedOptions {
    /// How long the refresh lock is held at most; a holder that dies releases it after this.
    /// Must be longer than a whole refresh (two token requests and the backoff). Default 90 s.
    pub lease: Duration,
    /// How often a waiting process looks whether the pair changed. Default 50 ms.
    pub poll: Duration,
    /// The longest one exchange with Redis may take. Default 1 s.
    pub redis_timeout: Duration,
}

impl Default for SharedOptions {
    fn default() -> Self {
        SharedOptions {
            lease: Duration::from_secs(90),
            poll: Duration::from_millis(50),
            redis_timeout: Duration::from_secs(1),
        }
    }
}

/// The pair store and refresh lock on Redis for one grant; give it to
/// [`OAuthSession::shared`]. Every process that uses the grant must use the same Redis and the
/// same `grant_id`.
pub struct RedisGrant {
    connection: ConnectionManager,
    lock_key: String,
    fence_key: String,
    pair_key: String,
    options: SharedOptions,
    /// A pair this process got from the token endpoint but could not write to Redis, with the
    /// version it replaces; written before the next refresh.
    pending: Mutex<Option<(u64, Stored)>>,
}

impl std::fmt::Debug for RedisGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisGrant")
            .field("pair_key", &self.pair_key)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// A pair as Redis holds it.
#[derive(Clone)]
struct Stored {
    pair: TokenPair,
    lifetime: Option<Duration>,
    version: u64,
}

fn millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn same(a: &SecretString, b: &SecretString) -> bool {
    a.expose_secret() == b.expose_secret()
}

impl RedisGrant {
    /// The grant named `grant_id` (a name the processes agree on, e.g. the integration and the
    /// account) on the Redis at `url`, under `clientgen:oauth:<grant_id>`. Nothing is
    /// connected until the first refresh; must be called inside a tokio runtime.
    pub fn open(url: &str, grant_id: &str, options: SharedOptions) -> Result<Self, OAuthError> {
        if options.redis_timeout.is_zero() || options.poll.is_zero() {
            return Err(OAuthError::Config(
                "the Redis timeout and the poll interval must not be zero".to_owned(),
            ));
        }
        let connection =
            crate::limit::redis::connect(url, options.redis_timeout).map_err(OAuthError::Config)?;
        let prefix = format!("clientgen:oauth:{grant_id}");
        Ok(RedisGrant {
            connection,
            lock_key: format!("{prefix}:lock"),
            fence_key: format!("{prefix}:fence"),
            pair_key: format!("{prefix}:pair"),
            options,
            pending: Mutex::new(None),
        })
    }

    async fn redis<T>(
        &self,
        what: &str,
        f: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, OAuthError> {
        match tokio::time::timeout(self.options.redis_timeout, f).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(OAuthError::Shared(format!("Redis, {what}: {e}"))),
            Err(_) => Err(OAuthError::Shared(format!(
                "Redis, {what}: no answer within {:?}",
                self.options.redis_timeout
            ))),
        }
    }

    /// The pair in Redis, if there is one.
    async fn read(&self) -> Result<Option<Stored>, OAuthError> {
        let mut c = self.connection.clone();
        let map: HashMap<String, String> = self
            .redis(
                "reading the pair",
                redis::cmd("HGETALL")
                    .arg(&self.pair_key)
                    .query_async(&mut c),
            )
            .await?;
        if map.is_empty() {
            return Ok(None);
        }
        if let Some(why) = map.get("spent") {
            return Err(OAuthError::PossiblySpent(format!(
                "{why} (marked in Redis by the process that sent it; delete `{}` after authorizing again)",
                self.pair_key
            )));
        }
        let field = |name: &str| {
            map.get(name).cloned().ok_or_else(|| {
                OAuthError::Shared(format!("the pair in Redis has no `{name}` field"))
            })
        };
        let number = |name: &str| -> Result<u64, OAuthError> {
            field(name)?.parse().map_err(|_| {
                OAuthError::Shared(format!("the pair in Redis has an unreadable `{name}`"))
            })
        };
        let lifetime = match field("lifetime_ms")?.as_str() {
            "" => None,
            _ => Some(Duration::from_millis(number("lifetime_ms")?)),
        };
        Ok(Some(Stored {
            pair: TokenPair {
                access_token: field("access")?.into(),
                refresh_token: field("refresh")?.into(),
                expires_at: UNIX_EPOCH + Duration::from_millis(number("expires_ms")?),
            },
            lifetime,
            version: number("version")?,
        }))
    }

    async fn try_lock(&self) -> Result<Option<u64>, OAuthError> {
        let mut c = self.connection.clone();
        let lease = u64::try_from(self.options.lease.as_millis()).unwrap_or(u64::MAX);
        let script = Script::new(LOCK);
        let mut call = script.key(&self.lock_key);
        call.key(&self.fence_key).arg(lease);
        let fence: u64 = self
            .redis("taking the refresh lock", call.invoke_async(&mut c))
            .await?;
        Ok((fence > 0).then_some(fence))
    }

    async fn unlock(&self, fence: u64) {
        let mut c = self.connection.clone();
        let script = Script::new(UNLOCK);
        let mut call = script.key(&self.lock_key);
        call.arg(fence);
        if let Err(e) = self
            .redis::<i64>("releasing the refresh lock", call.invoke_async(&mut c))
            .await
        {
            tracing::warn!(error = %e, "could not release the refresh lock; it expires with its lease");
        }
    }

    /// Writes `stored` as the successor of version `read` while holding `fence`; the new
    /// version, or why not.
    async fn publish(&self, fence: u64, read: u64, stored: &Stored) -> Result<i64, OAuthError> {
        let mut c = self.connection.clone();
        let script = Script::new(PUBLISH);
        let mut call = script.key(&self.lock_key);
        call.key(&self.pair_key)
            .arg(fence)
            .arg(read)
            .arg(stored.pair.access_token.expose_secret())
            .arg(stored.pair.refresh_token.expose_secret())
            .arg(millis(stored.pair.expires_at))
            .arg(
                stored
                    .lifetime
                    .map_or(String::new(), |l| l.as_millis().to_string()),
            );
        self.redis("writing the new pair", call.invoke_async(&mut c))
            .await
    }

    fn stale(stored: &Stored, margin: Duration) -> bool {
        let margin = stored.lifetime.map_or(margin, |l| margin.min(l / 2));
        SystemTime::now()
            .checked_add(margin)
            .is_none_or(|t| stored.pair.expires_at <= t)
    }

    /// Whether `stored` replaced the pair this session had and can be used as it is.
    fn newer(&self, stored: &Stored, mine: &SecretString, margin: Duration) -> bool {
        !same(&stored.pair.access_token, mine) && !Self::stale(stored, margin)
    }

    fn adopt(inner: &Inner, stored: Stored) {
        tracing::debug!(
            version = stored.version,
            "took the OAuth2 pair another process wrote"
        );
        inner.install(stored.pair, stored.lifetime);
    }

    /// The session's refresh, across processes (see the module documentation).
    pub(super) async fn refresh(&self, inner: &Inner) -> Result<(), OAuthError> {
        let margin = inner.options.refresh_margin;
        let mine = inner.lock().pair.access_token.clone();
        let give_up = Instant::now() + self.options.lease * 2 + self.options.redis_timeout;
        let fence = loop {
            let pending = self
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_some();
            if !pending {
                if let Some(stored) = self.read().await? {
                    if self.newer(&stored, &mine, margin) {
                        Self::adopt(inner, stored);
                        return Ok(());
                    }
                }
            }
            if let Some(fence) = self.try_lock().await? {
                break fence;
            }
            if Instant::now() >= give_up {
                return Err(OAuthError::Shared(format!(
                    "another process has held the refresh lock for over {:?} without writing a new pair",
                    self.options.lease * 2
                )));
            }
            tokio::time::sleep(self.options.poll).await;
        };
        let outcome = self.refresh_locked(inner, fence, &mine, margin).await;
        self.unlock(fence).await;
        outcome
    }

    async fn refresh_locked(
        &self,
        inner: &Inner,
        fence: u64,
        mine: &SecretString,
        margin: Duration,
    ) -> Result<(), OAuthError> {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if let Some((read, stored)) = pending {
            // A pair this process got earlier and could not write: it is the newest, unless
            // another process replaced the pair in the meantime (then this one was refused).
            match self.publish(fence, read, &stored).await? {
                v if v > 0 => {
                    tracing::info!(version = v, "wrote the OAuth2 pair kept since Redis failed");
                }
                _ => tracing::error!(
                    "the OAuth2 pair kept since Redis failed was replaced by another process; dropping it"
                ),
            }
            *self.pending.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
        let stored = self.read().await?;
        let (read, old) = match stored {
            Some(stored) if self.newer(&stored, mine, margin) => {
                Self::adopt(inner, stored);
                return Ok(());
            }
            Some(stored) => (stored.version, stored.pair.refresh_token),
            None => (0, inner.lock().pair.refresh_token.clone()),
        };
        let (pair, lifetime) = match inner.exchange(old).await {
            Ok(answer) => answer,
            Err(OAuthError::PossiblySpent(why)) => {
                // No other process may send this refresh token either.
                let mut c = self.connection.clone();
                let script = Script::new(SPENT);
                let mut call = script.key(&self.lock_key);
                call.key(&self.pair_key).arg(fence).arg(&why);
                if let Err(e) = self
                    .redis::<i64>(
                        "marking the grant possibly spent",
                        call.invoke_async(&mut c),
                    )
                    .await
                {
                    tracing::error!(error = %e, "could not mark the grant possibly spent in Redis");
                }
                return Err(OAuthError::PossiblySpent(why));
            }
            Err(e) => return Err(e),
        };
        let fresh = Stored {
            pair,
            lifetime,
            version: read + 1,
        };
        match self.publish(fence, read, &fresh).await {
            Ok(v) if v > 0 => {
                inner.install(fresh.pair, fresh.lifetime);
                Ok(())
            }
            Ok(_) => {
                tracing::error!(
                    "the refresh lock's lease ran out before the new OAuth2 pair was written; a newer pair is kept and this one dropped"
                );
                if let Some(stored) = self.read().await? {
                    Self::adopt(inner, stored);
                }
                Err(OAuthError::Shared(format!(
                    "the refresh took longer than the lock's lease of {:?}; another process has refreshed since, and its pair is used",
                    self.options.lease
                )))
            }
            Err(e) => {
                tracing::error!(error = %e, "could not write the new OAuth2 pair to Redis; it is used here and written on the next refresh");
                *self.pending.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((read, fresh.clone()));
                inner.install(fresh.pair, fresh.lifetime);
                Ok(())
            }
        }
    }
}

impl OAuthSession {
    /// A session whose pair and refresh lock are shared, through `grant`, with every process
    /// that uses the same grant (see [`shared`](self)). `pair` is the one this process starts
    /// from; a newer pair in Redis replaces it on the first refresh, without a token request.
    /// Fails when the lease cannot outlast a refresh.
    pub fn shared(
        config: OAuthConfig,
        pair: TokenPair,
        store: Arc<dyn TokenStore>,
        options: SessionOptions,
        grant: RedisGrant,
    ) -> Result<Arc<Self>, OAuthError> {
        let refresh = options
            .token_timeout
            .saturating_mul(2)
            .saturating_add(options.retry_backoff);
        if grant.options.lease <= refresh {
            return Err(OAuthError::Config(format!(
                "the refresh lock's lease of {:?} does not outlast a refresh (two token requests of {:?} and a backoff of {:?})",
                grant.options.lease, options.token_timeout, options.retry_backoff
            )));
        }
        Ok(Self::build(config, pair, store, options, |mut inner| {
            inner.shared = Some(grant);
            inner
        }))
    }
}

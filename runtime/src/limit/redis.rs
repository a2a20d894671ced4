//! A rate limit shared by every process that uses the same API key, counted in Redis.
//!
//! Vendors count calls per key, not per process: two workers that each keep 25 calls per 5 s
//! make 50 and get refused. Here every process reserves its slots from one Redis key, so all of
//! them together keep the spec's `calls` per `per`.
//!
//! The algorithm is the one of the in-process limit (GCRA with a burst of one, spacing
//! `per / calls` plus 1%), run as one Lua script so that reading and advancing the key are
//! atomic: the key holds the *theoretical arrival time* of the next free slot, in microseconds
//! of Redis's own clock (`TIME`), so the processes' clocks never matter. A call reserves the
//! slot at `max(now, tat)` and moves `tat` one spacing on; the script answers how long from now
//! the slot is, and the call sleeps that long. Slots are therefore handed out first come, first
//! served across every task of every process (fairer than the in-process limit's polling), and
//! two calls are always at least one spacing apart at Redis, so no window of `per` holds more
//! than `calls`. The 1% margin absorbs the difference between when Redis answered and when a
//! process sends: a window would need its first call sent `per / 100` (50 ms on Teamleader's
//! 5 s) later than its 26th to hold 26. A call whose slot comes after its deadline reserves
//! nothing. The key expires once its slot is past, so idle keys do not accumulate.
//!
//! When Redis cannot be reached within [`DEFAULT_TIMEOUT`] (or the configured timeout), the
//! call fails with [`LimitError::Unavailable`] and is not sent, unless the limiter was built
//! with [`Unreachable::InProcess`]: then the call goes on under the in-process limit of its own
//! client, with a warning. That limit is per process, so during the outage N processes may
//! together make up to N times the vendor's limit (and may see its refusals, which the clients
//! retry where the spec says the refusal proves the call was not carried out).

use std::time::Duration;

use redis::Script;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{LimitBackend, LimitError, SlotFuture};

/// How long one exchange with Redis (connecting included) may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

/// What a call does when Redis cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Unreachable {
    /// Fail with [`LimitError::Unavailable`]; nothing is sent. The default.
    #[default]
    Fail,
    /// Go on under the client's in-process limit, which only this process respects.
    InProcess,
}

/// Reserve the next slot, unless it is more than `max_wait` away. KEYS[1]: the limit's key.
/// ARGV[1]: spacing in µs; ARGV[2]: the longest wait in µs, or -1 for no bound. Answers
/// `{1, wait_µs}` for a reservation, `{0, wait_µs}` for a refusal.
const RESERVE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local spacing = tonumber(ARGV[1])
local max_wait = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local slot = math.max(tat, now)
local wait = slot - now
if max_wait >= 0 and wait > max_wait then
  return {0, wait}
end
local next_tat = slot + spacing
local ttl = math.floor((next_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', ttl)
return {1, wait}
";

/// Opens a connection manager to `url` that reconnects by itself, each exchange bounded by
/// `timeout`. Needs a tokio runtime (the manager runs a task of its own).
pub(crate) fn connect(url: &str, timeout: Duration) -> Result<ConnectionManager, String> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Err("a Redis connection needs a tokio runtime".to_owned());
    }
    let client = redis::Client::open(url).map_err(|e| format!("the Redis URL: {e}"))?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(1)
        .set_max_delay(timeout);
    ConnectionManager::new_lazy_with_config(client, config).map_err(|e| format!("Redis: {e}"))
}

/// A [`LimitBackend`] on Redis: every client given the same limiter (or a limiter on the same
/// Redis with the same key id) shares one count per API. Cheap to clone.
#[derive(Clone)]
pub struct RedisLimiter {
    connection: ConnectionManager,
    key_id: String,
    timeout: Duration,
    unreachable: Unreachable,
    script: Script,
}

impl std::fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("key_id", &self.key_id)
            .field("timeout", &self.timeout)
            .field("unreachable", &self.unreachable)
            .finish_non_exhaustive()
    }
}

impl RedisLimiter {
    /// A limiter on the Redis at `url` (`redis://127.0.0.1:6379/0`; the password, if any, in
    /// the URL) for the API key named `key_id`: a name the processes agree on, not the key
    /// itself (it is stored in Redis in clear). Each API's limit lives under
    /// `clientgen:limit:<api>:<key_id>`. Nothing is connected until the first call; must be
    /// called inside a tokio runtime.
    pub fn open(url: &str, key_id: &str) -> Result<Self, String> {
        Self::with_options(url, key_id, DEFAULT_TIMEOUT, Unreachable::Fail)
    }

    /// Like [`RedisLimiter::open`], with the longest exchange with Redis and what a call does
    /// when Redis cannot be reached.
    pub fn with_options(
        url: &str,
        key_id: &str,
        timeout: Duration,
        unreachable: Unreachable,
    ) -> Result<Self, String> {
        if timeout.is_zero() {
            return Err("a zero Redis timeout fails every call".to_owned());
        }
        Ok(RedisLimiter {
            connection: connect(url, timeout)?,
            key_id: key_id.to_owned(),
            timeout,
            unreachable,
            script: Script::new(RESERVE),
        })
    }

    fn key(&self, api: &str) -> String {
        format!("clientgen:limit:{api}:{}", self.key_id)
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

impl LimitBackend for RedisLimiter {
    fn reserve<'a>(
        &'a self,
        api: &'static str,
        spacing: Duration,
        max_wait: Option<Duration>,
    ) -> SlotFuture<'a> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut invocation = self.script.key(self.key(api));
            invocation
                .arg(micros(spacing).max(1))
                .arg(max_wait.map_or(-1, micros));
            let answer = tokio::time::timeout(
                self.timeout,
                invocation.invoke_async::<(i64, i64)>(&mut connection),
            )
            .await;
            let (granted, wait) = match answer {
                Ok(Ok(answer)) => answer,
                Ok(Err(e)) => return Err(LimitError::Unavailable(format!("Redis: {e}"))),
                Err(_) => {
                    return Err(LimitError::Unavailable(format!(
                        "Redis did not answer within {:?}",
                        self.timeout
                    )));
                }
            };
            let wait = Duration::from_micros(u64::try_from(wait).unwrap_or(0));
            if granted == 1 {
                Ok(wait)
            } else {
                Err(LimitError::TooLate(wait))
            }
        })
    }

    fn falls_back(&self) -> bool {
        self.unreachable == Unreachable::InProcess
    }
}

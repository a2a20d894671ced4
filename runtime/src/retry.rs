//! When a failed attempt is tried again, and after how long.
//!
//! The rule that matters most: a request the server may have carried out is repeated only when
//! repeating it is harmless (the operation is idempotent) or when the reply proves it was not
//! carried out (429, a 503 during maintenance, Teamleader v1's 505). Backoff itself is backon's
//! jittered exponential backoff; a `Retry-After` header, in seconds or as an HTTP date, replaces
//! the computed delay. The delays are computed here with saturating arithmetic, so that no
//! setting (`Duration::MAX` backoffs) can overflow; the call's deadline bounds them anyway.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// The longest `Retry-After` the client waits out; a server asking for more gets its reply
/// returned to the caller instead.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// How a client retries. Each API's spec gives its default; `none()` turns retries off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included. `1` never retries.
    pub max_attempts: u32,
    /// Delay before the first retry; it doubles each time, with jitter.
    pub initial_backoff: Duration,
    /// Largest computed delay.
    pub max_backoff: Duration,
    /// Statuses retried for idempotent operations.
    pub retry_statuses: Vec<u16>,
    /// Statuses that prove the request was not carried out: retried for every operation.
    pub not_processed_statuses: Vec<u16>,
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            retry_statuses: Vec::new(),
            not_processed_statuses: Vec::new(),
        }
    }

    /// Why the policy cannot be used, if it cannot (zero attempts).
    pub fn problem(&self) -> Option<String> {
        (self.max_attempts == 0).then(|| {
            "`max_attempts` is the number of attempts, the first included: it must be at least 1 \
             (1 never retries)"
                .to_owned()
        })
    }

    /// Whether a reply with `status` is worth another attempt.
    pub fn retries_status(&self, status: u16, idempotent: bool) -> bool {
        self.not_processed_statuses.contains(&status)
            || (idempotent && self.retry_statuses.contains(&status))
    }
}

impl Default for RetryPolicy {
    /// Three attempts for idempotent calls on 429, 500, 502, 503 and 504, and for any call on
    /// 429, which means the request was not processed.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            retry_statuses: vec![429, 500, 502, 503, 504],
            not_processed_statuses: vec![429],
        }
    }
}

/// Jittered exponential delays: the `n`-th retry waits between `b` and `2b`, where `b` is
/// `initial_backoff * 2^(n-1)` capped at `max_backoff`.
#[derive(Debug)]
pub(crate) struct Backoff {
    next: Duration,
    max: Duration,
    seed: u64,
}

impl Backoff {
    pub(crate) fn new(policy: &RetryPolicy) -> Self {
        use std::hash::{BuildHasher, Hasher};
        // A per-call random seed without another dependency: std's hasher keys are random.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(policy.initial_backoff.as_nanos() as u64);
        Backoff {
            next: policy.initial_backoff,
            max: policy.max_backoff,
            seed: h.finish() | 1,
        }
    }

    pub(crate) fn next_delay(&mut self) -> Duration {
        let base = self.next.min(self.max);
        self.next = self.next.saturating_mul(2);
        // xorshift64: the jitter only needs to differ between calls.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        let fraction = (self.seed >> 11) as f64 / (1u64 << 53) as f64;
        let jitter = Duration::try_from_secs_f64(base.as_secs_f64() * fraction).unwrap_or(base);
        base.saturating_add(jitter.min(base))
    }
}

/// The delay a `Retry-After` header asks for, in either of its forms.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::MAX); // beyond u64 seconds: more than anyone waits
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(date.timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A sleep future, as the transport awaits it between attempts.
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// How the transport waits between attempts. Tests inject one that records the delays instead
/// of sleeping.
#[derive(Clone)]
pub struct Sleeper(pub(crate) Arc<dyn Fn(Duration) -> SleepFuture + Send + Sync>);

impl Sleeper {
    /// Waits with `tokio::time::sleep`.
    pub fn tokio() -> Self {
        Sleeper(Arc::new(|d| Box::pin(tokio::time::sleep(d))))
    }

    /// Waits with any function.
    pub fn new(f: impl Fn(Duration) -> SleepFuture + Send + Sync + 'static) -> Self {
        Sleeper(Arc::new(f))
    }
}

impl std::fmt::Debug for Sleeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sleeper")
    }
}

impl backon::Sleeper for Sleeper {
    type Sleep = SleepFuture;

    fn sleep(&self, dur: Duration) -> Self::Sleep {
        (self.0)(dur)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        h.insert(
            "retry-after",
            "Sun, 06 Nov 1994 08:50:07 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        h.insert(
            "retry-after",
            "Sun, 06 Nov 1994 08:00:00 GMT".parse().unwrap(),
        );
        assert_eq!(
            retry_after(&h, now),
            Some(Duration::ZERO),
            "a past date means now"
        );
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_never_overflows() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        let mut b = Backoff::new(&policy);
        for base in [100, 200, 300, 300, 300] {
            let d = b.next_delay();
            let base = Duration::from_millis(base);
            assert!(base <= d && d <= base * 2, "{d:?} for {base:?}");
        }
        let huge = RetryPolicy {
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            ..RetryPolicy::default()
        };
        let mut b = Backoff::new(&huge);
        for _ in 0..70 {
            assert_eq!(b.next_delay(), Duration::MAX);
        }
        let zero = RetryPolicy {
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            ..RetryPolicy::default()
        };
        assert_eq!(Backoff::new(&zero).next_delay(), Duration::ZERO);
        assert!(
            RetryPolicy {
                max_attempts: 0,
                ..RetryPolicy::default()
            }
            .problem()
            .is_some()
        );
        let mut h = HeaderMap::new();
        h.insert("retry-after", "99999999999999999999999".parse().unwrap());
        assert_eq!(retry_after(&h, SystemTime::now()), Some(Duration::MAX));
    }

    #[test]
    fn only_safe_retries() {
        let p = RetryPolicy::default();
        assert!(p.retries_status(503, true));
        assert!(
            !p.retries_status(503, false),
            "a POST may have been carried out"
        );
        assert!(p.retries_status(429, false), "429 proves it was not");
        assert!(!p.retries_status(400, true));
        assert!(
            !RetryPolicy::none().retries_status(429, true) || RetryPolicy::none().max_attempts == 1
        );
    }
}

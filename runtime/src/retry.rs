//! When a failed attempt is tried again, and after how long.
//!
//! The rule that matters most: a request the server may have carried out is repeated only when
//! repeating it is harmless (the operation is idempotent) or when the reply proves it was not
//! carried out (429, a 503 during maintenance, Teamleader v1's 505). Backoff is jittered
//! exponential backoff (as backon's, whose `Sleeper` trait [`Sleeper`] still implements); a
//! `Retry-After` header, in seconds or as an HTTP date, replaces the computed delay. The delays
//! are computed here with saturating arithmetic, because backon's jitter multiplies in `f32`
//! and can overflow a `Duration::MAX` backoff; the call's deadline bounds every delay anyway.
//!
//! An API that says on each answer how many calls are left and when its window frees a slot
//! (Teamleader v2's `X-RateLimit-Remaining` and `X-RateLimit-Reset`) declares those headers in
//! its spec ([`RateLimitHeaders`]). The server knows what a client cannot see, the calls the
//! other processes of the same integration made, so its reset is a better wait than a blind
//! backoff: a 429 waits until it, and after `Remaining: 0` the transport holds the next call
//! until it. Server values are hostile input: an absolute reset is read against the server's own
//! `Date` when the clocks disagree by more than [`CLOCK_SKEW_TOLERANCE`], a past reset means no
//! wait, garbage means no value, and nothing waits longer than [`MAX_RETRY_AFTER`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderName};

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

/// How a rate-limit reset header writes when the window frees a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetFormat {
    /// An ISO 8601 date-time with an offset (Teamleader v2: `2021-06-15T10:51:23.035+0100`).
    Iso8601,
    /// Seconds from now, an integer or a decimal (`30`, `1.5`).
    Seconds,
    /// A Unix time in seconds, an integer or a decimal (`1623750683`).
    UnixSeconds,
}

/// The difference between the local clock and the server's `Date` below which the local clock
/// is trusted for an absolute reset time. `Date` has whole seconds and is written before the
/// answer travels, so a smaller difference is noise; a larger one is a skewed clock, and the
/// reset is then measured from the server's `Date` instead (which may wait up to a second
/// longer than needed, never shorter).
pub const CLOCK_SKEW_TOLERANCE: Duration = Duration::from_secs(2);

/// The rate-limit headers an API sends on its answers, as its spec declares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitHeaders {
    /// Calls allowed in the server's window (documentation; the client-side limit comes from
    /// the spec's `rate_limit`).
    pub limit: Option<HeaderName>,
    /// Calls left in the window; `0` holds the next call until the reset.
    pub remaining: HeaderName,
    /// When the window frees a slot, in `reset_format`.
    pub reset: HeaderName,
    /// How `reset` is written.
    pub reset_format: ResetFormat,
}

impl RateLimitHeaders {
    /// The calls left, when the answer says so as a non-negative integer.
    pub fn remaining(&self, headers: &HeaderMap) -> Option<u64> {
        headers
            .get(&self.remaining)?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// How long from `now` until the reset the answer names: `Duration::ZERO` for a reset in
    /// the past, `Duration::MAX` for one too far ahead to represent, `None` when the header is
    /// missing or does not parse in the declared format.
    pub fn reset_wait(&self, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
        let value = headers.get(&self.reset)?.to_str().ok()?.trim();
        let at = match self.reset_format {
            ResetFormat::Seconds => return seconds(value),
            ResetFormat::UnixSeconds => SystemTime::UNIX_EPOCH
                .checked_add(seconds(value)?)
                .unwrap_or(far_future(now)),
            ResetFormat::Iso8601 => {
                let instant = crate::datetime::DateTime::parse(value).ok()?.to_chrono()?;
                let nanos = i128::from(instant.timestamp()) * 1_000_000_000
                    + i128::from(instant.timestamp_subsec_nanos());
                if nanos <= 0 {
                    return Some(Duration::ZERO);
                }
                let nanos = u64::try_from(nanos).unwrap_or(u64::MAX);
                SystemTime::UNIX_EPOCH
                    .checked_add(Duration::from_nanos(nanos))
                    .unwrap_or(far_future(now))
            }
        };
        Some(
            at.duration_since(server_now(headers, now))
                .unwrap_or(Duration::ZERO),
        )
    }
}

/// A time later than any wait anyone takes, for values past what `SystemTime` holds.
fn far_future(now: SystemTime) -> SystemTime {
    now.checked_add(Duration::from_secs(u64::from(u32::MAX)))
        .unwrap_or(now)
}

/// Non-negative seconds, whole or decimal; `Duration::MAX` for more than a `Duration` holds.
fn seconds(value: &str) -> Option<Duration> {
    if let Ok(whole) = value.parse::<u64>() {
        return Some(Duration::from_secs(whole));
    }
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::MAX);
    }
    // Decimals only: `f64::from_str` also takes `inf`, `NaN` and exponents, which no header means.
    if !value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let secs: f64 = value.parse().ok()?;
    Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
}

/// The clock an absolute reset is measured against: the local one, unless the answer's `Date`
/// shows the two clocks more than [`CLOCK_SKEW_TOLERANCE`] apart.
fn server_now(headers: &HeaderMap, now: SystemTime) -> SystemTime {
    let Some(date) = headers
        .get(http::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v.trim()).ok())
        .and_then(|d| u64::try_from(d.timestamp()).ok())
        .and_then(|secs| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
    else {
        return now;
    };
    let apart = date
        .duration_since(now)
        .or_else(|_| now.duration_since(date))
        .unwrap_or(Duration::ZERO);
    if apart > CLOCK_SKEW_TOLERANCE {
        date
    } else {
        now
    }
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

    fn teamleader(format: ResetFormat) -> RateLimitHeaders {
        RateLimitHeaders {
            limit: Some(HeaderName::from_static("x-ratelimit-limit")),
            remaining: HeaderName::from_static("x-ratelimit-remaining"),
            reset: HeaderName::from_static("x-ratelimit-reset"),
            reset_format: format,
        }
    }

    fn reset(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset", value.parse().unwrap());
        h
    }

    #[test]
    fn reset_in_every_format() {
        // 2021-06-15T09:51:23Z, the document's example written in UTC.
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_623_750_683);
        let iso = teamleader(ResetFormat::Iso8601);
        for (value, wait) in [
            (
                "2021-06-15T10:51:23.035+0100",
                Some(Duration::from_millis(35)),
            ),
            ("2021-06-15T09:51:25Z", Some(Duration::from_secs(2))),
            ("2021-06-15T11:51:24+02:00", Some(Duration::from_secs(1))),
            ("2021-06-15T10:50:00+0100", Some(Duration::ZERO)), // past: no wait
            ("1900-01-01T00:00:00Z", Some(Duration::ZERO)),
            ("2021-06-15T10:51:23", None), // no offset: not an instant
            ("soon", None),
            ("", None),
        ] {
            assert_eq!(iso.reset_wait(&reset(value), now), wait, "{value}");
        }
        let far = iso.reset_wait(&reset("9999-12-31T23:59:59Z"), now).unwrap();
        assert!(far > MAX_RETRY_AFTER, "{far:?}");

        let secs = teamleader(ResetFormat::Seconds);
        for (value, wait) in [
            ("30", Some(Duration::from_secs(30))),
            ("1.5", Some(Duration::from_millis(1500))),
            ("0", Some(Duration::ZERO)),
            ("99999999999999999999999", Some(Duration::MAX)),
            ("-3", None),
            ("inf", None),
            ("NaN", None),
            ("1e9", None),
            ("1.2.3", None),
        ] {
            assert_eq!(secs.reset_wait(&reset(value), now), wait, "{value}");
        }

        let unix = teamleader(ResetFormat::UnixSeconds);
        assert_eq!(
            unix.reset_wait(&reset("1623750690"), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            unix.reset_wait(&reset("1623750000"), now),
            Some(Duration::ZERO)
        );
        let huge = unix
            .reset_wait(&reset("99999999999999999999999"), now)
            .unwrap();
        assert!(huge > MAX_RETRY_AFTER, "{huge:?}");
        assert_eq!(unix.reset_wait(&HeaderMap::new(), now), None, "no header");
    }

    #[test]
    fn remaining_reads_only_counts() {
        let rate = teamleader(ResetFormat::Iso8601);
        let mut h = HeaderMap::new();
        assert_eq!(rate.remaining(&h), None);
        for (value, count) in [
            ("0", Some(0)),
            (" 78 ", Some(78)),
            ("-1", None),
            ("none", None),
        ] {
            h.insert("x-ratelimit-remaining", value.parse().unwrap());
            assert_eq!(rate.remaining(&h), count, "{value}");
        }
    }

    /// A server clock far from ours: the reset is measured from its `Date`; within the
    /// tolerance the local clock, which has milliseconds, is used.
    #[test]
    fn an_absolute_reset_follows_a_skewed_server_clock() {
        let server = SystemTime::UNIX_EPOCH + Duration::from_secs(1_623_750_683); // 09:51:23 UTC
        let mut h = reset("2021-06-15T09:51:33Z");
        h.insert("date", "Tue, 15 Jun 2021 09:51:23 GMT".parse().unwrap());
        let rate = teamleader(ResetFormat::Iso8601);
        let behind = server - Duration::from_secs(300);
        assert_eq!(rate.reset_wait(&h, behind), Some(Duration::from_secs(10)));
        let ahead = server + Duration::from_secs(300);
        assert_eq!(rate.reset_wait(&h, ahead), Some(Duration::from_secs(10)));
        let close = server + Duration::from_millis(1500);
        assert_eq!(
            rate.reset_wait(&h, close),
            Some(Duration::from_millis(8500))
        );
        h.insert("date", "garbage".parse().unwrap());
        assert_eq!(rate.reset_wait(&h, behind), Some(Duration::from_secs(310)));
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

//! Client-side rate limits: at most `calls` requests in any window of `per`.
//!
//! governor implements GCRA, where a burst of `b` lets `b` calls through at once and the bucket
//! then refills one call every `per / calls`. With `b > 1` a window that starts just before a
//! full bucket is spent and ends after it has refilled admits up to `b + calls - 1` calls, more
//! than the limit. So the quota here has a burst of one and a period of `per / calls`: calls are
//! spaced at least `per / calls` apart, which keeps every window of length `per` at `calls` or
//! fewer, whichever clone or task makes them. Calls wait for their slot instead of failing.
//!
//! The server counts arrivals, not departures, and two requests sent `per / calls` apart can
//! arrive a little closer together. The spacing therefore carries a margin of 1% (2 ms on
//! Teamleader's 200 ms), which costs a quarter of a call per window: 24.75 of 25.
//!
//! Where the slots are counted is a [`LimitBackend`]. Without one, every clone of a client
//! shares the in-process GCRA above; a limit that belongs to an API key used by several
//! processes needs a counter they all see, such as [`redis::RedisLimiter`] (feature `redis`).
//!
//! The spacing keeps one client under the documented limit, but the server counts every client
//! of the same key. When an answer says no calls are left (Teamleader v2's
//! `X-RateLimit-Remaining: 0`), [`ServerWindow`] holds every later call of every clone until the
//! reset the answer names: a call sent earlier would only be refused.

use std::future::Future;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter as Gcra};

#[cfg(feature = "redis")]
pub mod redis;

/// Why a call got no slot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// The slot would come after the call's deadline; the wait it would have taken.
    #[error("the rate limit's next slot is {0:?} away")]
    TooLate(Duration),
    /// The shared counter of a [`LimitBackend`] could not be asked (Redis down or too slow).
    /// Nothing was sent. A backend that falls back to the in-process limit never returns it.
    #[error("the shared rate limit could not be reached, so the call was not sent: {0}")]
    Unavailable(String),
}

/// A boxed future, so that [`LimitBackend`] can be used as a trait object: the wait before the
/// reserved slot.
pub type SlotFuture<'a> = Pin<Box<dyn Future<Output = Result<Duration, LimitError>> + Send + 'a>>;

/// Where the slots of a limit are counted, when they are counted outside this process.
pub trait LimitBackend: Send + Sync + 'static {
    /// Reserves the next slot of a limit of one call per `spacing` for `api` (the module name,
    /// `teamleader_v1`), unless it comes more than `max_wait` from now, and returns how long
    /// from now it is. A reservation is final: a caller that stops waiting leaves its slot
    /// unused, which costs throughput, never the limit.
    fn reserve<'a>(
        &'a self,
        api: &'static str,
        spacing: Duration,
        max_wait: Option<Duration>,
    ) -> SlotFuture<'a>;

    /// Whether a call goes on under the in-process limit when [`LimitBackend::reserve`]
    /// answers [`LimitError::Unavailable`], instead of failing with it. Default: no.
    fn falls_back(&self) -> bool {
        false
    }
}

/// The largest spacing between two calls a limit may ask for: one day. Larger ones are refused
/// when the client is built (governor counts in nanoseconds, and no API here needs more).
pub const MAX_SPACING: Duration = Duration::from_secs(24 * 3600);

/// A limit shared by every clone of one client.
#[derive(Clone)]
pub struct RateLimit {
    calls: u32,
    per: Duration,
    gcra: Arc<Gcra<NotKeyed, InMemoryState, DefaultClock>>,
    shared: Option<(&'static str, Arc<dyn LimitBackend>)>,
}

impl std::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RateLimit({} per {:?})", self.calls, self.per)
    }
}

impl RateLimit {
    /// At most `calls` in any window of `per`. `None` when either is zero, or when the spacing
    /// `per / calls` is over [`MAX_SPACING`] (a limit like `rate_limit(1, Duration::MAX)`).
    pub fn new(calls: u32, per: Duration) -> Option<Self> {
        let exact = per.checked_div(calls)?;
        if exact > MAX_SPACING {
            return None;
        }
        let spacing = exact.checked_add(exact / 100)?;
        let quota = Quota::with_period(spacing)?.allow_burst(NonZeroU32::MIN);
        Some(RateLimit {
            calls,
            per,
            gcra: Arc::new(Gcra::direct(quota)),
            shared: None,
        })
    }

    /// Counts the slots of this limit in `backend`, under the name `api`, instead of in this
    /// process alone.
    pub fn with_backend(mut self, api: &'static str, backend: Arc<dyn LimitBackend>) -> Self {
        self.shared = Some((api, backend));
        self
    }

    /// The smallest gap between two calls: `per / calls` and the 1% margin.
    pub fn spacing(&self) -> Duration {
        let exact = self.per / self.calls;
        exact.saturating_add(exact / 100)
    }

    /// Waits until a call may go out, and claims its slot.
    pub async fn acquire(&self) {
        // Without a deadline the wait is never refused.
        let _ = self.acquire_before(None).await;
    }

    /// Like [`RateLimit::acquire`], but refuses at once, without waiting, when the slot would
    /// come after `deadline` ([`LimitError::TooLate`] with the wait it refused), and fails when
    /// a shared backend cannot be reached and does not fall back.
    pub async fn acquire_before(&self, deadline: Option<Instant>) -> Result<(), LimitError> {
        if let Some((api, backend)) = &self.shared {
            let max_wait = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            match backend.reserve(api, self.spacing(), max_wait).await {
                Ok(wait) => {
                    if !wait.is_zero() {
                        tracing::debug!(
                            wait_ms = wait.as_millis() as u64,
                            "shared rate limit: waiting for the reserved slot"
                        );
                        tokio::time::sleep(wait).await;
                    }
                    return Ok(());
                }
                Err(LimitError::Unavailable(why)) if backend.falls_back() => {
                    tracing::warn!(
                        %why,
                        "shared rate limit unreachable; this call is paced by the in-process limit only"
                    );
                }
                Err(e) => return Err(e),
            }
        }
        loop {
            match self.gcra.check() {
                Ok(()) => return Ok(()),
                Err(not_until) => {
                    let wait = not_until.wait_time_from(DefaultClock::default().now());
                    if deadline
                        .is_some_and(|d| Instant::now().checked_add(wait).is_none_or(|t| t > d))
                    {
                        return Err(LimitError::TooLate(wait));
                    }
                    tracing::debug!(
                        wait_ms = wait.as_millis() as u64,
                        "rate limit: waiting for a slot"
                    );
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

/// The server's own word on its window: the moment before which, by the last answer that said
/// no calls are left, no call should be sent. Shared by every clone of one client.
#[derive(Debug, Default)]
pub struct ServerWindow {
    until: Mutex<Option<Instant>>,
}

impl ServerWindow {
    /// Holds later calls until `wait` from now. An earlier hold that ends later stands: answers
    /// to calls sent at once arrive in any order, and the later reset is the safe one.
    pub fn hold_for(&self, wait: Duration) {
        let Some(end) = Instant::now().checked_add(wait) else {
            return;
        };
        let mut until = self.until.lock().unwrap_or_else(|e| e.into_inner());
        if until.is_none_or(|u| u < end) {
            *until = Some(end);
        }
    }

    /// How long a call must still wait, `None` when it may go now (the hold is then dropped).
    pub fn wait(&self) -> Option<Duration> {
        let mut until = self.until.lock().unwrap_or_else(|e| e.into_inner());
        let left = (*until)?.saturating_duration_since(Instant::now());
        if left.is_zero() {
            *until = None;
            return None;
        }
        Some(left)
    }
}

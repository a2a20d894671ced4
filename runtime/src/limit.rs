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

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter as Gcra};

/// The largest spacing between two calls a limit may ask for: one day. Larger ones are refused
/// when the client is built (governor counts in nanoseconds, and no API here needs more).
pub const MAX_SPACING: Duration = Duration::from_secs(24 * 3600);

/// A limit shared by every clone of one client.
#[derive(Clone)]
pub struct RateLimit {
    calls: u32,
    per: Duration,
    gcra: Arc<Gcra<NotKeyed, InMemoryState, DefaultClock>>,
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
        })
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
    /// come after `deadline`; the `Err` is the wait it refused.
    pub async fn acquire_before(&self, deadline: Option<Instant>) -> Result<(), Duration> {
        loop {
            match self.gcra.check() {
                Ok(()) => return Ok(()),
                Err(not_until) => {
                    let wait = not_until.wait_time_from(DefaultClock::default().now());
                    if deadline
                        .is_some_and(|d| Instant::now().checked_add(wait).is_none_or(|t| t > d))
                    {
                        return Err(wait);
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

//! Every call bounded: one deadline over all of a call (rate-limit wait, attempts, backoff and
//! `Retry-After` sleeps), a cap on every response body, and settings that cannot panic. Each
//! test runs against a local server on 127.0.0.1 with real sleeps, and prints the seconds it
//! measured (`cargo test -p clientgen-tests --test limits -- --nocapture`).

#[path = "support/faults.rs"]
#[allow(dead_code)]
mod fault_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clientgen_runtime::{BuildError, RetryPolicy, TransportBuilder, TransportErrorKind};
use clientgen_tests::{TEAMUP_API_KEY, TEAMUP_CALENDAR_KEY, received, serve_with};
use fault_support::{RawFault, RawServer};
use saas_clients::teamup;
use serde_json::json;
use wiremock::{Request, Respond, ResponseTemplate};

/// No test call may take longer than this, whatever the runtime does.
const LIMIT: Duration = Duration::from_secs(20);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn event() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"event": {
        "id": "123", "subcalendar_ids": [1], "start_dt": "2015-06-17T06:00:00-0400",
        "end_dt": "2015-06-17T07:00:00-0400", "all_day": false, "title": "Demo"
    }}))
}

fn error_500() -> ResponseTemplate {
    ResponseTemplate::new(500)
        .set_body_json(json!({"error": {"id": "unexpected_error", "title": "T", "message": "M"}}))
}

fn make(uri: String, adjust: impl FnOnce(TransportBuilder) -> TransportBuilder) -> teamup::Client {
    teamup::Client::builder(TEAMUP_CALENDAR_KEY, TEAMUP_API_KEY)
        .transport(|t| adjust(t.base_url(uri).allow_http(true)))
        .build()
        .expect("client builds")
}

/// Runs `get_event` with an optional per-call timeout; the result and the seconds it took.
async fn timed_get(
    client: &teamup::Client,
    per_call: Option<Duration>,
) -> (Result<(), teamup::Error>, Duration) {
    let started = Instant::now();
    let mut call = client.get_event("123");
    if let Some(t) = per_call {
        call = call.timeout(t);
    }
    let result = tokio::time::timeout(LIMIT, call.send())
        .await
        .expect("the call ends");
    (result.map(|_| ()), started.elapsed())
}

fn is_deadline(r: &Result<(), teamup::Error>) -> bool {
    matches!(r, Err(teamup::Error::Deadline(_)))
}

// ---------------------------------------------------------------------------------------------
// One deadline per call
// ---------------------------------------------------------------------------------------------

/// A 503 asking for 30 s when the call has 1 s: refused at once, naming the wait, with the
/// response kept.
#[tokio::test]
async fn a_retry_after_past_the_deadline_returns_at_once() {
    let server = serve_with(
        error_500()
            .set_body_string("busy")
            .insert_header("Retry-After", "30"),
    )
    .await;
    let client = make(server.uri(), |t| {
        t.timeout(ms(1000)).retry(RetryPolicy {
            retry_statuses: vec![500],
            ..teamup::retry_policy()
        })
    });
    let (result, elapsed) = timed_get(&client, None).await;
    println!(
        "Retry-After: 30 with a 1 s timeout: returned after {:.3} s",
        elapsed.as_secs_f64()
    );
    let err = result.unwrap_err();
    assert!(matches!(err, teamup::Error::Deadline(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("Retry-After wait of 30s"), "{text}");
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(500),
        "the response is kept"
    );
    assert!(elapsed < ms(500), "{elapsed:?}");
    assert_eq!(received(&server).await.len(), 1);
}

/// Twenty attempts with 200–400 ms backoff would take about 6 s; with a 1.5 s timeout the call
/// ends within it, having made the attempts that fit.
#[tokio::test]
async fn backoff_and_attempts_stay_within_the_deadline() {
    let server = serve_with(error_500()).await;
    let client = make(server.uri(), |t| {
        t.timeout(ms(1500)).retry(RetryPolicy {
            max_attempts: 20,
            initial_backoff: ms(200),
            max_backoff: ms(200),
            ..teamup::retry_policy()
        })
    });
    let (result, elapsed) = timed_get(&client, None).await;
    let requests = received(&server).await.len();
    println!(
        "20 attempts, 200 ms backoff, 1.5 s timeout: ended after {:.3} s, {requests} attempts",
        elapsed.as_secs_f64()
    );
    assert!(is_deadline(&result), "{result:?}");
    assert!(elapsed <= ms(1600), "{elapsed:?}");
    assert!((3..20).contains(&requests), "{requests}");
}

/// A server slower than the call's timeout, with retries allowed: one attempt gets the whole
/// second, and no retry or backoff runs past it.
#[tokio::test]
async fn a_slow_server_and_its_retries_share_one_deadline() {
    let server = serve_with(event().set_delay(ms(3000))).await;
    let client = make(server.uri(), |t| t.timeout(ms(1000)));
    let (result, elapsed) = timed_get(&client, None).await;
    println!(
        "3 s server, 1 s timeout, 3 attempts allowed: ended after {:.3} s",
        elapsed.as_secs_f64()
    );
    assert!(result.is_err());
    assert!(ms(900) <= elapsed && elapsed <= ms(1300), "{elapsed:?}");
    // The per-call timeout is the same single deadline.
    let client = make(server.uri(), |t| t);
    let (result, elapsed) = timed_get(&client, Some(ms(500))).await;
    println!(
        "3 s server, .timeout(500 ms): ended after {:.3} s",
        elapsed.as_secs_f64()
    );
    assert!(result.is_err());
    assert!(ms(400) <= elapsed && elapsed <= ms(800), "{elapsed:?}");
}

/// A rate-limit slot 10 s away is not waited for by a call with 1 s left.
#[tokio::test]
async fn the_rate_limit_wait_counts_against_the_deadline() {
    let server = serve_with(event()).await;
    let client = make(server.uri(), |t| t.rate_limit(1, Duration::from_secs(10)));
    assert!(timed_get(&client, None).await.0.is_ok());
    let (result, elapsed) = timed_get(&client, Some(ms(1000))).await;
    println!(
        "rate-limit slot 10 s away, 1 s timeout: refused after {:.3} s",
        elapsed.as_secs_f64()
    );
    let text = result.unwrap_err().to_string();
    assert!(text.contains("rate limit"), "{text}");
    assert!(elapsed < ms(200), "{elapsed:?}");
    assert_eq!(received(&server).await.len(), 1);
}

/// Answers the first request after `first_delay`, the others at once.
struct SlowFirst {
    seen: AtomicUsize,
    first_delay: Duration,
}

impl Respond for SlowFirst {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        match self.seen.fetch_add(1, Ordering::SeqCst) {
            0 => event().set_delay(self.first_delay),
            _ => event(),
        }
    }
}

/// With an attempt timeout, a hung first attempt leaves the rest of the call to a retry.
#[tokio::test]
async fn an_attempt_timeout_leaves_time_for_a_retry() {
    let server = serve_with(ResponseTemplate::new(200)).await;
    server.reset().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(SlowFirst {
            seen: AtomicUsize::new(0),
            first_delay: ms(5000),
        })
        .mount(&server)
        .await;
    let client = make(server.uri(), |t| {
        t.timeout(ms(4000))
            .attempt_timeout(ms(300))
            .retry(RetryPolicy {
                initial_backoff: ms(100),
                ..teamup::retry_policy()
            })
    });
    let (result, elapsed) = timed_get(&client, None).await;
    println!(
        "hung first attempt, 300 ms attempt timeout: answered after {:.3} s",
        elapsed.as_secs_f64()
    );
    result.unwrap();
    assert!(elapsed < ms(1500), "{elapsed:?}");
    assert_eq!(received(&server).await.len(), 2);
}

/// The attempt's bound covers reading the body, not only waiting for the headers: a body that
/// stops arriving ends the call at its timeout, as a transport timeout that names the bound.
#[tokio::test]
async fn a_body_that_stops_arriving_ends_at_the_timeout() {
    let server = RawServer::start(RawFault::StalledBody).await;
    let client = make(server.uri(), |t| {
        t.timeout(ms(400)).retry(RetryPolicy::none())
    });
    let (result, elapsed) = timed_get(&client, None).await;
    let Err(teamup::Error::Transport(e)) = &result else {
        panic!("{result:?}");
    };
    assert_eq!(e.kind, TransportErrorKind::Timeout, "{e}");
    let bound = e
        .source
        .downcast_ref::<clientgen_runtime::AttemptTimedOut>()
        .unwrap_or_else(|| panic!("not the attempt's own timer: {e}"));
    assert!(bound.0 <= ms(400) && bound.0 > ms(300), "{bound:?}");
    println!(
        "stalled body, 400 ms timeout: ended after {:.3} s",
        elapsed.as_secs_f64()
    );
    assert!(elapsed >= ms(390) && elapsed < ms(1500), "{elapsed:?}");
}

// ---------------------------------------------------------------------------------------------
// Bounded memory
// ---------------------------------------------------------------------------------------------

/// A 2 GiB `Content-Length` is refused before the body is read, with the default cap.
#[tokio::test]
async fn a_huge_declared_body_is_refused_before_reading() {
    let server = RawServer::start(RawFault::HugeBody { declared: 2 << 30 }).await;
    let client = make(server.uri(), |t| t);
    let (result, elapsed) = timed_get(&client, None).await;
    let Err(teamup::Error::BodyTooLarge(e)) = &result else {
        panic!("{result:?}");
    };
    assert_eq!((e.limit, e.declared), (32 << 20, Some(2 << 30)));
    println!(
        "2 GiB declared: refused after {:.3} s; server wrote {} KiB before the client hung up",
        elapsed.as_secs_f64(),
        server.body_bytes_sent() >> 10
    );
    assert!(elapsed < ms(2000), "{elapsed:?}");
}

/// An endless chunked body stops at the cap, and the connection is dropped.
#[tokio::test]
async fn an_endless_body_stops_at_the_cap() {
    let server = RawServer::start(RawFault::EndlessBody).await;
    let client = make(server.uri(), |t| t.max_body(1 << 20));
    let (result, elapsed) = timed_get(&client, None).await;
    let Err(teamup::Error::BodyTooLarge(e)) = &result else {
        panic!("{result:?}");
    };
    assert_eq!((e.limit, e.declared), (1 << 20, None));
    tokio::time::sleep(ms(200)).await;
    let sent = server.body_bytes_sent();
    println!(
        "endless body, 1 MiB cap: refused after {:.3} s; server wrote {} KiB in all",
        elapsed.as_secs_f64(),
        sent >> 10
    );
    // The cap, plus what the sockets' buffers hold.
    assert!(sent < 16 << 20, "{sent}");
}

/// The cap is per call too, either way.
#[tokio::test]
async fn the_cap_can_be_set_per_call() {
    let server = serve_with(event()).await;
    let client = make(server.uri(), |t| t.max_body(10));
    let err = client.get_event("123").await.unwrap_err();
    assert!(matches!(err, teamup::Error::BodyTooLarge(_)), "{err:?}");
    assert!(err.to_string().contains("10-byte cap"), "{err}");
    client.get_event("123").max_body(1 << 20).await.unwrap();
    let client = make(server.uri(), |t| t);
    let err = client.get_event("123").max_body(0).await.unwrap_err();
    assert!(matches!(err, teamup::Error::BodyTooLarge(_)), "{err:?}");
}

/// A 1 MiB error page is kept as its first 16 KiB.
#[tokio::test]
async fn an_error_body_is_kept_as_an_excerpt() {
    let server =
        serve_with(ResponseTemplate::new(400).set_body_raw(vec![b'x'; 1 << 20], "text/html")).await;
    let client = make(server.uri(), |t| t);
    let err = client.get_event("123").await.unwrap_err();
    let body = &err.response().expect("a response").body;
    assert_eq!(body.len(), 16 * 1024);
}

// ---------------------------------------------------------------------------------------------
// Careless settings
// ---------------------------------------------------------------------------------------------

fn build(
    adjust: impl FnOnce(TransportBuilder) -> TransportBuilder,
) -> Result<teamup::Client, BuildError> {
    teamup::Client::builder(TEAMUP_CALENDAR_KEY, TEAMUP_API_KEY)
        .transport(|t| adjust(t.base_url("http://127.0.0.1:9").allow_http(true)))
        .build()
}

fn refused(r: Result<teamup::Client, BuildError>, setting: &str) {
    match r {
        Err(BuildError::Setting { setting: s, reason }) => {
            assert_eq!(s, setting, "{reason}");
            println!("refused: {}", BuildError::Setting { setting: s, reason });
        }
        other => panic!("{setting}: {other:?}"),
    }
}

#[test]
fn a_rate_limit_of_one_per_duration_max_is_refused() {
    refused(build(|t| t.rate_limit(1, Duration::MAX)), "rate_limit");
    refused(
        build(|t| t.rate_limit(u32::MAX, Duration::MAX)),
        "rate_limit",
    );
    refused(build(|t| t.rate_limit(5, Duration::ZERO)), "rate_limit");
    refused(
        build(|t| t.rate_limit(u32::MAX, Duration::from_nanos(1))),
        "rate_limit",
    );
    build(|t| t.rate_limit(1, Duration::from_secs(24 * 3600))).expect("one a day is fine");
    build(|t| t.rate_limit(0, Duration::MAX)).expect("0 calls means no limit");
}

#[test]
fn zero_timeouts_are_refused() {
    refused(build(|t| t.timeout(Duration::ZERO)), "timeout");
    refused(
        build(|t| t.connect_timeout(Duration::ZERO)),
        "connect_timeout",
    );
    refused(
        build(|t| t.attempt_timeout(Duration::ZERO)),
        "attempt_timeout",
    );
}

#[test]
fn zero_attempts_are_refused() {
    let policy = RetryPolicy {
        max_attempts: 0,
        ..teamup::retry_policy()
    };
    refused(build(|t| t.retry(policy)), "retry");
}

/// Maximal timeouts mean no deadline; the call works.
#[tokio::test]
async fn maximal_timeouts_behave() {
    let server = serve_with(event()).await;
    let client = make(server.uri(), |t| {
        t.timeout(Duration::MAX)
            .connect_timeout(Duration::MAX)
            .attempt_timeout(Duration::MAX)
    });
    assert!(timed_get(&client, None).await.0.is_ok());
    assert!(timed_get(&client, Some(Duration::MAX)).await.0.is_ok());
    let (result, _) = timed_get(&client, Some(Duration::ZERO)).await;
    assert!(
        is_deadline(&result),
        "a zero per-call timeout fails at once: {result:?}"
    );
}

/// Backoffs of `Duration::MAX` never overflow: the wait is refused by the deadline. Zero
/// backoffs retry at once.
#[tokio::test]
async fn extreme_backoffs_behave() {
    let server = serve_with(error_500()).await;
    let client = make(server.uri(), |t| {
        t.timeout(ms(1000)).retry(RetryPolicy {
            max_attempts: u32::MAX,
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            ..teamup::retry_policy()
        })
    });
    let (result, elapsed) = timed_get(&client, None).await;
    assert!(is_deadline(&result), "{result:?}");
    assert!(elapsed < ms(500));
    let client = make(server.uri(), |t| {
        t.timeout(ms(1000)).retry(RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            ..teamup::retry_policy()
        })
    });
    let (result, _) = timed_get(&client, None).await;
    assert!(matches!(result, Err(teamup::Error::Api(_))), "{result:?}");
    assert_eq!(received(&server).await.len(), 1 + 4);
}

/// A base URL with user info is refused, and its password is never printed.
#[test]
fn a_base_url_with_user_info_is_refused_without_printing_the_password() {
    let builder = TransportBuilder::new("teamup", "https://user:hunter2@api.example.com/v1");
    let shown = format!("{builder:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    let err = builder.build().unwrap_err();
    let (display, debug) = (err.to_string(), format!("{err:?}"));
    println!("refused: {display}");
    assert!(matches!(err, BuildError::BaseUrl { .. }), "{debug}");
    for text in [&display, &debug] {
        assert!(
            !text.contains("hunter2") && text.contains("[REDACTED]"),
            "{text}"
        );
    }
    let err = teamup::Client::builder(TEAMUP_CALENDAR_KEY, TEAMUP_API_KEY)
        .transport(|t| t.base_url("https://user@api.example.com"))
        .build()
        .unwrap_err();
    assert!(matches!(err, BuildError::BaseUrl { .. }), "{err:?}");
    // A password that does not even parse is not printed either.
    let err = TransportBuilder::new("teamup", "https://user:hun ter2@[bad/")
        .build()
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hun ter2"), "{err:?}");
}

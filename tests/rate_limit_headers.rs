//! The server's own rate-limit count: Teamleader v2 declares `X-RateLimit-Remaining` and
//! `X-RateLimit-Reset` (an ISO 8601 time) under `rate_limit.headers`, and the runtime holds the
//! next call of every clone after `Remaining: 0`, retries a 429 at its reset, and counts both
//! waits against the call's deadline. Hostile values (garbage, a reset in the past, one in the
//! year 9999) must neither panic nor hang.
//!
//! Each test talks HTTP to a local wiremock server on 127.0.0.1 and is bounded by [`LIMIT`]. The
//! one test that must show real time passing (`remaining_zero_holds_the_next_call_of_every_clone`)
//! uses a real reset 1 s ahead and checks when the next requests arrived at the server; the
//! others record the waits the transport asks its sleeper for, so they are exact and take no
//! time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use chrono::{FixedOffset, Utc};
use clientgen_runtime::Sleeper;
use clientgen_runtime::oauth::{OAuthSession, TokenPair};
use clientgen_tests::RecordingStore;
use saas_clients::teamleader_v2::{self, types};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// No test call may take longer than this, whatever the runtime does.
const LIMIT: Duration = Duration::from_secs(15);

const ID: &str = "cde0bc5f-8602-4e12-b5d3-f03436b54c0d";

/// The reset `ahead` from now, written as the document writes it (`+0100`, milliseconds), and
/// the instant it names (cut to the millisecond, as written).
fn iso_reset(ahead: Duration) -> (SystemTime, String) {
    let exact = SystemTime::now() + ahead;
    let millis = exact
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let at = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).unwrap());
    let text = chrono::DateTime::<Utc>::from(at)
        .with_timezone(&FixedOffset::east_opt(3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%.3f%z")
        .to_string();
    (at, text)
}

/// Answers the `n`-th request (from 0) with `answer(n)`, and records when each arrived.
struct Scripted<F> {
    arrivals: Arc<Mutex<Vec<SystemTime>>>,
    answer: F,
}

impl<F: Fn(usize) -> ResponseTemplate + Send + Sync> Respond for Scripted<F> {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap();
        arrivals.push(SystemTime::now());
        (self.answer)(arrivals.len() - 1)
    }
}

/// A server answering with `answer(n)`, and the arrival times of the requests it got.
async fn serve(
    answer: impl Fn(usize) -> ResponseTemplate + Send + Sync + 'static,
) -> (MockServer, Arc<Mutex<Vec<SystemTime>>>) {
    let server = MockServer::start().await;
    let arrivals: Arc<Mutex<Vec<SystemTime>>> = Arc::default();
    Mock::given(any())
        .respond_with(Scripted {
            arrivals: Arc::clone(&arrivals),
            answer,
        })
        .mount(&server)
        .await;
    (server, arrivals)
}

fn client_with(server: &MockServer, sleeper: Option<Sleeper>) -> teamleader_v2::Client {
    // The client's `allow_http(true)` below lets the session use this plain-HTTP token URL.
    let config = teamleader_v2::oauth_config("client", "secret", "https://app.example/cb")
        .with_token_url(format!("{}/oauth2/access_token", server.uri()));
    let pair = TokenPair {
        access_token: "AT".into(),
        refresh_token: "RT".into(),
        expires_at: SystemTime::now() + Duration::from_secs(3600),
    };
    let session = OAuthSession::new(config, pair, Arc::new(RecordingStore::default()));
    teamleader_v2::Client::builder(session)
        .transport(|t| {
            let t = t.base_url(server.uri()).allow_http(true);
            match sleeper {
                Some(s) => t.sleeper(s),
                None => t,
            }
        })
        .build()
        .expect("client builds")
}

/// A sleeper that records every wait the transport asks for and returns at once.
fn recording() -> (Sleeper, Arc<Mutex<Vec<Duration>>>) {
    let waits: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let record = Arc::clone(&waits);
    let sleeper = Sleeper::new(move |d| {
        record.lock().unwrap().push(d);
        Box::pin(async {})
    });
    (sleeper, waits)
}

/// `contacts.delete` (a write, answered 204), bounded by [`LIMIT`].
async fn delete(
    client: &teamleader_v2::Client,
    timeout: Option<Duration>,
) -> Result<(), teamleader_v2::Error> {
    let body = types::IdRequest::new(ID.to_owned());
    let mut call = client.contacts_delete(&body);
    if let Some(t) = timeout {
        call = call.timeout(t);
    }
    tokio::time::timeout(LIMIT, call.send())
        .await
        .expect("the call ends")
        .map(|_| ())
}

fn limited(remaining: &str, reset: &str) -> ResponseTemplate {
    ResponseTemplate::new(204)
        .insert_header("X-RateLimit-Limit", "200")
        .insert_header("X-RateLimit-Remaining", remaining)
        .insert_header("X-RateLimit-Reset", reset)
}

fn too_many(reset: &str) -> ResponseTemplate {
    ResponseTemplate::new(429)
        .set_body_raw(
            br#"{"errors":[{"title":"Too Many Requests"}]}"#.to_vec(),
            "application/json",
        )
        .insert_header("X-RateLimit-Remaining", "0")
        .insert_header("X-RateLimit-Reset", reset)
}

/// `Remaining: 0` with a reset 1 s ahead: the next calls of two other clones, started at once,
/// both reach the server no earlier than the reset (by the server's clock, the same machine's).
#[tokio::test]
async fn remaining_zero_holds_the_next_call_of_every_clone() {
    let reset = Arc::new(Mutex::new(None));
    let written = Arc::clone(&reset);
    let (server, arrivals) = serve(move |n| {
        if n == 0 {
            let (at, text) = iso_reset(Duration::from_secs(1));
            *written.lock().unwrap() = Some(at);
            limited("0", &text)
        } else {
            limited("199", &iso_reset(Duration::from_secs(60)).1)
        }
    })
    .await;
    let client = client_with(&server, None);

    delete(&client, None).await.unwrap();
    let (a, b) = (client.clone(), client.clone());
    let (first, second) = tokio::join!(delete(&a, None), delete(&b, None));
    first.unwrap();
    second.unwrap();

    let reset = reset
        .lock()
        .unwrap()
        .expect("the first answer named a reset");
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 3, "every call was sent once");
    for (i, at) in arrivals[1..].iter().enumerate() {
        let early = reset.duration_since(*at).ok();
        assert!(
            early.is_none(),
            "call {} arrived {early:?} before the reset",
            i + 2
        );
    }
    println!(
        "held after Remaining: 0; later calls arrived {:?} and {:?} after the reset",
        arrivals[1].duration_since(reset).unwrap(),
        arrivals[2].duration_since(reset).unwrap()
    );
}

/// The same hold, measured as the wait the transport asks for: about the 2 s to the reset.
#[tokio::test]
async fn remaining_zero_waits_for_the_reset_it_names() {
    let (server, arrivals) = serve(|n| match n {
        0 => limited("0", &iso_reset(Duration::from_secs(2)).1),
        _ => limited("5", &iso_reset(Duration::from_secs(2)).1),
    })
    .await;
    let (sleeper, waits) = recording();
    let client = client_with(&server, Some(sleeper));

    delete(&client, None).await.unwrap();
    assert!(
        waits.lock().unwrap().is_empty(),
        "the first call is not held"
    );
    delete(&client.clone(), None).await.unwrap();

    let waits = waits.lock().unwrap().clone();
    assert_eq!(waits.len(), 1, "{waits:?}");
    assert!(
        waits[0] > Duration::from_millis(1500) && waits[0] <= Duration::from_secs(2),
        "{waits:?}"
    );
    assert_eq!(arrivals.lock().unwrap().len(), 2);
}

/// A 429 naming a reset 1 s ahead is retried once, at the reset, not after the policy's 2 s
/// backoff; the retry succeeds.
#[tokio::test]
async fn a_429_is_retried_at_its_reset_once() {
    let reset = Arc::new(Mutex::new(None));
    let written = Arc::clone(&reset);
    let (server, arrivals) = serve(move |n| {
        if n == 0 {
            let (at, text) = iso_reset(Duration::from_secs(1));
            *written.lock().unwrap() = Some(at);
            too_many(&text)
        } else {
            ResponseTemplate::new(204)
        }
    })
    .await;
    let waits: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let record = Arc::clone(&waits);
    // Records, and really sleeps, so that the arrival time shows the wait too.
    let sleeper = Sleeper::new(move |d| {
        record.lock().unwrap().push(d);
        Box::pin(tokio::time::sleep(d))
    });
    let client = client_with(&server, Some(sleeper));

    delete(&client, None).await.unwrap();

    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 2, "one retry");
    let reset = reset.lock().unwrap().unwrap();
    assert!(
        reset.duration_since(arrivals[1]).is_err(),
        "the retry arrived before the reset"
    );
    let waits = waits.lock().unwrap();
    assert!(
        waits[0] <= Duration::from_secs(1) && waits[0] > Duration::from_millis(500),
        "the retry waits for the reset, not the 2 s backoff: {waits:?}"
    );
    let total: Duration = waits.iter().sum();
    assert!(
        total < Duration::from_millis(1100),
        "no wait twice: {waits:?}"
    );
    println!(
        "429 with a reset 1 s ahead: retried once after waiting {total:?}, {:?} after the reset",
        arrivals[1].duration_since(reset).unwrap()
    );
}

/// `Remaining: 0` with a reset 20 s ahead and a call with 5 s left: refused at once with
/// `Error::Deadline` naming the wait, and not sent.
#[tokio::test]
async fn a_hold_past_the_deadline_fails_at_once() {
    let (server, arrivals) = serve(|_| limited("0", &iso_reset(Duration::from_secs(20)).1)).await;
    let client = client_with(&server, None);
    delete(&client, None).await.unwrap();

    let started = std::time::Instant::now();
    let err = delete(&client, Some(Duration::from_secs(5)))
        .await
        .unwrap_err();
    let took = started.elapsed();

    let teamleader_v2::Error::Deadline(e) = &err else {
        panic!("{err:?}");
    };
    assert!(e.during.contains("rate-limit reset"), "{err}");
    assert!(took < Duration::from_secs(4), "waited {took:?}");
    assert_eq!(
        arrivals.lock().unwrap().len(),
        1,
        "the second call was not sent"
    );
    println!("refused after {took:?}: {err}");
}

/// A 429 whose reset is 20 s ahead, for a call with 5 s: `Error::Deadline` at once, keeping
/// the 429.
#[tokio::test]
async fn a_429_reset_past_the_deadline_fails_at_once() {
    let (server, arrivals) = serve(|_| too_many(&iso_reset(Duration::from_secs(20)).1)).await;
    let (sleeper, waits) = recording();
    let client = client_with(&server, Some(sleeper));

    let err = delete(&client, Some(Duration::from_secs(5)))
        .await
        .unwrap_err();

    let teamleader_v2::Error::Deadline(e) = &err else {
        panic!("{err:?}");
    };
    assert!(e.during.contains("rate-limit reset"), "{err}");
    assert_eq!(
        e.response.as_ref().map(|r| r.status.as_u16()),
        Some(429),
        "{err}"
    );
    assert!(waits.lock().unwrap().is_empty(), "no wait at all");
    assert_eq!(arrivals.lock().unwrap().len(), 1);
}

/// Resets that must not hold the next call: garbage, no offset, in the past, in the year 9999
/// (past the 120 s cap), and `Remaining` values that are not `0`. The next call goes out at once.
#[tokio::test]
async fn hostile_values_never_hold_the_next_call() {
    let past = iso_reset(Duration::ZERO).1; // already past when the next call goes
    let cases: Vec<(&str, String)> = vec![
        ("0", "soon".to_owned()),
        ("0", "".to_owned()),
        ("0", "2021-06-15T10:51:23".to_owned()),
        ("0", "2021-06-15T10:51:23.035+0100".to_owned()),
        ("0", past),
        ("0", "9999-12-31T23:59:59.999+0100".to_owned()),
        ("0", "99999999999999999999-01-01T00:00:00Z".to_owned()),
        ("-1", iso_reset(Duration::from_secs(30)).1),
        ("lots", iso_reset(Duration::from_secs(30)).1),
        ("3", iso_reset(Duration::from_secs(30)).1),
    ];
    for (remaining, reset) in cases {
        let first = limited(remaining, &reset);
        let (server, arrivals) = serve(move |n| match n {
            0 => first.clone(),
            _ => ResponseTemplate::new(204),
        })
        .await;
        let (sleeper, waits) = recording();
        let client = client_with(&server, Some(sleeper));
        delete(&client, None).await.unwrap();
        delete(&client, None).await.unwrap();
        assert!(
            waits.lock().unwrap().is_empty(),
            "Remaining {remaining:?}, Reset {reset:?}: held for {:?}",
            waits.lock().unwrap()
        );
        assert_eq!(arrivals.lock().unwrap().len(), 2);
    }
    // No `X-RateLimit-Reset` at all.
    let (server, _) =
        serve(|_| ResponseTemplate::new(204).insert_header("X-RateLimit-Remaining", "0")).await;
    let (sleeper, waits) = recording();
    let client = client_with(&server, Some(sleeper));
    delete(&client, None).await.unwrap();
    delete(&client, None).await.unwrap();
    assert!(waits.lock().unwrap().is_empty());
}

/// A 429 with a reset in the year 9999 is not waited out (over the 120 s cap, as a long
/// `Retry-After`): the 429 is returned after one request.
#[tokio::test]
async fn a_429_with_a_huge_reset_is_returned() {
    let (server, arrivals) = serve(|_| too_many("9999-12-31T23:59:59.999+0100")).await;
    let (sleeper, waits) = recording();
    let client = client_with(&server, Some(sleeper));

    let err = delete(&client, None).await.unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(429), "{err:?}");
    assert_eq!(arrivals.lock().unwrap().len(), 1);
    assert!(
        waits.lock().unwrap().is_empty(),
        "{:?}",
        waits.lock().unwrap()
    );
    // 119 s is under the cap: waited for (here, recorded), then retried.
    let (server, arrivals) = serve(|n| match n {
        0 => too_many(&iso_reset(Duration::from_secs(119)).1),
        _ => ResponseTemplate::new(204),
    })
    .await;
    let (sleeper, waits) = recording();
    delete(
        &client_with(&server, Some(sleeper)),
        Some(Duration::from_secs(300)),
    )
    .await
    .unwrap();
    assert_eq!(arrivals.lock().unwrap().len(), 2);
    let waits = waits.lock().unwrap();
    assert!(
        waits[0] > Duration::from_secs(118) && waits[0] <= Duration::from_secs(119),
        "{waits:?}"
    );
}

/// A 429 whose reset does not parse falls back to its `Retry-After`, and without one to the
/// policy's backoff (2 s to 4 s); a reset already past retries without waiting.
#[tokio::test]
async fn a_429_without_a_usable_reset_falls_back() {
    let secs = Duration::from_secs;
    // The answer, and the shortest and longest wait it may give.
    let cases = [
        (
            too_many("garbage").insert_header("Retry-After", "1"),
            secs(1),
            secs(1),
        ),
        (too_many("garbage"), secs(2), secs(4)),
        (
            too_many("2021-06-15T10:51:23.035+0100").insert_header("Retry-After", "7"),
            Duration::ZERO,
            Duration::ZERO,
        ),
    ];
    for (i, (answer, shortest, longest)) in cases.into_iter().enumerate() {
        let (server, arrivals) = serve(move |n| match n {
            0 => answer.clone(),
            _ => ResponseTemplate::new(204),
        })
        .await;
        let (sleeper, waits) = recording();
        delete(&client_with(&server, Some(sleeper)), None)
            .await
            .unwrap();
        assert_eq!(arrivals.lock().unwrap().len(), 2, "case {i}");
        let waits = waits.lock().unwrap();
        assert_eq!(waits.len(), 1, "case {i}: {waits:?}");
        assert!(
            shortest <= waits[0] && waits[0] <= longest,
            "case {i}: {waits:?}"
        );
    }
}

//! The raw escape hatch, `client.raw_request(method, path)`, against local servers: a call the
//! spec does not describe (Teamleader v1's `helloWorld.php`) goes through the client's own
//! transport, so it carries the credentials, takes its slot of the rate limit, is retried as
//! generated operations are, and keeps the timeouts, the body cap and the redaction. Paths that
//! would leave the base URL are refused before anything is sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use clientgen_runtime::limit::{LimitBackend, SlotFuture};
use clientgen_runtime::{Error, Sleeper};
use clientgen_tests::{received, serve_with, single_request};
use saas_clients::prelude::Method;
use saas_clients::{teamleader_v1, teamup};
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Counts the slots the transport reserves, as a shared limit backend sees them.
#[derive(Default)]
struct CountingLimit {
    reserved: AtomicU32,
}

impl LimitBackend for CountingLimit {
    fn reserve<'a>(
        &'a self,
        api: &'static str,
        _spacing: Duration,
        _max_wait: Option<Duration>,
    ) -> SlotFuture<'a> {
        assert_eq!(api, "teamleader_v1");
        self.reserved.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(Duration::ZERO) })
    }
}

/// A v1 client with form credentials, a counted rate limit and retries that do not sleep.
fn v1(server: &MockServer) -> (teamleader_v1::Client, Arc<CountingLimit>) {
    let limit = Arc::new(CountingLimit::default());
    let backend = limit.clone();
    let client = teamleader_v1::Client::builder()
        .credentials(["GROUP", "SECRET"])
        .base_url(server.uri())
        .transport(|t| {
            t.allow_http(true)
                .limit_backend(backend)
                .sleeper(Sleeper::new(|_| Box::pin(async {})))
        })
        .build()
        .unwrap();
    (client, limit)
}

async fn bounded<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), work)
        .await
        .expect("the call ends")
}

#[tokio::test]
async fn hello_world_goes_through_the_clients_transport() {
    let server = serve_with(ResponseTemplate::new(200).set_body_string("Hello World!")).await;
    let (client, limit) = v1(&server);
    let answer = bounded(
        client
            .raw_request(Method::POST, "helloWorld.php")
            .form("greeting", "héllo & bye")
            .bytes(),
    )
    .await
    .unwrap();
    assert_eq!(&answer[..], b"Hello World!");
    assert_eq!(answer.status().as_u16(), 200);
    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), "/helloWorld.php");
    assert_eq!(req.url.query(), None);
    assert_eq!(
        req.headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        std::str::from_utf8(&req.body).unwrap(),
        "greeting=h%C3%A9llo%20%26%20bye&api_group=GROUP&api_secret=SECRET"
    );
    assert!(
        req.headers
            .get("user-agent")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("teamleader_v1")
    );
    assert_eq!(limit.reserved.load(Ordering::SeqCst), 1, "one slot taken");
}

/// Without a body, the form credentials are the whole form; a JSON answer decodes to a
/// `serde_json::Value`, an empty one to `Null`.
#[tokio::test]
async fn a_json_answer_is_a_value_and_an_empty_one_is_null() {
    let server =
        serve_with(ResponseTemplate::new(200).set_body_json(json!({"hello": [1, 2]}))).await;
    let (client, _) = v1(&server);
    let value = bounded(client.raw_request(Method::POST, "/helloWorld.php").send())
        .await
        .unwrap();
    assert_eq!(*value, json!({"hello": [1, 2]}));
    let req = single_request(&server).await;
    assert_eq!(
        std::str::from_utf8(&req.body).unwrap(),
        "api_group=GROUP&api_secret=SECRET"
    );

    let empty = serve_with(ResponseTemplate::new(200)).await;
    let (client, _) = v1(&empty);
    let value = bounded(client.raw_request(Method::POST, "helloWorld.php").send())
        .await
        .unwrap();
    assert_eq!(*value, serde_json::Value::Null);
}

/// Retries follow the client's policy as for generated operations: Teamleader v1's 505 (the
/// call was not carried out) is retried even for a POST; a 502 is retried only for an
/// idempotent method. Every attempt takes its own rate-limit slot.
#[tokio::test]
async fn retries_follow_the_policy_and_the_method() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(505))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    let (client, limit) = v1(&server);
    let answer = bounded(client.raw_request(Method::POST, "helloWorld.php").bytes())
        .await
        .unwrap();
    assert_eq!(&answer[..], b"ok");
    assert_eq!(received(&server).await.len(), 3);
    assert_eq!(limit.reserved.load(Ordering::SeqCst), 3);

    let bad_gateway = serve_with(ResponseTemplate::new(502)).await;
    let (client, _) = v1(&bad_gateway);
    let err = bounded(client.raw_request(Method::POST, "helloWorld.php").bytes())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(
        received(&bad_gateway).await.len(),
        1,
        "a POST is not repeated"
    );
    let err = bounded(client.raw_request(Method::GET, "helloWorld.php").bytes())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(
        received(&bad_gateway).await.len(),
        1 + 5,
        "a GET is tried up to the policy's 5 attempts"
    );
}

/// Paths that would leave the base URL, and headers that could inject others, are refused with
/// an error that says why; nothing reaches the server.
#[tokio::test]
async fn paths_outside_the_base_url_are_refused_before_sending() {
    let server = serve_with(ResponseTemplate::new(200)).await;
    let (client, limit) = v1(&server);
    for (path, why) in [
        ("https://evil.example/helloWorld.php", "scheme or host"),
        ("//evil.example/helloWorld.php", "scheme or host"),
        ("../helloWorld.php", "`..` segment"),
        ("/a/%2E%2e/helloWorld.php", "segment"),
        ("helloWorld.php?api_secret=x", "`.query(name, value)`"),
        ("hello World.php", "percent-encode"),
    ] {
        let err = bounded(client.raw_request(Method::POST, path).send())
            .await
            .unwrap_err();
        match &err {
            Error::InvalidRequest(e) => {
                assert_eq!(e.operation, "raw_request");
                assert!(e.reason.contains(why), "{path}: {}", e.reason);
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    let err = bounded(
        client
            .raw_request(Method::POST, "helloWorld.php")
            .header("x-note", "a\r\nx-evil: 1")
            .send(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("line break"), "{err}");
    assert!(received(&server).await.is_empty());
    assert_eq!(limit.reserved.load(Ordering::SeqCst), 0);
}

/// A Teamup raw call sends the key header, query pairs, extra headers and a JSON body; the body
/// cap and the call's timeout hold; errors never show the key or the real path.
#[tokio::test]
async fn teamup_raw_calls_carry_the_key_and_keep_the_limits() {
    let server =
        serve_with(ResponseTemplate::new(200).set_body_json(json!({"events": [], "timestamp": 1})))
            .await;
    let client = teamup::Client::builder("ks73ad", "api-key-123")
        .base_url(server.uri())
        .transport(|t| t.allow_http(true))
        .build()
        .unwrap();
    let value = bounded(
        client
            .raw_request(Method::PUT, "/ks73ad/events/7")
            .query("tz", "Europe/Brussels")
            .header("x-trace", "t1")
            .json(&json!({"title": "x"}))
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(value["timestamp"], 1);
    let req = single_request(&server).await;
    assert_eq!(req.method.as_str(), "PUT");
    assert_eq!(req.url.path(), "/ks73ad/events/7");
    assert_eq!(req.url.query(), Some("tz=Europe%2FBrussels"));
    assert_eq!(req.headers.get("teamup-token").unwrap(), "api-key-123");
    assert_eq!(req.headers.get("x-trace").unwrap(), "t1");
    assert_eq!(req.headers.get("content-type").unwrap(), "application/json");
    assert_eq!(req.body, br#"{"title":"x"}"#);

    let err = bounded(
        client
            .raw_request(Method::GET, "/ks73ad/events")
            .max_body(4)
            .send(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge(_)), "{err:?}");
    let shown = format!("{err} {err:?} {client:?}");
    assert!(
        !shown.contains("api-key-123") && !shown.contains("ks73ad"),
        "{shown}"
    );

    let slow = serve_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    let client = teamup::Client::builder("ks73ad", "api-key-123")
        .base_url(slow.uri())
        .transport(|t| {
            t.allow_http(true)
                .retry(clientgen_runtime::RetryPolicy::none())
        })
        .build()
        .unwrap();
    let err = bounded(
        client
            .raw_request(Method::GET, "ks73ad/events")
            .timeout(Duration::from_millis(200))
            .send(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::Deadline(_) | Error::Transport(_)),
        "{err:?}"
    );
}
